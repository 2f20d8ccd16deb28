//! Edit mode driven headless through the real app, as a user would: by mouse on the network
//! view (placing buses, drawing lines, right-click menus, dragging), by keyboard (undo, redo,
//! delete, copy and paste) and through the inspector, the validation list, the file menu and
//! the unsaved-changes prompt.
#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};

use egui::{Modifiers, Pos2, accesskit::Role, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gridpilot::app::{Command, GridPilotApp, Mode, Project, ScriptedDialogs, Session};
use gridpilot::edit::{Document, Selection};
use gridpilot::io::{load_network, network_to_ron};
use gridpilot::model::{CostReward, Device, ElementRef, Network, RewardKind, Series};

/// The app on `project`, in a window large enough for every panel, with file dialogs that
/// answer `answers` in turn and a recovery folder of its own.
fn app_on(
    project: Project,
    answers: Vec<PathBuf>,
    recovery: &Path,
) -> Harness<'static, GridPilotApp> {
    let dialogs = ScriptedDialogs::answering(answers);
    let recovery = recovery.to_path_buf();
    let mut harness = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = GridPilotApp::new(project, Box::new(dialogs));
            app.set_data_dir(recovery);
            app.set_step_patience(std::time::Duration::from_secs(60));
            app
        });
    harness.run_steps(3);
    harness
}

fn new_network(answers: Vec<PathBuf>, recovery: &Path) -> Harness<'static, GridPilotApp> {
    app_on(
        Project::new(Document::new_network("sketch")),
        answers,
        recovery,
    )
}

fn anm6(recovery: &Path) -> Harness<'static, GridPilotApp> {
    let mut harness = app_on(Project::built_in().unwrap(), Vec::new(), recovery);
    harness.get_by_label("Edit").click();
    // The panels take a few frames to size themselves to Edit mode's content.
    harness.run_steps(6);
    assert_eq!(harness.state().mode, Mode::Edit);
    harness
}

fn network(harness: &Harness<'_, GridPilotApp>) -> Network {
    harness.state().project.document.network().clone()
}

fn session<'a>(harness: &'a Harness<'_, GridPilotApp>) -> &'a Session {
    harness.state().session().expect("a run")
}

/// A click of the primary (or secondary) button at a point of the window.
fn click_at(harness: &mut Harness<'_, GridPilotApp>, at: Pos2, button: egui::PointerButton) {
    harness.event(egui::Event::PointerMoved(at));
    harness.run_steps(1);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: at,
            button,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(2);
}

/// A drag with the primary button, moved in a few steps as a hand would.
fn drag(harness: &mut Harness<'_, GridPilotApp>, from: Pos2, to: Pos2) {
    harness.event(egui::Event::PointerMoved(from));
    harness.run_steps(1);
    harness.drag_at(from);
    harness.run_steps(1);
    for t in [0.25, 0.5, 0.75, 1.0] {
        harness.event(egui::Event::PointerMoved(from.lerp(to, t)));
        harness.run_steps(1);
    }
    harness.drop_at(to);
    harness.run_steps(2);
}

/// Where an item of the network view is (by its accessible name: "Bus bus1").
fn centre_of(harness: &Harness<'_, GridPilotApp>, label: &str) -> Pos2 {
    harness
        .get_by_role_and_label(Role::Button, label)
        .rect()
        .center()
}

/// Picks an entry of the right-click menu of `element` (its label may also be a tool's: the
/// menu's is the one drawn last).
fn menu_pick(harness: &mut Harness<'_, GridPilotApp>, element: &str, entry: &str) {
    let at = centre_of(harness, element);
    click_at(harness, at, egui::PointerButton::Secondary);
    let item = harness
        .get_all_by_label(entry)
        .last()
        .unwrap_or_else(|| panic!("no menu entry {entry}"));
    item.click();
    harness.run_steps(2);
}

fn key(harness: &mut Harness<'_, GridPilotApp>, modifiers: Modifiers, key: egui::Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run_steps(2);
}

/// Places three buses, draws two lines, attaches an external grid, a load and a solar unit.
fn build_by_mouse(harness: &mut Harness<'_, GridPilotApp>) {
    harness.get_by_label("Bus").click();
    harness.run_steps(1);
    let view = harness.get_by_label("Network view").rect();
    for dx in [-250.0, 0.0, 250.0] {
        click_at(
            harness,
            view.center() + vec2(dx, 0.0),
            egui::PointerButton::Primary,
        );
    }
    assert_eq!(network(harness).buses.len(), 3, "three clicks, three buses");
    harness.get_by_label("Line").click();
    harness.run_steps(1);
    for (from, to) in [("Bus bus1", "Bus bus2"), ("Bus bus2", "Bus bus3")] {
        let (a, b) = (centre_of(harness, from), centre_of(harness, to));
        drag(harness, a, b);
    }
    assert_eq!(network(harness).branches.len(), 2, "two drags, two lines");
    harness.get_by_label("Select").click();
    harness.run_steps(1);
    menu_pick(harness, "Bus bus1", "External grid");
    menu_pick(harness, "Bus bus3", "Load");
    menu_pick(harness, "Bus bus2", "Solar");
}

#[test]
fn a_feeder_built_by_mouse_runs_undoes_to_empty_redoes_and_saves_identically() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("sketch.ron");
    let mut harness = new_network(vec![saved.clone(), saved.clone()], dir.path());
    assert_eq!(
        harness.state().mode,
        Mode::Edit,
        "an empty network cannot run"
    );
    build_by_mouse(&mut harness);
    let built = network(&harness);
    let kinds: Vec<&str> = built.devices.iter().map(|d| d.kind_name()).collect();
    assert_eq!(kinds, ["external grid", "load", "solar"]);
    harness.get_by_label("No problems: the network is ready to run.");

    harness.get_by_label("Run").click();
    harness.run_steps(2);
    assert_eq!(harness.state().mode, Mode::Run);
    for _ in 0..10 {
        harness.get_by_label("Step").click();
        harness.run_steps(1);
    }
    let run = session(&harness);
    assert_eq!(run.cursor, 10);
    assert!(run.history.summaries().iter().all(|s| s.converged));
    let solar = run
        .network()
        .devices
        .iter()
        .position(|d| d.name() == "pv1")
        .unwrap();
    assert!(
        run.current().device_p_mw[solar] > 0.0,
        "the sun shines on the new panel"
    );

    harness.get_by_label("Edit").click();
    harness.run_steps(2);
    let mut undos = 0;
    while harness.state().project.document.undo_label().is_some() {
        key(&mut harness, Modifiers::COMMAND, egui::Key::Z);
        undos += 1;
        assert!(undos <= 8, "undo never ends");
    }
    assert_eq!(undos, 8, "3 buses, 2 lines, 3 devices");
    assert_eq!(network(&harness), Network::new("sketch", 100.0));
    while harness.state().project.document.redo_label().is_some() {
        key(&mut harness, Modifiers::COMMAND, egui::Key::Y);
    }
    assert_eq!(network(&harness), built);

    key(&mut harness, Modifiers::COMMAND, egui::Key::S);
    assert!(!harness.state().project.document.is_dirty());
    assert_eq!(load_network(&saved).unwrap(), built);
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Open network…").click();
    harness.run_steps(2);
    assert_eq!(network(&harness), built);
    assert_eq!(harness.state().project.document.file_label(), "sketch.ron");
}

#[test]
fn deleting_a_bus_takes_what_hangs_on_it_and_undo_gives_the_identical_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    let before = network_to_ron(&network(&harness));
    harness.get_by_label("Bus bus3").click();
    harness.run_steps(1);
    key(&mut harness, Modifiers::NONE, egui::Key::Delete);
    let net = network(&harness);
    assert!(net.bus("bus3").is_none());
    assert!(net.devices.iter().all(|d| d.bus() != "bus3"));
    harness.get_by_label_contains("Undo: delete 4 elements");
    harness.get_by_label("Undo: delete 4 elements").click();
    harness.run_steps(2);
    assert_eq!(network_to_ron(&network(&harness)), before);
    harness.get_by_label("Redo: delete 4 elements");
}

#[test]
fn copy_and_paste_adds_renamed_copies_with_their_wiring() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    let selection = Selection::from_elements([
        ElementRef::Bus("bus4".into()),
        ElementRef::Bus("bus2".into()),
    ]);
    harness.state_mut().queue(Command::Select(selection));
    harness.run_steps(1);
    key(&mut harness, Modifiers::COMMAND, egui::Key::C);
    key(&mut harness, Modifiers::COMMAND, egui::Key::V);
    let net = network(&harness);
    assert_eq!(net.buses.len(), 8);
    let pasted: Vec<&str> = net.buses[6..].iter().map(|b| b.name.as_str()).collect();
    assert_eq!(pasted, ["bus6", "bus7"]);
    assert!(net.branch("bus6-bus7").is_some(), "{:?}", net.branches);
    assert_eq!(net.devices.iter().filter(|d| d.bus() == "bus7").count(), 2);
    let duplicates = net.validate().to_string();
    assert!(!duplicates.contains("two "), "{duplicates}");
    let selected = harness.state().selection.items().to_vec();
    assert!(selected.contains(&ElementRef::Bus("bus6".into())));
}

#[test]
fn an_impossible_value_is_refused_in_the_inspector_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    harness.get_by_label("Storage storage").click();
    harness.run_steps(2);
    field_type(&mut harness, "Efficiency (0–1)", "1.5");
    harness.get_by_label_contains("efficiency = 1.5 is not allowed: it must lie in (0, 1]");
    let storage = network(&harness);
    let Some(Device::Storage(s)) = storage.device("storage") else {
        panic!("no storage")
    };
    assert_eq!(s.efficiency, 0.9, "the network keeps its value");
    assert!(!harness.state().project.document.is_dirty());
    // A valid value goes through and can be undone.
    field_type(&mut harness, "Efficiency (0–1)", "0.8");
    let net = network(&harness);
    let Some(Device::Storage(s)) = net.device("storage") else {
        panic!("no storage")
    };
    assert_eq!(s.efficiency, 0.8);
}

#[test]
fn the_reward_is_switched_to_the_operating_cost_and_its_costs_set_in_the_inspector() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    let reward = |harness: &Harness<'_, GridPilotApp>| {
        network(harness).scenario.expect("a scenario").reward.kind
    };
    assert_eq!(reward(&harness), RewardKind::GymAnm);
    harness.get_by_label("Reward is the operating cost").click();
    harness.run_steps(2);
    assert_eq!(reward(&harness), RewardKind::Cost(CostReward::default()));
    // Prices typed one per time index; a word among them is refused.
    let prices = "Energy price (per MWh, by time index)";
    text_type(&mut harness, prices, "40, 55, 70");
    let price = |harness: &Harness<'_, GridPilotApp>| match reward(harness) {
        RewardKind::Cost(costs) => costs.energy_price,
        RewardKind::GymAnm => panic!("not the cost reward"),
    };
    assert_eq!(
        price(&harness),
        Some(Series::Values(vec![40.0, 55.0, 70.0]))
    );
    text_type(&mut harness, prices, "40, cheap");
    harness.get_by_label_contains("'cheap' is not a number");
    assert_eq!(
        price(&harness),
        Some(Series::Values(vec![40.0, 55.0, 70.0]))
    );
    field_type(&mut harness, "Ramping cost (per MW)", "2.5");
    field_type(&mut harness, "Cost scale", "0");
    harness.get_by_label_contains("must be positive");
    let RewardKind::Cost(costs) = reward(&harness) else {
        panic!("not the cost reward")
    };
    assert_eq!((costs.ramp_cost_per_mw, costs.scale), (2.5, 1.0));
    assert!(costs.energy_price.is_some());
    // Back to gym-anm's reward, its weight and clips as they were.
    // The form has scrolled to its last field: the checkbox is reached by keyboard.
    harness.get_by_label("Reward is the operating cost").focus();
    harness.run_steps(1);
    harness.key_press(egui::Key::Space);
    harness.run_steps(2);
    assert_eq!(reward(&harness), RewardKind::GymAnm);
    harness.get_by_role_and_label(Role::SpinButton, "Penalty weight (λ)");
}

/// Replaces the text of a labelled text field and presses Enter.
fn text_type(harness: &mut Harness<'_, GridPilotApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.run_steps(1);
    harness.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Text(text.to_string()));
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
}

/// Types into a labelled number field (focusing it selects its text) and presses Enter.
fn field_type(harness: &mut Harness<'_, GridPilotApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::SpinButton, label)
        .focus();
    harness.run_steps(1);
    harness.event(egui::Event::Text(text.to_string()));
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
}

#[test]
fn run_is_refused_with_the_validation_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = new_network(Vec::new(), dir.path());
    harness.get_by_label("Bus").click();
    harness.run_steps(1);
    let view = harness.get_by_label("Network view").rect();
    click_at(&mut harness, view.center(), egui::PointerButton::Primary);
    harness.get_by_label("Run").click();
    harness.run_steps(2);
    assert_eq!(harness.state().mode, Mode::Edit);
    harness.get_by_label_contains("The network cannot run: no external grid");
    harness.get_by_label("1 problem stops this network from running:");
    // Clicking the problem shows the element it is about, when there is one.
    menu_pick(&mut harness, "Bus bus1", "External grid");
    harness.get_by_label("No problems: the network is ready to run.");
    harness.get_by_label("Run").click();
    harness.run_steps(2);
    assert_eq!(harness.state().mode, Mode::Run);
}

#[test]
fn the_validation_list_selects_the_element_at_fault() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    let mut bus = network(&harness).bus("bus2").unwrap().clone();
    bus.base_kv = 0.0;
    harness
        .state_mut()
        .queue(Command::Edit(gridpilot::edit::Edit::SetBus(bus)));
    harness.run_steps(2);
    harness
        .get_by_label_contains("bus 'bus2': base_kv = 0 is not allowed")
        .click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection.primary(),
        Some(&ElementRef::Bus("bus2".into()))
    );
}

#[test]
fn unsaved_edits_are_asked_about_before_they_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    menu_pick(&mut harness, "Bus bus2", "Shunt");
    assert!(harness.state().project.document.is_dirty());
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("New network").click();
    // A modal window is sized on its first frame and shown on the next.
    harness.run_steps(3);
    harness.get_by_label("Unsaved changes");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(harness.state().prompt.is_none());
    assert!(
        network(&harness).device("shunt1").is_some(),
        "Cancel keeps the edits"
    );
    key(&mut harness, Modifiers::COMMAND, egui::Key::N);
    harness.run_steps(1);
    harness.get_by_label("Discard").click();
    harness.run_steps(2);
    assert_eq!(network(&harness), Network::new("untitled", 100.0));
    assert!(!harness.state().project.document.is_dirty());
    assert_eq!(harness.state().mode, Mode::Edit);

    // Closing the window with unsaved edits asks too, and Cancel keeps it open.
    harness.get_by_label("Bus").click();
    harness.run_steps(1);
    let view = harness.get_by_label("Network view").rect();
    click_at(&mut harness, view.center(), egui::PointerButton::Primary);
    assert!(harness.state().project.document.is_dirty());
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run_steps(3);
    harness.get_by_label("Unsaved changes");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(harness.state().prompt.is_none());
    assert!(harness.state().project.document.is_dirty());
}

#[test]
fn dragging_moves_buses_and_a_box_selects_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    let before = network(&harness).bus("bus4").unwrap().position;
    let from = centre_of(&harness, "Bus bus4");
    drag(&mut harness, from, from + vec2(60.0, -30.0));
    let after = network(&harness).bus("bus4").unwrap().position;
    assert!(
        after.x > before.x && after.y < before.y,
        "{before:?} → {after:?}"
    );
    harness.get_by_label("Undo: move bus4");
    // A box around bus4 and bus5 (and below them) selects them with their devices.
    let (a, b) = (
        centre_of(&harness, "Bus bus4"),
        centre_of(&harness, "Bus bus5"),
    );
    drag(&mut harness, a - vec2(40.0, 30.0), b + vec2(40.0, 30.0));
    let selected = harness.state().selection.items().to_vec();
    assert!(selected.contains(&ElementRef::Bus("bus4".into())));
    assert!(selected.contains(&ElementRef::Bus("bus5".into())));
    assert!(!selected.contains(&ElementRef::Bus("bus2".into())));
}

#[test]
fn without_a_desktop_file_dialog_gridpilot_asks_with_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let dialogs = ScriptedDialogs {
        unavailable: true,
        ..Default::default()
    };
    let project = Project::new(Document::new_network("sketch"));
    let recovery = dir.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = GridPilotApp::new(project, Box::new(dialogs));
            app.set_data_dir(recovery);
            app
        });
    harness.run_steps(3);
    key(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        egui::Key::S,
    );
    harness.run_steps(2);
    harness.get_by_label("Save network");
    let target = dir.path().join("mine.ron");
    harness
        .get_by_role_and_label(Role::TextInput, "File name")
        .focus();
    harness.run_steps(1);
    key(&mut harness, Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Text(target.display().to_string()));
    harness.run_steps(1);
    harness.get_by_label("Save").click();
    harness.run_steps(3);
    assert_eq!(
        load_network(&target).unwrap(),
        Network::new("sketch", 100.0)
    );
    assert_eq!(
        harness.state().project.document.path(),
        Some(target.as_path())
    );
}

#[test]
fn unsaved_edits_are_copied_every_minute_and_offered_back_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = new_network(Vec::new(), dir.path());
    harness.get_by_label("Bus").click();
    harness.run_steps(1);
    let view = harness.get_by_label("Network view").rect();
    click_at(&mut harness, view.center(), egui::PointerButton::Primary);
    let edited = network(&harness);
    let copies = dir.path().join("recovery");
    // The harness advances its clock by a fraction of a second each frame.
    let mut frames = 0;
    while std::fs::read_dir(&copies).map_or(0, |d| d.count()) == 0 {
        harness.run_steps(10);
        frames += 10;
        assert!(frames < 2_000, "no recovery copy after {frames} frames");
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let copy = std::fs::read_dir(&copies)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(load_network(&copy).unwrap(), edited);
    // The window dies; its copy is left with another process's number on it.
    drop(harness);
    std::fs::rename(&copy, copies.join("untitled-1.ron")).unwrap();

    let recovery = dir.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = GridPilotApp::new(
                Project::built_in().unwrap(),
                Box::new(ScriptedDialogs::default()),
            );
            app.set_data_dir(recovery);
            app.offer_recovery();
            app
        });
    harness.run_steps(3);
    harness.get_by_label("Recover unsaved changes?");
    harness.get_by_label("Recover").click();
    harness.run_steps(3);
    assert_eq!(network(&harness), edited);
    assert!(
        harness.state().project.document.is_dirty(),
        "recovered edits are unsaved"
    );
    assert!(
        !copies.join("untitled-1.ron").exists(),
        "the copy is used up"
    );
}

#[test]
fn running_an_edited_network_starts_a_new_episode_and_keeps_the_old_one_saveable() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("before.episode");
    let project = Project::built_in().unwrap();
    let mut harness = app_on(project, vec![saved.clone()], dir.path());
    for _ in 0..5 {
        harness.get_by_label("Step").click();
        harness.run_steps(1);
    }
    assert_eq!(session(&harness).cursor, 5);
    // Back and forth without an edit: the run goes on where it was.
    harness.get_by_label("Edit").click();
    harness.run_steps(6);
    harness.get_by_label("Run").click();
    harness.run_steps(2);
    assert_eq!(session(&harness).cursor, 5);

    harness.get_by_label("Edit").click();
    harness.run_steps(6);
    menu_pick(&mut harness, "Bus bus2", "Shunt");
    harness.get_by_label("Run").click();
    harness.run_steps(2);
    assert_eq!(session(&harness).cursor, 0, "a new episode");
    assert!(session(&harness).network().device("shunt1").is_some());
    harness.get_by_label_contains("a new episode starts");
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Save previous episode…").click();
    harness.run_steps(2);
    let old = gridpilot::io::load_episode(&saved).unwrap();
    assert_eq!(old.steps.len(), 6);
    assert!(old.network.device("shunt1").is_none());
}

fn positions(net: &Network) -> Vec<(f64, f64)> {
    net.buses
        .iter()
        .map(|b| (b.position.x, b.position.y))
        .collect()
}

/// Frames until `done`, giving the layout's thread time to work.
fn frames_until(harness: &mut Harness<'_, GridPilotApp>, done: impl Fn(&GridPilotApp) -> bool) {
    for _ in 0..600 {
        if done(harness.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(1);
    }
    panic!("the layout did not finish");
}

#[test]
fn an_automatic_layout_is_one_edit_that_undo_takes_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    let before = positions(&network(&harness));
    // The Edit menu (the first "Edit" in the top bar; the second is the mode switch).
    harness.get_all_by_label("Edit").next().unwrap().click();
    harness.run_steps(2);
    harness.get_by_label("Automatic layout").click();
    frames_until(&mut harness, |app| {
        app.project.document.undo_label() == Some("automatic layout")
    });
    let after = positions(&network(&harness));
    assert_ne!(after, before);
    // ANM6-Easy is a feeder: drawn as a tree from the grid's bus, its trunk in one row.
    assert_eq!(after[0], (0.0, 0.0), "bus0, the source, starts the diagram");
    harness.get_by_label("Undo: automatic layout").click();
    harness.run_steps(2);
    assert_eq!(positions(&network(&harness)), before);
}

#[test]
fn a_layout_under_way_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases/case1354pegase.m");
    let mut harness = app_on(Project::open(&case).unwrap(), Vec::new(), dir.path());
    harness.state_mut().queue(Command::SetMode(Mode::Edit));
    harness.run_steps(2);
    let before = positions(&network(&harness));
    harness
        .state_mut()
        .queue(Command::AutoLayout { selection: false });
    harness.run_steps(1);
    harness.get_by_label("Cancel layout").click();
    frames_until(&mut harness, |app| {
        app.log
            .iter()
            .any(|l| l.contains("The layout was cancelled"))
    });
    assert_eq!(positions(&network(&harness)), before);
    assert_eq!(harness.state().project.document.undo_label(), None);
}

#[test]
fn a_matpower_case_opened_in_the_app_is_shown_laid_out() {
    let dir = tempfile::tempdir().unwrap();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases/case118.m");
    let mut harness = anm6(dir.path());
    harness.state_mut().queue(Command::OpenFile(case.clone()));
    frames_until(&mut harness, |app| {
        app.project.document.network().name == "case118"
    });
    // As `gridpilot import` lays it out, not in the reader's provisional layers.
    let mut laid_out = load_network(&case).unwrap();
    let layers = positions(&laid_out);
    let never = std::sync::atomic::AtomicBool::new(false);
    gridpilot::layout::lay_out_network(&mut laid_out, None, &|_| {}, &never).unwrap();
    let shown = positions(&network(&harness));
    assert_eq!(shown, positions(&laid_out));
    assert_ne!(shown, layers);
    assert_eq!(harness.state().project.document.undo_label(), None);
    assert!(harness.state().log.iter().any(|l| l.contains("Opened")));
}

#[test]
fn a_pandapower_network_opens_on_its_geodata_or_laid_out_without() {
    let dir = tempfile::tempdir().unwrap();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/networks-pandapower");
    let mut harness = anm6(dir.path());
    // CIGRE MV has a place for every bus: kept as it is.
    let cigre = shared.join("cigre_mv_der.json");
    let as_read = load_network(&cigre).unwrap();
    harness.state_mut().queue(Command::OpenFile(cigre));
    frames_until(&mut harness, |app| {
        app.project.document.network().name == as_read.name
    });
    assert_eq!(positions(&network(&harness)), positions(&as_read));
    // IEEE 13 has none: laid out, as a feeder.
    let ieee13 = shared.join("ieee13.json");
    let mut laid_out = load_network(&ieee13).unwrap();
    assert_ne!(laid_out.name, as_read.name);
    harness.state_mut().queue(Command::OpenFile(ieee13));
    frames_until(&mut harness, |app| {
        app.project.document.network().name == laid_out.name
    });
    let never = std::sync::atomic::AtomicBool::new(false);
    gridpilot::layout::lay_out_network(&mut laid_out, None, &|_| {}, &never).unwrap();
    assert_eq!(positions(&network(&harness)), positions(&laid_out));
}

#[test]
fn opening_a_case_can_be_cancelled_while_it_is_laid_out() {
    let dir = tempfile::tempdir().unwrap();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases/case1354pegase.m");
    let mut harness = anm6(dir.path());
    harness.state_mut().queue(Command::OpenFile(case));
    harness.run_steps(1);
    harness.get_by_label("Cancel layout").click();
    frames_until(&mut harness, |app| {
        app.log.iter().any(|l| l.contains("was cancelled"))
    });
    assert_eq!(
        network(&harness).name,
        "anm6_easy",
        "the window keeps its network"
    );
}

#[test]
fn a_file_opened_while_a_case_is_laid_out_is_the_one_that_stays() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut harness = anm6(dir.path());
    let case = root.join("../shared/cases/case1354pegase.m");
    harness.state_mut().queue(Command::OpenFile(case));
    harness.run_steps(1);
    let classroom = root.join("networks/case14_classroom.ron");
    harness.state_mut().queue(Command::OpenFile(classroom));
    harness.run_steps(1);
    assert_eq!(network(&harness).name, "case14_classroom");
    // Long enough for the case to have been laid out, had it not been given up.
    let laying_out = std::time::Instant::now();
    let mut case = load_network(&root.join("../shared/cases/case1354pegase.m")).unwrap();
    let never = std::sync::atomic::AtomicBool::new(false);
    gridpilot::layout::lay_out_network(&mut case, None, &|_| {}, &never).unwrap();
    std::thread::sleep(laying_out.elapsed());
    harness.run_steps(3);
    assert_eq!(network(&harness).name, "case14_classroom");
    assert!(harness.query_by_label("Cancel layout").is_none());
}

#[test]
fn a_bus_is_put_in_a_zone_in_the_inspector_and_the_view_colours_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = anm6(dir.path());
    assert!(harness.query_by_label("Zones").is_none(), "no zones yet");
    harness.get_by_label("Bus bus3").click();
    harness.run_steps(2);
    text_type(&mut harness, "Zone", "north");
    harness.run_steps(1);
    let zone = |h: &Harness<'_, GridPilotApp>| network(h).bus("bus3").unwrap().zone.clone();
    assert_eq!(zone(&harness).as_deref(), Some("north"));
    harness.get_by_label("Zones").click();
    harness.run_steps(2);
    harness.get_by_label("Run").click();
    harness.run_steps(4);
    harness.get_by_label("zone north");
    harness.get_by_label("Edit").click();
    harness.run_steps(4);
    key(&mut harness, Modifiers::COMMAND, egui::Key::Z);
    assert_eq!(zone(&harness), None);
}
