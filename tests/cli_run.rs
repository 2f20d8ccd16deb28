//! `gridpilot spaces`, `run` and `replay` as a user calls them: reproducible output, recorded
//! episodes that verify, and one clear line for every bad argument.

use std::path::PathBuf;
use std::process::{Command, Output};

fn gridpilot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

const ANM6: &str = "networks/anm6_easy.ron";

fn stderr_line(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(text.lines().count(), 1, "one line expected: {text}");
    assert!(!text.contains("panicked"));
    text
}

#[test]
fn spaces_lists_named_components_with_bounds() {
    let out = gridpilot(&["spaces", "--network", ANM6, "--json"]);
    assert!(out.status.success());
    let spaces: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = spaces["action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "pv.p_mw",
            "wind.p_mw",
            "pv.q_mvar",
            "wind.q_mvar",
            "storage.p_mw",
            "storage.q_mvar"
        ]
    );
    assert_eq!(spaces["action"][4]["low"], -50.0);
    assert_eq!(spaces["observation"][14]["name"], "storage.soc_mwh");
}

#[test]
fn run_json_is_identical_for_the_same_seed() {
    let args = [
        "run",
        "--network",
        ANM6,
        "--agent",
        "random",
        "--seed",
        "9",
        "--steps",
        "40",
        "--json",
    ];
    let (a, b) = (gridpilot(&args), gridpilot(&args));
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let first: serde_json::Value =
        serde_json::from_slice(a.stdout.split(|&c| c == b'\n').next().unwrap()).unwrap();
    for key in [
        "step",
        "time_index",
        "reward",
        "reward_terms",
        "terminated",
        "truncated",
        "buses",
        "branches",
        "devices",
        "violations",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert!(first["devices"]["storage"]["soc_mwh"].is_number());
    assert!(first["branches"]["bus0-bus1"]["loading_pct"].is_number());
}

#[test]
fn recorded_episodes_are_byte_identical_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (a, b) = (path("a.episode"), path("b.episode"));
    for out in [&a, &b] {
        let run = gridpilot(&[
            "run",
            "--network",
            ANM6,
            "--agent",
            "random",
            "--seed",
            "4",
            "--steps",
            "50",
            "--start-step",
            "20",
            "--initial-soc",
            "storage=70",
            "--out",
            out,
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let verify = gridpilot(&["replay", "--verify", &a]);
    assert!(verify.status.success());
    assert!(String::from_utf8_lossy(&verify.stdout).contains("verified"));
}

#[test]
fn bad_run_arguments_get_one_clear_line() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["run", "--network", ANM6, "--agent", "genius"],
            "unknown agent 'genius'",
        ),
        (
            &["run", "--network", ANM6, "--initial-soc", "storage"],
            "expected DEVICE=MWH",
        ),
        (
            &["run", "--network", ANM6, "--initial-soc", "storage=lots"],
            "'lots' is not a number",
        ),
        (
            &["run", "--network", ANM6, "--initial-soc", "storage=120"],
            "outside [0, 100]",
        ),
        (
            &["run", "--network", ANM6, "--start-step", "96"],
            "start time index 96 is outside 0..96",
        ),
        (
            &[
                "run",
                "--network",
                ANM6,
                "--initial-soc",
                "storage=10",
                "--initial-soc",
                "storage=20",
            ],
            "--initial-soc gives 'storage' twice",
        ),
    ];
    for (args, expected) in cases {
        let out = gridpilot(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let line = stderr_line(&out);
        assert!(line.contains(expected), "{args:?}: {line}");
    }
    let missing = PathBuf::from("no/such.episode").display().to_string();
    let out = gridpilot(&["replay", &missing]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_line(&out).contains("no/such.episode"));
}

#[test]
fn a_network_without_a_scenario_runs_a_plain_day_as_in_the_app() {
    let out = gridpilot(&["run", "--network", "../shared/cases/case14.m", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let steps: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(steps.len(), 24, "a day of hourly steps");
    assert_eq!(steps[23]["truncated"], serde_json::Value::Bool(true));
    assert_eq!(steps[0]["time_index"], serde_json::json!(1));
}

#[test]
fn a_recording_killed_half_way_replays_and_verifies_up_to_its_last_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("killed.episode");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args(["run", "--network", ANM6, "--steps", "100000000", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Some thousands of steps reach the disk, then the process dies without a word.
    let start = std::time::Instant::now();
    while std::fs::metadata(&out).map_or(0, |m| m.len()) < 500_000 {
        assert!(
            start.elapsed().as_secs() < 120,
            "the recording does not grow"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let replay = gridpilot(&["replay", "--verify", out.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&replay.stdout);
    assert_eq!(
        replay.status.code(),
        Some(0),
        "{text} {}",
        String::from_utf8_lossy(&replay.stderr)
    );
    assert!(text.contains("the recording was cut short"), "{text}");
    assert!(text.contains("verified"), "{text}");
}

#[test]
fn an_unwritable_out_is_refused_before_the_first_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = gridpilot(&[
        "run",
        "--network",
        ANM6,
        "--steps",
        "10",
        "--json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("cannot write the episode"), "{message}");
    assert!(message.contains("not a regular file"), "{message}");
    // With --json every step prints a line as it runs: none ran.
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
