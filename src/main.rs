//! The `gridpilot` command: with no subcommand it opens the app; subcommands do headless work.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    restore_default_sigpipe();
    keep_freed_memory();
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

/// Keeps memory freed by one frame for the next (glibc): each frame of a large network builds
/// and drops meshes and lists of tens of megabytes, and glibc's defaults hand such blocks back
/// to the system and fault fresh pages in the next frame. That cost a third of an Edit-mode
/// frame on case9241pegase (`gridpilot bench edit`: 12.1–12.9 ms, 8.7–8.9 ms with this).
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; called before any thread starts.
    unsafe {
        // Blocks up to 32 MB (glibc's largest threshold) come from the heap, and up to 256 MB
        // freed at its top stay there.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
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
