//! Layouts on a thread of their own, with progress and Cancel in the top bar: Edit → Automatic
//! layout, which lands as one edit that one Undo takes back, and opening a case that comes
//! without a diagram (a MATPOWER case, a pandapower network without geodata), which the
//! window shows once it is laid out.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::GridPilotApp;
use super::command::Command;
use super::project::Project;
use crate::edit::{Document, Edit};
use crate::io::LoadError;
use crate::layout::{Cancelled, lay_out_network};
use crate::model::{Network, Position};

/// How far a background layout is, and the flag that cancels it, shared with its thread.
#[derive(Clone, Default)]
struct Progress {
    /// The fraction done, as the bits of an f64.
    done: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
}

impl Progress {
    fn report(&self, fraction: f64) {
        self.done.store(fraction.to_bits(), Ordering::Relaxed);
    }

    fn fraction(&self) -> f64 {
        f64::from_bits(self.done.load(Ordering::Relaxed))
    }
}

/// A layout under way.
pub struct LayoutJob {
    progress: Progress,
    result: Receiver<Result<Vec<(String, Position)>, Cancelled>>,
    /// The document's version it started from: a layout of a network edited since is not
    /// applied.
    from: (u64, u64),
    /// What the edit is called in the history.
    label: String,
}

impl LayoutJob {
    /// Lays out the buses named in `only` (all when `None`) of a copy of `net`.
    fn start(net: &Network, only: Option<Vec<String>>, from: (u64, u64)) -> Self {
        let label = match &only {
            Some(buses) => format!("automatic layout of {} buses", buses.len()),
            None => "automatic layout".to_string(),
        };
        let progress = Progress::default();
        let (send, result) = channel();
        let mut net = net.clone();
        let shared = progress.clone();
        std::thread::spawn(move || {
            let before: Vec<Position> = net.buses.iter().map(|b| b.position).collect();
            let report = |f: f64| shared.report(f);
            let laid_out = lay_out_network(&mut net, only.as_deref(), &report, &shared.cancel);
            let moves = laid_out.map(|_| {
                net.buses
                    .iter()
                    .zip(before)
                    .filter(|(bus, was)| bus.position != *was)
                    .map(|(bus, _)| (bus.name.clone(), bus.position))
                    .collect()
            });
            let _ = send.send(moves);
        });
        LayoutJob {
            progress,
            result,
            from,
            label,
        }
    }
}

/// A case being opened: read, then laid out, on a thread of its own.
pub struct OpenJob {
    path: PathBuf,
    progress: Progress,
    result: Receiver<Result<Result<Document, Cancelled>, LoadError>>,
}

impl OpenJob {
    fn start(path: &Path) -> Self {
        let progress = Progress::default();
        let (send, result) = channel();
        let (shared, file) = (progress.clone(), path.to_path_buf());
        std::thread::spawn(move || {
            let report = |f: f64| shared.report(f);
            let _ = send.send(Document::open_laying_out(&file, &report, &shared.cancel));
        });
        OpenJob {
            path: path.to_path_buf(),
            progress,
            result,
        }
    }
}

/// A background job's result once there is one (until then the window looks again soon); a
/// thread that ended without sending one gives `lost`.
fn finished<T>(result: &Receiver<T>, ctx: &egui::Context, lost: impl FnOnce() -> T) -> Option<T> {
    match result.try_recv() {
        Err(TryRecvError::Empty) => {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
            None
        }
        Ok(outcome) => Some(outcome),
        Err(TryRecvError::Disconnected) => Some(lost()),
    }
}

impl GridPilotApp {
    /// Starts laying out the network, or the selected buses.
    pub(super) fn start_layout(&mut self, selection_only: bool) {
        if self.layout_job.is_some() {
            return;
        }
        let doc = &self.project.document;
        let only = selection_only.then(|| self.selection.buses());
        if only.as_ref().is_some_and(Vec::is_empty) || doc.network().buses.is_empty() {
            self.notify("There are no buses to lay out".into());
            return;
        }
        self.layout_job = Some(LayoutJob::start(doc.network(), only, doc.version()));
    }

    pub(super) fn cancel_layout(&self) {
        let jobs = [
            self.layout_job.as_ref().map(|job| &job.progress),
            self.open_job.as_ref().map(|job| &job.progress),
        ];
        for progress in jobs.into_iter().flatten() {
            progress.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Opens a case that may come without a diagram: read and laid out off the window's
    /// thread (the window keeps what it shows until then). A case already being opened is
    /// given up for this one.
    pub(super) fn open_laying_out(&mut self, path: &Path) {
        self.give_up_opening();
        self.open_job = Some(OpenJob::start(path));
    }

    /// Stops opening a case: another project is taking the window.
    pub(super) fn give_up_opening(&mut self) {
        if let Some(old) = self.open_job.take() {
            old.progress.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Shows a case that has been read and laid out.
    fn open_logic(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.open_job else {
            return;
        };
        let Some(outcome) = finished(&job.result, ctx, || Ok(Err(Cancelled))) else {
            return;
        };
        let job = self.open_job.take().expect("checked above");
        match outcome {
            Ok(Ok(document)) => self.show_opened(Project::new(document), &job.path),
            Ok(Err(Cancelled)) => {
                self.notify(format!("Opening {} was cancelled", job.path.display()))
            }
            Err(e) => self.refuse_file(e.to_string()),
        }
    }

    /// Takes in what background layouts have finished.
    pub(super) fn layout_logic(&mut self, ctx: &egui::Context) {
        self.open_logic(ctx);
        self.edit_layout_logic(ctx);
    }

    /// Applies a finished layout as one edit (if the network is still the one laid out).
    fn edit_layout_logic(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.layout_job else {
            return;
        };
        let Some(outcome) = finished(&job.result, ctx, || Err(Cancelled)) else {
            return;
        };
        let job = self.layout_job.take().expect("checked above");
        match outcome {
            Ok(_) if job.from != self.project.document.version() => {
                self.notify("The network changed while it was laid out: nothing was moved".into());
            }
            Ok(moves) if moves.is_empty() => self.notify("The layout moved nothing".into()),
            Ok(moves) => {
                let edits = vec![Edit::MoveBuses(moves)];
                self.edit(
                    Edit::Group {
                        label: job.label,
                        edits,
                    },
                    None,
                );
                self.view.fit();
            }
            Err(Cancelled) => self.notify("The layout was cancelled: nothing was moved".into()),
        }
    }

    /// In the top bar while a layout runs: how far, and a way to stop it.
    pub(super) fn layout_progress_ui(&mut self, ui: &mut egui::Ui) {
        let (what, progress) = match (&self.open_job, &self.layout_job) {
            (Some(job), _) => {
                let name = job.path.file_name().unwrap_or(job.path.as_os_str());
                (
                    format!("Opening {}: laying out", name.to_string_lossy()),
                    &job.progress,
                )
            }
            (None, Some(job)) => ("Laying out".to_string(), &job.progress),
            (None, None) => return,
        };
        ui.separator();
        ui.label(what);
        ui.add(
            egui::ProgressBar::new(progress.fraction() as f32)
                .desired_width(140.0)
                .show_percentage(),
        );
        if ui.button("Cancel layout").clicked() {
            self.commands.push(Command::CancelLayout);
        }
    }
}
