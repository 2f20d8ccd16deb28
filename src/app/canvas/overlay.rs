//! What a drag in progress draws over the network: the line being drawn, the box being
//! selected, the bus a device is being carried to.

use egui::{Pos2, Rect, Shape, Stroke, StrokeKind};

use super::Element;
use super::geometry::Geometry;
use super::gesture::Drag;
use super::scene::Scene;
use super::style::Palette;
use crate::model::ElementRef;

/// The shapes for `drag` with the pointer at `pointer`.
pub fn drag_shapes(
    drag: &Drag,
    geometry: &Geometry,
    scene: &Scene,
    pointer: Pos2,
    palette: &Palette,
) -> Vec<Shape> {
    let stroke = Stroke::new(2.0, palette.selection);
    match drag {
        Drag::Connect { from } => {
            let Some(start) = bus_center(geometry, scene, from) else {
                return Vec::new();
            };
            let mut shapes = Shape::dashed_line(&[start, pointer], stroke, 8.0, 5.0);
            shapes.push(Shape::circle_stroke(pointer, 5.0, stroke));
            shapes
        }
        Drag::MoveDevice { device } => {
            let Some(Element::Device(k)) = geometry.find(&ElementRef::Device(device.clone()))
            else {
                return Vec::new();
            };
            let Some(start) = scene
                .devices
                .iter()
                .find(|d| d.index == k)
                .map(|d| d.center)
            else {
                return Vec::new();
            };
            Shape::dashed_line(&[start, pointer], stroke, 6.0, 4.0)
        }
        Drag::SelectBox { from } => {
            let rect = Rect::from_two_pos(*from, pointer);
            vec![
                Shape::rect_filled(rect, 0.0, palette.selection.gamma_multiply(0.15)),
                Shape::rect_stroke(
                    rect,
                    0.0,
                    Stroke::new(1.0, palette.selection),
                    StrokeKind::Inside,
                ),
            ]
        }
        Drag::Pan | Drag::MoveBuses { .. } => Vec::new(),
    }
}

fn bus_center(geometry: &Geometry, scene: &Scene, bus: &str) -> Option<Pos2> {
    let Some(Element::Bus(i)) = geometry.find(&ElementRef::Bus(bus.to_string())) else {
        return None;
    };
    scene.buses.iter().find(|b| b.index == i).map(|b| b.center)
}
