//! GridPilot's own file dialog, for when the desktop's cannot open: a folder listing to walk,
//! the files of the kinds wanted, and a file name.

use std::path::{Path, PathBuf};

/// What a chosen path is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    OpenNetwork,
    ImportCase,
    OpenEpisode,
    /// Save the network, then carry out the command (a save asked for before closing, say).
    SaveNetwork {
        then: Option<Box<super::Command>>,
    },
    /// The current run's episode, or the one set aside when the network changed.
    SaveEpisode {
        previous: bool,
    },
    ExportPicture,
    ExportAnimation,
    ExportCsv,
    Agent(super::AgentFile),
    SavePolicy,
}

impl Purpose {
    pub fn title(&self) -> &'static str {
        match self {
            Purpose::OpenNetwork => "Open network",
            Purpose::ImportCase => "Import a MATPOWER case or pandapower network",
            Purpose::OpenEpisode => "Open episode",
            Purpose::SaveNetwork { .. } => "Save network",
            Purpose::SaveEpisode { .. } => "Save episode",
            Purpose::ExportPicture => "Export picture",
            Purpose::ExportAnimation => "Export animation (a picture per step)",
            Purpose::ExportCsv => "Export time series",
            Purpose::Agent(super::AgentFile::LinearPolicy) => "Linear policy",
            Purpose::Agent(super::AgentFile::Schedule) => "Schedule of actions",
            Purpose::SavePolicy => "Save policy",
        }
    }

    pub fn extensions(&self) -> &'static [&'static str] {
        match self {
            Purpose::OpenNetwork => &["ron", "m", "json"],
            Purpose::ImportCase => &["m", "json"],
            Purpose::OpenEpisode | Purpose::SaveEpisode { .. } => &["episode"],
            Purpose::SaveNetwork { .. }
            | Purpose::Agent(super::AgentFile::LinearPolicy)
            | Purpose::SavePolicy => &["ron"],
            Purpose::ExportPicture | Purpose::ExportAnimation => &["png"],
            Purpose::ExportCsv | Purpose::Agent(super::AgentFile::Schedule) => &["csv"],
        }
    }

    /// Whether the path is written (a new name may be typed) rather than read.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Purpose::SaveNetwork { .. }
                | Purpose::SaveEpisode { .. }
                | Purpose::ExportPicture
                | Purpose::ExportAnimation
                | Purpose::ExportCsv
                | Purpose::SavePolicy
        )
    }
}

/// The dialog's state while it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct PathDialog {
    pub purpose: Purpose,
    folder: PathBuf,
    name: String,
    /// The folder's entries as last read (read again when the folder changes).
    listing: Option<(PathBuf, Vec<(String, bool)>)>,
    /// Why the folder cannot be listed, if it cannot.
    error: Option<String>,
}

/// What the dialog's user did this frame.
pub enum Outcome {
    Chosen(PathBuf),
    Cancelled,
}

impl PathDialog {
    pub fn new(purpose: Purpose, suggested: &str, folder: &Path) -> Self {
        let folder = folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf());
        PathDialog {
            purpose,
            folder,
            name: suggested.to_string(),
            listing: None,
            error: None,
        }
    }

    /// Draws the dialog; returns what the user did once they did it.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Outcome> {
        let modal = egui::Modal::new(egui::Id::unique("path_dialog")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.heading(self.purpose.title());
            ui.horizontal(|ui| {
                if ui.button("Up").clicked()
                    && let Some(parent) = self.folder.parent()
                {
                    self.folder = parent.to_path_buf();
                }
                ui.label(self.folder.display().to_string());
            });
            ui.separator();
            self.listing_ui(ui);
            ui.separator();
            let name = ui.label("File name");
            ui.text_edit_singleline(&mut self.name).labelled_by(name.id);
            if let Some(error) = &self.error {
                ui.colored_label(egui::Color32::from_rgb(220, 80, 60), error);
            }
            ui.horizontal(|ui| {
                let action = if self.purpose.writes() {
                    "Save"
                } else {
                    "Open"
                };
                let ready = !self.name.trim().is_empty();
                if ui.add_enabled(ready, egui::Button::new(action)).clicked() {
                    return Some(Outcome::Chosen(self.folder.join(self.name.trim())));
                }
                ui.button("Cancel").clicked().then_some(Outcome::Cancelled)
            })
            .inner
        });
        let escaped = modal.should_close().then_some(Outcome::Cancelled);
        modal.inner.or(escaped)
    }

    /// Sub-folders to walk into and files of the wanted kinds to pick.
    fn listing_ui(&mut self, ui: &mut egui::Ui) {
        if self.listing.as_ref().is_none_or(|(f, _)| *f != self.folder) {
            let entries = match list(&self.folder, self.purpose.extensions()) {
                Ok(entries) => {
                    self.error = None;
                    entries
                }
                Err(e) => {
                    let folder = self.folder.display();
                    self.error = Some(format!("{folder}: cannot list the folder: {e}"));
                    Vec::new()
                }
            };
            self.listing = Some((self.folder.clone(), entries));
        }
        let entries = self
            .listing
            .as_ref()
            .map(|(_, e)| e.clone())
            .unwrap_or_default();
        egui::ScrollArea::vertical()
            .max_height(280.0)
            .show(ui, |ui| {
                for (name, is_folder) in entries {
                    let text = if is_folder {
                        format!("{name}/")
                    } else {
                        name.clone()
                    };
                    if ui.selectable_label(self.name == name, text).clicked() {
                        if is_folder {
                            self.folder.push(&name);
                        } else {
                            self.name = name;
                        }
                    }
                }
            });
    }
}

/// Folders first, then files with one of `extensions`, each sorted by name; hidden ones left out.
fn list(folder: &Path, extensions: &[&str]) -> std::io::Result<Vec<(String, bool)>> {
    let mut entries: Vec<(String, bool)> = std::fs::read_dir(folder)?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_folder = entry.file_type().ok()?.is_dir();
            let wanted = is_folder
                || Path::new(&name)
                    .extension()
                    .is_some_and(|e| extensions.iter().any(|x| e == *x));
            (wanted && !name.starts_with('.')).then_some((name, is_folder))
        })
        .collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(entries)
}
