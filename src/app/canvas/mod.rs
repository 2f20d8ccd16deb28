//! The network view: an animated one-line diagram of the network in the spirit of PowerWorld.
//!
//! Buses are bars coloured by voltage, branches lines coloured by loading with markers moving in
//! the direction of active power, devices hang from their buses with a small power bar. Drag
//! pans, the wheel zooms about the pointer, a double-click fits the network; labels and symbols
//! appear as you zoom in; hovering shows every value; a click selects. In Edit mode the
//! [`Tool`] decides what clicks and drags do, and they come back as [`Gesture`]s.
//!
//! How a frame is made, in files named for each step:
//! - `geometry`: per-network data (bus indices, device slots, bounds), rebuilt only when the
//!   network changes;
//! - `transform`: pan and zoom, kept as one `screen_from_grid` transform;
//! - `scene`: what is on screen this frame and how much detail the zoom allows;
//! - `flow`: the marker animation, a phase per branch advanced by `dt · speed`;
//! - `paint` (with `style`, `glyphs`, `mesh`): the shapes, branches and buses batched in meshes;
//! - `hit` and `info`: what is under the pointer, and what to say about it;
//! - `gesture` and `overlay`: Edit mode's tools, drags and what a drag draws over the network.
//!
//! [`NetworkView::ui`] and the headless [`NetworkView::frame_shapes`] share all of it.

mod flow;
mod geometry;
mod gesture;
mod glyphs;
mod hit;
mod info;
mod mesh;
mod overlay;
mod paint;
mod scene;
pub mod style;
mod transform;

use egui::emath::TSTransform;
use egui::epaint::ClippedShape;
use egui::{CursorIcon, Id, PointerButton, Popup, PopupAnchor, Pos2, Rect, Sense, Tooltip, Ui};

use crate::model::{ElementRef, Network, Position};
use crate::sim::episode::StepRecord;
use geometry::Geometry;
use gesture::Drag;
pub use scene::Lod;
use scene::Scene;
use style::Palette;

pub use gesture::{Gesture, LineEnd, MenuTarget, Tool};
pub use style::{loading_color, voltage_color};

/// The longest time step the animation takes at once: after a stall markers slow down instead
/// of leaping.
const MAX_DT_S: f32 = 0.1;

/// How soon the next frame is asked for while something moves.
const ANIMATION_FRAME: std::time::Duration = std::time::Duration::from_micros(16_667);

/// Something on screen this frame, by its index in the network's lists. Indices are only
/// good for the frame they were found in: the app keeps [`ElementRef`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Element {
    Bus(usize),
    Branch(usize),
    Device(usize),
}

impl Element {
    /// The element's name, as the rest of the app refers to it.
    pub fn reference(self, net: &Network) -> Option<ElementRef> {
        Some(match self {
            Element::Bus(i) => ElementRef::Bus(net.buses.get(i)?.name.clone()),
            Element::Branch(k) => ElementRef::Branch(net.branches.get(k)?.name.clone()),
            Element::Device(k) => ElementRef::Device(net.devices.get(k)?.name().to_string()),
        })
    }
}

/// What the view reports back after a frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewResponse {
    /// The element clicked this frame, if any.
    pub clicked: Option<ElementRef>,
    /// A click on empty space.
    pub clicked_empty: bool,
    /// The element under the pointer, if any.
    pub hovered: Option<ElementRef>,
    /// A finished edit gesture (Edit mode only).
    pub gesture: Option<Gesture>,
}

/// A view change asked for from outside, applied once the view's rect is known.
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    Fit,
    CenterOn(ElementRef),
    OpenMenu(ElementRef),
}

/// The context menu's target and where it opened (beside its element when opened from
/// outside).
#[derive(Debug, Clone, PartialEq)]
struct ContextMenu {
    target: MenuTarget,
    at: Option<Pos2>,
}

/// The network view's own state: pan and zoom, the flow animation phase, a drag in progress.
#[derive(Debug, Clone, Default)]
pub struct NetworkView {
    /// Pan and zoom: diagram units → screen points.
    screen_from_grid: TSTransform,
    /// Built from the network on the first frame, updated when it changes.
    geometry: Option<Geometry>,
    flow: flow::FlowAnimation,
    /// In the order asked for; a fit of a new network comes first.
    pending: Vec<Pending>,
    /// The rect the network was last fitted to, while the user has not panned or zoomed since:
    /// a resized window is then fitted again.
    fitted_viewport: Option<Rect>,
    /// The time of the previous headless frame (`frame_shapes`), to animate between frames.
    last_frame_time_s: Option<f64>,
    drag: Option<Drag>,
    context: Option<ContextMenu>,
    /// Open the context menu on this frame (asked for from outside).
    open_menu_now: bool,
    /// In a presentation names, values and glyphs appear sooner as the zoom grows.
    presenting: bool,
    /// Buses coloured by zone.
    show_zones: bool,
    /// What the last frame drew, at what detail.
    last_lod: Option<Lod>,
}

/// How much sooner detail appears in a presentation: the diagram has the whole window, and a
/// class at the back of the room must read it at the fitted zoom.
const PRESENTATION_DETAIL: f32 = 1.8;

/// What the caller puts in the context menu, for what was right-clicked.
pub type MenuContents<'a> = &'a mut dyn FnMut(&mut Ui, &MenuTarget);

impl NetworkView {
    /// Draws `net` in the state `state` and handles pan, zoom, clicks and, with a `tool` (Edit
    /// mode), the edit gestures and the right-click menu that `menu` fills.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        net: &Network,
        state: &StepRecord,
        selection: &[ElementRef],
        tool: Option<Tool>,
        menu: Option<MenuContents>,
    ) -> ViewResponse {
        let (viewport, response) =
            ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Network view"));
        self.prepare(net, viewport);
        let Some(geometry) = self.geometry.take() else {
            return ViewResponse::default();
        };
        let view_response =
            self.interact(ui, &response, net, state, &geometry, selection, tool, menu);
        self.geometry = Some(geometry);
        view_response
    }

    #[allow(clippy::too_many_arguments)]
    fn interact(
        &mut self,
        ui: &mut Ui,
        response: &egui::Response,
        net: &Network,
        state: &StepRecord,
        geometry: &Geometry,
        selection: &[ElementRef],
        tool: Option<Tool>,
        menu: Option<MenuContents>,
    ) -> ViewResponse {
        let viewport = response.rect;
        self.zoom(ui, response, geometry);
        let pointer = ui.input(|i| i.pointer.latest_pos());
        let hit_scene = self.scene(ui, geometry, viewport, None);
        let under = |p: Option<Pos2>| {
            p.and_then(|p| hit::hit(&hit_scene, p))
                .and_then(|e| e.reference(net))
        };
        let mut gesture = self.drag_ui(ui, response, net, geometry, selection, tool, &under);
        let moving = match (&self.drag, pointer) {
            (Some(drag), Some(p)) => drag.moving(geometry, p),
            _ => None,
        };
        let scene = self.scene(
            ui,
            geometry,
            viewport,
            moving.as_ref().map(|(b, o)| (b.as_slice(), *o)),
        );
        self.last_lod = Some(scene.lod);
        let (dt_s, time_s) = ui.input(|i| (i.stable_dt.min(MAX_DT_S), i.time));
        let moving_flows = self.flow.advance(net, state, &scene, dt_s);
        let selected: Vec<Element> = selection.iter().filter_map(|e| geometry.find(e)).collect();
        let mut view_response = pointer_ui(ui, response, &scene, net, &selected);
        if let Some(tool) = tool
            && (view_response.clicked.is_some() || view_response.clicked_empty)
        {
            let at = response.interact_pointer_pos().unwrap_or(viewport.center());
            let add = ui.input(|i| i.modifiers.shift);
            gesture = Some(gesture::click(
                tool,
                view_response.clicked.clone(),
                self.grid_position(at),
                add,
            ));
        }
        view_response.gesture = gesture;

        let hovered = view_response
            .hovered
            .as_ref()
            .and_then(|h| geometry.find(h));
        let input = paint::FrameInput {
            net,
            state,
            geometry,
            scene: &scene,
            flow: &self.flow,
            selected: &selected,
            hovered,
            time_s,
            zones: self.show_zones,
        };
        let palette = Palette::from_style(ui.style());
        let mut shapes = paint::paint_frame(ui.ctx(), palette.clone(), &input);
        if let (Some(drag), Some(p)) = (&self.drag, pointer) {
            shapes.extend(overlay::drag_shapes(drag, geometry, &scene, p, &palette));
        }
        ui.painter_at(viewport).extend(shapes);

        if let Some(menu) = menu {
            self.context_menu_ui(ui, response, geometry, &under, menu);
        }
        if let Some(element) = hovered {
            ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
            tooltip_ui(ui, response.id, net, state, geometry, element);
        } else if response.dragged() {
            ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
        }
        if moving_flows || any_violation_visible(net, state, &scene) {
            // A frame at the display's pace, not "immediately": test harnesses (and egui's
            // own idle detection) then see a view that animates but has settled.
            ui.ctx().request_repaint_after(ANIMATION_FRAME);
        }
        view_response
    }

    fn scene(
        &self,
        ui: &Ui,
        geometry: &Geometry,
        viewport: Rect,
        moving: Option<(&[usize], egui::Vec2)>,
    ) -> Scene {
        let pixels_per_point = ui.ctx().pixels_per_point();
        Scene::new(
            geometry,
            self.screen_from_grid,
            viewport,
            pixels_per_point,
            moving,
            self.detail(),
        )
    }

    /// The detail the last frame was drawn at (names, values, glyphs, flow markers).
    pub fn last_lod(&self) -> Option<Lod> {
        self.last_lod
    }

    /// Whether the view shows the whole network as fitted (not panned or zoomed since).
    pub fn fitted(&self) -> bool {
        self.fitted_viewport.is_some()
    }

    /// Presenting or not (see [`PRESENTATION_DETAIL`]).
    pub fn set_presenting(&mut self, presenting: bool) {
        self.presenting = presenting;
    }

    pub fn set_show_zones(&mut self, show: bool) {
        self.show_zones = show;
    }

    fn detail(&self) -> f32 {
        if self.presenting {
            PRESENTATION_DETAIL
        } else {
            1.0
        }
    }

    /// Starts, follows and ends drags: panning with any button (the primary one in Run mode or
    /// where the tool has nothing to drag), and the tool's own drags in Edit mode. Returns the
    /// gesture a finished drag makes.
    #[allow(clippy::too_many_arguments)]
    fn drag_ui(
        &mut self,
        ui: &Ui,
        response: &egui::Response,
        net: &Network,
        geometry: &Geometry,
        selection: &[ElementRef],
        tool: Option<Tool>,
        under: &dyn Fn(Option<Pos2>) -> Option<ElementRef>,
    ) -> Option<Gesture> {
        let primary = response.dragged_by(PointerButton::Primary);
        if response.drag_started() && primary {
            let origin = ui.input(|i| i.pointer.press_origin());
            self.drag = Some(match tool {
                Some(tool) => {
                    let buses = selected_buses(selection);
                    let start = origin.unwrap_or_default();
                    Drag::start(tool, under(origin), start, &buses)
                }
                None => Drag::Pan,
            });
        }
        let pans = !primary || matches!(self.drag, Some(Drag::Pan) | None);
        if response.dragged() && pans {
            self.screen_from_grid = transform::pan(self.screen_from_grid, response.drag_delta());
            self.fitted_viewport = None;
        }
        if !response.drag_stopped() {
            return None;
        }
        let drag = self.drag.take()?;
        let at = response.interact_pointer_pos()?;
        let grid_from_screen = |p: Pos2| self.grid_position(p);
        let boxed = |rect: Rect| {
            let rect_grid = Rect::from_two_pos(
                self.screen_from_grid.inverse() * rect.min,
                self.screen_from_grid.inverse() * rect.max,
            );
            gesture::inside(net, geometry, rect_grid)
        };
        let add = ui.input(|i| i.modifiers.shift);
        drag.finish(tool?, at, under(Some(at)), grid_from_screen, boxed, add)
    }

    /// The diagram position under a screen point, snapped to the drawing grid so that buses
    /// placed by hand line up and files keep round numbers.
    fn grid_position(&self, screen: Pos2) -> Position {
        let grid = self.screen_from_grid.inverse() * screen;
        let step = snap_step(self.symbol_grid());
        let snap = |v: f32| (f64::from(v) / step).round() * step;
        Position {
            x: snap(grid.x),
            y: snap(grid.y),
        }
    }

    /// The right-click menu: opens on a secondary click anywhere on the view (items included)
    /// and stays on what was under the pointer then.
    fn context_menu_ui(
        &mut self,
        ui: &Ui,
        response: &egui::Response,
        geometry: &Geometry,
        under: &dyn Fn(Option<Pos2>) -> Option<ElementRef>,
        menu: MenuContents,
    ) {
        let opened = response.container_secondary_clicked();
        if opened && let Some(at) = ui.input(|i| i.pointer.interact_pos()) {
            let target = match under(Some(at)) {
                Some(element) => MenuTarget::Element(element),
                None => MenuTarget::Empty(self.grid_position(at)),
            };
            self.context = Some(ContextMenu {
                target,
                at: Some(at),
            });
        }
        let Some(context) = &self.context else {
            return;
        };
        let beside_element = || match &context.target {
            MenuTarget::Element(e) => {
                let grid = geometry.find(e).and_then(|e| geometry.element_grid(e))?;
                Some(self.screen_from_grid * grid + egui::vec2(12.0, 12.0))
            }
            MenuTarget::Empty(_) => None,
        };
        let Some(at) = context.at.or_else(beside_element) else {
            return;
        };
        let open = if opened || std::mem::take(&mut self.open_menu_now) {
            Some(egui::SetOpenCommand::Bool(true))
        } else if response.clicked() || response.drag_started() {
            Some(egui::SetOpenCommand::Bool(false))
        } else {
            None
        };
        let shown = Popup::menu(response)
            .id(response.id.with("context_menu"))
            .open_memory(open)
            .at_position(at)
            .show(|ui| menu(ui, &context.target));
        if shown.is_none() {
            self.context = None;
        }
    }

    /// Opens the right-click menu of an element on the next frame, beside it (for scripted
    /// screenshots).
    pub fn open_context_menu(&mut self, element: ElementRef) {
        self.pending.push(Pending::OpenMenu(element));
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
        self.screen_from_grid = geometry.fit(viewport);
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
            None,
            self.detail(),
        );
        self.flow.advance(net, state, &scene, dt_s);
        let input = paint::FrameInput {
            net,
            state,
            geometry,
            scene: &scene,
            flow: &self.flow,
            selected: &[],
            hovered: None,
            time_s,
            zones: self.show_zones,
        };
        paint::paint_frame(ctx, Palette::from_style(&ctx.global_style()), &input)
            .into_iter()
            .map(|shape| ClippedShape::new(viewport, shape))
            .collect()
    }

    /// The size of a symbol in diagram units: a distance that reads as "next to" on screen.
    pub fn symbol_grid(&self) -> f32 {
        self.geometry.as_ref().map_or(30.0, |g| g.symbol_grid)
    }

    /// Fits the whole network in the view on the next frame.
    pub fn fit(&mut self) {
        self.pending.push(Pending::Fit);
    }

    /// Centres the view on an element on the next frame, zooming in until it is labelled.
    pub fn center_on(&mut self, element: ElementRef) {
        self.pending.push(Pending::CenterOn(element));
    }

    /// Brings the per-network data up to date, fits a network seen for the first time, and
    /// applies a pending fit, centring or menu.
    fn prepare(&mut self, net: &Network, viewport: Rect) {
        match &mut self.geometry {
            Some(geometry) => {
                if geometry.update(net) {
                    self.flow = flow::FlowAnimation::default();
                }
            }
            None => {
                self.geometry = Some(Geometry::new(net));
                self.pending.insert(0, Pending::Fit);
            }
        }
        if self.fitted_viewport.is_some_and(|r| r != viewport) {
            self.pending.insert(0, Pending::Fit);
        }
        for pending in std::mem::take(&mut self.pending) {
            self.apply_pending(pending, viewport);
        }
    }

    fn apply_pending(&mut self, pending: Pending, viewport: Rect) {
        let Some(geometry) = &self.geometry else {
            return;
        };
        match pending {
            Pending::Fit => {
                self.screen_from_grid = geometry.fit(viewport);
                self.fitted_viewport = Some(viewport);
            }
            Pending::CenterOn(element) => {
                if let Some(grid) = geometry
                    .find(&element)
                    .and_then(|e| geometry.element_grid(e))
                {
                    let scale = self
                        .screen_from_grid
                        .scaling
                        .max(scene::legible_scale(geometry.symbol_grid));
                    self.screen_from_grid = transform::centred(grid, scale, viewport);
                    self.fitted_viewport = None;
                }
            }
            Pending::OpenMenu(element) => {
                let target = MenuTarget::Element(element);
                self.context = Some(ContextMenu { target, at: None });
                self.open_menu_now = true;
            }
        }
    }

    /// The wheel (or a pinch) zooms about the pointer, a double-click fits.
    fn zoom(&mut self, ui: &mut Ui, response: &egui::Response, geometry: &Geometry) {
        let viewport = response.rect;
        // On empty space or on an item (whose own widget takes the click): either way it fits.
        let double_clicked = response.double_clicked()
            || (ui.rect_contains_pointer(viewport)
                && ui.input(|i| {
                    i.pointer
                        .button_double_clicked(egui::PointerButton::Primary)
                }));
        if double_clicked {
            self.screen_from_grid = geometry.fit(viewport);
            self.fitted_viewport = Some(viewport);
            return;
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

/// The drawing grid: the round number (1, 2 or 5 times a power of ten) at or below half a
/// symbol, so neighbouring buses can still be placed apart.
fn snap_step(symbol_grid: f32) -> f64 {
    let half = f64::from(symbol_grid.max(f32::EPSILON)) / 2.0;
    let decade = 10f64.powf(half.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&step| step <= half)
        .unwrap_or(decade)
}

/// The names of the selected buses.
fn selected_buses(selection: &[ElementRef]) -> Vec<String> {
    selection
        .iter()
        .filter_map(|e| match e {
            ElementRef::Bus(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// What the pointer does this frame: hovering and clicking, decided by hit testing the scene,
/// so the same rules hold with and without per-item widgets.
fn pointer_ui(
    ui: &Ui,
    response: &egui::Response,
    scene: &Scene,
    net: &Network,
    selected: &[Element],
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
        clicked: clicked.flatten().and_then(|e| e.reference(net)),
        clicked_empty: clicked.is_some_and(|c| c.is_none()),
        hovered: hovered.and_then(|e| e.reference(net)),
        gesture: None,
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
    selected: &[Element],
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
            egui::WidgetInfo::selected(egui::Role::Button, true, selected.contains(&element), name)
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

#[cfg(test)]
mod tests {
    use super::snap_step;

    #[test]
    fn the_drawing_grid_is_a_round_number_below_half_a_symbol() {
        assert_eq!(snap_step(30.0), 10.0);
        assert_eq!(snap_step(60.0), 20.0);
        assert_eq!(snap_step(18.0), 5.0);
        assert_eq!(snap_step(0.003), 0.001);
    }
}
