//! One environment, stepped from Python: Gymnasium's reset and step on GridPilot's core, and
//! the recording of its episodes to files the app and `gridpilot replay` read.

use std::path::PathBuf;

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use gridpilot::io::EpisodeWriter;
use gridpilot::sim::episode::{EpisodeHeader, record};
use gridpilot::sim::{Component, Environment, ResetOptions, ZoneSpace, zone_spaces};

use super::convert;

/// What a step gives Python: observation, reward, terminated, truncated, info.
type Transition<'py> = (
    Bound<'py, PyArray1<f64>>,
    f64,
    bool,
    bool,
    Bound<'py, PyDict>,
);

/// A GridPilot environment (see `gridpilot.GridEnv` for the Gymnasium one).
#[pyclass(module = "gridpilot._core")]
pub struct Env {
    env: Environment,
    zones: Vec<ZoneSpace>,
    /// The episode being recorded, if asked for at reset.
    recording: Option<(EpisodeWriter, PathBuf)>,
    reset_done: bool,
}

#[pymethods]
impl Env {
    /// `network` is a file or a bundled network's name; `overrides` a JSON object of scenario
    /// settings.
    #[new]
    #[pyo3(signature = (network, overrides=None))]
    fn new(network: &str, overrides: Option<&str>) -> PyResult<Self> {
        let env = super::network::environment(network, overrides)?;
        Ok(Env {
            zones: zone_spaces(&env),
            env,
            recording: None,
            reset_done: false,
        })
    }

    /// Starts an episode; returns the first observation and the info. `record` names an
    /// episode file to write it to (finished at the next reset or at `close`).
    #[pyo3(signature = (seed, start_time_index=None, initial_soc_mwh=None, record=None))]
    fn reset<'py>(
        &mut self,
        py: Python<'py>,
        seed: u64,
        start_time_index: Option<usize>,
        initial_soc_mwh: Option<Vec<(String, f64)>>,
        record: Option<PathBuf>,
    ) -> PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyDict>)> {
        self.finish_recording()?;
        let options = ResetOptions {
            start_time_index,
            initial_soc_mwh: initial_soc_mwh.unwrap_or_default(),
        };
        let observation = self
            .env
            .reset(seed, &options)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        self.reset_done = true;
        if let Some(path) = record {
            self.start_recording(path, seed, &options)?;
        }
        let info = PyDict::new(py);
        info.set_item("time_index", self.env.time_index())?;
        Ok((PyArray1::from_vec(py, observation), info))
    }

    /// One step under `action` (one value per action component; values outside the box are
    /// clipped, NaN does nothing, both reported in `info["clipped"]`).
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        action: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Transition<'py>> {
        if !self.reset_done {
            return Err(PyRuntimeError::new_err("call reset() before step()"));
        }
        let action = action.as_slice()?;
        let expected = self.env.action_space().len();
        if action.len() != expected {
            return Err(PyValueError::new_err(format!(
                "the action has {} values; this network's action space has {expected}",
                action.len()
            )));
        }
        let result = self.env.step(action);
        if let Some((writer, path)) = &mut self.recording {
            let step = record(&self.env, Some(&result), action.to_vec(), None);
            writer
                .write(&step)
                .map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))?;
        }
        let info = convert::info(py, &result.info)?;
        Ok((
            PyArray1::from_vec(py, result.observation),
            result.reward,
            result.terminated,
            result.truncated,
            info,
        ))
    }

    /// The zones the network's buses name: for each, its name and the positions of the
    /// observation and action components its operator sees and sets.
    fn zones(&self) -> Vec<(String, Vec<usize>, Vec<usize>)> {
        let zone = |z: &ZoneSpace| (z.name.clone(), z.observation.clone(), z.action.clone());
        self.zones.iter().map(zone).collect()
    }

    /// The last step's reward counted over each zone (its buses, their devices and the
    /// branches leaving them), in the order of `zones`.
    fn zone_rewards(&self) -> Vec<f64> {
        self.zones
            .iter()
            .map(|z| self.env.zone_reward(&z.buses))
            .collect()
    }

    /// Finishes the recording under way, if any.
    fn close(&mut self) -> PyResult<()> {
        self.finish_recording()
    }

    #[getter]
    fn action_names(&self) -> Vec<String> {
        names(self.env.action_space())
    }

    #[getter]
    fn observation_names(&self) -> Vec<String> {
        names(self.env.observation_space())
    }

    #[getter]
    fn action_bounds(&self) -> (Vec<f64>, Vec<f64>) {
        bounds(self.env.action_space())
    }

    #[getter]
    fn observation_bounds(&self) -> (Vec<f64>, Vec<f64>) {
        bounds(self.env.observation_space())
    }

    #[getter]
    fn do_nothing(&self) -> Vec<f64> {
        self.env.do_nothing_action()
    }

    #[getter]
    fn discount(&self) -> f64 {
        self.env.scenario().discount
    }

    #[getter]
    fn steps_per_cycle(&self) -> usize {
        self.env.scenario().steps_per_cycle
    }

    #[getter]
    fn network_name(&self) -> String {
        self.env.network().name.clone()
    }
}

impl Env {
    fn start_recording(
        &mut self,
        path: PathBuf,
        seed: u64,
        options: &ResetOptions,
    ) -> PyResult<()> {
        let fail = |e: std::io::Error| PyOSError::new_err(format!("{}: {e}", path.display()));
        let header = EpisodeHeader::new(&self.env, "python", seed, options);
        let mut writer = EpisodeWriter::create(&path, &header).map_err(fail)?;
        writer
            .write(&record(&self.env, None, Vec::new(), None))
            .map_err(fail)?;
        self.recording = Some((writer, path));
        Ok(())
    }

    fn finish_recording(&mut self) -> PyResult<()> {
        if let Some((writer, path)) = self.recording.take() {
            writer
                .finish()
                .map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))?;
        }
        Ok(())
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = self.finish_recording();
    }
}

pub fn names(space: &[Component]) -> Vec<String> {
    space.iter().map(|c| c.name.clone()).collect()
}

pub fn bounds(space: &[Component]) -> (Vec<f64>, Vec<f64>) {
    space.iter().map(|c| (c.low, c.high)).unzip()
}
