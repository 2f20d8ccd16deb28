//! A sparse LU made for Newton–Raphson on power networks: the Jacobian keeps one pattern for
//! many factorisations, so everything structural is done once in `analyze` — an approximate
//! minimum degree ordering (AMD on A + Aᵀ, the Jacobian being structurally symmetric) and the
//! exact patterns of L and U for diagonal pivots — and each `factorize` is a left-looking
//! (Gilbert–Peierls style) numeric pass over fixed patterns, with no allocation and no search.
//!
//! Diagonal pivoting suits power-flow Jacobians, whose diagonals dominate. Should a pivot come
//! out small against its column (below KLU's default threshold of 1e-3), that factorisation
//! falls back to faer's LU with partial pivoting, so accuracy never depends on the shortcut.
//!
//! A factorisation can be kept as a reference; a matrix that differs from it in a few columns
//! is then factorised by recomputing only those columns and their ancestors in the
//! elimination tree (the partial refactorisation of contingency analysis: an outage changes
//! the Jacobian at two buses).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::sparse::SymbolicSparseColMatRef;
use faer::sparse::linalg::amd;

use super::linear::{FaerLu, LinearSolveError, SparseLu};

/// Smallest acceptable |pivot| relative to the largest entry of its column below it.
const PIVOT_THRESHOLD: f64 = 1e-3;

/// Compressed columns of a triangular factor: row indices and values.
#[derive(Default)]
struct Factor {
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    values: Vec<f64>,
}

impl Factor {
    fn column(&self, k: usize) -> std::ops::Range<usize> {
        self.col_ptr[k]..self.col_ptr[k + 1]
    }
}

/// AMD-ordered LU with static diagonal pivots and a partial-pivoting fallback.
#[derive(Default)]
pub struct OrderedLu {
    n: usize,
    /// `perm[k]` is the original index of the k-th pivot.
    perm: Vec<usize>,
    /// Each permuted column of A: (permuted row, position in A's value array).
    a_col_ptr: Vec<usize>,
    a_entries: Vec<(usize, usize)>,
    /// Unit lower factor without its diagonal, and strict upper factor with ascending rows.
    lower: Factor,
    upper: Factor,
    diagonal: Vec<f64>,
    work: Vec<f64>,
    /// Partial pivoting, used for a factorisation whose diagonal pivots are unsafe.
    fallback: Option<FaerLu>,
    fallback_active: bool,
    pattern: (Vec<usize>, Vec<usize>),
    /// `perm_inv[i]` is the pivot position of original index i.
    perm_inv: Vec<usize>,
    /// Each pivot's parent in the elimination tree ([`NO_PARENT`] for a root), when the
    /// factors' patterns are symmetric (else partial refactorisation is off).
    parent: Option<Vec<usize>>,
    reference: Option<Reference>,
    /// Per pivot, the last refactorisation that reached it (avoids clearing a mark array).
    reached: Vec<usize>,
    refactorisations: usize,
}

/// A pivot with no parent in the elimination tree.
const NO_PARENT: usize = usize::MAX;

/// The factors of the reference matrix, and which pivots' columns the current factors have
/// changed since.
struct Reference {
    lower: Vec<f64>,
    upper: Vec<f64>,
    diagonal: Vec<f64>,
    /// `None` after a full factorisation: everything may differ.
    changed: Option<Vec<usize>>,
}

impl SparseLu for OrderedLu {
    fn analyze(
        &mut self,
        n: usize,
        col_ptr: &[usize],
        row_idx: &[usize],
    ) -> Result<(), LinearSolveError> {
        let (perm, perm_inv) = amd_order(n, col_ptr, row_idx)?;
        let mut a_col_ptr = Vec::with_capacity(n + 1);
        let mut a_entries = Vec::with_capacity(row_idx.len());
        a_col_ptr.push(0);
        for &old_col in &perm {
            for p in col_ptr[old_col]..col_ptr[old_col + 1] {
                a_entries.push((perm_inv[row_idx[p]], p));
            }
            a_col_ptr.push(a_entries.len());
        }
        let (lower, upper) = symbolic_factors(n, &a_col_ptr, &a_entries);
        let parent = elimination_tree(&lower, &upper);
        *self = OrderedLu {
            n,
            perm,
            a_col_ptr,
            a_entries,
            lower,
            upper,
            diagonal: vec![0.0; n],
            work: vec![0.0; n],
            fallback: None,
            fallback_active: false,
            pattern: (col_ptr.to_vec(), row_idx.to_vec()),
            perm_inv,
            parent,
            reference: None,
            reached: vec![0; n],
            refactorisations: 0,
        };
        Ok(())
    }

    fn factorize(&mut self, values: &[f64]) -> Result<(), LinearSolveError> {
        self.fallback_active = false;
        if let Some(reference) = &mut self.reference {
            reference.changed = None;
        }
        if self.factorize_diagonal(values) {
            return Ok(());
        }
        self.work.fill(0.0);
        let fallback = match &mut self.fallback {
            Some(f) => f,
            None => {
                let mut f = FaerLu::default();
                f.analyze(self.n, &self.pattern.0, &self.pattern.1)?;
                self.fallback.insert(f)
            }
        };
        fallback.factorize(values)?;
        self.fallback_active = true;
        Ok(())
    }

    fn solve_in_place(&mut self, rhs: &mut [f64]) -> Result<(), LinearSolveError> {
        if self.fallback_active
            && let Some(f) = &mut self.fallback
        {
            return f.solve_in_place(rhs);
        }
        let y = &mut self.work;
        for (k, &old) in self.perm.iter().enumerate() {
            y[k] = rhs[old];
        }
        for j in 0..self.n {
            let yj = y[j];
            for p in self.lower.column(j) {
                y[self.lower.row_idx[p]] -= self.lower.values[p] * yj;
            }
        }
        for k in (0..self.n).rev() {
            let yk = y[k] / self.diagonal[k];
            y[k] = yk;
            for p in self.upper.column(k) {
                y[self.upper.row_idx[p]] -= self.upper.values[p] * yk;
            }
        }
        for (k, &old) in self.perm.iter().enumerate() {
            rhs[old] = std::mem::take(&mut y[k]);
        }
        if rhs.iter().all(|x| x.is_finite()) {
            Ok(())
        } else {
            Err(LinearSolveError::Singular)
        }
    }

    fn keep_as_reference(&mut self) {
        self.reference = (!self.fallback_active && self.parent.is_some()).then(|| Reference {
            lower: self.lower.values.clone(),
            upper: self.upper.values.clone(),
            diagonal: self.diagonal.clone(),
            changed: Some(Vec::new()),
        });
    }

    fn refactorize_columns(
        &mut self,
        values: &[f64],
        changed: &[usize],
    ) -> Result<bool, LinearSolveError> {
        if !self.back_to_reference() {
            return Ok(false);
        }
        let pivots = self.reached_from(changed);
        self.fallback_active = false;
        for &k in &pivots {
            if !self.factor_column(k, values) {
                // An unsafe pivot: the full factorisation decides what to do.
                self.work.fill(0.0);
                self.factorize(values)?;
                return Ok(true);
            }
        }
        if let Some(reference) = &mut self.reference {
            reference.changed = Some(pivots);
        }
        Ok(true)
    }
}

impl OrderedLu {
    /// The numeric factorisation on the fixed patterns; false if a pivot was unsafe.
    fn factorize_diagonal(&mut self, values: &[f64]) -> bool {
        (0..self.n).all(|k| self.factor_column(k, values))
    }

    /// Pivot `k`'s column of U, its pivot and its column of L (left-looking: from A's column
    /// and the columns of L before it); false if the pivot is unsafe.
    fn factor_column(&mut self, k: usize, values: &[f64]) -> bool {
        let (lower, upper, work) = (&mut self.lower, &mut self.upper, &mut self.work);
        for &(row, src) in &self.a_entries[self.a_col_ptr[k]..self.a_col_ptr[k + 1]] {
            work[row] = values[src];
        }
        // Rows of U in ascending order: each is final once every earlier column has updated
        // it.
        for p in upper.col_ptr[k]..upper.col_ptr[k + 1] {
            let j = upper.row_idx[p];
            let x = std::mem::take(&mut work[j]);
            upper.values[p] = x;
            for q in lower.col_ptr[j]..lower.col_ptr[j + 1] {
                work[lower.row_idx[q]] -= lower.values[q] * x;
            }
        }
        let pivot = std::mem::take(&mut work[k]);
        let column = lower.col_ptr[k]..lower.col_ptr[k + 1];
        let largest = column
            .clone()
            .fold(0.0_f64, |m, q| m.max(work[lower.row_idx[q]].abs()));
        if !(pivot.abs() >= PIVOT_THRESHOLD * largest && pivot != 0.0 && pivot.is_finite()) {
            return false;
        }
        self.diagonal[k] = pivot;
        for q in column {
            lower.values[q] = std::mem::take(&mut work[lower.row_idx[q]]) / pivot;
        }
        true
    }

    /// Puts back the reference's factors where the current ones differ; false if there is
    /// no reference.
    fn back_to_reference(&mut self) -> bool {
        let Some(reference) = &mut self.reference else {
            return false;
        };
        match reference.changed.take() {
            None => {
                self.lower.values.copy_from_slice(&reference.lower);
                self.upper.values.copy_from_slice(&reference.upper);
                self.diagonal.copy_from_slice(&reference.diagonal);
            }
            Some(pivots) => {
                for k in pivots {
                    let (l, u) = (self.lower.column(k), self.upper.column(k));
                    self.lower.values[l.clone()].copy_from_slice(&reference.lower[l]);
                    self.upper.values[u.clone()].copy_from_slice(&reference.upper[u]);
                    self.diagonal[k] = reference.diagonal[k];
                }
            }
        }
        true
    }

    /// The pivots whose columns depend on the original columns `changed`: theirs and their
    /// ancestors' in the elimination tree, in ascending order.
    fn reached_from(&mut self, changed: &[usize]) -> Vec<usize> {
        let Some(parent) = &self.parent else {
            return (0..self.n).collect();
        };
        self.refactorisations += 1;
        let mark = self.refactorisations;
        let mut pivots = Vec::new();
        for &c in changed {
            let mut k = self.perm_inv[c];
            while k != NO_PARENT && self.reached[k] != mark {
                self.reached[k] = mark;
                pivots.push(k);
                k = parent[k];
            }
        }
        pivots.sort_unstable();
        pivots
    }
}

/// The elimination tree of factors with symmetric patterns (each pivot's parent is the first
/// row of its column of L); `None` if the patterns are not symmetric, as the tree then does
/// not say which columns depend on which.
fn elimination_tree(lower: &Factor, upper: &Factor) -> Option<Vec<usize>> {
    let n = lower.col_ptr.len() - 1;
    for j in 0..n {
        for &i in &lower.row_idx[lower.column(j)] {
            // L(i, j) must be matched by U(j, i): row j in column i of U (rows ascending).
            if upper.row_idx[upper.column(i)].binary_search(&j).is_err() {
                return None;
            }
        }
    }
    if lower.row_idx.len() != upper.row_idx.len() {
        return None;
    }
    let parent = |j: usize| match lower.column(j).next() {
        Some(first) => lower.row_idx[first],
        None => NO_PARENT,
    };
    Some((0..n).map(parent).collect())
}

/// AMD ordering of the pattern (faer's implementation, which orders A + Aᵀ).
fn amd_order(
    n: usize,
    col_ptr: &[usize],
    row_idx: &[usize],
) -> Result<(Vec<usize>, Vec<usize>), LinearSolveError> {
    let failed = |e: &dyn std::fmt::Debug| LinearSolveError::Factorisation(format!("{e:?}"));
    let pattern = SymbolicSparseColMatRef::new_checked(n, n, col_ptr, None, row_idx);
    let mut perm = vec![0usize; n];
    let mut perm_inv = vec![0usize; n];
    let mut scratch = MemBuffer::try_new(amd::order_scratch::<usize>(n, row_idx.len()))
        .map_err(|e| failed(&e))?;
    amd::order(
        &mut perm,
        &mut perm_inv,
        pattern,
        amd::Control::default(),
        MemStack::new(&mut scratch),
    )
    .map_err(|e| failed(&e))?;
    Ok((perm, perm_inv))
}

/// The patterns of L and U for diagonal pivots: column k of U holds the rows j < k reached
/// from A(:, k) through earlier columns of L; L(:, k) holds the rows below k so reached.
fn symbolic_factors(
    n: usize,
    a_col_ptr: &[usize],
    a_entries: &[(usize, usize)],
) -> (Factor, Factor) {
    let mut lower = Factor {
        col_ptr: vec![0],
        ..Factor::default()
    };
    let mut upper = Factor {
        col_ptr: vec![0],
        ..Factor::default()
    };
    let mut mark = vec![usize::MAX; n];
    let mut pending = BinaryHeap::new();
    let mut below = Vec::new();
    for k in 0..n {
        let mut visit =
            |i: usize, pending: &mut BinaryHeap<Reverse<usize>>, below: &mut Vec<usize>| {
                if mark[i] != k {
                    mark[i] = k;
                    match i.cmp(&k) {
                        std::cmp::Ordering::Less => pending.push(Reverse(i)),
                        std::cmp::Ordering::Greater => below.push(i),
                        std::cmp::Ordering::Equal => {}
                    }
                }
            };
        for &(row, _) in &a_entries[a_col_ptr[k]..a_col_ptr[k + 1]] {
            visit(row, &mut pending, &mut below);
        }
        // Popping the smallest row first yields U's rows in ascending order, since column j
        // of L only reaches rows greater than j.
        while let Some(Reverse(j)) = pending.pop() {
            upper.row_idx.push(j);
            for q in lower.column(j) {
                visit(lower.row_idx[q], &mut pending, &mut below);
            }
        }
        below.sort_unstable();
        lower.row_idx.append(&mut below);
        lower.col_ptr.push(lower.row_idx.len());
        upper.col_ptr.push(upper.row_idx.len());
    }
    lower.values = vec![0.0; lower.row_idx.len()];
    upper.values = vec![0.0; upper.row_idx.len()];
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dense column-major matrix to compressed columns (sorted rows, zeros left out).
    fn compress(n: usize, dense: &[f64]) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
        let (mut col_ptr, mut rows, mut values) = (vec![0], Vec::new(), Vec::new());
        for c in 0..n {
            for r in 0..n {
                if dense[c * n + r] != 0.0 {
                    rows.push(r);
                    values.push(dense[c * n + r]);
                }
            }
            col_ptr.push(rows.len());
        }
        (col_ptr, rows, values)
    }

    fn residual(n: usize, dense: &[f64], x: &[f64], b: &[f64]) -> f64 {
        (0..n)
            .map(|r| ((0..n).map(|c| dense[c * n + r] * x[c]).sum::<f64>() - b[r]).abs())
            .fold(0.0, f64::max)
    }

    fn solve(n: usize, dense: &[f64], b: &[f64]) -> (Result<Vec<f64>, LinearSolveError>, bool) {
        let (col_ptr, rows, values) = compress(n, dense);
        let mut lu = OrderedLu::default();
        lu.analyze(n, &col_ptr, &rows).unwrap();
        let mut x = b.to_vec();
        let result = lu
            .factorize(&values)
            .and_then(|()| lu.solve_in_place(&mut x));
        (result.map(|()| x), lu.fallback_active)
    }

    /// A banded, mesh-like, unsymmetric matrix with a dominant diagonal, as Jacobians have.
    fn mesh(n: usize) -> Vec<f64> {
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for (j, v) in [(i + 1, -1.3), (i + 7, -0.4), (i + 13, 0.25)] {
                if j < n {
                    a[j * n + i] = v;
                    a[i * n + j] = v * 0.8;
                }
            }
            a[i * n + i] = 4.0 + (i % 5) as f64;
        }
        a
    }

    #[test]
    fn solves_a_sparse_system_with_diagonal_pivots() {
        let n = 40;
        let a = mesh(n);
        let b: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
        let (x, fell_back) = solve(n, &a, &b);
        assert!(!fell_back);
        assert!(residual(n, &a, &x.unwrap(), &b) < 1e-12);
    }

    #[test]
    fn refactorises_new_values_on_the_same_pattern() {
        let n = 30;
        let a = mesh(n);
        let (col_ptr, rows, values) = compress(n, &a);
        let mut lu = OrderedLu::default();
        lu.analyze(n, &col_ptr, &rows).unwrap();
        let b = vec![1.0; n];
        for scale in [1.0, 2.5, -0.5] {
            let scaled: Vec<f64> = values.iter().map(|v| v * scale).collect();
            let dense: Vec<f64> = a.iter().map(|v| v * scale).collect();
            lu.factorize(&scaled).unwrap();
            let mut x = b.clone();
            lu.solve_in_place(&mut x).unwrap();
            assert!(residual(n, &dense, &x, &b) < 1e-12, "scale {scale}");
        }
    }

    #[test]
    fn falls_back_to_partial_pivoting_for_a_zero_diagonal() {
        // [[0, 2, 0], [1, 0, 0], [0, 3, 5]] has zeros on its diagonal but is regular.
        let a = [0.0, 1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 5.0];
        let b = [4.0, 1.0, 11.0];
        let (x, fell_back) = solve(3, &a, &b);
        assert!(fell_back);
        let x = x.unwrap();
        assert!(residual(3, &a, &x, &b) < 1e-12, "{x:?}");
    }

    /// `a` with new values in rows `rows` (where `a` has entries): what an outage does to a
    /// Jacobian.
    fn change_rows(n: usize, a: &[f64], rows: &[usize], factor: f64) -> Vec<f64> {
        let mut changed = a.to_vec();
        for &r in rows {
            for c in 0..n {
                if changed[c * n + r] != 0.0 {
                    changed[c * n + r] *= factor + 0.01 * c as f64;
                }
            }
        }
        changed
    }

    #[test]
    fn refactorises_a_few_changed_columns_exactly_as_in_full() {
        let n = 60;
        let a = mesh(n);
        let (col_ptr, rows, values) = compress(n, &a);
        let mut partial = OrderedLu::default();
        partial.analyze(n, &col_ptr, &rows).unwrap();
        partial.factorize(&values).unwrap();
        partial.keep_as_reference();
        let mut full = OrderedLu::default();
        full.analyze(n, &col_ptr, &rows).unwrap();
        let b: Vec<f64> = (0..n).map(|i| (i as f64).cos()).collect();
        // Several changes in turn, each from the reference, one after a full factorisation.
        for (changed_rows, factor) in [(vec![3, 40], 0.7), (vec![17], 1.3), (vec![59, 0], 0.9)] {
            let dense = change_rows(n, &a, &changed_rows, factor);
            let (_, _, new_values) = compress(n, &dense);
            // The columns holding the changed rows' entries.
            let columns: Vec<usize> = (0..n)
                .filter(|&c| changed_rows.iter().any(|&r| dense[c * n + r] != 0.0))
                .collect();
            assert!(partial.refactorize_columns(&new_values, &columns).unwrap());
            let recomputed = partial
                .reference
                .as_ref()
                .unwrap()
                .changed
                .as_ref()
                .unwrap();
            assert!(
                recomputed.len() < n,
                "only part of the factors is recomputed"
            );
            full.factorize(&new_values).unwrap();
            let (mut x_partial, mut x_full) = (b.clone(), b.clone());
            partial.solve_in_place(&mut x_partial).unwrap();
            full.solve_in_place(&mut x_full).unwrap();
            assert_eq!(x_partial, x_full, "rows {changed_rows:?}");
            assert!(residual(n, &dense, &x_partial, &b) < 1e-12);
            if factor > 1.0 {
                partial.factorize(&values).unwrap();
            }
        }
    }

    #[test]
    fn reports_a_singular_matrix() {
        let a = [1.0, 2.0, 2.0, 4.0];
        let (x, _) = solve(2, &a, &[1.0, 1.0]);
        assert_eq!(x, Err(LinearSolveError::Singular));
    }
}
