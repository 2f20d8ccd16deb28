//! What the pointer does to the network in Edit mode: the tools, the drags in progress and the
//! gestures they end in (place a bus, draw a line, move buses, attach a device, select a box).
//!
//! Drags keep names, not indices, so a drag survives an edit arriving mid-way; the view
//! resolves them against the geometry on every frame.

use egui::{Pos2, Rect, Vec2};

use super::Element;
use super::geometry::Geometry;
use crate::edit::DeviceKind;
use crate::model::{ElementRef, Network, Position};

/// What a click or a drag on the view does in Edit mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    /// Click selects, drag moves buses (or a device onto another bus), drag on empty space
    /// selects a box.
    #[default]
    Select,
    /// Click on empty space places a bus; drag from a bus draws a line (to a new bus when it
    /// ends on empty space).
    Bus,
    /// Drag from bus to bus draws a line.
    Line,
    /// Click on a bus attaches a device of this kind.
    Device(DeviceKind),
}

impl Tool {
    pub fn label(self) -> &'static str {
        match self {
            Tool::Select => "Select",
            Tool::Bus => "Bus",
            Tool::Line => "Line",
            Tool::Device(kind) => kind.label(),
        }
    }

    /// What the tool does, for the palette's hint.
    pub fn hint(self) -> &'static str {
        match self {
            Tool::Select => {
                "Click to select (Shift adds), drag a bus to move it, drag on empty space to select a box. Right-click a bus to attach devices."
            }
            Tool::Bus => {
                "Click on empty space to place a bus; drag from a bus to draw a line to another bus or to a new one."
            }
            Tool::Line => "Drag from one bus to another to connect them.",
            Tool::Device(_) => "Click a bus to attach the device.",
        }
    }
}

/// Where a drawn line ends.
#[derive(Debug, Clone, PartialEq)]
pub enum LineEnd {
    Bus(String),
    /// On empty space: a new bus there.
    NewBus(Position),
}

/// A finished edit gesture, for the app to turn into an edit.
#[derive(Debug, Clone, PartialEq)]
pub enum Gesture {
    PlaceBus(Position),
    Connect {
        from: String,
        to: LineEnd,
    },
    MoveBuses {
        buses: Vec<String>,
        dx: f64,
        dy: f64,
    },
    /// A device dropped on another bus.
    MoveDevice {
        device: String,
        to_bus: String,
    },
    Attach {
        bus: String,
        kind: DeviceKind,
    },
    /// Replace the selection (or add to it).
    Select {
        elements: Vec<ElementRef>,
        add: bool,
    },
}

/// What a right-click was on.
#[derive(Debug, Clone, PartialEq)]
pub enum MenuTarget {
    Element(ElementRef),
    Empty(Position),
}

/// A primary-button drag in progress, decided when it started.
#[derive(Debug, Clone, PartialEq)]
pub enum Drag {
    Pan,
    /// Buses follow the pointer from where the drag started (screen points).
    MoveBuses {
        buses: Vec<String>,
        from: Pos2,
    },
    MoveDevice {
        device: String,
    },
    Connect {
        from: String,
    },
    SelectBox {
        from: Pos2,
    },
}

impl Drag {
    /// What a drag starting on `under` does with `tool`; `selected` are the selected buses (a
    /// selected bus drags the whole selection with it).
    pub fn start(
        tool: Tool,
        under: Option<ElementRef>,
        at: Pos2,
        selected_buses: &[String],
    ) -> Drag {
        match (tool, under) {
            (Tool::Select, Some(ElementRef::Bus(bus))) => {
                let buses = if selected_buses.contains(&bus) {
                    selected_buses.to_vec()
                } else {
                    vec![bus]
                };
                Drag::MoveBuses { buses, from: at }
            }
            (Tool::Select, Some(ElementRef::Device(device))) => Drag::MoveDevice { device },
            (Tool::Select, None) => Drag::SelectBox { from: at },
            (Tool::Bus | Tool::Line, Some(ElementRef::Bus(from))) => Drag::Connect { from },
            _ => Drag::Pan,
        }
    }

    /// The gesture a drag ends in, released at `at` over `under`.
    pub fn finish(
        self,
        tool: Tool,
        at: Pos2,
        under: Option<ElementRef>,
        grid_from_screen: impl Fn(Pos2) -> Position,
        boxed: impl FnOnce(Rect) -> Vec<ElementRef>,
        add: bool,
    ) -> Option<Gesture> {
        match self {
            Drag::Pan => None,
            Drag::MoveBuses { buses, from } => {
                let (a, b) = (grid_from_screen(from), grid_from_screen(at));
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                (dx != 0.0 || dy != 0.0).then_some(Gesture::MoveBuses { buses, dx, dy })
            }
            Drag::MoveDevice { device } => match under {
                Some(ElementRef::Bus(to_bus)) => Some(Gesture::MoveDevice { device, to_bus }),
                _ => None,
            },
            Drag::Connect { from } => {
                let to = match under {
                    Some(ElementRef::Bus(to)) if to != from => LineEnd::Bus(to),
                    Some(_) => return None,
                    None if tool == Tool::Bus => LineEnd::NewBus(grid_from_screen(at)),
                    None => return None,
                };
                Some(Gesture::Connect { from, to })
            }
            Drag::SelectBox { from } => Some(Gesture::Select {
                elements: boxed(Rect::from_two_pos(from, at)),
                add,
            }),
        }
    }

    /// The buses drawn away from their place while dragging, and by how much (screen points).
    pub fn moving(&self, geometry: &Geometry, pointer: Pos2) -> Option<(Vec<usize>, Vec2)> {
        let Drag::MoveBuses { buses, from } = self else {
            return None;
        };
        let indices = buses
            .iter()
            .filter_map(|b| match geometry.find(&ElementRef::Bus(b.clone())) {
                Some(Element::Bus(i)) => Some(i),
                _ => None,
            })
            .collect();
        Some((indices, pointer - *from))
    }
}

/// What a click does in Edit mode: place a bus, attach a device, or select.
pub fn click(tool: Tool, under: Option<ElementRef>, at: Position, add: bool) -> Gesture {
    match (tool, under) {
        (Tool::Bus, None) => Gesture::PlaceBus(at),
        (Tool::Device(kind), Some(ElementRef::Bus(bus))) => Gesture::Attach { bus, kind },
        (_, under) => Gesture::Select {
            elements: under.into_iter().collect(),
            add,
        },
    }
}

/// The buses, devices and branches whose symbols lie inside `rect_grid` (both ends, for a
/// branch).
pub fn inside(net: &Network, geometry: &Geometry, rect_grid: Rect) -> Vec<ElementRef> {
    let bus_inside: Vec<bool> = geometry
        .bus_grid
        .iter()
        .map(|p| rect_grid.contains(*p))
        .collect();
    let buses = net
        .buses
        .iter()
        .zip(&bus_inside)
        .filter(|(_, inside)| **inside)
        .map(|(b, _)| ElementRef::Bus(b.name.clone()));
    let branches = net
        .branches
        .iter()
        .zip(&geometry.branch_ends)
        .filter(|(_, ends)| ends.is_some_and(|(a, b)| bus_inside[a] && bus_inside[b]))
        .map(|(b, _)| ElementRef::Branch(b.name.clone()));
    let devices = net
        .devices
        .iter()
        .zip(&geometry.devices)
        .filter(|(_, slot)| slot.bus.is_some_and(|i| bus_inside[i]))
        .map(|(d, _)| ElementRef::Device(d.name().to_string()));
    buses.chain(branches).chain(devices).collect()
}
