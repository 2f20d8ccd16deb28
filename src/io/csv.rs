//! Numeric CSV tables: a header naming the columns, then one row of numbers per time step.
//! Used for device time series and for scheduled actions.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{LoadError, ParseError, read_text};
use crate::model::{Network, RewardKind, Series};

/// A CSV file of numbers with named columns.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

impl NumericTable {
    /// The values of one column, if it exists.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let c = self.columns.iter().position(|n| n == name)?;
        Some(self.rows.iter().map(|r| r[c]).collect())
    }
}

/// Reads a numeric CSV file; every error names the file, the line and the column.
pub fn read_numeric_csv(path: &Path) -> Result<NumericTable, LoadError> {
    parse_numeric_csv(&read_text(path)?).map_err(|e| e.in_file(path))
}

/// Parses numeric CSV text: comma-separated, a header line, blank lines ignored.
pub fn parse_numeric_csv(text: &str) -> Result<NumericTable, ParseError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(ParseError::at(0, "the file has no header line"));
    };
    let columns: Vec<String> = header.split(',').map(|c| c.trim().to_string()).collect();
    if let Some(blank) = columns.iter().position(|c| c.is_empty()) {
        return Err(ParseError::at(
            1,
            format!("column {} has no name", blank + 1),
        ));
    }
    let mut rows = Vec::new();
    for (line, text) in lines {
        let cells: Vec<&str> = text.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            let msg = format!(
                "{} cells where the header has {}",
                cells.len(),
                columns.len()
            );
            return Err(ParseError::at(line, msg));
        }
        let row = cells
            .iter()
            .zip(&columns)
            .map(|(cell, name)| match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(ParseError::at(
                    line,
                    format!("column '{name}': '{cell}' is not a finite number"),
                )),
            })
            .collect::<Result<Vec<f64>, _>>()?;
        rows.push(row);
    }
    Ok(NumericTable { columns, rows })
}

/// One column of a table read from `path`, or an error naming the columns there are.
fn column_of(table: &NumericTable, column: &str, path: &Path) -> Result<Vec<f64>, LoadError> {
    table.column(column).ok_or_else(|| LoadError::Content {
        path: path.to_path_buf(),
        message: format!(
            "no column '{column}' (the columns are {})",
            table.columns.join(", ")
        ),
    })
}

/// The network with every CSV series of its scenario read in (paths relative to `base_dir`):
/// what the environment runs, and what an episode file stores, so it stands alone.
pub fn read_series(network: Network, base_dir: &Path) -> Result<Network, LoadError> {
    read_series_with(network, |file| {
        let path = base_dir.join(file);
        read_numeric_csv(&path).map(|table| (path, table))
    })
}

/// [`read_series`] with the tables coming from `table` (by the file name the series gives),
/// each asked for once however many series read it.
pub fn read_series_with(
    mut network: Network,
    mut table: impl FnMut(&str) -> Result<(PathBuf, NumericTable), LoadError>,
) -> Result<Network, LoadError> {
    let Some(scenario) = &mut network.scenario else {
        return Ok(network);
    };
    let price = match &mut scenario.reward.kind {
        RewardKind::Cost(cost) => cost.energy_price.as_mut(),
        RewardKind::GymAnm => None,
    };
    let series = scenario
        .profiles
        .iter_mut()
        .map(|p| &mut p.series)
        .chain(price);
    let mut tables: HashMap<String, (PathBuf, NumericTable)> = HashMap::new();
    for series in series {
        if let Series::Csv { file, column } = series {
            if !tables.contains_key(file.as_str()) {
                tables.insert(file.clone(), table(file)?);
            }
            let (path, read) = &tables[file.as_str()];
            *series = Series::Values(column_of(read, column, path)?);
        }
    }
    Ok(network)
}
