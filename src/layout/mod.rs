//! Diagram layouts for networks that have none, or a poor one (an imported MATPOWER case): a
//! tidy tree for radial feeders and a multilevel force-directed layout for meshed grids, then
//! overlap removal. Used by `gridpilot import`, `gridpilot layout` and the app; no egui and no
//! file formats here. Deterministic, cancellable, with progress reported as it goes.

mod force;
mod graph;
mod quadtree;
mod tree;

use std::sync::atomic::AtomicBool;

pub use graph::{Graph, crossings};

use crate::model::{Device, Network, Position};

/// Diagram units between neighbouring buses (the network view's natural spacing).
pub const SPACING: f64 = 100.0;
/// Buses closer than this many spacings are pushed apart.
const CLOSEST: f64 = 0.25;

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
    // Among fixed buses the layout works in their units; afresh, in its own, scaled after.
    let unit = if some_fixed {
        typical_length(graph, start, fixed)
    } else {
        1.0
    };
    let scaled: Vec<[f64; 2]> = start.iter().map(|&[x, y]| [x / unit, y / unit]).collect();
    let xy = force::layout(graph, &scaled, fixed, progress, cancel)?;
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
    push_apart(&mut xy, fixed, CLOSEST * natural);
    Ok((xy, Kind::Force))
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

/// Moves free buses closer than `closest` to another apart (each pair shares the move, a
/// fixed bus does not move), a few rounds over a grid of cells `closest` wide.
fn push_apart(xy: &mut [[f64; 2]], fixed: &[bool], closest: f64) {
    const ROUNDS: usize = 30;
    let cell = |p: [f64; 2]| {
        (
            (p[0] / closest).floor() as i64,
            (p[1] / closest).floor() as i64,
        )
    };
    for _ in 0..ROUNDS {
        let mut grid: std::collections::BTreeMap<(i64, i64), Vec<usize>> = Default::default();
        for (i, &p) in xy.iter().enumerate() {
            grid.entry(cell(p)).or_default().push(i);
        }
        let mut moved = false;
        for i in 0..xy.len() {
            let (cx, cy) = cell(xy[i]);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(others) = grid.get(&(cx + dx, cy + dy)) else {
                        continue;
                    };
                    for &j in others.iter().filter(|&&j| j > i) {
                        moved |= separate(xy, fixed, i, j, closest);
                    }
                }
            }
        }
        if !moved {
            return;
        }
    }
}

/// Pushes buses i and j to `closest` apart if nearer; whether anything moved.
fn separate(xy: &mut [[f64; 2]], fixed: &[bool], i: usize, j: usize, closest: f64) -> bool {
    let d = [xy[j][0] - xy[i][0], xy[j][1] - xy[i][1]];
    let dist = d[0].hypot(d[1]);
    if dist >= closest || (fixed[i] && fixed[j]) {
        return false;
    }
    // Coincident buses part along a direction of their own.
    let unit = if dist > 1e-9 {
        [d[0] / dist, d[1] / dist]
    } else {
        let t = (i * 31 + j) as f64;
        [t.cos(), t.sin()]
    };
    let gap = closest - dist;
    let (share_i, share_j) = match (fixed[i], fixed[j]) {
        (true, _) => (0.0, gap),
        (_, true) => (gap, 0.0),
        _ => (0.5 * gap, 0.5 * gap),
    };
    xy[i] = [xy[i][0] - unit[0] * share_i, xy[i][1] - unit[1] * share_i];
    xy[j] = [xy[j][0] + unit[0] * share_j, xy[j][1] + unit[1] * share_j];
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buses_too_close_are_pushed_apart_and_fixed_ones_stay() {
        let mut xy = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [500.0, 0.0]];
        let fixed = [true, false, false, false];
        push_apart(&mut xy, &fixed, 40.0);
        assert_eq!(xy[0], [0.0, 0.0]);
        for i in 0..4 {
            for j in i + 1..4 {
                assert!(distance(xy[i], xy[j]) >= 40.0 - 1e-6, "{i} {j}: {xy:?}");
            }
        }
    }
}
