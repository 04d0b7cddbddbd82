//! The data every stage after the model speaks: findings, their positions and their fixes.
//! Kept free of tree-sitter so that reports, fixes and tests can build findings by hand.

use serde::Serialize;
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the model is. `Low` findings are hidden unless `--min-confidence low`:
/// they mark places where the model could not decide (locks taken in branches,
/// evidence from naming alone).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Whether `fix` applies a fix by default (`Safe`) or only with `--review-fixes`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Review,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Review => "review",
        }
    }
}

/// A 1-based line and a 1-based column counted in bytes, as Go's own tools count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub start: Position,
    pub end: Position,
}

/// Replace `start..end` of the original bytes with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The catalog form this fix implements (`[[fix]] name` in `transforms/<rule>.toml`);
    /// a test holds every rule to the forms and applicabilities its catalog declares.
    pub form: &'static str,
    /// One line for humans: "lock `s.mu` inside the deferred closure".
    pub title: String,
    pub applicability: Applicability,
    /// Non-overlapping edits on the finding's file, in any order.
    pub edits: Vec<Edit>,
}

/// Why a file's fixes are not offered: decided once, where it is found (the engine, or
/// the fix driver for a rewrite that would not parse), and rendered by the reports. A
/// file with one is never rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// The syntax tree nests deeper than the engine's limit there: not analyzed at all.
    TooDeep { limit: usize, at: Position },
    /// Go rejects bytes that are not UTF-8 anywhere, comments included.
    NotUtf8 { at: Position },
    /// The first syntax error.
    SyntaxError { at: Position },
    /// The merged fixes would not parse.
    FixWouldNotParse,
}

impl fmt::Display for Withheld {
    /// A predicate for the file as subject: "a.go: has syntax errors at line 3:1; …".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Withheld::TooDeep { limit, at } => write!(
                f,
                "nests deeper than {limit} levels at line {}:{}; not analyzed, and never rewritten",
                at.line, at.column
            ),
            Withheld::NotUtf8 { at } => write!(
                f,
                "is not valid UTF-8 at line {}:{}; its fixes are withheld",
                at.line, at.column
            ),
            Withheld::SyntaxError { at } => write!(
                f,
                "has syntax errors at line {}:{}; its fixes are withheld",
                at.line, at.column
            ),
            Withheld::FixWouldNotParse => {
                write!(f, "would not parse with its fixes; they are withheld")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// 1-based line of the `//defuse:ignore` comment.
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub confidence: Confidence,
    /// The path as the user should read it (relative to where they ran the tool when possible).
    pub path: String,
    pub span: Span,
    pub message: String,
    /// Why the model thinks so, one sentence each, in the order a reader needs them.
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
    /// When there is no fix, why not.
    pub no_fix_reason: Option<String>,
    pub suppressed: Option<Suppression>,
}

impl Finding {
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (
            &self.path,
            self.span.start_byte,
            self.span.end_byte,
            &self.rule,
        )
    }
}

/// Sort findings by file and position so that every run prints the same thing.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
impl Finding {
    /// A finding for the report tests: `rule` at `path`, on line `line` from column 2 to 7
    /// (bytes 0..5), an error at high confidence, without notes or a fix. Tests change
    /// what they test with struct update syntax.
    pub(crate) fn example(rule: &str, path: &str, line: usize) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Error,
            confidence: Confidence::High,
            path: path.into(),
            span: Span {
                start_byte: 0,
                end_byte: 5,
                start: Position { line, column: 2 },
                end: Position { line, column: 7 },
            },
            message: "deferred `delete(m, k)` runs after `mu` is released".into(),
            notes: vec![],
            fix: None,
            no_fix_reason: None,
            suppressed: None,
        }
    }
}
