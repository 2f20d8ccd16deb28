//! Training, fitting and comparing in the window, with no egui in it: each runs on a thread of
//! its own and reports through a channel the frame polls, so the view stays smooth; training
//! can pause and stop at any iteration, keeping its best policy so far.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Duration;

use crate::agent::{LinearPolicy, Spaces};
use crate::io::EpisodeReader;
use crate::learn::evaluate::{self, AgentScore, EvaluationSettings};
use crate::learn::{Ars, ArsSettings, Fit, PolicyShape, Progress, episode_samples, fit};
use crate::model::Network;
use crate::sim::Environment;

/// What a background job sends back.
enum Update {
    Iteration(Progress, Option<LinearPolicy>),
    Done(Result<(), String>),
}

/// A training run on its thread.
pub struct Training {
    pub settings: ArsSettings,
    /// The learning curve so far.
    pub curve: Vec<Progress>,
    /// The best policy so far, once an iteration found one.
    pub best: Option<LinearPolicy>,
    pause: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    updates: Receiver<Update>,
    /// `None` while running; why it ended otherwise (`Ok` when it finished or was stopped).
    pub ended: Option<Result<(), String>>,
}

impl Training {
    /// Starts ARS on the network (scenario and series read in) on a thread of its own.
    pub fn start(network: &Network, settings: ArsSettings) -> Self {
        let (send, updates) = channel();
        let pause = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (net, job, paused, stopped) = (
            network.clone(),
            settings.clone(),
            pause.clone(),
            stop.clone(),
        );
        std::thread::spawn(move || {
            let outcome = train(&net, job, &paused, &stopped, &|update| {
                send.send(update).is_ok()
            });
            let _ = send.send(Update::Done(outcome));
        });
        Training {
            settings,
            curve: Vec::new(),
            best: None,
            pause,
            stop,
            updates,
            ended: None,
        }
    }

    /// Takes in what the thread sent; returns whether anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        loop {
            match self.updates.try_recv() {
                Ok(Update::Iteration(progress, best)) => {
                    self.curve.push(progress);
                    if best.is_some() {
                        self.best = best;
                    }
                }
                Ok(Update::Done(outcome)) => self.ended = Some(outcome),
                Err(TryRecvError::Empty) => return changed,
                Err(TryRecvError::Disconnected) => {
                    self.ended
                        .get_or_insert(Err("training stopped".to_string()));
                    return changed;
                }
            }
            changed = true;
        }
    }

    pub fn running(&self) -> bool {
        self.ended.is_none()
    }

    pub fn paused(&self) -> bool {
        self.pause.load(Ordering::Relaxed)
    }

    pub fn set_paused(&self, paused: bool) {
        self.pause.store(paused, Ordering::Relaxed);
    }

    /// Stops after the iteration under way.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Drop for Training {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The training loop of the thread: an iteration at a time, waiting while paused.
fn train(
    network: &Network,
    settings: ArsSettings,
    pause: &AtomicBool,
    stop: &AtomicBool,
    send: &dyn Fn(Update) -> bool,
) -> Result<(), String> {
    let mut ars = Ars::new(network, settings).map_err(|e| e.to_string())?;
    let mut best_sent = f64::NAN;
    while !ars.finished() && !stop.load(Ordering::Relaxed) {
        if pause.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(30));
            continue;
        }
        let progress = ars.iterate().map_err(|e| e.to_string())?;
        let (policy, best) = ars.best_policy();
        // The policy travels only when it changed (a bit-for-bit comparison of its return).
        let new_best = (best.to_bits() != best_sent.to_bits()).then(|| policy.clone());
        best_sent = best;
        if !send(Update::Iteration(progress, new_best)) {
            break;
        }
    }
    Ok(())
}

/// The policy that fits an episode's actions, computed on a thread of its own.
pub struct Fitting {
    outcome: Receiver<Result<Fit, String>>,
}

impl Fitting {
    /// Fits every action of the episode file to every observation (the steps written so far,
    /// when it is still being recorded).
    pub fn start(episode: PathBuf) -> Self {
        let (send, outcome) = channel();
        std::thread::spawn(move || {
            let _ = send.send(fit_episode(&episode));
        });
        Fitting { outcome }
    }

    /// The fit, once done.
    pub fn poll(&mut self) -> Option<Result<Fit, String>> {
        match self.outcome.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the fit stopped".to_string())),
        }
    }
}

/// The ridge of a fit made in the window: a network's observations are collinear (reactive
/// load follows active load, say), so the fit needs one.
pub const FIT_RIDGE: f64 = 1.0;

fn fit_episode(path: &Path) -> Result<Fit, String> {
    let mut reader = EpisodeReader::open(path).map_err(|e| e.to_string())?;
    let header = reader.header.clone();
    let env = Environment::new(header.network.clone()).map_err(|e| e.to_string())?;
    let shape = PolicyShape::new(
        env.observation_space(),
        env.action_space(),
        &env.do_nothing_action(),
        None,
        None,
    )
    .map_err(|e| e.to_string())?;
    let steps = reader.steps().map(|s| s.map_err(|e| e.to_string()));
    let samples = episode_samples(&header, steps, &shape).map_err(|e| e.to_string())?;
    fit(&samples, &shape, FIT_RIDGE).map_err(|e| e.to_string())
}

/// Agents compared on the same episodes, on a thread of its own.
pub struct Comparison {
    pub agents: Vec<String>,
    pub settings: EvaluationSettings,
    done: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    outcome: Receiver<Result<Vec<AgentScore>, String>>,
    /// Once finished: the scores, or why there are none.
    pub result: Option<Result<Vec<AgentScore>, String>>,
}

impl Comparison {
    /// Evaluates every agent (as the command line names them) on the network.
    pub fn start(network: &Network, agents: Vec<String>, settings: EvaluationSettings) -> Self {
        let (send, outcome) = channel();
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (net, specs, job) = (network.clone(), agents.clone(), settings.clone());
        let (counter, stop) = (done.clone(), cancel.clone());
        std::thread::spawn(move || {
            let _ = send.send(compare(net, &specs, &job, &counter, &stop));
        });
        Comparison {
            agents,
            settings,
            done,
            cancel,
            outcome,
            result: None,
        }
    }

    /// Takes in the outcome once the thread is done; returns whether it changed.
    pub fn poll(&mut self) -> bool {
        if self.result.is_some() {
            return false;
        }
        self.result = match self.outcome.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => Some(Err("the comparison stopped".to_string())),
        };
        true
    }

    /// (episodes done, episodes in all) while running.
    pub fn progress(&self) -> Option<(usize, usize)> {
        let total = self.agents.len() * self.settings.episodes;
        self.result
            .is_none()
            .then(|| (self.done.load(Ordering::Relaxed), total))
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for Comparison {
    fn drop(&mut self) {
        self.cancel();
    }
}

fn compare(
    network: Network,
    specs: &[String],
    settings: &EvaluationSettings,
    done: &AtomicUsize,
    cancel: &AtomicBool,
) -> Result<Vec<AgentScore>, String> {
    let mut env = Environment::new(network).map_err(|e| e.to_string())?;
    let build = |spec: &str, spaces: &Spaces| {
        crate::io::agent_from_spec(spec, spaces, settings.seed).map_err(|e| e.to_string())
    };
    let each = |_: &_| {
        done.fetch_add(1, Ordering::Relaxed);
    };
    evaluate::compare(&mut env, specs, settings, &build, cancel, each).map_err(|e| e.to_string())
}

/// A policy the user has at hand: the best one of the training under way, or one fitted to an
/// episode; written to a file when played or compared, since agents are named by file.
pub struct PolicyAtHand {
    pub policy: LinearPolicy,
    /// Where it came from, in words.
    pub origin: String,
    /// The file it was last written to, for as long as it is the same policy.
    file: Option<PathBuf>,
}

/// The window's learning jobs and their results.
#[derive(Default)]
pub struct Learning {
    pub training: Option<Training>,
    pub fitting: Option<Fitting>,
    pub comparison: Option<Comparison>,
    pub policy: Option<PolicyAtHand>,
}

impl Learning {
    /// Takes in what the jobs sent. Returns whether anything changed, and the message of a
    /// fit that failed.
    pub fn poll(&mut self) -> (bool, Option<String>) {
        let mut changed = false;
        let mut failure = None;
        if let Some(training) = &mut self.training
            && training.poll()
        {
            changed = true;
            if let (Some(best), Some(last)) = (training.best.take(), training.curve.last()) {
                let origin = format!(
                    "Trained: best return {:.3} (iteration {})",
                    last.best_return, last.iteration
                );
                self.policy = Some(PolicyAtHand::new(best, origin));
            }
        }
        if let Some(fitting) = &mut self.fitting
            && let Some(outcome) = fitting.poll()
        {
            self.fitting = None;
            changed = true;
            match outcome {
                Ok(fit) => {
                    let origin = format!(
                        "Fitted to {} steps: R² {}",
                        fit.samples,
                        r_squared_summary(&fit.r_squared)
                    );
                    self.policy = Some(PolicyAtHand::new(fit.policy, origin));
                }
                Err(e) => failure = Some(format!("Cannot fit a policy to this episode: {e}")),
            }
        }
        if let Some(comparison) = &mut self.comparison {
            changed |= comparison.poll();
        }
        (changed, failure)
    }

    /// Whether a job is running (the window keeps polling).
    pub fn busy(&self) -> bool {
        self.training.as_ref().is_some_and(Training::running)
            || self.fitting.is_some()
            || self.comparison.as_ref().is_some_and(|c| c.result.is_none())
    }

    /// Writes the policy at hand into `dir` (once per policy) and returns its file.
    pub fn policy_file(&mut self, dir: &Path, network: &str) -> Result<PathBuf, String> {
        let Some(at_hand) = &mut self.policy else {
            return Err("there is no policy yet: train one or fit one to an episode".into());
        };
        if let Some(file) = &at_hand.file {
            return Ok(file.clone());
        }
        let file = dir.join(format!("{network}-policy.ron"));
        std::fs::create_dir_all(dir)
            .and_then(|()| crate::io::save_linear_policy(&at_hand.policy, &at_hand.origin, &file))
            .map_err(|e| format!("{}: cannot write the policy: {e}", file.display()))?;
        at_hand.file = Some(file.clone());
        Ok(file)
    }
}

impl PolicyAtHand {
    fn new(policy: LinearPolicy, origin: String) -> Self {
        PolicyAtHand {
            policy,
            origin,
            file: None,
        }
    }
}

/// "0.98 to 1.00" over the actions that varied, or "—" when none did.
fn r_squared_summary(r_squared: &[Option<f64>]) -> String {
    let values: Vec<f64> = r_squared.iter().flatten().copied().collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    match values.len() {
        0 => "— (no action varied)".to_string(),
        1 => format!("{lo:.3}"),
        _ => format!("{lo:.3} to {hi:.3}"),
    }
}
