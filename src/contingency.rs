//! N-1 contingency analysis: every in-service branch is taken out in turn and the network
//! solved again, to find the outages that overload other branches, push voltages outside
//! their limits, cut buses off, or leave no solution — worst first.
//!
//! Each outage is solved from the solution before it (warm start), keeping the admittance
//! pattern and the symbolic factorisation (the branch stays in the pattern with no
//! admittance); an outage that splits the network (a bridge) is solved as its own network,
//! its cut-off buses de-energised. The outages are shared among threads, each with a power
//! flow of its own; progress is reported and a flag cancels.
//!
//! A limit the case already breaks before any outage is listed for an outage only where the
//! outage makes it worse (by more than [`WORSE_PCT`] points of loading or [`WORSE_PU`] of
//! voltage), as contingency tools report: otherwise every outage would repeat it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::model::{Device, Network};
use crate::powerflow::{Outages, PowerFlow, PowerFlowError, PowerFlowResult, SolveOptions};

/// Points of loading by which an overload already there before the outage must grow to be
/// listed for it.
pub const WORSE_PCT: f64 = 1.0;
/// How much further (p.u.) a voltage already outside its limits must go to be listed.
pub const WORSE_PU: f64 = 1e-3;

/// What one outage does.
#[derive(Debug, Clone, PartialEq)]
pub struct Contingency {
    /// The branch taken out.
    pub branch: String,
    pub converged: bool,
    /// Why it has no solution, when it has none.
    pub failure: Option<String>,
    /// Other branches above their rating: (branch, loading %), worst first.
    pub overloads: Vec<(String, f64)>,
    /// Buses outside their limits: (bus, |V| p.u., the limit crossed), worst first.
    pub voltages: Vec<(String, f64, f64)>,
    /// Buses cut off from every external grid.
    pub islanded_buses: Vec<String>,
    /// Load on the cut-off buses (MW).
    pub load_lost_mw: f64,
}

impl Contingency {
    /// Whether the network stays within every limit after this outage.
    pub fn secure(&self) -> bool {
        self.converged
            && self.overloads.is_empty()
            && self.voltages.is_empty()
            && self.islanded_buses.is_empty()
    }

    /// How bad the outage is, for ranking: no solution first, then load lost, then the worst
    /// overload, then the worst voltage excursion.
    fn severity(&self) -> (bool, f64, f64, f64) {
        let overload = self.overloads.first().map_or(0.0, |o| o.1 - 100.0);
        let voltage = self
            .voltages
            .first()
            .map_or(0.0, |&(_, vm, limit)| (vm - limit).abs());
        (!self.converged, self.load_lost_mw, overload, voltage)
    }

    /// A one-line description: "bus1-bus2 out: 2 overloads (worst bus2-bus4 143 %)".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(failure) = &self.failure {
            parts.push(format!("no solution ({failure})"));
        }
        if !self.islanded_buses.is_empty() {
            let cut = count(self.islanded_buses.len(), "bus", "buses");
            parts.push(match self.load_lost_mw {
                0.0 => format!("{cut} cut off, no load lost"),
                mw => format!("{cut} cut off, {mw:.1} MW of load lost"),
            });
        }
        if let Some((worst, pct)) = self.overloads.first() {
            parts.push(format!(
                "{} overloaded (worst {worst} {pct:.0} %)",
                count(self.overloads.len(), "branch", "branches")
            ));
        }
        if let Some((worst, vm, _)) = self.voltages.first() {
            parts.push(format!(
                "{} outside limits (worst {worst} {vm:.3} p.u.)",
                count(self.voltages.len(), "bus", "buses")
            ));
        }
        if parts.is_empty() {
            parts.push("secure".to_string());
        }
        format!("{} out: {}", self.branch, parts.join("; "))
    }
}

/// "1 branch", "2 branches".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Why the analysis could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContingencyError {
    #[error(transparent)]
    Invalid(#[from] PowerFlowError),
    #[error("the case before any outage has no solution: {0}")]
    BaseCase(String),
    #[error("cancelled")]
    Cancelled,
}

/// The base case and every outage, worst first.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub base: PowerFlowResult,
    /// Branches overloaded before any outage.
    pub base_overloads: usize,
    /// Buses outside their voltage limits before any outage.
    pub base_voltages: usize,
    pub contingencies: Vec<Contingency>,
}

/// Runs N-1 on every in-service branch with `threads` threads; `progress` hears how many
/// outages are done (from any thread); setting `cancel` stops the analysis.
pub fn analyse(
    net: &Network,
    options: &SolveOptions,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<Analysis, ContingencyError> {
    let base = PowerFlow::new(net)?.solve(net, options)?;
    if !base.converged {
        let why = base.failure.clone().unwrap_or_default();
        return Err(ContingencyError::BaseCase(why));
    }
    let outages: Vec<usize> = (0..net.branches.len())
        .filter(|&k| net.branches[k].in_service)
        .collect();
    let splits = bridges(net);
    let bus = net.bus_indices();
    let loads: Vec<(usize, f64)> = net
        .devices
        .iter()
        .filter_map(|d| match d {
            Device::Load(l) if l.in_service => Some((bus[d.bus()], l.p_mw)),
            _ => None,
        })
        .collect();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(outages.len()));
    let failed = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                let mut solver = match Solver::new(net, &base) {
                    Ok(solver) => solver,
                    Err(e) => {
                        *failed.lock().expect("no thread panics holding it") = Some(e);
                        return;
                    }
                };
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= outages.len() || cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let k = outages[i];
                    let solved = solver.solve(options, k, splits[k]);
                    match solved {
                        Ok(result) => mine.push(assess(net, k, &result, &base, &loads)),
                        Err(e) => {
                            *failed.lock().expect("no thread panics holding it") = Some(e);
                            break;
                        }
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, outages.len());
                }
                results
                    .lock()
                    .expect("no thread panics holding it")
                    .extend(mine);
            });
        }
    });
    if let Some(e) = failed.into_inner().expect("no thread panicked") {
        return Err(e.into());
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(ContingencyError::Cancelled);
    }
    let mut contingencies = results.into_inner().expect("no thread panicked");
    // Worst first; ties in network order, so the list is the same however threads ran.
    let order: std::collections::HashMap<String, usize> = net
        .branches
        .iter()
        .enumerate()
        .map(|(k, b)| (b.name.clone(), k))
        .collect();
    contingencies.sort_by(|a, b| {
        b.severity()
            .partial_cmp(&a.severity())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(order[&a.branch].cmp(&order[&b.branch]))
    });
    let (base_overloads, base_voltages) = base_violations(net, &base);
    Ok(Analysis {
        base,
        base_overloads,
        base_voltages,
        contingencies,
    })
}

/// Solves outages one after another: one power flow keeps the whole network's pattern for
/// the outages that leave it whole, another takes the ones that split it, and a copy of the
/// network has the branch taken out in turn.
pub struct Solver {
    outages: Outages,
    net: Network,
}

impl Solver {
    /// A solver of `net`'s outages from `base`, its solution with every branch in.
    pub fn new(net: &Network, base: &PowerFlowResult) -> Result<Self, PowerFlowError> {
        Ok(Solver {
            outages: PowerFlow::new(net)?.outages(net, base)?,
            net: net.clone(),
        })
    }

    /// The state with branch `k` out, solved warm from the base; `splits` says the outage
    /// cuts buses off. A warm start that fails gets a fresh solve (flat start, then DC
    /// angles).
    pub fn solve(
        &mut self,
        options: &SolveOptions,
        k: usize,
        splits: bool,
    ) -> Result<PowerFlowResult, PowerFlowError> {
        let warm = self.outages.solve(&self.net, options, k, splits);
        if warm.converged {
            return Ok(without(warm, k));
        }
        Ok(without(solve_alone(&self.net, options, k)?, k))
    }
}

/// A result with branch `k` shown as out (no flow).
fn without(mut result: PowerFlowResult, k: usize) -> PowerFlowResult {
    result.branches[k] = Default::default();
    result
}

/// The network with branch `k` out, solved from scratch (a flat start, then DC angles), as
/// `gridpilot pf` solves it; buses it cuts off are de-energised (validation would refuse the
/// split network as a file, so the solver is prepared on the whole one).
pub fn solve_alone(
    net: &Network,
    options: &SolveOptions,
    k: usize,
) -> Result<PowerFlowResult, PowerFlowError> {
    let mut outaged = net.clone();
    outaged.branches[k].in_service = false;
    PowerFlow::new(net)?.solve(&outaged, options)
}

/// What an outage's solution breaks that the case before it (`base`) did not, or breaks worse;
/// `loads` are the in-service loads as (bus, MW), for the load lost with the buses cut off.
fn assess(
    net: &Network,
    k: usize,
    result: &PowerFlowResult,
    base: &PowerFlowResult,
    loads: &[(usize, f64)],
) -> Contingency {
    let mut c = Contingency {
        branch: net.branches[k].name.clone(),
        converged: result.converged,
        failure: result.failure.clone().filter(|_| !result.converged),
        overloads: Vec::new(),
        voltages: Vec::new(),
        islanded_buses: Vec::new(),
        load_lost_mw: 0.0,
    };
    if !result.converged {
        return c;
    }
    for (j, branch) in net.branches.iter().enumerate() {
        let excess = |r: &PowerFlowResult| r.branches[j].loading_pct.map_or(0.0, |p| p - 100.0);
        if j != k && branch.in_service && breaks(excess(result), excess(base), WORSE_PCT) {
            let after = result.branches[j].loading_pct.unwrap_or_default();
            c.overloads.push((branch.name.clone(), after));
        }
    }
    let mut dead = vec![false; net.buses.len()];
    for (i, bus) in net.buses.iter().enumerate() {
        let vm = |r: &PowerFlowResult| r.buses[i].vm_pu;
        let excess = |vm: f64| (vm - bus.vmax_pu).max(bus.vmin_pu - vm);
        if vm(result) == 0.0 {
            dead[i] = true;
            c.islanded_buses.push(bus.name.clone());
        } else if breaks(excess(vm(result)), excess(vm(base)), WORSE_PU) {
            let after = vm(result);
            let limit = if after > bus.vmax_pu {
                bus.vmax_pu
            } else {
                bus.vmin_pu
            };
            c.voltages.push((bus.name.clone(), after, limit));
        }
    }
    if !c.islanded_buses.is_empty() {
        c.load_lost_mw = loads
            .iter()
            .filter(|&&(b, _)| dead[b])
            .fold(0.0, |total, (_, p)| total + p);
    }
    c.overloads.sort_by(|a, b| b.1.total_cmp(&a.1));
    c.voltages
        .sort_by(|a, b| (b.1 - b.2).abs().total_cmp(&(a.1 - a.2).abs()));
    c
}

/// Whether a limit is broken after an outage (`after`, the excess over it, positive when
/// broken) and was not before (`before`), or was and is now worse by more than `worse`.
fn breaks(after: f64, before: f64, worse: f64) -> bool {
    const BROKEN: f64 = 1e-9;
    after > BROKEN && (before <= BROKEN || after > before + worse)
}

/// How many limits the case before any outage breaks: (overloaded branches, buses outside
/// their voltage limits).
pub fn base_violations(net: &Network, base: &PowerFlowResult) -> (usize, usize) {
    let overloads = net
        .branches
        .iter()
        .zip(&base.branches)
        .filter(|(b, r)| b.in_service && r.loading_pct.is_some_and(|p| p > 100.0 + 1e-9))
        .count();
    let voltages = net
        .buses
        .iter()
        .zip(&base.buses)
        .filter(|(b, r)| r.vm_pu > b.vmax_pu + 1e-9 || r.vm_pu < b.vmin_pu - 1e-9)
        .count();
    (overloads, voltages)
}

/// Per branch, whether taking it out splits the in-service network (a bridge of the graph;
/// parallel branches never are). Iterative, so a long feeder does not overflow the stack.
pub fn bridges(net: &Network) -> Vec<bool> {
    let bus = net.bus_indices();
    let n = net.buses.len();
    let mut adjacent: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, b) in net.branches.iter().enumerate() {
        if b.in_service
            && let (Some(&f), Some(&t)) = (bus.get(b.from_bus.as_str()), bus.get(b.to_bus.as_str()))
            && f != t
        {
            adjacent[f].push((t, k));
            adjacent[t].push((f, k));
        }
    }
    let mut is_bridge = vec![false; net.branches.len()];
    let mut order = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut counter = 0;
    for root in 0..n {
        if order[root] != usize::MAX {
            continue;
        }
        // (bus, branch it was reached by, next neighbour to look at)
        let mut stack = vec![(root, usize::MAX, 0usize)];
        order[root] = counter;
        low[root] = counter;
        counter += 1;
        while let Some(&mut (v, via, ref mut next)) = stack.last_mut() {
            if let Some(&(w, k)) = adjacent[v].get(*next) {
                *next += 1;
                if k == via {
                    continue;
                }
                if order[w] == usize::MAX {
                    order[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push((w, k, 0));
                } else {
                    low[v] = low[v].min(order[w]);
                }
            } else {
                stack.pop();
                if let Some(&(parent, _, _)) = stack.last() {
                    low[parent] = low[parent].min(low[v]);
                    if low[v] > order[parent] {
                        is_bridge[via] = true;
                    }
                }
            }
        }
    }
    is_bridge
}
