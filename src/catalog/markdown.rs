//! `docs/rules/<id>.md`: each catalog entry as a page a user reads on GitHub, rendered
//! from `transforms/<id>.toml` so that the two cannot disagree (`tests/docs.rs` fails when
//! a page is stale, and writes them with `UPDATE_DOCS=1`).

use std::fmt::Write;

use super::{Entry, Kind};

/// Where the pages live in the repository, and where links from reports point.
pub const RULES_DIR: &str = "docs/rules";

pub fn render(r: &Entry) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<!-- Rendered from transforms/{}.toml by `UPDATE_DOCS=1 cargo test --test integration docs::`: edit that file, not this one. -->\n",
        r.id
    );
    let _ = writeln!(s, "# {}\n", r.id);
    let _ = writeln!(s, "**{}**\n", r.title);
    let mut facts = vec![
        format!("Severity: {}", r.severity.as_str()),
        format!(
            "confidence of the findings shown by default: {} or higher",
            r.confidence.as_str()
        ),
    ];
    if r.kind == Kind::Meta {
        facts.push("a meta rule, about `//defuse:ignore` comments".into());
    }
    let _ = writeln!(s, "{}.\n", facts.join("; "));
    let _ = writeln!(s, "{}\n", r.summary.trim());
    let _ = writeln!(s, "## Why\n\n{}\n", r.rationale.trim());
    if !r.facts.is_empty() {
        let links: Vec<String> = r
            .facts
            .iter()
            .map(|n| format!("[{n}](../go-facts.md#fact-{n})"))
            .collect();
        let _ = writeln!(
            s,
            "It rests on the Go fact{} {}.\n",
            if r.facts.len() == 1 { "" } else { "s" },
            links.join(", ")
        );
    }
    if !r.fixes.is_empty() {
        let _ = writeln!(s, "## Fixes\n");
        for f in &r.fixes {
            let _ = writeln!(
                s,
                "- **{}** ({}): {}",
                f.name,
                f.applicability_text(),
                f.description.trim()
            );
        }
        let _ = writeln!(
            s,
            "\n`defuse fix` applies `safe` fixes; `review` fixes change behavior a person should \
             look at and need `--review-fixes`.\n"
        );
    }
    examples(&mut s, r);
    not_reported(&mut s, r);
    if r.kind == Kind::Analysis {
        let _ = writeln!(
            s,
            "## Suppressing\n\n`//defuse:ignore {} reason` on the finding's line or alone on the line \
             above; `//defuse:file-ignore {} reason` for a whole file. See \
             [suppressions](../suppressions.md).",
            r.id, r.id
        );
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

/// Each example: the code reported, on which lines, and the code after `defuse fix`.
fn examples(s: &mut String, r: &Entry) {
    if !r.examples.is_empty() {
        let _ = writeln!(s, "## Examples\n");
    }
    for e in &r.examples {
        let _ = writeln!(s, "### {}\n", e.name);
        if !e.description.is_empty() {
            let _ = writeln!(s, "{}\n", e.description.trim());
        }
        if let Some(v) = &e.go_version {
            let _ = writeln!(s, "In a module at Go {v}.\n");
        }
        let lines: Vec<String> = e.lines.iter().map(|l| l.to_string()).collect();
        let _ = writeln!(
            s,
            "Reported on line{} {}:\n\n```go\n{}```\n",
            if lines.len() == 1 { "" } else { "s" },
            lines.join(", "),
            e.before
        );
        if let Some(after) = &e.after {
            let _ = writeln!(s, "After `defuse fix`:\n\n```go\n{after}```\n");
        }
    }
}

/// The cases the rule stays silent on.
fn not_reported(s: &mut String, r: &Entry) {
    if !r.ok.is_empty() {
        let _ = writeln!(s, "## Not reported\n");
    }
    for ok in &r.ok {
        let _ = writeln!(s, "### {}\n", ok.name);
        if !ok.description.is_empty() {
            let _ = writeln!(s, "{}\n", ok.description.trim());
        }
        let _ = writeln!(s, "```go\n{}```\n", ok.code);
    }
}

/// The table of `docs/rules/README.md`.
pub fn index(rules: &[Entry]) -> String {
    let mut s = String::from(
        "<!-- Rendered from transforms/ by `UPDATE_DOCS=1 cargo test --test integration docs::`. -->\n\n# Rules\n\n\
         | rule | severity | fixes | what it finds |\n| --- | --- | --- | --- |\n",
    );
    for r in rules {
        let mut fixes: Vec<&str> = r.fixes.iter().map(|f| f.applicability.as_str()).collect();
        fixes.dedup();
        let fixes = if r.kind == Kind::Meta {
            "meta".to_string()
        } else if fixes.is_empty() {
            "none".to_string()
        } else {
            fixes.join(", ")
        };
        let _ = writeln!(
            s,
            "| [{}]({}.md) | {} | {} | {} |",
            r.id,
            r.id,
            r.severity.as_str(),
            fixes,
            r.summary.trim().replace('|', "\\|")
        );
    }
    s.push_str("\nThe Go facts the rules cite: [go-facts.md](../go-facts.md).\n");
    s
}
