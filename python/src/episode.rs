//! Episode files as NumPy arrays, for notebooks that analyse what the app replays.

use std::path::PathBuf;

use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use gridpilot::io::EpisodeReader;
use gridpilot::sim::episode::StepRecord;

/// Reads an episode file: a dict of arrays with one row per step (step 0 is the state after
/// reset), the names of their columns, and how the episode started.
#[pyfunction]
pub fn load_episode(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyDict>> {
    let fail = |e: &dyn std::fmt::Display| PyValueError::new_err(e.to_string());
    let mut reader = EpisodeReader::open(&path).map_err(|e| fail(&e))?;
    let header = reader.header.clone();
    let steps: Vec<StepRecord> = reader
        .steps()
        .collect::<Result<_, _>>()
        .map_err(|e| fail(&format_args!("{}: {e}", path.display())))?;
    let net = &header.network;
    let out = PyDict::new(py);
    out.set_item("network", &net.name)?;
    out.set_item("agent", &header.agent)?;
    out.set_item("seed", header.seed)?;
    out.set_item("start_time_index", header.start_time_index)?;
    out.set_item("cut_short", reader.cut_short.clone())?;
    let names = |items: Vec<&str>| items.into_iter().map(String::from).collect::<Vec<_>>();
    out.set_item(
        "bus_names",
        names(net.buses.iter().map(|b| b.name.as_str()).collect()),
    )?;
    out.set_item(
        "branch_names",
        names(net.branches.iter().map(|b| b.name.as_str()).collect()),
    )?;
    out.set_item(
        "device_names",
        names(net.devices.iter().map(|d| d.name()).collect()),
    )?;
    let column = |f: fn(&StepRecord) -> f64| steps.iter().map(f).collect::<Vec<f64>>();
    out.set_item(
        "step",
        PyArray1::from_vec(py, steps.iter().map(|s| s.step as u64).collect()),
    )?;
    out.set_item(
        "time_index",
        PyArray1::from_vec(py, steps.iter().map(|s| s.time_index as u64).collect()),
    )?;
    out.set_item("reward", PyArray1::from_vec(py, column(|s| s.reward)))?;
    out.set_item(
        "converged",
        PyArray1::from_vec(py, steps.iter().map(|s| s.converged).collect()),
    )?;
    out.set_item(
        "terminated",
        PyArray1::from_vec(py, steps.iter().map(|s| s.terminated).collect()),
    )?;
    out.set_item(
        "truncated",
        PyArray1::from_vec(py, steps.iter().map(|s| s.truncated).collect()),
    )?;
    out.set_item(
        "violations",
        PyArray1::from_vec(
            py,
            steps.iter().map(|s| s.violations.len() as u64).collect(),
        ),
    )?;
    let tables: [(&str, Field); 8] = [
        ("bus_vm_pu", |s| &s.bus_vm_pu),
        ("bus_va_deg", |s| &s.bus_va_deg),
        ("branch_s_mva", |s| &s.branch_s_mva),
        ("device_p_mw", |s| &s.device_p_mw),
        ("device_q_mvar", |s| &s.device_q_mvar),
        ("soc_mwh", |s| &s.soc_mwh),
        ("requested_action", |s| &s.requested_action),
        ("applied_action", |s| &s.applied_action),
    ];
    for (name, field) in tables {
        out.set_item(name, table(py, &steps, field)?)?;
    }
    Ok(out)
}

/// Where a step's values of one table are.
type Field = fn(&StepRecord) -> &[f64];

/// One row per step; a step that lacks the values (step 0's actions, a failed solve's
/// voltages) gets NaN.
fn table<'py>(
    py: Python<'py>,
    steps: &[StepRecord],
    field: Field,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let width = steps.iter().map(|s| field(s).len()).max().unwrap_or(0);
    let mut values = Vec::with_capacity(steps.len() * width);
    for s in steps {
        let row = field(s);
        values.extend_from_slice(row);
        values.extend(std::iter::repeat_n(f64::NAN, width - row.len()));
    }
    PyArray1::from_vec(py, values).reshape([steps.len(), width])
}
