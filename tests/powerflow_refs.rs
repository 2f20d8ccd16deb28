//! The AC power flow against MATPOWER's solutions (PYPOWER 5.1 references in shared/refs), and
//! every MATPOWER case shipped in shared/cases solved to convergence.

use std::collections::HashMap;
use std::path::PathBuf;

use gridpilot::io::load_network;
use gridpilot::model::{Device, Network};
use gridpilot::powerflow::{PowerFlow, PowerFlowResult, SolveOptions};
use serde::Deserialize;

fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

#[derive(Deserialize)]
struct Reference {
    bus: Vec<u32>,
    vm: Vec<f64>,
    va: Vec<f64>,
    gen_bus: Vec<u32>,
    pg: Vec<f64>,
    qg: Vec<f64>,
    pf: Vec<f64>,
    qf: Vec<f64>,
    pt: Vec<f64>,
    qt: Vec<f64>,
    losses_mw: f64,
}

fn reference(case: &str) -> Reference {
    let text = std::fs::read_to_string(shared(&format!("refs/{case}.pf.json"))).unwrap();
    let mut list: Vec<Reference> = serde_json::from_str(&text).unwrap();
    list.remove(0)
}

fn solve(case: &str, options: &SolveOptions) -> (Network, PowerFlowResult) {
    let net = load_network(&shared(&format!("cases/{case}.m"))).unwrap();
    let mut pf = PowerFlow::new(&net).unwrap();
    let result = pf.solve(&net, options).unwrap();
    (net, result)
}

fn assert_close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (difference {:e}, tolerance {tol:e})",
        got - want
    );
}

/// Total generator output per bus, from devices (ours) and from generator rows (MATPOWER's).
fn generation_by_bus(net: &Network, r: &PowerFlowResult) -> HashMap<String, (f64, f64)> {
    let mut by_bus: HashMap<String, (f64, f64)> = HashMap::new();
    for (dev, out) in net.devices.iter().zip(&r.devices) {
        if matches!(dev, Device::Generator(_) | Device::ExternalGrid(_)) && dev.in_service() {
            let e = by_bus.entry(dev.bus().to_string()).or_default();
            e.0 += out.p_mw;
            e.1 += out.q_mvar;
        }
    }
    by_bus
}

fn check_against_reference(case: &str) {
    let reference = reference(case);
    let options = SolveOptions {
        tolerance_pu: 1e-11,
        ..SolveOptions::default()
    };
    let (net, r) = solve(case, &options);
    assert!(r.converged, "{case}: {:?}", r.failure);
    assert_eq!(net.buses.len(), reference.bus.len());
    for (k, bus) in net.buses.iter().enumerate() {
        assert_eq!(bus.name, reference.bus[k].to_string());
        assert_close(
            &format!("{case} bus {} vm", bus.name),
            r.buses[k].vm_pu,
            reference.vm[k],
            1e-6,
        );
        assert_close(
            &format!("{case} bus {} va", bus.name),
            r.buses[k].va_deg,
            reference.va[k],
            1e-5,
        );
    }
    assert_eq!(net.branches.len(), reference.pf.len());
    for (k, br) in r.branches.iter().enumerate() {
        let name = &net.branches[k].name;
        assert_close(
            &format!("{case} {name} p_from"),
            br.p_from_mw,
            reference.pf[k],
            1e-4,
        );
        assert_close(
            &format!("{case} {name} q_from"),
            br.q_from_mvar,
            reference.qf[k],
            1e-4,
        );
        assert_close(
            &format!("{case} {name} p_to"),
            br.p_to_mw,
            reference.pt[k],
            1e-4,
        );
        assert_close(
            &format!("{case} {name} q_to"),
            br.q_to_mvar,
            reference.qt[k],
            1e-4,
        );
    }
    let ours = generation_by_bus(&net, &r);
    let mut theirs: HashMap<String, (f64, f64)> = HashMap::new();
    for (k, bus) in reference.gen_bus.iter().enumerate() {
        let e = theirs.entry(bus.to_string()).or_default();
        e.0 += reference.pg[k];
        e.1 += reference.qg[k];
    }
    assert_eq!(ours.len(), theirs.len(), "{case}: buses with generation");
    for (bus, (p, q)) in &theirs {
        let (gp, gq) = ours[bus];
        assert_close(&format!("{case} generation P at bus {bus}"), gp, *p, 1e-4);
        assert_close(&format!("{case} generation Q at bus {bus}"), gq, *q, 1e-4);
    }
    assert_close(
        &format!("{case} losses"),
        r.losses_mw,
        reference.losses_mw,
        1e-4,
    );
}

#[test]
fn case14_matches_matpower() {
    check_against_reference("case14");
}

#[test]
fn case30_matches_matpower() {
    check_against_reference("case30");
}

#[test]
fn case118_matches_matpower() {
    check_against_reference("case118");
}

#[test]
fn case33bw_matches_matpower() {
    check_against_reference("case33bw");
}

#[test]
fn every_shared_case_converges() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(shared("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "m"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 16, "expected the shared MATPOWER cases");
    for path in cases {
        let net = load_network(&path).unwrap();
        let mut pf = PowerFlow::new(&net).unwrap();
        let r = pf.solve(&net, &SolveOptions::default()).unwrap();
        assert!(r.converged, "{}: {:?}", path.display(), r.failure);
        assert!(r.max_mismatch_pu < 1e-8, "{}", path.display());
        assert!(
            r.buses.iter().all(|b| b.vm_pu > 0.5 && b.vm_pu < 1.5),
            "{}",
            path.display()
        );
    }
}
