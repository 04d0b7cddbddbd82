//! Every finding the engine makes, down to low confidence, on the bundled test data, the
//! catalog's examples and the whole Go tree: where, which rule, how sure, the message, the
//! notes and the fix (title, applicability and edits). A change of the model shows up
//! here as a reviewed snapshot diff, finding by finding; a refactoring must leave it as
//! it is.

use std::path::Path;

use defuse::engine::{analyze, SourceUnit};
use defuse::finding::Finding;
use defuse::scan::{scan, Pipeline};

use crate::support::{example_per_iteration, goroot_src, low_confidence, scan_options};

fn render(path: &str, f: &Finding) -> String {
    let mut out = format!(
        "{path}:{}:{}-{}:{} {} {:?}{}\n  {}\n",
        f.span.start.line,
        f.span.start.column,
        f.span.end.line,
        f.span.end.column,
        f.rule,
        f.confidence,
        if f.suppressed.is_some() {
            " suppressed"
        } else {
            ""
        },
        f.message
    );
    for n in &f.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    match (&f.fix, &f.no_fix_reason) {
        (Some(fix), _) => {
            out.push_str(&format!("  fix ({:?}): {}\n", fix.applicability, fix.title));
            for e in &fix.edits {
                out.push_str(&format!("    {}..{} {:?}\n", e.start, e.end, e.replacement));
            }
        }
        (None, Some(why)) => out.push_str(&format!("  no fix: {why}\n")),
        (None, None) => out.push_str("  no fix\n"),
    }
    out
}

/// The findings of a scan of `root` with every file modeled, paths relative to `root`.
fn scan_tree(root: &Path) -> String {
    let result = scan(&scan_options(root, Pipeline::Full));
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let mut out = String::new();
    for file in result.files() {
        let rel = Path::new(&file.path)
            .strip_prefix(root)
            .unwrap_or(Path::new(&file.path))
            .display()
            .to_string();
        for f in &file.findings {
            out.push_str(&render(&rel, f));
        }
    }
    out
}

#[test]
fn testdata() {
    let root = crate::support::testdata();
    insta::assert_snapshot!("testdata", scan_tree(&root));
}

/// Analyzed as tests/catalog.rs does: the example's `go_version`, overridden by its own
/// `//go:build go1.N`.
fn catalog_unit(path: String, code: &str, go_version: &Option<String>) -> SourceUnit {
    SourceUnit {
        path,
        src: code.as_bytes().to_vec(),
        per_iteration_loop_vars: example_per_iteration(code, go_version),
    }
}

#[test]
fn catalog_examples() {
    let mut units = Vec::new();
    for r in defuse::catalog::rules() {
        for e in &r.examples {
            let path = format!("{}/before/{}.go", r.id, e.name);
            units.push(catalog_unit(path, &e.before, &e.go_version));
        }
        for ok in &r.ok {
            let path = format!("{}/ok/{}.go", r.id, ok.name);
            units.push(catalog_unit(path, &ok.code, &ok.go_version));
        }
    }
    let mut out = String::new();
    for unit in units {
        for file in analyze(vec![unit], &low_confidence()) {
            for f in &file.findings {
                out.push_str(&render(&file.path, f));
            }
        }
    }
    insta::assert_snapshot!("catalog_examples", out);
}

#[test]
fn go_tree() {
    let src = goroot_src();
    insta::assert_snapshot!("go_tree", scan_tree(&src));
}
