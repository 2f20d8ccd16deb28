//! `gridpilot import`: a MATPOWER case or a pandapower network to a GridPilot network file,
//! laid out to be read.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use gridpilot::io::lacks_diagram;

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
    if lacks_diagram(&args.file, &net) {
        super::layout::lay_out(&mut net, None)?;
    }
    super::write_network(&net, &args.output)
}
