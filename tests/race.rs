//! The proof that a fix is right is the race detector: each module in
//! `testdata/<id>/race/<variant>/` has a test that fails under `go test -race` as written
//! and passes after `defuse fix --write`. Both directions are asserted, by
//! scripts/race-check, with the real Go toolchain (required, never skipped).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

fn check(dir: &Path, mode: &str) -> (bool, String) {
    let script = repo_root().join("scripts/race-check");
    let out = Command::new("bash")
        .arg(&script)
        .arg(dir)
        .arg(mode)
        .output()
        .unwrap_or_else(|e| panic!("bash is required to run {}: {e}", script.display()));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Every `testdata/*/race/*/` holding a go.mod.
fn race_modules() -> Vec<PathBuf> {
    let mut modules = Vec::new();
    for case in std::fs::read_dir(testdata()).unwrap() {
        let race = case.unwrap().path().join("race");
        if !race.is_dir() {
            continue;
        }
        for e in std::fs::read_dir(&race).unwrap() {
            let p = e.unwrap().path();
            if p.join("go.mod").is_file() {
                modules.push(p);
            }
        }
    }
    modules.sort();
    modules
}

#[test]
fn race_modules_fail_before_and_pass_after_the_fix() {
    // race-check needs go; make its absence a failure with a clear message.
    let _ = go(&repo_root(), &["version"]);
    let modules = race_modules();
    assert!(
        modules.len() >= 7,
        "one race module per rule with a fix, found {}",
        modules.len()
    );
    let mut problems = Vec::new();
    for m in &modules {
        // `<id>/race/<variant>`, as the problems name it.
        let name = m.strip_prefix(testdata()).unwrap().display().to_string();
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join(m.file_name().unwrap());
        copy_dir(m, &work);
        let (ok, out) = check(&work, "before");
        if !ok {
            problems.push(format!("{name}: the test does not fail as written:\n{out}"));
            continue;
        }
        let fix = defuse(
            &work,
            &[
                "fix",
                "--write",
                "--review-fixes",
                "--allow-dirty",
                "-q",
                ".",
            ],
        );
        if fix.status.code() != Some(0) {
            problems.push(format!(
                "{name}: defuse fix did not fix everything (exit {:?}):\n{}",
                fix.status.code(),
                String::from_utf8_lossy(&fix.stderr)
            ));
            continue;
        }
        let (ok, out) = check(&work, "after");
        if !ok {
            problems.push(format!(
                "{name}: the test still fails after the fix:\n{out}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
