use serde::{Deserialize, Serialize};

/// A node of the network, where branches meet and devices connect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bus {
    pub name: String,
    /// Base (nominal) voltage, line to line.
    pub base_kv: f64,
    /// Lowest acceptable voltage magnitude.
    #[serde(default = "default_vmin")]
    pub vmin_pu: f64,
    /// Highest acceptable voltage magnitude.
    #[serde(default = "default_vmax")]
    pub vmax_pu: f64,
    /// Where the bus is drawn in the network view (diagram units, y pointing down).
    #[serde(default)]
    pub position: Position,
    /// A longer human-readable description (MATPOWER's `bus_name`, for example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The zone the bus belongs to: a named part of the network operated as one area (a
    /// microgrid, say), whose devices and branches follow their buses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

fn default_vmin() -> f64 {
    0.9
}

fn default_vmax() -> f64 {
    1.1
}

impl Bus {
    /// A bus with default voltage limits (0.9–1.1 p.u.) drawn at the origin.
    pub fn new(name: impl Into<String>, base_kv: f64) -> Self {
        Bus {
            name: name.into(),
            base_kv,
            vmin_pu: default_vmin(),
            vmax_pu: default_vmax(),
            position: Position::default(),
            label: None,
            zone: None,
        }
    }
}

/// A point of the network diagram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}
