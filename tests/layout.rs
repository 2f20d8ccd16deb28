//! Diagram layouts of real networks: a feeder drawn as a feeder, meshed grids with fewer
//! crossings than graphviz sfdp draws, buses apart and off branches they are not on, the same
//! drawing every time, and re-layout of a few buses among the others; `gridpilot import` and
//! `gridpilot layout` on the command line.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use gridpilot::io::load_network;
use gridpilot::layout::{Graph, Kind, crossings, lay_out_network};
use gridpilot::model::Network;

fn case(name: &str) -> Network {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/cases")
        .join(name);
    load_network(&path).unwrap()
}

fn lay_out(net: &mut Network) -> Kind {
    lay_out_network(net, None, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn positions(net: &Network) -> Vec<[f64; 2]> {
    net.buses
        .iter()
        .map(|b| [b.position.x, b.position.y])
        .collect()
}

fn median_length(net: &Network) -> f64 {
    let xy = positions(net);
    let mut lengths: Vec<f64> = Graph::of_network(net)
        .edges()
        .map(|(a, b)| (xy[a][0] - xy[b][0]).hypot(xy[a][1] - xy[b][1]))
        .collect();
    lengths.sort_by(f64::total_cmp);
    lengths[lengths.len() / 2]
}

/// The smallest distance between two buses, against the median branch length.
fn closest_pair_over_median(net: &Network) -> f64 {
    let xy = positions(net);
    let mut closest = f64::INFINITY;
    for i in 0..xy.len() {
        for j in i + 1..xy.len() {
            closest = closest.min((xy[i][0] - xy[j][0]).hypot(xy[i][1] - xy[j][1]));
        }
    }
    closest / median_length(net)
}

/// (bus, branch) pairs where the bus lies alongside a branch it is not on, nearer than 5 % of
/// the median branch length (as ../shared/tools/layout_quality.py counts them).
fn buses_on_foreign_branches(net: &Network) -> usize {
    let (xy, graph) = (positions(net), Graph::of_network(net));
    let near = 0.05 * median_length(net);
    let mut count = 0;
    for (a, b) in graph.edges() {
        let ab = [xy[b][0] - xy[a][0], xy[b][1] - xy[a][1]];
        let length2 = ab[0] * ab[0] + ab[1] * ab[1];
        for (_, p) in xy.iter().enumerate().filter(|&(m, _)| m != a && m != b) {
            let t = ((p[0] - xy[a][0]) * ab[0] + (p[1] - xy[a][1]) * ab[1]) / length2;
            let t = t.clamp(0.0, 1.0);
            let foot = [xy[a][0] + t * ab[0], xy[a][1] + t * ab[1]];
            count += usize::from((p[0] - foot[0]).hypot(p[1] - foot[1]) < near);
        }
    }
    count
}

#[test]
fn a_radial_feeder_is_drawn_as_a_one_line_diagram() {
    let mut net = case("case33bw.m");
    assert_eq!(lay_out(&mut net), Kind::Tree);
    let xy = positions(&net);
    // No in-service branches cross (the feeder's five open tie lines may).
    let bus = net.bus_indices();
    let in_service = net
        .branches
        .iter()
        .filter(|b| b.in_service)
        .map(|b| (bus[b.from_bus.as_str()], bus[b.to_bus.as_str()], true));
    assert_eq!(crossings(&Graph::new(xy.len(), in_service), &xy), 0);
    // The trunk from the substation (bus 1) to the feeder's far end (bus 18) is one straight
    // row, a spacing per step.
    let trunk: Vec<[f64; 2]> = (1..=18).map(|i| xy[bus[i.to_string().as_str()]]).collect();
    for (k, p) in trunk.iter().enumerate() {
        assert_eq!(p[1], trunk[0][1], "bus {} is on the trunk's row", k + 1);
        assert_eq!(p[0] - trunk[0][0], 100.0 * k as f64);
    }
}

#[test]
fn meshed_grids_come_out_untangled_with_buses_apart() {
    // No more crossings, and no more buses on branches they are not on, than graphviz sfdp
    // draws on the same graphs (33 and 8 on case118, 474 and 86 on case1354pegase, measured
    // with ../shared/tools/layout_quality.py --peers); the importer's breadth-first layers
    // give 3,174 crossings on case1354pegase and pile buses on one another.
    for (name, sfdp_crossings, sfdp_on_branches) in
        [("case118.m", 33, 8), ("case1354pegase.m", 474, 86)]
    {
        let mut net = case(name);
        assert_eq!(lay_out(&mut net), Kind::Force, "{name}");
        let found = crossings(&Graph::of_network(&net), &positions(&net));
        assert!(found <= sfdp_crossings, "{name}: {found} crossings");
        let on_branches = buses_on_foreign_branches(&net);
        assert!(
            on_branches <= sfdp_on_branches,
            "{name}: {on_branches} buses on branches they are not on"
        );
        let closest = closest_pair_over_median(&net);
        assert!(
            closest >= 0.2,
            "{name}: two buses {closest:.2} branch lengths apart"
        );
    }
}

#[test]
fn the_same_network_gets_the_same_drawing() {
    let (mut a, mut b) = (case("case118.m"), case("case118.m"));
    lay_out(&mut a);
    lay_out(&mut b);
    assert_eq!(positions(&a), positions(&b));
}

#[test]
fn only_the_buses_asked_for_move() {
    let mut net = case("case118.m");
    lay_out(&mut net);
    let before = positions(&net);
    let only: Vec<String> = ["10", "11", "12"].map(String::from).to_vec();
    let never = AtomicBool::new(false);
    lay_out_network(&mut net, Some(&only), &|_| {}, &never).unwrap();
    let after = positions(&net);
    for (i, bus) in net.buses.iter().enumerate() {
        if only.contains(&bus.name) {
            assert_ne!(after[i], before[i], "bus {} was laid out", bus.name);
        } else {
            assert_eq!(after[i], before[i], "bus {} stays", bus.name);
        }
    }
}

#[test]
fn a_cancelled_layout_leaves_the_network_as_it_was() {
    let mut net = case("case1354pegase.m");
    let before = positions(&net);
    let cancel = AtomicBool::new(true);
    assert!(lay_out_network(&mut net, None, &|_| {}, &cancel).is_err());
    assert_eq!(positions(&net), before);
}

fn gridpilot(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn import_and_layout_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out: PathBuf = dir.path().join("case118.ron");
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases/case118.m");
    let imported = gridpilot(&[
        "import",
        case.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    let said = String::from_utf8_lossy(&imported.stdout);
    assert!(said.contains("laid out 118 buses force-directed"), "{said}");
    let net = load_network(&out).unwrap();
    assert!(crossings(&Graph::of_network(&net), &positions(&net)) < 60);

    let again = dir.path().join("again.ron");
    let only = gridpilot(&[
        "layout",
        out.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
        "--only",
        "10,11",
    ]);
    assert!(
        only.status.success(),
        "{}",
        String::from_utf8_lossy(&only.stderr)
    );
    let moved = load_network(&again).unwrap();
    let unmoved = (0..net.buses.len())
        .filter(|&i| net.buses[i].position == moved.buses[i].position)
        .count();
    assert_eq!(unmoved, 116);

    let unknown = gridpilot(&[
        "layout",
        out.to_str().unwrap(),
        "-o",
        "x.ron",
        "--only",
        "nope",
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(said.contains("--only names bus 'nope'"), "{said}");
}
