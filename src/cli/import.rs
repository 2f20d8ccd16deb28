//! `gridpilot import`: a MATPOWER case or a pandapower network to a GridPilot network file,
//! laid out to be read.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use gridpilot::model::Network;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A MATPOWER case (.m) or a pandapower network (.json, from pandapower.to_json).
    file: PathBuf,
    /// Where to write the network (.ron).
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: &ImportArgs) -> Result<ExitCode, String> {
    let mut net = super::read_network(&args.file)?;
    super::check_output(&args.output)?;
    // MATPOWER cases carry no coordinates; a pandapower network's geodata is kept where every
    // bus has a place of its own.
    let matpower = args.file.extension().is_some_and(|e| e == "m");
    if matpower || !every_bus_placed(&net) {
        super::layout::lay_out(&mut net, None)?;
    }
    super::write_network(&net, &args.output)
}

/// Whether no two buses share a position (buses without geodata are all at the origin).
fn every_bus_placed(net: &Network) -> bool {
    let mut seen = std::collections::HashSet::new();
    net.buses
        .iter()
        .all(|b| seen.insert((b.position.x.to_bits(), b.position.y.to_bits())))
}
