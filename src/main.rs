//! The `gridpilot` command: with no subcommand it opens the app; subcommands do headless work.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    restore_default_sigpipe();
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // Help and version go to stdout with success; usage errors exit 1, keeping exit
            // code 2 for "the power flow did not converge".
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("gridpilot: {message}");
            ExitCode::from(1)
        }
    }
}

/// Lets `gridpilot … | head` end quietly: Rust ignores SIGPIPE, which turns a closed pipe into
/// a panic on the next print; the default action ends the process as other tools do.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
