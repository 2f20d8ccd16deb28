//! The environment behind every episode: time series, device dynamics, reward, safety and
//! protection, with Gymnasium's reset/step semantics. It runs and is tested with no window.

pub mod capability;
