//! The environment and its agent on a thread of their own, so a large network stepping never
//! holds up a frame. The window sends requests and reads replies; the thread runs the one
//! rollout loop ([`crate::agent::rollout`]).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use super::recordings::Written;
use super::session::AgentChoice;
use crate::model::{Network, Scenario};
use crate::sim::episode::{EpisodeHeader, StepRecord};
use crate::sim::{Component, Environment, ResetOptions};

/// What the window asks of the thread.
pub(super) enum Request {
    Reset {
        seed: u64,
        options: ResetOptions,
    },
    /// One step; a human operator's setpoints go with it.
    Step {
        human: Option<Vec<f64>>,
    },
    SetAgent {
        choice: AgentChoice,
        seed: u64,
    },
    /// Where to record episodes from now on (none: keep them in memory). Not answered.
    RecordTo(Option<PathBuf>),
    /// Branches off at an earlier step: the environment goes back to step `at` and the run
    /// after it is set aside. `source` is the recording holding steps 0 to `at` and where they
    /// end; `agent_at` who acted at `at`.
    Fork {
        at: usize,
        source: Option<(PathBuf, u64)>,
        agent_at: String,
    },
    /// Swaps the run under way with the one set aside.
    SwapFuture,
    /// Continues live from step `at` of the episode file `file`, with the agent chosen.
    TakeOver {
        file: PathBuf,
        at: usize,
        source: Option<(PathBuf, u64)>,
        agent_at: String,
    },
}

/// What the thread answers. (Replies are few and moved once: their sizes do not matter.)
#[allow(clippy::large_enum_variant)]
pub enum Reply {
    /// A new episode: its header, the state after reset, and a warning (an agent that could
    /// not be built again).
    Reset(Result<Started, String>),
    Stepped(Live),
    AgentSet(Result<(), String>),
    /// The run is at another step (a fork, a swap, a take-over): the active-power ranges
    /// reachable from there.
    Moved(Result<Feasible, String>),
}

/// Per device, the active-power range reachable at the next step (renewables and storage).
pub type Feasible = Vec<Option<(f64, f64)>>;

/// A new episode: its header, the state after reset, and what the user should know about it.
pub struct Started {
    pub header: EpisodeHeader,
    pub live: Live,
    pub warning: Option<String>,
}

/// A state of the run: its record, and the active-power range each renewable and storage unit
/// can reach next (the inspector shows it to a human operator).
pub struct Live {
    pub record: StepRecord,
    pub feasible_p_mw: Feasible,
    /// What was written to the recording.
    pub written: Written,
    /// Why the agent could not choose the step's action, if it could not.
    pub failure: Option<String>,
}

/// What the window needs to know of the environment, fixed for the session.
pub struct Spec {
    pub action_space: Vec<Component>,
    pub do_nothing: Vec<f64>,
    pub scenario: Scenario,
}

/// The window's handle on the thread.
pub struct Runner {
    requests: Sender<Request>,
    replies: Receiver<Reply>,
    /// Requests sent and not answered yet.
    pending: usize,
    thread: Option<JoinHandle<()>>,
}

/// Long enough for any reset or agent file; a thread that takes longer has stopped.
const SLOW_REPLY: Duration = Duration::from_secs(600);

impl Runner {
    /// Builds the environment on a new thread; returns once it is ready (or cannot be built).
    pub fn start(network: Network, base_dir: PathBuf) -> Result<(Runner, Spec), String> {
        let (requests, inbox) = channel();
        let (outbox, replies) = channel();
        let (ready, spec) = channel();
        let thread = std::thread::Builder::new()
            .name("gridpilot-run".to_string())
            .spawn(move || {
                let read = crate::io::read_series(network, &base_dir).map_err(|e| e.to_string());
                let env = match read.and_then(|n| Environment::new(n).map_err(|e| e.to_string())) {
                    Ok(env) => env,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let _ = ready.send(Ok(Spec {
                    action_space: env.action_space().to_vec(),
                    do_nothing: env.do_nothing_action(),
                    scenario: env.scenario().clone(),
                }));
                super::worker::Worker::new(env).serve(&inbox, &outbox);
            })
            .map_err(|e| format!("cannot start the simulation thread: {e}"))?;
        let spec = spec
            .recv()
            .map_err(|_| "the simulation thread stopped".to_string())??;
        let runner = Runner {
            requests,
            replies,
            pending: 0,
            thread: Some(thread),
        };
        Ok((runner, spec))
    }

    /// Starts a new episode and waits for it.
    pub fn reset(&mut self, seed: u64, options: ResetOptions) -> Result<Started, String> {
        self.send(Request::Reset { seed, options })?;
        match self.wait(SLOW_REPLY)? {
            Reply::Reset(result) => result,
            _ => Err("the simulation thread answered out of turn".to_string()),
        }
    }

    /// Builds the agent (reading its file) and waits for the outcome.
    pub fn set_agent(&mut self, choice: AgentChoice, seed: u64) -> Result<(), String> {
        self.send(Request::SetAgent { choice, seed })?;
        match self.wait(SLOW_REPLY)? {
            Reply::AgentSet(result) => result,
            _ => Err("the simulation thread answered out of turn".to_string()),
        }
    }

    /// Goes back to step `at` to run on from there, setting the later steps aside.
    pub fn fork(
        &mut self,
        at: usize,
        source: Option<(PathBuf, u64)>,
        agent_at: String,
    ) -> Result<Feasible, String> {
        self.moved(Request::Fork {
            at,
            source,
            agent_at,
        })
    }

    /// Swaps the run under way with the one a fork set aside.
    pub fn swap_future(&mut self) -> Result<Feasible, String> {
        self.moved(Request::SwapFuture)
    }

    /// Continues live from step `at` of a recorded episode.
    pub fn take_over(
        &mut self,
        file: PathBuf,
        at: usize,
        source: Option<(PathBuf, u64)>,
        agent_at: String,
    ) -> Result<Feasible, String> {
        self.moved(Request::TakeOver {
            file,
            at,
            source,
            agent_at,
        })
    }

    fn moved(&mut self, request: Request) -> Result<Feasible, String> {
        self.send(request)?;
        match self.wait(SLOW_REPLY)? {
            Reply::Moved(result) => result,
            _ => Err("the simulation thread answered out of turn".to_string()),
        }
    }

    /// Records episodes in `dir` from the next step on (none: keeps them in memory).
    pub fn record_to(&mut self, dir: Option<PathBuf>) -> Result<(), String> {
        self.requests
            .send(Request::RecordTo(dir))
            .map_err(|_| "the simulation thread stopped".to_string())
    }

    /// Asks for one step without waiting for it.
    pub fn request_step(&mut self, human: Option<Vec<f64>>) -> Result<(), String> {
        self.send(Request::Step { human })
    }

    /// Whether a step is under way.
    pub fn busy(&self) -> bool {
        self.pending > 0
    }

    /// The next reply, waiting at most `patience`.
    pub fn wait(&mut self, patience: Duration) -> Result<Reply, String> {
        match self.replies.recv_timeout(patience) {
            Ok(reply) => {
                self.pending -= 1;
                Ok(reply)
            }
            Err(RecvTimeoutError::Timeout) => Err("the simulation is still working".to_string()),
            Err(RecvTimeoutError::Disconnected) => Err("the simulation thread stopped".to_string()),
        }
    }

    fn send(&mut self, request: Request) -> Result<(), String> {
        self.requests
            .send(request)
            .map_err(|_| "the simulation thread stopped".to_string())?;
        self.pending += 1;
        Ok(())
    }
}

impl Drop for Runner {
    /// Closing the channel ends the thread once it finishes what it is doing.
    fn drop(&mut self) {
        let (closed, _) = channel();
        self.requests = closed;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
