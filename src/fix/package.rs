//! The fix driver for one package: each file's fixes planned, applied, and checked by
//! analyzing the rewrite again with the package's other files, so that package facts
//! (guards, callers' locks) stay in view. The engine analyzes; this module rewrites.

use crate::engine::{analyze, FileResult, RuleSelection, SourceUnit};
use crate::finding::Finding;

/// Fix every file of one package, re-analyzing with the package's other files between
/// rounds so that package facts (guards) stay in view.
pub fn fix_package(
    files: &[FileResult],
    sel: &RuleSelection,
    opts: &super::PlanOptions,
) -> Vec<super::FileFix> {
    fix_package_where(files, sel, opts, |_, _, findings| findings)
}

/// [`fix_package`], fixing only the findings `keep` passes on: it is called with each
/// file, the text the findings are on (the file's own, or a rewrite of it between
/// fixed-point rounds) and those findings. Findings it drops are neither fixed nor
/// reported as left unfixed.
pub fn fix_package_where(
    files: &[FileResult],
    sel: &RuleSelection,
    opts: &super::PlanOptions,
    keep: impl Fn(&FileResult, &[u8], Vec<Finding>) -> Vec<Finding>,
) -> Vec<super::FileFix> {
    files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let reanalyze = |new: &[u8]| -> Vec<Finding> {
                let units = files
                    .iter()
                    .enumerate()
                    .map(|(j, other)| SourceUnit {
                        path: other.path.clone(),
                        src: if i == j {
                            new.to_vec()
                        } else {
                            other.src.clone()
                        },
                        per_iteration_loop_vars: other.per_iteration_loop_vars,
                    })
                    .collect();
                let findings = analyze(units, sel)
                    .into_iter()
                    .nth(i)
                    .map(|r| r.findings)
                    .unwrap_or_default();
                keep(file, new, findings)
            };
            super::plan_file(
                &file.path,
                &file.src,
                &keep(file, &file.src, file.findings.clone()),
                file.withheld,
                opts,
                reanalyze,
            )
        })
        .collect()
}
