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
