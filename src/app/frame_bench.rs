//! Headless timings of the app: `gridpilot bench view` (one animated frame of the network
//! view), `bench edit` (an edit and the whole window's next frame), `bench play` (the window's
//! frames while a run plays) and `bench frame` (the whole window's frames while the user pans).

use std::path::Path;
use std::time::Instant;

use super::canvas::NetworkView;
use super::command::{Command, Mode};
use super::dialogs::ScriptedDialogs;
use super::{GridPilotApp, Project};
use crate::edit::build;

/// The screen the benchmarks draw for.
const SCREEN: egui::Vec2 = egui::vec2(1920.0, 1080.0);

/// A context with fonts loaded, as after a window's first frame.
fn warm_context() -> egui::Context {
    let ctx = egui::Context::default();
    ctx.run_ui(Default::default(), |_| {})
        .textures_delta
        .clear();
    ctx
}

/// The whole window drawn headless at [`SCREEN`] size, frame after frame.
struct Window {
    ctx: egui::Context,
    started: Instant,
}

/// What one frame took: wall-clock milliseconds, and the window thread's CPU milliseconds where
/// the system measures them.
type FrameTime = (f64, Option<f64>);

impl Window {
    fn new() -> Self {
        Window {
            ctx: warm_context(),
            started: Instant::now(),
        }
    }

    /// Draws and tessellates one frame of the whole app with `events` as its input.
    fn frame(&self, app: &mut GridPilotApp, events: Vec<egui::Event>) -> FrameTime {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SCREEN)),
            time: Some(self.started.elapsed().as_secs_f64()),
            predicted_dt: 1.0 / 60.0,
            events,
            ..Default::default()
        };
        let frame_started = Instant::now();
        let cpu_started = thread_cpu_ms();
        let output = self.ctx.run_ui(input, |ui| {
            app.frame_logic(ui.ctx());
            app.frame_ui(ui);
        });
        std::hint::black_box(self.ctx.tessellate(output.shapes, output.pixels_per_point));
        let cpu_ms = thread_cpu_ms()
            .zip(cpu_started)
            .map(|(end, start)| end - start);
        (frame_started.elapsed().as_secs_f64() * 1e3, cpu_ms)
    }

    /// Frames until `done` holds (background work such as a step arriving), at most a minute.
    fn frames_until(
        &self,
        app: &mut GridPilotApp,
        done: impl Fn(&GridPilotApp) -> bool,
    ) -> Result<(), String> {
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        while !done(app) {
            if Instant::now() > deadline {
                return Err("the window waited a minute for a step".into());
            }
            self.frame(app, Vec::new());
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        Ok(())
    }
}

/// Per-frame milliseconds of `frames` consecutive animated frames of the network view (after
/// one warm-up frame).
pub fn frame_times_ms(file: &Path, frames: usize) -> Result<Vec<f64>, String> {
    let project = Project::open(file)?;
    let app = GridPilotApp::new(project, Box::new(ScriptedDialogs::default()));
    let session = app.session().ok_or("the network cannot run")?;
    let ctx = warm_context();
    let viewport = egui::Rect::from_min_size(egui::Pos2::ZERO, SCREEN);
    let mut view = NetworkView::default();
    let mut times = Vec::with_capacity(frames);
    for frame in 0..=frames {
        let start = Instant::now();
        let time_s = frame as f64 / 60.0;
        let shapes =
            view.frame_shapes(&ctx, session.network(), session.current(), viewport, time_s);
        let meshes = ctx.tessellate(shapes, 1.0);
        let elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
        std::hint::black_box(meshes);
        if frame > 0 {
            times.push(elapsed_ms);
        }
    }
    Ok(times)
}

/// What `gridpilot bench edit` measures, in milliseconds.
pub struct EditTimes {
    /// Moving one bus, then undoing it, alternately: each the edit plus the next frame.
    pub edits_ms: Vec<f64>,
    /// Frames with no edit, for comparison.
    pub idle_ms: Vec<f64>,
}

/// Times moving one bus and undoing it, each measured as the edit plus the whole window's next
/// frame (panels, validation list, network view, tessellation), in Edit mode, `pairs` times
/// each; and as many frames without an edit.
pub fn edit_times_ms(file: &Path, pairs: usize) -> Result<EditTimes, String> {
    let project = Project::open(file)?;
    let mut app = GridPilotApp::new(project, Box::new(ScriptedDialogs::default()));
    app.apply_now(Command::SetMode(Mode::Edit));
    let net = app.project.document.network();
    let bus = net
        .buses
        .get(net.buses.len() / 2)
        .map(|b| b.name.clone())
        .ok_or("the network has no bus to move")?;
    let window = Window::new();
    let frame = |app: &mut GridPilotApp| window.frame(app, Vec::new());
    // Settle the layout (and build the view's geometry) first.
    for _ in 0..3 {
        frame(&mut app);
    }
    let mut edits_ms = Vec::with_capacity(2 * pairs);
    for _ in 0..pairs {
        let net = app.project.document.network();
        let moved = build::move_buses(net, std::slice::from_ref(&bus), 10.0, 5.0);
        for command in [Command::Edit(moved), Command::Undo] {
            let start = Instant::now();
            app.queue(command);
            frame(&mut app);
            edits_ms.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    let idle_ms = (0..2 * pairs)
        .map(|_| {
            let start = Instant::now();
            frame(&mut app);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    Ok(EditTimes { edits_ms, idle_ms })
}

/// What `gridpilot bench play` measures.
pub struct PlayTimes {
    /// Milliseconds of each frame of the window while the run plays (wall clock).
    pub frames_ms: Vec<f64>,
    /// The same frames in CPU time of the window's thread, where the system measures it:
    /// the work a frame did, without time other threads (the simulation's among them) held
    /// the processor.
    pub frames_cpu_ms: Option<Vec<f64>>,
    /// Steps the run took in that time.
    pub steps: usize,
    pub seconds: f64,
}

/// Times `frames` consecutive frames of the whole window, with `tab` open at the bottom, while
/// the network plays as fast as it can (for `episode_steps` steps, or its scenario's length):
/// the steps run on the simulation thread, the frames measure what is left on the window's
/// thread.
pub fn play_times_ms(
    file: &Path,
    frames: usize,
    episode_steps: Option<usize>,
    tab: super::Tab,
) -> Result<PlayTimes, String> {
    let project = Project::open(file)?;
    let mut app = GridPilotApp::new(project, Box::new(ScriptedDialogs::default()));
    if app.session().is_none() {
        return Err(format!("{}: the network cannot run", file.display()));
    }
    // The run is recorded as in the app, into a folder of the benchmark's own.
    let data_dir = std::env::temp_dir().join(format!("gridpilot-bench-{}", std::process::id()));
    app.set_data_dir(data_dir.clone());
    app.apply_now(Command::SetTab(tab));
    if let Some(steps) = episode_steps {
        app.apply_now(Command::Run(super::RunCommand::SetEpisodeLength(steps)));
    }
    app.apply_now(Command::Run(super::RunCommand::SetSpeed(1000.0)));
    app.set_step_patience(std::time::Duration::ZERO);
    let window = Window::new();
    let frame = |app: &mut GridPilotApp| window.frame(app, Vec::new());
    for _ in 0..3 {
        frame(&mut app);
    }
    app.queue(Command::Run(super::RunCommand::TogglePlay));
    let first_step = app.session().map_or(0, |s| s.history.len());
    let playing = Instant::now();
    let (frames_ms, frames_cpu_ms): (Vec<f64>, Vec<Option<f64>>) =
        (0..frames).map(|_| frame(&mut app)).unzip();
    let steps = app.session().map_or(0, |s| s.history.len()) - first_step;
    drop(app);
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(PlayTimes {
        frames_ms,
        frames_cpu_ms: frames_cpu_ms.into_iter().collect(),
        steps,
        seconds: playing.elapsed().as_secs_f64(),
    })
}

/// What `gridpilot bench frame` shows while it times.
pub struct FrameSetup {
    /// Live steps to take first (a network file).
    pub steps: usize,
    pub tab: super::Tab,
    /// Tick the Safety tab's "Whole episode".
    pub whole_episode: bool,
    pub frames: usize,
}

/// What `gridpilot bench frame` measures: (wall, CPU) milliseconds.
pub struct FrameTimes {
    /// Each frame while the view is dragged.
    pub panning: Vec<FrameTime>,
    /// The slower of the two frames after switching between the light and the dark theme
    /// (every text laid out again).
    pub theme_switch: FrameTime,
}

/// Times `setup.frames` frames of the whole window (panels, view, bottom tab, tessellation)
/// while the user pans the view by dragging, after `setup.steps` live steps of a network or, for
/// an episode file, at its last step; then the frame after a theme switch.
pub fn full_frame_times_ms(file: &Path, setup: &FrameSetup) -> Result<FrameTimes, String> {
    let project = Project::open(file)?;
    let mut app = GridPilotApp::new(project, Box::new(ScriptedDialogs::default()));
    let data_dir = std::env::temp_dir().join(format!("gridpilot-bench-{}", std::process::id()));
    app.set_data_dir(data_dir.clone());
    let times = time_panning(&mut app, setup);
    drop(app);
    let _ = std::fs::remove_dir_all(&data_dir);
    times.map_err(|e| format!("{}: {e}", file.display()))
}

fn time_panning(app: &mut GridPilotApp, setup: &FrameSetup) -> Result<FrameTimes, String> {
    let Some(session) = app.session() else {
        return Err("the network cannot run".into());
    };
    let live = session.playback == super::Playback::Live;
    let window = Window::new();
    if live {
        app.apply_now(Command::Run(super::RunCommand::SetEpisodeLength(
            setup.steps.max(1),
        )));
        for step in 1..=setup.steps {
            app.queue(Command::Run(super::RunCommand::Step));
            window.frames_until(app, |app| {
                app.session().is_some_and(|s| s.history.len() > step)
            })?;
        }
    } else if setup.steps > 0 {
        return Err("--steps takes a network; an episode is shown at its last step".into());
    }
    let last = app
        .session()
        .map_or(0, |s| s.history.len().saturating_sub(1));
    app.apply_now(Command::Run(super::RunCommand::Seek(last)));
    app.apply_now(Command::SetTab(setup.tab));
    app.show_whole_episode(setup.whole_episode);
    for _ in 0..3 {
        window.frame(app, Vec::new());
    }
    // Press in the middle of the view and drag a few pixels a frame, back and forth.
    let centre = app.view_rect().center();
    let press = |pressed| egui::Event::PointerButton {
        pos: centre,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    window.frame(app, vec![egui::Event::PointerMoved(centre), press(true)]);
    let panning = (0..setup.frames)
        .map(|frame| {
            let dx = 40.0 * ((frame as f32) * 0.1).sin();
            let at = centre + egui::vec2(dx, 0.5 * dx);
            window.frame(app, vec![egui::Event::PointerMoved(at)])
        })
        .collect();
    window.frame(app, vec![press(false)]);
    if app.view().fitted() {
        return Err("the drag did not pan the view: nothing was measured".into());
    }
    app.apply_now(Command::SetDark(!app.settings().dark));
    // The style changes during the first frame: the second may be the one laid out anew.
    let theme_switch = [(); 2]
        .map(|()| window.frame(app, Vec::new()))
        .into_iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or_default();
    Ok(FrameTimes {
        panning,
        theme_switch,
    })
}

/// CPU time this thread has used, in milliseconds (Unix).
#[cfg(unix)]
fn thread_cpu_ms() -> Option<f64> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    ok.then(|| t.tv_sec as f64 * 1e3 + t.tv_nsec as f64 / 1e6)
}

#[cfg(not(unix))]
fn thread_cpu_ms() -> Option<f64> {
    None
}
