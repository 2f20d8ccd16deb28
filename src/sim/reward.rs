//! gym-anm's reward, generalised to any network: energy lost in the grid and in curtailment,
//! plus a λ-weighted penalty on voltage and rating violations, each clipped.

use serde::{Deserialize, Serialize};

use crate::model::{Device, Network, RewardSettings};
use crate::powerflow::PowerFlowResult;

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
    /// The reward: −(energy_term + penalty_term), or the terminal penalty.
    pub total: f64,
}

/// The terms for a solved step. `available_mw` holds each renewable's available power.
pub fn reward_terms(
    settings: &RewardSettings,
    net: &Network,
    result: &PowerFlowResult,
    available_mw: &[f64],
    branch_s_mva: &[f64],
    time_step_h: f64,
) -> RewardTerms {
    let base = net.base_mva;
    let mut injected_mw = 0.0;
    let mut curtailed_mw = 0.0;
    for (k, (dev, out)) in net.devices.iter().zip(&result.devices).enumerate() {
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
    let voltage: f64 = net
        .buses
        .iter()
        .zip(&result.buses)
        .map(|(b, r)| (r.vm_pu - b.vmax_pu).max(0.0) + (b.vmin_pu - r.vm_pu).max(0.0))
        .sum();
    let rating: f64 = net
        .branches
        .iter()
        .zip(branch_s_mva)
        .filter_map(|(b, s)| b.rating_mva.map(|r| (s.abs() - r).max(0.0) / base))
        .sum();
    let penalty_pu_h = time_step_h * (voltage + rating);
    let energy_term = energy_loss_pu_h.clamp(-settings.energy_clip, settings.energy_clip);
    let penalty_term = (settings.penalty_weight * penalty_pu_h).min(settings.penalty_clip);
    RewardTerms {
        energy_loss_pu_h,
        penalty_pu_h,
        energy_term,
        penalty_term,
        total: -(energy_term + penalty_term),
    }
}

/// The reward of a step whose power flow failed: the worst clipped reward for ever after,
/// −penalty_clip / (1 − γ).
pub fn terminal_terms(settings: &RewardSettings, discount: f64) -> RewardTerms {
    RewardTerms {
        total: -settings.penalty_clip / (1.0 - discount),
        ..RewardTerms::default()
    }
}
