//! The app's episode history: a live run is recorded to disk as it plays, its memory stays
//! bounded, any step reads back exactly, and what the panels read (summaries, violations, who
//! acted) agrees with the records.
#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use gridpilot::app::{AgentChoice, DEFAULT_NETWORK, History, RunCommand, Session};
use gridpilot::io::{EpisodeReader, network_from_ron};
use gridpilot::sim::ViolationKind;

/// A session recording to `dir`, where a random agent takes over from do-nothing.
fn session_recording_to(dir: &Path) -> Session {
    let net = network_from_ron(DEFAULT_NETWORK).unwrap();
    let mut session = Session::new(net, Path::new(".")).unwrap();
    session.set_patience(Duration::from_secs(60));
    session.record_to(Some(dir.to_path_buf()));
    session.set_agent(AgentChoice::Random).unwrap();
    session
}

/// Plays until the episode has `steps` steps after reset.
fn play(session: &mut Session, steps: usize) {
    session.apply(RunCommand::SetEpisodeLength(steps));
    while session.history.len() <= steps {
        session.step();
        assert!(
            !session.finished() || session.history.len() > steps,
            "ended early"
        );
    }
}

fn recordings(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn a_live_run_is_on_disk_step_by_step_and_reads_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_recording_to(dir.path());
    play(&mut session, 30);
    let files = recordings(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(session.history.recording(), Some(files[0].as_path()));
    // The run is still going: the file has no end mark, as after a crash, and holds every step.
    let (reopened, cut_short) = History::open(&files[0]).unwrap();
    assert!(cut_short.is_some());
    assert_eq!(reopened.len(), 31);
    assert_eq!(reopened.header, session.history.header);
    for i in 0..31 {
        assert_eq!(
            reopened.read(i).unwrap(),
            session.history.read(i).unwrap(),
            "step {i}"
        );
    }
    assert_eq!(reopened.summaries(), session.history.summaries());
}

#[test]
fn old_records_leave_memory_and_come_back_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_recording_to(dir.path());
    play(&mut session, 100);
    // A random agent ends ANM6-Easy early; doing nothing runs as long as asked.
    session.set_agent(AgentChoice::DoNothing).unwrap();
    // More steps than the newest records kept at hand (4096 for a network this small).
    play(&mut session, 5000);
    assert!(session.history.get(0).is_none(), "step 0 left memory");
    assert!(session.history.get(5000).is_some());
    let file = session.history.recording().unwrap().to_path_buf();
    let mut reader = EpisodeReader::open(&file).unwrap();
    let first = reader.step(0).unwrap();
    assert_eq!(*session.history.read(0).unwrap(), first);
    session.seek(0);
    assert_eq!(session.cursor, 0);
    assert_eq!(session.current(), &first);
    assert_eq!(session.agent_on_screen(), "do-nothing");
    session.seek(50);
    assert_eq!(session.current(), &reader.step(50).unwrap());
    assert_eq!(session.agent_on_screen(), "random");
    session.seek(4321);
    assert_eq!(session.current(), &reader.step(4321).unwrap());
    assert_eq!(session.agent_on_screen(), "do-nothing");
}

#[test]
fn summaries_and_violations_agree_with_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_recording_to(dir.path());
    play(&mut session, 96);
    let history = &session.history;
    let mut counts = [0u32; ViolationKind::ALL.len()];
    let mut reward = 0.0;
    let mut listed = Vec::new();
    for (i, summary) in history.summaries().iter().enumerate() {
        let record = history.read(i).unwrap();
        for v in &record.violations {
            counts[v.kind as usize] += 1;
            listed.push((i, v.kind, v.element.clone(), v.value, v.limit, v.severity));
        }
        reward += record.reward;
        assert_eq!(summary.counts_so_far, counts, "step {i}");
        assert_eq!(summary.cumulative_reward, reward, "step {i}");
        let kept: Vec<_> = history
            .violations_through(i)
            .iter()
            .map(|l| {
                let element = history.element(l).to_string();
                (
                    l.step as usize,
                    l.kind,
                    element,
                    l.value,
                    l.limit,
                    l.severity,
                )
            })
            .collect();
        assert_eq!(kept, listed, "step {i}");
        let lowest = record
            .bus_vm_pu
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        assert_eq!(summary.vm_pu.min, lowest, "step {i}");
    }
    assert!(
        listed.len() > 10,
        "a random agent on ANM6-Easy breaks limits"
    );
}

#[test]
fn a_saved_episode_holds_every_step_and_ends_properly() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_recording_to(dir.path());
    play(&mut session, 40);
    let saved = dir.path().join("saved.episode");
    session.history.save(&saved).unwrap();
    let reader = EpisodeReader::open(&saved).unwrap();
    assert_eq!(reader.cut_short, None, "the saved file has its end mark");
    let episode = reader.read_all().unwrap();
    assert_eq!(episode.steps.len(), 41);
    for (i, step) in episode.steps.iter().enumerate() {
        assert_eq!(&*session.history.read(i).unwrap(), step);
    }
}

#[test]
fn a_run_that_cannot_record_keeps_everything_in_memory_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, b"not a folder").unwrap();
    let mut session = session_recording_to(&blocked.join("recordings"));
    play(&mut session, 10);
    assert_eq!(session.history.recording(), None);
    assert!(
        session
            .log
            .iter()
            .any(|l| l.contains("cannot record the episode") && l.contains("kept in memory")),
        "{:?}",
        session.log
    );
    for i in 0..=10 {
        assert_eq!(session.history.get(i).unwrap().step, i);
    }
}

#[test]
fn a_new_episode_ends_the_last_recording_and_starts_another() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_recording_to(dir.path());
    play(&mut session, 5);
    let first = session.history.recording().unwrap().to_path_buf();
    session.reset();
    // Nothing is written until the new episode's first step.
    assert_eq!(recordings(dir.path()), vec![first.clone()]);
    play(&mut session, 3);
    assert_eq!(recordings(dir.path()).len(), 2);
    let finished = EpisodeReader::open(&first).unwrap();
    assert_eq!(
        finished.cut_short, None,
        "the first recording has its end mark"
    );
    assert_eq!(finished.len(), 6);
}
