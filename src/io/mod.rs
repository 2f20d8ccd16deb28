//! File formats: RON network files, MATPOWER case import and numeric CSV tables.
//!
//! Every error names the file and, where there is one, the line at fault.

mod agent_file;
mod atomic;
mod csv;
mod episode_file;
mod error;
pub mod http;
pub mod matpower;
mod network_file;
pub mod pandapower;
mod timeseries_csv;

pub use agent_file::{
    agent_from_spec, linear_policy_to_ron, read_linear_policy, save_linear_policy,
};
pub use atomic::{writable_target, write_atomic, write_atomic_with};
pub use csv::{NumericTable, parse_numeric_csv, read_numeric_csv, read_series, read_series_with};
pub use episode_file::{
    EpisodeError, EpisodeReader, EpisodeWriter, Frame, episode_from_bytes, episode_to_bytes,
    load_episode, read_frame, save_episode, write_episode,
};
pub use error::{LoadError, ParseError};
pub use network_file::{network_from_ron, network_to_ron, ron_options, save_network};
pub use timeseries_csv::{episode_csv_header, episode_csv_row};

use std::path::Path;

use crate::model::Network;

/// Reads a network from a `.ron` network file or a `.m` MATPOWER case, chosen by extension.
pub fn load_network(path: &Path) -> Result<Network, LoadError> {
    let parse: fn(&str, &Path) -> Result<Network, ParseError> = match path.extension() {
        Some(e) if e == "ron" => |text, _| network_from_ron(text),
        Some(e) if e == "m" => |text, path| matpower::parse(text, &case_name(path)),
        Some(e) if e == "json" => |text, path| pandapower::parse(text, &case_name(path)),
        Some(e) if e == "episode" => {
            return Err(LoadError::Content {
                path: path.to_path_buf(),
                message: "this is a recorded episode, not a network: open it in the app or with `gridpilot replay`".to_string(),
            });
        }
        other => {
            return Err(LoadError::UnknownKind {
                path: path.to_path_buf(),
                extension: other.map_or(String::new(), |e| e.to_string_lossy().into_owned()),
            });
        }
    };
    let text = read_text(path)?;
    parse(&text, path).map_err(|e| e.in_file(path))
}

/// Whether the network read from `path` comes without a diagram of its own and wants laying
/// out: a MATPOWER case carries no coordinates (its buses are placed in provisional layers), a
/// pandapower network's geodata counts only if every bus has a place of its own (buses
/// without are all at the origin), and a GridPilot file's layout is the user's.
pub fn lacks_diagram(path: &Path, net: &Network) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some("m") => true,
        Some("json") => {
            let mut seen = std::collections::HashSet::new();
            !net.buses
                .iter()
                .all(|b| seen.insert((b.position.x.to_bits(), b.position.y.to_bits())))
        }
        _ => false,
    }
}

/// A MATPOWER case is named after its file.
fn case_name(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "network".to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// Reads a whole file as UTF-8 text (without the byte-order mark some editors write),
/// refusing empty and binary files with a clear message.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let mut bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes).map_err(|e| LoadError::NotText {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}
