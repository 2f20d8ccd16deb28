//! A linear policy trained elsewhere: `action = W · (observation − mean) / std + bias`, on
//! named components, loaded from a RON file. No ONNX: just weights.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Agent, AgentError, Spaces, positions};

/// The file format of a linear policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearPolicy {
    /// Observation components the policy reads (names from `gridpilot spaces`).
    pub observation: Vec<String>,
    /// Action components it sets; the others keep their do-nothing value.
    pub action: Vec<String>,
    /// One row per action, one column per observation.
    pub weights: Vec<Vec<f64>>,
    pub bias: Vec<f64>,
    #[serde(default)]
    pub obs_mean: Option<Vec<f64>>,
    #[serde(default)]
    pub obs_std: Option<Vec<f64>>,
}

/// A linear policy bound to an environment's spaces.
pub struct LinearPolicyAgent {
    policy: LinearPolicy,
    obs_index: Vec<usize>,
    action_index: Vec<usize>,
    bounds: Vec<(f64, f64)>,
    do_nothing: Vec<f64>,
}

impl LinearPolicyAgent {
    /// Binds a policy to the spaces, checking names and shapes (`path` names the file in
    /// messages).
    pub fn new(policy: LinearPolicy, spaces: &Spaces, path: &Path) -> Result<Self, AgentError> {
        check_shapes(&policy, path)?;
        let obs_index = positions(&policy.observation, spaces.observation, "observation", path)?;
        let action_index = positions(&policy.action, spaces.action, "action", path)?;
        Ok(LinearPolicyAgent {
            policy,
            obs_index,
            action_index,
            bounds: spaces.action.iter().map(|c| (c.low, c.high)).collect(),
            do_nothing: spaces.do_nothing.to_vec(),
        })
    }
}

fn check_shapes(p: &LinearPolicy, path: &Path) -> Result<(), AgentError> {
    let (n_act, n_obs) = (p.action.len(), p.observation.len());
    let fail = |m: String| Err(AgentError::file(path, m));
    if p.weights.len() != n_act {
        return fail(format!(
            "weights has {} rows but {n_act} actions are listed",
            p.weights.len()
        ));
    }
    if let Some((i, row)) = p.weights.iter().enumerate().find(|(_, r)| r.len() != n_obs) {
        return fail(format!(
            "weights row {} has {} columns but {n_obs} observations are listed",
            i + 1,
            row.len()
        ));
    }
    if p.bias.len() != n_act {
        return fail(format!(
            "bias has {} values but {n_act} actions are listed",
            p.bias.len()
        ));
    }
    for (name, values) in [("obs_mean", &p.obs_mean), ("obs_std", &p.obs_std)] {
        if let Some(v) = values
            && v.len() != n_obs
        {
            return fail(format!(
                "{name} has {} values but {n_obs} observations are listed",
                v.len()
            ));
        }
    }
    if let Some(std) = &p.obs_std
        && let Some(i) = std.iter().position(|s| !(s.is_finite() && *s > 0.0))
    {
        return fail(format!("obs_std value {} must be a positive number", i + 1));
    }
    let numbers = p
        .weights
        .iter()
        .flatten()
        .chain(&p.bias)
        .chain(p.obs_mean.iter().flatten());
    if numbers.clone().any(|x| !x.is_finite()) {
        return fail("weights, bias and obs_mean must be finite numbers".into());
    }
    Ok(())
}

impl Agent for LinearPolicyAgent {
    fn act(&mut self, observation: &[f64]) -> Vec<f64> {
        let p = &self.policy;
        let mut action = self.do_nothing.clone();
        for (row, (&a, bias)) in self.action_index.iter().zip(&p.bias).enumerate() {
            let mut value = *bias;
            for (col, &o) in self.obs_index.iter().enumerate() {
                let mean = p.obs_mean.as_ref().map_or(0.0, |m| m[col]);
                let std = p.obs_std.as_ref().map_or(1.0, |s| s[col]);
                value += p.weights[row][col] * (observation[o] - mean) / std;
            }
            let (lo, hi) = self.bounds[a];
            action[a] = value.clamp(lo, hi);
        }
        action
    }
}
