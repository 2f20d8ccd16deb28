//! Keyboard shortcuts, turned into the same commands the buttons send.
//!
//! Edit mode: Ctrl+Z undo, Ctrl+Y and Ctrl+Shift+Z redo, Delete, Ctrl+C / Ctrl+V, Ctrl+A,
//! Escape, Ctrl+S save, Ctrl+Shift+S save as. Run mode: Space play/pause, Right and Left step,
//! Ctrl+Z (or Ctrl+Shift+Z) takes up the run a what-if set aside, Escape puts away an N-1
//! state, Ctrl+S (or Ctrl+Shift+S) save the episode. Both: Ctrl+N, Ctrl+O, F11.

use egui::{Event, Key, KeyboardShortcut, Modifiers};

use super::canvas::Tool;
use super::command::{Command, Mode};
use super::session::RunCommand;
use crate::edit::Selection;

const fn shortcut(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);

/// Reads this frame's keys into commands. Keys a text field is typing into are left alone.
pub fn shortcuts(ctx: &egui::Context, mode: Mode, commands: &mut Vec<Command>) {
    if ctx.input(|i| i.key_pressed(Key::F11)) {
        commands.push(Command::ToggleFullscreen);
    }
    let consume = |modifiers, key| ctx.input_mut(|i| i.consume_shortcut(&shortcut(modifiers, key)));
    // The longer shortcuts first: Ctrl+Shift+S must not also count as Ctrl+S.
    let save_as = consume(CTRL_SHIFT, Key::S);
    let save = consume(Modifiers::COMMAND, Key::S);
    if consume(Modifiers::COMMAND, Key::N) {
        commands.push(Command::NewNetwork);
    }
    if consume(Modifiers::COMMAND, Key::O) {
        commands.push(Command::OpenNetwork);
    }
    if consume(Modifiers::COMMAND, Key::F) {
        commands.push(Command::OpenFind);
    }
    match mode {
        Mode::Edit if save_as => commands.push(Command::SaveAs),
        Mode::Edit if save => commands.push(Command::Save),
        Mode::Run if save || save_as => commands.push(Command::SaveEpisode),
        _ => {}
    }
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    match mode {
        Mode::Edit => edit_keys(ctx, commands),
        Mode::Run => run_keys(ctx, commands),
    }
}

fn edit_keys(ctx: &egui::Context, commands: &mut Vec<Command>) {
    let consume = |modifiers, key| ctx.input_mut(|i| i.consume_shortcut(&shortcut(modifiers, key)));
    if consume(CTRL_SHIFT, Key::Z) || consume(Modifiers::COMMAND, Key::Y) {
        commands.push(Command::Redo);
    }
    if consume(Modifiers::COMMAND, Key::Z) {
        commands.push(Command::Undo);
    }
    if consume(Modifiers::COMMAND, Key::A) {
        commands.push(Command::SelectAll);
    }
    // The desktop turns Ctrl+C and Ctrl+V into clipboard events (with the clipboard's text);
    // the plain keys still come through where there is no desktop clipboard.
    if consume(Modifiers::COMMAND, Key::C) {
        commands.push(Command::Copy);
    }
    if consume(Modifiers::COMMAND, Key::V) {
        commands.push(Command::Paste(None));
    }
    ctx.input(|i| {
        for event in &i.events {
            match event {
                Event::Copy => commands.push(Command::Copy),
                Event::Paste(text) => commands.push(Command::Paste(Some(text.clone()))),
                _ => {}
            }
        }
    });
    if consume(Modifiers::NONE, Key::Delete) || consume(Modifiers::NONE, Key::Backspace) {
        commands.push(Command::DeleteSelection);
    }
    if consume(Modifiers::NONE, Key::Escape) {
        commands.push(Command::SetTool(Tool::Select));
        commands.push(Command::Select(Selection::default()));
    }
}

fn run_keys(ctx: &egui::Context, commands: &mut Vec<Command>) {
    let consume = |modifiers, key| ctx.input_mut(|i| i.consume_shortcut(&shortcut(modifiers, key)));
    if consume(Modifiers::NONE, Key::Escape) {
        commands.push(Command::ShowContingency(None));
    }
    if consume(CTRL_SHIFT, Key::Z) || consume(Modifiers::COMMAND, Key::Z) {
        commands.push(Command::Run(RunCommand::SwapFuture));
    }
    // A held arrow key repeats faster than frames come: every press is a step.
    let (space, right, left) = ctx.input(|i| {
        (
            i.key_pressed(Key::Space),
            i.num_presses(Key::ArrowRight),
            i.num_presses(Key::ArrowLeft),
        )
    });
    if space {
        commands.push(Command::Run(RunCommand::TogglePlay));
    }
    commands.extend((0..right).map(|_| Command::Run(RunCommand::Step)));
    commands.extend((0..left).map(|_| Command::Run(RunCommand::StepBack)));
}
