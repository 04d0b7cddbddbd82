//! The command line's arguments, and nothing else: the leaf every other `cli` module
//! reads.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "defuse",
    version,
    about = "Finds risky Go code where defer meets maps, and rewrites it into safe forms",
    after_help = "Exit codes: 0 no findings, 1 findings, 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Report findings.
    Check(CheckArgs),
    /// Rewrite findings into safe forms: a unified diff by default, or in place.
    Fix(FixArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print one rule's documentation: rationale, fix forms, examples.
    Explain(ExplainArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Files or directories (a directory means the tree below it; `./...` works too). Default: `.`
    pub paths: Vec<PathBuf>,
    /// Only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report findings of at least this confidence. Low-confidence findings mark places the
    /// model could not decide.
    #[arg(long, value_enum, default_value_t = MinConfidence::Medium)]
    pub min_confidence: MinConfidence,
    /// Walk into `vendor/` directories.
    #[arg(long)]
    pub include_vendor: bool,
    /// Walk into `testdata/` directories.
    #[arg(long)]
    pub include_testdata: bool,
    /// Walk into hidden directories.
    #[arg(long)]
    pub include_hidden: bool,
    /// Analyze generated files (`// Code generated … DO NOT EDIT.`).
    #[arg(long)]
    pub include_generated: bool,
    /// Do not honor `.gitignore`.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip paths matching this gitignore-style glob (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Use this configuration file instead of the nearest `defuse.toml`.
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `defuse.toml`.
    #[arg(long)]
    pub no_config: bool,
    /// Worker threads for the analysis (default: the available cores). The walk of one
    /// directory runs beside them on a thread of its own; of several paths, with this
    /// many threads.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Scan only shard I of N (1 ≤ I ≤ N): packages are split by a hash of their
    /// directory below the given path, so that N runs, one per CI job, together report
    /// exactly what one run reports.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::scan::Shard>,
    /// When to color output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Print nothing on stderr but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Exit 0 even when findings remain (errors still exit 2): for a CI step that only
    /// reports, such as a SARIF upload.
    #[arg(long)]
    pub exit_zero: bool,
    #[command(flatten)]
    pub changed: ChangedArgs,
}

/// `--changed-since`, for `check` and `fix` (the git work is in `super::git`).
#[derive(Args, Debug, Clone, Default)]
pub struct ChangedArgs {
    /// Only findings that start on a line added or changed since REV (a commit, branch or
    /// tag), as the working tree stands: committed, staged, unstaged, or in an untracked file.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// With --changed-since: since the merge base of REV and HEAD, as `git diff REV...`
    /// (what a pull request into REV changes).
    #[arg(long, requires = "changed_since")]
    pub merge_base: bool,
}

/// `fix --branch` (the git work is in `super::git`).
#[derive(Args, Debug, Clone, Default)]
pub struct BranchArgs {
    /// Commit the fixes on branch NAME, on top of --base, without touching the working
    /// tree, the index or HEAD; print the commit id. The files to fix must be as they
    /// are in --base.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["write", "diff"])]
    pub branch: Option<String>,
    /// With --branch: the commit to fix and to build on.
    #[arg(long, value_name = "REV", default_value = "HEAD", requires = "branch")]
    pub base: String,
    /// With --branch: the commit message's first line (default: "defuse: fix N hazards in M files").
    #[arg(long, value_name = "MSG", requires = "branch")]
    pub message: Option<String>,
    /// With --branch: replace branch NAME when it exists.
    #[arg(long, requires = "branch")]
    pub force: bool,
    /// With --branch: the commit's author, as `Name <email>` (default: git's user.name
    /// and user.email).
    #[arg(long, value_name = "AUTHOR", requires = "branch")]
    pub author: Option<String>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Output format, on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// A report in FORMAT, to FILE or (without `=FILE`) to stdout; repeatable, so that one
    /// run writes several (`--output sarif=defuse.sarif --output github`). Replaces
    /// `--format`.
    #[arg(long, value_name = "FORMAT[=FILE]", conflicts_with = "format")]
    pub output: Vec<OutputSpec>,
    /// Print how many findings each rule has, and how many of them a fix covers, instead
    /// of the findings (a table; JSON with `--format json`).
    #[arg(long, conflicts_with = "output")]
    pub statistics: bool,
}

#[derive(Args, Debug)]
pub struct FixArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Print a unified diff (the default) that `git apply` and `patch -p1` accept.
    #[arg(long, conflicts_with = "write")]
    pub diff: bool,
    /// Apply the fixes to the files, atomically.
    #[arg(long)]
    pub write: bool,
    /// Also apply fixes marked `review` (they change behavior a person should look at).
    #[arg(long)]
    pub review_fixes: bool,
    /// With `--write`, touch files that have uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Type-check the rewritten packages and their tests with the Go compiler (one
    /// `go list -export -test -overlay` per module) before anything is written or printed;
    /// fixes that break a package's type check are dropped.
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub branch: BranchArgs,
    /// After fixing, write a Markdown pull-request body (per-rule summary, per-file
    /// changes, findings not fixed, how to regenerate) to FILE.
    #[arg(long, value_name = "FILE")]
    pub pr_body: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A rule id, as `defuse rules` lists them.
    pub rule: String,
    /// Everything: the rationale, every example before and after its fix, and the cases
    /// the rule stays silent on. On a terminal, through `$PAGER` (default `less -FRX`).
    #[arg(long)]
    pub full: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human text with source snippets.
    Text,
    /// One line per finding, `path:line:col: rule: message`, as compilers and `go vet` print.
    Concise,
    /// The JSON report described by docs/json-schema.json.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (upload-sarif) and other SARIF readers.
    Sarif,
    /// GitHub Actions workflow commands, which annotate the pull request.
    Github,
}

/// `defuse rules` lists the catalog; SARIF and annotations are for findings.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinConfidence {
    Low,
    Medium,
    High,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// Where one `--output` goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    /// `None`: stdout.
    pub file: Option<PathBuf>,
}

/// "unknown format", the one meant when it is a typo away (two edits at most: the names
/// are short), and the list.
fn unknown_format(name: &str) -> String {
    let names: Vec<String> = Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect();
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    let meant = crate::catalog::closest(name, &known)
        .filter(|m| strsim::levenshtein(name, m) <= 2)
        .map(|m| format!("did you mean `{m}`? "))
        .unwrap_or_default();
    format!(
        "unknown format `{name}`; {meant}one of: {}",
        names.join(", ")
    )
}

impl std::str::FromStr for OutputSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<OutputSpec, String> {
        let (name, file) = match s.split_once('=') {
            Some((name, "")) => {
                return Err(format!(
                    "`{name}=` names no file; write `{name}=FILE`, or `{name}` for stdout"
                ))
            }
            Some((name, file)) => (name, Some(PathBuf::from(file))),
            None => (s, None),
        };
        let format = Format::from_str(name, false).map_err(|_| unknown_format(name))?;
        Ok(OutputSpec { format, file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn an_unknown_output_format_names_the_one_meant_and_the_list() {
        let list = "one of: text, concise, json, sarif, github";
        let e = OutputSpec::from_str("jsn=a.json").unwrap_err();
        assert_eq!(
            e,
            format!("unknown format `jsn`; did you mean `json`? {list}")
        );
        let e = OutputSpec::from_str("sraif=a.sarif").unwrap_err();
        assert_eq!(
            e,
            format!("unknown format `sraif`; did you mean `sarif`? {list}")
        );
        // Three edits from `json` is another format, not a typo of it.
        let e = OutputSpec::from_str("csv").unwrap_err();
        assert_eq!(e, format!("unknown format `csv`; {list}"));
        assert_eq!(
            OutputSpec::from_str("sarif=a.sarif").unwrap(),
            OutputSpec {
                format: Format::Sarif,
                file: Some("a.sarif".into())
            }
        );
    }
}
