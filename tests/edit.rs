//! The document and its edits without a window: every edit undoes exactly, deletes take what
//! hangs off a bus and give it back in place, renames follow references, pastes get new names,
//! and the saved file matches what was built.

use std::path::Path;

use gridpilot::edit::DeviceKind;
use gridpilot::edit::{Document, Edit, EditError, Fragment, build};
use gridpilot::io::{load_network, network_to_ron};
use gridpilot::model::{ElementRef, Network, Position};

fn bundled(name: &str) -> Network {
    load_network(Path::new(&format!("networks/{name}.ron"))).expect("bundled network")
}

fn at(x: f64, y: f64) -> Position {
    Position { x, y }
}

/// Builds a small feeder the way the editor's gestures do.
fn build_feeder(doc: &mut Document) {
    for x in [0.0, 200.0, 400.0] {
        let (edit, _) = build::add_bus(doc.network(), at(x, 0.0));
        doc.apply(edit).unwrap();
    }
    for (from, to) in [("bus1", "bus2"), ("bus2", "bus3")] {
        let (edit, _) = build::connect(doc.network(), from, to).unwrap();
        doc.apply(edit).unwrap();
    }
    for (bus, kind) in [
        ("bus1", DeviceKind::ExternalGrid),
        ("bus3", DeviceKind::Load),
        ("bus2", DeviceKind::Solar),
    ] {
        let (edit, _) = build::attach(doc.network(), bus, kind);
        doc.apply(edit).unwrap();
    }
}

#[test]
fn a_feeder_built_by_gestures_validates_and_solves() {
    let mut doc = Document::new_network("sketch");
    build_feeder(&mut doc);
    let net = doc.network();
    assert_eq!(net.buses.len(), 3);
    assert_eq!(net.branches[0].name, "bus1-bus2");
    assert_eq!(net.devices[0].name(), "grid1");
    let report = net.validate();
    assert!(report.is_ok(), "{report}");
    let mut pf = gridpilot::powerflow::PowerFlow::new(net).unwrap();
    let result = pf.solve(net, &Default::default()).unwrap();
    assert!(result.converged);
    // 1 MW of load against 2 MW of sun: power flows back towards the grid.
    assert!(result.branches[0].p_from_mw < 0.0);
}

#[test]
fn undo_walks_back_to_empty_and_redo_rebuilds_the_same_network() {
    let mut doc = Document::new_network("sketch");
    build_feeder(&mut doc);
    let built = doc.network().clone();
    assert!(doc.is_dirty());
    let mut labels = Vec::new();
    while let Some(label) = doc.undo().unwrap() {
        labels.push(label);
    }
    assert_eq!(*doc.network(), Network::new("sketch", 100.0));
    assert!(!doc.is_dirty(), "back at the state it was created in");
    assert_eq!(labels.first().map(String::as_str), Some("add solar pv1"));
    assert_eq!(labels.last().map(String::as_str), Some("add bus bus1"));
    while doc.redo().unwrap().is_some() {}
    assert_eq!(*doc.network(), built);
    assert_eq!(doc.undo_label(), Some("add solar pv1"));
    assert_eq!(doc.redo_label(), None);
}

#[test]
fn deleting_a_bus_takes_its_branches_devices_and_profiles_and_undo_restores_the_file() {
    let mut doc = Document::from_network(bundled("anm6_easy"), None);
    let before = network_to_ron(doc.network());
    let edit = build::delete(doc.network(), &[ElementRef::Bus("bus3".into())]).unwrap();
    assert_eq!(edit.label(), "delete 4 elements");
    doc.apply(edit).unwrap();
    let net = doc.network();
    assert!(net.bus("bus3").is_none());
    assert!(
        net.branches
            .iter()
            .all(|b| b.from_bus != "bus3" && b.to_bus != "bus3")
    );
    assert!(net.devices.iter().all(|d| d.bus() != "bus3"));
    let scenario = net.scenario.as_ref().unwrap();
    assert!(
        scenario
            .profiles
            .iter()
            .all(|p| net.device(&p.device).is_some())
    );
    doc.undo().unwrap();
    assert_eq!(network_to_ron(doc.network()), before);
    doc.redo().unwrap();
    assert!(doc.network().bus("bus3").is_none());
}

#[test]
fn renaming_a_bus_renames_its_references_and_undoes() {
    let mut doc = Document::from_network(bundled("anm6_easy"), None);
    let before = doc.network().clone();
    let rename = Edit::Rename {
        element: ElementRef::Bus("bus1".into()),
        to: "substation".into(),
    };
    assert_eq!(rename.label(), "rename bus1 to substation");
    doc.apply(rename).unwrap();
    let net = doc.network();
    assert!(net.bus("substation").is_some() && net.bus("bus1").is_none());
    assert!(
        net.branches
            .iter()
            .any(|b| b.to_bus == "substation" || b.from_bus == "substation")
    );
    assert!(net.validate().is_ok());
    doc.undo().unwrap();
    assert_eq!(*doc.network(), before);
}

#[test]
fn renaming_a_device_moves_its_profile_along() {
    let mut doc = Document::from_network(bundled("anm6_easy"), None);
    let rename = Edit::Rename {
        element: ElementRef::Device("pv".into()),
        to: "solar_park".into(),
    };
    doc.apply(rename).unwrap();
    let scenario = doc.network().scenario.as_ref().unwrap();
    assert!(scenario.profile("solar_park").is_some());
    assert!(scenario.profile("pv").is_none());
}

#[test]
fn clashing_or_empty_names_are_refused_and_nothing_changes() {
    let mut doc = Document::from_network(bundled("anm6_easy"), None);
    let before = doc.network().clone();
    let clash = Edit::Rename {
        element: ElementRef::Bus("bus1".into()),
        to: "bus2".into(),
    };
    assert_eq!(
        doc.apply(clash),
        Err(EditError::NameTaken(ElementRef::Bus("bus2".into())))
    );
    let empty = Edit::Rename {
        element: ElementRef::Device("pv".into()),
        to: " ".into(),
    };
    assert!(matches!(doc.apply(empty), Err(EditError::BadName { .. })));
    let missing = Edit::Rename {
        element: ElementRef::Branch("nope".into()),
        to: "x".into(),
    };
    assert!(matches!(doc.apply(missing), Err(EditError::NotFound(_))));
    assert_eq!(*doc.network(), before);
    assert!(!doc.is_dirty());
    assert_eq!(doc.undo_label(), None);
}

#[test]
fn a_failing_edit_in_a_group_leaves_the_network_as_it_was() {
    let mut doc = Document::from_network(bundled("anm6_easy"), None);
    let before = doc.network().clone();
    let moves = build::move_buses(doc.network(), &["bus1".into()], 5.0, 5.0);
    let group = Edit::Group {
        label: "two things".into(),
        edits: vec![
            moves,
            Edit::Rename {
                element: ElementRef::Bus("ghost".into()),
                to: "x".into(),
            },
        ],
    };
    assert!(doc.apply(group).is_err());
    assert_eq!(*doc.network(), before);
}

#[test]
fn copy_and_paste_gives_new_names_and_keeps_the_wiring() {
    let mut doc = Document::new_network("sketch");
    build_feeder(&mut doc);
    let selection = [
        ElementRef::Bus("bus2".into()),
        ElementRef::Bus("bus3".into()),
    ];
    let fragment = Fragment::copy(doc.network(), &selection);
    assert_eq!(
        (
            fragment.buses.len(),
            fragment.branches.len(),
            fragment.devices.len()
        ),
        (2, 1, 2)
    );
    // Through the system clipboard's text and back.
    let fragment = Fragment::from_text(&fragment.to_text()).expect("fragment text");
    let (edit, new) = fragment.paste(doc.network(), 0.0, 150.0);
    doc.apply(edit).unwrap();
    let net = doc.network();
    assert_eq!(net.buses.len(), 5);
    assert_eq!(new[0], ElementRef::Bus("bus4".into()));
    assert_eq!(new[1], ElementRef::Bus("bus5".into()));
    let pasted = net
        .branch("bus4-bus5")
        .expect("branches keep the from-to naming");
    assert_eq!(
        (pasted.from_bus.as_str(), pasted.to_bus.as_str()),
        ("bus4", "bus5")
    );
    assert_eq!(net.bus("bus5").unwrap().position.y, 150.0);
    let report = net.validate();
    assert!(
        report
            .problems
            .iter()
            .all(|p| !p.to_string().contains("two ")),
        "{report}"
    );
    doc.undo().unwrap();
    assert_eq!(doc.network().buses.len(), 3);
    assert!(Fragment::from_text("plain text").is_none());
}

#[test]
fn merged_edits_undo_together_and_sealing_starts_a_new_entry() {
    let mut doc = Document::from_network(bundled("anm6_easy"), None);
    let original = doc.network().bus("bus2").unwrap().clone();
    for vmax in [1.11, 1.12, 1.13] {
        let mut bus = doc.network().bus("bus2").unwrap().clone();
        bus.vmax_pu = vmax;
        doc.apply_merging(Edit::SetBus(bus), "bus2.vmax_pu")
            .unwrap();
    }
    doc.seal();
    let mut bus = doc.network().bus("bus2").unwrap().clone();
    bus.vmax_pu = 1.2;
    doc.apply_merging(Edit::SetBus(bus), "bus2.vmax_pu")
        .unwrap();
    doc.undo().unwrap();
    assert_eq!(doc.network().bus("bus2").unwrap().vmax_pu, 1.13);
    doc.undo().unwrap();
    assert_eq!(*doc.network().bus("bus2").unwrap(), original);
    assert!(!doc.is_dirty());
    assert_eq!(doc.undo().unwrap(), None);
}

#[test]
fn profiles_are_set_changed_and_removed_with_undo() {
    let mut doc = Document::from_network(bundled("anm6_easy"), None);
    let before = doc.network().clone();
    let removal = build::set_profile(doc.network(), "pv", None).unwrap();
    assert_eq!(removal.label(), "remove the profile of pv");
    doc.apply(removal).unwrap();
    assert!(
        doc.network()
            .scenario
            .as_ref()
            .unwrap()
            .profile("pv")
            .is_none()
    );
    doc.undo().unwrap();
    assert_eq!(*doc.network(), before);
    assert!(
        build::set_profile(
            doc.network(),
            "pv",
            before.scenario.as_ref().unwrap().profile("pv").cloned()
        )
        .is_none()
    );
}

#[test]
fn save_then_reopen_gives_the_same_network_and_a_clean_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::new_network("sketch");
    build_feeder(&mut doc);
    assert_eq!(doc.save().unwrap(), None, "a new network has no file yet");
    let path = doc.save_as(&dir.path().join("sketch")).unwrap();
    assert_eq!(path.extension().unwrap(), "ron");
    assert!(!doc.is_dirty());
    assert_eq!(doc.file_label(), "sketch.ron");
    let reopened = Document::open(&path).unwrap();
    assert_eq!(reopened.network(), doc.network());
    doc.undo().unwrap();
    assert!(doc.is_dirty());
    doc.redo().unwrap();
    assert!(!doc.is_dirty(), "redo returns to the saved state");
}

#[test]
fn an_imported_case_is_saved_as_a_new_file_never_over_the_case() {
    let case = Path::new("../shared/cases/case14.m");
    let mut doc = Document::open(case).unwrap();
    assert_eq!(doc.path(), None);
    assert_eq!(doc.file_label(), "case14.m (imported)");
    assert_eq!(doc.save().unwrap(), None);
}

#[test]
fn moving_buses_and_undo_on_a_large_network_are_exact() {
    let net = load_network(Path::new("../shared/cases/case1354pegase.m")).unwrap();
    let mut doc = Document::from_network(net, None);
    let before = doc.network().clone();
    let names: Vec<String> = doc
        .network()
        .buses
        .iter()
        .take(100)
        .map(|b| b.name.clone())
        .collect();
    let edit = build::move_buses(doc.network(), &names, 12.5, -3.0);
    assert_eq!(edit.label(), "move 100 buses");
    doc.apply(edit).unwrap();
    assert_eq!(
        doc.network().buses[0].position.x,
        before.buses[0].position.x + 12.5
    );
    doc.undo().unwrap();
    assert_eq!(*doc.network(), before);
}
