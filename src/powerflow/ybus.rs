//! The bus admittance matrix in compressed sparse columns, built so its values can be refreshed
//! in place (taps, shunt steps, parameters) without rebuilding its pattern.

use nalgebra::Complex;

pub type C64 = Complex<f64>;

/// The four admittances of a branch's π model (MATPOWER's `makeYbus`): current injected at each
/// end is `I_f = yff·V_f + yft·V_t`, `I_t = ytf·V_f + ytt·V_t`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BranchAdmittance {
    pub yff: C64,
    pub yft: C64,
    pub ytf: C64,
    pub ytt: C64,
}

impl BranchAdmittance {
    /// Off-nominal ratio and phase shift sit on the from side, as in MATPOWER.
    pub fn new(r_pu: f64, x_pu: f64, b_pu: f64, tap_ratio: f64, shift_deg: f64) -> Self {
        let ys = C64::new(1.0, 0.0) / C64::new(r_pu, x_pu);
        let ytt = ys + C64::new(0.0, b_pu / 2.0);
        let tap = C64::from_polar(tap_ratio, shift_deg.to_radians());
        BranchAdmittance {
            yff: ytt / (tap * tap.conj()),
            yft: -ys / tap.conj(),
            ytf: -ys / tap,
            ytt,
        }
    }
}

/// A branch as the admittance matrix sees it: its end buses and admittances, and its DC model.
#[derive(Debug, Clone, Copy)]
pub struct BranchStamp {
    pub from: usize,
    pub to: usize,
    pub y: BranchAdmittance,
    /// 1/(x·tap): the lossless susceptance of the DC power flow.
    pub dc_susceptance: f64,
    pub shift_rad: f64,
}

impl BranchStamp {
    pub fn new(from: usize, to: usize, br: &crate::model::Branch) -> Self {
        let tap = br.tap_ratio();
        // A tap changer on the to side refers the whole π model through its winding.
        let scale = br.impedance_scale();
        let (r, x, b) = (br.r_pu * scale, br.x_pu * scale, br.b_pu / scale);
        // A purely resistive branch still couples its buses in the DC estimate.
        let reactance = if x != 0.0 { x } else { r.hypot(x) };
        BranchStamp {
            from,
            to,
            y: BranchAdmittance::new(r, x, b, tap, br.shift_deg()),
            dc_susceptance: 1.0 / (reactance * tap),
            shift_rad: br.shift_deg().to_radians(),
        }
    }
}

/// Where each branch's four entries and each bus's diagonal live in the value array.
#[derive(Debug, Clone)]
struct Slots {
    branch: Vec<[usize; 4]>,
    diagonal: Vec<usize>,
}

/// Square complex sparse matrix with sorted row indices in every column and an explicit
/// diagonal entry for every bus.
#[derive(Debug, Clone)]
pub struct Ybus {
    pub n: usize,
    pub col_ptr: Vec<usize>,
    pub row_idx: Vec<usize>,
    pub values: Vec<C64>,
    slots: Slots,
}

impl Ybus {
    /// Builds the pattern for these branches and fills the values.
    pub fn new(n: usize, branches: &[BranchStamp], shunts: &[C64]) -> Self {
        let mut entries: Vec<(usize, usize)> = (0..n).map(|i| (i, i)).collect();
        for b in branches {
            entries.push((b.from, b.to));
            entries.push((b.to, b.from));
        }
        // Column-major order, then row: the CSC layout.
        entries.sort_unstable_by_key(|&(row, col)| (col, row));
        entries.dedup();
        let mut col_ptr = vec![0; n + 1];
        for &(_, col) in &entries {
            col_ptr[col + 1] += 1;
        }
        for c in 0..n {
            col_ptr[c + 1] += col_ptr[c];
        }
        let row_idx: Vec<usize> = entries.iter().map(|&(row, _)| row).collect();
        let slot = |row: usize, col: usize| {
            let rows = &row_idx[col_ptr[col]..col_ptr[col + 1]];
            // Every (row, col) asked for was inserted above.
            col_ptr[col] + rows.binary_search(&row).unwrap_or_default()
        };
        let slots = Slots {
            branch: branches
                .iter()
                .map(|b| {
                    [
                        slot(b.from, b.from),
                        slot(b.from, b.to),
                        slot(b.to, b.from),
                        slot(b.to, b.to),
                    ]
                })
                .collect(),
            diagonal: (0..n).map(|i| slot(i, i)).collect(),
        };
        let mut ybus = Ybus {
            n,
            values: vec![C64::default(); row_idx.len()],
            col_ptr,
            row_idx,
            slots,
        };
        ybus.refill(branches, shunts);
        ybus
    }

    /// Recomputes the values for branches with the same ends as at construction.
    pub fn refill(&mut self, branches: &[BranchStamp], shunts: &[C64]) {
        self.values.fill(C64::default());
        for (b, s) in branches.iter().zip(&self.slots.branch) {
            self.values[s[0]] += b.y.yff;
            self.values[s[1]] += b.y.yft;
            self.values[s[2]] += b.y.ytf;
            self.values[s[3]] += b.y.ytt;
        }
        for (&d, &y) in self.slots.diagonal.iter().zip(shunts) {
            self.values[d] += y;
        }
    }

    /// `out = Ybus · v`.
    pub fn mul_into(&self, v: &[C64], out: &mut [C64]) {
        out.fill(C64::default());
        for (col, &vk) in v.iter().enumerate() {
            for nz in self.col_ptr[col]..self.col_ptr[col + 1] {
                out[self.row_idx[nz]] += self.values[nz] * vk;
            }
        }
    }
}
