//! `gridpilot train`, `fit` and `evaluate`: linear policies learned by Augmented Random
//! Search or cloned from a recorded episode, and agents compared on the same seeded episodes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use gridpilot::agent::{LinearPolicy, Spaces};
use gridpilot::io::{EpisodeReader, agent_from_spec, save_linear_policy};
use gridpilot::learn::evaluate::{self, AgentScore, EvaluationSettings};
use gridpilot::learn::{Ars, ArsSettings, PolicyShape, episode_samples, fit};

use super::run::open_environment;

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// A network file with a scenario section.
    #[arg(long)]
    network: PathBuf,
    /// The training algorithm (Augmented Random Search, V2-t).
    #[arg(long, value_parser = ["ars"], default_value = "ars")]
    algorithm: String,
    #[arg(long, default_value_t = ArsSettings::default().iterations, value_parser = super::count(1_000_000))]
    iterations: usize,
    /// Random directions tried per iteration (each both ways).
    #[arg(long, default_value_t = ArsSettings::default().directions, value_parser = super::count(10_000))]
    directions: usize,
    /// How many of the best directions make each update (at most --directions).
    #[arg(long, default_value_t = ArsSettings::default().top_directions, value_parser = super::count(10_000))]
    top: usize,
    /// Step size α.
    #[arg(long, default_value_t = ArsSettings::default().step_size, allow_negative_numbers = true)]
    step_size: f64,
    /// Exploration noise ν, in units of half an action's range.
    #[arg(long, default_value_t = ArsSettings::default().noise, allow_negative_numbers = true)]
    noise: f64,
    /// Steps of every training rollout.
    #[arg(long, default_value_t = ArsSettings::default().episode_steps, value_parser = super::count(10_000_000))]
    episode_steps: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Rollouts run in parallel (default: one per core); the policy does not depend on it.
    #[arg(long, value_parser = super::count(1024))]
    threads: Option<usize>,
    /// Observation components the policy reads, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    observation: Option<Vec<String>>,
    /// Action components it sets, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    action: Option<Vec<String>>,
    /// Where to write the best policy found (RON, for `--agent linear:FILE`).
    #[arg(long)]
    out: PathBuf,
    /// Print the learning curve as JSON Lines, one object per iteration.
    #[arg(long)]
    json: bool,
}

impl TrainArgs {
    fn settings(&self) -> ArsSettings {
        let default = ArsSettings::default();
        ArsSettings {
            iterations: self.iterations,
            directions: self.directions,
            top_directions: self.top,
            step_size: self.step_size,
            noise: self.noise,
            episode_steps: self.episode_steps,
            seed: self.seed,
            threads: self.threads.unwrap_or(default.threads),
            observation: self.observation.clone(),
            action: self.action.clone(),
            evaluation_starts: default.evaluation_starts,
        }
    }
}

/// Set by Ctrl+C: training stops after the iteration under way and keeps its best policy.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::Relaxed);
    // A second Ctrl+C ends the program at once.
    // SAFETY: signal() is async-signal-safe and SIG_DFL is a valid disposition.
    unsafe { libc::signal(libc::SIGINT, libc::SIG_DFL) };
}

fn catch_interrupt() {
    let handler = on_interrupt as extern "C" fn(libc::c_int);
    // SAFETY: the handler only stores to an atomic and resets the disposition.
    unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
}

pub fn train(args: &TrainArgs) -> Result<ExitCode, String> {
    let env = open_environment(&args.network)?;
    super::check_output(&args.out)?;
    let settings = args.settings();
    let mut ars = Ars::new(env.initial_network(), settings.clone()).map_err(|e| e.to_string())?;
    drop(env);
    let bar = progress_bar(settings.iterations as u64, "training")?;
    catch_interrupt();
    let mut last = None;
    while !ars.finished() && !INTERRUPTED.load(Ordering::Relaxed) {
        let progress = ars.iterate().map_err(|e| e.to_string())?;
        if args.json {
            outln!("{}", json!(progress))?;
        }
        bar.set_message(format!("best return {:.3}", progress.best_return));
        bar.inc(1);
        last = Some(progress);
    }
    bar.finish_and_clear();
    let (policy, best) = ars.best_policy();
    let comment = provenance(&args.network, &settings, best);
    save_linear_policy(policy, &comment, &args.out)
        .map_err(|e| format!("{}: cannot write the policy: {e}", args.out.display()))?;
    if !args.json {
        let (done, seconds) = last.map_or((0, 0.0), |p| (p.iteration, p.seconds));
        let stopped = if ars.finished() {
            ""
        } else {
            " (stopped by Ctrl+C)"
        };
        outln!(
            "{done} iterations in {seconds:.1} s{stopped}: best return {best:.4} over {} rollouts of {} steps; wrote {}",
            settings.evaluation_starts,
            settings.episode_steps,
            args.out.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The comment a trained policy file starts with: what made it and how to make it again.
fn provenance(network: &Path, s: &ArsSettings, best: f64) -> String {
    format!(
        "Trained by `gridpilot train` (Augmented Random Search V2-t) on {}.\n\
         iterations {}, directions {}, top {}, step size {}, noise {}, episode steps {}, seed {}.\n\
         Best mean return {best:.6} over {} rollouts spread over the cycle.\n\
         Observations are normalised by obs_mean and obs_std; no features beyond the observation.",
        network.display(),
        s.iterations,
        s.directions,
        s.top_directions,
        s.step_size,
        s.noise,
        s.episode_steps,
        s.seed,
        s.evaluation_starts,
    )
}

/// A bar on stderr (hidden when stderr is not a terminal).
fn progress_bar(length: u64, what: &str) -> Result<ProgressBar, String> {
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    let template = format!("{what} {{bar:30}} {{pos}}/{{len}} {{msg}}");
    bar.set_style(ProgressStyle::with_template(&template).map_err(|e| e.to_string())?);
    Ok(bar)
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// A recorded episode (from `gridpilot run --out` or the app).
    #[arg(long)]
    episode: PathBuf,
    /// Where to write the fitted policy (RON).
    #[arg(long)]
    out: PathBuf,
    /// Ridge λ, added to the diagonal of the normal equations on normalised observations
    /// (whose diagonal is the number of steps).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    ridge: f64,
    /// Observation components the policy reads, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    observation: Option<Vec<String>>,
    /// Action components it sets, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    action: Option<Vec<String>>,
}

pub fn fit_policy(args: &FitArgs) -> Result<ExitCode, String> {
    super::check_output(&args.out)?;
    let name = args.episode.display();
    let mut reader = EpisodeReader::open(&args.episode).map_err(|e| e.to_string())?;
    let header = reader.header.clone();
    let env = gridpilot::sim::Environment::new(header.network.clone())
        .map_err(|e| format!("{name}: {e}"))?;
    let shape = PolicyShape::new(
        env.observation_space(),
        env.action_space(),
        &env.do_nothing_action(),
        args.observation.as_deref(),
        args.action.as_deref(),
    )
    .map_err(|e| format!("{name}: {e}"))?;
    let steps = reader.steps().map(|step| step.map_err(|e| e.to_string()));
    let samples = episode_samples(&header, steps, &shape).map_err(|e| format!("{name}: {e}"))?;
    let fitted = fit(&samples, &shape, args.ridge).map_err(|e| format!("{name}: {e}"))?;
    let comment = format!(
        "Fitted by `gridpilot fit` to the actions of {name} ({} steps), ridge {}.\n\
         R² per action: {}",
        fitted.samples,
        args.ridge,
        r_squared_list(&fitted.policy, &fitted.r_squared)
    );
    save_linear_policy(&fitted.policy, &comment, &args.out)
        .map_err(|e| format!("{}: cannot write the policy: {e}", args.out.display()))?;
    outln!(
        "fitted {} actions on {} observations to {} steps; wrote {}",
        fitted.policy.action.len(),
        fitted.policy.observation.len(),
        fitted.samples,
        args.out.display()
    )?;
    outln!("R² (share of each action's variance the policy explains):")?;
    for (name, r2) in fitted.policy.action.iter().zip(&fitted.r_squared) {
        outln!("  {name:<28} {}", r_squared_text(*r2))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn r_squared_text(r2: Option<f64>) -> String {
    r2.map_or("constant (the bias gives it)".to_string(), |r| {
        format!("{r:.4}")
    })
}

fn r_squared_list(policy: &LinearPolicy, r2: &[Option<f64>]) -> String {
    let items: Vec<String> = policy
        .action
        .iter()
        .zip(r2)
        .map(|(a, r)| format!("{a} {}", r.map_or("constant".into(), |r| format!("{r:.4}"))))
        .collect();
    items.join(", ")
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// A network file with a scenario section.
    #[arg(long)]
    network: PathBuf,
    /// An agent to evaluate (repeat for each): do-nothing, random, linear:POLICY.ron,
    /// schedule:ACTIONS.csv
    #[arg(long, required = true)]
    agent: Vec<String>,
    /// Episodes per agent, from the same seeded starts for every agent.
    #[arg(long, default_value_t = 1, value_parser = super::count(1_000_000))]
    episodes: usize,
    /// Steps per episode.
    #[arg(long, default_value_t = 2000, value_parser = super::count(1_000_000_000))]
    steps: usize,
    /// Seed of the starts (and of the random agent).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Start every episode at this time index instead of one drawn over the cycle.
    #[arg(long)]
    start_step: Option<usize>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn evaluate(args: &EvaluateArgs) -> Result<ExitCode, String> {
    let mut env = open_environment(&args.network)?;
    let cycle = env.scenario().steps_per_cycle;
    if let Some(start) = args.start_step.filter(|&s| s >= cycle) {
        return Err(format!(
            "--start-step {start} is outside the cycle 0..{cycle}"
        ));
    }
    let settings = EvaluationSettings {
        episodes: args.episodes,
        steps: args.steps,
        seed: args.seed,
        start_time_index: args.start_step,
    };
    let bar = progress_bar((args.agent.len() * args.episodes) as u64, "evaluating")?;
    let build = |spec: &str, spaces: &Spaces| {
        agent_from_spec(spec, spaces, args.seed).map_err(|e| e.to_string())
    };
    let never = AtomicBool::new(false);
    let scores = evaluate::compare(&mut env, &args.agent, &settings, &build, &never, |_| {
        bar.inc(1)
    })
    .map_err(|e| format!("{}: {e}", args.network.display()))?;
    bar.finish_and_clear();
    if args.json {
        let report = json!({
            "network": env.network().name,
            "episodes": args.episodes,
            "steps": args.steps,
            "seed": args.seed,
            "discount": env.scenario().discount,
            "agents": scores,
        });
        outln!("{report}")?;
    } else {
        print_table(&env.network().name, args, env.scenario().discount, &scores)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(
    network: &str,
    args: &EvaluateArgs,
    discount: f64,
    scores: &[AgentScore],
) -> Result<(), String> {
    outln!(
        "{network}: {} episode(s) of {} steps per agent, seed {}, γ = {discount}",
        args.episodes,
        args.steps,
        args.seed
    )?;
    outln!(
        "{:<28} {:>22} {:>12} {:>10} {:>10} {:>10} {:>7}",
        "agent",
        "discounted return",
        "return",
        "lost MWh",
        "curt. MWh",
        "stored MWh",
        "failed"
    )?;
    for s in scores {
        let d = &s.discounted_return;
        outln!(
            "{:<28} {:>22} {:>12.3} {:>10.2} {:>10.2} {:>10.2} {:>7}",
            s.agent,
            format!("{:.3} ± {:.3}", d.mean, d.std),
            s.total_return.mean,
            s.energy_lost_mwh,
            s.energy_curtailed_mwh,
            s.energy_stored_mwh,
            s.failed_solves
        )?;
        let violations: Vec<String> = s
            .violations
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        if !violations.is_empty() {
            outln!("    violations: {}", violations.join(", "))?;
        }
    }
    Ok(())
}
