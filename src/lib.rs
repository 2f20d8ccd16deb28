//! GridPilot: operate electricity grids interactively.
//!
//! The library holds everything that runs without a window: the network model, file formats,
//! the AC power flow, the environment and agents, and the editing of networks. The desktop
//! application lives in `app`, the only module that knows about egui, built with the `gui`
//! feature (on by default).

pub mod agent;
#[cfg(feature = "gui")]
pub mod app;
pub mod contingency;
pub mod edit;
pub mod io;
pub mod layout;
pub mod learn;
pub mod library;
pub mod model;
pub mod powerflow;
pub mod sim;
