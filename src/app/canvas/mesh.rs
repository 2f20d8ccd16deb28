//! Anti-aliased primitives written straight into one `egui::Mesh`.
//!
//! Thousands of lines as separate shapes cost egui's tessellator about 0.13 µs each plus the
//! shape bookkeeping; writing the triangles ourselves into one mesh is several times cheaper
//! and what keeps a 16,000-branch network interactive. The edges fade out over `feather_px`
//! (one physical pixel), as egui's own tessellator does.

use egui::{Color32, Mesh, Pos2, Rect, Vec2};

/// Appends a straight line from `a` to `b`, `width_px` wide.
pub fn segment(mesh: &mut Mesh, [a, b]: [Pos2; 2], width_px: f32, color: Color32, feather_px: f32) {
    let along = b - a;
    // `sqrt` of the squared length: `Vec2::length` uses `hypot`, several times slower.
    let length = along.length_sq().sqrt();
    if length <= f32::EPSILON {
        return;
    }
    let normal = along.rot90() / length;
    // A line thinner than a pixel is drawn one pixel wide and proportionally transparent, so it
    // keeps its visual weight without aliasing.
    let (core, fringe, color) = if width_px > feather_px {
        (
            0.5 * (width_px - feather_px),
            0.5 * (width_px + feather_px),
            color,
        )
    } else {
        (0.0, feather_px, color.gamma_multiply(width_px / feather_px))
    };
    let base = mesh.vertices.len() as u32;
    for end in [a, b] {
        mesh.colored_vertex(end - normal * fringe, Color32::TRANSPARENT);
        mesh.colored_vertex(end - normal * core, color);
        mesh.colored_vertex(end + normal * core, color);
        mesh.colored_vertex(end + normal * fringe, Color32::TRANSPARENT);
    }
    for strip in 0..3 {
        let (i, j) = (base + strip, base + strip + 1);
        mesh.add_triangle(i, j, i + 4);
        mesh.add_triangle(j, j + 4, i + 4);
    }
}

/// Appends a dashed line from `a` to `b`, drawn only where it crosses `clip`. The dash pattern
/// is anchored at `a`, so dashes stay put while the view pans.
#[expect(clippy::too_many_arguments, reason = "a line's geometry and its style")]
pub fn dashed_segment(
    mesh: &mut Mesh,
    [a, b]: [Pos2; 2],
    clip: Rect,
    width_px: f32,
    color: Color32,
    feather_px: f32,
    dash_px: f32,
    gap_px: f32,
) {
    let Some((t0, t1)) = clip_segment(clip, a, b) else {
        return;
    };
    let length = a.distance(b);
    if length <= f32::EPSILON {
        return;
    }
    let direction = (b - a) / length;
    let period = dash_px + gap_px;
    let mut start = (t0 * length / period).floor() * period;
    let end = t1 * length;
    while start < end {
        let stop = (start + dash_px).min(length);
        segment(
            mesh,
            [a + direction * start.max(0.0), a + direction * stop],
            width_px,
            color,
            feather_px,
        );
        start += period;
    }
}

/// Appends a filled convex polygon (points in either winding).
pub fn convex(mesh: &mut Mesh, points: &[Pos2], color: Color32, feather_px: f32) {
    let n = points.len();
    if n < 3 {
        return;
    }
    // Outward normals need the winding: positive signed area means clockwise on screen (y down).
    let area2: f32 = (0..n)
        .map(|i| {
            let (p, q) = (points[i], points[(i + 1) % n]);
            p.x * q.y - q.x * p.y
        })
        .sum();
    let outward = if area2 > 0.0 { -1.0 } else { 1.0 };
    let edge_normal = |i: usize| -> Vec2 {
        let d = (points[(i + 1) % n] - points[i]).normalized();
        d.rot90() * outward
    };
    let base = mesh.vertices.len() as u32;
    for i in 0..n {
        let average = 0.5 * (edge_normal((i + n - 1) % n) + edge_normal(i));
        // Dividing by the squared length turns the averaged normal into a miter offset.
        let miter = average / average.length_sq().max(0.1);
        mesh.colored_vertex(points[i] - miter * (0.5 * feather_px), color);
        mesh.colored_vertex(points[i] + miter * (0.5 * feather_px), Color32::TRANSPARENT);
    }
    let inner = |i: usize| base + 2 * (i % n) as u32;
    let outer = |i: usize| inner(i) + 1;
    for i in 1..n - 1 {
        mesh.add_triangle(inner(0), inner(i), inner(i + 1));
    }
    for i in 0..n {
        mesh.add_triangle(inner(i), outer(i), inner(i + 1));
        mesh.add_triangle(outer(i), outer(i + 1), inner(i + 1));
    }
}

/// Appends a filled axis-aligned rectangle (a cheaper special case of [`convex`]: every bus of
/// a large network is one).
pub fn rect(mesh: &mut Mesh, rect: Rect, color: Color32, feather_px: f32) {
    let base = mesh.vertices.len() as u32;
    let (inner, outer) = (rect.shrink(0.5 * feather_px), rect.expand(0.5 * feather_px));
    for (p, q) in [
        (inner.left_top(), outer.left_top()),
        (inner.right_top(), outer.right_top()),
        (inner.right_bottom(), outer.right_bottom()),
        (inner.left_bottom(), outer.left_bottom()),
    ] {
        mesh.colored_vertex(p, color);
        mesh.colored_vertex(q, Color32::TRANSPARENT);
    }
    mesh.add_triangle(base, base + 2, base + 4);
    mesh.add_triangle(base, base + 4, base + 6);
    for corner in 0..4 {
        let (i, j) = (base + 2 * corner, base + 2 * ((corner + 1) % 4));
        mesh.add_triangle(i, i + 1, j);
        mesh.add_triangle(i + 1, j + 1, j);
    }
}

/// Makes room for `count` segments (or rectangles) in `mesh`, so it grows once per frame.
pub fn reserve(mesh: &mut Mesh, count: usize) {
    mesh.reserve_vertices(8 * count);
    mesh.reserve_triangles(10 * count);
}

/// The part of the segment `a`→`b` inside `rect`, as parameters `0 ≤ t0 ≤ t1 ≤ 1` along it
/// (Liang–Barsky), or `None` when it misses the rectangle.
pub fn clip_segment(rect: Rect, a: Pos2, b: Pos2) -> Option<(f32, f32)> {
    let d = b - a;
    let (mut t0, mut t1) = (0.0_f32, 1.0_f32);
    for (p, q) in [
        (-d.x, a.x - rect.min.x),
        (d.x, rect.max.x - a.x),
        (-d.y, a.y - rect.min.y),
        (d.y, rect.max.y - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn primitives_make_valid_meshes() {
        let mut mesh = Mesh::default();
        segment(
            &mut mesh,
            [pos2(0.0, 0.0), pos2(10.0, 0.0)],
            3.0,
            Color32::RED,
            1.0,
        );
        segment(
            &mut mesh,
            [pos2(0.0, 0.0), pos2(0.0, 0.0)],
            3.0,
            Color32::RED,
            1.0,
        );
        convex(
            &mut mesh,
            &[pos2(0.0, 0.0), pos2(4.0, 0.0), pos2(2.0, 3.0)],
            Color32::RED,
            1.0,
        );
        rect(
            &mut mesh,
            Rect::from_min_max(pos2(0.0, 0.0), pos2(2.0, 1.0)),
            Color32::RED,
            1.0,
        );
        assert!(mesh.is_valid());
        assert_eq!(mesh.vertices.len(), 8 + 6 + 8);
        assert_eq!(mesh.indices.len(), 3 * (6 + 4 + 10));
    }

    #[test]
    fn clipping_keeps_the_inside_part() {
        let r = Rect::from_min_max(pos2(0.0, 0.0), pos2(10.0, 10.0));
        assert_eq!(
            clip_segment(r, pos2(-10.0, 5.0), pos2(20.0, 5.0)),
            Some((1.0 / 3.0, 2.0 / 3.0))
        );
        assert_eq!(clip_segment(r, pos2(-10.0, -5.0), pos2(20.0, -5.0)), None);
        assert_eq!(
            clip_segment(r, pos2(1.0, 1.0), pos2(2.0, 2.0)),
            Some((0.0, 1.0))
        );
    }

    #[test]
    fn dashes_only_where_visible() {
        let clip = Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 100.0));
        let mut mesh = Mesh::default();
        dashed_segment(
            &mut mesh,
            [pos2(0.0, 50.0), pos2(10_000.0, 50.0)],
            clip,
            2.0,
            Color32::GRAY,
            1.0,
            6.0,
            4.0,
        );
        // 100 visible points hold about ten 10-point periods.
        assert!((10..=12).contains(&(mesh.vertices.len() / 8)));
    }
}
