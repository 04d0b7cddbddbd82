use super::*;
use crate::finding::*;
use crate::report::FileProblem;
use serde_json::Value;
use std::sync::Arc;

const ROOT: &str = "/work/repo";

fn finding_at(path: &str, src: &str, needle: &str, len: usize) -> Finding {
    let start = src.find(needle).expect("needle in source");
    let end = start + len;
    let lines = crate::syntax::LineIndex::new(src.as_bytes());
    let pos = |b: usize| lines.position(b);
    Finding {
        rule: "deferred-write-unlocked".into(),
        severity: Severity::Error,
        confidence: Confidence::High,
        path: path.into(),
        span: Span {
            start_byte: start,
            end_byte: end,
            start: pos(start),
            end: pos(end),
        },
        message: "deferred `delete(m, k)` runs after `mu` is released".into(),
        notes: vec!["`mu.Unlock()` was deferred later, so it runs first".into()],
        fix: None,
        no_fix_reason: None,
        suppressed: None,
    }
}

fn render_with(findings: &[Finding], sources: &[(&str, &str)], problems: &[FileProblem]) -> Value {
    let map: HashMap<String, Arc<Vec<u8>>> = sources
        .iter()
        .map(|(p, s)| (p.to_string(), Arc::new(s.as_bytes().to_vec())))
        .collect();
    let lookup = |p: &str| map.get(p).cloned();
    let run = Run {
        findings,
        problems,
        files_scanned: sources.len(),
        sources: &lookup,
    };
    let out = render(
        &run,
        &Options {
            root: Path::new(ROOT),
            execution_successful: true,
            automation_id: Some("defuse/unit/"),
        },
    );
    serde_json::from_str(&out).expect("SARIF is JSON")
}

fn result(v: &Value, i: usize) -> &Value {
    &v["runs"][0]["results"][i]
}

const SRC: &str =
    "package p\n\nfunc f() {\n\tmu.Lock()\n\tdefer delete(m, k)\n\tdefer mu.Unlock()\n}\n";

#[test]
fn log_has_what_github_requires() {
    let f = finding_at("a.go", SRC, "defer delete", 18);
    let v = render_with(&[f], &[("a.go", SRC)], &[]);
    assert_eq!(v["$schema"], SCHEMA_URI);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "defuse");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], INFORMATION_URI);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(run["automationDetails"]["id"], "defuse/unit/");
    assert_eq!(
        run["originalUriBaseIds"][SRCROOT]["uri"],
        "file:///work/repo/"
    );
    assert_eq!(run["columnKind"], "utf16CodeUnits");

    let r = result(&v, 0);
    assert_eq!(r["ruleId"], "deferred-write-unlocked");
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(driver["rules"][idx]["id"], "deferred-write-unlocked");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["message"]["text"],
        "Deferred `delete(m, k)` runs after `mu` is released. \
         `mu.Unlock()` was deferred later, so it runs first."
    );
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "a.go");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], SRCROOT);
    assert_eq!(loc["region"]["startLine"], 5);
    assert_eq!(loc["region"]["startColumn"], 2);
    assert_eq!(loc["region"]["endLine"], 5);
    assert_eq!(loc["region"]["endColumn"], 20);
    assert!(r.get("suppressions").is_none());
    assert!(r.get("fixes").is_none());
}

#[test]
fn every_catalog_rule_and_both_meta_rules_are_described() {
    let v = render_with(&[], &[], &[]);
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in catalog::rules() {
        assert!(ids.contains(&r.id.as_str()), "{} missing", r.id);
    }
    assert!(ids.contains(&"unused-suppression"));
    assert!(ids.contains(&"invalid-suppression"));
    assert_eq!(ids.len(), catalog::rules().len() + 2);

    for r in rules {
        let id = r["id"].as_str().unwrap();
        for field in ["shortDescription", "fullDescription"] {
            assert!(
                !r[field]["text"].as_str().unwrap().is_empty(),
                "{id} {field}"
            );
        }
        assert!(r["help"]["text"].as_str().unwrap().len() > 50, "{id}");
        assert!(
            r["help"]["markdown"].as_str().unwrap().contains("**"),
            "{id}"
        );
        assert!(
            r["helpUri"].as_str().unwrap().starts_with("https://"),
            "{id}"
        );
        assert_eq!(r["properties"]["tags"], json!(["concurrency", "go"]));
        let precision = r["properties"]["precision"].as_str().unwrap();
        assert!(["high", "medium"].contains(&precision), "{id}: {precision}");
        let lvl = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&lvl), "{id}: {lvl}");
        if let Some(c) = catalog::rule(id) {
            assert_eq!(r["shortDescription"]["text"], c.title.as_str());
            assert_eq!(r["fullDescription"]["text"], c.summary.as_str());
            assert_eq!(r["helpUri"], c.docs_url());
            assert_eq!(lvl, level(c.severity));
            assert_eq!(precision, c.confidence.as_str());
        }
    }
    let dwu = rules
        .iter()
        .find(|r| r["id"] == "deferred-write-unlocked")
        .unwrap();
    assert_eq!(dwu["name"], "DeferredWriteUnlocked");
    assert_eq!(dwu["properties"]["precision"], "medium");
    assert!(!dwu["help"]["text"].as_str().unwrap().contains("**"));
}

#[test]
fn levels_follow_severity() {
    assert_eq!(level(Severity::Error), "error");
    assert_eq!(level(Severity::Warning), "warning");
    assert_eq!(level(Severity::Info), "note");
    let mut f = finding_at("a.go", SRC, "defer delete", 18);
    f.severity = Severity::Info;
    let v = render_with(&[f], &[("a.go", SRC)], &[]);
    assert_eq!(result(&v, 0)["level"], "note");
}

#[test]
fn columns_count_utf16_code_units_after_non_ascii_text() {
    // `é` is 2 bytes and 1 UTF-16 unit; `😀` is 4 bytes and 2 units (a surrogate pair).
    let src = "package p\n\nfunc f() {\n\ts := \"héllo😀\"; defer delete(m, s)\n}\n";
    let f = finding_at("a.go", src, "defer delete", 18);
    assert_eq!(f.span.start.column, 21, "20 bytes precede `defer`");
    let v = render_with(&[f], &[("a.go", src)], &[]);
    let region = &result(&v, 0)["locations"][0]["physicalLocation"]["region"];
    // \t s space : = space " h é l l o 😀 " ; space → 17 units before `defer`.
    assert_eq!(region["startColumn"], 18);
    assert_eq!(region["endColumn"], 18 + 18);
    assert_eq!(region["startLine"], 4);
    // The byte offsets stay bytes.
    assert_eq!(region["byteOffset"], src.find("defer delete").unwrap());
    assert_eq!(region["byteLength"], 18);
}

#[test]
fn columns_fall_back_to_bytes_without_the_source() {
    let f = finding_at("a.go", SRC, "defer delete", 18);
    let v = render_with(&[f], &[], &[]);
    let region = &result(&v, 0)["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 2);
}

#[test]
fn multi_line_regions_end_on_their_own_line() {
    let src = "package p\n\nfunc f() {\n\tdefer func() {\n\t\tdelete(m, \"ü\")\n\t}()\n}\n";
    let start = src.find("defer func").unwrap();
    let end = src.find("}()").unwrap() + 3;
    let mut f = finding_at("a.go", src, "defer func", end - start);
    assert_eq!(f.span.end.line, 6);
    f.span.end_byte = end;
    let v = render_with(&[f], &[("a.go", src)], &[]);
    let region = &result(&v, 0)["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 4);
    assert_eq!(region["endLine"], 6);
    assert_eq!(region["endColumn"], 5);
}

fn fingerprint(v: &Value, i: usize) -> String {
    result(v, i)["partialFingerprints"]["primaryLocationLineHash"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn fingerprints_survive_lines_added_above_and_reindenting() {
    let f = finding_at("a.go", SRC, "defer delete", 18);
    let before = fingerprint(&render_with(&[f], &[("a.go", SRC)], &[]), 0);
    assert!(before.ends_with(":1"), "{before}");

    let moved = format!(
        "package p\n\n// A new comment.\nvar x = 1\n\n{}",
        &SRC[11..]
    );
    let f = finding_at("a.go", &moved, "defer delete", 18);
    assert_eq!(f.span.start.line, 8);
    let after = fingerprint(&render_with(&[f], &[("a.go", &moved)], &[]), 0);
    assert_eq!(before, after);

    let reindented = SRC.replace("\tdefer delete", "        defer   delete");
    let f = finding_at("a.go", &reindented, "defer   delete", 20);
    let again = fingerprint(&render_with(&[f], &[("a.go", &reindented)], &[]), 0);
    assert_eq!(before, again);
}

#[test]
fn fingerprints_differ_by_rule_and_count_repeated_lines() {
    let src =
        "package p\n\nfunc f() {\n\tdefer delete(m, k)\n}\n\nfunc g() {\n\tdefer delete(m, k)\n}\n";
    let first = finding_at("a.go", src, "defer delete", 18);
    let second_start = src.rfind("defer delete").unwrap();
    let mut second = first.clone();
    second.span.start_byte = second_start;
    second.span.end_byte = second_start + 18;
    second.span.start.line = 8;
    second.span.end.line = 8;
    let mut other_rule = first.clone();
    other_rule.rule = "map-write-under-rlock".into();
    let v = render_with(&[first, second, other_rule], &[("a.go", src)], &[]);
    let (a, b, c) = (fingerprint(&v, 0), fingerprint(&v, 1), fingerprint(&v, 2));
    let hash = |s: &str| s.split(':').next().unwrap().to_string();
    assert_eq!(hash(&a), hash(&b));
    assert!(a.ends_with(":1") && b.ends_with(":2"), "{a} {b}");
    assert_ne!(hash(&a), hash(&c));
    assert!(c.ends_with(":1"));
    // 16 hex digits, as GitHub's own hashes.
    assert_eq!(hash(&a).len(), 16);
}

#[test]
fn fnv_is_the_published_function() {
    // Test vectors of FNV-1a 64.
    assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
    assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
}

#[test]
fn uris_are_relative_percent_encoded_references() {
    let root = Path::new(ROOT);
    let uri = |p: &str| {
        let l = artifact_location(p, root);
        (l.uri.unwrap(), l.uri_base_id)
    };
    let base = Some(SRCROOT.to_string());
    assert_eq!(uri("a.go"), ("a.go".into(), base.clone()));
    assert_eq!(uri("./pkg/a.go"), ("pkg/a.go".into(), base.clone()));
    assert_eq!(uri("pkg/../a.go"), ("a.go".into(), base.clone()));
    assert_eq!(
        uri("dir with space/a,b:c%d#e?.go"),
        (
            "dir%20with%20space/a%2Cb%3Ac%25d%23e%3F.go".into(),
            base.clone()
        )
    );
    assert_eq!(
        uri("café/ü.go"),
        ("caf%C3%A9/%C3%BC.go".into(), base.clone())
    );
    assert_eq!(
        uri("/work/repo/pkg/a.go"),
        ("pkg/a.go".into(), base.clone())
    );
    assert_eq!(
        uri("/elsewhere/a b.go"),
        ("file:///elsewhere/a%20b.go".into(), None)
    );
    assert_eq!(
        uri("../other/a.go"),
        ("file:///work/repo/../other/a.go".into(), None)
    );
    assert_eq!(file_uri(Path::new("/"), true), "file:///");
}

#[test]
fn suppressed_findings_carry_an_in_source_suppression() {
    let mut f = finding_at("a.go", SRC, "defer delete", 18);
    f.suppressed = Some(Suppression {
        line: 4,
        reason: "the map is owned by this goroutine".into(),
    });
    let v = render_with(&[f], &[("a.go", SRC)], &[]);
    let s = &result(&v, 0)["suppressions"][0];
    assert_eq!(s["kind"], "inSource");
    assert_eq!(s["justification"], "the map is owned by this goroutine");
    assert_eq!(s["location"]["physicalLocation"]["region"]["startLine"], 4);
}

#[test]
fn fixes_are_byte_replacements() {
    let mut f = finding_at("a.go", SRC, "defer delete", 18);
    let start = f.span.start_byte;
    f.fix = Some(Fix {
        form: "test-form",
        title: "take `mu` inside the deferred call".into(),
        applicability: Applicability::Review,
        edits: vec![
            Edit {
                start: start + 18,
                end: start + 18,
                replacement: "\n".into(),
            },
            Edit {
                start,
                end: start + 18,
                replacement: "defer func() { mu.Lock(); defer mu.Unlock(); delete(m, k) }()".into(),
            },
        ],
    });
    let v = render_with(&[f], &[("a.go", SRC)], &[]);
    let fix = &result(&v, 0)["fixes"][0];
    assert!(fix["description"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Take `mu` inside the deferred call. (review"));
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "a.go");
    let reps = change["replacements"].as_array().unwrap();
    assert_eq!(reps.len(), 2);
    assert_eq!(reps[0]["deletedRegion"]["byteOffset"], start);
    assert_eq!(reps[0]["deletedRegion"]["byteLength"], 18);
    assert!(reps[0]["insertedContent"]["text"]
        .as_str()
        .unwrap()
        .starts_with("defer func()"));
    assert_eq!(reps[1]["deletedRegion"]["byteLength"], 0);
}

#[test]
fn problems_become_tool_notifications() {
    let problems = [FileProblem {
        path: "broken.go".into(),
        message: "syntax error at 3:1".into(),
    }];
    let v = render_with(&[], &[], &problems);
    let n = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(n["message"]["text"], "syntax error at 3:1");
    assert_eq!(n["level"], "warning");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken.go"
    );
}

#[test]
fn camel_case_names() {
    assert_eq!(
        camel_case("deferred-write-unlocked"),
        "DeferredWriteUnlocked"
    );
    assert_eq!(camel_case("unused-suppression"), "UnusedSuppression");
}

#[test]
fn sentences_are_capitalized_and_closed() {
    assert_eq!(sentence("a thing"), "A thing.");
    assert_eq!(sentence("`m` is shared."), "`m` is shared.");
    assert_eq!(sentence(""), "");
}

/// The whole log, with every optional part in use, against the OASIS schema.
#[test]
fn output_with_every_feature_validates_against_the_sarif_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../../../tests/schemas/sarif-2.1.0.json"))
            .expect("schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let src = "package p\n\nfunc f() {\n\ts := \"é\"; defer delete(m, s)\n}\n";
    let mut a = finding_at("dir, with: odd %chars/a.go", src, "defer delete", 18);
    a.fix = Some(Fix {
        form: "test-form",
        title: "lock".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            start: 1,
            end: 2,
            replacement: "x".into(),
        }],
    });
    let mut b = finding_at("/elsewhere/b.go", src, "defer delete", 18);
    b.suppressed = Some(Suppression {
        line: 3,
        reason: "owned".into(),
    });
    b.severity = Severity::Info;
    let problems = [FileProblem {
        path: "c.go".into(),
        message: "unreadable".into(),
    }];
    let v = render_with(
        &[a, b],
        &[
            ("dir, with: odd %chars/a.go", src),
            ("/elsewhere/b.go", src),
        ],
        &problems,
    );
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // The validator is not vacuous: it catches what GitHub rejects.
    let region = "/runs/0/results/0/locations/0/physicalLocation/region/startLine";
    let mut bad = v.clone();
    *bad.pointer_mut(region).unwrap() = json!(0);
    assert!(!validator.is_valid(&bad), "startLine 0");
    let mut bad = v.clone();
    bad["version"] = json!("2.0.0");
    assert!(!validator.is_valid(&bad), "version");
    let mut bad = v.clone();
    bad["runs"][0]["results"][0]["partialFingerprint"] = json!({});
    assert!(!validator.is_valid(&bad), "misspelled property");
    let uri = "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri";
    let mut bad = v.clone();
    *bad.pointer_mut(uri).unwrap() = json!("dir with space/a.go");
    assert!(!validator.is_valid(&bad), "unencoded uri");
}

#[test]
fn plain_help_keeps_index_expressions_and_unwraps_links() {
    let md = "**Fix.** `s.m[k] = v` then\n```go\ndelete(m, k)\n```\nsee [the docs](https://x.test/a) and [b].";
    assert_eq!(
        plain(md),
        "Fix. s.m[k] = v then\ndelete(m, k)\nsee the docs (https://x.test/a) and [b].\n"
    );
}
