//! Overload protection as Grid2Op models it: a branch above 100 % of its rating trips after a
//! number of consecutive overloaded steps, or at once above a hard limit; it stays out for a
//! cooldown and then recloses. Trips cascade within the step until nothing more trips.

use crate::model::{Network, Protection};
use crate::powerflow::PowerFlowResult;

/// Per-branch counters carried from step to step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProtectionState {
    /// Consecutive steps each branch has ended above 100 %.
    overloaded_steps: Vec<u32>,
    /// Steps left before a tripped branch recloses (0: not tripped by protection).
    cooldown: Vec<u32>,
}

/// A branch that protection opened, and the loading that tripped it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trip {
    pub branch: usize,
    pub loading_pct: f64,
}

impl ProtectionState {
    pub fn new(branches: usize) -> Self {
        ProtectionState {
            overloaded_steps: vec![0; branches],
            cooldown: vec![0; branches],
        }
    }

    /// Counts down the cooldowns and recloses the branches whose cooldown ended; returns them.
    pub fn reclose(&mut self, net: &mut Network) -> Vec<usize> {
        let mut reclosed = Vec::new();
        for (k, left) in self.cooldown.iter_mut().enumerate() {
            if *left > 0 {
                *left -= 1;
                if *left == 0 {
                    net.branches[k].in_service = true;
                    reclosed.push(k);
                }
            }
        }
        reclosed
    }

    /// The branches that trip on this solution: above the hard limit, or overloaded for the
    /// configured number of consecutive steps (this one included). Opens them.
    pub fn trip(
        &mut self,
        settings: &Protection,
        net: &mut Network,
        result: &PowerFlowResult,
    ) -> Vec<Trip> {
        let mut trips = Vec::new();
        for (k, (branch, r)) in net.branches.iter_mut().zip(&result.branches).enumerate() {
            let Some(pct) = r.loading_pct.filter(|_| branch.in_service) else {
                continue;
            };
            let sustained = pct > 100.0 && self.overloaded_steps[k] + 1 >= settings.overload_steps;
            if pct > settings.hard_limit_pct || sustained {
                branch.in_service = false;
                self.overloaded_steps[k] = 0;
                self.cooldown[k] = settings.cooldown_steps.max(1);
                trips.push(Trip {
                    branch: k,
                    loading_pct: pct,
                });
            }
        }
        trips
    }

    /// Updates the overload counters from the step's final solution.
    pub fn count(&mut self, net: &Network, result: &PowerFlowResult) {
        for (k, (branch, r)) in net.branches.iter().zip(&result.branches).enumerate() {
            let overloaded = branch.in_service && r.loading_pct.is_some_and(|p| p > 100.0);
            self.overloaded_steps[k] = if overloaded {
                self.overloaded_steps[k] + 1
            } else {
                0
            };
        }
    }
}
