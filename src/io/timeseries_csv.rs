//! An episode's time series as CSV, one row per step, for spreadsheets and papers.

use std::fmt::Write as _;

use crate::model::Device;
use crate::sim::episode::Episode;

/// The episode as CSV text: step, time index and reward terms, then bus voltages, branch
/// flows and loadings, device P and Q and storage state of charge, one column each.
pub fn episode_csv(episode: &Episode) -> String {
    let net = &episode.network;
    let mut header = vec![
        "step",
        "time_index",
        "reward",
        "energy_term",
        "penalty_term",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    header.extend(net.buses.iter().map(|b| format!("{}.vm_pu", b.name)));
    header.extend(net.branches.iter().map(|b| format!("{}.s_mva", b.name)));
    header.extend(net.devices.iter().map(|d| format!("{}.p_mw", d.name())));
    header.extend(net.devices.iter().map(|d| format!("{}.q_mvar", d.name())));
    header.extend(
        net.devices
            .iter()
            .filter(|d| matches!(d, Device::Storage(_)))
            .map(|d| format!("{}.soc_mwh", d.name())),
    );
    let mut text = header.join(",");
    text.push('\n');
    for s in &episode.steps {
        let t = &s.reward_terms;
        let _ = write!(
            text,
            "{},{},{},{},{}",
            s.step, s.time_index, s.reward, t.energy_term, t.penalty_term
        );
        let values = s
            .bus_vm_pu
            .iter()
            .chain(&s.branch_s_mva)
            .chain(&s.device_p_mw)
            .chain(&s.device_q_mvar)
            .chain(&s.soc_mwh);
        for v in values {
            let _ = write!(text, ",{v}");
        }
        text.push('\n');
    }
    text
}
