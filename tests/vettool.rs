//! defuse under the go command: `go vet -vettool=defuse` and `go fix -fixtool=defuse`
//! on the module in tests/go-tooling/module, with the real Go toolchain (required).
//!
//! The module has findings in a file every build compiles (store.go: one safe fix, one
//! that needs review), in a file only `-tags defuse_never` compiles (ignored.go), in
//! an internal test file (store_test.go) and in an external one (store_ext_test.go,
//! Go 1.21 semantics from its `//go:build go1.21` line).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{copy_dir, go, gofmt_l, repo_root, BIN};

fn module() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&repo_root().join("tests/go-tooling/module"), &dir);
    (tmp, dir)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// (file, line, column, rule) of the first occurrence of `needle` in `file`.
fn at(dir: &Path, file: &str, needle: &str, rule: &str) -> (String, usize, usize, String) {
    let src = std::fs::read_to_string(dir.join(file)).unwrap();
    let offset = src
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in {file}"));
    let line = src[..offset].matches('\n').count() + 1;
    let column = offset - src[..offset].rfind('\n').map_or(0, |n| n + 1) + 1;
    (file.to_string(), line, column, rule.to_string())
}

/// The findings go vet printed: every line of its stderr must be one,
/// `file:line:col: rule: message`.
fn diagnostics(out: &Output) -> BTreeSet<(String, usize, usize, String)> {
    let stderr = text(&out.stderr);
    stderr
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.splitn(5, ':');
            let mut next = || {
                parts
                    .next()
                    .unwrap_or_else(|| panic!("not a diagnostic: {l}"))
            };
            let file = next().to_string();
            let line = next().parse().unwrap_or_else(|_| panic!("{l}"));
            let column = next().parse().unwrap_or_else(|_| panic!("{l}"));
            let rule = next().trim().to_string();
            assert!(!next().trim().is_empty(), "no message: {l}");
            (file, line, column, rule)
        })
        .collect()
}

fn expected_by_default(dir: &Path) -> BTreeSet<(String, usize, usize, String)> {
    [
        at(
            dir,
            "store.go",
            "defer delete(s.sessions, id)",
            "deferred-write-unlocked",
        ),
        at(dir, "store.go", "h.hits[k]++", "map-write-under-rlock"),
        at(
            dir,
            "store_test.go",
            "defer delete(s.sessions, id)",
            "deferred-write-unlocked",
        ),
        at(
            dir,
            "store_ext_test.go",
            "go func() {",
            "deferred-loopvar-capture",
        ),
    ]
    .into_iter()
    .collect()
}

#[test]
fn go_vet_reports_the_files_the_build_compiles_tests_included() {
    let (_tmp, dir) = module();
    let out = go(&dir, &["vet", &format!("-vettool={BIN}"), "./..."]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    // Not ignored.go: its build tag keeps it out of every default build.
    assert_eq!(
        diagnostics(&out),
        expected_by_default(&dir),
        "{}",
        describe(&out)
    );
}

#[test]
fn go_vet_with_the_tag_reports_the_file_the_tag_adds() {
    let (_tmp, dir) = module();
    let out = go(
        &dir,
        &[
            "vet",
            "-tags",
            "defuse_never",
            &format!("-vettool={BIN}"),
            "./...",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let mut want = expected_by_default(&dir);
    want.insert(at(
        &dir,
        "ignored.go",
        "defer delete(s.sessions, id)",
        "deferred-write-unlocked",
    ));
    assert_eq!(diagnostics(&out), want, "{}", describe(&out));
}

#[test]
fn go_vet_passes_the_tools_flags_on() {
    let (_tmp, dir) = module();
    let out = go(
        &dir,
        &[
            "vet",
            &format!("-vettool={BIN}"),
            "-ignore=map-write-under-rlock,deferred-loopvar-capture",
            "./...",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let rules: BTreeSet<String> = diagnostics(&out).into_iter().map(|d| d.3).collect();
    assert_eq!(
        rules,
        BTreeSet::from(["deferred-write-unlocked".to_string()]),
        "{}",
        describe(&out)
    );
}

#[test]
fn go_vet_json_gives_unitcheckers_tree_with_the_safe_fixes() {
    let (_tmp, dir) = module();
    let out = go(&dir, &["vet", "-json", &format!("-vettool={BIN}"), "./..."]);
    // With -json the go command passes the tool's output through and exits 0.
    assert!(out.status.success(), "{}", describe(&out));
    let mut diags = Vec::new();
    for tree in serde_json::Deserializer::from_slice(&out.stdout).into_iter::<serde_json::Value>() {
        let tree = tree.unwrap_or_else(|e| panic!("{e}\n{}", describe(&out)));
        for (id, analyzers) in tree.as_object().unwrap() {
            assert!(id.starts_with("example.com/store"), "{id}");
            for d in analyzers["defuse"].as_array().unwrap() {
                diags.push(d.clone());
            }
        }
    }
    assert_eq!(diags.len(), 4, "{}", describe(&out));
    for d in &diags {
        let rule = d["category"].as_str().unwrap();
        assert!(d["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{rule}: ")));
        // Safe fixes only: the read-lock write's fix needs review.
        let fixes = d
            .get("suggested_fixes")
            .map(|f| f.as_array().unwrap().len());
        if rule == "map-write-under-rlock" {
            assert_eq!(fixes, None, "{d}");
        } else {
            assert_eq!(fixes, Some(1), "{d}");
        }
    }
}

#[test]
fn go_fix_diff_prints_the_safe_fixes_and_changes_nothing() {
    let (_tmp, dir) = module();
    let before = std::fs::read(dir.join("store.go")).unwrap();
    let out = go(&dir, &["fix", &format!("-fixtool={BIN}"), "-diff", "./..."]);
    // Like gofmt -d: a diff that is not empty makes the exit code 1.
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let diff = text(&out.stdout);
    let store = std::fs::canonicalize(dir.join("store.go")).unwrap();
    assert!(
        diff.contains(&format!("--- {} (old)\n", store.display())),
        "{diff}"
    );
    assert!(
        diff.contains(
            "-\tdefer delete(s.sessions, id)\n+\tdefer func() {\n+\t\ts.mu.Lock()\n+\t\tdefer s.mu.Unlock()\n+\t\tdelete(s.sessions, id)\n+\t}()\n"
        ),
        "{diff}"
    );
    assert!(diff.contains("store_test.go (new)"), "{diff}");
    assert!(diff.contains("+\t\turl := url\n"), "{diff}");
    assert!(!diff.contains("ignored.go"), "{diff}");
    // The review fix (the write lock for Get) is not among them.
    assert!(!diff.contains("-\th.mu.RLock()"), "{diff}");
    assert_eq!(std::fs::read(dir.join("store.go")).unwrap(), before);
}

#[test]
fn go_fix_applies_the_safe_fixes_gofmt_clean() {
    let (_tmp, dir) = module();
    let ignored = std::fs::read(dir.join("ignored.go")).unwrap();
    let out = go(&dir, &["fix", &format!("-fixtool={BIN}"), "./..."]);
    assert!(out.status.success(), "{}", describe(&out));
    let store = std::fs::read_to_string(dir.join("store.go")).unwrap();
    assert!(
        store.contains("\tdefer func() {\n\t\ts.mu.Lock()\n\t\tdefer s.mu.Unlock()\n\t\tdelete(s.sessions, id)\n\t}()\n"),
        "{store}"
    );
    assert!(store.contains("\th.mu.RLock()\n\tdefer h.mu.RUnlock()\n\th.hits[k]++"));
    let ext = std::fs::read_to_string(dir.join("store_ext_test.go")).unwrap();
    assert!(ext.contains("\t\turl := url\n"), "{ext}");
    // Not compiled, so not fixed.
    assert_eq!(std::fs::read(dir.join("ignored.go")).unwrap(), ignored);
    assert_eq!(gofmt_l(&dir), "");
    // Go's own vet (and so the compiler) accepts the result, tests included.
    let vet = go(&dir, &["vet", "./..."]);
    assert!(vet.status.success(), "{}", describe(&vet));
    // What is left is the finding whose fix needs review.
    let again = go(&dir, &["vet", &format!("-vettool={BIN}"), "./..."]);
    let left: Vec<String> = diagnostics(&again).into_iter().map(|d| d.3).collect();
    assert_eq!(left, ["map-write-under-rlock"], "{}", describe(&again));
}

#[test]
fn version_names_the_executables_content() {
    let out = Command::new(BIN).arg("-V=full").output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let line = text(&out.stdout);
    // What cmd/go/internal/work.(*Builder).toolID requires of a development build.
    let f: Vec<&str> = line.split_whitespace().collect();
    assert!(f.len() >= 3, "{line}");
    assert_eq!(f[1], "version", "{line}");
    assert!(f[2].contains("devel"), "{line}");
    let id = f.last().unwrap().strip_prefix("buildID=").expect(&line);
    let hash = git2::Oid::hash_file(git2::ObjectType::Blob, BIN).unwrap();
    assert_eq!(id, hash.to_string());
    assert!(
        line.ends_with('\n') && line.lines().count() == 1,
        "{line:?}"
    );
}

#[test]
fn flags_lists_the_flags_go_vet_may_pass_on() {
    let out = Command::new(BIN).arg("-flags").output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeSet<&str> = list.iter().map(|f| f["Name"].as_str().unwrap()).collect();
    for f in &list {
        assert!(f["Bool"].is_boolean() && f["Usage"].is_string(), "{f}");
    }
    assert_eq!(
        names,
        BTreeSet::from([
            "V",
            "flags",
            "json",
            "c",
            "diff",
            "min-confidence",
            "ignore"
        ])
    );
}

/// A vet.cfg as the go command writes it, for the module's store.go alone.
fn config(dir: &Path, extra: &str) -> PathBuf {
    let store = std::fs::canonicalize(dir.join("store.go")).unwrap();
    let cfg = format!(
        r#"{{
	"ID": "example.com/store",
	"Compiler": "gc",
	"Dir": {dir:?},
	"ImportPath": "example.com/store",
	"GoFiles": [{store:?}],
	"NonGoFiles": [],
	"ModulePath": "example.com/store",
	"ImportMap": {{"sync": "sync"}},
	"PackageFile": {{}},
	"Standard": {{"sync": true}},
	"PackageVetx": {{}},
	"VetxOutput": {vetx:?},
	"GoVersion": "go1.22",
	"SucceedOnTypecheckFailure": false{extra}
}}
"#,
        dir = store.parent().unwrap(),
        vetx = dir.join("vet.out"),
    );
    let path = dir.join("vet.cfg");
    std::fs::write(&path, cfg).unwrap();
    path
}

#[test]
fn a_unit_run_by_hand_prints_unitcheckers_lines_and_exits_1() {
    let (_tmp, dir) = module();
    let cfg = config(&dir, "");
    let out = Command::new(BIN).arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(out.stdout.is_empty(), "{}", describe(&out));
    let store = std::fs::canonicalize(dir.join("store.go")).unwrap();
    let lines: Vec<String> = text(&out.stderr).lines().map(str::to_string).collect();
    let want = |needle: &str, rule: &str| {
        let (_, line, col, _) = at(&dir, "store.go", needle, rule);
        format!("{}:{line}:{col}: {rule}: ", store.display())
    };
    assert_eq!(lines.len(), 2, "{}", describe(&out));
    assert!(lines[0].starts_with(&want(
        "defer delete(s.sessions, id)",
        "deferred-write-unlocked"
    )));
    assert!(lines[1].starts_with(&want("h.hits[k]++", "map-write-under-rlock")));
    // The facts file exists (empty: defuse has no facts), or go vet would fail.
    assert_eq!(std::fs::read(dir.join("vet.out")).unwrap(), b"");
}

#[test]
fn a_dependency_run_only_writes_the_facts_file() {
    let (_tmp, dir) = module();
    let stdout = dir.join("vet.stdout");
    let cfg = config(
        &dir,
        &format!(",\n\t\"VetxOnly\": true,\n\t\"Stdout\": {stdout:?}"),
    );
    let out = Command::new(BIN)
        .args(["-json"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    assert!(dir.join("vet.out").exists());
    assert_eq!(std::fs::read(&stdout).unwrap(), b"");
}

#[test]
fn the_fix_archive_holds_the_fixed_files_for_the_go_command() {
    let (_tmp, dir) = module();
    let archive = dir.join("vet.fix.zip");
    let cfg = config(&dir, &format!(",\n\t\"FixArchive\": {archive:?}"));
    let before = std::fs::read(dir.join("store.go")).unwrap();
    let out = Command::new(BIN).args(["-fix"]).arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    // The tool writes no source file itself: the go command does, from the archive.
    assert_eq!(std::fs::read(dir.join("store.go")).unwrap(), before);
    let zip = std::fs::read(&archive).unwrap();
    let store = std::fs::canonicalize(dir.join("store.go")).unwrap();
    let name = store.display().to_string();
    assert!(
        zip.windows(name.len()).any(|w| w == name.as_bytes()),
        "the archive names {name}"
    );
    assert!(zip.ends_with(b"example.com/store"));
}

const NATIVE: &str = r#"package store

// int three(void) { return 3; }
import "C"

import "sync"

// Native counts what C says; counts is guarded by mu.
type Native struct {
	mu     sync.Mutex
	counts map[int]int
}

func (n *Native) Add() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.counts[int(C.three())]++
}

func (n *Native) Get(k int) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.counts[k]
}

func (n *Native) Len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.counts)
}

func (n *Native) Drop(k int) {
	n.mu.Lock()
	defer delete(n.counts, k)
	defer n.mu.Unlock()
}
"#;

/// A file that imports "C" reaches the tool as cgo's rewritten copy; defuse reports and
/// fixes the original. Without cgo (no C compiler, `CGO_ENABLED=0`) the build leaves
/// the file out, and so does defuse: either way, what the build compiles.
#[test]
fn a_cgo_file_is_reported_and_fixed_as_itself() {
    let (_tmp, dir) = module();
    std::fs::write(dir.join("native.go"), NATIVE).unwrap();
    let cgo = text(&go(&dir, &["env", "CGO_ENABLED"]).stdout).trim() == "1";
    let out = go(&dir, &["vet", &format!("-vettool={BIN}"), "./..."]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let mut want = expected_by_default(&dir);
    if cgo {
        want.insert(at(
            &dir,
            "native.go",
            "defer delete(n.counts, k)",
            "deferred-write-unlocked",
        ));
    }
    assert_eq!(diagnostics(&out), want, "cgo {cgo}: {}", describe(&out));
    let fix = go(&dir, &["fix", &format!("-fixtool={BIN}"), "-diff", "./..."]);
    let native = std::fs::canonicalize(dir.join("native.go")).unwrap();
    assert_eq!(
        text(&fix.stdout).contains(&format!("--- {} (old)\n", native.display())),
        cgo,
        "{}",
        describe(&fix)
    );
}
