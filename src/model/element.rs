//! Referring to elements by name: how selections, edits and validation problems point at a bus,
//! branch or device in a way that survives other elements being added, deleted or reordered.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Device, Network};

/// A bus, branch or device, by name. Names are unique within each kind (validation reports
/// duplicates), so a reference stays valid while other elements come and go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ElementRef {
    Bus(String),
    Branch(String),
    Device(String),
}

impl ElementRef {
    pub fn name(&self) -> &str {
        match self {
            ElementRef::Bus(n) | ElementRef::Branch(n) | ElementRef::Device(n) => n,
        }
    }

    /// The same kind of reference with another name.
    pub fn renamed(&self, name: impl Into<String>) -> Self {
        match self {
            ElementRef::Bus(_) => ElementRef::Bus(name.into()),
            ElementRef::Branch(_) => ElementRef::Branch(name.into()),
            ElementRef::Device(_) => ElementRef::Device(name.into()),
        }
    }
}

/// What a validation problem is about: an element, or a part of the file that is not one
/// (the network's own fields, the scenario, a device's time series).
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// How a message names its kind: "bus", "load", "scenario"…
    pub kind: &'static str,
    /// Empty for the network and the scenario.
    pub name: String,
    /// The element to select when the user clicks the problem.
    pub element: Option<ElementRef>,
}

impl Subject {
    pub fn bus(name: &str) -> Self {
        Subject {
            kind: "bus",
            name: name.to_string(),
            element: Some(ElementRef::Bus(name.to_string())),
        }
    }

    pub fn branch(name: &str) -> Self {
        Subject {
            kind: "branch",
            name: name.to_string(),
            element: Some(ElementRef::Branch(name.to_string())),
        }
    }

    pub fn device(device: &Device) -> Self {
        Subject {
            kind: device.kind_name(),
            name: device.name().to_string(),
            element: Some(ElementRef::Device(device.name().to_string())),
        }
    }

    pub fn network() -> Self {
        Subject {
            kind: "network",
            name: String::new(),
            element: None,
        }
    }

    pub fn scenario() -> Self {
        Subject {
            kind: "scenario",
            name: String::new(),
            element: None,
        }
    }

    /// The time series of a device (which may not exist: the profile names it).
    pub fn profile(device: &str) -> Self {
        Subject {
            kind: "profile of",
            name: device.to_string(),
            element: Some(ElementRef::Device(device.to_string())),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.element.is_none() && self.name.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{} '{}'", self.kind, self.name)
        }
    }
}

impl Network {
    /// The position of the element in its list, if it exists.
    pub fn position_of(&self, element: &ElementRef) -> Option<usize> {
        match element {
            ElementRef::Bus(n) => self.buses.iter().position(|b| &b.name == n),
            ElementRef::Branch(n) => self.branches.iter().position(|b| &b.name == n),
            ElementRef::Device(n) => self.devices.iter().position(|d| d.name() == n),
        }
    }

    pub fn contains(&self, element: &ElementRef) -> bool {
        self.position_of(element).is_some()
    }

    /// The names in use for elements of `kind`'s kind.
    pub fn names_of_kind(&self, kind: &ElementRef) -> HashSet<&str> {
        match kind {
            ElementRef::Bus(_) => self.buses.iter().map(|b| b.name.as_str()).collect(),
            ElementRef::Branch(_) => self.branches.iter().map(|b| b.name.as_str()).collect(),
            ElementRef::Device(_) => self.devices.iter().map(|d| d.name()).collect(),
        }
    }

    /// `prefix` followed by the smallest number ≥ 1 that no element of that kind uses yet:
    /// "bus4" after "bus1" to "bus3".
    pub fn unused_name(&self, kind: &ElementRef, prefix: &str) -> String {
        unused_name(&self.names_of_kind(kind), prefix)
    }
}

/// `prefix` followed by the smallest number ≥ 1 that makes a name not in `taken`.
pub fn unused_name(taken: &HashSet<&str>, prefix: &str) -> String {
    (1..)
        .map(|i| format!("{prefix}{i}"))
        .find(|name| !taken.contains(name.as_str()))
        .unwrap_or_else(|| prefix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Bus;

    #[test]
    fn unused_names_fill_from_one() {
        let mut net = Network::new("t", 100.0);
        let kind = ElementRef::Bus(String::new());
        assert_eq!(net.unused_name(&kind, "bus"), "bus1");
        net.buses.push(Bus::new("bus1", 20.0));
        net.buses.push(Bus::new("bus3", 20.0));
        assert_eq!(net.unused_name(&kind, "bus"), "bus2");
        assert_eq!(net.position_of(&ElementRef::Bus("bus3".into())), Some(1));
        assert!(!net.contains(&ElementRef::Branch("bus3".into())));
        assert_eq!(Subject::bus("a").to_string(), "bus 'a'");
        assert_eq!(Subject::scenario().to_string(), "scenario");
    }
}
