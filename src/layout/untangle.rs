//! The last step of a force-directed drawing. Each free bus in turn tries a few places near its
//! neighbours (their middle, rings around it, its mirror image across them) and moves to the
//! one where its own branches cross the fewest others, if that is fewer than now. A place must
//! be clear: no other bus nearer than `closest` and no branch the bus is not on nearer than
//! `clearance`. A bus whose place is not clear tries small moves around it as well and takes
//! the best clear place, whatever it crosses. Moving one bus changes only the crossings of its
//! own branches, so the drawing's count falls with every move of a clear bus; rounds repeat
//! while they gain enough.

use std::f64::consts::TAU;
use std::sync::atomic::{AtomicBool, Ordering};

use super::Cancelled;
use super::cells::Cells;
use super::graph::{Graph, segments_cross};
use super::tidy::from_segment;

/// Rounds at most, and the least share of the crossings a round must remove to earn another.
const ROUNDS: usize = 8;
const WORTH_A_ROUND: f64 = 0.005;
/// Places tried on each ring.
const RING: usize = 12;

/// How much room a bus needs: from other buses, and from branches it is not on.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    pub closest: f64,
    pub clearance: f64,
}

/// Moves free buses of the drawing `xy` (branches about `natural` long) to clear places where
/// their branches cross fewer others.
pub fn untangle(
    graph: &Graph,
    xy: &mut [[f64; 2]],
    fixed: &[bool],
    natural: f64,
    room: Room,
    progress: &dyn Fn(f64),
    cancel: &AtomicBool,
) -> Result<(), Cancelled> {
    let mut drawing = Drawing::new(graph, xy, natural, room);
    // Counted from each end of both branches, a crossing is counted four times.
    let mut crossings = (0..xy.len())
        .map(|v| drawing.crossings_at(v, drawing.xy[v], usize::MAX))
        .sum::<usize>() as i64
        / 4;
    for round in 0..ROUNDS {
        let mut gained = 0;
        for v in (0..xy.len()).filter(|&v| !fixed[v]) {
            if cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
            gained += drawing.improve(graph, v);
        }
        progress((round + 1) as f64 / ROUNDS as f64);
        if (gained as f64) < WORTH_A_ROUND * crossings as f64 {
            break;
        }
        crossings -= gained;
    }
    xy.copy_from_slice(&drawing.xy);
    Ok(())
}

/// A drawing's positions with its branches and buses filed by cell.
struct Drawing {
    xy: Vec<[f64; 2]>,
    edges: Vec<(usize, usize)>,
    /// The edges at each node.
    incident: Vec<Vec<usize>>,
    natural: f64,
    room: Room,
    edge_cells: Cells,
    node_cells: Cells,
    /// Which query last saw each edge, so an edge filed in several cells is counted once.
    seen: Vec<u64>,
    query: u64,
}

impl Drawing {
    fn new(graph: &Graph, xy: &[[f64; 2]], natural: f64, room: Room) -> Self {
        let edges: Vec<(usize, usize)> = graph.edges().collect();
        let mut incident = vec![Vec::new(); graph.len()];
        let mut edge_cells = Cells::new(natural);
        for (e, &(a, b)) in edges.iter().enumerate() {
            incident[a].push(e);
            incident[b].push(e);
            edge_cells.insert_box(e, xy[a], xy[b]);
        }
        let mut node_cells = Cells::new(natural);
        for (v, &p) in xy.iter().enumerate() {
            node_cells.insert_box(v, p, p);
        }
        Drawing {
            xy: xy.to_vec(),
            seen: vec![0; edges.len()],
            edges,
            incident,
            natural,
            room,
            edge_cells,
            node_cells,
            query: 0,
        }
    }

    /// Moves `v` to the clear place tried where its branches cross the fewest others, if
    /// fewer than now or if its place is not clear; returns how many crossings that removed
    /// (fewer than none when a bus had to move to be clear).
    fn improve(&mut self, graph: &Graph, v: usize) -> i64 {
        let here = self.xy[v];
        let clear = self.is_clear(v, here);
        let now = self.crossings_at(v, here, usize::MAX);
        if clear && now == 0 {
            return 0;
        }
        let (mut best, mut best_at) = (if clear { now } else { usize::MAX }, None);
        for p in self.places_to_try(graph, v, clear) {
            if !self.is_clear(v, p) {
                continue;
            }
            let count = self.crossings_at(v, p, best);
            if count < best {
                (best, best_at) = (count, Some(p));
            }
        }
        let Some(p) = best_at else {
            return 0;
        };
        self.move_node(v, p);
        now as i64 - best as i64
    }

    /// The middle of the neighbours, rings around it (around the one neighbour of a leaf, at
    /// a branch's length and half that), and the mirror image of `v` across the middle; for a
    /// bus whose place is not clear, small moves around where it is first.
    fn places_to_try(&self, graph: &Graph, v: usize, clear: bool) -> Vec<[f64; 2]> {
        let here = self.xy[v];
        let neighbours = graph.neighbours(v);
        let mut places = Vec::with_capacity(6 * RING + 2);
        if !clear {
            // Small moves: a bus with many long branches sweeps them across many others.
            let Room { closest, clearance } = self.room;
            for r in [clearance, closest, 2.0 * closest, 4.0 * closest] {
                places.extend(ring(here, r));
            }
        }
        if neighbours.is_empty() {
            return places;
        }
        let m = neighbours.len() as f64;
        let [sx, sy] = neighbours.iter().fold([0.0, 0.0], |s, &u| {
            [s[0] + self.xy[u][0], s[1] + self.xy[u][1]]
        });
        let middle = [sx / m, sy / m];
        let radius = if neighbours.len() == 1 {
            self.natural
        } else {
            0.5 * self.natural
        };
        if neighbours.len() > 1 {
            places.push(middle);
        }
        places.push([2.0 * middle[0] - here[0], 2.0 * middle[1] - here[1]]);
        places.extend(ring(middle, radius));
        places.extend(ring(middle, 0.5 * radius));
        places
    }

    /// Whether `v` at `p` has its room: no other bus within `closest` and no branch it is
    /// not on within `clearance`. (Its own branches may pass near other buses: those are not
    /// clear then, and move in their turn.)
    fn is_clear(&self, v: usize, p: [f64; 2]) -> bool {
        let Room { closest, clearance } = self.room;
        let (lo, hi) = (
            [p[0] - closest, p[1] - closest],
            [p[0] + closest, p[1] + closest],
        );
        let crowded = self
            .node_cells
            .near_box(lo, hi)
            .any(|u| u != v && distance(self.xy[u], p) < closest);
        let (lo, hi) = (
            [p[0] - clearance, p[1] - clearance],
            [p[0] + clearance, p[1] + clearance],
        );
        let on_a_branch = || {
            self.edge_cells.near_box(lo, hi).any(|e| {
                let (a, b) = self.edges[e];
                a != v
                    && b != v
                    && from_segment(p, self.xy[a], self.xy[b])
                        .is_some_and(|d| d[0].hypot(d[1]) < clearance)
            })
        };
        !crowded && !on_a_branch()
    }

    fn move_node(&mut self, v: usize, p: [f64; 2]) {
        for &e in &self.incident[v] {
            let (a, b) = self.edges[e];
            self.edge_cells.remove_box(e, self.xy[a], self.xy[b]);
        }
        self.node_cells.remove_box(v, self.xy[v], self.xy[v]);
        self.xy[v] = p;
        self.node_cells.insert_box(v, p, p);
        for &e in &self.incident[v] {
            let (a, b) = self.edges[e];
            self.edge_cells.insert_box(e, self.xy[a], self.xy[b]);
        }
    }

    /// How many branches the branches of `v` would cross with `v` at `p`; counting stops at
    /// `enough`.
    fn crossings_at(&mut self, v: usize, p: [f64; 2], enough: usize) -> usize {
        let mut count = 0;
        for k in 0..self.incident[v].len() {
            let (a, b) = self.edges[self.incident[v][k]];
            let u = if a == v { b } else { a };
            count += self.crossings_of_segment(v, u, p, enough - count);
            if count >= enough {
                break;
            }
        }
        count
    }

    /// Crossings of the segment from `v` (put at `p`) to `u` with branches at neither.
    fn crossings_of_segment(&mut self, v: usize, u: usize, p: [f64; 2], enough: usize) -> usize {
        self.query += 1;
        let q = self.xy[u];
        let mut count = 0;
        for e in self.edge_cells.near_box(p, q) {
            if self.seen[e] == self.query {
                continue;
            }
            self.seen[e] = self.query;
            let (a, b) = self.edges[e];
            if a == v || b == v || a == u || b == u {
                continue;
            }
            if segments_cross(p, q, self.xy[a], self.xy[b]) {
                count += 1;
                if count >= enough {
                    break;
                }
            }
        }
        count
    }
}

/// `RING` places evenly around `centre`.
fn ring(centre: [f64; 2], radius: f64) -> impl Iterator<Item = [f64; 2]> {
    (0..RING).map(move |k| {
        let t = TAU * k as f64 / RING as f64;
        [centre[0] + radius * t.cos(), centre[1] + radius * t.sin()]
    })
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::graph::crossings;

    const ROOM: Room = Room {
        closest: 25.0,
        clearance: 6.0,
    };

    fn untangled(graph: &Graph, xy: &[[f64; 2]], fixed: &[bool]) -> Vec<[f64; 2]> {
        let mut xy = xy.to_vec();
        let never = AtomicBool::new(false);
        untangle(graph, &mut xy, fixed, 100.0, ROOM, &|_| {}, &never).unwrap();
        xy
    }

    #[test]
    fn a_leaf_drawn_across_a_branch_is_moved_clear_of_it() {
        // Branch 0-1 along the x-axis; bus 3 hangs from bus 2 below it, drawn above it.
        let graph = Graph::new(4, [(0, 1, true), (2, 3, true)]);
        let xy = [[0.0, 0.0], [100.0, 0.0], [50.0, -50.0], [50.0, 50.0]];
        let fixed = [true, true, true, false];
        assert_eq!(crossings(&graph, &xy), 1);
        let after = untangled(&graph, &xy, &fixed);
        assert_eq!(crossings(&graph, &after), 0);
        assert_eq!(&after[..3], &xy[..3], "fixed buses stay");
    }

    #[test]
    fn a_bus_on_a_branch_it_is_not_on_or_on_another_bus_is_moved_off() {
        // Bus 2 lies on branch 0-1; bus 4 sits on bus 3.
        let graph = Graph::new(5, [(0, 1, true), (2, 3, true), (3, 4, true)]);
        let xy = [
            [0.0, 0.0],
            [100.0, 0.0],
            [50.0, 1.0],
            [50.0, 100.0],
            [52.0, 100.0],
        ];
        let fixed = [true, true, false, true, false];
        let after = untangled(&graph, &xy, &fixed);
        assert!(after[2][1].abs() >= ROOM.clearance, "{:?}", after[2]);
        assert!(
            distance(after[4], after[3]) >= ROOM.closest,
            "{:?}",
            after[4]
        );
        assert_eq!(crossings(&graph, &after), 0);
    }

    #[test]
    fn a_clear_drawing_without_crossings_is_left_alone_and_a_cancel_stops_it() {
        let graph = Graph::new(3, [(0, 1, true), (1, 2, true)]);
        let xy = [[0.0, 0.0], [100.0, 0.0], [200.0, 30.0]];
        assert_eq!(untangled(&graph, &xy, &[false; 3]), xy.to_vec());
        let mut moved = xy.to_vec();
        let cancelled = AtomicBool::new(true);
        let result = untangle(
            &graph,
            &mut moved,
            &[false; 3],
            100.0,
            ROOM,
            &|_| {},
            &cancelled,
        );
        assert_eq!(result, Err(Cancelled));
    }
}
