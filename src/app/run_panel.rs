//! The run panel: who operates the grid, episode settings, play controls, clock and reward.

use super::command::{AgentFile, Command};
use super::session::{AgentChoice, Playback, RunCommand, Session};

/// Draws the run panel.
pub fn run_panel_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    ui.heading("Run");
    if session.playback == Playback::Live {
        agent_picker_ui(ui, session, commands);
        settings_ui(ui, session, commands);
    } else {
        ui.label(format!("Replaying: {}", session.agent_on_screen()));
        agent_picker_ui(ui, session, commands);
        let take_over = format!("Take over at step {}", session.cursor);
        if ui
            .button(take_over)
            .on_hover_text("Go on live from the step on screen, with the agent above")
            .clicked()
        {
            commands.push(Command::Run(RunCommand::TakeOver));
        }
    }
    what_if_ui(ui, session, commands);
    ui.separator();
    controls_ui(ui, session, commands);
    ui.separator();
    clock_ui(ui, session);
    ui.separator();
    reward_ui(ui, session);
}

/// A presentation's controls, in a row: who operates, play and step, the clock, the reward.
pub fn essentials_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    if session.playback == Playback::Live {
        agent_picker_ui(ui, session, commands);
    } else {
        ui.label(format!("Replaying: {}", session.agent_on_screen()));
    }
    ui.separator();
    controls_ui(ui, session, commands);
    ui.separator();
    clock_ui(ui, session);
    ui.separator();
    let state = session.current();
    ui.label(format!("Reward {:.3}", state.reward));
    ui.label(format!("Cumulative {:.2}", session.cumulative_reward()));
}

fn agent_picker_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    egui::ComboBox::from_label("Agent")
        .selected_text(session.agent_choice.label())
        .show_ui(ui, |ui| {
            let choices = [
                (
                    "Human",
                    Command::Run(RunCommand::SetAgent(AgentChoice::Human)),
                ),
                (
                    "Do nothing",
                    Command::Run(RunCommand::SetAgent(AgentChoice::DoNothing)),
                ),
                (
                    "Random",
                    Command::Run(RunCommand::SetAgent(AgentChoice::Random)),
                ),
                (
                    "Linear policy…",
                    Command::PickAgentFile(AgentFile::LinearPolicy),
                ),
                ("Schedule…", Command::PickAgentFile(AgentFile::Schedule)),
                ("Remote policy…", Command::AskRemotePolicy),
            ];
            for (label, command) in choices {
                if ui.selectable_label(false, label).clicked() {
                    commands.push(command);
                }
            }
        });
}

/// What-ifs: how to start one from an earlier step, and the way back to the steps set aside.
fn what_if_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    if session.playback != Playback::Live {
        return;
    }
    if session.cursor + 1 < session.history.len() {
        ui.small(format!(
            "Change a setpoint or the agent, then Step: a what-if from step {}",
            session.cursor
        ));
    }
    if let Some(other) = &session.discarded {
        let label = format!("Restore the other run ({} steps)", other.len() - 1);
        if ui
            .button(label)
            .on_hover_text("Take up the run a what-if set aside; the what-if is set aside")
            .clicked()
        {
            commands.push(Command::Run(RunCommand::SwapFuture));
        }
    }
}

fn settings_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    let cycle = session.scenario_cycle();
    egui::Grid::new("run_settings")
        .num_columns(2)
        .show(ui, |ui| {
            let mut seed = session.seed;
            let label = ui.label("Seed");
            if ui
                .add(egui::DragValue::new(&mut seed))
                .labelled_by(label.id)
                .changed()
            {
                commands.push(Command::Run(RunCommand::SetSeed(seed)));
            }
            ui.end_row();
            let mut start = session.start_time_index;
            let label = ui.label("Start time");
            let drag = egui::DragValue::new(&mut start).range(0..=cycle.saturating_sub(1));
            if ui.add(drag).labelled_by(label.id).changed() {
                commands.push(Command::Run(RunCommand::SetStartTime(start)));
            }
            ui.end_row();
            let mut length = session.episode_steps;
            let label = ui.label("Episode length");
            let drag = egui::DragValue::new(&mut length).range(1..=1_000_000);
            if ui.add(drag).labelled_by(label.id).changed() {
                commands.push(Command::Run(RunCommand::SetEpisodeLength(length)));
            }
            ui.end_row();
        });
}

fn controls_ui(ui: &mut egui::Ui, session: &Session, commands: &mut Vec<Command>) {
    let mut run = |command| commands.push(Command::Run(command));
    ui.horizontal(|ui| {
        if session.playback == Playback::Live && ui.button("Reset").clicked() {
            run(RunCommand::Reset);
        }
        let play = if session.playing { "Pause" } else { "Play" };
        if ui.button(play).clicked() {
            run(RunCommand::TogglePlay);
        }
        if ui.button("Back").clicked() {
            run(RunCommand::StepBack);
        }
        if ui.button("Step").clicked() {
            run(RunCommand::Step);
        }
    });
    let mut speed = session.steps_per_s;
    let slider = egui::Slider::new(&mut speed, 0.5..=60.0)
        .logarithmic(true)
        .text("steps/s");
    if ui.add(slider).changed() {
        run(RunCommand::SetSpeed(speed));
    }
}

fn clock_ui(ui: &mut egui::Ui, session: &Session) {
    let state = session.current();
    ui.label(session.clock_label());
    ui.label(format!("Step {} of {}", state.step, session.episode_steps));
    if state.terminated || state.truncated {
        ui.colored_label(egui::Color32::from_rgb(220, 80, 60), end_reason(state));
    }
}

/// Why the episode ended, in plain words.
pub fn end_reason(state: &crate::sim::episode::StepRecord) -> String {
    use crate::sim::Event;
    if state.truncated {
        return "Episode over: end of the time series".into();
    }
    let why = state.events.iter().find_map(|e| match e {
        Event::PowerFlowFailed { .. } => {
            Some("the power flow did not converge (voltage collapse)".to_string())
        }
        Event::GameOver { reason } => Some(format!("blackout: {reason}")),
        _ => None,
    });
    format!(
        "Episode over: {}",
        why.unwrap_or_else(|| "terminated".into())
    )
}

fn reward_ui(ui: &mut egui::Ui, session: &Session) {
    let state = session.current();
    let t = &state.reward_terms;
    ui.label(format!("Reward {:.4}", state.reward));
    let cost_reward = session
        .network()
        .scenario
        .as_ref()
        .is_some_and(|s| !s.reward.kind.is_gym_anm());
    if cost_reward {
        let c = &t.costs;
        ui.small(format!(
            "costs: generation {:.2}   energy {:.2}   ramping {:.2}   taps {:.2}   violations {:.2}",
            c.generation, c.energy, c.ramping, c.tap_changes, c.violations
        ));
    } else {
        ui.small(format!(
            "energy {:.4}   penalty {:.4}",
            t.energy_term, t.penalty_term
        ));
    }
    ui.label(format!("Cumulative {:.3}", session.cumulative_reward()));
}
