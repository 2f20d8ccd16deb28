//! The top bar: File and Edit menus, the Edit / Run switch, the network's name, undo and redo,
//! theme and presentation.

use super::GridPilotApp;
use super::command::{Command, Mode};
use super::session::Playback;

pub fn top_bar_ui(ui: &mut egui::Ui, app: &mut GridPilotApp) {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        file_menu_ui(ui, app, &mut commands);
        if app.mode == Mode::Edit {
            edit_menu_ui(ui, app, &mut commands);
        }
        ui.separator();
        mode_switch_ui(ui, app.mode, &mut commands);
        ui.separator();
        let doc = &app.project.document;
        ui.strong(&doc.network().name);
        let file = doc.file_label();
        if file != doc.network().name {
            ui.weak(file);
        }
        if doc.is_dirty() {
            ui.weak("*").on_hover_text("Unsaved changes");
        }
        if app.mode == Mode::Run
            && let Some(session) = app.project.session()
            && session.playback == Playback::Replay
        {
            ui.label("Replay");
        }
        if app.mode == Mode::Edit {
            ui.separator();
            undo_redo_ui(ui, app, &mut commands);
        }
        ui.separator();
        if ui
            .button("Find")
            .on_hover_text("Find a bus, branch or device by name (Ctrl+F)")
            .clicked()
        {
            commands.push(Command::OpenFind);
        }
        let theme = if app.dark {
            "Light theme"
        } else {
            "Dark theme"
        };
        if ui.button(theme).clicked() {
            commands.push(Command::SetDark(!app.dark));
        }
        if ui
            .selectable_label(app.presentation, "Presentation")
            .clicked()
        {
            commands.push(Command::SetPresentation(!app.presentation));
        }
        let zoned = app.network().buses.iter().any(|b| b.zone.is_some());
        if zoned
            && ui
                .selectable_label(app.show_zones, "Zones")
                .on_hover_text("Colour each bus by its zone")
                .clicked()
        {
            commands.push(Command::SetShowZones(!app.show_zones));
        }
        app.animation_progress_ui(ui);
        app.layout_progress_ui(ui);
    });
    app.commands.extend(commands);
}

/// A menu entry that pushes `command` when clicked.
fn entry(
    ui: &mut egui::Ui,
    label: &str,
    enabled: bool,
    command: Command,
    commands: &mut Vec<Command>,
) {
    if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
        commands.push(command);
        ui.close();
    }
}

fn file_menu_ui(ui: &mut egui::Ui, app: &GridPilotApp, commands: &mut Vec<Command>) {
    let has_run = app.project.session().is_some();
    ui.menu_button("File", |ui| {
        entry(ui, "New network", true, Command::NewNetwork, commands);
        entry(ui, "Open network…", true, Command::OpenNetwork, commands);
        entry(
            ui,
            "Import MATPOWER or pandapower…",
            true,
            Command::ImportCase,
            commands,
        );
        entry(ui, "Open episode…", true, Command::OpenEpisode, commands);
        ui.separator();
        entry(ui, "Save", true, Command::Save, commands);
        entry(ui, "Save as…", true, Command::SaveAs, commands);
        ui.separator();
        entry(ui, "Save episode…", has_run, Command::SaveEpisode, commands);
        if app.project.previous_episode.is_some() {
            entry(
                ui,
                "Save previous episode…",
                true,
                Command::SavePreviousEpisode,
                commands,
            );
        }
        ui.separator();
        entry(
            ui,
            "Export picture…",
            true,
            Command::ExportPicture,
            commands,
        );
        entry(
            ui,
            "Export animation…",
            has_run,
            Command::ExportAnimation,
            commands,
        );
        entry(
            ui,
            "Export time series CSV…",
            has_run,
            Command::ExportCsv,
            commands,
        );
    });
}

fn edit_menu_ui(ui: &mut egui::Ui, app: &GridPilotApp, commands: &mut Vec<Command>) {
    let doc = &app.project.document;
    let selected = !app.selection.is_empty();
    ui.menu_button("Edit", |ui| {
        entry(
            ui,
            "Undo",
            doc.undo_label().is_some(),
            Command::Undo,
            commands,
        );
        entry(
            ui,
            "Redo",
            doc.redo_label().is_some(),
            Command::Redo,
            commands,
        );
        ui.separator();
        entry(ui, "Copy", selected, Command::Copy, commands);
        entry(
            ui,
            "Paste",
            app.clipboard.is_some(),
            Command::Paste(None),
            commands,
        );
        entry(ui, "Delete", selected, Command::DeleteSelection, commands);
        entry(ui, "Select all", true, Command::SelectAll, commands);
        ui.separator();
        let idle = app.layout_job.is_none();
        let layout = |selection| Command::AutoLayout { selection };
        entry(ui, "Automatic layout", idle, layout(false), commands);
        let buses = !app.selection.buses().is_empty();
        let label = "Automatic layout of the selected buses";
        entry(ui, label, idle && buses, layout(true), commands);
    });
}

fn mode_switch_ui(ui: &mut egui::Ui, mode: Mode, commands: &mut Vec<Command>) {
    for (label, target) in [("Edit", Mode::Edit), ("Run", Mode::Run)] {
        let response = ui
            .selectable_label(mode == target, label)
            .on_hover_text(match target {
                Mode::Edit => "Build and change the network",
                Mode::Run => "Run the network with an agent",
            });
        if response.clicked() && mode != target {
            commands.push(Command::SetMode(target));
        }
    }
}

/// Undo and Redo, each saying what it would undo or redo.
fn undo_redo_ui(ui: &mut egui::Ui, app: &GridPilotApp, commands: &mut Vec<Command>) {
    let doc = &app.project.document;
    let undo = doc
        .undo_label()
        .map_or("Undo".to_string(), |l| format!("Undo: {l}"));
    if ui
        .add_enabled(doc.undo_label().is_some(), egui::Button::new(undo))
        .on_hover_text("Ctrl+Z")
        .clicked()
    {
        commands.push(Command::Undo);
    }
    let redo = doc
        .redo_label()
        .map_or("Redo".to_string(), |l| format!("Redo: {l}"));
    if ui
        .add_enabled(doc.redo_label().is_some(), egui::Button::new(redo))
        .on_hover_text("Ctrl+Y or Ctrl+Shift+Z")
        .clicked()
    {
        commands.push(Command::Redo);
    }
}
