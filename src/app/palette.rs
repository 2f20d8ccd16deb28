//! Edit mode's tools: the palette on the left (select, bus, line and each kind of device) and
//! the right-click menu of the network view, which offers the same devices.

use super::canvas::{Gesture, MenuTarget, Tool};
use super::command::Command;
use crate::edit::{DeviceKind, Selection};
use crate::model::ElementRef;

pub fn palette_ui(
    ui: &mut egui::Ui,
    tool: Tool,
    selection: &Selection,
    commands: &mut Vec<Command>,
) {
    ui.heading("Edit");
    ui.label("Tools");
    ui.horizontal_wrapped(|ui| {
        for t in [Tool::Select, Tool::Bus, Tool::Line] {
            tool_button(ui, tool, t, commands);
        }
    });
    ui.label("Attach to a bus");
    ui.horizontal_wrapped(|ui| {
        for kind in DeviceKind::ALL {
            tool_button(ui, tool, Tool::Device(kind), commands);
        }
    });
    ui.add_space(4.0);
    ui.small(tool.hint());
    ui.separator();
    match selection.len() {
        0 => ui.label("Nothing selected"),
        1 => ui.label("1 element selected"),
        n => ui.label(format!("{n} elements selected")),
    };
    ui.horizontal(|ui| {
        let any = !selection.is_empty();
        if ui.add_enabled(any, egui::Button::new("Delete")).clicked() {
            commands.push(Command::DeleteSelection);
        }
        if ui.add_enabled(any, egui::Button::new("Copy")).clicked() {
            commands.push(Command::Copy);
        }
        if ui.button("Paste").clicked() {
            commands.push(Command::Paste(None));
        }
    });
    ui.separator();
    ui.small("Ctrl+Z undo · Ctrl+Y redo · Delete · Ctrl+C / Ctrl+V · Esc");
}

fn tool_button(ui: &mut egui::Ui, current: Tool, tool: Tool, commands: &mut Vec<Command>) {
    if ui
        .selectable_label(current == tool, tool.label())
        .on_hover_text(tool.hint())
        .clicked()
    {
        commands.push(Command::SetTool(tool));
    }
}

/// The right-click menu: devices to attach to a bus, delete, or a bus on empty space.
pub fn context_menu_ui(ui: &mut egui::Ui, target: &MenuTarget, commands: &mut Vec<Command>) {
    match target {
        MenuTarget::Element(element) => {
            if let ElementRef::Bus(bus) = element {
                ui.label(format!("Attach to {bus}"));
                for kind in DeviceKind::ALL {
                    let attach = Gesture::Attach {
                        bus: bus.clone(),
                        kind,
                    };
                    menu_item(ui, kind.label(), &[Command::Gesture(attach)], commands);
                }
                ui.separator();
            }
            // Selecting first makes Delete act on what was right-clicked.
            let delete = [
                Command::Select(Selection::single(element.clone())),
                Command::DeleteSelection,
            ];
            menu_item(ui, "Delete", &delete, commands);
        }
        MenuTarget::Empty(at) => {
            let place = [Command::Gesture(Gesture::PlaceBus(*at))];
            menu_item(ui, "Add bus here", &place, commands);
        }
    }
}

fn menu_item(ui: &mut egui::Ui, label: &str, then: &[Command], commands: &mut Vec<Command>) {
    if ui.button(label).clicked() {
        commands.extend_from_slice(then);
        ui.close();
    }
}

/// What to do on an empty canvas.
pub fn empty_hint_ui(ui: &egui::Ui, rect: egui::Rect) {
    ui.painter().text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "An empty network: pick the Bus tool and click here to place a bus.",
        egui::TextStyle::Body.resolve(ui.style()),
        ui.visuals().weak_text_color(),
    );
}
