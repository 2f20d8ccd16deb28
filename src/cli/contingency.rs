//! `gridpilot contingency`: N-1 analysis of a network, worst outages first.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget};
use serde_json::{Value, json};

use gridpilot::contingency::{Analysis, Contingency, ContingencyError, analyse, count};

#[derive(Debug, Args)]
pub struct ContingencyArgs {
    /// A GridPilot network (.ron) or a MATPOWER case (.m).
    file: PathBuf,
    /// Print one JSON object instead of the list.
    #[arg(long)]
    json: bool,
    /// Threads to share the outages among (default: one per core).
    #[arg(long, value_parser = super::count(1024))]
    threads: Option<usize>,
    /// List the secure outages too.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    solve: super::SolveArgs,
}

pub fn run(args: &ContingencyArgs) -> Result<ExitCode, String> {
    let options = args.solve.options()?;
    let net = super::read_network_warning(&args.file)?;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let outages = net.branches.iter().filter(|b| b.in_service).count();
    let bar = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(outages as u64), ProgressDrawTarget::stderr())
    };
    let started = Instant::now();
    let progress = |done: usize, _: usize| bar.set_position(done as u64);
    let never = AtomicBool::new(false);
    let analysis = analyse(&net, &options, threads, &progress, &never).map_err(|e| match e {
        ContingencyError::Invalid(e) => super::solve_error(&args.file, &e),
        other => format!("{}: {other}", args.file.display()),
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        outln!("{}", to_json(&analysis, seconds, threads))?;
    } else {
        print_list(args, &analysis, seconds, threads)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_list(
    args: &ContingencyArgs,
    analysis: &Analysis,
    seconds: f64,
    threads: usize,
) -> Result<(), String> {
    let all = &analysis.contingencies;
    let insecure = all.iter().filter(|c| !c.secure()).count();
    outln!(
        "{}: {} outages in {seconds:.2} s on {threads} threads: {} secure, {insecure} not",
        args.file.display(),
        all.len(),
        all.len() - insecure
    )?;
    let (overloads, voltages) = (analysis.base_overloads, analysis.base_voltages);
    if overloads + voltages > 0 {
        outln!(
            "  before any outage: {} overloaded, {} outside their voltage limits (listed below only where an outage makes them worse)",
            count(overloads, "branch", "branches"),
            count(voltages, "bus", "buses")
        )?;
    }
    for c in all.iter().filter(|c| args.all || !c.secure()) {
        outln!("  {}", c.summary())?;
    }
    Ok(())
}

fn to_json(analysis: &Analysis, seconds: f64, threads: usize) -> Value {
    let contingencies: Vec<Value> = analysis
        .contingencies
        .iter()
        .map(contingency_json)
        .collect();
    json!({
        "base_converged": analysis.base.converged,
        "base_overloads": analysis.base_overloads,
        "base_voltage_violations": analysis.base_voltages,
        "seconds": seconds,
        "threads": threads,
        "contingencies": contingencies,
    })
}

fn contingency_json(c: &Contingency) -> Value {
    let overloads: Vec<Value> = c
        .overloads
        .iter()
        .map(|(branch, pct)| json!({"branch": branch, "loading_pct": pct}))
        .collect();
    let voltages: Vec<Value> = c
        .voltages
        .iter()
        .map(|(bus, vm, limit)| json!({"bus": bus, "vm_pu": vm, "limit_pu": limit}))
        .collect();
    json!({
        "branch": c.branch,
        "secure": c.secure(),
        "converged": c.converged,
        "failure": c.failure,
        "overloads": overloads,
        "voltages": voltages,
        "islanded_buses": c.islanded_buses,
        "load_lost_mw": c.load_lost_mw,
    })
}
