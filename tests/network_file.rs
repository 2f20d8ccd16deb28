//! RON network files: a hand-written network, exact round trips, errors on bad files, and
//! atomic writes.

use std::path::{Path, PathBuf};

use gridpilot::io::{
    LoadError, load_network, network_from_ron, network_to_ron, save_network, write_atomic,
};
use gridpilot::model::{BranchKind, Device, Network, Problem, RenewableSource};

/// A small feeder with one of everything: written by hand, as a user would.
const FEEDER: &str = r#"// A 110/20 kV substation with a tap changer, one line, and one device of each kind.
(
    name: "feeder",
    base_mva: 100.0,
    buses: [
        (name: "HV", base_kv: 110.0, vmin_pu: 0.95, vmax_pu: 1.05, position: (x: 0.0, y: 0.0)),
        (name: "MV", base_kv: 20.0, position: (x: 0.0, y: 100.0), label: "substation busbar"),
        (name: "END", base_kv: 20.0, position: (x: 0.0, y: 200.0)),
    ],
    branches: [
        (
            name: "T1",
            from_bus: "HV",
            to_bus: "MV",
            r_pu: 0.002,
            x_pu: 0.06,
            rating_mva: 40.0,
            kind: Transformer(
                tap_ratio: 1.0,
                shift_deg: 0.0,
                tap_changer: (min_position: -8, max_position: 8, step_pct: 1.25, position: 2),
            ),
        ),
        (name: "L1", from_bus: "MV", to_bus: "END", r_pu: 0.01, x_pu: 0.02, b_pu: 0.001),
    ],
    devices: [
        ExternalGrid(name: "grid", bus: "HV", vm_pu: 1.02, q_min_mvar: -50.0, q_max_mvar: 50.0),
        Load(name: "load1", bus: "END", p_mw: 8.0, q_mvar: 2.0),
        Generator(
            name: "chp",
            bus: "MV",
            p_mw: 3.0,
            p_min_mw: 0.0,
            p_max_mw: 5.0,
            q_min_mvar: -2.0,
            q_max_mvar: 2.0,
            vm_setpoint_pu: 1.01,
        ),
        Renewable(
            name: "pv1",
            bus: "END",
            source: Solar,
            capability: (
                p_min_mw: 0.0,
                p_max_mw: 4.0,
                q_min_mvar: -1.5,
                q_max_mvar: 1.5,
                p_plus_mw: 3.0,
                q_plus_mvar: 0.5,
            ),
            p_mw: 2.5,
        ),
        Storage(
            name: "bat1",
            bus: "END",
            capability: (p_min_mw: -2.0, p_max_mw: 2.0, q_min_mvar: -1.0, q_max_mvar: 1.0),
            soc_min_mwh: 0.5,
            soc_max_mwh: 4.0,
            efficiency: 0.95,
            soc_mwh: 2.0,
            p_mw: -1.0,
        ),
        Shunt(name: "cap1", bus: "MV", q_mvar_per_step: 0.5, steps: 4, step: 2),
    ],
)
"#;

fn feeder() -> Network {
    network_from_ron(FEEDER).unwrap_or_else(|e| panic!("the feeder does not parse: {e}"))
}

/// The 1-based number of the first line of `text` containing `fragment`.
fn line_of(text: &str, fragment: &str) -> usize {
    text.lines().position(|l| l.contains(fragment)).unwrap() + 1
}

/// Writes `contents` to `name` in `dir` and loads it, expecting an error.
fn load_error(dir: &Path, name: &str, contents: &[u8]) -> (PathBuf, LoadError) {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    let err = load_network(&path).expect_err("the file should be refused");
    (path, err)
}

/// The message names the file, says what is wrong and fits on one line.
fn assert_message(err: &LoadError, name: &str, fragments: &[&str]) -> String {
    let text = err.to_string();
    assert!(!text.contains('\n'), "message spans several lines: {text}");
    assert!(text.contains(name), "message does not name {name}: {text}");
    for f in fragments {
        assert!(text.contains(f), "message lacks {f:?}: {text}");
    }
    text
}

#[test]
fn hand_written_network_parses_and_validates() {
    let net = feeder();
    assert_eq!((net.name.as_str(), net.base_mva), ("feeder", 100.0));
    assert_eq!(net.buses.len(), 3);
    // Defaults fill what the file leaves out.
    let mv = net.bus("MV").unwrap();
    assert_eq!((mv.vmin_pu, mv.vmax_pu), (0.9, 1.1));
    assert_eq!(mv.label.as_deref(), Some("substation busbar"));

    let t1 = net.branch("T1").unwrap();
    assert!(
        matches!(&t1.kind, BranchKind::Transformer { tap_changer: Some(t), .. } if t.position == 2)
    );
    assert_eq!(t1.tap_ratio(), 1.0 + 2.0 * 1.25 / 100.0);
    assert_eq!(t1.rating_mva, Some(40.0));
    assert!(t1.in_service);
    assert_eq!(net.branch("L1").unwrap().kind, BranchKind::Line);

    let kinds: Vec<&str> = net.devices.iter().map(Device::kind_name).collect();
    assert_eq!(
        kinds,
        [
            "external grid",
            "load",
            "generator",
            "solar",
            "storage",
            "shunt"
        ]
    );
    let Some(Device::Generator(chp)) = net.device("chp") else {
        panic!("no generator chp");
    };
    assert_eq!(chp.vm_setpoint_pu, Some(1.01));
    let Some(Device::Renewable(pv)) = net.device("pv1") else {
        panic!("no renewable pv1");
    };
    assert_eq!(pv.source, RenewableSource::Solar);
    assert_eq!(
        (pv.capability.p_plus_mw, pv.capability.p_minus_mw),
        (Some(3.0), None)
    );
    let Some(Device::Storage(bat)) = net.device("bat1") else {
        panic!("no storage bat1");
    };
    assert_eq!((bat.soc_mwh, bat.efficiency, bat.p_mw), (2.0, 0.95, -1.0));
    let Some(Device::Shunt(cap)) = net.device("cap1") else {
        panic!("no shunt cap1");
    };
    assert_eq!(cap.q_mvar(), 1.0);

    let report = net.validate();
    assert!(report.is_ok(), "{report}");
}

#[test]
fn ron_text_round_trip_is_identical() {
    let net = feeder();
    let text = network_to_ron(&net);
    assert_eq!(network_from_ron(&text).unwrap(), net, "written as:\n{text}");
}

#[test]
fn save_then_load_gives_the_same_network() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeder.ron");
    let net = feeder();
    save_network(&net, &path).unwrap();
    assert_eq!(load_network(&path).unwrap(), net);
}

#[test]
fn case118_round_trips_exactly_through_ron() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases/case118.m");
    let net = load_network(&case).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case118.ron");
    save_network(&net, &path).unwrap();
    let back = load_network(&path).unwrap();
    // Compare the parts first for a readable failure, then the whole (f64 compared exactly).
    for (a, b) in net.buses.iter().zip(&back.buses) {
        assert_eq!(a, b);
    }
    for (a, b) in net.branches.iter().zip(&back.branches) {
        assert_eq!(a, b);
    }
    for (a, b) in net.devices.iter().zip(&back.devices) {
        assert_eq!(a, b);
    }
    assert_eq!(back, net);
}

#[test]
fn syntax_error_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    // A missing comma between two fields of branch L1.
    let text = FEEDER.replace(r#"(name: "L1", from_bus"#, r#"(name: "L1" from_bus"#);
    let line = line_of(&text, r#"name: "L1""#);
    let (_, err) = load_error(dir.path(), "broken.ron", text.as_bytes());
    assert!(
        matches!(err, LoadError::AtLine { line: l, .. } if l == line),
        "{err:?}"
    );
    assert_message(&err, "broken.ron", &[&format!("broken.ron:{line}:")]);
}

#[test]
fn unknown_field_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = FEEDER.replace(r#"(name: "END","#, r#"(name: "END", colour: "red","#);
    let line = line_of(&text, "colour");
    let (_, err) = load_error(dir.path(), "colour.ron", text.as_bytes());
    assert_message(&err, "colour.ron", &[&format!(":{line}:"), "colour"]);
}

#[test]
fn missing_required_field_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = FEEDER.replace(r#"(name: "END", base_kv: 20.0,"#, r#"(name: "END","#);
    let line = line_of(&text, r#"(name: "END""#);
    let (_, err) = load_error(dir.path(), "nokv.ron", text.as_bytes());
    assert_message(&err, "nokv.ron", &[&format!(":{line}:"), "base_kv"]);
}

#[test]
fn nan_parses_but_fails_validation_naming_element_and_field() {
    let net = network_from_ron(&FEEDER.replace("p_mw: 8.0", "p_mw: NaN")).unwrap();
    let problems = net.validate().problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        matches!(&problems[0], Problem::InvalidValue { subject, field: "p_mw", value, .. }
            if subject.to_string() == "load 'load1'" && value.is_nan()),
        "{problems:?}"
    );
    let text = problems[0].to_string();
    assert!(
        text.contains("load 'load1'") && text.contains("p_mw"),
        "{text}"
    );
}

#[test]
fn empty_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for contents in ["", "  \n\t\n"] {
        let (_, err) = load_error(dir.path(), "empty.ron", contents.as_bytes());
        assert!(matches!(err, LoadError::Empty { .. }), "{err:?}");
        assert_message(&err, "empty.ron", &["empty"]);
    }
}

#[test]
fn binary_garbage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let garbage: Vec<u8> = (0..=255u8).rev().cycle().take(1000).collect();
    let (_, err) = load_error(dir.path(), "garbage.ron", &garbage);
    assert!(
        matches!(err, LoadError::NotText { offset: 0, .. }),
        "{err:?}"
    );
    assert_message(&err, "garbage.ron", &["not a text file"]);
}

#[test]
fn missing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_network(&dir.path().join("absent.ron")).unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }), "{err:?}");
    assert_message(&err, "absent.ron", &["cannot read"]);
}

#[test]
fn unknown_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, err) = load_error(dir.path(), "feeder.txt", FEEDER.as_bytes());
    assert!(
        matches!(&err, LoadError::UnknownKind { extension, .. } if extension == "txt"),
        "{err:?}"
    );
    assert_message(&err, "feeder.txt", &["'.txt'"]);
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn write_atomic_replaces_content_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.ron");
    write_atomic(&path, b"first version, rather long").unwrap();
    write_atomic(&path, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    assert_eq!(listing(dir.path()), ["out.ron"]);
}

#[test]
fn failed_write_atomic_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    // A non-empty folder cannot be replaced by a file, so the final rename fails.
    let target = dir.path().join("taken");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inside"), b"keep").unwrap();
    assert!(write_atomic(&target, b"data").is_err());
    assert_eq!(listing(dir.path()), ["taken"]);
    assert_eq!(std::fs::read(target.join("inside")).unwrap(), b"keep");
}

#[cfg(unix)]
#[test]
fn saves_follow_symlinks_keep_permissions_and_never_replace_devices() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ron");
    std::fs::write(&real, b"old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.ron");
    std::os::unix::fs::symlink("real.ron", &link).unwrap();
    write_atomic(&link, b"new").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "still a link"
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "permissions kept");
    assert_eq!(listing(dir.path()), ["link.ron", "real.ron"]);

    // A device is never replaced by a regular file.
    let error = write_atomic(Path::new("/dev/null"), b"data").unwrap_err();
    assert!(error.to_string().contains("not a regular file"), "{error}");
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
}

#[test]
fn stale_temporaries_of_killed_saves_are_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.ron");
    // What a save killed half way leaves: a temporary named after a process that is gone.
    let stale = dir.path().join(".net.ron.gridpilot-tmp-4294967295");
    std::fs::write(&stale, b"half a file").unwrap();
    write_atomic(&path, b"whole").unwrap();
    assert_eq!(listing(dir.path()), ["net.ron"]);
}
