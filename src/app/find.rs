//! Find (Ctrl+F): a box over the view where typing part of a bus, branch or device name (or a
//! bus label) lists the matches, best first; Enter or a click selects one and centres the
//! view on it.

use std::cmp::Ordering;

use super::command::Command;
use crate::model::{ElementRef, Network, capitalised, natural_cmp};

/// Matches listed at most.
const LISTED: usize = 12;

/// The find box, while open.
#[derive(Debug, Default)]
pub struct Find {
    query: String,
    /// Whether the text field has had the keyboard since the box opened.
    focused: bool,
}

/// An element whose name (or label) holds the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub element: ElementRef,
    /// What the list shows: "Bus bus3", "Load load_ind (bus bus4)".
    pub text: String,
    rank: u8,
}

/// The elements of `net` matching `query`, best first: exact names, then names that start
/// with it, then names or labels that hold it; names in natural order within each.
pub fn matches(net: &Network, query: &str) -> Vec<Match> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let rank = |name: &str, label: Option<&str>| -> Option<u8> {
        let name = name.to_lowercase();
        if name == query {
            Some(0)
        } else if name.starts_with(&query) {
            Some(1)
        } else if name.contains(&query) || label.is_some_and(|l| l.to_lowercase().contains(&query))
        {
            Some(2)
        } else {
            None
        }
    };
    let buses = net.buses.iter().filter_map(|b| {
        let text = match &b.label {
            Some(label) => format!("Bus {} ({label})", b.name),
            None => format!("Bus {}", b.name),
        };
        let element = ElementRef::Bus(b.name.clone());
        Some(Match {
            element,
            text,
            rank: rank(&b.name, b.label.as_deref())?,
        })
    });
    let branches = net.branches.iter().filter_map(|b| {
        let text = format!("Branch {} ({} to {})", b.name, b.from_bus, b.to_bus);
        let element = ElementRef::Branch(b.name.clone());
        Some(Match {
            element,
            text,
            rank: rank(&b.name, None)?,
        })
    });
    let devices = net.devices.iter().filter_map(|d| {
        let kind = capitalised(d.kind_name());
        let text = format!("{kind} {} (bus {})", d.name(), d.bus());
        let element = ElementRef::Device(d.name().to_string());
        Some(Match {
            element,
            text,
            rank: rank(d.name(), None)?,
        })
    });
    let mut found: Vec<Match> = buses.chain(branches).chain(devices).collect();
    found.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then_with(|| natural_cmp(a.element.name(), b.element.name()))
            .then(Ordering::Equal)
    });
    found
}

impl Find {
    /// Draws the box over the top right of `view`; returns false once it is closed.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        view: egui::Rect,
        net: &Network,
        commands: &mut Vec<Command>,
    ) -> bool {
        let mut open = true;
        let found = matches(net, &self.query);
        egui::Area::new(egui::Id::unique("find"))
            .order(egui::Order::Foreground)
            .fixed_pos(view.right_top() + egui::vec2(-330.0, 8.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_width(310.0);
                    ui.horizontal(|ui| {
                        let label = ui.label("Find");
                        let field = ui
                            .add(
                                egui::TextEdit::singleline(&mut self.query)
                                    .hint_text("name or label"),
                            )
                            .labelled_by(label.id);
                        if !self.focused {
                            field.request_focus();
                            self.focused = true;
                        }
                        let enter =
                            field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        if enter && let Some(first) = found.first() {
                            commands.push(Command::Focus(first.element.clone()));
                            open = false;
                        }
                        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                            open = false;
                        }
                    });
                    if !self.query.trim().is_empty() && found.is_empty() {
                        ui.label("Nothing by that name.");
                    }
                    for m in found.iter().take(LISTED) {
                        if ui.selectable_label(false, &m.text).clicked() {
                            commands.push(Command::Focus(m.element.clone()));
                            open = false;
                        }
                    }
                    if found.len() > LISTED {
                        ui.small(format!(
                            "and {} more: type more of the name",
                            found.len() - LISTED
                        ));
                    }
                });
            });
        open
    }
}
