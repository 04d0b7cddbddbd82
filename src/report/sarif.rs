//! SARIF 2.1.0 for GitHub code scanning (`upload-sarif`) and other SARIF readers.
//!
//! What GitHub needs, and where it is made here:
//! - `$schema` and `version: "2.1.0"`, or the upload is rejected;
//! - `tool.driver.rules[]` with every rule, not only those that fired, each with a
//!   short and full description, help text and markdown, a docs link, a default level
//!   and a precision;
//! - results whose `artifactLocation.uri` is relative to `%SRCROOT%` (the directory the
//!   tool ran in, usually the repository root) and percent-encoded as a URI reference;
//! - columns in UTF-16 code units, SARIF's default `columnKind`: our columns count bytes,
//!   so they are converted with the file's text;
//! - `partialFingerprints.primaryLocationLineHash`, computed here so that uploads
//!   through the API, which do not compute one, still track alerts across commits;
//! - suppressed findings as results with an `inSource` suppression, so that GitHub
//!   shows them as dismissed instead of losing them.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::path::{Component, Path};

use serde_json::json;
use serde_sarif::sarif as s;

use super::{sentence, Run};
use crate::catalog;
use crate::finding::{Confidence, Finding, Severity};
use crate::syntax::lines::{line_end, line_start, utf16_column};

/// The schema URL GitHub's documentation uses.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The project's home page.
pub const INFORMATION_URI: &str = "https://github.com/defuse-go/defuse";
/// The base every relative `uri` is resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

pub struct Options<'a> {
    /// The directory relative paths are relative to; `%SRCROOT%` points at it.
    pub root: &'a Path,
    /// False when the run hit errors (unreadable files, I/O) that may have hidden findings.
    pub execution_successful: bool,
    /// `runAutomationDetails.id`, e.g. `defuse/shard-1/`; GitHub needs distinct ids (or
    /// `category` inputs) when one commit gets several SARIF files from the same tool.
    pub automation_id: Option<&'a str>,
}

/// A rule as SARIF describes it: the catalog's rules and the suppression meta rules.
struct RuleDoc {
    id: String,
    title: String,
    summary: String,
    rationale: String,
    fixes: Vec<(String, String, String)>,
    severity: Severity,
    confidence: Confidence,
    help_uri: String,
}

/// Every catalog entry, the meta rules about suppression directives included.
fn rule_docs() -> Vec<RuleDoc> {
    catalog::everything()
        .iter()
        .map(|r| RuleDoc {
            id: r.id.clone(),
            title: r.title.clone(),
            summary: r.summary.clone(),
            rationale: r.rationale.clone(),
            fixes: r
                .fixes
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        f.applicability_text(),
                        f.description.trim().to_string(),
                    )
                })
                .collect(),
            severity: r.severity,
            confidence: r.confidence,
            help_uri: r.docs_url(),
        })
        .collect()
}

/// `deferred-write-unlocked` → `DeferredWriteUnlocked`.
fn camel_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            let first = c.next().map(|f| f.to_ascii_uppercase());
            first.into_iter().chain(c).collect::<String>()
        })
        .collect()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result_level(s: Severity) -> s::ResultLevel {
    match s {
        Severity::Error => s::ResultLevel::Error,
        Severity::Warning => s::ResultLevel::Warning,
        Severity::Info => s::ResultLevel::Note,
    }
}

fn help_markdown(r: &RuleDoc) -> String {
    let mut md = format!(
        "**{}**\n\n{}\n\n{}\n",
        r.title,
        r.summary,
        r.rationale.trim()
    );
    if !r.fixes.is_empty() {
        md.push_str("\n**Fixes**\n\n");
        for (name, applicability, description) in &r.fixes {
            let _ = writeln!(md, "- `{name}` ({applicability}): {description}");
        }
    }
    let _ = write!(md, "\n[Rule documentation]({})\n", r.help_uri);
    md
}

/// The markdown without its markup, for readers that cannot render it: no code fences,
/// no `**` or backticks, and links as `text (url)`. Brackets that are not links
/// (`m[k]`) stay.
fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            continue;
        }
        out.push_str(&unlink(&line.replace("**", "").replace('`', "")));
        out.push('\n');
    }
    out
}

/// `[text](url)` → `text (url)`, on one line.
fn unlink(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|mid| {
            let url = &after[mid + 2..];
            url.find(')')
                .map(|close| (&after[..mid], &url[..close], mid + 2 + close + 1))
        });
        match link {
            Some((text, url, len)) if !text.contains('[') => {
                out.push_str(&rest[..open]);
                out.push_str(text);
                out.push_str(" (");
                out.push_str(url);
                out.push(')');
                rest = &after[len..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn descriptor(r: &RuleDoc) -> s::ReportingDescriptor {
    let md = help_markdown(r);
    let mut props = BTreeMap::new();
    props.insert("precision".to_string(), json!(r.confidence.as_str()));
    s::ReportingDescriptor::builder()
        .id(r.id.clone())
        .name(camel_case(&r.id))
        .short_description(
            s::MultiformatMessageString::builder()
                .text(&r.title)
                .build(),
        )
        .full_description(
            s::MultiformatMessageString::builder()
                .text(&r.summary)
                .build(),
        )
        .help(
            s::MultiformatMessageString::builder()
                .text(plain(&md))
                .markdown(md)
                .build(),
        )
        .help_uri(r.help_uri.clone())
        .default_configuration(
            s::ReportingConfiguration::builder()
                .level(json!(level(r.severity)))
                .build(),
        )
        .properties(
            s::PropertyBag::builder()
                .tags(vec!["concurrency".to_string(), "go".to_string()])
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// Percent-encode one path segment: everything but RFC 3986's unreserved characters,
/// so that `:` in a first segment cannot read as a scheme and `%`, `#`, `?` and
/// spaces survive.
fn encode_segment(seg: &str, out: &mut String) {
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Lexically normalized components: `.` dropped, `a/..` folded. `None` when the path
/// climbs above its start.
fn normalize(p: &Path) -> Option<Vec<String>> {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts)
}

/// `file:///abs/path` (with a trailing `/` when `dir`).
fn file_uri(abs: &Path, dir: bool) -> String {
    let mut out = String::from("file://");
    for c in abs.components() {
        match c {
            // A Windows drive: `file:///C:/...`.
            Component::Prefix(p) => {
                out.push('/');
                out.push_str(&p.as_os_str().to_string_lossy().replace('\\', "/"));
            }
            Component::RootDir => {}
            Component::CurDir => continue,
            Component::ParentDir => out.push_str("/.."),
            Component::Normal(s) => {
                out.push('/');
                encode_segment(&s.to_string_lossy(), &mut out);
            }
        }
    }
    if dir || out == "file://" {
        out.push('/');
    }
    out
}

/// The `artifactLocation` of a finding's path: relative to `%SRCROOT%` when the file
/// lies under the root, an absolute `file://` URI otherwise.
fn artifact_location(path: &str, root: &Path) -> s::ArtifactLocation {
    let p = Path::new(path);
    let rel = if p.is_absolute() {
        p.strip_prefix(root).ok().and_then(normalize)
    } else {
        normalize(p)
    };
    match rel {
        Some(parts) if !parts.is_empty() => {
            let mut uri = String::new();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    uri.push('/');
                }
                encode_segment(part, &mut uri);
            }
            s::ArtifactLocation::builder()
                .uri(uri)
                .uri_base_id(SRCROOT)
                .build()
        }
        _ => s::ArtifactLocation::builder()
            .uri(file_uri(&root.join(p), false))
            .build(),
    }
}

fn region(f: &Finding, src: Option<&[u8]>) -> s::Region {
    // Without the file's text the byte columns are the best there is; they are right
    // for ASCII lines, which Go source mostly is.
    let (start_col, end_col) = match src {
        Some(src) => (
            utf16_column(src, f.span.start_byte),
            utf16_column(src, f.span.end_byte),
        ),
        None => (f.span.start.column, f.span.end.column),
    };
    s::Region::builder()
        .start_line(f.span.start.line as i64)
        .start_column(start_col as i64)
        .end_line(f.span.end.line as i64)
        .end_column(end_col as i64)
        .byte_offset(f.span.start_byte as i64)
        .byte_length(f.span.end_byte.saturating_sub(f.span.start_byte) as i64)
        .build()
}

/// FNV-1a, 64 bits: stable across Rust releases and platforms, unlike `DefaultHasher`.
fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn squeeze(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The hash half of `primaryLocationLineHash`: the rule, the flagged line and the
/// flagged text on it, whitespace-normalized so that re-indenting (gofmt after a
/// surrounding change) keeps it. Line numbers are left out, so lines added above do
/// not change it.
fn line_hash(f: &Finding, src: Option<&[u8]>) -> u64 {
    let mut key = f.rule.clone().into_bytes();
    key.push(0);
    match src {
        Some(src) if f.span.start_byte <= src.len() => {
            let start = f.span.start_byte;
            let ls = line_start(src, start);
            let le = line_end(src, start);
            key.extend_from_slice(squeeze(&src[ls..le]).as_bytes());
            key.push(0);
            let flagged_end = f.span.end_byte.clamp(start, le.max(start));
            key.extend_from_slice(squeeze(&src[start..flagged_end]).as_bytes());
        }
        // No text: the message names the code involved, which is the next best thing.
        _ => key.extend_from_slice(f.message.as_bytes()),
    }
    fnv1a64(&key)
}

/// `message` and `notes` as sentences: GitHub shows the first one as the alert title
/// and strips markdown, so plain sentences read best.
fn message_text(f: &Finding) -> String {
    let mut out = sentence(&f.message);
    for n in &f.notes {
        out.push(' ');
        out.push_str(&sentence(n));
    }
    out
}

fn fixes(f: &Finding, loc: &s::ArtifactLocation) -> Option<Vec<s::Fix>> {
    let fix = f.fix.as_ref()?;
    if fix.edits.is_empty() {
        return None;
    }
    let mut edits = fix.edits.clone();
    edits.sort();
    let replacements = edits
        .iter()
        .map(|e| {
            s::Replacement::builder()
                .deleted_region(
                    s::Region::builder()
                        .byte_offset(e.start as i64)
                        .byte_length(e.end.saturating_sub(e.start) as i64)
                        .build(),
                )
                .inserted_content(s::ArtifactContent::builder().text(&e.replacement).build())
                .build()
        })
        .collect::<Vec<_>>();
    let description = match fix.applicability {
        crate::finding::Applicability::Safe => sentence(&fix.title),
        crate::finding::Applicability::Review => {
            format!(
                "{} (review before applying: `defuse fix --review-fixes`)",
                sentence(&fix.title)
            )
        }
    };
    Some(vec![s::Fix::builder()
        .description(s::Message::builder().text(description).build())
        .artifact_changes(vec![s::ArtifactChange::builder()
            .artifact_location(loc.clone())
            .replacements(replacements)
            .build()])
        .build()])
}

pub fn render(run: &Run<'_>, opts: &Options<'_>) -> String {
    let docs = rule_docs();
    let mut sarif_run = s::Run::builder()
        .tool(s::Tool::builder().driver(driver(&docs)).build())
        .results(results(run, opts, &docs))
        .invocations(vec![invocation(run, opts)])
        .original_uri_base_ids(original_uri_base_ids(opts.root))
        .column_kind(json!("utf16CodeUnits"))
        .build();
    if let Some(id) = opts.automation_id {
        sarif_run.automation_details = Some(s::RunAutomationDetails::builder().id(id).build());
    }
    let log = s::Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![sarif_run])
        .build();
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    out.push('\n');
    out
}

/// One result per finding, in the findings' (sorted) order, each pointing at its rule's
/// place in `docs` (the driver's `rules[]`).
fn results(run: &Run<'_>, opts: &Options<'_>, docs: &[RuleDoc]) -> Vec<s::Result> {
    let index: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    // Occurrences of each (file, hash) so far: the fingerprint numbers equal lines of one
    // file apart, in the order the findings come.
    let mut seen: HashMap<(&str, u64), usize> = HashMap::new();
    let mut results = Vec::with_capacity(run.findings.len());
    for f in run.findings {
        let src = (run.sources)(&f.path);
        let src = src.as_deref().map(|v| v.as_slice());
        let loc = artifact_location(&f.path, opts.root);
        let hash = line_hash(f, src);
        let n = seen.entry((f.path.as_str(), hash)).or_insert(0);
        *n += 1;
        let mut b = result(f, src, &loc, format!("{hash:016x}:{n}"));
        if let Some(&i) = index.get(f.rule.as_str()) {
            b.rule_index = Some(i as i64);
        }
        results.push(b);
    }
    results
}

/// The result of `f` in the file at `loc` (whose text is `src`), with its
/// `primaryLocationLineHash`, its suppression and its fix.
fn result(
    f: &Finding,
    src: Option<&[u8]>,
    loc: &s::ArtifactLocation,
    line_hash: String,
) -> s::Result {
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("primaryLocationLineHash".to_string(), line_hash);
    let mut b = s::Result::builder()
        .rule_id(f.rule.clone())
        .level(result_level(f.severity))
        .message(s::Message::builder().text(message_text(f)).build())
        .locations(vec![s::Location::builder()
            .physical_location(
                s::PhysicalLocation::builder()
                    .artifact_location(loc.clone())
                    .region(region(f, src))
                    .build(),
            )
            .build()])
        .partial_fingerprints(fingerprints)
        .build();
    if let Some(sup) = &f.suppressed {
        b.suppressions = Some(vec![suppression(sup, loc)]);
    }
    b.fixes = fixes(f, loc);
    b
}

/// An `inSource` suppression: GitHub shows the result as dismissed, with the directive's
/// reason and line, instead of losing it.
fn suppression(sup: &crate::finding::Suppression, loc: &s::ArtifactLocation) -> s::Suppression {
    s::Suppression::builder()
        .kind(json!("inSource"))
        .justification(sup.reason.clone())
        .location(
            s::Location::builder()
                .physical_location(
                    s::PhysicalLocation::builder()
                        .artifact_location(loc.clone())
                        .region(s::Region::builder().start_line(sup.line as i64).build())
                        .build(),
                )
                .build(),
        )
        .build()
}

/// The invocation: whether it succeeded, where it ran, and the files it could not read
/// as warnings.
fn invocation(run: &Run<'_>, opts: &Options<'_>) -> s::Invocation {
    let notifications: Vec<s::Notification> = run
        .problems
        .iter()
        .map(|p| {
            s::Notification::builder()
                .message(s::Message::builder().text(&p.message).build())
                .level(json!("warning"))
                .locations(vec![s::Location::builder()
                    .physical_location(
                        s::PhysicalLocation::builder()
                            .artifact_location(artifact_location(&p.path, opts.root))
                            .build(),
                    )
                    .build()])
                .build()
        })
        .collect();
    let mut invocation = s::Invocation::builder()
        .execution_successful(opts.execution_successful)
        .working_directory(
            s::ArtifactLocation::builder()
                .uri(file_uri(opts.root, true))
                .build(),
        )
        .build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    invocation
}

/// `%SRCROOT%`, the base the results' relative URIs resolve against: `root`.
fn original_uri_base_ids(root: &Path) -> BTreeMap<String, s::ArtifactLocation> {
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        SRCROOT.to_string(),
        s::ArtifactLocation::builder()
            .uri(file_uri(root, true))
            .description(
                s::Message::builder()
                    .text("The directory defuse ran in; result paths are relative to it.")
                    .build(),
            )
            .build(),
    );
    base_ids
}

/// The tool, with every rule of `docs`, not only those that fired.
fn driver(docs: &[RuleDoc]) -> s::ToolComponent {
    s::ToolComponent::builder()
        .name("defuse")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(docs.iter().map(descriptor).collect::<Vec<_>>())
        .build()
}

#[cfg(test)]
mod tests;
