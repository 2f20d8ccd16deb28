//! Networks for Python: a file path or the name of a bundled network, with scenario settings
//! overridden by keyword (`GridEnv(network, episode_steps=96)`).

use std::path::Path;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::Value;

use gridpilot::model::Network;
use gridpilot::sim::Environment;

/// The names of the networks built into GridPilot.
#[pyfunction]
pub fn bundled_networks() -> Vec<&'static str> {
    gridpilot::library::NETWORKS
        .iter()
        .map(|(n, _)| *n)
        .collect()
}

/// An environment on `network` (a file, or a bundled network's name), its scenario changed by
/// the JSON object `overrides`.
pub fn environment(network: &str, overrides: Option<&str>) -> PyResult<Environment> {
    let net = open(network).map_err(PyValueError::new_err)?;
    let net = match overrides {
        Some(json) => override_scenario(net, json)
            .map_err(|e| PyValueError::new_err(format!("{network}: {e}")))?,
        None => net,
    };
    Environment::new(net).map_err(|e| PyValueError::new_err(format!("{network}: {e}")))
}

/// Reads a network as `gridpilot run` does (a network with no scenario runs a plain day).
fn open(network: &str) -> Result<Network, String> {
    let path = Path::new(network);
    if !path.exists() {
        return gridpilot::library::network(network)
            .map(Network::runnable)
            .map_err(|e| format!("{e} (nor is there a file of that name)"));
    }
    let net = gridpilot::io::load_network(path).map_err(|e| e.to_string())?;
    let dir = path.parent().unwrap_or(Path::new("."));
    gridpilot::io::read_series(net.runnable(), dir).map_err(|e| e.to_string())
}

/// The network with its scenario's fields replaced by those of `json` (objects merge, so
/// `{"reward": {"penalty_weight": 10}}` changes that one setting).
fn override_scenario(mut net: Network, json: &str) -> Result<Network, String> {
    let overrides: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    if overrides.as_object().is_none_or(|o| o.is_empty()) {
        return Ok(net);
    }
    let scenario = net
        .scenario
        .take()
        .unwrap_or_else(gridpilot::model::Scenario::plain_day);
    let mut value = serde_json::to_value(&scenario).map_err(|e| e.to_string())?;
    merge(&mut value, overrides);
    let scenario = serde_json::from_value(value).map_err(|e| format!("scenario setting: {e}"))?;
    net.scenario = Some(scenario);
    let report = net.validate();
    if !report.is_ok() {
        return Err(report.listing());
    }
    Ok(net)
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(&key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge(slot, value),
                    _ => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (into, from) => *into = from,
    }
}
