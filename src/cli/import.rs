//! `gridpilot import`: MATPOWER case to GridPilot network file, laid out to be read.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The MATPOWER case (.m).
    file: PathBuf,
    /// Where to write the network (.ron).
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: &ImportArgs) -> Result<ExitCode, String> {
    let mut net = super::read_network(&args.file)?;
    super::check_output(&args.output)?;
    // MATPOWER cases carry no coordinates.
    super::layout::lay_out(&mut net, None)?;
    super::write_network(&net, &args.output)
}
