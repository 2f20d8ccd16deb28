//! The Python package's tests (pytest, `python/tests`), run by `cargo test`: the package is
//! built and installed into a virtual environment of its own under `target/`, with its test
//! dependencies from PyPI, so a fresh machine with Python 3 and pip needs nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The virtual environment's Python, created with the test dependencies if it is not there.
fn python(venv: &Path) -> PathBuf {
    let python = venv.join("bin/python");
    if !python.exists() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(venv),
            "creating a virtual environment (Python 3 with venv is needed)",
        );
        run(
            Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "-q",
                "maturin>=1.9,<2",
                "pytest",
                "gymnasium>=1.0",
                "numpy",
            ]),
            "installing the test dependencies from PyPI",
        );
    }
    python
}

#[test]
fn the_python_package_passes_its_tests() {
    let venv = root().join("target/python-env");
    let python = python(&venv);
    // Its own target folder: the extension is a release build without the window, which would
    // otherwise wait on (and be rebuilt by) the builds of `cargo test` itself.
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
    run(
        Command::new(&python)
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
