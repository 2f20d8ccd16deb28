//! What the window shows and runs, with no egui in it: the live environment and its agent, or
//! a loaded episode; the episode being recorded; the step on screen; play and speed.
//!
//! Everything on screen reads one [`StepRecord`] — the live run records every step into an
//! [`Episode`] — so the network view, plots and safety panel work the same live and in replay.

use std::path::{Path, PathBuf};

use crate::agent::{self, Agent, HumanAgent, Spaces};
use crate::model::Network;
use crate::sim::episode::{Episode, StepRecord};
use crate::sim::{Component, Environment, ResetOptions, position};

/// Who operates the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentChoice {
    Human,
    DoNothing,
    Random,
    Linear(PathBuf),
    Schedule(PathBuf),
}

impl AgentChoice {
    /// Reads an agent as the command line names it: `human`, `do-nothing`, `random`,
    /// `linear:FILE` or `schedule:FILE`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        match spec.split_once(':') {
            None if spec == "human" => Ok(AgentChoice::Human),
            None if spec == "do-nothing" => Ok(AgentChoice::DoNothing),
            None if spec == "random" => Ok(AgentChoice::Random),
            Some(("linear", file)) => Ok(AgentChoice::Linear(file.into())),
            Some(("schedule", file)) => Ok(AgentChoice::Schedule(file.into())),
            _ => Err(format!(
                "unknown agent '{spec}': expected human, do-nothing, random, linear:POLICY.ron or schedule:ACTIONS.csv"
            )),
        }
    }

    pub fn label(&self) -> String {
        match self {
            AgentChoice::Human => "Human".into(),
            AgentChoice::DoNothing => "Do nothing".into(),
            AgentChoice::Random => "Random".into(),
            AgentChoice::Linear(p) => format!("Linear policy ({})", file_name(p)),
            AgentChoice::Schedule(p) => format!("Schedule ({})", file_name(p)),
        }
    }

    /// The command-line name of the agent, as `gridpilot run --agent` takes it.
    fn spec(&self) -> String {
        match self {
            AgentChoice::Human => "human".into(),
            AgentChoice::DoNothing => "do-nothing".into(),
            AgentChoice::Random => "random".into(),
            AgentChoice::Linear(p) => format!("linear:{}", p.display()),
            AgentChoice::Schedule(p) => format!("schedule:{}", p.display()),
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Whether the session runs the simulator or plays back a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Playback {
    Live,
    Replay,
}

/// Everything the user can do to a run: the run panel, the timeline, the inspector's human
/// controls and the shortcuts all send these, and [`Session::apply`] carries them out.
#[derive(Debug, Clone, PartialEq)]
pub enum RunCommand {
    Reset,
    /// Play if paused, pause if playing.
    TogglePlay,
    Pause,
    Step,
    StepBack,
    Seek(usize),
    SetAgent(AgentChoice),
    SetSpeed(f32),
    SetSeed(u64),
    SetStartTime(usize),
    SetEpisodeLength(usize),
    /// A human operator's setpoint, by action component.
    SetHuman {
        component: String,
        value: f64,
    },
}

/// The session behind the window.
pub struct Session {
    env: Environment,
    agent: Box<dyn Agent>,
    pub agent_choice: AgentChoice,
    /// The setpoints a human operator has chosen, one per action component.
    pub human_action: Vec<f64>,
    pub seed: u64,
    pub start_time_index: usize,
    pub episode_steps: usize,
    pub episode: Episode,
    /// The step on screen (index into `episode.steps`).
    pub cursor: usize,
    pub playback: Playback,
    pub playing: bool,
    pub steps_per_s: f32,
    observation: Vec<f64>,
    since_last_step_s: f32,
    /// Messages for the log tab, newest last.
    pub log: Vec<String>,
}

impl Session {
    /// A live session on a network with a scenario (CSV profiles found in `base_dir`).
    pub fn new(network: Network, base_dir: &Path) -> Result<Self, String> {
        let env = Environment::new(network, base_dir).map_err(|e| e.to_string())?;
        let scenario = env.scenario();
        let episode_steps = scenario.episode_steps.unwrap_or(scenario.steps_per_cycle);
        let start_time_index = scenario.start_time_index;
        let human_action = env.do_nothing_action();
        let agent: Box<dyn Agent> = Box::new(agent::DoNothing::new(&human_action));
        let episode = Episode {
            network: env.initial_network().clone(),
            agent: String::new(),
            seed: 0,
            start_time_index,
            initial_soc_mwh: Vec::new(),
            steps: Vec::new(),
        };
        let mut session = Session {
            env,
            agent,
            agent_choice: AgentChoice::DoNothing,
            human_action,
            seed: 0,
            start_time_index,
            episode_steps,
            episode,
            cursor: 0,
            playback: Playback::Live,
            playing: false,
            steps_per_s: 4.0,
            observation: Vec::new(),
            since_last_step_s: 0.0,
            log: Vec::new(),
        };
        session.reset();
        Ok(session)
    }

    /// A session that plays back a recorded episode.
    pub fn replay(episode: Episode) -> Result<Self, String> {
        let mut session = Session::new(episode.network.clone(), Path::new("."))?;
        session.seed = episode.seed;
        session.start_time_index = episode.start_time_index;
        session.episode_steps = episode.steps.len().saturating_sub(1);
        session.log.push(format!(
            "Replaying {} on {} ({} steps)",
            episode.agent, episode.network.name, session.episode_steps
        ));
        session.episode = episode;
        session.playback = Playback::Replay;
        session.cursor = 0;
        Ok(session)
    }

    pub fn network(&self) -> &Network {
        &self.episode.network
    }

    pub fn action_space(&self) -> &[Component] {
        self.env.action_space()
    }

    /// The state on screen.
    pub fn current(&self) -> &StepRecord {
        &self.episode.steps[self.cursor]
    }

    /// Whether the run has reached its end (episode length, or terminated).
    pub fn finished(&self) -> bool {
        let last = self.episode.steps.last();
        match self.playback {
            Playback::Replay => self.cursor + 1 >= self.episode.steps.len(),
            Playback::Live => {
                last.is_some_and(|s| s.terminated || s.truncated)
                    || self.episode.steps.len() > self.episode_steps
            }
        }
    }

    /// Chooses the operator; files are checked against the spaces now.
    pub fn set_agent(&mut self, choice: AgentChoice) -> Result<(), String> {
        self.agent = match &choice {
            AgentChoice::Human => Box::new(HumanAgent::new(&self.human_action)),
            other => {
                let do_nothing = self.env.do_nothing_action();
                let spaces = Spaces {
                    action: self.env.action_space(),
                    observation: self.env.observation_space(),
                    do_nothing: &do_nothing,
                };
                agent::from_spec(&other.spec(), &spaces, self.seed).map_err(|e| e.to_string())?
            }
        };
        self.log.push(format!("Agent: {}", choice.label()));
        self.agent_choice = choice;
        Ok(())
    }

    /// Carries out what the user asked for.
    pub fn apply(&mut self, command: RunCommand) {
        match command {
            RunCommand::Reset if self.playback == Playback::Live => self.reset(),
            RunCommand::Reset => {}
            RunCommand::TogglePlay => self.playing = !self.playing && !self.finished(),
            RunCommand::Pause => self.playing = false,
            RunCommand::Step => self.step(),
            RunCommand::StepBack => self.seek(self.cursor.saturating_sub(1)),
            RunCommand::Seek(step) => self.seek(step),
            RunCommand::SetAgent(choice) => {
                if let Err(e) = self.set_agent(choice) {
                    self.log.push(e);
                }
            }
            RunCommand::SetSpeed(steps_per_s) => self.steps_per_s = steps_per_s.clamp(0.1, 1000.0),
            RunCommand::SetSeed(seed) => self.seed = seed,
            RunCommand::SetStartTime(index) => {
                self.start_time_index = index.min(self.scenario_cycle().saturating_sub(1));
            }
            RunCommand::SetEpisodeLength(steps) => self.episode_steps = steps.max(1),
            RunCommand::SetHuman { component, value } => self.set_human(&component, value),
        }
    }

    /// Starts a new live episode with the current settings.
    pub fn reset(&mut self) {
        let options = ResetOptions {
            start_time_index: Some(self.start_time_index),
            initial_soc_mwh: Vec::new(),
        };
        match self.env.reset(self.seed, &options) {
            Ok(observation) => self.observation = observation,
            Err(e) => {
                self.log.push(format!("Reset failed: {e}"));
                return;
            }
        }
        // Rebuild the agent so a random agent starts from its seed again.
        if let Err(e) = self.set_agent(self.agent_choice.clone()) {
            self.log.push(e);
            self.agent_choice = AgentChoice::DoNothing;
        }
        self.agent.reset();
        self.human_action = self.env.do_nothing_action();
        self.episode = Episode::start(&self.env, &self.agent_choice.spec(), self.seed, &options);
        self.playback = Playback::Live;
        self.cursor = 0;
        self.playing = false;
    }

    /// One step forward: the agent acts and the simulator steps (live), or the next recorded
    /// step is shown (replay).
    pub fn step(&mut self) {
        if self.playback == Playback::Replay || self.cursor + 1 < self.episode.steps.len() {
            self.cursor = (self.cursor + 1).min(self.episode.steps.len() - 1);
            return;
        }
        if self.finished() {
            self.playing = false;
            return;
        }
        let action = match self.agent_choice {
            AgentChoice::Human => self.human_action.clone(),
            _ => self.agent.act(&self.observation),
        };
        let result = self.env.step(&action);
        self.agent.observe(
            result.reward,
            &result.observation,
            result.terminated || result.truncated,
        );
        self.episode.push(&self.env, &action, &result);
        self.observation = result.observation;
        self.cursor = self.episode.steps.len() - 1;
        if self.finished() {
            self.playing = false;
        }
    }

    /// Advances play by `dt_s` seconds of wall time at the chosen speed.
    pub fn advance(&mut self, dt_s: f32) {
        if !self.playing {
            self.since_last_step_s = 0.0;
            return;
        }
        self.since_last_step_s += dt_s;
        let period = 1.0 / self.steps_per_s.max(0.1);
        // A slow frame runs a few steps, never an unbounded catch-up.
        for _ in 0..8 {
            if self.since_last_step_s < period || !self.playing {
                break;
            }
            self.since_last_step_s -= period;
            self.step();
            if self.playback == Playback::Replay && self.finished() {
                self.playing = false;
            }
        }
    }

    /// Shows a recorded step.
    pub fn seek(&mut self, step: usize) {
        self.cursor = step.min(self.episode.steps.len().saturating_sub(1));
    }

    /// Sets one human setpoint by component name (within its bounds).
    pub fn set_human(&mut self, component: &str, value: f64) {
        if let Some(i) = position(self.env.action_space(), component) {
            let c = &self.env.action_space()[i];
            self.human_action[i] = value.clamp(c.low, c.high);
        }
    }

    /// The active-power range a device can reach now (renewables and storage), in MW.
    pub fn feasible_p_range_mw(&self, device: usize) -> Option<(f64, f64)> {
        self.env.feasible_p_range_mw(device)
    }

    /// A human setpoint by component name.
    pub fn human(&self, component: &str) -> Option<f64> {
        position(self.env.action_space(), component).map(|i| self.human_action[i])
    }

    /// The cumulative reward up to the step on screen.
    pub fn cumulative_reward(&self) -> f64 {
        self.episode.steps[..=self.cursor]
            .iter()
            .map(|s| s.reward)
            .sum()
    }

    pub fn scenario_cycle(&self) -> usize {
        self.env.scenario().steps_per_cycle
    }

    pub fn time_step_h(&self) -> f64 {
        self.env.scenario().time_step_h
    }
}
