//! A scripted operator: a CSV whose header names action components and whose rows are steps.
//! Components the file does not name keep their do-nothing value; after the last row the
//! agent does nothing.

use std::path::Path;

use super::{Agent, AgentError, Spaces, positions};
use crate::io::NumericTable;

/// Plays the rows of a schedule, one per step.
pub struct ScheduleAgent {
    columns: Vec<usize>,
    rows: Vec<Vec<f64>>,
    next_row: usize,
    do_nothing: Vec<f64>,
}

impl ScheduleAgent {
    /// Binds a table of actions (a header of component names, a row per step) to the spaces
    /// (`path` names its file in messages).
    pub fn new(table: NumericTable, spaces: &Spaces, path: &Path) -> Result<Self, AgentError> {
        let columns = positions(&table.columns, spaces.action, "action", path)?;
        Ok(ScheduleAgent {
            columns,
            rows: table.rows,
            next_row: 0,
            do_nothing: spaces.do_nothing.to_vec(),
        })
    }
}

impl Agent for ScheduleAgent {
    fn act(&mut self, _observation: &[f64]) -> Vec<f64> {
        let mut action = self.do_nothing.clone();
        if let Some(row) = self.rows.get(self.next_row) {
            for (&c, &v) in self.columns.iter().zip(row) {
                action[c] = v;
            }
        }
        self.next_row += 1;
        action
    }

    fn reset(&mut self) {
        self.next_row = 0;
    }
}
