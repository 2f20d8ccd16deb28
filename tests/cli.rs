//! The `gridpilot` command, run as a process: outputs, exit codes (0 solved, 2 not converged,
//! 1 refused) and one-line messages on bad input.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use gridpilot::io::{load_network, save_network};
use gridpilot::model::{Device, Network};
use serde_json::Value;

/// Far beyond any solve here: a command still running is hung, not slow.
const TIMEOUT: Duration = Duration::from_secs(60);

const TWO_BUS: &str = r#"(
    name: "two",
    base_mva: 100.0,
    buses: [(name: "A", base_kv: 20.0), (name: "B", base_kv: 20.0)],
    branches: [(name: "AB", from_bus: "A", to_bus: "B", r_pu: 0.01, x_pu: 0.02)],
    devices: [
        ExternalGrid(name: "grid", bus: "A"),
        Load(name: "load1", bus: "B", p_mw: 1.0, q_mvar: 0.2),
    ],
)
"#;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn read_all(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).unwrap();
        text
    })
}

/// Runs the command to completion, failing the test if it takes longer than `TIMEOUT`.
fn gridpilot<S: AsRef<OsStr>>(args: &[S]) -> Run {
    let args: Vec<OsString> = args.iter().map(|a| a.as_ref().to_owned()).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = read_all(child.stdout.take().unwrap());
    let stderr = read_all(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("gridpilot {args:?} still running after {TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/cases")
        .join(name)
}

/// Solves with `pf FILE --json` plus `extra`, expecting exit code `code`.
fn pf_json(file: &Path, extra: &[&str], code: i32) -> Value {
    let mut args = vec![OsStr::new("pf"), file.as_os_str(), OsStr::new("--json")];
    args.extend(extra.iter().map(OsStr::new));
    let run = gridpilot(&args);
    assert_eq!(run.code, Some(code), "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

/// Refused input: exit code 1, one line on stderr that starts with `gridpilot:`, contains every
/// fragment, and no panic.
fn assert_refused(run: &Run, fragments: &[&str]) {
    let message = run.stderr.trim();
    assert_eq!(run.code, Some(1), "stderr: {message}");
    assert!(!message.contains("panicked"), "{message}");
    assert!(!message.contains('\n'), "several lines: {message}");
    assert!(message.starts_with("gridpilot:"), "{message}");
    for f in fragments {
        assert!(message.contains(f), "message lacks {f:?}: {message}");
    }
}

/// Writes `contents` as `name` in a new temporary folder.
fn temp_file(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

#[test]
fn pf_json_reports_case14() {
    let out = pf_json(&case("case14.m"), &[], 0);
    assert_eq!(out["converged"], true);
    assert!(out["iterations"].as_u64().is_some_and(|i| i >= 1), "{out}");

    let buses = out["buses"].as_array().unwrap();
    let names: Vec<&str> = buses.iter().map(|b| b["name"].as_str().unwrap()).collect();
    let expected: Vec<String> = (1..=14).map(|i| i.to_string()).collect();
    assert_eq!(names, expected);
    for b in buses {
        let (vm, va) = (num(b, "vm_pu"), num(b, "va_deg"));
        assert!((0.9..1.1).contains(&vm) && va.abs() < 30.0, "{b}");
    }
    // The slack holds its setpoint.
    assert_eq!(
        (num(&buses[0], "vm_pu"), num(&buses[0], "va_deg")),
        (1.06, 0.0)
    );

    let branches = out["branches"].as_array().unwrap();
    assert_eq!(branches.len(), 20);
    let mut branch_losses = 0.0;
    for b in branches {
        assert!(b["from"].is_string() && b["to"].is_string(), "{b}");
        let (p_from, p_to) = (num(b, "p_from_mw"), num(b, "p_to_mw"));
        num(b, "q_from_mvar");
        num(b, "q_to_mvar");
        branch_losses += p_from + p_to;
    }
    let losses = num(&out, "losses_mw");
    assert!((losses - 13.393).abs() < 1e-3, "losses {losses} MW");
    assert!(
        (branch_losses - losses).abs() < 1e-6,
        "{branch_losses} vs {losses}"
    );
}

#[test]
fn pf_summary_says_converged() {
    let run = gridpilot(&[OsStr::new("pf"), case("case14.m").as_os_str()]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert!(run.stdout.contains("converged in"), "{}", run.stdout);
    assert!(run.stdout.contains("losses 13.393 MW"), "{}", run.stdout);
}

#[test]
fn non_convergence_exits_2() {
    let out = pf_json(&case("case14.m"), &["--max-iter", "1"], 2);
    assert_eq!(out["converged"], false);
    assert!(out["failure"].is_string(), "{out}");

    let c14 = case("case14.m");
    let run = gridpilot(&[
        OsStr::new("pf"),
        c14.as_os_str(),
        OsStr::new("--max-iter"),
        OsStr::new("1"),
    ]);
    assert_eq!(run.code, Some(2), "stderr: {}", run.stderr);
    assert!(run.stdout.contains("did NOT converge"), "{}", run.stdout);
}

/// The JSON devices are the network's, in order, and every generator's reactive output lies
/// within its limits.
fn check_generators(net: &Network, out: &Value) {
    let devices = out["devices"].as_array().unwrap();
    assert_eq!(devices.len(), net.devices.len());
    for (dev, d) in net.devices.iter().zip(devices) {
        assert_eq!(d["name"], dev.name());
        assert_eq!(d["kind"], dev.kind_name());
        assert_eq!(d["bus"], dev.bus());
        num(d, "p_mw");
        let q_mvar = num(d, "q_mvar");
        if let Device::Generator(g) = dev {
            assert!(
                q_mvar >= g.q_min_mvar - 1e-6 && q_mvar <= g.q_max_mvar + 1e-6,
                "{}: q = {q_mvar} MVAr outside [{}, {}]",
                g.name,
                g.q_min_mvar,
                g.q_max_mvar
            );
        }
    }
}

#[test]
fn enforce_q_limits_keeps_case14_generators_within_limits() {
    let file = case("case14.m");
    let net = load_network(&file).unwrap();
    let out = pf_json(&file, &["--enforce-q-limits"], 0);
    assert_eq!(out["converged"], true);
    check_generators(&net, &out);
}

#[test]
fn enforce_q_limits_holds_a_binding_limit() {
    // case14 with gen_2 (43.6 MVAr unconstrained) limited to 30 MVAr.
    let mut net = load_network(&case("case14.m")).unwrap();
    let Some(Device::Generator(g)) = net.devices.iter_mut().find(|d| d.name() == "gen_2") else {
        panic!("case14 has no gen_2");
    };
    g.q_max_mvar = 30.0;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tight.ron");
    save_network(&net, &file).unwrap();

    let q_of_gen_2 = |out: &Value| {
        let devices = out["devices"].as_array().unwrap();
        num(
            devices.iter().find(|d| d["name"] == "gen_2").unwrap(),
            "q_mvar",
        )
    };
    let free = pf_json(&file, &[], 0);
    assert!(q_of_gen_2(&free) > 31.0, "the limit does not bind: {free}");

    let out = pf_json(&file, &["--enforce-q-limits"], 0);
    assert_eq!(out["converged"], true);
    check_generators(&net, &out);
    assert!((q_of_gen_2(&out) - 30.0).abs() < 1e-6, "{out}");
}

#[test]
fn imported_ron_solves_like_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let ron = dir.path().join("tmp/x.ron");
    std::fs::create_dir(ron.parent().unwrap()).unwrap();
    let run = gridpilot(&[
        OsStr::new("import"),
        case("case14.m").as_os_str(),
        OsStr::new("-o"),
        ron.as_os_str(),
    ]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert!(run.stdout.contains("14 buses"), "{}", run.stdout);

    let from_m = pf_json(&case("case14.m"), &[], 0);
    let from_ron = pf_json(&ron, &[], 0);
    let (a, b) = (
        from_m["buses"].as_array().unwrap(),
        from_ron["buses"].as_array().unwrap(),
    );
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x["name"], y["name"]);
        assert!(
            (num(x, "vm_pu") - num(y, "vm_pu")).abs() < 1e-10,
            "{x} vs {y}"
        );
        assert!(
            (num(x, "va_deg") - num(y, "va_deg")).abs() < 1e-8,
            "{x} vs {y}"
        );
    }
}

#[test]
fn import_to_an_unwritable_place_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no_such_folder/x.ron");
    let run = gridpilot(&[
        OsStr::new("import"),
        case("case14.m").as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert_refused(&run, &["no_such_folder/x.ron", "cannot write"]);
}

#[test]
fn bench_pf_json() {
    let c14 = case("case14.m");
    let run = gridpilot(&[
        OsStr::new("bench"),
        OsStr::new("pf"),
        c14.as_os_str(),
        OsStr::new("--repeat"),
        OsStr::new("3"),
        OsStr::new("--json"),
    ]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(num(&out, "median_us") > 0.0, "{out}");
    assert!(out["iterations"].as_u64().is_some_and(|i| i >= 1), "{out}");
    assert_eq!(out["repeat"], 3);
}

#[test]
fn output_to_a_closed_pipe_does_not_panic() {
    // case300's JSON is larger than a pipe's buffer, so the write fails however the timing goes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args([
            OsStr::new("pf"),
            case("case300.m").as_os_str(),
            OsStr::new("--json"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Ended by SIGPIPE like other Unix tools, or (elsewhere) quietly with success.
    #[cfg(unix)]
    let by_sigpipe = std::os::unix::process::ExitStatusExt::signal(&out.status) == Some(13);
    #[cfg(not(unix))]
    let by_sigpipe = false;
    assert!(
        by_sigpipe || out.status.success(),
        "{:?}: {stderr}",
        out.status
    );
}

#[test]
fn missing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.m");
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["absent.m", "cannot read"],
    );
}

#[test]
fn empty_file_is_refused() {
    let (_dir, path) = temp_file("empty.m", b"");
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["empty.m", "empty"],
    );
}

#[test]
fn binary_garbage_is_refused() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i * 7919 % 251) as u8 | 0x80)
        .collect();
    let (_dir, path) = temp_file("garbage.ron", &garbage);
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["garbage.ron", "not a text file"],
    );
}

#[test]
fn truncated_matpower_case_is_refused() {
    let text = std::fs::read_to_string(case("case14.m")).unwrap();
    let start = text.find("mpc.branch = [").unwrap();
    let line = text[..start].lines().count() + 1;
    // Five branch rows and half of the sixth.
    let rows: usize = text[start..].match_indices('\n').nth(5).unwrap().0;
    let cut = start + rows + 8;
    let (_dir, path) = temp_file("case14_cut.m", &text.as_bytes()[..cut]);
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &[&format!("case14_cut.m:{line}"), "never closed"],
    );
}

#[test]
fn malformed_ron_is_refused() {
    let text = TWO_BUS.replace("r_pu: 0.01,", "r_pu: 0.01 x_pu,");
    let (_dir, path) = temp_file("bad.ron", text.as_bytes());
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["bad.ron:5:"],
    );
}

#[test]
fn branch_to_unknown_bus_is_refused() {
    let text = TWO_BUS.replace(
        "branches: [",
        r#"branches: [(name: "AX", from_bus: "A", to_bus: "Nowhere", r_pu: 0.01, x_pu: 0.02), "#,
    );
    let (_dir, path) = temp_file("net.ron", text.as_bytes());
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["net.ron", "branch 'AX'", "'Nowhere'"],
    );
}

#[test]
fn nan_load_is_refused() {
    let text = TWO_BUS.replace("p_mw: 1.0", "p_mw: NaN");
    let (_dir, path) = temp_file("nan.ron", text.as_bytes());
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["nan.ron", "load 'load1'", "p_mw"],
    );
}

#[test]
fn several_problems_get_one_line_each() {
    let text = TWO_BUS
        .replace("p_mw: 1.0", "p_mw: NaN")
        .replace("x_pu: 0.02", "x_pu: inf");
    let (_dir, path) = temp_file("two_problems.ron", text.as_bytes());
    let run = gridpilot(&[OsStr::new("pf"), path.as_os_str()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.trim().lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(lines[0].starts_with("gridpilot:") && lines[0].contains("two_problems.ron"));
    assert!(lines[1].contains("branch 'AB'") && lines[1].contains("x_pu"));
    assert!(lines[2].contains("load 'load1'") && lines[2].contains("p_mw"));
}

#[test]
fn unknown_extension_is_refused() {
    let (_dir, path) = temp_file("network.txt", TWO_BUS.as_bytes());
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["network.txt", "'.txt'"],
    );
}

#[test]
fn bad_tolerance_is_refused() {
    let c14 = case("case14.m");
    for (tol, shown) in [("-1", "-1"), ("0", "0"), ("nan", "NaN")] {
        let run = gridpilot(&[
            OsStr::new("pf"),
            c14.as_os_str(),
            OsStr::new("--tol"),
            OsStr::new(tol),
        ]);
        assert_refused(&run, &["--tol", shown]);
    }
}

#[test]
fn zero_bench_repeats_are_refused() {
    let c14 = case("case14.m");
    let run = gridpilot(&[
        OsStr::new("bench"),
        OsStr::new("pf"),
        c14.as_os_str(),
        OsStr::new("--repeat"),
        OsStr::new("0"),
    ]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("'--repeat <REPEAT>': 0 is not in 1..=1000000"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_subcommand_exits_1() {
    let run = gridpilot(&["nonsense-subcommand"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("nonsense-subcommand"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// The reproducers of values too large or too small for per-unit: each is refused or reported
/// as not converged, never "converged with a NaN mismatch".
#[test]
fn overflowing_values_never_converge() {
    let cases = [
        ("huge_load.ron", TWO_BUS.replace("p_mw: 1.0", "p_mw: 1e308")),
        (
            "tiny_impedance.ron",
            TWO_BUS.replace("r_pu: 0.01, x_pu: 0.02", "r_pu: 1e-300, x_pu: 1e-300"),
        ),
        (
            "tiny_base.ron",
            TWO_BUS.replace("base_mva: 100.0", "base_mva: 1e-300"),
        ),
    ];
    for (name, text) in cases {
        let (_dir, path) = temp_file(name, text.as_bytes());
        let run = gridpilot(&[OsStr::new("pf"), path.as_os_str(), OsStr::new("--json")]);
        assert_eq!(run.code, Some(2), "{name}: {} {}", run.stdout, run.stderr);
        let out: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(out["converged"], false, "{name}");
        assert!(out["failure"].as_str().is_some(), "{name}: a reason");
    }
    let case = std::fs::read_to_string(case("case14.m")).unwrap();
    for ratio in ["1e308", "1e-320"] {
        // Branch 4-7's transformer ratio 0.978 becomes absurd.
        let text = case.replacen("0.978", ratio, 1);
        let (_dir, path) = temp_file("case14.m", text.as_bytes());
        let run = gridpilot(&[OsStr::new("pf"), path.as_os_str()]);
        assert!(
            run.code == Some(2) || run.code == Some(1),
            "ratio {ratio}: {} {}",
            run.stdout,
            run.stderr
        );
        assert!(!run.stdout.contains(" converged in"), "{}", run.stdout);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn unbounded_counts_and_a_full_disk_get_messages_not_panics() {
    for args in [
        &["bench", "pf", "FILE", "--repeat", "18446744073709551615"][..],
        &["bench", "env", "--network", "FILE", "--steps", "0"],
        &["pf", "FILE", "--max-iter", "0"],
        &["run", "--network", "FILE", "--steps", "0"],
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("FILE", "networks/anm6_easy.ron"))
            .collect();
        let run = gridpilot(&args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("is not in 1.."),
            "{args:?}: {}",
            run.stderr
        );
    }
    let full = std::fs::File::create("/dev/full");
    if let Ok(full) = full {
        let out = Command::new(env!("CARGO_BIN_EXE_gridpilot"))
            .args(["pf", "../shared/cases/case14.m"])
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("cannot write the output"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn small_messages_read_right() {
    // A byte-order mark is skipped.
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), TWO_BUS.as_bytes()].concat();
    let (_dir, path) = temp_file("bom.ron", &with_bom);
    assert_eq!(
        gridpilot(&[OsStr::new("pf"), path.as_os_str()]).code,
        Some(0)
    );
    // An episode given where a network is expected says so.
    let (_dir, path) = temp_file("run.episode", b"GRIDPILOT EPISODE");
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["run.episode", "recorded episode", "gridpilot replay"],
    );
    let run = gridpilot(&[
        "run",
        "--network",
        "networks/anm6_easy.ron",
        "--agent",
        "linear:",
    ]);
    assert_refused(&run, &["linear agent needs a file"]);
    // Several problems: a count, then one indented line each, for pf and run alike.
    let text = TWO_BUS.replace("p_mw: 1.0", "p_mw: NaN").replace(
        "(name: \"A\", base_kv: 20.0), (name: \"B\"",
        "(name: \"A\", base_kv: 20.0), (name: \"A\"",
    );
    let (_dir, path) = temp_file("dup.ron", text.as_bytes());
    for args in [
        vec![OsStr::new("pf"), path.as_os_str()],
        vec![OsStr::new("run"), OsStr::new("--network"), path.as_os_str()],
        vec![
            OsStr::new("spaces"),
            OsStr::new("--network"),
            path.as_os_str(),
        ],
    ] {
        let run = gridpilot(&args);
        assert_eq!(run.code, Some(1));
        let lines: Vec<&str> = run.stderr.trim().lines().collect();
        assert!(lines[0].contains("problems:"), "{}", run.stderr);
        assert!(
            lines[1..].iter().all(|l| l.starts_with("  ")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("two buses are named 'A'"),
            "{}",
            run.stderr
        );
    }
    // Huge numbers print short.
    let text = TWO_BUS.replace(
        "base_kv: 20.0), (name: \"B\", base_kv: 20.0)",
        "base_kv: 20.0), (name: \"B\", base_kv: -1e300)",
    );
    let (_dir, path) = temp_file("huge.ron", text.as_bytes());
    assert_refused(
        &gridpilot(&[OsStr::new("pf"), path.as_os_str()]),
        &["base_kv = -1e300 is not allowed"],
    );
}

#[test]
fn contingency_lists_every_outage_and_agrees_with_pf_on_the_outaged_network() {
    let file = case("case30.m");
    let run = gridpilot(&[
        OsStr::new("contingency"),
        file.as_os_str(),
        OsStr::new("--json"),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out: Value = serde_json::from_str(&run.stdout).unwrap();
    let list = out["contingencies"].as_array().unwrap();
    assert_eq!(list.len(), 41, "every branch of case30 is in service");
    // The worst outage that leaves the network whole, written without its branch and solved
    // with `pf`: the loadings the analysis lists must be those `pf` finds.
    let worst = list
        .iter()
        .find(|c| {
            c["islanded_buses"].as_array().unwrap().is_empty()
                && !c["overloads"].as_array().unwrap().is_empty()
        })
        .unwrap();
    let name = worst["branch"].as_str().unwrap();
    let mut net = load_network(&file).unwrap();
    net.branches
        .iter_mut()
        .find(|b| b.name == name)
        .unwrap()
        .in_service = false;
    let dir = tempfile::tempdir().unwrap();
    let outaged = dir.path().join("outaged.ron");
    save_network(&net, &outaged).unwrap();
    let pf = pf_json(&outaged, &[], 0);
    let branches = pf["branches"].as_array().unwrap();
    for overload in worst["overloads"].as_array().unwrap() {
        let branch = overload["branch"].as_str().unwrap();
        let solved = branches.iter().find(|b| b["name"] == branch).unwrap();
        let (listed, pf_pct) = (num(overload, "loading_pct"), num(solved, "loading_pct"));
        assert!(
            (listed - pf_pct).abs() < 1e-3,
            "{name} out, {branch}: {listed} vs {pf_pct}"
        );
    }
    let text = gridpilot(&[OsStr::new("contingency"), file.as_os_str()]);
    assert!(text.stdout.contains("41 outages in"), "{}", text.stdout);
    assert!(
        text.stdout.contains("6-8 out: 2 branches overloaded"),
        "{}",
        text.stdout
    );
}
