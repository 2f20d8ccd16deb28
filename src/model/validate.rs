//! Checks that a network can be solved, reporting every problem by element name.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::{BranchKind, BusComponents, Device, Network};

/// One thing wrong with a network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("two {kind}s are named '{name}'")]
    DuplicateName { kind: &'static str, name: String },
    #[error("{element} refers to bus '{bus}', which does not exist")]
    UnknownBus { element: String, bus: String },
    #[error("no external grid is in service: the network has no slack bus")]
    NoSlack,
    #[error("branch '{branch}' has zero impedance (r = x = 0)")]
    ZeroImpedance { branch: String },
    #[error("{} not connected to any external grid", island(.buses))]
    Island { buses: Vec<String> },
    #[error("{element}: {field} = {value} is not allowed: {reason}")]
    InvalidValue {
        element: String,
        field: &'static str,
        value: f64,
        reason: &'static str,
    },
}

/// "bus 'a' is" or "buses 'a', 'b' are".
fn island(buses: &[String]) -> String {
    match buses {
        [one] => format!("bus '{one}' is"),
        _ => format!("buses {} are", list(buses)),
    }
}

fn list(names: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// Every problem found in a network; empty when it can be solved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidationReport {
    pub problems: Vec<Problem>,
}

impl ValidationReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    /// Records a problem unless `value` is finite and `ok(value)` holds.
    fn value(
        &mut self,
        element: &str,
        field: &'static str,
        value: f64,
        ok: impl Fn(f64) -> bool,
        reason: &'static str,
    ) {
        let reason = if value.is_finite() {
            reason
        } else {
            "it must be a finite number"
        };
        if !value.is_finite() || !ok(value) {
            self.problems.push(Problem::InvalidValue {
                element: element.to_string(),
                field,
                value,
                reason,
            });
        }
    }

    fn finite(&mut self, element: &str, field: &'static str, value: f64) {
        self.value(element, field, value, |_| true, "");
    }

    fn range(&mut self, element: &str, field: &'static str, min: f64, max: f64) {
        self.value(
            element,
            field,
            min,
            |v| v <= max,
            "the minimum exceeds the maximum",
        );
    }

    fn unique<'a>(&mut self, kind: &'static str, names: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for name in names {
            if !seen.insert(name) {
                self.problems.push(Problem::DuplicateName {
                    kind,
                    name: name.to_string(),
                });
            }
        }
    }
}

pub(super) fn validate(net: &Network) -> ValidationReport {
    let mut c = Checker {
        problems: Vec::new(),
    };
    c.value(
        "network",
        "base_mva",
        net.base_mva,
        |v| v > 0.0,
        "it must be positive",
    );
    c.unique("bus", net.buses.iter().map(|b| b.name.as_str()));
    c.unique("branch", net.branches.iter().map(|b| b.name.as_str()));
    c.unique("device", net.devices.iter().map(|d| d.name()));
    check_buses(&mut c, net);
    check_branches(&mut c, net);
    check_devices(&mut c, net);
    check_connectivity(&mut c, net);
    ValidationReport {
        problems: c.problems,
    }
}

fn check_buses(c: &mut Checker, net: &Network) {
    for bus in &net.buses {
        let el = format!("bus '{}'", bus.name);
        c.value(
            &el,
            "base_kv",
            bus.base_kv,
            |v| v > 0.0,
            "it must be positive",
        );
        c.value(
            &el,
            "vmin_pu",
            bus.vmin_pu,
            |v| v >= 0.0,
            "it must not be negative",
        );
        c.finite(&el, "vmax_pu", bus.vmax_pu);
        c.range(&el, "vmin_pu", bus.vmin_pu, bus.vmax_pu);
        c.finite(&el, "position.x", bus.position.x);
        c.finite(&el, "position.y", bus.position.y);
    }
}

fn check_bus_ref(c: &mut Checker, buses: &HashSet<&str>, element: &str, bus: &str) {
    if !buses.contains(bus) {
        c.problems.push(Problem::UnknownBus {
            element: element.to_string(),
            bus: bus.to_string(),
        });
    }
}

fn check_branches(c: &mut Checker, net: &Network) {
    let buses: HashSet<&str> = net.buses.iter().map(|b| b.name.as_str()).collect();
    for br in &net.branches {
        let el = format!("branch '{}'", br.name);
        check_bus_ref(c, &buses, &el, &br.from_bus);
        check_bus_ref(c, &buses, &el, &br.to_bus);
        c.finite(&el, "r_pu", br.r_pu);
        c.finite(&el, "x_pu", br.x_pu);
        c.finite(&el, "b_pu", br.b_pu);
        if br.r_pu == 0.0 && br.x_pu == 0.0 {
            c.problems.push(Problem::ZeroImpedance {
                branch: br.name.clone(),
            });
        }
        if let Some(rating) = br.rating_mva {
            c.value(
                &el,
                "rating_mva",
                rating,
                |v| v > 0.0,
                "it must be positive",
            );
        }
        if let BranchKind::Transformer {
            tap_ratio,
            shift_deg,
            tap_changer,
        } = &br.kind
        {
            c.value(
                &el,
                "tap_ratio",
                *tap_ratio,
                |v| v > 0.0,
                "it must be positive",
            );
            c.finite(&el, "shift_deg", *shift_deg);
            if let Some(t) = tap_changer {
                c.finite(&el, "tap_changer.step_pct", t.step_pct);
                let (lo, hi) = (f64::from(t.min_position), f64::from(t.max_position));
                c.range(&el, "tap_changer.min_position", lo, hi);
                c.value(
                    &el,
                    "tap_changer.position",
                    f64::from(t.position),
                    |p| (lo..=hi).contains(&p),
                    "it lies outside the tap changer's range",
                );
            }
            c.value(
                &el,
                "effective tap ratio",
                br.tap_ratio(),
                |v| v > 0.0,
                "it must be positive",
            );
        }
    }
}

fn check_devices(c: &mut Checker, net: &Network) {
    let buses: HashSet<&str> = net.buses.iter().map(|b| b.name.as_str()).collect();
    for dev in &net.devices {
        let el = format!("{} '{}'", dev.kind_name(), dev.name());
        check_bus_ref(c, &buses, &el, dev.bus());
        check_device_values(c, &el, dev);
    }
}

fn check_device_values(c: &mut Checker, el: &str, dev: &Device) {
    match dev {
        Device::Load(d) => {
            c.finite(el, "p_mw", d.p_mw);
            c.finite(el, "q_mvar", d.q_mvar);
        }
        Device::Generator(g) => {
            c.finite(el, "p_mw", g.p_mw);
            c.finite(el, "q_mvar", g.q_mvar);
            c.finite(el, "p_max_mw", g.p_max_mw);
            c.finite(el, "q_max_mvar", g.q_max_mvar);
            c.range(el, "p_min_mw", g.p_min_mw, g.p_max_mw);
            c.range(el, "q_min_mvar", g.q_min_mvar, g.q_max_mvar);
            if let Some(vm) = g.vm_setpoint_pu {
                c.value(el, "vm_setpoint_pu", vm, |v| v > 0.0, "it must be positive");
            }
        }
        Device::Renewable(r) => {
            check_capability(c, el, &r.capability);
            c.finite(el, "p_mw", r.p_mw);
            c.finite(el, "q_mvar", r.q_mvar);
        }
        Device::Storage(s) => {
            check_capability(c, el, &s.capability);
            c.finite(el, "p_mw", s.p_mw);
            c.finite(el, "q_mvar", s.q_mvar);
            c.finite(el, "soc_max_mwh", s.soc_max_mwh);
            c.range(el, "soc_min_mwh", s.soc_min_mwh, s.soc_max_mwh);
            let (lo, hi) = (s.soc_min_mwh, s.soc_max_mwh);
            let inside = |v: f64| v >= lo && v <= hi;
            c.value(
                el,
                "soc_mwh",
                s.soc_mwh,
                inside,
                "it lies outside [soc_min_mwh, soc_max_mwh]",
            );
            let eff = |v: f64| v > 0.0 && v <= 1.0;
            c.value(el, "efficiency", s.efficiency, eff, "it must lie in (0, 1]");
        }
        Device::ExternalGrid(g) => {
            c.value(el, "vm_pu", g.vm_pu, |v| v > 0.0, "it must be positive");
            c.finite(el, "va_deg", g.va_deg);
        }
        Device::Shunt(s) => {
            c.finite(el, "g_mw", s.g_mw);
            c.finite(el, "q_mvar_per_step", s.q_mvar_per_step);
            let steps = s.steps;
            let ok = |v: f64| v <= f64::from(steps);
            c.value(
                el,
                "step",
                f64::from(s.step),
                ok,
                "it exceeds the number of steps",
            );
        }
    }
}

fn check_capability(c: &mut Checker, el: &str, cap: &super::Capability) {
    if let Some(pf) = cap.min_power_factor {
        let band = |v: f64| (0.0..=1.0).contains(&v);
        c.value(
            el,
            "capability.min_power_factor",
            pf,
            band,
            "it must lie in [0, 1]",
        );
    }
    c.finite(el, "capability.p_max_mw", cap.p_max_mw);
    c.finite(el, "capability.q_max_mvar", cap.q_max_mvar);
    c.range(el, "capability.p_min_mw", cap.p_min_mw, cap.p_max_mw);
    c.range(el, "capability.q_min_mvar", cap.q_min_mvar, cap.q_max_mvar);
    for (field, v) in [
        ("capability.p_plus_mw", cap.p_plus_mw),
        ("capability.p_minus_mw", cap.p_minus_mw),
        ("capability.q_plus_mvar", cap.q_plus_mvar),
        ("capability.q_minus_mvar", cap.q_minus_mvar),
    ] {
        if let Some(v) = v {
            c.finite(el, field, v);
        }
    }
}

/// Finds the groups of buses joined by in-service branches and reports those without an
/// in-service external grid (or reports that there is none at all).
fn check_connectivity(c: &mut Checker, net: &Network) {
    let slack_buses: HashSet<&str> = net
        .devices
        .iter()
        .filter(|d| d.in_service() && matches!(d, Device::ExternalGrid(_)))
        .map(|d| d.bus())
        .collect();
    if slack_buses.is_empty() {
        c.problems.push(Problem::NoSlack);
        return;
    }
    let index: HashMap<&str, usize> = net.bus_indices();
    let mut components = BusComponents::new(net.buses.len());
    for br in net.branches.iter().filter(|b| b.in_service) {
        let ends = (
            index.get(br.from_bus.as_str()),
            index.get(br.to_bus.as_str()),
        );
        if let (Some(&f), Some(&t)) = ends {
            components.join(f, t);
        }
    }
    let energised: HashSet<usize> = slack_buses
        .iter()
        .filter_map(|b| index.get(b))
        .map(|&i| components.root(i))
        .collect();
    // Islands in order of their first bus, each listing its buses in file order.
    let mut island_of_root: HashMap<usize, usize> = HashMap::new();
    let mut islands: Vec<Vec<String>> = Vec::new();
    for (i, bus) in net.buses.iter().enumerate() {
        let r = components.root(i);
        if energised.contains(&r) {
            continue;
        }
        let k = *island_of_root.entry(r).or_insert_with(|| {
            islands.push(Vec::new());
            islands.len() - 1
        });
        islands[k].push(bus.name.clone());
    }
    c.problems
        .extend(islands.into_iter().map(|buses| Problem::Island { buses }));
}
