//! A step's reward. gym-anm's, generalised to any network: energy lost in the grid and in
//! curtailment, plus a λ-weighted penalty on voltage and rating violations, each clipped. Or
//! what operating the grid cost: generator cost curves, energy bought at a price, ramping, tap
//! wear and violations.

use serde::{Deserialize, Serialize};

use crate::model::{CostReward, Device, Network, RewardKind, RewardSettings};
use crate::powerflow::PowerFlowResult;

/// The costs of a step under the cost reward (all zero under gym-anm's), in the currency of
/// the network's cost curves and prices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CostTerms {
    /// Generators' cost curves over the step.
    pub generation: f64,
    /// Energy bought from external grids at the step's price (negative when sold).
    pub energy: f64,
    /// Changes of active power since the previous step.
    pub ramping: f64,
    /// Tap positions moved.
    pub tap_changes: f64,
    /// Voltage and rating violations.
    pub violations: f64,
}

impl CostTerms {
    pub fn sum(&self) -> f64 {
        self.generation + self.energy + self.ramping + self.tap_changes + self.violations
    }
}

/// What a step's reward depends on besides the solved state.
pub struct StepContext<'a> {
    /// Each renewable's available power (0 for other devices).
    pub available_mw: &'a [f64],
    /// sign(P_from) · max(|S_from|, |S_to|) per branch.
    pub branch_s_mva: &'a [f64],
    pub time_step_h: f64,
    /// The price of energy at this step, per MWh (0 without a price series).
    pub price_per_mwh: f64,
    /// Each device's active power at the previous step.
    pub previous_p_mw: &'a [f64],
    /// Per branch: tap positions its tap changer moved this step (0 without one).
    pub tap_moves: &'a [u32],
}

/// The part of the network a reward counts: the buses marked (a zone's), the devices at them
/// and the branches leaving them. Over zones that cover the network, the rewards before
/// clipping add up to the whole network's.
pub struct Scope<'a> {
    pub buses: &'a [bool],
    /// The bus of each device and the from-bus of each branch, as indices.
    pub device_bus: &'a [usize],
    pub branch_from: &'a [usize],
}

/// Every term of one step's reward.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RewardTerms {
    /// ΔE: energy lost in branches and curtailment, minus energy put into storage (p.u.·h).
    pub energy_loss_pu_h: f64,
    /// Φ: voltage and rating violations integrated over the step (p.u.·h).
    pub penalty_pu_h: f64,
    /// ΔE after clipping.
    pub energy_term: f64,
    /// λ·Φ after clipping.
    pub penalty_term: f64,
    /// The reward: −(energy_term + penalty_term) under gym-anm's reward, −Σ costs / scale
    /// under the cost reward, or the terminal penalty.
    pub total: f64,
    /// Not in this struct's own encoding: episode files store the costs after the step, and
    /// only when the step has any, so files of gym-anm's reward keep their size and files
    /// written before the cost reward still read.
    #[serde(skip)]
    pub costs: CostTerms,
}

/// Whether device `k` counts: always without a scope.
fn device(scope: Option<&Scope>, k: usize) -> bool {
    scope.is_none_or(|s| s.buses[s.device_bus[k]])
}

/// Whether branch `k` counts: always without a scope.
fn branch(scope: Option<&Scope>, k: usize) -> bool {
    scope.is_none_or(|s| s.buses[s.branch_from[k]])
}

/// The terms for a solved step, over the whole network or a `scope` of it.
pub fn reward_terms(
    settings: &RewardSettings,
    net: &Network,
    result: &PowerFlowResult,
    step: &StepContext,
    scope: Option<&Scope>,
) -> RewardTerms {
    let (available_mw, branch_s_mva, time_step_h) =
        (step.available_mw, step.branch_s_mva, step.time_step_h);
    let base = net.base_mva;
    let mut injected_mw = 0.0;
    let mut curtailed_mw = 0.0;
    let devices = net.devices.iter().zip(&result.devices).enumerate();
    for (k, (dev, out)) in devices.filter(|(k, _)| device(scope, *k)) {
        match dev {
            Device::Load(_) => injected_mw -= out.p_mw,
            Device::Generator(_) | Device::ExternalGrid(_) => injected_mw += out.p_mw,
            Device::Renewable(_) => {
                injected_mw += out.p_mw;
                curtailed_mw += (available_mw[k] - out.p_mw).max(0.0);
            }
            Device::Storage(_) | Device::Shunt(_) => {}
        }
    }
    let energy_loss_pu_h = time_step_h * (injected_mw + curtailed_mw) / base;
    let voltage: f64 = (net.buses.iter().zip(&result.buses).enumerate())
        .filter(|(k, _)| scope.is_none_or(|s| s.buses[*k]))
        .map(|(_, (b, r))| (r.vm_pu - b.vmax_pu).max(0.0) + (b.vmin_pu - r.vm_pu).max(0.0))
        .sum();
    let rating: f64 = (net.branches.iter().zip(branch_s_mva).enumerate())
        .filter(|(k, _)| branch(scope, *k))
        .filter_map(|(_, (b, s))| b.rating_mva.map(|r| (s.abs() - r).max(0.0) / base))
        .sum();
    let penalty_pu_h = time_step_h * (voltage + rating);
    if let RewardKind::Cost(cost) = &settings.kind {
        let costs = cost_terms(cost, net, result, step, scope, penalty_pu_h);
        return RewardTerms {
            energy_loss_pu_h,
            penalty_pu_h,
            energy_term: 0.0,
            penalty_term: 0.0,
            total: -costs.sum() / cost.scale,
            costs,
        };
    }
    let energy_term = energy_loss_pu_h.clamp(-settings.energy_clip, settings.energy_clip);
    let penalty_term = (settings.penalty_weight * penalty_pu_h).min(settings.penalty_clip);
    RewardTerms {
        energy_loss_pu_h,
        penalty_pu_h,
        energy_term,
        penalty_term,
        total: -(energy_term + penalty_term),
        costs: CostTerms::default(),
    }
}

/// The costs of a solved step; `penalty_pu_h` is gym-anm's Φ.
fn cost_terms(
    settings: &CostReward,
    net: &Network,
    result: &PowerFlowResult,
    step: &StepContext,
    scope: Option<&Scope>,
    penalty_pu_h: f64,
) -> CostTerms {
    let dt = step.time_step_h;
    let moves: u32 = (step.tap_moves.iter().enumerate())
        .filter(|(k, _)| branch(scope, *k))
        .map(|(_, m)| m)
        .sum();
    let mut costs = CostTerms {
        tap_changes: settings.tap_change_cost * f64::from(moves),
        violations: settings.violation_cost * penalty_pu_h,
        ..CostTerms::default()
    };
    let devices = net
        .devices
        .iter()
        .zip(&result.devices)
        .zip(step.previous_p_mw)
        .enumerate();
    for (_, ((dev, out), previous)) in devices.filter(|(k, _)| device(scope, *k)) {
        let ramps = match dev {
            Device::Generator(g) => {
                if let Some(curve) = g
                    .cost
                    .as_ref()
                    .filter(|_| settings.generator_cost && g.in_service)
                {
                    costs.generation += dt * curve.per_hour(out.p_mw);
                }
                true
            }
            Device::ExternalGrid(_) => {
                costs.energy += dt * step.price_per_mwh * out.p_mw;
                true
            }
            Device::Storage(_) => true,
            Device::Load(_) | Device::Renewable(_) | Device::Shunt(_) => false,
        };
        if ramps {
            costs.ramping += settings.ramp_cost_per_mw * (out.p_mw - previous).abs();
        }
    }
    costs
}

/// The reward of a step whose power flow failed: the worst clipped reward for ever after,
/// −penalty_clip / (1 − γ).
pub fn terminal_terms(settings: &RewardSettings, discount: f64) -> RewardTerms {
    RewardTerms {
        total: -settings.penalty_clip / (1.0 - discount),
        ..RewardTerms::default()
    }
}
