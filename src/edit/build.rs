//! What each thing a user does in the editor becomes as an [`Edit`]: new elements with unique
//! names and sensible values, deletes that take a bus's branches and devices with it, moves and
//! profile changes.

use std::collections::HashSet;

use super::command::{Edit, Names, Placed};
use crate::model::{
    Branch, BranchKind, Bus, Capability, DailyShape, Device, ElementRef, ExternalGrid, Generator,
    Load, Network, Position, Profile, Renewable, RenewableSource, Series, Shunt, Storage,
    TapChanger, TapSide,
};

/// The kinds of device the editor attaches to a bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    Load,
    Generator,
    Solar,
    Wind,
    Storage,
    ExternalGrid,
    Shunt,
}

impl DeviceKind {
    pub const ALL: [DeviceKind; 7] = [
        DeviceKind::Load,
        DeviceKind::Generator,
        DeviceKind::Solar,
        DeviceKind::Wind,
        DeviceKind::Storage,
        DeviceKind::ExternalGrid,
        DeviceKind::Shunt,
    ];

    /// As menus show it.
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::Load => "Load",
            DeviceKind::Generator => "Generator",
            DeviceKind::Solar => "Solar",
            DeviceKind::Wind => "Wind",
            DeviceKind::Storage => "Storage",
            DeviceKind::ExternalGrid => "External grid",
            DeviceKind::Shunt => "Shunt",
        }
    }

    /// The start of new devices' names.
    fn prefix(self) -> &'static str {
        match self {
            DeviceKind::Load => "load",
            DeviceKind::Generator => "gen",
            DeviceKind::Solar => "pv",
            DeviceKind::Wind => "wind",
            DeviceKind::Storage => "storage",
            DeviceKind::ExternalGrid => "grid",
            DeviceKind::Shunt => "shunt",
        }
    }

    /// A new device of this kind with values typical of a distribution feeder.
    pub fn device(self, name: String, bus: String) -> Device {
        let capability = |p_min_mw: f64, p_max_mw: f64, q_mvar: f64| Capability {
            p_min_mw,
            p_max_mw,
            q_min_mvar: -q_mvar,
            q_max_mvar: q_mvar,
            p_plus_mw: None,
            p_minus_mw: None,
            q_plus_mvar: None,
            q_minus_mvar: None,
            min_power_factor: None,
        };
        let renewable = |source, p_max_mw: f64| Renewable {
            name: name.clone(),
            bus: bus.clone(),
            source,
            capability: capability(0.0, p_max_mw, 0.5 * p_max_mw),
            p_mw: p_max_mw,
            q_mvar: 0.0,
            in_service: true,
        };
        match self {
            DeviceKind::Load => Device::Load(Load {
                name,
                bus,
                p_mw: 1.0,
                q_mvar: 0.2,
                in_service: true,
            }),
            DeviceKind::Generator => Device::Generator(Generator {
                name,
                bus,
                p_mw: 5.0,
                q_mvar: 0.0,
                p_min_mw: 0.0,
                p_max_mw: 10.0,
                q_min_mvar: -5.0,
                q_max_mvar: 5.0,
                vm_setpoint_pu: Some(1.0),
                cost: None,
                in_service: true,
            }),
            DeviceKind::Solar => Device::Renewable(renewable(RenewableSource::Solar, 2.0)),
            DeviceKind::Wind => Device::Renewable(renewable(RenewableSource::Wind, 3.0)),
            DeviceKind::Storage => Device::Storage(Storage {
                name,
                bus,
                capability: capability(-2.0, 2.0, 1.0),
                soc_min_mwh: 0.0,
                soc_max_mwh: 4.0,
                efficiency: 0.95,
                soc_mwh: 2.0,
                p_mw: 0.0,
                q_mvar: 0.0,
                in_service: true,
            }),
            DeviceKind::ExternalGrid => Device::ExternalGrid(ExternalGrid {
                name,
                bus,
                vm_pu: 1.0,
                va_deg: 0.0,
                p_min_mw: None,
                p_max_mw: None,
                q_min_mvar: None,
                q_max_mvar: None,
                in_service: true,
            }),
            DeviceKind::Shunt => Device::Shunt(Shunt {
                name,
                bus,
                g_mw: 0.0,
                q_mvar_per_step: 0.5,
                steps: 4,
                step: 1,
                in_service: true,
            }),
        }
    }

    /// The time series a new device follows in a network that runs episodes: the weather for
    /// solar and wind; loads keep their power.
    fn series(self, device: &Device) -> Option<Series> {
        let (shape, Device::Renewable(r)) = (
            match self {
                DeviceKind::Solar => DailyShape::Solar,
                DeviceKind::Wind => DailyShape::Wind,
                _ => return None,
            },
            device,
        ) else {
            return None;
        };
        Some(Series::Daily {
            shape,
            peak_mw: r.capability.p_max_mw,
            noise_pct: 0.0,
        })
    }
}

/// Base voltage of a bus placed in an empty network.
const DEFAULT_BASE_KV: f64 = 20.0;
/// A new line: 5 km of overhead line at 0.2 + 0.4j Ω/km.
const LINE_R_OHM: f64 = 1.0;
const LINE_X_OHM: f64 = 2.0;
/// A new transformer (between buses of different voltages): 10 MVA, 6 % reactance.
const TRANSFORMER_MVA: f64 = 10.0;
const TRANSFORMER_X: f64 = 0.06;

/// A new bus at `at`, at the voltage of the nearest existing bus (20 kV in an empty network).
pub fn add_bus(net: &Network, at: Position) -> (Edit, ElementRef) {
    let base_kv = nearest_bus(net, at).map_or(DEFAULT_BASE_KV, |b| b.base_kv);
    let name = net.unused_name(&ElementRef::Bus(String::new()), "bus");
    let mut bus = Bus::new(name.clone(), base_kv);
    bus.position = at;
    let placed = Placed {
        buses: vec![(net.buses.len(), bus)],
        ..Placed::default()
    };
    (Edit::Insert(placed), ElementRef::Bus(name))
}

fn nearest_bus(net: &Network, at: Position) -> Option<&Bus> {
    let distance = |b: &Bus| (b.position.x - at.x).hypot(b.position.y - at.y);
    net.buses
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
}

/// A branch between two buses: a line between buses of one voltage, a transformer between
/// voltages. Named `from-to` (`#2`, … for parallels), as MATPOWER imports are.
pub fn connect(net: &Network, from: &str, to: &str) -> Option<(Edit, ElementRef)> {
    let (a, b) = (net.bus(from)?, net.bus(to)?);
    if from == to {
        return None;
    }
    let name = branch_name(net, from, to);
    let mut branch = line(net, name.clone(), a, to);
    if a.base_kv != b.base_kv {
        branch.x_pu = TRANSFORMER_X * net.base_mva / TRANSFORMER_MVA;
        branch.r_pu = 0.1 * branch.x_pu;
        branch.rating_mva = Some(TRANSFORMER_MVA);
        branch.kind = transformer();
    }
    let placed = Placed {
        branches: vec![(net.branches.len(), branch)],
        ..Placed::default()
    };
    Some((Edit::Insert(placed), ElementRef::Branch(name)))
}

/// A new bus at `at`, at the voltage of `from`, and a line to it from `from`: drawing a line
/// into empty space.
pub fn connect_to_new_bus(net: &Network, from: &str, at: Position) -> Option<(Edit, ElementRef)> {
    let source = net.bus(from)?;
    let name = net.unused_name(&ElementRef::Bus(String::new()), "bus");
    let mut bus = Bus::new(name.clone(), source.base_kv);
    bus.position = at;
    let branch_name = format!("{from}-{name}");
    let branch = line(net, branch_name.clone(), source, &name);
    let placed = Placed {
        buses: vec![(net.buses.len(), bus)],
        branches: vec![(net.branches.len(), branch)],
        ..Placed::default()
    };
    let edit = Edit::Group {
        label: format!("add bus {name} and line {branch_name}"),
        edits: vec![Edit::Insert(placed)],
    };
    Some((edit, ElementRef::Branch(branch_name)))
}

/// A line of the default length from `from` to the bus named `to`, at `from`'s voltage.
fn line(net: &Network, name: String, from: &Bus, to: &str) -> Branch {
    let z_base_ohm = from.base_kv * from.base_kv / net.base_mva;
    Branch::line(
        name,
        from.name.clone(),
        to,
        LINE_R_OHM / z_base_ohm,
        LINE_X_OHM / z_base_ohm,
    )
}

/// Moves a device to another bus.
pub fn reattach(net: &Network, device: &str, bus: &str) -> Option<Edit> {
    let mut moved = net.device(device)?.clone();
    if moved.bus() == bus || net.bus(bus).is_none() {
        return None;
    }
    moved.set_bus(bus);
    Some(Edit::Group {
        label: format!("move {device} to {bus}"),
        edits: vec![Edit::SetDevice(moved)],
    })
}

fn branch_name(net: &Network, from: &str, to: &str) -> String {
    let base = format!("{from}-{to}");
    let taken = net.names_of_kind(&ElementRef::Branch(String::new()));
    if !taken.contains(base.as_str()) {
        return base;
    }
    crate::model::unused_name(&taken, &format!("{base}#"))
}

/// A transformer at nominal ratio with a tap changer.
pub fn transformer() -> BranchKind {
    BranchKind::Transformer {
        tap_ratio: 1.0,
        shift_deg: 0.0,
        tap_changer: Some(tap_changer()),
    }
}

/// A tap changer of ±10 % in 1.25 % steps, at the middle.
pub fn tap_changer() -> TapChanger {
    TapChanger {
        min_position: -8,
        max_position: 8,
        step_pct: 1.25,
        position: 0,
        side: TapSide::From,
    }
}

/// A new device on `bus`, with a weather profile for solar and wind when the network has a
/// scenario.
pub fn attach(net: &Network, bus: &str, kind: DeviceKind) -> (Edit, ElementRef) {
    let name = net.unused_name(&ElementRef::Device(String::new()), kind.prefix());
    let device = kind.device(name.clone(), bus.to_string());
    let profiles = match (&net.scenario, kind.series(&device)) {
        (Some(scenario), Some(series)) => vec![(
            scenario.profiles.len(),
            Profile {
                device: name.clone(),
                series,
                q_per_p: None,
            },
        )],
        _ => Vec::new(),
    };
    let placed = Placed {
        devices: vec![(net.devices.len(), device)],
        profiles,
        ..Placed::default()
    };
    (Edit::Insert(placed), ElementRef::Device(name))
}

/// Deletes the elements, with every branch and device on a deleted bus and the profiles of
/// deleted devices. `None` when none of them exists.
pub fn delete(net: &Network, elements: &[ElementRef]) -> Option<Edit> {
    let wanted = |kind: fn(&ElementRef) -> Option<&str>| -> HashSet<&str> {
        elements.iter().filter_map(kind).collect()
    };
    let buses = wanted(|e| match e {
        ElementRef::Bus(n) => Some(n),
        _ => None,
    });
    let branches = wanted(|e| match e {
        ElementRef::Branch(n) => Some(n),
        _ => None,
    });
    let devices = wanted(|e| match e {
        ElementRef::Device(n) => Some(n),
        _ => None,
    });
    let names = Names {
        buses: net
            .buses
            .iter()
            .filter(|b| buses.contains(b.name.as_str()))
            .map(|b| b.name.clone())
            .collect(),
        branches: net
            .branches
            .iter()
            .filter(|b| {
                branches.contains(b.name.as_str())
                    || buses.contains(b.from_bus.as_str())
                    || buses.contains(b.to_bus.as_str())
            })
            .map(|b| b.name.clone())
            .collect(),
        devices: net
            .devices
            .iter()
            .filter(|d| devices.contains(d.name()) || buses.contains(d.bus()))
            .map(|d| d.name().to_string())
            .collect(),
        profiles: Vec::new(),
    };
    let gone: HashSet<&str> = names.devices.iter().map(String::as_str).collect();
    let profiles = net.scenario.iter().flat_map(|s| &s.profiles);
    let names = Names {
        profiles: profiles
            .filter(|p| gone.contains(p.device.as_str()))
            .map(|p| p.device.clone())
            .collect(),
        ..names
    };
    let nothing = names.buses.is_empty() && names.branches.is_empty() && names.devices.is_empty();
    (!nothing).then_some(Edit::Delete(names))
}

/// Moves buses by `(dx, dy)` diagram units.
pub fn move_buses(net: &Network, buses: &[String], dx: f64, dy: f64) -> Edit {
    let wanted: HashSet<&str> = buses.iter().map(String::as_str).collect();
    let moves = net
        .buses
        .iter()
        .filter(|b| wanted.contains(b.name.as_str()))
        .map(|b| {
            let to = Position {
                x: b.position.x + dx,
                y: b.position.y + dy,
            };
            (b.name.clone(), to)
        })
        .collect();
    Edit::MoveBuses(moves)
}

/// Gives a device a profile, changes it, or takes it away. `None` when nothing changes.
pub fn set_profile(net: &Network, device: &str, profile: Option<Profile>) -> Option<Edit> {
    let scenario = net.scenario.as_ref()?;
    let existing = scenario.profiles.iter().position(|p| p.device == device);
    match (existing, profile) {
        (Some(i), Some(new)) => (scenario.profiles[i] != new).then_some(Edit::SetProfile(new)),
        (None, Some(new)) => Some(Edit::Insert(Placed {
            profiles: vec![(scenario.profiles.len(), new)],
            ..Placed::default()
        })),
        (Some(_), None) => Some(Edit::Delete(Names {
            profiles: vec![device.to_string()],
            ..Names::default()
        })),
        (None, None) => None,
    }
}
