//! The one rollout loop: the agent acts on the observation, the environment steps, the agent
//! sees what followed, and the step is recorded. The command line, the app and the
//! verification of recordings all go through it, so they cannot drift apart.

use super::Agent;
use crate::sim::episode::{Divergence, EpisodeHeader, StepRecord, first_difference, record};
use crate::sim::{Environment, ResetOptions, SimError, StepResult};

/// An episode under way: what the agent sees next, and who takes over at the next step.
pub struct Rollout {
    observation: Vec<f64>,
    taking_over: Option<String>,
}

impl Rollout {
    /// Resets the environment and the agent; returns the rollout and the record of the state
    /// after reset (step 0).
    pub fn start(
        env: &mut Environment,
        agent: &mut dyn Agent,
        seed: u64,
        options: &ResetOptions,
    ) -> Result<(Rollout, StepRecord), SimError> {
        let observation = env.reset(seed, options)?;
        agent.reset();
        let rollout = Rollout {
            observation,
            taking_over: None,
        };
        Ok((rollout, record(env, None, Vec::new(), None)))
    }

    /// Goes on from the state `env` is in now (put back at an earlier step, say).
    pub fn resume(env: &Environment) -> Rollout {
        Rollout {
            observation: env.observation().to_vec(),
            taking_over: None,
        }
    }

    /// Another agent acts from the next step on: the step's record says which.
    pub fn agent_takes_over(&mut self, agent: Option<String>) {
        if agent.is_some() {
            self.taking_over = agent;
        }
    }

    /// What the agent acts on next.
    pub fn observation(&self) -> &[f64] {
        &self.observation
    }

    /// One step: act, step, observe, record.
    pub fn step(
        &mut self,
        env: &mut Environment,
        agent: &mut dyn Agent,
    ) -> (StepResult, StepRecord) {
        let action = agent.act(&self.observation);
        let result = env.step(&action);
        let done = result.terminated || result.truncated;
        agent.observe(result.reward, &result.observation, done);
        let step = record(env, Some(&result), action, self.taking_over.take());
        self.observation.clone_from(&result.observation);
        (result, step)
    }
}

/// Why a recording does not verify.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot re-simulate: {0}")]
    Setup(String),
    #[error("cannot read the recording: {0}")]
    Unreadable(String),
    #[error("{0}")]
    Diverged(Divergence),
}

/// Re-simulates a recording from its header and requested actions, comparing every recorded
/// value of every step exactly, one step at a time (so a recording larger than memory
/// verifies). `steps` yields the recorded steps in order, step 0 first. Returns how many steps
/// were compared.
pub fn verify(
    header: &EpisodeHeader,
    steps: impl IntoIterator<Item = Result<StepRecord, String>>,
) -> Result<usize, VerifyError> {
    let mut env =
        Environment::new(header.network.clone()).map_err(|e| VerifyError::Setup(e.to_string()))?;
    resimulate(&mut env, header, steps, |_, _| {})
}

/// Resets `env` as the recording's header says and steps it with the recorded actions (and
/// agent changes), comparing every step with its record; `each` sees the environment after
/// the reset and after every step, with the step's record. Stops at the first difference.
pub fn resimulate(
    env: &mut Environment,
    header: &EpisodeHeader,
    steps: impl IntoIterator<Item = Result<StepRecord, String>>,
    mut each: impl FnMut(&Environment, &StepRecord),
) -> Result<usize, VerifyError> {
    let setup = |e: SimError| VerifyError::Setup(e.to_string());
    let mut agent = Replayed::default();
    let options = header.reset_options();
    let (mut rollout, first) =
        Rollout::start(env, &mut agent, header.seed, &options).map_err(setup)?;
    let mut first = Some(first);
    let mut compared = 0;
    for recorded in steps {
        let recorded = recorded.map_err(VerifyError::Unreadable)?;
        let simulated = match first.take() {
            Some(first) => first,
            None => {
                agent.next.clone_from(&recorded.requested_action);
                rollout.agent_takes_over(recorded.agent.clone());
                rollout.step(env, &mut agent).1
            }
        };
        if let Some(mut d) = first_difference(&recorded, &simulated) {
            // Where it is in the file, whatever its (possibly altered) step field says.
            d.step = compared;
            return Err(VerifyError::Diverged(d));
        }
        each(env, &simulated);
        compared += 1;
    }
    Ok(compared)
}

/// Acts as the recording says it acted.
#[derive(Default)]
struct Replayed {
    next: Vec<f64>,
}

impl Agent for Replayed {
    fn act(&mut self, _observation: &[f64]) -> Vec<f64> {
        std::mem::take(&mut self.next)
    }
}
