//! An episode's time series as CSV, one row per step, for spreadsheets and papers.
//!
//! Written a row at a time, so an episode of any length is exported without holding it.

use std::fmt::Write as _;

use crate::model::{Device, Network};
use crate::sim::episode::StepRecord;

/// The header row: step, time index and reward terms, then bus voltages, branch flows and
/// loadings, device P and Q and storage state of charge, one column each.
pub fn episode_csv_header(net: &Network) -> String {
    let mut header: Vec<String> = [
        "step",
        "time_index",
        "reward",
        "energy_term",
        "penalty_term",
    ]
    .map(String::from)
    .into();
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
    let mut text = header
        .iter()
        .map(|h| quoted(h))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    text
}

/// One step's row, appended to `out`.
pub fn episode_csv_row(s: &StepRecord, out: &mut String) {
    let t = &s.reward_terms;
    let _ = write!(
        out,
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
        let _ = write!(out, ",{v}");
    }
    out.push('\n');
}

/// A header cell, quoted when an element's name holds a comma, a quote or a line break.
fn quoted(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}
