//! `gridpilot pf`: one power flow, printed as a readable summary or as JSON.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::{Value, json};

use gridpilot::model::Network;
use gridpilot::powerflow::{PowerFlowResult, Start};

/// Networks up to this many buses get full tables in the summary.
const FULL_TABLE_BUSES: usize = 100;

#[derive(Debug, Args)]
pub struct PfArgs {
    /// A GridPilot network (.ron) or a MATPOWER case (.m).
    file: PathBuf,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    json: bool,
    /// Print every bus and branch even for large networks.
    #[arg(long)]
    full: bool,
    #[command(flatten)]
    solve: super::SolveArgs,
}

pub fn run(args: &PfArgs) -> Result<ExitCode, String> {
    let options = args.solve.options()?;
    let net = super::read_network_warning(&args.file)?;
    let mut pf = super::prepare(&args.file, &net)?;
    let result = pf
        .solve(&net, &options)
        .map_err(|e| super::solve_error(&args.file, &e))?;
    if args.json {
        outln!("{}", to_json(&net, &result))?;
    } else {
        outln!("{}", summary(&net, &result, args.full).trim_end())?;
    }
    Ok(if result.converged {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// The result as one JSON object, elements in file order and named.
pub fn to_json(net: &Network, r: &PowerFlowResult) -> Value {
    let buses: Vec<Value> = net
        .buses
        .iter()
        .zip(&r.buses)
        .map(|(b, x)| json!({"name": b.name, "vm_pu": x.vm_pu, "va_deg": x.va_deg}))
        .collect();
    let branches: Vec<Value> = net
        .branches
        .iter()
        .zip(&r.branches)
        .map(|(b, x)| {
            json!({
                "name": b.name, "from": b.from_bus, "to": b.to_bus, "in_service": b.in_service,
                "p_from_mw": x.p_from_mw, "q_from_mvar": x.q_from_mvar,
                "p_to_mw": x.p_to_mw, "q_to_mvar": x.q_to_mvar,
                "s_max_mva": x.s_max_mva, "loading_pct": x.loading_pct,
            })
        })
        .collect();
    let devices: Vec<Value> = net
        .devices
        .iter()
        .zip(&r.devices)
        .map(|(d, x)| {
            json!({"name": d.name(), "kind": d.kind_name(), "bus": d.bus(),
                   "p_mw": x.p_mw, "q_mvar": x.q_mvar})
        })
        .collect();
    json!({
        "network": net.name,
        "converged": r.converged,
        "failure": r.failure,
        "iterations": r.iterations,
        "max_mismatch_pu": r.max_mismatch_pu,
        "start": r.start,
        "losses_mw": r.losses_mw,
        "slack_p_mw": r.slack_p_mw,
        "slack_q_mvar": r.slack_q_mvar,
        "buses": buses,
        "branches": branches,
        "devices": devices,
    })
}

/// A readable report: outcome, totals, voltage extremes, then the tables for small networks.
fn summary(net: &Network, r: &PowerFlowResult, full: bool) -> String {
    let mut s = String::new();
    let _ = match &r.failure {
        None => writeln!(
            s,
            "{}: converged in {} iterations{} (largest mismatch {:.1e} p.u.)",
            net.name,
            r.iterations,
            match r.start {
                Start::Flat => "",
                Start::DcAngles => ", restarted from DC angles after a flat start diverged",
                Start::Warm => ", from an earlier solution",
            },
            r.max_mismatch_pu
        ),
        Some(why) => writeln!(
            s,
            "{}: did NOT converge after {} iterations: {why} (largest mismatch {:.1e} p.u.)",
            net.name, r.iterations, r.max_mismatch_pu
        ),
    };
    let _ = writeln!(
        s,
        "{} buses, {} branches, {} devices; losses {:.3} MW; external grid supplies {:.3} MW, {:.3} MVAr",
        net.buses.len(),
        net.branches.len(),
        net.devices.len(),
        r.losses_mw,
        r.slack_p_mw,
        r.slack_q_mvar
    );
    write_extremes(&mut s, net, r);
    if full || net.buses.len() <= FULL_TABLE_BUSES {
        write_tables(&mut s, net, r);
    } else {
        let _ = writeln!(
            s,
            "(tables left out for a large network: use --full or --json)"
        );
    }
    s
}

fn write_extremes(s: &mut String, net: &Network, r: &PowerFlowResult) {
    let by_vm = |a: &&(usize, f64), b: &&(usize, f64)| a.1.total_cmp(&b.1);
    let vms: Vec<(usize, f64)> = r.buses.iter().map(|b| b.vm_pu).enumerate().collect();
    if let (Some(lo), Some(hi)) = (vms.iter().min_by(by_vm), vms.iter().max_by(by_vm)) {
        let _ = writeln!(
            s,
            "lowest voltage {:.4} p.u. at bus {}; highest {:.4} p.u. at bus {}",
            lo.1, net.buses[lo.0].name, hi.1, net.buses[hi.0].name
        );
    }
    let loaded = r
        .branches
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.loading_pct.map(|l| (i, l)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((i, pct)) = loaded {
        let _ = writeln!(
            s,
            "most loaded branch {} at {pct:.1} %",
            net.branches[i].name
        );
    }
}

fn write_tables(s: &mut String, net: &Network, r: &PowerFlowResult) {
    let _ = writeln!(s, "\n{:<12} {:>10} {:>10}", "bus", "Vm (p.u.)", "Va (deg)");
    for (b, x) in net.buses.iter().zip(&r.buses) {
        let _ = writeln!(s, "{:<12} {:>10.5} {:>10.4}", b.name, x.vm_pu, x.va_deg);
    }
    let _ = writeln!(
        s,
        "\n{:<12} {:>12} {:>12} {:>11} {:>11} {:>11} {:>11} {:>8}",
        "branch", "from", "to", "P from MW", "Q from MVAr", "P to MW", "Q to MVAr", "load %"
    );
    for (b, x) in net.branches.iter().zip(&r.branches) {
        let loading = x.loading_pct.map_or("-".to_string(), |l| format!("{l:.1}"));
        let _ = writeln!(
            s,
            "{:<12} {:>12} {:>12} {:>11.3} {:>11.3} {:>11.3} {:>11.3} {:>8}{}",
            b.name,
            b.from_bus,
            b.to_bus,
            x.p_from_mw,
            x.q_from_mvar,
            x.p_to_mw,
            x.q_to_mvar,
            loading,
            if b.in_service {
                ""
            } else {
                " (out of service)"
            }
        );
    }
}
