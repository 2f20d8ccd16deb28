//! Edit mode's form for the network itself and its scenario: time step, episode length,
//! reward (gym-anm's or the operating cost), protection and power-flow settings.

use super::super::command::Command;
use super::Inspector;
use super::form::{Form, Rule, committed_text};
use crate::edit::Edit;
use crate::model::{CostReward, Network, Protection, RewardKind, RewardSettings, Scenario, Series};

pub fn network_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    commands: &mut Vec<Command>,
) {
    ui.strong(format!("Network {}", net.name));
    ui.small("Select a bus, branch or device to edit it.");
    let mut form = Form::default();
    let mut base_mva = net.base_mva;
    egui::Grid::new("network_form")
        .num_columns(2)
        .show(ui, |ui| {
            if inspector.name.is_empty() {
                inspector.name = net.name.clone();
            }
            if committed_text(ui, "Name", &mut inspector.name) {
                let name = inspector.name.trim().to_string();
                inspector.name.clear();
                if !name.is_empty() && name != net.name {
                    commands.push(set_network(name, net.base_mva));
                }
            }
            form.number(ui, "Base power", "MVA", &mut base_mva, Rule::Positive);
        });
    if let Some(why) = &form.refused {
        inspector.refusal = Some(why.clone());
    } else if form.changed {
        commands.push(set_network(net.name.clone(), base_mva));
    }
    ui.separator();
    scenario_ui(ui, inspector, net, commands);
}

fn set_network(name: String, base_mva: f64) -> Command {
    Command::Edit(Edit::SetNetwork { name, base_mva })
}

/// The scenario's settings (its profiles are edited with their devices).
fn scenario_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    commands: &mut Vec<Command>,
) {
    ui.strong("Scenario");
    let Some(scenario) = &net.scenario else {
        ui.label("None: the network runs one day of hourly steps at the values in its file.");
        if ui.button("Add a scenario").clicked() {
            let scenario = Box::new(Scenario::plain_day());
            commands.push(Command::Edit(Edit::SetScenario(Some(scenario))));
        }
        return;
    };
    let old = scenario.settings();
    let mut new = old.clone();
    let mut form = Form::default();
    egui::Grid::new("scenario_form")
        .num_columns(2)
        .show(ui, |ui| {
            form.number(ui, "Time step", "h", &mut new.time_step_h, Rule::Positive);
            form.integer(ui, "Steps per cycle", &mut new.steps_per_cycle);
            form.integer(ui, "Start time index", &mut new.start_time_index);
            episode_length_ui(ui, &mut form, &mut new.episode_steps, new.steps_per_cycle);
            form.number(ui, "Discount", "γ", &mut new.discount, Rule::Positive);
            reward_ui(ui, &mut form, &mut inspector.prices, &mut new.reward);
            protection_ui(ui, &mut form, &mut new.protection);
            let pf = &mut new.power_flow;
            form.number(
                ui,
                "Power-flow tolerance",
                "p.u.",
                &mut pf.tolerance_pu,
                Rule::Positive,
            );
            form.integer(ui, "Newton iterations", &mut pf.max_iterations);
            form.checkbox(ui, "Retry from DC angles", &mut pf.dc_fallback);
        });
    let problems = || (old.problems(net), new.problems(net));
    let edit = || {
        let full = Scenario {
            profiles: scenario.profiles.clone(),
            ..new.clone()
        };
        Edit::SetScenario(Some(Box::new(full)))
    };
    inspector.submit(&form, "scenario", problems, edit, commands);
    ui.add_space(4.0);
    if ui.button("Remove the scenario").clicked() {
        commands.push(Command::Edit(Edit::SetScenario(None)));
    }
}

/// gym-anm's reward with its weight and clips, or the operating cost with what it counts;
/// `prices` holds the energy prices as they are typed.
fn reward_ui(
    ui: &mut egui::Ui,
    form: &mut Form,
    prices: &mut Option<String>,
    reward: &mut RewardSettings,
) {
    let mut cost = !reward.kind.is_gym_anm();
    form.checkbox(ui, "Reward is the operating cost", &mut cost);
    if cost == reward.kind.is_gym_anm() {
        reward.kind = if cost {
            RewardKind::Cost(CostReward::default())
        } else {
            RewardKind::GymAnm
        };
    }
    match &mut reward.kind {
        RewardKind::GymAnm => {
            let weight = &mut reward.penalty_weight;
            form.number(ui, "Penalty weight", "λ", weight, Rule::NonNegative);
            let clip = &mut reward.energy_clip;
            form.number(ui, "Energy clip", "p.u.·h", clip, Rule::NonNegative);
            let clip = &mut reward.penalty_clip;
            form.number(ui, "Penalty clip", "", clip, Rule::NonNegative);
        }
        RewardKind::Cost(costs) => {
            form.checkbox(ui, "Generator cost curves", &mut costs.generator_cost);
            energy_price_ui(ui, form, prices, &mut costs.energy_price);
            let ramp = &mut costs.ramp_cost_per_mw;
            form.number(ui, "Ramping cost", "per MW", ramp, Rule::NonNegative);
            let tap = &mut costs.tap_change_cost;
            form.number(ui, "Tap change cost", "per step", tap, Rule::NonNegative);
            let violation = &mut costs.violation_cost;
            form.number(
                ui,
                "Violation cost",
                "per p.u.·h",
                violation,
                Rule::NonNegative,
            );
            form.number(ui, "Cost scale", "", &mut costs.scale, Rule::Positive);
        }
    }
}

/// The price of energy bought from external grids: typed as numbers, one per time index of
/// the cycle (repeating), or none; a CSV column is named in the network file and shown here.
fn energy_price_ui(
    ui: &mut egui::Ui,
    form: &mut Form,
    typed: &mut Option<String>,
    price: &mut Option<Series>,
) {
    if let Some(Series::Csv { file, column }) = price {
        ui.label("Energy price (per MWh)");
        ui.label(format!("{file}, column {column} (set in the file)"));
        ui.end_row();
        return;
    }
    let buffer = typed.get_or_insert_with(|| match price {
        Some(Series::Values(values)) => values
            .iter()
            .map(f64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    });
    if !committed_text(ui, "Energy price (per MWh, by time index)", buffer) {
        return;
    }
    match parse_prices(buffer) {
        Ok(values) => {
            let entered = (!values.is_empty()).then_some(Series::Values(values));
            if entered != *price {
                *price = entered;
                form.changed = true;
            }
        }
        Err(why) => form.refused = Some(why),
    }
}

/// Numbers separated by commas or spaces (none: no price).
fn parse_prices(text: &str) -> Result<Vec<f64>, String> {
    text.split([',', ' ', ';'])
        .filter(|t| !t.is_empty())
        .map(|t| match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(format!(
                "Energy price: '{t}' is not a number; give prices per MWh separated by commas"
            )),
        })
        .collect()
}

/// Steps before the episode is cut short, or none (run until it ends by itself).
fn episode_length_ui(
    ui: &mut egui::Ui,
    form: &mut Form,
    steps: &mut Option<usize>,
    steps_per_cycle: usize,
) {
    let mut limited = steps.is_some();
    form.checkbox(ui, "Episode length limited", &mut limited);
    if limited != steps.is_some() {
        *steps = limited.then_some(steps_per_cycle.max(1));
    }
    if let Some(n) = steps {
        form.integer(ui, "Episode length", n);
    }
}

fn protection_ui(ui: &mut egui::Ui, form: &mut Form, protection: &mut Option<Protection>) {
    let mut on = protection.is_some();
    form.checkbox(ui, "Overload protection", &mut on);
    if on != protection.is_some() {
        *protection = on.then(Protection::default);
    }
    if let Some(p) = protection {
        form.integer(ui, "Trip after (steps)", &mut p.overload_steps);
        form.number(
            ui,
            "Trip at once above",
            "%",
            &mut p.hard_limit_pct,
            Rule::Positive,
        );
        form.integer(ui, "Reclose after (steps)", &mut p.cooldown_steps);
        form.number(
            ui,
            "Game over above lost",
            "%",
            &mut p.max_lost_pct,
            Rule::NonNegative,
        );
    }
}
