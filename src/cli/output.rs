//! Standard output that fails politely: a full disk is an error message naming the problem,
//! a closed pipe (`gridpilot … | head`) ends the program quietly, as other tools do.

use std::fmt;
use std::io::Write;

/// Writes one line to standard output.
pub fn line(args: fmt::Arguments) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    let written = writeln!(out, "{args}").and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(format!("cannot write the output: {e}")),
    }
}

/// `println!` that returns an error message instead of panicking: `outln!("…")?`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}
