//! Overload protection: sustained overloads trip on the configured step, hard overloads trip
//! at once, trips cascade within a step, tripped branches reclose after their cooldown, and
//! losing too much load ends the episode.

use gridpilot::io::network_from_ron;
use gridpilot::sim::{Environment, Event, ResetOptions, StepResult, ViolationKind};

/// A load fed by two parallel lines: `strong` and `weak` (rated 12 MVA), with protection.
fn network(load_mw: f64, strong_rating_mva: f64) -> Environment {
    let text = format!(
        r#"(
    name: "two_lines",
    base_mva: 100.0,
    buses: [(name: "grid", base_kv: 20.0), (name: "town", base_kv: 20.0)],
    branches: [
        (name: "strong", from_bus: "grid", to_bus: "town", r_pu: 0.01, x_pu: 0.05, rating_mva: {strong_rating_mva}),
        (name: "weak", from_bus: "grid", to_bus: "town", r_pu: 0.01, x_pu: 0.05, rating_mva: 12.0),
    ],
    devices: [
        ExternalGrid(name: "upstream", bus: "grid"),
        Load(name: "homes", bus: "town", p_mw: {load_mw}),
    ],
    scenario: (
        time_step_h: 1.0,
        steps_per_cycle: 24,
        protection: (overload_steps: 3, hard_limit_pct: 200.0, cooldown_steps: 10, max_lost_pct: 50.0),
    ),
)"#
    );
    let net = network_from_ron(&text).unwrap();
    Environment::new(net).unwrap()
}

fn run(env: &mut Environment, steps: usize) -> Vec<StepResult> {
    env.reset(0, &ResetOptions::default()).unwrap();
    let action = env.do_nothing_action();
    (0..steps).map(|_| env.step(&action)).collect()
}

fn tripped(r: &StepResult) -> Vec<&str> {
    r.info
        .events
        .iter()
        .filter_map(|e| match e {
            Event::BranchTripped { branch, .. } => Some(branch.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_sustained_overload_trips_on_the_third_step_and_recloses_after_the_cooldown() {
    let mut env = network(30.0, 35.0);
    let steps = run(&mut env, 14);
    // Each line carries about 15 MW: the weak one is overloaded from the first step.
    assert!(
        steps[0]
            .info
            .violations
            .iter()
            .any(|v| v.kind == ViolationKind::BranchOverload && v.element == "weak")
    );
    assert!(tripped(&steps[0]).is_empty() && tripped(&steps[1]).is_empty());
    assert_eq!(tripped(&steps[2]), ["weak"]);
    assert!(
        !steps[2].terminated,
        "the strong line carries the load alone"
    );
    let reclosed = |r: &StepResult| {
        r.info
            .events
            .iter()
            .any(|e| matches!(e, Event::BranchReclosed { branch } if branch == "weak"))
    };
    assert!(
        !steps[11]
            .info
            .events
            .iter()
            .any(|e| matches!(e, Event::BranchReclosed { .. }))
    );
    assert!(reclosed(&steps[12]), "10 steps after the trip");
}

#[test]
fn a_cascade_that_cuts_off_the_load_ends_the_episode() {
    let mut env = network(30.0, 20.0);
    let steps = run(&mut env, 6);
    assert_eq!(tripped(&steps[2]), ["weak"]);
    // The strong line now carries 30 MW against 20 MVA: its third overloaded step is step 5.
    assert!(tripped(&steps[3]).is_empty());
    assert_eq!(tripped(&steps[4]), ["strong"]);
    assert!(steps[4].terminated);
    assert!(
        steps[4]
            .info
            .events
            .iter()
            .any(|e| matches!(e, Event::GameOver { .. }))
    );
    assert!(
        steps[4]
            .info
            .violations
            .iter()
            .any(|v| v.kind == ViolationKind::LoadNotServed && v.element == "homes")
    );
}

#[test]
fn a_hard_overload_trips_at_once_and_cascades_within_the_step() {
    // 50 MW: the weak line starts at 208 % and trips on the first step; the strong one then
    // carries 50 MW against 24 MVA, also beyond 200 %, and trips in the same step.
    let mut env = network(50.0, 24.0);
    let steps = run(&mut env, 1);
    assert_eq!(tripped(&steps[0]), ["weak", "strong"]);
    assert!(steps[0].terminated);
}
