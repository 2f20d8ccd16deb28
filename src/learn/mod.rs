//! Agents that learn: training linear policies with Augmented Random Search, fitting one to a
//! recorded episode (behaviour cloning), and comparing agents on the same seeded episodes.
//! Policies come out in the file format `linear:FILE` loads; nothing here reads or writes files.

mod ars;
pub mod evaluate;
mod fit;
mod policy;
mod stats;
mod workers;

pub use ars::{Ars, ArsSettings, Progress};
pub use fit::{Fit, MAX_OBSERVATIONS, Samples, episode_samples, fit};
pub use policy::PolicyShape;
pub use stats::RunningStats;

use crate::sim::SimError;

/// Why training, fitting or evaluating cannot go on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LearnError {
    #[error("{0}")]
    Settings(String),
    #[error("{0}")]
    Environment(#[from] SimError),
    #[error("the episode: {0}")]
    Episode(String),
    #[error("cancelled")]
    Cancelled,
    /// The agent could not choose an action (a remote policy that stopped answering).
    #[error("{0}")]
    Agent(String),
}
