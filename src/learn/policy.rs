//! The shape of a policy being learned: which observation components it reads, which actions
//! it sets, and its parameters θ in units scaled to each action's range — so that one step
//! size and one noise level suit a 30 MW solar curtailment and a 1.1 p.u. voltage setpoint
//! alike. θ becomes the file format `linear:FILE` loads, which is what every rollout runs.

use crate::agent::LinearPolicy;
use crate::sim::{Component, position};

use super::LearnError;
use super::stats::RunningStats;

/// The components a policy uses, by name and position in the environment's spaces.
#[derive(Debug, Clone)]
pub struct PolicyShape {
    observation: Vec<String>,
    obs_index: Vec<usize>,
    action: Vec<String>,
    act_index: Vec<usize>,
    /// Per action: the middle of its range and half its width (θ = 1 spans half the range).
    centre: Vec<f64>,
    half_range: Vec<f64>,
    /// Per action: the θ bias that gives its do-nothing value.
    do_nothing_bias: Vec<f64>,
}

impl PolicyShape {
    /// The components named (every one when `None`) of the spaces.
    pub fn new(
        observation_space: &[Component],
        action_space: &[Component],
        do_nothing: &[f64],
        observation: Option<&[String]>,
        action: Option<&[String]>,
    ) -> Result<Self, LearnError> {
        let obs_index = indices(observation_space, observation, "observation")?;
        let act_index = indices(action_space, action, "action")?;
        let mut shape = PolicyShape {
            observation: obs_index
                .iter()
                .map(|&i| observation_space[i].name.clone())
                .collect(),
            obs_index,
            action: act_index
                .iter()
                .map(|&a| action_space[a].name.clone())
                .collect(),
            act_index: act_index.clone(),
            centre: Vec::new(),
            half_range: Vec::new(),
            do_nothing_bias: Vec::new(),
        };
        for &a in &act_index {
            let (c, idle) = (&action_space[a], do_nothing[a]);
            let (centre, half) = if c.low.is_finite() && c.high.is_finite() && c.high > c.low {
                ((c.low + c.high) / 2.0, (c.high - c.low) / 2.0)
            } else {
                // An unbounded action: scaled around its idle value by its own size.
                (idle, idle.abs().max(1.0))
            };
            shape.centre.push(centre);
            shape.half_range.push(half);
            shape.do_nothing_bias.push((idle - centre) / half);
        }
        Ok(shape)
    }

    /// The observation components the policy reads, as positions in the observation space.
    pub fn observation_index(&self) -> &[usize] {
        &self.obs_index
    }

    pub fn observation_count(&self) -> usize {
        self.obs_index.len()
    }

    /// The actions the policy sets, as positions in the action space.
    pub fn action_index(&self) -> &[usize] {
        &self.act_index
    }

    pub fn observation_names(&self) -> &[String] {
        &self.observation
    }

    pub fn action_names(&self) -> &[String] {
        &self.action
    }

    /// How many numbers θ holds: one row per action, a weight per observation and a bias.
    pub fn parameter_count(&self) -> usize {
        self.action.len() * (self.obs_index.len() + 1)
    }

    /// θ of the policy that does nothing: no weights, each bias at the do-nothing action.
    pub fn do_nothing(&self) -> Vec<f64> {
        let row = self.obs_index.len() + 1;
        let mut theta = vec![0.0; self.parameter_count()];
        for (r, bias) in self.do_nothing_bias.iter().enumerate() {
            theta[r * row + row - 1] = *bias;
        }
        theta
    }

    /// The policy file for θ, normalising observations by `stats`.
    pub fn policy(&self, theta: &[f64], stats: &RunningStats) -> LinearPolicy {
        let row = self.obs_index.len() + 1;
        let (weights, bias) = theta
            .chunks(row)
            .zip(self.centre.iter().zip(&self.half_range))
            .map(|(theta_row, (centre, half))| {
                let (w, b) = theta_row.split_at(row - 1);
                (w.iter().map(|w| half * w).collect(), centre + half * b[0])
            })
            .unzip();
        LinearPolicy {
            observation: self.observation.clone(),
            action: self.action.clone(),
            weights,
            bias,
            obs_mean: Some(stats.mean().to_vec()),
            obs_std: Some(stats.std()),
        }
    }
}

/// Positions of the named components (all of them when `None`), refusing unknown or repeated
/// names.
fn indices(
    space: &[Component],
    names: Option<&[String]>,
    what: &str,
) -> Result<Vec<usize>, LearnError> {
    let Some(names) = names else {
        return Ok((0..space.len()).collect());
    };
    if names.is_empty() {
        return Err(LearnError::Settings(format!("no {what} components chosen")));
    }
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .map(|name| {
            if !seen.insert(name) {
                return Err(LearnError::Settings(format!(
                    "the {what} component '{name}' is named twice"
                )));
            }
            position(space, name).ok_or_else(|| {
                LearnError::Settings(format!(
                    "no {what} component is named '{name}' (see `gridpilot spaces`)"
                ))
            })
        })
        .collect()
}
