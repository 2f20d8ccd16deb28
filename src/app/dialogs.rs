//! File dialogs behind a trait, so tests never open one and can hand the app a path instead.
//!
//! The desktop's dialog comes through the XDG portal; where there is none (a bare X session, a
//! window manager without a portal) it cannot open, and the app then shows a dialog of its own
//! ([`super::path_dialog`]) instead of doing nothing.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What a file dialog answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Chosen(PathBuf),
    Cancelled,
    /// The dialog could not be shown, and why.
    Unavailable(String),
}

/// Asks the user for files.
pub trait FileDialog {
    /// A file to open, of one of these extensions.
    fn open(&mut self, title: &str, extensions: &[&str]) -> Answer;
    /// A file to write, suggested name given.
    fn save(&mut self, title: &str, suggested: &str, extensions: &[&str]) -> Answer;
}

/// A dialog that answers sooner than this did not open: nobody cancels that fast.
const FASTEST_CANCEL: Duration = Duration::from_millis(250);

/// The desktop's own dialogs (through the XDG portal on Linux).
#[derive(Default)]
pub struct NativeDialogs {
    /// Set once the desktop's dialog failed to appear: it is not tried again.
    unavailable: Option<String>,
}

impl NativeDialogs {
    fn ask(&mut self, dialog: impl FnOnce() -> Option<PathBuf>) -> Answer {
        if let Some(why) = &self.unavailable {
            return Answer::Unavailable(why.clone());
        }
        let asked = Instant::now();
        match dialog() {
            Some(path) => Answer::Chosen(path),
            None if asked.elapsed() < FASTEST_CANCEL => {
                let why = "the desktop's file dialog did not open (is an XDG desktop portal running?); using GridPilot's own".to_string();
                self.unavailable = Some(why.clone());
                Answer::Unavailable(why)
            }
            None => Answer::Cancelled,
        }
    }
}

impl FileDialog for NativeDialogs {
    fn open(&mut self, title: &str, extensions: &[&str]) -> Answer {
        self.ask(|| {
            rfd::FileDialog::new()
                .set_title(title)
                .add_filter(extensions.join(", "), extensions)
                .pick_file()
        })
    }

    fn save(&mut self, title: &str, suggested: &str, extensions: &[&str]) -> Answer {
        self.ask(|| {
            rfd::FileDialog::new()
                .set_title(title)
                .set_file_name(suggested)
                .add_filter(extensions.join(", "), extensions)
                .save_file()
        })
    }
}

/// Answers every dialog from a queue of paths (cancelling once it is empty), or reports that
/// no dialog can open: for tests and scripted runs.
#[derive(Default)]
pub struct ScriptedDialogs {
    pub answers: std::collections::VecDeque<PathBuf>,
    pub unavailable: bool,
}

impl ScriptedDialogs {
    pub fn answering(answers: impl IntoIterator<Item = PathBuf>) -> Self {
        ScriptedDialogs {
            answers: answers.into_iter().collect(),
            unavailable: false,
        }
    }

    fn answer(&mut self) -> Answer {
        if self.unavailable {
            return Answer::Unavailable("no file dialog in this test".to_string());
        }
        self.answers
            .pop_front()
            .map_or(Answer::Cancelled, Answer::Chosen)
    }
}

impl FileDialog for ScriptedDialogs {
    fn open(&mut self, _title: &str, _extensions: &[&str]) -> Answer {
        self.answer()
    }

    fn save(&mut self, _title: &str, _suggested: &str, _extensions: &[&str]) -> Answer {
        self.answer()
    }
}
