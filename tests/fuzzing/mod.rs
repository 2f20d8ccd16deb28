//! Fuzzing the readers on stable Rust, by structured mutation of real files: GridPilot's own
//! networks, MATPOWER cases, pandapower networks, a recorded episode, a policy and a schedule
//! are mutated (bytes, lines, numbers swapped for NaN or 1e308, names emptied, truncations,
//! splices) and fed to the reader and on to what the program does next with what it read
//! (validation, a power flow, a few environment steps, an agent acting). A panic is a
//! failure; so is an input that takes too long.
//!
//! Shared by the quick run in `cargo test` (`tests/fuzz.rs`) and the long one
//! (`cargo run --release --example fuzz -- --seconds 3600`).

#![allow(dead_code)]

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use gridpilot::agent::{Agent, LinearPolicyAgent, ScheduleAgent, Spaces};
use gridpilot::io::{self, EpisodeReader, network_from_ron};
use gridpilot::powerflow::{PowerFlow, SolveOptions};
use gridpilot::sim::Environment;

/// A reader under test: its name, its seed inputs and what is done with an input (which says
/// whether the reader took it).
pub struct Target {
    pub name: &'static str,
    pub seeds: Vec<Vec<u8>>,
    pub run: fn(&[u8]) -> bool,
}

/// What a fuzzing run found.
#[derive(Debug, Default)]
pub struct Report {
    pub inputs: u64,
    /// Inputs the reader took (the rest it refused with a message).
    pub read: u64,
    /// The first few failures: what went wrong, and the input.
    pub failures: Vec<(String, Vec<u8>)>,
    pub failed: u64,
    /// The most processor time one input took.
    pub slowest: Duration,
}

/// An input that takes more processor time than this is reported: nothing here should take a
/// second. Processor time, not the wall clock: a fuzzer run at low priority beside other work
/// can wait seconds for the processor (a wall-clock limit once flagged an input that the
/// reader refuses in 5 ms).
pub const TOO_SLOW: Duration = Duration::from_secs(5);

/// The processor time this thread has used.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given, which lives on this stack.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Runs mutated inputs of `target` until `budget` is spent or `max_inputs` were tried.
pub fn fuzz(target: &Target, seed: u64, budget: Duration, max_inputs: u64) -> Report {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = Report::default();
    let started = Instant::now();
    // Panics are expected and counted: their messages are not printed.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    while report.inputs < max_inputs && started.elapsed() < budget {
        let input = mutate(&target.seeds, &mut rng);
        let began = thread_cpu_time();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input)));
        let took = thread_cpu_time().saturating_sub(began);
        report.slowest = report.slowest.max(took);
        report.inputs += 1;
        report.read += u64::from(matches!(outcome, Ok(true)));
        let failure = match outcome {
            Err(panic) => Some(format!("panic: {}", panic_message(&panic))),
            Ok(_) if took > TOO_SLOW => Some(format!("took {took:?}")),
            Ok(_) => None,
        };
        if let Some(why) = failure {
            report.failed += 1;
            if report.failures.len() < 10 {
                report.failures.push((why, input));
            }
        }
    }
    std::panic::set_hook(hook);
    report
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".to_string())
}

/// Values that break careless code.
const INTERESTING: &[&str] = &[
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "1e-320",
    "0",
    "-0",
    "-1",
    "1e15",
    "18446744073709551615",
    "4294967296",
    "-9999999999",
    "0.0000001",
    "\"\"",
    "\"\\u{0}\"",
    "[]",
    "()",
    "None",
    "Some(NaN)",
];

/// One mutation (or a few stacked) of one of the seeds.
pub fn mutate(seeds: &[Vec<u8>], rng: &mut StdRng) -> Vec<u8> {
    let mut data = seeds[rng.random_range(0..seeds.len())].clone();
    for _ in 0..rng.random_range(1..=4) {
        match rng.random_range(0..9) {
            0 => flip_byte(&mut data, rng),
            1 => insert_bytes(&mut data, rng),
            2 => delete_range(&mut data, rng),
            3 => replace_number(&mut data, rng),
            4 => duplicate_line(&mut data, rng),
            5 => delete_line(&mut data, rng),
            6 => truncate(&mut data, rng),
            7 => splice(&mut data, &seeds[rng.random_range(0..seeds.len())], rng),
            _ => empty_a_string(&mut data, rng),
        }
    }
    data
}

fn flip_byte(data: &mut [u8], rng: &mut StdRng) {
    if !data.is_empty() {
        let i = rng.random_range(0..data.len());
        data[i] ^= 1 << rng.random_range(0..8);
    }
}

fn insert_bytes(data: &mut Vec<u8>, rng: &mut StdRng) {
    let at = rng.random_range(0..=data.len());
    let bytes: Vec<u8> = match rng.random_range(0..3) {
        0 => INTERESTING[rng.random_range(0..INTERESTING.len())]
            .as_bytes()
            .to_vec(),
        1 => (0..rng.random_range(1..8)).map(|_| rng.random()).collect(),
        _ => b",;()[]\n"
            .iter()
            .map(|_| b",;()[]\n"[rng.random_range(0..7)])
            .collect(),
    };
    data.splice(at..at, bytes);
}

fn delete_range(data: &mut Vec<u8>, rng: &mut StdRng) {
    if data.is_empty() {
        return;
    }
    let start = rng.random_range(0..data.len());
    let end = (start + rng.random_range(1..64)).min(data.len());
    data.drain(start..end);
}

/// Swaps a number in the text for an interesting value.
fn replace_number(data: &mut Vec<u8>, rng: &mut StdRng) {
    let numbers: Vec<(usize, usize)> = number_spans(data);
    if numbers.is_empty() {
        return;
    }
    let (start, end) = numbers[rng.random_range(0..numbers.len())];
    let value = INTERESTING[rng.random_range(0..INTERESTING.len())];
    data.splice(start..end, value.bytes());
}

fn number_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let starts = data[i].is_ascii_digit() && (i == 0 || !data[i - 1].is_ascii_alphanumeric());
        if starts {
            let start = i;
            while i < data.len() && (data[i].is_ascii_digit() || b".eE-+".contains(&data[i])) {
                i += 1;
            }
            spans.push((start, i));
        }
        i += 1;
    }
    spans
}

fn line_spans(data: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &b) in data.iter().enumerate() {
        if b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    spans
}

fn duplicate_line(data: &mut Vec<u8>, rng: &mut StdRng) {
    let lines = line_spans(data);
    if !lines.is_empty() {
        let (s, e) = lines[rng.random_range(0..lines.len())];
        let line = data[s..e].to_vec();
        data.splice(e..e, line);
    }
}

fn delete_line(data: &mut Vec<u8>, rng: &mut StdRng) {
    let lines = line_spans(data);
    if !lines.is_empty() {
        let (s, e) = lines[rng.random_range(0..lines.len())];
        data.drain(s..e);
    }
}

fn truncate(data: &mut Vec<u8>, rng: &mut StdRng) {
    let at = rng.random_range(0..=data.len());
    data.truncate(at);
}

fn splice(data: &mut Vec<u8>, other: &[u8], rng: &mut StdRng) {
    if other.is_empty() {
        return;
    }
    let at = rng.random_range(0..=data.len());
    let start = rng.random_range(0..other.len());
    let end = (start + rng.random_range(1..256)).min(other.len());
    data.splice(at..at, other[start..end].iter().copied());
}

/// Empties a quoted string (a name, a bus reference).
fn empty_a_string(data: &mut Vec<u8>, rng: &mut StdRng) {
    let quotes: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'"')
        .map(|(i, _)| i)
        .collect();
    if quotes.len() >= 2 {
        let k = rng.random_range(0..quotes.len() - 1);
        let (s, e) = (quotes[k] + 1, quotes[k + 1]);
        data.drain(s..e);
    }
}

/// The readers, with seeds from the project (and the shared MATPOWER cases beside it).
pub fn targets(root: &Path) -> Vec<Target> {
    let read = |p: &str| std::fs::read(root.join(p)).unwrap_or_default();
    let cases: Vec<Vec<u8>> = [
        "case5.m",
        "case9.m",
        "case14.m",
        "case30.m",
        "case33bw.m",
        "case69.m",
    ]
    .iter()
    .map(|c| read(&format!("../shared/cases/{c}")))
    .filter(|b| !b.is_empty())
    .collect();
    let pandapower: Vec<Vec<u8>> = ["ieee13.json", "cigre_mv_der.json", "case33bw_pp.json"]
        .iter()
        .map(|f| read(&format!("../shared/networks-pandapower/{f}")))
        .filter(|b| !b.is_empty())
        .collect();
    let networks: Vec<Vec<u8>> = ["networks/anm6_easy.ron", "networks/three_bus_feeder.ron"]
        .iter()
        .map(|p| read(p))
        .collect();
    vec![
        Target {
            name: "matpower",
            seeds: if cases.is_empty() {
                networks.clone()
            } else {
                cases
            },
            run: run_matpower,
        },
        Target {
            name: "network",
            seeds: networks.clone(),
            run: run_network,
        },
        Target {
            name: "pandapower",
            seeds: if pandapower.is_empty() {
                networks.clone()
            } else {
                pandapower
            },
            run: run_pandapower,
        },
        Target {
            name: "episode",
            seeds: vec![sample_episode()],
            run: run_episode,
        },
        Target {
            name: "policy",
            seeds: vec![POLICY.as_bytes().to_vec()],
            run: run_policy,
        },
        Target {
            name: "schedule",
            seeds: vec![SCHEDULE.as_bytes().to_vec()],
            run: run_schedule,
        },
    ]
}

const POLICY: &str = r#"LinearPolicy(
    observation: ["bus3.vm_pu", "storage.soc_mwh", "load_res.p_mw"],
    action: ["storage.p_mw", "storage.q_mvar", "pv.p_mw"],
    weights: [[0.0, -0.5, 0.1], [100.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
    bias: [10.0, -100.0, 5.0],
    obs_mean: Some([1.0, 50.0, 2.0]), obs_std: Some([0.05, 20.0, 1.0]),
)
"#;

const SCHEDULE: &str = "storage.p_mw,pv.q_mvar,wind.p_mw\n-20,5,10\n30,-5,20\n0,0,0\n";

/// Solves and steps only what is small: the fuzzer looks for crashes, not slow large cases.
const LARGEST_SOLVED: usize = 200;

fn run_matpower(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let Ok(net) = io::matpower::parse(text, "case") else {
        return false;
    };
    solve(&net);
    true
}

fn run_pandapower(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let Ok(net) = io::pandapower::parse(text, "net") else {
        return false;
    };
    solve(&net);
    true
}

fn run_network(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let Ok(net) = network_from_ron(text) else {
        return false;
    };
    solve(&net);
    if net.buses.len() > LARGEST_SOLVED {
        return true;
    }
    let Ok(mut env) = Environment::new(net.runnable()) else {
        return true;
    };
    if env.reset(1, &Default::default()).is_ok() {
        let action = env.do_nothing_action();
        for _ in 0..3 {
            env.step(&action);
        }
    }
    true
}

fn solve(net: &gridpilot::model::Network) {
    let _ = net.validate().to_string();
    if net.buses.len() > LARGEST_SOLVED {
        return;
    }
    if let Ok(mut pf) = PowerFlow::new(net) {
        let options = SolveOptions {
            max_iterations: 20,
            ..Default::default()
        };
        let _ = pf.solve(net, &options);
    }
}

fn run_episode(input: &[u8]) -> bool {
    let Ok(mut reader) = EpisodeReader::new(std::io::Cursor::new(input)) else {
        return false;
    };
    let header = reader.header.clone();
    let steps: Vec<_> = reader.steps().take(50).collect();
    if header.network.buses.len() <= LARGEST_SOLVED {
        let steps = steps.into_iter().map(|s| s.map_err(|e| e.to_string()));
        let _ = gridpilot::agent::rollout::verify(&header, steps);
    }
    true
}

/// ANM6-Easy's spaces, for the policy and schedule targets.
fn anm6() -> Environment {
    let text = include_str!("../../networks/anm6_easy.ron");
    Environment::new(network_from_ron(text).expect("bundled")).expect("bundled")
}

fn run_policy(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let Ok(policy) = io::ron_options().from_str(text) else {
        return false;
    };
    let env = anm6();
    let do_nothing = env.do_nothing_action();
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &do_nothing,
    };
    if let Ok(mut agent) = LinearPolicyAgent::new(policy, &spaces, Path::new("fuzz.ron")) {
        let observation = vec![0.5; env.observation_space().len()];
        let _ = agent.act(&observation);
    }
    true
}

fn run_schedule(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let Ok(table) = io::parse_numeric_csv(text) else {
        return false;
    };
    let env = anm6();
    let do_nothing = env.do_nothing_action();
    let spaces = Spaces {
        action: env.action_space(),
        observation: env.observation_space(),
        do_nothing: &do_nothing,
    };
    if let Ok(mut agent) = ScheduleAgent::new(table, &spaces, Path::new("fuzz.csv")) {
        for _ in 0..5 {
            let _ = agent.act(&[]);
        }
    }
    true
}

/// A short random run of ANM6-Easy, as an episode file.
fn sample_episode() -> Vec<u8> {
    use gridpilot::agent::rollout::Rollout;
    use gridpilot::sim::episode::{Episode, EpisodeHeader};
    let mut env = anm6();
    let mut agent = gridpilot::agent::RandomAgent::new(env.action_space(), 3);
    let options = Default::default();
    let (mut rollout, first) = Rollout::start(&mut env, &mut agent, 3, &options).expect("reset");
    let mut episode = Episode::new(EpisodeHeader::new(&env, "random", 3, &options), first);
    for _ in 0..8 {
        episode.steps.push(rollout.step(&mut env, &mut agent).1);
    }
    io::episode_to_bytes(&episode)
}
