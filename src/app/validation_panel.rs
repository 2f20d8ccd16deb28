//! Edit mode's validation list: every problem that stops the network from running, live while
//! editing; a click selects the element and centres the view on it.

use super::command::Command;
use super::safety_panel::severity_colour;
use crate::edit::Document;
use crate::model::{Problem, ValidationReport};
use crate::sim::Severity;

/// The list, checked again only when the document changes.
#[derive(Debug, Default)]
pub struct ValidationPanel {
    /// The document version the report is for, and the report.
    checked: Option<((u64, u64), ValidationReport)>,
}

impl ValidationPanel {
    /// The problems of the document as it is now.
    pub fn report(&mut self, doc: &Document) -> &ValidationReport {
        let version = doc.version();
        if self.checked.as_ref().is_none_or(|(v, _)| *v != version) {
            // Without a scenario the network runs a plain day, which has nothing to check.
            let report = doc.network().validate();
            self.checked = Some((version, report));
        }
        &self.checked.as_ref().expect("checked just now").1
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
        let report = self.report(doc);
        let n = report.problems.len();
        ui.strong(match n {
            0 => "No problems: the network is ready to run.".to_string(),
            1 => "1 problem stops this network from running:".to_string(),
            _ => format!("{n} problems stop this network from running:"),
        });
        egui::ScrollArea::vertical().show(ui, |ui| {
            list_ui(ui, &report.problems, Severity::Critical, commands);
            if !report.warnings.is_empty() {
                let w = report.warnings.len();
                let s = if w == 1 { "" } else { "s" };
                ui.label(format!("{w} warning{s} (the network runs as it is):"));
                list_ui(ui, &report.warnings, Severity::Warning, commands);
            }
        });
    }
}

/// One clickable line per problem, in its severity's colour; a click shows the element.
fn list_ui(
    ui: &mut egui::Ui,
    problems: &[Problem],
    severity: Severity,
    commands: &mut Vec<Command>,
) {
    let colour = severity_colour(severity);
    for problem in problems {
        let text = egui::RichText::new(problem.to_string()).color(colour);
        let response = ui.add(egui::Label::new(text).sense(egui::Sense::click()));
        if let Some(element) = problem.element()
            && response.on_hover_text("Click to show it").clicked()
        {
            commands.push(Command::Focus(element));
        }
    }
}
