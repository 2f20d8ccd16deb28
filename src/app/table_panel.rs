//! The Table tab: buses, branches and devices with their values in the state on screen,
//! filtered by name, sorted by any column (a click on its title; names in natural order);
//! a click on a row selects the element and centres the view on it. Only the rows in view
//! are drawn, so a 10,000-bus network stays fluid.

use std::cmp::Ordering;

use egui_extras::{Column, TableBuilder};

use super::command::Command;
use crate::model::{Device, ElementRef, Network, natural_cmp};
use crate::sim::episode::StepRecord;

/// Which elements the table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Buses,
    Branches,
    Devices,
}

/// The tab's own state.
#[derive(Debug, Default)]
pub struct TablePanel {
    kind: Kind,
    filter: String,
    /// The column sorted by, and whether downwards (largest first).
    sort: Option<(usize, bool)>,
}

/// One cell: a number (with its decimals; empty when there is none) or text.
enum Cell {
    Number(f64, usize),
    Text(String),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Number(v, decimals) if v.is_finite() => format!("{v:.decimals$}"),
            Cell::Number(..) => String::new(),
            Cell::Text(t) => t.clone(),
        }
    }

    /// Numbers by value (missing last), text in natural order.
    fn cmp(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Number(a, _), Cell::Number(b, _)) => match (a.is_finite(), b.is_finite()) {
                (true, true) => a.total_cmp(b),
                (x, y) => y.cmp(&x),
            },
            (Cell::Text(a), Cell::Text(b)) => natural_cmp(a, b),
            _ => Ordering::Equal,
        }
    }
}

type Row = fn(&Network, &StepRecord, usize) -> Vec<Cell>;

impl Kind {
    fn titles(self) -> &'static [&'static str] {
        match self {
            Kind::Buses => &[
                "Bus",
                "|V| (p.u.)",
                "Angle (°)",
                "Min (p.u.)",
                "Max (p.u.)",
                "Base (kV)",
                "State",
            ],
            Kind::Branches => &[
                "Branch",
                "From",
                "To",
                "P from (MW)",
                "Q from (MVAr)",
                "|S| (MVA)",
                "Loading (%)",
                "Rating (MVA)",
                "State",
            ],
            Kind::Devices => &["Device", "Kind", "Bus", "P (MW)", "Q (MVAr)", "SoC (MWh)"],
        }
    }

    fn count(self, net: &Network) -> usize {
        match self {
            Kind::Buses => net.buses.len(),
            Kind::Branches => net.branches.len(),
            Kind::Devices => net.devices.len(),
        }
    }

    fn row(self) -> Row {
        match self {
            Kind::Buses => bus_row,
            Kind::Branches => branch_row,
            Kind::Devices => device_row,
        }
    }

    fn element(self, net: &Network, i: usize) -> ElementRef {
        match self {
            Kind::Buses => ElementRef::Bus(net.buses[i].name.clone()),
            Kind::Branches => ElementRef::Branch(net.branches[i].name.clone()),
            Kind::Devices => ElementRef::Device(net.devices[i].name().to_string()),
        }
    }

    fn name(self, net: &Network, i: usize) -> &str {
        match self {
            Kind::Buses => &net.buses[i].name,
            Kind::Branches => &net.branches[i].name,
            Kind::Devices => net.devices[i].name(),
        }
    }
}

fn value(values: &[f64], i: usize) -> f64 {
    values.get(i).copied().unwrap_or(f64::NAN)
}

fn bus_row(net: &Network, state: &StepRecord, i: usize) -> Vec<Cell> {
    let bus = &net.buses[i];
    let vm = value(&state.bus_vm_pu, i);
    let status = if !vm.is_finite() {
        "not solved"
    } else if vm < 1e-3 {
        "de-energised"
    } else if vm > bus.vmax_pu + 1e-9 {
        "too high"
    } else if vm < bus.vmin_pu - 1e-9 {
        "too low"
    } else {
        "within limits"
    };
    vec![
        Cell::Text(bus.name.clone()),
        Cell::Number(vm, 4),
        Cell::Number(value(&state.bus_va_deg, i), 2),
        Cell::Number(bus.vmin_pu, 3),
        Cell::Number(bus.vmax_pu, 3),
        Cell::Number(bus.base_kv, 1),
        Cell::Text(status.to_string()),
    ]
}

fn branch_row(net: &Network, state: &StepRecord, k: usize) -> Vec<Cell> {
    let branch = &net.branches[k];
    let [p, q, ..] = state.branch_flows.get(k).copied().unwrap_or([f64::NAN; 4]);
    let s = value(&state.branch_s_mva, k).abs();
    let loading = branch.rating_mva.map_or(f64::NAN, |r| 100.0 * s / r);
    let in_service = state
        .branch_in_service
        .get(k)
        .copied()
        .unwrap_or(branch.in_service);
    vec![
        Cell::Text(branch.name.clone()),
        Cell::Text(branch.from_bus.clone()),
        Cell::Text(branch.to_bus.clone()),
        Cell::Number(p, 2),
        Cell::Number(q, 2),
        Cell::Number(s, 2),
        Cell::Number(loading, 1),
        Cell::Number(branch.rating_mva.unwrap_or(f64::NAN), 1),
        Cell::Text(if in_service { "in service" } else { "open" }.to_string()),
    ]
}

fn device_row(net: &Network, state: &StepRecord, k: usize) -> Vec<Cell> {
    let device = &net.devices[k];
    let soc = match device {
        Device::Storage(_) => {
            let storage = net.devices[..k]
                .iter()
                .filter(|d| matches!(d, Device::Storage(_)))
                .count();
            value(&state.soc_mwh, storage)
        }
        _ => f64::NAN,
    };
    vec![
        Cell::Text(device.name().to_string()),
        Cell::Text(device.kind_name().to_string()),
        Cell::Text(device.bus().to_string()),
        Cell::Number(value(&state.device_p_mw, k), 3),
        Cell::Number(value(&state.device_q_mvar, k), 3),
        Cell::Number(soc, 2),
    ]
}

impl TablePanel {
    /// Draws the tab for `state` of `net`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        net: &Network,
        state: &StepRecord,
        commands: &mut Vec<Command>,
    ) {
        ui.horizontal(|ui| {
            for (kind, label) in [
                (Kind::Buses, "Buses"),
                (Kind::Branches, "Branches"),
                (Kind::Devices, "Devices"),
            ] {
                if ui.selectable_label(self.kind == kind, label).clicked() && self.kind != kind {
                    self.kind = kind;
                    self.sort = None;
                }
            }
            ui.separator();
            let label = ui.label("Filter");
            ui.text_edit_singleline(&mut self.filter)
                .labelled_by(label.id);
        });
        let rows = self.rows(net, state);
        let titles = self.kind.titles();
        let row_of = self.kind.row();
        let height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt(self.kind as u8)
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::auto().at_least(90.0).resizable(true))
            .columns(
                Column::auto().at_least(70.0).resizable(true),
                titles.len() - 1,
            )
            .header(height, |mut header| {
                for (c, title) in titles.iter().enumerate() {
                    header.col(|ui| {
                        let arrow = match self.sort {
                            Some((s, true)) if s == c => " v",
                            Some((s, false)) if s == c => " ^",
                            _ => "",
                        };
                        if ui.button(format!("{title}{arrow}")).clicked() {
                            self.sort = match self.sort {
                                Some((s, false)) if s == c => Some((c, true)),
                                Some((s, true)) if s == c => None,
                                _ => Some((c, false)),
                            };
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(height, rows.len(), |mut row| {
                    let i = rows[row.index()];
                    for cell in row_of(net, state, i) {
                        row.col(|ui| {
                            // Not selectable: a click anywhere on the row locates it.
                            ui.add(egui::Label::new(cell.text()).selectable(false));
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(i);
                    }
                });
            });
        if let Some(i) = clicked {
            commands.push(Command::Focus(self.kind.element(net, i)));
        }
    }

    /// The elements to list, filtered and sorted.
    fn rows(&self, net: &Network, state: &StepRecord) -> Vec<usize> {
        let filter = self.filter.to_lowercase();
        let mut rows: Vec<usize> = (0..self.kind.count(net))
            .filter(|&i| {
                filter.is_empty() || self.kind.name(net, i).to_lowercase().contains(&filter)
            })
            .collect();
        if let Some((column, downwards)) = self.sort {
            let row_of = self.kind.row();
            let mut keyed: Vec<(Cell, usize)> = rows
                .iter()
                .map(|&i| (row_of(net, state, i).swap_remove(column), i))
                .collect();
            keyed.sort_by(|(a, i), (b, j)| a.cmp(b).then(i.cmp(j)));
            if downwards {
                keyed.reverse();
            }
            rows = keyed.into_iter().map(|(_, i)| i).collect();
        }
        rows
    }
}
