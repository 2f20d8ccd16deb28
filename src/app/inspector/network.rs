//! Edit mode's form for the network itself and its scenario: time step, episode length,
//! reward, protection and power-flow settings.

use super::super::command::Command;
use super::Inspector;
use super::form::{Form, Rule, committed_text};
use crate::edit::Edit;
use crate::model::{Network, Protection, Scenario};

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
            form.number(
                ui,
                "Penalty weight",
                "λ",
                &mut new.reward.penalty_weight,
                Rule::NonNegative,
            );
            form.number(
                ui,
                "Energy clip",
                "p.u.·h",
                &mut new.reward.energy_clip,
                Rule::NonNegative,
            );
            form.number(
                ui,
                "Penalty clip",
                "",
                &mut new.reward.penalty_clip,
                Rule::NonNegative,
            );
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
