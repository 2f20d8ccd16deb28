//! File formats: RON network files, MATPOWER case import and numeric CSV tables.
//!
//! Every error names the file and, where there is one, the line at fault.

mod atomic;
mod csv;
mod episode_file;
mod error;
pub mod matpower;
mod network_file;
mod timeseries_csv;

pub use atomic::write_atomic;
pub use csv::{NumericTable, parse_numeric_csv, read_csv_column, read_numeric_csv};
pub use episode_file::{episode_from_bytes, episode_to_bytes, load_episode, save_episode};
pub use error::{LoadError, ParseError};
pub use network_file::{network_from_ron, network_to_ron, ron_options, save_network};
pub use timeseries_csv::episode_csv;

use std::path::Path;

use crate::model::Network;

/// Reads a network from a `.ron` network file or a `.m` MATPOWER case, chosen by extension.
pub fn load_network(path: &Path) -> Result<Network, LoadError> {
    let text = read_text(path)?;
    match path.extension().and_then(|e| e.to_str()) {
        Some("ron") => network_from_ron(&text).map_err(|e| e.in_file(path)),
        Some("m") => {
            let name = path.file_stem().map_or_else(
                || "network".to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
            matpower::parse(&text, &name).map_err(|e| e.in_file(path))
        }
        other => Err(LoadError::UnknownKind {
            path: path.to_path_buf(),
            extension: other.unwrap_or("").to_string(),
        }),
    }
}

/// Reads a whole file as UTF-8 text, refusing empty and binary files with a clear message.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
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
