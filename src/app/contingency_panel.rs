//! The N-1 tab: run the analysis of the step on screen, follow its progress, cancel it, and
//! read the outages worst first; a click shows the state after one on the view.

use super::command::Command;
use super::contingencies::Contingencies;
use super::session::Session;
use crate::contingency::count;

/// Draws the tab.
pub fn ui(
    ui: &mut egui::Ui,
    session: &Session,
    analysis: Option<&Contingencies>,
    show_secure: &mut bool,
    commands: &mut Vec<Command>,
) {
    let step = session.current().step;
    ui.horizontal(|ui| {
        let label = format!("Run N-1 on step {step}");
        if ui
            .button(label)
            .on_hover_text("Take out each in-service branch in turn and solve again")
            .clicked()
        {
            commands.push(Command::RunContingencies);
        }
        ui.checkbox(show_secure, "Show secure outages too");
    });
    let Some(analysis) = analysis else {
        ui.label("Which single branch outage would overload others, push voltages out of their limits, cut buses off or leave no solution?");
        return;
    };
    if let Some((done, total)) = analysis.progress() {
        ui.horizontal(|ui| {
            let fraction = done as f32 / total.max(1) as f32;
            let text = format!("Step {}: {done} of {total} outages", analysis.step);
            ui.add(
                egui::ProgressBar::new(fraction)
                    .text(text)
                    .desired_width(320.0),
            );
            if ui.button("Cancel").clicked() {
                commands.push(Command::CancelContingencies);
            }
        });
        return;
    }
    match analysis.result() {
        Some(Ok(result)) => list_ui(ui, analysis, result, *show_secure, commands),
        Some(Err(why)) => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("N-1 of step {}: {why}", analysis.step),
            );
        }
        None => {}
    }
}

fn list_ui(
    ui: &mut egui::Ui,
    analysis: &Contingencies,
    result: &crate::contingency::Analysis,
    show_secure: bool,
    commands: &mut Vec<Command>,
) {
    let all = &result.contingencies;
    let insecure = all.iter().filter(|c| !c.secure()).count();
    ui.label(format!(
        "Step {}: {} outages, {} secure, {insecure} not. Worst first; click one to see it.",
        analysis.step,
        all.len(),
        all.len() - insecure
    ));
    if result.base_overloads + result.base_voltages > 0 {
        ui.small(format!(
            "Before any outage {} overloaded and {} outside their voltage limits; listed only where an outage makes them worse.",
            count(result.base_overloads, "branch is", "branches are"),
            count(result.base_voltages, "bus is", "buses are")
        ));
    }
    let rows: Vec<_> = all.iter().filter(|c| show_secure || !c.secure()).collect();
    let shown = analysis.shown.as_ref().map(|(branch, _)| branch.as_str());
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().show_rows(ui, row_height, rows.len(), |ui, range| {
        for c in &rows[range] {
            let selected = shown == Some(c.branch.as_str());
            if ui.selectable_label(selected, c.summary()).clicked() {
                let next = (!selected).then(|| c.branch.clone());
                commands.push(Command::ShowContingency(next));
            }
        }
    });
}
