//! The prefilter and the lazy package facts save work and change nothing: the findings
//! with them are the findings of parsing and modeling every file of every package, over
//! the bundled test data, the catalog's examples and the whole Go tree.

use std::path::PathBuf;

use defuse::scan::{scan, Pipeline};

use crate::support::{example_per_iteration, goroot_src, scan_options, testdata};

/// Every finding, down to low confidence, as one line each: where, which rule, how sure,
/// whether suppressed, the message, the notes, its fix, edits and all, and why the
/// file's fixes are withheld (a syntax error anywhere in it).
fn findings(root: PathBuf, pipeline: Pipeline) -> (Vec<String>, usize) {
    let result = scan(&scan_options(&root, pipeline));
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let lines = result
        .files()
        .flat_map(|file| file.findings.iter().map(move |f| (file, f)))
        .map(|(file, f)| {
            format!(
                "{}:{}:{}-{}:{} {} {:?} suppressed={} {} | {} | fix={:?} | withheld={:?}",
                f.path,
                f.span.start.line,
                f.span.start.column,
                f.span.end.line,
                f.span.end.column,
                f.rule,
                f.confidence,
                f.suppressed.is_some(),
                f.message,
                f.notes.join(" / "),
                f.fix,
                file.withheld
            )
        })
        .collect();
    (lines, result.files_parsed)
}

/// Fails naming only the findings that differ: the lists run to hundreds of lines.
fn assert_same(reference: &[String], other: &[String], root: &std::path::Path, what: &str) {
    let only_reference: Vec<_> = reference.iter().filter(|f| !other.contains(f)).collect();
    let only_other: Vec<_> = other.iter().filter(|f| !reference.contains(f)).collect();
    assert!(
        reference == other,
        "{}: {what} changed the findings\nonly in the full analysis:\n{:#?}\nonly with {what}:\n{:#?}",
        root.display(),
        only_reference,
        only_other
    );
}

/// The findings and fixes of the fast pipeline are the reference's.
fn same_findings(root: PathBuf) -> Vec<String> {
    let (full, parsed_full) = findings(root.clone(), Pipeline::Full);
    let (fast, parsed_fast) = findings(root.clone(), Pipeline::Fast);
    assert_same(&full, &fast, &root, "the fast pipeline");
    assert!(parsed_fast <= parsed_full);
    // Packages here fit in one batch of the functions parsed apart from the candidates:
    // the same with one function per batch.
    let (one_by_one, _) = findings(root.clone(), Pipeline::FastInBatchesOf(1));
    assert_same(
        &full,
        &one_by_one,
        &root,
        "the fast pipeline in batches of one function",
    );
    full
}

#[test]
fn testdata_findings_do_not_depend_on_the_prefilter() {
    let all = same_findings(testdata());
    // The test data is full of findings: the comparison compares something.
    assert!(all.len() > 50, "{}", all.len());
}

#[test]
fn go_tree_findings_do_not_depend_on_the_prefilter() {
    same_findings(goroot_src());
}

/// Every example of the catalog that reports something passes the byte-level test.
#[test]
fn catalog_examples_with_findings_are_candidates() {
    for r in defuse::catalog::everything() {
        for e in &r.examples {
            if e.lines.is_empty() {
                continue;
            }
            let shared = !example_per_iteration(&e.before, &e.go_version);
            assert!(
                defuse::prefilter::candidate(e.before.as_bytes(), shared),
                "{} / {}: not a candidate",
                r.id,
                e.name
            );
        }
    }
}
