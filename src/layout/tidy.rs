//! Buses that a drawing left on top of each other are pushed apart, so every bus can be told
//! apart: the last guarantee of a force-directed layout, for what untangling could not place.

use super::cells::Cells;

/// Moves free buses closer than `closest` to another apart (each pair shares the move, a
/// fixed bus does not move), a few rounds over cells `closest` wide.
pub fn push_apart(xy: &mut [[f64; 2]], fixed: &[bool], closest: f64) {
    const ROUNDS: usize = 30;
    for _ in 0..ROUNDS {
        let mut cells = Cells::new(closest);
        for (i, &p) in xy.iter().enumerate() {
            cells.insert_box(i, p, p);
        }
        let mut moved = false;
        for i in 0..xy.len() {
            let p = xy[i];
            let reach = (
                [p[0] - closest, p[1] - closest],
                [p[0] + closest, p[1] + closest],
            );
            for j in cells.near_box(reach.0, reach.1).filter(|&j| j > i) {
                moved |= separate(xy, fixed, i, j, closest);
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

/// The way from segment ab to p, square to it, if p lies alongside it (not beyond its ends).
pub fn from_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> Option<[f64; 2]> {
    let ab = [b[0] - a[0], b[1] - a[1]];
    let length2 = ab[0] * ab[0] + ab[1] * ab[1];
    if length2 <= 0.0 {
        return None;
    }
    let t = ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / length2;
    if !(0.0..=1.0).contains(&t) {
        return None;
    }
    Some([p[0] - (a[0] + t * ab[0]), p[1] - (a[1] + t * ab[1])])
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
    fn the_way_from_a_segment_is_square_to_it_and_none_beyond_its_ends() {
        let (a, b) = ([0.0, 0.0], [100.0, 0.0]);
        assert_eq!(from_segment([50.0, 3.0], a, b), Some([0.0, 3.0]));
        assert_eq!(from_segment([150.0, 0.0], a, b), None);
    }
}
