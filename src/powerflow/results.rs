//! The solved state in engineering units: bus voltages, branch flows and device outputs.

use serde::Serialize;

use super::compile::SolverInput;
use super::newton::{BusType, NewtonOutcome};
use super::ybus::C64;
use crate::model::{Device, Network};

/// Voltage at one bus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BusResult {
    pub vm_pu: f64,
    pub va_deg: f64,
}

/// Flows at both ends of one branch (injected into the branch); zero when out of service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BranchResult {
    pub p_from_mw: f64,
    pub q_from_mvar: f64,
    pub p_to_mw: f64,
    pub q_to_mvar: f64,
    /// The larger apparent power of the two ends.
    pub s_max_mva: f64,
    /// `s_max_mva` against the rating, when the branch has one.
    pub loading_pct: Option<f64>,
}

/// A device's actual output, in the device's own sign convention (loads consume, others inject).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DeviceResult {
    pub p_mw: f64,
    pub q_mvar: f64,
}

/// Where Newton–Raphson started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// 1 p.u. and 0° at PQ buses, setpoints elsewhere.
    Flat,
    /// Angles from a DC power flow, used after a flat start failed.
    DcAngles,
    /// Another solution of the same network (the case before an outage).
    Warm,
}

/// The outcome of one power flow, element by element in the network's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerFlowResult {
    pub converged: bool,
    /// Why the solve stopped without converging.
    pub failure: Option<String>,
    /// Newton iterations, over every attempt.
    pub iterations: usize,
    pub max_mismatch_pu: f64,
    pub start: Start,
    pub buses: Vec<BusResult>,
    pub branches: Vec<BranchResult>,
    pub devices: Vec<DeviceResult>,
    /// Active power lost in all branches.
    pub losses_mw: f64,
    /// What the external grids supply in total.
    pub slack_p_mw: f64,
    pub slack_q_mvar: f64,
}

/// Builds the result from the final voltages.
pub(super) fn build(
    net: &Network,
    device_bus: &[usize],
    input: &SolverInput,
    v: &[C64],
    current: &[C64],
    outcome: NewtonOutcome,
    start: Start,
) -> PowerFlowResult {
    let base = net.base_mva;
    let buses = v
        .iter()
        .map(|x| BusResult {
            vm_pu: x.norm(),
            va_deg: x.arg().to_degrees(),
        })
        .collect();
    let mut branches = vec![BranchResult::default(); net.branches.len()];
    let mut losses_mw = 0.0;
    for (stamp, &k) in input.stamps.iter().zip(&input.stamp_branch) {
        let (vf, vt) = (v[stamp.from], v[stamp.to]);
        let sf = vf * (stamp.y.yff * vf + stamp.y.yft * vt).conj() * base;
        let st = vt * (stamp.y.ytf * vf + stamp.y.ytt * vt).conj() * base;
        let s_max_mva = sf.norm().max(st.norm());
        losses_mw += sf.re + st.re;
        branches[k] = BranchResult {
            p_from_mw: sf.re,
            q_from_mvar: sf.im,
            p_to_mw: st.re,
            q_to_mvar: st.im,
            s_max_mva,
            loading_pct: net.branches[k].rating_mva.map(|r| 100.0 * s_max_mva / r),
        };
    }
    let devices = device_outputs(net, device_bus, input, v, current);
    let (slack_p_mw, slack_q_mvar) = net
        .devices
        .iter()
        .zip(&devices)
        .filter(|(d, _)| matches!(d, Device::ExternalGrid(_)))
        .fold((0.0, 0.0), |(p, q), (_, r)| (p + r.p_mw, q + r.q_mvar));
    PowerFlowResult {
        converged: outcome.converged,
        failure: outcome.failure,
        iterations: outcome.iterations,
        max_mismatch_pu: outcome.max_mismatch_pu,
        start,
        buses,
        branches,
        devices,
        losses_mw,
        slack_p_mw,
        slack_q_mvar,
    }
}

/// Fixed devices report their setpoints; at slack and PV buses (and PV buses pinned at a
/// reactive limit) the power the network needs beyond the fixed injections goes to the
/// voltage-controlling devices: all active power to the
/// first external grid, reactive power shared as MATPOWER's `pfsoln` shares it.
fn device_outputs(
    net: &Network,
    device_bus: &[usize],
    input: &SolverInput,
    v: &[C64],
    current: &[C64],
) -> Vec<DeviceResult> {
    let base = net.base_mva;
    // Power the voltage controllers at each bus must supply (MW, MVAr).
    let mut unmet: Vec<C64> = (0..v.len())
        .map(|i| {
            let pinned = C64::new(0.0, input.pinned_q_pu[i]);
            (v[i] * current[i].conj() - input.s_fixed[i] + pinned) * base
        })
        .collect();
    let mut out = vec![DeviceResult::default(); net.devices.len()];
    let mut controllers: Vec<Vec<usize>> = vec![Vec::new(); v.len()];
    for (k, (dev, &b)) in net.devices.iter().zip(device_bus).enumerate() {
        // Devices cut off from the grid neither consume nor produce.
        if !dev.in_service() || input.types[b] == BusType::Isolated {
            continue;
        }
        let vm2 = v[b].norm_sqr();
        out[k] = match dev {
            Device::Load(l) => DeviceResult {
                p_mw: l.p_mw,
                q_mvar: l.q_mvar,
            },
            Device::Renewable(r) => DeviceResult {
                p_mw: r.p_mw,
                q_mvar: r.q_mvar,
            },
            Device::Storage(s) => DeviceResult {
                p_mw: s.p_mw,
                q_mvar: s.q_mvar,
            },
            Device::Shunt(s) => DeviceResult {
                p_mw: s.g_mw * vm2,
                q_mvar: s.q_mvar() * vm2,
            },
            Device::Generator(g) if g.vm_setpoint_pu.is_none() => DeviceResult {
                p_mw: g.p_mw,
                q_mvar: g.q_mvar,
            },
            Device::Generator(g) => {
                controllers[b].push(k);
                DeviceResult {
                    p_mw: g.p_mw,
                    q_mvar: 0.0,
                }
            }
            Device::ExternalGrid(_) if input.types[b] == BusType::Slack => {
                controllers[b].push(k);
                let p_mw = std::mem::take(&mut unmet[b].re);
                DeviceResult { p_mw, q_mvar: 0.0 }
            }
            Device::ExternalGrid(_) => DeviceResult::default(),
        };
    }
    for (b, devices) in controllers.iter().enumerate() {
        share_reactive(net, devices, unmet[b].im, &mut out);
    }
    out
}

/// Shares a bus's reactive power among its voltage controllers in proportion to their reactive
/// ranges (equally when a range is unknown or zero), as MATPOWER does.
fn share_reactive(net: &Network, devices: &[usize], q_total: f64, out: &mut [DeviceResult]) {
    let limits: Option<Vec<(f64, f64)>> = devices
        .iter()
        .map(|&k| match &net.devices[k] {
            Device::Generator(g) => Some((g.q_min_mvar, g.q_max_mvar)),
            Device::ExternalGrid(g) => g.q_min_mvar.zip(g.q_max_mvar),
            _ => None,
        })
        .collect();
    let n = devices.len() as f64;
    match limits {
        Some(limits) if devices.len() > 1 => {
            let q_min: f64 = limits.iter().map(|l| l.0).sum();
            let q_max: f64 = limits.iter().map(|l| l.1).sum();
            let range = q_max - q_min;
            for (&k, &(lo, hi)) in devices.iter().zip(&limits) {
                out[k].q_mvar = if range.abs() < 10.0 * f64::EPSILON {
                    lo + (q_total - q_min) / n
                } else {
                    lo + (q_total - q_min) / (range + f64::EPSILON) * (hi - lo)
                };
            }
        }
        _ => {
            for &k in devices {
                out[k].q_mvar = q_total / n;
            }
        }
    }
}
