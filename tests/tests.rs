//! The integration tests, as one test binary (`cargo test --test integration`): a module
//! per file of tests/, sharing tests/support. One binary links once, where one binary per
//! file linked the library and its dependencies some twenty times over.
//!
//! Run one file's tests by its module path: `cargo test --release --test integration
//! summary::`. Every test here shares the process with the others, in parallel: none may
//! change the process's environment or current directory; a child process gets its
//! environment from tests/support (`support::defuse_command`, `support::git_command`).

mod support;

#[cfg(unix)]
mod release_fixture;

mod action;
mod atomic_writes;
mod bad_input;
mod baseline;
mod catalog;
mod cli;
mod docs;
mod fixes;
mod fuzz_corpus;
mod git_workflows;
mod install;
mod model;
mod prefilter;
mod props;
mod race;
mod report_schemas;
mod shard;
mod summary;
mod triggers;
mod verify;
mod vettool;
mod want;
mod workflows_lint;

/// `autotests = false` in Cargo.toml: a file of tests/ that is not a module here would
/// never be compiled, its tests silently gone.
#[test]
fn every_file_of_tests_is_a_module_of_this_binary() {
    let dir = support::repo_root().join("tests");
    let this = std::fs::read_to_string(dir.join("tests.rs")).unwrap();
    let mut missing = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = if p.extension().is_some_and(|x| x == "rs") {
            p.file_stem().unwrap().to_string_lossy().into_owned()
        } else if p.join("mod.rs").is_file() {
            p.file_name().unwrap().to_string_lossy().into_owned()
        } else {
            continue;
        };
        if name != "tests" && !this.lines().any(|l| l == format!("mod {name};")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "not compiled: add `mod NAME;` to tests/tests.rs for {missing:?}"
    );
}
