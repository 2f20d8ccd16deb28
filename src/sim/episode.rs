//! Recorded episodes: everything needed to replay without recomputing — the network and
//! scenario, seed and start, and for every step the requested and applied actions, the solved
//! state, reward terms, violations and events — and a re-simulation that finds where a
//! recording and the simulator part ways.

use serde::{Deserialize, Serialize};

use super::env::{Environment, Event, ResetOptions, StepResult};
use super::{Clipping, RewardTerms, Violation};
use crate::model::{Device, Network};

/// The solved state at one step (step 0 is the state after reset). The default, with no
/// values, draws a network that has not been solved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub step: usize,
    pub time_index: usize,
    /// The action as the agent asked for it (empty at step 0).
    pub requested_action: Vec<f64>,
    /// The setpoints it became after clipping and projection.
    pub applied_action: Vec<f64>,
    pub reward: f64,
    pub reward_terms: RewardTerms,
    pub terminated: bool,
    pub truncated: bool,
    pub converged: bool,
    pub bus_vm_pu: Vec<f64>,
    pub bus_va_deg: Vec<f64>,
    /// Per branch: P and Q at the from end, P and Q at the to end.
    pub branch_flows: Vec<[f64; 4]>,
    /// Per branch: sign(P_from) · max(|S_from|, |S_to|).
    pub branch_s_mva: Vec<f64>,
    pub branch_in_service: Vec<bool>,
    pub device_p_mw: Vec<f64>,
    pub device_q_mvar: Vec<f64>,
    /// Per storage unit, in device order.
    pub soc_mwh: Vec<f64>,
    pub violations: Vec<Violation>,
    pub events: Vec<Event>,
    pub clipped: Vec<Clipping>,
}

/// A whole recorded episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// The network at reset, scenario included, with CSV series read in.
    pub network: Network,
    /// Who operated it, as given on the command line or in the app.
    pub agent: String,
    pub seed: u64,
    pub start_time_index: usize,
    pub initial_soc_mwh: Vec<(String, f64)>,
    pub steps: Vec<StepRecord>,
}

impl Episode {
    /// Starts a recording from an environment just reset with these settings.
    pub fn start(env: &Environment, agent: &str, seed: u64, options: &ResetOptions) -> Self {
        let mut network = env.initial_network().clone();
        if let Some(s) = &mut network.scenario {
            s.start_time_index = env.time_index();
        }
        let mut episode = Episode {
            network,
            agent: agent.to_string(),
            seed,
            start_time_index: env.time_index(),
            initial_soc_mwh: options.initial_soc_mwh.clone(),
            steps: Vec::new(),
        };
        episode.steps.push(record(env, None, Vec::new()));
        episode
    }

    /// Appends the state after a step taken with `requested` action.
    pub fn push(&mut self, env: &Environment, requested: &[f64], result: &StepResult) {
        self.steps
            .push(record(env, Some(result), requested.to_vec()));
    }

    pub fn reset_options(&self) -> ResetOptions {
        ResetOptions {
            start_time_index: Some(self.start_time_index),
            initial_soc_mwh: self.initial_soc_mwh.clone(),
        }
    }
}

fn record(
    env: &Environment,
    result: Option<&StepResult>,
    requested_action: Vec<f64>,
) -> StepRecord {
    let net = env.network();
    let pf = env.power_flow();
    let storage = net.devices.iter().filter_map(|d| match d {
        Device::Storage(s) => Some(s.soc_mwh),
        _ => None,
    });
    let info = result.map(|r| r.info.clone()).unwrap_or_default();
    StepRecord {
        step: info.step,
        time_index: env.time_index(),
        requested_action,
        applied_action: env.applied_action(),
        reward: result.map_or(0.0, |r| r.reward),
        reward_terms: info.reward_terms,
        terminated: result.is_some_and(|r| r.terminated),
        truncated: result.is_some_and(|r| r.truncated),
        converged: pf.converged,
        bus_vm_pu: pf.buses.iter().map(|b| b.vm_pu).collect(),
        bus_va_deg: pf.buses.iter().map(|b| b.va_deg).collect(),
        branch_flows: pf
            .branches
            .iter()
            .map(|b| [b.p_from_mw, b.q_from_mvar, b.p_to_mw, b.q_to_mvar])
            .collect(),
        branch_s_mva: env.branch_s_mva().to_vec(),
        branch_in_service: net.branches.iter().map(|b| b.in_service).collect(),
        device_p_mw: pf.devices.iter().map(|d| d.p_mw).collect(),
        device_q_mvar: pf.devices.iter().map(|d| d.q_mvar).collect(),
        soc_mwh: storage.collect(),
        violations: info.violations,
        events: info.events,
        clipped: info.clipped,
    }
}

/// Where a re-simulation first differs from a recording.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("step {step}: {what} differs (recorded {recorded}, simulated {simulated})")]
pub struct Divergence {
    pub step: usize,
    pub what: String,
    pub recorded: String,
    pub simulated: String,
}

/// Re-simulates an episode from its network, seed, start and requested actions, and compares
/// every recorded value exactly.
pub fn verify(episode: &Episode) -> Result<(), VerifyError> {
    let mut env = Environment::new(episode.network.clone(), std::path::Path::new("."))
        .map_err(|e| VerifyError::Setup(e.to_string()))?;
    env.reset(episode.seed, &episode.reset_options())
        .map_err(|e| VerifyError::Setup(e.to_string()))?;
    let mut replayed = Episode::start(&env, &episode.agent, episode.seed, &episode.reset_options());
    for recorded in episode.steps.iter().skip(1) {
        let result = env.step(&recorded.requested_action);
        replayed.push(&env, &recorded.requested_action, &result);
    }
    for (recorded, simulated) in episode.steps.iter().zip(&replayed.steps) {
        if recorded != simulated
            && let Some(d) = first_difference(recorded, simulated)
        {
            return Err(VerifyError::Diverged(d));
        }
    }
    Ok(())
}

/// Why verification failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot re-simulate: {0}")]
    Setup(String),
    #[error("{0}")]
    Diverged(Divergence),
}

/// Prints one field of a record.
type Show = fn(&StepRecord) -> String;

/// The first field in which two records differ. Rust prints every distinct f64 differently
/// (shortest round-trip form), so comparing printed fields is exact.
fn first_difference(a: &StepRecord, b: &StepRecord) -> Option<Divergence> {
    let fields: [(&str, Show); 12] = [
        ("time index", |r| format!("{}", r.time_index)),
        ("applied action", |r| format!("{:?}", r.applied_action)),
        ("reward", |r| format!("{:?}", r.reward)),
        ("termination", |r| {
            format!("terminated {} truncated {}", r.terminated, r.truncated)
        }),
        ("bus voltage magnitudes", |r| format!("{:?}", r.bus_vm_pu)),
        ("bus voltage angles", |r| format!("{:?}", r.bus_va_deg)),
        ("branch flows", |r| format!("{:?}", r.branch_flows)),
        ("branch states", |r| format!("{:?}", r.branch_in_service)),
        ("device active power", |r| format!("{:?}", r.device_p_mw)),
        ("device reactive power", |r| {
            format!("{:?}", r.device_q_mvar)
        }),
        ("state of charge", |r| format!("{:?}", r.soc_mwh)),
        ("violations and events", |r| {
            format!("{:?} {:?}", r.violations, r.events)
        }),
    ];
    fields.into_iter().find_map(|(what, show)| {
        let (recorded, simulated) = (show(a), show(b));
        (recorded != simulated).then(|| Divergence {
            step: a.step,
            what: what.to_string(),
            recorded: shorten(recorded),
            simulated: shorten(simulated),
        })
    })
}

fn shorten(mut text: String) -> String {
    const LONGEST: usize = 300;
    if let Some((cut, _)) = text.char_indices().nth(LONGEST) {
        text.truncate(cut);
        text.push('…');
    }
    text
}
