//! The environment behind every episode: time series, device dynamics, reward, safety and
//! protection, with Gymnasium's reset/step semantics. It runs and is tested with no window.

mod actions;
pub mod capability;
mod env;
pub mod episode;
mod observation;
mod protection;
mod reward;
mod safety;
mod series;
mod spaces;
pub mod timeline;
mod zones;

pub use actions::Clipping;
pub use env::{EnvState, Environment, Event, ResetOptions, SimError, StepInfo, StepResult};
pub use reward::{CostTerms, RewardTerms};
pub use safety::{Severity, Violation, ViolationKind, measurement};
pub use spaces::{Component, position};
pub use zones::{ZoneSpace, zone_spaces};
