//! Agents compared as the gym-anm paper compares them: every agent runs from the same seeded
//! starts for the same number of steps, and each episode reports its discounted return (γ from
//! the scenario), its plain return, violations by kind, the energy lost in the grid, curtailed
//! and stored, and failed solves.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use super::LearnError;
use crate::agent::{Agent, Spaces};
use crate::model::Device;
use crate::sim::{Environment, Event, ResetOptions, ViolationKind};

/// Which episodes every agent runs.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationSettings {
    pub episodes: usize,
    /// Steps per episode (fewer when an episode ends).
    pub steps: usize,
    /// Seeds the starts: the same seed gives every agent the same episodes.
    pub seed: u64,
    /// Every episode starts at this time index; when `None` each start is drawn uniformly
    /// over the cycle, as gym-anm's reset draws it.
    pub start_time_index: Option<usize>,
}

/// Where one episode starts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EpisodeStart {
    pub seed: u64,
    pub time_index: usize,
}

/// What one episode gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpisodeScore {
    pub start: EpisodeStart,
    pub discounted_return: f64,
    pub total_return: f64,
    pub steps: usize,
    /// Violations (element × step) per kind, in the order of [`ViolationKind::ALL`].
    #[serde(skip)]
    pub violations: [usize; ViolationKind::ALL.len()],
    /// Energy lost in branches.
    pub energy_lost_mwh: f64,
    /// Renewable energy available but not produced.
    pub energy_curtailed_mwh: f64,
    /// Net energy put into storage (negative when storage gave more than it took).
    pub energy_stored_mwh: f64,
    pub failed_solves: usize,
}

/// The starts of an evaluation, the same for every agent.
pub fn starts(settings: &EvaluationSettings, steps_per_cycle: usize) -> Vec<EpisodeStart> {
    let mut rng = StdRng::seed_from_u64(settings.seed);
    (0..settings.episodes)
        .map(|_| {
            let seed = rng.random();
            let drawn = rng.random_range(0..steps_per_cycle.max(1));
            EpisodeStart {
                seed,
                time_index: settings.start_time_index.unwrap_or(drawn),
            }
        })
        .collect()
}

/// Runs `agent` for one episode from `start`.
pub fn score_episode(
    env: &mut Environment,
    agent: &mut dyn Agent,
    start: EpisodeStart,
    steps: usize,
) -> Result<EpisodeScore, LearnError> {
    let options = ResetOptions {
        start_time_index: Some(start.time_index),
        ..ResetOptions::default()
    };
    let mut observation = env.reset(start.seed, &options)?;
    agent.reset();
    let (gamma, dt_h) = (env.scenario().discount, env.scenario().time_step_h);
    let mut score = EpisodeScore {
        start,
        discounted_return: 0.0,
        total_return: 0.0,
        steps: 0,
        violations: [0; ViolationKind::ALL.len()],
        energy_lost_mwh: 0.0,
        energy_curtailed_mwh: 0.0,
        energy_stored_mwh: 0.0,
        failed_solves: 0,
    };
    let mut weight = 1.0;
    for _ in 0..steps {
        let action = agent.act(&observation);
        if let Some(why) = agent.failure() {
            return Err(LearnError::Agent(why.to_string()));
        }
        let result = env.step(&action);
        agent.observe(result.reward, &result.observation, result.terminated);
        score.steps += 1;
        score.total_return += result.reward;
        score.discounted_return += weight * result.reward;
        weight *= gamma;
        for v in &result.info.violations {
            score.violations[v.kind as usize] += 1;
        }
        let failed = result
            .info
            .events
            .iter()
            .any(|e| matches!(e, Event::PowerFlowFailed { .. }));
        if failed {
            score.failed_solves += 1;
        } else {
            add_energy(env, dt_h, &mut score);
        }
        if result.terminated || result.truncated {
            break;
        }
        observation = result.observation;
    }
    Ok(score)
}

/// Adds the step's energy lost, curtailed and stored.
fn add_energy(env: &Environment, dt_h: f64, score: &mut EpisodeScore) {
    let result = env.power_flow();
    let lost_mw: f64 = result
        .branches
        .iter()
        .map(|b| b.p_from_mw + b.p_to_mw)
        .sum();
    score.energy_lost_mwh += dt_h * lost_mw;
    let devices = env.network().devices.iter().zip(&result.devices);
    for ((dev, out), available) in devices.zip(env.available_mw()) {
        match dev {
            Device::Renewable(_) => {
                score.energy_curtailed_mwh += dt_h * (available - out.p_mw).max(0.0);
            }
            Device::Storage(_) => score.energy_stored_mwh -= dt_h * out.p_mw,
            _ => {}
        }
    }
}

/// Mean, spread and range of one figure over episodes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: impl Iterator<Item = f64> + Clone) -> Spread {
        let n = values.clone().count().max(1) as f64;
        let mean = values.clone().sum::<f64>() / n;
        let var = values.clone().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        Spread {
            mean,
            std: var.sqrt(),
            min,
            max,
        }
    }
}

/// One agent's episodes and their summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentScore {
    pub agent: String,
    pub discounted_return: Spread,
    pub total_return: Spread,
    /// Mean per episode.
    pub energy_lost_mwh: f64,
    pub energy_curtailed_mwh: f64,
    pub energy_stored_mwh: f64,
    /// Over all episodes: violations per kind (by label) and failed solves.
    pub violations: std::collections::BTreeMap<&'static str, usize>,
    pub failed_solves: usize,
    pub episodes: Vec<EpisodeScore>,
}

impl AgentScore {
    pub fn new(agent: &str, episodes: Vec<EpisodeScore>) -> AgentScore {
        let n = episodes.len().max(1) as f64;
        let mean = |f: fn(&EpisodeScore) -> f64| episodes.iter().map(f).sum::<f64>() / n;
        let mut violations = std::collections::BTreeMap::new();
        for (k, kind) in ViolationKind::ALL.iter().enumerate() {
            let count: usize = episodes.iter().map(|e| e.violations[k]).sum();
            if count > 0 {
                violations.insert(kind.label(), count);
            }
        }
        AgentScore {
            agent: agent.to_string(),
            discounted_return: Spread::of(episodes.iter().map(|e| e.discounted_return)),
            total_return: Spread::of(episodes.iter().map(|e| e.total_return)),
            energy_lost_mwh: mean(|e| e.energy_lost_mwh),
            energy_curtailed_mwh: mean(|e| e.energy_curtailed_mwh),
            energy_stored_mwh: mean(|e| e.energy_stored_mwh),
            violations,
            failed_solves: episodes.iter().map(|e| e.failed_solves).sum(),
            episodes,
        }
    }
}

/// Builds an agent, by its command-line name, for an environment's spaces (reading its file if
/// it has one: the caller's part, as this module reads no files).
pub type BuildAgent<'a> = dyn Fn(&str, &Spaces) -> Result<Box<dyn Agent>, String> + 'a;

/// Runs every agent (named as the command line names them, built by `build`) from the same
/// starts of `settings`; `each` hears of every episode finished. Setting `cancel` stops it
/// before the next episode.
pub fn compare(
    env: &mut Environment,
    agents: &[String],
    settings: &EvaluationSettings,
    build: &BuildAgent,
    cancel: &AtomicBool,
    mut each: impl FnMut(&EpisodeScore),
) -> Result<Vec<AgentScore>, LearnError> {
    let starts = starts(settings, env.scenario().steps_per_cycle);
    let do_nothing = env.do_nothing_action();
    let mut scores = Vec::with_capacity(agents.len());
    for name in agents {
        let spaces = Spaces {
            action: env.action_space(),
            observation: env.observation_space(),
            do_nothing: &do_nothing,
        };
        let mut agent = build(name, &spaces).map_err(LearnError::Agent)?;
        let mut episodes = Vec::with_capacity(starts.len());
        for start in &starts {
            if cancel.load(Ordering::Relaxed) {
                return Err(LearnError::Cancelled);
            }
            let score = score_episode(env, agent.as_mut(), *start, settings.steps)?;
            each(&score);
            episodes.push(score);
        }
        scores.push(AgentScore::new(name, episodes));
    }
    Ok(scores)
}
