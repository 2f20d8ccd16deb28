//! The inspector on the right: in Run mode the selected element's live values and a human
//! operator's controls ([`live_ui`]); in Edit mode every parameter of the selected element, or
//! of the network and its scenario when nothing is selected ([`Inspector::edit_ui`]).

mod element;
mod form;
mod live;
mod network;

pub use live::live_ui;

use super::command::Command;
use crate::edit::{Document, Edit};
use crate::model::{ElementRef, Problem};
use form::Form;

/// Edit mode's inspector state: text being typed, and the last value refused.
#[derive(Debug, Default)]
pub struct Inspector {
    /// What the buffers below belong to (`None`: the network), in which document version.
    target: Option<ElementRef>,
    version: (u64, u64),
    /// The name being typed.
    name: String,
    /// Bus names being typed (a branch's ends, a device's bus).
    buses: [String; 2],
    /// The energy prices being typed (`None`: not yet taken from the scenario).
    prices: Option<String>,
    /// Why the last value entered was refused.
    refusal: Option<String>,
}

impl Inspector {
    pub fn edit_ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        selected: Option<&ElementRef>,
        commands: &mut Vec<Command>,
    ) {
        ui.heading("Inspector");
        // Text being typed is dropped when another element is shown or the network changes
        // under it (another file, an undo).
        if self.target.as_ref() != selected || self.version != doc.version() {
            if self.target.as_ref() != selected {
                self.refusal = None;
            }
            self.target = selected.cloned();
            self.version = doc.version();
            self.name.clear();
            self.buses = Default::default();
            self.prices = None;
        }
        let net = doc.network();
        match selected {
            None => network::network_ui(ui, self, net, commands),
            Some(element) if !net.contains(element) => {
                ui.label(format!("{} no longer exists.", element.name()));
            }
            Some(element) => element::element_ui(ui, self, net, element, commands),
        }
        if let Some(why) = &self.refusal {
            ui.separator();
            ui.colored_label(egui::Color32::from_rgb(220, 80, 60), why);
        }
    }

    /// Sends the edit a form made, unless it brings a problem the element did not have (then
    /// the value is refused with the reason). Drags merge into one undo step.
    /// `problems` gives the problems before and after the change.
    fn submit(
        &mut self,
        form: &Form,
        key: &str,
        problems: impl FnOnce() -> (Vec<Problem>, Vec<Problem>),
        edit: impl FnOnce() -> Edit,
        commands: &mut Vec<Command>,
    ) {
        if let Some(why) = &form.refused {
            self.refusal = Some(why.clone());
        }
        if form.changed {
            let (before, after) = problems();
            let edit = edit();
            match after.iter().find(|p| !before.contains(p)) {
                Some(problem) => self.refusal = Some(format!("Refused: {problem}")),
                None => {
                    self.refusal = None;
                    commands.push(if form.dragging {
                        Command::EditMerging {
                            edit,
                            key: key.to_string(),
                        }
                    } else {
                        Command::Edit(edit)
                    });
                }
            }
        }
        if form.released {
            commands.push(Command::SealEdits);
        }
    }
}
