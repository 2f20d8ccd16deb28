//! Run mode's inspector: live values of the selected bus, branch or device, and — when a human
//! operates the grid — its controls.

use super::super::command::Command;
use super::super::session::{AgentChoice, Playback, RunCommand, Session};
use crate::model::{Device, ElementRef, capitalised};

/// Draws the inspector for the selected element.
pub fn live_ui(
    ui: &mut egui::Ui,
    session: &Session,
    selected: Option<&ElementRef>,
    commands: &mut Vec<Command>,
) {
    ui.heading("Inspector");
    let Some(element) = selected else {
        ui.label("Click a bus, branch or device in the view.");
        return;
    };
    let Some(index) = session.network().position_of(element) else {
        ui.label(format!("{} is not in this run.", element.name()));
        return;
    };
    if !session.current().converged {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "The power flow failed at this step: there are no voltages or flows to show.",
        );
    }
    let name = match element {
        ElementRef::Bus(_) => bus_ui(ui, session, index),
        ElementRef::Branch(_) => branch_ui(ui, session, index),
        ElementRef::Device(_) => device_ui(ui, session, index),
    };
    if session.agent_choice == AgentChoice::Human && session.playback == Playback::Live {
        ui.separator();
        controls_ui(ui, session, &name, commands);
        if let ElementRef::Device(_) = element
            && let Some((lo, hi)) = session.feasible_p_range_mw(index)
        {
            ui.label(format!("Feasible now: P from {lo:.2} to {hi:.2} MW"));
        }
    }
}

fn value_row(ui: &mut egui::Ui, label: &str, value: String) {
    ui.label(label);
    ui.label(value);
    ui.end_row();
}

/// A solved value as `text` writes it, or "not solved" where the power flow left none.
fn solved(value: f64, text: impl Fn(f64) -> String) -> String {
    if value.is_finite() {
        text(value)
    } else {
        "not solved".to_string()
    }
}

fn bus_ui(ui: &mut egui::Ui, session: &Session, i: usize) -> String {
    let (bus, state) = (&session.network().buses[i], session.current());
    ui.strong(format!("Bus {}", bus.name));
    egui::Grid::new("bus_values").num_columns(2).show(ui, |ui| {
        let vm = solved(state.bus_vm_pu[i], |v| format!("{v:.4} p.u."));
        value_row(ui, "Voltage", vm);
        value_row(
            ui,
            "Angle",
            solved(state.bus_va_deg[i], |v| format!("{v:.2}°")),
        );
        value_row(
            ui,
            "Limits",
            format!("{:.2}–{:.2} p.u.", bus.vmin_pu, bus.vmax_pu),
        );
        value_row(ui, "Base", format!("{} kV", bus.base_kv));
    });
    bus.name.clone()
}

fn branch_ui(ui: &mut egui::Ui, session: &Session, k: usize) -> String {
    let (branch, state) = (&session.network().branches[k], session.current());
    let [pf, qf, pt, qt] = state.branch_flows[k];
    ui.strong(format!("Branch {}", branch.name));
    egui::Grid::new("branch_values")
        .num_columns(2)
        .show(ui, |ui| {
            let end = |bus: &str, p: f64, q: f64| {
                let flow = solved(p, |p| format!("{p:.3} MW, {q:.3} MVAr"));
                format!("{bus}: {flow}")
            };
            value_row(ui, "From", end(&branch.from_bus, pf, qf));
            value_row(ui, "To", end(&branch.to_bus, pt, qt));
            let s = state.branch_s_mva[k].abs();
            let loading = branch.rating_mva.map_or("no rating".to_string(), |r| {
                solved(s, |s| format!("{:.1} % of {r} MVA", 100.0 * s / r))
            });
            value_row(ui, "Loading", loading);
            let closed = if state.branch_in_service[k] {
                "closed"
            } else {
                "open"
            };
            value_row(ui, "State", closed.to_string());
        });
    branch.name.clone()
}

fn device_ui(ui: &mut egui::Ui, session: &Session, k: usize) -> String {
    let (device, state) = (&session.network().devices[k], session.current());
    ui.strong(format!(
        "{} {}",
        capitalised(device.kind_name()),
        device.name()
    ));
    egui::Grid::new("device_values")
        .num_columns(2)
        .show(ui, |ui| {
            value_row(ui, "Bus", device.bus().to_string());
            let p = solved(state.device_p_mw[k], |p| format!("{p:.3} MW"));
            value_row(ui, "P", p);
            let q = solved(state.device_q_mvar[k], |q| format!("{q:.3} MVAr"));
            value_row(ui, "Q", q);
            if let Device::Storage(s) = device {
                let storage_index = session.network().devices[..k]
                    .iter()
                    .filter(|d| matches!(d, Device::Storage(_)))
                    .count();
                let soc = state
                    .soc_mwh
                    .get(storage_index)
                    .copied()
                    .unwrap_or(f64::NAN);
                value_row(
                    ui,
                    "State of charge",
                    format!("{soc:.2} of {} MWh", s.soc_max_mwh),
                );
            }
        });
    device.name().to_string()
}

/// Sliders and buttons for every action component of the element.
fn controls_ui(ui: &mut egui::Ui, session: &Session, element: &str, commands: &mut Vec<Command>) {
    let prefix = format!("{element}.");
    let components: Vec<_> = session
        .action_space()
        .iter()
        .filter(|c| c.name.starts_with(&prefix))
        .cloned()
        .collect();
    if components.is_empty() {
        ui.label("Nothing to control here.");
        return;
    }
    ui.strong("Controls (applied at the next step)");
    for c in components {
        let Some(mut value) = session.human(&c.name) else {
            continue;
        };
        let quantity = &c.name[prefix.len()..];
        let changed = match quantity {
            "closed" => {
                let label = if value >= 0.5 { "Open" } else { "Close" };
                let clicked = ui.button(label).clicked();
                if clicked {
                    value = if value >= 0.5 { 0.0 } else { 1.0 };
                }
                clicked
            }
            "tap" | "step" => {
                ui.horizontal(|ui| {
                    let minus = ui.button("−").clicked();
                    ui.label(format!("{quantity} {value:.0} ({}…{})", c.low, c.high));
                    let plus = ui.button("+").clicked();
                    value += f64::from(i8::from(plus) - i8::from(minus));
                    minus || plus
                })
                .inner
            }
            _ => ui
                .add(
                    egui::Slider::new(&mut value, c.low..=c.high)
                        .text(format!("{quantity} ({})", c.unit)),
                )
                .changed(),
        };
        if changed {
            let component = c.name.clone();
            commands.push(Command::Run(RunCommand::SetHuman { component, value }));
        }
    }
}
