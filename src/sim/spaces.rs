//! Named action and observation components, `<element>.<quantity>`, with bounds and units.

use serde::Serialize;

/// One component of an action or observation vector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// `<element>.<quantity>`, e.g. `storage.p_mw` or `bus3.vm_pu`.
    pub name: String,
    pub low: f64,
    pub high: f64,
    pub unit: &'static str,
}

impl Component {
    pub fn new(element: &str, quantity: &str, low: f64, high: f64, unit: &'static str) -> Self {
        Component {
            name: format!("{element}.{quantity}"),
            low,
            high,
            unit,
        }
    }
}

/// The position of a named component, or an error listing what exists.
pub fn position(space: &[Component], name: &str) -> Option<usize> {
    space.iter().position(|c| c.name == name)
}
