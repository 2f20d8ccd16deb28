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
    #[cfg(feature = "gui")]
    #[command(flatten)]
    Window(super::bench_window::WindowBench),
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
        #[cfg(feature = "gui")]
        BenchCommand::Window(bench) => super::bench_window::run(bench),
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
