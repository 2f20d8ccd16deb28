//! Newton–Raphson in polar coordinates (MATPOWER's `newtonpf` with `dSbus_dV`), on a sparse
//! Jacobian whose pattern and symbolic factorisation are built once per topology.

use super::linear::{LinearSolveError, SparseLu};
use super::ybus::{C64, Ybus};

/// How the power flow treats a bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusType {
    /// Voltage magnitude and angle fixed (an external grid).
    Slack,
    /// Active power and voltage magnitude fixed (a voltage-controlling generator).
    Pv,
    /// Active and reactive power fixed.
    Pq,
    /// Cut off from every external grid (after a trip or an opened switch): de-energised,
    /// left out of the equations, its voltage zero.
    Isolated,
}

/// Which part of `dS/dV` a Jacobian entry takes.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// ∂P/∂θ
    PAngle,
    /// ∂P/∂|V|
    PMagnitude,
    /// ∂Q/∂θ
    QAngle,
    /// ∂Q/∂|V|
    QMagnitude,
}

/// When Newton's Jacobian is computed and factorised again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Jacobian {
    EveryStep,
    /// Only when the last step cut the mismatch less than tenfold.
    WhenSlow,
}

/// How a Newton solve ended.
#[derive(Debug, Clone, PartialEq)]
pub struct NewtonOutcome {
    pub converged: bool,
    pub iterations: usize,
    /// Largest power mismatch at the end (p.u.).
    pub max_mismatch_pu: f64,
    /// Why it stopped without converging.
    pub failure: Option<String>,
}

/// The Newton solver for one Ybus pattern and one set of bus types.
pub struct Newton {
    /// Non-slack buses (the angle unknowns, and the P equations), in bus order.
    pvpq: Vec<usize>,
    /// PQ buses (the magnitude unknowns, and the Q equations), in bus order.
    pq: Vec<usize>,
    /// For each Jacobian entry: the Ybus entry it derives from, and which part.
    jac_source: Vec<(usize, Part)>,
    /// For each Jacobian entry: its row and column (equation and unknown).
    jac_at: Vec<(u32, u32)>,
    jac_values: Vec<f64>,
    /// Per unknown, whether its bus is cut off for this solve (see [`Newton::cut_off`]).
    cut_off: Vec<bool>,
    /// Per bus, its angle and magnitude unknowns ([`NONE`] where it has none).
    unknowns: Vec<[u32; 2]>,
    /// The unknowns whose Jacobian columns alone differ from the reference's at the start of
    /// the next solve (see [`Newton::start_near_reference`]).
    near_reference: Option<Vec<usize>>,
    lu: Box<dyn SparseLu + Send + Sync>,
    // Workspace reused across iterations and solves.
    current: Vec<C64>,
    d_angle: Vec<C64>,
    d_magnitude: Vec<C64>,
    mismatch: Vec<f64>,
    vm: Vec<f64>,
    va: Vec<f64>,
}

/// No unknown (a bus without an angle or magnitude among the unknowns).
const NONE: u32 = u32::MAX;

/// |x| without `hypot`'s overflow guard, which voltages near 1 p.u. do not need and which
/// costs more than the rest of a small network's Jacobian.
fn magnitude(x: C64) -> f64 {
    x.norm_sqr().sqrt()
}

impl Newton {
    /// Builds the Jacobian pattern for this Ybus pattern and these bus types and analyses it.
    pub fn new(
        ybus: &Ybus,
        types: &[BusType],
        mut lu: Box<dyn SparseLu + Send + Sync>,
    ) -> Result<Self, LinearSolveError> {
        let pvpq: Vec<usize> = (0..ybus.n)
            .filter(|&i| matches!(types[i], BusType::Pv | BusType::Pq))
            .collect();
        let pq: Vec<usize> = (0..ybus.n).filter(|&i| types[i] == BusType::Pq).collect();
        let (mut angle_pos, mut magnitude_pos) = (vec![None; ybus.n], vec![None; ybus.n]);
        for (c, &i) in pvpq.iter().enumerate() {
            angle_pos[i] = Some(c);
        }
        for (c, &i) in pq.iter().enumerate() {
            magnitude_pos[i] = Some(pvpq.len() + c);
        }
        let mut jac_col_ptr = vec![0];
        let mut jac_row_idx = Vec::new();
        let mut jac_source = Vec::new();
        let mut jac_at = Vec::new();
        // Columns: angles of pvpq buses, then magnitudes of pq buses. Rows within a column: P
        // equations then Q equations, each in bus order, so they come out sorted.
        let columns = pvpq
            .iter()
            .map(|&k| (k, Part::PAngle, Part::QAngle))
            .chain(pq.iter().map(|&k| (k, Part::PMagnitude, Part::QMagnitude)));
        for (k, p_part, q_part) in columns {
            let col = ybus.col_ptr[k]..ybus.col_ptr[k + 1];
            for (positions, part) in [(&angle_pos, p_part), (&magnitude_pos, q_part)] {
                for nz in col.clone() {
                    if let Some(row) = positions[ybus.row_idx[nz]] {
                        jac_row_idx.push(row);
                        jac_source.push((nz, part));
                        jac_at.push((row as u32, (jac_col_ptr.len() - 1) as u32));
                    }
                }
            }
            jac_col_ptr.push(jac_row_idx.len());
        }
        let dim = pvpq.len() + pq.len();
        lu.analyze(dim, &jac_col_ptr, &jac_row_idx)?;
        let place = |p: Option<usize>| p.map_or(NONE, |p| p as u32);
        let unknowns = (0..ybus.n)
            .map(|i| [place(angle_pos[i]), place(magnitude_pos[i])])
            .collect();
        Ok(Newton {
            jac_values: vec![0.0; jac_row_idx.len()],
            jac_at,
            cut_off: Vec::new(),
            unknowns,
            near_reference: None,
            current: vec![C64::default(); ybus.n],
            d_angle: vec![C64::default(); ybus.values.len()],
            d_magnitude: vec![C64::default(); ybus.values.len()],
            mismatch: vec![0.0; dim],
            vm: Vec::new(),
            va: Vec::new(),
            pvpq,
            pq,
            jac_source,
            lu,
        })
    }

    /// Factorises the Jacobian at `v` and keeps it as the reference the solves after
    /// [`Newton::start_near_reference`] refactorise from.
    pub fn keep_reference(&mut self, ybus: &Ybus, v: &[C64]) -> Result<(), LinearSolveError> {
        ybus.mul_into(v, &mut self.current);
        self.fill_jacobian(ybus, v);
        self.lu.factorize(&self.jac_values)?;
        self.lu.keep_as_reference();
        Ok(())
    }

    /// The next solve starts from the reference's voltages, and its admittances differ from
    /// the reference's only at the buses `changed` (a branch out between them): the Jacobian
    /// then differs only in their rows, so its first factorisation recomputes just the
    /// columns of their neighbours' unknowns and what depends on them.
    pub fn start_near_reference(&mut self, ybus: &Ybus, changed: &[usize]) {
        let mut columns = Vec::new();
        for &bus in changed {
            for nz in ybus.col_ptr[bus]..ybus.col_ptr[bus + 1] {
                let unknowns = self.unknowns[ybus.row_idx[nz]];
                columns.extend(
                    unknowns
                        .into_iter()
                        .filter(|&u| u != NONE)
                        .map(|u| u as usize),
                );
            }
        }
        self.near_reference = Some(columns);
    }

    /// Forgets a [`Newton::start_near_reference`] the solve did not use (it converged at its
    /// start).
    pub fn forget_start(&mut self) {
        self.near_reference = None;
    }

    /// Leaves the buses marked `dead` (by bus) out of the next solves, their voltage zero,
    /// keeping the Jacobian's pattern and symbolic factorisation: their equations become
    /// `Δx = 0`. An outage that cuts buses off is solved this way without a new analysis.
    /// An empty slice brings every bus back.
    pub fn cut_off(&mut self, dead: &[bool]) {
        self.cut_off.clear();
        if dead.iter().any(|&d| d) {
            let unknowns = self.pvpq.iter().chain(&self.pq);
            self.cut_off.extend(unknowns.map(|&i| dead[i]));
        }
    }

    /// Solves `V · conj(Ybus · V) = sbus` for the unknown magnitudes and angles, starting from
    /// `v` (which holds the fixed magnitudes and angles) and leaving the last iterate there.
    pub fn solve(
        &mut self,
        ybus: &Ybus,
        sbus: &[C64],
        v: &mut [C64],
        tolerance_pu: f64,
        max_iterations: usize,
    ) -> NewtonOutcome {
        self.iterate(
            ybus,
            sbus,
            v,
            tolerance_pu,
            max_iterations,
            Jacobian::EveryStep,
        )
    }

    /// As [`Newton::solve`], from a start close to the solution (the case before a small
    /// change): the Jacobian is factorised at the first step and kept while each step cuts the
    /// mismatch at least tenfold, which saves most factorisations. The answer meets the same
    /// tolerance; `max_iterations` bounds the factorisations, and steps at most three times
    /// as many.
    pub fn solve_near(
        &mut self,
        ybus: &Ybus,
        sbus: &[C64],
        v: &mut [C64],
        tolerance_pu: f64,
        max_iterations: usize,
    ) -> NewtonOutcome {
        self.iterate(
            ybus,
            sbus,
            v,
            tolerance_pu,
            max_iterations,
            Jacobian::WhenSlow,
        )
    }

    fn iterate(
        &mut self,
        ybus: &Ybus,
        sbus: &[C64],
        v: &mut [C64],
        tolerance_pu: f64,
        max_iterations: usize,
        jacobian: Jacobian,
    ) -> NewtonOutcome {
        self.vm.clear();
        self.vm.extend(v.iter().map(|x| magnitude(*x)));
        self.va.clear();
        self.va.extend(v.iter().map(|x| x.arg()));
        let mut norm = self.update_mismatch(ybus, sbus, v);
        let (mut iterations, mut factorisations) = (0, 0);
        let most_steps = match jacobian {
            Jacobian::EveryStep => max_iterations,
            Jacobian::WhenSlow => 3 * max_iterations,
        };
        // Whether the next step needs a Jacobian at the current iterate.
        let mut refresh = true;
        let outcome = |converged, iterations, norm: f64, failure: Option<String>| NewtonOutcome {
            converged,
            iterations,
            max_mismatch_pu: norm,
            failure,
        };
        // Converged only when the mismatch is finite and below tolerance: a NaN compares false
        // with everything, so "not below tolerance" must not be written as "at or above it".
        while norm.partial_cmp(&tolerance_pu) != Some(std::cmp::Ordering::Less) {
            if !norm.is_finite() {
                let why = if iterations == 0 {
                    "the mismatch at the start is not a finite number (values too large or too small for per-unit)"
                } else {
                    "the iteration diverged"
                };
                return outcome(false, iterations, norm, Some(why.into()));
            }
            if iterations == most_steps || (refresh && factorisations == max_iterations) {
                let why = format!("no convergence within {max_iterations} iterations");
                return outcome(false, iterations, norm, Some(why));
            }
            if refresh {
                factorisations += 1;
            }
            if let Err(e) = self.newton_step(ybus, v, refresh) {
                return outcome(false, iterations, norm, Some(e.to_string()));
            }
            iterations += 1;
            let before = norm;
            norm = self.update_mismatch(ybus, sbus, v);
            refresh = jacobian == Jacobian::EveryStep || norm > before / 10.0;
        }
        outcome(true, iterations, norm, None)
    }

    /// One Newton update of the magnitudes and angles from the current mismatch, with a
    /// Jacobian factorised at the current iterate (`refresh`) or the last one factorised.
    fn newton_step(
        &mut self,
        ybus: &Ybus,
        v: &mut [C64],
        refresh: bool,
    ) -> Result<(), LinearSolveError> {
        if refresh {
            self.fill_jacobian(ybus, v);
            let near = self.near_reference.take();
            let partly = match &near {
                Some(columns) => self.lu.refactorize_columns(&self.jac_values, columns)?,
                None => false,
            };
            if !partly {
                self.lu.factorize(&self.jac_values)?;
            }
        }
        self.lu.solve_in_place(&mut self.mismatch)?;
        // The solve overwrote the mismatch F with J⁻¹F; the update is its negative.
        let (d_angle, d_magnitude) = self.mismatch.split_at(self.pvpq.len());
        for (&i, dx) in self.pvpq.iter().zip(d_angle) {
            self.va[i] -= dx;
        }
        for (&i, dx) in self.pq.iter().zip(d_magnitude) {
            self.vm[i] -= dx;
        }
        for ((v, &vm), &va) in v.iter_mut().zip(&self.vm).zip(&self.va) {
            *v = C64::from_polar(vm, va);
        }
        Ok(())
    }

    /// Computes the bus currents and the mismatch vector; returns its largest magnitude.
    fn update_mismatch(&mut self, ybus: &Ybus, sbus: &[C64], v: &[C64]) -> f64 {
        ybus.mul_into(v, &mut self.current);
        let npvpq = self.pvpq.len();
        let s = |i: usize| v[i] * self.current[i].conj() - sbus[i];
        for (c, &i) in self.pvpq.iter().enumerate() {
            self.mismatch[c] = s(i).re;
        }
        for (c, &i) in self.pq.iter().enumerate() {
            self.mismatch[npvpq + c] = s(i).im;
        }
        for (m, _) in self
            .mismatch
            .iter_mut()
            .zip(&self.cut_off)
            .filter(|(_, cut)| **cut)
        {
            *m = 0.0;
        }
        // `f64::max` drops a NaN, so a NaN anywhere is carried through explicitly.
        self.mismatch.iter().fold(0.0_f64, |m, x| {
            if m.is_nan() || x.is_nan() {
                f64::NAN
            } else {
                m.max(x.abs())
            }
        })
    }

    /// dS/dθ and dS/d|V| for every Ybus entry, then the Jacobian values gathered from them.
    fn fill_jacobian(&mut self, ybus: &Ybus, v: &[C64]) {
        let j = C64::new(0.0, 1.0);
        for k in 0..ybus.n {
            let unit_k = v[k] / magnitude(v[k]);
            for nz in ybus.col_ptr[k]..ybus.col_ptr[k + 1] {
                let i = ybus.row_idx[nz];
                let t = v[i] * (ybus.values[nz] * v[k]).conj();
                if i == k {
                    let vi_ii = v[i] * self.current[i].conj();
                    self.d_angle[nz] = j * (vi_ii - t);
                    self.d_magnitude[nz] = t / magnitude(v[i]) + self.current[i].conj() * unit_k;
                } else {
                    self.d_angle[nz] = -j * t;
                    self.d_magnitude[nz] = t / magnitude(v[k]);
                }
            }
        }
        for (value, &(nz, part)) in self.jac_values.iter_mut().zip(&self.jac_source) {
            *value = match part {
                Part::PAngle => self.d_angle[nz].re,
                Part::PMagnitude => self.d_magnitude[nz].re,
                Part::QAngle => self.d_angle[nz].im,
                Part::QMagnitude => self.d_magnitude[nz].im,
            };
        }
        if !self.cut_off.is_empty() {
            self.identity_for_cut_off();
        }
    }

    /// The rows and columns of cut-off unknowns become those of the identity (their entries
    /// were computed from zero voltages, so they are not numbers).
    fn identity_for_cut_off(&mut self) {
        for (value, &(row, col)) in self.jac_values.iter_mut().zip(&self.jac_at) {
            if self.cut_off[row as usize] || self.cut_off[col as usize] {
                *value = if row == col { 1.0 } else { 0.0 };
            }
        }
    }
}
