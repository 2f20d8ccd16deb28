//! A provisional diagram layout: MATPOWER cases carry no coordinates, so buses are placed in
//! breadth-first layers from the reference bus. Linear in buses plus branches.

use std::collections::VecDeque;

use crate::model::{Bus, Position};

const LAYER_SPACING: f64 = 100.0;
const ROW_SPACING: f64 = 60.0;

/// Places bus `i` at x = its hop distance from `root` (times the spacing), y = its order within
/// that layer. Buses not reached from `root` go in one column after the last layer.
pub(super) fn place(buses: &mut [Bus], edges: &[(usize, usize)], root: usize) {
    let n = buses.len();
    let neighbours = adjacency(n, edges);
    let mut layer: Vec<Option<usize>> = vec![None; n];
    let mut order = Vec::with_capacity(n);
    if root < n {
        layer[root] = Some(0);
        let mut queue = VecDeque::from([root]);
        while let Some(bus) = queue.pop_front() {
            order.push(bus);
            let next_layer = layer[bus].map(|l| l + 1);
            for &other in neighbours.of(bus) {
                if layer[other].is_none() {
                    layer[other] = next_layer;
                    queue.push_back(other);
                }
            }
        }
    }
    let unreached_layer = order.last().and_then(|&b| layer[b]).map_or(0, |l| l + 1);
    order.extend((0..n).filter(|&i| layer[i].is_none()));
    let mut filled = vec![0usize; unreached_layer + 1];
    for bus in order {
        let column = layer[bus].unwrap_or(unreached_layer);
        buses[bus].position = Position {
            x: column as f64 * LAYER_SPACING,
            y: filled[column] as f64 * ROW_SPACING,
        };
        filled[column] += 1;
    }
}

/// Neighbour lists in compressed form: one allocation for all buses.
struct Adjacency {
    start: Vec<usize>,
    targets: Vec<usize>,
}

impl Adjacency {
    fn of(&self, bus: usize) -> &[usize] {
        &self.targets[self.start[bus]..self.start[bus + 1]]
    }
}

fn adjacency(n: usize, edges: &[(usize, usize)]) -> Adjacency {
    let mut start = vec![0usize; n + 1];
    for &(a, b) in edges {
        start[a + 1] += 1;
        start[b + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut targets = vec![0usize; start[n]];
    for &(a, b) in edges {
        targets[fill[a]] = b;
        fill[a] += 1;
        targets[fill[b]] = a;
        fill[b] += 1;
    }
    Adjacency { start, targets }
}
