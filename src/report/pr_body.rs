//! The Markdown body of a pull request that carries `defuse fix` changes: what changed,
//! per rule (with links to the rule docs) and per file, what was left alone and why,
//! and how to make the same change again.
//!
//! GitHub refuses bodies over 65,536 characters, and peter-evans/create-pull-request
//! cuts them there, possibly mid-table. So the body is kept under the limit here, by
//! cutting the per-file lists and saying how much was left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::catalog;
use crate::finding::Finding;
use crate::fix::FileFix;

/// GitHub's limit on a pull request body, in characters. We count bytes, which are
/// never fewer.
pub const MAX_BODY: usize = 65_536;

/// One line of the per-file lists.
struct Entry {
    line: usize,
    text: String,
}

struct FileSection {
    header: String,
    applied: Vec<Entry>,
    skipped: Vec<Entry>,
}

/// `text` as inline code, with a fence longer than any run of backticks inside it.
fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn rule_link(rule: &str) -> String {
    match catalog::rule(rule) {
        Some(r) => format!("[{}]({})", code(rule), r.docs_url()),
        None => code(rule),
    }
}

/// One line of prose: list items and table cells cannot hold line breaks.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shown_skipped(f: &FileFix) -> impl Iterator<Item = &(Finding, String)> {
    // Suppressed findings were left alone on purpose; listing them is noise.
    f.skipped.iter().filter(|(x, _)| x.suppressed.is_none())
}

fn summary(fixes: &[FileFix], out: &mut String) {
    #[derive(Default)]
    struct Row<'a> {
        fixes: usize,
        files: BTreeSet<&'a str>,
        not_fixed: usize,
    }
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for f in fixes {
        for a in &f.applied {
            let row = rows.entry(&a.rule).or_default();
            row.fixes += 1;
            row.files.insert(&f.path);
        }
        for (s, _) in shown_skipped(f) {
            rows.entry(&s.rule).or_default().not_fixed += 1;
        }
    }
    out.push_str("| Rule | Fixes | Files | Not fixed |\n| --- | ---: | ---: | ---: |\n");
    for (rule, row) in &rows {
        let title = catalog::rule(rule)
            .map(|r| format!(": {}", one_line(&r.title)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} |",
            rule_link(rule),
            title,
            row.fixes,
            row.files.len(),
            row.not_fixed
        );
    }
    let total_fixes: usize = rows.values().map(|r| r.fixes).sum();
    let total_files = fixes.iter().filter(|f| !f.applied.is_empty()).count();
    let total_not: usize = rows.values().map(|r| r.not_fixed).sum();
    let _ = writeln!(
        out,
        "| **Total** | **{total_fixes}** | **{total_files}** | **{total_not}** |"
    );
}

fn sections(fixes: &[FileFix]) -> Vec<FileSection> {
    let mut out = Vec::new();
    for f in fixes {
        let skipped: Vec<&(Finding, String)> = shown_skipped(f).collect();
        if f.applied.is_empty() && skipped.is_empty() && f.withheld.is_none() {
            continue;
        }
        let mut header = format!("#### {}\n\n", code(&f.path));
        if let Some(why) = &f.withheld {
            let _ = writeln!(header, "Not rewritten: the file {why}.\n");
        }
        let applied = f
            .applied
            .iter()
            .map(|a| Entry {
                line: a.span.start.line,
                text: format!(
                    "line {}, {}: {}",
                    a.span.start.line,
                    rule_link(&a.rule),
                    a.fix
                        .as_ref()
                        .map(|x| one_line(&x.title))
                        .unwrap_or_else(|| one_line(&a.message))
                ),
            })
            .collect();
        let skipped = skipped
            .iter()
            .map(|(s, why)| Entry {
                line: s.span.start.line,
                text: format!(
                    "line {}, {}: {} ({})",
                    s.span.start.line,
                    rule_link(&s.rule),
                    one_line(&s.message),
                    one_line(why)
                ),
            })
            .collect();
        out.push(FileSection {
            header,
            applied,
            skipped,
        });
    }
    out.sort_by(|a, b| a.header.cmp(&b.header));
    for s in &mut out {
        s.applied.sort_by_key(|e| e.line);
        s.skipped.sort_by_key(|e| e.line);
    }
    out
}

/// Render `sections`, stopping before `budget` bytes; returns the text and how many
/// entries were left out.
fn render_sections(sections: &[FileSection], budget: usize) -> (String, usize, usize) {
    let mut out = String::new();
    let mut left_entries = 0;
    let mut left_files = 0;
    let mut full = false;
    for s in sections {
        let n = s.applied.len() + s.skipped.len();
        if full || out.len() + s.header.len() > budget {
            full = true;
            left_entries += n;
            left_files += 1;
            continue;
        }
        let mut part = s.header.clone();
        let mut taken = 0;
        for (title, entries) in [("Fixed:", &s.applied), ("Not fixed:", &s.skipped)] {
            if entries.is_empty() {
                continue;
            }
            let heading = format!("{title}\n\n");
            if full || out.len() + part.len() + heading.len() > budget {
                full = true;
                continue;
            }
            let mut list = String::new();
            for e in entries {
                let item = format!("- {}\n", e.text);
                if full || out.len() + part.len() + heading.len() + list.len() + item.len() > budget
                {
                    full = true;
                    break;
                }
                list.push_str(&item);
                taken += 1;
            }
            if !list.is_empty() {
                part.push_str(&heading);
                part.push_str(&list);
                part.push('\n');
            }
        }
        if taken == 0 && n > 0 {
            left_entries += n;
            left_files += 1;
            continue;
        }
        left_entries += n - taken;
        out.push_str(&part);
    }
    (out, left_entries, left_files)
}

/// The pull-request body for `fixes`, made by running `command`.
pub fn render(fixes: &[FileFix], command: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let applied: usize = fixes.iter().map(|f| f.applied.len()).sum();
    let files = fixes.iter().filter(|f| !f.applied.is_empty()).count();

    let mut head = String::new();
    let _ = writeln!(
        head,
        "## defuse: {applied} fix{} in {files} file{}\n",
        if applied == 1 { "" } else { "es" },
        if files == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        head,
        "[defuse]({}) rewrote Go code where `defer` meets maps into safe forms. \
         Each fix is described in its rule's documentation, linked below.\n",
        super::sarif::INFORMATION_URI
    );
    head.push_str("### Summary\n\n");
    summary(fixes, &mut head);
    head.push_str("\n### Changes by file\n\n");

    let mut tail = String::new();
    tail.push_str("### How to regenerate\n\n");
    let fence = if command.contains("```") {
        "````"
    } else {
        "```"
    };
    let _ = writeln!(
        tail,
        "Made with defuse {version} by the command below. Run it again from the same \
         directory to remake the change, after a rebase for instance.\n\n\
         {fence}sh\n{command}\n{fence}"
    );

    let sections = sections(fixes);
    if sections.is_empty() {
        head.push_str("Nothing to report.\n\n");
    }
    // Room for the note about what was left out.
    const NOTE_ROOM: usize = 400;
    let budget = MAX_BODY.saturating_sub(head.len() + tail.len() + NOTE_ROOM);
    let (body, left_entries, left_files) = render_sections(&sections, budget);
    let mut out = head;
    out.push_str(&body);
    if left_entries > 0 || left_files > 0 {
        let files = match left_files {
            0 => String::new(),
            1 => " (1 file is not listed at all)".to_string(),
            n => format!(" ({n} files are not listed at all)"),
        };
        let _ = writeln!(
            out,
            "> [!NOTE]\n> {left_entries} more entr{} left out{files} to keep this \
             description under GitHub's {MAX_BODY}-character limit. The pull request's diff \
             has every change; the command below lists every finding.\n",
            if left_entries == 1 {
                "y was"
            } else {
                "ies were"
            },
        );
    }
    out.push_str(&tail);
    out
}

/// A command line as a POSIX shell reads it back: the program's file name, then each
/// argument, quoted when it needs to be.
pub fn shell_command(args: impl IntoIterator<Item = String>) -> String {
    let mut out = Vec::new();
    // Where the body itself was written is not part of the change: `--pr-body FILE` and
    // `--pr-body=FILE` are left out, so a runner's temporary path never shows.
    let mut skip_next = false;
    let args: Vec<String> = args
        .into_iter()
        .filter(|a| {
            if std::mem::take(&mut skip_next) {
                return false;
            }
            if a == "--pr-body" {
                skip_next = true;
                return false;
            }
            !a.starts_with("--pr-body=")
        })
        .collect();
    for (i, a) in args.into_iter().enumerate() {
        let a = if i == 0 {
            std::path::Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(a)
        } else {
            a
        };
        let plain = !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./=,:@%+".contains(&b));
        out.push(if plain {
            a
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        });
    }
    out.join(" ")
}

#[cfg(test)]
mod tests;
