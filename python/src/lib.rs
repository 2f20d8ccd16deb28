//! `gridpilot._core`: GridPilot's environment for Python. The Gymnasium classes in the
//! `gridpilot` package wrap these; everything here is a thin layer over the Rust library.

mod convert;
mod env;
mod episode;
mod network;
mod vector;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<env::Env>()?;
    m.add_class::<vector::VecEnv>()?;
    m.add_function(wrap_pyfunction!(episode::load_episode, m)?)?;
    m.add_function(wrap_pyfunction!(network::bundled_networks, m)?)?;
    Ok(())
}
