//! Checks that a network can be solved and run, reporting every problem by element name.
//!
//! The checks of one element's own values are public on their own ([`Bus::problems`] and
//! friends) so that an editor can refuse a value before it reaches the network.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::scenario::{CostReward, Profile, RewardKind, Series};
use super::{
    Branch, BranchKind, Bus, BusComponents, Capability, Device, ElementRef, GenCost, NameMap,
    NameSet, Network, Scenario, Subject,
};

/// One thing wrong with a network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("two {} are named '{}'", plural(.element), .element.name())]
    DuplicateName { element: ElementRef },
    #[error("{subject} refers to bus '{bus}', which does not exist")]
    UnknownBus { subject: Subject, bus: String },
    #[error("no external grid is in service: the network has no slack bus")]
    NoSlack,
    #[error("branch '{branch}' has zero impedance (r = x = 0)")]
    ZeroImpedance { branch: String },
    #[error("{} not connected to any external grid", island(.buses))]
    Island { buses: Vec<String> },
    #[error("{subject}: {field} = {} is not allowed: {reason}", Number(*.value))]
    InvalidValue {
        subject: Subject,
        field: &'static str,
        value: f64,
        reason: String,
    },
    /// Something other than one number is wrong (a name, a reference, a combination).
    #[error("{subject}: {reason}")]
    Invalid { subject: Subject, reason: String },
    /// A value that is allowed but unusual (a warning).
    #[error("{subject}: {field} = {}: {note}", Number(*.value))]
    Unusual {
        subject: Subject,
        field: &'static str,
        value: f64,
        note: &'static str,
    },
}

impl Problem {
    /// The element to show the user for this problem, if it is about one.
    pub fn element(&self) -> Option<ElementRef> {
        match self {
            Problem::DuplicateName { element } => Some(element.clone()),
            Problem::UnknownBus { subject, .. }
            | Problem::InvalidValue { subject, .. }
            | Problem::Invalid { subject, .. }
            | Problem::Unusual { subject, .. } => subject.element.clone(),
            Problem::ZeroImpedance { branch } => Some(ElementRef::Branch(branch.clone())),
            Problem::Island { buses } => buses.first().cloned().map(ElementRef::Bus),
            Problem::NoSlack => None,
        }
    }
}

fn plural(element: &ElementRef) -> &'static str {
    match element {
        ElementRef::Bus(_) => "buses",
        ElementRef::Branch(_) => "branches",
        ElementRef::Device(_) => "devices",
    }
}

/// "bus 'a' is" or "buses 'a', 'b' are".
fn island(buses: &[String]) -> String {
    match buses {
        [one] => format!("bus '{one}' is"),
        _ => format!("buses {} are", list(buses)),
    }
}

fn list(names: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// Every problem found in a network (empty when it can be solved), and what is allowed but
/// unusual enough to mention (a negative resistance).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidationReport {
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl ValidationReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems as the command line and the app print them: one on a line of its own;
    /// several as a count, then one indented line each.
    pub fn listing(&self) -> String {
        listing(&self.problems, "problems")
    }

    /// The warnings, printed the same way.
    pub fn warnings_listing(&self) -> String {
        listing(&self.warnings, "warnings")
    }
}

/// A number as people read it: plain when it has a sensible number of digits, in scientific
/// notation when very large or very small (Rust writes `1e300` out with 301 digits).
pub struct Number(pub f64);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let magnitude = v.abs();
        if v.is_finite() && v != 0.0 && !(1e-6..1e12).contains(&magnitude) {
            write!(f, "{v:e}")
        } else {
            write!(f, "{v}")
        }
    }
}

/// "a load", "an external grid".
pub fn with_article(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {word}")
}

/// "External grid" from "external grid".
pub fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// At most this many lines in a listing; the rest are counted.
const MAX_LISTED: usize = 20;

fn listing(items: &[Problem], what: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        many => {
            let mut text = format!("{} {what}:", many.len());
            for item in many.iter().take(MAX_LISTED) {
                text.push_str("\n  ");
                text.push_str(&item.to_string());
            }
            if many.len() > MAX_LISTED {
                text.push_str(&format!("\n  and {} more", many.len() - MAX_LISTED));
            }
            text
        }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Collects the problems of one subject at a time. The subject (names copied into strings) is
/// only made when there is a problem: most elements have none, and a 10,000-bus network is
/// checked after every edit.
struct Checker<'a> {
    subject: &'a dyn Fn() -> Subject,
    problems: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn new(subject: &'a dyn Fn() -> Subject) -> Self {
        Checker {
            subject,
            problems: Vec::new(),
        }
    }

    /// Records a problem unless `value` is finite and `ok(value)` holds.
    fn value(&mut self, field: &'static str, value: f64, ok: impl Fn(f64) -> bool, rule: &str) {
        if value.is_finite() && ok(value) {
            return;
        }
        let reason = if value.is_finite() {
            rule
        } else {
            "it must be a finite number"
        };
        self.problems.push(Problem::InvalidValue {
            subject: (self.subject)(),
            field,
            value,
            reason: reason.to_string(),
        });
    }

    fn finite(&mut self, field: &'static str, value: f64) {
        self.value(field, value, |_| true, "");
    }

    fn positive(&mut self, field: &'static str, value: f64) {
        self.value(field, value, |v| v > 0.0, "it must be positive");
    }

    fn not_negative(&mut self, field: &'static str, value: f64) {
        self.value(field, value, |v| v >= 0.0, "it must not be negative");
    }

    /// `min` must not exceed `max` (both finite).
    fn range(&mut self, field: &'static str, min: f64, max: f64) {
        self.finite(field, min);
        if min.is_finite() && max.is_finite() && min > max {
            self.value(field, min, |_| false, "the minimum exceeds the maximum");
        }
    }

    fn within(&mut self, field: &'static str, value: f64, lo: f64, hi: f64, what: &str) {
        if !(value >= lo && value <= hi) {
            let rule = format!("it lies outside {what} [{}, {}]", Number(lo), Number(hi));
            self.value(field, value, |_| false, &rule);
        }
    }

    fn invalid(&mut self, reason: impl Into<String>) {
        self.problems.push(Problem::Invalid {
            subject: (self.subject)(),
            reason: reason.into(),
        });
    }

    /// Names are how files, selections and actions refer to elements: one line of visible text.
    fn name(&mut self, name: &str) {
        if name.trim().is_empty() {
            self.invalid("the name is empty");
        } else if name.chars().any(char::is_control) {
            self.invalid("the name contains a control character");
        }
    }
}

impl Bus {
    /// Problems with the bus's own values (not its connections).
    pub fn problems(&self) -> Vec<Problem> {
        let subject = || Subject::bus(&self.name);
        let mut c = Checker::new(&subject);
        c.name(&self.name);
        c.positive("base_kv", self.base_kv);
        c.not_negative("vmin_pu", self.vmin_pu);
        c.finite("vmax_pu", self.vmax_pu);
        c.range("vmin_pu", self.vmin_pu, self.vmax_pu);
        c.finite("position.x", self.position.x);
        c.finite("position.y", self.position.y);
        if let Some(zone) = &self.zone {
            if zone.trim().is_empty() {
                c.invalid("its zone has an empty name (leave the zone out instead)");
            } else if zone.chars().any(char::is_control) {
                c.invalid("its zone's name contains a control character");
            }
        }
        c.problems
    }
}

impl Branch {
    /// Problems with the branch's own values (not whether its buses exist).
    pub fn problems(&self) -> Vec<Problem> {
        let subject = || Subject::branch(&self.name);
        let mut c = Checker::new(&subject);
        c.name(&self.name);
        if self.from_bus == self.to_bus {
            c.invalid(format!("it connects bus '{}' to itself", self.from_bus));
        }
        // Negative resistances are real in network equivalents (the PEGASE cases have them):
        // a warning, not a problem (see `Branch::warnings`).
        c.finite("r_pu", self.r_pu);
        c.finite("x_pu", self.x_pu);
        c.finite("b_pu", self.b_pu);
        if let Some(rating) = self.rating_mva {
            c.positive("rating_mva", rating);
        }
        if let BranchKind::Transformer {
            tap_ratio,
            shift_deg,
            tap_changer,
        } = &self.kind
        {
            c.positive("tap_ratio", *tap_ratio);
            c.finite("shift_deg", *shift_deg);
            if let Some(t) = tap_changer {
                c.finite("tap_changer.step_pct", t.step_pct);
                let (lo, hi) = (f64::from(t.min_position), f64::from(t.max_position));
                c.range("tap_changer.min_position", lo, hi);
                c.within(
                    "tap_changer.position",
                    f64::from(t.position),
                    lo,
                    hi,
                    "the range",
                );
                for (field, position) in [
                    ("tap_changer.min_position", lo),
                    ("tap_changer.max_position", hi),
                ] {
                    let ratio = t.ratio_at(*tap_ratio, position as i32);
                    let positive = ratio > 0.0 && ratio.is_finite();
                    if tap_ratio.is_finite() && t.step_pct.is_finite() && !positive {
                        let rule =
                            format!("the ratio there would be {}, not positive", Number(ratio));
                        c.value(field, position, |_| false, &rule);
                    }
                }
            }
        }
        if r_and_x_are_zero(self) {
            c.problems.push(Problem::ZeroImpedance {
                branch: self.name.clone(),
            });
        }
        c.problems
    }
}

impl Branch {
    /// What is allowed but worth a second look.
    pub fn warnings(&self) -> Vec<Problem> {
        let mut warnings = Vec::new();
        if self.r_pu < 0.0 {
            warnings.push(Problem::Unusual {
                subject: Subject::branch(&self.name),
                field: "r_pu",
                value: self.r_pu,
                note: "a negative resistance, as only network equivalents have",
            });
        }
        warnings
    }
}

fn r_and_x_are_zero(branch: &Branch) -> bool {
    branch.r_pu == 0.0 && branch.x_pu == 0.0
}

impl Device {
    /// Problems with the device's own values (not whether its bus exists).
    pub fn problems(&self) -> Vec<Problem> {
        let subject = || Subject::device(self);
        let mut c = Checker::new(&subject);
        c.name(self.name());
        match self {
            Device::Load(d) => {
                c.finite("p_mw", d.p_mw);
                c.finite("q_mvar", d.q_mvar);
            }
            Device::Generator(g) => {
                c.finite("p_mw", g.p_mw);
                c.finite("q_mvar", g.q_mvar);
                c.finite("p_max_mw", g.p_max_mw);
                c.finite("q_max_mvar", g.q_max_mvar);
                c.range("p_min_mw", g.p_min_mw, g.p_max_mw);
                c.range("q_min_mvar", g.q_min_mvar, g.q_max_mvar);
                if let Some(vm) = g.vm_setpoint_pu {
                    c.positive("vm_setpoint_pu", vm);
                }
                if let Some(cost) = &g.cost {
                    check_cost(&mut c, cost);
                }
            }
            Device::Renewable(r) => {
                check_capability(&mut c, &r.capability);
                c.not_negative("capability.p_min_mw", r.capability.p_min_mw);
                c.finite("p_mw", r.p_mw);
                c.finite("q_mvar", r.q_mvar);
            }
            Device::Storage(s) => {
                check_capability(&mut c, &s.capability);
                c.finite("p_mw", s.p_mw);
                c.finite("q_mvar", s.q_mvar);
                c.not_negative("soc_min_mwh", s.soc_min_mwh);
                c.finite("soc_max_mwh", s.soc_max_mwh);
                c.range("soc_min_mwh", s.soc_min_mwh, s.soc_max_mwh);
                let rule = "it lies outside [soc_min_mwh, soc_max_mwh]";
                let (lo, hi) = (s.soc_min_mwh, s.soc_max_mwh);
                c.value("soc_mwh", s.soc_mwh, |v| v >= lo && v <= hi, rule);
                let eff = |v: f64| v > 0.0 && v <= 1.0;
                c.value("efficiency", s.efficiency, eff, "it must lie in (0, 1]");
            }
            Device::ExternalGrid(g) => {
                c.positive("vm_pu", g.vm_pu);
                c.finite("va_deg", g.va_deg);
                check_optional_range(&mut c, "p_min_mw", g.p_min_mw, g.p_max_mw, "p_max_mw");
                check_optional_range(
                    &mut c,
                    "q_min_mvar",
                    g.q_min_mvar,
                    g.q_max_mvar,
                    "q_max_mvar",
                );
            }
            Device::Shunt(s) => {
                c.finite("g_mw", s.g_mw);
                c.finite("q_mvar_per_step", s.q_mvar_per_step);
                let steps = f64::from(s.steps);
                c.value(
                    "step",
                    f64::from(s.step),
                    |v| v <= steps,
                    "it exceeds the number of steps",
                );
            }
        }
        c.problems
    }
}

/// Optional limits: each finite when given, and the minimum not above the maximum.
fn check_optional_range(
    c: &mut Checker,
    min_field: &'static str,
    min: Option<f64>,
    max: Option<f64>,
    max_field: &'static str,
) {
    if let Some(v) = max {
        c.finite(max_field, v);
    }
    match (min, max) {
        (Some(lo), Some(hi)) => c.range(min_field, lo, hi),
        (Some(lo), None) => c.finite(min_field, lo),
        _ => {}
    }
}

fn check_capability(c: &mut Checker, cap: &Capability) {
    if let Some(pf) = cap.min_power_factor {
        let band = |v: f64| (0.0..=1.0).contains(&v);
        c.value(
            "capability.min_power_factor",
            pf,
            band,
            "it must lie in [0, 1]",
        );
    }
    c.finite("capability.p_max_mw", cap.p_max_mw);
    c.finite("capability.q_max_mvar", cap.q_max_mvar);
    c.range("capability.p_min_mw", cap.p_min_mw, cap.p_max_mw);
    c.range("capability.q_min_mvar", cap.q_min_mvar, cap.q_max_mvar);
    let (p, q) = (
        (cap.p_min_mw, cap.p_max_mw),
        (cap.q_min_mvar, cap.q_max_mvar),
    );
    for (field, value, (lo, hi), what) in [
        ("capability.p_plus_mw", cap.p_plus_mw, p, "the P range"),
        ("capability.p_minus_mw", cap.p_minus_mw, p, "the P range"),
        ("capability.q_plus_mvar", cap.q_plus_mvar, q, "the Q range"),
        (
            "capability.q_minus_mvar",
            cap.q_minus_mvar,
            q,
            "the Q range",
        ),
    ] {
        if let Some(v) = value {
            c.within(field, v, lo, hi, what);
        }
    }
}

/// A cost curve's numbers must be finite, and a piecewise linear curve's points must go up in MW.
fn check_cost(c: &mut Checker, cost: &GenCost) {
    let (numbers, points): (Vec<f64>, &[(f64, f64)]) = match cost {
        GenCost::Polynomial {
            coefficients,
            startup,
            shutdown,
        } => (
            [*startup, *shutdown]
                .into_iter()
                .chain(coefficients.iter().copied())
                .collect(),
            &[],
        ),
        GenCost::PiecewiseLinear {
            points,
            startup,
            shutdown,
        } => (
            [*startup, *shutdown]
                .into_iter()
                .chain(points.iter().flat_map(|&(p, q)| [p, q]))
                .collect(),
            points,
        ),
    };
    if numbers.iter().any(|v| !v.is_finite()) {
        c.invalid("its cost curve has a value that is not a finite number");
    }
    if points.windows(2).any(|w| w[1].0 <= w[0].0) {
        c.invalid("the points of its piecewise linear cost must go up in MW");
    }
}

impl Scenario {
    /// Problems with the scenario's settings and profiles (profiles must name loads or
    /// renewables of `net`, once each).
    pub fn problems(&self, net: &Network) -> Vec<Problem> {
        let mut c = Checker::new(&Subject::scenario);
        c.positive("time_step_h", self.time_step_h);
        if self.steps_per_cycle == 0 {
            c.invalid("steps_per_cycle must be at least 1");
        } else if self.start_time_index >= self.steps_per_cycle {
            c.invalid(format!(
                "start_time_index {} must be below steps_per_cycle ({})",
                self.start_time_index, self.steps_per_cycle
            ));
        }
        if self.episode_steps == Some(0) {
            c.invalid("episode_steps must be at least 1 (leave it out to run until terminated)");
        }
        let in_unit_interval = |v: f64| v > 0.0 && v < 1.0;
        c.value(
            "discount",
            self.discount,
            in_unit_interval,
            "it must lie in (0, 1)",
        );
        let r = &self.reward;
        c.not_negative("reward.penalty_weight", r.penalty_weight);
        c.not_negative("reward.energy_clip", r.energy_clip);
        c.not_negative("reward.penalty_clip", r.penalty_clip);
        if let RewardKind::Cost(cost) = &r.kind {
            check_cost_reward(&mut c, cost);
        }
        if let Some(p) = &self.protection {
            if p.overload_steps == 0 {
                c.invalid("protection.overload_steps must be at least 1");
            }
            let above_100 = |v: f64| v > 100.0;
            c.value(
                "protection.hard_limit_pct",
                p.hard_limit_pct,
                above_100,
                "it must be above 100",
            );
            c.within(
                "protection.max_lost_pct",
                p.max_lost_pct,
                0.0,
                100.0,
                "the percentages",
            );
        }
        let pf = &self.power_flow;
        c.positive("power_flow.tolerance_pu", pf.tolerance_pu);
        if !(1..=MAX_ITERATIONS).contains(&pf.max_iterations) {
            c.invalid(format!(
                "power_flow.max_iterations = {} is not allowed: it must lie in 1..={MAX_ITERATIONS}",
                pf.max_iterations
            ));
        }
        let mut problems = c.problems;
        if self.profiles.is_empty() {
            return problems;
        }
        let devices: NameMap<&Device> = net.devices.iter().map(|d| (d.name(), d)).collect();
        let mut seen = HashSet::new();
        for profile in &self.profiles {
            problems.extend(profile_problems(profile, &devices, &mut seen));
        }
        problems
    }
}

fn check_cost_reward(c: &mut Checker, r: &CostReward) {
    c.not_negative("reward.ramp_cost_per_mw", r.ramp_cost_per_mw);
    c.not_negative("reward.tap_change_cost", r.tap_change_cost);
    c.not_negative("reward.violation_cost", r.violation_cost);
    c.positive("reward.scale", r.scale);
    match &r.energy_price {
        Some(Series::Values(prices)) => {
            if prices.is_empty() {
                c.invalid("reward.energy_price has no values");
            } else if let Some(i) = prices.iter().position(|p| !p.is_finite()) {
                c.invalid(format!(
                    "reward.energy_price value {} is not a finite number",
                    i + 1
                ));
            }
        }
        Some(Series::Daily { .. }) => {
            c.invalid(
                "reward.energy_price must be Values([...]) or a Csv column, not a daily shape",
            );
        }
        Some(Series::Csv { .. }) | None => {}
    }
}

/// More Newton iterations than this never help a solve that has not converged.
pub const MAX_ITERATIONS: usize = 1_000;

fn profile_problems<'a>(
    profile: &'a Profile,
    devices: &NameMap<&Device>,
    seen: &mut HashSet<&'a str>,
) -> Vec<Problem> {
    let subject = || Subject::profile(&profile.device);
    let mut c = Checker::new(&subject);
    if !seen.insert(profile.device.as_str()) {
        c.invalid("the device has more than one profile");
    }
    match devices.get(profile.device.as_str()) {
        None => c.invalid("no device has this name"),
        Some(Device::Load(_) | Device::Renewable(_)) => {}
        Some(other) => c.invalid(format!(
            "only loads and renewables follow profiles, not {}",
            with_article(other.kind_name())
        )),
    }
    if let Some(q) = profile.q_per_p {
        c.finite("q_per_p", q);
    }
    match &profile.series {
        Series::Values(values) => {
            if values.is_empty() {
                c.invalid("the series has no values");
            }
            if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                c.invalid(format!(
                    "value {} of the series is {v}, not a finite number",
                    i + 1
                ));
            }
        }
        Series::Daily {
            peak_mw, noise_pct, ..
        } => {
            c.not_negative("peak_mw", *peak_mw);
            c.within("noise_pct", *noise_pct, 0.0, 100.0, "the percentages");
        }
        Series::Csv { file, column } => {
            if file.trim().is_empty() || column.trim().is_empty() {
                c.invalid("a CSV series needs a file and a column");
            }
        }
    }
    c.problems
}

pub(super) fn validate(net: &Network) -> ValidationReport {
    let mut c = Checker::new(&Subject::network);
    c.positive("base_mva", net.base_mva);
    let mut problems = c.problems;
    let bus_names = net.buses.iter().map(|b| b.name.as_str());
    let buses = first_indices(bus_names, &mut problems, ElementRef::Bus);
    let branch_names = net.branches.iter().map(|b| b.name.as_str());
    first_indices(branch_names, &mut problems, ElementRef::Branch);
    let device_names = net.devices.iter().map(|d| d.name());
    first_indices(device_names, &mut problems, ElementRef::Device);
    for bus in &net.buses {
        problems.extend(bus.problems());
    }
    let mut warnings = Vec::new();
    // The bus positions of each branch's ends, looked up once for references and islands.
    let mut ends = Vec::with_capacity(net.branches.len());
    for br in &net.branches {
        let [from, to] = [&br.from_bus, &br.to_bus].map(|end| {
            let found = buses.get(end.as_str()).copied();
            if found.is_none() {
                problems.push(Problem::UnknownBus {
                    subject: Subject::branch(&br.name),
                    bus: end.clone(),
                });
            }
            found
        });
        ends.push(from.zip(to));
        problems.extend(br.problems());
        warnings.extend(br.warnings());
    }
    for dev in &net.devices {
        if !buses.contains_key(dev.bus()) {
            problems.push(Problem::UnknownBus {
                subject: Subject::device(dev),
                bus: dev.bus().to_string(),
            });
        }
        problems.extend(dev.problems());
    }
    check_voltage_setpoints(net, &mut problems);
    if let Some(scenario) = &net.scenario {
        problems.extend(scenario.problems(net));
    }
    check_connectivity(net, &buses, &ends, &mut problems);
    ValidationReport { problems, warnings }
}

/// Every in-service device that holds its bus's voltage (external grids, generators with a
/// setpoint) must ask for the same voltage as the others on that bus: the solver cannot honour
/// two.
fn check_voltage_setpoints(net: &Network, problems: &mut Vec<Problem>) {
    let mut held: NameMap<(&str, f64)> = NameMap::default();
    for dev in net.devices.iter().filter(|d| d.in_service()) {
        let vm = match dev {
            Device::ExternalGrid(g) => g.vm_pu,
            Device::Generator(g) => match g.vm_setpoint_pu {
                Some(vm) => vm,
                None => continue,
            },
            _ => continue,
        };
        match held.get(dev.bus()) {
            Some(&(first, first_vm)) if first_vm != vm => problems.push(Problem::Invalid {
                subject: Subject::bus(dev.bus()),
                reason: format!(
                    "'{first}' holds it at {first_vm} p.u. and '{}' at {vm} p.u.: one voltage per bus",
                    dev.name()
                ),
            }),
            Some(_) => {}
            None => {
                held.insert(dev.bus(), (dev.name(), vm));
            }
        }
    }
}

/// The position of the first element with each name; a name used again is a problem.
fn first_indices<'a>(
    names: impl ExactSizeIterator<Item = &'a str>,
    problems: &mut Vec<Problem>,
    kind: fn(String) -> ElementRef,
) -> NameMap<'a, usize> {
    let mut index = NameMap::with_capacity_and_hasher(names.len(), Default::default());
    for (i, name) in names.enumerate() {
        if index.contains_key(name) {
            problems.push(Problem::DuplicateName {
                element: kind(name.to_string()),
            });
        } else {
            index.insert(name, i);
        }
    }
    index
}

/// Finds the groups of buses joined by in-service branches and reports those without an
/// in-service external grid (or reports that there is none at all).
fn check_connectivity(
    net: &Network,
    index: &NameMap<usize>,
    branch_ends: &[Option<(usize, usize)>],
    problems: &mut Vec<Problem>,
) {
    if net.buses.is_empty() {
        problems.push(Problem::Invalid {
            subject: Subject::network(),
            reason: "it has no buses".to_string(),
        });
        return;
    }
    let slack_buses: NameSet = net
        .devices
        .iter()
        .filter(|d| d.in_service() && matches!(d, Device::ExternalGrid(_)))
        .map(|d| d.bus())
        .collect();
    if slack_buses.is_empty() {
        problems.push(Problem::NoSlack);
        return;
    }
    let mut components = BusComponents::new(net.buses.len());
    for (br, ends) in net.branches.iter().zip(branch_ends) {
        if let (true, Some((f, t))) = (br.in_service, ends) {
            components.join(*f, *t);
        }
    }
    let energised: HashSet<usize> = slack_buses
        .iter()
        .filter_map(|b| index.get(b))
        .map(|&i| components.root(i))
        .collect();
    // Islands in order of their first bus, each listing its buses in file order.
    let mut island_of_root: HashMap<usize, usize> = HashMap::new();
    let mut islands: Vec<Vec<String>> = Vec::new();
    for (i, bus) in net.buses.iter().enumerate() {
        let r = components.root(i);
        if energised.contains(&r) {
            continue;
        }
        let k = *island_of_root.entry(r).or_insert_with(|| {
            islands.push(Vec::new());
            islands.len() - 1
        });
        islands[k].push(bus.name.clone());
    }
    problems.extend(islands.into_iter().map(|buses| Problem::Island { buses }));
}
