//! The networks that ship with GridPilot, built into the library so that the app, the command
//! line and the Python package have them wherever they run, with no files beside them.

use std::path::PathBuf;

use crate::io::{LoadError, network_from_ron, parse_numeric_csv, read_series_with};
use crate::model::Network;

/// Every bundled network: its name and its file (`networks/NAME.ron`), the app's default first.
pub const NETWORKS: &[(&str, &str)] = &[
    ("anm6_easy", include_str!("../networks/anm6_easy.ron")),
    (
        "three_bus_feeder",
        include_str!("../networks/three_bus_feeder.ron"),
    ),
    (
        "case14_classroom",
        include_str!("../networks/case14_classroom.ron"),
    ),
    (
        "case30_classroom",
        include_str!("../networks/case30_classroom.ron"),
    ),
    (
        "case33bw_feeder",
        include_str!("../networks/case33bw_feeder.ron"),
    ),
    ("cigre_mv_der", include_str!("../networks/cigre_mv_der.ron")),
    (
        "ieee13_powergrid",
        include_str!("../networks/ieee13_powergrid.ron"),
    ),
    (
        "ieee34_powergrid",
        include_str!("../networks/ieee34_powergrid.ron"),
    ),
    (
        "networked_microgrids",
        include_str!("../networks/networked_microgrids.ron"),
    ),
    (
        "case118_transmission",
        include_str!("../networks/case118_transmission.ron"),
    ),
];

/// The CSV files the bundled networks' series read.
const SERIES: &[(&str, &str)] = &[(
    "case118_loads.csv",
    include_str!("../networks/case118_loads.csv"),
)];

/// A bundled network by name, its CSV series read in.
pub fn network(name: &str) -> Result<Network, LoadError> {
    let path = |file: &str| PathBuf::from("networks").join(file);
    let Some((_, text)) = NETWORKS.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = NETWORKS.iter().map(|(n, _)| *n).collect();
        return Err(LoadError::Content {
            path: path(name),
            message: format!(
                "no bundled network is named '{name}' (they are {})",
                names.join(", ")
            ),
        });
    };
    let file = path(&format!("{name}.ron"));
    let network = network_from_ron(text).map_err(|e| e.in_file(&file))?;
    read_series_with(network, |csv| {
        let at = path(csv);
        let Some((_, text)) = SERIES.iter().find(|(n, _)| *n == csv) else {
            let message = "no such file among the bundled series".to_string();
            return Err(LoadError::Content { path: at, message });
        };
        let table = parse_numeric_csv(text).map_err(|e| e.in_file(&at))?;
        Ok((at, table))
    })
}
