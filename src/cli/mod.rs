//! Command-line interface: argument definitions and one module per subcommand.

// First: the modules after it use its `outln!`.
#[macro_use]
mod output;
mod bench;
#[cfg(feature = "gui")]
mod bench_window;
mod contingency;
mod import;
mod layout;
mod learn;
mod pf;
mod run;

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use gridpilot::io::load_network;
use gridpilot::model::Network;
use gridpilot::powerflow::PowerFlowError;

/// GridPilot: operate electricity grids interactively.
///
/// Without a subcommand, opens the desktop application.
#[derive(Debug, Parser)]
#[command(name = "gridpilot", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Solve one AC power flow from a flat start and print the result.
    Pf(pf::PfArgs),
    /// Convert a MATPOWER case or a pandapower network into a GridPilot network file, laid out
    /// to be read.
    Import(import::ImportArgs),
    /// Lay a network's diagram out anew (all of it, or the buses named).
    Layout(layout::LayoutArgs),
    /// List a network's action and observation components with bounds and units.
    Spaces(run::SpacesArgs),
    /// Run an episode with an agent and print a summary or one JSON object per step.
    Run(run::RunArgs),
    /// Summarise a recorded episode; with --verify, re-simulate it and compare.
    Replay(run::ReplayArgs),
    /// Train a linear policy with Augmented Random Search and save the best one found.
    Train(learn::TrainArgs),
    /// Fit a linear policy to the actions recorded in an episode (behaviour cloning).
    Fit(learn::FitArgs),
    /// Compare agents on the same seeded episodes (the gym-anm paper's protocol).
    Evaluate(learn::EvaluateArgs),
    /// N-1 contingency analysis: take out each branch in turn and list what breaks.
    Contingency(contingency::ContingencyArgs),
    /// Measure performance in this build.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Open the desktop application (the default) on a network or episode file.
    #[cfg(feature = "gui")]
    Gui(GuiArgs),
}

#[cfg(feature = "gui")]
#[derive(Debug, Args)]
pub struct GuiArgs {
    /// A network (.ron, .m) or an episode file; ANM6-Easy when left out.
    file: Option<std::path::PathBuf>,
    /// Open in Edit mode.
    #[arg(long)]
    edit: bool,
    /// Who operates the grid: human, do-nothing, random, linear:POLICY.ron, schedule:ACTIONS.csv
    #[arg(long)]
    agent: Option<String>,
    /// With --screenshot: how many steps to play first.
    #[arg(long, default_value_t = 0, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=1_000_000))]
    play_steps: usize,
    /// Save a PNG of the whole window after playing, then exit.
    #[arg(long)]
    screenshot: Option<std::path::PathBuf>,
    /// Draw with wgpu instead of OpenGL.
    #[arg(long, value_parser = ["glow", "wgpu"], default_value = "glow")]
    renderer: String,
    /// The bottom tab to show.
    #[arg(long, value_parser = ["plots", "safety", "table", "n-1", "train", "compare", "validation", "log"])]
    tab: Option<String>,
    /// Select a bus, branch or device by name.
    #[arg(long)]
    select: Option<String>,
    /// In Edit mode, open the right-click menu of this element (for screenshots).
    #[arg(long)]
    menu: Option<String>,
    /// Start in presentation mode.
    #[arg(long)]
    presentation: bool,
    /// Select this bus, branch or device and centre it, zoomed in until names can be read.
    #[arg(long)]
    focus: Option<String>,
    /// With --screenshot: run N-1 on the step reached and show this branch's outage.
    #[arg(long)]
    outage: Option<String>,
    /// Start training a policy with this many iterations (Train tab).
    #[arg(long, value_parser = count(100_000))]
    train: Option<usize>,
    /// Start comparing do-nothing, random and the agent given (Compare tab).
    #[arg(long)]
    compare: bool,
    /// Colour the buses by zone.
    #[arg(long)]
    zones: bool,
}

#[cfg(feature = "gui")]
impl GuiArgs {
    fn launch(self) -> gridpilot::app::Launch {
        gridpilot::app::Launch {
            file: self.file,
            edit: self.edit,
            menu: self.menu,
            agent: self.agent,
            play_steps: self.play_steps,
            screenshot: self.screenshot,
            wgpu: self.renderer == "wgpu",
            tab: self.tab,
            select: self.select,
            presentation: self.presentation,
            outage: self.outage,
            focus: self.focus,
            train: self.train,
            compare: self.compare,
            zones: self.zones,
        }
    }
}

/// A count from 1 to `max`: clap refuses anything else with a message naming the range.
fn count(max: usize) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..=max as u64)
}

/// Solver settings shared by the commands that solve power flows.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Convergence tolerance: largest power mismatch in p.u.
    // Negative numbers are taken as the value so that `--tol -1` gets our one-line message.
    #[arg(long, default_value_t = 1e-8, allow_negative_numbers = true)]
    tol: f64,
    /// Maximum number of Newton iterations.
    #[arg(long, default_value_t = 10, value_parser = count(gridpilot::model::MAX_ITERATIONS))]
    max_iter: usize,
    /// Hold generators within their reactive limits (MATPOWER does not by default).
    #[arg(long)]
    enforce_q_limits: bool,
}

impl SolveArgs {
    fn options(&self) -> Result<gridpilot::powerflow::SolveOptions, String> {
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(format!("--tol must be a positive number, not {}", self.tol));
        }
        Ok(gridpilot::powerflow::SolveOptions {
            tolerance_pu: self.tol,
            max_iterations: self.max_iter,
            enforce_q_limits: self.enforce_q_limits,
            dc_fallback: true,
        })
    }
}

/// Runs a parsed command line; `Err` is a message for stderr (exit code 1).
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        #[cfg(feature = "gui")]
        None => gridpilot::app::run(Default::default()).map(|()| ExitCode::SUCCESS),
        #[cfg(not(feature = "gui"))]
        None => Err("this gridpilot was built without its window (the `gui` feature): give a subcommand, see --help".to_string()),
        #[cfg(feature = "gui")]
        Some(Command::Gui(args)) => gridpilot::app::run(args.launch()).map(|()| ExitCode::SUCCESS),
        Some(Command::Pf(args)) => pf::run(&args),
        Some(Command::Import(args)) => import::run(&args),
        Some(Command::Layout(args)) => layout::run(&args),
        Some(Command::Spaces(args)) => run::spaces(&args),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Replay(args)) => run::replay(&args),
        Some(Command::Train(args)) => learn::train(&args),
        Some(Command::Fit(args)) => learn::fit_policy(&args),
        Some(Command::Evaluate(args)) => learn::evaluate(&args),
        Some(Command::Contingency(args)) => contingency::run(&args),
        Some(Command::Bench(cmd)) => bench::run(&cmd),
    }
}

/// Reads a network file, turning any failure into its message.
fn read_network(path: &Path) -> Result<Network, String> {
    load_network(path).map_err(|e| e.to_string())
}

/// Refuses at once an output that cannot be written (a missing folder, a path that is not a
/// file), before any work whose result it would lose.
fn check_output(path: &Path) -> Result<(), String> {
    let fail =
        |why: &dyn std::fmt::Display| format!("{}: cannot write the file: {why}", path.display());
    let target = gridpilot::io::writable_target(path).map_err(|e| fail(&e))?;
    let folder = match target.parent() {
        Some(f) if !f.as_os_str().is_empty() => f,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(fail(&format_args!(
            "the folder {} does not exist",
            folder.display()
        )));
    }
    Ok(())
}

/// Writes a network file, atomically, and says what it holds.
fn write_network(net: &Network, path: &Path) -> Result<ExitCode, String> {
    gridpilot::io::save_network(net, path)
        .map_err(|e| format!("{}: cannot write the file: {e}", path.display()))?;
    outln!(
        "wrote {}: {} buses, {} branches, {} devices",
        path.display(),
        net.buses.len(),
        net.branches.len(),
        net.devices.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Prepares a power flow, naming the file in any validation message.
fn prepare(path: &Path, net: &Network) -> Result<gridpilot::powerflow::PowerFlow, String> {
    gridpilot::powerflow::PowerFlow::new(net).map_err(|e| solve_error(path, &e))
}

/// A power flow error as a message naming the file (the problems listed as everywhere else).
fn solve_error(path: &std::path::Path, error: &PowerFlowError) -> String {
    format!("{}: {error}", path.display())
}

/// Reads a network file and prints its warnings (what is allowed but unusual) to stderr.
fn read_network_warning(path: &Path) -> Result<Network, String> {
    let net = read_network(path)?;
    let report = net.validate();
    if !report.warnings.is_empty() {
        eprintln!(
            "gridpilot: {}: warning: {}",
            path.display(),
            report.warnings_listing()
        );
    }
    Ok(net)
}
