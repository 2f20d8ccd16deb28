//! `gridpilot._core`: GridPilot's environment for Python. The Gymnasium classes in the
//! `gridpilot` package wrap these; everything here is a thin layer over the Rust library.

mod convert;
mod env;
mod episode;
mod network;
mod vector;

use pyo3::prelude::*;

/// Where the episodes of `gridpilot evaluate --episodes N --seed S` start, as (seed, time
/// index) pairs: the same starts from Python.
#[pyfunction]
fn evaluation_starts(episodes: usize, seed: u64, steps_per_cycle: usize) -> Vec<(u64, usize)> {
    let settings = gridpilot::learn::evaluate::EvaluationSettings {
        episodes,
        steps: 0,
        seed,
        start_time_index: None,
    };
    gridpilot::learn::evaluate::starts(&settings, steps_per_cycle)
        .into_iter()
        .map(|s| (s.seed, s.time_index))
        .collect()
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<env::Env>()?;
    m.add_class::<vector::VecEnv>()?;
    m.add_function(wrap_pyfunction!(episode::load_episode, m)?)?;
    m.add_function(wrap_pyfunction!(network::bundled_networks, m)?)?;
    m.add_function(wrap_pyfunction!(evaluation_starts, m)?)?;
    Ok(())
}
