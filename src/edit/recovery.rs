//! Crash recovery: while a network has unsaved edits, a copy is written now and then to a
//! recovery file, beside the network's file or, for a network never saved, in GridPilot's data
//! folder. After a crash the app finds it and offers it back; a clean save removes it.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::io::{network_to_ron, write_atomic};
use crate::model::Network;

/// The folder for GridPilot's own files: `$GRIDPILOT_DATA_DIR`, else `$XDG_DATA_HOME/gridpilot`,
/// else `~/.local/share/gridpilot`.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GRIDPILOT_DATA_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("gridpilot");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local/share/gridpilot")
}

/// Where the recovery copy of a document goes: `.NAME.recovery.ron` beside its file, or
/// `recovery/untitled-PID.ron` in the data folder for a network with no file.
pub fn recovery_path(file: Option<&Path>, data_dir: &Path) -> PathBuf {
    match file.and_then(|f| Some((f.parent()?, f.file_name()?))) {
        Some((dir, name)) => {
            let mut hidden = std::ffi::OsString::from(".");
            hidden.push(name);
            hidden.push(".recovery.ron");
            dir.join(hidden)
        }
        None => untitled_dir(data_dir).join(format!("untitled-{}.ron", std::process::id())),
    }
}

/// The network file a recovery copy beside it belongs to (`None` for a network never saved).
pub fn original_of(recovery: &Path) -> Option<PathBuf> {
    let name = recovery.file_name()?.to_str()?;
    let original = name.strip_prefix('.')?.strip_suffix(".recovery.ron")?;
    Some(recovery.with_file_name(original))
}

fn untitled_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("recovery")
}

/// Writes the recovery copy (atomically, so a crash while writing keeps the previous copy).
pub fn write(path: &Path, network: &Network) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = network_to_ron(network);
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

/// Removes a recovery copy; a missing one is fine.
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// A recovery copy left behind: where it is and when it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: PathBuf,
    pub modified: SystemTime,
}

/// The recovery copy of `file`, if one exists that is newer than the file itself.
pub fn find_for(file: &Path, data_dir: &Path) -> Option<Found> {
    let path = recovery_path(Some(file), data_dir);
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    let file_modified = std::fs::metadata(file).and_then(|m| m.modified()).ok();
    file_modified
        .is_none_or(|f| modified > f)
        .then_some(Found { path, modified })
}

/// Recovery copies of networks that were never saved, newest first, except this process's own.
pub fn find_untitled(data_dir: &Path) -> Vec<Found> {
    let own = recovery_path(None, data_dir);
    let Ok(entries) = std::fs::read_dir(untitled_dir(data_dir)) else {
        return Vec::new();
    };
    let mut found: Vec<Found> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron") && *p != own)
        .filter_map(|path| {
            let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
            Some(Found { path, modified })
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.modified));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_files_sit_beside_the_network_or_in_the_data_folder() {
        let data = Path::new("/data");
        assert_eq!(
            recovery_path(Some(Path::new("/nets/feeder.ron")), data),
            Path::new("/nets/.feeder.ron.recovery.ron")
        );
        let untitled = recovery_path(None, data);
        assert!(
            untitled.starts_with("/data/recovery"),
            "{}",
            untitled.display()
        );
    }
}
