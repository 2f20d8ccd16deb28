//! Fuzzes GridPilot's readers for as long as asked, on stable Rust:
//!
//! ```sh
//! cargo run --release --example fuzz -- --seconds 3600 [--target matpower] [--seed 7]
//! ```
//!
//! Each reader (MATPOWER, network, episode, policy, schedule) gets `--seconds` of mutated
//! inputs in turn. It prints the inputs tried and any failures per reader, writes failing
//! inputs to `target/fuzz-failures/`, and exits 1 when something failed.

#[path = "../tests/fuzzing/mod.rs"]
mod fuzzing;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let mut seconds = 60u64;
    let mut only = None;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let parsed = match arg.as_str() {
            "--seconds" => value.and_then(|v| v.parse().ok()).map(|v| seconds = v),
            "--seed" => value.and_then(|v| v.parse().ok()).map(|v| seed = v),
            "--target" => value.map(|v| only = Some(v)),
            _ => None,
        };
        if parsed.is_none() {
            eprintln!("usage: fuzz [--seconds N] [--target NAME] [--seed S]");
            return ExitCode::from(2);
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failed = false;
    for target in fuzzing::targets(root) {
        if only.as_deref().is_some_and(|o| o != target.name) {
            continue;
        }
        let report = fuzzing::fuzz(&target, seed, Duration::from_secs(seconds), u64::MAX);
        println!(
            "{}: {} inputs in {seconds} s ({} read, the rest refused), {} failed, slowest {:?} of processor time",
            target.name, report.inputs, report.read, report.failed, report.slowest
        );
        for (i, (why, input)) in report.failures.iter().enumerate() {
            let dir = root.join("target/fuzz-failures");
            let path = dir.join(format!("{}-{i}.bin", target.name));
            let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
            println!("  {why} (input in {})", path.display());
        }
        failed |= report.failed > 0;
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
