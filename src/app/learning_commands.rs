//! The Train and Compare tabs' commands, carried out with the others at the end of the frame.

use std::path::{Path, PathBuf};

use super::GridPilotApp;
use super::command::Command;
use super::learning::{Comparison, Fitting, Training};
use super::session::{AgentChoice, RunCommand};

impl GridPilotApp {
    /// Carries out a learning command; hands any other back.
    pub(super) fn apply_learning_command(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::StartTraining(settings) => {
                let session = self.project.session()?;
                self.learning.training = Some(Training::start(session.network(), settings));
                self.log
                    .push(format!("Training on {}", session.network().name));
            }
            Command::PauseTraining(pause) => {
                if let Some(t) = &self.learning.training {
                    t.set_paused(pause);
                }
            }
            Command::StopTraining => {
                if let Some(t) = &self.learning.training {
                    t.stop();
                }
            }
            Command::FitEpisode => self.fit_episode(),
            Command::PlayPolicy => match self.policy_file() {
                Ok(file) => {
                    let choice = AgentChoice::Linear(file);
                    self.commands
                        .push(Command::Run(RunCommand::SetAgent(choice)));
                }
                Err(why) => self.notify(why),
            },
            Command::Compare {
                mut agents,
                policy,
                settings,
            } => {
                if policy {
                    match self.policy_file() {
                        Ok(file) => agents.push(AgentChoice::Linear(file).spec()),
                        Err(why) => {
                            self.notify(why);
                            return None;
                        }
                    }
                }
                if agents.is_empty() {
                    self.notify("Choose at least one agent to compare".to_string());
                } else if let Some(session) = self.project.session() {
                    let network = session.network();
                    self.learning.comparison = Some(Comparison::start(network, agents, settings));
                }
            }
            Command::CancelComparison => {
                if let Some(c) = &self.learning.comparison {
                    c.cancel();
                }
            }
            other => return Some(other),
        }
        None
    }

    /// Where the window keeps policies it trained or fitted.
    fn policies_dir(&self) -> PathBuf {
        self.autosave.data_dir().join("policies")
    }

    fn policy_file(&mut self) -> Result<PathBuf, String> {
        let dir = self.policies_dir();
        let name = self.network().name.clone();
        self.learning.policy_file(&dir, &name)
    }

    /// Writes the episode on screen where a fit can read it, and fits a policy to it.
    fn fit_episode(&mut self) {
        let Some(session) = self.project.session() else {
            return;
        };
        if session.history.len() < 3 {
            self.notify("Play some steps first: the fit needs the actions of an episode".into());
            return;
        }
        let file = self.policies_dir().join("episode-to-fit.episode");
        let saved =
            std::fs::create_dir_all(self.policies_dir()).and_then(|()| session.history.save(&file));
        match saved {
            Ok(()) => self.learning.fitting = Some(Fitting::start(file)),
            Err(e) => self.notify(format!("Cannot fit a policy: {}: {e}", file.display())),
        }
    }

    /// Saves the policy at hand where the user asked.
    pub(super) fn save_policy(&mut self, path: &Path) {
        let Some(at_hand) = &self.learning.policy else {
            return;
        };
        let saved = crate::io::save_linear_policy(&at_hand.policy, &at_hand.origin, path);
        self.notify(match saved {
            Ok(()) => format!("Saved the policy to {}", path.display()),
            Err(e) => format!("Cannot save the policy: {}: {e}", path.display()),
        });
    }
}
