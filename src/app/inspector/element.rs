//! Edit mode's forms for a bus, a branch and each kind of device, with units; a device that
//! follows a time series gets its profile's form too.

use super::super::command::Command;
use super::Inspector;
use super::form::{Form, Rule, committed_text};
use crate::edit::{Edit, build};
use crate::model::capitalised;
use crate::model::{
    Branch, BranchKind, Bus, Capability, DailyShape, Device, ElementRef, Network, Profile,
    RenewableSource, Series, TapChanger, TapSide,
};

pub fn element_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    element: &ElementRef,
    commands: &mut Vec<Command>,
) {
    match element {
        ElementRef::Bus(name) => {
            if let Some(bus) = net.bus(name) {
                ui.strong(format!("Bus {name}"));
                bus_ui(ui, inspector, net, bus, commands);
            }
        }
        ElementRef::Branch(name) => {
            if let Some(branch) = net.branch(name) {
                let kind = if branch.is_transformer() {
                    "Transformer"
                } else {
                    "Line"
                };
                ui.strong(format!("{kind} {name}"));
                branch_ui(ui, inspector, net, branch, commands);
            }
        }
        ElementRef::Device(name) => {
            if let Some(device) = net.device(name) {
                ui.strong(format!("{} {name}", capitalised(device.kind_name())));
                device_ui(ui, inspector, net, device, commands);
                if let Some(scenario) = &net.scenario
                    && matches!(device, Device::Load(_) | Device::Renewable(_))
                {
                    ui.separator();
                    profile_ui(ui, inspector, net, device, scenario.profile(name), commands);
                }
            }
        }
    }
    ui.separator();
    if ui.button("Delete").clicked() {
        commands.push(Command::DeleteSelection);
    }
}

/// The name field: a rename when Enter is pressed or the field is left, refused when the name
/// is taken.
fn name_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    element: &ElementRef,
    commands: &mut Vec<Command>,
) {
    if inspector.name.is_empty() {
        inspector.name = element.name().to_string();
    }
    if !committed_text(ui, "Name", &mut inspector.name) {
        return;
    }
    let to = inspector.name.trim().to_string();
    inspector.name.clear();
    if to == element.name() {
        return;
    }
    if to.is_empty() {
        inspector.refusal = Some("A name cannot be empty.".to_string());
    } else if net.contains(&element.renamed(to.as_str())) {
        inspector.refusal = Some(format!("The name '{to}' is taken."));
    } else {
        inspector.refusal = None;
        commands.push(Command::Edit(Edit::Rename {
            element: element.clone(),
            to,
        }));
    }
}

/// A bus name field (a branch end, a device's bus): taken when it names a bus.
fn bus_field(
    ui: &mut egui::Ui,
    label: &str,
    buffer: &mut String,
    current: &str,
    net: &Network,
    refusal: &mut Option<String>,
) -> Option<String> {
    if buffer.is_empty() {
        *buffer = current.to_string();
    }
    if !committed_text(ui, label, buffer) {
        return None;
    }
    let bus = buffer.trim().to_string();
    buffer.clear();
    if bus == current {
        return None;
    }
    if net.bus(&bus).is_none() {
        *refusal = Some(format!("There is no bus named '{bus}'."));
        return None;
    }
    Some(bus)
}

fn bus_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    bus: &Bus,
    commands: &mut Vec<Command>,
) {
    let element = ElementRef::Bus(bus.name.clone());
    let mut new = bus.clone();
    let mut form = Form::default();
    egui::Grid::new("bus_form").num_columns(2).show(ui, |ui| {
        name_ui(ui, inspector, net, &element, commands);
        form.number(ui, "Base voltage", "kV", &mut new.base_kv, Rule::Positive);
        form.number(
            ui,
            "Lowest voltage",
            "p.u.",
            &mut new.vmin_pu,
            Rule::NonNegative,
        );
        form.number(
            ui,
            "Highest voltage",
            "p.u.",
            &mut new.vmax_pu,
            Rule::Positive,
        );
        form.number(ui, "x", "", &mut new.position.x, Rule::Any);
        form.number(ui, "y", "", &mut new.position.y, Rule::Any);
        let mut label = new.label.clone().unwrap_or_default();
        form.text(ui, "Description", &mut label);
        new.label = Some(label).filter(|l| !l.is_empty());
        let mut zone = new.zone.clone().unwrap_or_default();
        form.text(ui, "Zone", &mut zone);
        new.zone = Some(zone).filter(|z| !z.trim().is_empty());
    });
    let problems = || (bus.problems(), new.problems());
    let edit = || Edit::SetBus(new.clone());
    inspector.submit(&form, &bus.name, problems, edit, commands);
}

/// A line or a transformer, for the kind drop-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BranchType {
    Line,
    Transformer,
}

fn branch_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    branch: &Branch,
    commands: &mut Vec<Command>,
) {
    let element = ElementRef::Branch(branch.name.clone());
    let mut new = branch.clone();
    let mut form = Form::default();
    egui::Grid::new("branch_form")
        .num_columns(2)
        .show(ui, |ui| {
            name_ui(ui, inspector, net, &element, commands);
            let [from, to] = &mut inspector.buses;
            if let Some(bus) = bus_field(
                ui,
                "From bus",
                from,
                &branch.from_bus,
                net,
                &mut inspector.refusal,
            ) {
                new.from_bus = bus;
                form.changed = true;
            }
            if let Some(bus) = bus_field(
                ui,
                "To bus",
                to,
                &branch.to_bus,
                net,
                &mut inspector.refusal,
            ) {
                new.to_bus = bus;
                form.changed = true;
            }
            let mut kind = if branch.is_transformer() {
                BranchType::Transformer
            } else {
                BranchType::Line
            };
            let options = [
                (BranchType::Line, "Line"),
                (BranchType::Transformer, "Transformer"),
            ];
            form.choice(ui, "Kind", &mut kind, &options);
            if kind == BranchType::Transformer && !branch.is_transformer() {
                new.kind = build::transformer();
            } else if kind == BranchType::Line {
                new.kind = BranchKind::Line;
            }
            form.number(ui, "Resistance r", "p.u.", &mut new.r_pu, Rule::NonNegative);
            form.number(ui, "Reactance x", "p.u.", &mut new.x_pu, Rule::Any);
            form.number(ui, "Charging b", "p.u.", &mut new.b_pu, Rule::Any);
            form.optional_number(
                ui,
                "Rating",
                "MVA",
                &mut new.rating_mva,
                10.0,
                Rule::Positive,
            );
            form.checkbox(ui, "In service", &mut new.in_service);
            form.checkbox(ui, "Switchable by the operator", &mut new.switchable);
            if let BranchKind::Transformer {
                tap_ratio,
                shift_deg,
                tap_changer,
            } = &mut new.kind
            {
                form.number(ui, "Ratio", "p.u.", tap_ratio, Rule::Positive);
                form.number(ui, "Phase shift", "°", shift_deg, Rule::Any);
                tap_changer_ui(ui, &mut form, tap_changer);
            }
        });
    let problems = || (branch.problems(), new.problems());
    let edit = || Edit::SetBranch(new.clone());
    inspector.submit(&form, &branch.name, problems, edit, commands);
}

fn tap_changer_ui(ui: &mut egui::Ui, form: &mut Form, tap_changer: &mut Option<TapChanger>) {
    let mut on = tap_changer.is_some();
    form.checkbox(ui, "Tap changer", &mut on);
    if on != tap_changer.is_some() {
        *tap_changer = on.then(build::tap_changer);
    }
    if let Some(t) = tap_changer {
        form.integer(ui, "Lowest tap", &mut t.min_position);
        form.integer(ui, "Highest tap", &mut t.max_position);
        form.number(ui, "Step", "%", &mut t.step_pct, Rule::Any);
        form.integer(ui, "Tap position", &mut t.position);
        // A to-side changer taps the to side's winding (pandapower's low-voltage side).
        let mut to_side = t.side == TapSide::To;
        form.checkbox(ui, "Taps the to side", &mut to_side);
        t.side = if to_side { TapSide::To } else { TapSide::From };
    }
}

fn device_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    device: &Device,
    commands: &mut Vec<Command>,
) {
    let element = ElementRef::Device(device.name().to_string());
    let mut new = device.clone();
    let mut form = Form::default();
    egui::Grid::new("device_form")
        .num_columns(2)
        .show(ui, |ui| {
            name_ui(ui, inspector, net, &element, commands);
            let [bus_buffer, _] = &mut inspector.buses;
            if let Some(bus) = bus_field(
                ui,
                "Bus",
                bus_buffer,
                device.bus(),
                net,
                &mut inspector.refusal,
            ) {
                new.set_bus(&bus);
                form.changed = true;
            }
            let mut in_service = device.in_service();
            form.checkbox(ui, "In service", &mut in_service);
            new.set_in_service(in_service);
            device_fields(ui, &mut form, &mut new);
        });
    let problems = || (device.problems(), new.problems());
    let edit = || Edit::SetDevice(new.clone());
    inspector.submit(&form, device.name(), problems, edit, commands);
}

fn device_fields(ui: &mut egui::Ui, form: &mut Form, device: &mut Device) {
    match device {
        Device::Load(l) => {
            form.number(ui, "Active power", "MW", &mut l.p_mw, Rule::Any);
            form.number(ui, "Reactive power", "MVAr", &mut l.q_mvar, Rule::Any);
        }
        Device::Generator(g) => {
            form.number(ui, "Active power", "MW", &mut g.p_mw, Rule::Any);
            form.number(ui, "Reactive power", "MVAr", &mut g.q_mvar, Rule::Any);
            form.number(ui, "Lowest P", "MW", &mut g.p_min_mw, Rule::Any);
            form.number(ui, "Highest P", "MW", &mut g.p_max_mw, Rule::Any);
            form.number(ui, "Lowest Q", "MVAr", &mut g.q_min_mvar, Rule::Any);
            form.number(ui, "Highest Q", "MVAr", &mut g.q_max_mvar, Rule::Any);
            form.optional_number(
                ui,
                "Voltage setpoint",
                "p.u.",
                &mut g.vm_setpoint_pu,
                1.0,
                Rule::Positive,
            );
        }
        Device::Renewable(r) => {
            let options = [
                (RenewableSource::Solar, "Solar"),
                (RenewableSource::Wind, "Wind"),
            ];
            form.choice(ui, "Source", &mut r.source, &options);
            form.number(ui, "Active power", "MW", &mut r.p_mw, Rule::NonNegative);
            form.number(ui, "Reactive power", "MVAr", &mut r.q_mvar, Rule::Any);
            capability_ui(ui, form, &mut r.capability);
        }
        Device::Storage(s) => {
            form.number(ui, "Active power", "MW", &mut s.p_mw, Rule::Any);
            form.number(ui, "Reactive power", "MVAr", &mut s.q_mvar, Rule::Any);
            form.number(
                ui,
                "Stored energy",
                "MWh",
                &mut s.soc_mwh,
                Rule::NonNegative,
            );
            form.number(
                ui,
                "Lowest energy",
                "MWh",
                &mut s.soc_min_mwh,
                Rule::NonNegative,
            );
            form.number(ui, "Capacity", "MWh", &mut s.soc_max_mwh, Rule::Positive);
            form.number(ui, "Efficiency", "0–1", &mut s.efficiency, Rule::Positive);
            capability_ui(ui, form, &mut s.capability);
        }
        Device::ExternalGrid(g) => {
            form.number(ui, "Voltage", "p.u.", &mut g.vm_pu, Rule::Positive);
            form.number(ui, "Angle", "°", &mut g.va_deg, Rule::Any);
            form.optional_number(ui, "Lowest P", "MW", &mut g.p_min_mw, -100.0, Rule::Any);
            form.optional_number(ui, "Highest P", "MW", &mut g.p_max_mw, 100.0, Rule::Any);
            form.optional_number(ui, "Lowest Q", "MVAr", &mut g.q_min_mvar, -100.0, Rule::Any);
            form.optional_number(ui, "Highest Q", "MVAr", &mut g.q_max_mvar, 100.0, Rule::Any);
        }
        Device::Shunt(s) => {
            form.number(ui, "Conductance", "MW at 1 p.u.", &mut s.g_mw, Rule::Any);
            form.number(
                ui,
                "Per step",
                "MVAr at 1 p.u.",
                &mut s.q_mvar_per_step,
                Rule::Any,
            );
            form.integer(ui, "Steps", &mut s.steps);
            form.integer(ui, "Step in use", &mut s.step);
        }
    }
}

/// The P–Q region of a converter: a box, with optional cut corners and power-factor band.
fn capability_ui(ui: &mut egui::Ui, form: &mut Form, cap: &mut Capability) {
    form.number(ui, "Lowest P", "MW", &mut cap.p_min_mw, Rule::Any);
    form.number(ui, "Highest P", "MW", &mut cap.p_max_mw, Rule::Any);
    form.number(ui, "Lowest Q", "MVAr", &mut cap.q_min_mvar, Rule::Any);
    form.number(ui, "Highest Q", "MVAr", &mut cap.q_max_mvar, Rule::Any);
    let (p_max, q_max, q_min) = (cap.p_max_mw, cap.q_max_mvar, cap.q_min_mvar);
    form.optional_number(
        ui,
        "Corner from P",
        "MW",
        &mut cap.p_plus_mw,
        0.8 * p_max,
        Rule::Any,
    );
    form.optional_number(
        ui,
        "Q up to there",
        "MVAr",
        &mut cap.q_plus_mvar,
        0.5 * q_max,
        Rule::Any,
    );
    form.optional_number(
        ui,
        "Q down to there",
        "MVAr",
        &mut cap.q_minus_mvar,
        0.5 * q_min,
        Rule::Any,
    );
    form.optional_number(
        ui,
        "Least power factor",
        "",
        &mut cap.min_power_factor,
        0.9,
        Rule::Positive,
    );
}

/// Where a profile's values come from, for the drop-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    None,
    Daily,
    Csv,
    Values,
}

/// The time series a load or renewable follows: none (its file value), a built-in daily shape,
/// or a CSV column. A list of values from the file is kept as it is.
fn profile_ui(
    ui: &mut egui::Ui,
    inspector: &mut Inspector,
    net: &Network,
    device: &Device,
    profile: Option<&Profile>,
    commands: &mut Vec<Command>,
) {
    ui.strong("Time series");
    let mut new = profile.cloned();
    let mut form = Form::default();
    egui::Grid::new("profile_form")
        .num_columns(2)
        .show(ui, |ui| {
            let mut source = match profile.map(|p| &p.series) {
                None => Source::None,
                Some(Series::Daily { .. }) => Source::Daily,
                Some(Series::Csv { .. }) => Source::Csv,
                Some(Series::Values(_)) => Source::Values,
            };
            let was = source;
            let mut options = vec![
                (Source::None, "None (file value)"),
                (Source::Daily, "Daily shape"),
                (Source::Csv, "CSV column"),
            ];
            if was == Source::Values {
                options.push((Source::Values, "Values from the file"));
            }
            form.choice(ui, "Profile", &mut source, &options);
            if source != was {
                new = new_profile(source, device);
            }
            if let Some(profile) = &mut new {
                series_fields(ui, &mut form, &mut profile.series);
            }
        });
    if form.refused.is_some() {
        inspector.refusal = form.refused.clone();
    }
    if form.changed
        && let Some(edit) = build::set_profile(net, device.name(), new)
    {
        inspector.refusal = None;
        let key = format!("{}.profile", device.name());
        commands.push(if form.dragging {
            Command::EditMerging { edit, key }
        } else {
            Command::Edit(edit)
        });
    }
    if form.released {
        commands.push(Command::SealEdits);
    }
}

/// A first profile of a kind for a device: its own size as the peak.
fn new_profile(source: Source, device: &Device) -> Option<Profile> {
    let (shape, peak_mw) = match device {
        Device::Renewable(r) => (
            match r.source {
                RenewableSource::Solar => DailyShape::Solar,
                RenewableSource::Wind => DailyShape::Wind,
            },
            r.capability.p_max_mw,
        ),
        Device::Load(l) => (DailyShape::Residential, l.p_mw.abs()),
        _ => return None,
    };
    let series = match source {
        Source::None | Source::Values => return None,
        Source::Daily => Series::Daily {
            shape,
            peak_mw,
            noise_pct: 0.0,
        },
        Source::Csv => Series::Csv {
            file: "profiles.csv".to_string(),
            column: device.name().to_string(),
        },
    };
    Some(Profile {
        device: device.name().to_string(),
        series,
        q_per_p: None,
    })
}

fn series_fields(ui: &mut egui::Ui, form: &mut Form, series: &mut Series) {
    match series {
        Series::Daily {
            shape,
            peak_mw,
            noise_pct,
        } => {
            let shapes = [
                (DailyShape::Residential, "Residential"),
                (DailyShape::Commercial, "Commercial"),
                (DailyShape::Industrial, "Industrial"),
                (DailyShape::EvCharging, "EV charging"),
                (DailyShape::Solar, "Solar"),
                (DailyShape::Wind, "Wind"),
            ];
            form.choice(ui, "Shape", shape, &shapes);
            form.number(ui, "Peak", "MW", peak_mw, Rule::NonNegative);
            form.number(ui, "Noise", "%", noise_pct, Rule::NonNegative);
        }
        Series::Csv { file, column } => {
            form.text(ui, "CSV file", file);
            form.text(ui, "Column", column);
        }
        Series::Values(values) => {
            ui.label("Values");
            ui.label(format!("{} per cycle", values.len()));
            ui.end_row();
        }
    }
}
