//! A quick fuzzing run of every reader (a few hundred mutated inputs each, fixed seed): no
//! panic, no input that takes seconds. `cargo run --release --example fuzz -- --seconds 3600`
//! runs the same for as long as asked.

mod fuzzing;

use std::path::Path;
use std::time::Duration;

#[test]
fn every_reader_survives_mutated_inputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for target in fuzzing::targets(root) {
        let report = fuzzing::fuzz(&target, 1, Duration::from_secs(120), 300);
        let first = report
            .failures
            .first()
            .map(|(why, input)| format!("{why}\ninput:\n{}", String::from_utf8_lossy(input)));
        assert_eq!(
            report.failed,
            0,
            "{}: {} of {} inputs failed; the first: {}",
            target.name,
            report.failed,
            report.inputs,
            first.unwrap_or_default()
        );
        assert!(
            report.inputs >= 100,
            "{}: only {} inputs",
            target.name,
            report.inputs
        );
    }
}
