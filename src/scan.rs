//! The scan pipeline: paths → Go files (discover) → packages → a byte-level prefilter →
//! the engine, in parallel over packages. Output is sorted so every run prints the same.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::discover::{self, DiscoverOptions, GoFile};
use crate::engine::{self, FileResult, RuleSelection, SourceUnit};
use crate::model::demand::{Demand, FileDemand};
use crate::prefilter;
use crate::report::FileProblem;

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
/// [`Pipeline::Full`] is for the tests that prove it changes no finding and no fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipeline {
    /// Parse and model every file of every package: the reference.
    Full,
    /// Skip packages without a [`prefilter::candidate`]; analyze the rest from only the
    /// functions that can matter (a demand of candidates, `model::demand`), which gives
    /// the reference's facts for them, so its findings and fixes (`tests/prefilter.rs`).
    Fast,
    /// [`Pipeline::Fast`] with the functions parsed at most this many bytes at a time
    /// where it parses them in batches, and the candidates' bodies kept in their files'
    /// trees only up to as many: for the tests, whose packages fit in one batch.
    #[doc(hidden)]
    FastInBatchesOf(usize),
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

/// What a scan reports as it goes; the command line draws a progress bar with it.
pub trait Progress: Sync {
    /// `files` more files to scan (one directory's), found by the walk.
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
///
/// The walk runs on a thread of its own and hands over one directory at a time, which
/// the analysis takes up as soon as a worker is free: neither waits for the other, and
/// no list of the whole tree is ever held (see [`discover::discover_each`]).
pub fn scan_with_progress(opts: &ScanOptions, progress: &dyn Progress) -> ScanResult {
    let queue = DirQueue::new(QUEUED_FILES);
    let files_scanned = std::sync::atomic::AtomicUsize::new(0);
    let outcomes = std::sync::Mutex::new(Vec::<DirOutcome>::new());
    let walk_errors = std::thread::scope(|scope| {
        let walker = scope.spawn(|| {
            // Closed however the walk ends, or the workers would wait for more.
            let _close = Closing(&queue);
            discover::discover_each(&opts.paths, &opts.discover, |files| {
                if opts.shard.is_none_or(|s| s.holds(&files[0].relative_dir)) {
                    files_scanned.fetch_add(files.len(), std::sync::atomic::Ordering::Relaxed);
                    progress.found(files.len());
                    queue.push(files);
                }
            })
        });
        rayon::scope(|workers| {
            for _ in 0..rayon::current_num_threads() {
                workers.spawn(|_| {
                    // A worker that panics leaves: the walk must not wait for it.
                    let _leaving = Closing(&queue);
                    while let Some(files) = queue.pop() {
                        let n = files.len();
                        let outcome = scan_dir(files, opts);
                        progress.scanned(n);
                        outcomes.lock().expect("no panics while held").push(outcome);
                    }
                });
            }
        });
        match walker.join() {
            Ok(errors) => errors,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let outcomes = outcomes.into_inner().expect("no panics while held");
    let files_scanned = files_scanned.into_inner();
    let mut errors: Vec<FileProblem> = walk_errors
        .iter()
        .map(|e| FileProblem {
            path: e.path.display().to_string(),
            message: e.message.clone(),
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
    let mut packages: BTreeMap<String, Vec<SourceUnit>> = BTreeMap::new();
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
        let Some(name) = crate::syntax::lex::package_name(&src) else {
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
        packages.entry(name).or_default().push(SourceUnit {
            path: f.path.display().to_string(),
            src,
            per_iteration_loop_vars,
        });
    }
    let mut results_out = Vec::new();
    let mut parsed = 0;
    let mut parsed_partly = 0;
    for (_, units) in packages {
        let Some(results) = analyze_package(units, &opts.rules, opts.pipeline) else {
            continue;
        };
        let has_findings = results.iter().any(|r| !r.findings.is_empty());
        let mut package = Vec::new();
        for r in results {
            if r.parsed_whole {
                parsed += 1;
            } else {
                parsed_partly += 1;
            }
            if let Some(w) = &r.withheld {
                problems.push(FileProblem {
                    path: r.path.clone(),
                    message: w.to_string(),
                });
            }
            package.push(r);
        }
        // A package without findings needs nothing more: drop its sources now, so memory
        // stays flat however large the tree is. One with findings keeps every file: a
        // fix is checked by analyzing its rewrite with the package's other files.
        if has_findings {
            package.sort_by(|a, b| a.path.cmp(&b.path));
            results_out.push(package);
        }
    }
    DirOutcome {
        packages: results_out,
        problems,
        errors,
        parsed,
        parsed_partly,
    }
}

/// One package through the pipeline, for `scan` and for `go vet -vettool`: nothing when
/// the prefilter says no file can hold a finding (most packages, skipped before any
/// parse); else its results, with facts from only the functions that can matter. In a
/// package with findings, a file read only in part is parsed whole for syntax errors:
/// the findings rest on every file, and a file that does not parse withholds its fixes,
/// as when every file is parsed.
pub(crate) fn analyze_package(
    units: Vec<SourceUnit>,
    rules: &RuleSelection,
    pipeline: Pipeline,
) -> Option<Vec<FileResult>> {
    let mut results = if pipeline == Pipeline::Full {
        engine::analyze(units, rules)
    } else {
        let demand = package_demand(&units);
        if demand.iter().all(|d| *d == FileDemand::Facts) {
            return None;
        }
        let demand = match pipeline {
            Pipeline::FastInBatchesOf(bytes) => Demand::FilesInBatches(demand, bytes),
            _ => Demand::Files(demand),
        };
        engine::analyze_demand(units, demand, rules)
    };
    if results.iter().any(|r| !r.findings.is_empty()) {
        for r in &mut results {
            if !r.parsed_whole && r.withheld.is_none() {
                r.withheld = engine::withheld_in_whole(&r.src);
            }
        }
    }
    Some(results)
}

/// What the rules need of each file of a package, from the byte-level prefilter:
/// nothing (it can hold no finding), the functions holding its candidate sites, or all
/// of it (a suppression directive concerns the whole file).
fn package_demand(units: &[SourceUnit]) -> Vec<FileDemand> {
    // Loop variables shared by iterations: files before Go 1.22.
    let files: Vec<(&[u8], bool)> = units
        .iter()
        .map(|u| (u.src.as_slice(), !u.per_iteration_loop_vars))
        .collect();
    prefilter::package_candidate_sites(&files)
        .into_iter()
        .map(FileDemand::from_sites)
        .collect()
}

/// How many files the walk may be ahead of the analysis: a few hundred kilobytes of
/// records, and enough directories to choose from.
const QUEUED_FILES: usize = 4096;

/// The directories the walk found and the analysis has not taken yet. The largest is
/// taken first: a big package started last would run alone at the end, with the other
/// workers idle. The walk waits while the queue is full, so memory does not grow with
/// the tree.
struct DirQueue {
    state: std::sync::Mutex<QueueState>,
    changed: std::sync::Condvar,
    limit: usize,
}

#[derive(Default)]
struct QueueState {
    /// By number of files, then by arrival (earlier first).
    dirs: std::collections::BinaryHeap<(usize, std::cmp::Reverse<usize>, QueuedDir)>,
    files: usize,
    arrived: usize,
    closed: bool,
    /// A worker panicked: the walk stops waiting for room, and what it adds is dropped.
    abandoned: bool,
}

/// Closes the queue when dropped: on the walk's thread, when the walk ends; on a
/// worker's, when it leaves, which is after the queue closed unless it panicked, and
/// then the queue is abandoned too.
struct Closing<'a>(&'a DirQueue);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        let mut q = self.0.lock();
        q.abandoned |= std::thread::panicking();
        q.closed = true;
        drop(q);
        self.0.changed.notify_all();
    }
}

/// A directory's files, ordered by nothing: the heap orders by the tuple before it.
struct QueuedDir(Vec<GoFile>);

impl PartialEq for QueuedDir {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for QueuedDir {}
impl PartialOrd for QueuedDir {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for QueuedDir {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl DirQueue {
    fn new(limit: usize) -> DirQueue {
        DirQueue {
            state: Default::default(),
            changed: std::sync::Condvar::new(),
            limit,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Add a directory, once there is room (always, into an empty queue).
    fn push(&self, files: Vec<GoFile>) {
        let mut q = self.lock();
        while q.files >= self.limit && !q.dirs.is_empty() && !q.abandoned {
            q = self.changed.wait(q).unwrap_or_else(|p| p.into_inner());
        }
        if q.abandoned {
            return;
        }
        q.files += files.len();
        q.arrived += 1;
        let order = (files.len(), std::cmp::Reverse(q.arrived), QueuedDir(files));
        q.dirs.push(order);
        self.changed.notify_all();
    }

    /// The largest directory waiting; `None` once the queue is closed and empty.
    fn pop(&self) -> Option<Vec<GoFile>> {
        let mut q = self.lock();
        loop {
            if let Some((n, _, QueuedDir(files))) = q.dirs.pop() {
                q.files -= n;
                self.changed.notify_all();
                return Some(files);
            }
            if q.closed {
                return None;
            }
            q = self.changed.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl ScanResult {
    pub fn files(&self) -> impl Iterator<Item = &FileResult> {
        self.packages.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{GoVersion, VersionSource};

    fn dir(name: &str, files: usize) -> Vec<GoFile> {
        (0..files)
            .map(|i| GoFile {
                path: PathBuf::from(format!("{name}/f{i}.go")),
                package_dir: PathBuf::from(name),
                relative_dir: name.to_string(),
                module_root: None,
                module_version: GoVersion::DEFAULT,
                module_version_source: VersionSource::Default,
            })
            .collect()
    }

    fn name(files: &[GoFile]) -> String {
        files[0].relative_dir.clone()
    }

    #[test]
    fn the_queue_gives_the_largest_directory_first_then_the_earliest() {
        let q = DirQueue::new(100);
        for (n, files) in [("a", 1), ("b", 5), ("c", 2), ("d", 5)] {
            q.push(dir(n, files));
        }
        drop(Closing(&q));
        let order: Vec<String> = std::iter::from_fn(|| q.pop()).map(|f| name(&f)).collect();
        assert_eq!(order, ["b", "d", "c", "a"]);
    }

    #[test]
    fn the_walk_waits_while_the_queue_is_full() {
        let q = DirQueue::new(2);
        std::thread::scope(|s| {
            s.spawn(|| {
                let _close = Closing(&q);
                for i in 0..10 {
                    q.push(dir(&format!("d{i}"), 1));
                }
            });
            // Two files queued, and the walk blocked on the third: waited for by state,
            // not by time, so a slow machine only makes the test slower.
            let mut state = q.lock();
            while state.files < 2 {
                state = q.changed.wait(state).unwrap();
            }
            assert_eq!(state.files, 2);
            assert_eq!(state.arrived, 2);
            drop(state);
            let taken = std::iter::from_fn(|| q.pop()).count();
            assert_eq!(taken, 10);
        });
    }

    #[test]
    fn a_worker_that_panics_does_not_leave_the_walk_waiting() {
        let q = DirQueue::new(1);
        q.push(dir("a", 1));
        let worker = std::thread::scope(|s| {
            s.spawn(|| {
                let _leaving = Closing(&q);
                panic!("a worker fails");
            })
            .join()
        });
        assert!(worker.is_err());
        // Full, and nobody to take from it: the push returns at once.
        q.push(dir("b", 1));
        assert_eq!(q.pop().map(|f| name(&f)).as_deref(), Some("a"));
        assert!(q.pop().is_none());
    }
}
