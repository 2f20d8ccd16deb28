//! Network files in RON: human-readable, diff-friendly, and exactly round-trippable.

use std::path::Path;

use ron::extensions::Extensions;

use super::{ParseError, write_atomic};
use crate::model::Network;

/// RON settings for every GridPilot file: `Some(x)` may be written as `x`, and device variants
/// as `Load(name: …)` rather than `Load((name: …))`.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Parses a network from RON text.
pub fn network_from_ron(text: &str) -> Result<Network, ParseError> {
    ron_options().from_str(text).map_err(|e| ParseError {
        line: e.span.start.line,
        column: Some(e.span.start.col),
        message: e.code.to_string(),
    })
}

/// Formats a network as RON text.
pub fn network_to_ron(network: &Network) -> String {
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("    ".to_string());
    // Serialising plain data with string keys cannot fail.
    ron_options()
        .to_string_pretty(network, pretty)
        .expect("a network always serialises to RON")
}

/// Saves a network as a RON file, atomically.
pub fn save_network(network: &Network, path: &Path) -> std::io::Result<()> {
    let mut text = network_to_ron(network);
    text.push('\n');
    write_atomic(path, text.as_bytes())
}
