//! Augmented Random Search (Mania, Guy and Recht 2018), variant V2-t: the policy is linear on
//! observations normalised by their running mean and standard deviation; each iteration tries
//! `directions` random perturbations of θ both ways, keeps the best `top_directions` and steps
//! along them, scaled by the spread of their returns.
//!
//! Every draw comes from generators seeded by the settings' seed and the iteration, and
//! rollouts are gathered in a fixed order: the same settings give the same policy, bit for bit,
//! on any number of threads.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use super::LearnError;
use super::policy::PolicyShape;
use super::stats::RunningStats;
use super::workers::{Outcome, Start, Workers, roll_out};
use crate::agent::LinearPolicy;
use crate::model::Network;

/// How ARS trains.
#[derive(Debug, Clone, PartialEq)]
pub struct ArsSettings {
    pub iterations: usize,
    /// Random directions tried per iteration (each both ways).
    pub directions: usize,
    /// Directions whose returns steer the update (the best ones).
    pub top_directions: usize,
    /// α: the step along the chosen directions.
    pub step_size: f64,
    /// ν: the size of a perturbation, in units of half an action's range.
    pub noise: f64,
    /// Steps of every training rollout.
    pub episode_steps: usize,
    pub seed: u64,
    /// Rollouts in parallel (1 runs them all on the calling thread).
    pub threads: usize,
    /// Observation components the policy reads (all when `None`).
    pub observation: Option<Vec<String>>,
    /// Action components it sets (all when `None`); the others keep their do-nothing value.
    pub action: Option<Vec<String>>,
    /// Rollouts, from starts spread over the cycle, that score the policy at each iteration.
    pub evaluation_starts: usize,
}

impl Default for ArsSettings {
    fn default() -> Self {
        ArsSettings {
            iterations: 2000,
            directions: 32,
            top_directions: 8,
            step_size: 0.01,
            noise: 0.02,
            episode_steps: 192,
            seed: 0,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            observation: None,
            action: None,
            evaluation_starts: 4,
        }
    }
}

impl ArsSettings {
    fn check(&self) -> Result<(), LearnError> {
        let fail = |m: &str| Err(LearnError::Settings(m.to_string()));
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if self.iterations == 0 || self.directions == 0 || self.episode_steps == 0 {
            return fail("iterations, directions and episode steps must be at least 1");
        }
        if self.top_directions == 0 || self.top_directions > self.directions {
            return fail("the top directions must be between 1 and the number of directions");
        }
        if self.evaluation_starts == 0 {
            return fail("at least one evaluation start is needed to keep the best policy");
        }
        if !positive(self.step_size) || !positive(self.noise) {
            return fail("the step size and the noise must be positive numbers");
        }
        Ok(())
    }
}

/// Where training stands after an iteration: one line of the learning curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    pub iteration: usize,
    /// Mean return of this iteration's perturbed rollouts.
    pub mean_return: f64,
    /// Mean return of the policy as it was at this iteration, over the evaluation starts.
    pub policy_return: f64,
    /// The best `policy_return` so far: the policy [`Ars::best_policy`] gives.
    pub best_return: f64,
    /// Time spent training (pauses left out).
    pub seconds: f64,
}

/// A training run, advanced one iteration at a time so that a caller can show progress,
/// pause, or stop and keep the best policy.
pub struct Ars {
    settings: ArsSettings,
    shape: PolicyShape,
    workers: Workers,
    theta: Vec<f64>,
    stats: RunningStats,
    evaluation: Vec<Start>,
    cycle: usize,
    iteration: usize,
    best: (f64, LinearPolicy),
    elapsed: Duration,
}

impl Ars {
    /// Prepares training on a network with a scenario, starting from the policy that does
    /// nothing; its returns give the observation statistics the first perturbations use.
    pub fn new(network: &Network, settings: ArsSettings) -> Result<Self, LearnError> {
        settings.check()?;
        let clock = Instant::now();
        let mut workers = Workers::new(network, settings.threads)?;
        let env = workers.env();
        let shape = PolicyShape::new(
            env.observation_space(),
            env.action_space(),
            &env.do_nothing_action(),
            settings.observation.as_deref(),
            settings.action.as_deref(),
        )?;
        let cycle = env.scenario().steps_per_cycle.max(1);
        let evaluation = (0..settings.evaluation_starts)
            .map(|i| Start {
                seed: settings.seed,
                time_index: i * cycle / settings.evaluation_starts,
                steps: settings.episode_steps,
            })
            .collect::<Vec<_>>();
        let theta = shape.do_nothing();
        let mut stats = RunningStats::new(shape.observation_count());
        let idle = vec![shape.policy(&theta, &stats); evaluation.len()];
        let outcomes = run_all(&mut workers, &shape, &idle, &evaluation)?;
        outcomes.iter().for_each(|o| stats.merge(&o.stats));
        let best = (mean_return(&outcomes), shape.policy(&theta, &stats));
        Ok(Ars {
            settings,
            shape,
            workers,
            theta,
            stats,
            evaluation,
            cycle,
            iteration: 0,
            best,
            elapsed: clock.elapsed(),
        })
    }

    /// Whether every iteration asked for has run.
    pub fn finished(&self) -> bool {
        self.iteration >= self.settings.iterations
    }

    /// The policy with the best evaluation return so far, and that return.
    pub fn best_policy(&self) -> (&LinearPolicy, f64) {
        (&self.best.1, self.best.0)
    }

    /// One iteration: perturbed rollouts, the policy's evaluation, and the update.
    pub fn iterate(&mut self) -> Result<Progress, LearnError> {
        let clock = Instant::now();
        let (deltas, pair_starts) = self.draw();
        let current = self.shape.policy(&self.theta, &self.stats);
        // For each direction its + and − rollouts, then the current policy from each
        // evaluation start.
        let mut policies = Vec::new();
        let mut starts = Vec::new();
        for (delta, start) in deltas.iter().zip(&pair_starts) {
            for sign in [1.0, -1.0] {
                policies.push(self.perturbed(delta, sign));
                starts.push(*start);
            }
        }
        policies.extend(self.evaluation.iter().map(|_| current.clone()));
        starts.extend_from_slice(&self.evaluation);
        let outcomes = run_all(&mut self.workers, &self.shape, &policies, &starts)?;
        let (perturbed, evaluated) = outcomes.split_at(2 * deltas.len());
        let policy_return = mean_return(evaluated);
        if policy_return > self.best.0 {
            self.best = (policy_return, current);
        }
        self.update(&deltas, perturbed);
        perturbed.iter().for_each(|o| self.stats.merge(&o.stats));
        self.iteration += 1;
        self.elapsed += clock.elapsed();
        Ok(Progress {
            iteration: self.iteration,
            mean_return: mean_return(perturbed),
            policy_return,
            best_return: self.best.0,
            seconds: self.elapsed.as_secs_f64(),
        })
    }

    /// The policy of θ + sign·ν·δ.
    fn perturbed(&self, delta: &[f64], sign: f64) -> LinearPolicy {
        let noise = self.settings.noise;
        let theta: Vec<f64> = (self.theta.iter().zip(delta))
            .map(|(t, d)| t + sign * noise * d)
            .collect();
        self.shape.policy(&theta, &self.stats)
    }

    /// This iteration's directions (standard normal) and the start of each direction's pair of
    /// rollouts (both signs start alike, so their difference measures the direction alone).
    fn draw(&self) -> (Vec<Vec<f64>>, Vec<Start>) {
        let mut rng = StdRng::seed_from_u64(mix(self.settings.seed, self.iteration as u64));
        let n = self.shape.parameter_count();
        let deltas = (0..self.settings.directions)
            .map(|_| (0..n).map(|_| standard_normal(&mut rng)).collect())
            .collect();
        let starts = (0..self.settings.directions)
            .map(|_| Start {
                seed: rng.random(),
                time_index: rng.random_range(0..self.cycle),
                steps: self.settings.episode_steps,
            })
            .collect();
        (deltas, starts)
    }

    /// θ += α / (b σ_R) Σ_top (r₊ − r₋) δ, over the b directions whose better return is highest.
    fn update(&mut self, deltas: &[Vec<f64>], perturbed: &[Outcome]) {
        let returns: Vec<(f64, f64)> = perturbed
            .chunks(2)
            .map(|pair| (pair[0].total_reward, pair[1].total_reward))
            .collect();
        let mut order: Vec<usize> = (0..returns.len()).collect();
        // total_cmp: a deterministic order even if a return is NaN.
        order.sort_by(|&a, &b| {
            let best = |k: usize| returns[k].0.max(returns[k].1);
            best(b).total_cmp(&best(a)).then(a.cmp(&b))
        });
        let top = &order[..self.settings.top_directions];
        let used: Vec<f64> = top
            .iter()
            .flat_map(|&k| [returns[k].0, returns[k].1])
            .collect();
        let sigma = std_dev(&used);
        let sigma = if sigma > 0.0 && sigma.is_finite() {
            sigma
        } else {
            1.0
        };
        let scale = self.settings.step_size / (top.len() as f64 * sigma);
        for &k in top {
            let difference = returns[k].0 - returns[k].1;
            if !difference.is_finite() {
                continue;
            }
            for (t, d) in self.theta.iter_mut().zip(&deltas[k]) {
                *t += scale * difference * d;
            }
        }
    }
}

/// Runs `policies[k]` from `starts[k]` for every k, on every worker.
fn run_all(
    workers: &mut Workers,
    shape: &PolicyShape,
    policies: &[LinearPolicy],
    starts: &[Start],
) -> Result<Vec<Outcome>, LearnError> {
    let jobs: Vec<(&LinearPolicy, &Start)> = policies.iter().zip(starts).collect();
    let index = shape.observation_index();
    workers
        .run(&jobs, |env, (policy, start)| {
            roll_out(env, (*policy).clone(), start, index)
        })
        .into_iter()
        .map(|r| r.map_err(LearnError::from))
        .collect()
}

fn mean_return(outcomes: &[Outcome]) -> f64 {
    outcomes.iter().map(|o| o.total_reward).sum::<f64>() / outcomes.len().max(1) as f64
}

fn std_dev(values: &[f64]) -> f64 {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// A standard normal draw (Box–Muller; rand itself has no normal distribution).
fn standard_normal(rng: &mut StdRng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]: the logarithm stays finite
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Two numbers into one well-mixed seed (SplitMix64's finaliser).
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b
        .wrapping_add(0x9e37_79b9_7f4a_7c15)
        .wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
