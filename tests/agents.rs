//! Agents: each kind acts as described, bad files get clear messages, and episodes are
//! reproducible bit for bit.

use std::path::PathBuf;

use gridpilot::agent::{Agent, AgentError, Spaces};
use gridpilot::io::load_network;
use gridpilot::sim::{Environment, ResetOptions, position};

fn anm6() -> Environment {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("networks/anm6_easy.ron");
    Environment::new(load_network(&path).unwrap()).unwrap()
}

fn build(env: &Environment, spec: &str, seed: u64) -> Result<Box<dyn Agent>, AgentError> {
    let do_nothing = env.do_nothing_action();
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &do_nothing,
    };
    gridpilot::io::agent_from_spec(spec, &spaces, seed)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn error(env: &Environment, spec: &str) -> String {
    match build(env, spec, 0) {
        Ok(_) => panic!("{spec} should be refused"),
        Err(e) => e.to_string(),
    }
}

const POLICY: &str = r#"LinearPolicy(
    observation: ["bus3.vm_pu", "storage.soc_mwh"],
    action: ["storage.p_mw", "storage.q_mvar"],
    weights: [[0.0, -0.5], [1000.0, 0.0]],
    bias: [10.0, -1000.0],
    obs_mean: None, obs_std: None,
)"#;

#[test]
fn linear_policy_computes_and_clips_its_actions() {
    let mut env = anm6();
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "policy.ron", POLICY);
    let mut agent = build(&env, &format!("linear:{file}"), 0).unwrap();
    let options = ResetOptions {
        initial_soc_mwh: vec![("storage".into(), 40.0)],
        ..Default::default()
    };
    let obs = env.reset(0, &options).unwrap();
    let action = agent.act(&obs);
    let space = env.action_space();
    let vm = obs[position(env.observation_space(), "bus3.vm_pu").unwrap()];
    // storage.p_mw = 10 − 0.5·40; storage.q_mvar = 1000·vm − 1000, clipped to [−50, 50].
    assert_eq!(action[position(space, "storage.p_mw").unwrap()], -10.0);
    let q = action[position(space, "storage.q_mvar").unwrap()];
    assert_eq!(q, (1000.0 * vm - 1000.0).clamp(-50.0, 50.0));
    // Components the policy does not name keep their do-nothing values.
    assert_eq!(action[position(space, "pv.p_mw").unwrap()], 30.0);
}

#[test]
fn linear_policy_errors_name_the_problem() {
    let env = anm6();
    let dir = tempfile::tempdir().unwrap();
    let unknown = write(
        &dir,
        "unknown.ron",
        &POLICY.replace("bus3.vm_pu", "bus9.vm_pu"),
    );
    assert!(
        error(&env, &format!("linear:{unknown}"))
            .contains("unknown observation component 'bus9.vm_pu'")
    );
    let shape = write(
        &dir,
        "shape.ron",
        &POLICY.replace("[1000.0, 0.0]", "[1000.0]"),
    );
    assert!(
        error(&env, &format!("linear:{shape}"))
            .contains("weights row 2 has 1 columns but 2 observations")
    );
    let bias = write(
        &dir,
        "bias.ron",
        &POLICY.replace("bias: [10.0, -1000.0]", "bias: [10.0]"),
    );
    assert!(error(&env, &format!("linear:{bias}")).contains("bias has 1 values but 2 actions"));
    let syntax = write(&dir, "syntax.ron", "LinearPolicy(observation: [");
    let message = error(&env, &format!("linear:{syntax}"));
    assert!(
        message.contains("syntax.ron") && message.contains("line 1"),
        "{message}"
    );
    let message = error(&env, "linear:/no/such/policy.ron");
    assert!(message.contains("/no/such/policy.ron"), "{message}");
}

#[test]
fn schedule_plays_its_rows_then_does_nothing() {
    let mut env = anm6();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "actions.csv",
        "storage.p_mw,pv.q_mvar\n-20,5\n30,-5\n",
    );
    let mut agent = build(&env, &format!("schedule:{file}"), 0).unwrap();
    let obs = env.reset(0, &ResetOptions::default()).unwrap();
    let space = env.action_space().to_vec();
    let at = |a: &[f64], name: &str| a[position(&space, name).unwrap()];
    let first = agent.act(&obs);
    assert_eq!(
        (
            at(&first, "storage.p_mw"),
            at(&first, "pv.q_mvar"),
            at(&first, "wind.p_mw")
        ),
        (-20.0, 5.0, 50.0)
    );
    let second = agent.act(&obs);
    assert_eq!(
        (at(&second, "storage.p_mw"), at(&second, "pv.q_mvar")),
        (30.0, -5.0)
    );
    assert_eq!(agent.act(&obs), env.do_nothing_action());
    agent.reset();
    assert_eq!(agent.act(&obs), first);
}

#[test]
fn schedule_errors_name_the_line_or_column() {
    let env = anm6();
    let dir = tempfile::tempdir().unwrap();
    let unknown = write(&dir, "unknown.csv", "storage.p_mw,heater.p_mw\n1,2\n");
    assert!(
        error(&env, &format!("schedule:{unknown}"))
            .contains("unknown action component 'heater.p_mw'")
    );
    let cell = write(&dir, "cell.csv", "storage.p_mw\n1\nlots\n");
    let message = error(&env, &format!("schedule:{cell}"));
    assert!(
        message.contains("cell.csv:3") && message.contains("'lots' is not a finite number"),
        "{message}"
    );
    let ragged = write(&dir, "ragged.csv", "storage.p_mw,pv.q_mvar\n1\n");
    assert!(
        error(&env, &format!("schedule:{ragged}"))
            .contains("ragged.csv:2: 1 cells where the header has 2")
    );
}

#[test]
fn unknown_agent_kind_is_refused() {
    let env = anm6();
    assert!(matches!(
        build(&env, "clever", 0),
        Err(AgentError::UnknownKind(_))
    ));
    assert!(matches!(
        build(&env, "onnx:model.onnx", 0),
        Err(AgentError::UnknownKind(_))
    ));
}

#[test]
fn nan_and_out_of_box_actions_are_clipped_and_reported() {
    let mut env = anm6();
    env.reset(0, &ResetOptions::default()).unwrap();
    let mut action = env.do_nothing_action();
    let storage = position(env.action_space(), "storage.p_mw").unwrap();
    let pv_q = position(env.action_space(), "pv.q_mvar").unwrap();
    action[storage] = f64::NAN;
    action[pv_q] = 1e9;
    let result = env.step(&action);
    let clipped = &result.info.clipped;
    assert_eq!(clipped.len(), 2);
    assert_eq!(
        (clipped[0].component.as_str(), clipped[0].applied),
        ("pv.q_mvar", 30.0)
    );
    assert_eq!(
        (clipped[1].component.as_str(), clipped[1].applied),
        ("storage.p_mw", 0.0)
    );
    assert!(result.reward.is_finite());
}

/// Runs `steps` steps and returns every observation and reward, as bits.
fn trajectory(spec: &str, seed: u64, steps: usize) -> Vec<u64> {
    let mut env = anm6();
    let mut agent = build(&env, spec, seed).unwrap();
    let mut obs = env.reset(seed, &ResetOptions::default()).unwrap();
    let mut bits = Vec::new();
    for _ in 0..steps {
        let r = env.step(&agent.act(&obs));
        bits.extend(r.observation.iter().map(|x| x.to_bits()));
        bits.push(r.reward.to_bits());
        obs = r.observation;
    }
    bits
}

#[test]
fn random_episodes_repeat_bit_for_bit() {
    assert_eq!(trajectory("random", 7, 150), trajectory("random", 7, 150));
    assert_ne!(trajectory("random", 7, 150), trajectory("random", 8, 150));
}

#[test]
fn names_given_twice_and_missing_files_are_refused() {
    let env = anm6();
    let dir = tempfile::tempdir().unwrap();
    let twice = write(&dir, "twice.csv", "storage.p_mw,storage.p_mw\n1,2\n");
    let message = error(&env, &format!("schedule:{twice}"));
    assert!(
        message.contains("'storage.p_mw' is named twice"),
        "{message}"
    );
    let policy = POLICY.replace(
        r#""storage.p_mw", "storage.q_mvar""#,
        r#""storage.p_mw", "storage.p_mw""#,
    );
    let twice = write(&dir, "twice.ron", &policy);
    let message = error(&env, &format!("linear:{twice}"));
    assert!(
        message.contains("action component 'storage.p_mw' is named twice"),
        "{message}"
    );
    assert_eq!(
        error(&env, "linear:"),
        "the linear agent needs a file: linear:FILE"
    );
    assert_eq!(
        error(&env, "schedule:"),
        "the schedule agent needs a file: schedule:FILE"
    );
}

#[test]
fn a_random_agent_copes_with_bounds_too_wide_to_subtract() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("networks/anm6_easy.ron");
    let text = std::fs::read_to_string(path)
        .unwrap()
        // The battery's active power range, to ±1e308: its width overflows.
        .replacen(
            "p_min_mw: -50.0,\n                p_max_mw: 50.0",
            "p_min_mw: -1e308,\n                p_max_mw: 1e308",
            1,
        );
    assert!(text.contains("p_max_mw: 1e308"));
    let net = gridpilot::io::network_from_ron(&text).unwrap();
    let mut env = Environment::new(net).unwrap();
    let mut agent = build(&env, "random", 3).unwrap();
    let obs = env.reset(0, &ResetOptions::default()).unwrap();
    for _ in 0..20 {
        let action = agent.act(&obs);
        assert!(action.iter().all(|a| a.is_finite()), "{action:?}");
        let space = env.action_space();
        assert!(
            action
                .iter()
                .zip(space)
                .all(|(a, c)| *a >= c.low && *a <= c.high)
        );
        env.step(&action);
    }
}
