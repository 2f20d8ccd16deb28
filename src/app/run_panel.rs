//! The run panel: who operates the grid, episode settings, play controls, clock and reward.

use super::dialogs::FileDialog;
use super::session::{AgentChoice, Mode, Session};

/// Draws the run panel.
pub fn run_panel_ui(ui: &mut egui::Ui, session: &mut Session, dialogs: &mut dyn FileDialog) {
    ui.heading("Run");
    if session.mode == Mode::Live {
        agent_picker_ui(ui, session, dialogs);
        settings_ui(ui, session);
    } else {
        ui.label(format!("Replaying: {}", session.episode.agent));
    }
    ui.separator();
    controls_ui(ui, session);
    ui.separator();
    clock_ui(ui, session);
    ui.separator();
    reward_ui(ui, session);
}

fn agent_picker_ui(ui: &mut egui::Ui, session: &mut Session, dialogs: &mut dyn FileDialog) {
    let mut picked = None;
    egui::ComboBox::from_label("Agent")
        .selected_text(session.agent_choice.label())
        .show_ui(ui, |ui| {
            for (label, choice) in [
                ("Human", Some(AgentChoice::Human)),
                ("Do nothing", Some(AgentChoice::DoNothing)),
                ("Random", Some(AgentChoice::Random)),
                ("Linear policy…", None),
                ("Schedule…", None),
            ] {
                if ui.selectable_label(false, label).clicked() {
                    picked = Some((label, choice));
                }
            }
        });
    let Some((label, choice)) = picked else {
        return;
    };
    let choice = choice.or_else(|| match label {
        "Linear policy…" => dialogs
            .open("Linear policy", &["ron"])
            .map(AgentChoice::Linear),
        _ => dialogs
            .open("Schedule of actions", &["csv"])
            .map(AgentChoice::Schedule),
    });
    if let Some(choice) = choice
        && let Err(e) = session.set_agent(choice)
    {
        session.log.push(e);
    }
}

fn settings_ui(ui: &mut egui::Ui, session: &mut Session) {
    let cycle = session.scenario_cycle();
    egui::Grid::new("run_settings")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label("Seed");
            ui.add(egui::DragValue::new(&mut session.seed))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Start time");
            let start = egui::DragValue::new(&mut session.start_time_index)
                .range(0..=cycle.saturating_sub(1));
            ui.add(start).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Episode length");
            let length = egui::DragValue::new(&mut session.episode_steps).range(1..=1_000_000);
            ui.add(length).labelled_by(label.id);
            ui.end_row();
        });
}

fn controls_ui(ui: &mut egui::Ui, session: &mut Session) {
    ui.horizontal(|ui| {
        if session.mode == Mode::Live && ui.button("Reset").clicked() {
            session.reset();
        }
        let play = if session.playing { "Pause" } else { "Play" };
        if ui.button(play).clicked() {
            session.playing = !session.playing && !session.finished();
        }
        if ui.button("Back").clicked() {
            session.seek(session.cursor.saturating_sub(1));
        }
        if ui.button("Step").clicked() {
            session.step();
        }
    });
    ui.add(
        egui::Slider::new(&mut session.steps_per_s, 0.5..=60.0)
            .logarithmic(true)
            .text("steps/s"),
    );
}

fn clock_ui(ui: &mut egui::Ui, session: &Session) {
    let state = session.current();
    let hours = state.time_index as f64 * session.time_step_h();
    let day = 1 + (state.step as f64 * session.time_step_h() / 24.0).floor() as usize;
    let (h, m) = ((hours % 24.0).floor(), ((hours % 1.0) * 60.0).round());
    ui.label(format!("Day {day}, {h:02}:{m:02}"));
    ui.label(format!("Step {} of {}", state.step, session.episode_steps));
    if let Some(last) = session.episode.steps.get(session.cursor)
        && (last.terminated || last.truncated)
    {
        ui.colored_label(egui::Color32::from_rgb(220, 80, 60), end_reason(last));
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
    ui.small(format!(
        "energy {:.4}   penalty {:.4}",
        t.energy_term, t.penalty_term
    ));
    ui.label(format!("Cumulative {:.3}", session.cumulative_reward()));
}
