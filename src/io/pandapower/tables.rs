//! The tables of a pandapower JSON file (`pandapower.to_json`): each is a pandas DataFrame
//! written as a JSON string in "split" orientation (columns, index, rows) inside the file's
//! JSON. Cells are read by column name, with the element named in every message.

use serde_json::{Map, Value};

use crate::io::ParseError;

/// One table: its rows by pandapower index.
pub struct Table {
    pub name: String,
    columns: Vec<String>,
    pub index: Vec<i64>,
    rows: Vec<Vec<Value>>,
}

/// The file's top-level object: its tables and scalar settings.
pub struct File {
    object: Map<String, Value>,
}

impl File {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let root: Value = serde_json::from_str(text)
            .map_err(|e| ParseError::at(e.line(), format!("not valid JSON: {e}")))?;
        let class = root.get("_class").and_then(Value::as_str);
        if class != Some("pandapowerNet") {
            return Err(ParseError::at(
                0,
                "not a pandapower network (a JSON file written by pandapower.to_json)",
            ));
        }
        match root.get("_object") {
            Some(Value::Object(object)) => Ok(File {
                object: object.clone(),
            }),
            _ => Err(ParseError::at(0, "the pandapower network has no tables")),
        }
    }

    /// A number the network holds (`sn_mva`, `f_hz`).
    pub fn number(&self, key: &str) -> Result<f64, ParseError> {
        self.object
            .get(key)
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite())
            .ok_or_else(|| ParseError::at(0, format!("'{key}' is missing or not a number")))
    }

    pub fn name(&self) -> Option<String> {
        self.object
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// Whether the file defines a standard type of this kind (`line`, `trafo`) by this name.
    pub fn has_std_type(&self, kind: &str, name: &str) -> bool {
        self.object
            .get("std_types")
            .and_then(|t| t.get(kind))
            .and_then(|t| t.get(name))
            .is_some()
    }

    /// A table the network cannot do without.
    pub fn required(&self, name: &str) -> Result<Table, ParseError> {
        if !self.object.contains_key(name) {
            return Err(ParseError::at(
                0,
                format!("the network has no '{name}' table"),
            ));
        }
        self.table(name)
    }

    /// A table; an absent table counts as empty.
    pub fn table(&self, name: &str) -> Result<Table, ParseError> {
        let Some(frame) = self.object.get(name) else {
            return Ok(Table::empty(name));
        };
        let inner = frame
            .get("_object")
            .and_then(Value::as_str)
            .ok_or_else(|| ParseError::at(0, format!("table '{name}' is not a DataFrame")))?;
        let split: Value = serde_json::from_str(inner)
            .map_err(|e| ParseError::at(0, format!("table '{name}' is not valid JSON: {e}")))?;
        let strings = |key: &str| -> Option<Vec<String>> {
            split
                .get(key)?
                .as_array()?
                .iter()
                .map(|c| c.as_str().map(str::to_string))
                .collect()
        };
        let columns = strings("columns")
            .ok_or_else(|| ParseError::at(0, format!("table '{name}' has no column names")))?;
        let index: Vec<i64> = split
            .get("index")
            .and_then(Value::as_array)
            .and_then(|i| i.iter().map(Value::as_i64).collect())
            .ok_or_else(|| ParseError::at(0, format!("table '{name}' has no integer index")))?;
        let rows: Vec<Vec<Value>> = split
            .get("data")
            .and_then(Value::as_array)
            .and_then(|rows| rows.iter().map(|r| r.as_array().cloned()).collect())
            .ok_or_else(|| ParseError::at(0, format!("table '{name}' has no rows")))?;
        if rows.len() != index.len() || rows.iter().any(|r| r.len() != columns.len()) {
            return Err(ParseError::at(0, format!("table '{name}' is ragged")));
        }
        Ok(Table {
            name: name.to_string(),
            columns,
            index,
            rows,
        })
    }
}

impl Table {
    fn empty(name: &str) -> Self {
        Table {
            name: name.to_string(),
            columns: Vec::new(),
            index: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns.iter().any(|n| n == column)
    }

    fn cell(&self, row: usize, column: &str) -> Option<&Value> {
        let c = self.columns.iter().position(|n| n == column)?;
        self.rows[row].get(c).filter(|v| !v.is_null())
    }

    fn wrong(&self, row: usize, column: &str, what: &str) -> ParseError {
        ParseError::at(
            0,
            format!("{} {}: '{column}' {what}", self.name, self.index[row]),
        )
    }

    /// A finite number.
    pub fn number(&self, row: usize, column: &str) -> Result<f64, ParseError> {
        self.optional(row, column)?
            .ok_or_else(|| self.wrong(row, column, "is missing"))
    }

    /// A finite number, or `None` where the cell is empty (NaN or null).
    pub fn optional(&self, row: usize, column: &str) -> Result<Option<f64>, ParseError> {
        match self.cell(row, column) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(x) if x.is_nan() => Ok(None),
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self.wrong(row, column, &format!("is not a number: {v}"))),
            },
        }
    }

    /// A whole number (an element index).
    pub fn integer(&self, row: usize, column: &str) -> Result<i64, ParseError> {
        let x = self.number(row, column)?;
        if x.fract() != 0.0 {
            return Err(self.wrong(row, column, &format!("is not a whole number: {x}")));
        }
        Ok(x as i64)
    }

    pub fn flag(&self, row: usize, column: &str) -> Result<bool, ParseError> {
        match self.cell(row, column) {
            Some(Value::Bool(b)) => Ok(*b),
            None => Err(self.wrong(row, column, "is missing")),
            Some(v) => Err(self.wrong(row, column, &format!("is not true or false: {v}"))),
        }
    }

    /// Text, or `None` where the cell is empty.
    pub fn text(&self, row: usize, column: &str) -> Option<String> {
        match self.cell(row, column)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}
