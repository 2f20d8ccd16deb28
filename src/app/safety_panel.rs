//! The safety panel: violations at the step on screen and over the episode, counts by kind, a
//! filter, severity colours; a click selects the element.

use super::session::Session;
use crate::sim::{Severity, Violation, ViolationKind};

/// The panel's own state.
#[derive(Debug, Default)]
pub struct SafetyPanel {
    pub filter: String,
    /// Show the whole episode's history instead of the step on screen.
    pub history: bool,
}

pub fn severity_colour(severity: Severity) -> egui::Color32 {
    match severity {
        Severity::Info => egui::Color32::from_rgb(90, 150, 220),
        Severity::Warning => egui::Color32::from_rgb(230, 150, 40),
        Severity::Critical => egui::Color32::from_rgb(220, 60, 50),
    }
}

impl SafetyPanel {
    /// Draws the panel; returns the name of an element the user clicked.
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &Session) -> Option<String> {
        let state = session.current();
        if state.terminated || state.truncated {
            ui.colored_label(
                severity_colour(Severity::Critical),
                super::run_panel::end_reason(state),
            );
        }
        counts_ui(ui, session);
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.text_edit_singleline(&mut self.filter);
            ui.checkbox(&mut self.history, "Whole episode");
        });
        let filter = self.filter.to_lowercase();
        let matches = |v: &Violation| {
            filter.is_empty()
                || v.element.to_lowercase().contains(&filter)
                || v.kind.label().contains(&filter)
        };
        // Newest first; only the rows in view are drawn, so a year of violations stays fluid.
        let rows: Vec<(usize, &Violation)> = if self.history {
            let all = session.history.violations_through(session.cursor);
            all.iter()
                .rev()
                .filter(|(_, v)| matches(v))
                .map(|(step, v)| (*step, v))
                .collect()
        } else {
            state
                .violations
                .iter()
                .filter(|v| matches(v))
                .map(|v| (state.step, v))
                .collect()
        };
        if rows.is_empty() {
            ui.label("No violations.");
            return None;
        }
        let mut clicked = None;
        let row_height = ui.text_style_height(&egui::TextStyle::Body);
        egui::ScrollArea::vertical().show_rows(ui, row_height, rows.len(), |ui, range| {
            for &(step, v) in &rows[range] {
                let text = format!(
                    "step {step}  {}  {}  {:.4} (limit {:.4})",
                    v.kind.label(),
                    v.element,
                    v.value,
                    v.limit
                );
                let label = egui::RichText::new(text).color(severity_colour(v.severity));
                if ui
                    .add(egui::Label::new(label).sense(egui::Sense::click()))
                    .clicked()
                {
                    clicked = Some(v.element.clone());
                }
            }
        });
        clicked
    }
}

/// Counts by kind over the episode up to the step on screen.
fn counts_ui(ui: &mut egui::Ui, session: &Session) {
    let counts = &session.history.summaries()[session.cursor].counts_so_far;
    ui.horizontal_wrapped(|ui| {
        if counts.iter().all(|&n| n == 0) {
            ui.label("Episode so far: no violations");
        }
        for (kind, n) in ViolationKind::ALL.iter().zip(counts) {
            if *n > 0 {
                ui.label(format!("{}: {n}", kind.label()));
            }
        }
    });
}
