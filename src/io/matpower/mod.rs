//! MATPOWER case import (format version 2).
//!
//! The case file is read in three steps: [`lexer`] splits the text into tokens, [`reader`]
//! collects the `mpc.*` matrices ([`case`]) and applies MATPOWER's standard unit conversions
//! ([`convert`]), and [`build`] maps the rows onto the network model and lays the buses out
//! ([`layout`]).
//!
//! Naming: buses are named by their MATPOWER number (`"14"`); devices `load_<bus>`,
//! `shunt_<bus>`, `grid_<bus>` and `gen_<bus>` (`gen_<bus>_2`, … for more on one bus); branches
//! `<from>-<to>` (`<from>-<to>#2`, … for parallels).

mod build;
mod case;
mod convert;
mod costs;
mod layout;
mod lexer;
mod reader;

use super::ParseError;
use crate::model::Network;

/// Stands in for an infinite generator limit (`Inf` in the file, in MW or MVAr), which the model
/// cannot hold: far beyond any real unit, yet safe to add and subtract.
pub const UNLIMITED_MW: f64 = 1e9;

/// Parses a MATPOWER case file's text into a network named `name`.
pub fn parse(text: &str, name: &str) -> Result<Network, ParseError> {
    let case = reader::read(text)?;
    build::build(case, name)
}
