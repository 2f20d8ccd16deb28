//! What went wrong at a step: every violation with its kind, element, value, limit and
//! severity, so the safety panel and reports can list and count them.

use serde::{Deserialize, Serialize};

use crate::model::{Device, Network};
use crate::powerflow::PowerFlowResult;

/// The kinds of violation a step can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    VoltageHigh,
    VoltageLow,
    BranchOverload,
    StorageFull,
    StorageEmpty,
    /// The requested setpoint lay outside the device's capability and was projected onto it.
    SetpointClipped,
    PowerFactor,
    PowerFlowNotConverged,
    Islanded,
    LoadNotServed,
}

impl ViolationKind {
    /// Every kind, in declaration order (`kind as usize` is its place here).
    pub const ALL: [ViolationKind; 10] = [
        ViolationKind::VoltageHigh,
        ViolationKind::VoltageLow,
        ViolationKind::BranchOverload,
        ViolationKind::StorageFull,
        ViolationKind::StorageEmpty,
        ViolationKind::SetpointClipped,
        ViolationKind::PowerFactor,
        ViolationKind::PowerFlowNotConverged,
        ViolationKind::Islanded,
        ViolationKind::LoadNotServed,
    ];

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            ViolationKind::VoltageHigh => "voltage high",
            ViolationKind::VoltageLow => "voltage low",
            ViolationKind::BranchOverload => "branch overload",
            ViolationKind::StorageFull => "storage full",
            ViolationKind::StorageEmpty => "storage empty",
            ViolationKind::SetpointClipped => "setpoint clipped",
            ViolationKind::PowerFactor => "power factor",
            ViolationKind::PowerFlowNotConverged => "power flow not converged",
            ViolationKind::Islanded => "network split",
            ViolationKind::LoadNotServed => "load not served",
        }
    }
}

/// What a violation measured, in words with units: "1.1234 p.u. (limit 1.1000 p.u.)",
/// "67.37 MVA, 211 % of its 32 MVA rating". Huge values (a failed solve's mismatch) are
/// written in scientific notation rather than as dozens of digits.
pub fn measurement(kind: ViolationKind, value: f64, limit: f64) -> String {
    let n = |v: f64, decimals: usize| {
        if v.is_finite() && v.abs() < 1e6 {
            format!("{v:.decimals$}")
        } else {
            format!("{v:.3e}")
        }
    };
    match kind {
        ViolationKind::VoltageHigh | ViolationKind::VoltageLow => {
            format!("{} p.u. (limit {} p.u.)", n(value, 4), n(limit, 4))
        }
        ViolationKind::BranchOverload => format!(
            "{} MVA, {} % of its {} MVA rating",
            n(value, 2),
            n(100.0 * value / limit, 0),
            n(limit, 1)
        ),
        ViolationKind::StorageFull | ViolationKind::StorageEmpty => {
            format!("{} MWh (limit {} MWh)", n(value, 2), n(limit, 2))
        }
        ViolationKind::SetpointClipped => format!(
            "asked for {} MVA, limited to {} MVA",
            n(value, 2),
            n(limit, 2)
        ),
        ViolationKind::PowerFactor => {
            format!("power factor {} (at least {})", n(value, 3), n(limit, 3))
        }
        ViolationKind::PowerFlowNotConverged => format!(
            "largest mismatch {} p.u. (tolerance {limit:e} p.u.)",
            n(value, 6)
        ),
        ViolationKind::Islanded => format!("{value} buses cut off from every external grid"),
        ViolationKind::LoadNotServed => format!("{} MW not served", n(value, 2)),
    }
}

/// How serious a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// One violation at one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub kind: ViolationKind,
    /// The bus, branch or device concerned (empty for the network as a whole).
    pub element: String,
    pub value: f64,
    pub limit: f64,
    pub severity: Severity,
}

/// Voltage and loading violations of a solved state.
pub fn grid_violations(net: &Network, result: &PowerFlowResult, out: &mut Vec<Violation>) {
    for (bus, r) in net.buses.iter().zip(&result.buses) {
        let (kind, limit) = if r.vm_pu > bus.vmax_pu + 1e-9 {
            (ViolationKind::VoltageHigh, bus.vmax_pu)
        } else if r.vm_pu < bus.vmin_pu - 1e-9 {
            (ViolationKind::VoltageLow, bus.vmin_pu)
        } else {
            continue;
        };
        let off = (r.vm_pu - limit).abs();
        let severity = if off > 0.05 {
            Severity::Critical
        } else {
            Severity::Warning
        };
        out.push(violation(kind, &bus.name, r.vm_pu, limit, severity));
    }
    for (branch, r) in net.branches.iter().zip(&result.branches) {
        if let (Some(rating), Some(pct)) = (branch.rating_mva, r.loading_pct)
            && pct > 100.0 + 1e-9
        {
            let severity = if pct > 120.0 {
                Severity::Critical
            } else {
                Severity::Warning
            };
            let v = violation(
                ViolationKind::BranchOverload,
                &branch.name,
                r.s_max_mva,
                rating,
                severity,
            );
            out.push(v);
        }
    }
}

/// Converter-connected devices running outside their power-factor band.
pub fn power_factor_violations(net: &Network, out: &mut Vec<Violation>) {
    for dev in &net.devices {
        let (cap, p, q) = match dev {
            Device::Renewable(r) => (&r.capability, r.p_mw, r.q_mvar),
            Device::Storage(s) => (&s.capability, s.p_mw, s.q_mvar),
            _ => continue,
        };
        let s = p.hypot(q);
        if let Some(min) = cap.min_power_factor
            && s > 1e-9
            && p.abs() / s < min - 1e-12
        {
            out.push(violation(
                ViolationKind::PowerFactor,
                dev.name(),
                p.abs() / s,
                min,
                Severity::Warning,
            ));
        }
    }
}

/// Storage units at an energy limit.
pub fn storage_violations(net: &Network, out: &mut Vec<Violation>) {
    for dev in &net.devices {
        let Device::Storage(s) = dev else { continue };
        let tol = 1e-9 * s.soc_max_mwh.abs().max(1.0);
        if s.soc_mwh >= s.soc_max_mwh - tol {
            out.push(violation(
                ViolationKind::StorageFull,
                &s.name,
                s.soc_mwh,
                s.soc_max_mwh,
                Severity::Info,
            ));
        } else if s.soc_mwh <= s.soc_min_mwh + tol {
            out.push(violation(
                ViolationKind::StorageEmpty,
                &s.name,
                s.soc_mwh,
                s.soc_min_mwh,
                Severity::Info,
            ));
        }
    }
}

pub fn violation(
    kind: ViolationKind,
    element: &str,
    value: f64,
    limit: f64,
    severity: Severity,
) -> Violation {
    Violation {
        kind,
        element: element.to_string(),
        value,
        limit,
        severity,
    }
}

/// Reports the buses cut off from every external grid and the loads they leave unserved;
/// returns the shares (%) of load and of generation lost.
pub fn supply_lost(
    net: &Network,
    result: &PowerFlowResult,
    device_bus: &[usize],
    out: &mut Vec<Violation>,
) -> (f64, f64) {
    let dead = |b: usize| result.buses[b].vm_pu == 0.0;
    let dead_buses = (0..net.buses.len()).filter(|&b| dead(b)).count();
    if dead_buses == 0 {
        return (0.0, 0.0);
    }
    out.push(violation(
        ViolationKind::Islanded,
        "",
        dead_buses as f64,
        0.0,
        Severity::Critical,
    ));
    let (mut load, mut load_lost, mut generation, mut generation_lost) = (0.0, 0.0, 0.0, 0.0);
    for (dev, &b) in net.devices.iter().zip(device_bus) {
        let p = match dev {
            Device::Load(l) if l.in_service => l.p_mw,
            Device::Generator(g) if g.in_service => g.p_mw.max(0.0),
            Device::Renewable(r) if r.in_service => r.p_mw.max(0.0),
            _ => continue,
        };
        let is_load = matches!(dev, Device::Load(_));
        let (total, lost) = if is_load {
            (&mut load, &mut load_lost)
        } else {
            (&mut generation, &mut generation_lost)
        };
        *total += p;
        if dead(b) {
            *lost += p;
            if is_load && p > 0.0 {
                out.push(violation(
                    ViolationKind::LoadNotServed,
                    dev.name(),
                    p,
                    0.0,
                    Severity::Critical,
                ));
            }
        }
    }
    let share = |lost: f64, total: f64| {
        if total > 0.0 {
            100.0 * lost / total
        } else {
            0.0
        }
    };
    (share(load_lost, load), share(generation_lost, generation))
}

#[cfg(test)]
mod tests {
    use super::{ViolationKind, measurement};

    #[test]
    fn measurements_have_units_and_stay_short() {
        assert_eq!(
            measurement(ViolationKind::BranchOverload, 67.3684, 32.0),
            "67.37 MVA, 211 % of its 32.0 MVA rating"
        );
        assert_eq!(
            measurement(
                ViolationKind::PowerFlowNotConverged,
                1.083347192466362e18,
                1e-8
            ),
            "largest mismatch 1.083e18 p.u. (tolerance 1e-8 p.u.)"
        );
        assert_eq!(
            measurement(ViolationKind::VoltageLow, 0.8912, 0.95),
            "0.8912 p.u. (limit 0.9500 p.u.)"
        );
    }

    #[test]
    fn every_violation_kind_sits_at_its_own_index() {
        for (i, kind) in ViolationKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, i, "{kind:?}");
        }
    }
}
