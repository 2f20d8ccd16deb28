//! A Barnes–Hut quadtree: the repulsion of all other points on one point, with distant groups
//! taken as one point at their centre of mass, in O(log n) per point.

/// Deepest a point is pushed down before coincident points share a cell.
const MAX_DEPTH: usize = 40;
/// No child.
const NONE: u32 = 0;
/// Cells still to visit in a walk: each level opened leaves at most three siblings waiting.
const STACK: usize = 4 * MAX_DEPTH + 4;

#[derive(Debug, Clone, Copy)]
struct Cell {
    center: [f64; 2],
    half: f64,
    /// Points in the cell, and the sum of their positions while the tree is built, their
    /// centre of mass after.
    mass: f64,
    sum: [f64; 2],
    children: [u32; 4],
    /// The one point of a leaf that holds exactly one.
    point: Option<usize>,
}

impl Cell {
    fn new(center: [f64; 2], half: f64) -> Self {
        Cell {
            center,
            half,
            mass: 0.0,
            sum: [0.0; 2],
            children: [NONE; 4],
            point: None,
        }
    }

    fn is_leaf(&self) -> bool {
        self.children == [NONE; 4]
    }

    fn quadrant(&self, p: [f64; 2]) -> usize {
        usize::from(p[0] >= self.center[0]) + 2 * usize::from(p[1] >= self.center[1])
    }
}

pub struct QuadTree {
    cells: Vec<Cell>,
}

impl QuadTree {
    pub fn new(points: &[[f64; 2]]) -> Self {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        let center = [0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])];
        let half = (0.5 * (hi[0] - lo[0]).max(hi[1] - lo[1])).max(1e-9) * 1.0001;
        let mut tree = QuadTree {
            cells: Vec::with_capacity(2 * points.len() + 1),
        };
        tree.cells.push(Cell::new(center, half));
        for (i, &p) in points.iter().enumerate() {
            tree.insert(i, p, points);
        }
        for cell in &mut tree.cells {
            if cell.mass > 0.0 {
                cell.sum = [cell.sum[0] / cell.mass, cell.sum[1] / cell.mass];
            }
        }
        tree
    }

    fn insert(&mut self, i: usize, p: [f64; 2], points: &[[f64; 2]]) {
        let mut c = 0;
        for depth in 0.. {
            let cell = &mut self.cells[c];
            cell.mass += 1.0;
            cell.sum[0] += p[0];
            cell.sum[1] += p[1];
            if cell.is_leaf() {
                if cell.mass == 1.0 {
                    cell.point = Some(i);
                    return;
                }
                if depth >= MAX_DEPTH {
                    // Coincident points: the cell keeps them together.
                    cell.point = None;
                    return;
                }
                // Split: the point already here moves down a level.
                if let Some(old) = cell.point.take() {
                    let q = points[old];
                    let child = self.child(c, q);
                    let cell = &mut self.cells[child];
                    cell.mass = 1.0;
                    cell.sum = q;
                    cell.point = Some(old);
                }
            }
            c = self.child(c, p);
        }
    }

    /// The child of cell `c` the point `p` falls in, made if missing.
    fn child(&mut self, c: usize, p: [f64; 2]) -> usize {
        let cell = self.cells[c];
        let q = cell.quadrant(p);
        if cell.children[q] != NONE {
            return cell.children[q] as usize;
        }
        let h = 0.5 * cell.half;
        let center = [
            cell.center[0] + if q & 1 == 1 { h } else { -h },
            cell.center[1] + if q & 2 == 2 { h } else { -h },
        ];
        self.cells.push(Cell::new(center, h));
        let index = self.cells.len() - 1;
        self.cells[c].children[q] = index as u32;
        index
    }

    /// Σ over other points j of (p − pⱼ) / |p − pⱼ|²: the direction and strength of
    /// repulsion on point `i` at `p` (groups seen under less than `theta` taken whole).
    pub fn repulsion(&self, i: usize, p: [f64; 2], theta: f64) -> [f64; 2] {
        let theta2 = theta * theta;
        let mut force = [0.0; 2];
        // A walk without allocating: this runs for every point on every sweep.
        let mut stack = [0u32; STACK];
        let mut top = 1;
        while top > 0 {
            top -= 1;
            let cell = &self.cells[stack[top] as usize];
            if cell.mass == 0.0 || (cell.point == Some(i) && cell.mass == 1.0) {
                continue;
            }
            let (mut mass, mut com) = (cell.mass, cell.sum);
            if cell.is_leaf() && cell.point.is_none() && contains(cell, p) {
                // A cell of coincident points, this one among them.
                mass -= 1.0;
                if mass <= 0.0 {
                    continue;
                }
                com = [
                    (com[0] * cell.mass - p[0]) / mass,
                    (com[1] * cell.mass - p[1]) / mass,
                ];
            }
            let d = [p[0] - com[0], p[1] - com[1]];
            let dist2 = d[0] * d[0] + d[1] * d[1];
            let far = 4.0 * cell.half * cell.half < theta2 * dist2;
            if cell.is_leaf() || far {
                if dist2 > 1e-18 {
                    force[0] += mass * d[0] / dist2;
                    force[1] += mass * d[1] / dist2;
                }
            } else {
                for &k in cell.children.iter().filter(|&&k| k != NONE) {
                    stack[top] = k;
                    top += 1;
                }
            }
        }
        force
    }
}

fn contains(cell: &Cell, p: [f64; 2]) -> bool {
    (p[0] - cell.center[0]).abs() <= cell.half && (p[1] - cell.center[1]).abs() <= cell.half
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(points: &[[f64; 2]], i: usize) -> [f64; 2] {
        let mut f = [0.0; 2];
        for (_, q) in points.iter().enumerate().filter(|&(j, _)| j != i) {
            let d = [points[i][0] - q[0], points[i][1] - q[1]];
            let d2 = d[0] * d[0] + d[1] * d[1];
            f = [f[0] + d[0] / d2, f[1] + d[1] / d2];
        }
        f
    }

    #[test]
    fn with_theta_zero_it_is_the_exact_sum_and_close_to_it_otherwise() {
        let points: Vec<[f64; 2]> = (0..200)
            .map(|i| {
                let t = i as f64 * 2.399_963;
                let r = (i as f64).sqrt();
                [r * t.cos(), r * t.sin()]
            })
            .collect();
        let tree = QuadTree::new(&points);
        for i in [0, 17, 199] {
            let want = exact(&points, i);
            let got = tree.repulsion(i, points[i], 0.0);
            assert!((got[0] - want[0]).abs() < 1e-9 && (got[1] - want[1]).abs() < 1e-9);
            let rough = tree.repulsion(i, points[i], 1.0);
            let size = want[0].hypot(want[1]).max(1.0);
            assert!(
                ((rough[0] - want[0]).hypot(rough[1] - want[1])) < 0.2 * size,
                "{i}"
            );
        }
    }

    #[test]
    fn coincident_points_do_not_break_it() {
        let points = vec![[1.0, 1.0]; 50];
        let tree = QuadTree::new(&points);
        let f = tree.repulsion(3, points[3], 1.0);
        assert!(f[0].is_finite() && f[1].is_finite());
    }
}
