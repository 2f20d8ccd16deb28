//! Questions the app must ask before going on: unsaved edits, a recovery copy left by a crash,
//! the address of a remote policy, and messages that must not be missed (a file that cannot be
//! opened or saved).

use super::command::Command;
use super::session::{AgentChoice, RunCommand};
use crate::edit::recovery::Found;

/// A question on top of the window, until answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// The document has unsaved edits and this command would drop them.
    Unsaved(Box<Command>),
    /// A recovery copy of unsaved edits was found.
    Recover(Found),
    /// The address of a policy served over HTTP, as the user types it.
    RemotePolicy(String),
    Message(String),
}

/// Where `gridpilot.serve_policy` listens unless told otherwise.
pub const DEFAULT_POLICY_ADDRESS: &str = "http://127.0.0.1:8765";

/// Draws the prompt; returns the commands its answer makes, once answered.
pub fn prompt_ui(ctx: &egui::Context, prompt: &mut Prompt) -> Option<Vec<Command>> {
    let modal = egui::Modal::new(egui::Id::unique("prompt")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        match prompt {
            Prompt::Unsaved(then) => unsaved_ui(ui, then),
            Prompt::Recover(found) => recover_ui(ui, found),
            Prompt::RemotePolicy(address) => remote_policy_ui(ui, address),
            Prompt::Message(text) => {
                ui.label(text.as_str());
                ui.add_space(8.0);
                ui.button("OK").clicked().then(Vec::new)
            }
        }
    });
    let escaped = modal.should_close().then(Vec::new);
    modal.inner.or(escaped)
}

fn unsaved_ui(ui: &mut egui::Ui, then: &Command) -> Option<Vec<Command>> {
    ui.heading("Unsaved changes");
    ui.label("The network has changes that are not saved. Save them first?");
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Save").clicked() {
            return Some(vec![Command::SaveAndThen(Box::new(then.clone()))]);
        }
        if ui.button("Discard").clicked() {
            return Some(vec![Command::Discarding(Box::new(then.clone()))]);
        }
        ui.button("Cancel").clicked().then(Vec::new)
    })
    .inner
}

fn remote_policy_ui(ui: &mut egui::Ui, address: &mut String) -> Option<Vec<Command>> {
    ui.heading("Remote policy");
    ui.label(
        "The address of a policy served over HTTP (gridpilot.serve_policy in Python, say). \
         Each step sends it the observation and applies the action it answers.",
    );
    let field = ui.add(egui::TextEdit::singleline(address).desired_width(320.0));
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Connect").clicked() || entered {
            let choice = AgentChoice::Remote(address.trim().to_string());
            return Some(vec![Command::Run(RunCommand::SetAgent(choice))]);
        }
        ui.button("Cancel").clicked().then(Vec::new)
    })
    .inner
}

fn recover_ui(ui: &mut egui::Ui, found: &Found) -> Option<Vec<Command>> {
    ui.heading("Recover unsaved changes?");
    let age = found.modified.elapsed().map_or_else(
        |_| "recently".to_string(),
        |d| format!("{} min ago", d.as_secs() / 60),
    );
    ui.label(format!(
        "GridPilot closed with unsaved changes. A copy was kept {age}:\n{}",
        found.path.display()
    ));
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("Recover").clicked() {
            return Some(vec![Command::Recover(found.path.clone())]);
        }
        if ui.button("Discard the copy").clicked() {
            return Some(vec![Command::DiscardRecovery(found.path.clone())]);
        }
        ui.button("Not now").clicked().then(Vec::new)
    })
    .inner
}
