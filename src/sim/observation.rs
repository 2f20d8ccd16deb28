//! The observation space: device P and Q, storage state of charge, renewable availability and
//! the time index first (gym-anm's layout), then bus voltages and branch flows.

use super::spaces::Component;
use crate::model::{Device, Network};
use crate::powerflow::PowerFlowResult;

/// What the environment knows at a step, from which observations are read.
pub struct State<'a> {
    pub net: &'a Network,
    pub result: &'a PowerFlowResult,
    pub available_mw: &'a [f64],
    /// sign(P_from) · max(|S_from|, |S_to|) per branch.
    pub branch_s_mva: &'a [f64],
    pub time_index: usize,
}

/// Builds the observation space of a network.
pub fn space(net: &Network, steps_per_cycle: usize) -> Vec<Component> {
    let mut space = Vec::new();
    for (quantity, unit) in [("p_mw", "MW"), ("q_mvar", "MVAr")] {
        for dev in &net.devices {
            let (lo, hi) = device_bounds(dev, quantity);
            space.push(Component::new(dev.name(), quantity, lo, hi, unit));
        }
    }
    for dev in &net.devices {
        if let Device::Storage(s) = dev {
            space.push(Component::new(
                &s.name,
                "soc_mwh",
                s.soc_min_mwh,
                s.soc_max_mwh,
                "MWh",
            ));
        }
    }
    for dev in &net.devices {
        if let Device::Renewable(r) = dev {
            space.push(Component::new(
                &r.name,
                "available_mw",
                0.0,
                r.capability.p_max_mw,
                "MW",
            ));
        }
    }
    space.push(Component::new(
        "time",
        "index",
        0.0,
        (steps_per_cycle.max(1) - 1) as f64,
        "step",
    ));
    for bus in &net.buses {
        space.push(Component::new(&bus.name, "vm_pu", 0.0, 2.0, "p.u."));
    }
    for bus in &net.buses {
        space.push(Component::new(&bus.name, "va_deg", -180.0, 180.0, "°"));
    }
    for br in &net.branches {
        let r = br.rating_mva.unwrap_or(f64::INFINITY);
        space.push(Component::new(&br.name, "s_mva", -2.0 * r, 2.0 * r, "MVA"));
    }
    space
}

fn device_bounds(dev: &Device, quantity: &str) -> (f64, f64) {
    let p = quantity == "p_mw";
    let inf = f64::INFINITY;
    match dev {
        Device::Renewable(r) if p => (r.capability.p_min_mw, r.capability.p_max_mw),
        Device::Renewable(r) => (r.capability.q_min_mvar, r.capability.q_max_mvar),
        Device::Storage(s) if p => (s.capability.p_min_mw, s.capability.p_max_mw),
        Device::Storage(s) => (s.capability.q_min_mvar, s.capability.q_max_mvar),
        Device::Generator(g) if p => (g.p_min_mw, g.p_max_mw),
        Device::Generator(g) => (g.q_min_mvar, g.q_max_mvar),
        Device::ExternalGrid(g) if p => (g.p_min_mw.unwrap_or(-inf), g.p_max_mw.unwrap_or(inf)),
        Device::ExternalGrid(g) => (g.q_min_mvar.unwrap_or(-inf), g.q_max_mvar.unwrap_or(inf)),
        Device::Load(_) | Device::Shunt(_) => (-inf, inf),
    }
}

/// Fills `out` with the observation, in the order of [`space`].
pub fn observe(state: &State, out: &mut Vec<f64>) {
    out.clear();
    let devices = &state.result.devices;
    out.extend(devices.iter().map(|d| d.p_mw));
    out.extend(devices.iter().map(|d| d.q_mvar));
    for dev in &state.net.devices {
        if let Device::Storage(s) = dev {
            out.push(s.soc_mwh);
        }
    }
    for (dev, available) in state.net.devices.iter().zip(state.available_mw) {
        if matches!(dev, Device::Renewable(_)) {
            out.push(*available);
        }
    }
    out.push(state.time_index as f64);
    out.extend(state.result.buses.iter().map(|b| b.vm_pu));
    out.extend(state.result.buses.iter().map(|b| b.va_deg));
    out.extend_from_slice(state.branch_s_mva);
}

/// gym-anm's observation layout (its `state` vector): the leading components clipped to their
/// bounds as gym-anm clips them, with load power in gym-anm's injection convention (negative
/// when consuming).
pub fn gym_anm_layout(net: &Network, space: &[Component], observation: &[f64]) -> Vec<f64> {
    let n = net.devices.len();
    let count = |kind: fn(&Device) -> bool| net.devices.iter().filter(|d| kind(d)).count();
    let storage = count(|d| matches!(d, Device::Storage(_)));
    let renewables = count(|d| matches!(d, Device::Renewable(_)));
    let mut out: Vec<f64> = observation
        .iter()
        .zip(space)
        .take(2 * n + storage + renewables + 1)
        .map(|(x, c)| x.clamp(c.low, c.high))
        .collect();
    for (k, dev) in net.devices.iter().enumerate() {
        if matches!(dev, Device::Load(_)) {
            out[k] = -out[k];
            out[n + k] = -out[n + k];
        }
    }
    out
}
