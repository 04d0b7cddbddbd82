//! The one error a command ends with: what went wrong, the exit code, and a line on what
//! to do about it (ast-grep's `ErrorContext`, cargo's `help:`). [`super::main`] prints it
//! as
//!
//! ```text
//! defuse: error: <message>
//!   help: <one line>
//! ```
//!
//! and exits with its code. The library's typed errors (such as [`ConfigError`] and [`VcsError`]) say what went wrong and, through their `help()`, what to do; the
//! conversions below carry both over.

use std::fmt;

use super::EXIT_ERROR;
use crate::config::ConfigError;
use crate::vcs::VcsError;

/// What a command returns: its exit code when it ran to the end (findings and per-file
/// errors are reported on the way), or the error that stopped it.
pub type CliResult = Result<i32, CliError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// `None` when there is nothing to print: the error was said already, or there is no
    /// one to say it to (stdout closed under `| head`).
    message: Option<String>,
    help: Option<String>,
    code: i32,
}

impl CliError {
    /// An error that exits 2, the code of every usage and I/O error.
    pub fn new(message: impl fmt::Display) -> CliError {
        CliError {
            message: Some(message.to_string()),
            help: None,
            code: EXIT_ERROR,
        }
    }

    /// An exit with `code` and nothing printed.
    pub fn silent(code: i32) -> CliError {
        CliError {
            message: None,
            help: None,
            code,
        }
    }

    /// The line under the message that says what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> CliError {
        self.help = Some(help.into());
        self
    }

    fn with_optional_help(mut self, help: Option<String>) -> CliError {
        self.help = help;
        self
    }

    pub fn code(&self) -> i32 {
        self.code
    }

    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// What goes to stderr: the message and the help line, each ending in a newline;
    /// nothing for a silent error.
    pub fn render(&self) -> String {
        let Some(message) = &self.message else {
            return String::new();
        };
        let mut s = format!("defuse: error: {message}\n");
        if let Some(help) = &self.help {
            s.push_str(&format!("  help: {help}\n"));
        }
        s
    }

    /// Print the error on stderr; the exit code.
    pub fn report(&self) -> i32 {
        anstream::eprint!("{}", self.render());
        self.code
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.as_deref().unwrap_or(""))
    }
}

impl std::error::Error for CliError {}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> CliError {
        let help = e.help();
        CliError::new(e).with_optional_help(help)
    }
}

impl From<VcsError> for CliError {
    fn from(e: VcsError) -> CliError {
        let help = e.help();
        CliError::new(e).with_optional_help(help)
    }
}

/// A rule id nobody defined, with "did you mean" when one is close.
pub(crate) fn unknown_rule(id: &str, known: &[&str]) -> CliError {
    let suggestion = crate::catalog::closest(id, known);
    CliError::new(format!("unknown rule `{id}`"))
        .with_help(crate::catalog::unknown_rule_help(suggestion))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_prints_its_message_and_help_and_exits_2() {
        let e = CliError::new("branch `x` already exists").with_help("pass --force to replace it");
        assert_eq!(e.code(), EXIT_ERROR);
        assert_eq!(e.help(), Some("pass --force to replace it"));
        assert_eq!(
            e.render(),
            "defuse: error: branch `x` already exists\n  help: pass --force to replace it\n"
        );
        let plain = CliError::new("--output names a.json twice");
        assert_eq!(plain.help(), None);
        assert_eq!(
            plain.render(),
            "defuse: error: --output names a.json twice\n"
        );
    }

    #[test]
    fn a_silent_error_prints_nothing_and_keeps_its_code() {
        let e = CliError::silent(EXIT_ERROR);
        assert_eq!(e.render(), "");
        assert_eq!(e.code(), EXIT_ERROR);
    }

    #[test]
    fn an_unknown_rule_suggests_the_closest_and_names_the_list() {
        let known = ["deferred-write-unlocked", "map-write-under-rlock"];
        let e = unknown_rule("map-write-under-lock", &known);
        assert_eq!(e.to_string(), "unknown rule `map-write-under-lock`");
        assert_eq!(
            e.help(),
            Some("did you mean `map-write-under-rlock`? `defuse rules` lists the rules")
        );
        let e = unknown_rule("zzz", &known);
        assert_eq!(e.help(), Some("`defuse rules` lists the rules"));
        assert_eq!(e.code(), EXIT_ERROR);
    }
}
