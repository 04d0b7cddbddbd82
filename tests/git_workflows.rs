//! The git workflows end to end: real repositories in temporary folders, the built
//! binary run in them. `fix --branch` must leave the checkout byte for byte as it was,
//! `--changed-since` must see only what changed, and `fix --write` must not overwrite
//! uncommitted work.
//!
//! Every git and defuse process runs in the environment of tests/support (no system or
//! global git configuration) with a temporary `HOME`, and each repository sets its own
//! `user.name`/`user.email`, so that nothing depends on the machine's git configuration.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use defuse::scan::{scan, Pipeline};
use tempfile::TempDir;

use crate::support::{
    code, copy_dir, defuse_command, git_command, scan_options, stderr, stdout, testdata,
};

const STORE: &str = include_str!("fixtures/store.go");

/// Line of `defer delete` in `Take` in [`STORE`].
const TAKE_LINE: usize = 18;

/// A second hazard, appended to [`STORE`]: its `defer delete` is on line 37.
const POP: &str = include_str!("fixtures/git_workflows/pop.go.part");
const POP_LINE: usize = 37;

const CACHE: &str = include_str!("fixtures/git_workflows/cache.go");

const UTIL: &str = include_str!("fixtures/git_workflows/util.go");

struct Sandbox {
    /// Holds the repository (`repo/`), the home directory and anything else.
    tmp: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("home")).unwrap();
        std::fs::create_dir(tmp.path().join("repo")).unwrap();
        Sandbox { tmp }
    }

    /// A repository with a go.mod and three packages (`store` and `cache` with one
    /// hazard each, `util` without), committed on `main`.
    fn with_repo() -> Sandbox {
        let s = Sandbox::new();
        s.init_repo(true);
        s.write("go.mod", "module example.com/demo\n\ngo 1.22\n");
        s.write("store/store.go", STORE);
        s.write("cache/cache.go", CACHE);
        s.write("util/util.go", UTIL);
        s.commit_all("initial");
        s
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    fn repo(&self) -> PathBuf {
        self.path("repo")
    }

    fn init_repo(&self, identity: bool) {
        self.git(&["init", "-q", "-b", "main"]);
        if identity {
            self.git(&["config", "user.name", "Test Person"]);
            self.git(&["config", "user.email", "test@example.com"]);
        }
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.repo().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.repo().join(rel)).unwrap()
    }

    fn commit_all(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&[
            "-c",
            "user.name=Setup",
            "-c",
            "user.email=setup@example.com",
            "commit",
            "-q",
            "-m",
            msg,
        ]);
    }

    /// `cmd` with the sandbox's home: no user configuration, for git or libgit2.
    fn home(&self, mut cmd: Command) -> Command {
        cmd.env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("home"));
        cmd
    }

    /// Run git in `cwd`; it must succeed. Its stdout, trimmed.
    fn git_in(&self, cwd: &Path, args: &[&str]) -> String {
        let out = self.home(git_command(cwd)).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.repo(), args)
    }

    fn defuse_in(&self, cwd: &Path, args: &[&str]) -> Output {
        self.home(defuse_command(cwd)).args(args).output().unwrap()
    }

    fn defuse(&self, args: &[&str]) -> Output {
        self.defuse_in(&self.repo(), args)
    }

    fn open(&self) -> git2::Repository {
        git2::Repository::open(self.repo()).unwrap()
    }

    /// Every file of the working tree (not `.git`), the index's bytes, HEAD's bytes and
    /// the commit it names.
    fn checkout_state(&self) -> (BTreeMap<PathBuf, Vec<u8>>, Vec<u8>, Vec<u8>, String) {
        fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.file_name().unwrap() == ".git" {
                    continue;
                }
                if p.is_dir() {
                    walk(&p, root, out);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_path_buf();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        let mut files = BTreeMap::new();
        walk(&self.repo(), &self.repo(), &mut files);
        (
            files,
            std::fs::read(self.repo().join(".git/index")).unwrap(),
            std::fs::read(self.repo().join(".git/HEAD")).unwrap(),
            self.git(&["rev-parse", "HEAD"]),
        )
    }
}

/// Paths that differ between two trees.
fn tree_changes(repo: &git2::Repository, a: &git2::Tree, b: &git2::Tree) -> Vec<String> {
    let diff = repo.diff_tree_to_tree(Some(a), Some(b), None).unwrap();
    let mut paths: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().to_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths
}

fn blob_at(repo: &git2::Repository, tree: &git2::Tree, path: &str) -> Vec<u8> {
    let entry = tree.get_path(Path::new(path)).unwrap();
    repo.find_blob(entry.id()).unwrap().content().to_vec()
}

/// (line, rule) of each finding `check --format json` reports, by path.
fn reported(o: &Output) -> Vec<(String, usize)> {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)));
    let mut got: Vec<(String, usize)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    got.sort();
    got
}

#[test]
fn fix_branch_commits_the_fixes_and_leaves_the_checkout_alone() {
    let s = Sandbox::with_repo();
    // A staged change, a further unstaged change to the same file, and an untracked
    // file: none of them is fixed, and none may be disturbed.
    s.write("util/util.go", &format!("{UTIL}\n// staged\n"));
    s.git(&["add", "util/util.go"]);
    s.write("util/util.go", &format!("{UTIL}\n// staged\n// unstaged\n"));
    s.write("notes.txt", "untracked\n");

    // What `fix --diff` makes of the base commit, applied to a clean clone of it.
    let diff = s.defuse(&["fix", "--diff"]);
    assert_eq!(code(&diff), 0, "{}", stderr(&diff));
    let clone = s.path("clone");
    s.git_in(
        s.tmp.path(),
        &["clone", "-q", s.repo().to_str().unwrap(), "clone"],
    );
    std::fs::write(s.path("fix.patch"), &diff.stdout).unwrap();
    s.git_in(&clone, &["apply", s.path("fix.patch").to_str().unwrap()]);

    let before = s.checkout_state();
    let out = s.defuse(&["fix", "--branch", "defuse/fixes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert_eq!(id.len(), 40, "stdout is the commit id: {id:?}");
    assert!(s.checkout_state() == before, "the checkout changed");

    let repo = s.open();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let branch = repo
        .find_branch("defuse/fixes", git2::BranchType::Local)
        .unwrap()
        .get()
        .peel_to_commit()
        .unwrap();
    assert_eq!(branch.id().to_string(), id);
    assert_eq!(branch.parent_ids().collect::<Vec<_>>(), vec![head.id()]);
    let fixed = ["cache/cache.go", "store/store.go"];
    assert_eq!(
        tree_changes(&repo, &head.tree().unwrap(), &branch.tree().unwrap()),
        fixed
    );
    for f in fixed {
        let want = std::fs::read(clone.join(f)).unwrap();
        assert_ne!(want, s.read(f), "{f} has a fix");
        assert_eq!(
            String::from_utf8(blob_at(&repo, &branch.tree().unwrap(), f)).unwrap(),
            String::from_utf8(want).unwrap(),
            "{f}"
        );
    }
    let message = branch.message().unwrap();
    assert!(
        message.starts_with("defuse: fix 2 hazards in 2 files\n\n"),
        "{message}"
    );
    assert!(
        message.contains("- deferred-write-unlocked: 2 fixes in 2 files\n"),
        "{message}"
    );
    assert!(
        message.contains("defuse fix --branch defuse/fixes\n"),
        "{message}"
    );
    assert!(
        message.contains(&format!("defuse {}", env!("CARGO_PKG_VERSION"))),
        "{message}"
    );
    assert_eq!(branch.author().name(), Some("Test Person"));
    assert_eq!(branch.committer().email(), Some("test@example.com"));

    // The branch exists now: replacing it takes --force.
    let again = s.defuse(&["fix", "--branch", "defuse/fixes"]);
    assert_eq!(code(&again), 2, "{}", stderr(&again));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert!(stdout(&again).is_empty());
    let forced = s.defuse(&["fix", "--branch", "defuse/fixes", "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    let forced_id = stdout(&forced).trim().to_string();
    assert_eq!(s.git(&["rev-parse", "defuse/fixes"]), forced_id);
    assert_eq!(
        s.git(&["rev-parse", "defuse/fixes^"]),
        head.id().to_string()
    );
    assert!(s.checkout_state() == before, "the checkout changed");

    // The objects are complete and sound: plain git can push the branch.
    let remote = s.path("remote.git");
    s.git_in(
        s.tmp.path(),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    s.git(&["push", "-q", remote.to_str().unwrap(), "defuse/fixes"]);
    assert_eq!(
        s.git_in(&remote, &["rev-parse", "refs/heads/defuse/fixes"]),
        forced_id
    );
    s.git(&["fsck", "--strict", "--no-progress"]);
    assert!(s.checkout_state() == before, "the checkout changed");
}

#[test]
fn fix_branch_builds_on_another_base_and_takes_a_message_and_author() {
    let s = Sandbox::with_repo();
    s.write(
        "util/util.go",
        &format!("{UTIL}\nfunc Sub(a, b int) int {{ return a - b }}\n"),
    );
    s.commit_all("util: Sub");
    let out = s.defuse(&[
        "fix",
        "--branch",
        "fixes",
        "--base",
        "HEAD~1",
        "--message",
        "Fix deferred map writes",
        "--author",
        "Ada Lovelace <ada@example.com>",
        "store",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let repo = s.open();
    let commit = repo
        .find_commit(git2::Oid::from_str(stdout(&out).trim()).unwrap())
        .unwrap();
    let base = repo
        .revparse_single("HEAD~1")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    assert_eq!(commit.parent_id(0).unwrap(), base.id());
    assert_eq!(
        tree_changes(&repo, &base.tree().unwrap(), &commit.tree().unwrap()),
        ["store/store.go"]
    );
    let message = commit.message().unwrap();
    assert!(
        message
            .starts_with("Fix deferred map writes\n\n- deferred-write-unlocked: 1 fix in 1 file\n"),
        "{message}"
    );
    assert!(message.contains("--base 'HEAD~1'"), "{message}");
    assert!(
        message.contains("--author 'Ada Lovelace <ada@example.com>'"),
        "{message}"
    );
    assert_eq!(commit.author().name(), Some("Ada Lovelace"));
    assert_eq!(commit.author().email(), Some("ada@example.com"));
    assert_eq!(commit.committer().name(), Some("Test Person"));
}

#[test]
fn fix_branch_refuses_files_that_differ_from_the_base() {
    let s = Sandbox::with_repo();
    // Still a hazard, but no longer the base commit's text.
    s.write(
        "store/store.go",
        &STORE.replace("return s.m[k]", "return s.m[k] + 0"),
    );
    let before = s.checkout_state();
    let out = s.defuse(&["fix", "--branch", "fixes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("store/store.go"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("cache/cache.go"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(s
        .open()
        .find_branch("fixes", git2::BranchType::Local)
        .is_err());
    assert!(s.checkout_state() == before, "the checkout changed");
}

#[test]
fn fix_branch_without_changes_makes_no_commit() {
    let s = Sandbox::new();
    s.init_repo(true);
    s.write("go.mod", "module example.com/demo\n\ngo 1.22\n");
    s.write("util/util.go", UTIL);
    s.commit_all("initial");
    let out = s.defuse(&["fix", "--branch", "fixes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("no commit"), "{}", stderr(&out));
    assert!(s
        .open()
        .find_branch("fixes", git2::BranchType::Local)
        .is_err());
}

#[test]
fn fix_branch_without_an_identity_commits_as_defuse_and_says_so() {
    let s = Sandbox::new();
    s.init_repo(false);
    s.write("go.mod", "module example.com/demo\n\ngo 1.22\n");
    s.write("store/store.go", STORE);
    s.commit_all("initial");
    let out = s.defuse(&["fix", "--branch", "fixes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("defuse <defuse@localhost>"),
        "{}",
        stderr(&out)
    );
    let repo = s.open();
    let commit = repo
        .find_commit(git2::Oid::from_str(stdout(&out).trim()).unwrap())
        .unwrap();
    assert_eq!(commit.author().name(), Some("defuse"));
    assert_eq!(commit.committer().email(), Some("defuse@localhost"));
}

#[test]
fn fix_branch_outside_a_repository_is_an_error() {
    let s = Sandbox::new();
    s.write("go.mod", "module example.com/demo\n\ngo 1.22\n");
    s.write("store/store.go", STORE);
    let out = s.defuse(&["fix", "--branch", "fixes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let repo = std::fs::canonicalize(s.repo()).unwrap();
    assert!(
        stderr(&out).contains(&format!("{} is not in a git repository", repo.display())),
        "{}",
        stderr(&out)
    );
    let out = s.defuse(&["check", "--changed-since", "HEAD"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not in a git repository"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fix_branch_conflicts_with_write_and_diff() {
    let s = Sandbox::with_repo();
    for other in ["--write", "--diff"] {
        let out = s.defuse(&["fix", "--branch", "fixes", other]);
        assert_eq!(code(&out), 2, "{other}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot be used with"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn changed_since_reports_only_lines_changed_since_the_revision() {
    let s = Sandbox::with_repo();
    s.write("store/store.go", &format!("{STORE}{POP}"));
    s.commit_all("store: Pop");

    let out = s.defuse(&["check", "--format", "json"]);
    assert_eq!(
        reported(&out),
        [
            ("cache/cache.go".into(), 18),
            ("store/store.go".into(), TAKE_LINE),
            ("store/store.go".into(), POP_LINE)
        ]
    );
    let out = s.defuse(&["check", "--format", "json", "--changed-since", "HEAD~1"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(reported(&out), [("store/store.go".into(), POP_LINE)]);

    // Working-tree changes count, untracked files whole; paths below the current
    // directory map to the repository.
    s.write(
        "fresh/fresh.go",
        &STORE.replace("package store", "package fresh"),
    );
    let out = s.defuse(&["check", "--format", "json", "--changed-since", "HEAD"]);
    assert_eq!(reported(&out), [("fresh/fresh.go".into(), TAKE_LINE)]);
    let out = s.defuse_in(
        &s.repo().join("store"),
        &[
            "check",
            "--format",
            "json",
            "--changed-since",
            "HEAD~1",
            ".",
        ],
    );
    assert_eq!(reported(&out), [("store.go".into(), POP_LINE)]);
    std::fs::remove_dir_all(s.repo().join("fresh")).unwrap();

    // Nothing changed since HEAD: nothing to report.
    let out = s.defuse(&["check", "--changed-since", "HEAD"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // check and fix count the same findings: those on changed lines.
    let check = s.defuse(&["check", "--changed-since", "HEAD~1"]);
    let fix = s.defuse(&["fix", "--diff", "--changed-since", "HEAD~1"]);
    let last = |o: &Output| stderr(o).lines().last().unwrap_or_default().to_string();
    assert!(last(&check).ends_with("s: 1 finding"), "{}", stderr(&check));
    assert!(
        last(&fix).ends_with("s: 1 finding; would apply 1 fix in 1 file"),
        "{}",
        stderr(&fix)
    );

    // fix keeps to the same lines.
    let out = s.defuse(&["fix", "--diff", "--changed-since", "HEAD~1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.contains("func (s *Store) Pop"), "{diff}");
    assert!(!diff.contains("Take"), "{diff}");
    assert!(!diff.contains("cache.go"), "{diff}");
    assert_eq!(diff.matches("@@ -").count(), 1, "{diff}");

    // A fix above an unchanged hazard moves it down; later rounds still leave it be.
    let edited = format!("{STORE}{POP}").replacen(
        "defer delete(s.m, k)\n",
        "defer delete(s.m, k) // edited\n",
        1,
    );
    s.write("store/store.go", &edited);
    let out = s.defuse(&["fix", "--diff", "--changed-since", "HEAD"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.contains("-\tdefer delete(s.m, k) // edited"), "{diff}");
    assert_eq!(diff.matches("@@ -").count(), 1, "{diff}");
    assert_eq!(diff.matches("defer func() {").count(), 1, "{diff}");
    s.git(&["checkout", "--", "store/store.go"]);

    let out = s.defuse(&["check", "--changed-since", "no-such-rev"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("`no-such-rev`"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn annotations_and_sarif_name_files_from_the_repository_root_wherever_the_run_starts() {
    let s = Sandbox::with_repo();
    let store = s.repo().join("store");
    let github = s.defuse_in(&store, &["check", "--format", "github", "."]);
    let out = stdout(&github);
    assert!(
        out.contains("::error file=store/store.go,line=18,"),
        "{out}"
    );
    let sarif = s.defuse_in(&store, &["check", "--format", "sarif", "../store"]);
    let v: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let run = &v["runs"][0];
    let loc = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "store/store.go", "{loc}");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%", "{loc}");
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let expected = format!("{}/", std::fs::canonicalize(s.repo()).unwrap().display());
    assert!(root.ends_with(&expected), "{root} vs {expected}");
    // No shard, no id: upload-sarif's `category` input decides.
    assert!(run["automationDetails"].is_null(), "{run}");
    let sharded = s.defuse_in(
        &store,
        &["check", "--format", "sarif", "--shard", "2/2", "."],
    );
    let v: serde_json::Value = serde_json::from_slice(&sharded.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["automationDetails"]["id"],
        "defuse/shard-2-of-2/"
    );
    // The text report keeps paths as typed, for the person at the terminal.
    let text = s.defuse_in(&store, &["check", "--format", "concise", "."]);
    assert!(
        stdout(&text).starts_with("store.go:18:2: "),
        "{}",
        stdout(&text)
    );
}

#[test]
fn changed_since_with_merge_base_ignores_what_the_target_branch_did() {
    let s = Sandbox::with_repo();
    s.git(&["checkout", "-q", "-b", "feature"]);
    s.write("store/store.go", &format!("{STORE}{POP}"));
    s.commit_all("store: Pop");
    // Meanwhile main changes Take's line: compared with main itself, the feature
    // branch's old line looks added.
    s.git(&["checkout", "-q", "main"]);
    s.write(
        "store/store.go",
        &STORE.replace("defer delete(s.m, k)\n", "defer delete(s.m, k) // FIXME\n"),
    );
    s.commit_all("store: note");
    s.git(&["checkout", "-q", "feature"]);

    let out = s.defuse(&["check", "--format", "json", "--changed-since", "main"]);
    assert_eq!(
        reported(&out),
        [
            ("store/store.go".into(), TAKE_LINE),
            ("store/store.go".into(), POP_LINE)
        ]
    );
    let out = s.defuse(&[
        "check",
        "--format",
        "json",
        "--changed-since",
        "main",
        "--merge-base",
    ]);
    assert_eq!(reported(&out), [("store/store.go".into(), POP_LINE)]);
}

#[test]
fn fix_write_refuses_dirty_files_unless_allowed() {
    let s = Sandbox::with_repo();
    let dirty = STORE.replace("return s.m[k]", "return s.m[k] + 0");
    s.write("store/store.go", &dirty);
    let out = s.defuse(&["fix", "--write"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("store/store.go"), "{}", stderr(&out));
    assert_eq!(s.read("store/store.go"), dirty.as_bytes());
    assert_eq!(s.read("cache/cache.go"), CACHE.as_bytes());

    let out = s.defuse(&["fix", "--write", "--allow-dirty"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_ne!(s.read("store/store.go"), dirty.as_bytes());
    assert_ne!(s.read("cache/cache.go"), CACHE.as_bytes());
    let out = s.defuse(&["check"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

/// Every finding of a scan of `root` down to low confidence on a line changed since
/// `HEAD`, one line each, and how many files the scan read.
fn changed_findings(
    root: &Path,
    changed: &defuse::vcs::ChangedLines,
    only_dirs: Option<std::collections::HashSet<PathBuf>>,
) -> (Vec<String>, usize) {
    let mut opts = scan_options(root, Pipeline::Fast);
    opts.discover.only_dirs = only_dirs.map(std::sync::Arc::new);
    let result = scan(&opts);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let all: Vec<defuse::finding::Finding> = result
        .files()
        .flat_map(|f| f.findings.iter().cloned())
        .collect();
    let lines = defuse::vcs::filter_changed(all, changed)
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {} {:?} {} | fix={:?}",
                f.path,
                f.span.start.line,
                f.span.start.column,
                f.rule,
                f.confidence,
                f.message,
                f.fix
            )
        })
        .collect();
    (lines, result.files_scanned)
}

/// `--changed-since` analyzes only the packages holding changed Go files, and reports
/// exactly what a scan of everything would report on the changed lines.
#[test]
fn changed_since_analyzes_only_changed_packages_and_reports_the_same() {
    let s = Sandbox::new();
    s.init_repo(true);
    // Not named `testdata`, which the walk skips.
    let tree = s.repo().join("src");
    copy_dir(&testdata(), &tree);
    s.commit_all("initial");

    let canonical = std::fs::canonicalize(&tree).unwrap();
    let everything =
        |changed: &defuse::vcs::ChangedLines| changed_findings(&canonical, changed, None);
    let unchanged = defuse::vcs::changed_lines(&s.repo(), "HEAD", false).unwrap();
    let (all, files) = everything(&unchanged);
    assert!(all.is_empty(), "{all:#?}");
    assert!(unchanged.go_dirs().is_empty());

    // Change the line of the first finding of every third file with findings, the
    // last line of every fifth Go file without one, and add a file to a new package.
    let result = scan(&scan_options(&canonical, Pipeline::Full));
    let mut with_findings = Vec::new();
    for f in result.files() {
        if let Some(first) = f.findings.first() {
            with_findings.push((PathBuf::from(&f.path), first.span.start.line));
        }
    }
    assert!(with_findings.len() > 30, "{}", with_findings.len());
    for (path, line) in with_findings.iter().step_by(3) {
        let text = std::fs::read_to_string(path).unwrap();
        let edited: Vec<String> = text
            .split('\n')
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == *line {
                    format!("{l} // changed")
                } else {
                    l.to_string()
                }
            })
            .collect();
        std::fs::write(path, edited.join("\n")).unwrap();
    }
    let mut quiet = Vec::new();
    let mut stack = vec![canonical.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "go")
                && !with_findings.iter().any(|(f, _)| *f == p)
            {
                quiet.push(p);
            }
        }
    }
    quiet.sort();
    for p in quiet.iter().step_by(5) {
        let mut text = std::fs::read_to_string(p).unwrap();
        text.push_str("\n// touched\n");
        std::fs::write(p, text).unwrap();
    }
    let (source, _) = &with_findings[0];
    std::fs::create_dir_all(canonical.join("fresh")).unwrap();
    std::fs::copy(source, canonical.join("fresh/fresh.go")).unwrap();

    let changed = defuse::vcs::changed_lines(&s.repo(), "HEAD", false).unwrap();
    let (reference, scanned_all) = everything(&changed);
    let (restricted, scanned_changed) =
        changed_findings(&canonical, &changed, Some(changed.go_dirs()));
    assert_eq!(scanned_all, files + 1, "the new file");
    assert!(
        reference.len() >= with_findings.len() / 3,
        "the changes touch findings: {reference:#?}"
    );
    assert_eq!(reference, restricted);
    assert!(
        scanned_changed < scanned_all,
        "{scanned_changed} of {scanned_all} files"
    );

    // The command line reports the same.
    let out = out_json(&s);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cli: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap(), f["start"]["line"]))
        .collect();
    let repo = format!("{}/", std::fs::canonicalize(s.repo()).unwrap().display());
    let library: Vec<String> = reference
        .iter()
        .map(|l| l.split(':').take(2).collect::<Vec<_>>().join(":"))
        .map(|l| l.strip_prefix(&repo).unwrap().to_string())
        .collect();
    assert_eq!(cli, library);
}

fn out_json(s: &Sandbox) -> Output {
    s.defuse(&[
        "check",
        "--format",
        "json",
        "--min-confidence",
        "low",
        "--changed-since",
        "HEAD",
        "src",
    ])
}
