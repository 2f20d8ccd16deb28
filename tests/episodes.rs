//! Recorded episodes: exact round trips, byte-identical recordings, files written as the run
//! goes (and read back up to where a killed run stopped), verification of every recorded
//! field, and clear errors for damaged files.

use std::path::PathBuf;

use gridpilot::agent::Spaces;
use gridpilot::agent::rollout::{Rollout, VerifyError, verify};
use gridpilot::io::{
    EpisodeReader, EpisodeWriter, episode_from_bytes, episode_to_bytes, load_episode, load_network,
    save_episode,
};
use gridpilot::sim::episode::{Episode, EpisodeHeader, StepRecord};
use gridpilot::sim::{Environment, ResetOptions};

fn record(spec: &str, seed: u64, steps: usize) -> Episode {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("networks/anm6_easy.ron");
    let mut env = Environment::new(load_network(&path).unwrap()).unwrap();
    let do_nothing = env.do_nothing_action();
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &do_nothing,
    };
    let mut agent = gridpilot::io::agent_from_spec(spec, &spaces, seed).unwrap();
    let options = ResetOptions {
        start_time_index: Some(40),
        initial_soc_mwh: vec![("storage".into(), 30.0)],
    };
    let (mut rollout, first) = Rollout::start(&mut env, agent.as_mut(), seed, &options).unwrap();
    let mut episode = Episode::new(EpisodeHeader::new(&env, spec, seed, &options), first);
    for _ in 0..steps {
        let (result, step) = rollout.step(&mut env, agent.as_mut());
        episode.steps.push(step);
        if result.terminated {
            break;
        }
    }
    episode
}

fn check(episode: &Episode) -> Result<usize, VerifyError> {
    verify(&episode.header(), episode.steps.iter().cloned().map(Ok))
}

#[test]
fn an_episode_file_round_trips_exactly() {
    let episode = record("random", 11, 60);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.episode");
    save_episode(&episode, &path).unwrap();
    let loaded = load_episode(&path).unwrap();
    assert_eq!(loaded, episode);
    assert_eq!(loaded.steps.len(), 61);
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
fn a_file_written_step_by_step_is_the_same_as_one_written_whole() {
    let episode = record("random", 2, 150);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("streamed.episode");
    let mut writer = EpisodeWriter::create(&path, &episode.header()).unwrap();
    for step in &episode.steps {
        writer.write(step).unwrap();
    }
    writer.finish().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), episode_to_bytes(&episode));
    // Read back a step at a time, in any order.
    let mut reader = EpisodeReader::open(&path).unwrap();
    assert_eq!(reader.len(), 151);
    assert_eq!(reader.step(100).unwrap(), episode.steps[100]);
    assert_eq!(reader.step(3).unwrap(), episode.steps[3]);
    assert!(reader.cut_short.is_none());
}

#[test]
fn a_recording_cut_short_opens_up_to_its_last_whole_step() {
    let episode = record("random", 2, 40);
    let bytes = episode_to_bytes(&episode);
    // Without its end mark (12 bytes) and half of its last step.
    let last = bincode_len(&episode.steps[40]);
    let cut = &bytes[..bytes.len() - 12 - last / 2];
    let loaded = episode_from_bytes(cut).unwrap();
    assert_eq!(loaded.steps.len(), 40);
    assert_eq!(loaded.steps[..], episode.steps[..40]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.episode");
    std::fs::write(&path, cut).unwrap();
    let reader = EpisodeReader::open(&path).unwrap();
    let why = reader.cut_short.clone().expect("cut short");
    assert!(
        why.contains("cut short inside a step: 40 whole steps"),
        "{why}"
    );
}

/// The size of a step in the file.
fn bincode_len(step: &StepRecord) -> usize {
    postcard::to_stdvec(step).unwrap().len() + 4
}

#[test]
fn verification_accepts_a_faithful_recording() {
    assert_eq!(check(&record("random", 5, 100)), Ok(101));
}

#[test]
fn verification_reports_the_first_divergence() {
    let mut episode = record("do-nothing", 0, 30);
    episode.steps[17].bus_vm_pu[3] += 1e-12;
    episode.steps[20].reward = 0.0;
    match check(&episode) {
        Err(VerifyError::Diverged(d)) => {
            assert_eq!((d.step, d.what.as_str()), (17, "bus voltage magnitudes"));
        }
        other => panic!("expected a divergence at step 17, got {other:?}"),
    }
}

/// Every field of a record, altered in turn, is caught: the verification compares them all.
#[test]
fn verification_catches_a_change_to_any_recorded_field() {
    let episode = record("random", 7, 12);
    let original = serde_json::to_value(&episode.steps[5]).unwrap();
    let fields: Vec<String> = original.as_object().unwrap().keys().cloned().collect();
    assert_eq!(fields.len(), 21, "{fields:?}");
    let steps = serde_json::to_value(&episode.steps).unwrap();
    // Who acted is testimony: nothing a re-simulation can check.
    for field in fields.into_iter().filter(|f| f != "agent") {
        let mut altered = original.clone();
        altered[&field] = match &original[&field] {
            // An empty list gets an element of its kind from another step, or a made-up one.
            serde_json::Value::Array(items) if items.is_empty() => {
                let made_up = match field.as_str() {
                    "events" => serde_json::json!({"branch_reclosed": {"branch": "bus1-bus2"}}),
                    _ => {
                        serde_json::json!({"component": "pv.p_mw", "requested": 1.0, "applied": 0.5})
                    }
                };
                let example = steps
                    .as_array()
                    .unwrap()
                    .iter()
                    .find_map(|s| s[&field].as_array().and_then(|a| a.first()).cloned())
                    .unwrap_or(made_up);
                serde_json::json!([example])
            }
            value => alter(value),
        };
        let Ok(step) = serde_json::from_value::<StepRecord>(altered) else {
            panic!("{field}: the altered record does not deserialise");
        };
        let mut changed = episode.clone();
        changed.steps[5] = step;
        match check(&changed) {
            Err(VerifyError::Diverged(d)) => assert_eq!(d.step, 5, "{field}"),
            other => panic!("{field}: a change went unnoticed: {other:?}"),
        }
    }
}

/// A different value of the same shape.
fn alter(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    match value {
        Value::Bool(b) => json!(!b),
        Value::Number(n) if n.is_u64() => json!(n.as_u64().unwrap() + 1),
        Value::Number(n) => json!(n.as_f64().unwrap() + 0.5),
        Value::Array(items) => {
            let mut items = items.clone();
            items.pop();
            Value::Array(items)
        }
        Value::Object(map) => {
            let mut map = map.clone();
            if let Some((_, number)) = map.iter_mut().find(|(_, v)| v.is_number()) {
                *number = alter(number);
            }
            Value::Object(map)
        }
        Value::Null => json!("someone else"),
        Value::String(s) => json!(format!("{s}!")),
    }
}

#[test]
fn damaged_episode_files_are_refused_with_a_reason() {
    let bytes = episode_to_bytes(&record("do-nothing", 0, 10));
    let message = |b: &[u8]| episode_from_bytes(b).expect_err("must be refused");
    assert!(message(b"hello").contains("not a GridPilot episode file"));
    assert!(message(&bytes[..25]).contains("ends in its header"));
    assert!(message(&bytes[..bytes.len() / 3]).contains("ends inside its network"));
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"extra");
    assert!(message(&trailing).contains("bytes follow the end of the recording"));
    let mut wrong_count = bytes.clone();
    let at = wrong_count.len() - 8;
    wrong_count[at] ^= 1;
    assert!(message(&wrong_count).contains("the end mark counts"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.episode");
    std::fs::write(&path, [0u8, 159, 146, 150]).unwrap();
    let err = load_episode(&path).unwrap_err().to_string();
    assert!(
        err.contains("bad.episode") && err.contains("not a GridPilot episode file"),
        "{err}"
    );
}
