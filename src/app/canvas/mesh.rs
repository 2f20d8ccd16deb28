//! A pen that writes anti-aliased lines, polygons, rectangles and circles straight into one
//! `egui::Mesh`.
//!
//! egui's tessellator costs about a microsecond per shape plus the shape bookkeeping; a crowded
//! view holds tens of thousands of lines, arrowheads and symbol strokes. Writing the triangles
//! ourselves into one mesh per layer is several times cheaper and is what keeps a
//! 16,000-branch network interactive. Edges fade out over one physical pixel (`feather_px`),
//! as egui's own tessellator does.

use std::f32::consts::TAU;

use egui::{Color32, Mesh, Pos2, Rect, Shape, Vec2, pos2};

/// Draws into one mesh.
pub struct Pen {
    mesh: Mesh,
    feather_px: f32,
}

impl Pen {
    pub fn new(feather_px: f32) -> Self {
        Pen {
            mesh: Mesh::default(),
            feather_px,
        }
    }

    /// A pen with room for about `count` lines or rectangles, so its mesh rarely grows.
    pub fn with_capacity(feather_px: f32, count: usize) -> Self {
        let mut pen = Pen::new(feather_px);
        pen.mesh.reserve_vertices(8 * count);
        pen.mesh.reserve_triangles(10 * count);
        pen
    }

    /// The mesh as a shape, or `None` when nothing was drawn.
    pub fn into_shape(self) -> Option<Shape> {
        (!self.mesh.is_empty()).then(|| Shape::mesh(self.mesh))
    }

    /// A straight line from `a` to `b`, `width_px` wide.
    pub fn line(&mut self, [a, b]: [Pos2; 2], width_px: f32, color: Color32) {
        let along = b - a;
        // `sqrt` of the squared length: `Vec2::length` uses `hypot`, several times slower.
        let length = along.length_sq().sqrt();
        if length <= f32::EPSILON {
            return;
        }
        let normal = along.rot90() / length;
        // A line thinner than a pixel is drawn one pixel wide and proportionally transparent,
        // so it keeps its visual weight without aliasing.
        let feather = self.feather_px;
        let (core, fringe, color) = if width_px > feather {
            (
                0.5 * (width_px - feather),
                0.5 * (width_px + feather),
                color,
            )
        } else {
            (0.0, feather, color.gamma_multiply(width_px / feather))
        };
        let mesh = &mut self.mesh;
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

    /// Consecutive lines through `points`.
    pub fn polyline(&mut self, points: &[Pos2], width_px: f32, color: Color32) {
        for pair in points.windows(2) {
            self.line([pair[0], pair[1]], width_px, color);
        }
    }

    /// A dashed line from `a` to `b`, drawn only where it crosses `clip`. The dash pattern is
    /// anchored at `a`, so dashes stay put while the view pans.
    pub fn dashed_line(
        &mut self,
        [a, b]: [Pos2; 2],
        clip: Rect,
        width_px: f32,
        color: Color32,
        [dash_px, gap_px]: [f32; 2],
    ) {
        let Some((t0, t1)) = clip_segment(clip, a, b) else {
            return;
        };
        let length = a.distance_sq(b).sqrt();
        if length <= f32::EPSILON {
            return;
        }
        let direction = (b - a) / length;
        let period = dash_px + gap_px;
        let mut start = (t0 * length / period).floor() * period;
        let end = t1 * length;
        while start < end {
            let stop = (start + dash_px).min(length);
            self.line(
                [a + direction * start.max(0.0), a + direction * stop],
                width_px,
                color,
            );
            start += period;
        }
    }

    /// A filled convex polygon (points in either winding); also right for a polygon that is
    /// star-shaped from its first point, such as a notched arrowhead.
    pub fn fill(&mut self, points: &[Pos2], color: Color32) {
        let n = points.len();
        if n < 3 {
            return;
        }
        // Outward normals need the winding: a positive signed area is clockwise on screen.
        let area2: f32 = (0..n)
            .map(|i| {
                let (p, q) = (points[i], points[(i + 1) % n]);
                p.x * q.y - q.x * p.y
            })
            .sum();
        let outward = if area2 > 0.0 { -1.0 } else { 1.0 };
        let edge_normal = |i: usize| -> Vec2 {
            let d = points[(i + 1) % n] - points[i];
            let length = d.length_sq().sqrt();
            if length > 0.0 {
                d.rot90() * (outward / length)
            } else {
                Vec2::ZERO
            }
        };
        let half_feather = 0.5 * self.feather_px;
        let mesh = &mut self.mesh;
        let base = mesh.vertices.len() as u32;
        let mut before = edge_normal(n - 1);
        for (i, &point) in points.iter().enumerate() {
            let after = edge_normal(i);
            let average = 0.5 * (before + after);
            // Dividing by the squared length turns the averaged normal into a miter offset.
            let miter = average / average.length_sq().max(0.1);
            mesh.colored_vertex(point - miter * half_feather, color);
            mesh.colored_vertex(point + miter * half_feather, Color32::TRANSPARENT);
            before = after;
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

    /// A filled axis-aligned rectangle (a cheaper special case of [`Pen::fill`]: every bus of a
    /// large network is one).
    pub fn rect(&mut self, rect: Rect, color: Color32) {
        let half_feather = 0.5 * self.feather_px;
        let (inner, outer) = (rect.shrink(half_feather), rect.expand(half_feather));
        let mesh = &mut self.mesh;
        let base = mesh.vertices.len() as u32;
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

    /// The outline of a rectangle, centred on its edges.
    pub fn rect_outline(&mut self, rect: Rect, width_px: f32, color: Color32) {
        // Each side runs half a width past the corners, so the corners are closed.
        let half = 0.5 * width_px;
        let (min, max) = (rect.min, rect.max);
        self.line(
            [pos2(min.x - half, min.y), pos2(max.x + half, min.y)],
            width_px,
            color,
        );
        self.line(
            [pos2(min.x - half, max.y), pos2(max.x + half, max.y)],
            width_px,
            color,
        );
        self.line(
            [pos2(min.x, min.y + half), pos2(min.x, max.y - half)],
            width_px,
            color,
        );
        self.line(
            [pos2(max.x, min.y + half), pos2(max.x, max.y - half)],
            width_px,
            color,
        );
    }

    /// A filled circle.
    pub fn disc(&mut self, center: Pos2, radius_px: f32, color: Color32) {
        let points = circle_points(center, radius_px);
        self.fill(&points, color);
    }

    /// A circle outline.
    pub fn ring(&mut self, center: Pos2, radius_px: f32, width_px: f32, color: Color32) {
        let mut points = circle_points(center, radius_px);
        points.push(points[0]);
        self.polyline(&points, width_px, color);
    }
}

/// Points around a circle, more for bigger circles.
fn circle_points(center: Pos2, radius_px: f32) -> Vec<Pos2> {
    let count = (radius_px * 1.5).clamp(8.0, 48.0) as usize;
    (0..count)
        .map(|i| center + radius_px * Vec2::angled(i as f32 * TAU / count as f32))
        .collect()
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

    fn mesh_of(draw: impl FnOnce(&mut Pen)) -> Mesh {
        let mut pen = Pen::new(1.0);
        draw(&mut pen);
        pen.mesh
    }

    #[test]
    fn primitives_make_valid_meshes() {
        let mesh = mesh_of(|pen| {
            pen.line([pos2(0.0, 0.0), pos2(10.0, 0.0)], 3.0, Color32::RED);
            pen.line([pos2(0.0, 0.0), pos2(0.0, 0.0)], 3.0, Color32::RED);
            pen.fill(
                &[pos2(0.0, 0.0), pos2(4.0, 0.0), pos2(2.0, 3.0)],
                Color32::RED,
            );
            pen.rect(
                Rect::from_min_max(pos2(0.0, 0.0), pos2(2.0, 1.0)),
                Color32::RED,
            );
        });
        assert!(mesh.is_valid());
        assert_eq!(mesh.vertices.len(), 8 + 6 + 8);
        // Line: 3 strips of 2; triangle: 1 + 2 per edge; rectangle: 2 + 2 per side.
        assert_eq!(mesh.indices.len(), 3 * (6 + 7 + 10));
        let circles = mesh_of(|pen| {
            pen.disc(pos2(5.0, 5.0), 4.0, Color32::RED);
            pen.ring(pos2(5.0, 5.0), 4.0, 1.0, Color32::RED);
        });
        assert!(circles.is_valid() && !circles.is_empty());
        assert!(Pen::new(1.0).into_shape().is_none());
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
        let mesh = mesh_of(|pen| {
            let ends = [pos2(0.0, 50.0), pos2(10_000.0, 50.0)];
            pen.dashed_line(ends, clip, 2.0, Color32::GRAY, [6.0, 4.0]);
        });
        // 100 visible points hold about ten 10-point periods.
        assert!((10..=12).contains(&(mesh.vertices.len() / 8)));
    }
}
