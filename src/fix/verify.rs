//! `--verify`: type-check the rewritten packages with the Go toolchain before anything is
//! written. Rewritten files go to a temporary overlay (`go vet -overlay`, which compiles the
//! package and its tests); a package that passed before and fails after keeps its original
//! text. The toolchain runs offline, with the local toolchain only and a scrubbed
//! environment, and never runs code from the scanned repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::FileFix;

/// What verification decided for one package directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Compiles and vets with the fixes.
    Passed,
    /// Passed before, fails with the fixes: the fixes were dropped.
    Broken { output: String },
    /// Did not pass before the fixes either (missing dependencies, a build error, a vet
    /// finding): cannot be checked, the fixes are kept.
    Unchecked { output: String },
}

#[derive(Debug, Clone)]
pub struct PackageVerdict {
    pub dir: PathBuf,
    pub files: Vec<String>,
    pub verdict: Verdict,
}

/// The environment every toolchain run gets: no toolchain downloads, no network, flags set
/// by us and not by the repository or the user's environment.
fn go_command(go: &Path, dir: &Path) -> Command {
    let mut c = Command::new(go);
    c.current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("GONOSUMDB", "")
        .env("GOSUMDB", "off")
        .env("GOENV", "off")
        .env_remove("GOWORK")
        .env_remove("CGO_CFLAGS")
        .env_remove("CGO_LDFLAGS");
    c
}

/// The `go` on PATH, if any.
pub fn find_go() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("go"))
        .find(|p| p.is_file())
}

fn vet(go: &Path, dir: &Path, overlay: Option<&Path>) -> Result<(), String> {
    let mut c = go_command(go, dir);
    c.arg("vet");
    if let Some(o) = overlay {
        c.arg(format!("-overlay={}", o.display()));
    }
    c.arg(".");
    match c.output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        Err(e) => Err(format!("could not run go: {e}")),
    }
}

/// Check every package that `fixes` change. Fixes in a package whose check breaks are
/// reverted in place (`new` set back to `old`).
pub fn verify(go: &Path, fixes: &mut [FileFix]) -> Result<Vec<PackageVerdict>, String> {
    let mut by_dir: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (i, f) in fixes.iter().enumerate() {
        if f.changed() {
            let abs = std::fs::canonicalize(&f.path).map_err(|e| format!("{}: {e}", f.path))?;
            by_dir
                .entry(abs.parent().unwrap_or(Path::new("/")).to_path_buf())
                .or_default()
                .push(i);
        }
    }
    let tmp =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let mut verdicts = Vec::new();
    for (n, (dir, idx)) in by_dir.into_iter().enumerate() {
        let mut replace = serde_json::Map::new();
        for (k, &i) in idx.iter().enumerate() {
            let abs = std::fs::canonicalize(&fixes[i].path)
                .map_err(|e| format!("{}: {e}", fixes[i].path))?;
            let name = format!("p{n}_{k}_{}", abs.file_name().unwrap().to_string_lossy());
            let file = tmp.path().join(name);
            std::fs::write(&file, &fixes[i].new).map_err(|e| format!("{}: {e}", file.display()))?;
            replace.insert(
                abs.display().to_string(),
                serde_json::Value::String(file.display().to_string()),
            );
        }
        let overlay = tmp.path().join(format!("overlay{n}.json"));
        let json = serde_json::json!({ "Replace": replace });
        std::fs::write(&overlay, json.to_string())
            .map_err(|e| format!("{}: {e}", overlay.display()))?;
        let files: Vec<String> = idx.iter().map(|&i| fixes[i].path.clone()).collect();
        let verdict = match vet(go, &dir, None) {
            Err(before) => Verdict::Unchecked { output: before },
            Ok(()) => match vet(go, &dir, Some(&overlay)) {
                Ok(()) => Verdict::Passed,
                Err(after) => {
                    for &i in &idx {
                        let f = &mut fixes[i];
                        f.new = f.old.clone();
                        let applied = std::mem::take(&mut f.applied);
                        for a in applied {
                            f.skipped.push((a, "dropped by --verify: the package no longer compiles or vets with it".into()));
                        }
                    }
                    Verdict::Broken { output: after }
                }
            },
        };
        verdicts.push(PackageVerdict {
            dir,
            files,
            verdict,
        });
    }
    Ok(verdicts)
}
