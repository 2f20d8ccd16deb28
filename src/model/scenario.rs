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

/// Parameters of gym-anm's reward, generalised to any network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardSettings {
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

impl Default for RewardSettings {
    fn default() -> Self {
        RewardSettings {
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
