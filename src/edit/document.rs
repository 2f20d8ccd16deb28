//! The network being edited: the network itself, where it is saved, its history and whether
//! it has changed since. It may be half built or invalid; validation says what stops it from
//! running, and a run is built from it when the user asks.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::command::{Edit, EditError};
use super::history::History;
use crate::io::{LoadError, lacks_diagram, load_network, save_network};
use crate::layout::{Cancelled, lay_out_network};
use crate::model::Network;

/// Where a document's network came from, for the title bar and for finding the files it names.
#[derive(Debug, Clone, PartialEq)]
enum Origin {
    /// Created in the editor.
    New,
    /// A GridPilot network file (the document's `path`).
    File,
    /// Imported from a MATPOWER case or a pandapower network.
    Imported(PathBuf),
    /// Built into GridPilot.
    BuiltIn,
    /// The network of a recorded episode.
    Recording(PathBuf),
}

/// A network open for editing.
#[derive(Debug, Clone)]
pub struct Document {
    /// Tells documents apart (two new documents both start in state 0).
    id: u64,
    network: Network,
    /// Where Save writes: a GridPilot network file. `None` for a network that came from
    /// anywhere else, which Save asks a name for.
    path: Option<PathBuf>,
    origin: Origin,
    history: History,
    /// The history state that matches the file on disk.
    saved_state: u64,
}

impl Document {
    /// An empty network, not yet saved anywhere.
    pub fn new_network(name: &str) -> Self {
        Document::with_origin(Network::new(name, 100.0), Origin::New)
    }

    /// A network already in memory; `path` is the GridPilot file it matches, if any.
    pub fn from_network(network: Network, path: Option<PathBuf>) -> Self {
        let origin = if path.is_some() {
            Origin::File
        } else {
            Origin::New
        };
        Document {
            path,
            ..Document::with_origin(network, origin)
        }
    }

    /// The network GridPilot is built with.
    pub fn built_in(network: Network) -> Self {
        Document::with_origin(network, Origin::BuiltIn)
    }

    /// The network of the episode recorded in `episode_file`.
    pub fn recording(network: Network, episode_file: &Path) -> Self {
        Document::with_origin(network, Origin::Recording(episode_file.to_path_buf()))
    }

    /// Unsaved edits recovered after a crash: of the network file `file` when they were one's.
    /// The document counts as changed until saved.
    pub fn recovered(network: Network, file: Option<PathBuf>) -> Self {
        let mut doc = Document::from_network(network, file);
        doc.saved_state = u64::MAX;
        doc
    }

    fn with_origin(network: Network, origin: Origin) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Document {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            network,
            path: None,
            origin,
            history: History::default(),
            saved_state: 0,
        }
    }

    /// Opens a network file (`.ron`), or imports a MATPOWER case (`.m`) or a pandapower
    /// network (`.json`) as a new network, laid out if the file gives it no diagram.
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        match Document::open_laying_out(path, &|_| {}, &AtomicBool::new(false)) {
            Ok(Ok(document)) => Ok(document),
            Ok(Err(Cancelled)) => unreachable!("nothing cancels this layout"),
            Err(e) => Err(e),
        }
    }

    /// `open`, with the layout's progress reported and a way to cancel it (the whole opening).
    pub fn open_laying_out(
        path: &Path,
        progress: &dyn Fn(f64),
        cancel: &AtomicBool,
    ) -> Result<Result<Self, Cancelled>, LoadError> {
        let mut network = load_network(path)?;
        if path.extension().is_some_and(|e| e == "ron") {
            return Ok(Ok(Document::from_network(
                network,
                Some(path.to_path_buf()),
            )));
        }
        if lacks_diagram(path, &network)
            && let Err(cancelled) = lay_out_network(&mut network, None, progress, cancel)
        {
            return Ok(Err(cancelled));
        }
        Ok(Ok(Document::with_origin(
            network,
            Origin::Imported(path.to_path_buf()),
        )))
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Where CSV series named by the network are found: beside its file.
    pub fn base_dir(&self) -> &Path {
        let source = match &self.origin {
            Origin::Imported(p) | Origin::Recording(p) => Some(p.as_path()),
            _ => self.path.as_deref(),
        };
        source
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }

    /// Applies an edit as a new step of the history.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        self.history.apply(&mut self.network, edit, None)
    }

    /// Applies an edit that joins the previous one while `key` stays the same (a slider being
    /// dragged, a value being typed): undo then takes them back together.
    pub fn apply_merging(&mut self, edit: Edit, key: &str) -> Result<(), EditError> {
        self.history
            .apply(&mut self.network, edit, Some(key.to_string()))
    }

    /// Ends the current run of merged edits.
    pub fn seal(&mut self) {
        self.history.seal();
    }

    /// Undoes the last edit; returns what it was.
    pub fn undo(&mut self) -> Result<Option<String>, EditError> {
        self.history.undo(&mut self.network)
    }

    /// Redoes the last undone edit; returns what it was.
    pub fn redo(&mut self) -> Result<Option<String>, EditError> {
        self.history.redo(&mut self.network)
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.history.undo_label()
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.history.redo_label()
    }

    /// Identifies the network's current content within this document's history: equal states
    /// mean an equal network.
    pub fn state(&self) -> u64 {
        self.history.state()
    }

    /// Identifies the network's current content across documents: what caches of anything
    /// computed from the network are keyed by.
    pub fn version(&self) -> (u64, u64) {
        (self.id, self.state())
    }

    /// Whether the network differs from its file (a network never saved counts as changed once
    /// edited).
    pub fn is_dirty(&self) -> bool {
        self.state() != self.saved_state
    }

    /// Where the network is from, for the title: `case14.ron`, `case14.m (imported)`,
    /// `built-in`, `run.episode (recording)` or `untitled`.
    pub fn file_label(&self) -> String {
        let name = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        match (&self.path, &self.origin) {
            (Some(p), _) => name(p),
            (None, Origin::Imported(p)) => format!("{} (imported)", name(p)),
            (None, Origin::Recording(p)) => format!("{} (recording)", name(p)),
            (None, Origin::BuiltIn) => "built-in".to_string(),
            (None, Origin::New | Origin::File) => "untitled".to_string(),
        }
    }

    /// Saves to the document's file. `Ok(None)` when it has none yet (ask for one and call
    /// [`Document::save_as`]).
    pub fn save(&mut self) -> std::io::Result<Option<PathBuf>> {
        let Some(path) = self.path.clone() else {
            return Ok(None);
        };
        self.save_as(&path).map(Some)
    }

    /// Saves to `path` (given `.ron` when it has no extension) and makes it the document's file.
    pub fn save_as(&mut self, path: &Path) -> std::io::Result<PathBuf> {
        let path = if path.extension().is_none() {
            path.with_extension("ron")
        } else {
            path.to_path_buf()
        };
        save_network(&self.network, &path)?;
        self.path = Some(path.clone());
        self.origin = Origin::File;
        self.saved_state = self.state();
        Ok(path)
    }
}
