//! `gridpilot layout`: a readable diagram for a network file, and the layout `gridpilot import`
//! gives what it imports.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use gridpilot::layout::{Graph, Kind, crossings, lay_out_network};
use gridpilot::model::Network;

#[derive(Debug, Args)]
pub struct LayoutArgs {
    /// A GridPilot network (.ron) or a MATPOWER case (.m).
    file: PathBuf,
    /// Where to write the network with its new layout (.ron).
    #[arg(short, long)]
    output: PathBuf,
    /// Lay out only these buses (comma-separated names); the others stay where they are.
    #[arg(long, value_delimiter = ',')]
    only: Option<Vec<String>>,
}

pub fn run(args: &LayoutArgs) -> Result<ExitCode, String> {
    let mut net = super::read_network(&args.file)?;
    super::check_output(&args.output)?;
    if let Some(only) = &args.only
        && let Some(unknown) = only
            .iter()
            .find(|n| !net.buses.iter().any(|b| &b.name == *n))
    {
        return Err(format!(
            "{}: --only names bus '{unknown}', which the network does not have",
            args.file.display()
        ));
    }
    lay_out(&mut net, args.only.as_deref())?;
    super::write_network(&net, &args.output)
}

/// Lays the network out with a progress bar on a terminal, and says what it did.
pub fn lay_out(net: &mut Network, only: Option<&[String]>) -> Result<(), String> {
    let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("laying out {bar:30} {percent:>3}%")
            .map_err(|e| e.to_string())?,
    );
    let started = Instant::now();
    let never = AtomicBool::new(false);
    let progress = |done: f64| bar.set_position((done.clamp(0.0, 1.0) * 1000.0) as u64);
    let kind = lay_out_network(net, only, &progress, &never).map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let graph = Graph::of_network(net);
    let xy: Vec<[f64; 2]> = net
        .buses
        .iter()
        .map(|b| [b.position.x, b.position.y])
        .collect();
    outln!(
        "laid out {} buses {} in {:.2} s: {} branch crossings",
        only.map_or(net.buses.len(), <[String]>::len),
        match kind {
            Kind::Tree => "as a feeder's tree",
            Kind::Force => "force-directed",
        },
        started.elapsed().as_secs_f64(),
        crossings(&graph, &xy)
    )
}
