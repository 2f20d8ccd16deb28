//! A prepared power flow re-solves changed values and topologies exactly as a fresh one does,
//! and reports non-convergence as an outcome rather than an error.

use std::path::PathBuf;

use gridpilot::io::load_network;
use gridpilot::model::{Device, Network};
use gridpilot::powerflow::{PowerFlow, PowerFlowResult, SolveOptions};

fn case(name: &str) -> Network {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../shared/cases/{name}.m"));
    load_network(&path).unwrap()
}

fn fresh(net: &Network) -> PowerFlowResult {
    PowerFlow::new(net)
        .unwrap()
        .solve(net, &SolveOptions::default())
        .unwrap()
}

fn assert_same(a: &PowerFlowResult, b: &PowerFlowResult) {
    assert!(a.converged && b.converged);
    for (x, y) in a.buses.iter().zip(&b.buses) {
        assert!((x.vm_pu - y.vm_pu).abs() < 1e-12 && (x.va_deg - y.va_deg).abs() < 1e-10);
    }
}

#[test]
fn changed_loads_are_solved_on_the_kept_structure() {
    let mut net = case("case118");
    let mut pf = PowerFlow::new(&net).unwrap();
    let before = pf.solve(&net, &SolveOptions::default()).unwrap();
    for dev in &mut net.devices {
        if let Device::Load(l) = dev {
            l.p_mw *= 1.2;
        }
    }
    let after = pf.solve(&net, &SolveOptions::default()).unwrap();
    assert!(
        after.losses_mw > before.losses_mw + 1.0,
        "heavier loads must raise losses"
    );
    assert_same(&after, &fresh(&net));
}

#[test]
fn a_branch_taken_out_of_service_changes_the_solution() {
    let mut net = case("case14");
    let mut pf = PowerFlow::new(&net).unwrap();
    let before = pf.solve(&net, &SolveOptions::default()).unwrap();
    net.branches[0].in_service = false; // 1-2, the heaviest line
    let after = pf.solve(&net, &SolveOptions::default()).unwrap();
    assert_eq!(after.branches[0].p_from_mw, 0.0);
    assert!(after.branches[1].p_from_mw > before.branches[1].p_from_mw + 50.0);
    assert_same(&after, &fresh(&net));
    net.branches[0].in_service = true;
    assert_same(&pf.solve(&net, &SolveOptions::default()).unwrap(), &before);
}

#[test]
fn an_impossible_load_is_reported_as_not_converged() {
    let mut net = case("case14");
    for dev in &mut net.devices {
        if let Device::Load(l) = dev {
            l.p_mw *= 20.0;
        }
    }
    let r = fresh(&net);
    assert!(!r.converged);
    assert!(r.failure.is_some_and(|why| !why.is_empty()));
}

#[test]
fn buses_cut_off_by_a_trip_are_de_energised() {
    let mut net = case("case14");
    let mut pf = PowerFlow::new(&net).unwrap();
    // Bus 8 hangs on bus 7 by the transformer 7-8 alone; opening it leaves bus 8 dead.
    let k = net.branches.iter().position(|b| b.name == "7-8").unwrap();
    net.branches[k].in_service = false;
    let r = pf.solve(&net, &SolveOptions::default()).unwrap();
    assert!(r.converged, "{:?}", r.failure);
    let bus8 = net.buses.iter().position(|b| b.name == "8").unwrap();
    assert_eq!(r.buses[bus8].vm_pu, 0.0);
    let gen8 = net
        .devices
        .iter()
        .position(|d| d.name() == "gen_8")
        .unwrap();
    assert_eq!((r.devices[gen8].p_mw, r.devices[gen8].q_mvar), (0.0, 0.0));
    assert!(
        r.buses
            .iter()
            .enumerate()
            .all(|(i, b)| i == bus8 || b.vm_pu > 0.9)
    );
}
