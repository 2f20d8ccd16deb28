//! The safety report of a step lists each kind of violation with its element, value and limit.

use std::path::PathBuf;

use gridpilot::io::load_network;
use gridpilot::sim::{Environment, ResetOptions, Violation, ViolationKind, position};

fn environment(file: &str) -> Environment {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("networks")
        .join(file);
    let dir = path.parent().unwrap().to_path_buf();
    Environment::new(gridpilot::io::read_series(load_network(&path).unwrap(), &dir).unwrap())
        .unwrap()
}

fn find<'a>(
    violations: &'a [Violation],
    kind: ViolationKind,
    element: &str,
) -> Option<&'a Violation> {
    violations
        .iter()
        .find(|v| v.kind == kind && v.element == element)
}

#[test]
fn reactive_power_at_night_breaks_the_solar_power_factor_band() {
    let mut env = environment("case33bw_feeder.ron");
    env.reset(
        0,
        &ResetOptions {
            start_time_index: Some(4),
            ..Default::default()
        },
    )
    .unwrap();
    let mut action = env.do_nothing_action();
    action[position(env.action_space(), "pv_18.q_mvar").unwrap()] = 0.3;
    let r = env.step(&action);
    let v = find(&r.info.violations, ViolationKind::PowerFactor, "pv_18")
        .expect("pv_18 at night giving only Q");
    assert_eq!((v.value, v.limit), (0.0, 0.9));
    assert!(find(&r.info.violations, ViolationKind::PowerFactor, "pv_33").is_none());
}

#[test]
fn anm6_reports_voltage_overload_storage_and_clipping() {
    let mut env = environment("anm6_easy.ron");
    let options = ResetOptions {
        start_time_index: Some(0),
        initial_soc_mwh: vec![("storage".into(), 99.0)],
    };
    env.reset(0, &options).unwrap();
    let space = env.action_space().to_vec();
    let mut action = env.do_nothing_action();
    action[position(&space, "storage.p_mw").unwrap()] = -30.0; // only 4.44 MW fit
    action[position(&space, "wind.q_mvar").unwrap()] = 50.0;
    let r = env.step(&action);
    let v = &r.info.violations;
    let overload = find(v, ViolationKind::BranchOverload, "bus0-bus1")
        .expect("night wind overloads the transformer");
    assert!(overload.value > overload.limit && overload.limit == 32.0);
    assert!(find(v, ViolationKind::VoltageHigh, "bus4").is_some_and(|x| x.value > 1.1));
    assert!(find(v, ViolationKind::StorageFull, "storage").is_some_and(|x| x.value == 100.0));
    assert!(find(v, ViolationKind::SetpointClipped, "storage").is_some());
    assert!(
        find(v, ViolationKind::SetpointClipped, "wind").is_some(),
        "Q at full P is cut by the capability corner"
    );
}

#[test]
fn discharging_beyond_the_stored_energy_is_reported_as_clipped() {
    let mut env = environment("anm6_easy.ron");
    let options = ResetOptions {
        start_time_index: Some(0),
        initial_soc_mwh: vec![("storage".into(), 1.0)],
    };
    env.reset(0, &options).unwrap();
    let mut action = env.do_nothing_action();
    action[position(env.action_space(), "storage.p_mw").unwrap()] = 20.0; // 1 MWh allows 3.6 MW
    let r = env.step(&action);
    let clipped = find(
        &r.info.violations,
        ViolationKind::SetpointClipped,
        "storage",
    )
    .expect("clipped");
    assert!(
        (clipped.value - 20.0).abs() < 1e-9 && (clipped.limit - 3.6).abs() < 1e-9,
        "{clipped:?}"
    );
}

#[test]
fn the_feasible_range_narrows_with_the_stored_energy() {
    let mut env = environment("anm6_easy.ron");
    let options = ResetOptions {
        start_time_index: Some(0),
        initial_soc_mwh: vec![("storage".into(), 1.0)],
    };
    env.reset(0, &options).unwrap();
    let storage = env
        .network()
        .devices
        .iter()
        .position(|d| d.name() == "storage")
        .unwrap();
    // 1 MWh over 15 minutes at η = 0.9: at most 3.6 MW out; charging is limited by capability.
    let (lo, hi) = env.feasible_p_range_mw(storage).unwrap();
    assert!(
        (lo + 50.0).abs() < 1e-9 && (hi - 3.6).abs() < 1e-9,
        "{lo} {hi}"
    );
    assert!(
        env.feasible_p_range_mw(0).is_none(),
        "the external grid has no such range"
    );
}
