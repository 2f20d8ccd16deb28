//! The Python package's tests (pytest, `python/tests`), run by `cargo test`: the package is
//! built and installed into a virtual environment of its own under `target/`, with its test
//! dependencies from PyPI, so a fresh machine with Python 3 and pip needs nothing else. Then the
//! app, headless, plays a policy that `gridpilot.serve_policy` serves.
#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use egui_kittest::Harness;
use gridpilot::app::{
    AgentChoice, Command as AppCommand, GridPilotApp, Project, RunCommand, ScriptedDialogs,
};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a command to its end, failing the test with its output if it fails.
fn run(command: &mut Command, what: &str) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the package and its tests need from PyPI.
const DEPENDENCIES: [&str; 5] = [
    "maturin>=1.9,<2",
    "pytest",
    "gymnasium>=1.0",
    "numpy",
    "pettingzoo>=1.24",
];

/// The virtual environment's Python with the package built from this checkout, made once for
/// the tests of this file.
fn python() -> &'static Path {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY.get_or_init(|| {
        let venv = root().join("target/python-env");
        let python = venv.join("bin/python");
        if !python.exists() {
            run(
                Command::new("python3").args(["-m", "venv"]).arg(&venv),
                "creating a virtual environment (Python 3 with venv is needed)",
            );
        }
        let present = Command::new(&python)
            .args(["-c", "import maturin, pytest, gymnasium, numpy, pettingzoo"])
            .output()
            .is_ok_and(|out| out.status.success());
        if !present {
            run(
                Command::new(&python)
                    .args(["-m", "pip", "install", "-q"])
                    .args(DEPENDENCIES),
                "installing the test dependencies from PyPI",
            );
        }
        // Its own target folder: the extension is a release build without the window, which
        // would otherwise wait on (and be rebuilt by) the builds of `cargo test` itself.
        run(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--force-reinstall",
                    "--no-deps",
                    "./python",
                ])
                .current_dir(root())
                .env("CARGO_TARGET_DIR", root().join("target/python-build")),
            "building and installing the Python package (pip install ./python)",
        );
        python
    })
}

#[test]
fn the_python_package_passes_its_tests() {
    run(
        Command::new(python())
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "python/tests",
            ])
            .current_dir(root())
            .env("GRIDPILOT_BIN", env!("CARGO_BIN_EXE_gridpilot")),
        "the Python tests",
    );
}

/// A controller served from Python, and the same one as a linear policy file.
const SERVED: &str = r#"
import sys, time, numpy as np, gridpilot
names = gridpilot.GridEnv("anm6_easy").observation_names
load, wind = names.index("load_ind.p_mw"), names.index("wind.available_mw")
def controller(obs):
    return np.array([30.0, 50.0, 0.0, 0.0, 1.0 + 0.3 * obs[load] - 0.2 * obs[wind], 0.0])
server = gridpilot.serve_policy(controller, port=int(sys.argv[1]), background=True)
print("serving", flush=True)
time.sleep(600)
"#;
const LINEAR: &str = r#"LinearPolicy(observation: ["load_ind.p_mw", "wind.available_mw"],
    action: ["storage.p_mw"], weights: [[0.3, -0.2]], bias: [1.0])"#;

/// Rewards and requested actions of 15 steps of the app with `choice` operating the grid.
fn play(choice: AgentChoice) -> Vec<(f64, Vec<f64>)> {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = GridPilotApp::new(
                Project::built_in().unwrap(),
                Box::new(ScriptedDialogs::default()),
            );
            app.set_data_dir(dir);
            app.set_step_patience(std::time::Duration::from_secs(60));
            app
        });
    let command = |run| AppCommand::Run(run);
    harness
        .state_mut()
        .apply_now(command(RunCommand::SetAgent(choice)));
    // Step is asked again while the simulation thread is still busy setting the agent.
    let began = std::time::Instant::now();
    while harness.state().session().unwrap().history.len() <= 15 {
        assert!(began.elapsed().as_secs() < 60, "the steps were not taken");
        harness.state_mut().apply_now(command(RunCommand::Step));
        harness.run_steps(1);
    }
    let session = harness.state().session().unwrap();
    (1..=15)
        .map(|i| {
            let step = session.history.read(i).unwrap();
            (step.reward, step.requested_action.clone())
        })
        .collect()
}

/// The policy server's process, stopped when the test ends however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_app_plays_a_policy_served_from_python_as_it_plays_it_in_process() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Server(
        Command::new(python())
            .args(["-c", SERVED, &port.to_string()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut ready = String::new();
    let stdout = server.0.stdout.as_mut().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut ready).unwrap();
    assert_eq!(ready.trim(), "serving");
    let served = play(AgentChoice::Remote(format!("http://127.0.0.1:{port}")));
    drop(server);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("controller.ron");
    std::fs::write(&file, LINEAR).unwrap();
    assert_eq!(served, play(AgentChoice::Linear(file)));
    assert!(
        served.iter().all(|(_, action)| action[4] != 0.0),
        "the policy acted"
    );
}
