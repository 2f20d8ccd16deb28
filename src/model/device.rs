use serde::{Deserialize, Serialize};

/// Something attached to a bus that consumes or injects power.
///
/// Sign convention: loads give the power they **consume**; every other device gives the power it
/// **injects** into the grid (a storage unit discharging has positive `p_mw`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Device {
    Load(Load),
    Generator(Generator),
    Renewable(Renewable),
    Storage(Storage),
    /// The connection to the upstream grid: the slack that balances the network.
    ExternalGrid(ExternalGrid),
    Shunt(Shunt),
}

impl Device {
    pub fn name(&self) -> &str {
        self.common().0
    }

    /// The name of the bus the device is attached to.
    pub fn bus(&self) -> &str {
        self.common().1
    }

    pub fn in_service(&self) -> bool {
        self.common().2
    }

    /// A lower-case word for the kind of device, as used in messages and the user interface.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Device::Load(_) => "load",
            Device::Generator(_) => "generator",
            Device::Renewable(r) => match r.source {
                RenewableSource::Solar => "solar",
                RenewableSource::Wind => "wind",
            },
            Device::Storage(_) => "storage",
            Device::ExternalGrid(_) => "external grid",
            Device::Shunt(_) => "shunt",
        }
    }

    pub fn set_name(&mut self, name: &str) {
        *self.common_mut().0 = name.to_string();
    }

    /// Attaches the device to another bus.
    pub fn set_bus(&mut self, bus: &str) {
        *self.common_mut().1 = bus.to_string();
    }

    pub fn set_in_service(&mut self, in_service: bool) {
        *self.common_mut().2 = in_service;
    }

    fn common_mut(&mut self) -> (&mut String, &mut String, &mut bool) {
        match self {
            Device::Load(d) => (&mut d.name, &mut d.bus, &mut d.in_service),
            Device::Generator(d) => (&mut d.name, &mut d.bus, &mut d.in_service),
            Device::Renewable(d) => (&mut d.name, &mut d.bus, &mut d.in_service),
            Device::Storage(d) => (&mut d.name, &mut d.bus, &mut d.in_service),
            Device::ExternalGrid(d) => (&mut d.name, &mut d.bus, &mut d.in_service),
            Device::Shunt(d) => (&mut d.name, &mut d.bus, &mut d.in_service),
        }
    }

    fn common(&self) -> (&String, &String, bool) {
        match self {
            Device::Load(d) => (&d.name, &d.bus, d.in_service),
            Device::Generator(d) => (&d.name, &d.bus, d.in_service),
            Device::Renewable(d) => (&d.name, &d.bus, d.in_service),
            Device::Storage(d) => (&d.name, &d.bus, d.in_service),
            Device::ExternalGrid(d) => (&d.name, &d.bus, d.in_service),
            Device::Shunt(d) => (&d.name, &d.bus, d.in_service),
        }
    }
}

fn default_true() -> bool {
    true
}

/// A constant-power load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Load {
    pub name: String,
    pub bus: String,
    /// Active power consumed.
    pub p_mw: f64,
    /// Reactive power consumed.
    #[serde(default)]
    pub q_mvar: f64,
    #[serde(default = "default_true")]
    pub in_service: bool,
}

/// A dispatchable generator. With a voltage setpoint it holds its bus voltage (a PV bus) and its
/// reactive output follows from the power flow; without one it injects fixed `p_mw` and `q_mvar`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    pub name: String,
    pub bus: String,
    pub p_mw: f64,
    /// Reactive output; only an input when the generator has no voltage setpoint.
    #[serde(default)]
    pub q_mvar: f64,
    pub p_min_mw: f64,
    pub p_max_mw: f64,
    pub q_min_mvar: f64,
    pub q_max_mvar: f64,
    #[serde(default)]
    pub vm_setpoint_pu: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<GenCost>,
    #[serde(default = "default_true")]
    pub in_service: bool,
}

/// A generator's operating cost, as MATPOWER's `gencost` gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GenCost {
    /// Cost = Σ cᵢ·Pⁱ, coefficients from the highest power down to the constant.
    Polynomial {
        startup: f64,
        shutdown: f64,
        coefficients: Vec<f64>,
    },
    /// Cost through the points (MW, cost).
    PiecewiseLinear {
        startup: f64,
        shutdown: f64,
        points: Vec<(f64, f64)>,
    },
}

impl GenCost {
    /// The cost per hour of producing `p_mw` (startup and shutdown aside). A piecewise linear
    /// curve goes on along its end segments beyond its first and last points.
    pub fn per_hour(&self, p_mw: f64) -> f64 {
        match self {
            GenCost::Polynomial { coefficients, .. } => {
                coefficients.iter().fold(0.0, |acc, c| acc * p_mw + c)
            }
            GenCost::PiecewiseLinear { points, .. } => match points.as_slice() {
                [] => 0.0,
                [(_, cost)] => *cost,
                _ => {
                    // The segment holding p_mw, or the end segment nearest it.
                    let k = points
                        .windows(2)
                        .position(|w| p_mw <= w[1].0)
                        .unwrap_or(points.len() - 2);
                    let ((p0, c0), (p1, c1)) = (points[k], points[k + 1]);
                    if p1 == p0 {
                        c1
                    } else {
                        c0 + (c1 - c0) * (p_mw - p0) / (p1 - p0)
                    }
                }
            },
        }
    }
}

/// Whether a renewable unit is driven by the sun or the wind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RenewableSource {
    Solar,
    Wind,
}

/// A solar or wind unit: its output is capped by what the weather makes available and by its
/// capability region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renewable {
    pub name: String,
    pub bus: String,
    pub source: RenewableSource,
    pub capability: Capability,
    pub p_mw: f64,
    #[serde(default)]
    pub q_mvar: f64,
    #[serde(default = "default_true")]
    pub in_service: bool,
}

/// A battery or other energy store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    pub name: String,
    pub bus: String,
    pub capability: Capability,
    #[serde(default)]
    pub soc_min_mwh: f64,
    pub soc_max_mwh: f64,
    /// Round-trip losses: applied once when charging and once when discharging.
    pub efficiency: f64,
    pub soc_mwh: f64,
    /// Positive when discharging into the grid.
    #[serde(default)]
    pub p_mw: f64,
    #[serde(default)]
    pub q_mvar: f64,
    #[serde(default = "default_true")]
    pub in_service: bool,
}

/// The P–Q region a converter-connected device can operate in: a box, optionally with its
/// corners cut — above `p_plus_mw` (and below `p_minus_mw`) the reactive range narrows linearly
/// to `[q_minus_mvar, q_plus_mvar]` at the active power limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    pub p_min_mw: f64,
    pub p_max_mw: f64,
    pub q_min_mvar: f64,
    pub q_max_mvar: f64,
    #[serde(default)]
    pub p_plus_mw: Option<f64>,
    #[serde(default)]
    pub p_minus_mw: Option<f64>,
    #[serde(default)]
    pub q_plus_mvar: Option<f64>,
    #[serde(default)]
    pub q_minus_mvar: Option<f64>,
    /// The grid code's power-factor band: |P| / S must stay at or above this (0 to 1).
    #[serde(default)]
    pub min_power_factor: Option<f64>,
}

/// The slack: holds its bus at a fixed voltage magnitude and angle and supplies whatever the
/// rest of the network needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalGrid {
    pub name: String,
    pub bus: String,
    #[serde(default = "one")]
    pub vm_pu: f64,
    #[serde(default)]
    pub va_deg: f64,
    /// Limits, where known (used to share reactive power with generators on the same bus,
    /// and as observation bounds).
    #[serde(default)]
    pub p_min_mw: Option<f64>,
    #[serde(default)]
    pub p_max_mw: Option<f64>,
    #[serde(default)]
    pub q_min_mvar: Option<f64>,
    #[serde(default)]
    pub q_max_mvar: Option<f64>,
    #[serde(default = "default_true")]
    pub in_service: bool,
}

fn one() -> f64 {
    1.0
}

/// A switched shunt (capacitor or reactor bank) with a fixed conductance part.
///
/// At 1 p.u. voltage it consumes `g_mw` and injects `q_mvar_per_step · step` (negative for a
/// reactor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shunt {
    pub name: String,
    pub bus: String,
    #[serde(default)]
    pub g_mw: f64,
    pub q_mvar_per_step: f64,
    #[serde(default = "one_step")]
    pub steps: u32,
    #[serde(default = "one_step")]
    pub step: u32,
    #[serde(default = "default_true")]
    pub in_service: bool,
}

fn one_step() -> u32 {
    1
}

impl Shunt {
    /// Reactive power injected at 1 p.u. voltage in the current step.
    pub fn q_mvar(&self) -> f64 {
        self.q_mvar_per_step * f64::from(self.step)
    }
}
