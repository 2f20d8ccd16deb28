//! The network being edited: the network itself, where it is saved, its history and whether
//! it has changed since. It may be half built or invalid; validation says what stops it from
//! running, and a run is built from it when the user asks.

use std::path::{Path, PathBuf};

use super::command::{Edit, EditError};
use super::history::History;
use crate::io::{LoadError, load_network, save_network};
use crate::model::Network;

/// A network open for editing.
#[derive(Debug, Clone)]
pub struct Document {
    network: Network,
    /// Where Save writes: a GridPilot network file. `None` for a new network or an imported
    /// case, which Save asks a name for.
    path: Option<PathBuf>,
    /// The file the network was read from when it is not `path` (an imported MATPOWER case).
    imported_from: Option<PathBuf>,
    history: History,
    /// The history state that matches the file on disk.
    saved_state: u64,
}

impl Document {
    /// An empty network, not yet saved anywhere.
    pub fn new_network(name: &str) -> Self {
        Document::from_network(Network::new(name, 100.0), None)
    }

    /// A network already in memory; `path` is the GridPilot file it matches, if any.
    pub fn from_network(network: Network, path: Option<PathBuf>) -> Self {
        Document {
            network,
            path,
            imported_from: None,
            history: History::default(),
            saved_state: 0,
        }
    }

    /// Opens a network file (`.ron`), or imports a MATPOWER case (`.m`) as a new network.
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let network = load_network(path)?;
        let is_gridpilot_file = path.extension().is_some_and(|e| e == "ron");
        let mut doc = Document::from_network(network, None);
        if is_gridpilot_file {
            doc.path = Some(path.to_path_buf());
        } else {
            doc.imported_from = Some(path.to_path_buf());
        }
        Ok(doc)
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Where CSV series named by the network are found: beside its file.
    pub fn base_dir(&self) -> &Path {
        self.path
            .as_deref()
            .or(self.imported_from.as_deref())
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

    /// Whether the network differs from its file (a network never saved counts as changed once
    /// edited).
    pub fn is_dirty(&self) -> bool {
        self.state() != self.saved_state
    }

    /// The file name shown in the title: `case14.ron`, `case14.m (imported)` or `untitled`.
    pub fn file_label(&self) -> String {
        let name = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        match (&self.path, &self.imported_from) {
            (Some(p), _) => name(p),
            (None, Some(p)) => format!("{} (imported)", name(p)),
            (None, None) => "untitled".to_string(),
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
        self.imported_from = None;
        self.saved_state = self.state();
        Ok(path)
    }
}
