//! One-line diagrams of radial feeders, drawn the way feeders are drawn: from the source, the
//! longest path runs straight to the right as the trunk; each lateral starts one step right of
//! where it branches off, below everything drawn so far, and runs on to the right in its own
//! rows. Rows are never shared, so branches never cross, and every step is one spacing long.

use std::collections::VecDeque;

use super::graph::Graph;

/// Whether the in-service branches form a forest, or nearly (a loop per fifty buses at most,
/// one at least), so that a tree layout reads best.
pub fn is_radial(graph: &Graph) -> bool {
    let n = graph.len();
    let mut components = crate::model::BusComponents::new(n);
    let mut closed_edges = 0;
    for a in 0..n {
        for (b, closed) in graph.edges_of(a) {
            if closed && a < b {
                closed_edges += 1;
                components.join(a, b);
            }
        }
    }
    let trees = (0..n).filter(|&i| components.root(i) == i).count();
    let loops = closed_edges + trees - n;
    loops <= (n / 50).max(1)
}

/// Positions (in spacings) for every node: each connected part as a tree from its root (the
/// first of `roots` in it, else one end of its longest path).
pub fn layout(graph: &Graph, roots: &[usize]) -> Vec<[f64; 2]> {
    let n = graph.len();
    let (parent, order) = spanning_forest(graph, roots);
    let children = children_of(n, &parent, &order);
    let height = heights(&order, &children);
    let mut xy = vec![[0.0; 2]; n];
    let mut next_row = 0;
    for root in (0..n).filter(|&i| parent[i] == Some(i)) {
        next_row = place(root, &children, &height, &mut xy, next_row);
    }
    xy
}

/// Each node's parent (a root is its own), reached by the fewest open branches and then the
/// fewest steps, and the order nodes were settled in (parents before children).
fn spanning_forest(graph: &Graph, roots: &[usize]) -> (Vec<Option<usize>>, Vec<usize>) {
    let n = graph.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut settled = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut cost = vec![usize::MAX; n];
    let candidates = roots.iter().copied().chain(0..n);
    for start in candidates {
        if start >= n || parent[start].is_some() {
            continue;
        }
        let root = if roots.contains(&start) {
            start
        } else {
            farthest_from(graph, start)
        };
        // 0-1 breadth-first search: closed branches cost nothing, open ones one.
        parent[root] = Some(root);
        cost[root] = 0;
        let mut queue = VecDeque::from([root]);
        while let Some(a) = queue.pop_front() {
            if settled[a] {
                continue;
            }
            settled[a] = true;
            order.push(a);
            for (b, closed) in graph.edges_of(a) {
                let c = cost[a] + usize::from(!closed);
                if !settled[b] && c < cost[b] {
                    cost[b] = c;
                    parent[b] = Some(a);
                    if closed {
                        queue.push_front(b);
                    } else {
                        queue.push_back(b);
                    }
                }
            }
        }
    }
    (parent, order)
}

/// The node farthest (in steps) from `start` in its part of the graph: one end of a longest
/// path, so the trunk from it is long and straight.
fn farthest_from(graph: &Graph, start: usize) -> usize {
    let mut seen = vec![false; graph.len()];
    seen[start] = true;
    let mut queue = VecDeque::from([start]);
    let mut last = start;
    while let Some(a) = queue.pop_front() {
        last = a;
        for &b in graph.neighbours(a) {
            if !seen[b] {
                seen[b] = true;
                queue.push_back(b);
            }
        }
    }
    last
}

fn children_of(n: usize, parent: &[Option<usize>], order: &[usize]) -> Vec<Vec<usize>> {
    let mut children = vec![Vec::new(); n];
    for &i in order {
        if let Some(p) = parent[i].filter(|&p| p != i) {
            children[p].push(i);
        }
    }
    children
}

/// Steps from each node down to its deepest descendant.
fn heights(order: &[usize], children: &[Vec<usize>]) -> Vec<usize> {
    let mut height = vec![0; children.len()];
    for &i in order.iter().rev() {
        height[i] = children[i]
            .iter()
            .map(|&c| height[c] + 1)
            .max()
            .unwrap_or(0);
    }
    height
}

/// Places the tree under `root` with its trunk in row `first_row`; returns the next free row.
fn place(
    root: usize,
    children: &[Vec<usize>],
    height: &[usize],
    xy: &mut [[f64; 2]],
    first_row: usize,
) -> usize {
    // (node, column, row — `None` for "below everything placed so far").
    let mut stack = vec![(root, 0usize, Some(first_row))];
    let mut last_row = first_row;
    while let Some((node, column, row)) = stack.pop() {
        let row = row.unwrap_or(last_row + 1);
        last_row = last_row.max(row);
        xy[node] = [column as f64, row as f64];
        // The deepest child carries the trunk on in this row; it is placed (with all below
        // it) first, so every other child starts below it. The first of equals is the trunk.
        let kids = &children[node];
        let trunk = kids
            .iter()
            .copied()
            .reduce(|best, c| if height[c] > height[best] { c } else { best });
        for &c in kids.iter().rev().filter(|&&c| Some(c) != trunk) {
            stack.push((c, column + 1, None));
        }
        if let Some(t) = trunk {
            stack.push((t, column + 1, Some(row)));
        }
    }
    last_row + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::graph::crossings;

    /// A feeder: trunk 0-1-2-3-4, a lateral 1-5-6, another 2-7, and an open tie 6-4.
    fn feeder() -> Graph {
        let closed = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5), (5, 6), (2, 7)];
        let edges = closed.iter().map(|&(a, b)| (a, b, true));
        Graph::new(8, edges.chain([(6, 4, false)]))
    }

    #[test]
    fn the_trunk_runs_straight_and_laterals_hang_below_without_crossings() {
        let g = feeder();
        assert!(is_radial(&g));
        let xy = layout(&g, &[0]);
        for (i, x) in [0.0, 1.0, 2.0, 3.0, 4.0].iter().enumerate() {
            assert_eq!(xy[i], [*x, 0.0], "trunk bus {i}");
        }
        // Laterals one step right of their branch point, in rows of their own.
        assert_eq!(xy[5][0], 2.0);
        assert_eq!(xy[6], [3.0, xy[5][1]]);
        assert_eq!(xy[7][0], 3.0);
        assert!(xy[5][1] > 0.0 && xy[7][1] > 0.0 && xy[5][1] != xy[7][1]);
        let closed_only = Graph::new(
            8,
            g.edges()
                .filter(|&(a, b)| (a, b) != (4, 6))
                .map(|(a, b)| (a, b, true)),
        );
        assert_eq!(crossings(&closed_only, &xy), 0);
    }

    #[test]
    fn a_meshed_grid_is_not_radial() {
        // A 4 x 4 grid of buses: 24 branches, 9 loops.
        let mut edges = Vec::new();
        for r in 0..4 {
            for c in 0..4 {
                let i = 4 * r + c;
                if c < 3 {
                    edges.push((i, i + 1, true));
                }
                if r < 3 {
                    edges.push((i, i + 4, true));
                }
            }
        }
        assert!(!is_radial(&Graph::new(16, edges)));
    }

    #[test]
    fn parts_without_a_source_start_from_an_end_of_their_longest_path() {
        // Two chains; no roots given.
        let g = Graph::new(6, [(0, 1, true), (1, 2, true), (3, 4, true), (4, 5, true)]);
        let xy = layout(&g, &[]);
        let rows: Vec<f64> = xy.iter().map(|p| p[1]).collect();
        assert_eq!(rows[0], rows[2], "a chain is one row");
        assert_ne!(rows[0], rows[3], "the parts do not share rows");
        let mut columns: Vec<f64> = xy[..3].iter().map(|p| p[0]).collect();
        columns.sort_by(f64::total_cmp);
        assert_eq!(columns, vec![0.0, 1.0, 2.0]);
    }
}
