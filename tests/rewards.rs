//! The cost reward: generator cost curves, energy bought at a price, ramping, tap wear and
//! violations, each checked against the step's own figures; its validation; and episode files
//! that keep the costs and still replay exactly.

use std::path::Path;

use gridpilot::io::{EpisodeReader, EpisodeWriter, load_network};
use gridpilot::model::{CostReward, Device, GenCost, Network, RewardKind, Series};
use gridpilot::sim::episode::{EpisodeHeader, record};
use gridpilot::sim::{Environment, ResetOptions, StepResult};

fn network(name: &str) -> Network {
    load_network(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("networks")
            .join(name),
    )
    .unwrap()
}

fn with_cost(net: Network, cost: CostReward) -> Network {
    // A network without a scenario runs a plain day, as on the command line.
    let mut net = net.runnable();
    net.scenario.as_mut().unwrap().reward.kind = RewardKind::Cost(cost);
    net
}

fn p_of(env: &Environment, name: &str) -> f64 {
    let k = env
        .network()
        .devices
        .iter()
        .position(|d| d.name() == name)
        .unwrap();
    env.power_flow().devices[k].p_mw
}

#[test]
fn cost_curves_are_evaluated_as_matpower_writes_them() {
    let quadratic = GenCost::Polynomial {
        startup: 0.0,
        shutdown: 0.0,
        coefficients: vec![0.04, 20.0, 100.0],
    };
    assert_eq!(quadratic.per_hour(10.0), 0.04 * 100.0 + 200.0 + 100.0);
    let piecewise = GenCost::PiecewiseLinear {
        startup: 0.0,
        shutdown: 0.0,
        points: vec![(0.0, 0.0), (10.0, 100.0), (20.0, 300.0)],
    };
    assert_eq!(piecewise.per_hour(5.0), 50.0);
    assert_eq!(piecewise.per_hour(15.0), 200.0);
    // Beyond the last point the last segment goes on; before the first, the first.
    assert_eq!(piecewise.per_hour(25.0), 400.0);
    assert_eq!(piecewise.per_hour(-5.0), -50.0);
}

#[test]
fn the_generation_cost_is_each_generators_curve_over_the_step() {
    let net = with_cost(network("case14_classroom.ron"), CostReward::default());
    let mut env = Environment::new(net).unwrap();
    env.reset(1, &ResetOptions::default()).unwrap();
    let result = env.step(&env.do_nothing_action());
    let dt = env.scenario().time_step_h;
    let mut expected = 0.0;
    for (dev, out) in env.network().devices.iter().zip(&env.power_flow().devices) {
        if let Device::Generator(g) = dev
            && let Some(GenCost::Polynomial { coefficients, .. }) = &g.cost
        {
            let [a, b, c] = coefficients[..] else {
                panic!("{coefficients:?}")
            };
            expected += dt * (a * out.p_mw * out.p_mw + b * out.p_mw + c);
        }
    }
    let costs = result.info.reward_terms.costs;
    assert!(expected > 0.0);
    assert!(
        (costs.generation - expected).abs() < 1e-9 * expected,
        "{costs:?} against {expected}"
    );
    assert_eq!(result.reward, -costs.sum());
}

/// The three-bus feeder under a cost reward: a price per time index, ramping and tap wear.
fn feeder() -> Environment {
    let cost = CostReward {
        energy_price: Some(Series::Values(vec![40.0, 55.0, 70.0])),
        ramp_cost_per_mw: 2.0,
        tap_change_cost: 3.0,
        violation_cost: 1000.0,
        scale: 10.0,
        ..CostReward::default()
    };
    let mut env = Environment::new(with_cost(network("three_bus_feeder.ron"), cost)).unwrap();
    env.reset(0, &ResetOptions::default()).unwrap();
    env
}

fn act(env: &mut Environment, battery_mw: f64, tap: f64) -> StepResult {
    let mut action = env.do_nothing_action();
    let names: Vec<String> = env.action_space().iter().map(|c| c.name.clone()).collect();
    action[names.iter().position(|n| n == "battery.p_mw").unwrap()] = battery_mw;
    action[names.iter().position(|n| n == "transformer.tap").unwrap()] = tap;
    env.step(&action)
}

#[test]
fn energy_from_the_grid_is_paid_at_the_price_of_its_time_index() {
    let mut env = feeder();
    let dt = env.scenario().time_step_h;
    for _ in 0..4 {
        let result = act(&mut env, 0.0, 0.0);
        let price = [40.0, 55.0, 70.0][env.time_index() % 3];
        let expected = dt * price * p_of(&env, "grid");
        let costs = result.info.reward_terms.costs;
        assert!(
            (costs.energy - expected).abs() < 1e-9,
            "{costs:?} against {expected}"
        );
        assert!((result.reward + costs.sum() / 10.0).abs() < 1e-12);
    }
}

#[test]
fn ramping_and_tap_changes_are_charged_for_what_moved() {
    let mut env = feeder();
    act(&mut env, 0.0, 0.0);
    let grid_before = p_of(&env, "grid");
    let result = act(&mut env, 1.5, 3.0);
    let costs = result.info.reward_terms.costs;
    // The battery went from 0 to 1.5 MW and the grid made up the difference; three tap steps.
    let moved = 1.5 + (p_of(&env, "grid") - grid_before).abs();
    assert!((costs.ramping - 2.0 * moved).abs() < 1e-9, "{costs:?}");
    assert_eq!(costs.tap_changes, 3.0 * 3.0);
    let result = act(&mut env, 1.5, 1.0);
    assert_eq!(result.info.reward_terms.costs.tap_changes, 3.0 * 2.0);
    // Nothing moved: nothing to pay for either.
    let result = act(&mut env, 1.5, 1.0);
    assert_eq!(result.info.reward_terms.costs.tap_changes, 0.0);
}

#[test]
fn violations_cost_gym_anms_penalty_integral() {
    let mut env = feeder();
    // Pushing the tap to its end takes the village voltage out of its limits.
    let mut violated = false;
    for tap in [-8.0, 8.0] {
        let result = act(&mut env, -2.0, tap);
        let terms = result.info.reward_terms;
        assert_eq!(terms.costs.violations, 1000.0 * terms.penalty_pu_h);
        assert_eq!((terms.energy_term, terms.penalty_term), (0.0, 0.0));
        violated |= terms.penalty_pu_h > 0.0;
    }
    assert!(violated, "a tap at its end violates a voltage limit");
}

#[test]
fn a_cost_reward_that_makes_no_sense_is_refused_by_name() {
    let bad = |cost: CostReward| {
        let net = with_cost(network("three_bus_feeder.ron"), cost);
        net.validate().listing()
    };
    let ramp = bad(CostReward {
        ramp_cost_per_mw: -1.0,
        ..CostReward::default()
    });
    assert!(ramp.contains("reward.ramp_cost_per_mw"), "{ramp}");
    let scale = bad(CostReward {
        scale: 0.0,
        ..CostReward::default()
    });
    assert!(scale.contains("reward.scale"), "{scale}");
    let shape = bad(CostReward {
        energy_price: Some(Series::Daily {
            shape: gridpilot::model::DailyShape::Solar,
            peak_mw: 1.0,
            noise_pct: 0.0,
        }),
        ..CostReward::default()
    });
    assert!(shape.contains("energy_price"), "{shape}");
    let nan = bad(CostReward {
        energy_price: Some(Series::Values(vec![1.0, f64::NAN])),
        ..CostReward::default()
    });
    assert!(nan.contains("energy_price value 2"), "{nan}");
    let mut net = network("case14_classroom.ron");
    if let Some(Device::Generator(g)) = net
        .devices
        .iter_mut()
        .find(|d| matches!(d, Device::Generator(_)))
    {
        g.cost = Some(GenCost::PiecewiseLinear {
            startup: 0.0,
            shutdown: 0.0,
            points: vec![(10.0, 5.0), (5.0, 8.0)],
        });
    }
    let points = net.validate().listing();
    assert!(points.contains("go up in MW"), "{points}");
}

#[test]
fn episode_files_keep_the_costs_and_replay_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.episode");
    let mut env = feeder();
    let options = ResetOptions::default();
    env.reset(0, &options).unwrap();
    let header = EpisodeHeader::new(&env, "do-nothing", 0, &options);
    let mut writer = EpisodeWriter::create(&path, &header).unwrap();
    writer.write(&record(&env, None, Vec::new(), None)).unwrap();
    let mut costs = Vec::new();
    for k in 0..6 {
        let action = {
            let mut a = env.do_nothing_action();
            a[2] = 0.5 * k as f64 - 1.0;
            a
        };
        let result = env.step(&action);
        costs.push(result.info.reward_terms.costs);
        writer
            .write(&record(&env, Some(&result), action, None))
            .unwrap();
    }
    writer.finish().unwrap();
    let mut reader = EpisodeReader::open(&path).unwrap();
    let read: Vec<_> = reader
        .steps()
        .map(|s| s.unwrap().reward_terms.costs)
        .collect();
    assert_eq!(read[1..], costs[..]);
    assert!(read[1..].iter().all(|c| c.energy != 0.0));
    let replay = std::process::Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args(["replay", "--verify", path.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&replay.stdout);
    assert!(
        replay.status.success() && text.contains("verified"),
        "{text}"
    );
}
