//! A catalog of bad inputs, each with the behavior a user would expect: a message that
//! names the file and the problem, the exit code README.md documents (0 clean, 1
//! findings, 2 usage or I/O error), the rest of the run going on, and no file changed
//! that should not change. docs/robustness.md lists every case with its behavior.
//!
//! Every process runs the built binary with a temporary `HOME` and no system git
//! configuration, in a temporary folder.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use defuse::engine::{analyze, RuleSelection, SourceUnit, MAX_NESTING};
use defuse::finding::Withheld;
use defuse::fix::fix_package;
use defuse::fix::{write_atomic, PlanOptions, WriteError};
use tempfile::TempDir;

use crate::support::{defuse_command, git, init_repo, write};

/// A store with one hazard: the delete in `Take` (line 18, column 2) runs after the
/// unlock. Three other methods hold `s.mu` (one writes under it), so the finding is high
/// confidence and `fix` turns it, safely, into a closure that takes the lock.
const STORE: &str = include_str!("fixtures/store.go");

/// [`STORE`] as `fix` leaves it.
const STORE_FIXED: &str = include_str!("fixtures/store_fixed.go");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn both(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// `defuse ARGS` in `dir`, with `dir` as its home: no user configuration.
fn defuse(dir: &Path, args: &[&str]) -> Run {
    let out = defuse_command(dir)
        .args(args)
        .env("HOME", dir)
        .output()
        .expect("run defuse");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tmp() -> TempDir {
    tempfile::tempdir().unwrap()
}

fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

/// Every byte of every file below `dir`, to prove a run changed nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.push((p.clone(), fs::read(&p).unwrap()));
            } else {
                out.push((p.clone(), Vec::new()));
            }
        }
    }
    out.sort();
    out
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{haystack}"
    );
}

// ------------------------------------------------------------------ Go source

#[test]
fn syntax_errors_keep_findings_elsewhere_and_withhold_every_fix() {
    let d = tmp();
    let broken = format!("{STORE}\nfunc broken( {{\n");
    write(d.path(), "a/store.go", &broken);
    write(d.path(), "b/store.go", STORE);

    let check = defuse(d.path(), &["check", "a"]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stdout, "a/store.go:18:2");
    assert_contains(
        &check.stdout,
        "warning: a/store.go: has syntax errors at line 35:",
    );
    assert_contains(&check.stdout, "its fixes are withheld");

    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    // The broken file's finding stays unfixed (exit 1); the other file is fixed.
    assert_eq!(fix.code, 1, "{}", fix.both());
    assert_contains(&fix.stderr, "not fixed: a/store.go:18:2");
    assert_contains(&fix.stderr, "has syntax errors at line 35:");
    assert_contains(&fix.stderr, "fixes are withheld");
    assert_eq!(
        fs::read_to_string(d.path().join("a/store.go")).unwrap(),
        broken
    );
    assert_eq!(
        fs::read_to_string(d.path().join("b/store.go")).unwrap(),
        STORE_FIXED
    );
}

#[test]
fn invalid_utf8_is_named_and_never_rewritten() {
    let d = tmp();
    let mut bytes = STORE.as_bytes().to_vec();
    bytes.extend_from_slice(b"\n// caf\xe9\n");
    write(d.path(), "store.go", &bytes);
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stdout, "store.go:18:2");
    assert_contains(
        &check.stdout,
        "warning: store.go: is not valid UTF-8 at line 35:7; its fixes are withheld",
    );
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 1, "{}", fix.both());
    assert_contains(&fix.stderr, "is not valid UTF-8 at line 35:7");
    assert_eq!(fs::read(d.path().join("store.go")).unwrap(), bytes);
}

#[test]
fn a_byte_order_mark_is_kept_and_positions_stay_right() {
    let d = tmp();
    let bom = |s: &str| [b"\xef\xbb\xbf".as_slice(), s.as_bytes()].concat();
    write(d.path(), "store.go", bom(STORE));
    // A sibling without a BOM: both must be one package, sharing guard facts.
    write(
        d.path(),
        "other.go",
        "package store\n\nfunc (s *Store) Size() int {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\treturn len(s.m)\n}\n",
    );
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stdout, "store.go:18:2");
    assert_contains(
        &check.stdout,
        "held in 4 of 4 other functions that touch it",
    );
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 0, "{}", fix.both());
    assert_eq!(
        fs::read(d.path().join("store.go")).unwrap(),
        bom(STORE_FIXED)
    );
}

#[test]
fn crlf_line_endings_are_kept_everywhere_including_inserted_lines() {
    let d = tmp();
    write(d.path(), "store.go", crlf(STORE));
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stdout, "store.go:18:2");
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 0, "{}", fix.both());
    let out = fs::read(d.path().join("store.go")).unwrap();
    assert_eq!(String::from_utf8(out.clone()).unwrap(), crlf(STORE_FIXED));
    for (i, w) in out.windows(2).enumerate() {
        assert!(
            !(w[1] == b'\n' && w[0] != b'\r'),
            "bare LF at byte {}",
            i + 1
        );
    }
    // A second run changes nothing.
    let again = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(again.code, 0, "{}", again.both());
    assert_eq!(fs::read(d.path().join("store.go")).unwrap(), out);
}

/// Many small locked functions around one hazard: every function reads the guarded map,
/// so all of them are modeled for the guard's evidence. The size that shows the behavior
/// (the hazard found among thousands of functions, in one file) is small; how time and
/// memory grow with the size is measured by `scripts/bench` (the dense 1/4/8 MB rows),
/// never asserted by a test.
#[test]
fn a_file_of_thousands_of_small_functions_is_scanned_and_fixed() {
    let d = tmp();
    let mut src = String::from(STORE);
    for i in 0..3_000 {
        src.push_str(&format!(
            "\nfunc (s *Store) Get{i}(k string) int {{\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\treturn s.m[k] + {i}\n}}\n"
        ));
    }
    write(d.path(), "big.go", &src);
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stdout, "big.go:18:2");
    assert_contains(&check.stdout, "held in 3003 of 3003 other functions");
    assert_contains(&check.stderr, "scanned 1 file in ");
    assert_contains(&check.stderr, "s: 1 finding\n");
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 0, "{}", fix.both());
    let fixed = fs::read_to_string(d.path().join("big.go")).unwrap();
    assert!(fixed.starts_with(STORE_FIXED), "big.go not fixed");
    assert_eq!(fixed.len(), src.len() + STORE_FIXED.len() - STORE.len());
}

#[test]
fn a_single_10_mb_line_is_scanned_and_fixed() {
    let d = tmp();
    // The whole file on one line, with a 10 MB string in it.
    let one_line = format!(
        "package store; import \"sync\"; type Store struct {{ mu sync.Mutex; m map[string]int }}; \
         func (s *Store) Put(k string, v int) {{ s.mu.Lock(); defer s.mu.Unlock(); s.m[k] = v }}; \
         func (s *Store) Take(k string) int {{ s.mu.Lock(); defer delete(s.m, k); defer s.mu.Unlock(); return s.m[k] }}; \
         func (s *Store) Get(k string) int {{ s.mu.Lock(); defer s.mu.Unlock(); return s.m[k] }}; \
         func (s *Store) Len() int {{ s.mu.Lock(); defer s.mu.Unlock(); return len(s.m) }}; \
         var Blob = \"{}\"\n",
        "x".repeat(10 << 20)
    );
    write(d.path(), "a/one.go", &one_line);
    // A 10 MB line elsewhere in an ordinary file.
    let long_var = format!("{STORE}\nvar Blob = \"{}\"\n", "y".repeat(10 << 20));
    write(d.path(), "b/store.go", &long_var);
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stdout, "a/one.go:1:");
    assert_contains(&check.stdout, "b/store.go:18:2");
    // The snippet of a finding on a 10 MB line is not the whole line.
    assert!(check.stdout.len() < 1 << 20, "{} bytes", check.stdout.len());
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 0, "{}", fix.both());
    let b = fs::read_to_string(d.path().join("b/store.go")).unwrap();
    assert!(b.starts_with(STORE_FIXED), "b/store.go not fixed");
    let a = fs::read_to_string(d.path().join("a/one.go")).unwrap();
    assert!(a.contains("defer func() {"), "a/one.go not fixed");
    assert!(a.ends_with(&format!("\"{}\"\n", "x".repeat(10 << 20))));
}

#[test]
fn random_bytes_named_go_are_reported_and_left_alone() {
    let d = tmp();
    // Deterministic noise (xorshift), with `defer` in it so that it would pass the
    // prefilter.
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    noise.splice(100..100, b"defer delete(m, k)".iter().copied());
    write(d.path(), "noise.go", &noise);
    write(d.path(), "store.go", STORE);
    let before = fs::read(d.path().join("noise.go")).unwrap();
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(
        &check.stdout,
        "warning: noise.go: no package clause at the start, so not Go source; skipped",
    );
    assert_contains(&check.stdout, "store.go:18:2");
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 0, "{}", fix.both());
    assert_contains(&fix.stderr, "noise.go: no package clause");
    assert_eq!(fs::read(d.path().join("noise.go")).unwrap(), before);
    assert_eq!(
        fs::read_to_string(d.path().join("store.go")).unwrap(),
        STORE_FIXED
    );
}

#[test]
fn empty_file_and_package_clause_only() {
    let d = tmp();
    write(d.path(), "empty.go", "");
    write(d.path(), "pkg.go", "package store\n");
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 0, "{}", check.both());
    assert_contains(
        &check.stdout,
        "warning: empty.go: empty file, not Go source (no package clause); skipped",
    );
    assert!(!check.stdout.contains("pkg.go"), "{}", check.stdout);
    assert_contains(&check.stderr, "scanned 2 files in ");
    assert_contains(&check.stderr, "s: no findings\n");
    let before = snapshot(d.path());
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 0, "{}", fix.both());
    assert_eq!(snapshot(d.path()), before);
    // Alone, a package clause is a valid file: nothing to say.
    let only = defuse(d.path(), &["check", "pkg.go"]);
    assert_eq!(only.code, 0, "{}", only.both());
    assert!(!only.stdout.contains("warning"), "{}", only.stdout);
}

// ------------------------------------------------------------------ nesting

/// Shapes that nest `n` levels: each once made the model recurse past the stack.
fn nested(shape: &str, n: usize) -> String {
    let head = "package p\n\nimport \"sync\"\n\nvar mu sync.Mutex\n\nfunc f(m map[string]int, k string) {\n\tmu.Lock()\n\tdefer delete(m, k)\n\tdefer mu.Unlock()\n";
    let body = match shape {
        "blocks" => format!("{}{}", "{".repeat(n), "}".repeat(n)),
        "parens" => format!("_ = {}1{}", "(".repeat(n), ")".repeat(n)),
        "func literals" => format!("defer {}}}{}()", "func() {".repeat(n), "()}".repeat(n - 1)),
        "if statements" => format!("{}{}", "if k != \"\" {".repeat(n), "}".repeat(n)),
        "for loops" => format!("{}{}", "for {".repeat(n), "}".repeat(n)),
        "else-if chain" => format!(
            "if k == \"\" {{\n}}{}",
            " else if k == \"a\" {\n}".repeat(n)
        ),
        "binary expression" => format!("_ = 1{}", " + 1".repeat(n)),
        "selector chain" => format!("_ = k{}", ".x".repeat(n)),
        "calls" => format!("_ = {}{}", "g(".repeat(n), ")".repeat(n)),
        "labels" => (0..n).map(|i| format!("L{i}:\n")).collect::<String>() + "return",
        "composite literals" => format!("_ = {}{}", "[]any{".repeat(n), "}".repeat(n)),
        "pointer type" => format!("var x {}int\n_ = x", "*".repeat(n)),
        other => panic!("no shape {other}"),
    };
    format!("{head}{body}\n}}\n")
}

const SHAPES: &[&str] = &[
    "blocks",
    "parens",
    "func literals",
    "if statements",
    "for loops",
    "else-if chain",
    "binary expression",
    "selector chain",
    "calls",
    "labels",
    "composite literals",
    "pointer type",
];

/// `analyze` and `fix_package` on one file, on a thread with 2 MiB of stack: the least
/// a Rust thread gets, and what rayon's workers have.
fn engine_on_small_stack(src: String) -> (usize, Option<Withheld>) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let sel = RuleSelection::default();
            let unit = SourceUnit {
                path: "deep.go".into(),
                src: src.into_bytes(),
                per_iteration_loop_vars: true,
            };
            let r = analyze(vec![unit], &sel);
            let opts = PlanOptions {
                review: true,
                ..PlanOptions::default()
            };
            let fixes = fix_package(&r, &sel, &opts);
            assert!(fixes.iter().all(|f| f.old == f.new || f.withheld.is_none()));
            (r[0].findings.len(), r[0].withheld)
        })
        .unwrap()
        .join()
        .expect("the engine panicked")
}

#[test]
fn nesting_10000_levels_deep_is_reported_not_a_stack_overflow() {
    for shape in SHAPES {
        let (findings, withheld) = engine_on_small_stack(nested(shape, 10_000));
        let why = withheld.unwrap_or_else(|| panic!("{shape}: not reported"));
        assert!(
            matches!(
                why,
                Withheld::TooDeep {
                    limit: MAX_NESTING,
                    ..
                }
            ),
            "{shape}: {why:?}"
        );
        assert!(
            why.to_string()
                .starts_with(&format!("nests deeper than {MAX_NESTING} levels at line ")),
            "{shape}: {why}"
        );
        assert_eq!(findings, 0, "{shape}");
    }
}

#[test]
fn nesting_just_below_the_limit_is_analyzed_on_a_small_stack() {
    for shape in SHAPES {
        // Find the largest n whose file still nests at most MAX_NESTING levels.
        let fits = |n: usize| {
            defuse::syntax::parse(nested(shape, n).into_bytes())
                .nesting_exceeds(MAX_NESTING)
                .is_none()
        };
        let (mut lo, mut hi) = (1usize, MAX_NESTING);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if fits(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let (_, withheld) = engine_on_small_stack(nested(shape, lo));
        assert!(withheld.is_none(), "{shape} at {lo}: {withheld:?}");
    }
}

/// Through the command line, whose scan takes a lazy path for packages without findings:
/// every shape, nested with brackets or without (an else-if chain, labels), once
/// overflowed the stack there.
#[test]
fn nesting_too_deep_through_the_cli_is_a_warning_and_the_run_goes_on() {
    let d = tmp();
    for (i, shape) in SHAPES.iter().enumerate() {
        write(d.path(), &format!("deep{i}/deep.go"), nested(shape, 10_000));
    }
    write(d.path(), "store/store.go", STORE);
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    for i in 0..SHAPES.len() {
        assert_contains(
            &check.stdout,
            &format!("warning: deep{i}/deep.go: nests deeper than {MAX_NESTING} levels at line"),
        );
    }
    assert_contains(&check.stdout, "not analyzed, and never rewritten");
    assert_contains(&check.stdout, "store/store.go:18:2");
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 0, "{}", fix.both());
    for (i, shape) in SHAPES.iter().enumerate() {
        assert_eq!(
            fs::read_to_string(d.path().join(format!("deep{i}/deep.go"))).unwrap(),
            nested(shape, 10_000),
            "{shape}"
        );
    }
    assert_eq!(
        fs::read_to_string(d.path().join("store/store.go")).unwrap(),
        STORE_FIXED
    );
}

// ------------------------------------------------------------------ the file system

#[test]
fn a_directory_named_x_go_is_walked_not_read() {
    let d = tmp();
    write(d.path(), "x.go/store.go", STORE);
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stdout, "x.go/store.go:18:2");
    assert!(!check.both().contains("defuse: error"), "{}", check.both());
    assert!(!check.both().contains("warning"), "{}", check.both());
    // Named on the command line, it is a directory to walk as well.
    let named = defuse(d.path(), &["check", "x.go"]);
    assert_eq!(named.code, 1, "{}", named.both());
    assert_contains(&named.stdout, "x.go/store.go:18:2");
}

#[test]
fn symlink_loops_and_dangling_links_are_skipped_in_a_walk_and_errors_when_named() {
    let d = tmp();
    write(d.path(), "store.go", STORE);
    symlink("loop2.go", d.path().join("loop1.go")).unwrap();
    symlink("loop1.go", d.path().join("loop2.go")).unwrap();
    symlink("nowhere.go", d.path().join("dangling.go")).unwrap();
    symlink("..", d.path().join("up")).unwrap();
    // Walking: links are not followed (README.md, discover), so loops cannot happen.
    let check = defuse(d.path(), &["check", "."]);
    assert_eq!(check.code, 1, "{}", check.both());
    assert_contains(&check.stderr, "scanned 1 file in ");
    assert_contains(&check.stderr, "s: 1 finding\n");
    // Named on the command line: an error that names the link, exit 2, and the other
    // paths are still scanned.
    let named = defuse(d.path(), &["check", "loop1.go", "dangling.go", "store.go"]);
    assert_eq!(named.code, 2, "{}", named.both());
    assert_contains(
        &named.stderr,
        "defuse: error: loop1.go: Too many levels of symbolic links",
    );
    assert_contains(
        &named.stderr,
        "defuse: error: dangling.go: no such file or directory",
    );
    assert_contains(&named.stdout, "store.go:18:2");
    assert!(!named.stdout.contains("warning"), "{}", named.stdout);
    // fix --write on the same: the named errors exit 2, the real file is still fixed.
    let fix = defuse(
        d.path(),
        &[
            "fix",
            "--write",
            "--allow-dirty",
            "loop1.go",
            "dangling.go",
            "store.go",
        ],
    );
    assert_eq!(fix.code, 2, "{}", fix.both());
    assert_eq!(
        fs::read_to_string(d.path().join("store.go")).unwrap(),
        STORE_FIXED
    );
}

#[test]
fn a_file_changed_or_deleted_between_scan_and_write_is_left_alone() {
    let d = tmp();
    let file = write(d.path(), "store.go", STORE);
    // Changed: the fix was computed from STORE, the file now holds something else.
    fs::write(&file, "package store // edited\n").unwrap();
    let err = write_atomic(
        &file,
        STORE.as_bytes(),
        STORE_FIXED.as_bytes(),
        Some(d.path()),
    )
    .unwrap_err();
    assert!(matches!(err, WriteError::Changed { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: changed since it was read; left untouched",
            file.display()
        )
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "package store // edited\n"
    );
    // Deleted.
    fs::remove_file(&file).unwrap();
    let err = write_atomic(
        &file,
        STORE.as_bytes(),
        STORE_FIXED.as_bytes(),
        Some(d.path()),
    )
    .unwrap_err();
    assert!(matches!(err, WriteError::Deleted { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{}: deleted since it was read; not written", file.display())
    );
    assert!(!file.exists());
    // Nothing else was left in the folder (no temporary file).
    assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
}

#[test]
fn a_read_only_file_is_an_error_naming_it_and_the_others_are_written() {
    let d = tmp();
    let ro = write(d.path(), "a/store.go", STORE);
    write(d.path(), "b/store.go", STORE);
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
    let fix = defuse(d.path(), &["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(fix.code, 2, "{}", fix.both());
    assert_contains(
        &fix.stderr,
        "defuse: error: a/store.go: file is read-only; not written",
    );
    assert_eq!(fs::read_to_string(&ro).unwrap(), STORE);
    assert_eq!(
        fs::metadata(&ro).unwrap().permissions().mode() & 0o777,
        0o444
    );
    assert_eq!(
        fs::read_to_string(d.path().join("b/store.go")).unwrap(),
        STORE_FIXED
    );
}

#[test]
fn a_symlink_out_of_the_repository_is_never_written() {
    let d = tmp();
    let outside = d.path().join("outside");
    let secret = write(&outside, "lib/secret.go", STORE);
    let r = d.path().join("repo");
    write(&r, "store.go", STORE);
    init_repo(&r);
    symlink(&secret, r.join("link.go")).unwrap();
    symlink(outside.join("lib"), r.join("linkdir")).unwrap();
    git(&r, &["add", "."]);
    git(&r, &["commit", "-q", "-m", "init"]);

    // Named explicitly (a walk never follows links): a file link and a directory link
    // that resolve outside the repository.
    let fix = defuse(&r, &["fix", "--write", "store.go", "link.go"]);
    assert_eq!(fix.code, 2, "{}", fix.both());
    let outside_canonical = fs::canonicalize(&secret).unwrap();
    assert_contains(
        &fix.stderr,
        &format!(
            "defuse: error: link.go: resolves to {}, outside {}; not written",
            outside_canonical.display(),
            fs::canonicalize(&r).unwrap().display()
        ),
    );
    assert_contains(&fix.stderr, "applied 1 fix in 1 file");
    assert_eq!(fs::read_to_string(&secret).unwrap(), STORE);
    assert!(fs::symlink_metadata(r.join("link.go"))
        .unwrap()
        .is_symlink());
    assert_eq!(fs::read_to_string(r.join("store.go")).unwrap(), STORE_FIXED);
    let fix = defuse(&r, &["fix", "--write", "linkdir"]);
    assert_eq!(fix.code, 2, "{}", fix.both());
    assert_contains(&fix.stderr, "defuse: error: linkdir/secret.go: resolves to");
    assert_contains(&fix.stderr, "applied 0 fixes in 0 files");
    assert_eq!(fs::read_to_string(&secret).unwrap(), STORE);

    // Outside any repository, a file link may not leave the directory it sits in.
    let plain = d.path().join("plain");
    write(&plain, "store.go", STORE);
    symlink(&secret, plain.join("link.go")).unwrap();
    let fix = defuse(&plain, &["fix", "--write", "link.go"]);
    assert_eq!(fix.code, 2, "{}", fix.both());
    assert_contains(&fix.stderr, "defuse: error: link.go: resolves to");
    assert_eq!(fs::read_to_string(&secret).unwrap(), STORE);
}

// ------------------------------------------------------------------ configuration and git

#[test]
fn defuse_toml_with_unknown_keys_or_bad_values_names_file_line_and_key() {
    let cases: &[(&str, &str)] = &[
        ("[rules]\nfoo = 1\n", "defuse.toml:2:1: unknown key `foo`"),
        ("[bogus]\n", "defuse.toml:1:2: unknown key `bogus`"),
        (
            "[rules]\nselect = \"x\"\n",
            "defuse.toml:2:10: invalid type: string \"x\", expected a sequence",
        ),
        (
            "[rules.severity]\ndeferred-write-unlocked = \"fatal\"\n",
            "unknown variant `fatal`, expected one of `info`, `warning`, `error`",
        ),
        ("[rules]\nselect = [\"no-such-rule\"]\n", "no-such-rule"),
        ("[go]\ndefault-version = \"banana\"\n", "defuse.toml:2:"),
        ("[rules\n", "defuse.toml:1:"),
    ];
    for (toml, want) in cases {
        let d = tmp();
        write(d.path(), "store.go", STORE);
        write(d.path(), "defuse.toml", toml);
        let before = snapshot(d.path());
        for args in [
            &["check", "."][..],
            &["fix", "--write", "--allow-dirty", "."],
        ] {
            let r = defuse(d.path(), args);
            assert_eq!(r.code, 2, "{toml:?} {args:?}: {}", r.both());
            assert_contains(&r.stderr, "defuse: error: ");
            assert_contains(&r.stderr, want);
            assert!(r.stdout.is_empty(), "{toml:?}: {}", r.stdout);
        }
        assert_eq!(snapshot(d.path()), before, "{toml:?}");
    }
    // Not UTF-8 at all.
    let d = tmp();
    write(d.path(), "store.go", STORE);
    write(d.path(), "defuse.toml", b"\xff\xfe[rules]\n");
    let r = defuse(d.path(), &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.both());
    assert_contains(&r.stderr, "defuse.toml: cannot read configuration");
}

#[test]
fn changed_since_a_bad_revision_is_a_usage_error() {
    let d = tmp();
    write(d.path(), "store.go", STORE);
    // Not a repository.
    let r = defuse(d.path(), &["check", "--changed-since", "main", "."]);
    assert_eq!(r.code, 2, "{}", r.both());
    assert_contains(&r.stderr, "--changed-since: ");
    assert_contains(&r.stderr, "is not in a git repository");
    // A repository, and a revision it does not have.
    init_repo(d.path());
    git(d.path(), &["add", "."]);
    git(d.path(), &["commit", "-q", "-m", "init"]);
    for rev in ["no-such-branch", "HEAD~5", "0123456789abcdef", "--"] {
        let arg = format!("--changed-since={rev}");
        for cmd in ["check", "fix"] {
            let r = defuse(d.path(), &[cmd, &arg, "."]);
            assert_eq!(r.code, 2, "{cmd} {rev}: {}", r.both());
            assert_contains(&r.stderr, &format!("unknown revision `{rev}`"));
        }
    }
    assert_eq!(
        fs::read_to_string(d.path().join("store.go")).unwrap(),
        STORE
    );
}

#[test]
fn branch_outside_a_git_repository_is_an_error_and_writes_nothing() {
    let d = tmp();
    write(d.path(), "store.go", STORE);
    let before = snapshot(d.path());
    let r = defuse(d.path(), &["fix", "--branch", "defuse/fixes", "."]);
    assert_eq!(r.code, 2, "{}", r.both());
    assert_contains(&r.stderr, "defuse: error: --branch: ");
    assert_contains(&r.stderr, "is not in a git repository");
    assert_eq!(snapshot(d.path()), before);
}

// ------------------------------------------------------------------ the Go toolchain

/// defuse itself runs no `go` command (grep for `"go"` in src/ finds only tests and
/// comments; docs/robustness.md says so). A repository that asks for another toolchain,
/// carries a `//go:generate` line and a test whose `init` writes a file must get
/// nothing run: no file appears, nothing is downloaded, and both commands exit as usual.
#[test]
fn a_hostile_repository_gets_nothing_run() {
    let d = tmp();
    let r = d.path().join("repo");
    write(
        &r,
        "go.mod",
        "module example.com/hostile\n\ngo 1.99\n\ntoolchain go1.99.1\n",
    );
    write(
        &r,
        "store.go",
        STORE.replace(
            "import \"sync\"",
            "import \"sync\"\n\n//go:generate sh -c \"touch generated-ran\"",
        ),
    );
    write(
        &r,
        "store_test.go",
        "package store\n\nimport \"os\"\n\nfunc init() {\n\t_ = os.WriteFile(\"init-ran\", nil, 0o644)\n}\n",
    );
    write(
        &r,
        "tools.go",
        "//go:build tools\n\npackage store\n\n//go:generate touch tools-generate-ran\n",
    );
    let marker_names = ["generated-ran", "init-ran", "tools-generate-ran"];
    let fake_bin = d.path().join("bin");
    // A `go` on PATH that would leave a mark if anything ran it.
    let go_mark = d.path().join("go-was-run");
    write(
        &fake_bin,
        "go",
        format!("#!/bin/sh\ntouch {}\n", go_mark.display()),
    );
    fs::set_permissions(fake_bin.join("go"), fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        fake_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        let out = defuse_command(&r)
            .args(args)
            .env("HOME", d.path())
            .env("PATH", &path)
            .env("GOFLAGS", "-toolexec=/bin/false")
            .env_remove("GOTOOLCHAIN")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run(&["check", "."]);
    assert_eq!(code, 1, "{out}");
    assert_contains(&out, "store.go:");
    let (code, out) = run(&["fix", "--diff", "."]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["fix", "--write", "--allow-dirty", "."]);
    assert_eq!(code, 0, "{out}");
    for m in marker_names {
        assert!(!r.join(m).exists(), "{m} appeared: something ran");
    }
    assert!(!go_mark.exists(), "defuse ran `go`");
    assert!(!d.path().join("go").exists() && !d.path().join("sdk").exists());
    // Only the fixed file changed; nothing else appeared in the repository.
    let mut names: Vec<String> = fs::read_dir(&r)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["go.mod", "store.go", "store_test.go", "tools.go"]);
}
