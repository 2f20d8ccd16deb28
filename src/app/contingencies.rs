//! N-1 in the window, with no egui in it: the analysis of the state on screen runs on threads
//! of its own (every core) with progress and Cancel; a contingency picked from the list is
//! solved in the background too, and its state replaces the step on the view until put away.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::contingency::{Analysis, ContingencyError, Solver, analyse, bridges};
use crate::model::Network;
use crate::powerflow::SolveOptions;
use crate::sim::episode::{StepRecord, network_at, solved_record};

/// The analysis of one step: running, or done.
pub struct Contingencies {
    /// The step analysed, its network, and the record it was taken from.
    pub step: usize,
    network: Arc<Network>,
    at: StepRecord,
    options: SolveOptions,
    state: State,
    /// The contingency on the view: its branch, and its state once solved.
    pub shown: Option<(String, Option<StepRecord>)>,
    showing: Option<Receiver<Result<StepRecord, String>>>,
}

enum State {
    Running {
        done: Arc<AtomicUsize>,
        total: usize,
        cancel: Arc<AtomicBool>,
        outcome: Receiver<Result<Analysis, ContingencyError>>,
    },
    Finished(Result<Analysis, String>),
}

impl Contingencies {
    /// Starts the analysis of the network as it stood at `at` (a step of the episode whose
    /// network is `initial`).
    pub fn start(initial: &Network, at: &StepRecord) -> Self {
        let network = Arc::new(network_at(initial, at));
        let options = solve_options(initial);
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let total = network.branches.iter().filter(|b| b.in_service).count();
        let (send, outcome) = channel();
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let (net, counter, stop) = (network.clone(), done.clone(), cancel.clone());
        std::thread::spawn(move || {
            let progress = |n: usize, _: usize| counter.store(n, Ordering::Relaxed);
            let _ = send.send(analyse(&net, &options, threads, &progress, &stop));
        });
        Contingencies {
            step: at.step,
            network,
            at: at.clone(),
            options,
            state: State::Running {
                done,
                total,
                cancel,
                outcome,
            },
            shown: None,
            showing: None,
        }
    }

    /// Takes in what the threads finished; returns whether anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        if let State::Running { outcome, .. } = &self.state {
            match outcome.try_recv() {
                Ok(result) => {
                    self.state = State::Finished(result.map_err(|e| e.to_string()));
                    changed = true;
                }
                Err(TryRecvError::Disconnected) => {
                    let why = "the analysis stopped".to_string();
                    self.state = State::Finished(Err(why));
                    changed = true;
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        if let Some(receiver) = &self.showing
            && let Ok(result) = receiver.try_recv()
        {
            self.showing = None;
            changed = true;
            match result {
                Ok(record) => {
                    if let Some((_, state)) = &mut self.shown {
                        *state = Some(record);
                    }
                }
                Err(e) => {
                    self.shown = None;
                    self.state = State::Finished(Err(e));
                }
            }
        }
        changed
    }

    /// The state after the outage shown, once solved.
    pub fn shown_state(&self) -> Option<&StepRecord> {
        self.shown.as_ref().and_then(|(_, state)| state.as_ref())
    }

    /// Whether a contingency's state is being solved.
    pub fn waiting(&self) -> bool {
        self.showing.is_some()
    }

    /// (outages done, outages in all) while running.
    pub fn progress(&self) -> Option<(usize, usize)> {
        match &self.state {
            State::Running { done, total, .. } => Some((done.load(Ordering::Relaxed), *total)),
            State::Finished(_) => None,
        }
    }

    pub fn cancel(&self) {
        if let State::Running { cancel, .. } = &self.state {
            cancel.store(true, Ordering::Relaxed);
        }
    }

    /// The list, once finished (or why there is none).
    pub fn result(&self) -> Option<&Result<Analysis, String>> {
        match &self.state {
            State::Finished(result) => Some(result),
            State::Running { .. } => None,
        }
    }

    /// Shows the state after taking out `branch` (solved in the background); `None` goes back
    /// to the step.
    pub fn show(&mut self, branch: Option<String>) {
        self.showing = None;
        let Some(name) = branch else {
            self.shown = None;
            return;
        };
        let Some(k) = self.network.branches.iter().position(|b| b.name == name) else {
            return;
        };
        self.shown = Some((name, None));
        let (send, receive) = channel();
        let (net, at, options) = (self.network.clone(), self.at.clone(), self.options);
        std::thread::spawn(move || {
            let _ = send.send(post_outage_state(&net, &at, &options, k));
        });
        self.showing = Some(receive);
    }
}

/// The state of `net` with branch `k` out, as a record to draw.
fn post_outage_state(
    net: &Network,
    at: &StepRecord,
    options: &SolveOptions,
    k: usize,
) -> Result<StepRecord, String> {
    let mut pf = crate::powerflow::PowerFlow::new(net).map_err(|e| e.to_string())?;
    let base = pf.solve(net, options).map_err(|e| e.to_string())?;
    let splits = bridges(net)[k];
    let result = Solver::new(net, &base)
        .and_then(|mut solver| solver.solve(options, k, splits))
        .map_err(|e| e.to_string())?;
    let mut outaged = net.clone();
    outaged.branches[k].in_service = false;
    Ok(solved_record(&outaged, &result, at))
}

/// The power flow settings of the network's scenario (the environment's), else MATPOWER's.
fn solve_options(net: &Network) -> SolveOptions {
    net.scenario
        .as_ref()
        .map_or_else(SolveOptions::default, |s| SolveOptions {
            tolerance_pu: s.power_flow.tolerance_pu,
            max_iterations: s.power_flow.max_iterations,
            enforce_q_limits: false,
            dc_fallback: s.power_flow.dc_fallback,
        })
}
