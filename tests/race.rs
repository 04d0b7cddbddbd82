//! The proof that a fix is right is the race detector: each module in testdata/race/ has a
//! test that fails under `go test -race` as written and passes after `defuse fix --write`.
//! Both directions are asserted, with the real Go toolchain (required, never skipped).

use std::path::Path;
use std::process::Command;

use crate::support::*;

fn check(dir: &Path, mode: &str) -> (bool, String) {
    let script = repo_root().join("testdata/race/check.sh");
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

#[test]
fn race_modules_fail_before_and_pass_after_the_fix() {
    // check.sh needs go; make its absence a failure with a clear message.
    let _ = go(&repo_root(), &["version"]);
    let root = repo_root().join("testdata/race");
    let mut modules: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("go.mod").is_file())
        .collect();
    modules.sort();
    assert!(
        modules.len() >= 7,
        "one race module per rule with a fix, found {}",
        modules.len()
    );
    let mut problems = Vec::new();
    for m in &modules {
        let name = m.file_name().unwrap().to_string_lossy().into_owned();
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join(&name);
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
