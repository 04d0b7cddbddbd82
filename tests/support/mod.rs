//! What the integration tests share: the built `defuse` and `git` run in a hermetic
//! environment, temporary files and folders, the Go toolchain (required, never skipped),
//! and the scan settings and catalog versions several files need.
//!
//! The tests run in one process, in parallel: nothing here changes the process's own
//! environment or current directory. Every child gets its environment from [`hermetic`].

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use defuse::engine::RuleSelection;
use defuse::finding::Confidence;
use defuse::scan::{Pipeline, ScanOptions};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_defuse");

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn testdata() -> PathBuf {
    repo_root().join("testdata")
}

/// The folders of a rule's `testdata/<id>/` (and of `testdata/examples/`) that are not
/// part of its Go package: `race/<variant>/`, Go modules of their own that tests/race.rs
/// runs under the race detector, and `snapshots/`, the reviewed fixes of tests/fixes.rs.
/// A scan of `testdata/` reads the race modules like any other Go code (a nested module is
/// not skipped); the tests that hold a rule's package to its `// want` comments or fix it
/// must leave them out, or a race module's findings and fixes would count as the package's.
pub const RULE_ASIDES: &[&str] = &["race", "snapshots"];

/// Whether `dir` is one of the [`RULE_ASIDES`] of the rule folder `rule_dir`.
pub fn is_rule_aside(rule_dir: &Path, dir: &Path) -> bool {
    dir.parent() == Some(rule_dir)
        && dir
            .file_name()
            .is_some_and(|n| RULE_ASIDES.iter().any(|a| n == *a))
}

/// Copies a rule's folder `testdata/<id>/` to `to` without its [`RULE_ASIDES`]: the Go
/// package and its subpackages only.
pub fn copy_rule_package(rule_dir: &Path, to: &Path) {
    copy_dir_without(rule_dir, to, &|dir| is_rule_aside(rule_dir, dir));
}

/// Variables of the caller's environment that would change what defuse or git does
/// here: CI (no progress bar either way, but defuse reads it), forced color, defuse's
/// test-only pause point, and git's pointers to other repositories and identities.
const UNSET: &[&str] = &[
    "CI",
    "CLICOLOR_FORCE",
    "DEFUSE_TEST_PAUSE_BEFORE_RENAME",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
];

/// The test environment for any child process: no color, not CI, no git configuration
/// but a repository's own (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL=/dev/null`), none of
/// [`UNSET`]. `HOME` is left alone, because the Go toolchain keeps its caches there: set
/// it to a temporary folder (`.env("HOME", …)`) where a user's configuration read through
/// `HOME` could matter (libgit2 reads `~/.gitconfig` for an identity).
pub fn hermetic(cmd: &mut Command) -> &mut Command {
    cmd.env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    for var in UNSET {
        cmd.env_remove(var);
    }
    cmd
}

/// The built `defuse`, to run in `dir` in the test environment ([`hermetic`]).
pub fn defuse_command(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir);
    hermetic(&mut cmd);
    cmd
}

/// `defuse ARGS` in `dir`, run to its end.
pub fn defuse(dir: &Path, args: &[&str]) -> Output {
    defuse_command(dir)
        .args(args)
        .output()
        .expect("run the built defuse")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code of a process that exited (not killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

/// `git`, to run in `dir` in the test environment ([`hermetic`]).
pub fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir);
    hermetic(&mut cmd);
    cmd
}

/// `git ARGS` in `dir`; it must succeed. Its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir)
        .args(args)
        .output()
        .expect("git is required for this test");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new repository in `dir` on branch `main`, with an identity of its own.
pub fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "Test"]);
    git(dir, &["config", "user.email", "test@example.com"]);
}

/// Writes `bytes` to `dir/rel`, making the folders on the way. Its path.
pub fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Copies the tree `from` to `to`, following symbolic links.
pub fn copy_dir(from: &Path, to: &Path) {
    copy_dir_without(from, to, &|_| false);
}

/// [`copy_dir`], leaving out the folders `skip` says to (and what is in them).
pub fn copy_dir_without(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            if !skip(&p) {
                copy_dir_without(&p, &dest, skip);
            }
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// A `go` command that runs offline with the local toolchain only. Panics with a clear
/// message when Go is missing: these tests prove fixes with the real toolchain and must
/// not pass silently without it.
pub fn go(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("go")
        .args(args)
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOWORK", "off")
        .output();
    match out {
        Ok(o) => o,
        Err(e) => panic!(
            "the Go toolchain is required for this test (`go` not runnable: {e}); install Go"
        ),
    }
}

pub fn gofmt_l(dir: &Path) -> String {
    let out = Command::new("gofmt")
        .args(["-l", "."])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("gofmt is required for this test: {e}"));
    assert!(
        out.status.success(),
        "gofmt failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `$(go env GOROOT)/src`, the whole Go tree. Go is required: a failure, never a skip.
pub fn goroot_src() -> PathBuf {
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .unwrap_or_else(|e| {
            panic!("the Go toolchain is required for this test (`go env GOROOT`: {e}); install Go")
        });
    assert!(out.status.success(), "go env GOROOT failed");
    let src = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()).join("src");
    assert!(src.is_dir(), "{} is not a directory", src.display());
    src
}

/// Every rule, down to low confidence.
pub fn low_confidence() -> RuleSelection {
    RuleSelection {
        min_confidence: Confidence::Low,
        ..RuleSelection::default()
    }
}

/// A scan of the tree `root` with `pipeline`, down to low confidence.
pub fn scan_options(root: &Path, pipeline: Pipeline) -> ScanOptions {
    ScanOptions {
        paths: vec![root.to_path_buf()],
        discover: Default::default(),
        include_generated: false,
        rules: low_confidence(),
        pipeline,
        shard: None,
    }
}

/// Whether a catalog example has per-iteration loop variables, as the scan pipeline
/// decides for a file: its own `//go:build go1.N` line, else the module version the
/// example names (`go_version`), else the default (go1.22).
pub fn example_per_iteration(code: &str, go_version: &Option<String>) -> bool {
    let version = defuse::discover::build_constraint_version(code.as_bytes()).or_else(|| {
        go_version.as_deref().map(|v| {
            defuse::discover::GoVersion::parse(v)
                .unwrap_or_else(|| panic!("an example's go_version {v:?} is not a Go version"))
        })
    });
    version.is_none_or(|v| v.has_per_iteration_loop_vars())
}
