//! The real application driven headless through its accessibility tree, as a user would:
//! picking agents, playing, stepping, human setpoints, selecting, replaying and the safety
//! panel. No display or GPU is needed.
#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gridpilot::app::{
    AgentChoice, Command, DEFAULT_NETWORK, GridPilotApp, Playback, Project, RunCommand,
    ScriptedDialogs, Session,
};
use gridpilot::edit::Selection;
use gridpilot::model::ElementRef;

/// The app under test, with a data folder (recordings, recovery copies) of its own that goes
/// when the test ends.
struct App {
    harness: Harness<'static, GridPilotApp>,
    data_dir: tempfile::TempDir,
}

impl std::ops::Deref for App {
    type Target = Harness<'static, GridPilotApp>;
    fn deref(&self) -> &Self::Target {
        &self.harness
    }
}

impl std::ops::DerefMut for App {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.harness
    }
}

fn app_with(dialogs: ScriptedDialogs) -> App {
    launch(Project::built_in().unwrap(), dialogs)
}

/// The app on `project` in a 1400 × 900 window, with `dialogs` answering its file dialogs.
fn launch(project: Project, dialogs: ScriptedDialogs) -> App {
    let data_dir = tempfile::tempdir().unwrap();
    let dir = data_dir.path().to_path_buf();
    let harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = GridPilotApp::new(project, Box::new(dialogs));
            app.set_data_dir(dir);
            // Every step shows in the frame that asked for it, however busy the machine.
            app.set_step_patience(std::time::Duration::from_secs(60));
            app
        });
    App { harness, data_dir }
}

fn session<'a>(harness: &'a Harness<'_, GridPilotApp>) -> &'a Session {
    harness.state().session().expect("a run")
}

fn app() -> App {
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
    assert_eq!(session(&harness).network().name, "anm6_easy");
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
        assert_eq!(session(&harness).agent_choice, choice);
        // The harness advances 0.25 s a frame: 10 frames at 8 steps/s play 20 steps.
        harness
            .state_mut()
            .queue(Command::Run(RunCommand::SetSpeed(8.0)));
        harness.get_by_label("Play").click();
        harness.run_steps(10);
        let cursor = session(&harness).cursor;
        assert!((18..=21).contains(&cursor), "{label}: {cursor}");
        assert!(
            session(&harness).playing,
            "{label}: still playing at {}",
            session(&harness).cursor
        );
        harness.get_by_label("Pause").click();
        harness.run_steps(2);
        let at = session(&harness).cursor;
        harness.run_steps(10);
        assert_eq!(session(&harness).cursor, at, "paused");
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
    let mut harness = app_with(ScriptedDialogs::answering([policy.clone()]));
    pick_agent(&mut harness, "Linear policy…");
    assert_eq!(session(&harness).agent_choice, AgentChoice::Linear(policy));
}

#[test]
fn step_advances_one_step_and_the_clock_follows() {
    let mut harness = app();
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    assert_eq!(session(&harness).cursor, 1);
    harness.get_by_label("Step 1 of 96");
    harness.get_by_label("Day 1, 00:15");
}

#[test]
fn steps_asked_for_while_one_is_computed_are_all_taken() {
    // No waiting for the simulation thread within a frame: three Steps in one frame find it
    // busy with the first, and the other two wait their turn rather than being dropped.
    let mut harness = app_on("case118_transmission.ron");
    harness
        .state_mut()
        .set_step_patience(std::time::Duration::ZERO);
    for _ in 0..3 {
        harness.state_mut().queue(Command::Run(RunCommand::Step));
    }
    harness.run_steps(1);
    run_until(&mut harness, |app| {
        app.session().is_some_and(|s| !s.waiting())
    });
    assert_eq!(session(&harness).cursor, 3);
    assert_eq!(session(&harness).history.len(), 4);
}

#[test]
fn selecting_a_bus_shows_its_voltage() {
    let mut harness = app();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Bus bus3")
        .click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection.primary(),
        Some(&ElementRef::Bus("bus3".into()))
    );
    let vm = session(&harness).current().bus_vm_pu[3];
    harness.get_by_label(&format!("{vm:.4} p.u."));
}

#[test]
fn a_human_setpoint_drives_the_next_state() {
    let mut harness = app();
    pick_agent(&mut harness, "Human");
    let storage = session(&harness)
        .network()
        .devices
        .iter()
        .position(|d| d.name() == "storage")
        .unwrap();
    let selected = Selection::single(ElementRef::Device("storage".into()));
    harness.state_mut().queue(Command::Select(selected));
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
    let requested = session(&harness).human("storage.p_mw").unwrap();
    assert!(
        requested > 0.0,
        "the slider moved the setpoint: {requested}"
    );
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let state = session(&harness).current();
    assert_eq!(state.step, 1);
    assert!(
        (state.device_p_mw[storage] - requested).abs() < 1e-9,
        "{} vs {requested}",
        state.device_p_mw[storage]
    );
}

fn recorded_episode(dir: &Path) -> PathBuf {
    let net = gridpilot::io::network_from_ron(DEFAULT_NETWORK).unwrap();
    let mut session = Session::new(net, Path::new(".")).unwrap();
    session.set_patience(std::time::Duration::from_secs(60));
    session.set_agent(AgentChoice::Random).unwrap();
    for _ in 0..20 {
        session.step();
    }
    let path = dir.join("random.episode");
    session.history.save(&path).unwrap();
    path
}

#[test]
fn an_episode_opens_through_the_file_dialog_and_seeks() {
    let dir = tempfile::tempdir().unwrap();
    let path = recorded_episode(dir.path());
    let mut harness = app_with(ScriptedDialogs::answering([path]));
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Open episode…").click();
    harness.run_steps(2);
    assert_eq!(session(&harness).playback, Playback::Replay);
    assert_eq!(session(&harness).cursor, 0);
    harness.get_by_label("Step").click();
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let run = session(&harness);
    assert_eq!(run.cursor, 2);
    assert_eq!(run.current().step, 2);
    // Random took over from the do-nothing agent the session started with, at step 1.
    harness.get_by_label("Replaying: random").hover();
    harness.state_mut().queue(Command::Run(RunCommand::Seek(0)));
    harness.run_steps(2);
    harness.get_by_label("Replaying: do-nothing");
}

#[test]
fn the_safety_panel_lists_the_overloaded_transformer_from_step_0() {
    let mut harness = app();
    // ANM6-Easy at night: 40 MW of wind against 32 MVA of transformer, from the reset on.
    harness.get_by_label("Safety").click();
    harness.run_steps(2);
    harness.get_by_label_contains("branch overload: 3");
    harness.get_by_label_contains("step 0  branch overload  bus0-bus1");
    harness.get_by_label_contains(
        "step 0  branch overload  bus2-bus4  36.01 MVA, 200 % of its 18.0 MVA rating",
    );
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    harness.get_by_label_contains("step 1  branch overload  bus2-bus4");
    harness.get_by_label_contains("branch overload: 6");
    // The whole episode, whatever the step on screen: step 0 counts once it is on screen.
    harness.get_by_label("Whole episode").click();
    harness.state_mut().queue(Command::Run(RunCommand::Seek(0)));
    harness.run_steps(2);
    harness.get_by_label_contains("branch overload: 3");
    harness.get_by_label_contains("step 0  branch overload  bus2-bus4");
}

#[test]
fn a_failed_power_flow_is_shown_as_failed_with_no_values() {
    let mut net = gridpilot::io::network_from_ron(DEFAULT_NETWORK).unwrap();
    // One iteration from a flat start never converges.
    let settings = &mut net.scenario.as_mut().unwrap().power_flow;
    settings.max_iterations = 1;
    settings.dc_fallback = false;
    let project = Project::new(gridpilot::edit::Document::built_in(net));
    let data_dir = tempfile::tempdir().unwrap();
    let dir = data_dir.path().to_path_buf();
    let mut harness = Harness::new_eframe(move |_cc| {
        let mut app = GridPilotApp::new(project, Box::new(ScriptedDialogs::default()));
        app.set_data_dir(dir);
        app
    });
    harness.run_steps(2);
    harness.get_by_label_contains(
        "The power flow failed at step 0: no convergence within 1 iterations",
    );
    let selected = Selection::single(ElementRef::Bus("bus3".into()));
    harness.state_mut().queue(Command::Select(selected));
    harness.get_by_label("Safety").click();
    harness.run_steps(2);
    harness.get_by_label_contains("there are no voltages or flows to show");
    harness.get_by_label_contains("power flow not converged  largest mismatch");
    let run = session(&harness);
    let state = run.current();
    assert!(!state.converged);
    assert!(
        state.bus_vm_pu.iter().all(|v| v.is_nan()),
        "no iterate recorded"
    );
    assert!(
        run.history.summaries()[0].vm_pu.min.is_nan(),
        "the plots leave a gap"
    );
    // The CSV has empty cells where the step has no values.
    let csv = data_dir.path().join("failed.csv");
    run.history.export_csv(&csv, run.action_space()).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let bus3 = header.iter().position(|h| *h == "bus3.vm_pu").unwrap();
    assert_eq!(row[bus3], "");
    assert_eq!(
        row[header.iter().position(|h| *h == "converged").unwrap()],
        "false"
    );
}

#[test]
fn a_reset_whose_agent_file_is_gone_runs_and_records_do_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.ron");
    std::fs::write(
        &policy,
        r#"LinearPolicy(observation: ["storage.soc_mwh"], action: ["storage.p_mw"], weights: [[0.1]], bias: [-5.0])"#,
    )
    .unwrap();
    let net = gridpilot::io::network_from_ron(DEFAULT_NETWORK).unwrap();
    let mut session = Session::new(net, Path::new(".")).unwrap();
    session.set_patience(std::time::Duration::from_secs(60));
    session
        .set_agent(AgentChoice::Linear(policy.clone()))
        .unwrap();
    std::fs::remove_file(&policy).unwrap();
    session.reset();
    assert_eq!(session.agent_choice, AgentChoice::DoNothing);
    assert!(
        session.log.iter().any(|l| l.contains("policy.ron")),
        "{:?}",
        session.log
    );
    session.step();
    let net = session.network().clone();
    let step = session.current();
    let storage = net
        .devices
        .iter()
        .position(|d| d.name() == "storage")
        .unwrap();
    assert_eq!(
        step.device_p_mw[storage], 0.0,
        "do-nothing acted, not the policy"
    );
    assert_eq!(session.agent_on_screen(), "do-nothing");
}

#[test]
fn a_damaged_episode_opened_in_the_app_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.episode");
    std::fs::write(&path, b"GRIDPILOT EPISODE 2\nnot much more").unwrap();
    let mut harness = app();
    harness.state_mut().queue(Command::OpenFile(path));
    harness.run_steps(4);
    harness.get_by_label_contains("broken.episode: the file ends inside its network");
}

#[test]
fn a_played_run_is_recorded_in_the_data_folder_and_opens_as_an_episode() {
    let mut harness = app();
    let recordings = harness.data_dir.path().join("recordings");
    assert!(
        !recordings.exists(),
        "nothing is written before the first step"
    );
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run_steps(2);
    }
    let files: Vec<PathBuf> = std::fs::read_dir(&recordings)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    harness.get_by_label("Log").click();
    harness.run_steps(2);
    harness.get_by_label_contains(&format!("Recording to {}", files[0].display()));
    let replay = Project::open(&files[0]).unwrap();
    let replayed = &replay.session().unwrap().history;
    assert_eq!(replayed.len(), 4);
    assert_eq!(replayed.summaries(), session(&harness).history.summaries());
}

/// Selects the storage unit and moves its P slider `presses` steps to the right.
fn raise_storage_setpoint(harness: &mut App, presses: usize) {
    let selected = Selection::single(ElementRef::Device("storage".into()));
    harness.state_mut().queue(Command::Select(selected));
    harness.run_steps(2);
    let slider = harness.get_by_role_and_label(egui::accesskit::Role::Slider, "p_mw (MW)");
    slider.focus();
    harness.run_steps(1);
    for _ in 0..presses {
        harness.key_press(egui::Key::ArrowRight);
        harness.run_steps(1);
    }
}

fn storage_p_mw(session: &Session, step: usize) -> f64 {
    let k = session
        .network()
        .devices
        .iter()
        .position(|d| d.name() == "storage")
        .unwrap();
    session.history.read(step).unwrap().device_p_mw[k]
}

#[test]
fn stepping_back_and_acting_runs_a_what_if_that_can_be_undone() {
    let mut harness = app();
    pick_agent(&mut harness, "Human");
    for _ in 0..4 {
        harness.get_by_label("Step").click();
        harness.run_steps(2);
    }
    harness.get_by_label("Back").click();
    harness.run_steps(2);
    assert_eq!(session(&harness).cursor, 3);
    harness.get_by_label_contains("a what-if from step 3");
    let recorded = storage_p_mw(session(&harness), 4);
    raise_storage_setpoint(&mut harness, 5);
    let asked = session(&harness).human("storage.p_mw").unwrap();
    assert!(asked > 0.0, "{asked}");
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let run = session(&harness);
    assert_eq!(run.cursor, 4);
    assert_eq!(
        run.history.len(),
        5,
        "the old step 4 is gone, the new one took its place"
    );
    assert!(
        (storage_p_mw(run, 4) - asked).abs() < 1e-9,
        "the new setpoint acted"
    );
    assert_eq!(run.discarded.as_ref().map(|h| h.len()), Some(5));
    // Undo: the run set aside comes back, step for step.
    harness
        .get_by_label("Restore the other run (4 steps)")
        .click();
    harness.run_steps(2);
    let run = session(&harness);
    assert_eq!(run.history.len(), 5);
    assert_eq!(storage_p_mw(run, 4), recorded);
    // And the what-if can be taken up again (Ctrl+Z in Run mode swaps them too).
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(2);
    assert!((storage_p_mw(session(&harness), 4) - asked).abs() < 1e-9);
}

#[test]
fn a_what_if_with_the_recorded_action_reproduces_the_recording_bit_for_bit() {
    let net = gridpilot::io::network_from_ron(DEFAULT_NETWORK).unwrap();
    let mut session = Session::new(net, Path::new(".")).unwrap();
    session.set_patience(std::time::Duration::from_secs(60));
    session.set_agent(AgentChoice::Human).unwrap();
    let components: Vec<String> = session
        .action_space()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    // A run with the storage moving, so its state of charge changes from step to step.
    for step in 1..=30 {
        let value = if step % 7 < 3 { 20.0 } else { -15.0 };
        session.apply(RunCommand::SetHuman {
            component: "storage.p_mw".into(),
            value,
        });
        session.step();
    }
    let original: Vec<_> = (0..=30)
        .map(|i| session.history.read(i).unwrap().into_owned())
        .collect();
    session.seek(12);
    for (k, recorded) in original.iter().enumerate().skip(13) {
        // Ask for what was asked then: the branch must be the recording again.
        for (name, value) in components.iter().zip(&recorded.requested_action) {
            session.apply(RunCommand::SetHuman {
                component: name.clone(),
                value: *value,
            });
        }
        session.step();
        assert_eq!(session.cursor, k);
        assert_eq!(
            gridpilot::sim::episode::first_difference(recorded, session.current()),
            None,
            "step {k}"
        );
    }
    assert!(
        session.discarded.is_some(),
        "the first step after going back forked"
    );
}

#[test]
fn a_replayed_episode_can_be_taken_over_from_any_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = recorded_episode(dir.path());
    let mut harness = app_with(ScriptedDialogs::answering([path.clone()]));
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Open episode…").click();
    harness.run_steps(2);
    harness.state_mut().queue(Command::Run(RunCommand::Seek(8)));
    harness.run_steps(2);
    pick_agent(&mut harness, "Human");
    harness.get_by_label("Take over at step 8").click();
    harness.run_steps(2);
    let run = session(&harness);
    assert_eq!(run.playback, Playback::Live);
    assert_eq!(run.history.len(), 9);
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    let run = session(&harness);
    assert_eq!(run.history.len(), 10);
    assert_eq!(run.agent_on_screen(), "human");
    // The new recording begins with the replayed file's first nine steps, byte for byte.
    let recording = run.history.recording().unwrap().to_path_buf();
    let mut taken = gridpilot::io::EpisodeReader::open(&recording).unwrap();
    let mut replayed = gridpilot::io::EpisodeReader::open(&path).unwrap();
    for i in 0..=8 {
        assert_eq!(
            taken.step(i).unwrap(),
            replayed.step(i).unwrap(),
            "step {i}"
        );
    }
    assert_eq!(taken.step(9).unwrap().agent.as_deref(), Some("human"));
}

/// Runs frames until `done` holds (background work finishing), at most a few seconds.
fn run_until(harness: &mut App, done: impl Fn(&GridPilotApp) -> bool) {
    for _ in 0..200 {
        if done(harness.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(1);
    }
    panic!("the background work did not finish");
}

#[test]
fn n_minus_1_lists_the_outages_and_shows_one_on_the_view() {
    let mut harness = app();
    harness.get_by_label("N-1").click();
    harness.run_steps(2);
    harness.get_by_label("Run N-1 on step 0").click();
    harness.run_steps(1);
    for _ in 0..200 {
        if harness
            .query_by_label_contains("Step 0: 5 outages")
            .is_some()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(1);
    }
    // ANM6-Easy is radial: every outage cuts something off; the grid's own line cuts off all.
    harness.get_by_label_contains("Step 0: 5 outages, 0 secure, 5 not");
    let row = "bus0-bus1 out: 5 buses cut off, 5.0 MW of load lost";
    harness.get_by_label_contains(row).click();
    harness.run_steps(1);
    run_until(&mut harness, |app| app.shown_outage().is_some());
    harness.run_steps(1);
    harness.get_by_label_contains("N-1: the state with bus0-bus1 out at step 0");
    let shown = harness.state().shown_outage().unwrap();
    assert!(!shown.branch_in_service[0]);
    assert!(
        shown.bus_vm_pu[1..].iter().all(|&vm| vm == 0.0),
        "{:?}",
        shown.bus_vm_pu
    );
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(harness.state().shown_outage().is_none());
}

#[test]
fn ctrl_f_finds_an_element_by_part_of_its_name_and_centres_it() {
    let mut harness = app();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    let input = egui::accesskit::Role::TextInput;
    harness
        .get_by_role_and_label(input, "Find")
        .type_text("stor");
    harness.run_steps(2);
    harness.get_by_label("Storage storage (bus bus5)").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection.primary(),
        Some(&ElementRef::Device("storage".into()))
    );
    assert!(
        harness
            .query_by_label("Storage storage (bus bus5)")
            .is_none(),
        "closed"
    );
    // Enter takes the best match: the exact name before names that only contain it.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Find")
        .click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(input, "Find")
        .type_text("bus2");
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection.primary(),
        Some(&ElementRef::Bus("bus2".into()))
    );
}

#[test]
fn the_table_lists_values_sorts_by_a_column_and_locates_a_row() {
    let mut harness = app();
    harness.get_by_label("Table").click();
    harness.run_steps(2);
    harness.get_by_label("Branches").click();
    harness.run_steps(2);
    // Sorted by loading, largest first: the 200 % transformer leads.
    harness.get_by_label("Loading (%)").click();
    harness.run_steps(2);
    harness.get_by_label("Loading (%) ^").click();
    harness.run_steps(2);
    let rows: Vec<String> = harness
        .query_all_by_role(egui::accesskit::Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .filter(|l| l.starts_with("bus") && l.contains('-'))
        .collect();
    assert_eq!(
        rows.first().map(String::as_str),
        Some("bus2-bus4"),
        "{rows:?}"
    );
    harness.get_all_by_value("200.0").next().unwrap().click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection.primary(),
        Some(&ElementRef::Branch("bus2-bus4".into()))
    );
}

#[test]
fn plots_keep_their_legend_beside_the_chart_and_hide_a_series_on_a_click() {
    let mut harness = app();
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run_steps(2);
    }
    // One entry per bus, in natural order, beside the chart.
    let legend: Vec<String> = harness
        .query_all_by_label_contains("bus")
        .filter_map(|n| n.accesskit_node().label().or(n.accesskit_node().value()))
        .filter(|l| l.starts_with("bus") && l.len() == 4)
        .collect();
    assert_eq!(
        legend,
        ["bus0", "bus1", "bus2", "bus3", "bus4", "bus5"],
        "{legend:?}"
    );
    harness.get_by_label("bus3").click();
    harness.run_steps(2);
    assert!(harness.state().plots().is_hidden("bus3"));
    harness.get_by_label("bus3").click();
    harness.run_steps(2);
    assert!(
        !harness.state().plots().is_hidden("bus3"),
        "a second click shows it again"
    );
    // Nothing selected: the Selected element chart says how to choose one.
    harness.get_by_label("Selected element").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Select a bus, branch or device in the view");
}

/// The app on a bundled network file, in a 1400 × 900 window.
fn app_on(file: &str) -> App {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("networks")
        .join(file);
    launch(Project::open(&path).unwrap(), ScriptedDialogs::default())
}

#[test]
fn presentation_mode_gives_the_diagram_the_window_with_its_labels() {
    for file in [
        "case33bw_feeder.ron",
        "anm6_easy.ron",
        "three_bus_feeder.ron",
    ] {
        let mut harness = app_on(file);
        harness.get_by_label("Step").click();
        harness.run_steps(2);
        let window = harness.ctx.content_rect().area();
        let working = harness.state().view_rect().area() / window;
        harness.get_by_label("Presentation").click();
        harness.run_steps(4);
        let app = harness.state();
        assert!(app.presenting());
        let share = app.view_rect().area() / harness.ctx.content_rect().area();
        assert!(
            share > 0.75,
            "{file}: the diagram has {share:.2} of the window"
        );
        assert!(
            share > working,
            "{file}: {share:.2} presenting, {working:.2} working"
        );
        let lod = app.view().last_lod().unwrap();
        assert!(
            lod.names && lod.values && lod.glyphs && lod.markers,
            "{file}: {lod:?}"
        );
        // The essentials stay: who operates, the controls, the clock.
        harness.get_by_label("Agent");
        harness.get_by_label("Play");
        harness.get_by_label_contains("Step 1 of");
        assert!(
            harness.query_by_label("Inspector").is_none(),
            "{file}: no inspector"
        );
    }
}

#[test]
fn the_view_explains_its_colours_in_run_mode() {
    let mut harness = app_on("case33bw_feeder.ron");
    harness.get_by_label("Bus voltage (p.u.)");
    harness.get_by_label("Branch loading (%)");
    // Every bus of case33bw has the same limits: the bar gives them as numbers.
    harness.get_by_label("Edit").click();
    harness.run_steps(2);
    assert!(
        harness.query_by_label("Bus voltage (p.u.)").is_none(),
        "Edit mode has no voltages to explain"
    );
}

/// Hands every screenshot the app asked for in the last frame a blank picture of the window,
/// as a renderer would; returns how many.
fn deliver_screenshots(harness: &App) -> usize {
    let size = [1400, 900];
    let image = std::sync::Arc::new(egui::ColorImage::new(
        size,
        vec![egui::Color32::WHITE; size[0] * size[1]],
    ));
    let mut delivered = 0;
    for viewport in harness.output().viewport_output.values() {
        for command in &viewport.commands {
            if let egui::ViewportCommand::Screenshot(callback) = command {
                callback.clone().complete(std::sync::Arc::clone(&image));
                delivered += 1;
            }
        }
    }
    delivered
}

#[test]
fn exports_a_captioned_picture_per_step_from_the_step_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let chosen = dir.path().join("lecture.png");
    let mut harness = app_with(ScriptedDialogs::answering([chosen]));
    for _ in 0..3 {
        harness.get_by_label("Step").click();
        harness.run_steps(1);
    }
    harness.state_mut().queue(Command::Run(RunCommand::Seek(1)));
    harness.run_steps(1);
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Export animation…").click();
    let mut captions = Vec::new();
    for _ in 0..40 {
        harness.run_steps(1);
        let caption = harness
            .query_by_label_contains("anm6_easy  |  Day 1")
            .map(|node| {
                let node = node.accesskit_node();
                node.label()
                    .or(node.value())
                    .unwrap_or_default()
                    .to_string()
            });
        if let Some(caption) = caption
            && captions.last() != Some(&caption)
        {
            captions.push(caption);
        }
        deliver_screenshots(&harness);
        if harness
            .state()
            .log
            .iter()
            .any(|l| l.starts_with("Exported"))
        {
            break;
        }
    }
    let log = &harness.state().log;
    assert!(
        log.iter().any(|l| l.starts_with("Exported 3 pictures")),
        "{log:?}"
    );
    // One caption per picture, each naming its step and agent.
    assert_eq!(captions.len(), 3, "{captions:?}");
    for (caption, step) in captions.iter().zip(1..) {
        assert!(
            caption.contains(&format!("step {step} of")) && caption.ends_with("do-nothing"),
            "{caption}"
        );
    }
    let view = harness.state().view_rect();
    for n in 0..3 {
        let path = dir.path().join(format!("lecture-{n:05}.png"));
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!(
            (info.width, info.height),
            (view.width() as u32, view.height() as u32),
            "{}",
            path.display()
        );
    }
    assert!(!dir.path().join("lecture-00003.png").exists());
}

#[test]
fn the_log_names_an_agent_change_once() {
    let mut harness = app();
    pick_agent(&mut harness, "Random");
    let log = &harness.state().log;
    let changes = log.iter().filter(|l| l.contains("Agent: Random")).count();
    assert_eq!(changes, 1, "{log:?}");
}

#[test]
fn a_double_click_on_a_branch_fits_the_network() {
    let mut harness = app_on("three_bus_feeder.ron");
    harness.run_steps(2);
    assert!(harness.state().view().fitted());
    let centre = harness.state().view_rect().center();
    harness.event(egui::Event::PointerMoved(centre));
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, 300.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(3);
    assert!(!harness.state().view().fitted(), "the wheel zoomed in");
    // Both clicks in one frame: the harness lets a quarter of a second pass per event, too
    // slow for a double-click.
    let at = harness.get_by_label("Branch feeder").rect().center();
    let click = |pressed| egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    let events = [egui::Event::PointerMoved(at), click(true), click(false)];
    harness
        .input_mut()
        .events
        .extend(events.iter().cloned().chain(events.iter().skip(1).cloned()));
    harness.run_steps(2);
    assert!(harness.state().view().fitted());
}

/// Waits until the window shows a label containing `text` (work going on in the background).
fn wait_for_label(harness: &mut Harness<'_, GridPilotApp>, text: &str) {
    for _ in 0..3000 {
        if harness.query_by_label_contains(text).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(1);
    }
    panic!("'{text}' never showed; the log: {:?}", harness.state().log);
}

/// A few quick iterations of training, as a user would set them in the Train tab.
fn quick_training(harness: &mut Harness<'_, GridPilotApp>, iterations: usize) {
    let (train, _) = harness.state_mut().learning_settings();
    train.iterations = iterations;
    train.directions = 4;
    train.top_directions = 2;
    train.episode_steps = 24;
    harness.get_by_label("Train").click();
    harness.run_steps(2);
    harness.get_by_label("Start training").click();
    harness.run_steps(1);
}

#[test]
fn the_train_tab_trains_draws_the_curve_and_plays_and_saves_the_best_policy() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("trained.ron");
    let mut harness = app_with(ScriptedDialogs::answering([saved.clone()]));
    quick_training(&mut harness, 5);
    wait_for_label(&mut harness, "Iteration 5 of 5");
    run_until(&mut harness, |app| !app.learning_busy());
    harness.run_steps(2);
    harness.get_by_label_contains("Policy at hand: Trained: best return");
    harness.get_by_label("Start training");
    harness.get_by_label("Play this policy").click();
    harness.run_steps(2);
    let AgentChoice::Linear(file) = session(&harness).agent_choice.clone() else {
        panic!("the policy at hand operates the grid")
    };
    assert!(
        file.starts_with(harness.data_dir.path()),
        "{}",
        file.display()
    );
    harness.get_by_label("Step").click();
    harness.run_steps(2);
    assert_eq!(session(&harness).history.len(), 2);
    assert!(session(&harness).agent_on_screen().starts_with("linear:"));
    harness.get_by_label("Save policy…").click();
    harness.run_steps(2);
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.starts_with("// Trained: best return"), "{text}");
    assert_eq!(text, std::fs::read_to_string(&file).unwrap());
}

#[test]
fn training_pauses_resumes_and_stops_keeping_its_best_policy() {
    let mut harness = app();
    quick_training(&mut harness, 100_000);
    wait_for_label(&mut harness, "of 100000 · best return");
    harness.get_by_label("Pause").click();
    harness.run_steps(2);
    harness.get_by_label("Resume");
    // The iteration under way when Pause was pressed finishes; then nothing moves.
    std::thread::sleep(std::time::Duration::from_millis(500));
    harness.run_steps(1);
    let at = |h: &Harness<'_, GridPilotApp>| {
        let node = h.get_by_label_contains("Iteration ");
        node.accesskit_node()
            .value()
            .unwrap_or_default()
            .to_string()
            + &node.accesskit_node().label().unwrap_or_default()
    };
    let paused = at(&harness);
    assert!(paused.contains("best return"), "{paused}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    harness.run_steps(1);
    assert_eq!(at(&harness), paused);
    harness.get_by_label("Resume").click();
    harness.run_steps(2);
    harness.get_by_label("Stop").click();
    run_until(&mut harness, |app| !app.learning_busy());
    harness.run_steps(2);
    harness.get_by_label("Start training");
    harness.get_by_label_contains("Policy at hand: Trained");
}

#[test]
fn a_policy_made_from_an_episode_of_a_linear_policy_explains_its_actions() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("known.ron");
    std::fs::write(
        &policy,
        "LinearPolicy(observation: [\"load_ind.p_mw\", \"wind.available_mw\"], \
         action: [\"storage.p_mw\"], weights: [[0.3, -0.2]], bias: [1.0])",
    )
    .unwrap();
    let mut harness = app();
    harness
        .state_mut()
        .apply_now(Command::Run(RunCommand::SetAgent(AgentChoice::Linear(
            policy,
        ))));
    steps_taken(&mut harness, 30);
    harness.run_steps(2);
    harness.get_by_label("Train").click();
    harness.run_steps(2);
    harness
        .get_by_label("Make a policy from this episode")
        .click();
    harness.run_steps(1);
    wait_for_label(&mut harness, "Policy at hand: Fitted to 30 steps");
    // One action varied, and the fit explains it (the ridge leaves a trace).
    harness.get_by_label_contains("Fitted to 30 steps: R² 1.000");
}

#[test]
fn the_compare_tab_runs_every_agent_on_the_same_episodes_and_shows_them_side_by_side() {
    let mut harness = app();
    let (_, compare) = harness.state_mut().learning_settings();
    compare.episodes = 2;
    compare.steps = 40;
    harness.get_by_label("Compare").click();
    harness.run_steps(2);
    harness.get_by_label("Run comparison").click();
    harness.run_steps(1);
    wait_for_label(&mut harness, "Discounted return (γ = 0.995)");
    harness.get_by_label("do-nothing");
    harness.get_by_label("random");
    // Doing nothing never curtails nor stores.
    harness.get_by_label_contains(" / 0.0 / 0.0");
}

#[path = "support/policy_server.rs"]
mod policy_server;

/// The rewards and requested actions of steps 1 to `steps`, taken by Step (asked again while
/// the simulation thread is still busy with an agent being set).
fn steps_taken(harness: &mut App, steps: usize) -> Vec<(f64, Vec<f64>)> {
    for step in 1..=steps {
        let began = std::time::Instant::now();
        while session(harness).history.len() <= step {
            assert!(began.elapsed().as_secs() < 30, "step {step} was not taken");
            harness
                .state_mut()
                .apply_now(Command::Run(RunCommand::Step));
            harness.run_steps(1);
        }
    }
    let history = &session(harness).history;
    (1..=steps)
        .map(|i| {
            let step = history.read(i).unwrap();
            (step.reward, step.requested_action.clone())
        })
        .collect()
}

#[test]
fn a_remote_policy_picked_in_the_app_operates_the_grid_as_it_does_in_process() {
    let address = policy_server::serve(policy_server::Behaviour::Controller, 12);
    let mut remote = app();
    remote.get_by_label("Agent").click();
    remote.run_steps(2);
    remote.get_by_label("Remote policy…").click();
    remote.run_steps(3);
    let field = remote.get_by_role(egui::accesskit::Role::TextInput);
    field.focus();
    remote.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    remote
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text(&address);
    remote.run_steps(2);
    remote.get_by_label("Connect").click();
    remote.run_steps(3);
    assert_eq!(
        session(&remote).agent_choice,
        AgentChoice::Remote(address.clone())
    );
    let served = steps_taken(&mut remote, 12);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("controller.ron");
    std::fs::write(&file, policy_server::CONTROLLER).unwrap();
    let mut local = app();
    local
        .state_mut()
        .apply_now(Command::Run(RunCommand::SetAgent(AgentChoice::Linear(
            file,
        ))));
    assert_eq!(served, steps_taken(&mut local, 12));
    // The storage setpoint follows the load and the wind: the policy acted.
    assert!(served.iter().any(|(_, action)| action[4] != 0.0));
}

#[test]
fn a_remote_policy_that_goes_away_stops_play_and_says_why() {
    let address = policy_server::serve(policy_server::Behaviour::Controller, 3);
    let mut harness = app();
    let choice = AgentChoice::Remote(address.clone());
    harness
        .state_mut()
        .apply_now(Command::Run(RunCommand::SetAgent(choice)));
    harness.run_steps(2);
    harness.get_by_label("Play").click();
    harness.run_steps(1);
    assert!(session(&harness).playing);
    run_until(&mut harness, |app| !app.session().unwrap().playing);
    harness.run_steps(2);
    let log = harness.state().log.join("\n");
    // Refused, or reset if a step's connection was queued before the server stopped listening.
    let gone = log.contains("cannot connect") || log.contains("the connection failed");
    assert!(
        gone && log.contains(&format!("remote policy {address}:")),
        "{log}"
    );
    assert!(log.contains("play stopped"), "{log}");
}
