//! The environment: Gymnasium's `reset` and `step` over a network with a scenario.

use chacha20::ChaCha12Rng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::actions::{Actions, Clipping};
use super::capability::FeasibleRegion;
use super::observation::{self, State};
use super::protection::ProtectionState;
use super::reward::{self, RewardTerms, Scope, StepContext};
use super::safety::{self, Severity, Violation, ViolationKind};
use super::series::{self, DeviceProfile, Driven, ProfileError};
use super::spaces::Component;
use crate::model::{Branch, BranchKind, Device, Network, Scenario};
use crate::powerflow::{PowerFlow, PowerFlowError, PowerFlowResult, SolveOptions};

/// Why an environment cannot be built or reset.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error("network '{0}' has no scenario section: it needs one to run episodes")]
    NoScenario(String),
    #[error("{0}")]
    Network(#[from] PowerFlowError),
    #[error("{0}")]
    Profile(#[from] ProfileError),
    #[error("reset: {0}")]
    Reset(String),
}

/// Options of a reset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResetOptions {
    /// Time index at reset (the first step advances it); the scenario's when `None`.
    pub start_time_index: Option<usize>,
    /// State of charge of named storage units, overriding the network file.
    pub initial_soc_mwh: Vec<(String, f64)>,
}

/// Something that happened during a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    PowerFlowFailed {
        reason: String,
    },
    BranchTripped {
        branch: String,
        loading_pct: f64,
    },
    BranchReclosed {
        branch: String,
    },
    /// Too much load or generation lost: the episode ends.
    GameOver {
        reason: String,
    },
}

/// Everything a step reports besides observation and reward.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepInfo {
    pub step: usize,
    pub time_index: usize,
    pub reward_terms: RewardTerms,
    pub violations: Vec<Violation>,
    pub events: Vec<Event>,
    pub clipped: Vec<Clipping>,
}

/// The outcome of one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepResult {
    pub observation: Vec<f64>,
    pub reward: f64,
    pub terminated: bool,
    pub truncated: bool,
    pub info: StepInfo,
}

/// Everything that changes as an environment runs: restoring it puts the environment back at
/// that step exactly, so stepping on gives what it gave then, bit for bit.
#[derive(Debug, Clone)]
pub struct EnvState {
    /// What steps change in the network: its devices (setpoints, states of charge) and, per
    /// branch, whether it is in service and its tap position. Names, buses and impedances never
    /// change in an episode, so a state of a 10,000-bus network stays small.
    devices: Vec<Device>,
    branches: Vec<(bool, Option<i32>)>,
    rng: [u8; 49],
    protection: Option<ProtectionState>,
    time_index: usize,
    step: usize,
    terminated: bool,
    available_mw: Vec<f64>,
    branch_s_mva: Vec<f64>,
    result: PowerFlowResult,
    observation: Vec<f64>,
}

impl EnvState {
    /// The step the environment was at.
    pub fn step(&self) -> usize {
        self.step
    }
}

/// A branch's tap position, if it has a tap changer.
fn tap_position(branch: &Branch) -> Option<i32> {
    match &branch.kind {
        BranchKind::Transformer {
            tap_changer: Some(changer),
            ..
        } => Some(changer.position),
        _ => None,
    }
}

/// A network running as an environment.
pub struct Environment {
    initial: Network,
    net: Network,
    scenario: Scenario,
    pf: PowerFlow,
    options: SolveOptions,
    profiles: Vec<DeviceProfile>,
    actions: Actions,
    observation_space: Vec<Component>,
    rng: ChaCha12Rng,
    /// Overload counters and cooldowns, when the scenario has protection.
    protection: Option<ProtectionState>,
    /// The bus index of every device, and of every branch's from-bus.
    device_bus: Vec<usize>,
    branch_from: Vec<usize>,
    /// The cost reward's energy price per time index, when it has one.
    price_per_mwh: Option<Vec<f64>>,
    /// Each device's active power before the last step, each branch's tap position before it
    /// (0 without a tap changer) and the positions it moved: what the last step's reward read.
    previous_p_mw: Vec<f64>,
    previous_taps: Vec<i32>,
    tap_moves: Vec<u32>,
    time_index: usize,
    step: usize,
    terminated: bool,
    available_mw: Vec<f64>,
    branch_s_mva: Vec<f64>,
    result: PowerFlowResult,
    observation: Vec<f64>,
}

impl Environment {
    /// Prepares a network with a scenario. Its CSV series must be read in first
    /// ([`crate::io::read_series`]): the environment reads no files.
    pub fn new(network: Network) -> Result<Self, SimError> {
        let scenario = network
            .scenario
            .clone()
            .ok_or_else(|| SimError::NoScenario(network.name.clone()))?;
        let mut pf = PowerFlow::new(&network)?;
        let options = SolveOptions {
            tolerance_pu: scenario.power_flow.tolerance_pu,
            max_iterations: scenario.power_flow.max_iterations,
            enforce_q_limits: false,
            dc_fallback: scenario.power_flow.dc_fallback,
        };
        let result = pf.solve(&network, &options)?;
        let profiles = series::resolve_profiles(&network, &scenario)?;
        let price_per_mwh = series::resolve_price(&scenario)?;
        Ok(Environment {
            price_per_mwh,
            previous_p_mw: Vec::new(),
            previous_taps: Vec::new(),
            tap_moves: Vec::new(),
            actions: Actions::new(&network),
            observation_space: observation::space(&network, scenario.steps_per_cycle),
            available_mw: file_available_mw(&network),
            device_bus: device_buses(&network),
            branch_from: branch_from_buses(&network),
            branch_s_mva: vec![0.0; network.branches.len()],
            net: network.clone(),
            initial: network,
            pf,
            options,
            profiles,
            rng: ChaCha12Rng::seed_from_u64(0),
            protection: None,
            time_index: scenario.start_time_index,
            step: 0,
            terminated: false,
            result,
            observation: Vec::new(),
            scenario,
        })
    }

    pub fn action_space(&self) -> &[Component] {
        &self.actions.space
    }

    pub fn observation_space(&self) -> &[Component] {
        &self.observation_space
    }

    /// The setpoints the last action became after clipping and projection, component by
    /// component (see [`Environment::action_space`]).
    pub fn applied_action(&self) -> Vec<f64> {
        self.actions.current(&self.net)
    }

    /// The network as it was at construction, with CSV time series read into the file, so it
    /// replays with nothing beside it.
    pub fn initial_network(&self) -> &Network {
        &self.initial
    }

    /// The action that leaves every controllable device as the network file has it, with no
    /// curtailment and idle storage.
    pub fn do_nothing_action(&self) -> Vec<f64> {
        self.actions.do_nothing.clone()
    }

    /// An observation in gym-anm's 18-value layout (see [`observation::gym_anm_layout`]).
    pub fn gym_anm_observation(&self, observation: &[f64]) -> Vec<f64> {
        observation::gym_anm_layout(&self.net, &self.observation_space, observation)
    }

    /// The network as it stands now (setpoints, state of charge, switch states).
    pub fn network(&self) -> &Network {
        &self.net
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The last solved power flow.
    pub fn power_flow(&self) -> &PowerFlowResult {
        &self.result
    }

    /// Signed apparent power per branch: sign(P_from) · max(|S_from|, |S_to|).
    pub fn branch_s_mva(&self) -> &[f64] {
        &self.branch_s_mva
    }

    /// The cost reward's energy price at the current time index (0 without a price series).
    fn price_now(&self) -> f64 {
        self.price_per_mwh
            .as_ref()
            .map_or(0.0, |p| p[self.time_index % p.len()])
    }

    /// The last step's reward counted over the buses marked (a zone's, see
    /// [`super::zone_spaces`]): the devices at them and the branches leaving them. A step that
    /// failed gives every zone the terminal reward.
    pub fn zone_reward(&self, buses: &[bool]) -> f64 {
        let settings = &self.scenario.reward;
        if self.terminated {
            return reward::terminal_terms(settings, self.scenario.discount).total;
        }
        let scope = Scope {
            buses,
            device_bus: &self.device_bus,
            branch_from: &self.branch_from,
        };
        let context = self.step_context();
        reward::reward_terms(settings, &self.net, &self.result, &context, Some(&scope)).total
    }

    /// What the last step's reward depends on besides the solved state.
    fn step_context(&self) -> StepContext<'_> {
        StepContext {
            available_mw: &self.available_mw,
            branch_s_mva: &self.branch_s_mva,
            time_step_h: self.scenario.time_step_h,
            price_per_mwh: self.price_now(),
            previous_p_mw: &self.previous_p_mw,
            tap_moves: &self.tap_moves,
        }
    }

    /// Each renewable's available power now (0 for other devices), in device order.
    pub fn available_mw(&self) -> &[f64] {
        &self.available_mw
    }

    pub fn time_index(&self) -> usize {
        self.time_index
    }

    /// The state now, to come back to with [`Environment::restore`].
    pub fn state(&self) -> EnvState {
        let branches = self.net.branches.iter();
        EnvState {
            devices: self.net.devices.clone(),
            branches: branches.map(|b| (b.in_service, tap_position(b))).collect(),
            rng: self.rng.serialize_state(),
            protection: self.protection.clone(),
            time_index: self.time_index,
            step: self.step,
            terminated: self.terminated,
            available_mw: self.available_mw.clone(),
            branch_s_mva: self.branch_s_mva.clone(),
            result: self.result.clone(),
            observation: self.observation.clone(),
        }
    }

    /// Goes back (or forward) to a state taken from this environment.
    pub fn restore(&mut self, state: &EnvState) {
        self.net.devices.clone_from(&state.devices);
        for (branch, &(in_service, tap)) in self.net.branches.iter_mut().zip(&state.branches) {
            branch.in_service = in_service;
            if let (
                BranchKind::Transformer {
                    tap_changer: Some(changer),
                    ..
                },
                Some(position),
            ) = (&mut branch.kind, tap)
            {
                changer.position = position;
            }
        }
        self.rng = ChaCha12Rng::deserialize_state(&state.rng);
        self.protection.clone_from(&state.protection);
        self.time_index = state.time_index;
        self.step = state.step;
        self.terminated = state.terminated;
        self.available_mw.clone_from(&state.available_mw);
        self.branch_s_mva.clone_from(&state.branch_s_mva);
        self.result = state.result.clone();
        self.observation.clone_from(&state.observation);
    }

    /// The violations of the state now, as a step reports them: what the state after a reset
    /// breaks is shown like any step's.
    pub fn violations_now(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        if !self.result.converged {
            out.push(self.not_converged());
            return out;
        }
        safety::grid_violations(&self.net, &self.result, &mut out);
        safety::storage_violations(&self.net, &mut out);
        safety::power_factor_violations(&self.net, &mut out);
        safety::supply_lost(&self.net, &self.result, &self.device_bus, &mut out);
        out
    }

    fn not_converged(&self) -> Violation {
        safety::violation(
            ViolationKind::PowerFlowNotConverged,
            "",
            self.result.max_mismatch_pu,
            self.options.tolerance_pu,
            Severity::Critical,
        )
    }

    /// Steps taken since the last reset.
    pub fn steps_taken(&self) -> usize {
        self.step
    }

    /// The observation of the state now.
    pub fn observation(&self) -> &[f64] {
        &self.observation
    }

    /// Starts an episode: the network's initial state, loads and renewables at the start time
    /// index, storage idle; returns the first observation.
    pub fn reset(&mut self, seed: u64, options: &ResetOptions) -> Result<Vec<f64>, SimError> {
        self.rng = ChaCha12Rng::seed_from_u64(seed);
        self.net = self.initial.clone();
        self.time_index = options
            .start_time_index
            .unwrap_or(self.scenario.start_time_index);
        if self.time_index >= self.scenario.steps_per_cycle {
            let why = format!(
                "start time index {} is outside 0..{}",
                self.time_index, self.scenario.steps_per_cycle
            );
            return Err(SimError::Reset(why));
        }
        for (name, soc) in &options.initial_soc_mwh {
            self.set_soc(name, *soc)?;
        }
        self.step = 0;
        self.terminated = false;
        self.protection = self
            .scenario
            .protection
            .as_ref()
            .map(|_| ProtectionState::new(self.net.branches.len()));
        self.read_profiles();
        let do_nothing = self.actions.do_nothing.clone();
        self.apply(&do_nothing, &mut Vec::new());
        self.solve();
        Ok(self.observation.clone())
    }

    fn set_soc(&mut self, name: &str, soc_mwh: f64) -> Result<(), SimError> {
        let Some(Device::Storage(s)) = self.net.devices.iter_mut().find(|d| d.name() == name)
        else {
            return Err(SimError::Reset(format!("no storage unit named '{name}'")));
        };
        if !(soc_mwh >= s.soc_min_mwh && soc_mwh <= s.soc_max_mwh) {
            let why = format!(
                "initial state of charge {soc_mwh} MWh of '{name}' is outside [{}, {}]",
                s.soc_min_mwh, s.soc_max_mwh
            );
            return Err(SimError::Reset(why));
        }
        s.soc_mwh = soc_mwh;
        Ok(())
    }

    /// Advances one time step under `action` (clipped to the action box).
    pub fn step(&mut self, action: &[f64]) -> StepResult {
        let mut info = StepInfo::default();
        if self.terminated {
            info.step = self.step;
            info.time_index = self.time_index;
            return self.outcome(0.0, info);
        }
        self.step += 1;
        self.time_index = (self.time_index + 1) % self.scenario.steps_per_cycle;
        info.step = self.step;
        info.time_index = self.time_index;
        self.read_profiles();
        self.previous_p_mw.clear();
        self.previous_p_mw
            .extend(self.result.devices.iter().map(|d| d.p_mw));
        self.previous_taps.clear();
        let taps = self
            .net
            .branches
            .iter()
            .map(|b| tap_position(b).unwrap_or(0));
        self.previous_taps.extend(taps);
        let action = self.actions.clip(action, &mut info.clipped);
        self.apply(&action, &mut info.violations);
        let taps_now = self
            .net
            .branches
            .iter()
            .map(|b| tap_position(b).unwrap_or(0));
        let moves = taps_now
            .zip(&self.previous_taps)
            .map(|(now, before)| now.abs_diff(*before));
        self.tap_moves.clear();
        self.tap_moves.extend(moves);
        // Storage moves with its setpoint; the power flow does not change it.
        self.update_soc();
        self.reclose(&mut info.events);
        self.solve();
        self.cascade(&mut info.events);
        if !self.result.converged {
            self.terminated = true;
            let reason = self.result.failure.clone().unwrap_or_default();
            info.events.push(Event::PowerFlowFailed { reason });
            info.violations.push(self.not_converged());
            info.reward_terms =
                reward::terminal_terms(&self.scenario.reward, self.scenario.discount);
            return self.outcome(info.reward_terms.total, info);
        }
        let context = self.step_context();
        info.reward_terms = reward::reward_terms(
            &self.scenario.reward,
            &self.net,
            &self.result,
            &context,
            None,
        );
        safety::grid_violations(&self.net, &self.result, &mut info.violations);
        safety::storage_violations(&self.net, &mut info.violations);
        safety::power_factor_violations(&self.net, &mut info.violations);
        if let Some(reason) = self.game_over(&mut info.violations) {
            self.terminated = true;
            info.events.push(Event::GameOver { reason });
            info.reward_terms =
                reward::terminal_terms(&self.scenario.reward, self.scenario.discount);
        }
        self.outcome(info.reward_terms.total, info)
    }

    /// Under protection, why the episode ends when the share of load or generation lost
    /// passes its limit; reports lost supply either way.
    fn game_over(&self, violations: &mut Vec<Violation>) -> Option<String> {
        let (load_pct, generation_pct) =
            safety::supply_lost(&self.net, &self.result, &self.device_bus, violations);
        let limit = self.scenario.protection.as_ref()?.max_lost_pct;
        (load_pct > limit || generation_pct > limit).then(|| {
            format!(
                "{load_pct:.1} % of load and {generation_pct:.1} % of generation lost (limit {limit} %)"
            )
        })
    }

    /// Recloses branches whose protection cooldown has ended.
    fn reclose(&mut self, events: &mut Vec<Event>) {
        if let Some(state) = &mut self.protection {
            for k in state.reclose(&mut self.net) {
                let branch = self.net.branches[k].name.clone();
                events.push(Event::BranchReclosed { branch });
            }
        }
    }

    /// Trips overloaded branches and re-solves until nothing more trips.
    fn cascade(&mut self, events: &mut Vec<Event>) {
        let (Some(settings), Some(mut state)) =
            (self.scenario.protection.clone(), self.protection.take())
        else {
            return;
        };
        while self.result.converged {
            let trips = state.trip(&settings, &mut self.net, &self.result);
            if trips.is_empty() {
                break;
            }
            for t in trips {
                let branch = self.net.branches[t.branch].name.clone();
                events.push(Event::BranchTripped {
                    branch,
                    loading_pct: t.loading_pct,
                });
            }
            self.solve();
        }
        if self.result.converged {
            state.count(&self.net, &self.result);
        }
        self.protection = Some(state);
    }

    fn outcome(&self, reward: f64, info: StepInfo) -> StepResult {
        let truncated =
            !self.terminated && self.scenario.episode_steps.is_some_and(|n| self.step >= n);
        StepResult {
            observation: self.observation.clone(),
            reward,
            terminated: self.terminated,
            truncated,
            info,
        }
    }

    /// Loads and renewable availability at the current time index.
    fn read_profiles(&mut self) {
        let cycle = self.scenario.steps_per_cycle;
        for p in &self.profiles {
            let value = p.series.at(self.time_index, cycle, &mut self.rng);
            match (&p.driven, &mut self.net.devices[p.device]) {
                (Driven::Load { q_per_p }, Device::Load(l)) => {
                    l.p_mw = value;
                    l.q_mvar = value * q_per_p;
                }
                (Driven::Available, Device::Renewable(r)) => {
                    self.available_mw[p.device] = value.min(r.capability.p_max_mw).max(0.0);
                }
                _ => {}
            }
        }
    }

    fn apply(&mut self, action: &[f64], violations: &mut Vec<Violation>) {
        let (dt, available) = (self.scenario.time_step_h, &self.available_mw);
        let p_range = |k: usize, dev: &Device| active_power_limits(dev, available[k], dt);
        self.actions
            .apply(action, &mut self.net, p_range, violations);
    }

    /// The active-power range a renewable or storage unit can reach now: its capability cut
    /// by the power available from the weather or by the energy stored (MW).
    pub fn feasible_p_range_mw(&self, device: usize) -> Option<(f64, f64)> {
        let dev = self.net.devices.get(device)?;
        let cap = match dev {
            Device::Renewable(r) => &r.capability,
            Device::Storage(s) => &s.capability,
            _ => return None,
        };
        let (lo, hi) =
            active_power_limits(dev, self.available_mw[device], self.scenario.time_step_h);
        Some(FeasibleRegion::new(cap, lo, hi).p_range_mw())
    }

    fn solve(&mut self) {
        self.result = match self.pf.solve(&self.net, &self.options) {
            Ok(r) => r,
            // The topology changed into one that cannot be solved (an island): the step fails.
            Err(e) => failed_result(&self.net, e.to_string()),
        };
        for (s, r) in self.branch_s_mva.iter_mut().zip(&self.result.branches) {
            // gym-anm's sign(P): a branch with exactly no active flow counts as zero.
            *s = r.s_max_mva * sign(r.p_from_mw);
        }
        let state = State {
            net: &self.net,
            result: &self.result,
            available_mw: &self.available_mw,
            branch_s_mva: &self.branch_s_mva,
            time_index: self.time_index,
        };
        observation::observe(&state, &mut self.observation);
    }

    /// Energy into and out of each storage unit over the step, efficiency applied each way.
    fn update_soc(&mut self) {
        let dt = self.scenario.time_step_h;
        for dev in &mut self.net.devices {
            if let Device::Storage(s) = dev {
                let delta = if s.p_mw <= 0.0 {
                    -dt * s.efficiency * s.p_mw
                } else {
                    -dt * s.p_mw / s.efficiency
                };
                s.soc_mwh = (s.soc_mwh + delta).clamp(s.soc_min_mwh, s.soc_max_mwh);
            }
        }
    }
}

/// What limits a device's active power beyond its capability over one step: the power the
/// weather makes available to a renewable, the energy a storage unit can take or give.
fn active_power_limits(dev: &Device, available_mw: f64, time_step_h: f64) -> (f64, f64) {
    match dev {
        Device::Renewable(_) => (0.0, available_mw),
        Device::Storage(s) => (
            (s.soc_mwh - s.soc_max_mwh) / (time_step_h * s.efficiency),
            s.efficiency * (s.soc_mwh - s.soc_min_mwh) / time_step_h,
        ),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    }
}

fn sign(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x.signum() }
}

/// A result for a network that could not even be prepared: not converged, all zero.
fn failed_result(net: &Network, reason: String) -> PowerFlowResult {
    PowerFlowResult {
        converged: false,
        failure: Some(reason),
        iterations: 0,
        max_mismatch_pu: f64::INFINITY,
        start: crate::powerflow::Start::Flat,
        buses: vec![Default::default(); net.buses.len()],
        branches: vec![Default::default(); net.branches.len()],
        devices: vec![Default::default(); net.devices.len()],
        losses_mw: 0.0,
        slack_p_mw: 0.0,
        slack_q_mvar: 0.0,
    }
}

/// Per device, the power a renewable without a profile has available: its file `p_mw`, within
/// its capability (zero for every other device).
fn file_available_mw(net: &Network) -> Vec<f64> {
    net.devices
        .iter()
        .map(|d| match d {
            Device::Renewable(r) => r.p_mw.min(r.capability.p_max_mw).max(0.0),
            _ => 0.0,
        })
        .collect()
}

/// The bus index of every branch's from-bus (validation has checked the names exist).
fn branch_from_buses(net: &Network) -> Vec<usize> {
    let index = net.bus_indices();
    net.branches
        .iter()
        .map(|b| index.get(b.from_bus.as_str()).copied().unwrap_or_default())
        .collect()
}

/// The bus index of every device (validation has checked the names exist).
fn device_buses(net: &Network) -> Vec<usize> {
    let index = net.bus_indices();
    net.devices
        .iter()
        .map(|d| index.get(d.bus()).copied().unwrap_or_default())
        .collect()
}
