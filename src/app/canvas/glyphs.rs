//! Device symbols, each drawn in a square of side `size` centred on `center`, and the small
//! active-power bar beside them.

use std::f32::consts::{FRAC_PI_4, TAU};

use egui::{Color32, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use super::style;
use crate::model::{Device, RenewableSource};

/// What a glyph needs to know beyond the device's kind.
#[derive(Debug, Clone, Copy)]
pub struct GlyphStyle {
    pub size: f32,
    /// +1 when the device hangs below its bus, −1 above: a load's arrow points away.
    pub side: f32,
    pub stroke: Stroke,
    /// Hides what lies under a closed symbol.
    pub fill: Color32,
    /// Rotor angle of a wind turbine.
    pub rotor_rad: f32,
    /// State of charge of a storage unit (0..1).
    pub soc: f32,
}

/// Appends the symbol of `device`.
pub fn glyph(out: &mut Vec<Shape>, device: &Device, center: Pos2, style: &GlyphStyle) {
    match device {
        Device::Load(_) => load(out, center, style),
        Device::Generator(_) => generator(out, center, style),
        Device::Renewable(r) if r.source == RenewableSource::Solar => sun(out, center, style),
        Device::Renewable(_) => turbine(out, center, style),
        Device::Storage(_) => battery(out, center, style),
        Device::ExternalGrid(_) => grid(out, center, style),
        Device::Shunt(_) => capacitor(out, center, style),
    }
}

/// An arrow leaving the bus: power drawn out of the grid.
fn load(out: &mut Vec<Shape>, c: Pos2, s: &GlyphStyle) {
    let down = vec2(0.0, s.side * s.size);
    let tip = c + 0.5 * down;
    out.push(Shape::line_segment(
        [c - 0.5 * down, tip - 0.3 * down],
        s.stroke,
    ));
    let half = 0.25 * s.size;
    out.push(Shape::convex_polygon(
        vec![
            tip,
            tip - 0.4 * down + vec2(half, 0.0),
            tip - 0.4 * down - vec2(half, 0.0),
        ],
        s.stroke.color,
        Stroke::NONE,
    ));
}

/// A circle with one period of a sine wave inside.
fn generator(out: &mut Vec<Shape>, c: Pos2, s: &GlyphStyle) {
    let r = 0.45 * s.size;
    out.push(Shape::circle_filled(c, r, s.fill));
    out.push(Shape::circle_stroke(c, r, s.stroke));
    let wave: Vec<Pos2> = (0..=16)
        .map(|i| {
            let t = i as f32 / 16.0;
            c + vec2((t - 0.5) * 1.2 * r, -0.35 * r * (t * TAU).sin())
        })
        .collect();
    out.push(Shape::line(wave, s.stroke));
}

/// A sun: a yellow disc with eight rays.
fn sun(out: &mut Vec<Shape>, c: Pos2, s: &GlyphStyle) {
    let r = 0.22 * s.size;
    out.push(Shape::circle_filled(c, r, style::SOLAR_YELLOW));
    out.push(Shape::circle_stroke(c, r, s.stroke));
    for k in 0..8 {
        let d = Vec2::angled(k as f32 * FRAC_PI_4);
        out.push(Shape::line_segment(
            [c + d * (r + 0.08 * s.size), c + d * 0.5 * s.size],
            s.stroke,
        ));
    }
}

/// A three-blade turbine on a mast; the rotor turns with the output.
fn turbine(out: &mut Vec<Shape>, c: Pos2, s: &GlyphStyle) {
    let hub = c - vec2(0.0, 0.12 * s.size);
    out.push(Shape::line_segment(
        [hub, c + vec2(0.0, 0.5 * s.size)],
        s.stroke,
    ));
    for k in 0..3 {
        let d = Vec2::angled(s.rotor_rad + k as f32 * TAU / 3.0);
        let tip = hub + d * 0.4 * s.size;
        let root_side = d.rot90() * 0.06 * s.size;
        out.push(Shape::convex_polygon(
            vec![hub + root_side, tip, hub - root_side],
            s.stroke.color,
            Stroke::NONE,
        ));
    }
    out.push(Shape::circle_filled(hub, 0.07 * s.size, s.stroke.color));
}

/// A battery filled to its state of charge (red when nearly empty).
fn battery(out: &mut Vec<Shape>, c: Pos2, s: &GlyphStyle) {
    let body = Rect::from_center_size(c - vec2(0.04 * s.size, 0.0), vec2(0.8, 0.5) * s.size);
    let nub = Rect::from_min_size(
        body.right_center() - vec2(0.0, 0.1 * s.size),
        vec2(0.08, 0.2) * s.size,
    );
    out.push(Shape::rect_filled(body, 1.0, s.fill));
    let charge = Rect::from_min_max(
        body.min,
        pos2(
            body.min.x + body.width() * s.soc.clamp(0.0, 1.0),
            body.max.y,
        ),
    )
    .shrink(1.5);
    let charge_color = if s.soc < 0.1 {
        Color32::from_rgb(220, 60, 50)
    } else {
        Color32::from_rgb(70, 180, 90)
    };
    if charge.is_positive() {
        out.push(Shape::rect_filled(charge, 0.0, charge_color));
    }
    out.push(Shape::rect_stroke(
        body,
        1.0,
        s.stroke,
        egui::StrokeKind::Middle,
    ));
    out.push(Shape::rect_filled(nub, 0.0, s.stroke.color));
}

/// The external grid: a square with a lattice.
fn grid(out: &mut Vec<Shape>, c: Pos2, s: &GlyphStyle) {
    let square = Rect::from_center_size(c, Vec2::splat(0.8 * s.size));
    out.push(Shape::rect_filled(square, 0.0, s.fill));
    let (min, max) = (square.min, square.max);
    out.push(Shape::line_segment([min, max], s.stroke));
    out.push(Shape::line_segment(
        [pos2(min.x, max.y), pos2(max.x, min.y)],
        s.stroke,
    ));
    out.push(Shape::line_segment(
        [square.left_center(), square.right_center()],
        s.stroke,
    ));
    out.push(Shape::line_segment(
        [square.center_top(), square.center_bottom()],
        s.stroke,
    ));
    out.push(Shape::rect_stroke(
        square,
        0.0,
        s.stroke,
        egui::StrokeKind::Middle,
    ));
}

/// A capacitor to ground: lead, two plates, lead, ground bars.
fn capacitor(out: &mut Vec<Shape>, c: Pos2, s: &GlyphStyle) {
    let down = vec2(0.0, s.side * s.size);
    let across = vec2(0.3 * s.size, 0.0);
    let (plate_a, plate_b) = (c - 0.08 * down, c + 0.08 * down);
    out.push(Shape::line_segment([c - 0.5 * down, plate_a], s.stroke));
    out.push(Shape::line_segment(
        [plate_a - across, plate_a + across],
        s.stroke,
    ));
    out.push(Shape::line_segment(
        [plate_b - across, plate_b + across],
        s.stroke,
    ));
    let ground = c + 0.35 * down;
    out.push(Shape::line_segment([plate_b, ground], s.stroke));
    for (k, width) in [0.7_f32, 0.45, 0.2].into_iter().enumerate() {
        let at = ground + 0.07 * k as f32 * down;
        out.push(Shape::line_segment(
            [at - across * width, at + across * width],
            s.stroke,
        ));
    }
}

/// The active-power bar: `fraction` of `rect` filled with `fill`, and for a renewable unit the
/// rest of its capability hatched (power it could give but does not: curtailed or not
/// available; the state does not tell which).
pub fn power_bar(
    out: &mut Vec<Shape>,
    rect: Rect,
    fraction: f32,
    fill: Color32,
    hatch_rest: bool,
    outline: Stroke,
) {
    let fraction = fraction.clamp(0.0, 1.0);
    let split = rect.min.x + rect.width() * fraction;
    out.push(Shape::rect_filled(
        Rect::from_min_max(rect.min, pos2(split, rect.max.y)),
        0.0,
        fill,
    ));
    if hatch_rest && split < rect.max.x {
        hatch(out, Rect::from_min_max(pos2(split, rect.min.y), rect.max));
    }
    out.push(Shape::rect_stroke(
        rect,
        0.0,
        outline,
        egui::StrokeKind::Outside,
    ));
}

/// Diagonal strokes across `rect`, clipped to it.
fn hatch(out: &mut Vec<Shape>, rect: Rect) {
    let step = 3.0;
    let stroke = Stroke::new(1.0, style::CURTAILED_HATCH);
    let mut x = rect.min.x - rect.height();
    while x < rect.max.x {
        // Each stroke rises one bar height over one bar height of width, cut to the rectangle.
        let (x0, x1) = (x.max(rect.min.x), (x + rect.height()).min(rect.max.x));
        if x1 > x0 {
            let y = |x_at: f32| rect.max.y - (x_at - x);
            out.push(Shape::line_segment(
                [pos2(x0, y(x0)), pos2(x1, y(x1))],
                stroke,
            ));
        }
        x += step;
    }
}
