//! Every bundled network and the README's example network load, validate and solve.

use std::path::PathBuf;

use gridpilot::io::{load_network, network_from_ron};
use gridpilot::model::Network;
use gridpilot::powerflow::{PowerFlow, SolveOptions};

fn project(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn solves(net: &Network) {
    assert!(net.validate().is_ok(), "{}: {}", net.name, net.validate());
    let r = PowerFlow::new(net)
        .unwrap()
        .solve(net, &SolveOptions::default())
        .unwrap();
    assert!(r.converged, "{}: {:?}", net.name, r.failure);
}

#[test]
fn bundled_networks_solve() {
    let mut count = 0;
    for entry in std::fs::read_dir(project("networks")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            solves(&load_network(&path).unwrap());
            count += 1;
        }
    }
    assert!(count > 0);
}

#[test]
fn readme_example_network_solves() {
    let readme = std::fs::read_to_string(project("README.md")).unwrap();
    let start = readme
        .find("```ron\n")
        .expect("the README shows a network file")
        + 7;
    let end = start + readme[start..].find("```").unwrap();
    let net = network_from_ron(&readme[start..end]).unwrap();
    assert_eq!(net.buses.len(), 2);
    solves(&net);
}

#[test]
fn three_bus_feeder_balances_power() {
    let net = load_network(&project("networks/three_bus_feeder.ron")).unwrap();
    let r = PowerFlow::new(&net)
        .unwrap()
        .solve(&net, &SolveOptions::default())
        .unwrap();
    // Grid supply = load − solar + losses (battery idle, capacitor lossless).
    assert!((r.slack_p_mw - (4.0 - 2.5 + r.losses_mw)).abs() < 1e-8);
    assert!(r.losses_mw > 0.0);
}
