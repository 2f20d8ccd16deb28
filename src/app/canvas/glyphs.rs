//! Device symbols, each drawn in a square of side `size` centred on `center`, and the small
//! active-power bar beside them. Everything goes into the devices' mesh: a crowded view shows
//! thousands of symbols.

use std::f32::consts::{FRAC_PI_4, TAU};

use egui::{Color32, Pos2, Rect, Vec2, pos2, vec2};

use super::mesh::Pen;
use super::style;
use crate::model::{Device, RenewableSource};

/// What a glyph needs to know beyond the device's kind.
#[derive(Debug, Clone, Copy)]
pub struct GlyphStyle {
    pub size: f32,
    /// +1 when the device hangs below its bus, −1 above: a load's arrow points away.
    pub side: f32,
    pub color: Color32,
    pub width_px: f32,
    /// Hides what lies under a closed symbol.
    pub fill: Color32,
    /// Rotor angle of a wind turbine.
    pub rotor_rad: f32,
    /// State of charge of a storage unit (0..1).
    pub soc: f32,
}

/// Draws the symbol of `device`.
pub fn glyph(pen: &mut Pen, device: &Device, center: Pos2, style: &GlyphStyle) {
    match device {
        Device::Load(_) => load(pen, center, style),
        Device::Generator(_) => generator(pen, center, style),
        Device::Renewable(r) if r.source == RenewableSource::Solar => sun(pen, center, style),
        Device::Renewable(_) => turbine(pen, center, style),
        Device::Storage(_) => battery(pen, center, style),
        Device::ExternalGrid(_) => grid(pen, center, style),
        Device::Shunt(_) => capacitor(pen, center, style),
    }
}

/// An arrow leaving the bus: power drawn out of the grid.
fn load(pen: &mut Pen, c: Pos2, s: &GlyphStyle) {
    let down = vec2(0.0, s.side * s.size);
    let tip = c + 0.5 * down;
    pen.line([c - 0.5 * down, tip - 0.3 * down], s.width_px, s.color);
    let half = vec2(0.25 * s.size, 0.0);
    pen.fill(
        &[tip, tip - 0.4 * down + half, tip - 0.4 * down - half],
        s.color,
    );
}

/// A circle with one period of a sine wave inside.
fn generator(pen: &mut Pen, c: Pos2, s: &GlyphStyle) {
    let r = 0.45 * s.size;
    pen.disc(c, r, s.fill);
    pen.ring(c, r, s.width_px, s.color);
    let wave: Vec<Pos2> = (0..=12)
        .map(|i| {
            let t = i as f32 / 12.0;
            c + vec2((t - 0.5) * 1.2 * r, -0.35 * r * (t * TAU).sin())
        })
        .collect();
    pen.polyline(&wave, s.width_px, s.color);
}

/// A sun: a yellow disc with eight rays.
fn sun(pen: &mut Pen, c: Pos2, s: &GlyphStyle) {
    let r = 0.22 * s.size;
    pen.disc(c, r, style::SOLAR_YELLOW);
    for k in 0..8 {
        let d = Vec2::angled(k as f32 * FRAC_PI_4);
        pen.line(
            [c + d * (r + 0.08 * s.size), c + d * 0.5 * s.size],
            s.width_px,
            s.color,
        );
    }
}

/// A three-blade turbine on a mast; the rotor turns with the output.
fn turbine(pen: &mut Pen, c: Pos2, s: &GlyphStyle) {
    let hub = c - vec2(0.0, 0.12 * s.size);
    pen.line([hub, c + vec2(0.0, 0.5 * s.size)], s.width_px, s.color);
    for k in 0..3 {
        let d = Vec2::angled(s.rotor_rad + k as f32 * TAU / 3.0);
        let root_side = d.rot90() * 0.06 * s.size;
        pen.fill(
            &[hub + d * 0.4 * s.size, hub - root_side, hub + root_side],
            s.color,
        );
    }
    pen.disc(hub, 0.07 * s.size, s.color);
}

/// A battery filled to its state of charge (red when nearly empty).
fn battery(pen: &mut Pen, c: Pos2, s: &GlyphStyle) {
    let body = Rect::from_center_size(c - vec2(0.04 * s.size, 0.0), vec2(0.8, 0.5) * s.size);
    let nub = Rect::from_min_size(
        body.right_center() - vec2(0.0, 0.1 * s.size),
        vec2(0.08, 0.2) * s.size,
    );
    pen.rect(body, s.fill);
    let charged_x = body.min.x + body.width() * s.soc.clamp(0.0, 1.0);
    let charge = Rect::from_min_max(body.min, pos2(charged_x, body.max.y)).shrink(1.5);
    let charge_color = if s.soc < 0.1 {
        Color32::from_rgb(220, 60, 50)
    } else {
        Color32::from_rgb(70, 180, 90)
    };
    if charge.is_positive() {
        pen.rect(charge, charge_color);
    }
    pen.rect_outline(body, s.width_px, s.color);
    pen.rect(nub, s.color);
}

/// The external grid: a square with a lattice.
fn grid(pen: &mut Pen, c: Pos2, s: &GlyphStyle) {
    let square = Rect::from_center_size(c, Vec2::splat(0.8 * s.size));
    pen.rect(square, s.fill);
    let (min, max) = (square.min, square.max);
    for line in [
        [min, max],
        [pos2(min.x, max.y), pos2(max.x, min.y)],
        [square.left_center(), square.right_center()],
        [square.center_top(), square.center_bottom()],
    ] {
        pen.line(line, s.width_px, s.color);
    }
    pen.rect_outline(square, s.width_px, s.color);
}

/// A capacitor to ground: lead, two plates, lead, ground bars.
fn capacitor(pen: &mut Pen, c: Pos2, s: &GlyphStyle) {
    let down = vec2(0.0, s.side * s.size);
    let across = vec2(0.3 * s.size, 0.0);
    let (plate_a, plate_b) = (c - 0.08 * down, c + 0.08 * down);
    let ground = c + 0.35 * down;
    pen.line([c - 0.5 * down, plate_a], s.width_px, s.color);
    pen.line([plate_a - across, plate_a + across], s.width_px, s.color);
    pen.line([plate_b - across, plate_b + across], s.width_px, s.color);
    pen.line([plate_b, ground], s.width_px, s.color);
    for (k, width) in [0.7_f32, 0.45, 0.2].into_iter().enumerate() {
        let at = ground + 0.07 * k as f32 * down;
        pen.line(
            [at - across * width, at + across * width],
            s.width_px,
            s.color,
        );
    }
}

/// The active-power bar: `fraction` of `rect` filled with `fill`, and for a renewable unit the
/// rest of its capability hatched (power it could give but does not: curtailed or not
/// available; the state does not tell which).
pub fn power_bar(
    pen: &mut Pen,
    rect: Rect,
    fraction: f32,
    fill: Color32,
    hatch_rest: bool,
    outline: Color32,
) {
    let split = rect.min.x + rect.width() * fraction.clamp(0.0, 1.0);
    if split > rect.min.x {
        pen.rect(Rect::from_min_max(rect.min, pos2(split, rect.max.y)), fill);
    }
    if hatch_rest && split < rect.max.x {
        hatch(pen, Rect::from_min_max(pos2(split, rect.min.y), rect.max));
    }
    pen.rect_outline(rect.expand(0.5), 1.0, outline);
}

/// Diagonal strokes across `rect`, clipped to it.
fn hatch(pen: &mut Pen, rect: Rect) {
    const STEP_PX: f32 = 3.0;
    let rise = rect.height();
    let mut x = rect.min.x - rise;
    while x < rect.max.x {
        // Each stroke rises one bar height over one bar height of width, cut to the rectangle.
        let (x0, x1) = (x.max(rect.min.x), (x + rise).min(rect.max.x));
        if x1 > x0 {
            let y = |x_at: f32| rect.max.y - (x_at - x);
            pen.line(
                [pos2(x0, y(x0)), pos2(x1, y(x1))],
                1.0,
                style::CURTAILED_HATCH,
            );
        }
        x += STEP_PX;
    }
}
