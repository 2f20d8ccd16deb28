//! Turns a named network into the solver's indexed arrays: bus types, voltage setpoints, fixed
//! injections, shunt admittances and branch stamps. Names are resolved once, in `Index::new`;
//! `Index::read` then re-reads values without any lookup, for repeated solves.

use super::PowerFlowError;
use super::newton::BusType;
use super::ybus::{BranchStamp, C64};
use crate::model::{BusComponents, Device, Network};

/// Bus indices of every branch end and device, resolved from names.
#[derive(Debug, Clone)]
pub struct Index {
    pub branch_ends: Vec<(usize, usize)>,
    pub device_bus: Vec<usize>,
}

/// What the solver needs from a network at one moment, in per-unit.
#[derive(Debug, Clone, Default)]
pub struct SolverInput {
    pub types: Vec<BusType>,
    /// Voltage magnitude for slack and PV buses (1.0 elsewhere).
    pub vm_setpoint_pu: Vec<f64>,
    /// Angle for slack buses (0 elsewhere).
    pub va_setpoint_rad: Vec<f64>,
    /// Injections known before solving: loads, renewables, storage, P of PV generators.
    pub s_fixed: Vec<C64>,
    pub shunt_y: Vec<C64>,
    /// Reactive injection of PV buses pinned at a limit (already included in `s_fixed`).
    pub pinned_q_pu: Vec<f64>,
    /// In-service branches with the network branch each comes from.
    pub stamps: Vec<BranchStamp>,
    pub stamp_branch: Vec<usize>,
}

impl Index {
    pub fn new(net: &Network) -> Result<Self, PowerFlowError> {
        let report = net.validate();
        if !report.is_ok() {
            return Err(PowerFlowError::Invalid(report));
        }
        let bus = net.bus_indices();
        // Validation has checked that every referenced bus exists.
        let find = |name: &str| bus.get(name).copied().unwrap_or_default();
        Ok(Index {
            branch_ends: net
                .branches
                .iter()
                .map(|b| (find(&b.from_bus), find(&b.to_bus)))
                .collect(),
            device_bus: net.devices.iter().map(|d| find(d.bus())).collect(),
        })
    }

    /// Whether this index still describes the network's elements.
    pub fn fits(&self, net: &Network) -> bool {
        self.branch_ends.len() == net.branches.len() && self.device_bus.len() == net.devices.len()
    }

    /// Reads the network's current values into `input` (reusing its allocations).
    /// `fixed_q_mvar` pins the reactive output of PV buses that hit a limit, turning them into PQ.
    pub fn read(&self, net: &Network, fixed_q_mvar: &[Option<f64>], input: &mut SolverInput) {
        let n = net.buses.len();
        let base = net.base_mva;
        input.types.clear();
        input.types.resize(n, BusType::Pq);
        input.vm_setpoint_pu.clear();
        input.vm_setpoint_pu.resize(n, 1.0);
        input.va_setpoint_rad.clear();
        input.va_setpoint_rad.resize(n, 0.0);
        input.s_fixed.clear();
        input.s_fixed.resize(n, C64::default());
        input.shunt_y.clear();
        input.shunt_y.resize(n, C64::default());
        for (dev, &b) in net.devices.iter().zip(&self.device_bus) {
            if dev.in_service() {
                read_device(dev, b, base, input);
            }
        }
        input.pinned_q_pu.clear();
        input.pinned_q_pu.resize(n, 0.0);
        for (b, q) in fixed_q_mvar.iter().enumerate() {
            if let (Some(q), BusType::Pv) = (q, input.types[b]) {
                input.types[b] = BusType::Pq;
                input.pinned_q_pu[b] = q / base;
                input.s_fixed[b].im += q / base;
            }
        }
        input.stamps.clear();
        input.stamp_branch.clear();
        for (k, (br, &(from, to))) in net.branches.iter().zip(&self.branch_ends).enumerate() {
            if br.in_service {
                input.stamps.push(BranchStamp::new(from, to, br));
                input.stamp_branch.push(k);
            }
        }
        isolate_dead_buses(input);
    }
}

fn read_device(dev: &Device, b: usize, base: f64, input: &mut SolverInput) {
    let pq = |p: f64, q: f64| C64::new(p / base, q / base);
    match dev {
        Device::Load(l) => input.s_fixed[b] -= pq(l.p_mw, l.q_mvar),
        Device::Renewable(r) => input.s_fixed[b] += pq(r.p_mw, r.q_mvar),
        Device::Storage(s) => input.s_fixed[b] += pq(s.p_mw, s.q_mvar),
        Device::Shunt(s) => input.shunt_y[b] += pq(s.g_mw, s.q_mvar()),
        Device::Generator(g) => match g.vm_setpoint_pu {
            Some(vm) if input.types[b] != BusType::Slack => {
                if input.types[b] == BusType::Pq {
                    input.types[b] = BusType::Pv;
                    input.vm_setpoint_pu[b] = vm;
                }
                input.s_fixed[b].re += g.p_mw / base;
            }
            Some(_) => input.s_fixed[b].re += g.p_mw / base,
            None => input.s_fixed[b] += pq(g.p_mw, g.q_mvar),
        },
        Device::ExternalGrid(g) => {
            if input.types[b] != BusType::Slack {
                input.types[b] = BusType::Slack;
                input.vm_setpoint_pu[b] = g.vm_pu;
                input.va_setpoint_rad[b] = g.va_deg.to_radians();
            }
        }
    }
}

/// Marks the buses no in-service branch path joins to a slack bus as isolated.
fn isolate_dead_buses(input: &mut SolverInput) {
    let dead = dead_buses(input, None);
    for (b, _) in dead.iter().enumerate().filter(|(_, dead)| **dead) {
        input.types[b] = BusType::Isolated;
        input.vm_setpoint_pu[b] = 0.0;
    }
}

/// Per bus, whether no path of the input's branches (but the stamp `without`) joins it to a
/// slack bus.
pub fn dead_buses(input: &SolverInput, without: Option<usize>) -> Vec<bool> {
    let n = input.types.len();
    let mut components = BusComponents::new(n);
    for (p, s) in input.stamps.iter().enumerate() {
        if Some(p) != without {
            components.join(s.from, s.to);
        }
    }
    let mut live = vec![false; n];
    for b in 0..n {
        if input.types[b] == BusType::Slack {
            live[components.root(b)] = true;
        }
    }
    (0..n).map(|b| !live[components.root(b)]).collect()
}
