//! The `sync.Map` conversion of a local map, all or nothing: every use of the variable
//! must have a `sync.Map` counterpart whose `any`-typed results the code can take as they
//! are, or there is no fix. Used by deferred-map-shared-with-goroutine.

use tree_sitter::Node;

use super::common::{indentation, line_ending, line_start};
use crate::finding::Edit;
use crate::fix::{ensure_import, ImportPlan};
use crate::syntax::{children, descendants, named_children, NodeExt, ParsedFile};

/// Edits converting local map `name`, declared at `decl` (the identifier's start byte)
/// inside `func`, into a `sync.Map`; or why not.
pub fn convert(
    file: &ParsedFile,
    func: Node<'_>,
    name: &str,
    decl: usize,
) -> Result<Vec<Edit>, String> {
    let uses: Vec<Node<'_>> = descendants(func, |_| false)
        .filter(|n| n.kind_name() == "identifier" && file.text(*n) == name)
        .collect();
    let declarations = uses.iter().filter(|n| is_declaration(file, **n)).count();
    if declarations != 1 {
        return Err(format!(
            "`{name}` is declared more than once in the function"
        ));
    }
    let sync = match ensure_import(file, "sync") {
        ImportPlan::Present { name } => (name, None),
        ImportPlan::Add { edit, name } => (name, Some(edit)),
        ImportPlan::Conflict(why) => return Err(why),
    };
    let mut edits = Vec::new();
    for u in uses {
        edits.extend(convert_use(file, u, name, decl, &sync.0)?);
    }
    edits.extend(sync.1);
    Ok(edits)
}

fn is_declaration(file: &ParsedFile, ident: Node<'_>) -> bool {
    let Some(p) = ident.parent() else {
        return false;
    };
    match p.kind_name() {
        "expression_list" => p.parent().is_some_and(|s| {
            s.kind_name() == "short_var_declaration" && s.field("left") == Some(p)
        }),
        "var_spec" | "parameter_declaration" => {
            let mut c = p.walk();
            let is_name = p.children_by_field_name("name", &mut c).any(|n| n == ident);
            let _ = file;
            is_name
        }
        _ => false,
    }
}

/// The edits converting one use `id` of the map `name` (its declaration when it starts at
/// `decl`), with `sync` the name the file imports "sync" under.
fn convert_use(
    file: &ParsedFile,
    id: Node<'_>,
    name: &str,
    decl: usize,
    sync: &str,
) -> Result<Vec<Edit>, String> {
    let parent = id.parent().ok_or("no parent")?;
    if id.start_byte() == decl {
        return convert_declaration(file, parent, name, sync);
    }
    match parent.kind_name() {
        "argument_list" => convert_argument(file, id, parent, name),
        "index_expression" if parent.field("operand") == Some(id) => {
            convert_index(file, parent, name)
        }
        "range_clause" if parent.field("right") == Some(id) => range(file, parent, name),
        _ => no_counterpart(
            name,
            &format!("as `{}`", file.text(parent).lines().next().unwrap_or("")),
        ),
    }
}

/// Why there is no fix: `name` is used `what`, in a way `sync.Map` cannot express.
fn no_counterpart(name: &str, what: &str) -> Result<Vec<Edit>, String> {
    Err(format!(
        "`{name}` is used {what}, which has no `sync.Map` counterpart"
    ))
}

/// `m := make(map[K]V)` or `m := map[K]V{}` → `var m sync.Map`; `list` is the left side
/// holding the name. A map made with contents or a size has no empty `sync.Map` to match.
fn convert_declaration(
    file: &ParsedFile,
    list: Node<'_>,
    name: &str,
    sync: &str,
) -> Result<Vec<Edit>, String> {
    let stmt = list
        .parent()
        .filter(|s| s.kind_name() == "short_var_declaration")
        .ok_or("unusual declaration")?;
    let left = stmt.field("left").ok_or("no left")?;
    let right = stmt.field("right").ok_or("no right")?;
    if left.named_child_count() != 1 || right.named_child_count() != 1 {
        return no_counterpart(name, "in a multiple assignment");
    }
    let value = right.named_child(0).ok_or("no value")?;
    let empty = match value.kind_name() {
        "call_expression" => {
            file.text(value.field("function").ok_or("no function")?) == "make"
                && value
                    .field("arguments")
                    .is_some_and(|a| a.named_child_count() == 1)
        }
        "composite_literal" => value
            .field("body")
            .is_some_and(|b| b.named_child_count() == 0),
        _ => false,
    };
    if !empty {
        return no_counterpart(name, "with initial contents or a size");
    }
    Ok(vec![Edit {
        start: stmt.start_byte(),
        end: stmt.end_byte(),
        replacement: format!("var {name} {sync}.Map"),
    }])
}

/// `delete(m, k)` → `m.Delete(k)`; the map passed to any other function keeps its type.
fn convert_argument(
    file: &ParsedFile,
    id: Node<'_>,
    args_node: Node<'_>,
    name: &str,
) -> Result<Vec<Edit>, String> {
    let call = args_node.parent().ok_or("no call")?;
    let func = file.text(call.field("function").ok_or("no function")?);
    let args = named_children(args_node);
    if func == "delete" && args.len() == 2 && args[0] == id {
        return Ok(vec![Edit {
            start: call.start_byte(),
            end: call.end_byte(),
            replacement: format!("{name}.Delete({})", file.text(args[1])),
        }]);
    }
    no_counterpart(name, &format!("as an argument of `{func}`"))
}

/// `m[k]` alone on one side of a statement: `m[k] = v` → `m.Store(k, v)`, and
/// `v, ok := m[k]` → `v, ok := m.Load(k)` when `v` is used only where `any` will do.
fn convert_index(file: &ParsedFile, index: Node<'_>, name: &str) -> Result<Vec<Edit>, String> {
    let key = file.text(index.field("index").ok_or("no index")?);
    let list = index.parent().ok_or("no parent")?;
    let stmt = list.parent().ok_or("no statement")?;
    if list.kind_name() == "expression_list" && list.named_child_count() == 1 {
        if let Some(store) = store(file, stmt, list, name, key)? {
            return Ok(vec![store]);
        }
        if let Some(load) = load(file, stmt, list, index, name, key)? {
            return Ok(vec![load]);
        }
    }
    no_counterpart(name, "in an index expression whose value needs its type")
}

/// `m[k] = v` → `m.Store(k, v)`, when `stmt` is that plain assignment of one value to
/// `list`, the left side holding only `m[k]`.
fn store(
    file: &ParsedFile,
    stmt: Node<'_>,
    list: Node<'_>,
    name: &str,
    key: &str,
) -> Result<Option<Edit>, String> {
    let op = children(stmt)
        .into_iter()
        .find(|c| !c.is_named())
        .map(|c| file.text(c));
    if stmt.kind_name() == "assignment_statement"
        && stmt.field("left") == Some(list)
        && op == Some("=")
    {
        let right = stmt.field("right").ok_or("no right")?;
        if right.named_child_count() == 1 {
            return Ok(Some(Edit {
                start: stmt.start_byte(),
                end: stmt.end_byte(),
                replacement: format!("{name}.Store({key}, {})", file.text(right)),
            }));
        }
    }
    Ok(None)
}

/// `v, ok := m[k]` → `v, ok := m.Load(k)` (the edit replaces `index`, the `m[k]`), when
/// `list`, the right side of `stmt`, holds only `m[k]` and `v` is used only where `any`
/// will do.
fn load(
    file: &ParsedFile,
    stmt: Node<'_>,
    list: Node<'_>,
    index: Node<'_>,
    name: &str,
    key: &str,
) -> Result<Option<Edit>, String> {
    if stmt.kind_name() == "short_var_declaration" && stmt.field("right") == Some(list) {
        let left = stmt.field("left").ok_or("no left")?;
        let names = named_children(left);
        let scope = stmt.parent().ok_or("no scope")?;
        if names.len() == 2 && any_only(file, scope, file.text(names[0]), stmt.end_byte()) {
            return Ok(Some(Edit {
                start: index.start_byte(),
                end: index.end_byte(),
                replacement: format!("{name}.Load({key})"),
            }));
        }
    }
    Ok(None)
}

/// `for k, v := range m { body }` → `m.Range(func(k, v any) bool { body; return true })`.
fn range(file: &ParsedFile, clause: Node<'_>, name: &str) -> Result<Vec<Edit>, String> {
    let stmt = clause
        .parent()
        .filter(|s| s.kind_name() == "for_statement")
        .ok_or("no loop")?;
    let body = stmt.field("body").ok_or("no body")?;
    let is_define = children(clause).iter().any(|c| c.kind_name() == ":=");
    let vars: Vec<String> = clause
        .field("left")
        .map(named_children)
        .unwrap_or_default()
        .iter()
        .map(|n| file.text(*n).to_string())
        .collect();
    if !vars.is_empty() && !is_define {
        return Err(format!(
            "the range over `{name}` assigns existing variables"
        ));
    }
    for v in &vars {
        if v != "_" && !any_only(file, body, v, body.start_byte()) {
            return Err(format!(
                "`{v}` from the range over `{name}` is used where its type matters"
            ));
        }
    }
    if leaves(body) {
        return Err(format!(
            "the range over `{name}` returns, breaks or continues"
        ));
    }
    let k = vars.first().cloned().unwrap_or_else(|| "_".into());
    let v = vars.get(1).cloned().unwrap_or_else(|| "_".into());
    let src = &file.src;
    let nl = line_ending(src);
    let close = body.end_byte() - 1;
    let ind = indentation(src, stmt.start_byte());
    let close_line = line_start(src, close);
    if close_line == 0 {
        return Err("one-line loop".into());
    }
    if close_line <= body.start_byte() {
        return Err("the range loop is on one line".into());
    }
    Ok(vec![
        Edit {
            start: stmt.start_byte(),
            end: body.start_byte() + 1,
            replacement: format!("{name}.Range(func({k}, {v} any) bool {{"),
        },
        Edit {
            start: close_line,
            end: close_line,
            replacement: format!("{ind}\treturn true{nl}"),
        },
        Edit {
            start: close,
            end: close + 1,
            replacement: "})".into(),
        },
    ])
}

fn leaves(body: Node<'_>) -> bool {
    descendants(body, |n| n.kind_name() == "func_literal").any(|n| {
        matches!(
            n.kind_name(),
            "return_statement"
                | "break_statement"
                | "continue_statement"
                | "goto_statement"
                | "labeled_statement"
        )
    })
}

/// Every use of `var` in `scope` after `after` passes it to a print-style function, where
/// an `any` serves as well as the original type.
fn any_only(file: &ParsedFile, scope: Node<'_>, var: &str, after: usize) -> bool {
    descendants(scope, |_| false)
        .filter(|n| {
            n.kind_name() == "identifier" && file.text(*n) == var && n.start_byte() >= after
        })
        .all(|n| {
            let Some(args) = n.parent().filter(|p| p.kind_name() == "argument_list") else {
                return false;
            };
            let Some(call) = args.parent() else {
                return false;
            };
            let func = call.field("function").map(|f| file.text(f)).unwrap_or("");
            (func.starts_with("fmt.")
                || func.starts_with("log.")
                || func.ends_with("Printf")
                || func.ends_with("Println"))
                && named_children(args).first() != Some(&n)
        })
}
