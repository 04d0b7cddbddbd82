//! analysistest-style expectations: every line ending in `// want "rule-id"` must carry
//! exactly that finding, and every other line must stay silent, for every rule at once.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use defuse::discover::{discover, file_version, DiscoverOptions};
use defuse::engine::{analyze, RuleSelection, SourceUnit};

use crate::support::{is_rule_aside, testdata};

/// `(file, line, rule)` expected from `// want "a" "b"` comments.
fn wants(path: &str, src: &str) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in src.lines().enumerate() {
        if let Some(pos) = line.find("// want ") {
            for part in line[pos + 8..].split('"').skip(1).step_by(2) {
                out.insert((path.to_string(), i + 1, part.to_string()));
            }
        }
    }
    out
}

/// Whether the file at `path` has per-iteration loop variables, decided as a scan decides
/// it: its module's `go` line, or its own `//go:build go1.N` line.
fn per_iteration(path: &Path, src: &[u8]) -> bool {
    let found = discover(&[path.to_path_buf()], &DiscoverOptions::default());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let [file] = &found.files[..] else {
        panic!("{}: not discovered as one Go file", path.display());
    };
    file_version(src, file).0.has_per_iteration_loop_vars()
}

/// Every directory holding .go files below `root` is one package, but for the race
/// modules in `root/race/`: they have no `// want` comments, and tests/race.rs holds them
/// to the race detector instead.
fn packages(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut has_go = false;
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !is_rule_aside(root, &p) {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "go") {
                has_go = true;
            }
        }
        if has_go {
            out.push(d);
        }
    }
    out.sort();
    out
}

fn check_dir(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for pkg in packages(root) {
        let mut units = Vec::new();
        let mut expected = BTreeSet::new();
        let mut names: Vec<PathBuf> = fs::read_dir(&pkg)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "go"))
            .collect();
        names.sort();
        for p in names {
            let src = fs::read_to_string(&p).unwrap();
            let path = p.display().to_string();
            expected.extend(wants(&path, &src));
            units.push(SourceUnit {
                path,
                per_iteration_loop_vars: per_iteration(&p, src.as_bytes()),
                src: src.into_bytes(),
            });
        }
        let results = analyze(units, &RuleSelection::default());
        let mut got = BTreeSet::new();
        for r in &results {
            for f in &r.findings {
                got.insert((f.path.clone(), f.span.start.line, f.rule.clone()));
            }
        }
        for missing in expected.difference(&got) {
            problems.push(format!(
                "missing: {}:{} {}",
                missing.0, missing.1, missing.2
            ));
        }
        for extra in got.difference(&expected) {
            let msg = results
                .iter()
                .flat_map(|r| &r.findings)
                .find(|f| f.path == extra.0 && f.span.start.line == extra.1 && f.rule == extra.2)
                .map(|f| f.message.clone())
                .unwrap_or_default();
            problems.push(format!(
                "unexpected: {}:{} {} — {msg}",
                extra.0, extra.1, extra.2
            ));
        }
    }
    problems
}

fn assert_none(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn testdata_rules_match_their_want_comments() {
    let root = testdata();
    let mut problems = Vec::new();
    for rule in defuse::rules::ids() {
        let dir = root.join(rule);
        assert!(dir.is_dir(), "every rule has testdata/{rule}/");
        problems.extend(check_dir(&dir));
    }
    assert_none(&problems);
}

#[test]
fn examples_match_their_want_comments() {
    let root = testdata().join("examples");
    let problems = check_dir(&root);
    assert_none(&problems);
}

#[test]
fn package_facts_match_their_want_comments() {
    let root = testdata().join("package-facts");
    let problems = check_dir(&root);
    assert_none(&problems);
}
