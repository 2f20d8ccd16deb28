//! One flat-start AC power flow on a prepared solver, for networks from 14 to 9,241 buses.
//! Run with `cargo bench --bench powerflow`; `gridpilot bench pf FILE` measures the same from
//! the command line.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gridpilot::io::load_network;
use gridpilot::powerflow::{PowerFlow, SolveOptions};

fn case(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../shared/cases/{name}.m"))
}

fn power_flow(c: &mut Criterion) {
    let mut group = c.benchmark_group("power_flow");
    group.sample_size(20);
    for name in [
        "case14",
        "case118",
        "case1354pegase",
        "case2869pegase",
        "case9241pegase",
    ] {
        let Ok(net) = load_network(&case(name)) else {
            eprintln!("skipping {name}: ../shared/cases is not beside the project");
            continue;
        };
        let mut pf = PowerFlow::new(&net).expect("shared cases are valid");
        let options = SolveOptions::default();
        group.bench_function(name, |b| b.iter(|| pf.solve(&net, &options)));
    }
    group.finish();
}

criterion_group!(benches, power_flow);
criterion_main!(benches);
