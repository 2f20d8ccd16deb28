//! Going back to any step: the environment put back at step k and stepped on with the actions
//! that were recorded gives the recording again, bit for bit — with noisy profiles, storage and
//! protection counters, and after the saved states have thinned out.

use std::path::Path;

use gridpilot::agent::rollout::Rollout;
use gridpilot::agent::{Agent, DoNothing, RandomAgent};
use gridpilot::io::{load_network, read_series};
use gridpilot::model::{Network, Protection};
use gridpilot::sim::episode::{StepRecord, first_difference, record};
use gridpilot::sim::timeline::{MOST_SAVED, Timeline};
use gridpilot::sim::{Environment, ResetOptions};

fn network(file: &str) -> Network {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("networks")
        .join(file);
    read_series(load_network(&path).unwrap(), path.parent().unwrap()).unwrap()
}

/// A run of `steps` steps by `agent`, recorded, with its timeline.
fn run(
    net: Network,
    steps: usize,
    seed: u64,
    agent: impl Fn(&Environment) -> Box<dyn Agent>,
) -> (Environment, Timeline, Vec<StepRecord>) {
    let mut env = Environment::new(net).unwrap();
    let mut agent = agent(&env);
    let agent = agent.as_mut();
    let options = ResetOptions::default();
    let (mut rollout, first) = Rollout::start(&mut env, agent, seed, &options).unwrap();
    let mut timeline = Timeline::new(&env);
    let mut records = vec![first];
    for _ in 0..steps {
        let (result, step) = rollout.step(&mut env, agent);
        timeline.record(&env, &step.requested_action);
        records.push(step);
        if result.terminated || result.truncated {
            break;
        }
    }
    (env, timeline, records)
}

/// Rewinds to `k` and steps on with the recorded actions, comparing every step.
fn replays_from(env: &mut Environment, timeline: &mut Timeline, records: &[StepRecord], k: usize) {
    timeline.rewind(env, k).unwrap();
    assert_eq!(env.steps_taken(), k);
    let again = record(env, None, Vec::new(), None);
    // Step 0's record (no step result) is compared only where it is step 0.
    if k == 0 {
        assert_eq!(first_difference(&records[0], &again), None);
    }
    assert_eq!(again.bus_vm_pu, records[k].bus_vm_pu, "state at {k}");
    assert_eq!(again.soc_mwh, records[k].soc_mwh, "state at {k}");
    assert_eq!(
        again.applied_action, records[k].applied_action,
        "setpoints, taps and switches at {k}"
    );
    for recorded in &records[k + 1..] {
        let result = env.step(&recorded.requested_action);
        timeline.record(env, &recorded.requested_action);
        let stepped = record(env, Some(&result), recorded.requested_action.clone(), None);
        assert_eq!(
            first_difference(recorded, &stepped),
            None,
            "from {k}, at step {}",
            recorded.step
        );
    }
}

#[test]
fn anm6_with_protection_replays_from_any_step() {
    let mut net = network("anm6_easy.ron");
    let scenario = net.scenario.as_mut().unwrap();
    // Overloaded branches trip and reclose over and over, and the grid is never declared lost,
    // so the episode runs on with the protection counters in play.
    scenario.protection = Some(Protection {
        hard_limit_pct: 1000.0,
        max_lost_pct: 100.0,
        ..Protection::default()
    });
    scenario.episode_steps = Some(400);
    let do_nothing = |env: &Environment| -> Box<dyn Agent> {
        Box::new(DoNothing::new(&env.do_nothing_action()))
    };
    let (mut env, mut timeline, records) = run(net, 400, 7, do_nothing);
    let last = records.len() - 1;
    assert!(
        last > 2 * MOST_SAVED,
        "long enough to thin the saved states: {last}"
    );
    let trips = records
        .iter()
        .flat_map(|r| &r.events)
        .filter(|e| format!("{e:?}").contains("Tripped"))
        .count();
    assert!(trips > 0, "protection acted, so its counters matter");
    for k in [last, last - 1, 150, 129, 64, 63, 1, 0] {
        replays_from(&mut env, &mut timeline, &records, k);
    }
}

#[test]
fn a_feeder_with_noisy_profiles_replays_from_any_step() {
    let random =
        |env: &Environment| -> Box<dyn Agent> { Box::new(RandomAgent::new(env.action_space(), 3)) };
    let (mut env, mut timeline, records) = run(network("case33bw_feeder.ron"), 96, 3, random);
    for k in [95, 50, 13, 0] {
        replays_from(&mut env, &mut timeline, &records, k);
    }
}

#[test]
fn a_step_outside_the_episode_is_refused() {
    let (mut env, mut timeline, records) =
        run(network("three_bus_feeder.ron").runnable(), 5, 1, |env| {
            Box::new(DoNothing::new(&env.do_nothing_action()))
        });
    let err = timeline.rewind(&mut env, records.len()).unwrap_err();
    assert!(err.contains("is not in this episode"), "{err}");
    assert_eq!(env.steps_taken(), records.len() - 1, "nothing moved");
}

#[test]
fn a_recorded_step_rebuilds_the_network_that_solves_to_it() {
    let random =
        |env: &Environment| -> Box<dyn Agent> { Box::new(RandomAgent::new(env.action_space(), 5)) };
    let net = network("case33bw_feeder.ron");
    let (env, _, records) = run(net, 40, 5, random);
    let initial = env.initial_network();
    let settings = &initial.scenario.as_ref().unwrap().power_flow;
    let options = gridpilot::powerflow::SolveOptions {
        tolerance_pu: settings.tolerance_pu,
        max_iterations: settings.max_iterations,
        enforce_q_limits: false,
        dc_fallback: settings.dc_fallback,
    };
    for record in records.iter().filter(|r| r.converged) {
        let rebuilt = gridpilot::sim::episode::network_at(initial, record);
        let mut pf = gridpilot::powerflow::PowerFlow::new(&rebuilt).unwrap();
        let solved = pf.solve(&rebuilt, &options).unwrap();
        for (b, vm) in solved.buses.iter().zip(&record.bus_vm_pu) {
            assert!(
                (b.vm_pu - vm).abs() < 1e-9,
                "step {}: {} vs {vm}",
                record.step,
                b.vm_pu
            );
        }
    }
}

#[test]
fn tap_positions_a_random_agent_moved_come_back() {
    let random =
        |env: &Environment| -> Box<dyn Agent> { Box::new(RandomAgent::new(env.action_space(), 5)) };
    let net = network("three_bus_feeder.ron").runnable();
    let (mut env, mut timeline, records) = run(net, 24, 5, random);
    let tap = env
        .action_space()
        .iter()
        .position(|c| c.name == "transformer.tap")
        .expect("the transformer's tap is an action");
    let taps: Vec<f64> = records[1..]
        .iter()
        .map(|r| r.requested_action[tap])
        .collect();
    assert!(
        taps.windows(2).any(|w| w[0] != w[1]),
        "the tap moved: {taps:?}"
    );
    for k in [records.len() - 2, 12, 3, 0] {
        replays_from(&mut env, &mut timeline, &records, k);
    }
}
