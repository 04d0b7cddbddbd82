//! Writing a rewritten file in place, atomically: a reader sees the old bytes or the
//! new ones, never half of each, and a file someone changed after we read it is left
//! alone.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file no longer holds the bytes the fix was computed from.
    #[error("{}: changed since it was read; left untouched", path.display())]
    Changed { path: PathBuf },
    /// The file was deleted (or its symlink left dangling) after it was read.
    #[error("{}: deleted since it was read; not written", path.display())]
    Deleted { path: PathBuf },
    /// The file has no write permission: for us, or in its mode bits (which root would
    /// otherwise ignore). A rename would replace it all the same, so it is refused here.
    #[error("{}: file is read-only; not written", path.display())]
    ReadOnly { path: PathBuf },
    /// The path resolves (through symlinks or `..`) to a file outside the root.
    #[error(
        "{}: resolves to {}, outside {}; not written",
        path.display(),
        target.display(),
        root.display()
    )]
    OutsideRoot {
        path: PathBuf,
        target: PathBuf,
        root: PathBuf,
    },
    /// An I/O step failed; `action` says which ("read", "create a temporary file in /d").
    #[error("{}: cannot {action}: {error}", path.display())]
    Io {
        path: PathBuf,
        action: String,
        error: io::Error,
    },
}

fn io_err(path: &Path, action: impl Into<String>) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    let action = action.into();
    move |error| WriteError::Io {
        path,
        action,
        error,
    }
}

/// Replace the contents of `path` with `new`, provided it still holds `expected_old`.
///
/// - A symlink is followed: the file it resolves to is rewritten and the link stays.
///   With `root`, the resolved file must lie inside the resolved `root`, else
///   [`WriteError::OutsideRoot`] and nothing is written.
/// - The new bytes go to a temporary file in the same directory, which gets the
///   original's permission bits (mode) and is fsynced, then renamed over the target.
///   Owner, extended attributes and hard links are not carried over (a rename
///   creates a new inode).
/// - The file is compared with `expected_old` before anything is written and again
///   just before the rename; if it differs, [`WriteError::Changed`] and the file is
///   untouched; if it is gone, [`WriteError::Deleted`].
/// - A read-only file (no write bit in its mode, or not openable for writing by this
///   process) is refused with [`WriteError::ReadOnly`], as `gofmt -w` would fail on it,
///   although a rename in a writable directory could replace it.
/// - On any error the temporary file is removed.
pub fn write_atomic(
    path: &Path,
    expected_old: &[u8],
    new: &[u8],
    root: Option<&Path>,
) -> Result<(), WriteError> {
    let target = resolve_inside(path, root)?;
    let meta = writable_file(path, &target)?;
    unchanged(path, &target, expected_old)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let tmp = write_temporary(path, &target, dir, new, meta.permissions())?;

    pause_point::before_rename(tmp.path(), &target);
    // The last look: the window between it and the rename is as short as it gets.
    unchanged(path, &target, expected_old)?;
    tmp.persist(&target)
        .map_err(|e| io_err(path, "replace the file")(e.error))?;
    // Make the rename itself durable; a failure here leaves a correct file behind.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The file `path` resolves to (through symlinks and `..`), which must lie inside the
/// resolved `root` if one is given.
fn resolve_inside(path: &Path, root: Option<&Path>) -> Result<PathBuf, WriteError> {
    let target = fs::canonicalize(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => WriteError::Deleted {
            path: path.to_path_buf(),
        },
        _ => io_err(path, "resolve the path")(error),
    })?;
    if let Some(root) = root {
        let root = fs::canonicalize(root).map_err(io_err(root, "resolve the root"))?;
        if !target.starts_with(&root) {
            return Err(WriteError::OutsideRoot {
                path: path.to_path_buf(),
                target,
                root,
            });
        }
    }
    Ok(target)
}

/// The metadata of `target`, the file `path` resolves to, if it is a regular file this
/// process may write: read-only in its mode bits or for us is refused.
fn writable_file(path: &Path, target: &Path) -> Result<fs::Metadata, WriteError> {
    let meta = fs::metadata(target).map_err(io_err(path, "read metadata"))?;
    if !meta.is_file() {
        return Err(WriteError::Io {
            path: path.to_path_buf(),
            action: "write".into(),
            error: io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
        });
    }
    let read_only = || WriteError::ReadOnly {
        path: path.to_path_buf(),
    };
    if meta.permissions().readonly() {
        return Err(read_only());
    }
    // Opening for writing (without truncating) changes nothing, and asks the kernel
    // whether this process may write the file.
    if let Err(e) = fs::OpenOptions::new().write(true).open(target) {
        return Err(match e.kind() {
            io::ErrorKind::PermissionDenied => read_only(),
            _ => io_err(path, "open for writing")(e),
        });
    }
    Ok(meta)
}

/// Whether `target` (the file of `path`) still holds `expected_old`: changed or deleted
/// since it was read is an error.
fn unchanged(path: &Path, target: &Path, expected_old: &[u8]) -> Result<(), WriteError> {
    let current = fs::read(target).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => WriteError::Deleted {
            path: path.to_path_buf(),
        },
        _ => io_err(path, "read")(error),
    })?;
    if current != expected_old {
        return Err(WriteError::Changed {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// A temporary file next to `target`, in `dir`, holding `new` with the original's
/// `permissions`, synced: ready to be renamed over the target.
fn write_temporary(
    path: &Path,
    target: &Path,
    dir: &Path,
    new: &[u8],
    permissions: fs::Permissions,
) -> Result<tempfile::NamedTempFile, WriteError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".defuse.tmp")
        .tempfile_in(dir)
        .map_err(io_err(
            path,
            format!("create a temporary file in {}", dir.display()),
        ))?;
    let tmp_action = |what: &str| format!("{what} the temporary file {}", tmp.path().display());
    let write_failed = io_err(path, tmp_action("write"));
    let perms_failed = io_err(path, tmp_action("set permissions on"));
    let sync_failed = io_err(path, tmp_action("sync"));
    tmp.write_all(new).map_err(write_failed)?;
    tmp.as_file()
        .set_permissions(permissions)
        .map_err(perms_failed)?;
    tmp.as_file().sync_all().map_err(sync_failed)?;
    Ok(tmp)
}

/// A pause for the test that kills `fix --write` midway (tests/atomic_writes.rs): with
/// `DEFUSE_TEST_PAUSE_BEFORE_RENAME=N` in the environment, the process stops for good at
/// its N-th write, after the temporary file is written and synced and before it is
/// renamed over the file, and says so on stderr. The test kills it there, so the kill lands
/// at the one moment that matters, whatever the machine's load, rather than after a guessed
/// delay. Without the variable this is one relaxed atomic increment per written file.
mod pause_point {
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub const VAR: &str = "DEFUSE_TEST_PAUSE_BEFORE_RENAME";
    static WRITES: AtomicUsize = AtomicUsize::new(0);

    pub fn before_rename(tmp: &Path, target: &Path) {
        let n = WRITES.fetch_add(1, Ordering::Relaxed) + 1;
        let Some(at) = std::env::var_os(VAR) else {
            return;
        };
        if at.to_str().and_then(|s| s.parse::<usize>().ok()) != Some(n) {
            return;
        }
        eprintln!(
            "defuse: {VAR}: paused at write {n}, before renaming {} over {}",
            tmp.display(),
            target.display()
        );
        loop {
            std::thread::park();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};
    use std::process::Command;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replaces_contents_and_keeps_permissions() {
        for m in [0o640, 0o755, 0o600] {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("a.go");
            fs::write(&file, b"old\r\n").unwrap();
            fs::set_permissions(&file, fs::Permissions::from_mode(m)).unwrap();
            write_atomic(&file, b"old\r\n", b"new\r\n", Some(dir.path())).unwrap();
            assert_eq!(fs::read(&file).unwrap(), b"new\r\n");
            assert_eq!(mode(&file), m);
            assert_eq!(entries(dir.path()), vec!["a.go"]);
        }
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.go");
        fs::write(&file, b"edited by someone\n").unwrap();
        let err = write_atomic(&file, b"old\n", b"new\n", None).unwrap_err();
        assert!(matches!(err, WriteError::Changed { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "{}: changed since it was read; left untouched",
                file.display()
            )
        );
        assert_eq!(fs::read(&file).unwrap(), b"edited by someone\n");
        assert_eq!(entries(dir.path()), vec!["a.go"]);
    }

    /// Makes a directory unwritable for the duration of a test, and writable again
    /// when dropped. Mode bits do not stop root, so when they are not enough the
    /// immutable attribute is set as well.
    struct Unwritable<'a> {
        dir: &'a Path,
        immutable: bool,
    }

    impl<'a> Unwritable<'a> {
        fn new(dir: &'a Path) -> Self {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
            let mut guard = Unwritable {
                dir,
                immutable: false,
            };
            if Self::writable(dir) {
                let ok = Command::new("chattr")
                    .arg("+i")
                    .arg(dir)
                    .status()
                    .is_ok_and(|s| s.success());
                guard.immutable = ok;
                assert!(
                    ok && !Self::writable(dir),
                    "cannot make {} unwritable: running as root without chattr or \
                     CAP_LINUX_IMMUTABLE; run the tests as a regular user",
                    dir.display()
                );
            }
            guard
        }

        fn writable(dir: &Path) -> bool {
            let probe = dir.join(".probe");
            let ok = fs::write(&probe, b"").is_ok();
            let _ = fs::remove_file(&probe);
            ok
        }
    }

    impl Drop for Unwritable<'_> {
        fn drop(&mut self) {
            if self.immutable {
                let _ = Command::new("chattr").arg("-i").arg(self.dir).status();
            }
            let _ = fs::set_permissions(self.dir, fs::Permissions::from_mode(0o755));
        }
    }

    #[test]
    fn read_only_directory_gives_a_clean_error() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ro");
        fs::create_dir(&dir).unwrap();
        let file = dir.join("a.go");
        fs::write(&file, b"old\n").unwrap();
        let err = {
            let _guard = Unwritable::new(&dir);
            write_atomic(&file, b"old\n", b"new\n", None).unwrap_err()
        };
        let msg = err.to_string();
        assert!(
            matches!(&err, WriteError::Io { action, .. } if action.starts_with("create a temporary file")),
            "{err:?}"
        );
        assert!(
            msg.starts_with(&format!("{}: cannot create", file.display())),
            "{msg}"
        );
        assert_eq!(fs::read(&file).unwrap(), b"old\n");
        assert_eq!(entries(&dir), vec!["a.go"]);
    }

    #[test]
    fn symlink_outside_root_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.go");
        fs::write(&secret, b"old\n").unwrap();
        let root = tempfile::tempdir().unwrap();
        let link = root.path().join("link.go");
        symlink(&secret, &link).unwrap();
        let err = write_atomic(&link, b"old\n", b"new\n", Some(root.path())).unwrap_err();
        assert!(matches!(err, WriteError::OutsideRoot { .. }), "{err:?}");
        assert!(err.to_string().contains("outside"), "{err}");
        assert!(err.to_string().starts_with(&link.display().to_string()));
        assert_eq!(fs::read(&secret).unwrap(), b"old\n");
        // `..` cannot escape either.
        let sub = root.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let err = write_atomic(
            &sub.join("../../")
                .join(outside.path().file_name().unwrap())
                .join("secret.go"),
            b"old\n",
            b"new\n",
            Some(root.path()),
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::OutsideRoot { .. }), "{err:?}");
        assert_eq!(fs::read(&secret).unwrap(), b"old\n");
    }

    #[test]
    fn symlink_inside_root_writes_the_target_and_keeps_the_link() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real.go");
        fs::write(&real, b"old\n").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = root.path().join("link.go");
        symlink("real.go", &link).unwrap();
        write_atomic(&link, b"old\n", b"new\n", Some(root.path())).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new\n");
        assert_eq!(mode(&real), 0o640);
        // Without a root, a link is followed wherever it goes.
        let outside = tempfile::tempdir().unwrap();
        let far = outside.path().join("far.go");
        fs::write(&far, b"old\n").unwrap();
        let link2 = root.path().join("far.go");
        symlink(&far, &link2).unwrap();
        write_atomic(&link2, b"old\n", b"new\n", None).unwrap();
        assert_eq!(fs::read(&far).unwrap(), b"new\n");
    }

    #[test]
    fn read_only_file_is_refused_even_for_root() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.go");
        fs::write(&file, b"old\n").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_atomic(&file, b"old\n", b"new\n", None).unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("{}: file is read-only; not written", file.display())
        );
        assert_eq!(fs::read(&file).unwrap(), b"old\n");
        assert_eq!(mode(&file), 0o444);
        assert_eq!(entries(dir.path()), vec!["a.go"]);
    }

    #[test]
    fn missing_file_and_directories_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.go");
        let err = write_atomic(&missing, b"", b"x", None).unwrap_err();
        assert!(matches!(err, WriteError::Deleted { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "{}: deleted since it was read; not written",
                missing.display()
            )
        );
        let err = write_atomic(dir.path(), b"", b"x", None).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
