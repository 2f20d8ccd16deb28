//! One-line diagrams of radial feeders, drawn the way feeders are drawn: from the source, the
//! longest path runs straight to the right as the trunk; each lateral starts one step right of
//! where it branches off, below or above the trunk in turn, as close as it fits, and runs on
//! to the right. Every step is one spacing long, and branches never cross (see `pack`).

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
/// first of `roots` in it, else one end of its longest path), the parts one below another.
pub fn layout(graph: &Graph, roots: &[usize]) -> Vec<[f64; 2]> {
    let n = graph.len();
    let (parent, order) = spanning_forest(graph, roots);
    let children = children_of(n, &parent, &order);
    let height = heights(&order, &children);
    let (offset, contour) = pack(&order, &children, &height);
    let mut xy = vec![[0.0; 2]; n];
    let mut next_row = 0.0;
    for &i in &order {
        match parent[i] {
            Some(p) if p != i => {
                let [x, y] = xy[p];
                xy[i] = [x + 1.0, y + offset[i] as f64];
            }
            _ => {
                // Each part below the one before, its highest lateral's row first.
                let highest = contour[i].iter().map(|&(min, _)| min).min().unwrap_or(0);
                let lowest = contour[i].iter().map(|&(_, max)| max).max().unwrap_or(0);
                xy[i] = [0.0, next_row - highest as f64];
                next_row += (lowest - highest + 1) as f64;
            }
        }
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

/// Rows taken by a subtree at each depth below its root, relative to the root's row, as
/// (lowest row, highest row); stored deepest first, so a parent adds its own depth by a push.
type Contour = Vec<(i64, i64)>;

/// Each node's row relative to its parent's, and each subtree's contour. A node's deepest child
/// carries the trunk on in its row (the first of equals); the other children go below and
/// above it in turn, each as close to its elder siblings' subtrees as it can without touching
/// them at any depth. Nodes at each depth are then in the same top-to-bottom order as their
/// subtrees, and a branch only joins neighbouring depths, so no two branches cross; rows are
/// shared wherever a lateral fits, which keeps laterals close to where they branch off.
fn pack(order: &[usize], children: &[Vec<usize>], height: &[usize]) -> (Vec<i64>, Vec<Contour>) {
    let n = children.len();
    let mut offset = vec![0i64; n];
    let mut contour: Vec<Contour> = vec![Vec::new(); n];
    for &node in order.iter().rev() {
        let kids = &children[node];
        let trunk = kids
            .iter()
            .copied()
            .reduce(|best, c| if height[c] > height[best] { c } else { best });
        // The trunk's contour is the longest, so the others merge into it without growing it:
        // the work is the sum of the laterals' heights, at most the number of nodes.
        let mut merged = trunk
            .map(|t| std::mem::take(&mut contour[t]))
            .unwrap_or_default();
        for (k, &c) in kids.iter().filter(|&&c| Some(c) != trunk).enumerate() {
            let lateral = std::mem::take(&mut contour[c]);
            let (len, depth) = (merged.len(), lateral.len());
            let taken = |j: usize| merged[len - 1 - j];
            let own = |j: usize| lateral[depth - 1 - j];
            // Laterals go below and above the trunk in turn, each as close as it fits.
            let shift = if k % 2 == 0 {
                (0..depth).map(|j| taken(j).1 - own(j).0 + 1).max()
            } else {
                (0..depth).map(|j| taken(j).0 - own(j).1 - 1).min()
            };
            let shift = shift.unwrap_or(0);
            for (j, &(lo, hi)) in lateral.iter().rev().enumerate() {
                let slot = &mut merged[len - 1 - j];
                *slot = (slot.0.min(lo + shift), slot.1.max(hi + shift));
            }
            offset[c] = shift;
        }
        merged.push((0, 0));
        contour[node] = merged;
    }
    (offset, contour)
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
        // Laterals one step right of their branch point, below the trunk, in rows apart.
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
    fn a_lateral_shares_a_row_where_nothing_else_is_in_the_way() {
        // Trunk 0-1-2-3-4-5; a lateral 3-6 near the end and a lateral 0-7 at the start: both fit
        // in the row under the trunk, at depths that do not meet.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (3, 6), (0, 7)];
        let g = Graph::new(8, edges.iter().map(|&(a, b)| (a, b, true)));
        let xy = layout(&g, &[0]);
        assert_eq!(xy[6], [4.0, 1.0]);
        assert_eq!(xy[7], [1.0, 1.0]);
    }

    #[test]
    fn laterals_go_below_and_above_the_trunk_in_turn() {
        // Trunk 0-1-2-3; laterals 1-4, 1-5 and 1-6.
        let edges = [(0, 1), (1, 2), (2, 3), (1, 4), (1, 5), (1, 6)];
        let g = Graph::new(7, edges.iter().map(|&(a, b)| (a, b, true)));
        let xy = layout(&g, &[0]);
        // The lateral above takes the first row, so the trunk is in the second.
        assert_eq!([xy[0][1], xy[1][1], xy[2][1], xy[3][1]], [1.0; 4]);
        let mut laterals = [xy[4], xy[5], xy[6]];
        laterals.sort_by(|a, b| a[1].total_cmp(&b[1]));
        assert_eq!(laterals, [[2.0, 0.0], [2.0, 2.0], [2.0, 3.0]]);
    }

    #[test]
    fn random_feeders_have_no_crossings_and_steps_of_one_column() {
        // Trees grown by attaching each node to an earlier one, mostly to the last few so that
        // they are long and branchy like feeders.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |m: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            ((state >> 33) as usize) % m
        };
        for _ in 0..50 {
            let n = 2 + next(300);
            let edges: Vec<(usize, usize, bool)> =
                (1..n).map(|i| (i, i - 1 - next(i.min(4)), true)).collect();
            let g = Graph::new(n, edges.iter().copied());
            let xy = layout(&g, &[0]);
            assert_eq!(crossings(&g, &xy), 0);
            for &(a, b, _) in &edges {
                assert_eq!((xy[a][0] - xy[b][0]).abs(), 1.0, "branch {a}-{b}");
            }
            let mut places: Vec<(i64, i64)> =
                xy.iter().map(|p| (p[0] as i64, p[1] as i64)).collect();
            places.sort_unstable();
            places.dedup();
            assert_eq!(places.len(), n, "two buses in one place");
        }
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
