//! deferred-header-delete-after-write: a deferred `w.Header().Del(k)` or
//! `delete(w.Header(), k)` in a handler that writes the response: `net/http` sends the
//! header at the first write, so the deletion at exit changes nothing (Go fact 11).
//! See transforms/deferred-header-delete-after-write.toml.

use tree_sitter::Node;

use super::common::*;
use super::trigger::{Later, Shape, Trigger, Version};
use super::{RawFinding, Rule, RuleCtx};
use crate::finding::{Applicability, Confidence, Edit, Fix};
use crate::syntax::{descendants, named_children, NodeExt, ParsedFile};

declare_rule!(
    DeferredHeaderDeleteAfterWrite,
    "deferred-header-delete-after-write"
);

impl Rule for DeferredHeaderDeleteAfterWrite {
    fn triggers(&self) -> &'static [Trigger] {
        // `http.Header` is a map (Go fact 11): `Del` or a map write, in a deferred call.
        &[
            Trigger::Later(
                Later::Deferred,
                Shape::Words(&["Header", "Del"]),
                Version::Any,
            ),
            Trigger::Later(Later::Deferred, Shape::MapWrite, Version::Any),
        ]
    }

    fn check(&self, cx: &RuleCtx<'_>, out: &mut Vec<RawFinding>) {
        for f in cx.functions {
            for d in &f.defers {
                let Some(call) = node_at(cx.file, d.call_start, d.call_end) else {
                    continue;
                };
                let Some((header_call, writer)) = header_delete(cx.file, call) else {
                    continue;
                };
                let Some(frame) = frame_node(cx.file, d.frame, f.start, f.end) else {
                    continue;
                };
                let Some(defer_node) = node_at(cx.file, d.stmt_start, d.stmt_end) else {
                    continue;
                };
                // Only writes on a path through the defer: before it and falling through
                // to it, or after it and reached from it.
                let writes: Vec<Node<'_>> = response_writes(cx.file, frame, &writer)
                    .into_iter()
                    .filter(|w| {
                        if w.start_byte() < d.stmt_start {
                            falls_through_to(cx.file, *w, defer_node)
                        } else {
                            falls_through_to(cx.file, defer_node, *w)
                        }
                    })
                    .collect();
                let Some(first) = writes.first() else {
                    continue;
                };
                let del_text = cx.file.text(header_call).to_string();
                let (fix, no_fix_reason) = fix_or_reason(fix(
                    cx.file,
                    d.stmt_start,
                    d.stmt_end,
                    header_call,
                    d.closure.is_some(),
                    &writes,
                ));
                out.push(RawFinding {
                    rule: ID,
                    start: d.stmt_start,
                    end: d.stmt_end,
                    message: format!(
                        "deferred `{del_text}` runs after the response is written on line {}: the header is already sent",
                        line_of(cx.file, first.start_byte())
                    ),
                    notes: vec![
                        format!(
                            "`{}` writes the response; `net/http` sends the header then, and later changes to `{writer}.Header()` are ignored",
                            cx.file.text(*first).lines().next().unwrap_or("")
                        ),
                        "deferred calls run when the handler returns, after every write".into(),
                    ],
                    confidence: Confidence::High,
                    fix,
                    no_fix_reason,
                });
            }
        }
    }
}

/// The header deletion inside a deferred call: `w.Header().Del(k)` or
/// `delete(w.Header(), k)`, directly or in the deferred closure. Returns the call and `w`.
fn header_delete<'t>(file: &ParsedFile, call: Node<'t>) -> Option<(Node<'t>, String)> {
    let mut candidates = vec![call];
    candidates.extend(
        descendants(call, |n| {
            n.kind_name() == "func_literal" && n.parent() != Some(call)
        })
        .filter(|n| n.kind_name() == "call_expression"),
    );
    for c in candidates {
        let func = c.field("function")?;
        let args = c.field("arguments")?;
        let target = if file.text(func) == "delete" {
            args.named_child(0)
        } else if func.kind_name() == "selector_expression"
            && func.field("field").is_some_and(|f| file.text(f) == "Del")
        {
            func.field("operand")
        } else {
            None
        };
        let Some(target) = target else { continue };
        if let Some(w) = header_of(file, target) {
            return Some((c, w));
        }
    }
    None
}

/// `w` when `node` is `w.Header()`.
fn header_of(file: &ParsedFile, node: Node<'_>) -> Option<String> {
    if node.kind_name() != "call_expression" {
        return None;
    }
    let func = node.field("function")?;
    if func.kind_name() != "selector_expression" || file.text(func.field("field")?) != "Header" {
        return None;
    }
    let operand = func.field("operand")?;
    (operand.kind_name() == "identifier").then(|| file.text(operand).to_string())
}

fn frame_node<'t>(
    file: &'t ParsedFile,
    frame: usize,
    fstart: usize,
    fend: usize,
) -> Option<Node<'t>> {
    if frame == fstart {
        return node_at(file, fstart, fend)?.field("body");
    }
    let n = file.root().descendant_for_byte_range(frame, frame + 1)?;
    let mut cur = n;
    while cur.kind_name() != "func_literal" {
        cur = cur.parent()?;
    }
    cur.field("body")
}

/// Statements-level calls that write the response through `w`, in source order, not
/// counting nested function literals (they may run elsewhere).
fn response_writes<'t>(file: &ParsedFile, body: Node<'t>, w: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for n in descendants(body, |n| {
        n.kind_name() == "func_literal" || n.kind_name() == "defer_statement"
    }) {
        if n.kind_name() != "call_expression" {
            continue;
        }
        let Some(func) = n.field("function") else {
            continue;
        };
        let is_method_on_w = func.kind_name() == "selector_expression"
            && func.field("operand").is_some_and(|o| file.text(o) == w)
            && func.field("field").is_some_and(|f| {
                matches!(
                    file.text(f),
                    "Write" | "WriteHeader" | "WriteString" | "Flush"
                )
            });
        let passes_w = n.field("arguments").is_some_and(|a| {
            named_children(a)
                .first()
                .is_some_and(|x| file.text(*x) == w)
        }) && writes_when_given_w(file.text(func));
        if is_method_on_w || passes_w {
            out.push(n);
        }
    }
    out
}

/// Calls that write to the writer passed as their first argument.
fn writes_when_given_w(func: &str) -> bool {
    matches!(
        func,
        "fmt.Fprint"
            | "fmt.Fprintf"
            | "fmt.Fprintln"
            | "io.Copy"
            | "io.WriteString"
            | "io.CopyN"
            | "http.Error"
            | "http.ServeContent"
            | "http.ServeFile"
            | "http.Redirect"
            | "http.NotFound"
            | "json.NewEncoder"
    ) || func.ends_with(".Execute")
        || func.ends_with(".ExecuteTemplate")
}

/// Move the deletion before the first write: only for `defer w.Header().Del(k)` written
/// directly, with the first write a statement in the same block after the defer.
fn fix(
    file: &ParsedFile,
    stmt_start: usize,
    stmt_end: usize,
    header_call: Node<'_>,
    in_closure: bool,
    writes: &[Node<'_>],
) -> Result<Fix, String> {
    if in_closure {
        return Err(
            "the deletion sits in a deferred closure with other code; moving it is for a person"
                .into(),
        );
    }
    let defer_stmt = file
        .root()
        .descendant_for_byte_range(stmt_start, stmt_end)
        .ok_or("defer not found")?;
    if writes.iter().any(|w| w.start_byte() < stmt_start) {
        return Err("the response is written before the defer statement; the deletion belongs before that write".into());
    }
    let first = writes[0];
    let mut write_stmt = first;
    while write_stmt
        .parent()
        .is_some_and(|p| p.kind_name() != "statement_list")
    {
        write_stmt = write_stmt.parent().unwrap();
    }
    if write_stmt.parent() != defer_stmt.parent() {
        return Err("the first write is in another block than the defer".into());
    }
    let src = &file.src;
    let nl = line_ending(src);
    let ind = indentation(src, write_stmt.start_byte());
    // Remove the whole defer line, indentation and newline included.
    let line_start = line_start(src, stmt_start);
    let mut line_end = stmt_end;
    while line_end < src.len() && (src[line_end] == b' ' || src[line_end] == b'\t') {
        line_end += 1;
    }
    // A trailing `// comment` moves with the statement, so no byte of it is lost.
    let mut moved = file.text(header_call).to_string();
    if src[line_end..].starts_with(b"//") {
        let comment_end = super::common::line_end(src, line_end);
        let comment = std::str::from_utf8(&src[line_end..comment_end]).map_err(|_| "not UTF-8")?;
        moved = format!("{moved} {comment}");
        line_end = comment_end;
    }
    if src.get(line_end) == Some(&b'\r') {
        line_end += 1;
    }
    if src.get(line_end) == Some(&b'\n') {
        line_end += 1;
    } else {
        return Err("the defer statement shares its line with other code".into());
    }
    Ok(Fix {
        form: "delete-before-first-write",
        title: "delete the header before the response is written".into(),
        applicability: Applicability::Review,
        edits: vec![
            Edit {
                start: line_start,
                end: line_end,
                replacement: String::new(),
            },
            Edit {
                start: write_stmt.start_byte(),
                end: write_stmt.start_byte(),
                replacement: format!("{moved}{nl}{ind}"),
            },
        ],
    })
}
