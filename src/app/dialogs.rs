//! File dialogs behind a trait, so tests never open one and can hand the app a path instead.

use std::path::PathBuf;

/// Asks the user for files.
pub trait FileDialog {
    /// A file to open, of one of these extensions; `None` when cancelled.
    fn open(&mut self, title: &str, extensions: &[&str]) -> Option<PathBuf>;
    /// A file to write, suggested name given; `None` when cancelled.
    fn save(&mut self, title: &str, suggested: &str, extensions: &[&str]) -> Option<PathBuf>;
}

/// The desktop's own dialogs (through the XDG portal on Linux).
#[derive(Default)]
pub struct NativeDialogs;

impl FileDialog for NativeDialogs {
    fn open(&mut self, title: &str, extensions: &[&str]) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter(extensions.join(", "), extensions)
            .pick_file()
    }

    fn save(&mut self, title: &str, suggested: &str, extensions: &[&str]) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(title)
            .set_file_name(suggested)
            .add_filter(extensions.join(", "), extensions)
            .save_file()
    }
}

/// Answers every dialog from a queue of paths: for tests and scripted runs.
#[derive(Default)]
pub struct ScriptedDialogs {
    pub answers: std::collections::VecDeque<PathBuf>,
}

impl FileDialog for ScriptedDialogs {
    fn open(&mut self, _title: &str, _extensions: &[&str]) -> Option<PathBuf> {
        self.answers.pop_front()
    }

    fn save(&mut self, _title: &str, _suggested: &str, _extensions: &[&str]) -> Option<PathBuf> {
        self.answers.pop_front()
    }
}
