//! Helpers the integration tests share: the Go toolchain (required, never skipped) and
//! copying modules into temporary folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A `go` command that runs offline with the local toolchain only. Panics with a clear
/// message when Go is missing: these tests prove fixes with the real toolchain and must
/// not pass silently without it.
pub fn go(dir: &Path, args: &[&str]) -> std::process::Output {
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

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Directories below `root` (inclusive) that contain a go.mod.
pub fn modules(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.join("go.mod").is_file() {
            out.push(d.clone());
        }
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}
