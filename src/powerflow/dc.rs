//! DC power flow angles, used to start Newton–Raphson where a flat start diverges (large
//! transmission cases such as ACTIVSg10k). MATPOWER's `makeBdc` model: lossless branches with
//! susceptance 1/(x·tap), phase shifters as injections, shunt conductance as load.

use super::compile::SolverInput;
use super::linear::{FaerLu, LinearSolveError, SparseLu};
use super::newton::BusType;
use super::ybus::Ybus;

/// Bus voltage angles (radians) of the DC power flow; slack angles as set.
pub fn dc_angles(ybus: &Ybus, input: &SolverInput) -> Result<Vec<f64>, LinearSolveError> {
    let n = ybus.n;
    // Position of each non-slack bus among the unknowns.
    let mut position = vec![None; n];
    let mut count = 0;
    for (i, t) in input.types.iter().enumerate() {
        if matches!(t, BusType::Pv | BusType::Pq) {
            position[i] = Some(count);
            count += 1;
        }
    }
    // Net injection, moved to the right-hand side with phase shifts and slack angles below.
    let mut p: Vec<f64> = (0..n)
        .map(|i| input.s_fixed[i].re - input.shunt_y[i].re)
        .collect();
    let mut triplets: Vec<(usize, usize, f64)> = Vec::new();
    for s in &input.stamps {
        let (b, shift) = (s.dc_susceptance, s.shift_rad);
        // Flow from→to is b·(θf − θt − shift).
        p[s.from] += b * shift;
        p[s.to] -= b * shift;
        for (r, c, v) in [
            (s.from, s.from, b),
            (s.from, s.to, -b),
            (s.to, s.from, -b),
            (s.to, s.to, b),
        ] {
            triplets.push((r, c, v));
        }
    }
    let mut theta = input.va_setpoint_rad.clone();
    let mut rows_cols = Vec::with_capacity(triplets.len());
    for &(r, c, v) in &triplets {
        match (position[r], position[c]) {
            (Some(pr), Some(pc)) => rows_cols.push((pc, pr, v)),
            (Some(_), None) => p[r] -= v * theta[c],
            _ => {}
        }
    }
    let (col_ptr, row_idx, values) = compress(count, rows_cols);
    let mut lu = FaerLu::default();
    lu.analyze(count, &col_ptr, &row_idx)?;
    lu.factorize(&values)?;
    let mut rhs: Vec<f64> = (0..n)
        .filter(|&i| position[i].is_some())
        .map(|i| p[i])
        .collect();
    lu.solve_in_place(&mut rhs)?;
    for i in 0..n {
        if let Some(k) = position[i] {
            theta[i] = rhs[k];
        }
    }
    Ok(theta)
}

/// Sums duplicate (col, row) entries into sorted compressed columns.
fn compress(n: usize, mut entries: Vec<(usize, usize, f64)>) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
    entries.sort_unstable_by_key(|&(c, r, _)| (c, r));
    let mut col_ptr = vec![0; n + 1];
    let mut row_idx = Vec::with_capacity(entries.len());
    let mut values: Vec<f64> = Vec::with_capacity(entries.len());
    let mut last = None;
    for (c, r, v) in entries {
        if last == Some((c, r)) {
            if let Some(x) = values.last_mut() {
                *x += v;
            }
            continue;
        }
        last = Some((c, r));
        row_idx.push(r);
        values.push(v);
        col_ptr[c + 1] += 1;
    }
    for c in 0..n {
        col_ptr[c + 1] += col_ptr[c];
    }
    (col_ptr, row_idx, values)
}
