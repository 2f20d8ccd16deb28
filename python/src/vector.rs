//! Copies of one environment stepped together in Rust, with the GIL released: Gymnasium's
//! vector environment with next-step autoreset (an episode that ended is reset by the next
//! step, whose action is ignored).

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use gridpilot::sim::{Environment, ResetOptions, SimError};

/// `n` copies of a network's environment.
#[pyclass(module = "gridpilot._core")]
pub struct VecEnv {
    envs: Vec<Environment>,
    /// Per copy: whether its episode ended at the last step, and the seed of its next reset.
    ended: Vec<bool>,
    next_seed: Vec<u64>,
    options: ResetOptions,
}

/// What one step of every copy gave.
type Stepped<'py> = (
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<bool>>,
    Bound<'py, PyArray1<bool>>,
);

#[pymethods]
impl VecEnv {
    #[new]
    #[pyo3(signature = (network, n, overrides=None))]
    fn new(network: &str, n: usize, overrides: Option<&str>) -> PyResult<Self> {
        if n == 0 {
            return Err(PyValueError::new_err(
                "a vector environment needs at least one copy",
            ));
        }
        let first = super::network::environment(network, overrides)?;
        let mut envs = Vec::with_capacity(n);
        for _ in 1..n {
            envs.push(super::network::environment(network, overrides)?);
        }
        envs.push(first);
        Ok(VecEnv {
            ended: vec![false; n],
            next_seed: vec![0; n],
            envs,
            options: ResetOptions::default(),
        })
    }

    /// Resets every copy, copy i with `seeds[i]`; returns the observations, one row each.
    #[pyo3(signature = (seeds, start_time_index=None))]
    fn reset<'py>(
        &mut self,
        py: Python<'py>,
        seeds: Vec<u64>,
        start_time_index: Option<usize>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        if seeds.len() != self.envs.len() {
            return Err(PyValueError::new_err(format!(
                "{} seeds for {} copies",
                seeds.len(),
                self.envs.len()
            )));
        }
        self.options.start_time_index = start_time_index;
        let (envs, options) = (&mut self.envs, &self.options);
        let rows = py
            .detach(|| {
                envs.iter_mut()
                    .zip(&seeds)
                    .map(|(env, &seed)| env.reset(seed, options))
                    .collect::<Result<Vec<_>, SimError>>()
            })
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        // The next reset of copy i, after its episode ends, takes its seed plus the copies.
        let n = self.envs.len() as u64;
        self.next_seed = seeds.iter().map(|s| s.wrapping_add(n)).collect();
        self.ended.fill(false);
        matrix(py, rows.concat(), self.envs.len())
    }

    /// Steps every copy with its row of `actions`; a copy whose episode ended at the last
    /// step is reset instead (reward 0, neither terminated nor truncated).
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        actions: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Stepped<'py>> {
        let n = self.envs.len();
        let width = self.envs[0].action_space().len();
        let shape = actions.as_array().shape().to_vec();
        if shape != [n, width] {
            return Err(PyValueError::new_err(format!(
                "actions of shape {shape:?}; expected ({n}, {width})"
            )));
        }
        let actions = actions.as_slice()?.to_vec();
        let mut observations = Vec::new();
        let mut rewards = vec![0.0; n];
        let mut terminated = vec![false; n];
        let mut truncated = vec![false; n];
        let outcome = py.detach(|| -> Result<(), SimError> {
            for (k, env) in self.envs.iter_mut().enumerate() {
                if self.ended[k] {
                    let seed = self.next_seed[k];
                    self.next_seed[k] = seed.wrapping_add(n as u64);
                    observations.extend(env.reset(seed, &self.options)?);
                    self.ended[k] = false;
                    continue;
                }
                let result = env.step(&actions[k * width..(k + 1) * width]);
                observations.extend_from_slice(&result.observation);
                rewards[k] = result.reward;
                terminated[k] = result.terminated;
                truncated[k] = result.truncated;
                self.ended[k] = result.terminated || result.truncated;
            }
            Ok(())
        });
        outcome.map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok((
            matrix(py, observations, n)?,
            PyArray1::from_vec(py, rewards),
            PyArray1::from_vec(py, terminated),
            PyArray1::from_vec(py, truncated),
        ))
    }

    #[getter]
    fn num_envs(&self) -> usize {
        self.envs.len()
    }
}

/// `values` as a matrix of `rows` rows.
fn matrix(py: Python<'_>, values: Vec<f64>, rows: usize) -> PyResult<Bound<'_, PyArray2<f64>>> {
    let columns = values.len() / rows.max(1);
    PyArray1::from_vec(py, values).reshape([rows, columns])
}
