//! pandapower networks (`.json` from `pandapower.to_json`): buses, lines, two-winding
//! transformers with tap changers, loads, static generators, generators, external grids,
//! shunts, storage and switches, converted to GridPilot's model with pandapower's equations
//! (per unit on the network's `sn_mva`, a bus's `vn_kv` as its voltage base). What GridPilot
//! cannot represent and what would change the power flow is refused, naming the element.

mod tables;

use std::collections::{HashMap, HashSet};

use tables::{File, Table};

use crate::io::ParseError;
use crate::model::{
    Branch, BranchKind, Bus, Capability, Device, ExternalGrid, Generator, Load, Network, Position,
    Renewable, RenewableSource, Shunt, Storage, TapChanger, TapSide,
};

/// The reactance of a closed bus–bus switch (pandapower fuses the two buses; GridPilot keeps
/// the switch, so it can be opened, as a branch this small).
const SWITCH_X_PU: f64 = 1e-7;

/// Tables GridPilot does not model; a network with rows in one of them is refused.
const UNSUPPORTED: [&str; 12] = [
    "trafo3w",
    "impedance",
    "ward",
    "xward",
    "dcline",
    "motor",
    "asymmetric_load",
    "asymmetric_sgen",
    "svc",
    "ssc",
    "tcsc",
    "vsc",
];

/// Reads a pandapower network; `name` is used where the file has none.
pub fn parse(text: &str, name: &str) -> Result<Network, ParseError> {
    let file = File::parse(text)?;
    for table in UNSUPPORTED {
        if file.table(table)?.len() > 0 {
            return Err(ParseError::at(
                0,
                format!("the network has '{table}' elements, which GridPilot does not model"),
            ));
        }
    }
    let mut net = Network::new(
        file.name().unwrap_or_else(|| name.to_string()),
        file.number("sn_mva")?,
    );
    let f_hz = file.number("f_hz")?;
    let buses = read_buses(&file.required("bus")?, &mut net)?;
    for kind in ["line", "trafo"] {
        check_std_types(&file, &file.table(kind)?, kind)?;
    }
    let switches = Switches::read(&file.table("switch")?, &buses)?;
    let mut import = Import {
        net,
        buses,
        switches,
        f_hz,
        names: Names::default(),
    };
    import.lines(&file.table("line")?)?;
    import.trafos(&file.table("trafo")?)?;
    import
        .switches
        .bus_switches(&mut import.net, &mut import.names);
    import.loads(&file.table("load")?)?;
    import.sgens(&file.table("sgen")?)?;
    import.gens(&file.table("gen")?)?;
    import.storage(&file.table("storage")?)?;
    import.shunts(&file.table("shunt")?)?;
    import.ext_grids(&file.table("ext_grid")?)?;
    Ok(import.net)
}

/// Refuses an element whose standard type the file does not define (its values could not
/// have come from it).
fn check_std_types(file: &File, table: &Table, kind: &str) -> Result<(), ParseError> {
    for row in 0..table.len() {
        if let Some(std_type) = table.text(row, "std_type")
            && !file.has_std_type(kind, &std_type)
        {
            let what = format!("has std_type '{std_type}', which the file does not define");
            return Err(table_error(table, row, &what));
        }
    }
    Ok(())
}

/// What a network is being built from and into: the buses read, the switches, and the names
/// given so far.
struct Import {
    net: Network,
    buses: Buses,
    switches: Switches,
    f_hz: f64,
    names: Names,
}

impl Import {
    fn lines(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            let name = self.names.pick(table, row);
            let (from, vn_kv) = self.buses.get(table, row, "from_bus")?.clone();
            let to = self.buses.get(table, row, "to_bus")?.0.clone();
            refuse_nonzero(table, row, "g_us_per_km", "a shunt conductance")?;
            let length = table.number(row, "length_km")?;
            let parallel = table.number(row, "parallel")?;
            let z_base = vn_kv * vn_kv / self.net.base_mva;
            let r_pu = table.number(row, "r_ohm_per_km")? * length / parallel / z_base;
            let x_pu = table.number(row, "x_ohm_per_km")? * length / parallel / z_base;
            let c_f = table.number(row, "c_nf_per_km")? * 1e-9 * length * parallel;
            let b_pu = 2.0 * std::f64::consts::PI * self.f_hz * c_f * z_base;
            let df = table.optional(row, "df")?.unwrap_or(1.0);
            let rating_mva = table
                .optional(row, "max_i_ka")?
                .map(|i| 3f64.sqrt() * vn_kv * i * df * parallel);
            let index = table.index[row];
            let place = |bus: &str| {
                self.net
                    .buses
                    .iter()
                    .find(|b| b.name == bus)
                    .map(|b| b.position)
            };
            let (from_at, to_at) = (
                place(&from).unwrap_or_default(),
                place(&to).unwrap_or_default(),
            );
            // A line open at one end stays charged from the other: its open end goes to a bus
            // of its own, as pandapower does, drawn a third of the way along the line.
            let mut end = |bus: String, bus_column: &str, near: Position, far: Position| {
                let at = table.integer(row, bus_column)?;
                if !self.switches.open_line_ends.contains(&(index, at)) {
                    return Ok::<String, ParseError>(bus);
                }
                let open = unique(&mut self.names, &format!("{name} open end"));
                let mut aux = Bus::new(open.clone(), vn_kv);
                aux.position = Position {
                    x: near.x + (far.x - near.x) / 3.0,
                    y: near.y + (far.y - near.y) / 3.0,
                };
                self.net.buses.push(aux);
                Ok(open)
            };
            let from = end(from, "from_bus", from_at, to_at)?;
            let to = end(to, "to_bus", to_at, from_at)?;
            let mut branch = Branch::line(name, from, to, r_pu, x_pu);
            branch.b_pu = b_pu;
            branch.rating_mva = rating_mva;
            branch.in_service = table.flag(row, "in_service")?;
            self.net.branches.push(branch);
        }
        Ok(())
    }

    fn trafos(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            let name = self.names.pick(table, row);
            let (hv, vn_hv_bus) = self.buses.get(table, row, "hv_bus")?.clone();
            let (lv, vn_lv_bus) = self.buses.get(table, row, "lv_bus")?.clone();
            refuse_nonzero(table, row, "pfe_kw", "magnetising losses")?;
            refuse_nonzero(table, row, "i0_percent", "a magnetising current")?;
            refuse_nonzero(
                table,
                row,
                "tap_step_degree",
                "a phase-shifting tap changer",
            )?;
            let sn_mva = table.number(row, "sn_mva")?;
            let parallel = table.number(row, "parallel")?;
            let (mut vn_hv, vn_lv) = (
                table.number(row, "vn_hv_kv")?,
                table.number(row, "vn_lv_kv")?,
            );
            let tap = Tap::read(table, row)?;
            // A high-side changer's position is folded into the ratio; a low-side one stays on
            // the to side, where the model applies it (to the ratio and the impedance).
            if let Some(t) = tap.as_ref().filter(|t| t.hv_side) {
                vn_hv *= 1.0 + t.steps_from_neutral * t.step_pct / 100.0;
            }
            // pandapower's short-circuit impedance on the network's base, referred to the low
            // side with its rated voltage.
            let scale = (vn_lv / vn_lv_bus).powi(2) * self.net.base_mva / sn_mva / parallel;
            let vk = table.number(row, "vk_percent")? / 100.0;
            let vkr = table.number(row, "vkr_percent")? / 100.0;
            let r_pu = vkr * scale;
            let x_pu = (vk * vk - vkr * vkr).max(0.0).sqrt() * vk.signum() * scale;
            let ratio = (vn_hv / vn_lv) / (vn_hv_bus / vn_lv_bus);
            let (tap_ratio, tap_changer) = match &tap {
                Some(t) => {
                    let (base, changer) = t.changer(ratio);
                    (base, Some(changer))
                }
                None => (ratio, None),
            };
            let mut branch = Branch::line(name, hv, lv, r_pu, x_pu);
            branch.kind = BranchKind::Transformer {
                tap_ratio,
                shift_deg: table.optional(row, "shift_degree")?.unwrap_or(0.0),
                tap_changer,
            };
            let df = table.optional(row, "df")?.unwrap_or(1.0);
            branch.rating_mva = Some(sn_mva * parallel * df);
            branch.in_service = table.flag(row, "in_service")?
                && !self.switches.open_trafos.contains(&table.index[row]);
            self.net.branches.push(branch);
        }
        Ok(())
    }

    fn loads(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            // GridPilot's loads are constant power.
            for column in [
                "const_z_p_percent",
                "const_i_p_percent",
                "const_z_q_percent",
                "const_i_q_percent",
            ] {
                refuse_nonzero(table, row, column, "a voltage-dependent part")?;
            }
            let (p_mw, q_mvar) = scaled(table, row)?;
            self.net.devices.push(Device::Load(Load {
                name: self.names.pick(table, row),
                bus: self.buses.get(table, row, "bus")?.0.clone(),
                p_mw,
                q_mvar,
                in_service: table.flag(row, "in_service")?,
            }));
        }
        Ok(())
    }

    /// A static generator: solar or wind by its type or name, else a generator at fixed P and Q.
    fn sgens(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            let name = self.names.pick(table, row);
            let bus = self.buses.get(table, row, "bus")?.0.clone();
            let (p_mw, q_mvar) = scaled(table, row)?;
            let in_service = table.flag(row, "in_service")?;
            let kind =
                format!("{} {name}", table.text(row, "type").unwrap_or_default()).to_lowercase();
            let source = if ["pv", "solar"].iter().any(|k| kind.contains(k)) {
                Some(RenewableSource::Solar)
            } else if ["wt", "wp", "wind", "wka"].iter().any(|k| kind.contains(k)) {
                Some(RenewableSource::Wind)
            } else {
                None
            };
            let capability = capability(table, row, p_mw, q_mvar, false)?;
            self.net.devices.push(match source {
                Some(source) => Device::Renewable(Renewable {
                    name,
                    bus,
                    source,
                    capability,
                    p_mw,
                    q_mvar,
                    in_service,
                }),
                None => Device::Generator(Generator {
                    name,
                    bus,
                    p_mw,
                    q_mvar,
                    p_min_mw: capability.p_min_mw,
                    p_max_mw: capability.p_max_mw,
                    q_min_mvar: capability.q_min_mvar,
                    q_max_mvar: capability.q_max_mvar,
                    vm_setpoint_pu: None,
                    cost: None,
                    in_service,
                }),
            });
        }
        Ok(())
    }

    fn gens(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            let (p_mw, _) = scaled(table, row)?;
            let limit = |column: &str, default: f64| -> Result<f64, ParseError> {
                Ok(table.optional(row, column)?.unwrap_or(default))
            };
            self.net.devices.push(Device::Generator(Generator {
                name: self.names.pick(table, row),
                bus: self.buses.get(table, row, "bus")?.0.clone(),
                p_mw,
                q_mvar: 0.0,
                p_min_mw: limit("min_p_mw", 0.0)?.min(p_mw),
                p_max_mw: limit("max_p_mw", p_mw.max(0.0))?.max(p_mw),
                q_min_mvar: limit("min_q_mvar", -1e9)?,
                q_max_mvar: limit("max_q_mvar", 1e9)?,
                vm_setpoint_pu: Some(table.number(row, "vm_pu")?),
                cost: None,
                in_service: table.flag(row, "in_service")?,
            }));
        }
        Ok(())
    }

    /// Storage: pandapower counts charging as positive P (a load), GridPilot discharging. Without
    /// an energy capacity in the file (it does not change the power flow) a unit holds an hour at
    /// its power.
    fn storage(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            let (p_charging, q_consumed) = scaled(table, row)?;
            let (p_mw, q_mvar) = (-p_charging, -q_consumed);
            let capability = capability(table, row, p_mw, q_mvar, true)?;
            let soc_max_mwh = table
                .optional(row, "max_e_mwh")?
                .filter(|e| *e > 0.0)
                .unwrap_or_else(|| capability.p_max_mw.max(-capability.p_min_mw).max(1e-3));
            let soc_min_mwh = table.optional(row, "min_e_mwh")?.unwrap_or(0.0).max(0.0);
            if soc_min_mwh > soc_max_mwh {
                let what =
                    format!("has min_e_mwh {soc_min_mwh} above its capacity {soc_max_mwh} MWh");
                return Err(table_error(table, row, &what));
            }
            let soc_pct = table.optional(row, "soc_percent")?.unwrap_or(50.0);
            self.net.devices.push(Device::Storage(Storage {
                name: self.names.pick(table, row),
                bus: self.buses.get(table, row, "bus")?.0.clone(),
                capability,
                soc_min_mwh,
                soc_max_mwh,
                efficiency: 1.0,
                soc_mwh: (soc_pct / 100.0 * soc_max_mwh).clamp(soc_min_mwh, soc_max_mwh),
                p_mw,
                q_mvar,
                in_service: table.flag(row, "in_service")?,
            }));
        }
        Ok(())
    }

    /// Shunts: pandapower gives P and Q consumed per step at 1 p.u.; GridPilot injects Q.
    fn shunts(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            let step = table.optional(row, "step")?.unwrap_or(1.0);
            let steps = table.optional(row, "max_step")?.unwrap_or(1.0).max(step);
            let count = |v: f64, column: &str| -> Result<u32, ParseError> {
                if v.fract() == 0.0 && (0.0..1e6).contains(&v) {
                    Ok(v as u32)
                } else {
                    Err(table_error(
                        table,
                        row,
                        &format!("has '{column}' {v}, not a whole step count"),
                    ))
                }
            };
            self.net.devices.push(Device::Shunt(Shunt {
                name: self.names.pick(table, row),
                bus: self.buses.get(table, row, "bus")?.0.clone(),
                g_mw: table.optional(row, "p_mw")?.unwrap_or(0.0) * step,
                q_mvar_per_step: -table.number(row, "q_mvar")?,
                steps: count(steps, "max_step")?,
                step: count(step, "step")?,
                in_service: table.flag(row, "in_service")?,
            }));
        }
        Ok(())
    }

    fn ext_grids(&mut self, table: &Table) -> Result<(), ParseError> {
        for row in 0..table.len() {
            self.net.devices.push(Device::ExternalGrid(ExternalGrid {
                name: self.names.pick(table, row),
                bus: self.buses.get(table, row, "bus")?.0.clone(),
                vm_pu: table.number(row, "vm_pu")?,
                va_deg: table.optional(row, "va_degree")?.unwrap_or(0.0),
                p_min_mw: None,
                p_max_mw: None,
                q_min_mvar: None,
                q_max_mvar: None,
                in_service: table.flag(row, "in_service")?,
            }));
        }
        Ok(())
    }
}

/// Each pandapower bus index's GridPilot bus: its name and voltage base.
struct Buses {
    by_index: HashMap<i64, (String, f64)>,
}

impl Buses {
    fn get(&self, table: &Table, row: usize, column: &str) -> Result<&(String, f64), ParseError> {
        let index = table.integer(row, column)?;
        self.by_index.get(&index).ok_or_else(|| {
            ParseError::at(
                0,
                format!(
                    "{} {}: '{column}' is bus {index}, which the network does not have",
                    table.name, table.index[row]
                ),
            )
        })
    }
}

/// Unique element names: pandapower's own where given and free, else the table and index.
#[derive(Default)]
struct Names {
    taken: HashSet<String>,
}

impl Names {
    fn pick(&mut self, table: &Table, row: usize) -> String {
        let own = table
            .text(row, "name")
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty() && !n.contains('\0'));
        let fallback = format!("{} {}", table.name, table.index[row]);
        let name = match own {
            Some(n) if !self.taken.contains(&n) => n,
            _ => fallback,
        };
        self.taken.insert(name.clone());
        name
    }
}

fn read_buses(table: &Table, net: &mut Network) -> Result<Buses, ParseError> {
    let mut by_index = HashMap::new();
    let mut names = Names::default();
    for row in 0..table.len() {
        let name = names.pick(table, row);
        let vn_kv = table.number(row, "vn_kv")?;
        let mut bus = Bus::new(name.clone(), vn_kv);
        if let Some(v) = table.optional(row, "min_vm_pu")? {
            bus.vmin_pu = v;
        }
        if let Some(v) = table.optional(row, "max_vm_pu")? {
            bus.vmax_pu = v;
        }
        if let Some(position) = geo(table, row) {
            bus.position = position;
        }
        if !table.flag(row, "in_service")? {
            return Err(table_error(
                table,
                row,
                "is out of service, which GridPilot does not model for buses",
            ));
        }
        by_index.insert(table.index[row], (name, vn_kv));
        net.buses.push(bus);
    }
    Ok(Buses { by_index })
}

/// A bus's geodata (GeoJSON point), scaled to diagram units with y pointing down.
fn geo(table: &Table, row: usize) -> Option<Position> {
    let text = table.text(row, "geo")?;
    let point: serde_json::Value = serde_json::from_str(&text).ok()?;
    let xy = point.get("coordinates")?.as_array()?;
    let (x, y) = (xy.first()?.as_f64()?, xy.get(1)?.as_f64()?);
    Some(Position {
        x: 100.0 * x,
        y: -100.0 * y,
    })
}

/// Refuses an element whose `column` holds something other than zero: `what` it would model,
/// which GridPilot does not.
fn refuse_nonzero(table: &Table, row: usize, column: &str, what: &str) -> Result<(), ParseError> {
    match table.optional(row, column)? {
        Some(v) if v != 0.0 => {
            let why = format!("has {what} ('{column}' {v}), which GridPilot does not model");
            Err(table_error(table, row, &why))
        }
        _ => Ok(()),
    }
}

fn table_error(table: &Table, row: usize, what: &str) -> ParseError {
    ParseError::at(0, format!("{} {} {what}", table.name, table.index[row]))
}

/// The file's switches: which line and transformer ends are open, and the bus–bus ones.
struct Switches {
    /// (element index, bus index) of open line ends.
    open_line_ends: HashSet<(i64, i64)>,
    open_trafos: HashSet<i64>,
    /// Bus–bus switches: name, the two buses, closed.
    between_buses: Vec<(String, String, String, bool)>,
}

impl Switches {
    fn read(table: &Table, buses: &Buses) -> Result<Self, ParseError> {
        let mut switches = Switches {
            open_line_ends: HashSet::new(),
            open_trafos: HashSet::new(),
            between_buses: Vec::new(),
        };
        let mut names = Names::default();
        for row in 0..table.len() {
            let closed = table.flag(row, "closed")?;
            let bus = table.integer(row, "bus")?;
            let element = table.integer(row, "element")?;
            match table.text(row, "et").as_deref() {
                Some("l") if !closed => {
                    switches.open_line_ends.insert((element, bus));
                }
                Some("t") if !closed => {
                    switches.open_trafos.insert(element);
                }
                Some("l" | "t") => {}
                Some("b") => {
                    refuse_nonzero(table, row, "z_ohm", "a switch impedance")?;
                    let from = buses.get(table, row, "bus")?.0.clone();
                    let to = buses.get(table, row, "element")?.0.clone();
                    switches
                        .between_buses
                        .push((names.pick(table, row), from, to, closed));
                }
                other => {
                    let what =
                        format!("switches element type {other:?}, which GridPilot does not model");
                    return Err(table_error(table, row, &what));
                }
            }
        }
        Ok(switches)
    }

    /// Bus–bus switches as switchable branches of tiny reactance (open ones out of service).
    fn bus_switches(&self, net: &mut Network, names: &mut Names) {
        for (name, from, to, closed) in &self.between_buses {
            let name = unique(names, &format!("switch {name}"));
            let mut branch = Branch::line(name, from.clone(), to.clone(), 0.0, SWITCH_X_PU);
            branch.in_service = *closed;
            branch.switchable = true;
            net.branches.push(branch);
        }
    }
}

fn unique(names: &mut Names, wanted: &str) -> String {
    let mut name = wanted.to_string();
    let mut k = 2;
    while names.taken.contains(&name) {
        name = format!("{wanted} #{k}");
        k += 1;
    }
    names.taken.insert(name.clone());
    name
}

/// A transformer's ratio tap changer as pandapower describes it.
struct Tap {
    hv_side: bool,
    step_pct: f64,
    steps_from_neutral: f64,
    min: i32,
    max: i32,
    position: i32,
}

impl Tap {
    fn read(table: &Table, row: usize) -> Result<Option<Self>, ParseError> {
        if table.optional(row, "tap2_pos")?.is_some() {
            return Err(table_error(
                table,
                row,
                "has a second tap changer ('tap2_pos'), which GridPilot does not model",
            ));
        }
        if table.text(row, "tap_dependency_table").as_deref() == Some("true") {
            return Err(table_error(
                table,
                row,
                "has a tabular tap changer ('tap_dependency_table'), not modelled in GridPilot",
            ));
        }
        // pandapower 3 names the kind of changer, and leaves one without a kind out of the
        // power flow whatever its position; earlier files have no such column.
        if table.has_column("tap_changer_type") {
            match table.text(row, "tap_changer_type").as_deref() {
                None | Some("") => return Ok(None),
                Some("Ratio" | "Symmetrical") => {}
                Some(other) => {
                    let why = format!(
                        "has a tap changer of type '{other}', which GridPilot does not model"
                    );
                    return Err(table_error(table, row, &why));
                }
            }
        }
        let Some(position) = table.optional(row, "tap_pos")? else {
            return Ok(None);
        };
        let side = table.text(row, "tap_side");
        let hv_side = match side.as_deref() {
            Some("hv") => true,
            Some("lv") => false,
            _ => {
                return Err(table_error(
                    table,
                    row,
                    "has a tap position but no tap side (hv or lv)",
                ));
            }
        };
        let whole = |v: f64, column: &str| -> Result<i32, ParseError> {
            if v.fract() == 0.0 && v.abs() < 1e6 {
                Ok(v as i32)
            } else {
                Err(table_error(
                    table,
                    row,
                    &format!("has '{column}' {v}, not a whole step"),
                ))
            }
        };
        let neutral = table.optional(row, "tap_neutral")?.unwrap_or(0.0);
        Ok(Some(Tap {
            hv_side,
            step_pct: table.number(row, "tap_step_percent")?,
            steps_from_neutral: position - neutral,
            min: whole(table.number(row, "tap_min")? - neutral, "tap_min")?,
            max: whole(table.number(row, "tap_max")? - neutral, "tap_max")?,
            position: whole(position - neutral, "tap_pos")?,
        }))
    }

    /// GridPilot's ratio at position 0 and tap changer, for a transformer whose ratio is
    /// `ratio` (at the file's position for a high-side changer, at neutral for a low-side
    /// one). pandapower's high-side steps add a fixed part to the ratio, as GridPilot's
    /// from-side steps do; its low-side steps are GridPilot's to-side steps. Both are exact at
    /// every position.
    fn changer(&self, ratio: f64) -> (f64, TapChanger) {
        let (side, step_pct, base) = if self.hv_side {
            let factor = 1.0 + self.steps_from_neutral * self.step_pct / 100.0;
            // The ratio's change per step, in percent.
            let step_pct = ratio / factor * self.step_pct;
            let base = ratio - f64::from(self.position) * step_pct / 100.0;
            (TapSide::From, step_pct, base)
        } else {
            (TapSide::To, self.step_pct, ratio)
        };
        let changer = TapChanger {
            min_position: self.min,
            max_position: self.max,
            step_pct,
            position: self.position,
            side,
        };
        (base, changer)
    }
}

/// P and Q times the element's scaling.
fn scaled(table: &Table, row: usize) -> Result<(f64, f64), ParseError> {
    let scaling = table.optional(row, "scaling")?.unwrap_or(1.0);
    let q = table.optional(row, "q_mvar")?.unwrap_or(0.0);
    Ok((table.number(row, "p_mw")? * scaling, q * scaling))
}

/// The P–Q box of a converter from its limits where given, else from its rating (and always
/// holding the operating point). `charging` flips pandapower's load-sign P limits (storage).
fn capability(
    table: &Table,
    row: usize,
    p_mw: f64,
    q_mvar: f64,
    charging: bool,
) -> Result<Capability, ParseError> {
    let sn = table.optional(row, "sn_mva")?;
    let (mut p_min, mut p_max) = (
        table.optional(row, "min_p_mw")?,
        table.optional(row, "max_p_mw")?,
    );
    if charging {
        (p_min, p_max) = (p_max.map(|p| -p), p_min.map(|p| -p));
    }
    let rating = sn.unwrap_or(0.0).max(p_mw.abs());
    let p_max = p_max.unwrap_or(rating).max(p_mw);
    let p_min = p_min
        .unwrap_or(if charging { -rating } else { 0.0 })
        .min(p_mw);
    let q_room = sn.map_or(q_mvar.abs(), |s| (s * s - p_max * p_max).max(0.0).sqrt());
    let q_min = table
        .optional(row, "min_q_mvar")?
        .unwrap_or(-q_room)
        .min(q_mvar);
    let q_max = table
        .optional(row, "max_q_mvar")?
        .unwrap_or(q_room)
        .max(q_mvar);
    Ok(Capability {
        p_min_mw: p_min,
        p_max_mw: p_max,
        q_min_mvar: q_min,
        q_max_mvar: q_max,
        p_plus_mw: None,
        p_minus_mw: None,
        q_plus_mvar: None,
        q_minus_mvar: None,
        min_power_factor: None,
    })
}
