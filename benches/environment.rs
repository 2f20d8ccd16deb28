//! One environment step of ANM6-Easy under the do-nothing action (a power flow, the device
//! dynamics, reward and safety checks). `gridpilot bench env` measures a random agent from
//! the command line.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gridpilot::io::load_network;
use gridpilot::sim::Environment;

fn environment_step(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("networks/anm6_easy.ron");
    let net = load_network(&path).expect("the bundled network loads");
    let mut env = Environment::new(net).expect("ANM6-Easy runs");
    env.reset(0, &Default::default()).expect("reset");
    let action = env.do_nothing_action();
    c.bench_function("anm6_easy_step", |b| b.iter(|| env.step(&action)));
}

criterion_group!(benches, environment_step);
criterion_main!(benches);
