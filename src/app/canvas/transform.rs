//! Pan and zoom: the `screen_from_grid` transform (diagram units → screen points) and the
//! operations on it. `p_screen = screen_from_grid * p_grid`.

use egui::emath::TSTransform;
use egui::{Pos2, Rect, Vec2};

/// Empty space left around the bus positions when fitting, in screen points: room for the
/// devices and labels of the outermost buses (more where a bus carries a long bar).
pub const FIT_MARGIN_PX: f32 = 64.0;
/// Zooming out stops when the whole diagram is this small on screen.
const SMALLEST_DIAGRAM_PX: f32 = 60.0;
/// Zooming in stops when one symbol (a fraction of a typical bus spacing) is this big.
const LARGEST_SYMBOL_PX: f32 = 400.0;
/// Zoom factor per point of mouse-wheel scroll.
const ZOOM_PER_SCROLL_PX: f32 = 1.0 / 200.0;

/// The transform that shows all of `bounds_grid` centred in `viewport`, `margin_px` from its
/// edges. A diagram with no extent (one bus) is shown as if it spanned four symbols; an empty
/// one (a new network) at one point per diagram unit, so new buses land where they are clicked
/// with sensible units.
pub fn fit(bounds_grid: Rect, symbol_grid: f32, viewport: Rect, margin_px: f32) -> TSTransform {
    if bounds_grid.size() == Vec2::ZERO && bounds_grid.min == Pos2::ZERO {
        return centred(Pos2::ZERO, 1.0, viewport);
    }
    let extent_grid = bounds_grid.size().max(Vec2::splat(symbol_grid * 4.0));
    let room_px = (viewport.size() - Vec2::splat(2.0 * margin_px)).max(Vec2::splat(1.0));
    let scale = (room_px.x / extent_grid.x).min(room_px.y / extent_grid.y);
    centred(bounds_grid.center(), scale, viewport)
}

/// The transform at `scale` that puts `grid` at the centre of `viewport`.
pub fn centred(grid: Pos2, scale: f32, viewport: Rect) -> TSTransform {
    TSTransform::new(viewport.center().to_vec2() - grid.to_vec2() * scale, scale)
}

/// Zooms by `factor` keeping the diagram point under `pointer` fixed on screen, within the
/// limits that keep the network findable and symbols sane.
pub fn zoom_about(
    screen_from_grid: TSTransform,
    pointer: Pos2,
    factor: f32,
    limits: ScaleLimits,
) -> TSTransform {
    let scale = (screen_from_grid.scaling * factor).clamp(limits.min, limits.max);
    let factor = scale / screen_from_grid.scaling;
    TSTransform::from_translation(pointer.to_vec2())
        * TSTransform::from_scaling(factor)
        * TSTransform::from_translation(-pointer.to_vec2())
        * screen_from_grid
}

/// Moves the diagram by `delta` screen points.
pub fn pan(screen_from_grid: TSTransform, delta: Vec2) -> TSTransform {
    TSTransform::from_translation(delta) * screen_from_grid
}

/// The zoom factor for this frame's wheel scroll and pinch (or ctrl-scroll) gesture.
pub fn zoom_factor(scroll_delta: Vec2, zoom_delta: f32) -> f32 {
    zoom_delta * (scroll_delta.y * ZOOM_PER_SCROLL_PX).exp()
}

/// Smallest and largest scale (screen points per diagram unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleLimits {
    pub min: f32,
    pub max: f32,
}

impl ScaleLimits {
    pub fn new(bounds_grid: Rect, symbol_grid: f32) -> Self {
        let extent_grid = bounds_grid.size().max_elem().max(symbol_grid);
        let max = LARGEST_SYMBOL_PX / symbol_grid.max(f32::EPSILON);
        let min = (SMALLEST_DIAGRAM_PX / extent_grid).min(max);
        ScaleLimits { min, max }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{pos2, vec2};

    #[test]
    fn fit_centres_and_contains_the_bounds() {
        let bounds = Rect::from_min_max(pos2(-150.0, 0.0), pos2(240.0, 400.0));
        let viewport = Rect::from_min_size(pos2(10.0, 20.0), vec2(800.0, 600.0));
        let t = fit(bounds, 50.0, viewport, FIT_MARGIN_PX);
        let shown = t * bounds;
        assert!(viewport.shrink(FIT_MARGIN_PX - 0.01).contains_rect(shown));
        assert!((shown.center() - viewport.center()).length() < 1e-3);
        assert!((shown.height() - (600.0 - 2.0 * FIT_MARGIN_PX)).abs() < 1e-3);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let t = TSTransform::new(vec2(30.0, -5.0), 1.5);
        let pointer = pos2(200.0, 120.0);
        let under = t.inverse() * pointer;
        let limits = ScaleLimits {
            min: 0.1,
            max: 10.0,
        };
        let zoomed = zoom_about(t, pointer, 2.0, limits);
        assert!((zoomed.scaling - 3.0).abs() < 1e-6);
        assert!(((zoomed * under) - pointer).length() < 1e-3);
        assert_eq!(zoom_about(t, pointer, 100.0, limits).scaling, 10.0);
    }

    #[test]
    fn pan_moves_every_point_by_the_drag() {
        let t = TSTransform::new(vec2(3.0, 4.0), 2.0);
        let p = pos2(10.0, 10.0);
        assert_eq!(pan(t, vec2(5.0, -2.0)) * p, (t * p) + vec2(5.0, -2.0));
        assert!(zoom_factor(vec2(0.0, 50.0), 1.0) > 1.0);
        assert!(zoom_factor(vec2(0.0, -50.0), 1.0) < 1.0);
    }
}
