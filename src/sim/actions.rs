//! The action space of a network and how an action becomes device setpoints.

use serde::{Deserialize, Serialize};

use super::capability::FeasibleRegion;
use super::safety::{Severity, Violation, ViolationKind, violation};
use super::spaces::Component;
use crate::model::{BranchKind, Device, Network};

/// What one action component sets.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    /// A renewable's curtailment cap, or a generator's or storage unit's active power.
    P(usize),
    Q(usize),
    /// A voltage-controlling generator's setpoint.
    Vm(usize),
    /// A tap changer's position (branch index).
    Tap(usize),
    /// A shunt's step.
    ShuntStep(usize),
    /// A switchable branch: closed when ≥ 0.5.
    Closed(usize),
}

/// An action component that was outside its box, or not a number, and what was applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clipping {
    pub component: String,
    pub requested: f64,
    pub applied: f64,
}

/// The action space and its mapping onto the network.
#[derive(Debug, Clone)]
pub struct Actions {
    pub space: Vec<Component>,
    targets: Vec<Target>,
    /// Doing nothing: no curtailment, no reactive power, storage idle, the rest as in the file.
    pub do_nothing: Vec<f64>,
}

impl Actions {
    /// Renewable and generator P, then their Q, then storage P and Q (gym-anm's order), then
    /// voltage setpoints, taps, shunt steps and switches.
    pub fn new(net: &Network) -> Self {
        let mut a = Actions {
            space: Vec::new(),
            targets: Vec::new(),
            do_nothing: Vec::new(),
        };
        let devices = || {
            net.devices
                .iter()
                .enumerate()
                .filter(|(_, d)| d.in_service())
        };
        for (k, dev) in devices() {
            match dev {
                Device::Renewable(r) => {
                    let cap = &r.capability;
                    a.push(
                        Component::new(&r.name, "p_mw", cap.p_min_mw, cap.p_max_mw, "MW"),
                        Target::P(k),
                        cap.p_max_mw,
                    );
                }
                Device::Generator(g) => {
                    a.push(
                        Component::new(&g.name, "p_mw", g.p_min_mw, g.p_max_mw, "MW"),
                        Target::P(k),
                        g.p_mw,
                    );
                }
                _ => {}
            }
        }
        for (k, dev) in devices() {
            match dev {
                Device::Renewable(r) => {
                    let cap = &r.capability;
                    a.push(
                        Component::new(&r.name, "q_mvar", cap.q_min_mvar, cap.q_max_mvar, "MVAr"),
                        Target::Q(k),
                        0.0,
                    );
                }
                Device::Generator(g) if g.vm_setpoint_pu.is_none() => {
                    a.push(
                        Component::new(&g.name, "q_mvar", g.q_min_mvar, g.q_max_mvar, "MVAr"),
                        Target::Q(k),
                        g.q_mvar,
                    );
                }
                _ => {}
            }
        }
        for quantity in ["p_mw", "q_mvar"] {
            for (k, dev) in devices() {
                if let Device::Storage(s) = dev {
                    let cap = &s.capability;
                    let (c, t) = match quantity {
                        "p_mw" => (
                            Component::new(&s.name, "p_mw", cap.p_min_mw, cap.p_max_mw, "MW"),
                            Target::P(k),
                        ),
                        _ => (
                            Component::new(
                                &s.name,
                                "q_mvar",
                                cap.q_min_mvar,
                                cap.q_max_mvar,
                                "MVAr",
                            ),
                            Target::Q(k),
                        ),
                    };
                    a.push(c, t, 0.0);
                }
            }
        }
        for (k, dev) in devices() {
            if let Device::Generator(g) = dev
                && let Some(vm) = g.vm_setpoint_pu
            {
                a.push(
                    Component::new(&g.name, "vm_pu", 0.9, 1.1, "p.u."),
                    Target::Vm(k),
                    vm,
                );
            }
        }
        for (k, br) in net.branches.iter().enumerate() {
            if let BranchKind::Transformer {
                tap_changer: Some(t),
                ..
            } = &br.kind
            {
                let c = Component::new(
                    &br.name,
                    "tap",
                    f64::from(t.min_position),
                    f64::from(t.max_position),
                    "step",
                );
                a.push(c, Target::Tap(k), f64::from(t.position));
            }
        }
        for (k, dev) in devices() {
            if let Device::Shunt(s) = dev {
                let c = Component::new(&s.name, "step", 0.0, f64::from(s.steps), "step");
                a.push(c, Target::ShuntStep(k), f64::from(s.step));
            }
        }
        for (k, br) in net
            .branches
            .iter()
            .enumerate()
            .filter(|(_, b)| b.switchable)
        {
            let closed = if br.in_service { 1.0 } else { 0.0 };
            a.push(
                Component::new(&br.name, "closed", 0.0, 1.0, "0/1"),
                Target::Closed(k),
                closed,
            );
        }
        a
    }

    fn push(&mut self, component: Component, target: Target, do_nothing: f64) {
        self.space.push(component);
        self.targets.push(target);
        self.do_nothing.push(do_nothing);
    }

    /// Clips each component into its box (a non-number becomes the do-nothing value) and
    /// reports every change.
    pub fn clip(&self, action: &[f64], clipped: &mut Vec<Clipping>) -> Vec<f64> {
        self.space
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let requested = action.get(i).copied().unwrap_or(f64::NAN);
                let applied = if requested.is_nan() {
                    self.do_nothing[i]
                } else {
                    requested.clamp(c.low, c.high)
                };
                if applied != requested {
                    clipped.push(Clipping {
                        component: c.name.clone(),
                        requested,
                        applied,
                    });
                }
                applied
            })
            .collect()
    }

    /// Writes a clipped action into the network: discrete settings directly, P–Q setpoints
    /// projected onto each device's feasible region (`p_range` gives the active-power range the
    /// weather or the state of charge allows). Projections that move a setpoint are reported.
    pub fn apply(
        &self,
        action: &[f64],
        net: &mut Network,
        p_range: impl Fn(usize, &Device) -> (f64, f64),
        violations: &mut Vec<Violation>,
    ) {
        let mut requested: Vec<(f64, f64)> = net.devices.iter().map(current_pq).collect();
        for (&target, &value) in self.targets.iter().zip(action) {
            match target {
                Target::P(k) => requested[k].0 = value,
                Target::Q(k) => requested[k].1 = value,
                Target::Vm(k) => {
                    if let Device::Generator(g) = &mut net.devices[k] {
                        g.vm_setpoint_pu = Some(value);
                    }
                }
                Target::Tap(b) => {
                    if let BranchKind::Transformer {
                        tap_changer: Some(t),
                        ..
                    } = &mut net.branches[b].kind
                    {
                        t.position = value.round() as i32;
                    }
                }
                Target::ShuntStep(k) => {
                    if let Device::Shunt(s) = &mut net.devices[k] {
                        s.step = value.round() as u32;
                    }
                }
                Target::Closed(b) => net.branches[b].in_service = value >= 0.5,
            }
        }
        for (k, dev) in net.devices.iter_mut().enumerate() {
            let (p_lo, p_hi) = p_range(k, dev);
            let (p_req, q_req) = requested[k];
            let (p, q) = match dev {
                // The cap itself is projected (as gym-anm does), so near the cut corners a cap
                // above the available power can give another point than the available power.
                Device::Renewable(r) => {
                    FeasibleRegion::new(&r.capability, p_lo, p_hi).project(p_req, q_req)
                }
                Device::Storage(s) => {
                    FeasibleRegion::new(&s.capability, p_lo, p_hi).project(p_req, q_req)
                }
                Device::Generator(g) => (
                    p_req.clamp(g.p_min_mw, g.p_max_mw),
                    q_req.clamp(g.q_min_mvar, g.q_max_mvar),
                ),
                _ => continue,
            };
            // A renewable cap above what the weather gives is not a clipping; anything else
            // the projection moves is.
            let wanted_p = match dev {
                Device::Renewable(_) => p_req.min(p_hi),
                _ => p_req,
            };
            if (p - wanted_p).hypot(q - q_req) > 1e-9 {
                let requested_s = wanted_p.hypot(q_req);
                violations.push(violation(
                    ViolationKind::SetpointClipped,
                    dev.name(),
                    requested_s,
                    p.hypot(q),
                    Severity::Info,
                ));
            }
            set_pq(dev, p, q);
        }
    }
}

impl Actions {
    /// The setpoints the network holds now, component by component: what an action became
    /// after clipping and projection.
    pub fn current(&self, net: &Network) -> Vec<f64> {
        self.targets
            .iter()
            .map(|&t| match t {
                Target::P(k) => current_pq(&net.devices[k]).0,
                Target::Q(k) => current_pq(&net.devices[k]).1,
                Target::Vm(k) => match &net.devices[k] {
                    Device::Generator(g) => g.vm_setpoint_pu.unwrap_or(f64::NAN),
                    _ => f64::NAN,
                },
                Target::Tap(b) => match &net.branches[b].kind {
                    BranchKind::Transformer {
                        tap_changer: Some(t),
                        ..
                    } => f64::from(t.position),
                    _ => f64::NAN,
                },
                Target::ShuntStep(k) => match &net.devices[k] {
                    Device::Shunt(s) => f64::from(s.step),
                    _ => f64::NAN,
                },
                Target::Closed(b) => f64::from(u8::from(net.branches[b].in_service)),
            })
            .collect()
    }
}

fn current_pq(dev: &Device) -> (f64, f64) {
    match dev {
        Device::Renewable(r) => (r.p_mw, r.q_mvar),
        Device::Storage(s) => (s.p_mw, s.q_mvar),
        Device::Generator(g) => (g.p_mw, g.q_mvar),
        Device::Load(l) => (l.p_mw, l.q_mvar),
        _ => (0.0, 0.0),
    }
}

fn set_pq(dev: &mut Device, p: f64, q: f64) {
    match dev {
        Device::Renewable(r) => (r.p_mw, r.q_mvar) = (p, q),
        Device::Storage(s) => (s.p_mw, s.q_mvar) = (p, q),
        Device::Generator(g) => (g.p_mw, g.q_mvar) = (p, q),
        _ => {}
    }
}
