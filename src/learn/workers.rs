//! Rollouts on every core: one environment per thread, jobs handed out as threads free up, and
//! results put back in job order — so the outcome never depends on which thread ran what.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::agent::{Agent, LinearPolicy, LinearPolicyAgent, Spaces};
use crate::model::Network;
use crate::sim::{Environment, ResetOptions, SimError};

use super::stats::RunningStats;

/// Where and how long one rollout runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Start {
    /// Seed of the environment's reset (series noise).
    pub seed: u64,
    pub time_index: usize,
    pub steps: usize,
}

/// What a rollout gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Sum of the rewards (a failed solve ends the rollout with its terminal penalty).
    pub total_reward: f64,
    /// The observations it met, for the normalisation.
    pub stats: RunningStats,
}

/// One environment per thread, kept across iterations.
pub struct Workers {
    envs: Vec<Environment>,
}

impl Workers {
    /// `threads` environments of the network (at least one).
    pub fn new(network: &Network, threads: usize) -> Result<Self, SimError> {
        let envs = (0..threads.max(1))
            .map(|_| Environment::new(network.clone()))
            .collect::<Result<_, _>>()?;
        Ok(Workers { envs })
    }

    /// The first environment, for reading spaces and settings.
    pub fn env(&self) -> &Environment {
        &self.envs[0]
    }

    /// Runs `work` on every job, spread over the threads; the results in job order.
    pub fn run<J: Sync, R: Send>(
        &mut self,
        jobs: &[J],
        work: impl Fn(&mut Environment, &J) -> R + Sync,
    ) -> Vec<R> {
        if self.envs.len() == 1 || jobs.len() < 2 {
            let env = &mut self.envs[0];
            return jobs.iter().map(|job| work(env, job)).collect();
        }
        let next = AtomicUsize::new(0);
        let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .envs
                .iter_mut()
                .map(|env| {
                    let (next, work) = (&next, &work);
                    scope.spawn(move || {
                        let mut mine = Vec::new();
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(job) = jobs.get(k) else { break };
                            mine.push((k, work(env, job)));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        done.sort_by_key(|(k, _)| *k);
        done.into_iter().map(|(_, r)| r).collect()
    }
}

/// Runs `policy` from `start`, summing rewards and gathering the statistics of the components
/// at `obs_index`.
pub fn roll_out(
    env: &mut Environment,
    policy: LinearPolicy,
    start: &Start,
    obs_index: &[usize],
) -> Result<Outcome, SimError> {
    let options = ResetOptions {
        start_time_index: Some(start.time_index),
        ..ResetOptions::default()
    };
    let mut observation = env.reset(start.seed, &options)?;
    let do_nothing = env.do_nothing_action();
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &do_nothing,
    };
    let mut agent = LinearPolicyAgent::new(policy, &spaces, "the policy being trained".as_ref())
        .map_err(|e| SimError::Reset(e.to_string()))?;
    let mut stats = RunningStats::new(obs_index.len());
    let mut total_reward = 0.0;
    for _ in 0..start.steps {
        stats.push(&observation, obs_index);
        let result = env.step(&agent.act(&observation));
        total_reward += result.reward;
        if result.terminated || result.truncated {
            break;
        }
        observation = result.observation;
    }
    Ok(Outcome {
        total_reward,
        stats,
    })
}
