//! Discovery on trees built in temporary directories.

use super::*;
use std::path::Path;
use tempfile::TempDir;

const GO: &str = "package p\n";

/// Every test here runs both ways to discover: [`super::discover`], and
/// [`discover_each`], whose directories, put together, must be the same files in the
/// same order with the same errors.
fn discover(paths: &[PathBuf], opts: &DiscoverOptions) -> Discovered {
    let whole = super::discover(paths, opts);
    let mut groups: Vec<Vec<GoFile>> = Vec::new();
    let errors = discover_each(paths, opts, |files| groups.push(files));
    for g in &groups {
        assert!(!g.is_empty());
        assert!(g.iter().all(|f| f.package_dir == g[0].package_dir), "{g:?}");
        assert!(g.windows(2).all(|w| w[0].path < w[1].path), "{g:?}");
    }
    // Each directory once, whole.
    let mut dirs: Vec<&PathBuf> = groups.iter().map(|g| &g[0].package_dir).collect();
    dirs.sort();
    assert!(dirs.windows(2).all(|w| w[0] != w[1]), "{dirs:?}");
    let mut each: Vec<GoFile> = groups.into_iter().flatten().collect();
    each.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(format!("{each:?}"), format!("{:?}", whole.files));
    assert_eq!(errors, whole.errors);
    whole
}

/// A temporary tree with these files (parents created). The root is canonical, so
/// that absolute paths in results compare equal to paths built from it.
fn tree(files: &[(&str, &str)]) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    write(&root, files);
    (dir, root)
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// The displayed paths below `root`, with `/` separators.
fn rel_paths(d: &Discovered, root: &Path) -> Vec<String> {
    d.files
        .iter()
        .map(|f| {
            let rel = f.path.strip_prefix(root).unwrap_or(&f.path);
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

fn scan(root: &Path, opts: &DiscoverOptions) -> Vec<String> {
    let d = discover(&[root.to_path_buf()], opts);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    rel_paths(&d, root)
}

fn file<'a>(d: &'a Discovered, root: &Path, rel: &str) -> &'a GoFile {
    d.files
        .iter()
        .find(|f| f.path == root.join(rel))
        .unwrap_or_else(|| panic!("{rel} not found in {:?}", rel_paths(d, root)))
}

#[test]
fn only_go_files_tests_included() {
    let (_t, root) = tree(&[
        ("a.go", GO),
        ("a_test.go", GO),
        ("README.md", "# x"),
        ("go.mod", "module x\n"),
        ("sub/b.go", GO),
        ("sub/c.go.txt", GO),
        ("dir.go/d.go", GO),
    ]);
    assert_eq!(
        scan(&root, &DiscoverOptions::default()),
        ["a.go", "a_test.go", "dir.go/d.go", "sub/b.go"]
    );
}

#[test]
fn gitignore_honored_without_a_repository() {
    let (_t, root) = tree(&[
        (".gitignore", "ignored/\n*_skip.go\n"),
        ("a.go", GO),
        ("a_skip.go", GO),
        ("ignored/b.go", GO),
        ("sub/.gitignore", "local.go\n"),
        ("sub/local.go", GO),
        ("sub/kept.go", GO),
    ]);
    assert_eq!(
        scan(&root, &DiscoverOptions::default()),
        ["a.go", "sub/kept.go"]
    );
    let all = DiscoverOptions {
        no_ignore: true,
        ..Default::default()
    };
    assert_eq!(
        scan(&root, &all),
        [
            "a.go",
            "a_skip.go",
            "ignored/b.go",
            "sub/kept.go",
            "sub/local.go"
        ]
    );
}

#[test]
fn gitignore_honored_in_a_repository_and_not_above_it() {
    let (_t, outer) = tree(&[
        // Above the repository root: git would not read it, nor does defuse.
        (".gitignore", "*.go\n"),
        ("repo/.git/info/exclude", "excluded.go\n"),
        ("repo/.gitignore", "gen/\n"),
        ("repo/a.go", GO),
        ("repo/excluded.go", GO),
        ("repo/gen/g.go", GO),
        ("repo/sub/b.go", GO),
    ]);
    let root = outer.join("repo");
    assert_eq!(
        scan(&root, &DiscoverOptions::default()),
        ["a.go", "sub/b.go"]
    );
    // Scanning a subdirectory still reads the repository's .gitignore above it.
    write(&root, &[("sub/gen/h.go", GO)]);
    assert_eq!(
        scan(&root.join("sub"), &DiscoverOptions::default()),
        ["b.go"]
    );
}

#[test]
fn vendor_testdata_hidden_skipped_unless_asked() {
    let (_t, root) = tree(&[
        ("a.go", GO),
        ("vendor/v/v.go", GO),
        ("testdata/t.go", GO),
        ("sub/testdata/u.go", GO),
        (".hidden/h.go", GO),
        (".h.go", GO),
        (".git/x.go", GO),
        // Only directories are special by name.
        ("sub/vendor.go", GO),
    ]);
    assert_eq!(
        scan(&root, &DiscoverOptions::default()),
        ["a.go", "sub/vendor.go"]
    );

    let vendor = DiscoverOptions {
        include_vendor: true,
        ..Default::default()
    };
    assert_eq!(
        scan(&root, &vendor),
        ["a.go", "sub/vendor.go", "vendor/v/v.go"]
    );

    let testdata = DiscoverOptions {
        include_testdata: true,
        ..Default::default()
    };
    assert_eq!(
        scan(&root, &testdata),
        [
            "a.go",
            "sub/testdata/u.go",
            "sub/vendor.go",
            "testdata/t.go"
        ]
    );

    let hidden = DiscoverOptions {
        include_hidden: true,
        ..Default::default()
    };
    // .git stays out even then.
    assert_eq!(
        scan(&root, &hidden),
        [".h.go", ".hidden/h.go", "a.go", "sub/vendor.go"]
    );
}

#[test]
fn explicit_paths_are_scanned_whatever_their_name() {
    let (_t, root) = tree(&[
        (".gitignore", "ignored/\nskip.go\n"),
        ("testdata/examples/cache.go", GO),
        ("testdata/examples/testdata/deeper.go", GO),
        ("vendor/v/v.go", GO),
        (".hidden/h.go", GO),
        ("ignored/i.go", GO),
        ("skip.go", GO),
    ]);
    let opts = DiscoverOptions::default();
    // The given directory is scanned; below it the filters apply as usual.
    assert_eq!(scan(&root.join("testdata/examples"), &opts), ["cache.go"]);
    assert_eq!(scan(&root.join("testdata"), &opts), ["examples/cache.go"]);
    assert_eq!(scan(&root.join("vendor"), &opts), ["v/v.go"]);
    assert_eq!(scan(&root.join(".hidden"), &opts), ["h.go"]);
    assert_eq!(scan(&root.join("ignored"), &opts), ["i.go"]);
    // An explicit file is taken as it is, even when git ignores it.
    let d = discover(&[root.join("skip.go")], &opts);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.files.len(), 1);
    assert_eq!(d.files[0].path, root.join("skip.go"));
    assert_eq!(d.files[0].package_dir, root);
}

#[test]
fn explicit_file_that_is_not_go() {
    let (_t, root) = tree(&[("notes.txt", "x")]);
    let d = discover(&[root.join("notes.txt")], &DiscoverOptions::default());
    assert!(d.files.is_empty());
    assert_eq!(d.errors.len(), 1);
    assert!(
        d.errors[0].message.contains("not a Go source file"),
        "{}",
        d.errors[0]
    );
}

#[test]
fn dot_dot_dot_spelling() {
    assert_eq!(strip_recursive_suffix(Path::new("./...")), Path::new("."));
    assert_eq!(strip_recursive_suffix(Path::new("...")), Path::new("."));
    assert_eq!(
        strip_recursive_suffix(Path::new("pkg/...")),
        Path::new("pkg")
    );
    assert_eq!(
        strip_recursive_suffix(Path::new("/abs/pkg/...")),
        Path::new("/abs/pkg")
    );
    assert_eq!(strip_recursive_suffix(Path::new("/...")), Path::new("/"));
    assert_eq!(strip_recursive_suffix(Path::new("pkg")), Path::new("pkg"));
    assert_eq!(
        strip_recursive_suffix(Path::new("pkg...")),
        Path::new("pkg...")
    );

    let (_t, root) = tree(&[("a.go", GO), ("sub/b.go", GO)]);
    let opts = DiscoverOptions::default();
    let spelled = discover(&[root.join("...")], &opts);
    assert!(spelled.errors.is_empty(), "{:?}", spelled.errors);
    assert_eq!(rel_paths(&spelled, &root), ["a.go", "sub/b.go"]);
    assert_eq!(rel_paths(&spelled, &root), scan(&root, &opts));
}

/// Displayed paths follow what was typed, relative stays relative, without `./`.
/// Uses a directory below the crate root because tests cannot change directory.
#[test]
fn displayed_paths_keep_the_typed_root() {
    let dir = tempfile::Builder::new()
        .prefix("discover-display-")
        .tempdir_in(env!("CARGO_MANIFEST_DIR"))
        .unwrap();
    write(
        dir.path(),
        &[("examples/cache.go", GO), ("examples/sub/x.go", GO)],
    );
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let typed_variants = [
        format!("{name}/examples"),
        format!("./{name}/examples"),
        format!("./{name}/examples/"),
        format!("{name}/examples/..."),
        format!("./{name}/./examples/..."),
    ];
    // cargo runs unit tests in the package root.
    assert_eq!(
        fs::canonicalize(std::env::current_dir().unwrap().join(&name)).unwrap(),
        fs::canonicalize(dir.path()).unwrap()
    );
    for typed in typed_variants {
        let d = discover(&[PathBuf::from(&typed)], &DiscoverOptions::default());
        assert!(d.errors.is_empty(), "{typed}: {:?}", d.errors);
        let shown: Vec<_> = d.files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(
            shown,
            [
                Path::new(&name).join("examples/cache.go"),
                Path::new(&name).join("examples/sub/x.go")
            ],
            "{typed}"
        );
        assert_eq!(
            d.files[1].package_dir,
            Path::new(&name).join("examples/sub")
        );
    }
}

#[test]
fn cleaning_and_package_dir_of_the_current_directory() {
    assert_eq!(clean(Path::new(".")), PathBuf::new());
    assert_eq!(clean(Path::new("./a/./b/")), PathBuf::from("a/b"));
    assert_eq!(clean(Path::new("../a")), PathBuf::from("../a"));
    assert_eq!(clean(Path::new("/x/./y")), PathBuf::from("/x/y"));
}

#[test]
fn nested_modules_get_their_own_versions() {
    let (_t, root) = tree(&[
        ("go.mod", "module outer\n\ngo 1.21\n"),
        ("a.go", GO),
        ("pkg/b.go", GO),
        (
            "inner/go.mod",
            "module inner // comment\n\ngo 1.22.1\n\nrequire x v1.0.0\n",
        ),
        ("inner/c.go", GO),
        ("inner/deep/d.go", GO),
    ]);
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    for rel in ["a.go", "pkg/b.go"] {
        let f = file(&d, &root, rel);
        assert_eq!(f.module_version, GoVersion::new(1, 21), "{rel}");
        assert_eq!(f.module_root.as_deref(), Some(root.as_path()));
        assert_eq!(
            f.module_version_source,
            VersionSource::GoMod(root.join("go.mod"))
        );
    }
    for rel in ["inner/c.go", "inner/deep/d.go"] {
        let f = file(&d, &root, rel);
        assert_eq!(f.module_version, GoVersion::new(1, 22), "{rel}");
        assert_eq!(f.module_root, Some(root.join("inner")));
        assert_eq!(
            f.module_version_source,
            VersionSource::GoMod(root.join("inner/go.mod"))
        );
    }
    assert_eq!(file(&d, &root, "pkg/b.go").package_dir, root.join("pkg"));
}

#[test]
fn module_found_above_the_scanned_directory() {
    let (_t, root) = tree(&[("go.mod", "module m\ngo 1.20\n"), ("internal/x/a.go", GO)]);
    let d = discover(&[root.join("internal")], &DiscoverOptions::default());
    let f = &d.files[0];
    assert_eq!(f.module_version, GoVersion::new(1, 20));
    assert_eq!(f.module_root.as_deref(), Some(root.as_path()));
}

#[test]
fn go_mod_without_go_line_is_go_1_16() {
    let (_t, root) = tree(&[("go.mod", "module old\n\nrequire x v1.0.0\n"), ("a.go", GO)]);
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.files[0].module_version, GoVersion::new(1, 16));
    assert_eq!(
        d.files[0].module_version_source,
        VersionSource::GoMod(root.join("go.mod"))
    );
}

#[test]
fn malformed_go_mod_is_reported_once_and_the_default_used() {
    let (_t, root) = tree(&[
        ("go.mod", "module bad\ngo abc\n"),
        ("a.go", GO),
        ("b.go", GO),
        ("sub/c.go", GO),
    ]);
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    assert_eq!(d.files.len(), 3);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert_eq!(d.errors[0].path, root.join("go.mod"));
    assert!(
        d.errors[0].to_string().contains("invalid go version `abc`"),
        "{}",
        d.errors[0]
    );
    for f in &d.files {
        assert_eq!(f.module_version, GoVersion::DEFAULT);
        assert_eq!(f.module_version_source, VersionSource::Default);
        assert_eq!(f.module_root.as_deref(), Some(root.as_path()));
    }
}

#[test]
fn go_work_does_not_change_module_versions_but_covers_loose_files() {
    let (_t, root) = tree(&[
        ("go.work", "go 1.23\n\nuse (\n\t./a\n\t./b\n)\n"),
        ("a/go.mod", "module a\ngo 1.21\n"),
        ("a/a.go", GO),
        ("b/go.mod", "module b\n"),
        ("b/b.go", GO),
        ("loose/l.go", GO),
    ]);
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    // Modules keep their own go line, as cmd/go does in workspace mode.
    let a = file(&d, &root, "a/a.go");
    assert_eq!(a.module_version, GoVersion::new(1, 21));
    assert_eq!(
        a.module_version_source,
        VersionSource::GoMod(root.join("a/go.mod"))
    );
    let b = file(&d, &root, "b/b.go");
    assert_eq!(b.module_version, GoVersion::new(1, 16));
    // A file in no module takes the workspace's version.
    let loose = file(&d, &root, "loose/l.go");
    assert_eq!(loose.module_root, None);
    assert_eq!(loose.module_version, GoVersion::new(1, 23));
    assert_eq!(
        loose.module_version_source,
        VersionSource::GoWork(root.join("go.work"))
    );
}

#[test]
fn go_work_without_go_line_is_go_1_18() {
    let (_t, root) = tree(&[("go.work", "use ./m\n"), ("x.go", GO)]);
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    assert_eq!(d.files[0].module_version, GoVersion::new(1, 18));
    assert_eq!(
        d.files[0].module_version_source,
        VersionSource::GoWork(root.join("go.work"))
    );
}

#[test]
fn default_version_outside_any_module() {
    let (_t, root) = tree(&[("a.go", GO)]);
    // Assumes no go.mod or go.work above the system temporary directory.
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    assert_eq!(d.files[0].module_root, None);
    assert_eq!(d.files[0].module_version, GoVersion::DEFAULT);
    assert_eq!(d.files[0].module_version_source, VersionSource::Default);
    let opts = DiscoverOptions {
        default_version: Some(GoVersion::new(1, 20)),
        ..Default::default()
    };
    let d = discover(std::slice::from_ref(&root), &opts);
    assert_eq!(d.files[0].module_version, GoVersion::new(1, 20));
    assert_eq!(d.files[0].module_version_source, VersionSource::Default);
}

#[test]
fn build_constraint_lowers_and_raises_the_module_version() {
    let down = "//go:build go1.21\n\npackage p\n";
    let up = "//go:build linux && go1.22\n\npackage p\n";
    let (_t, root) = tree(&[
        ("new/go.mod", "module n\ngo 1.22\n"),
        ("new/down.go", down),
        ("new/plain.go", GO),
        ("old/go.mod", "module o\ngo 1.21\n"),
        ("old/up.go", up),
    ]);
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    let check = |rel: &str, src: &str| {
        let f = file(&d, &root, rel);
        assert_eq!(fs::read_to_string(root.join(rel)).unwrap(), src);
        file_version(src.as_bytes(), f)
    };
    assert_eq!(
        check("new/down.go", down),
        (GoVersion::new(1, 21), VersionSource::BuildConstraint)
    );
    assert!(!check("new/down.go", down).0.has_per_iteration_loop_vars());
    assert_eq!(
        check("new/plain.go", GO),
        (
            GoVersion::new(1, 22),
            VersionSource::GoMod(root.join("new/go.mod"))
        )
    );
    assert_eq!(
        check("old/up.go", up),
        (GoVersion::new(1, 22), VersionSource::BuildConstraint)
    );
    // Never below go1.21.
    let f = file(&d, &root, "new/plain.go");
    assert_eq!(
        file_version(b"//go:build go1.18\npackage p\n", f),
        (GoVersion::new(1, 21), VersionSource::BuildConstraint)
    );
}

#[test]
fn missing_path_is_an_error_and_the_rest_goes_on() {
    let (_t, root) = tree(&[("a.go", GO)]);
    let missing = root.join("nope");
    let d = discover(
        &[missing.clone(), root.clone(), root.join("gone.go")],
        &DiscoverOptions::default(),
    );
    assert_eq!(rel_paths(&d, &root), ["a.go"]);
    assert_eq!(d.errors.len(), 2);
    assert_eq!(d.errors[1].path, missing);
    assert_eq!(d.errors[1].message, "no such file or directory");
    assert_eq!(
        d.errors[1].to_string(),
        format!("{}: no such file or directory", missing.display())
    );
    assert_eq!(d.errors[0].path, root.join("gone.go"));
}

#[test]
fn output_sorted_deterministic_and_deduplicated() {
    let names = [
        "z.go",
        "a.go",
        "m/b.go",
        "m/a.go",
        "B.go",
        "m/n/c.go",
        "a/z.go",
        "a_test.go",
        "a/a.go",
    ];
    let files: Vec<(&str, &str)> = names.iter().map(|n| (*n, GO)).collect();
    let (_t, root) = tree(&files);
    let opts = DiscoverOptions::default();
    let first = scan(&root, &opts);
    let mut sorted = first.clone();
    sorted.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
    assert_eq!(first, sorted);
    for _ in 0..5 {
        assert_eq!(scan(&root, &opts), first);
    }
    // Overlapping roots and a repeated file: each file once.
    let d = discover(
        &[
            root.join("m"),
            root.clone(),
            root.join("m/a.go"),
            root.join("./m/../m"),
        ],
        &opts,
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.files.len(), names.len());
    let d2 = discover(&[root.clone(), root.join("m")], &opts);
    assert_eq!(
        d.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
        d2.files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
}

#[test]
fn exclude_globs() {
    let (_t, root) = tree(&[
        ("a.go", GO),
        ("x_gen.go", GO),
        ("internal/legacy/old.go", GO),
        ("internal/legacy/deep/older.go", GO),
        ("internal/new/n_gen.go", GO),
        ("internal/new/n.go", GO),
        ("other/internal/legacy/kept.go", GO),
    ]);
    let opts = DiscoverOptions {
        exclude: vec!["internal/legacy/**".into(), "*_gen.go".into()],
        ..Default::default()
    };
    assert_eq!(
        scan(&root, &opts),
        ["a.go", "internal/new/n.go", "other/internal/legacy/kept.go"]
    );
    // Relative to the walk root by default: from `internal`, the anchored glob no
    // longer names anything; relative to a base, it does.
    assert_eq!(
        scan(&root.join("internal"), &opts),
        ["legacy/deep/older.go", "legacy/old.go", "new/n.go"]
    );
    let based = DiscoverOptions {
        exclude_base: Some(root.clone()),
        ..opts.clone()
    };
    assert_eq!(scan(&root.join("internal"), &based), ["new/n.go"]);
    // Below a base that does not contain the walk root, unanchored globs still apply.
    let elsewhere = DiscoverOptions {
        exclude_base: Some(root.join("other")),
        ..opts.clone()
    };
    assert_eq!(
        scan(&root.join("internal"), &elsewhere),
        ["legacy/deep/older.go", "legacy/old.go", "new/n.go"]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_and_loops_do_not_hang() {
    use std::os::unix::fs::symlink;
    let (_t, root) = tree(&[("a.go", GO), ("sub/b.go", GO), ("elsewhere/e.go", GO)]);
    symlink(&root, root.join("sub/loop")).unwrap();
    symlink(root.join("sub/loop2"), root.join("sub/loop1")).unwrap();
    symlink(root.join("sub/loop1"), root.join("sub/loop2")).unwrap();
    symlink(root.join("a.go"), root.join("sub/link.go")).unwrap();
    symlink(root.join("nowhere.go"), root.join("sub/dangling.go")).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let sub = root.join("sub");
    std::thread::spawn(move || {
        let _ = tx.send(discover(&[sub], &DiscoverOptions::default()));
    });
    let d = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("discover finished");
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(rel_paths(&d, &root), ["sub/b.go"]);

    // A root given as a link is followed, and shown as typed.
    symlink(root.join("elsewhere"), root.join("link")).unwrap();
    let d = discover(&[root.join("link")], &DiscoverOptions::default());
    assert_eq!(rel_paths(&d, &root), ["link/e.go"]);
}

#[cfg(unix)]
#[test]
fn unreadable_directory_is_reported_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let (_t, root) = tree(&[("a.go", GO), ("locked/l.go", GO), ("z/z.go", GO)]);
    let locked = root.join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = fs::read_dir(&locked).is_ok(); // running as root
    let d = discover(std::slice::from_ref(&root), &DiscoverOptions::default());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    if readable_anyway {
        return;
    }
    assert_eq!(rel_paths(&d, &root), ["a.go", "z/z.go"]);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert_eq!(d.errors[0].path, locked);
    assert_eq!(d.errors[0].message, "permission denied");
}

#[test]
fn invalid_exclude_glob_is_an_error() {
    let (_t, root) = tree(&[("a.go", GO)]);
    let opts = DiscoverOptions {
        exclude: vec!["a{b".into()],
        ..Default::default()
    };
    let d = discover(std::slice::from_ref(&root), &opts);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(d.errors[0].message.contains("`a{b`"), "{}", d.errors[0]);
    assert_eq!(rel_paths(&d, &root), ["a.go"]);
}
