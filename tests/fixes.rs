//! Every fixable case in testdata/: the fixed file equals its reviewed snapshot, is
//! gofmt-clean, passes `go vet` with the rest of its module, and fixing again changes
//! nothing. Runs the real binary, as a user would. The snapshots sit next to the cases,
//! in `testdata/<id>/snapshots/<file>.snap`; the race modules in `testdata/<id>/race/` are
//! tests/race.rs's and stay out of the copy that is fixed here.

use std::path::Path;

use crate::support::*;

fn rule_dirs() -> Vec<String> {
    let mut v: Vec<String> = defuse::rules::ids().iter().map(|s| s.to_string()).collect();
    v.push("examples".into());
    v
}

#[test]
fn fixed_testdata_matches_snapshots_and_compiles() {
    for name in rule_dirs() {
        let src = repo_root().join("testdata").join(&name);
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join(&name);
        copy_rule_package(&src, &work);
        let before_vet = go(&work, &["vet", "./..."]);
        assert!(
            before_vet.status.success(),
            "{name}: go vet fails before the fix:\n{}",
            String::from_utf8_lossy(&before_vet.stderr)
        );

        let out = defuse(
            &work,
            &["fix", "--write", "--review-fixes", "--allow-dirty", "."],
        );
        assert_ne!(
            out.status.code(),
            Some(2),
            "{name}: fix failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        // One snapshot per changed file, holding the diff a reviewer reads.
        let mut files: Vec<_> = walk_go(&work);
        files.sort();
        let mut changed = 0;
        for f in &files {
            let rel = f.strip_prefix(&work).unwrap();
            let old = std::fs::read_to_string(src.join(rel)).unwrap();
            let new = std::fs::read_to_string(f).unwrap();
            if old == new {
                continue;
            }
            changed += 1;
            let diff = defuse::fix::unified_diff(
                &rel.display().to_string(),
                old.as_bytes(),
                new.as_bytes(),
            );
            let snap = rel.display().to_string().replace('/', "__");
            snapshot_in(&src).bind(|| insta::assert_snapshot!(snap, diff));
        }
        assert!(changed > 0, "{name}: nothing was fixed");

        assert_eq!(
            gofmt_l(&work),
            "",
            "{name}: fixed files are not gofmt-clean"
        );
        let vet = go(&work, &["vet", "./..."]);
        assert!(
            vet.status.success(),
            "{name}: go vet fails after the fix:\n{}",
            String::from_utf8_lossy(&vet.stderr)
        );

        // Idempotent: a second run changes nothing.
        let again = defuse(&work, &["fix", "--diff", "--review-fixes", "."]);
        assert!(
            again.stdout.is_empty(),
            "{name}: a second fix changes more:\n{}",
            String::from_utf8_lossy(&again.stdout)
        );
    }
}

/// Insta's settings for the snapshots of the rule folder `rule_dir`:
/// `rule_dir/snapshots/<file>.snap`, named by the file alone.
fn snapshot_in(rule_dir: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(rule_dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn walk_go(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_go(&p));
        } else if p.extension().is_some_and(|x| x == "go") {
            out.push(p);
        }
    }
    out
}
