//! Copy and paste: a selection with its branches, devices and profiles, pasted with new unique
//! names. A copied fragment is also RON text, so it travels through the system clipboard
//! between windows.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::command::{Edit, Placed};
use crate::model::{Branch, Bus, Device, ElementRef, Network, Profile};

/// The first line of a fragment's text: how a paste knows the clipboard holds one.
const HEADER: &str = "// GridPilot network fragment\n";

/// Copied elements, as they were.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fragment {
    pub buses: Vec<Bus>,
    pub branches: Vec<Branch>,
    pub devices: Vec<Device>,
    pub profiles: Vec<Profile>,
}

impl Fragment {
    /// The selected buses with the branches between them and their devices, plus selected
    /// devices on other buses (pasted onto the same bus) and their profiles.
    pub fn copy(net: &Network, selection: &[ElementRef]) -> Self {
        let wanted: HashSet<&ElementRef> = selection.iter().collect();
        let buses: Vec<Bus> = net
            .buses
            .iter()
            .filter(|b| wanted.contains(&ElementRef::Bus(b.name.clone())))
            .cloned()
            .collect();
        let copied: HashSet<&str> = buses.iter().map(|b| b.name.as_str()).collect();
        let branches = net
            .branches
            .iter()
            .filter(|b| copied.contains(b.from_bus.as_str()) && copied.contains(b.to_bus.as_str()))
            .cloned()
            .collect();
        let devices: Vec<Device> = net
            .devices
            .iter()
            .filter(|d| {
                copied.contains(d.bus())
                    || wanted.contains(&ElementRef::Device(d.name().to_string()))
            })
            .cloned()
            .collect();
        let device_names: HashSet<&str> = devices.iter().map(|d| d.name()).collect();
        let profiles = net
            .scenario
            .iter()
            .flat_map(|s| &s.profiles)
            .filter(|p| device_names.contains(p.device.as_str()))
            .cloned()
            .collect();
        Fragment {
            buses,
            branches,
            devices,
            profiles,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.buses.is_empty() && self.devices.is_empty()
    }

    /// The fragment as text for the system clipboard.
    pub fn to_text(&self) -> String {
        let pretty = ron::ser::PrettyConfig::new().struct_names(false);
        let body = crate::io::ron_options()
            .to_string_pretty(self, pretty)
            .unwrap_or_default();
        format!("{HEADER}{body}")
    }

    /// A fragment from clipboard text, if that is what the text is.
    pub fn from_text(text: &str) -> Option<Self> {
        let body = text.strip_prefix(HEADER)?;
        crate::io::ron_options().from_str(body).ok()
    }

    /// The edit that adds a copy of the fragment to `net`, shifted by `(dx, dy)`, every element
    /// renamed to a name not in use; and the new elements, to select.
    pub fn paste(&self, net: &Network, dx: f64, dy: f64) -> (Edit, Vec<ElementRef>) {
        let mut names = Renamer::new(net);
        let bus_names: HashMap<&str, String> = self
            .buses
            .iter()
            .map(|b| (b.name.as_str(), names.bus(&b.name)))
            .collect();
        let on_new_bus = |old: &str| {
            bus_names
                .get(old)
                .cloned()
                .unwrap_or_else(|| old.to_string())
        };
        let buses: Vec<Bus> = self
            .buses
            .iter()
            .map(|b| {
                let mut bus = b.clone();
                bus.name = on_new_bus(&b.name);
                bus.position.x += dx;
                bus.position.y += dy;
                bus
            })
            .collect();
        let branches: Vec<Branch> = self
            .branches
            .iter()
            .map(|b| {
                let mut branch = b.clone();
                branch.from_bus = on_new_bus(&b.from_bus);
                branch.to_bus = on_new_bus(&b.to_bus);
                // A branch named after its ends is named after its new ends.
                let ends = format!("{}-{}", b.from_bus, b.to_bus);
                branch.name = if b.name.starts_with(&ends) {
                    names.branch_between(&branch.from_bus, &branch.to_bus)
                } else {
                    names.branch(&b.name)
                };
                branch
            })
            .collect();
        let mut device_names = HashMap::new();
        let devices: Vec<Device> = self
            .devices
            .iter()
            .map(|d| {
                let mut device = d.clone();
                let name = names.device(d.name());
                device_names.insert(d.name(), name.clone());
                device.set_name(&name);
                device.set_bus(&on_new_bus(d.bus()));
                device
            })
            .collect();
        let profiles: Vec<Profile> = match &net.scenario {
            Some(_) => self
                .profiles
                .iter()
                .filter_map(|p| {
                    let device = device_names.get(p.device.as_str())?.clone();
                    Some(Profile {
                        device,
                        ..p.clone()
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        let new_elements = buses
            .iter()
            .map(|b| ElementRef::Bus(b.name.clone()))
            .chain(branches.iter().map(|b| ElementRef::Branch(b.name.clone())))
            .chain(
                devices
                    .iter()
                    .map(|d| ElementRef::Device(d.name().to_string())),
            )
            .collect();
        let profile_start = net.scenario.as_ref().map_or(0, |s| s.profiles.len());
        let placed = Placed {
            buses: at_end(net.buses.len(), buses),
            branches: at_end(net.branches.len(), branches),
            devices: at_end(net.devices.len(), devices),
            profiles: at_end(profile_start, profiles),
        };
        let edit = Edit::Group {
            label: format!("paste {} elements", placed_count(&placed)),
            edits: vec![Edit::Insert(placed)],
        };
        (edit, new_elements)
    }
}

/// Items appended to a list of `length`: their positions after it.
fn at_end<T>(length: usize, items: Vec<T>) -> Vec<(usize, T)> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (length + i, item))
        .collect()
}

fn placed_count(placed: &Placed) -> usize {
    placed.buses.len() + placed.branches.len() + placed.devices.len()
}

/// Hands out names not yet used in the network, nor by this paste.
struct Renamer {
    taken: [HashSet<String>; 3],
    /// Per kind and stem, the number to try next: a paste of many buses stays linear.
    next: HashMap<(usize, String), u64>,
}

impl Renamer {
    fn new(net: &Network) -> Self {
        let owned = |kind: ElementRef| -> HashSet<String> {
            net.names_of_kind(&kind)
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        Renamer {
            taken: [
                owned(ElementRef::Bus(String::new())),
                owned(ElementRef::Branch(String::new())),
                owned(ElementRef::Device(String::new())),
            ],
            next: HashMap::new(),
        }
    }

    fn bus(&mut self, old: &str) -> String {
        self.fresh(0, old)
    }

    fn branch(&mut self, old: &str) -> String {
        self.fresh(1, old)
    }

    /// "from-to", or "from-to#2", "from-to#3"… for parallels.
    fn branch_between(&mut self, from: &str, to: &str) -> String {
        let name = format!("{from}-{to}");
        if self.taken[1].insert(name.clone()) {
            return name;
        }
        self.fresh(1, &format!("{name}#"))
    }

    fn device(&mut self, old: &str) -> String {
        self.fresh(2, old)
    }

    /// "bus3" becomes the next free "busN"; a name without a number gets one ("pv" → "pv2").
    fn fresh(&mut self, kind: usize, old: &str) -> String {
        let stem = old.trim_end_matches(|c: char| c.is_ascii_digit());
        let first = if stem.len() == old.len() { 2 } else { 1 };
        let next = self.next.entry((kind, stem.to_string())).or_insert(first);
        let taken = &mut self.taken[kind];
        let number = (*next..)
            .find(|i| !taken.contains(&format!("{stem}{i}")))
            .unwrap_or(*next);
        *next = number + 1;
        let name = format!("{stem}{number}");
        taken.insert(name.clone());
        name
    }
}
