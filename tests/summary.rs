//! The end of a run on stderr: one summary line, the same for `check` and `fix`, and no
//! progress bar when stderr is not a terminal (as here, and in CI).

use crate::support::{defuse_command, repo_root};

fn stderr_of(args: &[&str], ci: bool) -> String {
    let mut cmd = defuse_command(&repo_root());
    cmd.args(args);
    if ci {
        cmd.env("CI", "true");
    }
    let out = cmd.output().unwrap();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn one_summary_line_for_check_and_fix() {
    for ci in [false, true] {
        let check = stderr_of(&["check", "testdata/examples"], ci);
        let fix = stderr_of(&["fix", "--diff", "testdata/examples"], ci);
        for (what, err) in [("check", &check), ("fix", &fix)] {
            assert!(!err.contains("scanning"), "{what}: a bar on a pipe: {err}");
            let last = err.lines().last().unwrap_or_default();
            assert!(last.starts_with("scanned 5 files in "), "{what}: {err}");
            let counts = if what == "fix" {
                "s: 7 findings; would apply 2 fixes in 1 file"
            } else {
                "s: 7 findings"
            };
            assert!(last.ends_with(counts), "{what}: {err}");
            assert_eq!(err.matches("scanned ").count(), 1, "{what}: {err}");
        }
        let json = stderr_of(&["check", "testdata/examples", "--format", "json"], ci);
        assert!(json.starts_with("scanned 5 files"), "{json}");
    }
    assert_eq!(
        stderr_of(&["check", "--quiet", "testdata/examples"], false),
        ""
    );
}
