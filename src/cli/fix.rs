use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::FixArgs;
use super::progress::{summary, Bar, Tally};
use super::{setup::setup, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::engine::{fix_package, fix_package_where};
use crate::fix::{unified_diff, write_atomic, FileFix, PlanOptions};
use crate::scan::scan_with_progress;
use crate::vcs::filter_changed_rewrite;

pub fn run(a: FixArgs) -> i32 {
    let s = match setup(&a.scan) {
        Ok(s) => s,
        Err(e) => return super::error(e),
    };
    let branch = match &a.branch.branch {
        Some(name) => match super::git::open_branch(&a.branch, name, &s.scan.paths) {
            Ok(b) => Some(b),
            Err(e) => return super::error(e),
        },
        None => None,
    };
    let started = std::time::Instant::now();
    let bar = Bar::new(a.scan.quiet);
    let result = scan_with_progress(&s.scan, &bar);
    bar.finish();
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
    if a.verify {
        let Some(go) = crate::fix::verify::find_go() else {
            return super::error("--verify needs the Go toolchain: no `go` on PATH");
        };
        match crate::fix::verify::verify(&go, &mut fixes) {
            Ok(verdicts) => report_verdicts(&verdicts, a.scan.quiet),
            Err(e) => return super::error(e),
        }
    }
    let changed: Vec<&FileFix> = fixes.iter().filter(|f| f.changed()).collect();
    let mut failed = false;
    for e in &result.errors {
        anstream::eprintln!("defuse: error: {}: {}", e.path, e.message);
        failed = true;
    }
    for p in &result.problems {
        if !a.scan.quiet {
            anstream::eprintln!("defuse: warning: {}: {}", p.path, p.message);
        }
    }
    // Files whose write failed: the summary counts only what reached the disk.
    let mut not_written: Vec<String> = Vec::new();
    if a.write {
        if !a.allow_dirty {
            let paths: Vec<PathBuf> = changed.iter().map(|f| PathBuf::from(&f.path)).collect();
            match crate::vcs::dirty_files(&paths) {
                Ok(dirty) if !dirty.is_empty() => {
                    let names: Vec<String> =
                        dirty.iter().map(|p| p.display().to_string()).collect();
                    return super::error(format!(
                        "these files have uncommitted changes: {}\ncommit or stash them, or pass --allow-dirty",
                        names.join(", ")
                    ));
                }
                Ok(_) => {}
                Err(e) => return super::error(e),
            }
        }
        let roots = write_roots(&s.scan.paths);
        for f in &changed {
            let path = Path::new(&f.path);
            if let Err(e) = write_atomic(path, &f.old, &f.new, Some(root_for(path, &roots))) {
                anstream::eprintln!("defuse: error: {e}");
                failed = true;
                not_written.push(f.path.clone());
            }
        }
    } else if let Some(target) = &branch {
        if failed {
            return super::error("--branch: nothing committed, since the scan had errors");
        }
        match super::git::commit_branch(target, &a.branch, &changed, a.scan.quiet) {
            Ok(true) => {}
            Ok(false) => {
                if !a.scan.quiet {
                    anstream::eprintln!("nothing to fix: no commit made");
                }
            }
            Err(e) => return super::error(e),
        }
    } else {
        let mut out = anstream::stdout();
        for f in &changed {
            if out
                .write_all(unified_diff(&diff_path(&f.path), &f.old, &f.new).as_bytes())
                .is_err()
            {
                return EXIT_ERROR;
            }
        }
        let _ = out.flush();
    }
    if let Some(path) = &a.pr_body {
        // The body describes what is in the working tree: not files that failed to write.
        let done: Vec<FileFix> = fixes
            .iter()
            .filter(|f| !not_written.contains(&f.path))
            .cloned()
            .collect();
        let command = crate::report::pr_body::shell_command(std::env::args());
        let body = crate::report::pr_body::render(&done, &command);
        if let Err(e) = std::fs::write(path, body) {
            return super::error(format!(
                "cannot write the pull-request body to {}: {e}",
                path.display()
            ));
        }
    }
    let changed: Vec<&FileFix> = changed
        .into_iter()
        .filter(|f| !not_written.contains(&f.path))
        .collect();
    let applied: usize = changed.iter().map(|f| f.applied.len()).sum();
    let remaining: Vec<_> = fixes.iter().flat_map(|f| f.skipped.iter()).collect();
    if !a.scan.quiet {
        let verb = if a.write {
            "applied"
        } else if branch.is_some() {
            "committed"
        } else {
            "would apply"
        };
        for (f, why) in &remaining {
            let why = why.strip_prefix(&format!("{} ", f.path)).unwrap_or(why);
            anstream::eprintln!(
                "  not fixed: {}:{}:{} [{}] {}",
                f.path,
                f.span.start.line,
                f.span.start.column,
                f.rule,
                why
            );
        }
        let findings = super::check::reported_findings(&result, s.changed.as_ref());
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
    if failed {
        EXIT_ERROR
    } else if !remaining.is_empty() && !a.scan.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
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
