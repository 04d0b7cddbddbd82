//! `scripts/install.sh` against a release made on disk: the archive and `SHA256SUMS` are
//! made by the very shell steps of `.github/workflows/release.yml` that make the real ones
//! ("Pack" and "SHA256SUMS", see tests/release_fixture), around a small shell script
//! standing in for the binary, and the script installs from them through a `file://` base
//! URL. No network, no timing.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::release_fixture::{make_release, this_target, write_exec};
use crate::support::{repo_root, stderr};

const VERSION: &str = "v9.9.9";

struct Release {
    tmp: tempfile::TempDir,
    /// The base URL's folder: the release files are in `<base>/v9.9.9/`.
    base: PathBuf,
}

impl Release {
    fn dir(&self) -> PathBuf {
        self.base.join(VERSION)
    }

    fn url(&self) -> String {
        format!("file://{}", self.base.display())
    }

    fn install(&self, to: &Path) -> Output {
        let out = Command::new("sh")
            .arg(repo_root().join("scripts/install.sh"))
            .args(["--base-url", &self.url(), "--version", VERSION, "--to"])
            .arg(to)
            .env("HOME", self.tmp.path())
            .output()
            .expect("sh is required for this test");
        eprintln!(
            "install.sh exited {:?}\n--- stdout\n{}\n--- stderr\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

/// A release of a stand-in `defuse` for this machine's target, as the workflow packs it.
fn fake_release() -> Release {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("releases");
    make_release(
        &base,
        VERSION,
        "#!/bin/sh\necho \"defuse 9.9.9 (stand-in) $*\"\n",
    );
    Release { tmp, base }
}

/// Every file in `dir`, as names.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn installs_the_release_binary_and_it_runs() {
    let rel = fake_release();
    let to = rel.tmp.path().join("bin");
    let out = rel.install(&to);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("installed"), "{}", stderr(&out));
    assert_eq!(listing(&to), ["defuse"], "only the binary, no leftovers");
    let bin = to.join("defuse");
    assert_eq!(
        std::fs::metadata(&bin).unwrap().permissions().mode() & 0o777,
        0o755
    );
    let run = Command::new(&bin).arg("--version").output().unwrap();
    assert!(run.status.success());
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "defuse 9.9.9 (stand-in) --version\n"
    );

    // Again over the installed one: replaced, still one file.
    let out = rel.install(&to);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(listing(&to), ["defuse"]);
}

#[test]
fn a_checksum_mismatch_installs_nothing() {
    let rel = fake_release();
    let sums = rel.dir().join("SHA256SUMS");
    let archive = format!("defuse-{}.tar.gz", this_target());
    let text = std::fs::read_to_string(&sums).unwrap();
    assert!(text.contains(&format!("  {archive}\n")), "{text}");
    // One hex digit changed in this platform's line.
    let corrupted: String = text
        .lines()
        .map(|l| {
            if l.ends_with(&archive) {
                let flipped = if l.starts_with('0') { '1' } else { '0' };
                format!("{flipped}{}\n", &l[1..])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(corrupted, text);
    std::fs::write(&sums, corrupted).unwrap();

    // A defuse installed earlier stays as it was.
    let to = rel.tmp.path().join("bin");
    std::fs::create_dir_all(&to).unwrap();
    write_exec(&to.join("defuse"), "#!/bin/sh\necho old\n");

    let out = rel.install(&to);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("checksum mismatch for {archive}")),
        "{err}"
    );
    assert!(err.contains("nothing installed"), "{err}");
    assert_eq!(listing(&to), ["defuse"], "no partial file left");
    assert_eq!(
        std::fs::read_to_string(to.join("defuse")).unwrap(),
        "#!/bin/sh\necho old\n"
    );

    // Nothing at all in a fresh folder.
    let fresh = rel.tmp.path().join("fresh");
    let out = rel.install(&fresh);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!fresh.join("defuse").exists());
}

#[test]
fn a_tampered_archive_installs_nothing() {
    let rel = fake_release();
    let archive = rel.dir().join(format!("defuse-{}.tar.gz", this_target()));
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let to = rel.tmp.path().join("bin");
    let out = rel.install(&to);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("checksum mismatch"),
        "{}",
        stderr(&out)
    );
    assert!(!to.join("defuse").exists());
}

/// Exit 3 means "no such release here": the GitHub Action then builds from source. Other
/// failures are 1 and stop it.
#[test]
fn a_missing_release_or_platform_exits_3() {
    let rel = fake_release();
    let to = rel.tmp.path().join("bin");

    let out = Command::new("sh")
        .arg(repo_root().join("scripts/install.sh"))
        .args(["--base-url", &rel.url(), "--version", "v9.9.8", "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no release v9.9.8"),
        "{}",
        stderr(&out)
    );

    let out = Command::new("sh")
        .arg(repo_root().join("scripts/install.sh"))
        .args(["--base-url", &rel.url(), "--version", VERSION])
        .args(["--target", "riscv64gc-unknown-linux-musl", "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no build for riscv64gc-unknown-linux-musl"),
        "{}",
        stderr(&out)
    );

    let out = Command::new("sh")
        .arg(repo_root().join("scripts/install.sh"))
        .args(["--base-url", &rel.url(), "--version", "not-a-tag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!to.exists());
}

/// `SHA256SUMS` as other tools write it: CRLF line ends, `./NAME` from `sha256sum ./*`,
/// `*NAME` in binary mode. Each is read, not taken for a missing build.
#[test]
fn checksum_lines_in_other_spellings_are_read() {
    for spell in ["crlf", "dot-slash", "binary"] {
        let rel = fake_release();
        let sums = rel.dir().join("SHA256SUMS");
        let text = std::fs::read_to_string(&sums).unwrap();
        let respelled: String = text
            .lines()
            .map(|l| {
                let (hash, name) = l.split_once("  ").unwrap();
                match spell {
                    "crlf" => format!("{hash}  {name}\r\n"),
                    "dot-slash" => format!("{hash}  ./{name}\n"),
                    _ => format!("{hash} *{name}\n"),
                }
            })
            .collect();
        std::fs::write(&sums, respelled).unwrap();
        let to = rel.tmp.path().join("bin");
        let out = rel.install(&to);
        assert_eq!(out.status.code(), Some(0), "{spell}: {}", stderr(&out));
        assert_eq!(listing(&to), ["defuse"], "{spell}");
    }
}
