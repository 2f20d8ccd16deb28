//! Opening, saving and exporting, and the autosave that keeps a recovery copy of unsaved edits.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use super::GridPilotApp;
use super::command::{AgentFile, Command, Mode};
use super::dialogs::Answer;
use super::path_dialog::{Outcome, PathDialog, Purpose};
use super::project::Project;
use super::prompt::Prompt;
use super::session::{AgentChoice, RunCommand};
use crate::edit::{Document, recovery};
use crate::io::load_network;

impl GridPilotApp {
    /// Carries out a command about files (the caller has dealt with unsaved edits).
    pub(super) fn apply_file_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::NewNetwork => {
                let project = Project::new(Document::new_network("untitled"));
                self.replace_project(project, false);
            }
            Command::OpenNetwork => self.ask(ctx, Purpose::OpenNetwork),
            Command::ImportCase => self.ask(ctx, Purpose::ImportCase),
            Command::OpenEpisode => self.ask(ctx, Purpose::OpenEpisode),
            Command::OpenFile(path) => self.open_path(&path),
            Command::Save => self.save(ctx, None),
            Command::SaveAs => self.ask(ctx, Purpose::SaveNetwork { then: None }),
            Command::SaveAndThen(then) => self.save(ctx, Some(then)),
            Command::SaveEpisode => self.ask(ctx, Purpose::SaveEpisode { previous: false }),
            Command::SavePreviousEpisode => {
                self.ask(ctx, Purpose::SaveEpisode { previous: true });
            }
            Command::ExportPicture => self.ask(ctx, Purpose::ExportPicture),
            Command::ExportAnimation => self.ask(ctx, Purpose::ExportAnimation),
            Command::StopAnimation => self.stop_animation(),
            Command::ExportCsv => self.ask(ctx, Purpose::ExportCsv),
            Command::PickAgentFile(kind) => self.ask(ctx, Purpose::Agent(kind)),
            Command::SavePolicy => self.ask(ctx, Purpose::SavePolicy),
            Command::UsePath { purpose, path } => self.use_path(ctx, purpose, path),
            Command::Quit => {
                self.autosave.forget(&self.project.document);
                self.closing = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Command::Recover(path) => self.recover(&path),
            Command::DiscardRecovery(path) => recovery::remove(&path),
            other => self.log.push(format!("(nothing to do for {other:?})")),
        }
    }

    /// Asks for a file for `purpose` with the desktop's dialog, or with GridPilot's own when
    /// the desktop's cannot open.
    fn ask(&mut self, ctx: &egui::Context, purpose: Purpose) {
        let suggested = self.suggested_name(&purpose);
        let answer = if purpose.writes() {
            self.dialogs
                .save(purpose.title(), &suggested, purpose.extensions())
        } else {
            self.dialogs.open(purpose.title(), purpose.extensions())
        };
        match answer {
            Answer::Chosen(path) => self.use_path(ctx, purpose, path),
            Answer::Cancelled => {}
            Answer::Unavailable(why) => {
                self.notify(why);
                let folder = self.project.document.base_dir().to_path_buf();
                self.path_dialog = Some(PathDialog::new(purpose, &suggested, &folder));
            }
        }
    }

    fn suggested_name(&self, purpose: &Purpose) -> String {
        let name = &self.network().name;
        match purpose {
            Purpose::SaveNetwork { .. } => format!("{name}.ron"),
            Purpose::SaveEpisode { .. } => format!("{name}.episode"),
            Purpose::ExportPicture | Purpose::ExportAnimation => format!("{name}.png"),
            Purpose::ExportCsv => format!("{name}.csv"),
            Purpose::SavePolicy => format!("{name}-policy.ron"),
            _ => String::new(),
        }
    }

    /// Does what the path was asked for.
    fn use_path(&mut self, ctx: &egui::Context, purpose: Purpose, path: PathBuf) {
        match purpose {
            Purpose::OpenNetwork | Purpose::ImportCase | Purpose::OpenEpisode => {
                self.open_path(&path);
            }
            Purpose::SaveNetwork { then } => {
                let saved = self.project.document.save_as(&path);
                if self.saved(saved, Some(path))
                    && let Some(then) = then
                {
                    self.commands.push(Command::Discarding(then));
                }
            }
            Purpose::SaveEpisode { previous } => self.save_episode(previous, &path),
            Purpose::ExportPicture => self.export_picture(ctx, path),
            Purpose::ExportAnimation => self.export_animation(&path),
            Purpose::ExportCsv => self.export_csv(&path),
            Purpose::SavePolicy => self.save_policy(&path),
            Purpose::Agent(kind) => {
                let choice = match kind {
                    AgentFile::LinearPolicy => AgentChoice::Linear(path),
                    AgentFile::Schedule => AgentChoice::Schedule(path),
                };
                self.commands
                    .push(Command::Run(RunCommand::SetAgent(choice)));
            }
        }
    }

    /// Opens a network or episode file; a file that cannot be opened is said so in a dialog.
    /// A MATPOWER case or pandapower network is read and laid out off the window's thread.
    fn open_path(&mut self, path: &Path) {
        if path.extension().is_some_and(|e| e == "m" || e == "json") {
            self.open_laying_out(path);
            return;
        }
        match Project::open(path) {
            Ok(project) => self.show_opened(project, path),
            Err(message) => self.refuse_file(message),
        }
    }

    /// Puts a project opened from `path` in the window, in Run mode if it can run.
    pub(super) fn show_opened(&mut self, project: Project, path: &Path) {
        self.replace_project(project, true);
        self.log.push(format!("Opened {}", path.display()));
        if path.extension().is_some_and(|e| e == "ron") {
            self.autosave.offer_recovery(path, &mut self.prompt);
        }
    }

    /// Says in a dialog (and the log) why a file could not be opened.
    pub(super) fn refuse_file(&mut self, message: String) {
        self.log.push(message.clone());
        self.prompt = Some(Prompt::Message(message));
    }

    /// Puts another project in the window: in Run mode when `run` and it can run, else in Edit
    /// mode. The recovery copy of the document it replaces goes (its edits were saved or
    /// discarded).
    fn replace_project(&mut self, mut project: Project, run: bool) {
        // A case still being laid out would otherwise replace this one when it is done.
        self.give_up_opening();
        self.autosave.forget(&self.project.document);
        // An export shows the run it started on, not the next one.
        self.stop_animation();
        // Nothing of a live run is lost with the window's file: say where it is kept.
        if let Some(session) = self.project.session()
            && session.playback == super::Playback::Live
            && session.history.len() > 1
            && let Some(path) = session.history.recording()
        {
            self.notify(format!(
                "The run you left ({} steps) is kept in {}",
                session.history.len() - 1,
                path.display()
            ));
        }
        // Live runs keep being recorded where this window records them.
        project.record_to(self.project.recordings().map(Path::to_path_buf));
        self.project = project;
        if let Some(old) = self.contingencies.take() {
            old.cancel();
        }
        self.selection.clear();
        self.view.fit();
        if run {
            self.enter_run_mode_if_possible();
        } else {
            self.mode = Mode::Edit;
            self.tab = super::Tab::Validation;
        }
    }

    /// Saves the document to its file, or asks for one; then carries out `then`.
    fn save(&mut self, ctx: &egui::Context, then: Option<Box<Command>>) {
        let Some(path) = self.project.document.path().map(Path::to_path_buf) else {
            self.ask(ctx, Purpose::SaveNetwork { then });
            return;
        };
        let saved = self.project.document.save_as(&path);
        if self.saved(saved, Some(path))
            && let Some(then) = then
        {
            self.commands.push(Command::Discarding(then));
        }
    }

    /// Reports a save; returns whether it went through.
    fn saved(&mut self, result: std::io::Result<PathBuf>, asked: Option<PathBuf>) -> bool {
        match result {
            Ok(path) => {
                self.autosave.forget_all();
                self.notify(format!("Saved {}", path.display()));
                true
            }
            Err(e) => {
                let at = asked.map_or_else(String::new, |p| format!("{}: ", p.display()));
                let message = format!("{at}cannot save the network: {e}");
                self.log.push(message.clone());
                self.prompt = Some(Prompt::Message(message));
                false
            }
        }
    }

    fn save_episode(&mut self, previous: bool, path: &Path) {
        let history = if previous {
            self.project.previous_episode.as_ref()
        } else {
            self.project.session().map(|s| &s.history)
        };
        let Some(history) = history else {
            return;
        };
        match history.save(path) {
            Ok(()) => self.notify(format!("Saved the episode to {}", path.display())),
            Err(e) => {
                let message = format!("{}: cannot write the episode: {e}", path.display());
                self.log.push(message.clone());
                self.prompt = Some(Prompt::Message(message));
            }
        }
    }

    fn export_csv(&mut self, path: &Path) {
        let Some(session) = self.project.session() else {
            return;
        };
        match session.history.export_csv(path, session.action_space()) {
            Ok(()) => self.notify(format!("Exported the time series to {}", path.display())),
            Err(e) => self.notify(format!("{}: cannot write the file: {e}", path.display())),
        }
    }

    /// Opens a recovery copy as unsaved edits: of its network file when it was one's, else of a
    /// new network.
    fn recover(&mut self, path: &Path) {
        let network = match load_network(path) {
            Ok(network) => network,
            Err(e) => {
                self.prompt = Some(Prompt::Message(format!("Cannot recover: {e}")));
                return;
            }
        };
        let file = recovery::original_of(path).filter(|f| f.exists());
        let document = Document::recovered(network, file);
        self.replace_project(Project::new(document), false);
        recovery::remove(path);
        self.notify(format!("Recovered unsaved edits from {}", path.display()));
    }

    /// GridPilot's own file dialog, while it is open.
    pub(super) fn path_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.path_dialog else {
            return;
        };
        match dialog.ui(ctx) {
            Some(Outcome::Chosen(path)) => {
                let purpose = dialog.purpose.clone();
                self.path_dialog = None;
                self.commands.push(Command::UsePath { purpose, path });
            }
            Some(Outcome::Cancelled) => self.path_dialog = None,
            None => {}
        }
    }
}

/// How often unsaved edits are copied to the recovery file.
const AUTOSAVE_INTERVAL_S: f64 = 60.0;

/// Writes a recovery copy of a document with unsaved edits every minute, on a thread of its
/// own so the window never waits for the disk.
pub struct Autosave {
    data_dir: PathBuf,
    last_write_s: f64,
    /// The recovery file and the document version it holds.
    written: Option<(PathBuf, (u64, u64))>,
    writing: Option<JoinHandle<()>>,
}

impl Autosave {
    pub fn new(data_dir: PathBuf) -> Self {
        Autosave {
            data_dir,
            last_write_s: 0.0,
            written: None,
            writing: None,
        }
    }

    /// Where recovery copies of networks never saved go (tests point it at a folder of their
    /// own).
    pub fn set_data_dir(&mut self, dir: PathBuf) {
        self.data_dir = dir;
    }

    /// Where GridPilot keeps its own files.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Called every frame: writes a copy once a minute while the document has unsaved edits
    /// that are not in the copy yet. Returns how long until the next copy is due, so that an
    /// idle window still wakes up for it.
    #[must_use]
    pub fn tick(&mut self, doc: &Document, now_s: f64) -> Option<std::time::Duration> {
        if !doc.is_dirty() {
            return None;
        }
        let due_in_s = self.last_write_s + AUTOSAVE_INTERVAL_S - now_s;
        if due_in_s > 0.0 {
            return Some(std::time::Duration::from_secs_f64(due_in_s));
        }
        self.write(doc, now_s);
        Some(std::time::Duration::from_secs_f64(AUTOSAVE_INTERVAL_S))
    }

    fn write(&mut self, doc: &Document, now_s: f64) {
        if self.writing.as_ref().is_some_and(|w| !w.is_finished()) {
            return;
        }
        self.last_write_s = now_s;
        let path = recovery::recovery_path(doc.path(), &self.data_dir);
        if self.written == Some((path.clone(), doc.version())) {
            return;
        }
        self.written = Some((path.clone(), doc.version()));
        let network = doc.network().clone();
        self.writing = Some(std::thread::spawn(move || {
            // A copy that cannot be written is retried next minute; the document is untouched.
            let _ = recovery::write(&path, &network);
        }));
    }

    /// Removes the recovery copy of `doc` (its edits were saved or discarded).
    pub fn forget(&mut self, doc: &Document) {
        self.wait();
        recovery::remove(&recovery::recovery_path(doc.path(), &self.data_dir));
        self.written = None;
    }

    /// Removes the last copy written, wherever it went (the document was saved, maybe under a
    /// new name).
    fn forget_all(&mut self) {
        self.wait();
        if let Some((path, _)) = self.written.take() {
            recovery::remove(&path);
        }
    }

    fn wait(&mut self) {
        if let Some(writing) = self.writing.take() {
            let _ = writing.join();
        }
    }

    /// Offers the recovery copy of a network file opened, if a newer one exists.
    pub fn offer_recovery(&self, file: &Path, prompt: &mut Option<Prompt>) {
        if let Some(found) = recovery::find_for(file, &self.data_dir) {
            *prompt = Some(Prompt::Recover(found));
        }
    }

    /// At start: offers the newest copy of a network that was never saved, if one was left.
    pub fn offer_untitled_recovery(&self, prompt: &mut Option<Prompt>) {
        if let Some(found) = recovery::find_untitled(&self.data_dir).into_iter().next() {
            *prompt = Some(Prompt::Recover(found));
        }
    }
}
