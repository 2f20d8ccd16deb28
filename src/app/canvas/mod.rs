//! The network view: an animated one-line diagram of the network in the spirit of PowerWorld.
//!
//! Buses are bars coloured by voltage, branches lines coloured by loading with markers moving in
//! the direction of active power, devices hang from their buses with a small power bar. Drag
//! pans, the wheel zooms about the pointer, a double-click fits the network; labels and symbols
//! appear as you zoom in; hovering shows every value; a click selects.
//!
//! How a frame is made, in files named for each step:
//! - `geometry`: per-network data (bus indices, device slots, bounds), rebuilt only when the
//!   network changes;
//! - `transform`: pan and zoom, kept as one `screen_from_grid` transform;
//! - `scene`: what is on screen this frame and how much detail the zoom allows;
//! - `flow`: the marker animation, a phase per branch advanced by `dt · speed`;
//! - `paint` (with `style`, `glyphs`, `mesh`): the shapes, branches and buses batched in meshes;
//! - `hit` and `info`: what is under the pointer, and what to say about it.
//!
//! [`NetworkView::ui`] and the headless [`NetworkView::frame_shapes`] share all of it.

mod flow;
mod geometry;
mod glyphs;
mod hit;
mod info;
mod mesh;
mod paint;
mod scene;
mod style;
mod transform;

use egui::emath::TSTransform;
use egui::epaint::ClippedShape;
use egui::{CursorIcon, Id, PopupAnchor, Rect, Sense, Tooltip, Ui};

use crate::model::Network;
use crate::sim::episode::StepRecord;
use geometry::Geometry;
use scene::Scene;
use style::Palette;

pub use style::{loading_color, voltage_color};

/// The longest time step the animation takes at once: after a stall markers slow down instead
/// of leaping.
const MAX_DT_S: f32 = 0.1;

/// How soon the next frame is asked for while something moves.
const ANIMATION_FRAME: std::time::Duration = std::time::Duration::from_micros(16_667);

/// Something the user can point at in the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Element {
    Bus(usize),
    Branch(usize),
    Device(usize),
}

/// What the view reports back after a frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ViewResponse {
    /// The element clicked this frame (selection), if any.
    pub clicked: Option<Element>,
    /// A click on empty space: clear the selection.
    pub clicked_empty: bool,
    /// The element under the pointer, if any.
    pub hovered: Option<Element>,
}

/// A view change asked for from outside, applied once the view's rect is known.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pending {
    Fit,
    CenterOn(Element),
}

/// The network view's own state: pan and zoom, and the flow animation phase.
#[derive(Debug, Clone, Default)]
pub struct NetworkView {
    /// Pan and zoom: diagram units → screen points.
    screen_from_grid: TSTransform,
    /// Built from the network on the first frame, rebuilt when it changes.
    geometry: Option<Geometry>,
    flow: flow::FlowAnimation,
    pending: Option<Pending>,
    /// The rect the network was last fitted to, while the user has not panned or zoomed since:
    /// a resized window is then fitted again.
    fitted_viewport: Option<Rect>,
    /// The time of the previous headless frame (`frame_shapes`), to animate between frames.
    last_frame_time_s: Option<f64>,
}

impl NetworkView {
    /// Draws `net` in the state `state` and handles pan, zoom and clicks.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        net: &Network,
        state: &StepRecord,
        selected: Option<Element>,
    ) -> ViewResponse {
        let (viewport, response) =
            ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Network view"));
        self.prepare(net, viewport);
        self.pan_and_zoom(ui, &response, viewport);
        let Some(geometry) = &self.geometry else {
            return ViewResponse::default();
        };
        let scene = Scene::new(
            geometry,
            self.screen_from_grid,
            viewport,
            ui.ctx().pixels_per_point(),
        );
        let (dt_s, time_s) = ui.input(|i| (i.stable_dt.min(MAX_DT_S), i.time));
        let moving = self.flow.advance(net, state, &scene, dt_s);

        let view_response = pointer_ui(ui, &response, &scene, net, selected);

        let input = paint::FrameInput {
            net,
            state,
            geometry,
            scene: &scene,
            flow: &self.flow,
            selected,
            hovered: view_response.hovered,
            time_s,
        };
        let shapes = paint::paint_frame(ui.ctx(), Palette::from_style(ui.style()), &input);
        ui.painter_at(viewport).extend(shapes);

        if let Some(element) = view_response.hovered {
            ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
            tooltip_ui(ui, response.id, net, state, geometry, element);
        } else if response.dragged() {
            ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
        }
        if moving || any_violation_visible(net, state, &scene) {
            // A frame at the display's pace, not "immediately": test harnesses (and egui's
            // own idle detection) then see a view that animates but has settled.
            ui.ctx().request_repaint_after(ANIMATION_FRAME);
        }
        view_response
    }

    /// Builds one animated frame of `net` in `state` fitted to `viewport`, without a `Ui`: the
    /// shapes the view would paint, ready for [`egui::Context::tessellate`]. For benchmarks
    /// (`gridpilot bench view`) and pictures made without a window.
    ///
    /// `ctx` provides fonts and style, so it must have run at least one pass; without a renderer,
    /// `ctx.run_ui(Default::default(), |_| {}).textures_delta.clear()` does. `time_s` is the
    /// frame's time: markers advance by the time since the previous call, as they do between
    /// frames in the window. Nothing is selected or hovered.
    pub fn frame_shapes(
        &mut self,
        ctx: &egui::Context,
        net: &Network,
        state: &StepRecord,
        viewport: Rect,
        time_s: f64,
    ) -> Vec<ClippedShape> {
        self.prepare(net, viewport);
        let Some(geometry) = &self.geometry else {
            return Vec::new();
        };
        self.screen_from_grid =
            transform::fit(geometry.bounds_grid, geometry.symbol_grid, viewport);
        let dt_s = self
            .last_frame_time_s
            .map_or(0.0, |last| (time_s - last) as f32)
            .clamp(0.0, MAX_DT_S);
        self.last_frame_time_s = Some(time_s);
        let scene = Scene::new(
            geometry,
            self.screen_from_grid,
            viewport,
            ctx.pixels_per_point(),
        );
        self.flow.advance(net, state, &scene, dt_s);
        let input = paint::FrameInput {
            net,
            state,
            geometry,
            scene: &scene,
            flow: &self.flow,
            selected: None,
            hovered: None,
            time_s,
        };
        paint::paint_frame(ctx, Palette::from_style(&ctx.global_style()), &input)
            .into_iter()
            .map(|shape| ClippedShape::new(viewport, shape))
            .collect()
    }

    /// Fits the whole network in the view on the next frame.
    pub fn fit(&mut self) {
        self.pending = Some(Pending::Fit);
    }

    /// Centres the view on an element on the next frame, zooming in until it is labelled.
    pub fn center_on(&mut self, element: Element) {
        self.pending = Some(Pending::CenterOn(element));
    }

    /// Rebuilds the per-network data when the network changed, fits a network seen for the first
    /// time, and applies a pending fit or centring.
    fn prepare(&mut self, net: &Network, viewport: Rect) {
        let stale = self.geometry.as_ref().is_none_or(|g| !g.fits(net));
        if stale {
            let other_network = self
                .geometry
                .as_ref()
                .is_none_or(|g| g.is_other_network(net));
            self.geometry = Some(Geometry::new(net));
            if other_network {
                self.flow = flow::FlowAnimation::default();
                self.pending.get_or_insert(Pending::Fit);
            }
        }
        let Some(geometry) = &self.geometry else {
            return;
        };
        if self.fitted_viewport.is_some_and(|r| r != viewport) {
            self.pending.get_or_insert(Pending::Fit);
        }
        match self.pending.take() {
            Some(Pending::Fit) => {
                self.screen_from_grid =
                    transform::fit(geometry.bounds_grid, geometry.symbol_grid, viewport);
                self.fitted_viewport = Some(viewport);
            }
            Some(Pending::CenterOn(element)) => {
                if let Some(grid) = geometry.element_grid(element) {
                    let scale = self
                        .screen_from_grid
                        .scaling
                        .max(scene::legible_scale(geometry.symbol_grid));
                    self.screen_from_grid = transform::centred(grid, scale, viewport);
                    self.fitted_viewport = None;
                }
            }
            None => {}
        }
    }

    /// Drag pans, the wheel (or a pinch) zooms about the pointer, a double-click fits.
    fn pan_and_zoom(&mut self, ui: &mut Ui, response: &egui::Response, viewport: Rect) {
        let Some(geometry) = &self.geometry else {
            return;
        };
        if response.double_clicked() {
            self.screen_from_grid =
                transform::fit(geometry.bounds_grid, geometry.symbol_grid, viewport);
            self.fitted_viewport = Some(viewport);
            return;
        }
        if response.dragged() {
            self.screen_from_grid = transform::pan(self.screen_from_grid, response.drag_delta());
            self.fitted_viewport = None;
        }
        let Some(pointer) = ui
            .input(|i| i.pointer.hover_pos())
            .filter(|_| ui.rect_contains_pointer(viewport))
        else {
            return;
        };
        let factor = ui.input_mut(|i| {
            let factor = transform::zoom_factor(i.smooth_scroll_delta, i.zoom_delta());
            // The wheel is ours while the pointer is over the view: nothing else scrolls.
            i.smooth_scroll_delta = egui::Vec2::ZERO;
            factor
        });
        if factor != 1.0 {
            let limits = transform::ScaleLimits::new(geometry.bounds_grid, geometry.symbol_grid);
            self.screen_from_grid =
                transform::zoom_about(self.screen_from_grid, pointer, factor, limits);
            self.fitted_viewport = None;
        }
    }
}

/// What the pointer does this frame: hovering and clicking, decided by hit testing the scene,
/// so the same rules hold with and without per-item widgets.
fn pointer_ui(
    ui: &Ui,
    response: &egui::Response,
    scene: &Scene,
    net: &Network,
    selected: Option<Element>,
) -> ViewResponse {
    let item_click = if scene.lod.widgets {
        item_widgets(ui, scene, net, response.id, selected)
    } else {
        None
    };
    let hovered = ui
        .input(|i| i.pointer.hover_pos())
        .filter(|_| ui.rect_contains_pointer(response.rect) && !response.dragged())
        .and_then(|p| hit::hit(scene, p));
    let background_click = response
        .clicked()
        .then(|| (response.interact_pointer_pos(), None));
    let clicked = item_click
        .or(background_click)
        .map(|(at, item)| at.and_then(|p| hit::hit(scene, p)).or(item));
    ViewResponse {
        clicked: clicked.flatten(),
        clicked_empty: clicked.is_some_and(|c| c.is_none()),
        hovered,
    }
}

/// One click target per visible item, with its accessible name (and whether it is selected),
/// so that screen readers and tests can find, click and drag buses, branches and devices.
/// Returns a click on one of them: where the pointer was, and the item itself for a click with
/// no pointer (accessibility).
fn item_widgets(
    ui: &Ui,
    scene: &Scene,
    net: &Network,
    view_id: Id,
    selected: Option<Element>,
) -> Option<(Option<egui::Pos2>, Option<Element>)> {
    // Branches first, buses and devices later: later widgets are on top for the pointer.
    let branches = scene.branches.iter().filter_map(|b| {
        let [a, z] = scene.visible_part(b)?;
        let (_, thick) = scene.lod.branch_width_range_px();
        let rect = Rect::from_center_size(a.lerp(z, 0.5), egui::Vec2::splat(thick.max(8.0)));
        Some((rect, Element::Branch(b.index)))
    });
    let buses = scene
        .buses
        .iter()
        .map(|b| (b.bar.expand(2.0), Element::Bus(b.index)));
    let glyph = scene.lod.glyph_px();
    let devices = scene.devices.iter().map(|d| {
        (
            Rect::from_center_size(d.center, egui::Vec2::splat(glyph)),
            Element::Device(d.index),
        )
    });
    let mut clicked = None;
    for (rect, element) in branches.chain(buses).chain(devices) {
        let response = ui.interact(rect, view_id.with(element), Sense::click());
        response.widget_info(|| {
            let name = info::accessible_name(net, element);
            egui::WidgetInfo::selected(egui::Role::Button, true, selected == Some(element), name)
        });
        if response.clicked() {
            clicked = Some((response.interact_pointer_pos(), Some(element)));
        }
    }
    clicked
}

/// The hover tooltip: every value of the element.
fn tooltip_ui(
    ui: &Ui,
    view_id: Id,
    net: &Network,
    state: &StepRecord,
    geometry: &Geometry,
    element: Element,
) {
    let storage = match element {
        Element::Device(k) => geometry.devices.get(k).and_then(|d| d.storage),
        _ => None,
    };
    let (title, rows) = info::tooltip_rows(net, state, element, storage);
    Tooltip::always_open(
        ui.ctx().clone(),
        ui.layer_id(),
        view_id,
        PopupAnchor::Pointer,
    )
    .gap(12.0)
    .show(|ui| {
        ui.strong(title);
        egui::Grid::new(view_id.with("tooltip"))
            .num_columns(2)
            .show(ui, |ui| {
                for (name, value) in rows {
                    ui.label(name);
                    ui.label(value);
                    ui.end_row();
                }
            });
    });
}

/// Violation rings pulse, so they need frames even when no flow moves.
fn any_violation_visible(net: &Network, state: &StepRecord, scene: &Scene) -> bool {
    scene
        .buses
        .iter()
        .any(|b| paint::bus_violated(net, state, b.index))
}
