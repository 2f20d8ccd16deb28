//! `gridpilot bench`: timings measured in this build (use a release build).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Subcommand};
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time repeated flat-start power flows on a prepared solver (file reading excluded).
    Pf(BenchPfArgs),
    /// Environment steps per second under a random agent.
    Env(BenchEnvArgs),
    /// CPU time to build and tessellate one animated frame of the network view (1920×1080).
    View(BenchViewArgs),
    /// CPU time of moving one bus and of undoing it, each with the whole window's next frame,
    /// in Edit mode (1920×1080, no window).
    Edit(BenchEditArgs),
    /// CPU time of the window's frames while the network plays as fast as it can (the steps
    /// run on their own thread), 1920×1080, no window.
    Play(BenchPlayArgs),
}

#[derive(Debug, Args)]
pub struct BenchPlayArgs {
    /// A network (.ron, .m).
    file: PathBuf,
    /// How many frames to time.
    #[arg(long, default_value_t = 300, value_parser = super::count(100_000))]
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
pub struct BenchEnvArgs {
    /// A network file with a scenario section.
    #[arg(long)]
    network: PathBuf,
    /// How many timed steps.
    #[arg(long, default_value_t = 100_000, value_parser = super::count(1_000_000_000))]
    steps: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct BenchPfArgs {
    /// A GridPilot network (.ron) or a MATPOWER case (.m).
    file: PathBuf,
    /// How many timed solves (default: as many as fit in about two seconds, 5 to 1000).
    #[arg(long, value_parser = super::count(1_000_000))]
    repeat: Option<usize>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    solve: super::SolveArgs,
}

pub fn run(cmd: &BenchCommand) -> Result<ExitCode, String> {
    match cmd {
        BenchCommand::Pf(args) => bench_pf(args),
        BenchCommand::Env(args) => bench_env(args),
        BenchCommand::View(args) => bench_view(args),
        BenchCommand::Edit(args) => bench_edit(args),
        BenchCommand::Play(args) => bench_play(args),
    }
}

fn bench_pf(args: &BenchPfArgs) -> Result<ExitCode, String> {
    let options = args.solve.options()?;
    let net = super::read_network(&args.file)?;
    let mut pf = super::prepare(&args.file, &net)?;
    let solve = |pf: &mut gridpilot::powerflow::PowerFlow| {
        let start = Instant::now();
        let result = pf.solve(&net, &options);
        (start.elapsed().as_secs_f64() * 1e6, result)
    };
    // The first solve warms caches and sizes the repeat count.
    let (first_us, first) = solve(&mut pf);
    let first = first.map_err(|e| super::solve_error(&args.file, &e))?;
    let repeat = match args.repeat {
        Some(n) => n,
        None => ((2e6 / first_us.max(1.0)) as usize).clamp(5, 1000),
    };
    let mut times_us = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let (us, result) = solve(&mut pf);
        result.map_err(|e| super::solve_error(&args.file, &e))?;
        times_us.push(us);
    }
    times_us.sort_by(f64::total_cmp);
    let median_us = times_us[times_us.len() / 2];
    let min_us = times_us[0];
    if args.json {
        let report = json!({
            "file": args.file.display().to_string(),
            "buses": net.buses.len(),
            "branches": net.branches.len(),
            "converged": first.converged,
            "iterations": first.iterations,
            "repeat": repeat,
            "median_us": median_us,
            "min_us": min_us,
        });
        outln!("{report}")?;
    } else {
        outln!(
            "{}: {} buses, {} iterations{}; median {:.1} µs per solve (min {:.1} µs) over {repeat} solves",
            args.file.display(),
            net.buses.len(),
            first.iterations,
            if first.converged {
                ""
            } else {
                " (did NOT converge)"
            },
            median_us,
            min_us
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Steps a random agent through episodes back to back (resets included in the time).
fn bench_env(args: &BenchEnvArgs) -> Result<ExitCode, String> {
    let mut env = super::run::open_environment(&args.network)?;
    let mut agent = gridpilot::agent::RandomAgent::new(env.action_space(), 0);
    let reset = |env: &mut gridpilot::sim::Environment, seed: u64| {
        env.reset(seed, &Default::default())
            .map_err(|e| e.to_string())
    };
    let mut observation = reset(&mut env, 0)?;
    let (mut episodes, mut failed) = (1, 0);
    let start = Instant::now();
    for _ in 0..args.steps {
        let action = gridpilot::agent::Agent::act(&mut agent, &observation);
        let result = env.step(&action);
        observation = result.observation;
        if result.terminated || result.truncated {
            failed += usize::from(result.terminated);
            observation = reset(&mut env, episodes)?;
            episodes += 1;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let steps_per_s = args.steps as f64 / seconds;
    if args.json {
        let report = json!({
            "network": args.network.display().to_string(),
            "buses": env.network().buses.len(),
            "steps": args.steps,
            "episodes": episodes,
            "terminated": failed,
            "seconds": seconds,
            "steps_per_s": steps_per_s,
        });
        outln!("{report}")?;
    } else {
        outln!(
            "{}: {} steps of a random agent in {seconds:.3} s: {steps_per_s:.0} steps/s ({episodes} episodes, {failed} ended by a failed power flow)",
            args.network.display(),
            args.steps
        )?;
    }
    Ok(ExitCode::SUCCESS)
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

fn median_of(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
}

fn bench_play(args: &BenchPlayArgs) -> Result<ExitCode, String> {
    let measured = gridpilot::app::play_times_ms(&args.file, args.frames)?;
    let max_ms = measured.frames_ms.iter().copied().fold(0.0, f64::max);
    let median_ms = median_of(measured.frames_ms);
    let steps_per_s = measured.steps as f64 / measured.seconds;
    if args.json {
        let report = json!({
            "file": args.file.display().to_string(),
            "frames": args.frames,
            "median_ms": median_ms,
            "max_ms": max_ms,
            "steps": measured.steps,
            "steps_per_s": steps_per_s,
        });
        outln!("{report}")?;
    } else {
        outln!(
            "{}: while playing, a frame takes {median_ms:.2} ms median, {max_ms:.2} ms at most over {} frames; {} steps ({steps_per_s:.1} steps/s) ran on the simulation thread meanwhile",
            args.file.display(),
            args.frames,
            measured.steps
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
