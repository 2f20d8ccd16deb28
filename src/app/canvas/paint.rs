//! Painting one frame of a laid-out scene into shapes. This is the only drawing code: the
//! interactive view hands the shapes to its painter, the headless frame builder returns them.
//!
//! Layers, bottom to top, all in one mesh: highlights, branches, flow markers, transformer
//! symbols, buses, violation rings, devices; then the labels, the only separate shapes.

use std::collections::HashSet;
use std::sync::Arc;

use egui::{Align2, Color32, Galley, Pos2, Rect, Shape, vec2};

use super::Element;
use super::flow::{self, FlowAnimation, MarkerStyle};
use super::geometry::Geometry;
use super::glyphs::{self, GlyphStyle};
use super::info;
use super::mesh::{self, Pen};
use super::scene::{Lod, Scene, VisibleBranch, VisibleBus, VisibleDevice};
use super::style::{self, Palette};
use crate::model::{Device, Network};
use crate::sim::episode::StepRecord;

/// Everything one frame is painted from.
pub struct FrameInput<'a> {
    pub net: &'a Network,
    pub state: &'a StepRecord,
    pub geometry: &'a Geometry,
    pub scene: &'a Scene,
    pub flow: &'a FlowAnimation,
    pub selected: &'a [Element],
    pub hovered: Option<Element>,
    /// Drives the pulse of violation rings.
    pub time_s: f64,
    /// Whether each bus shows the colour of its zone.
    pub zones: bool,
}

impl FrameInput<'_> {
    /// Whether the state holds a solution to draw values from (a network being edited has
    /// none, and a power flow that failed left none).
    fn solved(&self) -> bool {
        !self.state.bus_vm_pu.is_empty() && self.state.converged
    }
}

/// Collects shapes, and lays out text with the context's fonts.
struct Canvas<'a> {
    ctx: &'a egui::Context,
    palette: Palette,
    shapes: Vec<Shape>,
}

impl Canvas<'_> {
    /// Adds `text` anchored at `pos` (see [`Canvas::place`]) and returns where it went.
    fn text(
        &mut self,
        pos: Pos2,
        anchor: Align2,
        text: String,
        font: egui::FontId,
        color: Color32,
        plate: bool,
    ) -> Rect {
        let galley = self.layout(text, font, color);
        let rect = anchor.anchor_size(pos, galley.size());
        self.place(galley, rect, color, plate);
        rect
    }

    fn layout(&self, text: String, font: egui::FontId, color: Color32) -> Arc<Galley> {
        self.ctx.fonts_mut(|f| f.layout_no_wrap(text, font, color))
    }

    /// Adds laid-out text in `rect`, on a faint plate when `plate` (for text over lines).
    fn place(&mut self, galley: Arc<Galley>, rect: Rect, color: Color32, plate: bool) {
        if plate {
            let fill = self.palette.background.gamma_multiply(0.8);
            self.shapes
                .push(Shape::rect_filled(rect.expand(1.0), 2.0, fill));
        }
        self.shapes.push(Shape::galley(rect.min, galley, color));
    }
}

/// Frame-wide references the colours and sizes are measured against.
struct References {
    /// The largest |S| on an in-service branch: it gets the thickest line.
    largest_s_mva: f64,
    /// The largest |P| of loads and of shunts (they have no capacity of their own).
    largest_load_mw: f64,
    largest_shunt_mw: f64,
}

impl References {
    fn new(input: &FrameInput) -> Self {
        let (net, state) = (input.net, input.state);
        let largest_s_mva = (0..net.branches.len())
            .filter(|&k| flow::branch_in_service(net, state, k))
            .filter_map(|k| state.branch_s_mva.get(k))
            .map(|s| s.abs())
            .filter(|s| s.is_finite())
            .fold(0.0, f64::max);
        let largest_of = |kind: fn(&Device) -> bool| {
            net.devices
                .iter()
                .zip(&state.device_p_mw)
                .filter(|(d, _)| kind(d))
                .map(|(_, p)| p.abs())
                .filter(|p| p.is_finite())
                .fold(0.0, f64::max)
        };
        References {
            largest_s_mva,
            largest_load_mw: largest_of(|d| matches!(d, Device::Load(_))),
            largest_shunt_mw: largest_of(|d| matches!(d, Device::Shunt(_))),
        }
    }
}

/// Paints the frame. `ctx` provides the fonts (it must have run one pass).
pub fn paint_frame(ctx: &egui::Context, palette: Palette, input: &FrameInput) -> Vec<Shape> {
    let refs = References::new(input);
    let scene = input.scene;
    // One mesh for every layer, in drawing order: egui then copies it once.
    let items = scene.branches.len() + scene.buses.len() + 12 * scene.devices.len();
    let mut pen = Pen::with_capacity(scene.feather_px, items);
    if let Some(hovered) = input.hovered.filter(|h| !input.selected.contains(h)) {
        let color = palette.selection.gamma_multiply(0.45);
        highlight(&mut pen, input, &refs, &[hovered], color);
    }
    if !input.selected.is_empty() {
        highlight(&mut pen, input, &refs, input.selected, palette.selection);
    }
    if input.zones {
        zone_halos(&mut pen, input);
    }
    branches(&mut pen, input, &refs);
    if scene.lod.markers && input.solved() {
        markers(&mut pen, input, &palette);
    }
    // Over the markers: they pass under the symbol.
    if scene.lod.transformers {
        transformer_symbols(&mut pen, input, &refs, &palette);
    }
    buses(&mut pen, input);
    violation_rings(&mut pen, input);
    for device in &scene.devices {
        device_symbol(&mut pen, input, &refs, &palette, device);
    }
    let mut canvas = Canvas {
        ctx,
        palette,
        shapes: pen.into_shape().into_iter().collect(),
    };
    labels(&mut canvas, input, &refs);
    canvas.shapes
}

/// A branch's colour and width in this state.
fn branch_look(input: &FrameInput, refs: &References, k: usize) -> (Color32, f32) {
    let (thin, thick) = input.scene.lod.branch_width_range_px();
    if !flow::branch_in_service(input.net, input.state, k) {
        return (style::OUT_OF_SERVICE_GREY, thin.max(1.0));
    }
    let s_mva = input.state.branch_s_mva.get(k).copied().unwrap_or(0.0);
    let loading = style::loading(s_mva, input.net.branches[k].rating_mva);
    (
        style::loading_color(loading),
        style::branch_width_px(s_mva, refs.largest_s_mva, thin, thick),
    )
}

/// Lines coloured by loading; open ones dashed.
fn branches(pen: &mut Pen, input: &FrameInput, refs: &References) {
    let scene = input.scene;
    let dash_px = (scene.lod.symbol_px * 0.4).clamp(3.0, 8.0);
    for branch in &scene.branches {
        let (color, width) = branch_look(input, refs, branch.index);
        if flow::branch_in_service(input.net, input.state, branch.index) {
            pen.line(branch.ends, width, color);
        } else {
            let pattern = [dash_px, 0.7 * dash_px];
            pen.dashed_line(branch.ends, scene.viewport, width, color, pattern);
        }
    }
}

/// Two overlapping circles at the middle of each transformer.
fn transformer_symbols(pen: &mut Pen, input: &FrameInput, refs: &References, palette: &Palette) {
    let scene = input.scene;
    let radius = transformer_radius_px(&scene.lod);
    for branch in &scene.branches {
        if !input.net.branches[branch.index].is_transformer() {
            continue;
        }
        let [a, b] = branch.ends;
        let middle = a.lerp(b, 0.5);
        if !scene.viewport.contains(middle) || a.distance_sq(b) < (4.0 * radius).powi(2) {
            continue;
        }
        let (color, _) = branch_look(input, refs, branch.index);
        let along = (b - a).normalized() * 0.6 * radius;
        let centres = [middle - along, middle + along];
        for c in centres {
            pen.disc(c, radius, palette.background);
        }
        for c in centres {
            pen.ring(c, radius, 1.5, color);
        }
    }
}

fn transformer_radius_px(lod: &Lod) -> f32 {
    (lod.symbol_px * 0.28).clamp(3.0, 8.0)
}

/// Arrowheads moving along every in-service branch on screen. Their spacing widens when the
/// screen holds more branch length than `MAX_MARKERS` arrowheads can mark, which bounds both
/// the clutter and the work.
fn markers(pen: &mut Pen, input: &FrameInput, palette: &Palette) {
    const MAX_MARKERS: f32 = 2_500.0;
    let scene = input.scene;
    let lod = &scene.lod;
    // The stretch of each in-service branch that is on screen, as distances from its from end.
    let stretches: Vec<(&VisibleBranch, f32, f32)> = scene
        .branches
        .iter()
        .filter(|b| flow::branch_in_service(input.net, input.state, b.index))
        .filter_map(|b| {
            let [a, z] = b.ends;
            let (t0, t1) = mesh::clip_segment(scene.viewport, a, z)?;
            let length = a.distance_sq(z).sqrt();
            Some((b, t0 * length, t1 * length))
        })
        .collect();
    let visible_px: f32 = stretches.iter().map(|(_, from, to)| to - from).sum();
    let (_, thick) = lod.branch_width_range_px();
    let style = MarkerStyle {
        spacing_px: (lod.symbol_px * 2.5)
            .clamp(28.0, 64.0)
            .max(visible_px / MAX_MARKERS),
        size_px: (lod.symbol_px * 0.35).clamp(5.0, 9.0).max(thick * 1.3),
        end_gap_px: lod.symbol_px * 0.8,
        color: palette.marker,
    };
    for (branch, from_px, to_px) in stretches {
        let (k, stretch) = (branch.index, (from_px, to_px));
        let p_mw = flow::p_from_mw(input.state, k);
        flow::markers(pen, branch.ends, input.flow.phase(k), p_mw, stretch, &style);
    }
}

/// A bus's colour in this state.
fn bus_color(input: &FrameInput, i: usize) -> Color32 {
    let bus = &input.net.buses[i];
    let vm_pu = input.state.bus_vm_pu.get(i).copied().unwrap_or(0.0);
    style::voltage_color(vm_pu, bus.vmin_pu, bus.vmax_pu)
}

/// A band of its zone's colour around every bus bar that has a zone.
fn zone_halos(pen: &mut Pen, input: &FrameInput) {
    let zones = input.net.zones();
    for bus in &input.scene.buses {
        let Some(zone) = input.net.buses[bus.index].zone.as_deref() else {
            continue;
        };
        let k = zones.iter().position(|z| *z == zone).unwrap_or_default();
        let color = style::zone_color(k).gamma_multiply(0.7);
        pen.rect(bus.bar.expand(5.0), color);
    }
}

/// Bus bars (dots when zoomed out) coloured by voltage.
fn buses(pen: &mut Pen, input: &FrameInput) {
    for bus in &input.scene.buses {
        pen.rect(bus.bar, bus_color(input, bus.index));
    }
}

/// Whether bus `i`'s voltage is outside its limits in `state`.
pub fn bus_violated(net: &Network, state: &StepRecord, i: usize) -> bool {
    let bus = &net.buses[i];
    let vm_pu = state.bus_vm_pu.get(i).copied().unwrap_or(0.0);
    style::voltage_violated(vm_pu, bus.vmin_pu, bus.vmax_pu)
}

/// An expanding, fading ring around every bus whose voltage is outside its limits.
fn violation_rings(pen: &mut Pen, input: &FrameInput) {
    const PULSES_PER_S: f64 = 1.2;
    let pulse = (input.time_s * PULSES_PER_S).rem_euclid(1.0) as f32;
    for bus in &input.scene.buses {
        if !bus_violated(input.net, input.state, bus.index) {
            continue;
        }
        let radius = 0.5 * bus.bar.width().max(bus.bar.height()) + 3.0 + 10.0 * pulse;
        let color = bus_color(input, bus.index).gamma_multiply(1.0 - pulse);
        pen.ring(bus.center, radius, 2.0, color);
    }
}

/// A device's stub, symbol and power bar.
fn device_symbol(
    pen: &mut Pen,
    input: &FrameInput,
    refs: &References,
    palette: &Palette,
    visible: &VisibleDevice,
) {
    let k = visible.index;
    let device = &input.net.devices[k];
    let size = input.scene.lod.glyph_px();
    let color = if device.in_service() {
        palette.text
    } else {
        style::OUT_OF_SERVICE_GREY
    };
    let width_px = (size * 0.07).clamp(1.0, 1.8);
    let edge = visible.center - vec2(0.0, visible.side * 0.5 * size);
    pen.line([visible.anchor, edge], width_px, color);
    let storage = input.geometry.devices[k].storage;
    let glyph_style = GlyphStyle {
        size,
        side: visible.side,
        color,
        width_px,
        fill: palette.background,
        rotor_rad: input.flow.rotor_rad(k),
        soc: storage.map_or(0.0, |s| {
            info::soc_fraction(input.net, input.state, k, s) as f32
        }),
    };
    glyphs::glyph(pen, device, visible.center, &glyph_style);
    if !input.solved() {
        return;
    }
    let p_mw = input.state.device_p_mw.get(k).copied().unwrap_or(0.0);
    let reference_mw = info::device_capacity_mw(device).unwrap_or(match device {
        Device::Shunt(_) => refs.largest_shunt_mw,
        _ => refs.largest_load_mw,
    });
    let fraction = if reference_mw > 0.0 {
        (p_mw.abs() / reference_mw) as f32
    } else {
        0.0
    };
    let consumes = matches!(device, Device::Load(_) | Device::Shunt(_)) == (p_mw >= 0.0);
    let fill = if consumes {
        style::CONSUMPTION_FILL
    } else {
        style::INJECTION_FILL
    };
    let hatch = matches!(device, Device::Renewable(_));
    let bar = power_bar_rect(visible, size);
    glyphs::power_bar(
        pen,
        bar,
        fraction,
        fill,
        hatch,
        palette.weak_text.gamma_multiply(0.6),
    );
}

/// The power bar sits beyond the glyph, away from the bus.
fn power_bar_rect(visible: &VisibleDevice, size: f32) -> Rect {
    let height = (size * 0.16).clamp(2.5, 4.0);
    let offset = visible.side * (0.5 * size + 3.0 + 0.5 * height);
    Rect::from_center_size(visible.center + vec2(0.0, offset), vec2(0.9 * size, height))
}

/// The halo under selected or hovered elements: one pass over what is on screen, however many
/// are selected.
fn highlight(
    pen: &mut Pen,
    input: &FrameInput,
    refs: &References,
    elements: &[Element],
    color: Color32,
) {
    let scene = input.scene;
    let wanted: HashSet<Element> = elements.iter().copied().collect();
    for bus in scene
        .buses
        .iter()
        .filter(|b| wanted.contains(&Element::Bus(b.index)))
    {
        pen.rect(bus.bar.expand(4.0), color);
    }
    for branch in &scene.branches {
        if wanted.contains(&Element::Branch(branch.index)) {
            let (_, width) = branch_look(input, refs, branch.index);
            pen.line(branch.ends, width + 8.0, color);
        }
    }
    for device in scene
        .devices
        .iter()
        .filter(|d| wanted.contains(&Element::Device(d.index)))
    {
        pen.disc(device.center, 0.75 * scene.lod.glyph_px(), color);
    }
}

/// Names and values, as the level of detail allows.
fn labels(canvas: &mut Canvas, input: &FrameInput, refs: &References) {
    let lod = input.scene.lod;
    if lod.names {
        for bus in &input.scene.buses {
            bus_label(canvas, input, bus);
        }
    }
    // A network that has not been solved (being edited) has names but no values.
    if lod.values && input.solved() {
        for branch in &input.scene.branches {
            branch_label(canvas, input, refs, branch);
        }
        for device in &input.scene.devices {
            device_label(canvas, input, device);
        }
    }
}

/// The name (and with values, the voltage) on the side of the bar away from its devices.
fn bus_label(canvas: &mut Canvas, input: &FrameInput, bus: &VisibleBus) {
    let side = -input.geometry.bus_side[bus.index];
    let anchor = if side < 0.0 {
        Align2::CENTER_BOTTOM
    } else {
        Align2::CENTER_TOP
    };
    let pos = bus.bar.center() + vec2(0.0, side * (0.5 * bus.bar.height() + 2.0));
    let name = input.net.buses[bus.index].name.clone();
    let (font, color) = (canvas.palette.name_font.clone(), canvas.palette.text);
    let rect = canvas.text(pos, anchor, name, font, color, true);
    if input.scene.lod.values && input.solved() {
        let vm_pu = input
            .state
            .bus_vm_pu
            .get(bus.index)
            .copied()
            .unwrap_or(f64::NAN);
        let next = if side < 0.0 {
            rect.center_top()
        } else {
            rect.center_bottom()
        };
        let (font, color) = (canvas.palette.value_font.clone(), canvas.palette.weak_text);
        canvas.text(next, anchor, format!("{vm_pu:.3} pu"), font, color, true);
    }
}

/// Loading (or active power for an unrated branch) beside the middle of the visible part.
fn branch_label(
    canvas: &mut Canvas,
    input: &FrameInput,
    refs: &References,
    branch: &VisibleBranch,
) {
    let k = branch.index;
    let Some([a, b]) = input.scene.visible_part(branch) else {
        return;
    };
    if a.distance(b) < 60.0 || !flow::branch_in_service(input.net, input.state, k) {
        return;
    }
    let s_mva = input.state.branch_s_mva.get(k).copied().unwrap_or(0.0);
    let text = match style::loading(s_mva, input.net.branches[k].rating_mva) {
        Some(loading) => format!("{:.0} %", 100.0 * loading),
        None => format!("{:.1} MW", flow::p_from_mw(input.state, k).abs()),
    };
    let (font, color) = (canvas.palette.value_font.clone(), canvas.palette.weak_text);
    let galley = canvas.layout(text, font, color);
    let normal = (b - a).normalized().rot90();
    // Keep the label on the upper side of the line, whichever way it was drawn.
    let normal = if normal.y > 0.0 { -normal } else { normal };
    // Clear the line (or transformer symbol), then the label's own half extent across it.
    let (_, width) = branch_look(input, refs, k);
    let symbol = if input.net.branches[k].is_transformer() {
        transformer_radius_px(&input.scene.lod)
    } else {
        0.0
    };
    let half = 0.5 * galley.size();
    let gap = (0.5 * width).max(symbol) + 4.0 + normal.x.abs() * half.x + normal.y.abs() * half.y;
    let rect = Rect::from_center_size(a.lerp(b, 0.5) + normal * gap, galley.size());
    canvas.place(galley, rect, color, true);
}

/// Active power under the power bar.
fn device_label(canvas: &mut Canvas, input: &FrameInput, device: &VisibleDevice) {
    let p_mw = input
        .state
        .device_p_mw
        .get(device.index)
        .copied()
        .unwrap_or(0.0);
    let bar = power_bar_rect(device, input.scene.lod.glyph_px());
    let (pos, anchor) = if device.side > 0.0 {
        (bar.center_bottom() + vec2(0.0, 2.0), Align2::CENTER_TOP)
    } else {
        (bar.center_top() - vec2(0.0, 2.0), Align2::CENTER_BOTTOM)
    };
    let (font, color) = (canvas.palette.value_font.clone(), canvas.palette.weak_text);
    canvas.text(pos, anchor, format!("{p_mw:.1} MW"), font, color, false);
}
