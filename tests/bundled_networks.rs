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
    let block = readme
        .split("```ron\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .find(|text| text.trim_start().starts_with("(\n    name:"))
        .expect("the README shows a network file");
    let net = network_from_ron(block).unwrap();
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

/// A do-nothing day on a bundled scenario network: runs to the end, and returns the
/// violations seen.
fn do_nothing_day(file: &str) -> Vec<gridpilot::sim::Violation> {
    let path = project(&format!("networks/{file}"));
    let dir = path.parent().unwrap().to_path_buf();
    let mut env = gridpilot::sim::Environment::new(
        gridpilot::io::read_series(load_network(&path).unwrap(), &dir).unwrap(),
    )
    .unwrap();
    env.reset(0, &Default::default()).unwrap();
    let action = env.do_nothing_action();
    let mut violations = Vec::new();
    for _ in 0..96 {
        let r = env.step(&action);
        assert!(!r.terminated, "{file}: {:?}", r.info.events);
        violations.extend(r.info.violations);
    }
    violations
}

#[test]
fn scenario_networks_run_a_quiet_day_when_left_alone() {
    // Ratings and devices were chosen so that doing nothing is safe; agents make it eventful.
    assert!(do_nothing_day("case33bw_feeder.ron").is_empty());
    assert!(do_nothing_day("case118_transmission.ron").is_empty());
    assert!(do_nothing_day("case14_classroom.ron").is_empty());
    assert!(do_nothing_day("case30_classroom.ron").is_empty());
    // ANM6-Easy is built to be violated: its night wind overloads the transformer.
    assert!(!do_nothing_day("anm6_easy.ron").is_empty());
}

#[test]
fn readme_scenario_and_policy_examples_parse() {
    let readme = std::fs::read_to_string(project("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```")
        .skip(1)
        .step_by(2)
        .map(|b| b.split_once('\n').map_or(b, |(_, body)| body))
        .collect();
    let scenario = blocks
        .iter()
        .find_map(|b| b.trim().strip_prefix("scenario: "))
        .expect("the README shows a scenario section");
    let scenario: gridpilot::model::Scenario = gridpilot::io::ron_options()
        .from_str(scenario.trim_end_matches(','))
        .unwrap();
    assert_eq!(scenario.profiles.len(), 3);
    let policy = blocks
        .iter()
        .find(|b| b.trim_start().starts_with("LinearPolicy("))
        .expect("the README shows a linear policy");
    let policy: gridpilot::agent::LinearPolicy =
        gridpilot::io::ron_options().from_str(policy).unwrap();
    assert_eq!(policy.weights, [[0.0, -0.5], [10.0, 0.0]]);
}

#[test]
fn the_library_holds_every_bundled_network_as_its_file_reads() {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(project("networks")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            files.push(path);
        }
    }
    let names: Vec<&str> = gridpilot::library::NETWORKS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(names.len(), files.len(), "{names:?}");
    for path in files {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let from_file =
            gridpilot::io::read_series(load_network(&path).unwrap(), &project("networks"));
        assert_eq!(
            gridpilot::library::network(name).unwrap(),
            from_file.unwrap(),
            "{name}"
        );
    }
    let unknown = gridpilot::library::network("nowhere")
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("'nowhere'") && unknown.contains("anm6_easy"),
        "{unknown}"
    );
}
