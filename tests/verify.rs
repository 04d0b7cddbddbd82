//! `fix --verify` with the real Go toolchain: a fix that breaks a package is dropped, a
//! package that did not build before is reported as unchecked and keeps its fixes.

mod common;

use defuse::fix::verify::{find_go, verify, Verdict};
use defuse::fix::FileFix;

fn module(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("go.mod"),
        "module example.com/v\n\ngo 1.22\n",
    )
    .unwrap();
    for (n, t) in files {
        std::fs::write(tmp.path().join(n), t).unwrap();
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
