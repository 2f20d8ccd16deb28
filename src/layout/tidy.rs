//! Finishing touches on a force-directed drawing: buses that ended up on top of each other, or
//! on a branch they do not belong to, are moved apart, so every bus and line can be told apart.

use std::collections::HashMap;

use super::graph::Graph;

/// Moves free buses closer than `closest` to another apart (each pair shares the move, a
/// fixed bus does not move), a few rounds over a grid of cells `closest` wide.
pub fn push_apart(xy: &mut [[f64; 2]], fixed: &[bool], closest: f64) {
    const ROUNDS: usize = 30;
    let cell = |p: [f64; 2]| {
        (
            (p[0] / closest).floor() as i64,
            (p[1] / closest).floor() as i64,
        )
    };
    for _ in 0..ROUNDS {
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
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

/// Moves free buses nearer than `clearance` to a branch they are not on away from it, square
/// to the branch, a few rounds over a grid of cells a branch's length wide.
pub fn off_branches(graph: &Graph, xy: &mut [[f64; 2]], fixed: &[bool], clearance: f64) {
    const ROUNDS: usize = 4;
    let segments: Vec<(usize, usize)> = graph.edges().collect();
    let Some(cell_size) = typical_length(&segments, xy) else {
        return;
    };
    let cell = |p: [f64; 2]| {
        (
            (p[0] / cell_size).floor() as i64,
            (p[1] / cell_size).floor() as i64,
        )
    };
    for _ in 0..ROUNDS {
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (s, &(a, b)) in segments.iter().enumerate() {
            let (lo, hi) = (cell(min2(xy[a], xy[b])), cell(max2(xy[a], xy[b])));
            // Very long branches are left out: they cross many cells and rarely matter.
            if (hi.0 - lo.0 + 1) * (hi.1 - lo.1 + 1) > 64 {
                continue;
            }
            for x in lo.0..=hi.0 {
                for y in lo.1..=hi.1 {
                    grid.entry((x, y)).or_default().push(s);
                }
            }
        }
        let mut moved = false;
        for bus in (0..xy.len()).filter(|&i| !fixed[i]) {
            let Some(near) = grid.get(&cell(xy[bus])) else {
                continue;
            };
            for &s in near {
                let (a, b) = segments[s];
                if bus == a || bus == b {
                    continue;
                }
                if let Some(away) = push_off(xy[bus], xy[a], xy[b], clearance) {
                    xy[bus] = [xy[bus][0] + away[0], xy[bus][1] + away[1]];
                    moved = true;
                }
            }
        }
        if !moved {
            return;
        }
    }
}

/// The move that takes point p to `clearance` from segment ab, if it is nearer (and lies
/// alongside it, not beyond its ends).
fn push_off(p: [f64; 2], a: [f64; 2], b: [f64; 2], clearance: f64) -> Option<[f64; 2]> {
    let ab = [b[0] - a[0], b[1] - a[1]];
    let length2 = ab[0] * ab[0] + ab[1] * ab[1];
    if length2 <= 0.0 {
        return None;
    }
    let t = ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / length2;
    if !(0.0..=1.0).contains(&t) {
        return None;
    }
    let foot = [a[0] + t * ab[0], a[1] + t * ab[1]];
    let d = [p[0] - foot[0], p[1] - foot[1]];
    let dist = d[0].hypot(d[1]);
    if dist >= clearance {
        return None;
    }
    // Square to the branch, on the side the bus is on (either side when it is on the line).
    let length = length2.sqrt();
    let normal = [-ab[1] / length, ab[0] / length];
    let side = if d[0] * normal[0] + d[1] * normal[1] < 0.0 {
        -1.0
    } else {
        1.0
    };
    let step = clearance - dist;
    Some([side * normal[0] * step, side * normal[1] * step])
}

fn typical_length(segments: &[(usize, usize)], xy: &[[f64; 2]]) -> Option<f64> {
    let mut lengths: Vec<f64> = segments
        .iter()
        .map(|&(a, b)| (xy[a][0] - xy[b][0]).hypot(xy[a][1] - xy[b][1]))
        .filter(|l| *l > 0.0)
        .collect();
    lengths.sort_by(f64::total_cmp);
    lengths.get(lengths.len() / 2).copied()
}

fn min2(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0].min(b[0]), a[1].min(b[1])]
}

fn max2(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0].max(b[0]), a[1].max(b[1])]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
        (a[0] - b[0]).hypot(a[1] - b[1])
    }

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

    #[test]
    fn a_bus_on_a_branch_it_is_not_on_is_moved_off_it() {
        // Branch 0-1 along the x-axis; bus 2 lies on it, bus 3 beyond its end.
        let graph = Graph::new(4, [(0, 1, true), (2, 3, true)]);
        let mut xy = vec![[0.0, 0.0], [100.0, 0.0], [50.0, 1.0], [150.0, 0.0]];
        let fixed = [true, true, false, false];
        off_branches(&graph, &mut xy, &fixed, 8.0);
        assert!(
            (xy[2][1] - 8.0).abs() < 1e-9 && xy[2][0] == 50.0,
            "{:?}",
            xy[2]
        );
        assert_eq!(xy[3], [150.0, 0.0], "beyond the branch's end: not on it");
        assert_eq!((xy[0], xy[1]), ([0.0, 0.0], [100.0, 0.0]));
    }
}
