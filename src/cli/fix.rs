use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::FixArgs;
use super::error::{CliError, CliResult};
use super::progress::{summary, Bar, Tally};
use super::setup::{setup, Setup};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::fix::{
    fix_package, fix_package_where, unified_diff, write_atomic, FileFix, PlanOptions,
};
use crate::scan::{scan_with_progress, ScanResult};
use crate::vcs::filter_changed_rewrite;

/// `defuse fix`: scan, plan the rewrites, verify them (`--verify`), deliver them (a diff,
/// the files, or a branch), and summarize. Each step is a function below.
pub fn run(a: FixArgs) -> CliResult {
    let s = setup(&a.scan)?;
    let branch = match &a.branch.branch {
        Some(name) => Some(super::git::open_branch(&a.branch, name, &s.scan.paths)?),
        None => None,
    };
    let started = std::time::Instant::now();
    let bar = Bar::new(a.scan.quiet);
    let result = scan_with_progress(&s.scan, &bar);
    bar.finish();
    let mut fixes = plan(&a, &s, &result);
    if a.verify {
        verify(&mut fixes, a.scan.quiet)?;
    }
    let scan_failed = report_problems(&result, a.scan.quiet);
    let delivered = deliver(&a, &s, branch.as_ref(), &fixes, scan_failed)?;
    if let Some(path) = &a.pr_body {
        write_pr_body(path, &fixes, &delivered.not_written)?;
    }
    let remaining = fixes.iter().flat_map(|f| f.skipped.iter()).count();
    if !a.scan.quiet {
        summarize(
            &a,
            &s,
            &result,
            &fixes,
            &delivered,
            branch.is_some(),
            started,
        );
    }
    Ok(if scan_failed || !delivered.not_written.is_empty() {
        EXIT_ERROR
    } else if remaining > 0 && !a.scan.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Every package's fixes, merged per file, kept to the changed lines with
/// `--changed-since`, sorted by path.
fn plan(a: &FixArgs, s: &Setup, result: &ScanResult) -> Vec<FileFix> {
    let opts = PlanOptions {
        review: a.review_fixes || s.config.review_fixes,
        ..PlanOptions::default()
    };
    let mut fixes: Vec<FileFix> = result
        .packages
        .par_iter()
        .flat_map_iter(|pkg| match &s.changed {
            None => fix_package(pkg, &s.scan.rules, &opts),
            Some(c) => fix_package_where(pkg, &s.scan.rules, &opts, |file, src, findings| {
                filter_changed_rewrite(findings, c, &file.src, src)
            }),
        })
        .collect();
    fixes.sort_by(|x, y| x.path.cmp(&y.path));
    fixes
}

/// `--verify`: type-check the rewritten packages; fixes that break one are dropped.
fn verify(fixes: &mut [FileFix], quiet: bool) -> Result<(), CliError> {
    let go = crate::fix::verify::find_go().ok_or_else(|| {
        CliError::new("--verify needs the Go toolchain: no `go` on PATH")
            .with_help("install Go (https://go.dev/dl/) and put it on PATH, or leave out --verify")
    })?;
    let verdicts = crate::fix::verify::verify(&go, fixes).map_err(CliError::new)?;
    report_verdicts(&verdicts, quiet);
    Ok(())
}

/// Errors and warnings of the scan on stderr; whether there was an error.
fn report_problems(result: &ScanResult, quiet: bool) -> bool {
    for e in &result.errors {
        anstream::eprintln!("defuse: error: {}: {}", e.path, e.message);
    }
    if !quiet {
        for p in &result.problems {
            anstream::eprintln!("defuse: warning: {}: {}", p.path, p.message);
        }
    }
    !result.errors.is_empty()
}

/// What reached its destination.
#[derive(Default)]
struct Delivered {
    /// Files whose write failed (named on stderr): the summary and the pull-request body
    /// count only what reached the disk.
    not_written: Vec<String>,
}

/// The changed files as a unified diff on stdout (the default), written in place
/// (`--write`), or committed on a branch (`--branch`).
fn deliver(
    a: &FixArgs,
    s: &Setup,
    branch: Option<&crate::vcs::BranchTarget>,
    fixes: &[FileFix],
    scan_failed: bool,
) -> Result<Delivered, CliError> {
    let changed: Vec<&FileFix> = fixes.iter().filter(|f| f.changed()).collect();
    let mut delivered = Delivered::default();
    if a.write {
        if !a.allow_dirty {
            let paths: Vec<PathBuf> = changed.iter().map(|f| PathBuf::from(&f.path)).collect();
            crate::vcs::require_clean(&paths)?;
        }
        let roots = write_roots(&s.scan.paths);
        for f in &changed {
            let path = Path::new(&f.path);
            if let Err(e) = write_atomic(path, &f.old, &f.new, Some(root_for(path, &roots))) {
                anstream::eprintln!("defuse: error: {e}");
                delivered.not_written.push(f.path.clone());
            }
        }
    } else if let Some(target) = branch {
        if scan_failed {
            return Err(CliError::new(
                "--branch: nothing committed, since the scan had errors",
            ));
        }
        let committed = super::git::commit_branch(target, &a.branch, &changed, a.scan.quiet)?;
        if !committed && !a.scan.quiet {
            anstream::eprintln!("nothing to fix: no commit made");
        }
    } else {
        let mut out = anstream::stdout();
        for f in &changed {
            if out
                .write_all(unified_diff(&diff_path(&f.path), &f.old, &f.new).as_bytes())
                .is_err()
            {
                // stdout closed (`| head`): nothing more to say to anyone.
                return Err(CliError::silent(EXIT_ERROR));
            }
        }
        let _ = out.flush();
    }
    Ok(delivered)
}

/// `--pr-body FILE`: the body describes what is in the working tree, not files that
/// failed to write.
fn write_pr_body(path: &Path, fixes: &[FileFix], not_written: &[String]) -> Result<(), CliError> {
    let done: Vec<FileFix> = fixes
        .iter()
        .filter(|f| !not_written.contains(&f.path))
        .cloned()
        .collect();
    let command = crate::report::pr_body::shell_command(std::env::args());
    let body = crate::report::pr_body::render(&done, &command);
    std::fs::write(path, body).map_err(|e| {
        CliError::new(format!(
            "cannot write the pull-request body to {}: {e}",
            path.display()
        ))
    })
}

/// The findings left without a fix, one line each, and the summary line.
fn summarize(
    a: &FixArgs,
    s: &Setup,
    result: &ScanResult,
    fixes: &[FileFix],
    delivered: &Delivered,
    committed: bool,
    started: std::time::Instant,
) {
    let changed: Vec<&FileFix> = fixes
        .iter()
        .filter(|f| f.changed() && !delivered.not_written.contains(&f.path))
        .collect();
    let applied: usize = changed.iter().map(|f| f.applied.len()).sum();
    for (f, why) in fixes.iter().flat_map(|f| f.skipped.iter()) {
        anstream::eprintln!(
            "  not fixed: {}:{}:{} [{}] {}",
            f.path,
            f.span.start.line,
            f.span.start.column,
            f.rule,
            why
        );
    }
    let verb = if a.write {
        "applied"
    } else if committed {
        "committed"
    } else {
        "would apply"
    };
    let findings = super::check::reported_findings(result, s.changed.as_ref());
    let suppressed = findings.iter().filter(|f| f.suppressed.is_some()).count();
    let tally = Tally {
        files_scanned: result.files_scanned,
        findings: findings.len() - suppressed,
        suppressed,
        errors: result.errors.len(),
        fixes: Some(format!(
            "{verb} {applied} fix{} in {} file{}",
            if applied == 1 { "" } else { "es" },
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        )),
    };
    anstream::eprintln!("{}", summary(&tally, started));
}

fn report_verdicts(verdicts: &[crate::fix::verify::PackageVerdict], quiet: bool) {
    use crate::fix::verify::Verdict;
    for v in verdicts {
        let first = |out: &str| out.lines().take(6).collect::<Vec<_>>().join("\n    ");
        match &v.verdict {
            Verdict::Passed => {
                if !quiet {
                    anstream::eprintln!("verified: {} (type-checks with the fixes)", v.dir.display());
                }
            }
            Verdict::Broken { output } => anstream::eprintln!(
                "defuse: warning: dropped the fixes in {}: the package type-checked before and does not after:\n    {}",
                v.files.join(", "),
                first(output)
            ),
            Verdict::Unchecked { output } => anstream::eprintln!(
                "defuse: warning: could not verify {}: it does not type-check even without the fixes, which are kept:\n    {}",
                v.dir.display(),
                first(output)
            ),
        }
    }
}

/// The path a patch names: relative to the current directory, so `git apply` and
/// `patch -p1` run there find the file; an absolute path outside it loses its leading `/`
/// (`a/tmp/x.go`), which `patch -p1` run from `/` applies.
fn diff_path(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(rel) = p.strip_prefix(&cwd) {
                return rel.display().to_string();
            }
        }
        return path.trim_start_matches('/').to_string();
    }
    path.to_string()
}

/// Where `--write` may write, one root per path given: the working tree of the git
/// repository the path is in as typed (the nearest directory above it, the path itself
/// included, that holds a `.git`, without following symbolic links on the way), or
/// else the path itself when it is a real directory, or the directory it sits in. Roots
/// are canonical. A file that resolves outside every root (a symbolic link out of the
/// repository, or a link out of the directory it sits in) is refused by
/// [`write_atomic`] and named in an error.
fn write_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    for p in paths {
        let p = crate::discover::strip_recursive_suffix(p);
        let Ok(abs) = std::path::absolute(p) else {
            continue;
        };
        let repository = abs.ancestors().find(|d| d.join(".git").exists());
        let base = match repository {
            Some(top) => top,
            None => {
                let real_dir = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_dir());
                if real_dir {
                    abs.as_path()
                } else {
                    abs.parent().unwrap_or(&abs)
                }
            }
        };
        if let Ok(root) = std::fs::canonicalize(base) {
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
    }
    roots
}

/// The root `path` must stay in: the first that holds its resolved target, or else the
/// first root (which then refuses it). With no root at all (every given path vanished),
/// the file's own directory: nothing outside it is written.
fn root_for<'a>(path: &'a Path, roots: &'a [PathBuf]) -> &'a Path {
    let target = std::fs::canonicalize(path).ok();
    roots
        .iter()
        .find(|r| target.as_ref().is_some_and(|t| t.starts_with(r)))
        .or(roots.first())
        .map(PathBuf::as_path)
        .unwrap_or_else(|| match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        })
}
