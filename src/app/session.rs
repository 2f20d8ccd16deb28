//! What the window shows and runs, with no egui in it: the live run (its environment and agent
//! step on a thread of their own, [`super::runner`]) or a loaded episode; the episode being
//! recorded; the step on screen; play and speed.
//!
//! Everything on screen reads the [`History`] — the live run records every step into one, and
//! a replay opens its file as one — so the network view, plots and safety panel work the same
//! live and in replay.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::history::History;
use super::runner::{Live, Reply, Runner, Spec};
use crate::model::Network;
use crate::sim::episode::StepRecord;
use crate::sim::{Component, ResetOptions, position};

/// Who operates the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentChoice {
    Human,
    DoNothing,
    Random,
    Linear(PathBuf),
    Schedule(PathBuf),
    /// A policy served over HTTP at this address.
    Remote(String),
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
            Some(("remote", address)) => Ok(AgentChoice::Remote(address.into())),
            _ => Err(format!(
                "unknown agent '{spec}': expected human, do-nothing, random, linear:POLICY.ron, schedule:ACTIONS.csv or remote:http://HOST:PORT"
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
            AgentChoice::Remote(address) => format!("Remote policy ({address})"),
        }
    }

    /// The command-line name of the agent, as `gridpilot run --agent` takes it.
    pub fn spec(&self) -> String {
        match self {
            AgentChoice::Human => "human".into(),
            AgentChoice::DoNothing => "do-nothing".into(),
            AgentChoice::Random => "random".into(),
            AgentChoice::Linear(p) => format!("linear:{}", p.display()),
            AgentChoice::Schedule(p) => format!("schedule:{}", p.display()),
            AgentChoice::Remote(address) => format!("remote:{address}"),
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
    /// Takes up the steps a what-if set aside (and sets the what-if aside).
    SwapFuture,
    /// From a replay, goes on live from the step on screen.
    TakeOver,
}

/// How long a frame waits for a step it asked for before drawing without it: a step of a
/// small network is shown in the frame that asked for it, a large one a frame or more later.
const STEP_PATIENCE: Duration = Duration::from_millis(4);

/// The session behind the window.
pub struct Session {
    runner: Runner,
    spec: Spec,
    pub agent_choice: AgentChoice,
    /// The setpoints a human operator has chosen, one per action component.
    pub human_action: Vec<f64>,
    pub seed: u64,
    pub start_time_index: usize,
    pub episode_steps: usize,
    pub history: History,
    /// The step on screen (an index into the history).
    pub cursor: usize,
    pub playback: Playback,
    pub playing: bool,
    pub steps_per_s: f32,
    /// Per device, the active-power range reachable at the next live step.
    feasible_p_mw: Vec<Option<(f64, f64)>>,
    /// How long a frame waits for a step it asked for.
    patience: Duration,
    since_last_step_s: f32,
    /// Messages for the log tab, newest last.
    pub log: Vec<String>,
    /// The user changed a setpoint or the agent while looking at an earlier step of the live
    /// run: stepping from there starts a what-if.
    fork_pending: bool,
    /// An agent chosen at an earlier step, to act from the step the run goes on from.
    pending_agent: Option<AgentChoice>,
    /// Steps asked for while the simulation thread was busy, taken one at a time as it frees:
    /// each click on Step is a step, however quick the clicks.
    steps_asked: u32,
    /// The steps a what-if set aside, to be taken up again.
    pub discarded: Option<History>,
}

impl Session {
    /// A live session on a network with a scenario (CSV profiles found in `base_dir`).
    pub fn new(network: Network, base_dir: &Path) -> Result<Self, String> {
        let (mut runner, spec) = Runner::start(network, base_dir.to_path_buf())?;
        let scenario = &spec.scenario;
        let episode_steps = scenario.episode_steps.unwrap_or(scenario.steps_per_cycle);
        let start_time_index = scenario.start_time_index;
        let options = ResetOptions {
            start_time_index: Some(start_time_index),
            initial_soc_mwh: Vec::new(),
        };
        let started = runner.reset(0, options)?;
        let mut session = Session {
            runner,
            human_action: spec.do_nothing.clone(),
            spec,
            agent_choice: AgentChoice::DoNothing,
            seed: 0,
            start_time_index,
            episode_steps,
            history: History::new(started.header, started.live.record),
            cursor: 0,
            playback: Playback::Live,
            playing: false,
            steps_per_s: 4.0,
            feasible_p_mw: started.live.feasible_p_mw,
            patience: STEP_PATIENCE,
            since_last_step_s: 0.0,
            log: Vec::new(),
            fork_pending: false,
            pending_agent: None,
            steps_asked: 0,
            discarded: None,
        };
        session.log_agent();
        Ok(session)
    }

    /// A session that plays back a recorded episode.
    pub fn replay(history: History) -> Result<Self, String> {
        let mut session = Session::new(history.network().clone(), Path::new("."))?;
        session.seed = history.header.seed;
        session.start_time_index = history.header.start_time_index;
        session.episode_steps = history.len().saturating_sub(1);
        session.log.push(format!(
            "Replaying {} on {} ({} steps)",
            history.header.agent,
            history.network().name,
            session.episode_steps
        ));
        session.history = history;
        session.playback = Playback::Replay;
        session.cursor = 0;
        Ok(session)
    }

    /// Waits up to `patience` for each step asked for before the frame goes on (tests ask for
    /// as long as a step takes, to see every step in the frame that asked for it).
    pub fn set_patience(&mut self, patience: Duration) {
        self.patience = patience;
    }

    /// Records live episodes in `dir` from their first step (none: keeps them in memory).
    pub fn record_to(&mut self, dir: Option<PathBuf>) {
        if let Err(e) = self.runner.record_to(dir) {
            self.log.push(e);
        }
    }

    pub fn network(&self) -> &Network {
        self.history.network()
    }

    pub fn action_space(&self) -> &[Component] {
        &self.spec.action_space
    }

    /// The state on screen.
    pub fn current(&self) -> &StepRecord {
        // Moving the cursor loads its record; the last one is always at hand.
        self.history
            .get(self.cursor)
            .unwrap_or_else(|| self.history.last())
    }

    /// Who acted at the step on screen.
    /// The time of the step on screen: "Day 2, 08:15" (days counted from the episode's start).
    pub fn clock_label(&self) -> String {
        let state = self.current();
        let hours = state.time_index as f64 * self.time_step_h();
        let day = 1 + (state.step as f64 * self.time_step_h() / 24.0).floor() as usize;
        let minutes = (((hours % 24.0) * 60.0).round() as usize) % (24 * 60);
        format!("Day {day}, {:02}:{:02}", minutes / 60, minutes % 60)
    }

    pub fn agent_on_screen(&self) -> &str {
        self.history.agent_at(self.cursor)
    }

    /// Whether the run has reached its end (episode length, or terminated).
    pub fn finished(&self) -> bool {
        let steps = self.history.len();
        match self.playback {
            Playback::Replay => self.cursor + 1 >= steps,
            Playback::Live => {
                let last = self.history.last();
                last.terminated || last.truncated || steps > self.episode_steps
            }
        }
    }

    /// Chooses the operator; files are checked against the spaces now. In a run under way the
    /// new agent acts from the next step, and the recording says so.
    /// At an earlier step of a live run, the agent acts from the step the run goes on from
    /// (a what-if); files are checked then.
    pub fn set_agent(&mut self, choice: AgentChoice) -> Result<(), String> {
        if self.viewing_the_past() {
            self.pending_agent = Some(choice.clone());
            self.fork_pending = true;
        } else {
            self.settle();
            self.runner.set_agent(choice.clone(), self.seed)?;
        }
        self.agent_choice = choice;
        self.log_agent();
        Ok(())
    }

    /// Whether the screen shows an earlier step of the live run.
    fn viewing_the_past(&self) -> bool {
        self.playback == Playback::Live && self.cursor + 1 < self.history.len()
    }

    fn log_agent(&mut self) {
        self.log
            .push(format!("Agent: {}", self.agent_choice.label()));
    }

    /// Carries out what the user asked for.
    pub fn apply(&mut self, command: RunCommand) {
        // Steps asked for earlier are not wanted after the run is moved some other way.
        if matches!(
            command,
            RunCommand::Reset
                | RunCommand::TogglePlay
                | RunCommand::Pause
                | RunCommand::StepBack
                | RunCommand::Seek(_)
                | RunCommand::SetAgent(_)
                | RunCommand::SwapFuture
                | RunCommand::TakeOver
        ) {
            self.steps_asked = 0;
        }
        match command {
            RunCommand::Reset if self.playback == Playback::Live => self.reset(),
            RunCommand::Reset => {}
            RunCommand::TogglePlay => self.playing = !self.playing && !self.finished(),
            RunCommand::Pause => self.playing = false,
            RunCommand::Step => {
                if !self.step() && !self.playing {
                    self.steps_asked = self.steps_asked.saturating_add(1);
                }
            }
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
            RunCommand::SwapFuture => self.swap_future(),
            RunCommand::TakeOver => self.take_over(),
        }
    }

    /// Starts a new live episode with the current settings.
    pub fn reset(&mut self) {
        self.settle();
        self.fork_pending = false;
        self.discarded = None;
        if let Some(choice) = self.pending_agent.take()
            && let Err(e) = self.runner.set_agent(choice, self.seed)
        {
            self.log.push(e);
        }
        let options = ResetOptions {
            start_time_index: Some(self.start_time_index),
            initial_soc_mwh: Vec::new(),
        };
        match self.runner.reset(self.seed, options) {
            Ok(started) => {
                self.log.extend(started.warning);
                self.agent_choice =
                    AgentChoice::parse(&started.header.agent).unwrap_or(AgentChoice::DoNothing);
                self.feasible_p_mw = started.live.feasible_p_mw;
                self.history = History::new(started.header, started.live.record);
            }
            Err(e) => {
                self.log.push(format!("Reset failed: {e}"));
                return;
            }
        }
        self.human_action.clone_from(&self.spec.do_nothing);
        self.playback = Playback::Live;
        self.cursor = 0;
        self.playing = false;
    }

    /// One step forward: the agent acts and the simulator steps (live), or the next recorded
    /// step is shown (replay). A live step runs on the simulation thread; it shows as soon as
    /// it is done. False when the simulation thread was busy and nothing was done.
    pub fn step(&mut self) -> bool {
        let branching = self.fork_pending && self.viewing_the_past();
        if self.playback == Playback::Replay || (self.viewing_the_past() && !branching) {
            self.seek(self.cursor + 1);
            return true;
        }
        if branching && let Err(e) = self.fork() {
            self.log.push(format!(
                "Cannot run a what-if from step {}: {e}",
                self.cursor
            ));
            self.playing = false;
            return true;
        }
        self.fork_pending = false;
        if let Some(choice) = self.pending_agent.take()
            && let Err(e) = self.runner.set_agent(choice, self.seed)
        {
            self.log.push(e);
            self.playing = false;
            return true;
        }
        if self.finished() {
            self.playing = false;
            return true;
        }
        if self.runner.busy() {
            return false;
        }
        let human = (self.agent_choice == AgentChoice::Human).then(|| self.human_action.clone());
        if let Err(e) = self.runner.request_step(human) {
            self.log.push(e);
            self.playing = false;
            return true;
        }
        self.poll(self.patience);
        true
    }

    /// Goes back to the step on screen to run on from there: the steps after it are set
    /// aside (one set at a time) and the recording becomes the new branch.
    fn fork(&mut self) -> Result<(), String> {
        self.settle();
        let at = self.cursor;
        let source = self.history.prefix_on_disk(at);
        let agent_at = self.history.agent_at(at).to_string();
        let branch = self.history.branch(at)?;
        self.feasible_p_mw = self.runner.fork(at, source, agent_at)?;
        let set_aside = std::mem::replace(&mut self.history, branch);
        self.log.push(format!(
            "What if: running on from step {at}; the {} steps after it are set aside (Restore brings them back)",
            set_aside.len() - 1 - at
        ));
        self.discarded = Some(set_aside);
        Ok(())
    }

    /// Takes up the steps a what-if set aside, setting aside the what-if's.
    pub fn swap_future(&mut self) {
        let Some(other) = self.discarded.take() else {
            return;
        };
        self.settle();
        match self.runner.swap_future() {
            Ok(feasible) => {
                self.feasible_p_mw = feasible;
                let what_if = std::mem::replace(&mut self.history, other);
                self.log.push(format!(
                    "Restored the run set aside ({} steps); the what-if ({} steps) is set aside",
                    self.history.len() - 1,
                    what_if.len() - 1
                ));
                self.discarded = Some(what_if);
                self.fork_pending = false;
                self.playing = false;
                self.seek(self.cursor);
            }
            Err(e) => {
                self.log
                    .push(format!("Cannot restore the run set aside: {e}"));
                self.discarded = Some(other);
            }
        }
    }

    /// From a replayed episode, goes on live from the step on screen with the agent chosen.
    pub fn take_over(&mut self) {
        if self.playback != Playback::Replay {
            return;
        }
        let Some(file) = self.history.source().map(Path::to_path_buf) else {
            self.log
                .push("Cannot take over: this episode has no file".to_string());
            return;
        };
        self.settle();
        let at = self.cursor;
        let source = self.history.prefix_on_disk(at);
        let agent_at = self.history.agent_at(at).to_string();
        let result = self.history.branch(at).and_then(|branch| {
            let feasible = self.runner.take_over(file, at, source, agent_at)?;
            Ok((branch, feasible))
        });
        match result {
            Ok((branch, feasible)) => {
                self.history = branch;
                self.feasible_p_mw = feasible;
                self.playback = Playback::Live;
                self.discarded = None;
                let default_length = self.spec.scenario.episode_steps;
                self.episode_steps = self
                    .episode_steps
                    .max(default_length.unwrap_or(self.scenario_cycle()));
                self.log.push(format!(
                    "Took over at step {at}: {} operates from here",
                    self.agent_choice.label()
                ));
            }
            Err(e) => {
                self.log.push(format!("Cannot take over: {e}"));
            }
        }
        self.playing = false;
    }

    /// Takes in a step the simulation thread finished, waiting at most `patience` for it.
    pub fn poll(&mut self, patience: Duration) {
        if !self.runner.busy() {
            return;
        }
        match self.runner.wait(patience) {
            Ok(Reply::Stepped(live)) => self.stepped(live),
            Ok(_) => self
                .log
                .push("the simulation thread answered out of turn".to_string()),
            Err(_) => {}
        }
    }

    /// Waits for any step under way.
    pub fn settle(&mut self) {
        while self.runner.busy() {
            self.poll(Duration::from_secs(600));
        }
    }

    fn stepped(&mut self, live: Live) {
        let at_end = self.cursor + 1 == self.history.len();
        self.feasible_p_mw = live.feasible_p_mw;
        self.history.push(live.record);
        let written = live.written;
        if let Some(path) = written.began {
            match std::fs::File::open(&path) {
                Ok(file) => {
                    self.log.push(format!("Recording to {}", path.display()));
                    self.history.record_to(path, file);
                }
                Err(e) => self.log.push(format!(
                    "{}: cannot read the recording back: {e}; the episode is kept in memory",
                    path.display()
                )),
            }
        }
        for (step, frame) in written.frames {
            self.history.written(step, frame);
        }
        self.log.extend(written.warning);
        if let Some(why) = live.failure {
            // The agent could not choose this step's action (it did nothing): stop and say so.
            self.log.push(format!(
                "{why}; the step was taken doing nothing, and play stopped"
            ));
            self.playing = false;
        }
        if at_end {
            self.cursor = self.history.len() - 1;
        }
        if self.finished() {
            self.playing = false;
        }
    }

    /// Advances play by `dt_s` seconds of wall time at the chosen speed, and takes in steps
    /// done since the last frame.
    pub fn advance(&mut self, dt_s: f32) {
        self.poll(Duration::ZERO);
        if self.steps_asked > 0 && !self.playing && !self.runner.busy() && self.step() {
            self.steps_asked -= 1;
        }
        if !self.playing {
            self.since_last_step_s = 0.0;
            return;
        }
        self.since_last_step_s += dt_s;
        let period = 1.0 / self.steps_per_s.max(0.1);
        // A slow frame runs a few steps, never an unbounded catch-up.
        for _ in 0..8 {
            if self.since_last_step_s < period || !self.playing || self.runner.busy() {
                break;
            }
            self.since_last_step_s -= period;
            self.step();
            if self.playback == Playback::Replay && self.finished() {
                self.playing = false;
            }
        }
        // A slow simulation sets the pace: time waiting for it is not owed steps.
        if self.runner.busy() {
            self.since_last_step_s = self.since_last_step_s.min(period);
        }
    }

    /// Whether a live step is being computed.
    pub fn stepping(&self) -> bool {
        self.runner.busy()
    }

    /// Whether a step is being computed or asked for: the window must look again soon.
    pub fn waiting(&self) -> bool {
        self.runner.busy() || self.steps_asked > 0
    }

    /// Shows a recorded step (read back from the recording if need be).
    pub fn seek(&mut self, step: usize) {
        let step = step.min(self.history.len() - 1);
        match self.history.load(step) {
            Ok(()) => self.cursor = step,
            Err(e) => {
                self.log.push(format!("Cannot show step {step}: {e}"));
                self.playing = false;
            }
        }
    }

    /// Sets one human setpoint by component name (within its bounds).
    pub fn set_human(&mut self, component: &str, value: f64) {
        if let Some(i) = position(&self.spec.action_space, component) {
            let c = &self.spec.action_space[i];
            self.human_action[i] = value.clamp(c.low, c.high);
            self.fork_pending |= self.viewing_the_past();
        }
    }

    /// The active-power range a device can reach at the next step (renewables and storage),
    /// in MW.
    pub fn feasible_p_range_mw(&self, device: usize) -> Option<(f64, f64)> {
        self.feasible_p_mw.get(device).copied().flatten()
    }

    /// A human setpoint by component name.
    pub fn human(&self, component: &str) -> Option<f64> {
        position(&self.spec.action_space, component).map(|i| self.human_action[i])
    }

    /// The cumulative reward up to the step on screen.
    pub fn cumulative_reward(&self) -> f64 {
        self.history.summaries()[self.cursor].cumulative_reward
    }

    pub fn scenario_cycle(&self) -> usize {
        self.spec.scenario.steps_per_cycle
    }

    pub fn time_step_h(&self) -> f64 {
        self.spec.scenario.time_step_h
    }
}
