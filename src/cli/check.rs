use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use super::args::{CheckArgs, Format};
use super::progress::{summary, Bar};
use super::{setup::setup, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::finding::Finding;
use crate::report::{self, Run};
use crate::scan::scan_with_progress;

pub fn run(a: CheckArgs) -> i32 {
    let s = match setup(&a.scan) {
        Ok(s) => s,
        Err(e) => return super::error(e),
    };
    let started = std::time::Instant::now();
    let bar = Bar::new(a.scan.quiet);
    let result = scan_with_progress(&s.scan, &bar);
    bar.finish();
    let mut findings: Vec<Finding> = Vec::new();
    let mut sources: HashMap<String, Arc<Vec<u8>>> = HashMap::new();
    for f in result.files() {
        if !f.findings.is_empty() {
            sources.insert(f.path.clone(), Arc::new(f.src.clone()));
        }
        findings.extend(f.findings.iter().cloned());
    }
    if let Some(changed) = &s.changed {
        findings = crate::vcs::filter_changed(findings, changed);
    }
    let lookup = |p: &str| sources.get(p).cloned();
    let mut problems = result.problems.clone();
    // The text report calls its problems warnings; errors go to stderr as errors below.
    // JSON has one list of problems for both, as its schema says.
    if a.format == Format::Json {
        problems.extend(result.errors.iter().cloned());
    }
    let run = Run {
        findings: &findings,
        problems: &problems,
        files_scanned: result.files_scanned,
        sources: &lookup,
    };
    let out = match a.format {
        Format::Text => report::text::render(&run, true),
        Format::Json => report::json::render(&run),
        Format::Sarif => {
            let root = match std::env::current_dir() {
                Ok(d) => d,
                Err(e) => return super::error(format!("cannot read the current directory: {e}")),
            };
            report::sarif::render(
                &run,
                &report::sarif::Options {
                    root: &root,
                    execution_successful: result.errors.is_empty(),
                    automation_id: None,
                },
            )
        }
        Format::Github => report::github::render(&run),
    };
    let mut stdout = anstream::stdout();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return EXIT_ERROR;
    }
    for e in &result.errors {
        anstream::eprintln!("defuse: error: {}: {}", e.path, e.message);
    }
    if !a.scan.quiet {
        let shown = findings.iter().filter(|f| f.suppressed.is_none()).count();
        anstream::eprintln!("{}", summary(&result, shown, started));
    }
    if !result.errors.is_empty() {
        EXIT_ERROR
    } else if findings.iter().any(|f| f.suppressed.is_none()) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
