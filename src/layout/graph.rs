//! The graph a layout works on: buses as nodes, branches as edges (parallel branches and
//! self-loops merged away), with the in-service ones marked so a radial feeder's tree is
//! found through its closed branches rather than its open tie lines.

use crate::model::Network;

/// An undirected graph in compressed adjacency form.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// `start[i]..start[i + 1]` indexes node i's neighbours in `targets` (and `closed`).
    start: Vec<usize>,
    targets: Vec<usize>,
    /// Whether the edge to each neighbour is in service (a closed branch).
    closed: Vec<bool>,
}

impl Graph {
    /// A graph of `n` nodes from `(a, b, in_service)` edges; repeated pairs and self-loops are
    /// merged away (a pair is in service if any of its branches is).
    pub fn new(n: usize, edges: impl IntoIterator<Item = (usize, usize, bool)>) -> Self {
        let mut pairs: Vec<(usize, usize, bool)> = edges
            .into_iter()
            .filter(|&(a, b, _)| a != b && a < n && b < n)
            .flat_map(|(a, b, closed)| [(a, b, closed), (b, a, closed)])
            .collect();
        // Sorted with the closed edge of a pair first, so it is the one kept.
        pairs.sort_unstable_by_key(|&(a, b, closed)| (a, b, !closed));
        pairs.dedup_by_key(|&mut (a, b, _)| (a, b));
        let mut start = vec![0; n + 1];
        for &(a, _, _) in &pairs {
            start[a + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Graph {
            start,
            targets: pairs.iter().map(|&(_, b, _)| b).collect(),
            closed: pairs.iter().map(|&(_, _, c)| c).collect(),
        }
    }

    /// The network's buses and branches (every branch, open or not: the diagram shows them
    /// all).
    pub fn of_network(net: &Network) -> Self {
        let bus = net.bus_indices();
        let edges = net.branches.iter().filter_map(|b| {
            let (from, to) = (bus.get(b.from_bus.as_str())?, bus.get(b.to_bus.as_str())?);
            Some((*from, *to, b.in_service))
        });
        Graph::new(net.buses.len(), edges)
    }

    pub fn len(&self) -> usize {
        self.start.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn neighbours(&self, i: usize) -> &[usize] {
        &self.targets[self.start[i]..self.start[i + 1]]
    }

    /// Node i's neighbours with whether each edge is in service.
    pub fn edges_of(&self, i: usize) -> impl Iterator<Item = (usize, bool)> + '_ {
        let range = self.start[i]..self.start[i + 1];
        self.targets[range.clone()]
            .iter()
            .copied()
            .zip(self.closed[range].iter().copied())
    }

    /// Each edge once, as (a, b) with a < b.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.len()).flat_map(move |a| {
            self.neighbours(a)
                .iter()
                .filter(move |&&b| a < b)
                .map(move |&b| (a, b))
        })
    }

    pub fn degree(&self, i: usize) -> usize {
        self.start[i + 1] - self.start[i]
    }
}

/// How many pairs of edges without a common node cross in the drawing `xy`: the measure of a
/// diagram's readability that layouts are judged by.
pub fn crossings(graph: &Graph, xy: &[[f64; 2]]) -> usize {
    let segments: Vec<(usize, usize)> = graph.edges().collect();
    // Sweep by the segments' left ends: only segments whose x-ranges overlap can cross.
    let mut order: Vec<usize> = (0..segments.len()).collect();
    let left = |s: usize| xy[segments[s].0][0].min(xy[segments[s].1][0]);
    let right = |s: usize| xy[segments[s].0][0].max(xy[segments[s].1][0]);
    order.sort_by(|&a, &b| left(a).total_cmp(&left(b)));
    let mut count = 0;
    for (k, &s) in order.iter().enumerate() {
        for &t in &order[k + 1..] {
            if left(t) > right(s) {
                break;
            }
            let ((a, b), (c, d)) = (segments[s], segments[t]);
            if a == c || a == d || b == c || b == d {
                continue;
            }
            if segments_cross(xy[a], xy[b], xy[c], xy[d]) {
                count += 1;
            }
        }
    }
    count
}

/// Whether segments pq and rs cross at a point inside both.
pub(super) fn segments_cross(p: [f64; 2], q: [f64; 2], r: [f64; 2], s: [f64; 2]) -> bool {
    let orient = |a: [f64; 2], b: [f64; 2], c: [f64; 2]| {
        (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    };
    let (d1, d2) = (orient(r, s, p), orient(r, s, q));
    let (d3, d4) = (orient(p, q, r), orient(p, q, s));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_edges_and_self_loops_are_merged_away() {
        let g = Graph::new(3, [(0, 1, false), (1, 0, true), (2, 2, true), (1, 2, true)]);
        assert_eq!(g.edges().count(), 2);
        assert_eq!(g.edges().collect::<Vec<_>>(), vec![(0, 1), (1, 2)]);
        // The closed one of the two branches between 0 and 1 is kept.
        assert_eq!(g.edges_of(0).collect::<Vec<_>>(), vec![(1, true)]);
    }

    #[test]
    fn counts_crossings_but_not_edges_sharing_a_node() {
        // A square's diagonals cross once; its sides meet only at corners.
        let square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        let g = Graph::new(4, [(0, 2, true), (1, 3, true), (0, 1, true), (1, 2, true)]);
        assert_eq!(crossings(&g, &square), 1);
    }
}
