//! What the window works on, with no egui in it: the document being edited and the run built
//! from it. The run is rebuilt when the user runs a network that changed since; the recording
//! it replaces stays saveable.

use std::path::{Path, PathBuf};

use super::history::History;
use super::session::Session;
use crate::edit::Document;
use crate::io::LoadError;
use crate::model::ValidationReport;

/// ANM6-Easy, built into the binary so the app opens on it from any folder.
pub const DEFAULT_NETWORK: &str = crate::library::NETWORKS[0].1;

/// The document and the session that runs it.
pub struct Project {
    pub document: Document,
    session: Option<Session>,
    /// The document state the session was built from.
    session_state: Option<u64>,
    /// A recording set aside when edits made the run start over.
    pub previous_episode: Option<History>,
    /// Where live runs are recorded (none: in memory only).
    recordings: Option<PathBuf>,
}

/// Why the network cannot run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunRefused {
    /// Validation found problems (listed in Edit mode's validation tab).
    Invalid(ValidationReport),
    /// The environment could not be built (a CSV series that cannot be read, say).
    Failed(String),
}

impl std::fmt::Display for RunRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunRefused::Invalid(report) => match report.problems.as_slice() {
                [one] => write!(f, "The network cannot run: {one}"),
                many => write!(
                    f,
                    "The network cannot run: {} problems (see Validation)",
                    many.len()
                ),
            },
            RunRefused::Failed(message) => write!(f, "The network cannot run: {message}"),
        }
    }
}

/// What switching to Run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStart {
    /// The session already runs the document as it is.
    Continued,
    /// A new episode starts on the edited network.
    NewEpisode,
}

impl Project {
    /// A project on a document, with no run yet.
    pub fn new(document: Document) -> Self {
        Project {
            document,
            session: None,
            session_state: None,
            previous_episode: None,
            recordings: Some(super::recordings::default_dir()),
        }
    }

    /// The built-in network.
    pub fn built_in() -> Result<Self, String> {
        let network = crate::io::network_from_ron(DEFAULT_NETWORK)
            .map_err(|e| format!("built-in network: {e}"))?;
        Ok(Project::new(Document::built_in(network)))
    }

    /// Opens a network (`.ron`, `.m`) or a recorded episode (replayed, its network editable).
    pub fn open(path: &Path) -> Result<Self, String> {
        if path.extension().is_some_and(|e| e == "episode") {
            let (history, cut_short) = History::open(path)?;
            let mut project = Project::replay(history, path)?;
            if let (Some(why), Some(session)) = (cut_short, project.session_mut()) {
                session.log.push(format!("{}: {why}", path.display()));
            }
            return Ok(project);
        }
        let document = Document::open(path).map_err(|e: LoadError| e.to_string())?;
        Ok(Project::new(document))
    }

    /// A recorded episode, replayed; editing its network starts a new run.
    pub fn replay(history: History, path: &Path) -> Result<Self, String> {
        let document = Document::recording(history.network().clone(), path);
        let session = Session::replay(history).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut project = Project::new(document);
        project.session_state = Some(project.document.state());
        project.session = Some(session);
        // A replay taken over goes on live, recorded like any run.
        project.record_to(project.recordings.clone());
        Ok(project)
    }

    /// Where live runs are recorded.
    pub fn recordings(&self) -> Option<&Path> {
        self.recordings.as_deref()
    }

    /// Records live runs in `dir` from now on (none: keeps them in memory).
    pub fn record_to(&mut self, dir: Option<PathBuf>) {
        if let Some(session) = &mut self.session {
            session.record_to(dir.clone());
        }
        self.recordings = dir;
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    pub fn session_mut(&mut self) -> Option<&mut Session> {
        self.session.as_mut()
    }

    /// Whether the session runs the document as it is now.
    pub fn session_is_current(&self) -> bool {
        self.session.is_some() && self.session_state == Some(self.document.state())
    }

    /// Makes the session run the document as it is: keeps it when nothing changed, else
    /// validates the network and starts a new episode on it (setting the old recording aside).
    pub fn prepare_run(&mut self) -> Result<RunStart, RunRefused> {
        if self.session_is_current() {
            return Ok(RunStart::Continued);
        }
        let network = self.document.network().clone().runnable();
        let report = network.validate();
        if !report.is_ok() {
            return Err(RunRefused::Invalid(report));
        }
        let mut session =
            Session::new(network, self.document.base_dir()).map_err(RunRefused::Failed)?;
        session.record_to(self.recordings.clone());
        if let Some(old) = self.session.replace(session)
            && old.history.len() > 1
        {
            self.previous_episode = Some(old.history);
        }
        self.session_state = Some(self.document.state());
        Ok(RunStart::NewEpisode)
    }
}
