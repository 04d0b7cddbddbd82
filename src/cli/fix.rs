use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

use super::args::FixArgs;
use super::progress::{summary, Bar};
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
                filter_changed_rewrite(findings, c, &file.parsed.src, src)
            }),
        })
        .collect();
    fixes.sort_by(|x, y| x.path.cmp(&y.path));
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
        for f in &changed {
            if let Err(e) = write_atomic(std::path::Path::new(&f.path), &f.old, &f.new, None) {
                anstream::eprintln!("defuse: error: {e}");
                failed = true;
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
                .write_all(unified_diff(&f.path, &f.old, &f.new).as_bytes())
                .is_err()
            {
                return EXIT_ERROR;
            }
        }
        let _ = out.flush();
    }
    let applied: usize = fixes.iter().map(|f| f.applied.len()).sum();
    let remaining: Vec<_> = fixes.iter().flat_map(|f| f.skipped.iter()).collect();
    if !a.scan.quiet {
        let verb = if a.write {
            "applied"
        } else if branch.is_some() {
            "committed"
        } else {
            "would apply"
        };
        anstream::eprintln!(
            "{verb} {applied} fix{} in {} file{}",
            if applied == 1 { "" } else { "es" },
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        );
        for (f, why) in &remaining {
            anstream::eprintln!(
                "  not fixed: {}:{}:{} [{}] {}",
                f.path,
                f.span.start.line,
                f.span.start.column,
                f.rule,
                why
            );
        }
        let findings = result
            .files()
            .flat_map(|f| &f.findings)
            .filter(|f| f.suppressed.is_none())
            .count();
        anstream::eprintln!("{}", summary(&result, findings, started));
    }
    if failed {
        EXIT_ERROR
    } else if !remaining.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
