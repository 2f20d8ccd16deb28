//! The desktop application: the only part of GridPilot that knows about egui.
//!
//! Data flows one way: the [`Session`] runs the simulator (or plays a recording) and records
//! every step; the panels and the network view draw the step on screen and send back what the
//! user did (an agent choice, a setpoint, a seek).

pub mod canvas;
mod capture;
mod dialogs;
mod frame_bench;
mod inspector;
mod plots;
mod run_panel;
mod safety_panel;
mod session;

pub use dialogs::{FileDialog, NativeDialogs, ScriptedDialogs};
pub use frame_bench::frame_times_ms;
pub use session::{AgentChoice, Mode, Session};

use std::path::{Path, PathBuf};

use canvas::{Element, NetworkView};
use plots::Chart;
use safety_panel::SafetyPanel;

use crate::io::{load_episode, load_network, network_from_ron, save_episode};
use crate::model::{Network, Scenario};

/// ANM6-Easy, built into the binary so the app opens on it from any folder.
pub const DEFAULT_NETWORK: &str = include_str!("../../networks/anm6_easy.ron");

/// The session the app opens with: the default network, or a network or episode file.
pub fn open_session(file: Option<&Path>) -> Result<Session, String> {
    let Some(path) = file else {
        let net =
            network_from_ron(DEFAULT_NETWORK).map_err(|e| format!("built-in network: {e}"))?;
        return Session::new(net, Path::new("."));
    };
    if let Ok(episode) = load_episode(path) {
        return Session::replay(episode);
    }
    let net = load_network(path).map_err(|e| e.to_string())?;
    let dir = path.parent().unwrap_or(Path::new("."));
    Session::new(with_scenario(net), dir).map_err(|e| format!("{}: {e}", path.display()))
}

/// A plain network (an imported MATPOWER case, say) runs a day of hourly steps at its file
/// values, so it can still be operated and watched.
fn with_scenario(mut net: Network) -> Network {
    net.scenario.get_or_insert_with(|| Scenario {
        time_step_h: 1.0,
        episode_steps: Some(24),
        start_time_index: 0,
        steps_per_cycle: 24,
        discount: 0.995,
        profiles: Vec::new(),
        reward: Default::default(),
        protection: None,
        power_flow: Default::default(),
    });
    net
}

/// How the window starts: which file, agent and renderer, and an optional scripted run that
/// plays some steps, saves a screenshot of the window and exits.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    pub file: Option<PathBuf>,
    pub agent: Option<String>,
    pub play_steps: usize,
    pub screenshot: Option<PathBuf>,
    /// Use wgpu instead of OpenGL (glow is faster on software rendering).
    pub wgpu: bool,
    /// The bottom tab to show: `plots`, `safety` or `log`.
    pub tab: Option<String>,
    /// An element to select (and centre) by name.
    pub select: Option<String>,
}

/// Opens the main window and blocks until it is closed.
pub fn run(launch: Launch) -> Result<(), String> {
    let mut session = open_session(launch.file.as_deref())?;
    if let Some(spec) = &launch.agent {
        session.set_agent(AgentChoice::parse(spec)?)?;
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("GridPilot")
            .with_inner_size([1400.0, 900.0]),
        renderer: if launch.wgpu {
            eframe::Renderer::Wgpu
        } else {
            eframe::Renderer::Glow
        },
        ..Default::default()
    };
    let autopilot = launch.screenshot.map(|path| Autopilot {
        steps: launch.play_steps,
        path,
    });
    eframe::run_native(
        "GridPilot",
        options,
        Box::new(|_cc| {
            let mut app = GridPilotApp::new(session, Box::new(NativeDialogs));
            app.autopilot = autopilot;
            app.tab = match launch.tab.as_deref() {
                Some("safety") => Tab::Safety,
                Some("log") => Tab::Log,
                _ => Tab::Plots,
            };
            app.selected = launch
                .select
                .as_deref()
                .and_then(|name| app.find_element(name));
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

/// Plays a number of steps, saves a screenshot of the whole window, then closes it.
struct Autopilot {
    steps: usize,
    path: PathBuf,
}

/// Which tab the bottom panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    Plots,
    Safety,
    Log,
}

/// The main window.
pub struct GridPilotApp {
    pub session: Session,
    view: NetworkView,
    pub selected: Option<Element>,
    tab: Tab,
    chart: Chart,
    safety: SafetyPanel,
    dialogs: Box<dyn FileDialog>,
    dark: bool,
    presentation: bool,
    capture: capture::PendingCapture,
    /// Where the network view was drawn last frame (for "Export picture…").
    view_rect: egui::Rect,
    autopilot: Option<Autopilot>,
}

impl GridPilotApp {
    pub fn new(session: Session, dialogs: Box<dyn FileDialog>) -> Self {
        GridPilotApp {
            session,
            view: NetworkView::default(),
            selected: None,
            tab: Tab::default(),
            chart: Chart::default(),
            safety: SafetyPanel::default(),
            dialogs,
            dark: true,
            presentation: false,
            capture: capture::PendingCapture::default(),
            view_rect: egui::Rect::NOTHING,
            autopilot: None,
        }
    }

    fn export_picture(&mut self, ctx: &egui::Context) {
        let suggested = format!("{}.png", self.session.network().name);
        if let Some(path) = self.dialogs.save("Export picture", &suggested, &["png"]) {
            self.capture.request(ctx, path, Some(self.view_rect));
        }
    }

    fn export_csv(&mut self) {
        let suggested = format!("{}.csv", self.session.network().name);
        let Some(path) = self
            .dialogs
            .save("Export time series", &suggested, &["csv"])
        else {
            return;
        };
        let csv = crate::io::episode_csv(&self.session.episode);
        let message = match crate::io::write_atomic(&path, csv.as_bytes()) {
            Ok(()) => format!("Exported the time series to {}", path.display()),
            Err(e) => format!("{}: cannot write the file: {e}", path.display()),
        };
        self.session.log.push(message);
    }

    /// Writes a finished screenshot, and drives the scripted run of `--screenshot`.
    fn capture_logic(&mut self, ctx: &egui::Context) {
        if let Some(done) = self.capture.poll(ctx) {
            let message = match done {
                Ok(path) => format!("Saved a picture to {}", path.display()),
                Err(e) => e,
            };
            self.session.log.push(message);
            if self.autopilot.is_some() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            return;
        }
        let Some(autopilot) = &self.autopilot else {
            return;
        };
        if self.session.cursor < autopilot.steps && !self.session.finished() {
            self.session.step();
            ctx.request_repaint();
        } else if !self.capture.waiting() {
            let path = autopilot.path.clone();
            self.capture.request(ctx, path, None);
        }
    }

    fn open_file(&mut self, path: &Path) {
        match open_session(Some(path)) {
            Ok(session) => {
                self.session = session;
                self.selected = None;
                self.view.fit();
            }
            Err(e) => self.session.log.push(e),
        }
    }

    fn save_episode(&mut self) {
        let suggested = format!("{}.episode", self.session.network().name);
        let Some(path) = self.dialogs.save("Save episode", &suggested, &["episode"]) else {
            return;
        };
        let message = match save_episode(&self.session.episode, &path) {
            Ok(()) => format!("Saved the episode to {}", path.display()),
            Err(e) => format!("{}: cannot write the episode: {e}", path.display()),
        };
        self.session.log.push(message);
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("File", |ui| {
            if ui.button("Open network…").clicked()
                && let Some(path) = self.dialogs.open("Open network", &["ron", "m"])
            {
                self.open_file(&path);
            }
            if ui.button("Open episode…").clicked()
                && let Some(path) = self.dialogs.open("Open episode", &["episode"])
            {
                self.open_file(&path);
            }
            if ui.button("Save episode…").clicked() {
                self.save_episode();
            }
            ui.separator();
            if ui.button("Export picture…").clicked() {
                self.export_picture(&ui.ctx().clone());
            }
            if ui.button("Export time series CSV…").clicked() {
                self.export_csv();
            }
        });
    }

    fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            self.menu_ui(ui);
            ui.separator();
            ui.strong(&self.session.network().name);
            let mode = match self.session.mode {
                Mode::Live => "Run",
                Mode::Replay => "Replay",
            };
            ui.label(mode);
            ui.separator();
            let theme = if self.dark {
                "Light theme"
            } else {
                "Dark theme"
            };
            if ui.button(theme).clicked() {
                self.dark = !self.dark;
            }
            ui.toggle_value(&mut self.presentation, "Presentation");
        });
    }

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        let last = self.session.episode.steps.len().saturating_sub(1);
        if last == 0 {
            return;
        }
        let mut cursor = self.session.cursor;
        let slider = egui::Slider::new(&mut cursor, 0..=last).text("step");
        if ui.add(slider).changed() {
            self.session.seek(cursor);
        }
    }

    fn bottom_ui(&mut self, ui: &mut egui::Ui) {
        self.timeline_ui(ui);
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Plots, "Plots");
            ui.selectable_value(&mut self.tab, Tab::Safety, "Safety");
            ui.selectable_value(&mut self.tab, Tab::Log, "Log");
        });
        match self.tab {
            Tab::Plots => {
                let seek = plots::plots_ui(ui, &mut self.chart, &self.session, self.selected);
                if let Some(step) = seek {
                    self.session.seek(step);
                }
            }
            Tab::Safety => {
                if let Some(name) = self.safety.ui(ui, &self.session) {
                    self.select_by_name(&name);
                }
            }
            Tab::Log => {
                egui::ScrollArea::vertical()
                    .stick_to_bottom(true)
                    .show(ui, |ui| {
                        for line in &self.session.log {
                            ui.label(line);
                        }
                    });
            }
        }
    }

    /// The bus, branch or device with this name.
    fn find_element(&self, name: &str) -> Option<Element> {
        let net = self.session.network();
        net.buses
            .iter()
            .position(|b| b.name == name)
            .map(Element::Bus)
            .or_else(|| {
                net.branches
                    .iter()
                    .position(|b| b.name == name)
                    .map(Element::Branch)
            })
            .or_else(|| {
                net.devices
                    .iter()
                    .position(|d| d.name() == name)
                    .map(Element::Device)
            })
    }

    /// Selects the bus, branch or device with this name and centres the view on it.
    fn select_by_name(&mut self, name: &str) {
        if let Some(element) = self.find_element(name) {
            self.selected = Some(element);
            self.view.center_on(element);
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let (space, right) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::Space),
                i.key_pressed(egui::Key::ArrowRight),
            )
        });
        let wants_keyboard = ctx.egui_wants_keyboard_input();
        if space && !wants_keyboard {
            self.session.playing = !self.session.playing && !self.session.finished();
        }
        if right && !wants_keyboard {
            self.session.step();
        }
        if ctx.input(|i| i.key_pressed(egui::Key::F11)) {
            let full = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!full));
        }
        if ctx.input(|i| i.key_pressed(egui::Key::ArrowLeft)) && !wants_keyboard {
            self.session.seek(self.session.cursor.saturating_sub(1));
        }
        if ctx.input_mut(|i| {
            i.consume_key(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::S,
            )
        }) || ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::S))
        {
            self.save_episode();
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::O))
            && let Some(path) = self.dialogs.open("Open network", &["ron", "m"])
        {
            self.open_file(&path);
        }
    }

    fn apply_style(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        ctx.set_zoom_factor(if self.presentation { 1.6 } else { 1.0 });
    }
}

impl eframe::App for GridPilotApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.apply_style(ctx);
        self.shortcuts(ctx);
        self.session.advance(ctx.input(|i| i.stable_dt));
        self.capture_logic(ctx);
        if self.session.playing {
            ctx.request_repaint();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui));
        egui::Panel::left("run_panel")
            .default_size(230.0)
            .show(ui, |ui| {
                run_panel::run_panel_ui(ui, &mut self.session, self.dialogs.as_mut())
            });
        egui::Panel::right("inspector")
            .default_size(280.0)
            .show(ui, |ui| {
                inspector::inspector_ui(ui, &mut self.session, self.selected)
            });
        egui::Panel::bottom("bottom")
            .default_size(260.0)
            .resizable(true)
            .show(ui, |ui| self.bottom_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            self.view_rect = ui.max_rect();
            let response = self.view.ui(
                ui,
                self.session.network(),
                self.session.current(),
                self.selected,
            );
            if let Some(element) = response.clicked {
                self.selected = Some(element);
                if let Element::Branch(k) = element {
                    self.toggle_branch_by_human(k);
                }
            } else if response.clicked_empty {
                self.selected = None;
            }
        });
    }
}

impl GridPilotApp {
    /// In Run mode with the Human agent, clicking a switchable branch opens or closes it at
    /// the next step.
    fn toggle_branch_by_human(&mut self, k: usize) {
        if self.session.agent_choice != AgentChoice::Human || self.session.mode != Mode::Live {
            return;
        }
        let component = format!("{}.closed", self.session.network().branches[k].name);
        if let Some(closed) = self.session.human(&component) {
            self.session
                .set_human(&component, if closed >= 0.5 { 0.0 } else { 1.0 });
        }
    }
}
