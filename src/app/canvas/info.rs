//! What the view says about an element in words: accessible names, tooltip rows and the
//! reference powers its bars are drawn against.

use super::Element;
use super::flow::{branch_in_service, p_from_mw};
use super::style;
use crate::model::{BranchKind, Device, Network, capitalised};
use crate::sim::episode::StepRecord;

/// The accessible name of an element: "Bus bus3", "Branch bus1-bus2", "Storage storage".
pub fn accessible_name(net: &Network, element: Element) -> String {
    match element {
        Element::Bus(i) => format!("Bus {}", net.buses.get(i).map_or("?", |b| &b.name)),
        Element::Branch(k) => format!("Branch {}", net.branches.get(k).map_or("?", |b| &b.name)),
        Element::Device(k) => net.devices.get(k).map_or_else(
            || "Device ?".to_string(),
            |d| format!("{} {}", capitalised(d.kind_name()), d.name()),
        ),
    }
}

/// The active power a device's bar is measured against: its capability where it has one.
pub fn device_capacity_mw(device: &Device) -> Option<f64> {
    let capacity = match device {
        Device::Generator(g) => g.p_max_mw.abs().max(g.p_min_mw.abs()),
        Device::Renewable(r) => r.capability.p_max_mw,
        Device::Storage(s) => s.capability.p_max_mw.abs().max(s.capability.p_min_mw.abs()),
        Device::ExternalGrid(g) => g.p_max_mw?.abs().max(g.p_min_mw.map_or(0.0, f64::abs)),
        Device::Load(_) | Device::Shunt(_) => return None,
    };
    (capacity > 0.0 && capacity.is_finite()).then_some(capacity)
}

/// A storage unit's state of charge as a fraction of its capacity.
pub fn soc_fraction(net: &Network, state: &StepRecord, device: usize, storage: usize) -> f64 {
    let Some(Device::Storage(s)) = net.devices.get(device) else {
        return 0.0;
    };
    let soc_mwh = state.soc_mwh.get(storage).copied().unwrap_or(s.soc_mwh);
    if s.soc_max_mwh > 0.0 {
        (soc_mwh / s.soc_max_mwh).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// A title and (name, value) rows with every value of `element` in `state`.
pub fn tooltip_rows(
    net: &Network,
    state: &StepRecord,
    element: Element,
    storage_index: Option<usize>,
) -> (String, Vec<(&'static str, String)>) {
    // A failed power flow left no values: the element is described as when not solved.
    let unsolved = StepRecord::default();
    let values = if state.converged { state } else { &unsolved };
    let mut rows = match element {
        Element::Bus(i) => bus_rows(net, values, i),
        Element::Branch(k) => branch_rows(net, values, k),
        Element::Device(k) => device_rows(net, values, k, storage_index),
    };
    if !state.converged && !state.bus_vm_pu.is_empty() {
        rows.insert(
            0,
            ("Power flow", "failed at this step: no values".to_string()),
        );
    }
    (accessible_name(net, element), rows)
}

fn bus_rows(net: &Network, state: &StepRecord, i: usize) -> Vec<(&'static str, String)> {
    let Some(bus) = net.buses.get(i) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    if let Some(label) = &bus.label {
        rows.push(("Label", label.clone()));
    }
    let limits = format!("{:.3} – {:.3} p.u.", bus.vmin_pu, bus.vmax_pu);
    let (Some(&vm_pu), Some(&va_deg)) = (state.bus_vm_pu.get(i), state.bus_va_deg.get(i)) else {
        // Not solved (being edited): what the bus is, not what it does.
        rows.extend([
            ("Limits", limits),
            ("Base voltage", format!("{} kV", bus.base_kv)),
        ]);
        return rows;
    };
    rows.extend([
        (
            "Voltage",
            format!("{vm_pu:.4} p.u. ({:.2} kV)", vm_pu * bus.base_kv),
        ),
        ("Angle", format!("{va_deg:.2}°")),
        ("Limits", limits),
        ("Base voltage", format!("{} kV", bus.base_kv)),
    ]);
    if style::voltage_violated(vm_pu, bus.vmin_pu, bus.vmax_pu) {
        let word = if vm_pu > bus.vmax_pu {
            "too high"
        } else {
            "too low"
        };
        rows.push(("Violation", format!("voltage {word}")));
    } else if vm_pu < 1e-3 {
        rows.push(("State", "de-energised".to_string()));
    }
    rows
}

fn branch_rows(net: &Network, state: &StepRecord, k: usize) -> Vec<(&'static str, String)> {
    let Some(branch) = net.branches.get(k) else {
        return Vec::new();
    };
    let kind = match &branch.kind {
        BranchKind::Line => "line".to_string(),
        BranchKind::Transformer { .. } => format!(
            "transformer, ratio {:.4}, shift {:.1}°",
            branch.tap_ratio(),
            branch.shift_deg()
        ),
    };
    let mut rows = vec![
        ("Kind", kind),
        ("From", branch.from_bus.clone()),
        ("To", branch.to_bus.clone()),
    ];
    let Some(&[p_from, q_from, p_to, q_to]) = state.branch_flows.get(k) else {
        // Not solved (being edited): its impedance and rating.
        rows.push((
            "Impedance",
            format!("{} + j{} p.u.", branch.r_pu, branch.x_pu),
        ));
        let rating = branch
            .rating_mva
            .map_or("none".to_string(), |r| format!("{r:.1} MVA"));
        rows.push(("Rating", rating));
        return rows;
    };
    let s_mva = state.branch_s_mva.get(k).copied().unwrap_or(0.0).abs();
    rows.extend([
        (
            "State",
            if branch_in_service(net, state, k) {
                "in service"
            } else {
                "open"
            }
            .to_string(),
        ),
        ("P from / to", format!("{p_from:.2} / {p_to:.2} MW")),
        ("Q from / to", format!("{q_from:.2} / {q_to:.2} MVAr")),
        ("|S|", format!("{s_mva:.2} MVA")),
        ("Losses", format!("{:.3} MW", p_from + p_to)),
    ]);
    match branch.rating_mva {
        Some(rating) => {
            rows.push(("Rating", format!("{rating:.1} MVA")));
            if let Some(loading) = style::loading(s_mva, Some(rating)) {
                rows.push(("Loading", format!("{:.1} %", 100.0 * loading)));
            }
        }
        None => rows.push(("Rating", "none".to_string())),
    }
    // Arrows are not in every font (the test harness has only Latin text).
    let (source, sink) = if p_from_mw(state, k) >= 0.0 {
        (&branch.from_bus, &branch.to_bus)
    } else {
        (&branch.to_bus, &branch.from_bus)
    };
    rows.push(("Active power flows", format!("from {source} to {sink}")));
    rows
}

fn device_rows(
    net: &Network,
    state: &StepRecord,
    k: usize,
    storage_index: Option<usize>,
) -> Vec<(&'static str, String)> {
    let Some(device) = net.devices.get(k) else {
        return Vec::new();
    };
    let p_word = if matches!(device, Device::Load(_) | Device::Shunt(_)) {
        "P consumed"
    } else {
        "P injected"
    };
    let mut rows = vec![("Bus", device.bus().to_string())];
    let (Some(&p_mw), Some(&q_mvar)) = (state.device_p_mw.get(k), state.device_q_mvar.get(k))
    else {
        // Not solved (being edited): what it is.
        if let Some(capacity) = device_capacity_mw(device) {
            rows.push(("Capacity", format!("{capacity:.1} MW")));
        }
        return rows;
    };
    rows.extend([
        (p_word, format!("{p_mw:.3} MW")),
        ("Q", format!("{q_mvar:.3} MVAr")),
    ]);
    if let Some(capacity) = device_capacity_mw(device) {
        rows.push(("Capacity", format!("{capacity:.1} MW")));
    }
    if let Device::Renewable(r) = device {
        let unused = (r.capability.p_max_mw - p_mw).max(0.0);
        rows.push(("Unused capability", format!("{unused:.2} MW")));
    }
    if let (Device::Storage(s), Some(storage)) = (device, storage_index) {
        let fraction = soc_fraction(net, state, k, storage);
        rows.push((
            "State of charge",
            format!(
                "{:.2} of {:.1} MWh ({:.0} %)",
                fraction * s.soc_max_mwh,
                s.soc_max_mwh,
                100.0 * fraction
            ),
        ));
    }
    if !device.in_service() {
        rows.push(("State", "out of service".to_string()));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Load;

    #[test]
    fn names_read_kind_then_name() {
        let mut net = Network::new("t", 100.0);
        net.devices.push(Device::Load(Load {
            name: "load_res".into(),
            bus: "b".into(),
            p_mw: 1.0,
            q_mvar: 0.0,
            in_service: true,
        }));
        assert_eq!(accessible_name(&net, Element::Device(0)), "Load load_res");
        assert_eq!(capitalised("external grid"), "External grid");
    }
}
