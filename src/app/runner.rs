//! The environment and its agent on a thread of their own, so a large network stepping never
//! holds up a frame. The window sends requests and reads replies; the thread runs the one
//! rollout loop ([`crate::agent::rollout`]).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use super::recordings::{Recorder, Written};
use super::session::AgentChoice;
use crate::agent::rollout::Rollout;
use crate::agent::{self, Agent, HumanAgent, Spaces};
use crate::model::{Network, Scenario};
use crate::sim::episode::{EpisodeHeader, StepRecord};
use crate::sim::{Component, Environment, ResetOptions};

/// What the window asks of the thread.
enum Request {
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
}

/// What the thread answers. (Replies are few and moved once: their sizes do not matter.)
#[allow(clippy::large_enum_variant)]
pub enum Reply {
    /// A new episode: its header, the state after reset, and a warning (an agent that could
    /// not be built again).
    Reset(Result<Started, String>),
    Stepped(Live),
    AgentSet(Result<(), String>),
}

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
    pub feasible_p_mw: Vec<Option<(f64, f64)>>,
    /// What was written to the recording.
    pub written: Written,
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
                Worker::new(env).serve(&inbox, &outbox);
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

/// The thread's side: the environment, the agent and the episode under way.
struct Worker {
    env: Environment,
    agent: Box<dyn Agent>,
    choice: AgentChoice,
    rollout: Option<Rollout>,
    recorder: Recorder,
}

impl Worker {
    fn new(env: Environment) -> Self {
        let agent = Box::new(agent::DoNothing::new(&env.do_nothing_action()));
        Worker {
            env,
            agent,
            choice: AgentChoice::DoNothing,
            rollout: None,
            recorder: Recorder::default(),
        }
    }

    fn serve(mut self, inbox: &Receiver<Request>, outbox: &Sender<Reply>) {
        for request in inbox {
            let reply = match request {
                Request::Reset { seed, options } => Reply::Reset(self.reset(seed, &options)),
                Request::SetAgent { choice, seed } => Reply::AgentSet(self.set_agent(choice, seed)),
                Request::Step { human } => Reply::Stepped(self.step(human)),
                Request::RecordTo(dir) => {
                    self.recorder.set_dir(dir);
                    continue;
                }
            };
            if outbox.send(reply).is_err() {
                return;
            }
        }
    }

    fn build_agent(&self, choice: &AgentChoice, seed: u64) -> Result<Box<dyn Agent>, String> {
        let do_nothing = self.env.do_nothing_action();
        Ok(match choice {
            AgentChoice::Human => Box::new(HumanAgent::new(&do_nothing)),
            other => {
                let spaces = Spaces {
                    action: self.env.action_space(),
                    observation: self.env.observation_space(),
                    do_nothing: &do_nothing,
                };
                crate::io::agent_from_spec(&other.spec(), &spaces, seed)
                    .map_err(|e| e.to_string())?
            }
        })
    }

    /// A new agent; in an episode under way, it takes over from the next step (its record
    /// says so).
    fn set_agent(&mut self, choice: AgentChoice, seed: u64) -> Result<(), String> {
        self.agent = self.build_agent(&choice, seed)?;
        if let Some(rollout) = &mut self.rollout {
            rollout.agent_takes_over(Some(choice.spec()));
        }
        self.choice = choice;
        Ok(())
    }

    fn reset(&mut self, seed: u64, options: &ResetOptions) -> Result<Started, String> {
        // A fresh agent, so a random one starts from its seed again. If its file is gone, the
        // episode still starts, with no agent acting rather than the old one, and says so.
        let mut warning = None;
        self.agent = match self.build_agent(&self.choice, seed) {
            Ok(agent) => agent,
            Err(e) => {
                warning = Some(format!("{e}; the agent is now do-nothing"));
                self.choice = AgentChoice::DoNothing;
                self.build_agent(&AgentChoice::DoNothing, seed)?
            }
        };
        let (rollout, record) = Rollout::start(&mut self.env, self.agent.as_mut(), seed, options)
            .map_err(|e| e.to_string())?;
        self.rollout = Some(rollout);
        let header = EpisodeHeader::new(&self.env, &self.choice.spec(), seed, options);
        self.recorder.start(&header, &record);
        Ok(Started {
            header,
            live: self.live(record, Written::default()),
            warning,
        })
    }

    fn step(&mut self, human: Option<Vec<f64>>) -> Live {
        if let (Some(setpoints), AgentChoice::Human) = (human, &self.choice) {
            self.agent = Box::new(HumanAgent { setpoints });
        }
        let record = match &mut self.rollout {
            Some(rollout) => rollout.step(&mut self.env, self.agent.as_mut()).1,
            None => crate::sim::episode::record(&self.env, None, Vec::new(), None),
        };
        let written = self.recorder.record(&record);
        self.live(record, written)
    }

    fn live(&self, record: StepRecord, written: Written) -> Live {
        let feasible_p_mw = (0..self.env.network().devices.len())
            .map(|k| self.env.feasible_p_range_mw(k))
            .collect();
        Live {
            record,
            feasible_p_mw,
            written,
        }
    }
}
