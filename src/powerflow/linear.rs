//! The sparse linear solver behind Newton–Raphson, kept behind a small trait so that a faster
//! factorisation can replace faer's without touching the power flow.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::sparse::linalg::lu::{LuRef, LuSymbolicParams, NumericLu, SymbolicLu};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMat};
use faer::{MatMut, Par};

/// Why a linear solve failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinearSolveError {
    #[error("the Jacobian is singular")]
    Singular,
    #[error("the sparse factorisation failed: {0}")]
    Factorisation(String),
}

/// A square sparse matrix's LU factorisation that reuses its symbolic analysis: `analyze` once
/// per sparsity pattern, then `factorize` and `solve` as often as the values change.
pub trait SparseLu {
    /// Analyses a compressed-sparse-column pattern (sorted row indices in each column).
    fn analyze(
        &mut self,
        n: usize,
        col_ptr: &[usize],
        row_idx: &[usize],
    ) -> Result<(), LinearSolveError>;

    /// Factorises values laid out in the analysed pattern.
    fn factorize(&mut self, values: &[f64]) -> Result<(), LinearSolveError>;

    /// Overwrites `rhs` with the solution `x` of `A x = rhs`.
    fn solve_in_place(&mut self, rhs: &mut [f64]) -> Result<(), LinearSolveError>;

    /// Keeps the current factorisation as a reference for [`SparseLu::refactorize_columns`].
    fn keep_as_reference(&mut self) {}

    /// Factorises values that differ from the reference's only in the columns `changed`,
    /// recomputing only the part of the factors they reach. Returns false, having done
    /// nothing, where this is not possible (no reference): factorise in full then.
    fn refactorize_columns(
        &mut self,
        _values: &[f64],
        _changed: &[usize],
    ) -> Result<bool, LinearSolveError> {
        Ok(false)
    }
}

/// faer's sparse LU (COLAMD ordering, supernodal or simplicial by size), single-threaded.
#[derive(Default)]
pub struct FaerLu {
    analysed: Option<Analysed>,
}

struct Analysed {
    pattern: SymbolicSparseColMat<usize>,
    symbolic: SymbolicLu<usize>,
    numeric: NumericLu<usize, f64>,
    factorised: bool,
    scratch: MemBuffer,
}

fn failure(e: impl std::fmt::Debug) -> LinearSolveError {
    LinearSolveError::Factorisation(format!("{e:?}"))
}

impl SparseLu for FaerLu {
    fn analyze(
        &mut self,
        n: usize,
        col_ptr: &[usize],
        row_idx: &[usize],
    ) -> Result<(), LinearSolveError> {
        let pattern =
            SymbolicSparseColMat::new_checked(n, n, col_ptr.to_vec(), None, row_idx.to_vec());
        let symbolic = faer::sparse::linalg::lu::factorize_symbolic_lu(
            pattern.as_ref(),
            LuSymbolicParams::default(),
        )
        .map_err(failure)?;
        let req = StackReq::any_of(&[
            symbolic.factorize_numeric_lu_scratch::<f64>(Par::Seq, Default::default()),
            symbolic.solve_in_place_scratch::<f64>(1, Par::Seq),
        ]);
        let scratch = MemBuffer::try_new(req).map_err(failure)?;
        self.analysed = Some(Analysed {
            pattern,
            symbolic,
            numeric: NumericLu::new(),
            factorised: false,
            scratch,
        });
        Ok(())
    }

    fn factorize(&mut self, values: &[f64]) -> Result<(), LinearSolveError> {
        let a = self
            .analysed
            .as_mut()
            .ok_or_else(|| failure("factorize called before analyze"))?;
        a.factorised = false;
        let matrix = SparseColMatRef::new(a.pattern.as_ref(), values);
        a.symbolic
            .factorize_numeric_lu(
                &mut a.numeric,
                matrix,
                Par::Seq,
                MemStack::new(&mut a.scratch),
                Default::default(),
            )
            .map_err(|_| LinearSolveError::Singular)?;
        a.factorised = true;
        Ok(())
    }

    fn solve_in_place(&mut self, rhs: &mut [f64]) -> Result<(), LinearSolveError> {
        let a = self
            .analysed
            .as_mut()
            .filter(|a| a.factorised)
            .ok_or_else(|| failure("solve called before factorize"))?;
        let n = rhs.len();
        let lu = LuRef::new_unchecked(&a.symbolic, &a.numeric);
        lu.solve_in_place_with_conj(
            faer::Conj::No,
            MatMut::from_column_major_slice_mut(rhs, n, 1),
            Par::Seq,
            MemStack::new(&mut a.scratch),
        );
        // faer does not report a numerically singular sparse matrix: a zero pivot shows up as
        // infinities or NaN in the solution.
        if rhs.iter().all(|x| x.is_finite()) {
            Ok(())
        } else {
            Err(LinearSolveError::Singular)
        }
    }
}
