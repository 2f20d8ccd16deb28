//! Turns the raw matrices into a [`Network`]: buses with their loads and shunts, generators (the
//! first in-service one at each reference bus becoming the external grid), branches.

use std::collections::HashMap;

use super::UNLIMITED_MW;
use super::case::{AtLine, Matrix, RawCase, Row};
use super::costs::read_costs;
use crate::io::ParseError;
use crate::model::{
    Branch, BranchKind, Bus, Device, ExternalGrid, GenCost, Generator, Load, Network, Position,
    Shunt,
};

const BUS_COLUMNS: &str = "bus_i type Pd Qd Gs Bs area Vm Va baseKV zone Vmax Vmin";
const GEN_COLUMNS: &str = "bus Pg Qg Qmax Qmin Vg mBase status Pmax Pmin";
// ANGMIN and ANGMAX are not required: the power flow does not use them.
const BRANCH_COLUMNS: &str = "fbus tbus r x b rateA rateB rateC ratio angle status";

#[derive(Clone, Copy, PartialEq)]
enum BusType {
    Pq,
    Pv,
    Ref,
}

/// What later steps need to know about each bus, in file order.
struct BusTable {
    kinds: Vec<BusType>,
    va_deg: Vec<f64>,
    lines: Vec<usize>,
    /// Bus number → index in file order.
    index: HashMap<u64, usize>,
}

pub(super) fn build(case: RawCase, name: &str) -> Result<Network, ParseError> {
    if !case.version_seen {
        return Err(missing("mpc.version = '2'"));
    }
    let base_mva = case.base_mva.ok_or_else(|| missing("mpc.baseMVA"))?.value;
    let bus = case.bus.ok_or_else(|| missing("mpc.bus"))?;
    let gens = case.gens.ok_or_else(|| missing("mpc.gen"))?;
    let branch = case.branch.ok_or_else(|| missing("mpc.branch"))?;
    if bus.rows.is_empty() {
        return Err(ParseError::at(
            bus.line,
            "mpc.bus has no rows: a network needs buses",
        ));
    }
    let mut network = Network::new(name, base_mva);
    let table = read_buses(&bus, case.bus_names, &mut network)?;
    let costs = read_costs(case.gencost.as_ref(), &gens)?;
    read_gens(&gens, costs, &table, &mut network)?;
    let edges = read_branches(&branch, &table, &mut network)?;
    let Some(root) = table.kinds.iter().position(|k| *k == BusType::Ref) else {
        return Err(ParseError::at(
            bus.line,
            "no bus is a reference bus (type 3): the power flow needs a slack",
        ));
    };
    super::layout::place(&mut network.buses, &edges, root);
    Ok(network)
}

fn missing(what: &str) -> ParseError {
    ParseError::at(
        0,
        format!("{what} is missing: it is required in a MATPOWER case"),
    )
}

/// Checked access to the values of one row.
struct Cells<'r> {
    row: &'r Row,
    what: &'static str,
}

impl<'r> Cells<'r> {
    fn new(row: &'r Row, what: &'static str, columns: &str) -> Result<Self, ParseError> {
        let needed = columns.split(' ').count();
        if row.values.len() < needed {
            return Err(ParseError::at(
                row.line,
                format!(
                    "a {what} row needs at least {needed} columns ({columns}), this one has {}",
                    row.values.len()
                ),
            ));
        }
        Ok(Cells { row, what })
    }

    /// A value that may be infinite (limits, ratings). Columns are checked in `new`.
    fn any(&self, column: usize) -> f64 {
        self.row.values[column]
    }

    fn finite(&self, column: usize, name: &str) -> Result<f64, ParseError> {
        let value = self.any(column);
        if value.is_finite() {
            Ok(value)
        } else {
            Err(self.error(format!("{name} must be a finite number, not {value}")))
        }
    }

    fn bus_number(&self, column: usize, name: &str) -> Result<u64, ParseError> {
        let value = self.any(column);
        // Up to 2^53 every whole number is exact in an f64.
        if (1.0..=9_007_199_254_740_992.0).contains(&value) && value.fract() == 0.0 {
            Ok(value as u64)
        } else {
            Err(self.error(format!(
                "{name} must be a positive whole bus number, not {value}"
            )))
        }
    }

    fn error(&self, message: String) -> ParseError {
        ParseError::at(self.row.line, format!("{} row: {message}", self.what))
    }
}

fn read_buses(
    matrix: &Matrix,
    names: Option<AtLine<Vec<String>>>,
    network: &mut Network,
) -> Result<BusTable, ParseError> {
    let mut labels = names.map(|n| check_names(n, matrix)).transpose()?;
    let n = matrix.rows.len();
    let mut table = BusTable {
        kinds: Vec::with_capacity(n),
        va_deg: Vec::with_capacity(n),
        lines: Vec::with_capacity(n),
        index: HashMap::with_capacity(n),
    };
    for (i, row) in matrix.rows.iter().enumerate() {
        let cells = Cells::new(row, "bus", BUS_COLUMNS)?;
        let number = cells.bus_number(0, "bus_i")?;
        if table.index.insert(number, i).is_some() {
            return Err(cells.error(format!("bus number {number} is used twice")));
        }
        table.kinds.push(bus_type(&cells)?);
        table.va_deg.push(cells.finite(8, "Va")?);
        table.lines.push(row.line);
        let mut bus = read_bus(&cells, number)?;
        bus.label = labels.as_mut().and_then(|l| l[i].take());
        add_load_and_shunt(&cells, &bus.name, network)?;
        network.buses.push(bus);
    }
    Ok(table)
}

/// Bus names, one per bus row; blank ones give no label.
fn check_names(
    names: AtLine<Vec<String>>,
    matrix: &Matrix,
) -> Result<Vec<Option<String>>, ParseError> {
    if names.value.len() != matrix.rows.len() {
        return Err(ParseError::at(
            names.line,
            format!(
                "mpc.bus_name has {} names but mpc.bus has {} rows",
                names.value.len(),
                matrix.rows.len()
            ),
        ));
    }
    let label = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(names.value.into_iter().map(label).collect())
}

fn bus_type(cells: &Cells) -> Result<BusType, ParseError> {
    match cells.any(1) {
        1.0 => Ok(BusType::Pq),
        2.0 => Ok(BusType::Pv),
        3.0 => Ok(BusType::Ref),
        4.0 => Err(cells.error("isolated buses (type 4) are not supported".into())),
        other => Err(cells.error(format!(
            "bus type {other} is not 1 (PQ), 2 (PV), 3 (reference) or 4 (isolated)"
        ))),
    }
}

fn read_bus(cells: &Cells, number: u64) -> Result<Bus, ParseError> {
    let base_kv = cells.finite(9, "baseKV")?;
    if base_kv < 0.0 {
        return Err(cells.error(format!("baseKV must not be negative, not {base_kv}")));
    }
    Ok(Bus {
        name: number.to_string(),
        // Many cases leave baseKV at 0; per-unit results do not depend on it, but the model
        // needs a positive base.
        base_kv: if base_kv == 0.0 { 1.0 } else { base_kv },
        vmin_pu: cells.finite(12, "Vmin")?,
        vmax_pu: cells.finite(11, "Vmax")?,
        position: Position::default(),
        label: None,
        zone: None,
    })
}

fn add_load_and_shunt(cells: &Cells, bus: &str, network: &mut Network) -> Result<(), ParseError> {
    let (pd_mw, qd_mvar) = (cells.finite(2, "Pd")?, cells.finite(3, "Qd")?);
    let (gs_mw, bs_mvar) = (cells.finite(4, "Gs")?, cells.finite(5, "Bs")?);
    if pd_mw != 0.0 || qd_mvar != 0.0 {
        network.devices.push(Device::Load(Load {
            name: format!("load_{bus}"),
            bus: bus.to_string(),
            p_mw: pd_mw,
            q_mvar: qd_mvar,
            in_service: true,
        }));
    }
    if gs_mw != 0.0 || bs_mvar != 0.0 {
        network.devices.push(Device::Shunt(Shunt {
            name: format!("shunt_{bus}"),
            bus: bus.to_string(),
            g_mw: gs_mw,
            q_mvar_per_step: bs_mvar,
            steps: 1,
            step: 1,
            in_service: true,
        }));
    }
    Ok(())
}

/// One generator row, read.
struct GenRow {
    bus: usize,
    bus_name: String,
    pg_mw: f64,
    qg_mvar: f64,
    qmax_mvar: f64,
    qmin_mvar: f64,
    vg_pu: f64,
    in_service: bool,
    pmax_mw: f64,
    pmin_mw: f64,
}

fn read_gen_row(row: &Row, table: &BusTable) -> Result<GenRow, ParseError> {
    let cells = Cells::new(row, "generator", GEN_COLUMNS)?;
    let number = cells.bus_number(0, "bus")?;
    let Some(&bus) = table.index.get(&number) else {
        return Err(cells.error(format!("bus {number} does not exist in mpc.bus")));
    };
    Ok(GenRow {
        bus,
        bus_name: number.to_string(),
        pg_mw: cells.finite(1, "Pg")?,
        qg_mvar: cells.finite(2, "Qg")?,
        qmax_mvar: cells.any(3),
        qmin_mvar: cells.any(4),
        vg_pu: cells.finite(5, "Vg")?,
        in_service: cells.finite(7, "status")? > 0.0,
        pmax_mw: cells.any(8),
        pmin_mw: cells.any(9),
    })
}

fn read_gens(
    matrix: &Matrix,
    costs: Vec<Option<GenCost>>,
    table: &BusTable,
    network: &mut Network,
) -> Result<(), ParseError> {
    let mut has_grid = vec![false; table.kinds.len()];
    let mut gens_at_bus: HashMap<usize, usize> = HashMap::new();
    for (row, cost) in matrix.rows.iter().zip(costs) {
        let g = read_gen_row(row, table)?;
        let kind = table.kinds[g.bus];
        if kind == BusType::Ref && g.in_service && !has_grid[g.bus] {
            has_grid[g.bus] = true;
            network.devices.push(external_grid(&g, table.va_deg[g.bus]));
            continue;
        }
        let count = gens_at_bus.entry(g.bus).or_insert(0);
        *count += 1;
        let name = match *count {
            1 => format!("gen_{}", g.bus_name),
            n => format!("gen_{}_{n}", g.bus_name),
        };
        // MATPOWER holds the voltage only at PV and reference buses; a generator at a PQ bus
        // is a fixed injection.
        let holds_voltage = kind != BusType::Pq;
        network
            .devices
            .push(generator(g, name, holds_voltage, cost));
    }
    match has_grid
        .iter()
        .zip(&table.kinds)
        .position(|(has, k)| *k == BusType::Ref && !has)
    {
        Some(i) => Err(ParseError::at(
            table.lines[i],
            format!(
                "reference bus {} (type 3) has no in-service generator to act as the slack",
                network.buses[i].name
            ),
        )),
        None => Ok(()),
    }
}

fn external_grid(g: &GenRow, va_deg: f64) -> Device {
    let limit = |v: f64| Some(v).filter(|v| v.is_finite());
    Device::ExternalGrid(ExternalGrid {
        name: format!("grid_{}", g.bus_name),
        bus: g.bus_name.clone(),
        vm_pu: g.vg_pu,
        va_deg,
        p_min_mw: limit(g.pmin_mw),
        p_max_mw: limit(g.pmax_mw),
        q_min_mvar: limit(g.qmin_mvar),
        q_max_mvar: limit(g.qmax_mvar),
        in_service: true,
    })
}

fn generator(g: GenRow, name: String, holds_voltage: bool, cost: Option<GenCost>) -> Device {
    let limit = |v: f64| {
        if v.is_infinite() {
            v.signum() * UNLIMITED_MW
        } else {
            v
        }
    };
    Device::Generator(Generator {
        name,
        bus: g.bus_name,
        p_mw: g.pg_mw,
        q_mvar: g.qg_mvar,
        p_min_mw: limit(g.pmin_mw),
        p_max_mw: limit(g.pmax_mw),
        q_min_mvar: limit(g.qmin_mvar),
        q_max_mvar: limit(g.qmax_mvar),
        vm_setpoint_pu: holds_voltage.then_some(g.vg_pu),
        cost,
        in_service: g.in_service,
    })
}

/// Reads the branches and returns them as pairs of bus indices, for the layout.
fn read_branches(
    matrix: &Matrix,
    table: &BusTable,
    network: &mut Network,
) -> Result<Vec<(usize, usize)>, ParseError> {
    let mut edges = Vec::with_capacity(matrix.rows.len());
    let mut parallels: HashMap<(u64, u64), usize> = HashMap::new();
    for row in &matrix.rows {
        let cells = Cells::new(row, "branch", BRANCH_COLUMNS)?;
        let (from, to) = (cells.bus_number(0, "fbus")?, cells.bus_number(1, "tbus")?);
        let lookup = |number: u64| {
            let found = table.index.get(&number).copied();
            found.ok_or_else(|| cells.error(format!("bus {number} does not exist in mpc.bus")))
        };
        edges.push((lookup(from)?, lookup(to)?));
        let count = parallels.entry((from, to)).or_insert(0);
        *count += 1;
        let name = match *count {
            1 => format!("{from}-{to}"),
            n => format!("{from}-{to}#{n}"),
        };
        network.branches.push(read_branch(&cells, name, from, to)?);
    }
    Ok(edges)
}

fn read_branch(cells: &Cells, name: String, from: u64, to: u64) -> Result<Branch, ParseError> {
    let rate_a_mva = cells.any(5);
    if rate_a_mva < 0.0 {
        return Err(cells.error(format!("rateA must not be negative, not {rate_a_mva}")));
    }
    let (tap, shift_deg) = (cells.finite(8, "ratio")?, cells.finite(9, "angle")?);
    let kind = if tap != 0.0 || shift_deg != 0.0 {
        BranchKind::Transformer {
            // MATPOWER writes 0 for "no off-nominal ratio".
            tap_ratio: if tap == 0.0 { 1.0 } else { tap },
            shift_deg,
            tap_changer: None,
        }
    } else {
        BranchKind::Line
    };
    let in_service = cells.finite(10, "status")? > 0.0;
    Ok(Branch {
        name,
        from_bus: from.to_string(),
        to_bus: to.to_string(),
        r_pu: cells.finite(2, "r")?,
        x_pu: cells.finite(3, "x")?,
        b_pu: cells.finite(4, "b")?,
        // 0 (and Inf) mean unlimited in MATPOWER.
        rating_mva: Some(rate_a_mva).filter(|r| *r > 0.0 && r.is_finite()),
        in_service,
        // A branch the case leaves open is a tie switch (as in the distribution feeders).
        switchable: !in_service,
        kind,
    })
}
