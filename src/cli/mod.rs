//! The command line: arguments, configuration, exit codes. Everything else is called
//! through the library.

mod args;
mod check;
mod error;
mod fix;
mod git;
mod progress;
mod rules_cmd;
mod setup;
pub mod vettool;

use clap::Parser;
use std::path::PathBuf;

pub use args::{Cli, Command};
pub use error::{CliError, CliResult};

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
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Fix(a) => fix::run(a),
        Command::Rules(a) => rules_cmd::list(a),
        Command::Explain(a) => rules_cmd::explain(a),
    };
    result.unwrap_or_else(|e| e.report())
}

pub(crate) fn default_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}
