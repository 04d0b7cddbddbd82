//! The command line: arguments, configuration, exit codes. Everything else is called
//! through the library.

mod args;
mod check;
mod fix;
mod git;
mod progress;
mod rules_cmd;
mod setup;
pub mod vettool;

use clap::Parser;
use std::path::PathBuf;

pub use args::{Cli, Command};

/// Exit codes, as `defuse check` documents them.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

pub fn main() -> i32 {
    // The go command runs the tool with `-V=full`, `-flags` or `[flags] x.cfg`
    // (`go vet -vettool`, `go fix -fixtool`): not a command line clap knows.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(invocation) = vettool::detect(&args) {
        return vettool::run(invocation);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Fix(a) => fix::run(a),
        Command::Rules(a) => rules_cmd::list(a),
        Command::Explain(a) => rules_cmd::explain(a),
    }
}

pub(crate) fn error(msg: impl std::fmt::Display) -> i32 {
    anstream::eprintln!("defuse: error: {msg}");
    EXIT_ERROR
}

pub(crate) fn default_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}
