//! What is under the pointer: the nearest bus or device within a few points, else the nearest
//! branch. Runs on the frame's scene, so only what is on screen is searched.

use egui::{Pos2, Rect, Vec2};

use super::Element;
use super::scene::Scene;

/// How far from a symbol a click still selects it.
const SLOP_PX: f32 = 5.0;

/// The element at `pointer`, if any.
pub fn hit(scene: &Scene, pointer: Pos2) -> Option<Element> {
    nearest_symbol(scene, pointer).or_else(|| nearest_branch(scene, pointer))
}

/// The nearest bus bar or device glyph within reach.
fn nearest_symbol(scene: &Scene, pointer: Pos2) -> Option<Element> {
    let glyph_radius = 0.5 * scene.lod.glyph_px();
    let devices = scene.devices.iter().map(|d| {
        let distance = (d.center.distance(pointer) - glyph_radius).max(0.0);
        (distance, Element::Device(d.index))
    });
    let buses = scene
        .buses
        .iter()
        .map(|b| (rect_distance(b.bar, pointer), Element::Bus(b.index)));
    devices
        .chain(buses)
        .filter(|(distance, _)| *distance <= SLOP_PX)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, element)| element)
}

/// The nearest branch within reach of its line (its width is at most `thick`).
fn nearest_branch(scene: &Scene, pointer: Pos2) -> Option<Element> {
    let (_, thick) = scene.lod.branch_width_range_px();
    let reach = 0.5 * thick + SLOP_PX;
    scene
        .branches
        .iter()
        .map(|b| (segment_distance(b.ends, pointer), b.index))
        .filter(|(distance, _)| *distance <= reach)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| Element::Branch(k))
}

/// Distance from `p` to the rectangle (0 inside).
fn rect_distance(rect: Rect, p: Pos2) -> f32 {
    let outside = Vec2::new(
        (rect.min.x - p.x).max(p.x - rect.max.x).max(0.0),
        (rect.min.y - p.y).max(p.y - rect.max.y).max(0.0),
    );
    outside.length()
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance([a, b]: [Pos2; 2], p: Pos2) -> f32 {
    let ab = b - a;
    let length_sq = ab.length_sq();
    let t = if length_sq > 0.0 {
        ((p - a).dot(ab) / length_sq).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance(a + t * ab)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn distances() {
        let r = Rect::from_min_max(pos2(0.0, 0.0), pos2(10.0, 2.0));
        assert_eq!(rect_distance(r, pos2(5.0, 1.0)), 0.0);
        assert_eq!(rect_distance(r, pos2(13.0, 6.0)), 5.0);
        let s = [pos2(0.0, 0.0), pos2(10.0, 0.0)];
        assert_eq!(segment_distance(s, pos2(5.0, 3.0)), 3.0);
        assert_eq!(segment_distance(s, pos2(-3.0, 4.0)), 5.0);
    }
}
