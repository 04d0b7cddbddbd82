//! The scan pipeline: paths → Go files (discover) → packages → a byte-level prefilter →
//! the engine, in parallel over packages. Output is sorted so every run prints the same.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::discover::{self, DiscoverOptions, GoFile};
use crate::engine::{self, FileResult, RuleSelection, SourceUnit};
use crate::finding::Finding;
use crate::report::FileProblem;
use crate::{lazy, prefilter};

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub discover: DiscoverOptions,
    pub include_generated: bool,
    pub rules: RuleSelection,
    pub pipeline: Pipeline,
    /// Only the packages of this shard.
    pub shard: Option<Shard>,
}

/// One of `count` parts of a scan: the packages whose directory (below the path given,
/// see [`GoFile::relative_dir`]) hashes to `index`. FNV-1a of the `/`-separated path
/// does not depend on the machine, the operating system or the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn holds(&self, relative_dir: &str) -> bool {
        shard_of(relative_dir, self.count) == self.index
    }
}

/// The 0-based shard of `count` that a package directory belongs to.
pub fn shard_of(relative_dir: &str, count: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in relative_dir.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % count.max(1) as u64) as usize
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `I/N`, with I from 1 to N: the way CI matrices count.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write I/N with 1 <= I <= N, as in 2/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let i: usize = i.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || i == 0 || i > n {
            return Err(bad());
        }
        Ok(Shard {
            index: i - 1,
            count: n,
        })
    }
}

/// How much of each package is analyzed. The command line always uses [`Pipeline::Fast`];
/// the others are for the tests that prove it changes no finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipeline {
    /// Parse and model every file of every package: the reference.
    Full,
    /// Skip packages without a [`prefilter::candidate`]; analyze the rest from only the
    /// functions that can matter ([`lazy`]); analyze packages with findings in full, so
    /// that what is reported and fixed rests on every file.
    Fast,
    /// As `Fast`, but report the findings of the analysis from only the functions that
    /// can matter, without the full analysis of packages with findings.
    LazyOnly,
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
    /// Files parsed in full.
    pub files_parsed: usize,
    /// Files of which only declarations were parsed, for the facts of a package.
    pub files_parsed_partly: usize,
}

struct Package {
    files: Vec<SourceUnit>,
    /// Per file: it can hold a finding. A package with one goes on to parsing.
    candidate: Vec<bool>,
}

/// What a scan reports as it goes; the command line draws a progress bar with it.
pub trait Progress: Sync {
    /// The files to scan, once the walk has found them all.
    fn found(&self, files: usize);
    /// `files` more files scanned (one directory's).
    fn scanned(&self, files: usize);
}

struct Silent;

impl Progress for Silent {
    fn found(&self, _: usize) {}
    fn scanned(&self, _: usize) {}
}

pub fn scan(opts: &ScanOptions) -> ScanResult {
    scan_with_progress(opts, &Silent)
}

/// [`scan`], telling `progress` how far it got.
pub fn scan_with_progress(opts: &ScanOptions, progress: &dyn Progress) -> ScanResult {
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
        if opts.shard.is_some_and(|s| !s.holds(&f.relative_dir)) {
            continue;
        }
        dirs.entry(f.package_dir.clone()).or_default().push(f);
    }
    let files_scanned: usize = dirs.values().map(Vec::len).sum();
    progress.found(files_scanned);
    // Largest first, one at a time: a big package started last would run alone at the end.
    let mut dirs: Vec<Vec<GoFile>> = dirs.into_values().collect();
    dirs.sort_by_key(|files| std::cmp::Reverse(files.len()));
    let outcomes: Vec<DirOutcome> = dirs
        .into_par_iter()
        .with_max_len(1)
        .map(|files| {
            let n = files.len();
            let outcome = scan_dir(files, opts);
            progress.scanned(n);
            outcome
        })
        .collect();
    let mut results = Vec::new();
    let mut problems = Vec::new();
    let (mut parsed, mut parsed_partly) = (0, 0);
    for o in outcomes {
        results.extend(o.packages);
        problems.extend(o.problems);
        errors.extend(o.errors);
        parsed += o.parsed;
        parsed_partly += o.parsed_partly;
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
        files_parsed_partly: parsed_partly,
    }
}

struct DirOutcome {
    packages: Vec<Vec<FileResult>>,
    problems: Vec<FileProblem>,
    errors: Vec<FileProblem>,
    parsed: usize,
    parsed_partly: usize,
}

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
        // Go rejects a file that does not start with a package clause; so does the scan,
        // saying so: random bytes named `.go` or an empty file are not Go source.
        let Some(name) = prefilter::package_name(&src) else {
            problems.push(FileProblem {
                path: f.path.display().to_string(),
                message: if src.is_empty() {
                    "empty file, not Go source (no package clause); skipped".into()
                } else {
                    "no package clause at the start, so not Go source; skipped".into()
                },
            });
            continue;
        };
        let (version, _) = discover::file_version(&src, &f);
        let per_iteration_loop_vars = version.has_per_iteration_loop_vars();
        let pkg = packages.entry(name).or_insert(Package {
            files: vec![],
            candidate: vec![],
        });
        pkg.candidate
            .push(prefilter::candidate(&src, !per_iteration_loop_vars));
        pkg.files.push(SourceUnit {
            path: f.path.display().to_string(),
            src,
            per_iteration_loop_vars,
        });
    }
    let mut results = Vec::new();
    let mut parsed = 0;
    let mut parsed_partly = 0;
    for (_, pkg) in packages {
        let mut units = pkg.files;
        if opts.pipeline != Pipeline::Full {
            // Most packages can hold no finding: skip them before parsing.
            if !pkg.candidate.contains(&true) {
                continue;
            }
        }
        if opts.pipeline != Pipeline::Full {
            // Facts from only the functions that can matter; the full analysis only where
            // there is something to report or fix, or where brackets nest too deep for
            // the lazy analysis (the full one bounds nesting and has a stack of its own).
            let outcome = lazy::analyze_candidates(units, &pkg.candidate, &opts.rules);
            let done =
                !outcome.too_deep && (!outcome.has_findings || opts.pipeline == Pipeline::LazyOnly);
            if done {
                parsed += outcome.parsed_full;
                parsed_partly += outcome.parsed_partly;
                problems.extend(outcome.withheld.into_iter().map(|(path, why)| FileProblem {
                    message: withheld_message(&path, &why),
                    path,
                }));
                if outcome.has_findings {
                    results.push(lazy_results(outcome.findings, &outcome.units));
                }
                continue;
            }
            units = outcome.units;
        }
        parsed += units.len();
        let mut package = Vec::new();
        for r in engine::analyze(units, &opts.rules) {
            if let Some(w) = &r.withheld {
                problems.push(FileProblem {
                    path: r.path.clone(),
                    message: withheld_message(&r.path, w),
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
    DirOutcome {
        packages: results,
        problems,
        errors,
        parsed,
        parsed_partly,
    }
}

/// [`Pipeline::LazyOnly`]: the lazy findings as results, each file parsed again whole.
fn lazy_results(findings: Vec<(String, Vec<Finding>)>, units: &[SourceUnit]) -> Vec<FileResult> {
    findings
        .into_iter()
        .map(|(path, findings)| {
            let unit = units
                .iter()
                .find(|u| u.path == path)
                .expect("a unit per file");
            FileResult {
                per_iteration_loop_vars: unit.per_iteration_loop_vars,
                parsed: crate::syntax::parse(unit.src.clone()),
                path,
                findings,
                withheld: None,
            }
        })
        .collect()
}

/// "has syntax errors at …", without the path the message starts with.
fn withheld_message(path: &str, why: &str) -> String {
    why.strip_prefix(&format!("{path} "))
        .unwrap_or(why)
        .to_string()
}

impl ScanResult {
    pub fn files(&self) -> impl Iterator<Item = &FileResult> {
        self.packages.iter().flatten()
    }
}
