use super::*;
use crate::finding::*;

fn finding(rule: &str, line: usize, title: Option<&str>) -> Finding {
    Finding {
        rule: rule.into(),
        severity: Severity::Error,
        confidence: Confidence::High,
        path: "pkg/cache.go".into(),
        span: Span {
            start_byte: 0,
            end_byte: 1,
            start: Position { line, column: 2 },
            end: Position { line, column: 3 },
        },
        message: "deferred `delete(c.m, k)` runs after `c.mu` is released".into(),
        notes: vec![],
        fix: title.map(|t| Fix {
            form: "test-form",
            title: t.into(),
            applicability: Applicability::Safe,
            edits: vec![],
        }),
        no_fix_reason: None,
        suppressed: None,
    }
}

fn file(path: &str, applied: Vec<Finding>, skipped: Vec<(Finding, String)>) -> FileFix {
    FileFix {
        path: path.into(),
        old: b"old".to_vec(),
        new: if applied.is_empty() {
            b"old".to_vec()
        } else {
            b"new".to_vec()
        },
        applied,
        skipped,
        withheld: None,
    }
}

const COMMAND: &str = "defuse fix --write --pr-body body.md ./...";

#[test]
fn body_has_summary_per_file_lists_and_how_to_regenerate() {
    let mut suppressed = finding("deferred-write-unlocked", 30, None);
    suppressed.suppressed = Some(Suppression {
        line: 29,
        reason: "owned".into(),
    });
    let fixes = vec![
        file(
            "pkg/cache.go",
            vec![
                finding(
                    "deferred-write-unlocked",
                    12,
                    Some("take `c.mu` inside the deferred call"),
                ),
                finding(
                    "map-write-under-rlock",
                    7,
                    Some("take the write lock `Lock` instead of `RLock`"),
                ),
            ],
            vec![
                (
                    finding("deferred-write-unlocked", 40, None),
                    "no fix: the lock is held on some paths only".into(),
                ),
                (suppressed, "suppressed".into()),
            ],
        ),
        file(
            "pkg/store.go",
            vec![finding(
                "deferred-write-unlocked",
                3,
                Some("take `s.mu` inside the deferred call"),
            )],
            vec![],
        ),
        FileFix {
            withheld: Some(crate::finding::Withheld::SyntaxError {
                at: crate::finding::Position { line: 3, column: 1 },
            }),
            ..file("pkg/broken.go", vec![], vec![])
        },
        file("pkg/clean.go", vec![], vec![]),
    ];
    let body = render(&fixes, COMMAND);
    // The version changes with every release; the test pins it below.
    insta::assert_snapshot!(body.replace(env!("CARGO_PKG_VERSION"), "[version]"));
    assert!(body.starts_with("## defuse: 3 fixes in 2 files\n"));
    let link = format!(
        "[`deferred-write-unlocked`]({})",
        catalog::rule("deferred-write-unlocked").unwrap().docs_url()
    );
    assert!(body.contains(&format!("| {link}: ")), "{body}");
    assert!(body.contains(" | 2 | 2 | 1 |\n"), "{body}");
    assert!(
        body.contains("| **Total** | **3** | **2** | **1** |"),
        "{body}"
    );
    assert!(
        !body.contains("owned"),
        "suppressed findings are not listed"
    );
    assert!(!body.contains("clean.go"), "untouched files are not listed");
    assert!(body.contains("Not rewritten: the file has syntax errors at line 3:1"));
    assert!(body.contains(&format!("```sh\n{COMMAND}\n```")));
    assert!(body.contains(env!("CARGO_PKG_VERSION")));
    // Lines sorted within a file.
    let l7 = body.find("line 7,").unwrap();
    let l12 = body.find("line 12,").unwrap();
    assert!(l7 < l12);
}

#[test]
fn long_bodies_are_cut_under_the_limit_with_a_count_of_what_was_left_out() {
    let title = "take `s.mu` inside the deferred call, so that the write runs under the lock \
                 that guards the map everywhere else in the package";
    let mut fixes = Vec::new();
    let mut total = 0;
    for f in 0..200 {
        let applied: Vec<Finding> = (0..40)
            .map(|i| finding("deferred-write-unlocked", i + 1, Some(title)))
            .collect();
        let skipped = vec![(
            finding("map-write-under-rlock", 99, None),
            "no fix: the lock is released in a branch".to_string(),
        )];
        total += applied.len() + skipped.len();
        fixes.push(file(&format!("pkg{f:03}/file.go"), applied, skipped));
    }
    let body = render(&fixes, COMMAND);
    assert!(body.len() <= MAX_BODY, "{} bytes", body.len());
    assert!(body.chars().count() <= MAX_BODY);
    // The summary and the regenerate section survive whole.
    assert!(body.contains("| **Total** | **8000** | **200** | **200** |"));
    assert!(body.ends_with(&format!("```sh\n{COMMAND}\n```\n")));
    // Listed plus left out is everything.
    let listed = body.lines().filter(|l| l.starts_with("- line ")).count();
    let note = body
        .lines()
        .find(|l| l.starts_with("> ") && l.contains("more entries were left out"))
        .expect("a note about what was left out");
    let left: usize = note[2..].split(' ').next().unwrap().parse().unwrap();
    assert_eq!(listed + left, total, "{note}");
    assert!(listed > 100, "the budget is used: {listed}");
    assert!(note.contains("files are not listed at all"), "{note}");
    // It is close to the limit, not far under it.
    assert!(body.len() > MAX_BODY - 2_000, "{} bytes", body.len());
}

#[test]
fn short_bodies_are_not_cut() {
    let fixes = vec![file(
        "a.go",
        vec![finding("deferred-write-unlocked", 1, Some("fix it"))],
        vec![],
    )];
    let body = render(&fixes, COMMAND);
    assert!(!body.contains("[!NOTE]"));
}

#[test]
fn nothing_fixed_still_makes_a_body() {
    let body = render(&[], COMMAND);
    assert!(body.starts_with("## defuse: 0 fixes in 0 files\n"));
    assert!(body.contains("Nothing to report."));
}

#[test]
fn inline_code_survives_backticks() {
    assert_eq!(code("a.go"), "`a.go`");
    assert_eq!(code("we`ird.go"), "``we`ird.go``");
    assert_eq!(code("`x"), "`` `x ``");
}

#[test]
fn commands_are_quoted_for_the_shell() {
    let args = [
        "/usr/local/bin/defuse",
        "fix",
        "--write",
        "--exclude",
        "my dir/**",
        "it's",
        "./...",
    ];
    assert_eq!(
        shell_command(args.iter().map(|s| s.to_string())),
        r"defuse fix --write --exclude 'my dir/**' 'it'\''s' ./..."
    );
}

#[test]
fn regenerate_command_leaves_out_where_the_body_went() {
    let args = [
        "/usr/bin/defuse",
        "fix",
        "--write",
        "--pr-body",
        "/tmp/_temp/defuse-pr.md",
        "--pr-body=/x.md",
        "./...",
    ];
    assert_eq!(
        shell_command(args.iter().map(|s| s.to_string())),
        "defuse fix --write ./..."
    );
}
