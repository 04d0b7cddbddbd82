//! Each rule declares what must appear in a function for it to fire (its triggers; the
//! prefilter runs their union). Here every finding of every rule, down to low
//! confidence, on the test data, the catalog's examples and the whole Go tree, is checked
//! against that rule's own triggers: it lies in a top-level function where one fires.
//! (The fuzz target and tests/fuzz_corpus.rs check the same on their inputs.)

use std::path::Path;

use defuse::engine::{analyze, SourceUnit};
use defuse::fuzzing::check_triggers;
use defuse::scan::{scan, Pipeline};

use crate::support::{example_per_iteration, goroot_src, low_confidence, scan_options, testdata};

/// Every finding of a scan of `root` with every file modeled; how many were checked.
fn check_tree(root: &Path) -> usize {
    let result = scan(&scan_options(root, Pipeline::Full));
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let mut checked = 0;
    for file in result.files() {
        // The package: the Go files of the directory with the same package clause.
        let path = Path::new(&file.path);
        let name = defuse::syntax::lex::package_name(&file.src);
        let mut files: Vec<(Vec<u8>, bool)> =
            vec![(file.src.clone(), !file.per_iteration_loop_vars)];
        for e in std::fs::read_dir(path.parent().unwrap()).unwrap() {
            let p = e.unwrap().path();
            if p == path || p.extension().is_none_or(|x| x != "go") || !p.is_file() {
                continue;
            }
            let src = std::fs::read(&p).unwrap();
            if defuse::syntax::lex::package_name(&src) == name {
                files.push((src, !file.per_iteration_loop_vars));
            }
        }
        let refs: Vec<(&[u8], bool)> = files.iter().map(|(s, b)| (s.as_slice(), *b)).collect();
        check_triggers(&refs, 0, &file.findings);
        checked += file.findings.len();
    }
    checked
}

#[test]
fn testdata_findings_lie_where_their_rules_trigger() {
    let n = check_tree(&testdata());
    assert!(n > 50, "{n}");
}

#[test]
fn catalog_findings_lie_where_their_rules_trigger() {
    let mut n = 0;
    for r in defuse::catalog::rules() {
        for e in &r.examples {
            let per_iteration = example_per_iteration(&e.before, &e.go_version);
            let unit = SourceUnit {
                path: "example.go".into(),
                src: e.before.as_bytes().to_vec(),
                per_iteration_loop_vars: per_iteration,
            };
            for file in analyze(vec![unit], &low_confidence()) {
                check_triggers(&[(&file.src, !per_iteration)], 0, &file.findings);
                n += file.findings.len();
            }
        }
    }
    assert!(n >= 10, "{n}");
}

#[test]
fn go_tree_findings_lie_where_their_rules_trigger() {
    check_tree(&goroot_src());
}
