//! `fix --verify` with the real Go toolchain: a fix that breaks a package's type check is
//! dropped, a package that did not type-check before is reported as unchecked and keeps its
//! fixes, a `go vet` finding that has nothing to do with a fix changes nothing, and one
//! broken package does not cost the others their fixes.

use defuse::fix::verify::{find_go, verify, Verdict};
use defuse::fix::FileFix;

use crate::support::{defuse, go};

fn module(files: &[(&str, &str)]) -> tempfile::TempDir {
    module_for("1.22", files)
}

/// A module `example.com/v` asking for Go `version`, with `files` (paths may name
/// subdirectories: `a/a.go` is package `example.com/v/a`).
fn module_for(version: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("go.mod"),
        format!("module example.com/v\n\ngo {version}\n"),
    )
    .unwrap();
    for (n, t) in files {
        let p = tmp.path().join(n);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, t).unwrap();
    }
    tmp
}

fn file_fix(dir: &std::path::Path, name: &str, new: &str) -> FileFix {
    let path = dir.join(name).display().to_string();
    FileFix {
        old: std::fs::read(&path).unwrap(),
        path,
        new: new.as_bytes().to_vec(),
        applied: vec![],
        skipped: vec![],
        withheld: None,
    }
}

const OK: &str = "package v\n\nfunc F() int { return 1 }\n";

#[test]
fn verify_passes_good_fixes_and_drops_breaking_ones() {
    let go = find_go().expect("the Go toolchain is required for --verify tests");
    let tmp = module(&[("a.go", OK)]);
    let mut fixes = vec![file_fix(
        tmp.path(),
        "a.go",
        "package v\n\nfunc F() int { return 2 }\n",
    )];
    let v = verify(&go, &mut fixes).unwrap();
    assert_eq!(v[0].verdict, Verdict::Passed);
    assert!(fixes[0].changed());

    let mut fixes = vec![file_fix(
        tmp.path(),
        "a.go",
        "package v\n\nfunc F() int { return undefinedName }\n",
    )];
    let v = verify(&go, &mut fixes).unwrap();
    match &v[0].verdict {
        Verdict::Broken { output } => assert!(output.contains("undefinedName"), "{output}"),
        other => panic!("expected Broken, got {other:?}"),
    }
    assert!(!fixes[0].changed(), "a breaking fix is dropped");
    // The file on disk was never touched.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a.go")).unwrap(),
        OK
    );
}

#[test]
fn verify_keeps_fixes_it_cannot_check() {
    let go = find_go().expect("the Go toolchain is required for --verify tests");
    // A dependency that is not in the module cache: offline, the package cannot build.
    let src = "package v\n\nimport \"example.org/not/downloaded\"\n\nvar _ = downloaded.X\n";
    let tmp = module(&[("a.go", src)]);
    let mut fixes = vec![file_fix(
        tmp.path(),
        "a.go",
        &src.replace("var _", "var _ ="),
    )];
    let v = verify(&go, &mut fixes).unwrap();
    assert!(
        matches!(v[0].verdict, Verdict::Unchecked { .. }),
        "{:?}",
        v[0].verdict
    );
    assert!(
        fixes[0].changed(),
        "fixes in a package that cannot be checked are kept"
    );
}

#[test]
fn verify_runs_offline_with_the_local_toolchain() {
    let go = find_go().expect("the Go toolchain is required for --verify tests");
    // A go.mod asking for a toolchain that does not exist must not trigger a download.
    let tmp = module(&[("a.go", OK)]);
    std::fs::write(
        tmp.path().join("go.mod"),
        "module example.com/v\n\ngo 1.99\n\ntoolchain go1.99.1\n",
    )
    .unwrap();
    let mut fixes = vec![file_fix(tmp.path(), "a.go", OK.replace('1', "2").as_str())];
    let v = verify(&go, &mut fixes).unwrap();
    match &v[0].verdict {
        Verdict::Unchecked { output } => {
            assert!(output.contains("requires go >= 1.99"), "{output}")
        }
        other => panic!(
            "a go.mod requiring go 1.99 cannot be checked with the local toolchain: {other:?}"
        ),
    }
}

/// The verdict for the package in `dir` (a path below the module).
fn verdict_of<'a>(
    v: &'a [defuse::fix::verify::PackageVerdict],
    tmp: &std::path::Path,
    dir: &str,
) -> &'a Verdict {
    let want = std::fs::canonicalize(tmp.join(dir)).unwrap();
    &v.iter()
        .find(|p| p.dir == want)
        .unwrap_or_else(|| panic!("no verdict for {dir}: {v:?}"))
        .verdict
}

const LOOP: &str = "package v\n\nfunc use(int) {}\n\nfunc Loop(xs []int) {\n\tfor _, v := range xs {\n\t\tgo func() { use(v) }()\n\t}\n}\n";

#[test]
fn a_vet_finding_unrelated_to_type_checking_does_not_make_a_package_unchecked() {
    // go 1.21: the loop variable is shared, and `go vet` (loopclosure) reports the very
    // line that deferred-loopvar-capture fixes. That report is no breakage.
    let tmp = module_for("1.21", &[("a.go", LOOP)]);
    let vet = go(tmp.path(), &["vet", "."]);
    assert!(
        !vet.status.success()
            && String::from_utf8_lossy(&vet.stderr).contains("loop variable v captured"),
        "the fixture must have a pre-existing vet finding: {}",
        String::from_utf8_lossy(&vet.stderr)
    );
    let out = defuse(
        tmp.path(),
        &[
            "fix",
            "--verify",
            "--select",
            "deferred-loopvar-capture",
            "--color",
            "never",
            ".",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("verified: ") && stderr.contains("(type-checks with the fixes)"),
        "{stderr}"
    );
    assert!(!stderr.contains("could not verify"), "{stderr}");
    assert!(
        stdout.contains("+\t\tv := v"),
        "the fix is kept:\n{stdout}\n{stderr}"
    );
}

#[test]
fn one_batched_check_gives_each_package_its_own_verdict() {
    let go = find_go().expect("the Go toolchain is required for --verify tests");
    let broken_before = "package c\n\nfunc C() int { return missing }\n";
    let tmp = module_for(
        "1.22",
        &[
            ("good/g.go", "package good\n\nfunc G() int { return 1 }\n"),
            ("bad/b.go", "package bad\n\nfunc B() int { return 1 }\n"),
            (
                "bad/b_test.go",
                "package bad\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) { _ = B() }\n",
            ),
            ("old/c.go", broken_before),
        ],
    );
    let mut fixes = vec![
        file_fix(
            tmp.path(),
            "good/g.go",
            "package good\n\nfunc G() int { return 2 }\n",
        ),
        // A fix in a test file that breaks it: tests are type-checked too.
        file_fix(
            tmp.path(),
            "bad/b_test.go",
            "package bad\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) { _ = B(1) }\n",
        ),
        file_fix(
            tmp.path(),
            "old/c.go",
            &broken_before.replace("C()", "C( )"),
        ),
    ];
    let v = verify(&go, &mut fixes).unwrap();
    assert_eq!(*verdict_of(&v, tmp.path(), "good"), Verdict::Passed);
    match verdict_of(&v, tmp.path(), "bad") {
        Verdict::Broken { output } => {
            assert!(
                output.contains("b_test.go") && output.contains("too many arguments"),
                "{output}"
            )
        }
        other => panic!("expected Broken, got {other:?}"),
    }
    match verdict_of(&v, tmp.path(), "old") {
        Verdict::Unchecked { output } => assert!(output.contains("undefined: missing"), "{output}"),
        other => panic!("expected Unchecked, got {other:?}"),
    }
    assert!(fixes[0].changed(), "the good package keeps its fix");
    assert!(!fixes[1].changed(), "the breaking fix is dropped");
    assert!(fixes[2].changed(), "an unchecked package keeps its fixes");
}

#[test]
fn a_package_failing_only_through_a_dropped_import_is_checked_again() {
    let go = find_go().expect("the Go toolchain is required for --verify tests");
    let tmp = module_for(
        "1.22",
        &[
            ("a/a.go", "package a\n\nfunc A() int { return 1 }\n"),
            (
                "b/b.go",
                "package b\n\nimport \"example.com/v/a\"\n\nfunc B() int { return a.A() }\n",
            ),
        ],
    );
    let mut fixes = vec![
        file_fix(
            tmp.path(),
            "a/a.go",
            "package a\n\nfunc A() int { return nope }\n",
        ),
        file_fix(
            tmp.path(),
            "b/b.go",
            "package b\n\nimport \"example.com/v/a\"\n\nfunc B() int { return a.A() + 1 }\n",
        ),
    ];
    let v = verify(&go, &mut fixes).unwrap();
    assert!(
        matches!(verdict_of(&v, tmp.path(), "a"), Verdict::Broken { .. }),
        "{v:?}"
    );
    assert_eq!(*verdict_of(&v, tmp.path(), "b"), Verdict::Passed, "{v:?}");
    assert!(!fixes[0].changed());
    assert!(fixes[1].changed(), "b's own fix did not break anything");
}

#[test]
fn a_call_that_fails_as_a_whole_still_gives_every_package_a_verdict() {
    let go = find_go().expect("the Go toolchain is required for --verify tests");
    // The whole `go list` call fails (the local toolchain refuses the go.mod), so nothing
    // can be attributed from it: each package is checked on its own, and is unchecked.
    let tmp = module_for(
        "1.99",
        &[
            ("a.go", OK),
            ("sub/s.go", "package sub\n\nfunc S() int { return 1 }\n"),
        ],
    );
    let mut fixes = vec![
        file_fix(tmp.path(), "a.go", &OK.replace('1', "2")),
        file_fix(
            tmp.path(),
            "sub/s.go",
            "package sub\n\nfunc S() int { return 2 }\n",
        ),
    ];
    let v = verify(&go, &mut fixes).unwrap();
    assert_eq!(v.len(), 2);
    for p in &v {
        match &p.verdict {
            Verdict::Unchecked { output } => {
                assert!(output.contains("requires go >= 1.99"), "{output}")
            }
            other => panic!("{}: expected Unchecked, got {other:?}", p.dir.display()),
        }
    }
    assert!(fixes.iter().all(|f| f.changed()));
}
