//! The safety panel: violations at the step on screen and over the episode, counts by kind, a
//! filter, severity colours; a click selects the element.

use std::collections::BTreeMap;

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
        let steps = if self.history {
            &session.episode.steps[..=session.cursor]
        } else {
            std::slice::from_ref(state)
        };
        let mut clicked = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            let mut any = false;
            for s in steps.iter().rev() {
                for v in s.violations.iter().filter(|v| matches(v)) {
                    any = true;
                    let text = format!(
                        "step {}  {}  {}  {:.4} (limit {:.4})",
                        s.step,
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
            }
            if !any {
                ui.label("No violations.");
            }
        });
        clicked
    }
}

/// Counts by kind over the episode up to the step on screen.
fn counts_ui(ui: &mut egui::Ui, session: &Session) {
    let mut counts: BTreeMap<ViolationKind, usize> = BTreeMap::new();
    for s in &session.episode.steps[..=session.cursor] {
        for v in &s.violations {
            *counts.entry(v.kind).or_default() += 1;
        }
    }
    ui.horizontal_wrapped(|ui| {
        if counts.is_empty() {
            ui.label("Episode so far: no violations");
        }
        for (kind, n) in counts {
            ui.label(format!("{}: {n}", kind.label()));
        }
    });
}
