//! `remote:` agents on the command line: a served controller runs exactly as the same
//! controller in-process, and a server that is wrong or goes away is said so, keeping what was
//! recorded.

#[path = "support/policy_server.rs"]
mod policy_server;

use std::process::{Command, Output};

use policy_server::{Behaviour, CONTROLLER, serve};

fn gridpilot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridpilot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn run(agent: &str, steps: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--network",
        "networks/anm6_easy.ron",
        "--seed",
        "5",
        "--steps",
        steps,
        "--agent",
        agent,
    ];
    args.extend(extra);
    gridpilot(&args)
}

#[test]
fn a_served_controller_runs_as_the_same_controller_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("controller.ron");
    std::fs::write(&policy, CONTROLLER).unwrap();
    let address = serve(Behaviour::Controller, 40);
    let remote = run(&format!("remote:{address}"), "40", &["--json"]);
    assert!(
        remote.status.success(),
        "{}",
        String::from_utf8_lossy(&remote.stderr)
    );
    let local = run(&format!("linear:{}", policy.display()), "40", &["--json"]);
    let (remote, local) = (
        String::from_utf8_lossy(&remote.stdout),
        String::from_utf8_lossy(&local.stdout),
    );
    assert_eq!(remote.lines().count(), 40);
    for (k, (r, l)) in remote.lines().zip(local.lines()).enumerate() {
        assert_eq!(r, l, "step {}", k + 1);
    }
}

#[test]
fn a_server_that_answers_wrongly_is_said_so() {
    for (behaviour, expected) in [
        (
            Behaviour::UnknownComponent,
            "this network has no observation component 'bus9.vm_pu'",
        ),
        (Behaviour::NotJson, "its action: expected value"),
        (Behaviour::MissingAction, "its action has no 'storage.p_mw'"),
    ] {
        let address = serve(behaviour, 1);
        let out = run(&format!("remote:{address}"), "5", &[]);
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            text.contains(&format!("remote policy {address}: {expected}")),
            "{text}"
        );
        assert_eq!(text.trim().lines().count(), 1, "{text}");
    }
    let out = run("remote:https://example.org", "5", &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an http:// address"));
}

#[test]
fn a_server_that_goes_away_stops_the_run_and_keeps_the_recording() {
    let dir = tempfile::tempdir().unwrap();
    let episode = dir.path().join("cut.episode");
    // Ten steps, then nobody listens.
    let address = serve(Behaviour::Controller, 10);
    let out = run(
        &format!("remote:{address}"),
        "50",
        &["--out", episode.to_str().unwrap()],
    );
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // Refused, or reset if the step's connection was queued before the server stopped
    // listening: either way the run says where and at which step.
    let gone = text.contains("cannot connect") || text.contains("the connection failed");
    assert!(
        gone && text.contains(&format!("remote policy {address}:"))
            && text.contains("(at step 11)"),
        "{text}"
    );
    let replay = gridpilot(&["replay", "--verify", episode.to_str().unwrap()]);
    let summary = String::from_utf8_lossy(&replay.stdout);
    assert!(replay.status.success(), "{summary}");
    assert!(
        summary.contains("11 steps") || summary.contains("10 steps"),
        "{summary}"
    );
}
