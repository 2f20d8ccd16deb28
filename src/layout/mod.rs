//! Diagram layouts for networks that have none, or a poor one (an imported MATPOWER case): a
//! tidy tree for radial feeders and a multilevel force-directed layout for meshed grids, then
//! buses moved one at a time to clear places where their branches cross fewer others, and
//! buses still too close pushed apart. Used by `gridpilot import`, `gridpilot layout` and the
//! app; no egui and no file formats here. Deterministic, cancellable, with progress reported
//! as it goes.

mod cells;
mod force;
mod graph;
mod quadtree;
mod tidy;
mod tree;
mod untangle;

use std::sync::atomic::AtomicBool;

pub use graph::{Graph, crossings};

use crate::model::{Device, Network, Position};

/// Diagram units between neighbouring buses (the network view's natural spacing).
pub const SPACING: f64 = 100.0;
/// Grids are laid out from as many starts as keep this many bus-layouts of work (up to
/// `MOST_STARTS`), and the drawing with the fewest crossings is kept.
const BUS_STARTS: usize = 4_000;
const MOST_STARTS: usize = 32;
/// Buses closer than this many spacings are moved apart.
const CLOSEST: f64 = 0.25;
/// Buses closer than this many spacings to a branch they are not on are moved off it, where
/// a clear place is found.
const CLEARANCE: f64 = 0.06;

/// The user cancelled the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the layout was cancelled")]
pub struct Cancelled;

/// Which layout a network got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A tree from the external grid: the feeder's one-line diagram.
    Tree,
    /// Force-directed, for meshed grids and for re-laying out some buses among others.
    Force,
}

/// Lays out the buses of `net` named in `only` (all of them when `None`), leaving the others
/// where they are; returns the kind of layout used. `progress` hears the fraction done.
pub fn lay_out_network(
    net: &mut Network,
    only: Option<&[String]>,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<Kind, Cancelled> {
    let graph = Graph::of_network(net);
    let start: Vec<[f64; 2]> = net
        .buses
        .iter()
        .map(|b| [b.position.x, b.position.y])
        .collect();
    let fixed: Vec<bool> = match only {
        Some(names) => net.buses.iter().map(|b| !names.contains(&b.name)).collect(),
        None => vec![false; net.buses.len()],
    };
    let roots = source_buses(net);
    let (xy, kind) = lay_out(&graph, &start, &fixed, &roots, progress, cancel)?;
    for (bus, [x, y]) in net.buses.iter_mut().zip(xy) {
        bus.position = Position { x, y };
    }
    Ok(kind)
}

/// Positions (diagram units) for the nodes of `graph`: the `fixed` ones stay at `start`, the
/// others are laid out, as a tree from `roots` where nothing is fixed and the graph is radial.
pub fn lay_out(
    graph: &Graph,
    start: &[[f64; 2]],
    fixed: &[bool],
    roots: &[usize],
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<(Vec<[f64; 2]>, Kind), Cancelled> {
    if fixed.iter().all(|&f| f) {
        return Ok((start.to_vec(), Kind::Force));
    }
    if !fixed.iter().any(|&f| f) && tree::is_radial(graph) {
        let xy = tree::layout(graph, roots)
            .into_iter()
            .map(|[x, y]| [x * SPACING, y * SPACING])
            .collect();
        progress(1.0);
        return Ok((xy, Kind::Tree));
    }
    let some_fixed = fixed.iter().any(|&f| f);
    // A small grid is laid out from several starts and the drawing with the fewest crossings
    // kept: a classroom case should come out as untangled as it can.
    let starts = if some_fixed {
        1
    } else {
        (BUS_STARTS / graph.len().max(1)).clamp(1, MOST_STARTS) as u64
    };
    let report =
        |arrangement: u64| move |f: f64| progress((arrangement as f64 + f) / starts as f64);
    let mut best = force_directed(graph, start, fixed, 0, &report(0), cancel)?;
    let mut fewest = if starts > 1 {
        crossings(graph, &best)
    } else {
        0
    };
    for arrangement in 1..starts {
        let xy = force_directed(
            graph,
            start,
            fixed,
            arrangement,
            &report(arrangement),
            cancel,
        )?;
        let count = crossings(graph, &xy);
        if count < fewest {
            (best, fewest) = (xy, count);
        }
    }
    Ok((best, Kind::Force))
}

/// The force-directed layout from one of its starting arrangements, scaled to diagram units,
/// untangled, and with buses apart.
fn force_directed(
    graph: &Graph,
    start: &[[f64; 2]],
    fixed: &[bool],
    arrangement: u64,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<Vec<[f64; 2]>, Cancelled> {
    let some_fixed = fixed.iter().any(|&f| f);
    // Among fixed buses the layout works in their units; afresh, in its own, scaled after.
    let unit = if some_fixed {
        typical_length(graph, start, fixed)
    } else {
        1.0
    };
    let scaled: Vec<[f64; 2]> = start.iter().map(|&[x, y]| [x / unit, y / unit]).collect();
    // The forces take most of the time, untangling the rest.
    let forces = |f: f64| progress(0.8 * f);
    let xy = force::layout(graph, &scaled, fixed, arrangement, &forces, cancel)?;
    let scale = if some_fixed {
        unit
    } else {
        SPACING / median_length(graph, &xy).max(1e-9)
    };
    let mut xy: Vec<[f64; 2]> = xy
        .into_iter()
        .map(|[x, y]| [x * scale, y * scale])
        .collect();
    // Exactly where they were, not where the round trip through the layout's units puts them.
    for ((p, s), _) in xy.iter_mut().zip(start).zip(fixed).filter(|(_, f)| **f) {
        *p = *s;
    }
    // In diagram units, the natural length is `unit` among fixed buses, else the spacing.
    let natural = if some_fixed { unit } else { SPACING };
    let room = untangle::Room {
        closest: CLOSEST * natural,
        clearance: CLEARANCE * natural,
    };
    let untangling = |f: f64| progress(0.8 + 0.2 * f);
    untangle::untangle(graph, &mut xy, fixed, natural, room, &untangling, cancel)?;
    // Where untangling found no clear place for a bus, it still must not hide another.
    tidy::push_apart(&mut xy, fixed, room.closest);
    Ok(xy)
}

/// The buses of the network's external grids: where a feeder's diagram starts.
fn source_buses(net: &Network) -> Vec<usize> {
    let bus = net.bus_indices();
    net.devices
        .iter()
        .filter(|d| matches!(d, Device::ExternalGrid(_)))
        .filter_map(|d| bus.get(d.bus()).copied())
        .collect()
}

/// The median branch length among fixed buses (a natural length to lay the others out at),
/// else the spacing.
fn typical_length(graph: &Graph, xy: &[[f64; 2]], fixed: &[bool]) -> f64 {
    let mut lengths: Vec<f64> = graph
        .edges()
        .filter(|&(a, b)| fixed[a] && fixed[b])
        .map(|(a, b)| distance(xy[a], xy[b]))
        .filter(|l| *l > 0.0)
        .collect();
    lengths.sort_by(f64::total_cmp);
    lengths.get(lengths.len() / 2).copied().unwrap_or(SPACING)
}

fn median_length(graph: &Graph, xy: &[[f64; 2]]) -> f64 {
    let mut lengths: Vec<f64> = graph.edges().map(|(a, b)| distance(xy[a], xy[b])).collect();
    lengths.sort_by(f64::total_cmp);
    lengths.get(lengths.len() / 2).copied().unwrap_or(1.0)
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}
