//! Editing networks, with no window: the [`Document`] being edited, the [`Edit`]s that change it
//! (each returning the edit that undoes it), the history that walks them back and forth, and
//! what the editor's gestures become (new elements, deletes with what hangs off a bus, copy and
//! paste, crash recovery).
//!
//! Everything refers to elements by name ([`crate::model::ElementRef`]), never by a position
//! in a list, so selections and history stay right while elements come and go.

pub mod build;
mod clipboard;
mod command;
mod document;
mod history;
pub mod recovery;
mod selection;

pub use build::DeviceKind;
pub use clipboard::Fragment;
pub use command::{Edit, EditError, Names, Placed};
pub use document::Document;
pub use history::History;
pub use selection::Selection;
