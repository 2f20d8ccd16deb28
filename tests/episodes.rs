//! Recorded episodes: exact round trips, byte-identical recordings, verification that finds
//! the first divergence, and clear errors for damaged files.

use std::path::{Path, PathBuf};

use gridpilot::agent::{self, Spaces};
use gridpilot::io::{
    episode_from_bytes, episode_to_bytes, load_episode, load_network, save_episode,
};
use gridpilot::sim::episode::{Episode, VerifyError, verify};
use gridpilot::sim::{Environment, ResetOptions};

fn record(spec: &str, seed: u64, steps: usize) -> Episode {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("networks/anm6_easy.ron");
    let mut env = Environment::new(load_network(&path).unwrap(), Path::new(".")).unwrap();
    let do_nothing = env.do_nothing_action();
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &do_nothing,
    };
    let mut agent = agent::from_spec(spec, &spaces, seed).unwrap();
    let options = ResetOptions {
        start_time_index: Some(40),
        initial_soc_mwh: vec![("storage".into(), 30.0)],
    };
    let mut obs = env.reset(seed, &options).unwrap();
    let mut episode = Episode::start(&env, spec, seed, &options);
    for _ in 0..steps {
        let action = agent.act(&obs);
        let result = env.step(&action);
        episode.push(&env, &action, &result);
        if result.terminated {
            break;
        }
        obs = result.observation;
    }
    episode
}

#[test]
fn an_episode_file_round_trips_exactly() {
    let episode = record("random", 11, 60);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.episode");
    save_episode(&episode, &path).unwrap();
    let loaded = load_episode(&path).unwrap();
    assert_eq!(loaded, episode);
    assert_eq!(loaded.steps.len(), episode.steps.len());
    assert_eq!(loaded.steps[0].time_index, 40);
}

#[test]
fn the_same_seed_and_actions_give_byte_identical_files() {
    let a = episode_to_bytes(&record("random", 3, 80));
    let b = episode_to_bytes(&record("random", 3, 80));
    assert_eq!(a, b);
    assert_ne!(a, episode_to_bytes(&record("random", 4, 80)));
}

#[test]
fn verification_accepts_a_faithful_recording() {
    assert_eq!(verify(&record("random", 5, 100)), Ok(()));
}

#[test]
fn verification_reports_the_first_divergence() {
    let mut episode = record("do-nothing", 0, 30);
    episode.steps[17].bus_vm_pu[3] += 1e-12;
    episode.steps[20].reward = 0.0;
    match verify(&episode) {
        Err(VerifyError::Diverged(d)) => {
            assert_eq!((d.step, d.what.as_str()), (17, "bus voltage magnitudes"));
        }
        other => panic!("expected a divergence at step 17, got {other:?}"),
    }
}

#[test]
fn damaged_episode_files_are_refused_with_a_reason() {
    let bytes = episode_to_bytes(&record("do-nothing", 0, 10));
    let message = |b: &[u8]| episode_from_bytes(b).expect_err("must be refused");
    assert!(message(b"hello").contains("not a GridPilot episode file"));
    assert!(
        message(&bytes[..25]).contains("ends in its header")
            || message(&bytes[..25]).contains("ends inside")
    );
    assert!(message(&bytes[..bytes.len() / 2]).contains("ends inside its network"));
    assert!(message(&bytes[..bytes.len() - 10]).contains("corrupt steps"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.episode");
    std::fs::write(&path, [0u8, 159, 146, 150]).unwrap();
    let err = load_episode(&path).unwrap_err().to_string();
    assert!(
        err.contains("bad.episode") && err.contains("not a GridPilot episode file"),
        "{err}"
    );
}
