//! `defuse` as the go command's analysis tool: `go vet -vettool=$(command -v defuse)` and
//! `go fix -fixtool=$(command -v defuse)`.
//!
//! Why: the go command knows which files make up a package in a build — build tags,
//! GOOS/GOARCH file suffixes, `_test.go` files in the test variants of a package — and
//! defuse's own walk does not evaluate build constraints. Run under the go command,
//! defuse analyzes exactly the files the compiler sees, once per file, and its results
//! are cached with the build.
//!
//! The protocol is the one golang.org/x/tools/go/analysis/unitchecker implements (the
//! go command calls it "unpublished"; cmd/go/internal/vet and work/exec.go are the
//! other side). The go command runs the tool three ways:
//!
//! - `defuse -V=full`: a line naming the executable's content, which the go command
//!   puts in its cache keys (`toolID` in cmd/go/internal/work/buildid.go);
//! - `defuse -flags`: the tool's flags as JSON, so that `go vet` knows which of its
//!   own command-line flags to pass on;
//! - `defuse [flags] …/vet.cfg`: analyze one package, described by the JSON config,
//!   once for each package vetted and once, with `VetxOnly`, for each of their
//!   dependencies (for the "facts" analyzers pass between packages; defuse has none).
//!
//! None of these is a command line a person types: the normal command line always
//! starts with a subcommand (`check`, `fix`, …), so [`detect`] can tell them apart
//! before clap sees the arguments.

mod zip;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::discover::{build_constraint_version, is_generated, GoVersion};
use crate::engine::{FileResult, RuleSelection, SourceUnit};
use crate::finding::{Applicability, Confidence, Finding};
use crate::fix::{unified_diff_bytes, write_atomic, FileFix, PlanOptions};
use crate::scan::Pipeline;

/// How the go command invoked the tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// `-V=full`.
    Version,
    /// `-flags`.
    Flags,
    /// `[flags] unit.cfg`.
    Unit { flags: Vec<String>, config: PathBuf },
}

/// The protocol invocation `args` (without the program name) are, if they are one:
/// exactly `-V=full`; exactly `-flags`; or a last argument ending in `.cfg` with
/// nothing but flags (and the values of the flags that take one) before it. Every
/// other command line is the normal one.
pub fn detect(args: &[OsString]) -> Option<Invocation> {
    let args: Vec<&str> = args.iter().map(|a| a.to_str()).collect::<Option<_>>()?;
    match args.as_slice() {
        ["-V=full"] => return Some(Invocation::Version),
        ["-flags"] => return Some(Invocation::Flags),
        _ => {}
    }
    let (config, flags) = args.split_last()?;
    if !config.ends_with(".cfg") {
        return None;
    }
    let mut i = 0;
    while i < flags.len() {
        let (name, value) = split_flag(flags[i])?;
        // `-name value`: the next argument is the value, whatever it looks like.
        if value.is_none() && FLAGS.iter().any(|f| f.name == name && !f.bool) {
            i += 1;
        }
        i += 1;
    }
    Some(Invocation::Unit {
        flags: flags.iter().map(|s| s.to_string()).collect(),
        config: PathBuf::from(config),
    })
}

/// `-name`, `--name`, `-name=value`, `--name=value`, as Go's flag package reads them.
fn split_flag(arg: &str) -> Option<(&str, Option<&str>)> {
    let rest = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-'))?;
    if rest.is_empty() || rest.starts_with('-') || rest.starts_with('=') {
        return None;
    }
    Some(match rest.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (rest, None),
    })
}

/// The flag at `args[*i]`, one of [`FLAGS`]: its name and its value, which for a flag
/// that is not boolean and has no `=value` is the next argument (`*i` then moves to it).
fn read_flag<'a>(args: &'a [String], i: &mut usize) -> Result<(&'a str, Option<String>), String> {
    let (name, value) =
        split_flag(&args[*i]).ok_or_else(|| format!("bad flag syntax: {}", args[*i]))?;
    let Some(spec) = FLAGS.iter().find(|f| f.name == name) else {
        return Err(format!("flag provided but not defined: -{name}"));
    };
    let value: Option<String> = match (spec.bool, value) {
        (_, Some(v)) => Some(v.to_string()),
        (true, None) => None,
        (false, None) => {
            *i += 1;
            Some(
                args.get(*i)
                    .ok_or_else(|| format!("flag needs an argument: -{name}"))?
                    .clone(),
            )
        }
    };
    Ok((name, value))
}

/// A flag as `-flags` describes it to the go command.
struct FlagSpec {
    name: &'static str,
    bool: bool,
    usage: &'static str,
}

/// The flags of the tool. `go vet` accepts each on its own command line and passes it
/// on (`-c` excepted: the go command draws the context lines itself). `-fix` is left
/// out of the list, as unitchecker leaves it out: the go command adds it itself for
/// `go fix` and `go vet -fix`.
///
/// Settings come from flags only, never from `defuse.toml`: the go command caches a
/// package's result under the tool's ID, its flags and the package's files, so a
/// setting read from anywhere else would not take effect until the cache is cleared.
const FLAGS: &[FlagSpec] = &[
    FlagSpec {
        name: "V",
        bool: true,
        usage: "print version and exit",
    },
    FlagSpec {
        name: "flags",
        bool: true,
        usage: "print analyzer flags in JSON",
    },
    FlagSpec {
        name: "json",
        bool: true,
        usage: "emit JSON output",
    },
    FlagSpec {
        name: "c",
        bool: false,
        usage: "display offending line with this many lines of context",
    },
    FlagSpec {
        name: "diff",
        bool: true,
        usage: "with -fix, don't update the files, but print a unified diff",
    },
    FlagSpec {
        name: "fix",
        bool: true,
        usage: "apply all safe fixes",
    },
    FlagSpec {
        name: "min-confidence",
        bool: false,
        usage: "report findings of at least this confidence: low, medium (default) or high",
    },
    FlagSpec {
        name: "ignore",
        bool: false,
        usage: "comma-separated rule ids not to report (see `defuse rules`)",
    },
];

/// Run one protocol invocation; the exit code.
pub fn run(inv: Invocation) -> i32 {
    match inv {
        Invocation::Version => version(),
        Invocation::Flags => flags(),
        Invocation::Unit { flags, config } => match Options::parse(&flags) {
            Ok(opts) => match unit(&config, &opts) {
                Ok(code) => code,
                Err(e) => fatal(e),
            },
            Err(e) => {
                eprintln!("defuse: {e}");
                // Go's flag package exits 2 on a bad flag.
                2
            }
        },
    }
}

/// unitchecker's `log.Fatal`: the message on stderr and exit 1, which the go command
/// reports as the tool failing on that package.
fn fatal(msg: impl std::fmt::Display) -> i32 {
    eprintln!("defuse: {msg}");
    1
}

/// `defuse version devel <crate version> buildID=<hash of this executable>`.
///
/// The go command takes a tool for a development build when the third field holds
/// `devel`, and then keys its cache on the last field, which must start with
/// `buildID=`: hashing the executable's bytes makes every rebuilt binary a new key,
/// so results of an older defuse are never replayed.
fn version() -> i32 {
    match version_line() {
        Ok(line) => {
            println!("{line}");
            0
        }
        Err(e) => fatal(e),
    }
}

pub fn version_line() -> Result<String, String> {
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find this executable to hash it: {e}"))?;
    let id = git2::Oid::hash_file(git2::ObjectType::Blob, &exe)
        .map_err(|e| format!("cannot hash {}: {e}", exe.display()))?;
    Ok(format!(
        "defuse version devel defuse-{} buildID={id}",
        env!("CARGO_PKG_VERSION")
    ))
}

fn flags() -> i32 {
    let list: Vec<serde_json::Value> = FLAGS
        .iter()
        // As unitchecker: -fix is the go command's to pass, not the user's.
        .filter(|f| f.name != "fix")
        .map(|f| serde_json::json!({"Name": f.name, "Bool": f.bool, "Usage": f.usage}))
        .collect();
    let text = serde_json::to_string_pretty(&list).expect("plain values");
    let mut out = std::io::stdout();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .is_err()
    {
        return 1;
    }
    0
}

/// The flags of one unit invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    json: bool,
    fix: bool,
    diff: bool,
    /// `-c N`: lines of context around a plain-text diagnostic; none when negative.
    context: i64,
    min_confidence: Confidence,
    ignore: Vec<String>,
}

/// The rule ids of `-ignore`, comma-separated, each one checked.
fn ignore_list(value: &str) -> Result<Vec<String>, String> {
    let known: Vec<&str> = crate::rules::ids()
        .into_iter()
        .chain(crate::suppress::META.iter().copied())
        .collect();
    let mut ids = Vec::new();
    for id in value.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        if !known.contains(&id) {
            let help = crate::catalog::unknown_rule_help(crate::catalog::closest(id, &known));
            return Err(format!(
                "invalid value for flag -ignore: unknown rule `{id}`; {help}"
            ));
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            json: false,
            fix: false,
            diff: false,
            context: -1,
            min_confidence: Confidence::Medium,
            ignore: Vec::new(),
        };
        let mut i = 0;
        while i < args.len() {
            let (name, value) = read_flag(args, &mut i)?;
            let boolean = || -> Result<bool, String> {
                match value.as_deref() {
                    None | Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(true),
                    Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(false),
                    Some(v) => Err(format!("invalid boolean value {v:?} for -{name}")),
                }
            };
            match name {
                "json" => o.json = boolean()?,
                "fix" => o.fix = boolean()?,
                "diff" => o.diff = boolean()?,
                "c" => {
                    let v = value.unwrap_or_default();
                    o.context = v
                        .parse()
                        .map_err(|_| format!("invalid value {v:?} for flag -c: parse error"))?;
                }
                "min-confidence" => {
                    o.min_confidence = match value.as_deref().unwrap_or_default() {
                        "low" => Confidence::Low,
                        "medium" => Confidence::Medium,
                        "high" => Confidence::High,
                        v => {
                            return Err(format!(
                        "invalid value {v:?} for flag -min-confidence: want low, medium or high"
                    ))
                        }
                    }
                }
                "ignore" => o.ignore.extend(ignore_list(&value.unwrap_or_default())?),
                // -V and -flags only mean something alone (see `detect`).
                _ => return Err(format!("-{name} must be the only argument")),
            }
            i += 1;
        }
        Ok(o)
    }

    fn rules(&self) -> RuleSelection {
        let mut sel = RuleSelection {
            min_confidence: self.min_confidence,
            ..RuleSelection::default()
        };
        sel.enabled.retain(|r| !self.ignore.contains(r));
        sel.ignored_meta = crate::suppress::META
            .iter()
            .filter(|m| self.ignore.iter().any(|i| i == *m))
            .map(|m| m.to_string())
            .collect();
        sel
    }
}

/// The config the go command writes for one package (`vetConfig` in
/// cmd/go/internal/work/exec.go; unitchecker's `Config`). Fields defuse does not use
/// (the export data of dependencies, the facts of dependencies) are left out: serde
/// skips unknown fields.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Config {
    /// "example.com/p" or "example.com/p [example.com/p.test]": the key of the JSON output.
    #[serde(rename = "ID")]
    id: String,
    /// The package's directory.
    #[serde(rename = "Dir")]
    dir: String,
    #[serde(rename = "ImportPath")]
    import_path: String,
    /// The module's `go` line, as "go1.22": the language version of every file without
    /// a `//go:build go1.N` line of its own.
    #[serde(rename = "GoVersion")]
    go_version: String,
    /// Absolute paths of the files the compiler compiles for this package: build
    /// constraints already applied.
    #[serde(rename = "GoFiles")]
    go_files: Vec<String>,
    /// Only write the facts file: this is a dependency of a vetted package.
    #[serde(rename = "VetxOnly")]
    vetx_only: bool,
    /// Where the facts go; the go command fails the package when it is missing.
    #[serde(rename = "VetxOutput")]
    vetx_output: String,
    /// Where the tool's standard output goes (the JSON diagnostics, the diffs).
    #[serde(rename = "Stdout")]
    stdout: String,
    /// Where fixed files go, as a zip archive, for the go command to write.
    #[serde(rename = "FixArchive")]
    fix_archive: String,
}

fn read_config(path: &Path) -> Result<Config, String> {
    let data = std::fs::read(path).map_err(|e| format!("open {}: {e}", path.display()))?;
    let cfg: Config = serde_json::from_slice(&data)
        .map_err(|e| format!("cannot decode JSON config file {}: {e}", path.display()))?;
    if cfg.go_files.is_empty() {
        // As unitchecker: the go command never vets a package without files.
        return Err(format!("package has no files: {}", cfg.import_path));
    }
    Ok(cfg)
}

/// Analyze the package `config` describes and report as the flags say; the exit code.
fn unit(config: &Path, opts: &Options) -> Result<i32, String> {
    let cfg = read_config(config)?;
    // unitchecker redirects its stdout first, so the file exists whatever happens next.
    let mut out: Box<dyn Write> = if cfg.stdout.is_empty() {
        Box::new(std::io::stdout())
    } else {
        Box::new(
            std::fs::File::create(&cfg.stdout)
                .map_err(|e| format!("cannot create {}: {e}", cfg.stdout))?,
        )
    };
    if cfg.vetx_only {
        // defuse passes no facts between packages: an empty facts file is all a
        // dependency needs, and nothing of it is read, parsed or reported.
        write_vetx(&cfg)?;
        return Ok(0);
    }
    let results = analyze(&cfg, &opts.rules())?;
    write_vetx(&cfg)?;
    let code = if opts.fix {
        fix(&cfg, opts, &results, &mut out)?
    } else if opts.json {
        json(&cfg, &results, &mut out)?
    } else {
        plain(opts, &results)
    };
    out.flush()
        .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(code)
}

fn write_vetx(cfg: &Config) -> Result<(), String> {
    if cfg.vetx_output.is_empty() {
        return Ok(());
    }
    std::fs::write(&cfg.vetx_output, b"")
        .map_err(|e| format!("failed to export analysis facts: {e}"))
}

/// The package's files, analyzed as `defuse check` analyzes a package: generated files
/// left out, the byte-level prefilter first, then the functions that can matter.
/// Files the package has none of the findings in are returned too (a fix is checked by
/// analyzing its rewrite with every other file of the package).
fn analyze(cfg: &Config, sel: &RuleSelection) -> Result<Vec<FileResult>, String> {
    let module_version = GoVersion::parse(&cfg.go_version).unwrap_or(GoVersion::DEFAULT);
    let mut units = Vec::new();
    let dir = Path::new(&cfg.dir);
    for path in &cfg.go_files {
        let mut path = path.clone();
        let mut src = std::fs::read(&path).map_err(|e| format!("open {path}: {e}"))?;
        // In a package that uses cgo, the go command gives the files that import "C"
        // as cgo's rewritten copies in its work directory, generated and with a
        // `//line` back to the original. defuse reads syntax, not types: it analyzes
        // the original instead, so that positions and fixes are the user's file's.
        if Path::new(&path).parent() != Some(dir) {
            if let Some(original) = cgo_original(&src, dir) {
                src = std::fs::read(&original)
                    .map_err(|e| format!("open {}: {e}", original.display()))?;
                path = original.display().to_string();
            }
        }
        if is_generated(&src) {
            continue;
        }
        // A file's own `//go:build go1.N` line sets its language version, as in the
        // compiler (and in `defuse check`).
        let version = build_constraint_version(&src).unwrap_or(module_version);
        units.push(SourceUnit {
            path,
            src,
            per_iteration_loop_vars: version.has_per_iteration_loop_vars(),
        });
    }
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let Some(mut results) = crate::scan::analyze_package(units, sel, Pipeline::Fast) else {
        return Ok(Vec::new());
    };
    // Any other file outside the package's directory is one the build made: it counts
    // for the package's facts, but a position or a fix there means nothing to the user.
    for r in &mut results {
        if !cfg.dir.is_empty() && Path::new(&r.path).parent() != Some(dir) {
            r.findings.clear();
        }
    }
    Ok(results)
}

/// The file a cgo copy was made from: the path of the `//line` comment cgo puts under
/// its header (`//line /abs/dir/file.go:1:1`), when that is a Go file of `dir` that
/// exists.
fn cgo_original(src: &[u8], dir: &Path) -> Option<PathBuf> {
    let head = &src[..src.len().min(4096)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // Cut inside a character, or not text: what comes before is enough.
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
    };
    let line = text
        .lines()
        .take(5)
        .find_map(|l| l.strip_prefix("//line "))?;
    // `path:line:col` or `path:line`.
    let mut path = line.trim_end();
    for _ in 0..2 {
        match path.rsplit_once(':') {
            Some((p, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => path = p,
            _ => break,
        }
    }
    let path = Path::new(path);
    let is_go = path.extension().is_some_and(|e| e == "go");
    (is_go && path.parent() == Some(dir) && path.is_file()).then(|| path.to_path_buf())
}

fn reported(results: &[FileResult]) -> impl Iterator<Item = &Finding> {
    results
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.suppressed.is_none())
}

/// The message go vet prints after the position: the rule id first, since the go
/// command does not print the analyzer's name.
fn message(f: &Finding) -> String {
    format!("{}: {}", f.rule, f.message)
}

/// unitchecker's plain output: `file:line:col: message` on stderr, exit 1 when there
/// was anything to say. `go vet` of Go 1.26 and later asks for JSON instead, and
/// prints the same lines itself.
fn plain(opts: &Options, results: &[FileResult]) -> i32 {
    let mut err = std::io::stderr().lock();
    let mut code = 0;
    for f in reported(results) {
        let _ = writeln!(
            err,
            "{}:{}:{}: {}",
            f.path,
            f.span.start.line,
            f.span.start.column,
            message(f)
        );
        if opts.context >= 0 {
            if let Some(r) = results.iter().find(|r| r.path == f.path) {
                let lines: Vec<&[u8]> = r.src.split(|b| *b == b'\n').collect();
                let first = f.span.start.line as i64 - opts.context;
                let last = f.span.end.line as i64 + opts.context;
                for i in first.max(1)..=last.min(lines.len() as i64) {
                    let line = String::from_utf8_lossy(lines[i as usize - 1]);
                    let _ = writeln!(err, "{i}\t{line}");
                }
            }
        }
        code = 1;
    }
    code
}

/// unitchecker's JSON tree: package ID → analyzer → diagnostics, with one analyzer,
/// `defuse`, and each diagnostic's rule as its category. One analyzer keeps the
/// findings in file and position order: `go vet` prints the analyzers of a package in
/// the order of a Go map, which changes from run to run. Nothing is written under the
/// package when it has no findings, as in unitchecker. Exit 0: the go command reads the
/// findings from the JSON and sets its own exit code.
fn json(cfg: &Config, results: &[FileResult], out: &mut dyn Write) -> Result<i32, String> {
    let mut diagnostics = Vec::new();
    for f in reported(results) {
        let posn = |p: crate::finding::Position| format!("{}:{}:{}", f.path, p.line, p.column);
        let mut d = serde_json::json!({
            "category": f.rule,
            "posn": posn(f.span.start),
            "end": posn(f.span.end),
            "message": message(f),
        });
        if let Some(fix) = f
            .fix
            .as_ref()
            .filter(|x| x.applicability == Applicability::Safe)
        {
            let mut edits: Vec<_> = fix.edits.iter().collect();
            edits.sort();
            d["suggested_fixes"] = serde_json::json!([{
                "message": fix.title,
                "edits": edits.iter().map(|e| serde_json::json!({
                    "filename": f.path,
                    "start": e.start,
                    "end": e.end,
                    "new": e.replacement,
                })).collect::<Vec<_>>(),
            }]);
        }
        diagnostics.push(d);
    }
    let mut tree = serde_json::Map::new();
    if !diagnostics.is_empty() {
        tree.insert(cfg.id.clone(), serde_json::json!({ ANALYZER: diagnostics }));
    }
    let text = serde_json::to_string_pretty(&tree).expect("plain values");
    writeln!(out, "{text}").map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(0)
}

/// The analyzer name in the JSON output.
const ANALYZER: &str = "defuse";

/// `-fix`: the safe fixes, as `defuse fix` makes them (never `review` ones, never in a
/// file with syntax errors). With `-diff` the diffs go to the output, in unitchecker's
/// form (`--- file (old)`, `+++ file (new)`), and `go fix -diff` passes them on; with a
/// fix archive the fixed files go there for the go command to write; else the files
/// are rewritten here. Exit 0 unless a file cannot be written: diagnostics are not
/// printed in this mode.
fn fix(
    cfg: &Config,
    opts: &Options,
    results: &[FileResult],
    out: &mut dyn Write,
) -> Result<i32, String> {
    let mut fixes: Vec<FileFix> = if reported(results).next().is_none() {
        Vec::new()
    } else {
        crate::fix::fix_package(results, &opts.rules(), &PlanOptions::default())
    };
    fixes.retain(|f| f.changed());
    fixes.sort_by(|a, b| a.path.cmp(&b.path));
    if opts.diff {
        for f in &fixes {
            out.write_all(&unitchecker_diff(&f.path, &f.old, &f.new))
                .map_err(|e| format!("cannot write the output: {e}"))?;
        }
        return Ok(0);
    }
    if !cfg.fix_archive.is_empty() {
        let entries: Vec<(String, Vec<u8>)> = fixes
            .iter()
            .map(|f| (f.path.clone(), f.new.clone()))
            .collect();
        std::fs::write(&cfg.fix_archive, zip::archive(&entries, &cfg.id))
            .map_err(|e| format!("can't create -fix archive: {e}"))?;
        return Ok(0);
    }
    let mut code = 0;
    for f in &fixes {
        if let Err(e) = write_atomic(Path::new(&f.path), &f.old, &f.new, None) {
            eprintln!("defuse: {e}");
            code = 1;
        }
    }
    Ok(code)
}

/// A unified diff headed as x/tools' `diff.Unified(file+" (old)", file+" (new)", …)`,
/// which is what `go fix -diff` prints for its own fixers.
fn unitchecker_diff(path: &str, old: &[u8], new: &[u8]) -> Vec<u8> {
    let git = unified_diff_bytes(path, old, new);
    if git.is_empty() {
        return git;
    }
    // The git header is three lines (`diff --git`, `---`, `+++`); the hunks follow.
    let mut rest: &[u8] = &git;
    for _ in 0..3 {
        match rest.iter().position(|b| *b == b'\n') {
            Some(n) => rest = &rest[n + 1..],
            None => rest = &[],
        }
    }
    let mut out = format!("--- {path} (old)\n+++ {path} (new)\n").into_bytes();
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_go_commands_invocations_are_detected() {
        assert_eq!(detect(&args(&["-V=full"])), Some(Invocation::Version));
        assert_eq!(detect(&args(&["-flags"])), Some(Invocation::Flags));
        assert_eq!(
            detect(&args(&["-json", "/tmp/b001/vet.cfg"])),
            Some(Invocation::Unit {
                flags: vec!["-json".into()],
                config: "/tmp/b001/vet.cfg".into()
            })
        );
        assert_eq!(
            detect(&args(&[
                "-min-confidence",
                "low",
                "-fix",
                "-diff",
                "vet.cfg"
            ])),
            Some(Invocation::Unit {
                flags: args(&["-min-confidence", "low", "-fix", "-diff"])
                    .iter()
                    .map(|s| s.to_string_lossy().into_owned())
                    .collect(),
                config: "vet.cfg".into()
            })
        );
        assert!(matches!(
            detect(&args(&["x.cfg"])),
            Some(Invocation::Unit { .. })
        ));
    }

    #[test]
    fn the_normal_command_line_is_left_alone() {
        for line in [
            &[][..],
            &["check"],
            &["check", "vet.cfg"],
            &["fix", "--diff", "a.cfg"],
            &["-V"],
            &["--version"],
            &["-flags", "x"],
            &["--help"],
            &["check", "-V=full"],
            &["-q", "notes.cfg.go"],
            &["-json", "check", "x.cfg"],
        ] {
            assert_eq!(detect(&args(line)), None, "{line:?}");
        }
    }

    #[test]
    fn unit_flags_parse_as_gos_flag_package_reads_them() {
        let o = Options::parse(&[
            "-json".into(),
            "--c=2".into(),
            "-min-confidence".into(),
            "high".into(),
            "-ignore=defer-in-loop-map-cleanup".into(),
        ])
        .unwrap();
        assert!(o.json && !o.fix && !o.diff);
        assert_eq!(o.context, 2);
        assert_eq!(o.min_confidence, Confidence::High);
        assert!(!o
            .rules()
            .enabled
            .contains(&"defer-in-loop-map-cleanup".to_string()));
        assert!(Options::parse(&["-json=false".into()]).is_ok_and(|o| !o.json));
        assert!(Options::parse(&["-nope".into()]).is_err());
        assert!(Options::parse(&["-ignore=no-such-rule".into()]).is_err());
        assert!(Options::parse(&["-min-confidence".into()]).is_err());
        let typo = Options::parse(&["-ignore=map-write-under-lock".into()]).err();
        assert_eq!(
            typo.unwrap(),
            "invalid value for flag -ignore: unknown rule `map-write-under-lock`; \
             did you mean `map-write-under-rlock`? `defuse rules` lists the rules"
        );
    }

    #[test]
    fn the_version_line_is_one_the_go_command_accepts() {
        let line = version_line().unwrap();
        let f: Vec<&str> = line.split_whitespace().collect();
        assert!(f.len() >= 3 && f[1] == "version" && f[2].contains("devel"));
        let id = f.last().unwrap().strip_prefix("buildID=").unwrap();
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn a_cgo_copy_leads_back_to_its_original() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("store.go"), "package store\n").unwrap();
        let copy = |line: &str| {
            format!("// Code generated by cmd/cgo; DO NOT EDIT.\n\n{line}\npackage store\n")
        };
        let store = dir.join("store.go").display().to_string();
        for line in [format!("//line {store}:1:1"), format!("//line {store}:1")] {
            assert_eq!(
                cgo_original(copy(&line).as_bytes(), dir),
                Some(dir.join("store.go")),
                "{line}"
            );
        }
        // Elsewhere, missing, or not Go: not an original of this package.
        for line in [
            "//line /elsewhere/store.go:1:1".to_string(),
            format!("//line {}:1:1", dir.join("gone.go").display()),
            format!("//line {}:1:1", dir.join("store.c").display()),
            "// no line comment".to_string(),
        ] {
            assert_eq!(cgo_original(copy(&line).as_bytes(), dir), None, "{line}");
        }
    }

    #[test]
    fn diffs_are_headed_as_unitcheckers() {
        let d = unitchecker_diff("/m/a.go", b"a\nb\n", b"a\nc\n");
        let d = String::from_utf8(d).unwrap();
        assert!(
            d.starts_with("--- /m/a.go (old)\n+++ /m/a.go (new)\n@@ -1,2 +1,2 @@\n"),
            "{d}"
        );
        assert!(unitchecker_diff("/m/a.go", b"a\n", b"a\n").is_empty());
    }
}
