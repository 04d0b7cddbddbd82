//! The scan pipeline: paths → Go files (discover) → packages → a byte-level prefilter →
//! the engine, in parallel over packages. Output is sorted so every run prints the same.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::discover::{self, DiscoverOptions, GoFile};
use crate::engine::{self, FileResult, RuleSelection, SourceUnit};
use crate::prefilter;
use crate::report::FileProblem;

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub discover: DiscoverOptions,
    pub include_generated: bool,
    pub rules: RuleSelection,
    /// Skip packages in which no file passes [`prefilter::candidate`]. Always on, but for
    /// the test that proves the filter changes no finding.
    pub prefilter: bool,
}

pub struct ScanResult {
    /// Per package with findings (the files of one directory and package clause), in
    /// path order. Packages without findings are not kept.
    pub packages: Vec<Vec<FileResult>>,
    /// Input problems that did not stop the run (unreadable files, syntax errors).
    pub problems: Vec<FileProblem>,
    /// Problems that make the run fail with exit code 2 (missing paths, I/O errors).
    pub errors: Vec<FileProblem>,
    pub files_scanned: usize,
    pub files_parsed: usize,
}

struct Package {
    files: Vec<SourceUnit>,
    /// Some file can hold a finding: the package goes on to parsing.
    candidate: bool,
}

pub fn scan(opts: &ScanOptions) -> ScanResult {
    let found = discover::discover(&opts.paths, &opts.discover);
    let mut errors: Vec<FileProblem> = found
        .errors
        .iter()
        .map(|e| FileProblem {
            path: e.path.display().to_string(),
            message: e.message.clone(),
        })
        .collect();
    // Group by directory first; the package clause splits a directory further
    // (`foo` and `foo_test`) once the bytes are read.
    let mut dirs: BTreeMap<PathBuf, Vec<GoFile>> = BTreeMap::new();
    for f in found.files {
        dirs.entry(f.package_dir.clone()).or_default().push(f);
    }
    let files_scanned: usize = dirs.values().map(Vec::len).sum();
    let dirs: Vec<Vec<GoFile>> = dirs.into_values().collect();
    let outcomes: Vec<DirOutcome> = dirs
        .into_par_iter()
        .map(|files| scan_dir(files, opts))
        .collect();
    let mut results = Vec::new();
    let mut problems = Vec::new();
    let mut parsed = 0;
    for (r, p, e, n) in outcomes {
        results.extend(r);
        problems.extend(p);
        errors.extend(e);
        parsed += n;
    }
    results.sort_by(|a: &Vec<FileResult>, b: &Vec<FileResult>| a[0].path.cmp(&b[0].path));
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    ScanResult {
        packages: results,
        problems,
        errors,
        files_scanned,
        files_parsed: parsed,
    }
}

type DirOutcome = (
    Vec<Vec<FileResult>>,
    Vec<FileProblem>,
    Vec<FileProblem>,
    usize,
);

fn scan_dir(files: Vec<GoFile>, opts: &ScanOptions) -> DirOutcome {
    let mut problems = Vec::new();
    let mut errors = Vec::new();
    let mut packages: BTreeMap<String, Package> = BTreeMap::new();
    for f in files {
        let src = match std::fs::read(&f.path) {
            Ok(s) => s,
            Err(e) => {
                errors.push(FileProblem {
                    path: f.path.display().to_string(),
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if !opts.include_generated && discover::is_generated(&src) {
            continue;
        }
        let name = prefilter::package_name(&src).unwrap_or_default();
        let (version, _) = discover::file_version(&src, &f);
        let per_iteration_loop_vars = version.has_per_iteration_loop_vars();
        let pkg = packages.entry(name).or_insert(Package {
            files: vec![],
            candidate: false,
        });
        pkg.candidate = pkg.candidate
            || !opts.prefilter
            || prefilter::candidate(&src, !per_iteration_loop_vars);
        pkg.files.push(SourceUnit {
            path: f.path.display().to_string(),
            src,
            per_iteration_loop_vars,
        });
    }
    let mut results = Vec::new();
    let mut parsed = 0;
    for (_, pkg) in packages {
        // Most packages can hold no finding: skip them before parsing.
        if !pkg.candidate {
            continue;
        }
        let units = pkg.files;
        parsed += units.len();
        let mut package = Vec::new();
        for r in engine::analyze(units, &opts.rules) {
            if let Some(w) = &r.withheld {
                problems.push(FileProblem {
                    path: r.path.clone(),
                    message: w
                        .strip_prefix(&format!("{} ", r.path))
                        .unwrap_or(w)
                        .to_string(),
                });
            }
            package.push(r);
        }
        // A package without findings needs nothing more: drop its sources and trees now,
        // so memory stays flat however large the tree is.
        if package.iter().any(|r| !r.findings.is_empty()) {
            package.sort_by(|a, b| a.path.cmp(&b.path));
            results.push(package);
        }
    }
    (results, problems, errors, parsed)
}

impl ScanResult {
    pub fn files(&self) -> impl Iterator<Item = &FileResult> {
        self.packages.iter().flatten()
    }
}
