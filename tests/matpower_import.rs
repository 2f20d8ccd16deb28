//! MATPOWER case import: the shared test cases, unit conversions, and errors on bad input.

use std::path::{Path, PathBuf};

use gridpilot::io::matpower::{UNLIMITED_MW, parse};
use gridpilot::io::{LoadError, ParseError, load_network};
use gridpilot::model::{BranchKind, Device, GenCost, Network};

fn case_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/cases")
        .join(file)
}

fn load_case(file: &str) -> Network {
    load_network(&case_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn count(network: &Network, kind: &str) -> usize {
    network
        .devices
        .iter()
        .filter(|d| d.kind_name() == kind)
        .count()
}

fn generator<'a>(network: &'a Network, name: &str) -> &'a gridpilot::model::Generator {
    match network.device(name) {
        Some(Device::Generator(g)) => g,
        other => panic!("{name} is not a generator: {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn case14_buses_branches_and_devices() {
    let net = load_case("case14.m");
    assert_eq!(net.name, "case14");
    assert_eq!(net.base_mva, 100.0);
    let names: Vec<&str> = net.buses.iter().map(|b| b.name.as_str()).collect();
    let expected: Vec<String> = (1..=14).map(|i| i.to_string()).collect();
    assert_eq!(names, expected);
    assert_eq!(net.branches.len(), 20);
    // Loads at every bus but 1, 7 and 8; generators at 1 (the slack), 2, 3, 6 and 8.
    assert_eq!(count(&net, "load"), 11);
    assert_eq!(count(&net, "generator"), 4);
    assert_eq!(count(&net, "external grid"), 1);
    assert_eq!(count(&net, "shunt"), 1);

    let Some(Device::ExternalGrid(grid)) = net.device("grid_1") else {
        panic!("no external grid grid_1");
    };
    assert_eq!(
        (grid.bus.as_str(), grid.vm_pu, grid.va_deg),
        ("1", 1.06, 0.0)
    );
    assert_eq!((grid.q_min_mvar, grid.q_max_mvar), (Some(0.0), Some(10.0)));

    let line = net.branch("1-2").expect("branch 1-2");
    assert_eq!(
        (line.r_pu, line.x_pu, line.b_pu),
        (0.01938, 0.05917, 0.0528)
    );
    assert_eq!(
        (line.kind.clone(), line.rating_mva),
        (BranchKind::Line, None)
    );
    assert_eq!(net.branch("4-7").map(|b| b.tap_ratio()), Some(0.978));

    let Some(Device::Shunt(shunt)) = net.device("shunt_9") else {
        panic!("no shunt at bus 9");
    };
    assert_eq!(
        (shunt.g_mw, shunt.q_mvar_per_step, shunt.step),
        (0.0, 19.0, 1)
    );
    let Some(Device::Load(load)) = net.device("load_4") else {
        panic!("no load at bus 4");
    };
    assert_eq!((load.p_mw, load.q_mvar), (47.8, -3.9));
}

#[test]
fn case14_generators_labels_and_defaults() {
    let net = load_case("case14.m");
    let gen2 = generator(&net, "gen_2");
    assert_eq!((gen2.p_mw, gen2.q_mvar), (40.0, 42.4));
    assert_eq!((gen2.q_min_mvar, gen2.q_max_mvar), (-40.0, 50.0));
    assert_eq!((gen2.p_min_mw, gen2.p_max_mw), (0.0, 140.0));
    assert_eq!(gen2.vm_setpoint_pu, Some(1.045));
    let cost = GenCost::Polynomial {
        startup: 0.0,
        shutdown: 0.0,
        coefficients: vec![0.25, 20.0, 0.0],
    };
    assert_eq!(gen2.cost, Some(cost));
    let bus9 = net.bus("9").expect("bus 9");
    assert_eq!(bus9.label.as_deref(), Some("Bus 9     LV"));
    // baseKV is 0 in case14: replaced by 1 so that the network validates.
    assert_eq!(bus9.base_kv, 1.0);
    assert_eq!((bus9.vmin_pu, bus9.vmax_pu), (0.94, 1.06));
}

#[test]
fn case33bw_units_are_converted() {
    let net = load_case("case33bw.m");
    let Some(Device::Load(load)) = net.device("load_2") else {
        panic!("no load at bus 2");
    };
    assert!(
        close(load.p_mw, 0.1) && close(load.q_mvar, 0.06),
        "{load:?}"
    );
    let line = net.branch("1-2").expect("branch 1-2");
    let z_base_ohm = 12.66_f64.powi(2) / 10.0;
    assert!(
        (line.r_pu - 0.0922 / z_base_ohm).abs() < 1e-12,
        "{}",
        line.r_pu
    );
    assert!(
        (line.x_pu - 0.0470 / z_base_ohm).abs() < 1e-12,
        "{}",
        line.x_pu
    );
    let open: Vec<&str> = net
        .branches
        .iter()
        .filter(|b| !b.in_service)
        .map(|b| b.name.as_str())
        .collect();
    assert_eq!(open, ["21-8", "9-15", "12-22", "18-33", "25-29"]);
}

#[test]
fn every_shared_case_imports_and_validates() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(case_path(""))
        .expect("../shared/cases")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "m"))
        .collect();
    files.sort();
    assert!(files.len() >= 16, "found only {files:?}");
    for file in files {
        let net = load_network(&file).unwrap_or_else(|e| panic!("{e}"));
        let report = net.validate();
        assert!(report.is_ok(), "{}: {report}", file.display());
        assert_eq!(count(&net, "external grid"), 1, "{}", file.display());
    }
}

#[test]
fn activsg10k_labels_and_out_of_service_generators() {
    let net = load_case("case_ACTIVSg10k.m");
    assert_eq!(net.buses.len(), 10_000);
    let first = net.bus("10001").expect("bus 10001");
    assert_eq!(first.label.as_deref(), Some("NEAH BAY 1"));
    assert_eq!(
        net.bus("80100").and_then(|b| b.label.as_deref()),
        Some("EL PASO 38 1")
    );
    // 2,485 generator rows, 548 with status 0; the slack's row becomes the external grid.
    let gens: Vec<_> = net
        .devices
        .iter()
        .filter_map(|d| match d {
            Device::Generator(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(gens.len(), 2484);
    assert_eq!(gens.iter().filter(|g| !g.in_service).count(), 548);
    assert!(!generator(&net, "gen_10683").in_service);
    assert!(net.device("gen_70167_10").is_some());
    assert!(net.device("grid_40845").is_some());
}

#[test]
fn pegase_infinite_reactive_limits_become_unlimited() {
    let net = load_case("case1354pegase.m");
    let unit = generator(&net, "gen_8109");
    assert_eq!(
        (unit.q_min_mvar, unit.q_max_mvar),
        (-UNLIMITED_MW, UNLIMITED_MW)
    );
    let Some(Device::ExternalGrid(grid)) = net.device("grid_4231") else {
        panic!("no external grid at 4231");
    };
    assert_eq!((grid.q_min_mvar, grid.q_max_mvar), (None, None));
    assert_eq!(grid.p_max_mw, Some(4188.95));
}

#[test]
fn layout_places_layers_from_the_slack() {
    let net = load_case("case14.m");
    let at = |name: &str| net.bus(name).expect(name).position;
    assert_eq!((at("1").x, at("1").y), (0.0, 0.0));
    // Buses 2 and 5 are one branch from bus 1; bus 14 is four away (1-2-4-9-14).
    assert_eq!((at("2").x, at("5").x), (100.0, 100.0));
    assert_ne!(at("2").y, at("5").y);
    assert_eq!(at("14").x, 400.0);
}

// A small valid case that the error tests break one line at a time. Line numbers:
// 1 function, 2 version, 3 baseMVA, 4 bus [, 5-6 bus rows, 7 ], 8 gen [, 9 gen row, 10 ],
// 11 branch [, 12 branch row, 13 ].
const MINI: &str = "function mpc = mini
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
\t1\t3\t0\t0\t0\t0\t1\t1\t0\t135\t1\t1.05\t0.95;
\t2\t1\t50\t10\t0\t0\t1\t1\t0\t135\t1\t1.05\t0.95;
];
mpc.gen = [
\t1\t0\t0\t100\t-100\t1.02\t100\t1\t200\t0;
];
mpc.branch = [
\t1\t2\t0.01\t0.1\t0.02\t100\t100\t100\t0\t0\t1\t-360\t360;
];
";

fn mini_with(from: &str, to: &str) -> String {
    assert!(MINI.contains(from), "MINI has no {from:?}");
    MINI.replacen(from, to, 1)
}

fn parse_error(text: &str) -> ParseError {
    match parse(text, "bad") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

fn assert_error(text: &str, line: usize, fragment: &str) {
    let error = parse_error(text);
    assert_eq!(error.line, line, "{error}");
    assert!(error.message.contains(fragment), "{error}");
}

#[test]
fn mini_case_parses_with_comments_continuations_and_separators() {
    let text = mini_with(
        "mpc.baseMVA = 100;",
        "mpc.baseMVA = ... % continued\n 100; %% base",
    )
    .replace("\t2\t1\t50", "2, 1, 5e1 ...\n")
    .replace("mpc.bus = [", "mpc.bus = [ % comment\n\n");
    let net = parse(&text, "mini").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(net.buses.len(), 2);
    assert!(net.validate().is_ok(), "{}", net.validate());
    let Some(Device::Load(load)) = net.device("load_2") else {
        panic!("no load at bus 2");
    };
    assert_eq!((load.p_mw, load.q_mvar), (50.0, 10.0));
    let line = net.branch("1-2").expect("branch 1-2");
    assert_eq!((line.rating_mva, line.in_service), (Some(100.0), true));
}

#[test]
fn numbers_signs_inf_and_extra_columns() {
    let text = mini_with("1.02\t100\t1\t200\t0;", "1.02\t100\t1\tInf\t-.5\t7\t8;")
        .replace("0.01\t0.1\t0.02\t100", "1e-3\t0.1\t0.02\tInf");
    let net = parse(&text, "mini").unwrap_or_else(|e| panic!("{e}"));
    let Some(Device::ExternalGrid(grid)) = net.device("grid_1") else {
        panic!("no grid");
    };
    assert_eq!((grid.p_min_mw, grid.p_max_mw), (Some(-0.5), None));
    let line = net.branch("1-2").expect("branch 1-2");
    assert_eq!((line.r_pu, line.rating_mva), (1e-3, None));
}

#[test]
fn parallel_branches_and_generators_get_numbered_names() {
    let branch = "\t1\t2\t0.01\t0.1\t0.02\t100\t100\t100\t0\t0\t1\t-360\t360;\n";
    let gen_row = "\t2\t5\t0\t10\t-10\t1\t100\t1\t20\t0;\n";
    let text = mini_with(branch, &branch.repeat(3)).replace(
        "mpc.gen = [\n",
        &format!("mpc.gen = [\n{}", gen_row.repeat(2)),
    );
    let net = parse(&text, "mini").unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = net.branches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["1-2", "1-2#2", "1-2#3"]);
    // Bus 2 is a PQ bus: its generators inject fixed power.
    assert_eq!(generator(&net, "gen_2").vm_setpoint_pu, None);
    assert_eq!(generator(&net, "gen_2_2").p_mw, 5.0);
    assert!(net.device("grid_1").is_some());
}

#[test]
fn unknown_statement_is_refused() {
    assert_error(&format!("{MINI}x = 3;\n"), 14, "cannot interpret");
}

#[test]
fn modified_field_is_refused() {
    assert_error(
        &format!("{MINI}\nmpc.bus(2, 3) = 0;\n"),
        15,
        "cannot interpret",
    );
}

#[test]
fn unit_conversion_needs_its_definitions() {
    let text = format!("{MINI}mpc.bus(:, [PD, QD]) = mpc.bus(:, [PD, QD]) / 1e3;\n");
    assert_error(&text, 14, "before it is defined");
}

#[test]
fn version_1_is_refused() {
    assert_error(
        &mini_with("'2'", "'1'"),
        2,
        "unsupported MATPOWER case format version '1'",
    );
    assert_error(&mini_with("'2'", "2"), 2, "quoted string");
}

#[test]
fn missing_version_is_refused() {
    assert_error(&mini_with("mpc.version = '2';", ""), 0, "mpc.version");
}

#[test]
fn short_bus_row_is_refused() {
    let text = mini_with("\t1\t1.05\t0.95;\n];", ";\n];");
    assert_error(&text, 6, "at least 13 columns");
}

#[test]
fn non_numeric_cell_is_refused() {
    let error = parse_error(&mini_with("0.01\t0.1", "0.01\tabc"));
    assert_eq!((error.line, error.column), (12, Some(11)), "{error}");
    assert!(error.message.contains("'abc'"), "{error}");
}

#[test]
fn malformed_number_is_refused() {
    assert_error(&mini_with("0.01\t0.1", "0.01\t0.1.2"), 12, "'0.1.2'");
}

#[test]
fn nan_is_refused() {
    assert_error(&mini_with("1.02\t100", "NaN\t100"), 9, "NaN");
}

#[test]
fn huge_number_is_refused() {
    assert_error(&mini_with("0.01\t0.1", "1e999\t0.1"), 12, "out of range");
}

#[test]
fn unclosed_matrix_is_refused() {
    let text = MINI.trim_end().trim_end_matches("];");
    assert_error(text, 11, "never closed");
}

#[test]
fn matrix_missing_its_bracket_before_the_next_field_is_refused() {
    let text = mini_with("];\nmpc.gen", "mpc.gen");
    assert_error(&text, 7, "line 4 missing its ']'");
}

#[test]
fn unknown_bus_in_branch_is_refused() {
    assert_error(
        &mini_with("\t1\t2\t0.01", "\t1\t7\t0.01"),
        12,
        "bus 7 does not exist",
    );
}

#[test]
fn duplicate_bus_is_refused() {
    assert_error(&mini_with("\t2\t1\t50", "\t1\t1\t50"), 6, "used twice");
}

#[test]
fn isolated_bus_is_refused() {
    let text = mini_with("\t2\t1\t50", "\t2\t4\t50");
    assert_error(&text, 6, "isolated buses (type 4) are not supported");
}

#[test]
fn reference_bus_without_generator_is_refused() {
    let text = mini_with("\t1\t0\t0\t100", "\t2\t0\t0\t100");
    assert_error(&text, 5, "reference bus 1");
}

#[test]
fn case_without_reference_bus_is_refused() {
    let text = mini_with("\t1\t3\t0", "\t1\t2\t0");
    assert_error(&text, 4, "reference bus (type 3)");
}

#[test]
fn unreached_buses_are_placed_in_a_last_column() {
    let bus3 = "\t3\t1\t0\t0\t0\t0\t1\t1\t0\t135\t1\t1.05\t0.95;\n];\nmpc.gen";
    let net = parse(&mini_with("];\nmpc.gen", bus3), "mini").unwrap_or_else(|e| panic!("{e}"));
    let at = |name: &str| net.bus(name).expect(name).position;
    assert_eq!([at("1").x, at("2").x, at("3").x], [0.0, 100.0, 200.0]);
}

#[test]
fn unknown_field_is_refused() {
    assert_error(&format!("{MINI}mpc.foo = 3;\n"), 14, "mpc.foo");
}

#[test]
fn dc_lines_are_refused() {
    assert_error(&format!("{MINI}mpc.dcline = [];\n"), 14, "DC lines");
}

#[test]
fn descriptive_fields_are_skipped() {
    let text = format!("{MINI}mpc.gen_name = {{ 'G1' }};\nmpc.areas = [1 1];\n");
    assert!(parse(&text, "mini").is_ok());
}

#[test]
fn gencost_row_count_must_match() {
    let text = format!("{MINI}mpc.gencost = [\n2 0 0 2 1 0;\n2 0 0 2 1 0;\n2 0 0 2 1 0;\n];\n");
    assert_error(&text, 14, "mpc.gencost has 3 rows");
}

#[test]
fn missing_branch_matrix_is_refused() {
    let text = mini_with(
        "mpc.branch = [\n\t1\t2\t0.01\t0.1\t0.02\t100\t100\t100\t0\t0\t1\t-360\t360;\n];\n",
        "",
    );
    assert_error(&text, 0, "mpc.branch");
}

#[test]
fn empty_text_is_refused() {
    assert_error("", 0, "mpc.version");
    assert_error("% only a comment\n\n", 0, "mpc.version");
}

#[test]
fn unclosed_string_is_refused() {
    assert_error(&mini_with("'2';", "'2;"), 2, "not closed");
}

#[test]
fn control_characters_are_refused_without_panic() {
    let garbage: String = (0u8..128)
        .map(char::from)
        .chain("\u{fffd}é漢".chars())
        .collect();
    for cut in 0..garbage.len() {
        if garbage.is_char_boundary(cut) {
            let text = format!("{}{}", &MINI[..MINI.len().min(cut * 3)], &garbage[cut..]);
            assert!(parse(&text, "garbage").is_err());
        }
    }
    assert_error(&format!("{MINI}\u{1}\u{7f}"), 14, "cannot interpret");
}

#[test]
fn truncated_files_are_refused_without_panic() {
    let text = std::fs::read_to_string(case_path("case14.m")).expect("case14.m");
    // Everything up to the `]` closing mpc.branch is required.
    let branch = text.find("mpc.branch").expect("mpc.branch");
    let complete = branch + text[branch..].find(']').expect("closing bracket") + 1;
    for cut in (0..text.len()).filter(|&c| text.is_char_boundary(c)) {
        let result = parse(&text[..cut], "truncated");
        if cut < complete {
            assert!(result.is_err(), "cut at {cut} parsed");
        }
    }
}

#[test]
fn binary_file_is_refused_by_load_network() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("garbage.m");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &bytes).expect("write");
    let error = load_network(&path).expect_err("garbage must not load");
    assert!(matches!(error, LoadError::NotText { .. }), "{error}");
    assert!(error.to_string().contains("garbage.m"), "{error}");
}

#[test]
fn errors_name_file_and_line_through_load_network() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("bad.m");
    std::fs::write(&path, format!("{MINI}x = 3;\n")).expect("write");
    let error = load_network(&path).expect_err("bad case must not load");
    let text = error.to_string();
    assert!(
        text.contains("bad.m:14:1:") && text.contains("cannot interpret"),
        "{text}"
    );
}

#[test]
fn costs_for_generators_that_are_not_there_say_so_plainly() {
    let no_gens = mini_with("\t1\t0\t0\t100\t-100\t1.02\t100\t1\t200\t0;\n", "");
    let text = format!("{no_gens}mpc.gencost = [\n2 0 0 2 1 0;\n];\n");
    let error = parse_error(&text);
    assert!(
        error
            .message
            .contains("mpc.gencost has 1 rows but mpc.gen has 0 rows (expected none)"),
        "{error}"
    );
}
