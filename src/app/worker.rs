//! The simulation thread's side of [`super::runner`]: the environment, the run under way (its
//! agent, rollout, way back and recording) and the run a what-if set aside.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};

use super::recordings::{Recorder, Written};
use super::runner::{Feasible, Live, Reply, Request, Started};
use super::session::AgentChoice;
use crate::agent::rollout::{Rollout, VerifyError, resimulate};
use crate::agent::{self, Agent, HumanAgent, Spaces};
use crate::io::{EpisodeReader, EpisodeWriter};
use crate::sim::episode::{EpisodeHeader, StepRecord};
use crate::sim::timeline::Timeline;
use crate::sim::{EnvState, Environment, ResetOptions};

/// The environment and the runs on it.
pub struct Worker {
    env: Environment,
    run: Run,
    /// The run a fork set aside, to be taken up again.
    parked: Option<Parked>,
    recorder: Recorder,
    /// The episode's seed (agents built for a branch derive theirs from it).
    seed: u64,
}

/// One line of an episode: who acts, the loop, and the way back.
struct Run {
    agent: Box<dyn Agent>,
    choice: AgentChoice,
    rollout: Option<Rollout>,
    timeline: Option<Timeline>,
}

/// A run set aside: where the environment was, and its recording.
struct Parked {
    run: Run,
    state: EnvState,
    writer: Option<EpisodeWriter>,
}

impl Worker {
    pub fn new(env: Environment) -> Self {
        let agent = Box::new(agent::DoNothing::new(&env.do_nothing_action()));
        Worker {
            env,
            run: Run {
                agent,
                choice: AgentChoice::DoNothing,
                rollout: None,
                timeline: None,
            },
            parked: None,
            recorder: Recorder::default(),
            seed: 0,
        }
    }

    pub fn serve(mut self, inbox: &Receiver<Request>, outbox: &Sender<Reply>) {
        for request in inbox {
            let reply = match request {
                Request::Reset { seed, options } => Reply::Reset(self.reset(seed, &options)),
                Request::SetAgent { choice, seed } => Reply::AgentSet(self.set_agent(choice, seed)),
                Request::Step { human } => Reply::Stepped(self.step(human)),
                Request::RecordTo(dir) => {
                    self.recorder.set_dir(dir);
                    continue;
                }
                Request::Fork {
                    at,
                    source,
                    agent_at,
                } => Reply::Moved(self.fork(at, source, &agent_at)),
                Request::SwapFuture => Reply::Moved(self.swap_future()),
                Request::TakeOver {
                    file,
                    at,
                    source,
                    agent_at,
                } => Reply::Moved(self.take_over(&file, at, source, &agent_at)),
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
        self.run.agent = self.build_agent(&choice, seed)?;
        if let Some(rollout) = &mut self.run.rollout {
            rollout.agent_takes_over(Some(choice.spec()));
        }
        self.run.choice = choice;
        Ok(())
    }

    fn reset(&mut self, seed: u64, options: &ResetOptions) -> Result<Started, String> {
        // A fresh agent, so a random one starts from its seed again. If its file is gone, the
        // episode still starts, with no agent acting rather than the old one, and says so.
        let mut warning = None;
        self.run.agent = match self.build_agent(&self.run.choice, seed) {
            Ok(agent) => agent,
            Err(e) => {
                warning = Some(format!("{e}; the agent is now do-nothing"));
                self.run.choice = AgentChoice::DoNothing;
                self.build_agent(&AgentChoice::DoNothing, seed)?
            }
        };
        let (rollout, record) =
            Rollout::start(&mut self.env, self.run.agent.as_mut(), seed, options)
                .map_err(|e| e.to_string())?;
        self.run.rollout = Some(rollout);
        self.run.timeline = Some(Timeline::new(&self.env));
        self.seed = seed;
        self.drop_parked();
        let header = EpisodeHeader::new(&self.env, &self.run.choice.spec(), seed, options);
        self.recorder.start(&header, &record);
        Ok(Started {
            header,
            live: self.live(record, Written::default()),
            warning,
        })
    }

    fn step(&mut self, human: Option<Vec<f64>>) -> Live {
        let run = &mut self.run;
        if let (Some(setpoints), AgentChoice::Human) = (human, &run.choice) {
            run.agent = Box::new(HumanAgent { setpoints });
        }
        let record = match &mut run.rollout {
            Some(rollout) => {
                let record = rollout.step(&mut self.env, run.agent.as_mut()).1;
                if let Some(timeline) = &mut run.timeline {
                    timeline.record(&self.env, &record.requested_action);
                }
                record
            }
            None => crate::sim::episode::record(&self.env, None, Vec::new(), None),
        };
        let written = self.recorder.record(&record);
        let mut live = self.live(record, written);
        live.failure = self.run.agent.failure().map(str::to_string);
        live
    }

    /// Goes back to step `at` and runs on from there as a new branch; the run after `at` is
    /// set aside, its recording kept.
    fn fork(
        &mut self,
        at: usize,
        source: Option<(PathBuf, u64)>,
        agent_at: &str,
    ) -> Result<Feasible, String> {
        let timeline = self
            .run
            .timeline
            .as_ref()
            .ok_or("no episode is under way")?;
        let mut branch = timeline.clone();
        let state = self.env.state();
        branch.rewind(&mut self.env, at)?;
        // The branch's agent is new (a random one draws from a seed of its own, so the same
        // what-if gives the same run); the one set aside keeps its own.
        let agent = match self.build_agent(&self.run.choice, branch_seed(self.seed, at)) {
            Ok(agent) => agent,
            Err(e) => {
                self.env.restore(&state);
                return Err(e);
            }
        };
        let choice = self.run.choice.clone();
        let mut rollout = Rollout::resume(&self.env);
        if choice.spec() != agent_at {
            rollout.agent_takes_over(Some(choice.spec()));
        }
        let run = std::mem::replace(
            &mut self.run,
            Run {
                agent,
                choice,
                rollout: Some(rollout),
                timeline: Some(branch),
            },
        );
        let name = self.env.network().name.clone();
        let writer = self.recorder.branch(source, at + 1, &name);
        self.drop_parked();
        self.parked = Some(Parked { run, state, writer });
        Ok(self.feasible())
    }

    /// Takes up the run set aside, setting aside the one under way.
    fn swap_future(&mut self) -> Result<Feasible, String> {
        let parked = self.parked.take().ok_or("no run was set aside")?;
        let state = self.env.state();
        self.env.restore(&parked.state);
        let run = std::mem::replace(&mut self.run, parked.run);
        let writer = self.recorder.park();
        self.recorder.resume(parked.writer);
        self.parked = Some(Parked { run, state, writer });
        Ok(self.feasible())
    }

    /// Replays the episode file up to step `at` (checking every step against it), then goes
    /// on live from there with the agent chosen.
    fn take_over(
        &mut self,
        file: &Path,
        at: usize,
        source: Option<(PathBuf, u64)>,
        agent_at: &str,
    ) -> Result<Feasible, String> {
        let mut reader = EpisodeReader::open(file).map_err(|e| e.to_string())?;
        let header = reader.header.clone();
        let mut timeline: Option<Timeline> = None;
        let steps = (0..=at).map(|i| reader.step(i).map_err(|e| e.to_string()));
        let keep_way_back = |env: &Environment, step: &StepRecord| match &mut timeline {
            Some(t) => t.record(env, &step.requested_action),
            None => timeline = Some(Timeline::new(env)),
        };
        resimulate(&mut self.env, &header, steps, keep_way_back).map_err(|e| match e {
            VerifyError::Diverged(d) => format!(
                "{}: this GridPilot does not give the recorded {d}, so it cannot go on from step {at}",
                file.display()
            ),
            other => format!("{}: {other}", file.display()),
        })?;
        self.seed = header.seed;
        let choice = self.run.choice.clone();
        let agent = self.build_agent(&choice, branch_seed(self.seed, at))?;
        let mut rollout = Rollout::resume(&self.env);
        if choice.spec() != agent_at {
            rollout.agent_takes_over(Some(choice.spec()));
        }
        self.run = Run {
            agent,
            choice,
            rollout: Some(rollout),
            timeline,
        };
        self.drop_parked();
        self.recorder.finish();
        self.recorder.branch(source, at + 1, &header.network.name);
        Ok(self.feasible())
    }

    /// Forgets the run set aside, finishing its recording.
    fn drop_parked(&mut self) {
        if let Some(writer) = self.parked.take().and_then(|p| p.writer) {
            let _ = writer.finish();
        }
    }

    fn feasible(&self) -> Feasible {
        (0..self.env.network().devices.len())
            .map(|k| self.env.feasible_p_range_mw(k))
            .collect()
    }

    fn live(&self, record: StepRecord, written: Written) -> Live {
        Live {
            record,
            feasible_p_mw: self.feasible(),
            written,
            failure: None,
        }
    }
}

/// The seed of an agent built for a branch at step `at`: fixed by the episode's seed and the
/// step, so the same what-if runs the same way.
fn branch_seed(seed: u64, at: usize) -> u64 {
    seed ^ (at as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
