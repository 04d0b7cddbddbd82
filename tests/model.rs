//! Snapshots of the model alone, per package of `testdata/model/`: the operations of every
//! function with their lock states per run, defers and where they run, goroutines,
//! exits, guards and caller facts. Reviewed like any snapshot: a change of the model shows
//! up here without a rule in between.

use std::path::PathBuf;

use defuse::model::{dump::dump, SourceUnit};

fn package(name: &str) -> Vec<SourceUnit> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/model");
    let path = dir.join(name);
    vec![SourceUnit {
        path: format!("testdata/model/{name}"),
        src: std::fs::read(&path).unwrap(),
        per_iteration_loop_vars: true,
    }]
}

/// The `.go` files of a folder of `testdata/model/`, as one package.
fn folder(name: &str) -> Vec<SourceUnit> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/model")
        .join(name);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".go"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|n| SourceUnit {
            path: format!("testdata/model/{name}/{n}"),
            src: std::fs::read(dir.join(&n)).unwrap(),
            per_iteration_loop_vars: true,
        })
        .collect()
}

#[test]
fn caller_levels() {
    insta::assert_snapshot!(dump(package("caller_levels.go")));
}

#[test]
fn tests_and_callers() {
    insta::assert_snapshot!(dump(folder("tests_and_callers")));
}

#[test]
fn defer_order() {
    insta::assert_snapshot!(dump(package("defer_order.go")));
}

#[test]
fn entry_states() {
    insta::assert_snapshot!(dump(package("entry_states.go")));
}

#[test]
fn paths() {
    insta::assert_snapshot!(dump(package("paths.go")));
}
