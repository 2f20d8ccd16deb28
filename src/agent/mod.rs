//! Who operates the grid: the `Agent` trait and its kinds — do nothing, random, a linear policy,
//! a schedule of actions, and a human at the controls — and the rollout loop that runs them.
//! Agents read no files: [`crate::io::agent_from_spec`] reads policies and schedules first.

mod linear;
mod remote;
pub mod rollout;
mod schedule;

pub use linear::{LinearPolicy, LinearPolicyAgent};
pub use remote::{RemoteAgent, Transport};
pub use schedule::ScheduleAgent;

use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::sim::Component;

/// Chooses actions from observations.
pub trait Agent {
    /// The action for this observation, one value per action component.
    fn act(&mut self, observation: &[f64]) -> Vec<f64>;

    /// What followed the last action, for agents that learn. Most ignore it.
    fn observe(&mut self, _reward: f64, _next_observation: &[f64], _done: bool) {}

    /// Called at every reset.
    fn reset(&mut self) {}

    /// Why the agent could not choose its last action (a remote policy that stopped
    /// answering): it did nothing instead, and a run should stop and say so.
    fn failure(&self) -> Option<&str> {
        None
    }
}

/// Why an agent cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(
        "unknown agent '{0}': expected do-nothing, random, linear:POLICY.ron, schedule:ACTIONS.csv or remote:http://HOST:PORT"
    )]
    UnknownKind(String),
    #[error("{}: {message}", file.display())]
    File { file: PathBuf, message: String },
    /// A file that could not be read; the message names it.
    #[error("{0}")]
    Read(#[from] crate::io::LoadError),
    #[error("the {0} agent needs a file: {0}:FILE")]
    NoFile(String),
    /// A remote policy that cannot be reached or answers wrongly.
    #[error("{0}")]
    Remote(String),
}

impl AgentError {
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        AgentError::File {
            file: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// The spaces an agent is built for.
pub struct Spaces<'a> {
    pub action: &'a [Component],
    pub observation: &'a [Component],
    pub do_nothing: &'a [f64],
}

/// Leaves every setpoint where the network has it: no curtailment, storage idle.
pub struct DoNothing {
    action: Vec<f64>,
}

impl DoNothing {
    pub fn new(do_nothing: &[f64]) -> Self {
        DoNothing {
            action: do_nothing.to_vec(),
        }
    }
}

impl Agent for DoNothing {
    fn act(&mut self, _observation: &[f64]) -> Vec<f64> {
        self.action.clone()
    }
}

/// Draws every component uniformly within its bounds, from a seeded generator.
pub struct RandomAgent {
    bounds: Vec<(f64, f64)>,
    rng: StdRng,
}

impl RandomAgent {
    pub fn new(space: &[Component], seed: u64) -> Self {
        RandomAgent {
            bounds: space.iter().map(|c| (c.low, c.high)).collect(),
            rng: StdRng::seed_from_u64(seed),
        }
    }
}

impl Agent for RandomAgent {
    fn act(&mut self, _observation: &[f64]) -> Vec<f64> {
        self.bounds
            .iter()
            .map(|&(lo, hi)| match hi - lo {
                width if width > 0.0 && width.is_finite() => self.rng.random_range(lo..=hi),
                width if width > 0.0 => {
                    // A range too wide to subtract (±1e308): a mix of the ends never overflows.
                    let u: f64 = self.rng.random();
                    lo * (1.0 - u) + hi * u
                }
                _ => lo,
            })
            .collect()
    }
}

/// Operated by a person: the application sets the setpoints, each step applies the last ones.
pub struct HumanAgent {
    pub setpoints: Vec<f64>,
}

impl HumanAgent {
    pub fn new(do_nothing: &[f64]) -> Self {
        HumanAgent {
            setpoints: do_nothing.to_vec(),
        }
    }
}

impl Agent for HumanAgent {
    fn act(&mut self, _observation: &[f64]) -> Vec<f64> {
        self.setpoints.clone()
    }
}

/// The position of every name in a space, or an error naming the first unknown one (or the
/// first one given twice).
fn positions(
    names: &[String],
    space: &[Component],
    what: &str,
    file: &Path,
) -> Result<Vec<usize>, AgentError> {
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = names.iter().find(|n| !seen.insert(n.as_str())) {
        let message = format!("the {what} component '{twice}' is named twice");
        return Err(AgentError::file(file, message));
    }
    names
        .iter()
        .map(|name| {
            crate::sim::position(space, name).ok_or_else(|| {
                AgentError::file(
                    file,
                    format!("unknown {what} component '{name}' (see `gridpilot spaces`)"),
                )
            })
        })
        .collect()
}
