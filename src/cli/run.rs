//! `gridpilot run` and `gridpilot spaces`: episodes from the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use indicatif::ProgressBar;
use serde_json::{Map, Value, json};

use gridpilot::agent::Spaces;
use gridpilot::agent::rollout::{self, Rollout, VerifyError};
use gridpilot::io::{EpisodeError, EpisodeReader, EpisodeWriter};
use gridpilot::model::{Device, Network};
use gridpilot::sim::episode::{EpisodeHeader, StepRecord};
use gridpilot::sim::{CostTerms, Environment, Event, ResetOptions, StepResult, ViolationKind};

#[derive(Debug, Args)]
pub struct SpacesArgs {
    /// A network file with a scenario section.
    #[arg(long)]
    network: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A network file with a scenario section.
    #[arg(long)]
    network: PathBuf,
    /// do-nothing, random, linear:POLICY.ron, schedule:ACTIONS.csv or remote:http://HOST:PORT
    #[arg(long, default_value = "do-nothing")]
    agent: String,
    /// Seed of the episode (time series noise) and of the random agent.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Time index at reset (the first step advances it).
    #[arg(long)]
    start_step: Option<usize>,
    /// Number of steps (default: the scenario's episode length, or one cycle).
    #[arg(long, value_parser = super::count(1_000_000_000))]
    steps: Option<usize>,
    /// Initial state of charge of a storage unit, as DEVICE=MWH (repeatable).
    #[arg(long, value_name = "DEVICE=MWH")]
    initial_soc: Vec<String>,
    /// Record the episode to this file, for replay in the app or `gridpilot replay`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print one JSON object per step (JSON Lines).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// An episode file.
    file: PathBuf,
    /// Re-simulate the episode and report the first step where it differs from the recording.
    #[arg(long)]
    verify: bool,
}

/// Opens a network file as an environment; CSV profiles are found beside it. A network without
/// a scenario runs a plain day at its file values, as in the app.
pub fn open_environment(path: &Path) -> Result<Environment, String> {
    let net = super::read_network_warning(path)?.runnable();
    let dir = path.parent().unwrap_or(Path::new("."));
    let net = gridpilot::io::read_series(net, dir).map_err(|e| e.to_string())?;
    Environment::new(net).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn spaces(args: &SpacesArgs) -> Result<ExitCode, String> {
    let env = open_environment(&args.network)?;
    if args.json {
        let report = json!({
            "action": env.action_space(),
            "observation": env.observation_space(),
            "do_nothing": env.do_nothing_action(),
        });
        outln!("{report}")?;
        return Ok(ExitCode::SUCCESS);
    }
    for (title, space) in [
        ("action", env.action_space()),
        ("observation", env.observation_space()),
    ] {
        outln!("{title} ({} components)", space.len())?;
        for c in space {
            outln!("  {:<28} [{}, {}] {}", c.name, c.low, c.high, c.unit)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn reset_options(args: &RunArgs) -> Result<ResetOptions, String> {
    let initial_soc_mwh = args
        .initial_soc
        .iter()
        .map(|s| {
            let (device, value) = s
                .split_once('=')
                .ok_or_else(|| format!("--initial-soc '{s}': expected DEVICE=MWH"))?;
            let mwh = value
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("--initial-soc '{s}': '{value}' is not a number"))?;
            Ok((device.trim().to_string(), mwh))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut seen = std::collections::HashSet::new();
    if let Some((twice, _)) = initial_soc_mwh
        .iter()
        .find(|(d, _)| !seen.insert(d.as_str()))
    {
        return Err(format!("--initial-soc gives '{twice}' twice"));
    }
    Ok(ResetOptions {
        start_time_index: args.start_step,
        initial_soc_mwh,
    })
}

pub fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let mut env = open_environment(&args.network)?;
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &env.do_nothing_action(),
    };
    let mut agent = gridpilot::io::agent_from_spec(&args.agent, &spaces, args.seed)
        .map_err(|e| e.to_string())?;
    let steps = args.steps.unwrap_or_else(|| {
        let s = env.scenario();
        s.episode_steps.unwrap_or(s.steps_per_cycle)
    });
    let options = reset_options(args)?;
    let (mut rollout, first) = Rollout::start(&mut env, agent.as_mut(), args.seed, &options)
        .map_err(|e| format!("{}: {e}", args.network.display()))?;
    let header = EpisodeHeader::new(&env, &args.agent, args.seed, &options);
    let mut recording = args
        .out
        .as_ref()
        .map(|path| Recording::create(path, &header, &first))
        .transpose()?;
    let progress = if args.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(steps as u64)
    };
    let mut summary = Summary::default();
    for _ in 0..steps {
        let (result, record) = rollout.step(&mut env, agent.as_mut());
        if let Some(why) = agent.failure() {
            // The step the agent could not choose is left out; the recording keeps the rest.
            let why = why.to_string();
            progress.finish_and_clear();
            if let Some(recording) = recording.take() {
                recording.finish()?;
            }
            return Err(format!("{why} (at step {})", result.info.step));
        }
        summary.add(&result, env.scenario().discount);
        if let Some(recording) = &mut recording {
            recording.write(&record)?;
        }
        if args.json {
            outln!("{}", step_json(env.network(), &record))?;
        }
        progress.inc(1);
        if result.terminated || result.truncated {
            summary.ended = Some(end_reason(&result));
            break;
        }
    }
    progress.finish_and_clear();
    if let Some(recording) = recording {
        recording.finish()?;
    }
    if !args.json {
        summary.print(&env, &args.agent, args.seed)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// An episode file being written as the run goes, its messages naming the file.
struct Recording {
    writer: EpisodeWriter,
    path: PathBuf,
}

impl Recording {
    fn create(path: &Path, header: &EpisodeHeader, first: &StepRecord) -> Result<Self, String> {
        let fail = |e: std::io::Error| format!("{}: cannot write the episode: {e}", path.display());
        let mut writer = EpisodeWriter::create(path, header).map_err(fail)?;
        writer.write(first).map_err(fail)?;
        Ok(Recording {
            writer,
            path: path.to_path_buf(),
        })
    }

    fn write(&mut self, step: &StepRecord) -> Result<(), String> {
        self.writer
            .write(step)
            .map(drop)
            .map_err(|e| format!("{}: cannot write the episode: {e}", self.path.display()))
    }

    fn finish(self) -> Result<(), String> {
        let path = self.path;
        self.writer
            .finish()
            .map(drop)
            .map_err(|e| format!("{}: cannot write the episode: {e}", path.display()))
    }
}

fn end_reason(result: &StepResult) -> String {
    if result.terminated {
        let why = result.info.events.iter().find_map(|e| match e {
            Event::PowerFlowFailed { reason } => Some(format!("power flow failed: {reason}")),
            Event::GameOver { reason } => Some(reason.clone()),
            _ => None,
        });
        format!(
            "terminated at step {}: {}",
            result.info.step,
            why.unwrap_or_default()
        )
    } else {
        format!("truncated at step {} (episode length)", result.info.step)
    }
}

/// Totals for the closing summary.
#[derive(Default)]
struct Summary {
    steps: usize,
    total: f64,
    discounted: f64,
    violations: BTreeMap<ViolationKind, usize>,
    ended: Option<String>,
}

impl Summary {
    fn add(&mut self, r: &StepResult, discount: f64) {
        self.discounted += discount.powi(self.steps as i32) * r.reward;
        self.total += r.reward;
        self.steps += 1;
        for v in &r.info.violations {
            *self.violations.entry(v.kind).or_default() += 1;
        }
    }

    fn print(&self, env: &Environment, agent: &str, seed: u64) -> Result<(), String> {
        outln!(
            "{}: {} steps with {agent} (seed {seed}): return {:.4} (discounted {:.4})",
            env.network().name,
            self.steps,
            self.total,
            self.discounted
        )?;
        if self.violations.is_empty() {
            outln!("no violations")?;
        }
        for (kind, count) in &self.violations {
            outln!("  {:<26} {count}", kind.label())?;
        }
        outln!(
            "{}",
            self.ended.as_deref().unwrap_or("ran all requested steps")
        )?;
        Ok(())
    }
}

/// One step as a JSON object: the solved state by element name (null where the power flow
/// failed), reward terms and violations.
pub fn step_json(net: &Network, s: &StepRecord) -> Value {
    let buses: Map<String, Value> = net
        .buses
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let v = json!({"vm_pu": s.bus_vm_pu[i], "va_deg": s.bus_va_deg[i]});
            (b.name.clone(), v)
        })
        .collect();
    let branches: Map<String, Value> = net
        .branches
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let s_mva = s.branch_s_mva[k];
            let loading_pct = b.rating_mva.map(|r| 100.0 * s_mva.abs() / r);
            let [p_from_mw, q_from_mvar, ..] = s.branch_flows[k];
            let v = json!({"p_from_mw": p_from_mw, "q_from_mvar": q_from_mvar, "s_mva": s_mva,
                           "loading_pct": loading_pct, "in_service": s.branch_in_service[k]});
            (b.name.clone(), v)
        })
        .collect();
    let mut soc = s.soc_mwh.iter();
    let devices: Map<String, Value> = net
        .devices
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let mut v = json!({"p_mw": s.device_p_mw[k], "q_mvar": s.device_q_mvar[k]});
            if matches!(d, Device::Storage(_)) {
                v["soc_mwh"] = json!(soc.next());
            }
            (d.name().to_string(), v)
        })
        .collect();
    let mut reward_terms = json!(s.reward_terms);
    if s.reward_terms.costs != CostTerms::default() {
        reward_terms["costs"] = json!(s.reward_terms.costs);
    }
    json!({
        "step": s.step,
        "time_index": s.time_index,
        "converged": s.converged,
        "reward": s.reward,
        "reward_terms": reward_terms,
        "terminated": s.terminated,
        "truncated": s.truncated,
        "buses": buses,
        "branches": branches,
        "devices": devices,
        "violations": s.violations,
        "clipped": s.clipped,
        "events": s.events,
    })
}

pub fn replay(args: &ReplayArgs) -> Result<ExitCode, String> {
    let mut reader = EpisodeReader::open(&args.file).map_err(|e| e.to_string())?;
    let in_file = |e: EpisodeError| format!("{}: {e}", args.file.display());
    let mut total = 0.0;
    for step in reader.steps() {
        total += step.map_err(in_file)?.reward;
    }
    let header = &reader.header;
    outln!(
        "{}: {} on {}, {} steps from time index {} (seed {}), return {total:.4}",
        args.file.display(),
        header.agent,
        header.network.name,
        reader.len().saturating_sub(1),
        header.start_time_index,
        header.seed
    )?;
    if let Some(why) = &reader.cut_short {
        outln!("note: {why}")?;
    }
    if !args.verify {
        return Ok(ExitCode::SUCCESS);
    }
    let header = reader.header.clone();
    let steps = reader.steps().map(|s| s.map_err(|e| e.to_string()));
    match rollout::verify(&header, steps) {
        Ok(n) => {
            outln!("verified: re-simulating gives every recorded value of all {n} steps exactly")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(VerifyError::Diverged(d)) => {
            outln!("DIVERGES at {d}")?;
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(format!("{}: {e}", args.file.display())),
    }
}
