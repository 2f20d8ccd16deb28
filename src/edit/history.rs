//! Undo and redo: the edits applied so far, each with the edit that undoes it.

use super::command::{Edit, EditError};
use crate::model::Network;

/// How many edits are kept; the oldest are forgotten past this.
const MAX_ENTRIES: usize = 1_000;

/// One applied edit.
#[derive(Debug, Clone)]
struct Entry {
    label: String,
    /// Identifies the state the network is in after this edit.
    state: u64,
    /// The edit that undoes it while it is applied, and redoes it once undone.
    pending: Edit,
    /// Consecutive edits with the same key (dragging one slider) become one entry.
    merge_key: Option<String>,
}

/// The edits behind a document, and where it stands among them.
#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<Entry>,
    /// How many entries are applied (the rest can be redone).
    applied: usize,
    /// The state the network was in before the oldest kept entry.
    base_state: u64,
    last_state: u64,
    /// Whether the newest entry still takes merges.
    open: bool,
}

impl History {
    /// Applies `edit` to `net` and records it. With a `merge_key` equal to the newest entry's
    /// (and no undo, redo or [`History::seal`] since), it joins that entry instead: the edit
    /// must then set the same values absolutely (a bus position, a device's parameters), so
    /// redoing it alone from the entry's starting state gives the same network.
    pub fn apply(
        &mut self,
        net: &mut Network,
        edit: Edit,
        merge_key: Option<String>,
    ) -> Result<(), EditError> {
        let label = edit.label();
        let undo = edit.apply(net)?;
        self.last_state += 1;
        let state = self.last_state;
        let merges = self.open
            && merge_key.is_some()
            && self.applied == self.entries.len()
            && self
                .entries
                .last()
                .is_some_and(|e| e.merge_key == merge_key);
        if merges && let Some(top) = self.entries.last_mut() {
            // The entry keeps its undo, which restores the state before the first merged edit.
            top.label = label;
            top.state = state;
            return Ok(());
        }
        self.entries.truncate(self.applied);
        self.entries.push(Entry {
            label,
            state,
            pending: undo,
            merge_key,
        });
        if self.entries.len() > MAX_ENTRIES {
            let forgotten = self.entries.remove(0);
            self.base_state = forgotten.state;
        }
        self.applied = self.entries.len();
        self.open = true;
        Ok(())
    }

    /// Ends merging: the next edit starts a new entry.
    pub fn seal(&mut self) {
        self.open = false;
    }

    /// Undoes the newest applied edit; returns its label.
    pub fn undo(&mut self, net: &mut Network) -> Result<Option<String>, EditError> {
        let Some(i) = self.applied.checked_sub(1) else {
            return Ok(None);
        };
        self.flip(net, i)?;
        self.applied = i;
        Ok(Some(self.entries[i].label.clone()))
    }

    /// Redoes the next undone edit; returns its label.
    pub fn redo(&mut self, net: &mut Network) -> Result<Option<String>, EditError> {
        let i = self.applied;
        if i >= self.entries.len() {
            return Ok(None);
        }
        self.flip(net, i)?;
        self.applied = i + 1;
        Ok(Some(self.entries[i].label.clone()))
    }

    /// Applies entry `i`'s pending edit and keeps the edit that reverses it. Inverses always
    /// apply to the state they were made in; should one fail, the entries from `i` on are
    /// dropped rather than left pointing at a state that no longer exists.
    fn flip(&mut self, net: &mut Network, i: usize) -> Result<(), EditError> {
        self.open = false;
        let placeholder = Edit::Group {
            label: String::new(),
            edits: Vec::new(),
        };
        let pending = std::mem::replace(&mut self.entries[i].pending, placeholder);
        match pending.apply(net) {
            Ok(reverse) => {
                self.entries[i].pending = reverse;
                Ok(())
            }
            Err(e) => {
                self.entries.truncate(i);
                self.applied = self.applied.min(i);
                Err(e)
            }
        }
    }

    pub fn undo_label(&self) -> Option<&str> {
        let i = self.applied.checked_sub(1)?;
        Some(&self.entries[i].label)
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.entries.get(self.applied).map(|e| e.label.as_str())
    }

    /// Identifies the network's current state: the same number whenever undo and redo bring it
    /// back to the same point of the history.
    pub fn state(&self) -> u64 {
        match self.applied.checked_sub(1) {
            Some(i) => self.entries[i].state,
            None => self.base_state,
        }
    }
}
