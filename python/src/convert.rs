//! Rust values as Python ones: a step's info as a dict, recorded structures through JSON.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

use gridpilot::sim::{RewardTerms, StepInfo};

/// A step's info: step, time index, reward terms, violations, events and clipped components.
pub fn info<'py>(py: Python<'py>, info: &StepInfo) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("step", info.step)?;
    dict.set_item("time_index", info.time_index)?;
    dict.set_item("reward_terms", reward_terms(py, &info.reward_terms)?)?;
    dict.set_item("violations", list(py, &info.violations)?)?;
    dict.set_item("events", list(py, &info.events)?)?;
    dict.set_item("clipped", list(py, &info.clipped)?)?;
    Ok(dict)
}

/// The reward terms, with the costs of the cost reward.
fn reward_terms<'py>(py: Python<'py>, t: &RewardTerms) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("energy_loss_pu_h", t.energy_loss_pu_h)?;
    dict.set_item("penalty_pu_h", t.penalty_pu_h)?;
    dict.set_item("energy_term", t.energy_term)?;
    dict.set_item("penalty_term", t.penalty_term)?;
    dict.set_item("total", t.total)?;
    let c = &t.costs;
    let costs = PyDict::new(py);
    costs.set_item("generation", c.generation)?;
    costs.set_item("energy", c.energy)?;
    costs.set_item("ramping", c.ramping)?;
    costs.set_item("tap_changes", c.tap_changes)?;
    costs.set_item("violations", c.violations)?;
    dict.set_item("costs", costs)?;
    Ok(dict)
}

/// A list of records, each as its JSON form would be (an empty list costs nothing).
fn list<'py, T: serde::Serialize>(py: Python<'py>, items: &[T]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for item in items {
        let value = serde_json::to_value(item)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        out.append(json(py, &value)?)?;
    }
    Ok(out)
}

/// A JSON value as the Python value `json.loads` would give.
pub fn json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(f)) => f.into_pyobject(py)?.into_any(),
            (None, None) => n.to_string().into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, json(py, item)?)?;
            }
            dict.into_any()
        }
    })
}
