//! `Network::validate`: one test per kind of problem, each checking the problem found and that
//! its message names the element; and that the power flow refuses invalid networks.

use gridpilot::model::{
    Branch, BranchKind, Bus, Capability, Device, ElementRef, ExternalGrid, Load, Network, Problem,
    Scenario, Storage, Subject, TapChanger, TapSide,
};
use gridpilot::powerflow::{PowerFlow, SolveOptions};

/// A valid three-bus feeder: grid at A, transformer A–B with a tap changer, line B–C, a load
/// and a storage unit at C.
fn valid() -> Network {
    let mut net = Network::new("feeder", 100.0);
    net.buses = vec![
        Bus::new("A", 110.0),
        Bus::new("B", 20.0),
        Bus::new("C", 20.0),
    ];
    let mut trafo = Branch::line("T", "A", "B", 0.002, 0.06);
    trafo.kind = BranchKind::Transformer {
        tap_ratio: 1.0,
        shift_deg: 0.0,
        tap_changer: Some(TapChanger {
            min_position: -8,
            max_position: 8,
            step_pct: 1.25,
            position: 0,
            side: TapSide::From,
        }),
    };
    net.branches = vec![trafo, Branch::line("L", "B", "C", 0.01, 0.02)];
    net.devices = vec![
        Device::ExternalGrid(ExternalGrid {
            name: "grid".into(),
            bus: "A".into(),
            vm_pu: 1.0,
            va_deg: 0.0,
            p_min_mw: None,
            p_max_mw: None,
            q_min_mvar: None,
            q_max_mvar: None,
            in_service: true,
        }),
        Device::Load(Load {
            name: "load".into(),
            bus: "C".into(),
            p_mw: 5.0,
            q_mvar: 1.0,
            in_service: true,
        }),
        Device::Storage(Storage {
            name: "bat".into(),
            bus: "C".into(),
            capability: Capability {
                p_min_mw: -2.0,
                p_max_mw: 2.0,
                q_min_mvar: -1.0,
                q_max_mvar: 1.0,
                p_plus_mw: None,
                p_minus_mw: None,
                q_plus_mvar: None,
                q_minus_mvar: None,
                min_power_factor: None,
            },
            soc_min_mwh: 0.0,
            soc_max_mwh: 10.0,
            efficiency: 0.95,
            soc_mwh: 5.0,
            p_mw: 0.0,
            q_mvar: 0.0,
            in_service: true,
        }),
    ];
    net
}

fn branch<'a>(net: &'a mut Network, name: &str) -> &'a mut Branch {
    net.branches.iter_mut().find(|b| b.name == name).unwrap()
}

fn bus<'a>(net: &'a mut Network, name: &str) -> &'a mut Bus {
    net.buses.iter_mut().find(|b| b.name == name).unwrap()
}

fn storage(net: &mut Network) -> &mut Storage {
    net.devices
        .iter_mut()
        .find_map(|d| match d {
            Device::Storage(s) => Some(s),
            _ => None,
        })
        .unwrap()
}

/// The problems found, after checking that the power flow refuses the network too.
fn problems(net: &Network) -> Vec<Problem> {
    let report = net.validate();
    assert!(!report.is_ok(), "the network should be invalid");
    assert!(
        PowerFlow::new(net).is_err(),
        "the power flow accepted an invalid network"
    );
    report.problems
}

/// The one problem found, whose message must contain every fragment.
fn only_problem(net: &Network, fragments: &[&str]) -> Problem {
    let mut found = problems(net);
    assert_eq!(found.len(), 1, "expected one problem, got {found:?}");
    let problem = found.remove(0);
    let text = problem.to_string();
    for f in fragments {
        assert!(text.contains(f), "message lacks {f:?}: {text}");
    }
    problem
}

/// The subject a message starts with: "bus 'B'", "storage 'bat'"…
fn subject(text: &str) -> Subject {
    let (kind, rest) = text.split_once(" '").expect("kind 'name'");
    let name = rest.trim_end_matches('\'');
    match kind {
        "bus" => Subject::bus(name),
        "branch" => Subject::branch(name),
        _ => Subject {
            kind: match kind {
                "load" => "load",
                "storage" => "storage",
                other => panic!("no subject kind {other}"),
            },
            name: name.to_string(),
            element: Some(ElementRef::Device(name.to_string())),
        },
    }
}

fn invalid_value(element: &str, field: &'static str, value: f64, reason: &str) -> Problem {
    Problem::InvalidValue {
        subject: subject(element),
        field,
        value,
        reason: reason.to_string(),
    }
}

#[test]
fn valid_network_has_no_problems_and_solves() {
    let net = valid();
    let report = net.validate();
    assert!(report.is_ok(), "{report}");
    let mut pf = PowerFlow::new(&net).unwrap();
    let result = pf.solve(&net, &SolveOptions::default()).unwrap();
    assert!(result.converged, "{:?}", result.failure);
}

#[test]
fn branch_to_unknown_bus() {
    let mut net = valid();
    net.branches.push(Branch::line("X", "B", "Z", 0.01, 0.02));
    let p = only_problem(&net, &["branch 'X'", "'Z'"]);
    assert_eq!(
        p,
        Problem::UnknownBus {
            subject: subject("branch 'X'"),
            bus: "Z".into()
        }
    );
}

#[test]
fn device_at_unknown_bus() {
    let mut net = valid();
    let Device::Load(load) = &mut net.devices[1] else {
        unreachable!()
    };
    load.bus = "Nowhere".into();
    let p = only_problem(&net, &["load 'load'", "'Nowhere'"]);
    assert_eq!(
        p,
        Problem::UnknownBus {
            subject: subject("load 'load'"),
            bus: "Nowhere".into()
        }
    );
}

#[test]
fn duplicate_bus_names() {
    let mut net = valid();
    net.buses.push(Bus::new("B", 20.0));
    let found = problems(&net);
    let dup = Problem::DuplicateName {
        element: ElementRef::Bus("B".into()),
    };
    assert!(found.contains(&dup), "{found:?}");
    assert!(dup.to_string().contains("bus") && dup.to_string().contains("'B'"));
}

#[test]
fn duplicate_branch_names() {
    let mut net = valid();
    let copy = Branch::line("L", "A", "C", 0.01, 0.02);
    net.branches.push(copy);
    let p = only_problem(&net, &["branch", "'L'"]);
    assert_eq!(
        p,
        Problem::DuplicateName {
            element: ElementRef::Branch("L".into())
        }
    );
}

#[test]
fn duplicate_device_names() {
    let mut net = valid();
    let copy = net.devices[1].clone();
    net.devices.push(copy);
    let p = only_problem(&net, &["device", "'load'"]);
    assert_eq!(
        p,
        Problem::DuplicateName {
            element: ElementRef::Device("load".into())
        }
    );
}

#[test]
fn no_external_grid_means_no_slack() {
    let mut net = valid();
    net.devices.remove(0);
    assert_eq!(only_problem(&net, &["no external grid"]), Problem::NoSlack);
}

#[test]
fn out_of_service_external_grid_means_no_slack() {
    let mut net = valid();
    let Device::ExternalGrid(grid) = &mut net.devices[0] else {
        unreachable!()
    };
    grid.in_service = false;
    assert_eq!(only_problem(&net, &[]), Problem::NoSlack);
}

#[test]
fn zero_impedance_branch() {
    let mut net = valid();
    let l = branch(&mut net, "L");
    (l.r_pu, l.x_pu) = (0.0, 0.0);
    assert_eq!(
        only_problem(&net, &["branch 'L'", "zero impedance"]),
        Problem::ZeroImpedance { branch: "L".into() }
    );
}

#[test]
fn island_lists_its_buses() {
    let mut net = valid();
    net.buses.push(Bus::new("D", 20.0));
    net.buses.push(Bus::new("E", 20.0));
    net.branches.push(Branch::line("DE", "D", "E", 0.01, 0.02));
    let p = only_problem(&net, &["'D'", "'E'", "not connected"]);
    assert_eq!(
        p,
        Problem::Island {
            buses: vec!["D".into(), "E".into()]
        }
    );
}

#[test]
fn out_of_service_branch_cuts_off_an_island() {
    let mut net = valid();
    branch(&mut net, "L").in_service = false;
    let p = only_problem(&net, &["bus 'C' is not connected"]);
    assert_eq!(
        p,
        Problem::Island {
            buses: vec!["C".into()]
        }
    );
}

#[test]
fn nan_load_power() {
    let mut net = valid();
    let Device::Load(load) = &mut net.devices[1] else {
        unreachable!()
    };
    load.p_mw = f64::NAN;
    // NaN never equals itself, so the variant is matched rather than compared.
    let p = only_problem(&net, &["load 'load'", "p_mw", "finite"]);
    assert!(
        matches!(&p, Problem::InvalidValue { subject, field: "p_mw", value, .. }
            if subject.to_string() == "load 'load'" && value.is_nan()),
        "{p:?}"
    );
}

#[test]
fn infinite_resistance() {
    let mut net = valid();
    branch(&mut net, "L").r_pu = f64::INFINITY;
    assert_eq!(
        only_problem(&net, &["branch 'L'", "r_pu"]),
        invalid_value(
            "branch 'L'",
            "r_pu",
            f64::INFINITY,
            "it must be a finite number"
        )
    );
}

#[test]
fn vmin_above_vmax() {
    let mut net = valid();
    let b = bus(&mut net, "B");
    (b.vmin_pu, b.vmax_pu) = (1.2, 1.1);
    assert_eq!(
        only_problem(&net, &["bus 'B'", "vmin_pu"]),
        invalid_value("bus 'B'", "vmin_pu", 1.2, "the minimum exceeds the maximum")
    );
}

#[test]
fn negative_base_voltage() {
    let mut net = valid();
    bus(&mut net, "C").base_kv = -20.0;
    assert_eq!(
        only_problem(&net, &["bus 'C'", "base_kv"]),
        invalid_value("bus 'C'", "base_kv", -20.0, "it must be positive")
    );
}

#[test]
fn storage_state_of_charge_outside_its_limits() {
    let mut net = valid();
    storage(&mut net).soc_mwh = 12.0;
    assert_eq!(
        only_problem(&net, &["storage 'bat'", "soc_mwh"]),
        invalid_value(
            "storage 'bat'",
            "soc_mwh",
            12.0,
            "it lies outside [soc_min_mwh, soc_max_mwh]"
        )
    );
}

#[test]
fn storage_efficiency_above_one() {
    let mut net = valid();
    storage(&mut net).efficiency = 1.05;
    assert_eq!(
        only_problem(&net, &["storage 'bat'", "efficiency"]),
        invalid_value("storage 'bat'", "efficiency", 1.05, "it must lie in (0, 1]")
    );
}

#[test]
fn tap_position_outside_its_range() {
    let mut net = valid();
    if let BranchKind::Transformer {
        tap_changer: Some(t),
        ..
    } = &mut branch(&mut net, "T").kind
    {
        t.position = 9;
    }
    assert_eq!(
        only_problem(&net, &["branch 'T'", "tap_changer.position"]),
        invalid_value(
            "branch 'T'",
            "tap_changer.position",
            9.0,
            "it lies outside the range [-8, 8]"
        )
    );
}

#[test]
fn empty_network_is_refused_without_panic() {
    let net = Network::new("empty", 100.0);
    let found = problems(&net);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].to_string(), "network: it has no buses");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut net = valid();
    branch(&mut net, "L").r_pu = f64::INFINITY;
    bus(&mut net, "C").base_kv = -20.0;
    storage(&mut net).efficiency = 0.0;
    let report = net.validate();
    assert_eq!(report.problems.len(), 3, "{report}");
    // One problem per line, in the order found.
    let text = report.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("bus 'C'"), "{text}");
    assert!(lines[1].starts_with("branch 'L'"), "{text}");
    assert!(lines[2].starts_with("storage 'bat'"), "{text}");
    assert!(PowerFlow::new(&net).is_err());
}

#[test]
fn a_tap_range_that_reaches_a_ratio_at_or_below_zero() {
    let mut net = valid();
    if let BranchKind::Transformer {
        tap_changer: Some(t),
        ..
    } = &mut branch(&mut net, "T").kind
    {
        t.step_pct = 20.0;
    }
    // At position -8 the ratio would be 1 - 8 × 0.2 = -0.6.
    let p = only_problem(
        &net,
        &["branch 'T'", "tap_changer.min_position", "not positive"],
    );
    assert!(p.to_string().contains("-0.6"), "{p}");
    // On the to side the winding's factor would be 1 - 8 × 0.2 = -0.6 there: the ratio's
    // sign turns.
    if let BranchKind::Transformer {
        tap_changer: Some(t),
        ..
    } = &mut branch(&mut net, "T").kind
    {
        t.side = TapSide::To;
    }
    let p = only_problem(
        &net,
        &["branch 'T'", "tap_changer.min_position", "not positive"],
    );
    assert!(p.to_string().contains("-1.6"), "{p}");
}

#[test]
fn a_branch_from_a_bus_to_itself() {
    let mut net = valid();
    net.branches
        .push(Branch::line("loop", "B", "B", 0.01, 0.02));
    let p = only_problem(&net, &["branch 'loop'", "connects bus 'B' to itself"]);
    assert_eq!(p.element(), Some(ElementRef::Branch("loop".into())));
}

#[test]
fn empty_names_and_plural_messages() {
    let mut net = valid();
    bus(&mut net, "C").name = String::new();
    net.branches.iter_mut().for_each(|b| {
        if b.to_bus == "C" {
            b.to_bus = String::new();
        }
    });
    if let Device::Load(l) = &mut net.devices[1] {
        l.bus = String::new();
    }
    if let Device::Storage(s) = &mut net.devices[2] {
        s.bus = String::new();
    }
    let p = only_problem(&net, &["bus ''", "the name is empty"]);
    assert_eq!(p.element(), Some(ElementRef::Bus(String::new())));
    let mut net = valid();
    net.buses.push(Bus::new("B", 20.0));
    let text = net.validate().to_string();
    assert!(text.contains("two buses are named 'B'"), "{text}");
}

#[test]
fn scenario_settings_are_checked_by_field() {
    let mut net = valid();
    let mut scenario = Scenario::plain_day();
    scenario.reward.penalty_clip = -100.0;
    scenario.power_flow.tolerance_pu = f64::NAN;
    scenario.episode_steps = Some(0);
    net.scenario = Some(scenario);
    let text = net.validate().to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines.iter().all(|l| l.starts_with("scenario")), "{text}");
    assert!(text.contains("reward.penalty_clip = -100"), "{text}");
    assert!(text.contains("power_flow.tolerance_pu = NaN"), "{text}");
    assert!(text.contains("episode_steps must be at least 1"), "{text}");
}

#[test]
fn profiles_must_name_a_load_or_renewable_once() {
    let mut net = valid();
    let mut scenario = Scenario::plain_day();
    let daily = |device: &str| gridpilot::model::Profile {
        device: device.into(),
        series: gridpilot::model::Series::Daily {
            shape: gridpilot::model::DailyShape::Residential,
            peak_mw: 1.0,
            noise_pct: 0.0,
        },
        q_per_p: None,
    };
    scenario.profiles = vec![daily("load"), daily("load"), daily("bat"), daily("ghost")];
    net.scenario = Some(scenario);
    let text = net.validate().to_string();
    assert!(
        text.contains("profile of 'load': the device has more than one profile"),
        "{text}"
    );
    assert!(
        text.contains("profile of 'bat': only loads and renewables"),
        "{text}"
    );
    assert!(
        text.contains("profile of 'ghost': no device has this name"),
        "{text}"
    );
}

/// A scenario setting (and what must be in the message) that used to run wrongly or panic.
fn scenario_refused(change: impl Fn(&mut Scenario), fragments: &[&str]) {
    let mut net = valid();
    let mut scenario = Scenario::plain_day();
    change(&mut scenario);
    net.scenario = Some(scenario);
    let text = net.validate().to_string();
    for f in fragments {
        assert!(text.contains(f), "message lacks {f:?}: {text}");
    }
    assert!(PowerFlow::new(&net).is_err(), "{text}");
}

#[test]
fn every_scenario_setting_is_checked() {
    scenario_refused(
        |s| s.power_flow.tolerance_pu = f64::NAN,
        &["tolerance_pu = NaN"],
    );
    scenario_refused(
        |s| s.power_flow.tolerance_pu = f64::INFINITY,
        &["tolerance_pu = inf"],
    );
    scenario_refused(
        |s| s.power_flow.tolerance_pu = 0.0,
        &["tolerance_pu = 0", "positive"],
    );
    scenario_refused(
        |s| s.power_flow.max_iterations = 10_000_000,
        &["max_iterations = 10000000"],
    );
    scenario_refused(|s| s.reward.penalty_clip = -100.0, &["penalty_clip = -100"]);
    scenario_refused(
        |s| s.reward.penalty_weight = f64::NAN,
        &["penalty_weight = NaN"],
    );
    scenario_refused(|s| s.reward.energy_clip = -1.0, &["energy_clip = -1"]);
    scenario_refused(|s| s.reward.energy_clip = f64::NAN, &["energy_clip = NaN"]);
    let protection = |change: fn(&mut gridpilot::model::Protection)| {
        move |s: &mut Scenario| {
            let mut p = gridpilot::model::Protection::default();
            change(&mut p);
            s.protection = Some(p);
        }
    };
    scenario_refused(
        protection(|p| p.hard_limit_pct = f64::NAN),
        &["hard_limit_pct = NaN"],
    );
    scenario_refused(
        protection(|p| p.max_lost_pct = f64::NAN),
        &["max_lost_pct = NaN"],
    );
    scenario_refused(
        protection(|p| p.max_lost_pct = -1.0),
        &["max_lost_pct = -1"],
    );
    scenario_refused(
        |s| s.episode_steps = Some(0),
        &["episode_steps must be at least 1"],
    );
    let daily = |peak_mw: f64| {
        move |s: &mut Scenario| {
            s.profiles = vec![gridpilot::model::Profile {
                device: "load".into(),
                series: gridpilot::model::Series::Daily {
                    shape: gridpilot::model::DailyShape::Residential,
                    peak_mw,
                    noise_pct: 0.0,
                },
                q_per_p: None,
            }];
        }
    };
    scenario_refused(daily(f64::NAN), &["profile of 'load'", "peak_mw = NaN"]);
    scenario_refused(daily(-2.0), &["peak_mw = -2"]);
    scenario_refused(
        |s| {
            daily(1.0)(s);
            s.profiles[0].q_per_p = Some(f64::NAN);
        },
        &["q_per_p = NaN"],
    );
}

#[test]
fn device_limits_and_names_are_checked() {
    let mut net = valid();
    let Device::ExternalGrid(grid) = &mut net.devices[0] else {
        unreachable!()
    };
    grid.p_min_mw = Some(200.0);
    grid.p_max_mw = Some(-200.0);
    grid.q_max_mvar = Some(f64::NAN);
    let text = net.validate().to_string();
    assert!(
        text.contains("external grid 'grid': p_min_mw = 200"),
        "{text}"
    );
    assert!(text.contains("q_max_mvar = NaN"), "{text}");

    let mut net = valid();
    storage(&mut net).capability.p_plus_mw = Some(5.0);
    let p = only_problem(
        &net,
        &[
            "storage 'bat'",
            "capability.p_plus_mw = 5",
            "outside the P range",
        ],
    );
    assert_eq!(p.element(), Some(ElementRef::Device("bat".into())));

    let mut net = valid();
    net.devices
        .push(Device::Renewable(gridpilot::model::Renewable {
            name: "pv".into(),
            bus: "C".into(),
            source: gridpilot::model::RenewableSource::Solar,
            capability: Capability {
                p_min_mw: -3.0,
                p_max_mw: -1.0,
                q_min_mvar: 0.0,
                q_max_mvar: 0.0,
                p_plus_mw: None,
                p_minus_mw: None,
                q_plus_mvar: None,
                q_minus_mvar: None,
                min_power_factor: None,
            },
            p_mw: 0.0,
            q_mvar: 0.0,
            in_service: true,
        }));
    only_problem(
        &net,
        &[
            "solar 'pv'",
            "capability.p_min_mw = -3",
            "must not be negative",
        ],
    );

    let mut net = valid();
    bus(&mut net, "B").name = "B\0".into();
    let text = net.validate().to_string();
    assert!(text.contains("control character"), "{text}");
}

#[test]
fn two_voltages_asked_of_one_bus_is_a_problem() {
    let mut net = valid();
    net.devices
        .push(Device::Generator(gridpilot::model::Generator {
            name: "gen".into(),
            bus: "A".into(),
            p_mw: 1.0,
            q_mvar: 0.0,
            p_min_mw: 0.0,
            p_max_mw: 5.0,
            q_min_mvar: -5.0,
            q_max_mvar: 5.0,
            vm_setpoint_pu: Some(1.05),
            cost: None,
            in_service: true,
        }));
    only_problem(
        &net,
        &[
            "bus 'A'",
            "'grid' holds it at 1 p.u. and 'gen' at 1.05 p.u.",
        ],
    );
}

#[test]
fn negative_resistance_is_a_warning_that_still_solves() {
    let mut net = valid();
    branch(&mut net, "L").r_pu = -0.001;
    let report = net.validate();
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.warnings.len(), 1);
    assert!(
        report
            .warnings_listing()
            .contains("branch 'L': r_pu = -0.001")
    );
    assert!(PowerFlow::new(&net).is_ok());
}

#[test]
fn a_zone_with_no_name_is_refused_and_zones_are_listed_once_in_order() {
    let mut net = valid();
    net.buses[2].zone = Some("south".into());
    net.buses[0].zone = Some("north".into());
    net.buses[1].zone = Some("south".into());
    assert!(net.validate().is_ok());
    assert_eq!(net.zones(), ["north", "south"]);
    net.buses[1].zone = Some("  ".into());
    let listing = net.validate().listing();
    assert!(
        listing.contains("bus 'B'") && listing.contains("zone has an empty name"),
        "{listing}"
    );
}
