//! Meshed grids: a multilevel force-directed layout in the manner of graphviz's sfdp (Hu,
//! "Efficient and high quality force-directed graph drawing", 2005). The graph is coarsened
//! by merging matched neighbours until a few dozen nodes remain; the coarsest is laid out,
//! and each finer level starts from the coarser one's positions and is refined with spring
//! attraction along branches and Barnes–Hut repulsion between all buses, with Hu's adaptive
//! step. Deterministic: no randomness, only a fixed spread for nodes that start together.

use std::sync::atomic::{AtomicBool, Ordering};

use super::Cancelled;
use super::graph::Graph;
use super::quadtree::QuadTree;

/// Hu's relative strength of repulsion (C), for a natural branch length of 1.
const REPULSION: f64 = 0.2;
/// Barnes–Hut opening angle: groups seen smaller than this (cell size over distance) are
/// taken whole.
const THETA: f64 = 1.2;
/// Step length multiplier after a step that did not lower the energy.
const COOLING: f64 = 0.9;
/// Coarsening stops at this many nodes, or when a level would merge too few.
const COARSEST: usize = 40;
const WORTH_A_LEVEL: f64 = 0.85;
/// Refinement sweeps: many on the small coarse levels, fewer on the large fine ones.
const SWEEPS_COARSEST: usize = 400;
const SWEEPS_FINE: usize = 120;

/// Positions for every node of `graph`, in units of the natural branch length. Nodes marked
/// `fixed` keep their `start` positions (and then the graph is refined at one level only,
/// from `start`); with none fixed the whole graph is laid out afresh, from the coarsest
/// graph's nodes spread in the order `arrangement` picks (0: their own order).
pub fn layout(
    graph: &Graph,
    start: &[[f64; 2]],
    fixed: &[bool],
    arrangement: u64,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<Vec<[f64; 2]>, Cancelled> {
    if fixed.iter().any(|&f| f) {
        let mut xy = start_among_fixed(graph, start, fixed);
        refine(
            graph,
            &mut xy,
            fixed,
            SWEEPS_COARSEST,
            &|f| progress(f),
            cancel,
        )?;
        return Ok(xy);
    }
    let levels = coarsen_all(graph);
    let coarsest = levels.last().map_or(graph, |(g, _)| g);
    let mut xy = arranged(sunflower(coarsest.len()), arrangement);
    let rounds = levels.len() + 1;
    let free = vec![false; coarsest.len()];
    let report = |round: usize| move |f: f64| progress((round as f64 + f) / rounds as f64);
    refine(
        coarsest,
        &mut xy,
        &free,
        SWEEPS_COARSEST,
        &report(0),
        cancel,
    )?;
    for (round, k) in (0..levels.len()).rev().enumerate() {
        let finer = if k == 0 { graph } else { &levels[k - 1].0 };
        let to_coarse = &levels[k].1;
        xy = (0..finer.len())
            .map(|i| {
                let [x, y] = xy[to_coarse[i]];
                let [dx, dy] = spread(i);
                [x + 0.1 * dx, y + 0.1 * dy]
            })
            .collect();
        let free = vec![false; finer.len()];
        refine(
            finer,
            &mut xy,
            &free,
            SWEEPS_FINE,
            &report(round + 1),
            cancel,
        )?;
    }
    progress(1.0);
    Ok(xy)
}

/// The coarser graphs, each with the map from the finer level's nodes to its own.
fn coarsen_all(graph: &Graph) -> Vec<(Graph, Vec<usize>)> {
    let mut levels: Vec<(Graph, Vec<usize>)> = Vec::new();
    loop {
        let finest = levels.last().map_or(graph, |(g, _)| g);
        if finest.len() <= COARSEST {
            return levels;
        }
        match coarsen(finest) {
            Some(level) => levels.push(level),
            None => return levels,
        }
    }
}

/// Merges each node with an unmatched neighbour of least degree (leaves first), or keeps it
/// alone; `None` when that would not shrink the graph enough to be worth a level.
fn coarsen(graph: &Graph) -> Option<(Graph, Vec<usize>)> {
    let n = graph.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (graph.degree(i), i));
    let mut to_coarse = vec![usize::MAX; n];
    let mut count = 0;
    for &i in &order {
        if to_coarse[i] != usize::MAX {
            continue;
        }
        let mate = graph
            .neighbours(i)
            .iter()
            .copied()
            .filter(|&j| to_coarse[j] == usize::MAX)
            .min_by_key(|&j| (graph.degree(j), j));
        to_coarse[i] = count;
        if let Some(j) = mate {
            to_coarse[j] = count;
        }
        count += 1;
    }
    if count as f64 > WORTH_A_LEVEL * n as f64 {
        return None;
    }
    let edges = graph
        .edges()
        .map(|(a, b)| (to_coarse[a], to_coarse[b], true));
    Some((Graph::new(count, edges), to_coarse))
}

/// Spring attraction along edges and repulsion between all nodes, moving each free node a
/// step along its force; the step grows while the energy falls and shrinks when it does not.
fn refine(
    graph: &Graph,
    xy: &mut [[f64; 2]],
    fixed: &[bool],
    sweeps: usize,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<(), Cancelled> {
    let n = graph.len();
    if n < 2 {
        return Ok(());
    }
    let mut step = 0.5 * extent(xy).max(1.0) / (n as f64).sqrt().max(1.0);
    let (mut energy_before, mut falling) = (f64::INFINITY, 0);
    for sweep in 0..sweeps {
        if cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        let tree = QuadTree::new(xy);
        let mut energy = 0.0;
        for i in (0..n).filter(|&i| !fixed[i]) {
            let p = xy[i];
            let r = tree.repulsion(i, p, THETA);
            let mut f = [REPULSION * r[0], REPULSION * r[1]];
            for &j in graph.neighbours(i) {
                let d = [xy[j][0] - p[0], xy[j][1] - p[1]];
                let dist = (d[0] * d[0] + d[1] * d[1]).sqrt();
                f = [f[0] + d[0] * dist, f[1] + d[1] * dist];
            }
            let size = (f[0] * f[0] + f[1] * f[1]).sqrt();
            if size > 0.0 && size.is_finite() {
                xy[i] = [p[0] + step * f[0] / size, p[1] + step * f[1] / size];
            }
            energy += size * size;
        }
        if energy < energy_before {
            falling += 1;
            if falling >= 5 {
                falling = 0;
                step /= COOLING;
            }
        } else {
            falling = 0;
            step *= COOLING;
        }
        energy_before = energy;
        progress(sweep as f64 / sweeps as f64);
        if step < 1e-3 {
            break;
        }
    }
    Ok(())
}

/// The larger side of the points' bounding box.
fn extent(xy: &[[f64; 2]]) -> f64 {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in xy {
        for d in 0..2 {
            lo[d] = lo[d].min(p[d]);
            hi[d] = hi[d].max(p[d]);
        }
    }
    (hi[0] - lo[0]).max(hi[1] - lo[1])
}

/// n points spread evenly over a disc of about unit spacing (a sunflower's seeds).
fn sunflower(n: usize) -> Vec<[f64; 2]> {
    const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;
    (0..n)
        .map(|i| {
            let (r, t) = ((i as f64 + 0.5).sqrt(), i as f64 * GOLDEN_ANGLE);
            [r * t.cos(), r * t.sin()]
        })
        .collect()
}

/// The places handed out in an order fixed by `arrangement`: as they are for 0, else shuffled
/// by a multiplicative hash, so each arrangement starts the layout somewhere else.
fn arranged(places: Vec<[f64; 2]>, arrangement: u64) -> Vec<[f64; 2]> {
    if arrangement == 0 {
        return places;
    }
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by_key(|&i| {
        (i as u64 ^ arrangement.wrapping_mul(0x9e37_79b9)).wrapping_mul(0x2545_f491_4f6c_dd1d)
    });
    order.into_iter().map(|i| places[i]).collect()
}

/// A fixed, well-spread unit offset for node `i`, to part nodes that start at one point.
fn spread(i: usize) -> [f64; 2] {
    let t = i as f64 * 2.399_963_229_728_653;
    [t.cos(), t.sin()]
}

/// Starting positions when some nodes are fixed: the free ones go, in breadth-first order from
/// the fixed, to the middle of their already placed neighbours (spread a little), or keep
/// their own start where no neighbour is placed.
fn start_among_fixed(graph: &Graph, start: &[[f64; 2]], fixed: &[bool]) -> Vec<[f64; 2]> {
    let n = graph.len();
    let mut xy = start.to_vec();
    let mut placed = fixed.to_vec();
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&i| fixed[i]).collect();
    while let Some(a) = queue.pop_front() {
        for &b in graph.neighbours(a) {
            if placed[b] {
                continue;
            }
            let around: Vec<[f64; 2]> = graph
                .neighbours(b)
                .iter()
                .filter(|&&c| placed[c])
                .map(|&c| xy[c])
                .collect();
            let m = around.len() as f64;
            let [sx, sy] = around
                .iter()
                .fold([0.0, 0.0], |s, p| [s[0] + p[0], s[1] + p[1]]);
            let [dx, dy] = spread(b);
            xy[b] = [sx / m + 0.3 * dx, sy / m + 0.3 * dy];
            placed[b] = true;
            queue.push_back(b);
        }
    }
    xy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::graph::crossings;

    /// A ring of `n` nodes with chords every `every` nodes: meshed, drawable without crossings.
    fn wheel(n: usize) -> Graph {
        let ring = (0..n).map(|i| (i, (i + 1) % n, true));
        let spokes = (0..n).map(|i| (n, i, true));
        Graph::new(n + 1, ring.chain(spokes))
    }

    fn lengths(graph: &Graph, xy: &[[f64; 2]]) -> Vec<f64> {
        graph
            .edges()
            .map(|(a, b)| (xy[a][0] - xy[b][0]).hypot(xy[a][1] - xy[b][1]))
            .collect()
    }

    #[test]
    fn a_grid_comes_out_untangled_and_even() {
        // A 12 x 12 grid of buses, drawn from scratch.
        let side = 12;
        let mut edges = Vec::new();
        for r in 0..side {
            for c in 0..side {
                let i = side * r + c;
                if c + 1 < side {
                    edges.push((i, i + 1, true));
                }
                if r + 1 < side {
                    edges.push((i, i + side, true));
                }
            }
        }
        let g = Graph::new(side * side, edges);
        let never = AtomicBool::new(false);
        let free = vec![false; g.len()];
        let xy = layout(&g, &vec![[0.0; 2]; g.len()], &free, 0, &|_| {}, &never).unwrap();
        assert!(crossings(&g, &xy) <= 4, "{} crossings", crossings(&g, &xy));
        let l = lengths(&g, &xy);
        let mean = l.iter().sum::<f64>() / l.len() as f64;
        let spread = l.iter().map(|x| (x - mean).abs()).fold(0.0, f64::max);
        assert!(
            spread < mean,
            "branch lengths vary too much: {mean} ± {spread}"
        );
    }

    #[test]
    fn the_same_graph_gives_the_same_drawing() {
        let g = wheel(30);
        let never = AtomicBool::new(false);
        let free = vec![false; g.len()];
        let start = vec![[0.0; 2]; g.len()];
        let a = layout(&g, &start, &free, 3, &|_| {}, &never).unwrap();
        let b = layout(&g, &start, &free, 3, &|_| {}, &never).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn fixed_nodes_stay_and_a_cancel_stops_it() {
        let g = wheel(12);
        let start: Vec<[f64; 2]> = (0..g.len()).map(|i| [i as f64, 0.0]).collect();
        let fixed: Vec<bool> = (0..g.len()).map(|i| i % 2 == 0).collect();
        let never = AtomicBool::new(false);
        let xy = layout(&g, &start, &fixed, 0, &|_| {}, &never).unwrap();
        for i in (0..g.len()).filter(|&i| fixed[i]) {
            assert_eq!(xy[i], start[i]);
        }
        assert!((0..g.len()).any(|i| !fixed[i] && xy[i] != start[i]));
        let cancelled = AtomicBool::new(true);
        assert!(layout(&g, &start, &fixed, 0, &|_| {}, &cancelled).is_err());
    }
}
