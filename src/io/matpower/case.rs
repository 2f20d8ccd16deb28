//! The data a case file holds, as read: raw matrices with the lines they came from. The reader
//! fills it, the unit conversions and the builder read it.

/// A numeric matrix as written in the file.
pub(super) struct Matrix {
    /// Line of the opening `[`.
    pub line: usize,
    pub rows: Vec<Row>,
}

pub(super) struct Row {
    /// Line of the row's first value.
    pub line: usize,
    pub values: Vec<f64>,
}

/// A value together with the line it was given on.
pub(super) struct AtLine<T> {
    pub line: usize,
    pub value: T,
}

/// What the file assigns to `mpc`, unit conversions already applied.
#[derive(Default)]
pub(super) struct RawCase {
    pub version_seen: bool,
    pub base_mva: Option<AtLine<f64>>,
    pub bus: Option<Matrix>,
    pub gens: Option<Matrix>,
    pub branch: Option<Matrix>,
    pub gencost: Option<Matrix>,
    pub bus_names: Option<AtLine<Vec<String>>>,
}
