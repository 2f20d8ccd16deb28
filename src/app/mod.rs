//! The desktop application: the only part of GridPilot that knows about egui.
//!
//! Data flows one way. The [`Project`] holds the document being edited and the [`Session`] that
//! runs it; the panels and the network view draw them and push [`Command`]s for what the user
//! did; [`GridPilotApp::apply`] carries the commands out once per frame.

mod apply;
mod auto_layout;
pub mod canvas;
mod capture;
mod command;
mod contingencies;
mod contingency_panel;
mod dialogs;
mod files;
mod find;
mod frame_bench;
mod history;
mod icon;
mod inspector;
mod learning;
mod learning_commands;
mod legend;
mod menus;
mod notice;
mod palette;
mod path_dialog;
mod pictures;
mod plots;
mod project;
mod prompt;
mod recordings;
mod run_panel;
mod runner;
mod safety_panel;
mod session;
mod shortcuts;
mod table_panel;
mod train_panel;
mod validation_panel;
mod worker;

pub use command::{AgentFile, Command, Mode, Tab};
pub use dialogs::{Answer, FileDialog, NativeDialogs, ScriptedDialogs};
pub use frame_bench::{
    EditTimes, FrameSetup, FrameTimes, PlayTimes, edit_times_ms, frame_times_ms,
    full_frame_times_ms, play_times_ms,
};
pub use history::{Columns, History, Listed, Spread, Summary};
pub use plots::{Chart, PlotsPanel};
pub use project::{DEFAULT_NETWORK, Project, RunRefused, RunStart};
pub use session::{AgentChoice, Playback, RunCommand, Session};

use std::path::PathBuf;

use canvas::{MenuTarget, NetworkView, Tool};
use safety_panel::SafetyPanel;

use crate::edit::{Fragment, Selection};
use crate::model::{ElementRef, Network};
use crate::sim::episode::StepRecord;

/// How the window starts: which file, mode, agent and renderer, and an optional scripted run
/// that plays some steps, saves a screenshot of the window and exits.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    pub file: Option<PathBuf>,
    /// Open in Edit mode.
    pub edit: bool,
    pub agent: Option<String>,
    pub play_steps: usize,
    pub screenshot: Option<PathBuf>,
    /// Use wgpu instead of OpenGL (glow is faster on software rendering).
    pub wgpu: bool,
    /// The bottom tab to show: `plots`, `safety`, `table`, `n-1`, `validation` or `log`.
    pub tab: Option<String>,
    /// With a screenshot: run N-1 on the step reached and show the state after this branch's
    /// outage.
    pub outage: Option<String>,
    /// An element to select by name.
    pub select: Option<String>,
    /// An element to select and centre, zoomed in until names can be read.
    pub focus: Option<String>,
    /// Open the right-click menu of this element (for screenshots of Edit mode).
    pub menu: Option<String>,
    /// Start in presentation mode.
    pub presentation: bool,
    /// Start training a policy with this many iterations (the Train tab's other settings).
    pub train: Option<usize>,
    /// Start comparing the Compare tab's agents (the agent given among them).
    pub compare: bool,
    /// Colour the buses by zone.
    pub zones: bool,
}

/// What the window remembers between runs besides its size and its panels' (which egui
/// keeps): theme, presentation mode, the chart shown, whether N-1 lists secure outages.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub dark: bool,
    pub presentation: bool,
    pub chart: Chart,
    pub show_secure: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            dark: true,
            presentation: false,
            chart: Chart::default(),
            show_secure: false,
        }
    }
}

/// The key of [`Settings`] in eframe's storage.
const SETTINGS_KEY: &str = "gridpilot-settings";

/// Opens the main window and blocks until it is closed.
pub fn run(launch: Launch) -> Result<(), String> {
    let mut app_state = GridPilotApp::launch(&launch, Box::new(NativeDialogs::default()))?;
    app_state.autopilot = launch.screenshot.clone().map(|path| Autopilot {
        steps: launch.play_steps,
        path,
        outage: launch.outage.clone(),
        frames: 0,
    });
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("GridPilot")
        .with_inner_size([1400.0, 900.0]);
    match icon::icon() {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(e) => eprintln!("{e}"),
    }
    let scratch_settings = launch.screenshot.as_ref().map(|_| {
        std::env::temp_dir().join(format!("gridpilot-screenshot-{}.ron", std::process::id()))
    });
    let options = eframe::NativeOptions {
        viewport,
        renderer: if launch.wgpu {
            eframe::Renderer::Wgpu
        } else {
            eframe::Renderer::Glow
        },
        // A picture for the documentation shows the app as it comes, not as a user left it.
        persistence_path: scratch_settings.clone(),
        ..Default::default()
    };
    let ran = eframe::run_native(
        "GridPilot",
        options,
        Box::new(move |cc| {
            if let Some(settings) = cc
                .storage
                .and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY))
            {
                app_state.restore(settings);
            }
            Ok(Box::new(app_state))
        }),
    );
    if let Some(scratch) = scratch_settings {
        let _ = std::fs::remove_file(scratch);
    }
    ran.map_err(|e| format!("cannot open the window: {e}"))
}

/// Plays a number of steps, saves a screenshot of the whole window, then closes it.
struct Autopilot {
    steps: usize,
    path: PathBuf,
    /// The branch whose outage to show (after N-1 on the step reached).
    outage: Option<String>,
    /// Frames drawn so far: the first ones lay out text and settle the panels.
    frames: usize,
}

/// The main window.
pub struct GridPilotApp {
    pub project: Project,
    pub mode: Mode,
    pub selection: Selection,
    pub tool: Tool,
    view: NetworkView,
    tab: Tab,
    plots: plots::PlotsPanel,
    safety: SafetyPanel,
    table: table_panel::TablePanel,
    /// The find box, while open.
    find: Option<find::Find>,
    /// N-1 of a step, running or done.
    contingencies: Option<contingencies::Contingencies>,
    /// Whether the N-1 list shows the secure outages too.
    show_secure: bool,
    /// Training, fitting and comparing agents, and the policy at hand.
    learning: learning::Learning,
    train_panel: train_panel::TrainPanel,
    inspector: inspector::Inspector,
    validation: validation_panel::ValidationPanel,
    clipboard: Option<Fragment>,
    dialogs: Box<dyn FileDialog>,
    dark: bool,
    presentation: bool,
    /// Whether the network view colours buses by zone.
    show_zones: bool,
    capture: capture::PendingCapture,
    /// The run being exported as a picture per step.
    animation: Option<capture::Animation>,
    /// Edit → Automatic layout, while it runs.
    layout_job: Option<auto_layout::LayoutJob>,
    /// A case being read and laid out before it is shown.
    open_job: Option<auto_layout::OpenJob>,
    /// Where the network view was drawn last frame (for "Export picture…").
    view_rect: egui::Rect,
    autopilot: Option<Autopilot>,
    /// Messages, newest last; kept across files.
    pub log: Vec<String>,
    notice: notice::Notice,
    pub prompt: Option<prompt::Prompt>,
    /// GridPilot's own file dialog, open where the desktop's could not.
    path_dialog: Option<path_dialog::PathDialog>,
    autosave: files::Autosave,
    /// What the user asked for this frame, carried out at its end.
    commands: Vec<Command>,
    /// The title last sent to the window.
    title: String,
    /// The user agreed to close with unsaved edits.
    closing: bool,
    /// How long a frame waits for a simulation step it asked for.
    step_patience: std::time::Duration,
}

impl GridPilotApp {
    /// The app on a project, in Run mode when the network can run (Edit mode otherwise).
    pub fn new(project: Project, dialogs: Box<dyn FileDialog>) -> Self {
        let mut app = GridPilotApp {
            project,
            mode: Mode::Edit,
            selection: Selection::default(),
            tool: Tool::default(),
            view: NetworkView::default(),
            tab: Tab::Validation,
            plots: plots::PlotsPanel::default(),
            safety: SafetyPanel::default(),
            table: table_panel::TablePanel::default(),
            find: None,
            contingencies: None,
            show_secure: false,
            learning: learning::Learning::default(),
            train_panel: train_panel::TrainPanel::default(),
            inspector: inspector::Inspector::default(),
            validation: validation_panel::ValidationPanel::default(),
            clipboard: None,
            dialogs,
            dark: true,
            presentation: false,
            show_zones: false,
            capture: capture::PendingCapture::default(),
            animation: None,
            layout_job: None,
            open_job: None,
            view_rect: egui::Rect::NOTHING,
            autopilot: None,
            log: Vec::new(),
            notice: notice::Notice::default(),
            prompt: None,
            path_dialog: None,
            autosave: files::Autosave::new(crate::edit::recovery::data_dir()),
            commands: Vec::new(),
            title: String::new(),
            closing: false,
            step_patience: std::time::Duration::from_millis(4),
        };
        app.enter_run_mode_if_possible();
        app
    }

    /// The app on the built-in network, or as `launch` asks.
    pub fn launch(launch: &Launch, dialogs: Box<dyn FileDialog>) -> Result<Self, String> {
        let project = match &launch.file {
            Some(path) => Project::open(path)?,
            None => Project::built_in()?,
        };
        let mut app = GridPilotApp::new(project, dialogs);
        app.offer_recovery();
        if let Some(spec) = &launch.agent {
            let choice = AgentChoice::parse(spec)?;
            if let Some(session) = app.project.session_mut() {
                session.set_agent(choice)?;
            }
        }
        if launch.edit {
            app.apply_now(Command::SetMode(Mode::Edit));
        }
        app.presentation = launch.presentation;
        app.show_zones = launch.zones;
        if let Some(tab) = &launch.tab {
            app.tab = match tab.as_str() {
                "safety" => Tab::Safety,
                "table" => Tab::Table,
                "n-1" => Tab::Contingencies,
                "train" => Tab::Train,
                "compare" => Tab::Compare,
                "log" => Tab::Log,
                "validation" => Tab::Validation,
                _ => Tab::Plots,
            };
        }
        if let Some(name) = &launch.select {
            let element = app
                .find_element(name)
                .ok_or(format!("nothing is named '{name}'"))?;
            app.apply_now(Command::Select(Selection::single(element)));
        }
        if let Some(name) = &launch.focus {
            let element = app
                .find_element(name)
                .ok_or(format!("nothing is named '{name}'"))?;
            app.apply_now(Command::Focus(element));
        }
        if let Some(iterations) = launch.train {
            app.train_panel.settings.iterations = iterations;
            let settings = app.train_panel.settings.clone();
            app.apply_now(Command::StartTraining(settings));
        }
        if launch.compare
            && let Some(session) = app.project.session()
        {
            let command = app.train_panel.compare_command(&app.learning, session);
            app.apply_now(command);
        }
        if let Some(name) = &launch.menu {
            let element = app
                .find_element(name)
                .ok_or(format!("nothing is named '{name}'"))?;
            app.view.open_context_menu(element);
        }
        Ok(app)
    }

    /// Where GridPilot keeps its own files: recovery copies of never-saved networks, and
    /// recordings of live runs in `recordings/` (tests and benchmarks give a folder of their
    /// own).
    pub fn set_data_dir(&mut self, dir: PathBuf) {
        self.project.record_to(Some(dir.join("recordings")));
        self.autosave.set_data_dir(dir);
    }

    /// How long a frame waits for a simulation step it asked for (tests wait for every step, to
    /// see it in the frame that asked).
    pub fn set_step_patience(&mut self, patience: std::time::Duration) {
        self.step_patience = patience;
    }

    /// The settings of the Train and Compare tabs, as a user types them in.
    pub fn learning_settings(
        &mut self,
    ) -> (
        &mut crate::learn::ArsSettings,
        &mut crate::learn::evaluate::EvaluationSettings,
    ) {
        (
            &mut self.train_panel.settings,
            &mut self.train_panel.compare,
        )
    }

    /// Whether training, a fit or a comparison is under way.
    pub fn learning_busy(&self) -> bool {
        self.learning.busy()
    }

    /// Ticks or clears the Safety tab's "Whole episode" (benchmarks).
    pub fn show_whole_episode(&mut self, whole: bool) {
        self.safety.history = whole;
    }

    /// Offers back the newest recovery copy of a network never saved that a crash left behind.
    pub fn offer_recovery(&mut self) {
        self.autosave.offer_untitled_recovery(&mut self.prompt);
    }

    /// The state after an outage the view shows instead of the run (N-1), once solved.
    pub fn shown_outage(&self) -> Option<&StepRecord> {
        self.contingencies.as_ref()?.shown_state()
    }

    /// Where the network view was drawn last frame.
    pub fn view_rect(&self) -> egui::Rect {
        self.view_rect
    }

    /// The network view (its last frame's detail, for tests and benchmarks).
    pub fn view(&self) -> &canvas::NetworkView {
        &self.view
    }

    /// What the window remembers between runs.
    pub fn settings(&self) -> Settings {
        Settings {
            dark: self.dark,
            presentation: self.presentation,
            chart: self.plots.chart,
            show_secure: self.show_secure,
        }
    }

    /// Takes up what the window remembered.
    pub fn restore(&mut self, settings: Settings) {
        self.dark = settings.dark;
        self.presentation = settings.presentation;
        self.plots.chart = settings.chart;
        self.show_secure = settings.show_secure;
    }

    /// The plots tab (its chart and hidden series).
    pub fn plots(&self) -> &plots::PlotsPanel {
        &self.plots
    }

    /// The session, when there is one.
    pub fn session(&self) -> Option<&Session> {
        self.project.session()
    }

    /// The network on screen: the document's in Edit mode, the run's in Run mode.
    pub fn network(&self) -> &Network {
        match (self.mode, self.project.session()) {
            (Mode::Run, Some(session)) => session.network(),
            _ => self.project.document.network(),
        }
    }

    /// Carries out a command at once (outside a frame: at launch, in tests).
    pub fn apply_now(&mut self, command: Command) {
        self.commands.push(command);
        self.apply_queued(&egui::Context::default());
    }

    /// Switches to Run mode when the network can run; stays in Edit mode and says why when not.
    fn enter_run_mode_if_possible(&mut self) {
        match self.project.prepare_run() {
            Ok(_) => {
                self.mode = Mode::Run;
                self.tab = Tab::Plots;
            }
            Err(why) => {
                self.mode = Mode::Edit;
                self.tab = Tab::Validation;
                let file = self.project.document.file_label();
                self.log.push(format!("{file}: {why}"));
            }
        }
    }

    /// The bus, branch or device with this name.
    fn find_element(&self, name: &str) -> Option<ElementRef> {
        [
            ElementRef::Bus(name.to_string()),
            ElementRef::Branch(name.to_string()),
            ElementRef::Device(name.to_string()),
        ]
        .into_iter()
        .find(|e| self.network().contains(e))
    }

    fn tabs_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            for &tab in Tab::of(self.mode) {
                if ui.selectable_label(self.tab == tab, tab.label()).clicked() {
                    self.commands.push(Command::SetTab(tab));
                }
            }
        });
    }

    fn bottom_ui(&mut self, ui: &mut egui::Ui) {
        if self.mode == Mode::Run {
            self.timeline_ui(ui);
        }
        self.tabs_ui(ui);
        match self.tab {
            Tab::Plots => {
                if let Some(session) = self.project.session() {
                    let primary = self.selection.primary();
                    if let Some(step) = self.plots.ui(ui, session, primary) {
                        self.commands.push(Command::Run(RunCommand::Seek(step)));
                    }
                }
            }
            Tab::Safety => {
                if let Some(session) = self.project.session()
                    && let Some(name) = self.safety.ui(ui, session)
                    && let Some(element) = self.find_element(&name)
                {
                    self.commands.push(Command::Focus(element));
                }
            }
            Tab::Table => {
                if let Some(session) = self.project.session() {
                    let outage = self.contingencies.as_ref().and_then(|c| c.shown_state());
                    let state = outage.unwrap_or(session.current());
                    self.table
                        .ui(ui, session.network(), state, &mut self.commands);
                }
            }
            Tab::Contingencies => {
                if let Some(session) = self.project.session() {
                    contingency_panel::ui(
                        ui,
                        session,
                        self.contingencies.as_ref(),
                        &mut self.show_secure,
                        &mut self.commands,
                    );
                }
            }
            Tab::Train => {
                let (panel, learning) = (&mut self.train_panel, &self.learning);
                panel.train_ui(ui, learning, &mut self.commands);
            }
            Tab::Compare => {
                if let Some(session) = self.project.session() {
                    let (panel, learning) = (&mut self.train_panel, &self.learning);
                    panel.compare_ui(ui, learning, session, &mut self.commands);
                }
            }
            Tab::Validation => {
                let doc = &self.project.document;
                self.validation.ui(ui, doc, &mut self.commands);
            }
            Tab::Log => {
                egui::ScrollArea::vertical()
                    .stick_to_bottom(true)
                    .show(ui, |ui| {
                        for line in &self.log {
                            ui.label(line);
                        }
                    });
            }
        }
    }

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        let Some(session) = self.project.session() else {
            return;
        };
        let last = session.history.len().saturating_sub(1);
        if last == 0 {
            return;
        }
        let mut cursor = session.cursor;
        // As wide as the panel: a year of steps needs every pixel to seek by.
        ui.spacing_mut().slider_width = (ui.available_width() - 110.0).max(100.0);
        let slider = egui::Slider::new(&mut cursor, 0..=last).text("step");
        if ui.add(slider).changed() {
            self.commands.push(Command::Run(RunCommand::Seek(cursor)));
        }
    }

    fn left_ui(&mut self, ui: &mut egui::Ui) {
        match (self.mode, self.project.session()) {
            (Mode::Run, Some(session)) => run_panel::run_panel_ui(ui, session, &mut self.commands),
            _ => palette::palette_ui(ui, self.tool, &self.selection, &mut self.commands),
        }
    }

    fn right_ui(&mut self, ui: &mut egui::Ui) {
        match (self.mode, self.project.session()) {
            (Mode::Run, Some(session)) => {
                inspector::live_ui(ui, session, self.selection.primary(), &mut self.commands);
            }
            _ => self.inspector.edit_ui(
                ui,
                &self.project.document,
                self.selection.primary(),
                &mut self.commands,
            ),
        }
    }

    fn view_ui(&mut self, ui: &mut egui::Ui) {
        self.view_rect = ui.max_rect();
        let empty = StepRecord::default();
        let outage = self.contingencies.as_ref().and_then(|c| c.shown_state());
        let (net, state, tool) = match (self.mode, self.project.session()) {
            (Mode::Run, Some(session)) => {
                (session.network(), outage.unwrap_or(session.current()), None)
            }
            _ => (self.project.document.network(), &empty, Some(self.tool)),
        };
        let commands = &mut self.commands;
        let mut menu = |ui: &mut egui::Ui, target: &MenuTarget| {
            palette::context_menu_ui(ui, target, commands);
        };
        let menu: Option<canvas::MenuContents> = match tool {
            Some(_) => Some(&mut menu),
            None => None,
        };
        let response = self
            .view
            .ui(ui, net, state, self.selection.items(), tool, menu);
        if net.buses.is_empty() && tool.is_some() {
            palette::empty_hint_ui(ui, self.view_rect);
        }
        if let Some(gesture) = response.gesture {
            self.commands.push(Command::Gesture(gesture));
        } else if let Some(element) = response.clicked {
            if let ElementRef::Branch(name) = &element {
                self.commands.push(Command::ToggleBranch(name.clone()));
            }
            self.commands
                .push(Command::Select(Selection::single(element)));
        } else if response.clicked_empty {
            self.commands.push(Command::Select(Selection::default()));
        }
    }

    /// The find box over the view, on the network in the mode shown.
    fn find_ui(&mut self, ctx: &egui::Context) {
        let Some(find) = &mut self.find else {
            return;
        };
        let net = match (self.mode, self.project.session()) {
            (Mode::Run, Some(session)) => session.network(),
            _ => self.project.document.network(),
        };
        if !find.ui(ctx, self.view_rect, net, &mut self.commands) {
            self.find = None;
        }
    }

    /// Over the state after an outage: which, and how to go back.
    fn outage_banner_ui(&self, ui: &mut egui::Ui) {
        let Some((branch, state)) = self
            .contingencies
            .as_ref()
            .filter(|_| self.mode == Mode::Run)
            .and_then(|c| c.shown.as_ref().map(|s| (s, c.step)))
            .map(|((branch, state), step)| (format!("{branch} out at step {step}"), state))
        else {
            return;
        };
        let text = match state {
            Some(_) => format!(
                "N-1: the state with {branch}. Click its row again (or press Escape) to go back to the run."
            ),
            None => format!("N-1: solving the state with {branch}…"),
        };
        notice::banner(ui, self.view_rect, 8.0, egui::RichText::new(text).strong());
    }

    /// Over a step whose power flow failed: why, and that nothing on the view comes from it.
    fn failed_step_ui(&self, ui: &mut egui::Ui) {
        let Some(session) = self.project.session().filter(|_| self.mode == Mode::Run) else {
            return;
        };
        let state = session.current();
        if state.converged || state.bus_vm_pu.is_empty() {
            return;
        }
        let reason = state.events.iter().find_map(|e| match e {
            crate::sim::Event::PowerFlowFailed { reason } => Some(reason.as_str()),
            _ => None,
        });
        let text = format!(
            "The power flow failed at step {}{}. The network is drawn without voltages, flows or loadings.",
            state.step,
            reason.map_or(String::new(), |r| format!(": {r}"))
        );
        let from_top = self.view_rect.height() - 70.0;
        let text = egui::RichText::new(text).color(ui.visuals().warn_fg_color);
        notice::banner(ui, self.view_rect, from_top.max(8.0), text);
    }

    /// The window title: the network, where it is from, and `*` with unsaved edits.
    fn title_logic(&mut self, ctx: &egui::Context) {
        let doc = &self.project.document;
        let dirty = if doc.is_dirty() { " *" } else { "" };
        let title = format!(
            "{} — {}{dirty} — GridPilot",
            doc.network().name,
            doc.file_label()
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// Asks before closing a window with unsaved edits.
    fn close_logic(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.project.document.is_dirty()
            && !self.closing
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.commands.push(Command::Quit);
        }
    }

    fn apply_style(&self, ctx: &egui::Context) {
        ctx.set_theme(if self.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        ctx.set_zoom_factor(if self.presentation { 1.4 } else { 1.0 });
    }
}

/// Fills the panel and scrolls its content, so that content never resizes the panel.
fn fixed(ui: &mut egui::Ui, content: impl FnOnce(&mut egui::Ui)) {
    let size = ui.available_size();
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .max_width(size.x)
        .show(ui, |ui| {
            ui.set_max_width(size.x - 12.0);
            content(ui);
        });
}

impl eframe::App for GridPilotApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.frame_logic(ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings());
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }
}

impl GridPilotApp {
    /// Queues a command for the next frame.
    pub fn queue(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// What runs before each frame is drawn: shortcuts, commands, playing, autosave.
    pub fn frame_logic(&mut self, ctx: &egui::Context) {
        self.apply_style(ctx);
        shortcuts::shortcuts(ctx, self.mode, &mut self.commands);
        self.close_logic(ctx);
        // How long a step may hold the frame (sessions come and go with the files opened).
        if let Some(session) = self.project.session_mut() {
            session.set_patience(self.step_patience);
        }
        self.apply_queued(ctx);
        if let Some(session) = self
            .project
            .session_mut()
            .filter(|_| self.mode == Mode::Run)
        {
            session.advance(ctx.input(|i| i.stable_dt));
            if session.playing {
                ctx.request_repaint();
            } else if session.waiting() {
                // A step finishing on the simulation thread shows without waiting for input.
                ctx.request_repaint_after(std::time::Duration::from_millis(5));
            }
        }
        self.drain_session_log();
        if let Some(contingencies) = &mut self.contingencies {
            contingencies.poll();
            if contingencies.progress().is_some() || contingencies.waiting() {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        let (changed, failure) = self.learning.poll();
        if let Some(message) = failure {
            self.notify(message);
        }
        if changed || self.learning.busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let now_s = ctx.input(|i| i.time);
        if let Some(due) = self.autosave.tick(&self.project.document, now_s) {
            ctx.request_repaint_after(due);
        }
        self.capture_logic(ctx);
        self.layout_logic(ctx);
        self.title_logic(ctx);
    }

    /// Draws the window, then carries out what the user did.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("top_bar").show(ui, |ui| menus::top_bar_ui(ui, self));
        let presenting = self.presenting();
        self.view.set_presenting(presenting);
        self.view.set_show_zones(self.show_zones);
        if presenting {
            self.presenter_panels_ui(ui);
        } else {
            self.panels_ui(ui);
        }
        // The diagram on the theme's own background (white in the light theme), which its
        // labels also sit on.
        let frame = egui::Frame::central_panel(ui.style()).fill(ui.visuals().extreme_bg_color);
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            self.view_ui(ui);
            self.failed_step_ui(ui);
            self.outage_banner_ui(ui);
            self.legend_ui(ui);
            if !self.capture.captioning() {
                self.notice.ui(ui, self.view_rect);
            }
        });
        if let Some(prompt) = &mut self.prompt
            && let Some(answer) = prompt::prompt_ui(ui.ctx(), prompt)
        {
            self.prompt = None;
            self.commands.extend(answer);
        }
        self.find_ui(ui.ctx());
        self.path_dialog_ui(&ui.ctx().clone());
        self.apply_queued(&ui.ctx().clone());
    }

    /// Whether the window presents a run: the diagram takes the room, the controls shrink to
    /// the essentials.
    pub fn presenting(&self) -> bool {
        self.presentation && self.mode == Mode::Run && self.project.session().is_some()
    }

    /// A presentation's one strip under the view: the essentials in a row, the timeline.
    fn presenter_panels_ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("presenter_strip").show(ui, |ui| {
            if let Some(session) = self.project.session() {
                ui.horizontal_wrapped(|ui| {
                    run_panel::essentials_ui(ui, session, &mut self.commands);
                });
            }
            self.timeline_ui(ui);
        });
    }

    /// The working layout: run or edit panel, inspector, and the tabs at the bottom.
    fn panels_ui(&mut self, ui: &mut egui::Ui) {
        // Panels keep the size the user gave them whatever they show: each fills its space and
        // scrolls what does not fit, so the network view never jumps under the pointer.
        egui::Panel::left("left_panel")
            .resizable(true)
            .default_size(230.0)
            .size_range(180.0..=420.0)
            .show(ui, |ui| fixed(ui, |ui| self.left_ui(ui)));
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(320.0)
            .size_range(240.0..=600.0)
            .show(ui, |ui| fixed(ui, |ui| self.right_ui(ui)));
        egui::Panel::bottom("bottom")
            .resizable(true)
            .default_size(240.0)
            .size_range(120.0..=700.0)
            .show(ui, |ui| {
                ui.set_min_size(ui.available_size());
                self.bottom_ui(ui);
            });
    }
}
