//! The Train and Compare tabs: train a linear policy and watch its learning curve, fit one to
//! the episode on screen, play or save the policy at hand, and compare agents on the same
//! seeded episodes as a table and a bar chart. The jobs themselves are in [`super::training`].

use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use super::command::Command;
use super::learning::Learning;
use super::session::{AgentChoice, Session};
use crate::learn::ArsSettings;
use crate::learn::evaluate::{AgentScore, EvaluationSettings};

/// The width of the Train tab's settings and buttons, beside the learning curve.
const CONTROLS_WIDTH: f32 = 560.0;

/// What the user is setting up in the two tabs.
pub struct TrainPanel {
    pub settings: ArsSettings,
    pub compare: EvaluationSettings,
    /// Which agents the comparison runs, besides the policy at hand.
    pub compare_do_nothing: bool,
    pub compare_random: bool,
    pub compare_policy: bool,
    pub compare_session_agent: bool,
}

impl Default for TrainPanel {
    fn default() -> Self {
        TrainPanel {
            // Fewer iterations than the command line: a class watches it end in a minute.
            settings: ArsSettings {
                iterations: 500,
                ..ArsSettings::default()
            },
            compare: EvaluationSettings {
                episodes: 3,
                steps: 2000,
                seed: 0,
                start_time_index: None,
            },
            compare_do_nothing: true,
            compare_random: true,
            compare_policy: true,
            compare_session_agent: true,
        }
    }
}

impl TrainPanel {
    /// Draws the Train tab.
    pub fn train_ui(
        &mut self,
        ui: &mut egui::Ui,
        learning: &Learning,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_max_width(CONTROLS_WIDTH);
                self.controls_ui(ui, learning, commands);
            });
            match &learning.training {
                Some(t) => curve_ui(ui, t),
                None => {
                    ui.label("The learning curve shows here while a policy trains.");
                }
            }
        });
    }

    /// Settings, Start / Pause / Stop, progress, fitting and the policy at hand.
    fn controls_ui(&mut self, ui: &mut egui::Ui, learning: &Learning, commands: &mut Vec<Command>) {
        let training = learning.training.as_ref().filter(|t| t.running());
        ui.add_enabled_ui(training.is_none(), |ui| self.settings_ui(ui));
        ui.horizontal(|ui| {
            match training {
                None => {
                    if ui
                        .button("Start training")
                        .on_hover_text("Augmented Random Search on this network, on every core")
                        .clicked()
                    {
                        commands.push(Command::StartTraining(self.settings.clone()));
                    }
                }
                Some(t) => {
                    let (label, pause) = if t.paused() {
                        ("Resume", false)
                    } else {
                        ("Pause", true)
                    };
                    if ui.button(label).clicked() {
                        commands.push(Command::PauseTraining(pause));
                    }
                    if ui
                        .button("Stop")
                        .on_hover_text("Stop and keep the best policy")
                        .clicked()
                    {
                        commands.push(Command::StopTraining);
                    }
                }
            }
            if let Some(t) = &learning.training {
                let done = t.curve.last().map_or(0, |p| p.iteration);
                let total = t.settings.iterations;
                let text = match t.curve.last() {
                    Some(p) => format!(
                        "Iteration {done} of {total} · best return {:.3} · {:.0} s",
                        p.best_return, p.seconds
                    ),
                    None => format!("Iteration 0 of {total}"),
                };
                ui.add(
                    egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                        .text(text)
                        .desired_width(360.0),
                );
            }
            if let Some(Some(Err(why))) = learning.training.as_ref().map(|t| &t.ended) {
                ui.colored_label(ui.visuals().warn_fg_color, why);
            }
        });
        ui.horizontal(|ui| {
            let fitting = learning.fitting.is_some();
            if ui
                .add_enabled(!fitting, egui::Button::new("Make a policy from this episode"))
                .on_hover_text("Fit a linear policy to the actions taken in the episode on screen (behaviour cloning)")
                .clicked()
            {
                commands.push(Command::FitEpisode);
            }
            if fitting {
                ui.spinner();
            }
        });
        policy_ui(ui, learning, commands);
    }

    fn settings_ui(&mut self, ui: &mut egui::Ui) {
        let s = &mut self.settings;
        ui.horizontal_wrapped(|ui| {
            count_ui(ui, "Iterations", &mut s.iterations, 1..=100_000);
            count_ui(ui, "Directions", &mut s.directions, 1..=1_000);
            count_ui(ui, "Top", &mut s.top_directions, 1..=1_000);
            number_ui(ui, "Step size", &mut s.step_size);
            number_ui(ui, "Noise", &mut s.noise);
            count_ui(ui, "Episode steps", &mut s.episode_steps, 1..=100_000);
            ui.label("Seed");
            ui.add(egui::DragValue::new(&mut s.seed));
        });
        s.top_directions = s.top_directions.min(s.directions);
    }

    /// The command that compares the agents ticked.
    pub fn compare_command(&self, learning: &Learning, session: &Session) -> Command {
        let mut agents = Vec::new();
        if self.compare_do_nothing {
            agents.push(AgentChoice::DoNothing.spec());
        }
        if self.compare_random {
            agents.push(AgentChoice::Random.spec());
        }
        if let Some(choice) = session_agent(session).filter(|_| self.compare_session_agent) {
            agents.push(choice.spec());
        }
        Command::Compare {
            agents,
            policy: self.compare_policy && learning.policy.is_some(),
            settings: self.compare.clone(),
        }
    }

    /// Draws the Compare tab.
    pub fn compare_ui(
        &mut self,
        ui: &mut egui::Ui,
        learning: &Learning,
        session: &Session,
        commands: &mut Vec<Command>,
    ) {
        let running = learning.comparison.as_ref().and_then(|c| c.progress());
        let session_agent = session_agent(session);
        ui.horizontal_wrapped(|ui| {
            ui.label("Agents:");
            ui.checkbox(&mut self.compare_do_nothing, "Do nothing");
            ui.checkbox(&mut self.compare_random, "Random");
            if learning.policy.is_some() {
                ui.checkbox(&mut self.compare_policy, "Policy at hand");
            }
            if let Some(choice) = &session_agent {
                ui.checkbox(&mut self.compare_session_agent, choice.label());
            }
            ui.separator();
            let c = &mut self.compare;
            count_ui(ui, "Episodes", &mut c.episodes, 1..=1_000);
            count_ui(ui, "Steps", &mut c.steps, 1..=1_000_000);
            ui.label("Seed");
            ui.add(egui::DragValue::new(&mut c.seed));
        });
        ui.horizontal(|ui| {
            if let Some((done, total)) = running {
                let text = format!("{done} of {total} episodes");
                ui.add(
                    egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                        .text(text)
                        .desired_width(320.0),
                );
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CancelComparison);
                }
            } else if ui
                .button("Run comparison")
                .on_hover_text(
                    "Run every agent from the same seeded starts (the gym-anm paper's protocol)",
                )
                .clicked()
            {
                commands.push(self.compare_command(learning, session));
            }
        });
        match learning.comparison.as_ref().and_then(|c| c.result.as_ref()) {
            Some(Ok(scores)) => scores_ui(
                ui,
                scores,
                session
                    .network()
                    .scenario
                    .as_ref()
                    .map_or(0.995, |s| s.discount),
            ),
            Some(Err(why)) => {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Comparison: {why}"));
            }
            None => {}
        }
    }
}

/// The session's agent, when it is one a comparison can run (from a file or a server).
fn session_agent(session: &Session) -> Option<AgentChoice> {
    match &session.agent_choice {
        choice @ (AgentChoice::Linear(_) | AgentChoice::Schedule(_) | AgentChoice::Remote(_)) => {
            Some(choice.clone())
        }
        _ => None,
    }
}

fn count_ui(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut usize,
    range: std::ops::RangeInclusive<usize>,
) {
    ui.label(label);
    ui.add(egui::DragValue::new(value).range(range));
}

fn number_ui(ui: &mut egui::Ui, label: &str, value: &mut f64) {
    ui.label(label);
    ui.add(
        egui::DragValue::new(value)
            .range(1e-6..=10.0)
            .speed(0.001)
            .max_decimals(4),
    );
}

/// The policy at hand: where it came from, and Play and Save.
fn policy_ui(ui: &mut egui::Ui, learning: &Learning, commands: &mut Vec<Command>) {
    let Some(at_hand) = &learning.policy else {
        ui.label("Train a policy, or make one from an episode played by hand.");
        return;
    };
    ui.horizontal(|ui| {
        ui.label(format!("Policy at hand: {}", at_hand.origin));
        if ui
            .button("Play this policy")
            .on_hover_text("It operates the grid from the next step (training goes on)")
            .clicked()
        {
            commands.push(Command::PlayPolicy);
        }
        if ui.button("Save policy…").clicked() {
            commands.push(Command::SavePolicy);
        }
    });
}

/// The learning curve: the return of the policy at each iteration, and the best so far.
fn curve_ui(ui: &mut egui::Ui, training: &super::learning::Training) {
    let scale = ReturnScale::of(training.curve.iter().map(|p| p.policy_return));
    let points = |f: fn(&crate::learn::Progress) -> f64| -> PlotPoints {
        let at = |p: &crate::learn::Progress| [p.iteration as f64, scale.y(f(p))];
        training.curve.iter().map(at).collect()
    };
    Plot::new("learning curve")
        .legend(Legend::default())
        .x_axis_label("iteration")
        .y_axis_label(scale.label())
        .y_axis_formatter(move |mark, _| scale.text(mark.value))
        .width(ui.available_width())
        .height(ui.available_height().max(120.0))
        .show(ui, |plot| {
            plot.line(Line::new("policy return", points(|p| p.policy_return)));
            plot.line(Line::new("best return", points(|p| p.best_return)));
        });
}

/// How returns are drawn. Returns met in training and comparing span orders of magnitude
/// (−20,000 for a failed solve, −9 for a good policy), so when all are negative they are drawn
/// as −log₁₀(−return): higher is still better, and the axis reads in returns.
#[derive(Debug, Clone, Copy)]
enum ReturnScale {
    Linear,
    Log,
}

impl ReturnScale {
    fn of(returns: impl Iterator<Item = f64>) -> Self {
        let mut returns = returns.peekable();
        if returns.peek().is_some() && returns.all(|r| r < 0.0) {
            ReturnScale::Log
        } else {
            ReturnScale::Linear
        }
    }

    fn y(self, r: f64) -> f64 {
        match self {
            ReturnScale::Linear => r,
            ReturnScale::Log => -(-r).log10(),
        }
    }

    fn text(self, y: f64) -> String {
        match self {
            ReturnScale::Linear => format!("{y}"),
            ReturnScale::Log => format!("−{}", significant(10f64.powf(-y))),
        }
    }

    fn label(self) -> &'static str {
        match self {
            ReturnScale::Linear => "return",
            ReturnScale::Log => "return (log scale)",
        }
    }
}

/// The comparison: a table, and under it a bar chart of the discounted returns.
fn scores_ui(ui: &mut egui::Ui, scores: &[AgentScore], discount: f64) {
    table_ui(ui, scores, discount);
    chart_ui(ui, scores);
}

fn table_ui(ui: &mut egui::Ui, scores: &[AgentScore], discount: f64) {
    egui::Grid::new("scores").striped(true).show(ui, |ui| {
        for title in [
            "Agent",
            &format!("Discounted return (γ = {discount})"),
            "Return",
            "Violations",
            "MWh lost / curtailed / stored",
            "Failed solves",
        ] {
            ui.strong(title);
        }
        ui.end_row();
        for s in scores {
            ui.label(short_name(&s.agent)).on_hover_text(&s.agent);
            let d = &s.discounted_return;
            ui.label(format!("{:.2} ± {:.2}", d.mean, d.std));
            ui.label(format!("{:.2}", s.total_return.mean));
            ui.label(s.violations.values().sum::<usize>().to_string())
                .on_hover_text(violations_text(s));
            ui.label(format!(
                "{:.1} / {:.1} / {:.1}",
                s.energy_lost_mwh, s.energy_curtailed_mwh, s.energy_stored_mwh
            ));
            ui.label(s.failed_solves.to_string());
            ui.end_row();
        }
    });
}

/// A bar per agent for its discounted return, lying down so that agents' names read and
/// the returns get the panel's width.
fn chart_ui(ui: &mut egui::Ui, scores: &[AgentScore]) {
    let scale = ReturnScale::of(scores.iter().map(|s| s.discounted_return.mean));
    // Agent k at y = −k: the first agent on top, as in the table.
    let bars: Vec<Bar> = scores
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let length = scale.y(s.discounted_return.mean);
            Bar::new(-(k as f64), length)
                .name(short_name(&s.agent))
                .width(0.6)
        })
        .collect();
    let names: Vec<String> = scores.iter().map(|s| short_name(&s.agent)).collect();
    Plot::new("comparison")
        .x_axis_label(format!("discounted {}", scale.label()))
        .x_axis_formatter(move |mark, _| scale.text(mark.value))
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .y_axis_formatter(move |mark, _| {
            let k = -mark.value.round();
            (k >= 0.0 && (k + mark.value).abs() < 1e-9)
                .then(|| names.get(k as usize).cloned())
                .flatten()
                .unwrap_or_default()
        })
        .y_axis_min_width(160.0)
        .include_y(0.5)
        .include_y(0.5 - scores.len() as f64)
        .include_x(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .width(ui.available_width())
        .height(ui.available_height().max(40.0 + 28.0 * scores.len() as f32))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("discounted return", bars).horizontal())
        });
}

/// A number with three significant figures at most: 3.16, 31.6, 316, 3160.
fn significant(x: f64) -> String {
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// An agent as the command line names it, its file without the folder.
fn short_name(spec: &str) -> String {
    match spec.split_once(':') {
        Some((kind, file)) => {
            let name = std::path::Path::new(file).file_name();
            format!(
                "{kind}:{}",
                name.map_or(file.into(), |n| n.to_string_lossy())
            )
        }
        None => spec.to_string(),
    }
}

fn violations_text(s: &AgentScore) -> String {
    if s.violations.is_empty() {
        return "none".to_string();
    }
    let items: Vec<String> = s
        .violations
        .iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect();
    items.join("\n")
}
