use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{CheckArgs, Format, OutputSpec};
use super::error::{CliError, CliResult};
use super::progress::{summary, Bar, Tally};
use super::{setup::setup, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::finding::Finding;
use crate::report::{self, FileProblem, Run};
use crate::scan::{scan_with_progress, ScanResult};

pub fn run(a: CheckArgs) -> CliResult {
    let outputs = outputs(&a)?;
    let s = setup(&a.scan)?;
    let started = std::time::Instant::now();
    let bar = Bar::new(a.scan.quiet);
    let result = scan_with_progress(&s.scan, &bar);
    bar.finish();
    let findings = reported_findings(&result, s.changed.as_ref());
    let mut sources: HashMap<String, Arc<Vec<u8>>> = HashMap::new();
    for f in result.files() {
        if !f.findings.is_empty() {
            sources.insert(f.path.clone(), Arc::new(f.src.clone()));
        }
    }
    let stdout_shows_problems = outputs
        .iter()
        .any(|o| o.file.is_none() && o.format != Format::Concise)
        && !a.statistics;
    let mut failed = false;
    for o in &outputs {
        let text = if a.statistics {
            with_run(
                &findings,
                &[],
                result.files_scanned,
                &sources,
                |run| match o.format {
                    Format::Json => report::statistics::render_json(run),
                    _ => report::statistics::render_text(run),
                },
            )
        } else {
            render(o, &findings, &result, &sources, s.scan.shard)?
        };
        if let Err(e) = deliver(o, &text) {
            if o.file.is_none() {
                // stdout closed (`| head`): nothing more to say to anyone.
                return Err(CliError::silent(EXIT_ERROR));
            }
            anstream::eprintln!("defuse: error: {e}");
            failed = true;
        }
    }
    for e in &result.errors {
        anstream::eprintln!("defuse: error: {}: {}", e.path, e.message);
    }
    if !a.scan.quiet && !stdout_shows_problems {
        for p in &result.problems {
            anstream::eprintln!("defuse: warning: {}: {}", p.path, p.message);
        }
    }
    let suppressed = findings.iter().filter(|f| f.suppressed.is_some()).count();
    let shown = findings.len() - suppressed;
    if !a.scan.quiet {
        let tally = Tally {
            files_scanned: result.files_scanned,
            findings: shown,
            suppressed,
            errors: result.errors.len(),
            fixes: None,
        };
        anstream::eprintln!("{}", summary(&tally, started));
    }
    Ok(if failed || !result.errors.is_empty() {
        EXIT_ERROR
    } else if shown > 0 && !a.scan.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// The findings a run reports, suppressed ones included (reports show or count them):
/// every file's, less those off the changed lines with `--changed-since`. `check` and `fix`
/// count the same list.
pub(super) fn reported_findings(
    result: &ScanResult,
    changed: Option<&crate::vcs::ChangedLines>,
) -> Vec<Finding> {
    let all: Vec<Finding> = result
        .files()
        .flat_map(|f| f.findings.iter().cloned())
        .collect();
    match changed {
        Some(c) => crate::vcs::filter_changed(all, c),
        None => all,
    }
}

/// The reports to write: `--output` as given, or else `--format` on stdout. At most one
/// goes to stdout (two would interleave), and no file twice.
fn outputs(a: &CheckArgs) -> Result<Vec<OutputSpec>, CliError> {
    if a.output.is_empty() {
        if a.statistics && !matches!(a.format, Format::Text | Format::Json) {
            return Err(CliError::new(
                "--statistics prints a table, or JSON with `--format json`",
            ));
        }
        return Ok(vec![OutputSpec {
            format: a.format,
            file: None,
        }]);
    }
    if a.output.iter().filter(|o| o.file.is_none()).count() > 1 {
        return Err(CliError::new("more than one --output goes to stdout")
            .with_help("give all but one of them a file: `--output FORMAT=FILE`"));
    }
    let mut files: Vec<&Path> = Vec::new();
    for o in &a.output {
        if let Some(f) = &o.file {
            if files.contains(&f.as_path()) {
                return Err(
                    CliError::new(format!("--output names {} twice", f.display()))
                        .with_help("give each report a file of its own"),
                );
            }
            files.push(f);
        }
    }
    Ok(a.output.clone())
}

/// Call `f` with the report input: findings, problems and the sources for snippets.
fn with_run<R>(
    findings: &[Finding],
    problems: &[FileProblem],
    files_scanned: usize,
    sources: &HashMap<String, Arc<Vec<u8>>>,
    f: impl FnOnce(&Run<'_>) -> R,
) -> R {
    let lookup = |p: &str| sources.get(p).cloned();
    f(&Run {
        findings,
        problems,
        files_scanned,
        sources: &lookup,
    })
}

fn render(
    output: &OutputSpec,
    findings: &[Finding],
    result: &ScanResult,
    sources: &HashMap<String, Arc<Vec<u8>>>,
    shard: Option<crate::scan::Shard>,
) -> Result<String, CliError> {
    let format = output.format;
    let n = result.files_scanned;
    Ok(match format {
        // Colors only for stdout, where anstream drops them when it is not a terminal;
        // a file gets plain text.
        Format::Text => with_run(findings, &result.problems, n, sources, |run| {
            report::text::render(run, output.file.is_none())
        }),
        Format::Concise => with_run(findings, &[], n, sources, report::concise::render),
        Format::Json => {
            // JSON has one list of problems for both warnings and errors, as its schema says.
            let mut problems = result.problems.clone();
            problems.extend(result.errors.iter().cloned());
            with_run(findings, &problems, n, sources, report::json::render)
        }
        Format::Github | Format::Sarif => {
            let cwd = std::env::current_dir()
                .map_err(|e| CliError::new(format!("cannot read the current directory: {e}")))?;
            let root = repository_root(&cwd);
            let rebase = |p: &str| relative_to(p, &cwd, &root);
            let findings: Vec<Finding> = findings
                .iter()
                .map(|f| Finding {
                    path: rebase(&f.path),
                    ..f.clone()
                })
                .collect();
            let problems: Vec<FileProblem> = result
                .problems
                .iter()
                .map(|p| FileProblem {
                    path: rebase(&p.path),
                    message: p.message.clone(),
                })
                .collect();
            let sources: HashMap<String, Arc<Vec<u8>>> = sources
                .iter()
                .map(|(p, src)| (rebase(p), src.clone()))
                .collect();
            with_run(&findings, &problems, n, &sources, |run| {
                if format == Format::Github {
                    report::github::render(run)
                } else {
                    report::sarif::render(
                        run,
                        &report::sarif::Options {
                            root: &root,
                            execution_successful: result.errors.is_empty(),
                            automation_id: automation_id(shard).as_deref(),
                        },
                    )
                }
            })
        }
    })
}

/// SARIF's `runAutomationDetails.id` for a shard. GitHub code scanning keeps one analysis
/// per category (the id up to its last `/`), so each shard gets its own, and a later upload
/// of shard 2 does not replace shard 1's alerts. Without a shard there is none: then
/// upload-sarif's `category` input (which never overrides an id in the file) decides.
fn automation_id(shard: Option<crate::scan::Shard>) -> Option<String> {
    shard.map(|s| format!("defuse/shard-{}-of-{}/", s.index + 1, s.count))
}

/// The top of the git working tree that holds `cwd`, or `cwd` outside one: what GitHub
/// resolves annotation and SARIF paths against, whichever directory the run started in.
fn repository_root(cwd: &Path) -> PathBuf {
    git2::Repository::discover(cwd)
        .ok()
        .and_then(|r| r.workdir().and_then(|w| std::fs::canonicalize(w).ok()))
        .unwrap_or_else(|| cwd.to_path_buf())
}

/// `path` (as the scan names it: relative to `cwd`, or absolute) relative to `root`, with
/// `.` and `..` resolved by name; unchanged when it lies outside `root`.
fn relative_to(path: &str, cwd: &Path, root: &Path) -> String {
    let mut abs = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                abs.pop();
            }
            other => abs.push(other),
        }
    }
    match abs.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.to_string(),
    }
}

/// Write one report: to stdout, or to its file through a temporary file renamed over it,
/// so that a reader (an upload step) never sees half a report.
fn deliver(o: &OutputSpec, text: &str) -> Result<(), String> {
    match &o.file {
        None => {
            let mut stdout = anstream::stdout();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
        Some(path) => {
            let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
            // A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written in place:
            // renaming over it would replace the device with a file.
            let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
            if special {
                return std::fs::write(path, text).map_err(fail);
            }
            // Through a symbolic link, the file it points to is replaced, not the link.
            let target = match std::fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(fail)?,
                _ => path.clone(),
            };
            let dir = match target.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            // A new file gets the mode any other would (0666 less the umask), not the
            // temporary file's 0600; an existing one keeps its own.
            let mut builder = tempfile::Builder::new();
            let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let new_file = std::fs::Permissions::from_mode(0o666);
                builder.permissions(existing.clone().unwrap_or(new_file));
            }
            let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
            tmp.write_all(text.as_bytes()).map_err(fail)?;
            if let Some(p) = existing {
                // The umask applied at creation; an existing file's mode is restored whole.
                tmp.as_file().set_permissions(p).map_err(fail)?;
            }
            tmp.persist(&target).map_err(|e| fail(e.error))?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_to_the_repository_root() {
        let root = Path::new("/repo");
        let cwd = Path::new("/repo/sub");
        assert_eq!(relative_to("pkg/a.go", cwd, root), "sub/pkg/a.go");
        assert_eq!(relative_to("./pkg/../b.go", cwd, root), "sub/b.go");
        assert_eq!(relative_to("../top.go", cwd, root), "top.go");
        assert_eq!(relative_to("/repo/x/y.go", cwd, root), "x/y.go");
        assert_eq!(relative_to("/elsewhere/z.go", cwd, root), "/elsewhere/z.go");
    }

    /// A report to a pipe or a device is written into it, not renamed over it (as root,
    /// a rename over `/dev/null` replaces the device with a file).
    #[cfg(unix)]
    #[test]
    fn a_report_to_a_pipe_goes_through_it_and_leaves_it_a_pipe() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("report.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let o = OutputSpec {
            format: Format::Concise,
            file: Some(fifo.clone()),
        };
        deliver(&o, "a.go:1:1: r: m\n").unwrap();
        assert_eq!(reader.join().unwrap(), "a.go:1:1: r: m\n");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        // A regular file is replaced whole.
        let file = dir.path().join("report.txt");
        std::fs::write(&file, "old and longer").unwrap();
        let o = OutputSpec {
            format: Format::Concise,
            file: Some(file.clone()),
        };
        deliver(&o, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new\n");
    }

    /// A new report gets the mode any new file gets (not a temporary file's 0600), an
    /// existing one keeps its mode, and a symbolic link stays a link to the new report.
    #[cfg(unix)]
    #[test]
    fn a_report_file_has_the_usual_mode_and_links_stay_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "").unwrap();
        let spec = |p: &Path| OutputSpec {
            format: Format::Json,
            file: Some(p.to_path_buf()),
        };
        let fresh = dir.path().join("fresh.json");
        deliver(&spec(&fresh), "{}").unwrap();
        assert_eq!(mode(&fresh), mode(&reference));
        std::fs::set_permissions(&fresh, std::fs::Permissions::from_mode(0o640)).unwrap();
        deliver(&spec(&fresh), "{}").unwrap();
        assert_eq!(mode(&fresh), 0o640);
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("fresh.json", &link).unwrap();
        deliver(&spec(&link), "[]").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "[]");
    }

    #[test]
    fn each_shard_has_its_own_code_scanning_category() {
        let shard = |s: &str| Some(s.parse::<crate::scan::Shard>().unwrap());
        assert_eq!(automation_id(None), None);
        assert_eq!(automation_id(shard("2/3")).unwrap(), "defuse/shard-2-of-3/");
    }
}
