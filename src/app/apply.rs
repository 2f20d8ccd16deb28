//! Where commands are carried out: once per frame, in the order they were asked for.

use super::canvas::{Gesture, LineEnd};
use super::command::{Command, Mode, Tab};
use super::contingencies::Contingencies;
use super::prompt::Prompt;
use super::session::{AgentChoice, Playback, RunCommand};
use super::{GridPilotApp, RunRefused, RunStart};
use crate::edit::{Edit, EditError, Fragment, Selection, build};
use crate::model::ElementRef;

/// Commands can queue more (a prompt's answer, a save before opening): they are carried out
/// within the frame, a few rounds at most.
const ROUNDS: usize = 8;

impl GridPilotApp {
    /// Carries out every queued command.
    pub(super) fn apply_queued(&mut self, ctx: &egui::Context) {
        for _ in 0..ROUNDS {
            let commands = std::mem::take(&mut self.commands);
            if commands.is_empty() {
                return;
            }
            for command in commands {
                self.apply(ctx, command);
            }
            ctx.request_repaint();
        }
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        if replaces_document(&command) && self.project.document.is_dirty() {
            self.prompt = Some(Prompt::Unsaved(Box::new(command)));
            return;
        }
        match command {
            Command::Discarding(inner) => self.apply_file_command(ctx, *inner),
            Command::SetMode(mode) => self.set_mode(mode),
            Command::SetTab(tab) => self.tab = tab,
            Command::SetTool(tool) => self.tool = tool,
            Command::Edit(edit) => self.edit(edit, None),
            Command::EditMerging { edit, key } => self.edit(edit, Some(key)),
            Command::SealEdits => self.project.document.seal(),
            Command::Gesture(gesture) => self.gesture(gesture),
            Command::Undo => self.undo_redo(true),
            Command::Redo => self.undo_redo(false),
            Command::DeleteSelection => {
                let net = self.project.document.network();
                if let Some(edit) = build::delete(net, self.selection.items()) {
                    self.edit(edit, None);
                }
            }
            Command::Copy => self.copy(ctx),
            Command::Paste(text) => self.paste(text),
            Command::SelectAll => self.selection = select_all(self.project.document.network()),
            Command::AutoLayout { selection } => self.start_layout(selection),
            Command::CancelLayout => self.cancel_layout(),
            Command::Select(selection) => self.selection = selection,
            Command::Focus(element) => {
                self.view.center_on(element.clone());
                self.selection = Selection::single(element);
            }
            Command::OpenFind => self.find = Some(super::find::Find::default()),
            Command::Run(run) => self.run_command(run),
            Command::RunContingencies => self.run_contingencies(),
            Command::CancelContingencies => {
                if let Some(c) = &self.contingencies {
                    c.cancel();
                }
            }
            Command::ShowContingency(branch) => {
                if let Some(c) = &mut self.contingencies {
                    c.show(branch);
                }
            }
            Command::ToggleBranch(branch) => self.toggle_branch(&branch),
            Command::SetDark(dark) => self.dark = dark,
            Command::SetPresentation(on) => self.presentation = on,
            Command::SetShowZones(on) => self.show_zones = on,
            Command::ToggleFullscreen => {
                let full = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!full));
            }
            Command::Notify(message) => self.notify(message),
            Command::AskRemotePolicy => {
                let address = match &self.project.session().map(|s| &s.agent_choice) {
                    Some(AgentChoice::Remote(address)) => address.clone(),
                    _ => super::prompt::DEFAULT_POLICY_ADDRESS.to_string(),
                };
                self.prompt = Some(Prompt::RemotePolicy(address));
            }
            other => {
                if let Some(file_command) = self.apply_learning_command(other) {
                    self.apply_file_command(ctx, file_command);
                }
            }
        }
    }

    /// Tells the user: in the log, and on the window for a few seconds.
    pub(super) fn notify(&mut self, message: String) {
        self.notice.show(&message);
        self.log.push(message);
    }

    fn set_mode(&mut self, mode: Mode) {
        match mode {
            Mode::Edit => {
                if let Some(session) = self.project.session_mut() {
                    session.playing = false;
                }
                self.mode = Mode::Edit;
            }
            Mode::Run => match self.project.prepare_run() {
                Ok(start) => {
                    self.mode = Mode::Run;
                    if start == RunStart::NewEpisode && self.project.previous_episode.is_some() {
                        self.notify(
                            "The network changed: a new episode starts. File > Save previous episode… keeps the old one."
                                .to_string(),
                        );
                    }
                }
                Err(why) => {
                    if matches!(why, RunRefused::Invalid(_)) {
                        self.tab = Tab::Validation;
                    }
                    self.notify(why.to_string());
                    return;
                }
            },
        }
        if !Tab::of(self.mode).contains(&self.tab) {
            self.tab = Tab::of(self.mode)[0];
        }
        let mut selection = std::mem::take(&mut self.selection);
        selection.retain_existing(self.network());
        self.selection = selection;
    }

    /// Applies an edit (joining the previous one under `merge_key`), keeping the selection on
    /// what still exists and following renames.
    pub(super) fn edit(&mut self, edit: Edit, merge_key: Option<String>) {
        let rename = match &edit {
            Edit::Rename { element, to } => Some((element.clone(), to.clone())),
            _ => None,
        };
        let doc = &mut self.project.document;
        let result = match merge_key {
            Some(key) => doc.apply_merging(edit, &key),
            None => doc.apply(edit),
        };
        match result {
            Ok(()) => {
                if let Some((element, to)) = rename {
                    self.selection.rename(&element, &to);
                }
                self.selection
                    .retain_existing(self.project.document.network());
            }
            Err(e) => self.notify(format!("Cannot edit: {e}")),
        }
    }

    fn undo_redo(&mut self, undo: bool) {
        let doc = &mut self.project.document;
        let result: Result<Option<String>, EditError> = if undo { doc.undo() } else { doc.redo() };
        match result {
            Ok(Some(_)) => self
                .selection
                .retain_existing(self.project.document.network()),
            Ok(None) => {}
            Err(e) => self.notify(format!(
                "Cannot {}: {e}",
                if undo { "undo" } else { "redo" }
            )),
        }
    }

    /// Turns what the user did on the network view into an edit (or a selection).
    fn gesture(&mut self, gesture: Gesture) {
        let net = self.project.document.network();
        let (edit, select) = match gesture {
            Gesture::PlaceBus(at) => {
                let (edit, bus) = build::add_bus(net, at);
                (Some(edit), Some(bus))
            }
            Gesture::Connect { from, to } => {
                let made = match to {
                    LineEnd::Bus(to) => build::connect(net, &from, &to),
                    LineEnd::NewBus(at) => build::connect_to_new_bus(net, &from, at),
                };
                match made {
                    Some((edit, branch)) => (Some(edit), Some(branch)),
                    None => (None, None),
                }
            }
            Gesture::MoveBuses { buses, dx, dy } => {
                (Some(build::move_buses(net, &buses, dx, dy)), None)
            }
            Gesture::MoveDevice { device, to_bus } => {
                let edit = build::reattach(net, &device, &to_bus);
                (edit, Some(ElementRef::Device(device)))
            }
            Gesture::Attach { bus, kind } => {
                let (edit, device) = build::attach(net, &bus, kind);
                (Some(edit), Some(device))
            }
            Gesture::Select { elements, add } => {
                if add {
                    for e in elements {
                        self.selection.toggle(e);
                    }
                } else {
                    self.selection = Selection::from_elements(elements);
                }
                return;
            }
        };
        if let Some(edit) = edit {
            self.edit(edit, None);
        }
        if let Some(element) = select.filter(|e| self.project.document.network().contains(e)) {
            self.selection = Selection::single(element);
        }
    }

    fn copy(&mut self, ctx: &egui::Context) {
        let fragment = Fragment::copy(self.project.document.network(), self.selection.items());
        if fragment.is_empty() {
            return;
        }
        ctx.copy_text(fragment.to_text());
        self.clipboard = Some(fragment);
    }

    /// Pastes the fragment in `text` (the system clipboard), else the app's own clipboard,
    /// shifted clear of the originals, and selects what was pasted.
    fn paste(&mut self, text: Option<String>) {
        let fragment = text
            .as_deref()
            .and_then(Fragment::from_text)
            .or_else(|| self.clipboard.clone());
        let Some(fragment) = fragment else {
            return;
        };
        let offset = 2.0 * f64::from(self.view.symbol_grid());
        let net = self.project.document.network();
        let (edit, pasted) = fragment.paste(net, offset, offset);
        self.edit(edit, None);
        self.selection = Selection::from_elements(pasted);
        self.selection
            .retain_existing(self.project.document.network());
    }

    fn run_command(&mut self, command: RunCommand) {
        // The view goes back from a contingency to the run.
        if let Some(contingencies) = &mut self.contingencies {
            contingencies.show(None);
        }
        if let Some(session) = self.project.session_mut() {
            session.apply(command);
        }
    }

    /// Starts N-1 on the step on screen (replacing any analysis before).
    fn run_contingencies(&mut self) {
        if let Some(old) = self.contingencies.take() {
            old.cancel();
        }
        if let Some(session) = self.project.session() {
            let started = Contingencies::start(session.network(), session.current());
            self.contingencies = Some(started);
        }
    }

    /// With the Human agent in a live run, a click on a switchable branch opens or closes it at
    /// the next step.
    fn toggle_branch(&mut self, branch: &str) {
        let Some(session) = self.project.session_mut() else {
            return;
        };
        if session.agent_choice != AgentChoice::Human || session.playback != Playback::Live {
            return;
        }
        let component = format!("{branch}.closed");
        if let Some(closed) = session.human(&component) {
            let value = if closed >= 0.5 { 0.0 } else { 1.0 };
            session.apply(RunCommand::SetHuman { component, value });
        }
    }

    /// Moves messages the session logged into the app's log.
    pub(super) fn drain_session_log(&mut self) {
        if let Some(session) = self.project.session_mut() {
            self.log.append(&mut session.log);
        }
    }
}

/// Commands that put another network in the window (or close it): they ask first when the
/// document has unsaved edits.
fn replaces_document(command: &Command) -> bool {
    matches!(
        command,
        Command::NewNetwork
            | Command::OpenNetwork
            | Command::ImportCase
            | Command::OpenEpisode
            | Command::OpenFile(_)
            | Command::Recover(_)
            | Command::Quit
    )
}

fn select_all(net: &crate::model::Network) -> Selection {
    let buses = net.buses.iter().map(|b| ElementRef::Bus(b.name.clone()));
    let branches = net
        .branches
        .iter()
        .map(|b| ElementRef::Branch(b.name.clone()));
    let devices = net
        .devices
        .iter()
        .map(|d| ElementRef::Device(d.name().to_string()));
    Selection::from_elements(buses.chain(branches).chain(devices))
}
