//! Edit mode's validation list: every problem that stops the network from running, live while
//! editing; a click selects the element and centres the view on it.

use super::command::Command;
use super::safety_panel::severity_colour;
use crate::edit::Document;
use crate::model::ValidationReport;
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
        if report.is_ok() {
            ui.label("No problems: the network is ready to run.");
            return;
        }
        let n = report.problems.len();
        ui.strong(if n == 1 {
            "1 problem stops this network from running:".to_string()
        } else {
            format!("{n} problems stop this network from running:")
        });
        let colour = severity_colour(Severity::Critical);
        egui::ScrollArea::vertical().show(ui, |ui| {
            for problem in &report.problems {
                let text = egui::RichText::new(problem.to_string()).color(colour);
                let label = egui::Label::new(text).sense(egui::Sense::click());
                let response = ui.add(label);
                if let Some(element) = problem.element()
                    && response.on_hover_text("Click to show it").clicked()
                {
                    commands.push(Command::Focus(element));
                }
            }
        });
    }
}
