//! Saving without ever hurting a file: the data goes to a temporary file beside the real
//! target (a symlink is followed to it), is flushed to disk, takes the original's permissions
//! and is renamed over the target, and the folder is flushed too. Anything that is not a
//! regular file (a device, a folder) is never replaced.

use std::fs::{File, Metadata};
use std::io::{Error, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Temporary files are named `.NAME.gridpilot-tmp-PID`.
const TMP_MARK: &str = ".gridpilot-tmp-";

/// Writes `contents` to `path` without ever leaving a half-written file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |file| file.write_all(contents))
}

/// Like [`write_atomic`], with the contents written by `fill` (so a large file is streamed,
/// not held in memory).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let target = writable_target(path)?;
    let original = std::fs::metadata(&target).ok();
    let (dir, name) = split(&target)?;
    remove_stale_temporaries(dir, name);
    let tmp = dir.join(format!(".{name}{TMP_MARK}{}", std::process::id()));
    let result = write_and_rename(&tmp, &target, fill, original.as_ref());
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    sync_folder(dir);
    Ok(())
}

/// The file a save to `path` replaces: `path` itself, or where its symlinks lead. Refuses
/// anything that exists but is not a regular file.
pub fn writable_target(path: &Path) -> std::io::Result<PathBuf> {
    let target = follow_links(path)?;
    match std::fs::metadata(&target) {
        Ok(meta) if !meta.is_file() => Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "{} is not a regular file: refusing to replace it",
                target.display()
            ),
        )),
        _ => Ok(target),
    }
}

/// Follows symlinks (even dangling ones, so a save creates the file the link points at).
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!("{}: too many levels of symbolic links", path.display()),
    ))
}

fn split(target: &Path) -> std::io::Result<(&Path, &str)> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "no file name"))?;
    Ok((dir, name))
}

fn write_and_rename(
    tmp: &Path,
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    original: Option<&Metadata>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(File::create(tmp)?);
    fill(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    if let Some(original) = original {
        file.set_permissions(original.permissions())?;
        keep_owner(&file, original);
    }
    file.sync_all()?;
    drop(file);
    std::fs::rename(tmp, target)
}

/// Gives the new file the original's owner and group, as far as this process may (anyone may
/// keep their own; a group needs membership).
#[cfg(unix)]
fn keep_owner(file: &File, original: &Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _original: &Metadata) {}

/// Makes the rename itself durable. Not every platform can open a folder to flush it; the data
/// is safe either way, only the name might be lost to a power cut.
fn sync_folder(dir: &Path) {
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// Removes temporaries of `name` left by GridPilot processes that are gone (killed while
/// saving).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}{TMP_MARK}");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if pid.parse::<u32>().is_ok_and(|pid| !process_alive(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id runs (on Linux; elsewhere only this process counts).
fn process_alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
}
