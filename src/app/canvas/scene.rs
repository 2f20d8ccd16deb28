//! One frame's layout in screen space: which buses, branches and devices are on screen, where,
//! and how much detail the zoom allows. Painting, hit testing and the accessible widgets all read
//! the same scene, so what you see is what you can click.

use egui::emath::TSTransform;
use egui::{Pos2, Rect, Vec2, pos2, vec2};

use super::geometry::Geometry;

/// Symbols stop growing past this size, so zooming in spreads the network out instead of
/// blowing symbols up.
const MAX_SYMBOL_PX: f32 = 26.0;
/// Below this symbol size buses are dots and branches plain lines: nothing else would be legible.
const BARS_FROM_PX: f32 = 5.0;
/// Flow markers need room between them or they become noise.
const MARKERS_FROM_PX: f32 = 8.0;
const TRANSFORMERS_FROM_PX: f32 = 8.0;
const GLYPHS_FROM_PX: f32 = 10.0;
const NAMES_FROM_PX: f32 = 14.0;
const VALUES_FROM_PX: f32 = 22.0;
/// On a crowded screen detail is limited by the room each bus has, whatever the zoom: detail
/// is chosen for a symbol this fraction of the average distance between visible buses.
const CROWDING: f32 = 0.25;
/// Safety nets on the work per frame, past what crowding already allows on a large screen.
const MAX_GLYPHS: usize = 2_000;
const MAX_NAMED_BUSES: usize = 600;
const MAX_VALUED_BUSES: usize = 300;
/// Per-item widgets (accessible names, click targets) only below this many visible items.
const MAX_WIDGETS: usize = 2_000;

/// The scale (screen points per diagram unit) at which bus names appear.
pub fn legible_scale(symbol_grid: f32) -> f32 {
    NAMES_FROM_PX / symbol_grid.max(f32::EPSILON)
}

/// What the zoom level allows to be drawn, and the sizes of things on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lod {
    /// The size of one symbol (bus bar, device glyph) in screen points.
    pub symbol_px: f32,
    pub bus_bars: bool,
    pub markers: bool,
    pub transformers: bool,
    pub glyphs: bool,
    pub names: bool,
    pub values: bool,
    /// One interactable widget per visible item (skipped on crowded screens).
    pub widgets: bool,
}

impl Lod {
    /// The detail for symbols `size_px` big (by the zoom) when the visible buses are on average
    /// `spacing_px` apart on screen; `detail` above 1 shows names and values sooner (a
    /// presentation, where the room is the diagram's alone).
    fn new(size_px: f32, spacing_px: f32, detail: f32) -> Self {
        let detail_px = size_px.min(CROWDING * spacing_px) * detail;
        Lod {
            symbol_px: size_px.min(MAX_SYMBOL_PX),
            bus_bars: detail_px >= BARS_FROM_PX,
            markers: detail_px >= MARKERS_FROM_PX,
            transformers: detail_px >= TRANSFORMERS_FROM_PX,
            glyphs: detail_px >= GLYPHS_FROM_PX,
            names: detail_px >= NAMES_FROM_PX,
            values: detail_px >= VALUES_FROM_PX,
            widgets: true,
        }
    }

    /// Thickness of a bus bar; the side of a bus dot when zoomed out.
    pub fn bar_thickness_px(&self) -> f32 {
        if self.bus_bars {
            (self.symbol_px * 0.2).clamp(3.0, 5.0)
        } else {
            (self.symbol_px * 0.8).clamp(1.5, 4.0)
        }
    }

    /// Device glyph size (the side of the square it is drawn in).
    pub fn glyph_px(&self) -> f32 {
        self.symbol_px * 0.8
    }

    /// Distance between neighbouring glyphs on one bus.
    fn glyph_pitch_px(&self) -> f32 {
        self.glyph_px() * 2.0
    }

    /// Branch widths for the smallest and the largest flow.
    pub fn branch_width_range_px(&self) -> (f32, f32) {
        if self.bus_bars {
            (1.2, (self.symbol_px * 0.3).clamp(3.0, 8.0))
        } else {
            (0.6, 2.5)
        }
    }
}

/// A bus on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisibleBus {
    pub index: usize,
    pub center: Pos2,
    /// The bar (or dot) drawn for it.
    pub bar: Rect,
}

/// A branch at least partly on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisibleBranch {
    pub index: usize,
    pub ends: [Pos2; 2],
}

/// A device glyph on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisibleDevice {
    pub index: usize,
    pub center: Pos2,
    /// Where its stub meets the bus bar.
    pub anchor: Pos2,
    /// +1 when it hangs below the bar, −1 above.
    pub side: f32,
}

/// The screen layout of one frame.
#[derive(Debug, Clone)]
pub struct Scene {
    pub viewport: Rect,
    pub lod: Lod,
    /// Width over which edges fade out: one physical pixel.
    pub feather_px: f32,
    pub buses: Vec<VisibleBus>,
    pub branches: Vec<VisibleBranch>,
    pub devices: Vec<VisibleDevice>,
}

impl Scene {
    /// Lays out everything of `geometry` that falls in `viewport` under `screen_from_grid`,
    /// with the buses of `moving` (if any) shifted by its offset: a drag in progress.
    pub fn new(
        geometry: &Geometry,
        screen_from_grid: TSTransform,
        viewport: Rect,
        pixels_per_point: f32,
        moving: Option<(&[usize], Vec2)>,
        detail: f32,
    ) -> Self {
        let size_px = geometry.symbol_grid * screen_from_grid.scaling;
        // Items just outside still show their symbols and labels at the border.
        let margin = viewport.expand(size_px.min(MAX_SYMBOL_PX) * 3.0);
        let mut bus_screen: Vec<Pos2> = geometry
            .bus_grid
            .iter()
            .map(|&p| screen_from_grid * p)
            .collect();
        if let Some((buses, offset)) = moving {
            for &i in buses {
                bus_screen[i] += offset;
            }
        }
        let on_screen: Vec<usize> = (0..bus_screen.len())
            .filter(|&i| margin.contains(bus_screen[i]))
            .collect();
        let spacing_px = (viewport.area() / on_screen.len().max(1) as f32).sqrt();
        let mut lod = Lod::new(size_px, spacing_px, detail);
        let buses: Vec<VisibleBus> = on_screen
            .into_iter()
            .map(|index| VisibleBus {
                index,
                center: bus_screen[index],
                bar: bus_bar(&lod, bus_screen[index], geometry.bus_device_count[index]),
            })
            .collect();
        let branches = geometry
            .branch_ends
            .iter()
            .enumerate()
            .filter_map(|(index, ends)| {
                let (a, b) = (*ends)?;
                let ends = [bus_screen[a], bus_screen[b]];
                Rect::from_two_pos(ends[0], ends[1])
                    .intersects(margin)
                    .then_some(VisibleBranch { index, ends })
            })
            .collect::<Vec<_>>();
        let mut devices = if lod.glyphs {
            place_devices(geometry, &lod, &buses)
        } else {
            Vec::new()
        };
        if devices.len() > MAX_GLYPHS {
            lod.glyphs = false;
            devices.clear();
        }
        lod.names &= buses.len() <= MAX_NAMED_BUSES;
        lod.values &= buses.len() <= MAX_VALUED_BUSES;
        lod.widgets = buses.len() + branches.len() + devices.len() <= MAX_WIDGETS;
        Scene {
            viewport,
            lod,
            feather_px: 1.0 / pixels_per_point.max(0.1),
            buses,
            branches,
            devices,
        }
    }

    /// The visible part of a branch, or `None` when the branch only crosses the margin.
    pub fn visible_part(&self, branch: &VisibleBranch) -> Option<[Pos2; 2]> {
        let [a, b] = branch.ends;
        let (t0, t1) = super::mesh::clip_segment(self.viewport, a, b)?;
        Some([a.lerp(b, t0), a.lerp(b, t1)])
    }
}

/// How far the bar of a bus with `devices` devices (and its outer glyphs) reaches either side
/// of the bus with symbols `size_px` big: what a fitted view must leave room for.
pub fn bar_reach_px(devices: usize, size_px: f32) -> f32 {
    let lod = Lod::new(size_px, f32::INFINITY, 1.0);
    0.5 * bus_bar(&lod, Pos2::ZERO, devices).width() + lod.glyph_px()
}

/// The bus bar: horizontal, long enough for the devices hanging from it; a square dot when
/// zoomed out.
fn bus_bar(lod: &Lod, center: Pos2, devices: usize) -> Rect {
    let thickness = lod.bar_thickness_px();
    if !lod.bus_bars {
        return Rect::from_center_size(center, Vec2::splat(thickness));
    }
    let length = (lod.symbol_px * 1.4).max(devices as f32 * lod.glyph_pitch_px());
    Rect::from_center_size(center, vec2(length, thickness))
}

/// Hangs each device of a visible bus below (or above) its bar, side by side.
fn place_devices(geometry: &Geometry, lod: &Lod, buses: &[VisibleBus]) -> Vec<VisibleDevice> {
    let mut bar_of = vec![None; geometry.bus_grid.len()];
    for bus in buses {
        bar_of[bus.index] = Some(bus.bar);
    }
    let glyph = lod.glyph_px();
    geometry
        .devices
        .iter()
        .enumerate()
        .filter_map(|(index, slot)| {
            let bar = bar_of[slot.bus?]?;
            let offset = slot.slot as f32 - 0.5 * (slot.count as f32 - 1.0);
            let x = bar.center().x + offset * lod.glyph_pitch_px();
            let anchor = pos2(x, bar.center().y + slot.side * 0.5 * bar.height());
            let center = anchor + vec2(0.0, slot.side * 1.1 * glyph);
            Some(VisibleDevice {
                index,
                center,
                anchor,
                side: slot.side,
            })
        })
        .collect()
}
