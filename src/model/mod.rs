//! The network: buses, branches and the devices attached to buses, with their diagram positions.
//!
//! Elements refer to each other by name, never by their index in a list, so files stay readable
//! and edits cannot silently re-wire a network. Units are in the field names; per-unit values are
//! on the network's base power (`base_mva`) and each bus's base voltage.

mod branch;
mod bus;
mod components;
mod device;
mod element;
mod names;
mod scenario;
mod validate;

pub use branch::{Branch, BranchKind, TapChanger, TapSide};
pub use bus::{Bus, Position};
pub(crate) use components::BusComponents;
pub use device::{
    Capability, Device, ExternalGrid, GenCost, Generator, Load, Renewable, RenewableSource, Shunt,
    Storage,
};
pub use element::{ElementRef, Subject, unused_name};
pub use names::{NameHasher, NameMap, NameSet, natural_cmp};
pub use scenario::{
    CostReward, DailyShape, PowerFlowSettings, Profile, Protection, RewardKind, RewardSettings,
    Scenario, Series,
};
pub use validate::{MAX_ITERATIONS, Number, Problem, ValidationReport, capitalised, with_article};

use serde::{Deserialize, Serialize};

/// A complete network: what a network file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// A short name shown in the title bar and reports.
    pub name: String,
    /// The system base power for per-unit values.
    pub base_mva: f64,
    pub buses: Vec<Bus>,
    #[serde(default)]
    pub branches: Vec<Branch>,
    #[serde(default)]
    pub devices: Vec<Device>,
    /// Time series, reward and protection for running episodes; a plain network has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
}

impl Network {
    /// An empty network with the given name and base power.
    pub fn new(name: impl Into<String>, base_mva: f64) -> Self {
        Network {
            name: name.into(),
            base_mva,
            buses: Vec::new(),
            branches: Vec::new(),
            devices: Vec::new(),
            scenario: None,
        }
    }

    /// The position of every bus in `buses`, by name (the last, for a name used twice).
    pub fn bus_indices(&self) -> NameMap<'_, usize> {
        self.buses
            .iter()
            .enumerate()
            .map(|(i, b)| (b.name.as_str(), i))
            .collect()
    }

    /// The bus with this name, if any.
    pub fn bus(&self, name: &str) -> Option<&Bus> {
        self.buses.iter().find(|b| b.name == name)
    }

    /// The branch with this name, if any.
    pub fn branch(&self, name: &str) -> Option<&Branch> {
        self.branches.iter().find(|b| b.name == name)
    }

    /// The device with this name, if any.
    pub fn device(&self, name: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.name() == name)
    }

    /// The network ready to run as an environment: with its own scenario, or with
    /// [`Scenario::plain_day`] when it has none.
    pub fn runnable(mut self) -> Network {
        self.scenario.get_or_insert_with(Scenario::plain_day);
        self
    }

    /// Checks the network (and its scenario) and lists every problem found, by element name.
    pub fn validate(&self) -> ValidationReport {
        validate::validate(self)
    }
}

impl Network {
    /// The zones the buses name, each once, in the order of their first bus.
    pub fn zones(&self) -> Vec<&str> {
        let mut zones: Vec<&str> = Vec::new();
        for zone in self.buses.iter().filter_map(|b| b.zone.as_deref()) {
            if !zones.contains(&zone) {
                zones.push(zone);
            }
        }
        zones
    }
}
