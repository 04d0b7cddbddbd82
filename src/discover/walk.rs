//! Walking one directory tree, in parallel, for `*.go` files.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use ignore::gitignore::Gitignore;
use ignore::{DirEntry, WalkBuilder, WalkState};

use super::{io_message, DiscoverError, DiscoverOptions};

/// The `exclude` globs and the directory they are relative to.
#[derive(Debug)]
pub(crate) struct Exclude {
    pub matcher: Gitignore,
    pub base: PathBuf,
}

impl Exclude {
    /// Matches `path` relative to the base, or, when it is not below the base,
    /// relative to the walk root (then only globs without a slash can match it).
    /// Relative paths are given to the matcher because it strips its root as a
    /// string prefix, which would misread `/r/xy` under a root `/r/x`.
    fn excludes(&self, path: &Path, walk_root: &Path, is_dir: bool) -> bool {
        let rel = path
            .strip_prefix(&self.base)
            .or_else(|_| path.strip_prefix(walk_root))
            .unwrap_or(path);
        self.matcher.matched(rel, is_dir).is_ignore()
    }
}

/// A file the walk found: how to show it, and its absolute path.
#[derive(Debug)]
pub(crate) struct Found {
    pub display: PathBuf,
    pub absolute: PathBuf,
    /// Below the walk root: the same on every machine, whatever the root is called.
    pub relative: PathBuf,
}

enum Item {
    File(PathBuf),
    Error(DiscoverError),
}

/// The walk of `absolute_root` (a canonical directory) that [`walk`] and
/// [`walk_by_directory`] share.
///
/// The root itself is never filtered: only what is below it. Below it, skipped are
/// `.git` always; hidden entries (name starting with `.`), `vendor/` and `testdata/`
/// unless the options include them; entries matched by `.gitignore` files and
/// `.git/info/exclude` unless `no_ignore` (in a repository, the `.gitignore` files
/// from the repository root down, as git reads them; outside one, every
/// `.gitignore` in the tree and in its parent directories); and entries matched by
/// `exclude`. The user's global git excludes and
/// `.ignore` files are not read, so that a scan gives the same answer on every
/// machine. Symbolic links are not followed: a link to a file or to a directory is
/// skipped, which also rules out loops.
fn builder(
    absolute_root: &Path,
    opts: &DiscoverOptions,
    exclude: Option<Arc<Exclude>>,
) -> WalkBuilder {
    let use_ignore_files = !opts.no_ignore;
    // Inside a git repository, git's rules: .gitignore files from the repository root
    // down. Outside one, every .gitignore in the tree and above it (the `ignore`
    // crate stops climbing at a repository root only when it requires one).
    let in_repository =
        use_ignore_files && absolute_root.ancestors().any(|d| d.join(".git").exists());
    let mut builder = WalkBuilder::new(absolute_root);
    builder
        .standard_filters(false)
        .git_ignore(use_ignore_files)
        .git_exclude(use_ignore_files)
        .parents(use_ignore_files)
        .require_git(in_repository)
        .follow_links(false)
        // 0: as many as the machine has cores.
        .threads(opts.threads);

    let (include_hidden, include_vendor, include_testdata) = (
        opts.include_hidden,
        opts.include_vendor,
        opts.include_testdata,
    );
    let walk_root = absolute_root.to_path_buf();
    // With `only_dirs`: those directories and the ones on the way to them.
    let reach: Option<(Arc<HashSet<PathBuf>>, HashSet<PathBuf>)> =
        opts.only_dirs.as_ref().map(|dirs| {
            let on_the_way = dirs
                .iter()
                .flat_map(|d| d.ancestors().map(Path::to_path_buf))
                .collect();
            (dirs.clone(), on_the_way)
        });
    builder.filter_entry(move |entry: &DirEntry| {
        let name = entry.file_name();
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if name == OsStr::new(".git") {
            return false;
        }
        if !include_hidden && name.as_encoded_bytes().starts_with(b".") {
            return false;
        }
        if is_dir
            && ((!include_vendor && name == OsStr::new("vendor"))
                || (!include_testdata && name == OsStr::new("testdata")))
        {
            return false;
        }
        if let Some((dirs, on_the_way)) = &reach {
            let path = entry.path();
            let wanted = if is_dir {
                on_the_way.contains(path)
            } else {
                path.parent().is_some_and(|d| dirs.contains(d))
            };
            if !wanted {
                return false;
            }
        }
        if let Some(exclude) = &exclude {
            if exclude.excludes(entry.path(), &walk_root, is_dir) {
                return false;
            }
        }
        true
    });
    builder
}

/// Walks `absolute_root` (a canonical directory) and returns its `*.go` files, shown
/// under `display_root`, in no particular order; see [`builder`] for what is skipped.
pub(crate) fn walk(
    display_root: &Path,
    absolute_root: &Path,
    opts: &DiscoverOptions,
    exclude: Option<Arc<Exclude>>,
) -> (Vec<Found>, Vec<DiscoverError>) {
    let builder = builder(absolute_root, opts, exclude);
    let (tx, rx) = mpsc::channel::<Item>();
    builder.build_parallel().run(|| {
        let tx = tx.clone();
        Box::new(move |result| {
            let item = match result {
                Ok(entry) => {
                    let is_go_file = entry.file_type().is_some_and(|t| t.is_file())
                        && entry.path().extension() == Some(OsStr::new("go"));
                    if !is_go_file {
                        return WalkState::Continue;
                    }
                    Item::File(entry.into_path())
                }
                Err(err) => Item::Error(walk_error(&err, absolute_root)),
            };
            // The receiver lives until every worker is done.
            let _ = tx.send(item);
            WalkState::Continue
        })
    });
    drop(tx);

    let mut found = Vec::new();
    let mut errors = Vec::new();
    for item in rx {
        match item {
            Item::File(absolute) => found.push(self::found(display_root, absolute_root, absolute)),
            Item::Error(mut e) => {
                e.path = display_path(display_root, absolute_root, &e.path);
                errors.push(e);
            }
        }
    }
    (found, errors)
}

fn found(display_root: &Path, absolute_root: &Path, absolute: PathBuf) -> Found {
    Found {
        display: display_path(display_root, absolute_root, &absolute),
        relative: absolute
            .strip_prefix(absolute_root)
            .unwrap_or(&absolute)
            .to_path_buf(),
        absolute,
    }
}

/// [`walk`] on this thread, in order, handing the `*.go` files of each directory to
/// `each` as soon as the walk has left the directory: a tree of any size is never held
/// whole. Entries come sorted by name, depth first, so a directory is done when an
/// entry no deeper than it comes.
pub(crate) fn walk_by_directory(
    display_root: &Path,
    absolute_root: &Path,
    opts: &DiscoverOptions,
    exclude: Option<Arc<Exclude>>,
    errors: &mut Vec<DiscoverError>,
    mut each: impl FnMut(Vec<Found>),
) {
    let mut builder = builder(absolute_root, opts, exclude);
    builder.sort_by_file_name(|a, b| a.cmp(b));
    // The directories the walk is in: their depth and the files found so far.
    let mut open: Vec<(usize, Vec<Found>)> = Vec::new();
    let mut close_to = |depth: usize, open: &mut Vec<(usize, Vec<Found>)>| {
        while open.last().is_some_and(|&(d, _)| d >= depth) {
            let (_, files) = open.pop().expect("just seen");
            if !files.is_empty() {
                each(files);
            }
        }
    };
    for result in builder.build() {
        let entry = match result {
            Ok(entry) => entry,
            Err(err) => {
                let mut e = walk_error(&err, absolute_root);
                e.path = display_path(display_root, absolute_root, &e.path);
                errors.push(e);
                continue;
            }
        };
        let depth = entry.depth();
        close_to(depth, &mut open);
        let Some(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            open.push((depth, Vec::new()));
        } else if kind.is_file() && entry.path().extension() == Some(OsStr::new("go")) {
            let file = found(display_root, absolute_root, entry.into_path());
            match open.last_mut() {
                Some((_, files)) => files.push(file),
                // The root is a directory, which comes first: not reached.
                None => open.push((depth, vec![file])),
            }
        }
    }
    close_to(0, &mut open);
}

/// `absolute` (below `absolute_root`) as the user would name it from `display_root`.
fn display_path(display_root: &Path, absolute_root: &Path, absolute: &Path) -> PathBuf {
    match absolute.strip_prefix(absolute_root) {
        Ok(rel) if rel.as_os_str().is_empty() && display_root.as_os_str().is_empty() => {
            PathBuf::from(".")
        }
        Ok(rel) => display_root.join(rel),
        Err(_) => absolute.to_path_buf(),
    }
}

/// A walk error as "path: what went wrong", naming the deepest path the error has.
fn walk_error(err: &ignore::Error, root: &Path) -> DiscoverError {
    fn inner(err: &ignore::Error, path: &mut Option<PathBuf>) -> String {
        match err {
            ignore::Error::WithPath { path: p, err } => {
                *path = Some(p.clone());
                inner(err, path)
            }
            ignore::Error::WithDepth { err, .. } => inner(err, path),
            ignore::Error::WithLineNumber { line, err } => {
                format!("line {line}: {}", inner(err, path))
            }
            ignore::Error::Partial(errs) => errs
                .iter()
                .map(|e| inner(e, path))
                .collect::<Vec<_>>()
                .join("; "),
            ignore::Error::Loop { ancestor, child } => {
                *path = Some(child.clone());
                format!("symbolic link loop back to {}", ancestor.display())
            }
            ignore::Error::Io(e) => io_message(e),
            other => other.to_string(),
        }
    }
    let mut path = None;
    let message = inner(err, &mut path);
    DiscoverError {
        path: path.unwrap_or_else(|| root.to_path_buf()),
        message,
    }
}
