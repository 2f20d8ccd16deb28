//! What the window draws for pictures and does to take them: the colour legend and the caption
//! on the view, "Export picture…", "Export animation…" (a picture per step), and the scripted
//! `--screenshot` run.

use std::path::PathBuf;

use super::GridPilotApp;
use super::capture::Animation;
use super::command::{Command, Mode};
use super::legend;
use super::session::RunCommand;

impl GridPilotApp {
    /// The colour legend over the view of a solved step, and the caption while a picture of
    /// the view is being taken.
    pub(super) fn legend_ui(&self, ui: &mut egui::Ui) {
        let Some(session) = self.project.session().filter(|_| self.mode == Mode::Run) else {
            return;
        };
        let state = self.shown_outage().unwrap_or(session.current());
        if state.converged {
            legend::colour_legend_ui(ui, self.view_rect, session.network(), self.show_zones);
        }
        if self.capture.captioning() {
            let caption = legend::caption(session.network(), session);
            legend::caption_ui(ui, self.view_rect, &caption);
        }
    }

    /// A picture of the view, with its caption, to `path`.
    pub(super) fn export_picture(&mut self, ctx: &egui::Context, path: PathBuf) {
        if self.animation.is_some() {
            self.notify("Wait for the animation export to finish, or stop it".into());
            return;
        }
        let caption = self.mode == Mode::Run && self.project.session().is_some();
        self.capture
            .request(ctx, path, Some(self.view_rect), caption);
    }

    /// Starts exporting a picture per step, from the step on screen to the last one recorded.
    pub(super) fn export_animation(&mut self, path: &std::path::Path) {
        let Some(session) = self
            .project
            .session_mut()
            .filter(|_| self.mode == Mode::Run)
        else {
            self.notify("Only a run can be exported as an animation".into());
            return;
        };
        session.playing = false;
        let last_step = session.history.len().saturating_sub(1);
        self.animation = Some(Animation::new(path, session.cursor, last_step));
    }

    /// Stops an animation export, keeping the pictures written.
    pub(super) fn stop_animation(&mut self) {
        if let Some(animation) = self.animation.take() {
            self.notify(format!(
                "Stopped the animation export after {} pictures",
                animation.written
            ));
        }
    }

    /// Writes a finished picture, and drives the animation export and the scripted run of
    /// `--screenshot`.
    pub(super) fn capture_logic(&mut self, ctx: &egui::Context) {
        if let Some(done) = self.capture.poll(ctx) {
            self.picture_written(ctx, done);
        } else if self.animation.is_some() {
            self.animation_logic(ctx);
        } else {
            self.autopilot_logic(ctx);
        }
        // Asked now, the renderer takes this very frame (with the caption drawn).
        self.capture.logic(ctx);
    }

    fn picture_written(&mut self, ctx: &egui::Context, done: Result<PathBuf, String>) {
        if let Some(animation) = &mut self.animation {
            match done {
                Ok(_) => {
                    animation.written += 1;
                    animation.next_step += 1;
                    ctx.request_repaint();
                }
                Err(e) => {
                    self.animation = None;
                    self.notify(format!("The animation export stopped: {e}"));
                }
            }
            return;
        }
        match done {
            Ok(path) => self.notify(format!("Saved a picture to {}", path.display())),
            Err(e) => self.notify(e),
        }
        if self.autopilot.is_some() {
            self.closing = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Shows the next step of the animation and asks for its picture, or ends the export.
    fn animation_logic(&mut self, ctx: &egui::Context) {
        let Some(animation) = &self.animation else {
            return;
        };
        if self.capture.waiting() {
            return;
        }
        if animation.next_step > animation.last_step {
            let message = format!(
                "Exported {} pictures, from {}",
                animation.written,
                animation.first_path().display()
            );
            self.animation = None;
            self.notify(message);
            return;
        }
        let (step, path) = (animation.next_step, animation.next_path());
        // Applied now, before this frame draws the view the picture is taken of.
        self.apply_now(Command::Run(RunCommand::Seek(step)));
        self.capture.request(ctx, path, Some(self.view_rect), true);
    }

    /// `--screenshot`: plays the steps asked for, then takes the whole window.
    fn autopilot_logic(&mut self, ctx: &egui::Context) {
        let analysing = self.analysing();
        let Some(autopilot) = &mut self.autopilot else {
            return;
        };
        autopilot.frames += 1;
        let session = self
            .project
            .session_mut()
            .filter(|_| self.mode == Mode::Run);
        if let Some(session) = session
            && session.cursor < autopilot.steps
            && !session.finished()
        {
            session.step();
            ctx.request_repaint();
        } else if autopilot.outage.is_some() {
            self.autopilot_outage();
            ctx.request_repaint();
        } else if autopilot.frames > 3 && !self.capture.waiting() && !analysing {
            let path = autopilot.path.clone();
            self.capture.request(ctx, path, None, false);
        } else {
            ctx.request_repaint();
        }
    }

    /// Runs N-1 on the step reached, then asks for the outage to show once it is analysed.
    fn autopilot_outage(&mut self) {
        match &self.contingencies {
            None => self.commands.push(Command::RunContingencies),
            Some(c) if c.result().is_some() => {
                let branch = self.autopilot.as_mut().and_then(|a| a.outage.take());
                self.commands.push(Command::ShowContingency(branch));
            }
            Some(_) => {}
        }
    }

    /// Whether N-1 or the state after an outage is being worked out.
    fn analysing(&self) -> bool {
        let contingencies = self.contingencies.as_ref();
        contingencies.is_some_and(|c| c.progress().is_some() || c.waiting()) || self.learning.busy()
    }

    /// In the top bar while an animation is exported: how far, and a way to stop.
    pub(super) fn animation_progress_ui(&mut self, ui: &mut egui::Ui) {
        let Some(animation) = &self.animation else {
            return;
        };
        ui.separator();
        ui.label(format!(
            "Exporting pictures: {} of {}",
            animation.written,
            animation.total()
        ));
        if ui.button("Stop export").clicked() {
            self.commands.push(Command::StopAnimation);
        }
    }
}
