//! `--verify`: type-check the rewritten packages with the Go toolchain before anything is
//! written.
//!
//! A fix can break what the compiler checks (a name, a type, an import), so that is what is
//! checked, and nothing else: the rewritten files go to a temporary overlay and one
//! `go list -e -json -export -test -overlay=… DIR…` per module compiles every touched
//! package together with its `_test.go` files (`-export` makes `go list` compile, `-test`
//! adds the test variants, `-e` reports each package's errors in its own JSON record instead
//! of failing the whole call). `go vet` is not used: its analyzers report findings unrelated
//! to a fix (`loopclosure` reports the very loop that `deferred-loopvar-capture` fixes), and
//! a finding is not a breakage.
//!
//! A package whose check fails with the fixes is checked again without them, in one more
//! call for all such packages of the module: if it type-checks without them, its fixes are
//! dropped (`new` set back to `old`); if it fails without them too, it cannot be checked and
//! keeps its fixes. Errors are attributed to packages by the `Dir` of the JSON records; when
//! a call's output cannot be attributed (the call itself fails, or leaves a package out),
//! each of its packages is checked by a call of its own.
//!
//! The toolchain runs offline, with the local toolchain only and a scrubbed environment, and
//! never runs code from the scanned repository: `go list -export` compiles, it does not link
//! or run tests, and it never runs `go generate`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::FileFix;

/// What verification decided for one package directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Type-checks with the fixes, its tests included.
    Passed,
    /// Type-checked before, does not with the fixes: the fixes were dropped.
    Broken { output: String },
    /// Did not type-check before the fixes either (missing dependencies, a build error, a
    /// toolchain too old for the module): cannot be checked, the fixes are kept.
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
    // Only absolute entries: an empty or relative one would find a `go` inside the
    // repository being fixed. `go.exe` on Windows.
    std::env::split_paths(&path)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(format!("go{}", std::env::consts::EXE_SUFFIX)))
        .find(|p| p.is_file())
}

/// Why one package does not type-check.
#[derive(Debug, Clone)]
struct Failure {
    /// The compiler's messages, each line once.
    output: String,
    /// The package's own files fail (an `Error` on the package or one of its test variants),
    /// not only a package it imports (`DepsErrors`).
    own: bool,
}

/// The result of one check, per package directory.
type Checked = BTreeMap<PathBuf, Result<(), Failure>>;

/// One record of `go list -json`.
#[derive(Deserialize)]
struct GoPackage {
    #[serde(rename = "Dir", default)]
    dir: Option<PathBuf>,
    #[serde(rename = "ImportPath", default)]
    import_path: String,
    #[serde(rename = "Error", default)]
    error: Option<GoError>,
    #[serde(rename = "DepsErrors", default)]
    deps_errors: Vec<GoError>,
}

#[derive(Deserialize)]
struct GoError {
    #[serde(rename = "Pos", default)]
    pos: String,
    #[serde(rename = "Err", default)]
    err: String,
}

/// The messages of `errors`, each line once, without the `# import/path` headers (the
/// test variants of a package repeat its errors under headers of their own).
fn messages<'a>(errors: impl IntoIterator<Item = &'a GoError>, lines: &mut Vec<String>) {
    for e in errors {
        let text = if !e.pos.is_empty() && !e.err.contains(&e.pos) {
            format!("{}: {}", e.pos, e.err)
        } else {
            e.err.clone()
        };
        let mut any = false;
        for l in text.lines().map(str::trim_end) {
            if l.trim().is_empty() || l.starts_with("# ") {
                continue;
            }
            any = true;
            if !lines.iter().any(|x| x == l) {
                lines.push(l.to_string());
            }
        }
        if !any && !text.trim().is_empty() && !lines.iter().any(|x| x == text.trim()) {
            lines.push(text.trim().to_string());
        }
    }
}

/// Type-check the packages in `dirs` (absolute, canonical, all in the module at `root`) in
/// one `go list` call. `Err` when the output cannot be attributed to the packages: the call
/// failed as a whole, printed something that is not JSON, or left a package out.
fn go_list(
    go: &Path,
    root: &Path,
    dirs: &[PathBuf],
    overlay: Option<&Path>,
) -> Result<Checked, String> {
    let mut c = go_command(go, root);
    c.args([
        "list",
        "-e",
        "-json=Dir,ImportPath,Error,DepsErrors",
        "-export",
        "-test",
    ]);
    if let Some(o) = overlay {
        c.arg(format!("-overlay={}", o.display()));
    }
    c.args(dirs);
    let out = c.output().map_err(|e| format!("could not run go: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        return Err(if stderr.is_empty() {
            format!("go list failed ({})", out.status)
        } else {
            stderr
        });
    }
    let wanted: BTreeSet<&PathBuf> = dirs.iter().collect();
    let mut lines: BTreeMap<PathBuf, (Vec<String>, bool)> = BTreeMap::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for p in serde_json::Deserializer::from_slice(&out.stdout).into_iter::<GoPackage>() {
        let p = p.map_err(|e| format!("cannot read the output of go list: {e}\n{stderr}"))?;
        // A pattern that names no package comes back without a Dir, under its own name.
        let dir = match &p.dir {
            Some(d) => std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()),
            None => PathBuf::from(&p.import_path),
        };
        if !wanted.contains(&dir) {
            continue;
        }
        seen.insert(dir.clone());
        if p.error.is_none() && p.deps_errors.is_empty() {
            continue;
        }
        let entry = lines.entry(dir).or_default();
        entry.1 |= p.error.is_some();
        messages(p.error.iter().chain(&p.deps_errors), &mut entry.0);
    }
    if let Some(missing) = dirs.iter().find(|d| !seen.contains(*d)) {
        return Err(format!(
            "go list said nothing about {}\n{stderr}",
            missing.display()
        ));
    }
    Ok(dirs
        .iter()
        .map(|d| {
            let r = match lines.remove(d) {
                None => Ok(()),
                Some((l, own)) => Err(Failure {
                    output: l.join("\n"),
                    own,
                }),
            };
            (d.clone(), r)
        })
        .collect())
}

/// [`go_list`] for all of `dirs`, or, when its output cannot be attributed, one call per
/// package; a package whose own call fails as a whole fails with that call's message.
fn check(go: &Path, root: &Path, dirs: &[PathBuf], overlay: Option<&Path>) -> Checked {
    let whole = |output: String| Failure { output, own: true };
    match go_list(go, root, dirs, overlay) {
        Ok(c) => c,
        Err(e) if dirs.len() == 1 => Checked::from([(dirs[0].clone(), Err(whole(e)))]),
        Err(_) => dirs
            .iter()
            .map(|d| {
                let r = match go_list(go, root, std::slice::from_ref(d), overlay) {
                    Ok(mut c) => c.remove(d).unwrap_or(Ok(())),
                    Err(e) => Err(whole(e)),
                };
                (d.clone(), r)
            })
            .collect(),
    }
}

/// The directory `go` runs in for the package in `dir`: the root of its module (the nearest
/// directory at or above it with a `go.mod`), or `dir` itself outside any module.
fn module_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join("go.mod").is_file())
        .unwrap_or(dir)
        .to_path_buf()
}

/// Write an overlay that replaces every changed file outside `dropped` by its new text
/// (already in `staged`: original path → temporary file).
fn write_overlay(
    tmp: &Path,
    round: usize,
    staged: &BTreeMap<PathBuf, PathBuf>,
    dropped: &BTreeSet<PathBuf>,
) -> Result<PathBuf, String> {
    let replace: serde_json::Map<String, serde_json::Value> = staged
        .iter()
        .filter(|(orig, _)| !orig.parent().is_some_and(|d| dropped.contains(d)))
        .map(|(orig, file)| {
            (
                orig.display().to_string(),
                serde_json::Value::String(file.display().to_string()),
            )
        })
        .collect();
    let overlay = tmp.join(format!("overlay{round}.json"));
    let json = serde_json::json!({ "Replace": replace });
    std::fs::write(&overlay, json.to_string())
        .map_err(|e| format!("{}: {e}", overlay.display()))?;
    Ok(overlay)
}

/// Check every package that `fixes` change. Fixes in a package whose check breaks are
/// reverted in place (`new` set back to `old`).
pub fn verify(go: &Path, fixes: &mut [FileFix]) -> Result<Vec<PackageVerdict>, String> {
    let tmp =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let (by_dir, staged) = stage(tmp.path(), fixes)?;
    let mut rounds = Rounds {
        go,
        tmp: tmp.path(),
        staged: &staged,
        round: 0,
        verdicts: BTreeMap::new(),
        dropped: BTreeSet::new(),
    };
    for (root, dirs) in by_module_root(&by_dir) {
        rounds.verify_module(&root, dirs)?;
    }
    let (mut verdicts, dropped) = (rounds.verdicts, rounds.dropped);
    let mut out = Vec::new();
    for (dir, idx) in by_dir {
        if dropped.contains(&dir) {
            for &i in &idx {
                revert(&mut fixes[i]);
            }
        }
        let verdict = verdicts
            .remove(&dir)
            .expect("every touched package gets a verdict");
        out.push(PackageVerdict {
            files: idx.iter().map(|&i| fixes[i].path.clone()).collect(),
            dir,
            verdict,
        });
    }
    Ok(out)
}

/// The indexes of the changed files of `fixes`, by package directory (absolute, canonical).
type ByDir = BTreeMap<PathBuf, Vec<usize>>;

/// Each changed file's temporary copy holding its new text, by its original path.
type Staged = BTreeMap<PathBuf, PathBuf>;

/// Writes the new text of every changed file into `tmp`, where the overlays point.
fn stage(tmp: &Path, fixes: &[FileFix]) -> Result<(ByDir, Staged), String> {
    let mut by_dir: ByDir = BTreeMap::new();
    let mut staged: Staged = BTreeMap::new();
    for (i, f) in fixes.iter().enumerate() {
        if f.changed() {
            let abs = std::fs::canonicalize(&f.path).map_err(|e| format!("{}: {e}", f.path))?;
            let name = format!("f{i}_{}", abs.file_name().unwrap().to_string_lossy());
            let file = tmp.join(name);
            std::fs::write(&file, &f.new).map_err(|e| format!("{}: {e}", file.display()))?;
            by_dir
                .entry(abs.parent().unwrap_or(Path::new("/")).to_path_buf())
                .or_default()
                .push(i);
            staged.insert(abs, file);
        }
    }
    Ok((by_dir, staged))
}

/// The package directories of `by_dir` by the module they belong to: `go` runs once per
/// module, in its root.
fn by_module_root(by_dir: &ByDir) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut by_root: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for dir in by_dir.keys() {
        by_root
            .entry(module_root(dir))
            .or_default()
            .push(dir.clone());
    }
    by_root
}

/// Sets a fix dropped by verification back to the old text, each of its applied fixes
/// reported as skipped.
fn revert(f: &mut FileFix) {
    f.new = f.old.clone();
    for a in std::mem::take(&mut f.applied) {
        f.skipped.push((
            a,
            "dropped by --verify: the package no longer type-checks with it".into(),
        ));
    }
}

/// The checks of one verification, module after module: what is decided so far.
struct Rounds<'a> {
    go: &'a Path,
    /// Where the staged files and the overlays are written.
    tmp: &'a Path,
    staged: &'a Staged,
    /// The number of overlays written so far, which names the next one.
    round: usize,
    verdicts: BTreeMap<PathBuf, Verdict>,
    /// The packages whose fixes are dropped: the overlays leave their files out.
    dropped: BTreeSet<PathBuf>,
}

impl Rounds<'_> {
    /// Checks the packages `dirs` of the module at `root` with the fixes, round after
    /// round, until every one of them has a verdict.
    fn verify_module(&mut self, root: &Path, dirs: Vec<PathBuf>) -> Result<(), String> {
        let mut before = Checked::new();
        let mut pending = dirs;
        loop {
            let failing = self.check_with_fixes(root, &pending)?;
            if failing.is_empty() {
                return Ok(());
            }
            // Only now, and only for the packages that fail, is the unfixed code checked.
            let unknown: Vec<PathBuf> = failing
                .iter()
                .map(|(d, _)| d.clone())
                .filter(|d| !before.contains_key(d))
                .collect();
            if !unknown.is_empty() {
                before.extend(check(self.go, root, &unknown, None));
            }
            let (deps_only, dropped_now) = self.judge(failing, &before);
            if deps_only.is_empty() {
                return Ok(());
            }
            if !dropped_now {
                // No fixes were dropped this round, so another round would fail the same
                // way: the packages failing through an import lose their own fixes.
                for (d, after) in deps_only {
                    self.drop_broken(d, after.output);
                }
                return Ok(());
            }
            pending = deps_only.into_iter().map(|(d, _)| d).collect();
        }
    }

    /// One round: `pending` checked with every fix not dropped so far. Those that pass get
    /// their verdict; those that fail are returned.
    fn check_with_fixes(
        &mut self,
        root: &Path,
        pending: &[PathBuf],
    ) -> Result<Vec<(PathBuf, Failure)>, String> {
        let overlay = write_overlay(self.tmp, self.round, self.staged, &self.dropped)?;
        self.round += 1;
        let after = check(self.go, root, pending, Some(&overlay));
        let mut failing: Vec<(PathBuf, Failure)> = Vec::new();
        for (d, r) in after {
            match r {
                Ok(()) => {
                    self.verdicts.insert(d, Verdict::Passed);
                }
                Err(f) => failing.push((d, f)),
            }
        }
        Ok(failing)
    }

    /// Judges the packages that fail with the fixes by their check `before` them: those
    /// that failed before too are unchecked, those whose own files now fail are broken.
    /// Returns the rest, which fail only through an import, and whether any package's
    /// fixes were dropped.
    fn judge(
        &mut self,
        failing: Vec<(PathBuf, Failure)>,
        before: &Checked,
    ) -> (Vec<(PathBuf, Failure)>, bool) {
        let mut dropped_now = false;
        let mut deps_only = Vec::new();
        for (d, after) in failing {
            match &before[&d] {
                Err(b) => {
                    self.verdicts.insert(
                        d,
                        Verdict::Unchecked {
                            output: b.output.clone(),
                        },
                    );
                }
                // Fails only through an import: maybe a package whose fixes are
                // dropped in this round; check again without them.
                Ok(()) if !after.own => deps_only.push((d, after)),
                Ok(()) => {
                    self.drop_broken(d, after.output);
                    dropped_now = true;
                }
            }
        }
        (deps_only, dropped_now)
    }

    /// The fixes of the package in `d` break it: dropped, with the compiler's `output`.
    fn drop_broken(&mut self, d: PathBuf, output: String) {
        self.dropped.insert(d.clone());
        self.verdicts.insert(d, Verdict::Broken { output });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(pos: &str, err: &str) -> GoError {
        GoError {
            pos: pos.into(),
            err: err.into(),
        }
    }

    #[test]
    fn messages_drop_package_headers_and_repeats() {
        // A compile error comes back on the package and again on its test variant.
        let mut lines = Vec::new();
        messages(
            &[
                err("", "# example.com/m/a\na/a.go:3:9: undefined: x\n"),
                err(
                    "",
                    "# example.com/m/a [example.com/m/a.test]\na/a.go:3:9: undefined: x\na/a_test.go:5:1: undefined: y\n",
                ),
            ],
            &mut lines,
        );
        assert_eq!(
            lines,
            ["a/a.go:3:9: undefined: x", "a/a_test.go:5:1: undefined: y"]
        );
    }

    #[test]
    fn messages_keep_a_position_given_apart_and_a_bare_header() {
        let mut lines = Vec::new();
        messages(
            &[
                err("a/a.go:1:1", "expected 'package'"),
                err("", "# only a header"),
            ],
            &mut lines,
        );
        assert_eq!(lines, ["a/a.go:1:1: expected 'package'", "# only a header"]);
    }

    #[test]
    fn module_root_is_the_nearest_go_mod_or_the_directory_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let sub = tmp.path().join("x/y");
        std::fs::create_dir_all(&sub).unwrap();
        if tmp.path().ancestors().all(|d| !d.join("go.mod").is_file()) {
            assert_eq!(module_root(&sub), sub, "no go.mod anywhere above");
        }
        std::fs::write(tmp.path().join("x/go.mod"), "module x\n").unwrap();
        assert_eq!(module_root(&sub), tmp.path().join("x"));
    }
}
