//! pandapower networks imported and solved against pandapower's own power flow
//! (`pandapower.runpp`, results stored beside each file): |ΔVm| ≤ 1e-6 p.u., |ΔVa| ≤ 1e-4°.

use std::path::{Path, PathBuf};

use gridpilot::io::load_network;
use gridpilot::model::{BranchKind, TapSide};
use gridpilot::powerflow::{PowerFlow, SolveOptions};
use serde_json::Value;

fn shared(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/networks-pandapower")
        .join(name)
}

fn agrees_with_runpp(file: &str) {
    let net = load_network(&shared(&format!("{file}.json"))).unwrap();
    let results_file = if file == "case33bw_pp" {
        "case33bw_pp_results.json".to_string()
    } else {
        format!("{file}_results.json")
    };
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(shared(&results_file)).unwrap()).unwrap();
    let options = SolveOptions::default();
    let solved = PowerFlow::new(&net).unwrap().solve(&net, &options).unwrap();
    assert!(solved.converged, "{file}: {:?}", solved.failure);
    let buses = results["res_bus"].as_array().unwrap();
    let (mut worst_vm, mut worst_va) = (0.0f64, 0.0f64);
    // The file's buses come first, in its order.
    for (k, expected) in buses.iter().enumerate() {
        let got = solved.buses[k];
        let vm = expected["vm_pu"].as_f64().unwrap();
        let va = expected["va_degree"].as_f64().unwrap();
        worst_vm = worst_vm.max((got.vm_pu - vm).abs());
        worst_va = worst_va.max((got.va_deg - va).abs());
    }
    assert!(
        worst_vm <= 1e-6 && worst_va <= 1e-4,
        "{file}: |ΔVm| {worst_vm:e} p.u., |ΔVa| {worst_va:e}°"
    );
}

#[test]
fn case33bw_agrees_with_pandapower() {
    agrees_with_runpp("case33bw_pp");
}

#[test]
fn ieee13_agrees_with_pandapower() {
    agrees_with_runpp("ieee13");
}

#[test]
fn ieee34_agrees_with_pandapower() {
    agrees_with_runpp("ieee34");
}

#[test]
fn networked_microgrids_agree_with_pandapower() {
    agrees_with_runpp("networked_microgrids");
}

#[test]
fn cigre_mv_agrees_with_pandapower() {
    agrees_with_runpp("cigre_mv_der");
}

#[test]
fn a_low_side_tap_changer_agrees_with_pandapower_at_every_position() {
    // tests/data/pandapower/tap_sides.json (scripts/make_tap_side_case.py): a 110/20 kV
    // transformer tapped on its 20 kV side, at position 3 in the file, and runpp's voltages
    // with it at -9, -4, 0, 3 and 9; a 20/0.4 kV one tapped on its high side.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pandapower");
    let mut net = load_network(&data.join("tap_sides.json")).unwrap();
    let text = std::fs::read_to_string(data.join("tap_sides_results.json")).unwrap();
    let results: Value = serde_json::from_str(&text).unwrap();
    let by_position = results.as_object().unwrap();
    assert_eq!(by_position.len(), 5);
    for (position, expected) in by_position {
        let trafo = net
            .branches
            .iter_mut()
            .find(|b| b.name == "lv_tapped")
            .unwrap();
        let BranchKind::Transformer {
            tap_changer: Some(changer),
            ..
        } = &mut trafo.kind
        else {
            panic!("lv_tapped has no tap changer");
        };
        assert_eq!(changer.side, TapSide::To);
        changer.position = position.parse().unwrap();
        let solved = PowerFlow::new(&net)
            .unwrap()
            .solve(&net, &SolveOptions::default())
            .unwrap();
        assert!(solved.converged, "position {position}");
        for (k, bus) in solved.buses.iter().enumerate() {
            let vm = expected["vm_pu"][k].as_f64().unwrap();
            let va = expected["va_degree"][k].as_f64().unwrap();
            assert!(
                (bus.vm_pu - vm).abs() <= 1e-6 && (bus.va_deg - va).abs() <= 1e-4,
                "position {position}, bus {k}: {} p.u. {}° against {vm} p.u. {va}°",
                bus.vm_pu,
                bus.va_deg
            );
        }
    }
}

/// `ieee13.json` with one table changed by `change` (its rows as split-orientation JSON),
/// written to a temporary file and read back: the message, or the network.
fn with_table(table: &str, change: impl FnOnce(&mut Value)) -> Result<(), String> {
    let text = std::fs::read_to_string(shared("ieee13.json")).unwrap();
    let mut file: Value = serde_json::from_str(&text).unwrap();
    let frame = &mut file["_object"][table];
    let mut split: Value = serde_json::from_str(frame["_object"].as_str().unwrap()).unwrap();
    change(&mut split);
    frame["_object"] = Value::String(split.to_string());
    read(&file.to_string())
}

fn read(text: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, text).unwrap();
    load_network(&path).map(|_| ()).map_err(|e| e.to_string())
}

fn column(split: &Value, name: &str) -> usize {
    split["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == name)
        .unwrap()
}

#[test]
fn bad_pandapower_files_are_refused_with_the_element_named() {
    let refused = |result: Result<(), String>, fragments: &[&str]| {
        let message = result.unwrap_err();
        assert!(message.contains("bad.json"), "{message}");
        for f in fragments {
            assert!(message.contains(f), "{message} lacks {f:?}");
        }
    };
    refused(read("{ not json"), &["not valid JSON"]);
    refused(read(r#"{"a": 1}"#), &["not a pandapower network"]);
    // A NaN where a line needs a number.
    refused(
        with_table("line", |t| {
            let c = column(t, "r_ohm_per_km");
            t["data"][2][c] = Value::Null;
        }),
        &["line 2", "'r_ohm_per_km' is missing"],
    );
    // A standard type the file does not define.
    refused(
        with_table("line", |t| {
            let c = column(t, "std_type");
            t["data"][0][c] = Value::String("CF-999".into());
        }),
        &["line 0", "std_type 'CF-999'"],
    );
    // A load on a bus that is not there.
    refused(
        with_table("load", |t| {
            let c = column(t, "bus");
            t["data"][1][c] = Value::from(77);
        }),
        &["load 1", "bus 77"],
    );
    // An element kind GridPilot does not model.
    refused(
        with_table("trafo3w", |t| {
            let n = t["columns"].as_array().unwrap().len();
            t["index"] = serde_json::json!([0]);
            t["data"] = serde_json::json!([vec![Value::Null; n]]);
        }),
        &["'trafo3w' elements"],
    );
    // Voltage-dependent loads change the power flow.
    refused(
        with_table("load", |t| {
            let c = column(t, "const_z_p_percent");
            t["data"][0][c] = Value::from(50.0);
        }),
        &["load 0", "const_z_p_percent"],
    );
    // Tap changers GridPilot does not model: an ideal phase shifter, a second changer.
    refused(
        with_table("trafo", |t| {
            let c = column(t, "tap_changer_type");
            t["data"][0][c] = Value::String("Ideal".into());
        }),
        &["trafo 0", "type 'Ideal'"],
    );
    refused(
        with_table("trafo", |t| {
            let columns = t["columns"].as_array_mut().unwrap();
            columns.push(Value::String("tap2_pos".into()));
            for row in t["data"].as_array_mut().unwrap() {
                row.as_array_mut().unwrap().push(Value::from(1.0));
            }
        }),
        &["trafo 0", "second tap changer"],
    );
    // No bus table at all.
    let text = std::fs::read_to_string(shared("ieee13.json")).unwrap();
    let mut file: Value = serde_json::from_str(&text).unwrap();
    file["_object"].as_object_mut().unwrap().remove("bus");
    refused(read(&file.to_string()), &["no 'bus' table"]);
}

#[test]
fn storage_with_its_minimum_above_its_capacity_is_refused() {
    // Found by fuzzing: it used to panic.
    let result = with_table("storage", |t| {
        let c = column(t, "min_e_mwh");
        t["data"][0][c] = Value::from(1e15);
    });
    let message = result.unwrap_err();
    assert!(
        message.contains("storage 0") && message.contains("min_e_mwh"),
        "{message}"
    );
}
