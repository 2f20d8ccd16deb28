//! Edits as values: applying one changes the network and returns the edit that undoes it.
//!
//! Every edit is exact: a delete names every element it removes (the builders in
//! [`super::build`] work out a bus's branches and devices) and captures them with their positions,
//! so undoing it puts them back where they were and the saved file is identical. Nothing is
//! snapshotted: an edit costs what it touches, plus a scan by name.

use std::collections::HashSet;

use crate::model::{Branch, Bus, Device, ElementRef, Network, Position, Profile, Scenario};

/// One change to a network.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Puts elements (and device profiles) at the given positions of their lists.
    Insert(Placed),
    /// Removes exactly the named elements and profiles.
    Delete(Names),
    /// Sets the diagram position of buses.
    MoveBuses(Vec<(String, Position)>),
    /// Replaces the values of the bus, branch or device with the same name.
    SetBus(Bus),
    SetBranch(Branch),
    SetDevice(Device),
    /// Renames an element, and every reference to it (branch ends, device buses, profiles).
    Rename {
        element: ElementRef,
        to: String,
    },
    /// The network's own fields.
    SetNetwork {
        name: String,
        base_mva: f64,
    },
    /// Replaces the whole scenario (settings and profiles), or removes it.
    SetScenario(Option<Box<Scenario>>),
    /// Replaces the existing profile of a device, in place.
    SetProfile(Profile),
    /// Several edits that undo as one, under one name.
    Group {
        label: String,
        edits: Vec<Edit>,
    },
}

/// Elements with the positions they take in their lists once inserted, ascending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placed {
    pub buses: Vec<(usize, Bus)>,
    pub branches: Vec<(usize, Branch)>,
    pub devices: Vec<(usize, Device)>,
    /// Positions in the scenario's profile list.
    pub profiles: Vec<(usize, Profile)>,
}

/// Elements to delete by name; `profiles` names the devices whose profiles go.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub buses: Vec<String>,
    pub branches: Vec<String>,
    pub devices: Vec<String>,
    pub profiles: Vec<String>,
}

/// Why an edit cannot be applied. The network is left as it was.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("there is no {} named '{}'", kind(.0), .0.name())]
    NotFound(ElementRef),
    #[error("a {} named '{}' already exists", kind(.0), .0.name())]
    NameTaken(ElementRef),
    #[error("'{name}' cannot be a name: {reason}")]
    BadName { name: String, reason: &'static str },
    #[error("the network has no scenario")]
    NoScenario,
    #[error("device '{0}' has no profile")]
    NoProfile(String),
    #[error("an element cannot go at position {position} of a list of {length}")]
    BadPosition { position: usize, length: usize },
}

fn kind(element: &ElementRef) -> &'static str {
    match element {
        ElementRef::Bus(_) => "bus",
        ElementRef::Branch(_) => "branch",
        ElementRef::Device(_) => "device",
    }
}

impl Edit {
    /// Applies the edit; returns the edit that undoes it.
    pub fn apply(self, net: &mut Network) -> Result<Edit, EditError> {
        match self {
            Edit::Insert(placed) => insert(net, placed),
            Edit::Delete(names) => delete(net, &names),
            Edit::MoveBuses(moves) => move_buses(net, moves),
            Edit::SetBus(bus) => {
                let target = ElementRef::Bus(bus.name.clone());
                let slot = net.buses.iter_mut().find(|b| b.name == bus.name);
                replace(slot, bus, target).map(Edit::SetBus)
            }
            Edit::SetBranch(branch) => {
                let target = ElementRef::Branch(branch.name.clone());
                let slot = net.branches.iter_mut().find(|b| b.name == branch.name);
                replace(slot, branch, target).map(Edit::SetBranch)
            }
            Edit::SetDevice(device) => {
                let target = ElementRef::Device(device.name().to_string());
                let slot = net.devices.iter_mut().find(|d| d.name() == device.name());
                replace(slot, device, target).map(Edit::SetDevice)
            }
            Edit::Rename { element, to } => rename(net, element, to),
            Edit::SetNetwork { name, base_mva } => {
                let old_name = std::mem::replace(&mut net.name, name);
                let old_base = std::mem::replace(&mut net.base_mva, base_mva);
                Ok(Edit::SetNetwork {
                    name: old_name,
                    base_mva: old_base,
                })
            }
            Edit::SetScenario(scenario) => {
                let old = std::mem::replace(&mut net.scenario, scenario.map(|s| *s));
                Ok(Edit::SetScenario(old.map(Box::new)))
            }
            Edit::SetProfile(profile) => {
                let scenario = net.scenario.as_mut().ok_or(EditError::NoScenario)?;
                let slot = scenario
                    .profiles
                    .iter_mut()
                    .find(|p| p.device == profile.device)
                    .ok_or_else(|| EditError::NoProfile(profile.device.clone()))?;
                Ok(Edit::SetProfile(std::mem::replace(slot, profile)))
            }
            Edit::Group { label, edits } => group(net, label, edits),
        }
    }

    /// What the edit does, in a few words: "move bus3", "delete 4 elements".
    pub fn label(&self) -> String {
        match self {
            Edit::Insert(placed) => match (placed.single(), placed.profiles.as_slice()) {
                (Some(what), _) => format!("add {what}"),
                (None, [(_, p)]) if placed.count() == 0 => {
                    format!("set the profile of {}", p.device)
                }
                (None, _) => format!("add {} elements", placed.count()),
            },
            Edit::Delete(names) => match (names.single(), names.profiles.as_slice()) {
                (Some(element), _) => format!("delete {} {}", kind(&element), element.name()),
                (None, [device]) if names.count() == 0 => {
                    format!("remove the profile of {device}")
                }
                (None, _) => format!("delete {} elements", names.count()),
            },
            Edit::MoveBuses(moves) => match moves.as_slice() {
                [(name, _)] => format!("move {name}"),
                _ => format!("move {} buses", moves.len()),
            },
            Edit::SetBus(b) => format!("edit {}", b.name),
            Edit::SetBranch(b) => format!("edit {}", b.name),
            Edit::SetDevice(d) => format!("edit {}", d.name()),
            Edit::Rename { element, to } => format!("rename {} to {to}", element.name()),
            Edit::SetNetwork { .. } => "edit the network".to_string(),
            Edit::SetScenario(_) => "edit the scenario".to_string(),
            Edit::SetProfile(p) => format!("set the profile of {}", p.device),
            Edit::Group { label, .. } => label.clone(),
        }
    }
}

impl Placed {
    fn count(&self) -> usize {
        self.buses.len() + self.branches.len() + self.devices.len()
    }

    /// The one element inserted, when there is exactly one (its profile aside), in words:
    /// "bus bus4", "solar pv2".
    fn single(&self) -> Option<String> {
        match (&self.buses[..], &self.branches[..], &self.devices[..]) {
            ([(_, b)], [], []) => Some(format!("bus {}", b.name)),
            ([], [(_, b)], []) => Some(format!("branch {}", b.name)),
            ([], [], [(_, d)]) => Some(format!("{} {}", d.kind_name(), d.name())),
            _ => None,
        }
    }

    /// The names of everything placed: what deleting it again takes.
    fn names(&self) -> Names {
        Names {
            buses: self.buses.iter().map(|(_, b)| b.name.clone()).collect(),
            branches: self.branches.iter().map(|(_, b)| b.name.clone()).collect(),
            devices: self
                .devices
                .iter()
                .map(|(_, d)| d.name().to_string())
                .collect(),
            profiles: self
                .profiles
                .iter()
                .map(|(_, p)| p.device.clone())
                .collect(),
        }
    }
}

impl Names {
    fn count(&self) -> usize {
        self.buses.len() + self.branches.len() + self.devices.len()
    }

    fn single(&self) -> Option<ElementRef> {
        match (&self.buses[..], &self.branches[..], &self.devices[..]) {
            ([b], [], []) => Some(ElementRef::Bus(b.clone())),
            ([], [b], []) => Some(ElementRef::Branch(b.clone())),
            ([], [], [d]) => Some(ElementRef::Device(d.clone())),
            _ => None,
        }
    }
}

fn replace<T>(slot: Option<&mut T>, value: T, target: ElementRef) -> Result<T, EditError> {
    let slot = slot.ok_or(EditError::NotFound(target))?;
    Ok(std::mem::replace(slot, value))
}

/// Checks a new name for an element of `element`'s kind.
fn check_new_name(net: &Network, element: &ElementRef) -> Result<(), EditError> {
    let name = element.name();
    let reason = if name.trim().is_empty() {
        Some("it is empty")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else {
        None
    };
    if let Some(reason) = reason {
        return Err(EditError::BadName {
            name: name.to_string(),
            reason,
        });
    }
    if net.contains(element) {
        return Err(EditError::NameTaken(element.clone()));
    }
    Ok(())
}

fn insert(net: &mut Network, placed: Placed) -> Result<Edit, EditError> {
    check_placed(net, &placed)?;
    let undo = Edit::Delete(placed.names());
    let Placed {
        buses,
        branches,
        devices,
        profiles,
    } = placed;
    insert_at(&mut net.buses, buses);
    insert_at(&mut net.branches, branches);
    insert_at(&mut net.devices, devices);
    if let Some(scenario) = &mut net.scenario {
        insert_at(&mut scenario.profiles, profiles);
    }
    Ok(undo)
}

/// Refuses an insertion that would clash with existing names or not fit its lists.
fn check_placed(net: &Network, placed: &Placed) -> Result<(), EditError> {
    let mut new_names = HashSet::new();
    let mut check = |element: ElementRef| {
        check_new_name(net, &element)?;
        if !new_names.insert(element.clone()) {
            return Err(EditError::NameTaken(element));
        }
        Ok(())
    };
    for (_, b) in &placed.buses {
        check(ElementRef::Bus(b.name.clone()))?;
    }
    for (_, b) in &placed.branches {
        check(ElementRef::Branch(b.name.clone()))?;
    }
    for (_, d) in &placed.devices {
        check(ElementRef::Device(d.name().to_string()))?;
    }
    fits(net.buses.len(), &placed.buses)?;
    fits(net.branches.len(), &placed.branches)?;
    fits(net.devices.len(), &placed.devices)?;
    if !placed.profiles.is_empty() {
        let scenario = net.scenario.as_ref().ok_or(EditError::NoScenario)?;
        fits(scenario.profiles.len(), &placed.profiles)?;
    }
    Ok(())
}

/// Whether positions ascend and each lies within the list as it grows.
fn fits<T>(length: usize, items: &[(usize, T)]) -> Result<(), EditError> {
    let total = length + items.len();
    let mut previous = None;
    for &(position, _) in items {
        if position >= total || previous.is_some_and(|p| p >= position) {
            return Err(EditError::BadPosition {
                position,
                length: total,
            });
        }
        previous = Some(position);
    }
    Ok(())
}

/// Inserts items at their final positions (ascending, checked by [`fits`]) in one pass.
fn insert_at<T>(list: &mut Vec<T>, items: Vec<(usize, T)>) {
    if let [(position, _)] = items.as_slice() {
        let position = *position;
        if let Some((_, item)) = items.into_iter().next() {
            list.insert(position, item);
        }
        return;
    }
    let total = list.len() + items.len();
    let mut old = std::mem::take(list).into_iter();
    let mut new = items.into_iter().peekable();
    for position in 0..total {
        let item = match new.next_if(|(p, _)| *p == position) {
            Some((_, item)) => Some(item),
            None => old.next(),
        };
        list.extend(item);
    }
}

/// Removes the items whose names are in `names`; returns them with their positions.
fn take_named<T>(
    list: &mut Vec<T>,
    names: &HashSet<&str>,
    name: impl Fn(&T) -> &str,
) -> Vec<(usize, T)> {
    if names.is_empty() {
        return Vec::new();
    }
    let mut taken = Vec::with_capacity(names.len());
    let mut kept = Vec::with_capacity(list.len().saturating_sub(names.len()));
    for (position, item) in std::mem::take(list).into_iter().enumerate() {
        if names.contains(name(&item)) {
            taken.push((position, item));
        } else {
            kept.push(item);
        }
    }
    *list = kept;
    taken
}

fn delete(net: &mut Network, names: &Names) -> Result<Edit, EditError> {
    let sets = [&names.buses, &names.branches, &names.devices]
        .map(|list| list.iter().map(String::as_str).collect::<HashSet<&str>>());
    let [buses, branches, devices] = &sets;
    check_exist(net, names)?;
    let profiles: HashSet<&str> = names.profiles.iter().map(String::as_str).collect();
    if !profiles.is_empty() {
        let scenario = net.scenario.as_ref().ok_or(EditError::NoScenario)?;
        let have: HashSet<&str> = scenario
            .profiles
            .iter()
            .map(|p| p.device.as_str())
            .collect();
        if let Some(missing) = profiles.iter().find(|d| !have.contains(**d)) {
            return Err(EditError::NoProfile(missing.to_string()));
        }
    }
    let placed = Placed {
        buses: take_named(&mut net.buses, buses, |b| &b.name),
        branches: take_named(&mut net.branches, branches, |b| &b.name),
        devices: take_named(&mut net.devices, devices, |d| d.name()),
        profiles: match &mut net.scenario {
            Some(s) => take_named(&mut s.profiles, &profiles, |p| &p.device),
            None => Vec::new(),
        },
    };
    Ok(Edit::Insert(placed))
}

/// Every named element must exist, once: otherwise nothing is deleted.
fn check_exist(net: &Network, names: &Names) -> Result<(), EditError> {
    let all = [
        (
            net.names_of_kind(&ElementRef::Bus(String::new())),
            &names.buses,
            ElementRef::Bus as fn(String) -> ElementRef,
        ),
        (
            net.names_of_kind(&ElementRef::Branch(String::new())),
            &names.branches,
            ElementRef::Branch,
        ),
        (
            net.names_of_kind(&ElementRef::Device(String::new())),
            &names.devices,
            ElementRef::Device,
        ),
    ];
    for (existing, wanted, element) in all {
        if let Some(missing) = wanted.iter().find(|n| !existing.contains(n.as_str())) {
            return Err(EditError::NotFound(element(missing.clone())));
        }
    }
    Ok(())
}

fn move_buses(net: &mut Network, moves: Vec<(String, Position)>) -> Result<Edit, EditError> {
    let positions = bus_positions(net, moves.iter().map(|(n, _)| n.as_str()))?;
    let undo = moves
        .into_iter()
        .zip(positions)
        .map(|((name, to), i)| (name, std::mem::replace(&mut net.buses[i].position, to)))
        .collect();
    Ok(Edit::MoveBuses(undo))
}

/// Finds buses by name (a scan for a few, a map for many), failing on the first missing one.
fn bus_positions<'a>(
    net: &Network,
    names: impl ExactSizeIterator<Item = &'a str>,
) -> Result<Vec<usize>, EditError> {
    const SCAN_UP_TO: usize = 8;
    let map = (names.len() > SCAN_UP_TO).then(|| net.bus_indices());
    names
        .map(|name| {
            let found = match &map {
                Some(map) => map.get(name).copied(),
                None => net.buses.iter().position(|b| b.name == name),
            };
            found.ok_or_else(|| EditError::NotFound(ElementRef::Bus(name.to_string())))
        })
        .collect()
}

fn rename(net: &mut Network, element: ElementRef, to: String) -> Result<Edit, EditError> {
    let Some(position) = net.position_of(&element) else {
        return Err(EditError::NotFound(element));
    };
    let renamed = element.renamed(to.as_str());
    if element.name() != to {
        check_new_name(net, &renamed)?;
    }
    let old = element.name().to_string();
    match &element {
        ElementRef::Bus(_) => {
            net.buses[position].name = to.clone();
            for branch in &mut net.branches {
                for end in [&mut branch.from_bus, &mut branch.to_bus] {
                    if *end == old {
                        end.clone_from(&to);
                    }
                }
            }
            for device in &mut net.devices {
                if device.bus() == old {
                    device.set_bus(&to);
                }
            }
        }
        ElementRef::Branch(_) => net.branches[position].name = to.clone(),
        ElementRef::Device(_) => {
            net.devices[position].set_name(&to);
            if let Some(scenario) = &mut net.scenario {
                for profile in scenario.profiles.iter_mut().filter(|p| p.device == old) {
                    profile.device.clone_from(&to);
                }
            }
        }
    }
    Ok(Edit::Rename {
        element: renamed,
        to: old,
    })
}

/// Applies edits in order; if one fails, undoes those already applied and reports it.
fn group(net: &mut Network, label: String, edits: Vec<Edit>) -> Result<Edit, EditError> {
    let mut undo = Vec::with_capacity(edits.len());
    for edit in edits {
        match edit.apply(net) {
            Ok(inverse) => undo.push(inverse),
            Err(e) => {
                for inverse in undo.into_iter().rev() {
                    // Inverses of edits just applied always apply.
                    let _ = inverse.apply(net);
                }
                return Err(e);
            }
        }
    }
    undo.reverse();
    Ok(Edit::Group { label, edits: undo })
}
