//! The language version of each directory: nearest `go.mod`, else nearest `go.work`.
//!
//! Only the `go` directive is read, by hand: defuse needs nothing else from these
//! files, and a full go.mod parser would be a dependency for one line.
//!
//! What the go command does, and what defuse copies:
//!
//! * A package's language version is the `go` line of the `go.mod` of its module
//!   (cmd/go passes `-lang=go1.N` from `Module.GoVersion`). A `go.mod` without a `go`
//!   line means go1.16 (`gover.DefaultGoModVersion`).
//! * In a workspace, each module listed in `go.work` *keeps its own* `go` line:
//!   cmd/go records every main module's version from its own `go.mod`, and only
//!   checks that the `go.work` line is not older than any of them ("module … listed
//!   in go.work file requires go >= …"). The workspace's `go` line is the toolchain
//!   the workspace needs, not the language of its modules; using it would give a
//!   go1.21 module the go1.22 loop semantics it does not have. So a `go.work` does
//!   not change the version of files inside a module.
//! * Files in no module at all get the workspace's `go` line when a `go.work` sits
//!   above them (cmd/go gives the synthetic command-line-arguments module the
//!   workspace version), go1.18 when that file has no `go` line
//!   (`gover.DefaultGoWorkVersion`), and the configured default otherwise.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{io_message, DiscoverError, GoVersion, VersionSource};

/// Why a go.mod or go.work gives no version. The file is named where it is reported,
/// in a [`DiscoverError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoDirectiveError {
    /// The file could not be read; the I/O error as a shell words it.
    #[error("{0}")]
    Read(String),
    #[error("line {line}: the go directive expects exactly one version")]
    NotOneVersion { line: usize },
    #[error("line {line}: invalid go version `{version}`")]
    InvalidVersion { line: usize, version: String },
}

/// The `go` directive of a go.mod or go.work text: `Ok(None)` when there is none.
///
/// Comments (`//` to the end of the line) and blank lines are skipped; the directive
/// is `go` followed by one version, optionally quoted. When the file repeats the
/// directive (which the go command rejects) the first one is used.
pub(crate) fn parse_go_directive(text: &str) -> Result<Option<GoVersion>, GoDirectiveError> {
    for (index, line) in text.lines().enumerate() {
        let line = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        let mut words = line.split_whitespace();
        if words.next() != Some("go") {
            continue;
        }
        let args: Vec<&str> = words.collect();
        let line = index + 1;
        let [arg] = args[..] else {
            return Err(GoDirectiveError::NotOneVersion { line });
        };
        let arg = arg.trim_matches('"');
        return match GoVersion::parse(arg) {
            Some(v) => Ok(Some(v)),
            None => Err(GoDirectiveError::InvalidVersion {
                line,
                version: arg.to_string(),
            }),
        };
    }
    Ok(None)
}

#[derive(Debug)]
struct Module {
    root: PathBuf,
    go_mod: PathBuf,
    /// `None` when the go.mod could not be read or its `go` line is malformed
    /// (reported once, as a [`DiscoverError`]).
    version: Option<GoVersion>,
}

#[derive(Debug)]
struct Workspace {
    go_work: PathBuf,
    version: Option<GoVersion>,
}

/// Answers "which module and version" per directory, remembering every directory it
/// has looked at, so a tree of thousands of packages costs one `stat` per directory.
pub(crate) struct Resolver {
    default: GoVersion,
    modules: HashMap<PathBuf, Option<Arc<Module>>>,
    workspaces: HashMap<PathBuf, Option<Arc<Workspace>>>,
    pub(crate) errors: Vec<DiscoverError>,
}

/// The module root (if any), the version, and where the version came from.
pub(crate) type Resolution = (Option<PathBuf>, GoVersion, VersionSource);

impl Resolver {
    pub(crate) fn new(default: GoVersion) -> Resolver {
        Resolver {
            default,
            modules: HashMap::new(),
            workspaces: HashMap::new(),
            errors: Vec::new(),
        }
    }

    /// The version of the files in `dir`, an absolute path.
    pub(crate) fn resolve(&mut self, dir: &Path) -> Resolution {
        let errors = &mut self.errors;
        if let Some(module) = nearest(&mut self.modules, dir, |d| {
            let go_mod = d.join("go.mod");
            is_file(&go_mod).then(|| Arc::new(load_module(d, go_mod, errors)))
        }) {
            let root = Some(module.root.clone());
            return match module.version {
                Some(v) => (root, v, VersionSource::GoMod(module.go_mod.clone())),
                None => (root, self.default, VersionSource::Default),
            };
        }
        let errors = &mut self.errors;
        if let Some(work) = nearest(&mut self.workspaces, dir, |d| {
            let go_work = d.join("go.work");
            is_file(&go_work).then(|| Arc::new(load_workspace(go_work, errors)))
        }) {
            return match work.version {
                Some(v) => (None, v, VersionSource::GoWork(work.go_work.clone())),
                None => (None, self.default, VersionSource::Default),
            };
        }
        (None, self.default, VersionSource::Default)
    }
}

/// The nearest value `probe` finds in `dir` or one of its ancestors, caching the
/// answer for every directory visited on the way up.
fn nearest<T: Clone>(
    cache: &mut HashMap<PathBuf, Option<T>>,
    dir: &Path,
    mut probe: impl FnMut(&Path) -> Option<T>,
) -> Option<T> {
    let mut visited = Vec::new();
    let mut current = Some(dir);
    let found = loop {
        let Some(d) = current else { break None };
        if let Some(known) = cache.get(d) {
            break known.clone();
        }
        visited.push(d.to_path_buf());
        if let Some(hit) = probe(d) {
            break Some(hit);
        }
        current = d.parent();
    };
    for d in visited {
        cache.insert(d, found.clone());
    }
    found
}

/// As cmd/go's `findModuleRoot`: a go.mod counts unless it is a directory.
fn is_file(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| !m.is_dir())
}

fn load_module(root: &Path, go_mod: PathBuf, errors: &mut Vec<DiscoverError>) -> Module {
    let version = match read_go_directive(&go_mod) {
        Ok(v) => Some(v.unwrap_or(GoVersion::GO_MOD_WITHOUT_GO_LINE)),
        Err(e) => {
            errors.push(DiscoverError {
                path: go_mod.clone(),
                message: e.to_string(),
            });
            None
        }
    };
    Module {
        root: root.to_path_buf(),
        go_mod,
        version,
    }
}

fn load_workspace(go_work: PathBuf, errors: &mut Vec<DiscoverError>) -> Workspace {
    let version = match read_go_directive(&go_work) {
        Ok(v) => Some(v.unwrap_or(GoVersion::GO_WORK_WITHOUT_GO_LINE)),
        Err(e) => {
            errors.push(DiscoverError {
                path: go_work.clone(),
                message: e.to_string(),
            });
            None
        }
    };
    Workspace { go_work, version }
}

fn read_go_directive(path: &Path) -> Result<Option<GoVersion>, GoDirectiveError> {
    let bytes = fs::read(path).map_err(|e| GoDirectiveError::Read(io_message(&e)))?;
    parse_go_directive(&String::from_utf8_lossy(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_directive() {
        let v = |s| parse_go_directive(s);
        assert_eq!(v("module x\n\ngo 1.21\n"), Ok(Some(GoVersion::new(1, 21))));
        assert_eq!(
            v("module x\ngo 1.21.3 // patch\n"),
            Ok(Some(GoVersion::new(1, 21)))
        );
        assert_eq!(
            v("module x\r\ngo 1.22rc1\r\n"),
            Ok(Some(GoVersion::new(1, 22)))
        );
        assert_eq!(
            v("module x\n\tgo   \"1.20\"\n"),
            Ok(Some(GoVersion::new(1, 20)))
        );
        assert_eq!(v("module x\n// go 1.21\nrequire y v1.0.0\n"), Ok(None));
        assert_eq!(v("module x\ntoolchain go1.23.0\ngodebug x=1\n"), Ok(None));
        assert_eq!(v("go 1.21\ngo 1.22\n"), Ok(Some(GoVersion::new(1, 21))));
        assert_eq!(v(""), Ok(None));
        let err = v("module x\ngo abc\n").unwrap_err();
        assert_eq!(
            err,
            GoDirectiveError::InvalidVersion {
                line: 2,
                version: "abc".into()
            }
        );
        assert_eq!(err.to_string(), "line 2: invalid go version `abc`");
        assert_eq!(
            v("go\n").unwrap_err().to_string(),
            "line 1: the go directive expects exactly one version"
        );
        assert_eq!(
            v("go 1.21 1.22\n"),
            Err(GoDirectiveError::NotOneVersion { line: 1 })
        );
    }
}
