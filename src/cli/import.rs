//! `gridpilot import`: MATPOWER case to GridPilot network file.

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
    let net = super::read_network(&args.file)?;
    gridpilot::io::save_network(&net, &args.output)
        .map_err(|e| format!("{}: cannot write the file: {e}", args.output.display()))?;
    outln!(
        "wrote {}: {} buses, {} branches, {} devices",
        args.output.display(),
        net.buses.len(),
        net.branches.len(),
        net.devices.len()
    )?;
    Ok(ExitCode::SUCCESS)
}
