//! Generator costs from `mpc.gencost`: one row per generator, in the order of `mpc.gen`.

use super::case::{Matrix, Row};
use crate::io::ParseError;
use crate::model::GenCost;

const PIECEWISE_LINEAR: f64 = 1.0;
const POLYNOMIAL: f64 = 2.0;

/// The cost of each generator row (all `None` without `mpc.gencost`).
pub(super) fn read_costs(
    gencost: Option<&Matrix>,
    gens: &Matrix,
) -> Result<Vec<Option<GenCost>>, ParseError> {
    let n_gen = gens.rows.len();
    let Some(gencost) = gencost else {
        return Ok(vec![None; n_gen]);
    };
    // Twice as many rows: the second half holds reactive power costs, which the model has no
    // place for.
    let n_rows = gencost.rows.len();
    if n_rows != n_gen && n_rows != 2 * n_gen {
        let expected = if n_gen == 0 {
            "expected none".to_string()
        } else {
            format!("expected {n_gen} or {}", 2 * n_gen)
        };
        let gens = match n_gen {
            1 => "1 row".to_string(),
            n => format!("{n} rows"),
        };
        return Err(ParseError::at(
            gencost.line,
            format!("mpc.gencost has {n_rows} rows but mpc.gen has {gens} ({expected})"),
        ));
    }
    gencost.rows[..n_gen]
        .iter()
        .map(|row| read_cost(row).map(Some))
        .collect()
}

fn read_cost(row: &Row) -> Result<GenCost, ParseError> {
    let error = |message: String| ParseError::at(row.line, format!("gencost row: {message}"));
    let values = &row.values;
    if values.len() < 4 {
        return Err(error(format!(
            "needs at least 4 columns (model startup shutdown n), this one has {}",
            values.len()
        )));
    }
    if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
        return Err(error(format!(
            "every value must be a finite number, not {bad}"
        )));
    }
    let (model, startup, shutdown, n) = (values[0], values[1], values[2], values[3]);
    let per_term = match model {
        PIECEWISE_LINEAR => 2,
        POLYNOMIAL => 1,
        _ => {
            return Err(error(format!(
                "cost model {model} is neither 1 (piecewise linear) nor 2 (polynomial)"
            )));
        }
    };
    let available = values.len() - 4;
    // Compared as floats first so that a huge n cannot overflow the column count.
    if n < 0.0 || n.fract() != 0.0 || n * per_term as f64 > available as f64 {
        return Err(error(format!(
            "n = {n} must be a whole number of terms that fit in the {available} values after it"
        )));
    }
    let terms = &values[4..4 + n as usize * per_term];
    Ok(if per_term == 1 {
        GenCost::Polynomial {
            startup,
            shutdown,
            coefficients: terms.to_vec(),
        }
    } else {
        GenCost::PiecewiseLinear {
            startup,
            shutdown,
            points: terms.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
        }
    })
}
