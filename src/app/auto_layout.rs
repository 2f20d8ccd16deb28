//! Edit → Automatic layout: the layout runs on a thread of its own, with progress and Cancel
//! in the top bar, and lands as one edit that one Undo takes back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::GridPilotApp;
use super::command::Command;
use crate::edit::Edit;
use crate::layout::{Cancelled, lay_out_network};
use crate::model::{Network, Position};

/// A layout under way.
pub struct LayoutJob {
    /// The fraction done, as the bits of an f64.
    done: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
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
        let (done, cancel) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (send, result) = channel();
        let mut net = net.clone();
        let (progress, stop) = (Arc::clone(&done), Arc::clone(&cancel));
        std::thread::spawn(move || {
            let before: Vec<Position> = net.buses.iter().map(|b| b.position).collect();
            let report = |f: f64| progress.store(f.to_bits(), Ordering::Relaxed);
            let laid_out = lay_out_network(&mut net, only.as_deref(), &report, &stop);
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
            done,
            cancel,
            result,
            from,
            label,
        }
    }

    pub fn progress(&self) -> f64 {
        f64::from_bits(self.done.load(Ordering::Relaxed))
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
        if let Some(job) = &self.layout_job {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Applies a finished layout as one edit (if the network is still the one laid out).
    pub(super) fn layout_logic(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.layout_job else {
            return;
        };
        let outcome = match job.result.try_recv() {
            Err(TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
                return;
            }
            Ok(outcome) => outcome,
            Err(TryRecvError::Disconnected) => Err(Cancelled),
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
        let Some(job) = &self.layout_job else {
            return;
        };
        ui.separator();
        ui.label("Laying out");
        ui.add(
            egui::ProgressBar::new(job.progress() as f32)
                .desired_width(140.0)
                .show_percentage(),
        );
        if ui.button("Cancel layout").clicked() {
            self.commands.push(Command::CancelLayout);
        }
    }
}
