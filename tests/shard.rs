//! `--shard I/N`: N runs, one per CI job, together report and fix exactly what one run
//! does, and no package is in two shards.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use defuse::scan::{scan, shard_of, Pipeline, ScanOptions, Shard};

use crate::support::{copy_dir, defuse_command, repo_root, testdata};

fn scan_shard(root: &Path, shard: Option<Shard>) -> (Vec<String>, BTreeSet<PathBuf>, usize) {
    let result = scan(&ScanOptions {
        paths: vec![root.to_path_buf()],
        discover: Default::default(),
        include_generated: false,
        rules: Default::default(),
        pipeline: Pipeline::Fast,
        shard,
    });
    let findings = result
        .files()
        .flat_map(|f| &f.findings)
        .map(|f| {
            format!(
                "{}:{}:{} {}",
                f.path, f.span.start.line, f.span.start.column, f.rule
            )
        })
        .collect();
    let dirs = result
        .files()
        .map(|f| Path::new(&f.path).parent().unwrap().to_path_buf())
        .collect();
    (findings, dirs, result.files_scanned)
}

#[test]
fn shards_partition_the_packages_and_the_findings() {
    let root = testdata();
    let (all, _, scanned) = scan_shard(&root, None);
    assert!(all.len() > 50);
    for count in [1, 2, 3, 5, 8] {
        let mut union: Vec<String> = Vec::new();
        let mut dirs_seen: BTreeSet<PathBuf> = BTreeSet::new();
        let mut scanned_sum = 0;
        for index in 0..count {
            let (findings, dirs, n) = scan_shard(&root, Some(Shard { index, count }));
            for d in &dirs {
                assert!(
                    dirs_seen.insert(d.clone()),
                    "{} in two shards of {count}",
                    d.display()
                );
            }
            union.extend(findings);
            scanned_sum += n;
        }
        union.sort();
        let mut want = all.clone();
        want.sort();
        assert_eq!(union, want, "the {count} shards together");
        assert_eq!(
            scanned_sum, scanned,
            "every file in exactly one of {count} shards"
        );
    }
}

/// The split depends on the directory below the path given, not on where the tree is.
#[test]
fn shard_of_a_package_is_the_same_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("elsewhere").join("testdata");
    copy_dir(&testdata().join("examples"), &copy.join("examples"));
    copy_dir(
        &testdata().join("map-write-under-rlock"),
        &copy.join("map-write-under-rlock"),
    );
    for count in [2, 3] {
        for index in 0..count {
            let shard = Some(Shard { index, count });
            let rel = |root: &Path, findings: Vec<String>| -> Vec<String> {
                findings
                    .into_iter()
                    .map(|f| f.replace(&root.display().to_string(), ""))
                    .collect()
            };
            let (here, _, _) = scan_shard(&testdata().join("examples"), shard);
            let (there, _, _) = scan_shard(&copy.join("examples"), shard);
            assert_eq!(
                rel(&testdata().join("examples"), here),
                rel(&copy.join("examples"), there)
            );
        }
    }
    // Pinned: a change of hash would move packages between CI jobs unannounced.
    assert_eq!(
        [
            shard_of("net/http", 4),
            shard_of("runtime", 4),
            shard_of("a/b/c", 7)
        ],
        [PINNED_NET_HTTP, PINNED_RUNTIME, PINNED_ABC]
    );
}

// FNV-1a 64 of the path, modulo N; `python3 -c` with the same three lines agrees.
const PINNED_NET_HTTP: usize = 1;
const PINNED_RUNTIME: usize = 3;
const PINNED_ABC: usize = 0;

fn defuse(args: &[&str]) -> (String, String) {
    let out = defuse_command(&repo_root())
        .args(args)
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(out.status.code().unwrap_or(9) <= 1, "{args:?}: {out:?}");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The command line: `check --format json` and `fix --diff` per shard add up to one run.
#[test]
fn command_line_shards_add_up() {
    let findings = |json: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{}:{} {}", f["path"], f["start"]["line"], f["rule"]))
            .collect()
    };
    let (all, _) = defuse(&["check", "testdata", "--format", "json"]);
    let mut want = findings(&all);
    want.sort();
    let (full_diff, _) = defuse(&["fix", "--diff", "--review-fixes", "testdata/examples"]);
    let diffs = |d: &str| -> BTreeSet<String> {
        d.split("\n--- ")
            .map(|s| s.trim_start_matches("--- ").to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut got = Vec::new();
    let mut got_diffs = BTreeSet::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let (json, _) = defuse(&["check", "testdata", "--format", "json", "--shard", &shard]);
        got.extend(findings(&json));
        let (diff, _) = defuse(&[
            "fix",
            "--diff",
            "--review-fixes",
            "testdata/examples",
            "--shard",
            &shard,
        ]);
        got_diffs.extend(diffs(&diff));
    }
    got.sort();
    assert_eq!(got, want);
    assert!(!full_diff.is_empty());
    assert_eq!(got_diffs, diffs(&full_diff));
}
