//! Going back to any step of an episode: the environment's state saved every few steps and the
//! actions asked for since, so the environment is put back at step k exactly — the last saved
//! state at or before k is restored, then the recorded actions are stepped again. Saved states
//! thin out as the episode grows (at most [`MOST_SAVED`]), so memory stays bounded and going
//! back costs at most one interval of steps.

use super::env::{EnvState, Environment};

/// Saved states kept at most; past that, every other one goes and the interval doubles.
pub const MOST_SAVED: usize = 64;

/// The way back through an episode under way.
#[derive(Clone)]
pub struct Timeline {
    /// Saved states, oldest first, on multiples of `interval`.
    saved: Vec<EnvState>,
    interval: usize,
    /// The actions asked for at steps 1, 2, …, `width` values each, one after another.
    actions: Vec<f64>,
    width: usize,
}

impl Timeline {
    /// A timeline starting at the state `env` is in now (just reset).
    pub fn new(env: &Environment) -> Self {
        Timeline {
            saved: vec![env.state()],
            interval: 1,
            actions: Vec::new(),
            width: env.action_space().len(),
        }
    }

    /// The last step recorded.
    pub fn last_step(&self) -> usize {
        self.first_step() + self.actions.len() / self.width.max(1)
    }

    fn first_step(&self) -> usize {
        self.saved[0].step()
    }

    /// Records the step `env` has just taken with `requested` (the action as asked for).
    pub fn record(&mut self, env: &Environment, requested: &[f64]) {
        if env.steps_taken() != self.last_step() + 1 {
            // A finished episode does not move: nothing to record.
            return;
        }
        let start = self.actions.len();
        self.actions.extend_from_slice(requested);
        // Actions of another length (never from the rollout) are padded or cut to keep the
        // layout; stepping clips them anyway.
        self.actions.resize(start + self.width, 0.0);
        if env.steps_taken().is_multiple_of(self.interval) {
            self.saved.push(env.state());
            if self.saved.len() > MOST_SAVED {
                self.thin();
            }
        }
    }

    /// Keeps the saved states on multiples of twice the interval.
    fn thin(&mut self) {
        self.interval *= 2;
        let interval = self.interval;
        let first = self.first_step();
        self.saved
            .retain(|s| s.step() == first || s.step().is_multiple_of(interval));
    }

    /// Puts `env` at `step` (at most the last step recorded) and forgets what came after.
    pub fn rewind(&mut self, env: &mut Environment, step: usize) -> Result<(), String> {
        if step < self.first_step() || step > self.last_step() {
            return Err(format!(
                "step {step} is not in this episode ({}..={})",
                self.first_step(),
                self.last_step()
            ));
        }
        self.saved.retain(|s| s.step() <= step);
        let from = self.saved.last().expect("the first state is always kept");
        env.restore(from);
        for k in from.step() + 1..=step {
            let at = (k - 1 - self.first_step()) * self.width;
            env.step(&self.actions[at..at + self.width]);
        }
        self.actions
            .truncate((step - self.first_step()) * self.width);
        Ok(())
    }
}
