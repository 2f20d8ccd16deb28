//! `gridpilot bench view|edit|play|frame`: timings of the window, measured with no window (built
//! with the `gui` feature).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gridpilot::app::Tab;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum WindowBench {
    /// CPU time to build and tessellate one animated frame of the network view (1920×1080).
    View(BenchViewArgs),
    /// CPU time of moving one bus and of undoing it, each with the whole window's next frame,
    /// in Edit mode (1920×1080, no window).
    Edit(BenchEditArgs),
    /// CPU time of the window's frames while the network plays as fast as it can (the steps
    /// run on their own thread), 1920×1080, no window.
    Play(BenchPlayArgs),
    /// CPU time of the whole window's frames (panels, view, bottom tab) while the user pans
    /// the view, after some live steps or at the end of an episode, 1920×1080, no window.
    Frame(BenchFrameArgs),
}

pub fn run(bench: &WindowBench) -> Result<ExitCode, String> {
    match bench {
        WindowBench::View(args) => bench_view(args),
        WindowBench::Edit(args) => bench_edit(args),
        WindowBench::Play(args) => bench_play(args),
        WindowBench::Frame(args) => bench_frame(args),
    }
}

#[derive(Debug, Args)]
pub struct BenchViewArgs {
    /// A network (.ron, .m) or an episode file.
    file: PathBuf,
    /// How many frames to time.
    #[arg(long, default_value_t = 100, value_parser = super::count(100_000))]
    frames: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct BenchEditArgs {
    /// A network (.ron, .m) or an episode file.
    file: PathBuf,
    /// How many move-and-undo pairs to time.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..))]
    pairs: u16,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct BenchPlayArgs {
    /// A network (.ron, .m).
    file: PathBuf,
    /// How many frames to time.
    #[arg(long, default_value_t = 300, value_parser = super::count(10_000_000))]
    frames: usize,
    /// The episode's length in steps (default: the network's scenario).
    #[arg(long, value_parser = super::count(100_000_000))]
    episode_steps: Option<usize>,
    /// The bottom tab shown while playing.
    #[arg(long, value_enum, default_value_t = BenchTab::Log)]
    tab: BenchTab,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct BenchFrameArgs {
    /// A network (.ron, .m) or an episode file (shown at its last step).
    file: PathBuf,
    /// Live steps to take before timing (a network file; none by default).
    #[arg(long, value_parser = super::count(1_000_000))]
    steps: Option<usize>,
    /// The bottom tab shown.
    #[arg(long, value_enum, default_value_t = BenchTab::Plots)]
    tab: BenchTab,
    /// Tick the Safety tab's "Whole episode".
    #[arg(long)]
    whole_episode: bool,
    /// How many frames to time.
    #[arg(long, default_value_t = 100, value_parser = super::count(100_000))]
    frames: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn bench_view(args: &BenchViewArgs) -> Result<ExitCode, String> {
    let mut times = gridpilot::app::frame_times_ms(&args.file, args.frames)?;
    times.sort_by(f64::total_cmp);
    let median_ms = times[times.len() / 2];
    if args.json {
        let report = json!({
            "file": args.file.display().to_string(),
            "frames": args.frames,
            "median_ms": median_ms,
            "max_ms": times[times.len() - 1],
        });
        outln!("{report}")?;
    } else {
        outln!(
            "{}: median {median_ms:.3} ms per frame (max {:.3} ms) over {} frames, 1920×1080",
            args.file.display(),
            times[times.len() - 1],
            args.frames
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn bench_edit(args: &BenchEditArgs) -> Result<ExitCode, String> {
    let measured = gridpilot::app::edit_times_ms(&args.file, usize::from(args.pairs))?;
    let times = measured.edits_ms;
    let idle_ms = median_of(measured.idle_ms);
    let (moves, undos): (Vec<f64>, Vec<f64>) = (
        times.iter().step_by(2).copied().collect(),
        times.iter().skip(1).step_by(2).copied().collect(),
    );
    let median = median_of;
    let max = |t: &[f64]| t.iter().copied().fold(0.0, f64::max);
    let median_ms = median(times.clone());
    let max_ms = max(&times);
    if args.json {
        let report = json!({
            "file": args.file.display().to_string(),
            "pairs": args.pairs,
            "median_ms": median_ms,
            "max_ms": max_ms,
            "move_median_ms": median(moves.clone()),
            "undo_median_ms": median(undos.clone()),
            "idle_frame_median_ms": idle_ms,
        });
        outln!("{report}")?;
    } else {
        outln!(
            "{}: move a bus or undo it, plus the next frame: median {median_ms:.2} ms, max {max_ms:.2} ms over {} pairs (move {:.2} ms, undo {:.2} ms median; a frame with no edit {idle_ms:.2} ms), 1920×1080",
            args.file.display(),
            args.pairs,
            median(moves),
            median(undos)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The bottom tabs a benchmark can show.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum BenchTab {
    Plots,
    Safety,
    Table,
    Log,
}

impl BenchTab {
    fn tab(self) -> Tab {
        match self {
            BenchTab::Plots => Tab::Plots,
            BenchTab::Safety => Tab::Safety,
            BenchTab::Table => Tab::Table,
            BenchTab::Log => Tab::Log,
        }
    }
}

fn bench_frame(args: &BenchFrameArgs) -> Result<ExitCode, String> {
    let setup = gridpilot::app::FrameSetup {
        steps: args.steps.unwrap_or(0),
        tab: args.tab.tab(),
        whole_episode: args.whole_episode,
        frames: args.frames,
    };
    let measured = gridpilot::app::full_frame_times_ms(&args.file, &setup)?;
    let (wall, cpu): (Vec<f64>, Vec<Option<f64>>) = measured.panning.into_iter().unzip();
    let theme_switch_ms = measured.theme_switch.0;
    let (median_ms, max_ms) = median_and_max(wall);
    // The window thread's own CPU time, where the system measures it: the work of a frame
    // without the time another process held the processor.
    let cpu = cpu
        .into_iter()
        .collect::<Option<Vec<f64>>>()
        .map(median_and_max);
    if args.json {
        let report = json!({
            "file": args.file.display().to_string(),
            "steps": args.steps.unwrap_or(0),
            "tab": format!("{:?}", args.tab).to_lowercase(),
            "whole_episode": args.whole_episode,
            "frames": args.frames,
            "median_ms": median_ms,
            "max_ms": max_ms,
            "cpu_median_ms": cpu.map(|c| c.0),
            "cpu_max_ms": cpu.map(|c| c.1),
            "theme_switch_ms": theme_switch_ms,
        });
        outln!("{report}")?;
    } else {
        outln!(
            "{}: a whole frame while panning takes {median_ms:.2} ms median, {max_ms:.2} ms at most over {} frames ({} of the window thread's CPU time; {:?} tab{}), 1920×1080; the frame after switching the theme {theme_switch_ms:.2} ms",
            args.file.display(),
            args.frames,
            cpu_text(cpu),
            args.tab,
            if args.whole_episode {
                ", whole episode"
            } else {
                ""
            }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn bench_play(args: &BenchPlayArgs) -> Result<ExitCode, String> {
    let measured =
        gridpilot::app::play_times_ms(&args.file, args.frames, args.episode_steps, args.tab.tab())?;
    let peak_rss_mb = peak_rss_mb();
    let cpu = measured.frames_cpu_ms.map(median_and_max);
    let (median_ms, max_ms) = median_and_max(measured.frames_ms);
    let steps_per_s = measured.steps as f64 / measured.seconds;
    if args.json {
        let report = json!({
            "file": args.file.display().to_string(),
            "frames": args.frames,
            "median_ms": median_ms,
            "max_ms": max_ms,
            "steps": measured.steps,
            "steps_per_s": steps_per_s,
            "cpu_median_ms": cpu.map(|c| c.0),
            "cpu_max_ms": cpu.map(|c| c.1),
            "peak_rss_mb": peak_rss_mb,
        });
        outln!("{report}")?;
    } else {
        outln!(
            "{}: while playing, a frame takes {median_ms:.2} ms median, {max_ms:.2} ms at most over {} frames ({} of the window thread's CPU time); {} steps ({steps_per_s:.1} steps/s) ran on the simulation thread meanwhile; peak memory {}",
            args.file.display(),
            args.frames,
            cpu_text(cpu),
            measured.steps,
            peak_rss_mb.map_or("unknown".to_string(), |mb| format!("{mb:.0} MB"))
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The process's peak resident memory in MB, where the system says (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The window thread's CPU time per frame, (median, largest), in words.
fn cpu_text(cpu: Option<(f64, f64)>) -> String {
    cpu.map_or("unknown".to_string(), |(median, max)| {
        format!("{median:.2} ms median, {max:.2} ms at most")
    })
}

fn median_and_max(times: Vec<f64>) -> (f64, f64) {
    let max = times.iter().copied().fold(0.0, f64::max);
    (median_of(times), max)
}

fn median_of(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
}
