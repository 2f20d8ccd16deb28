//! What turns a network into an environment: time step, episode length, per-device time
//! series, reward settings and protection. Lives in the network file beside the grid.

use serde::{Deserialize, Serialize};

/// The episode settings of a network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Length of one step in hours (0.25 for 15 minutes).
    pub time_step_h: f64,
    /// Steps before an episode is truncated; `None` runs until terminated (as gym-anm).
    #[serde(default)]
    pub episode_steps: Option<usize>,
    /// Time index at reset unless the reset asks for another.
    #[serde(default)]
    pub start_time_index: usize,
    /// How many time indices make the cycle the series repeat over (96 for a day of 15 min).
    pub steps_per_cycle: usize,
    /// Discount factor of the return; also sets the terminal penalty.
    #[serde(default = "default_discount")]
    pub discount: f64,
    #[serde(default)]
    pub profiles: Vec<Profile>,
    #[serde(default)]
    pub reward: RewardSettings,
    /// Line protection; `None` leaves overloaded branches in service.
    #[serde(default)]
    pub protection: Option<Protection>,
    /// Newton–Raphson settings for every step.
    #[serde(default)]
    pub power_flow: PowerFlowSettings,
}

fn default_discount() -> f64 {
    0.995
}

impl Scenario {
    /// What a network without a scenario runs: a day of hourly steps at the values in its file
    /// (no profiles: loads keep their power, renewables make their file `p_mw` available), so
    /// any network can be operated and watched, in the app and on the command line alike.
    pub fn plain_day() -> Scenario {
        Scenario {
            time_step_h: 1.0,
            episode_steps: Some(24),
            start_time_index: 0,
            steps_per_cycle: 24,
            discount: default_discount(),
            profiles: Vec::new(),
            reward: RewardSettings::default(),
            protection: None,
            power_flow: PowerFlowSettings::default(),
        }
    }

    /// The settings without the profiles (cheap to copy, for editing them).
    pub fn settings(&self) -> Scenario {
        Scenario {
            time_step_h: self.time_step_h,
            episode_steps: self.episode_steps,
            start_time_index: self.start_time_index,
            steps_per_cycle: self.steps_per_cycle,
            discount: self.discount,
            profiles: Vec::new(),
            reward: self.reward.clone(),
            protection: self.protection.clone(),
            power_flow: self.power_flow,
        }
    }

    /// The profile of a device, if it has one.
    pub fn profile(&self, device: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.device == device)
    }
}

/// A device's time series: a load's consumption or a renewable's available power.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub device: String,
    pub series: Series,
    /// For loads: reactive power per unit of active power (fixed power factor). Defaults to
    /// the ratio in the load's own `q_mvar / p_mw`.
    #[serde(default)]
    pub q_per_p: Option<f64>,
}

/// Where a time series' values come from (MW, one per time index, repeating).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Series {
    /// Fixed values, one per time index of the cycle.
    Values(Vec<f64>),
    /// A built-in daily shape scaled to `peak_mw`, with seeded multiplicative noise.
    Daily {
        shape: DailyShape,
        peak_mw: f64,
        #[serde(default)]
        noise_pct: f64,
    },
    /// A column of a CSV file (path relative to the network file), one row per time index.
    Csv { file: String, column: String },
}

/// Built-in daily shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DailyShape {
    Residential,
    Commercial,
    Industrial,
    EvCharging,
    Solar,
    Wind,
}

/// What a step's reward measures, and its parameters. gym-anm's reward is the default; the
/// clip settings also set the terminal penalty of a failed step, whatever the kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardSettings {
    /// gym-anm's energy and violations, or operating cost (left out of files when gym-anm's).
    #[serde(default, skip_serializing_if = "RewardKind::is_gym_anm")]
    pub kind: RewardKind,
    /// λ: weight of the constraint-violation penalty.
    #[serde(default = "default_penalty_weight")]
    pub penalty_weight: f64,
    /// Clip of the energy term (p.u.·h), applied symmetrically.
    #[serde(default = "one")]
    pub energy_clip: f64,
    /// Cap of the weighted penalty.
    #[serde(default = "default_penalty_clip")]
    pub penalty_clip: f64,
}

fn default_penalty_weight() -> f64 {
    100.0
}

fn one() -> f64 {
    1.0
}

fn default_penalty_clip() -> f64 {
    100.0
}

/// The kinds of reward.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum RewardKind {
    /// gym-anm's: energy lost in the grid and in curtailment, minus energy stored, plus the
    /// λ-weighted voltage and rating violations, each clipped.
    #[default]
    GymAnm,
    /// What operating the grid costs over the step (PowerGrid's kind of reward).
    Cost(CostReward),
}

impl RewardKind {
    pub fn is_gym_anm(&self) -> bool {
        matches!(self, RewardKind::GymAnm)
    }
}

/// The costs a step's reward counts: the reward is −(their sum) / `scale`. Startup and shutdown
/// costs are not counted (generators are not committed or decommitted in an episode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostReward {
    /// Count each generator's cost curve (MATPOWER's `gencost`: polynomial or piecewise
    /// linear, per hour) over the step.
    #[serde(default = "yes")]
    pub generator_cost: bool,
    /// Price per MWh of energy bought from external grids (energy sold earns it): one value
    /// per time index of the cycle, repeating, or a CSV column.
    #[serde(default)]
    pub energy_price: Option<Series>,
    /// Cost per MW of change, from one step to the next, in the active power of generators,
    /// storage units and external grids.
    #[serde(default)]
    pub ramp_cost_per_mw: f64,
    /// Cost per position a tap changer moves.
    #[serde(default)]
    pub tap_change_cost: f64,
    /// Cost per p.u.·h of voltage and rating violation (gym-anm's Φ).
    #[serde(default)]
    pub violation_cost: f64,
    /// The costs are divided by this, to keep returns in a range agents learn from.
    #[serde(default = "one")]
    pub scale: f64,
}

impl Default for CostReward {
    fn default() -> Self {
        CostReward {
            generator_cost: true,
            energy_price: None,
            ramp_cost_per_mw: 0.0,
            tap_change_cost: 0.0,
            violation_cost: 0.0,
            scale: 1.0,
        }
    }
}

fn yes() -> bool {
    true
}

impl Default for RewardSettings {
    fn default() -> Self {
        RewardSettings {
            kind: RewardKind::default(),
            penalty_weight: default_penalty_weight(),
            energy_clip: one(),
            penalty_clip: default_penalty_clip(),
        }
    }
}

/// Overload protection, as Grid2Op models it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// A branch above 100 % trips on this many consecutive overloaded steps.
    #[serde(default = "default_overload_steps")]
    pub overload_steps: u32,
    /// Above this loading a branch trips at once.
    #[serde(default = "default_hard_limit")]
    pub hard_limit_pct: f64,
    /// Steps a tripped branch stays out before it can be closed again.
    #[serde(default = "default_cooldown")]
    pub cooldown_steps: u32,
    /// The episode ends when more than this share of load or generation is lost.
    #[serde(default = "default_max_lost")]
    pub max_lost_pct: f64,
}

fn default_overload_steps() -> u32 {
    3
}

fn default_hard_limit() -> f64 {
    200.0
}

fn default_cooldown() -> u32 {
    10
}

fn default_max_lost() -> f64 {
    50.0
}

impl Default for Protection {
    fn default() -> Self {
        Protection {
            overload_steps: default_overload_steps(),
            hard_limit_pct: default_hard_limit(),
            cooldown_steps: default_cooldown(),
            max_lost_pct: default_max_lost(),
        }
    }
}

/// Newton–Raphson settings for the environment's power flows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerFlowSettings {
    #[serde(default = "default_tolerance")]
    pub tolerance_pu: f64,
    #[serde(default = "default_max_iterations")]
    pub max_iterations: usize,
    /// Retry a failed flat start from DC power-flow angles before declaring the step failed.
    #[serde(default = "default_true")]
    pub dc_fallback: bool,
}

fn default_true() -> bool {
    true
}

fn default_tolerance() -> f64 {
    1e-8
}

fn default_max_iterations() -> usize {
    20
}

impl Default for PowerFlowSettings {
    fn default() -> Self {
        PowerFlowSettings {
            tolerance_pu: default_tolerance(),
            max_iterations: default_max_iterations(),
            dc_fallback: true,
        }
    }
}
