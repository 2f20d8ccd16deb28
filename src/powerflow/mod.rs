//! AC power flow: Newton–Raphson in polar form on a sparse Jacobian, validated against MATPOWER.
//!
//! A [`PowerFlow`] is prepared once for a network and then solved as often as its values change:
//! it keeps the admittance matrix pattern, the Jacobian pattern and the symbolic factorisation
//! while the topology (in-service branches and bus types) stays the same, which is what an
//! environment solving the same grid thousands of times needs.

mod compile;
mod dc;
mod linear;
mod newton;
mod ordered_lu;
mod results;
mod ybus;

pub use linear::{FaerLu, LinearSolveError, SparseLu};
pub use newton::BusType;
pub use ordered_lu::OrderedLu;
pub use results::{BranchResult, BusResult, DeviceResult, PowerFlowResult, Start};

use compile::{Index, SolverInput};
use newton::Newton;
use ybus::{C64, Ybus};

use crate::model::{Device, Network, ValidationReport};

/// Settings of one solve. The defaults are MATPOWER's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Largest acceptable power mismatch at any bus (p.u.).
    pub tolerance_pu: f64,
    pub max_iterations: usize,
    /// Turn PV buses whose generators exceed their reactive limits into PQ buses at the limit,
    /// and solve again, until no limit is exceeded.
    pub enforce_q_limits: bool,
    /// When a flat start fails, try again from DC power-flow angles.
    pub dc_fallback: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            tolerance_pu: 1e-8,
            max_iterations: 10,
            enforce_q_limits: false,
            dc_fallback: true,
        }
    }
}

/// A network solved with one branch out at a time, from a solution with it in (the case
/// before the outage). The branch keeps its place in the admittance pattern with no
/// admittance, so the symbolic factorisation is the same for every outage and only the
/// branch's values change between them. Buses an outage cuts off from every external grid
/// keep their places too, their equations replaced by "no change" and their voltage zero.
pub struct Outages {
    pf: PowerFlow,
    /// The solution with every branch in, each outage's start.
    base: PowerFlowResult,
    /// The stamp taken out, and its admittance.
    out: Option<(usize, ybus::BranchAdmittance, f64)>,
}

impl Outages {
    /// Solves `net` (the network this was prepared for) with branch `k` out, from the
    /// solution with it in; `splits` says whether the outage cuts buses off (see
    /// [`crate::contingency::bridges`]), which needs looking for them.
    pub fn solve(
        &mut self,
        net: &Network,
        options: &SolveOptions,
        k: usize,
        splits: bool,
    ) -> PowerFlowResult {
        let input = &mut self.pf.input;
        if let Some((p, y, dc)) = self.out.take() {
            input.stamps[p].y = y;
            input.stamps[p].dc_susceptance = dc;
        }
        let stamp = input.stamp_branch.iter().position(|&b| b == k);
        if let Some(p) = stamp {
            let stamp = &mut input.stamps[p];
            self.out = Some((p, stamp.y, stamp.dc_susceptance));
            stamp.y = ybus::BranchAdmittance::default();
            stamp.dc_susceptance = 0.0;
        }
        let dead = match stamp {
            Some(p) if splits => compile::dead_buses(input, Some(p)),
            _ => Vec::new(),
        };
        let ends = stamp.map(|p| [input.stamps[p].from, input.stamps[p].to]);
        self.pf.ybus.refill(&input.stamps, &input.shunt_y);
        self.pf.warm_start(&self.base);
        self.pf.newton.cut_off(&dead);
        // Buses cut off change more of the Jacobian than the branch's ends.
        if let Some(ends) = ends.filter(|_| dead.is_empty()) {
            self.pf.newton.start_near_reference(&self.pf.ybus, &ends);
        }
        // Cut-off buses are de-energised: no voltage, and their devices deliver nothing.
        let pf = &mut self.pf;
        let cut: Vec<(usize, BusType)> = (0..dead.len())
            .filter(|&b| dead[b])
            .map(|b| {
                (
                    b,
                    std::mem::replace(&mut pf.input.types[b], BusType::Isolated),
                )
            })
            .collect();
        for &(b, _) in &cut {
            pf.v[b] = C64::default();
        }
        let result = self.pf.solve_near(net, options);
        for (b, kind) in cut {
            self.pf.input.types[b] = kind;
        }
        self.pf.newton.cut_off(&[]);
        self.pf.newton.forget_start();
        result
    }
}

/// Why a network cannot be prepared for solving. (Failing to converge is not an error: it is
/// a [`PowerFlowResult`] with `converged: false` and the reason.)
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PowerFlowError {
    #[error("the network cannot be solved: {}", .0.listing())]
    Invalid(ValidationReport),
    #[error("{0}")]
    Linear(#[from] LinearSolveError),
}

/// In-service branches (network indices) and bus types: what decides the sparsity patterns.
#[derive(Debug, Clone, Default)]
struct Structure {
    branches: Vec<usize>,
    types: Vec<BusType>,
}

/// A power flow prepared for one network.
pub struct PowerFlow {
    index: Index,
    input: SolverInput,
    ybus: Ybus,
    newton: Newton,
    /// Reactive output pinned at a limit, per bus, during a solve that enforces limits.
    pinned_q_mvar: Vec<Option<f64>>,
    /// The topology the Ybus pattern and the Newton solver were built for.
    structure: Structure,
    v: Vec<C64>,
}

impl PowerFlow {
    /// Validates the network and builds the admittance matrix and the Newton solver.
    pub fn new(net: &Network) -> Result<Self, PowerFlowError> {
        let index = Index::new(net)?;
        let pinned_q_mvar = vec![None; net.buses.len()];
        let mut input = SolverInput::default();
        index.read(net, &pinned_q_mvar, &mut input);
        let ybus = Ybus::new(net.buses.len(), &input.stamps, &input.shunt_y);
        let newton = Newton::new(&ybus, &input.types, Box::new(OrderedLu::default()))?;
        let structure = Structure {
            branches: input.stamp_branch.clone(),
            types: input.types.clone(),
        };
        Ok(PowerFlow {
            index,
            input,
            ybus,
            newton,
            pinned_q_mvar,
            structure,
            v: vec![C64::default(); net.buses.len()],
        })
    }

    /// Re-reads the network's values. The patterns and symbolic factorisation are kept unless
    /// the topology or a bus type changed; a network with other elements is prepared anew.
    pub fn update(&mut self, net: &Network) -> Result<(), PowerFlowError> {
        if !self.index.fits(net) || net.buses.len() != self.v.len() {
            *self = PowerFlow::new(net)?;
            return Ok(());
        }
        self.index.read(net, &self.pinned_q_mvar, &mut self.input);
        // With the same elements, a branch index always has the same ends: the in-service
        // branch list and the bus types are the whole topology.
        let same_branches = self.structure.branches == self.input.stamp_branch;
        if !same_branches {
            self.ybus = Ybus::new(net.buses.len(), &self.input.stamps, &self.input.shunt_y);
        } else {
            self.ybus.refill(&self.input.stamps, &self.input.shunt_y);
        }
        if !same_branches || self.structure.types != self.input.types {
            self.newton = Newton::new(
                &self.ybus,
                &self.input.types,
                Box::new(OrderedLu::default()),
            )?;
            self.structure.branches.clone_from(&self.input.stamp_branch);
            self.structure.types.clone_from(&self.input.types);
        }
        Ok(())
    }

    /// Solves the network from a flat start: 1 p.u. and 0° at PQ buses, setpoints elsewhere.
    /// Where that fails to converge, it solves again with angles from a DC power flow (unless
    /// `dc_fallback` is off), which large transmission cases need (MATPOWER diverges from a
    /// flat start on them too).
    pub fn solve(
        &mut self,
        net: &Network,
        options: &SolveOptions,
    ) -> Result<PowerFlowResult, PowerFlowError> {
        self.pinned_q_mvar.fill(None);
        self.update(net)?;
        let flat = self.solve_from(net, options, Start::Flat)?;
        if flat.converged || !options.dc_fallback {
            return Ok(flat);
        }
        self.pinned_q_mvar.fill(None);
        self.update(net)?;
        let Ok(angles) = dc::dc_angles(&self.ybus, &self.input) else {
            return Ok(flat);
        };
        self.start(&angles);
        let mut dc = self.solve_from(net, options, Start::DcAngles)?;
        dc.iterations += flat.iterations;
        Ok(if dc.converged { dc } else { flat })
    }

    /// Prepares to solve `net` with one branch out at a time from `base`, its solution with
    /// every branch in (see [`Outages`]). The Jacobian at `base` is factorised here once;
    /// each outage's first factorisation recomputes only the part its branch changes.
    pub fn outages(
        mut self,
        net: &Network,
        base: &PowerFlowResult,
    ) -> Result<Outages, PowerFlowError> {
        self.pinned_q_mvar.fill(None);
        self.update(net)?;
        self.warm_start(base);
        self.newton.keep_reference(&self.ybus, &self.v)?;
        Ok(Outages {
            pf: self,
            base: base.clone(),
            out: None,
        })
    }

    /// Newton from the voltages set, keeping the Jacobian while it works (no reactive limits,
    /// so no rebuilding: this cannot fail).
    fn solve_near(&mut self, net: &Network, options: &SolveOptions) -> PowerFlowResult {
        let outcome = self.newton.solve_near(
            &self.ybus,
            &self.input.s_fixed,
            &mut self.v,
            options.tolerance_pu,
            options.max_iterations,
        );
        self.result(net, outcome, Start::Warm)
    }

    /// Starts from another solution's voltages, with isolated buses dead.
    fn warm_start(&mut self, start: &PowerFlowResult) {
        let buses = self.v.iter_mut().zip(&start.buses).zip(&self.input.types);
        for ((v, bus), kind) in buses {
            *v = match kind {
                BusType::Isolated => C64::default(),
                _ => C64::from_polar(bus.vm_pu, bus.va_deg.to_radians()),
            };
        }
    }

    /// Sets the starting voltages: magnitudes from setpoints (1 p.u. at PQ buses), these angles.
    fn start(&mut self, angles_rad: &[f64]) {
        for (i, v) in self.v.iter_mut().enumerate() {
            *v = C64::from_polar(self.input.vm_setpoint_pu[i], angles_rad[i]);
        }
    }

    /// Runs Newton from the current voltages; with reactive limits enforced, pins violating
    /// buses and solves again from the last solution until no limit is exceeded.
    fn solve_from(
        &mut self,
        net: &Network,
        options: &SolveOptions,
        start: Start,
    ) -> Result<PowerFlowResult, PowerFlowError> {
        if start == Start::Flat {
            let angles = self.input.va_setpoint_rad.clone();
            self.start(&angles);
        }
        let mut iterations = 0;
        loop {
            let mut outcome = self.newton.solve(
                &self.ybus,
                &self.input.s_fixed,
                &mut self.v,
                options.tolerance_pu,
                options.max_iterations,
            );
            iterations += outcome.iterations;
            outcome.iterations = iterations;
            let result = self.result(net, outcome, start);
            if !(options.enforce_q_limits && result.converged && self.pin_violations(net, &result))
            {
                return Ok(result);
            }
            // Pinning changes bus types, so the solver is rebuilt; it restarts from this
            // solution. Each round pins at least one more bus, so the rounds are finite.
            self.update(net)?;
        }
    }

    fn result(
        &self,
        net: &Network,
        outcome: newton::NewtonOutcome,
        start: Start,
    ) -> PowerFlowResult {
        let mut current = vec![C64::default(); self.v.len()];
        self.ybus.mul_into(&self.v, &mut current);
        let devices = &self.index.device_bus;
        results::build(net, devices, &self.input, &self.v, &current, outcome, start)
    }

    /// Pins every PV bus whose generators together exceed their reactive limits at the limit
    /// exceeded; returns whether any bus was pinned.
    fn pin_violations(&mut self, net: &Network, result: &PowerFlowResult) -> bool {
        let n = net.buses.len();
        let (mut q, mut q_min, mut q_max) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        for ((dev, &b), out) in net
            .devices
            .iter()
            .zip(&self.index.device_bus)
            .zip(&result.devices)
        {
            if let Device::Generator(g) = dev
                && g.in_service
                && g.vm_setpoint_pu.is_some()
                && self.input.types[b] == BusType::Pv
            {
                q[b] += out.q_mvar;
                q_min[b] += g.q_min_mvar;
                q_max[b] += g.q_max_mvar;
            }
        }
        let mut pinned = false;
        for b in (0..n).filter(|&b| self.input.types[b] == BusType::Pv) {
            let limit = if q[b] > q_max[b] {
                q_max[b]
            } else if q[b] < q_min[b] {
                q_min[b]
            } else {
                continue;
            };
            self.pinned_q_mvar[b] = Some(limit);
            pinned = true;
        }
        pinned
    }
}
