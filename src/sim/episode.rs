//! Recorded episodes: everything needed to replay without recomputing — the network and
//! scenario, seed and start, and for every step the requested and applied actions, the solved
//! state, reward terms, violations, events and who acted — and the comparison that finds
//! where a recording and the simulator part ways (re-simulation is in [`crate::agent::rollout`]).

use serde::{Deserialize, Serialize};

use super::env::{Environment, Event, ResetOptions, StepInfo, StepResult};
use super::{Clipping, RewardTerms, Violation};
use crate::model::{Device, Network};
use crate::powerflow::PowerFlowResult;

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
    /// The agent that acted from this step on, when another agent took over here.
    pub agent: Option<String>,
}

/// What an episode file says before its steps: how the episode was started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeHeader {
    /// The network at reset, scenario included, with CSV series read in.
    pub network: Network,
    /// Who operated it at the start, as the command line names agents (later changes are in
    /// the steps).
    pub agent: String,
    pub seed: u64,
    pub start_time_index: usize,
    pub initial_soc_mwh: Vec<(String, f64)>,
}

impl EpisodeHeader {
    /// The header of an episode started on `env` just reset with these settings.
    pub fn new(env: &Environment, agent: &str, seed: u64, options: &ResetOptions) -> Self {
        let mut network = env.initial_network().clone();
        if let Some(s) = &mut network.scenario {
            s.start_time_index = env.time_index();
        }
        EpisodeHeader {
            network,
            agent: agent.to_string(),
            seed,
            start_time_index: env.time_index(),
            initial_soc_mwh: options.initial_soc_mwh.clone(),
        }
    }

    pub fn reset_options(&self) -> ResetOptions {
        ResetOptions {
            start_time_index: Some(self.start_time_index),
            initial_soc_mwh: self.initial_soc_mwh.clone(),
        }
    }
}

/// A whole recorded episode, in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    pub network: Network,
    pub agent: String,
    pub seed: u64,
    pub start_time_index: usize,
    pub initial_soc_mwh: Vec<(String, f64)>,
    pub steps: Vec<StepRecord>,
}

impl Episode {
    /// A recording from its header and its first record (the state after reset).
    pub fn new(header: EpisodeHeader, first: StepRecord) -> Self {
        Episode {
            network: header.network,
            agent: header.agent,
            seed: header.seed,
            start_time_index: header.start_time_index,
            initial_soc_mwh: header.initial_soc_mwh,
            steps: vec![first],
        }
    }

    pub fn header(&self) -> EpisodeHeader {
        EpisodeHeader {
            network: self.network.clone(),
            agent: self.agent.clone(),
            seed: self.seed,
            start_time_index: self.start_time_index,
            initial_soc_mwh: self.initial_soc_mwh.clone(),
        }
    }

    pub fn reset_options(&self) -> ResetOptions {
        ResetOptions {
            start_time_index: Some(self.start_time_index),
            initial_soc_mwh: self.initial_soc_mwh.clone(),
        }
    }

    /// The agent that acted at step `step`: the last change at or before it.
    pub fn agent_at(&self, step: usize) -> &str {
        self.steps[..=step.min(self.steps.len().saturating_sub(1))]
            .iter()
            .rev()
            .find_map(|s| s.agent.as_deref())
            .unwrap_or(&self.agent)
    }
}

/// The record of the environment's state now: after a reset (no result) or after a step
/// taken with `requested_action` by an agent that took over at this step (`agent`).
pub fn record(
    env: &Environment,
    result: Option<&StepResult>,
    requested_action: Vec<f64>,
    agent: Option<String>,
) -> StepRecord {
    let net = env.network();
    let pf = env.power_flow();
    let storage = net.devices.iter().filter_map(|d| match d {
        Device::Storage(s) => Some(s.soc_mwh),
        _ => None,
    });
    let info = match result {
        Some(r) => r.info.clone(),
        // The state after a reset reports what it breaks, and why it could not be solved,
        // like any step.
        None => StepInfo {
            violations: env.violations_now(),
            events: pf
                .failure
                .iter()
                .filter(|_| !pf.converged)
                .map(|reason| Event::PowerFlowFailed {
                    reason: reason.clone(),
                })
                .collect(),
            ..StepInfo::default()
        },
    };
    // A power flow that failed leaves an iterate, not a state: none of it is recorded.
    let solved = |v: f64| if pf.converged { v } else { f64::NAN };
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
        bus_vm_pu: pf.buses.iter().map(|b| solved(b.vm_pu)).collect(),
        bus_va_deg: pf.buses.iter().map(|b| solved(b.va_deg)).collect(),
        branch_flows: pf
            .branches
            .iter()
            .map(|b| [b.p_from_mw, b.q_from_mvar, b.p_to_mw, b.q_to_mvar].map(solved))
            .collect(),
        branch_s_mva: env.branch_s_mva().iter().map(|&s| solved(s)).collect(),
        branch_in_service: net.branches.iter().map(|b| b.in_service).collect(),
        device_p_mw: pf.devices.iter().map(|d| solved(d.p_mw)).collect(),
        device_q_mvar: pf.devices.iter().map(|d| solved(d.q_mvar)).collect(),
        soc_mwh: storage.collect(),
        violations: info.violations,
        events: info.events,
        clipped: info.clipped,
        agent,
    }
}

/// The network as it stood at a recorded step — every controllable setting as applied, loads,
/// renewables and storage at their recorded output, branches in or out as recorded — so a
/// power flow of it solves to the recorded state. `initial` is the episode's network.
pub fn network_at(initial: &Network, record: &StepRecord) -> Network {
    let mut net = initial.clone();
    let actions = super::actions::Actions::new(&net);
    let free = |_: usize, _: &Device| (f64::NEG_INFINITY, f64::INFINITY);
    actions.apply(&record.applied_action, &mut net, free, &mut Vec::new());
    let outputs = record.device_p_mw.iter().zip(&record.device_q_mvar);
    for (dev, (&p, &q)) in net.devices.iter_mut().zip(outputs) {
        if !(p.is_finite() && q.is_finite()) {
            continue;
        }
        match dev {
            Device::Load(l) => (l.p_mw, l.q_mvar) = (p, q),
            Device::Renewable(r) => (r.p_mw, r.q_mvar) = (p, q),
            Device::Storage(s) => (s.p_mw, s.q_mvar) = (p, q),
            _ => {}
        }
    }
    for (branch, &in_service) in net.branches.iter_mut().zip(&record.branch_in_service) {
        branch.in_service = in_service;
    }
    net
}

/// A record of `net` solved by `result` outside any episode (a contingency's state), with
/// the step and time of `at`.
pub fn solved_record(net: &Network, result: &PowerFlowResult, at: &StepRecord) -> StepRecord {
    let solved = |v: f64| if result.converged { v } else { f64::NAN };
    StepRecord {
        step: at.step,
        time_index: at.time_index,
        converged: result.converged,
        bus_vm_pu: result.buses.iter().map(|b| solved(b.vm_pu)).collect(),
        bus_va_deg: result.buses.iter().map(|b| solved(b.va_deg)).collect(),
        branch_flows: result
            .branches
            .iter()
            .map(|b| [b.p_from_mw, b.q_from_mvar, b.p_to_mw, b.q_to_mvar].map(solved))
            .collect(),
        branch_s_mva: result
            .branches
            .iter()
            .map(|b| solved(b.s_max_mva * if b.p_from_mw < 0.0 { -1.0 } else { 1.0 }))
            .collect(),
        branch_in_service: net.branches.iter().map(|b| b.in_service).collect(),
        device_p_mw: result.devices.iter().map(|d| solved(d.p_mw)).collect(),
        device_q_mvar: result.devices.iter().map(|d| solved(d.q_mvar)).collect(),
        soc_mwh: at.soc_mwh.clone(),
        ..StepRecord::default()
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

/// The first field in which two records differ, every recorded field compared. Rust prints
/// every distinct f64 differently (shortest round-trip form), so comparing printed fields is
/// exact (and tells NaN from NaN apart only by its bits, as the file does).
pub fn first_difference(a: &StepRecord, b: &StepRecord) -> Option<Divergence> {
    if a == b {
        return None;
    }
    macro_rules! fields {
        ($($field:ident: $what:literal),* ; not compared: $($other:ident),*) => {{
            // Every field must be listed: this destructuring fails to compile otherwise.
            let StepRecord { $($field: _,)* $($other: _),* } = a;
            [$(($what, format!("{:?}", a.$field), format!("{:?}", b.$field))),*]
        }};
    }
    let fields = fields![
        step: "step number",
        time_index: "time index",
        requested_action: "requested action",
        applied_action: "applied action",
        reward: "reward",
        reward_terms: "reward terms",
        terminated: "termination",
        truncated: "truncation",
        converged: "convergence",
        bus_vm_pu: "bus voltage magnitudes",
        bus_va_deg: "bus voltage angles",
        branch_flows: "branch flows",
        branch_s_mva: "branch apparent powers",
        branch_in_service: "branch states",
        device_p_mw: "device active power",
        device_q_mvar: "device reactive power",
        soc_mwh: "state of charge",
        violations: "violations",
        events: "events",
        clipped: "clipped components";
        // Who acted is what the recording says: a re-simulation replays its actions and takes
        // its word for who chose them.
        not compared: agent
    ];
    fields
        .into_iter()
        .find(|(_, recorded, simulated)| recorded != simulated)
        .map(|(what, recorded, simulated)| Divergence {
            step: a.step,
            what: what.to_string(),
            recorded: shorten(recorded),
            simulated: shorten(simulated),
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
