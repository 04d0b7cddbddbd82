//! From the paths a user typed to the Go files to scan, each with its language version.
//!
//! * Each path is a file or a tree. A directory means the whole tree below it, like
//!   Go's `dir/...`; that spelling is accepted too (`./...` is `.`).
//! * A path given explicitly is always scanned, even when it is hidden, named
//!   `vendor` or `testdata`, or ignored by git: filters apply only below it. An
//!   explicit `.go` file is taken as it is. A path that is a symbolic link is
//!   followed; links met during the walk are not (a link to a file or directory
//!   below a given directory is skipped), so loops cannot happen.
//! * Below a given directory, only regular `*.go` files are kept (`_test.go` files
//!   included); hidden entries, `vendor/`, `testdata/`, git-ignored entries and the
//!   `exclude` globs are skipped unless the options say otherwise, and `.git` always.
//!   In a git repository the `.gitignore` files from the repository root down apply,
//!   as git reads them; outside one, every `.gitignore` in and above the tree.
//!   Global git excludes and `.ignore` files are not read, so that a scan gives the
//!   same answer on every machine.
//! * Each file gets its module (nearest `go.mod` above it) and the module's language
//!   version, as the go command does: the `go` line, go1.16 without one. A `go.work`
//!   does *not* change the version of the modules it lists (cmd/go compiles each
//!   workspace module with its own go.mod's version and only requires the go.work
//!   line to be at least as new); it gives its `go` line (go1.18 without one) to
//!   files in no module. Elsewhere [`DiscoverOptions::default_version`] or
//!   [`GoVersion::DEFAULT`] applies. [`file_version`] then applies a file's own
//!   `//go:build go1.N` line.
//!
//! Generated files are found, not dropped: [`is_generated`] needs the file's bytes,
//! which the next stage reads anyway.
//!
//! Knows nothing about parsing or rules.

mod generated;
mod gomod;
mod header;
mod version;
mod walk;

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::GitignoreBuilder;

pub use generated::is_generated;
pub use gomod::GoDirectiveError;
pub use version::{build_constraint_version, GoVersion, ParseGoVersionError};

/// Where a file's language version came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSource {
    /// The `go` line of this go.mod (absolute path), or its absence (go1.16).
    GoMod(PathBuf),
    /// The `go` line of this go.work (absolute path), for a file in no module.
    GoWork(PathBuf),
    /// The file's own `//go:build go1.N` line.
    BuildConstraint,
    /// [`GoVersion::DEFAULT`] or [`DiscoverOptions::default_version`]: no module and
    /// no workspace, or a go.mod / go.work that could not be read.
    Default,
}

#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    /// Walk into directories named `vendor`.
    pub include_vendor: bool,
    /// Walk into directories named `testdata`.
    pub include_testdata: bool,
    /// Walk into hidden directories and take hidden files (names starting with `.`).
    /// `.git` is skipped even then.
    pub include_hidden: bool,
    /// Do not read `.gitignore` files and `.git/info/exclude`.
    pub no_ignore: bool,
    /// gitignore-style globs of entries to skip below the given directories:
    /// `internal/legacy/**`, `*_gen.go`. A glob with a slash is anchored at
    /// [`exclude_base`](Self::exclude_base), one without matches at any depth.
    pub exclude: Vec<String>,
    /// The directory `exclude` globs are relative to: the directory of the
    /// `defuse.toml` they came from. `None`: each walk root.
    pub exclude_base: Option<PathBuf>,
    /// The version of files outside any module and workspace; `None`: [`GoVersion::DEFAULT`].
    pub default_version: Option<GoVersion>,
    /// Threads walking the tree; 0: one per core.
    pub threads: usize,
    /// Only the Go files directly in these directories (absolute and canonical), and
    /// the walk goes only where they are; `None`: everywhere. Everything else the walk
    /// skips (ignore files, `vendor`, excludes) is skipped as before.
    pub only_dirs: Option<Arc<HashSet<PathBuf>>>,
}

#[derive(Debug, Clone)]
pub struct GoFile {
    /// The path to show: the path the user gave, joined with the file's path below
    /// it, without `./` components: `testdata/examples/cache.go` for
    /// `testdata/examples` or `./testdata/examples/...`; `cache.go` for `.`.
    pub path: PathBuf,
    /// The directory of `path` (`.` for a file in the current directory); the files
    /// of one package share it.
    pub package_dir: PathBuf,
    /// `package_dir` below the path given (`/`-separated, `.` for the path itself), the
    /// same on every machine: what `--shard` hashes. For a file given by name, its
    /// directory as given.
    pub relative_dir: String,
    /// The directory of the nearest go.mod, absolute and canonical.
    pub module_root: Option<PathBuf>,
    /// The language version of the module (see [`file_version`] for the file's own).
    pub module_version: GoVersion,
    pub module_version_source: VersionSource,
}

/// A path the walk could not read, or a file it could not use (a `go.mod` whose `go`
/// line does not parse, a bad exclude pattern). The walk goes on after each; the scan
/// reports them all and exits 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", .path.display())]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted by `path`; a file reached through two given paths appears once.
    pub files: Vec<GoFile>,
    /// Sorted by path, then message. The walk goes on after each.
    pub errors: Vec<DiscoverError>,
}

/// Finds the Go files under `paths` (none when `paths` is empty) and their versions.
pub fn discover(paths: &[PathBuf], opts: &DiscoverOptions) -> Discovered {
    let mut found: Vec<walk::Found> = Vec::new();
    let mut errors = Vec::new();
    for given in paths {
        find_under(given, opts, &mut found, &mut errors);
    }
    keep_each_file_once(&mut found);

    let mut resolver = gomod::Resolver::new(opts.default_version.unwrap_or(GoVersion::DEFAULT));
    let files = found
        .into_iter()
        .map(|f| go_file(f, &mut resolver))
        .collect();

    errors.append(&mut resolver.errors);
    Discovered {
        files,
        errors: sorted_errors(errors),
    }
}

/// The Go files of one path the user gave, a directory (walked) or a `.go` file, into
/// `found`; what cannot be read or is neither, into `errors`.
fn find_under(
    given: &Path,
    opts: &DiscoverOptions,
    found: &mut Vec<walk::Found>,
    errors: &mut Vec<DiscoverError>,
) {
    let typed = strip_recursive_suffix(given);
    let display = clean(typed);
    let error = |message: String| DiscoverError {
        path: given.to_path_buf(),
        message,
    };
    let metadata = match fs::metadata(typed) {
        Ok(m) => m,
        Err(e) => {
            errors.push(error(io_message(&e)));
            return;
        }
    };
    let absolute = match fs::canonicalize(typed) {
        Ok(a) => a,
        Err(e) => {
            errors.push(error(io_message(&e)));
            return;
        }
    };
    if metadata.is_dir() {
        let exclude = exclude_below(&absolute, opts, errors);
        let (files, walk_errors) = walk::walk(&display, &absolute, opts, exclude);
        found.extend(files);
        errors.extend(walk_errors);
    } else if metadata.is_file() {
        if typed.extension() == Some("go".as_ref()) {
            let wanted = opts
                .only_dirs
                .as_ref()
                .is_none_or(|dirs| absolute.parent().is_some_and(|d| dirs.contains(d)));
            if wanted {
                found.push(walk::Found {
                    relative: display.clone(),
                    display,
                    absolute,
                });
            }
        } else {
            errors.push(error(
                "not a Go source file (expected a .go file or a directory)".into(),
            ));
        }
    } else {
        errors.push(error("not a regular file or directory".into()));
    }
}

/// The same file reached twice is kept once, under its shortest name (fewest
/// components, then smallest); then sorted by what the user sees.
fn keep_each_file_once(found: &mut Vec<walk::Found>) {
    // Byte order of the absolute paths groups the copies of a file; the components of the
    // names are counted only between copies (counting them in every comparison took
    // most of the time of a walk of the Go tree).
    found.sort_unstable_by(|a, b| {
        let len = |f: &walk::Found| f.display.components().count();
        a.absolute
            .as_os_str()
            .cmp(b.absolute.as_os_str())
            .then_with(|| (len(a), &a.display).cmp(&(len(b), &b.display)))
    });
    found.dedup_by(|later, first| later.absolute == first.absolute);
    found.sort_by(|a, b| a.display.cmp(&b.display));
}

fn sorted_errors(mut errors: Vec<DiscoverError>) -> Vec<DiscoverError> {
    errors.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.message.cmp(&b.message)));
    errors.dedup();
    errors
}

fn go_file(f: walk::Found, resolver: &mut gomod::Resolver) -> GoFile {
    let dir = f.absolute.parent().unwrap_or(Path::new("/"));
    let (module_root, module_version, module_version_source) = resolver.resolve(dir);
    let package_dir = match f.display.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    GoFile {
        relative_dir: slash_path(f.relative.parent().unwrap_or(Path::new(""))),
        path: f.display,
        package_dir,
        module_root,
        module_version,
        module_version_source,
    }
}

/// [`discover`], handing the files to `each` one directory at a time (sorted by path),
/// as the walk goes, and returning the errors. With one directory to walk, the tree is
/// never held whole: a directory goes to `each` as soon as the walk has left it, so
/// memory does not grow with the size of the tree. With several paths, which may reach
/// a file twice, it is [`discover`] grouped by directory.
pub fn discover_each(
    paths: &[PathBuf],
    opts: &DiscoverOptions,
    mut each: impl FnMut(Vec<GoFile>),
) -> Vec<DiscoverError> {
    if let [given] = paths {
        let typed = strip_recursive_suffix(given);
        let is_dir = fs::metadata(typed).is_ok_and(|m| m.is_dir());
        if let (true, Ok(absolute)) = (is_dir, fs::canonicalize(typed)) {
            let display = clean(typed);
            let mut errors = Vec::new();
            let exclude = exclude_below(&absolute, opts, &mut errors);
            let mut resolver =
                gomod::Resolver::new(opts.default_version.unwrap_or(GoVersion::DEFAULT));
            walk::walk_by_directory(&display, &absolute, opts, exclude, &mut errors, |found| {
                let mut files: Vec<GoFile> = found
                    .into_iter()
                    .map(|f| go_file(f, &mut resolver))
                    .collect();
                files.sort_by(|a, b| a.path.cmp(&b.path));
                each(files);
            });
            errors.append(&mut resolver.errors);
            return sorted_errors(errors);
        }
    }
    let found = discover(paths, opts);
    let mut dirs: std::collections::BTreeMap<PathBuf, Vec<GoFile>> = Default::default();
    for f in found.files {
        dirs.entry(f.package_dir.clone()).or_default().push(f);
    }
    dirs.into_values().for_each(each);
    found.errors
}

/// The language version of one file: its `//go:build` line's, if that line implies
/// a Go release, else its module's. See [`build_constraint_version`] for the rule
/// (the toolchain's: `max(go1.N, go1.21)`, raising or lowering the module version).
pub fn file_version(src: &[u8], file: &GoFile) -> (GoVersion, VersionSource) {
    match build_constraint_version(src) {
        Some(v) => (v, VersionSource::BuildConstraint),
        None => (file.module_version, file.module_version_source.clone()),
    }
}

/// Go's `dir/...` spelling of "dir and everything below it": `./...` is `.`,
/// `...` alone is `.` too. defuse treats every directory as the tree below it, so
/// the suffix only needs removing.
pub fn strip_recursive_suffix(path: &Path) -> &Path {
    let Some(s) = path.to_str() else {
        return path;
    };
    if s == "..." {
        return Path::new(".");
    }
    for sep in std::iter::once('/')
        .chain((std::path::MAIN_SEPARATOR != '/').then_some(std::path::MAIN_SEPARATOR))
    {
        if let Some(dir) = s.strip_suffix("...").and_then(|d| d.strip_suffix(sep)) {
            return if dir.is_empty() {
                Path::new("/")
            } else {
                Path::new(dir)
            };
        }
    }
    path
}

/// `path` with `/` between its components, without `.` ones; `.` when nothing is left.
fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `path` without `.` components and trailing separators; the current directory
/// becomes the empty path, so that joining a relative path to it adds nothing.
fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// The `exclude` globs for a walk of `root` (canonical): relative to the options'
/// `exclude_base`, or to `root`. A bad glob is pushed to `errors`, and nothing excluded.
fn exclude_below(
    root: &Path,
    opts: &DiscoverOptions,
    errors: &mut Vec<DiscoverError>,
) -> Option<Arc<walk::Exclude>> {
    let base = opts
        .exclude_base
        .as_ref()
        .map(|b| fs::canonicalize(b).unwrap_or_else(|_| b.clone()));
    exclude_matcher(base.as_deref().unwrap_or(root), &opts.exclude).unwrap_or_else(|e| {
        errors.push(e);
        None
    })
}

fn exclude_matcher(
    base: &Path,
    globs: &[String],
) -> Result<Option<Arc<walk::Exclude>>, DiscoverError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GitignoreBuilder::new(base);
    for glob in globs {
        builder.add_line(None, glob).map_err(|e| DiscoverError {
            path: base.to_path_buf(),
            message: format!("invalid exclude pattern `{glob}`: {e}"),
        })?;
    }
    let matcher = builder.build().map_err(|e| DiscoverError {
        path: base.to_path_buf(),
        message: format!("invalid exclude patterns: {e}"),
    })?;
    Ok(Some(Arc::new(walk::Exclude {
        matcher,
        base: base.to_path_buf(),
    })))
}

/// An I/O error as the message users know from their shell, without "(os error N)".
pub(crate) fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(at) => s[..at].to_string(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests;
