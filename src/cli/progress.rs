//! The progress bar of a long scan, and the one-line summary at its end, on stderr.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::scan::{Progress, ScanResult};

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

/// The last line on stderr, the same for `check` and `fix`: files scanned, parsed in
/// full (and in part, for package facts), findings, time.
pub fn summary(result: &ScanResult, findings: usize, started: Instant) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let partly = if result.files_parsed_partly > 0 {
        format!(" ({} more in part)", result.files_parsed_partly)
    } else {
        String::new()
    };
    format!(
        "scanned {}, parsed {}{partly}, {}, in {:.2}s",
        plural(result.files_scanned, "file", "files"),
        result.files_parsed,
        plural(findings, "finding", "findings"),
        started.elapsed().as_secs_f64()
    )
}
