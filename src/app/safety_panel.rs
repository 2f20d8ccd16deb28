//! The safety panel: violations at the step on screen and over the episode, counts by kind, a
//! filter, severity colours; a click selects the element.

use super::session::Session;
use crate::sim::{Severity, ViolationKind, measurement};

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
        let matches = |element: &str, kind: ViolationKind| {
            filter.is_empty()
                || element.to_lowercase().contains(&filter)
                || kind.label().contains(&filter)
        };
        // Newest first; only the rows in view are drawn, so a year of violations stays fluid.
        let history = &session.history;
        let rows: Vec<Row> = if self.history {
            let all = history.violations_through(session.cursor);
            all.iter()
                .rev()
                .map(|l| Row {
                    step: l.step as usize,
                    kind: l.kind,
                    severity: l.severity,
                    element: history.element(l),
                    value: l.value,
                    limit: l.limit,
                })
                .filter(|r| matches(r.element, r.kind))
                .collect()
        } else {
            state
                .violations
                .iter()
                .map(|v| Row {
                    step: state.step,
                    kind: v.kind,
                    severity: v.severity,
                    element: &v.element,
                    value: v.value,
                    limit: v.limit,
                })
                .filter(|r| matches(r.element, r.kind))
                .collect()
        };
        if rows.is_empty() {
            ui.label("No violations.");
            return None;
        }
        let mut clicked = None;
        let row_height = ui.text_style_height(&egui::TextStyle::Body);
        egui::ScrollArea::vertical().show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in &rows[range] {
                let step = format!("step {}", row.step);
                let measured = measurement(row.kind, row.value, row.limit);
                let parts = [step.as_str(), row.kind.label(), row.element, &measured];
                let text = parts
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("  ");
                let label = egui::RichText::new(text).color(severity_colour(row.severity));
                if ui
                    .add(egui::Label::new(label).sense(egui::Sense::click()))
                    .clicked()
                {
                    clicked = Some(row.element.to_string());
                }
            }
        });
        clicked
    }
}

/// One line of the list.
struct Row<'a> {
    step: usize,
    kind: ViolationKind,
    severity: Severity,
    element: &'a str,
    value: f64,
    limit: f64,
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
