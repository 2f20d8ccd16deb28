//! Where the app records its live runs: `recordings/` in GridPilot's data folder. A run is
//! written there step by step from its first step, so the window's memory stays flat and a
//! crash keeps the episode (it opens like any episode file). The newest recordings are kept,
//! up to a count and a total size; older ones are removed when a new one begins.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::io::{EpisodeWriter, Frame};
use crate::sim::episode::{EpisodeHeader, StepRecord};

/// Recordings kept at most.
const KEEP_FILES: usize = 20;
/// Total size of the recordings kept at most (the newest is kept whatever its size).
const KEEP_BYTES: u64 = 2 << 30;

/// The folder for recordings in GridPilot's data folder.
pub fn default_dir() -> PathBuf {
    crate::edit::recovery::data_dir().join("recordings")
}

/// A new recording's path in `dir`: `YYYYMMDD-HHMMSS-NETWORK-PID-N.episode` (UTC), unique
/// within the process by `n` and across processes by the process id.
pub fn new_path(dir: &Path, network: &str, n: u64) -> PathBuf {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let name: String = network
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let pid = std::process::id();
    dir.join(format!("{}-{name}-{pid}-{n}.episode", utc_stamp(secs)))
}

/// Removes the oldest recordings in `dir` beyond the count and size kept, never `current`.
/// A recording still open elsewhere stays readable through its handle where the system allows
/// removing open files, and is skipped where it does not.
pub fn prune(dir: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut found: Vec<(SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "episode"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((meta.modified().ok()?, meta.len(), e.path()))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    let mut total = 0;
    let mut kept = 0;
    for (_, size, path) in found {
        if path == current {
            continue;
        }
        total += size;
        kept += 1;
        if kept >= KEEP_FILES || total > KEEP_BYTES {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Writes the episode under way to a recording, from its first step (an app opened and
/// closed without playing leaves no file behind).
#[derive(Default)]
pub struct Recorder {
    /// Where recordings go; none: runs are kept in memory only.
    dir: Option<PathBuf>,
    /// Recordings begun by this process.
    count: u64,
    /// What the next step's recording begins with.
    pending: Option<Pending>,
    writer: Option<EpisodeWriter>,
}

/// How a recording begins at its first step.
enum Pending {
    /// A new episode: its header and step 0.
    Start(Box<(EpisodeHeader, StepRecord)>),
    /// A run branching off an episode file: a copy of its first `steps` steps (up to byte
    /// `end`) comes first.
    Branch {
        source: PathBuf,
        end: u64,
        steps: u64,
        network: String,
    },
}

/// What recording one step did, for the window's history.
#[derive(Debug, Default)]
pub struct Written {
    /// The recording this step began.
    pub began: Option<PathBuf>,
    /// Steps now on disk, and where.
    pub frames: Vec<(usize, Frame)>,
    /// Why the episode is not (or no longer) recorded.
    pub warning: Option<String>,
}

impl Recorder {
    pub fn set_dir(&mut self, dir: Option<PathBuf>) {
        self.dir = dir;
    }

    /// A new episode: the one before is finished, this one is recorded from its first step.
    pub fn start(&mut self, header: &EpisodeHeader, first: &StepRecord) {
        self.finish();
        self.pending = Some(Pending::Start(Box::new((header.clone(), first.clone()))));
    }

    /// A run that goes on from step `steps - 1` of the episode file `source` (whose steps up
    /// to there end at byte `end`): its recording will begin with a copy of them. Without a
    /// source the run is kept in memory only. The recording under way is handed back, flushed,
    /// not finished (the run it belongs to may be taken up again).
    pub fn branch(
        &mut self,
        source: Option<(PathBuf, u64)>,
        steps: usize,
        network: &str,
    ) -> Option<EpisodeWriter> {
        let parked = self.park();
        self.pending = source.map(|(source, end)| Pending::Branch {
            source,
            end,
            steps: steps as u64,
            network: network.to_string(),
        });
        parked
    }

    /// Hands back the recording under way, flushed, and records nothing until told.
    pub fn park(&mut self) -> Option<EpisodeWriter> {
        self.pending = None;
        let mut writer = self.writer.take()?;
        match writer.flush() {
            Ok(()) => Some(writer),
            Err(_) => None,
        }
    }

    /// Takes up a recording handed back by [`Recorder::park`] (finishing the one under way).
    pub fn resume(&mut self, writer: Option<EpisodeWriter>) {
        self.finish();
        self.pending = None;
        self.writer = writer;
    }

    /// Records a step (beginning the recording at the episode's first step). A recording that
    /// cannot be written stops with a warning; the run goes on in memory.
    pub fn record(&mut self, step: &StepRecord) -> Written {
        let mut written = Written::default();
        if let (Some(pending), Some(dir)) = (self.pending.take(), self.dir.clone()) {
            match self.begin(&dir, pending) {
                Ok((writer, frames)) => {
                    written.began = Some(writer.path().to_path_buf());
                    written.frames = frames;
                    self.writer = Some(writer);
                }
                Err(e) => {
                    written.warning = Some(format!(
                        "cannot record the episode in {}: {e}; it is kept in memory",
                        dir.display()
                    ));
                }
            }
        }
        if let Some(writer) = &mut self.writer {
            let frame = writer.write(step).and_then(|f| writer.flush().map(|()| f));
            match frame {
                Ok(frame) => written.frames.push((step.step, frame)),
                Err(e) => {
                    written.warning = Some(format!(
                        "{}: cannot record the episode: {e}; the rest of it is kept in memory",
                        writer.path().display()
                    ));
                    self.writer = None;
                }
            }
        }
        written
    }

    /// Creates the recording's file and writes what comes before the step; returns the writer
    /// and the steps it wrote.
    fn begin(
        &mut self,
        dir: &Path,
        pending: Pending,
    ) -> std::io::Result<(EpisodeWriter, Vec<(usize, Frame)>)> {
        std::fs::create_dir_all(dir)?;
        self.count += 1;
        let (writer, frames) = match pending {
            Pending::Start(start) => {
                let (header, first) = *start;
                let path = new_path(dir, &header.network.name, self.count);
                let mut writer = EpisodeWriter::create(&path, &header)?;
                let frame = writer.write(&first)?;
                (writer, vec![(first.step, frame)])
            }
            Pending::Branch {
                source,
                end,
                steps,
                network,
            } => {
                let path = new_path(dir, &network, self.count);
                let writer = EpisodeWriter::continue_from(&source, end, steps, &path)?;
                (writer, Vec::new())
            }
        };
        prune(dir, writer.path());
        Ok((writer, frames))
    }

    /// Ends the recording under way with its end mark.
    pub fn finish(&mut self) {
        if let Some(writer) = self.writer.take() {
            let _ = writer.finish();
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.finish();
    }
}

/// `YYYYMMDD-HHMMSS` for seconds since 1970 (UTC).
fn utc_stamp(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The calendar date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_as_calendar_dates() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        // 2024-02-29 12:34:56 UTC, a leap day.
        assert_eq!(utc_stamp(1_709_210_096), "20240229-123456");
        // 2026-12-31 23:59:59 UTC.
        assert_eq!(utc_stamp(1_798_761_599), "20261231-235959");
    }

    #[test]
    fn pruning_keeps_the_newest_and_the_current() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..KEEP_FILES + 5)
            .map(|i| dir.path().join(format!("{i:02}.episode")))
            .collect();
        for (i, p) in paths.iter().enumerate() {
            std::fs::write(p, b"x").unwrap();
            let time = UNIX_EPOCH + std::time::Duration::from_secs(1_000 + i as u64);
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(time)
                .unwrap();
        }
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, b"keep me").unwrap();
        // The oldest is the one being written: it stays.
        prune(dir.path(), &paths[0]);
        assert!(paths[0].exists());
        let kept = paths[1..].iter().filter(|p| p.exists()).count();
        assert_eq!(kept, KEEP_FILES - 1);
        assert!(paths.last().unwrap().exists(), "the newest is kept");
        assert!(!paths[1].exists(), "the oldest goes");
        assert!(other.exists(), "only recordings are touched");
    }
}
