//! An episode's time series as CSV, one row per step, for spreadsheets and papers.
//!
//! Written a row at a time, so an episode of any length is exported without holding it. A
//! value the step has not got (the voltages of a step whose power flow failed, the actions of
//! step 0) is an empty cell.

use std::fmt::Write as _;

use crate::model::{Device, Network};
use crate::sim::Component;
use crate::sim::episode::StepRecord;

/// The header row: the step and its outcome, the reward and its terms, the actions asked for
/// and applied, bus voltages, branch flows, device P and Q, storage state of charge, and the
/// step's violations.
pub fn episode_csv_header(net: &Network, actions: &[Component]) -> String {
    let mut header: Vec<String> = [
        "step",
        "time_index",
        "converged",
        "terminated",
        "truncated",
        "reward",
        "energy_loss_pu_h",
        "penalty_pu_h",
        "energy_term",
        "penalty_term",
        "cost_generation",
        "cost_energy",
        "cost_ramping",
        "cost_tap_changes",
        "cost_violations",
    ]
    .map(String::from)
    .into();
    header.extend(actions.iter().map(|c| format!("requested.{}", c.name)));
    header.extend(actions.iter().map(|c| format!("applied.{}", c.name)));
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
    header.push("violations".to_string());
    let mut text = header
        .iter()
        .map(|h| quoted(h))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    text
}

/// One step's row, appended to `out`, with `actions` components in each action group.
pub fn episode_csv_row(s: &StepRecord, actions: usize, out: &mut String) {
    let (t, c) = (&s.reward_terms, &s.reward_terms.costs);
    let _ = write!(
        out,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        s.step,
        s.time_index,
        s.converged,
        s.terminated,
        s.truncated,
        s.reward,
        t.energy_loss_pu_h,
        t.penalty_pu_h,
        t.energy_term,
        t.penalty_term,
        c.generation,
        c.energy,
        c.ramping,
        c.tap_changes,
        c.violations
    );
    let requested = (0..actions).map(|i| s.requested_action.get(i).copied());
    let applied = (0..actions).map(|i| s.applied_action.get(i).copied());
    let values = s
        .bus_vm_pu
        .iter()
        .chain(&s.branch_s_mva)
        .chain(&s.device_p_mw)
        .chain(&s.device_q_mvar)
        .chain(&s.soc_mwh)
        .map(|&v| Some(v));
    for v in requested.chain(applied).chain(values) {
        out.push(',');
        if let Some(v) = v.filter(|v| v.is_finite()) {
            let _ = write!(out, "{v}");
        }
    }
    let violations: Vec<String> = s
        .violations
        .iter()
        .map(|v| {
            format!("{} {}", v.kind.label(), v.element)
                .trim_end()
                .to_string()
        })
        .collect();
    out.push(',');
    out.push_str(&quoted(&violations.join("; ")));
    out.push('\n');
}

/// A cell, quoted when it holds a comma, a quote or a line break (an element's name may).
fn quoted(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}
