//! The progress bar of a long scan, and the one-line summary at its end, on stderr.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::scan::Progress;

/// A scan shorter than this shows no bar at all.
const SHOW_AFTER: Duration = Duration::from_millis(500);

/// A bar over the files to scan: drawn once the scan has run for [`SHOW_AFTER`], when
/// stderr is a terminal, outside CI (`CI` set) and without `--quiet`; never otherwise.
pub struct Bar {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Bar {
    pub fn new(quiet: bool) -> Bar {
        let wanted = !quiet && std::env::var_os("CI").is_none() && std::io::stderr().is_terminal();
        let bar = wanted.then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} scanning {pos}/{len} files [{wide_bar}] {elapsed}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar
        });
        Bar {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// Remove the bar before the results are printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn found(&self, files: usize) {
        if let Some(bar) = &self.bar {
            bar.inc_length(files as u64);
        }
    }

    fn scanned(&self, files: usize) {
        let Some(bar) = &self.bar else { return };
        bar.inc(files as u64);
        if self.started.elapsed() >= SHOW_AFTER && !self.shown.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

/// What the summary line counts.
#[derive(Default)]
pub struct Tally {
    pub files_scanned: usize,
    /// Findings the run reports (after `--changed-since`), not suppressed.
    pub findings: usize,
    pub suppressed: usize,
    /// Files or paths that could not be scanned: the results miss whatever they hold.
    pub errors: usize,
    /// `fix` only: what was (or would be) applied, as "would apply 3 fixes in 2 files".
    pub fixes: Option<String>,
}

/// The last line on stderr, the same for `check` and `fix`, and the only summary a run
/// prints: files scanned, time, errors, findings, fixes. How much of each file was parsed
/// is the engine's business (`examples/packages.rs` shows it), not the user's.
pub fn summary(t: &Tally, started: Instant) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts: Vec<String> = Vec::new();
    if t.errors > 0 {
        parts.push(format!(
            "{}, so the results are incomplete",
            plural(t.errors, "error", "errors")
        ));
    }
    let mut findings = if t.findings == 0 {
        "no findings".to_string()
    } else {
        plural(t.findings, "finding", "findings")
    };
    if t.suppressed > 0 {
        findings.push_str(&format!(" ({} suppressed)", t.suppressed));
    }
    parts.push(findings);
    if let Some(fixes) = &t.fixes {
        parts.push(fixes.clone());
    }
    format!(
        "scanned {} in {:.2}s: {}",
        plural(t.files_scanned, "file", "files"),
        started.elapsed().as_secs_f64(),
        parts.join("; ")
    )
}
