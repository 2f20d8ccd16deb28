//! Agents that learn: ARS training that is reproducible and improves on doing nothing,
//! behaviour cloning that recovers a known policy, the evaluation protocol, and the
//! `train`, `fit` and `evaluate` commands as a user calls them.

use std::path::Path;
use std::process::{Command, Output};

use gridpilot::agent::rollout::Rollout;
use gridpilot::agent::{LinearPolicy, LinearPolicyAgent, Spaces};
use gridpilot::io::{EpisodeReader, EpisodeWriter, linear_policy_to_ron, load_network};
use gridpilot::learn::evaluate::{self, EvaluationSettings};
use gridpilot::learn::{Ars, ArsSettings, PolicyShape, episode_samples, fit};
use gridpilot::model::Network;
use gridpilot::sim::episode::EpisodeHeader;
use gridpilot::sim::{Environment, ResetOptions};

const ANM6: &str = "networks/anm6_easy.ron";

fn anm6() -> Network {
    load_network(&Path::new(env!("CARGO_MANIFEST_DIR")).join(ANM6)).unwrap()
}

fn gridpilot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn small(seed: u64, threads: usize) -> ArsSettings {
    ArsSettings {
        iterations: 4,
        directions: 4,
        top_directions: 2,
        episode_steps: 24,
        seed,
        threads,
        ..ArsSettings::default()
    }
}

/// The best policy after training, as the file `gridpilot train` would write.
fn trained(settings: ArsSettings) -> String {
    let mut ars = Ars::new(&anm6(), settings).unwrap();
    while !ars.finished() {
        ars.iterate().unwrap();
    }
    linear_policy_to_ron(ars.best_policy().0, "")
}

#[test]
fn the_same_seed_gives_the_same_policy_on_any_number_of_threads() {
    let one = trained(small(7, 1));
    assert_eq!(one, trained(small(7, 2)));
    assert_eq!(one, trained(small(7, 3)));
    assert_ne!(
        one,
        trained(small(8, 2)),
        "another seed trains another policy"
    );
}

#[test]
fn training_finds_a_policy_far_better_than_doing_nothing() {
    let settings = ArsSettings {
        iterations: 40,
        directions: 8,
        top_directions: 4,
        episode_steps: 96,
        threads: 2,
        ..ArsSettings::default()
    };
    let mut ars = Ars::new(&anm6(), settings).unwrap();
    let idle = ars.best_policy().1;
    let mut curve = Vec::new();
    while !ars.finished() {
        curve.push(ars.iterate().unwrap());
    }
    let best = ars.best_policy().1;
    // Doing nothing overloads the lines from the wind farm every night.
    assert!(idle < -100.0, "do-nothing return {idle}");
    assert!(best > idle / 2.0, "best {best} against do-nothing {idle}");
    assert_eq!(curve.last().unwrap().best_return, best);
    assert!(
        curve
            .windows(2)
            .all(|w| w[1].best_return >= w[0].best_return)
    );
    assert!(curve.windows(2).all(|w| w[1].seconds >= w[0].seconds));
}

#[test]
fn settings_that_cannot_train_are_refused_with_the_reason() {
    let net = anm6();
    let bad = |s: ArsSettings| Ars::new(&net, s).err().unwrap().to_string();
    let top = bad(ArsSettings {
        top_directions: 9,
        directions: 8,
        ..small(0, 1)
    });
    assert!(top.contains("top directions"), "{top}");
    let noise = bad(ArsSettings {
        noise: f64::NAN,
        ..small(0, 1)
    });
    assert!(noise.contains("noise"), "{noise}");
    let name = bad(ArsSettings {
        observation: Some(vec!["bus9.vm_pu".into()]),
        ..small(0, 1)
    });
    assert!(name.contains("'bus9.vm_pu'"), "{name}");
}

/// A policy on four observations whose actions stay inside their bounds.
fn known_policy() -> LinearPolicy {
    LinearPolicy {
        observation: [
            "load_ind.p_mw",
            "wind.available_mw",
            "pv.available_mw",
            "storage.soc_mwh",
        ]
        .map(String::from)
        .to_vec(),
        action: ["storage.p_mw", "pv.q_mvar"].map(String::from).to_vec(),
        weights: vec![vec![0.3, -0.2, 0.05, 0.01], vec![0.1, 0.02, -0.15, -0.03]],
        bias: vec![1.0, 2.0],
        obs_mean: None,
        obs_std: None,
    }
}

/// Records `steps` steps of `policy` on ANM6-Easy into `path`.
fn record(policy: LinearPolicy, steps: usize, path: &Path) {
    let mut env = Environment::new(anm6()).unwrap();
    let do_nothing = env.do_nothing_action();
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &do_nothing,
    };
    let mut agent = LinearPolicyAgent::new(policy, &spaces, path).unwrap();
    let options = ResetOptions::default();
    let (mut rollout, first) = Rollout::start(&mut env, &mut agent, 3, &options).unwrap();
    let header = EpisodeHeader::new(&env, "linear:known.ron", 3, &options);
    let mut writer = EpisodeWriter::create(path, &header).unwrap();
    writer.write(&first).unwrap();
    for _ in 0..steps {
        writer.write(&rollout.step(&mut env, &mut agent).1).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn fitting_an_episode_of_a_linear_policy_recovers_its_weights() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("known.episode");
    let known = known_policy();
    record(known.clone(), 300, &path);
    let mut reader = EpisodeReader::open(&path).unwrap();
    let header = reader.header.clone();
    let env = Environment::new(header.network.clone()).unwrap();
    let shape = PolicyShape::new(
        env.observation_space(),
        env.action_space(),
        &env.do_nothing_action(),
        Some(&known.observation),
        Some(&known.action),
    )
    .unwrap();
    let steps = reader.steps().map(|s| s.map_err(|e| e.to_string()));
    let samples = episode_samples(&header, steps, &shape).unwrap();
    assert_eq!(samples.count(), 300);
    let fitted = fit(&samples, &shape, 0.0).unwrap();
    // The fitted policy normalises its observations: back in raw units it is the known one.
    let p = &fitted.policy;
    let (mean, std) = (p.obs_mean.as_ref().unwrap(), p.obs_std.as_ref().unwrap());
    for (r, row) in known.weights.iter().enumerate() {
        let raw: Vec<f64> = (0..4).map(|c| p.weights[r][c] / std[c]).collect();
        let bias = p.bias[r] - (0..4).map(|c| raw[c] * mean[c]).sum::<f64>();
        for (got, want) in raw.iter().zip(row) {
            assert!(
                (got - want).abs() < 1e-9,
                "action {r}: {raw:?} against {row:?}"
            );
        }
        assert!((bias - known.bias[r]).abs() < 1e-7, "bias {bias}");
        let r2 = fitted.r_squared[r].unwrap();
        assert!((r2 - 1.0).abs() < 1e-9, "R² {r2}");
    }
}

#[test]
fn fit_on_the_command_line_writes_a_policy_that_replays_the_actions() {
    let dir = tempfile::tempdir().unwrap();
    let episode = dir.path().join("known.episode");
    record(known_policy(), 200, &episode);
    let out = dir.path().join("cloned.ron");
    let run = gridpilot(&[
        "fit",
        "--episode",
        episode.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--observation",
        "load_ind.p_mw,wind.available_mw,pv.available_mw,storage.soc_mwh",
        "--action",
        "storage.p_mw,pv.q_mvar",
        "--ridge",
        "0",
    ]);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(text.contains("to 200 steps"), "{text}");
    assert!(
        text.contains("storage.p_mw") && text.contains("1.0000"),
        "{text}"
    );
    // Running the cloned policy from the same start gives the recorded actions again.
    let clone = record_of(&out, dir.path());
    let original = EpisodeReader::open(&episode).unwrap().read_all().unwrap();
    for (a, b) in original.steps.iter().zip(&clone.steps).skip(1).take(50) {
        for (x, y) in a.requested_action.iter().zip(&b.requested_action) {
            assert!((x - y).abs() < 1e-6, "{x} against {y}");
        }
    }
}

/// The recording of `gridpilot run` with the policy at `policy`, started as [`record`] starts.
fn record_of(policy: &Path, dir: &Path) -> gridpilot::sim::episode::Episode {
    let out = dir.join("replayed.episode");
    let agent = format!("linear:{}", policy.display());
    let run = gridpilot(&[
        "run",
        "--network",
        ANM6,
        "--agent",
        &agent,
        "--seed",
        "3",
        "--steps",
        "60",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    EpisodeReader::open(&out).unwrap().read_all().unwrap()
}

#[test]
fn fit_refuses_collinear_observations_without_a_ridge() {
    let dir = tempfile::tempdir().unwrap();
    let episode = dir.path().join("known.episode");
    record(known_policy(), 50, &episode);
    let out = dir.path().join("cloned.ron");
    let args = [
        "fit",
        "--episode",
        episode.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ridge",
        "0",
    ];
    let run = gridpilot(&args);
    let text = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text.contains("known.episode") && text.contains("collinear"),
        "{text}"
    );
    assert!(!out.exists());
}

#[test]
fn every_agent_is_evaluated_from_the_same_starts() {
    let settings = EvaluationSettings {
        episodes: 3,
        steps: 50,
        seed: 11,
        start_time_index: None,
    };
    let starts = evaluate::starts(&settings, 96);
    assert_eq!(starts, evaluate::starts(&settings, 96));
    assert!(starts.iter().any(|s| s.time_index != starts[0].time_index));
    let fixed = EvaluationSettings {
        start_time_index: Some(40),
        ..settings
    };
    assert!(
        evaluate::starts(&fixed, 96)
            .iter()
            .all(|s| s.time_index == 40)
    );
}

#[test]
fn evaluate_reports_what_run_reports_for_the_same_episode() {
    let eval = gridpilot(&[
        "evaluate",
        "--network",
        ANM6,
        "--agent",
        "do-nothing",
        "--agent",
        "random",
        "--steps",
        "200",
        "--start-step",
        "30",
        "--seed",
        "4",
        "--json",
    ]);
    assert!(
        eval.status.success(),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    let agents = report["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 2);
    let idle = &agents[0];
    assert_eq!(idle["agent"], "do-nothing");
    let episode = &idle["episodes"][0];
    let seed = episode["start"]["seed"].as_u64().unwrap().to_string();
    let run = gridpilot(&[
        "run",
        "--network",
        ANM6,
        "--steps",
        "200",
        "--start-step",
        "30",
        "--seed",
        &seed,
    ]);
    let summary = String::from_utf8_lossy(&run.stdout);
    let discounted = idle["discounted_return"]["mean"].as_f64().unwrap();
    let total = idle["total_return"]["mean"].as_f64().unwrap();
    assert!(
        summary.contains(&format!("return {total:.4} (discounted {discounted:.4})")),
        "{summary} against {total} and {discounted}"
    );
    // Doing nothing never curtails or stores, and overloads branches at night.
    assert_eq!(idle["energy_curtailed_mwh"], 0.0);
    assert_eq!(idle["energy_stored_mwh"], 0.0);
    assert!(idle["energy_lost_mwh"].as_f64().unwrap() > 0.0);
    assert!(idle["violations"]["branch overload"].as_u64().unwrap() > 0);
    assert_eq!(agents[1]["agent"], "random");
}

#[test]
fn train_writes_its_best_policy_and_stops_cleanly_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("policy.ron");
    let child = Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args([
            "train",
            "--network",
            ANM6,
            "--iterations",
            "1000000",
            "--json",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    // SAFETY: sends SIGINT to the child we started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let curve: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = curve.last().expect("some iterations ran before Ctrl+C");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("// Trained by `gridpilot train`"),
        "{text}"
    );
    let best = format!(
        "Best mean return {:.6}",
        last["best_return"].as_f64().unwrap()
    );
    assert!(text.contains(&best), "{text}");
    // The file is a policy `linear:` loads.
    let run = gridpilot(&[
        "run",
        "--network",
        ANM6,
        "--steps",
        "5",
        "--agent",
        &format!("linear:{}", out.display()),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn train_refuses_bad_settings_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.ron");
    let out = out.to_str().unwrap();
    for (args, expect) in [
        (vec!["--top", "40"], "top directions"),
        (vec!["--step-size", "-1"], "step size"),
        (vec!["--observation", "nothing.vm_pu"], "'nothing.vm_pu'"),
    ] {
        let mut all = vec!["train", "--network", ANM6, "--out", out];
        all.extend(args);
        let run = gridpilot(&all);
        let text = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{text}");
        assert!(text.contains(expect) && text.lines().count() == 1, "{text}");
        assert!(!Path::new(out).exists());
    }
}
