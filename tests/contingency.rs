//! N-1 contingency analysis: each outage, solved warm with the pattern kept, agrees with the
//! outaged network solved from scratch as `gridpilot pf` solves it; splits cut buses off and
//! count the load lost; the list is worst first; cancelling stops it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use gridpilot::contingency::{ContingencyError, Solver, analyse, bridges, solve_alone};
use gridpilot::io::load_network;
use gridpilot::model::Network;
use gridpilot::powerflow::{PowerFlow, SolveOptions};

fn case(name: &str) -> Network {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/cases")
        .join(name);
    load_network(&path).unwrap()
}

/// Every outage of `net`: the analysis's solution against a fresh solve of the outaged network.
fn agrees_with_fresh_solves(net: &Network) {
    let options = SolveOptions::default();
    let base = PowerFlow::new(net).unwrap().solve(net, &options).unwrap();
    let splits = bridges(net);
    let mut solver = Solver::new(net, &base).unwrap();
    for k in (0..net.branches.len()).filter(|&k| net.branches[k].in_service) {
        let warm = solver.solve(&options, k, splits[k]).unwrap();
        let fresh = solve_alone(net, &options, k).unwrap();
        let name = &net.branches[k].name;
        assert_eq!(warm.converged, fresh.converged, "{name}");
        if !fresh.converged {
            continue;
        }
        for (a, b) in warm.buses.iter().zip(&fresh.buses) {
            assert!((a.vm_pu - b.vm_pu).abs() < 1e-6, "{name}: {a:?} vs {b:?}");
            assert!((a.va_deg - b.va_deg).abs() < 1e-4, "{name}: {a:?} vs {b:?}");
        }
        for (j, (a, b)) in warm.branches.iter().zip(&fresh.branches).enumerate() {
            if j != k {
                assert!(
                    (a.s_max_mva - b.s_max_mva).abs() < 1e-4,
                    "{name}: branch {j}"
                );
            }
        }
    }
}

#[test]
fn outages_agree_with_fresh_solves() {
    // Meshed cases, and a radial feeder whose every outage cuts buses off.
    for name in ["case14.m", "case30.m", "case118.m", "case33bw.m"] {
        agrees_with_fresh_solves(&case(name));
    }
}

#[test]
fn outages_of_a_radial_feeder_cut_off_what_lies_beyond() {
    let net = case("case33bw.m");
    let options = SolveOptions::default();
    let never = AtomicBool::new(false);
    let analysis = analyse(&net, &options, 2, &|_, _| {}, &never).unwrap();
    let in_service = net.branches.iter().filter(|b| b.in_service).count();
    assert_eq!(analysis.contingencies.len(), in_service);
    // Every in-service branch of a radial feeder is a bridge; the first from the substation
    // (bus 1 to 2) cuts off everything else.
    let first = analysis
        .contingencies
        .iter()
        .find(|c| c.branch == "1-2")
        .unwrap();
    assert_eq!(first.islanded_buses.len(), 32);
    let total_load: f64 = net
        .devices
        .iter()
        .filter_map(|d| match d {
            gridpilot::model::Device::Load(l) => Some(l.p_mw),
            _ => None,
        })
        .sum();
    assert!((first.load_lost_mw - total_load).abs() < 1e-9);
    // Worst first: it loses the most load, so it leads the list.
    assert_eq!(analysis.contingencies[0].branch, "1-2");
    let losses: Vec<f64> = analysis
        .contingencies
        .iter()
        .map(|c| c.load_lost_mw)
        .collect();
    assert!(losses.windows(2).all(|w| w[0] >= w[1]), "{losses:?}");
}

#[test]
fn the_analysis_reports_progress_and_stops_when_cancelled() {
    let net = case("case118.m");
    let done = AtomicUsize::new(0);
    let cancel = AtomicBool::new(false);
    let progress = |n: usize, total: usize| {
        done.store(n, Ordering::Relaxed);
        if n * 4 >= total {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let result = analyse(&net, &SolveOptions::default(), 2, &progress, &cancel);
    assert!(matches!(result, Err(ContingencyError::Cancelled)));
    let seen = done.load(Ordering::Relaxed);
    assert!(seen > 0 && seen < 186, "stopped part way: {seen}");
}

#[test]
fn the_list_is_the_same_on_one_thread_and_on_several() {
    let net = case("case30.m");
    let never = AtomicBool::new(false);
    let options = SolveOptions::default();
    let one = analyse(&net, &options, 1, &|_, _| {}, &never).unwrap();
    let four = analyse(&net, &options, 4, &|_, _| {}, &never).unwrap();
    assert_eq!(one.contingencies, four.contingencies);
}
