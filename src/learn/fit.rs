//! Behaviour cloning: the linear policy whose actions come closest, in least squares with a
//! ridge, to the actions an agent (a person, say) took in a recorded episode, on observations
//! normalised as training normalises them. It says how well the fit explains each action (R²).

use serde::Serialize;

use super::LearnError;
use super::policy::PolicyShape;
use crate::agent::LinearPolicy;
use crate::agent::rollout::resimulate;
use crate::sim::Environment;
use crate::sim::episode::{EpisodeHeader, StepRecord};

/// Past this many observation components the normal equations (their square) get too large.
pub const MAX_OBSERVATIONS: usize = 2_000;

/// Means and sums of co-deviations of observations x and actions y, updated one sample at a
/// time (Welford), so a long recording never has to be held in memory.
#[derive(Debug, Clone)]
pub struct Samples {
    count: f64,
    mean_x: Vec<f64>,
    mean_y: Vec<f64>,
    /// Σ (x − x̄)(x − x̄)ᵀ, row-major d×d.
    cxx: Vec<f64>,
    /// Σ (x − x̄)(y − ȳ)ᵀ, row-major d×m.
    cxy: Vec<f64>,
    /// Σ (y − ȳ)² per action.
    cyy: Vec<f64>,
}

impl Samples {
    pub fn new(observations: usize, actions: usize) -> Self {
        Samples {
            count: 0.0,
            mean_x: vec![0.0; observations],
            mean_y: vec![0.0; actions],
            cxx: vec![0.0; observations * observations],
            cxy: vec![0.0; observations * actions],
            cyy: vec![0.0; actions],
        }
    }

    /// How many pairs have been added.
    pub fn count(&self) -> usize {
        self.count as usize
    }

    /// Adds one (observation, action) pair; one with a value that is not finite is left out.
    pub fn push(&mut self, x: &[f64], y: &[f64]) {
        if x.iter().chain(y).any(|v| !v.is_finite()) {
            return;
        }
        let (d, m) = (self.mean_x.len(), self.mean_y.len());
        self.count += 1.0;
        let dx: Vec<f64> = x.iter().zip(&self.mean_x).map(|(x, mu)| x - mu).collect();
        let dy: Vec<f64> = y.iter().zip(&self.mean_y).map(|(y, mu)| y - mu).collect();
        for (mu, d) in self.mean_x.iter_mut().zip(&dx) {
            *mu += d / self.count;
        }
        for (mu, d) in self.mean_y.iter_mut().zip(&dy) {
            *mu += d / self.count;
        }
        // With the new means: C += δ_old (v − mean_new)ᵀ keeps the sums exact.
        let ex: Vec<f64> = x.iter().zip(&self.mean_x).map(|(x, mu)| x - mu).collect();
        let ey: Vec<f64> = y.iter().zip(&self.mean_y).map(|(y, mu)| y - mu).collect();
        for (i, dxi) in dx.iter().enumerate() {
            let row = &mut self.cxx[i * d..(i + 1) * d];
            row.iter_mut().zip(&ex).for_each(|(c, e)| *c += dxi * e);
            let row = &mut self.cxy[i * m..(i + 1) * m];
            row.iter_mut().zip(&ey).for_each(|(c, e)| *c += dxi * e);
        }
        for ((c, dyj), e) in self.cyy.iter_mut().zip(&dy).zip(&ey) {
            *c += dyj * e;
        }
    }
}

/// A fitted policy and how well it explains the recorded actions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub policy: LinearPolicy,
    /// Per action: the share of the action's variance the fit explains (`None` for an action
    /// that never changed, which the bias alone reproduces).
    pub r_squared: Vec<Option<f64>>,
    pub samples: usize,
}

/// Gathers the (observation, requested action) pairs of a recorded episode, by re-simulating it
/// (which also checks that the recording is what this simulator gives).
pub fn episode_samples(
    header: &EpisodeHeader,
    steps: impl IntoIterator<Item = Result<StepRecord, String>>,
    shape: &PolicyShape,
) -> Result<Samples, LearnError> {
    let mut env = Environment::new(header.network.clone())?;
    let mut samples = Samples::new(shape.observation_count(), shape.action_index().len());
    let mut before: Option<Vec<f64>> = None;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    resimulate(&mut env, header, steps, |env, record| {
        let action = &record.requested_action;
        if let Some(observation) = &before
            && !action.is_empty()
        {
            x.clear();
            x.extend(shape.observation_index().iter().map(|&i| observation[i]));
            y.clear();
            y.extend(shape.action_index().iter().map(|&a| action[a]));
            samples.push(&x, &y);
        }
        before = Some(env.observation().to_vec());
    })
    .map_err(|e| LearnError::Episode(e.to_string()))?;
    Ok(samples)
}

/// The least-squares linear policy with a ridge of `ridge` on the normalised observations
/// (added to the diagonal of X̃ᵀX̃, whose diagonal is the number of samples).
pub fn fit(samples: &Samples, shape: &PolicyShape, ridge: f64) -> Result<Fit, LearnError> {
    let (d, m) = (samples.mean_x.len(), samples.mean_y.len());
    if !(ridge.is_finite() && ridge >= 0.0) {
        return Err(LearnError::Settings(format!(
            "the ridge must be a number ≥ 0, not {ridge}"
        )));
    }
    if d > MAX_OBSERVATIONS {
        return Err(LearnError::Settings(format!(
            "{d} observation components are too many to fit (at most {MAX_OBSERVATIONS}): choose some"
        )));
    }
    if samples.count < 2.0 {
        return Err(LearnError::Episode(format!(
            "{} recorded actions are too few to fit a policy",
            samples.count
        )));
    }
    let n = samples.count;
    let std: Vec<f64> = (0..d)
        .map(|i| {
            let s = (samples.cxx[i * d + i] / n).sqrt();
            if s > 1e-8 * (1.0 + samples.mean_x[i].abs()) {
                s
            } else {
                1.0
            }
        })
        .collect();
    // The normal equations in normalised observations: (A + λI) W = B.
    let mut a: Vec<f64> = (0..d * d)
        .map(|k| samples.cxx[k] / (std[k / d] * std[k % d]))
        .collect();
    let b: Vec<f64> = (0..d * m).map(|k| samples.cxy[k] / std[k / m]).collect();
    let gram = a.clone();
    for i in 0..d {
        a[i * d + i] += ridge;
    }
    let w = solve_spd(&mut a, &b, d, m).ok_or_else(|| {
        LearnError::Settings(
            "the observations chosen are collinear (or some never vary): give a ridge > 0".into(),
        )
    })?;
    let r_squared = (0..m)
        .map(|j| {
            let total = samples.cyy[j];
            (total > 1e-12 * n).then(|| {
                let wj: Vec<f64> = (0..d).map(|i| w[i * m + j]).collect();
                let explained: f64 = (0..d).map(|i| wj[i] * b[i * m + j]).sum::<f64>();
                let aw = (0..d).map(|i| (0..d).map(|k| gram[i * d + k] * wj[k]).sum::<f64>());
                let fitted: f64 = aw.zip(&wj).map(|(a, w)| a * w).sum();
                // Residual sum of squares: Σ(y − ȳ)² − 2wᵀb + wᵀAw.
                1.0 - (total - 2.0 * explained + fitted) / total
            })
        })
        .collect();
    let policy = LinearPolicy {
        observation: shape.observation_names().to_vec(),
        action: shape.action_names().to_vec(),
        weights: (0..m)
            .map(|j| (0..d).map(|i| w[i * m + j]).collect())
            .collect(),
        bias: samples.mean_y.clone(),
        obs_mean: Some(samples.mean_x.clone()),
        obs_std: Some(std),
    };
    Ok(Fit {
        policy,
        r_squared,
        samples: samples.count(),
    })
}

/// Solves A X = B for a symmetric positive definite A (d×d, overwritten by its Cholesky
/// factor) and B with `m` columns; `None` when A is not positive definite.
fn solve_spd(a: &mut [f64], b: &[f64], d: usize, m: usize) -> Option<Vec<f64>> {
    let scale = (0..d).map(|i| a[i * d + i].abs()).fold(0.0, f64::max);
    for j in 0..d {
        let pivot = a[j * d + j] - (0..j).map(|k| a[j * d + k].powi(2)).sum::<f64>();
        // Also refuses a NaN pivot.
        if pivot.partial_cmp(&(1e-12 * scale)) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let pivot = pivot.sqrt();
        a[j * d + j] = pivot;
        for i in j + 1..d {
            let dot: f64 = (0..j).map(|k| a[i * d + k] * a[j * d + k]).sum();
            a[i * d + j] = (a[i * d + j] - dot) / pivot;
        }
    }
    let mut x = b.to_vec();
    for c in 0..m {
        // L y = b, then Lᵀ x = y.
        for i in 0..d {
            let dot: f64 = (0..i).map(|k| a[i * d + k] * x[k * m + c]).sum();
            x[i * m + c] = (x[i * m + c] - dot) / a[i * d + i];
        }
        for i in (0..d).rev() {
            let dot: f64 = (i + 1..d).map(|k| a[k * d + i] * x[k * m + c]).sum();
            x[i * m + c] = (x[i * m + c] - dot) / a[i * d + i];
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_small_system_and_refuses_a_singular_one() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let x = solve_spd(&mut a, &[2.0, 1.0, 1.0, 3.0], 2, 2).unwrap();
        // [[4,2],[2,3]] X = [[2,1],[1,3]]  →  X = [[0.5, −0.375], [0, 1.25]]
        let expected = [0.5, -0.375, 0.0, 1.25];
        assert!(
            x.iter().zip(expected).all(|(x, e)| (x - e).abs() < 1e-12),
            "{x:?}"
        );
        let mut singular = vec![1.0, 1.0, 1.0, 1.0];
        assert!(solve_spd(&mut singular, &[1.0, 1.0], 2, 1).is_none());
    }
}
