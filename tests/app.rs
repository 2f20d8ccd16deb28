//! The real application driven headless through its accessibility tree, as a user would:
//! picking agents, playing, stepping, human setpoints, selecting, replaying and the safety
//! panel. No display or GPU is needed.

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gridpilot::app::canvas::Element;
use gridpilot::app::{AgentChoice, GridPilotApp, Mode, ScriptedDialogs, open_session};

fn app_with(dialogs: ScriptedDialogs) -> Harness<'static, GridPilotApp> {
    let session = open_session(None).unwrap();
    Harness::new_eframe(move |_cc| GridPilotApp::new(session, Box::new(dialogs)))
}

fn app() -> Harness<'static, GridPilotApp> {
    app_with(ScriptedDialogs::default())
}

fn pick_agent(harness: &mut Harness<'_, GridPilotApp>, label: &str) {
    harness.get_by_label("Agent").click();
    harness.run_steps(2);
    harness.get_by_label(label).click();
    harness.run_steps(2);
}

#[test]
fn opens_on_the_built_in_network() {
    let harness = app();
    assert_eq!(harness.state().session.network().name, "anm6_easy");
    harness.get_by_label("anm6_easy");
    harness.get_by_label("Play");
}

#[test]
fn each_agent_can_be_picked_and_play_runs_steps() {
    for (label, choice) in [
        ("Random", AgentChoice::Random),
        ("Human", AgentChoice::Human),
    ] {
        let mut harness = app();
        pick_agent(&mut harness, label);
        assert_eq!(harness.state().session.agent_choice, choice);
        // The harness advances 0.25 s a frame: 10 frames at 8 steps/s play 20 steps.
        harness.state_mut().session.steps_per_s = 8.0;
        harness.get_by_label("Play").click();
        harness.run_steps(10);
        let cursor = harness.state().session.cursor;
        assert!((18..=21).contains(&cursor), "{label}: {cursor}");
        assert!(
            harness.state().session.playing,
            "{label}: still playing at {}",
            harness.state().session.cursor
        );
        harness.get_by_label("Pause").click();
        harness.run_steps(2);
        let at = harness.state().session.cursor;
        harness.run_steps(10);
        assert_eq!(harness.state().session.cursor, at, "paused");
    }
}

#[test]
fn a_linear_policy_is_picked_through_the_file_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.ron");
    std::fs::write(
        &policy,
        r#"LinearPolicy(observation: ["storage.soc_mwh"], action: ["storage.p_mw"], weights: [[0.1]], bias: [-5.0])"#,
    )
    .unwrap();
    let mut harness = app_with(ScriptedDialogs {
        answers: [policy.clone()].into(),
    });
    pick_agent(&mut harness, "Linear policy…");
    assert_eq!(
        harness.state().session.agent_choice,
        AgentChoice::Linear(policy)
    );
}

#[test]
fn step_advances_one_step_and_the_clock_follows() {
    let mut harness = app();
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    assert_eq!(harness.state().session.cursor, 1);
    harness.get_by_label("Step 1 of 96");
    harness.get_by_label("Day 1, 00:15");
}

#[test]
fn selecting_a_bus_shows_its_voltage() {
    let mut harness = app();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Bus bus3")
        .click();
    harness.run_steps(2);
    assert_eq!(harness.state().selected, Some(Element::Bus(3)));
    let vm = harness.state().session.current().bus_vm_pu[3];
    harness.get_by_label(&format!("{vm:.4} p.u."));
}

#[test]
fn a_human_setpoint_drives_the_next_state() {
    let mut harness = app();
    pick_agent(&mut harness, "Human");
    let storage = harness
        .state()
        .session
        .network()
        .devices
        .iter()
        .position(|d| d.name() == "storage")
        .unwrap();
    harness.state_mut().selected = Some(Element::Device(storage));
    harness.run_steps(2);
    // Half full: the battery's own ±50 MW limits it, not its energy.
    harness.get_by_label("Feasible now: P from -50.00 to 50.00 MW");
    let slider = harness.get_by_role_and_label(egui::accesskit::Role::Slider, "p_mw (MW)");
    slider.focus();
    harness.run_steps(1);
    for _ in 0..5 {
        harness.key_press(egui::Key::ArrowRight);
        harness.run_steps(1);
    }
    let requested = harness.state().session.human("storage.p_mw").unwrap();
    assert!(
        requested > 0.0,
        "the slider moved the setpoint: {requested}"
    );
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let state = harness.state().session.current();
    assert_eq!(state.step, 1);
    assert!(
        (state.device_p_mw[storage] - requested).abs() < 1e-9,
        "{} vs {requested}",
        state.device_p_mw[storage]
    );
}

fn recorded_episode(dir: &Path) -> PathBuf {
    let mut session = open_session(None).unwrap();
    session.set_agent(AgentChoice::Random).unwrap();
    for _ in 0..20 {
        session.step();
    }
    let path = dir.join("random.episode");
    gridpilot::io::save_episode(&session.episode, &path).unwrap();
    path
}

#[test]
fn an_episode_opens_through_the_file_dialog_and_seeks() {
    let dir = tempfile::tempdir().unwrap();
    let path = recorded_episode(dir.path());
    let mut harness = app_with(ScriptedDialogs {
        answers: [path].into(),
    });
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Open episode…").click();
    harness.run_steps(2);
    assert_eq!(harness.state().session.mode, Mode::Replay);
    assert_eq!(harness.state().session.cursor, 0);
    harness.get_by_label("Step").click();
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let session = &harness.state().session;
    assert_eq!(session.cursor, 2);
    assert_eq!(session.current().step, 2);
    harness.get_by_label("Replaying: do-nothing").hover();
}

#[test]
fn the_safety_panel_lists_the_overloaded_transformer() {
    let mut harness = app();
    // ANM6-Easy at night: 40 MW of wind against 32 MVA of transformer.
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    harness.get_by_label("Safety").click();
    harness.run_steps(2);
    harness.get_by_label_contains("branch overload  bus0-bus1");
    harness.get_by_label_contains("branch overload: 3");
    harness.get_by_label_contains("branch overload  bus2-bus4");
}
