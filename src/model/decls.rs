//! Package declarations the model needs: struct fields and their types, package-level
//! variables, guard annotations, and functions documented as running with a lock held.

use std::collections::HashMap;
use tree_sitter::Node;

use crate::syntax::{named_children, text, NodeExt, ParsedFile};

/// What a declared type says about a value, as far as the model cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    Map,
    Mutex {
        rw: bool,
    },
    /// A struct type declared in this package (pointer or value).
    Struct(String),
    Other,
}

#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub hint: Hint,
    /// Declared as a channel (`chan T`, `<-chan T`).
    pub is_chan: bool,
    /// The mutex field named by `// guarded by mu`, `// protected by mu`, `+checklocks:mu`.
    pub annotated_guard: Option<String>,
    /// The mutex whose own comment says it protects this field, by name or as one of the
    /// fields after it: a weaker word than an annotation of the field's own.
    pub grouped_guard: Option<String>,
    pub line: usize,
    /// For a map, what its elements are (a map of maps: `Map`).
    pub elem: Option<Hint>,
    /// The name of its type when that is a type of the package (`segs`, `*segs`,
    /// `segs[T]`: `segs`), whatever kind of type it is: what its methods are found by.
    pub type_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct StructInfo {
    pub fields: HashMap<String, FieldInfo>,
    /// An embedded `sync.Mutex`/`sync.RWMutex`: `s.Lock()` locks the struct itself.
    pub embedded_mutex: Option<bool>,
}

impl StructInfo {
    pub fn mutex_fields(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .fields
            .iter()
            .filter(|(_, f)| matches!(f.hint, Hint::Mutex { .. }))
            .map(|(n, _)| n.clone())
            .collect();
        v.sort();
        v
    }
}

#[derive(Debug, Clone)]
pub struct VarInfo {
    pub hint: Hint,
    pub annotated_guard: Option<String>,
    /// For a map, what its elements are.
    pub elem: Option<Hint>,
}

/// A function or method whose caller holds locks, by its name or its doc comment.
#[derive(Debug, Clone)]
pub struct HeldByConvention {
    /// Mutex field names (of the receiver) or package variables held on entry.
    pub mutexes: Vec<String>,
    pub reason: &'static str,
}

#[derive(Debug, Clone, Default)]
pub struct Decls {
    pub structs: HashMap<String, StructInfo>,
    pub vars: HashMap<String, VarInfo>,
    /// Keyed by (receiver type or "", function name).
    pub held_on_entry: HashMap<(String, String), HeldByConvention>,
    /// The package-level variables declared as `sync.Mutex` or `sync.RWMutex`, sorted.
    pub package_mutexes: Vec<String>,
    /// The names of the package-level functions (no receiver): a call of one is not a
    /// builtin's, even when it is called `delete`.
    pub functions: std::collections::HashSet<String>,
    /// Map types the package declares (`type addressMap map[string]addr`), with what
    /// their elements are.
    pub map_types: HashMap<String, Option<Hint>>,
    /// Function and method name → (receiver type, or "" for a function; the named type
    /// it returns first), over every declaration of that name (read from bytes, so that
    /// every demand sees them all).
    pub results: HashMap<String, std::collections::BTreeSet<(String, String)>>,
}

impl Decls {
    /// The struct of the package that a call of `name` returns: of the method of
    /// `receiver` when the caller knows the receiver's type, else when every function and
    /// method of that name returns the same one.
    pub fn result_of(&self, name: &str, receiver: Option<&str>) -> Option<Hint> {
        let mut types = self
            .results
            .get(name)?
            .iter()
            .filter(|(r, _)| receiver.is_none_or(|want| r == want))
            .map(|(_, t)| t);
        let first = types.next()?;
        if types.any(|t| t != first) {
            return None;
        }
        match self.named(first) {
            Hint::Struct(s) => Some(Hint::Struct(s)),
            _ => None,
        }
    }

    /// What a name of a type declared in the package is.
    pub fn named(&self, name: &str) -> Hint {
        if self.structs.contains_key(name) {
            Hint::Struct(name.to_string())
        } else if self.map_types.contains_key(name) {
            Hint::Map
        } else {
            Hint::Other
        }
    }
}

/// What a type expression says about a value: a map, a mutex, a struct of the package
/// (`S`, `*S`); `named` says what a name declared in the package is.
pub fn hint_of_type(node: Node<'_>, src: &[u8], structs: &dyn Fn(&str) -> Hint) -> Hint {
    // A loop, not recursion: `**…*T` and `((…(T)))` nest as deep as the input likes.
    let mut node = node;
    loop {
        return match node.kind_name() {
            "map_type" => Hint::Map,
            "pointer_type" | "parenthesized_type" => match node.named_child(0) {
                Some(inner) => {
                    node = inner;
                    continue;
                }
                None => Hint::Other,
            },
            // `Index[T]`: the struct `Index`, whatever its type arguments.
            "generic_type" => match node.field("type") {
                Some(inner) => {
                    node = inner;
                    continue;
                }
                None => Hint::Other,
            },
            "qualified_type" => match text(node, src) {
                "sync.Mutex" => Hint::Mutex { rw: false },
                "sync.RWMutex" => Hint::Mutex { rw: true },
                _ => Hint::Other,
            },
            // A type declared in the package: a struct, or a map type (`type set
            // map[string]bool`).
            "type_identifier" => structs(text(node, src)),
            _ => Hint::Other,
        };
    }
}

/// The name of a type of the package that `ty` denotes, through pointers, parentheses
/// and type arguments.
pub fn local_type_name(ty: Node<'_>, src: &[u8]) -> Option<String> {
    let mut t = ty;
    loop {
        match t.kind_name() {
            "pointer_type" | "parenthesized_type" => t = t.named_child(0)?,
            "generic_type" => t = t.field("type")?,
            "type_identifier" => return Some(text(t, src).to_string()),
            _ => return None,
        }
    }
}

/// What the elements of a map type are (`map[K]map[K2]V`: `Map`).
pub fn map_elem(ty: Node<'_>, src: &[u8], structs: &dyn Fn(&str) -> Hint) -> Option<Hint> {
    let mut ty = ty;
    while matches!(ty.kind_name(), "parenthesized_type") {
        ty = ty.named_child(0)?;
    }
    if ty.kind_name() != "map_type" {
        return None;
    }
    Some(hint_of_type(ty.field("value")?, src, structs))
}

/// The mutex named by a guard annotation in `comment`, if any.
pub fn guard_annotation(comment: &str) -> Option<String> {
    guard_annotation_strength(comment).map(|(m, _)| m)
}

/// The mutex a field's comment names, and whether the words are an annotation
/// (`+checklocks:mu`, `guarded by mu`: they win over what the code does) or prose
/// (`access should be protected by mu`: it loses to code that says otherwise).
pub fn guard_annotation_strength(comment: &str) -> Option<(String, bool)> {
    let lower = comment.to_ascii_lowercase();
    for marker in [
        "+checklocks:",
        "guarded by ",
        "protected by ",
        "guarded by: ",
        "protected by: ",
    ] {
        if let Some(i) = lower.find(marker) {
            let rest = &comment[i + marker.len()..];
            let word: String = rest
                .trim_start_matches(['`', '\''])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let word = word.trim_end_matches('.');
            let last = word.rsplit('.').next().unwrap_or("");
            if !last.is_empty() {
                // `// protected by mu` is an annotation; "access should be protected by
                // mu" in a sentence is prose.
                let at_start = lower
                    .trim_start_matches(['/', '*', ' ', '\t'])
                    .starts_with(marker.trim_end());
                let strong = !marker.starts_with("protected") || at_start;
                return Some((last.to_string(), strong));
            }
        }
    }
    None
}

/// What a mutex's own comment says it protects.
#[derive(Debug, PartialEq)]
enum Protects {
    /// The fields after it, up to a blank line ("protects the following fields",
    /// "protect the below").
    Following,
    /// These words: the fields it names ("protects listRempties").
    Named(Vec<String>),
}

fn mutex_comment(comment: &str) -> Option<Protects> {
    let lower = comment.to_ascii_lowercase();
    if lower.contains("guarded by") || lower.contains("protected by") {
        return None;
    }
    let at = ["protects", "protect", "guards", "guard"]
        .iter()
        .filter_map(|w| lower.find(w).map(|i| (i, std::cmp::Reverse(w.len()))))
        .min()?;
    let rest = &comment[at.0 + at.1 .0..];
    let words: Vec<&str> = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    const GROUP: [&str; 11] = [
        "below",
        "following",
        "fields",
        "these",
        "next",
        "rest",
        "after",
        "members",
        "state",
        "everything",
        "all",
    ];
    if words.is_empty()
        || words
            .iter()
            .any(|w| GROUP.contains(&w.to_ascii_lowercase().as_str()))
    {
        return Some(Protects::Following);
    }
    Some(Protects::Named(
        words.iter().map(|w| w.to_string()).collect(),
    ))
}

pub fn collect(files: &[&ParsedFile]) -> Decls {
    let mut decls = Decls::default();
    // Type names first: field types refer to types declared anywhere in the package.
    let mut struct_names = std::collections::HashSet::new();
    let mut map_types: Vec<(String, Node<'_>, &ParsedFile)> = Vec::new();
    for f in files {
        for ts in type_specs(f) {
            if let (Some(name), Some(ty)) = (ts.field("name"), ts.field("type")) {
                match ty.kind_name() {
                    "struct_type" => {
                        struct_names.insert(f.text(name).to_string());
                    }
                    "map_type" => map_types.push((f.text(name).to_string(), ty, f)),
                    _ => {}
                }
            }
        }
    }
    let map_names: std::collections::HashSet<String> =
        map_types.iter().map(|(n, _, _)| n.clone()).collect();
    let is_struct = |n: &str| {
        if struct_names.contains(n) {
            Hint::Struct(n.to_string())
        } else if map_names.contains(n) {
            Hint::Map
        } else {
            Hint::Other
        }
    };
    for (name, ty, f) in &map_types {
        let elem = map_elem(*ty, &f.src, &is_struct);
        decls.map_types.insert(name.clone(), elem);
    }
    for f in files {
        for ts in type_specs(f) {
            let (Some(name), Some(ty)) = (ts.field("name"), ts.field("type")) else {
                continue;
            };
            if ty.kind_name() == "struct_type" {
                let info = struct_info(f, ty, &is_struct);
                decls.structs.insert(f.text(name).to_string(), info);
            }
        }
        collect_vars(f, &is_struct, &mut decls);
        collect_held_on_entry(f, &mut decls);
    }
    decls.package_mutexes = decls
        .vars
        .iter()
        .filter(|(_, v)| matches!(v.hint, Hint::Mutex { .. }))
        .map(|(n, _)| n.clone())
        .collect();
    decls.package_mutexes.sort();
    decls
}

/// Read again what [`collect`] reads from the functions' declarations (conventions, the
/// package's function names), for callers that have the rest and parsed more since.
///
/// `more` holds, per file, what parses of other parts of it (since dropped) said: each
/// file's conventions are applied in the order of its declarations.
pub fn refresh_functions(decls: &mut Decls, files: &[&ParsedFile], more: &[&FunctionConventions]) {
    decls.held_on_entry.clear();
    decls.functions.clear();
    for (i, f) in files.iter().enumerate() {
        let mut conventions = function_conventions(f, &|_| true);
        if let Some(more) = more.get(i) {
            conventions.extend((*more).clone());
        }
        conventions.apply(decls);
    }
}

fn type_specs<'t>(f: &'t ParsedFile) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for decl in named_children(f.root()) {
        if decl.kind_name() != "type_declaration" {
            continue;
        }
        for spec in named_children(decl) {
            if spec.kind_name() == "type_spec" {
                out.push(spec);
            }
        }
    }
    out
}

/// Comments that belong to the declaration `siblings[k]` (its parent's named children):
/// the ones on the lines right above it and the one after it on its own line.
///
/// From the list of siblings, not `Node::prev_named_sibling`, which walks the parent's
/// children from the first each time: a struct of n commented fields cost n² steps.
fn attached_comments(
    f: &ParsedFile,
    siblings: &[Node<'_>],
    k: usize,
) -> (Vec<String>, Option<String>) {
    let node = siblings[k];
    let mut above = Vec::new();
    let mut row = node.start_position().row;
    for p in siblings[..k].iter().rev() {
        if p.kind_name() == "comment" && p.end_position().row + 1 == row {
            above.push(f.text(*p).to_string());
            row = p.start_position().row;
        } else {
            break;
        }
    }
    let trailing = siblings
        .get(k + 1)
        .filter(|n| n.kind_name() == "comment" && n.start_position().row == node.end_position().row)
        .map(|n| f.text(*n).to_string());
    (above, trailing)
}

fn struct_info(f: &ParsedFile, ty: Node<'_>, is_struct: &dyn Fn(&str) -> Hint) -> StructInfo {
    let mut info = StructInfo::default();
    let Some(list) = named_children(ty)
        .into_iter()
        .find(|n| n.kind_name() == "field_declaration_list")
    else {
        return info;
    };
    let mut following_guard: Option<String> = None;
    // Fields a mutex's comment names: `listRmu *sync.Mutex // protects listRempties`.
    let mut named_guards: HashMap<String, String> = HashMap::new();
    // The previous field: its index and last row.
    let mut last: Option<(usize, usize)> = None;
    let kids = named_children(list);
    for (k, &field) in kids.iter().enumerate() {
        if field.kind_name() != "field_declaration" {
            continue;
        }
        // A blank line ends a "protects the following fields" group.
        if let Some((last_k, r)) = last {
            let row = field.start_position().row;
            // Children come in order: the comments between the rows are between the two;
            // the rows between that no comment covers are blank.
            let comment_rows: usize = kids[last_k + 1..k]
                .iter()
                .filter(|n| {
                    n.kind_name() == "comment"
                        && n.start_position().row > r
                        && n.start_position().row < row
                })
                .map(|n| n.end_position().row - n.start_position().row + 1)
                .sum();
            if row > r + 1 + comment_rows {
                following_guard = None;
            }
        }
        last = Some((k, field.end_position().row));
        let (above, trailing) = attached_comments(f, &kids, k);
        let all_comments: Vec<&String> = above.iter().chain(trailing.iter()).collect();
        let named = all_comments
            .iter()
            .find_map(|c| guard_annotation_strength(c));
        let annotated = named.clone().filter(|(_, strong)| *strong).map(|(m, _)| m);
        let prose = named.filter(|(_, strong)| !*strong).map(|(m, _)| m);
        let Some(ty_node) = field.field("type") else {
            continue;
        };
        let hint = hint_of_type(ty_node, &f.src, is_struct);
        let mut cursor = field.walk();
        let names: Vec<String> = field
            .children_by_field_name("name", &mut cursor)
            .map(|n| f.text(n).to_string())
            .collect();
        if names.is_empty() {
            if let Hint::Mutex { rw } = hint {
                info.embedded_mutex = Some(rw);
            }
            continue;
        }
        if let Hint::Mutex { .. } = hint {
            for c in &all_comments {
                match mutex_comment(c) {
                    Some(Protects::Following) => following_guard = Some(names[0].clone()),
                    Some(Protects::Named(fields)) => {
                        for f in fields {
                            named_guards.entry(f).or_insert_with(|| names[0].clone());
                        }
                    }
                    None => {}
                }
            }
        }
        for name in names {
            let grouped = if matches!(hint, Hint::Mutex { .. }) || annotated.is_some() {
                None
            } else {
                prose.clone().or_else(|| following_guard.clone())
            };
            info.fields.insert(
                name,
                FieldInfo {
                    hint: hint.clone(),
                    is_chan: ty_node.kind_name() == "channel_type",
                    annotated_guard: annotated.clone(),
                    grouped_guard: grouped,
                    line: field.start_position().row + 1,
                    elem: map_elem(ty_node, &f.src, is_struct),
                    type_name: local_type_name(ty_node, &f.src),
                },
            );
        }
    }
    for (field, mutex) in named_guards {
        if let Some(f) = info.fields.get_mut(&field) {
            if f.annotated_guard.is_none() && !matches!(f.hint, Hint::Mutex { .. }) {
                f.grouped_guard = Some(mutex);
            }
        }
    }
    info
}

fn collect_vars(f: &ParsedFile, is_struct: &dyn Fn(&str) -> Hint, decls: &mut Decls) {
    for decl in named_children(f.root()) {
        if decl.kind_name() != "var_declaration" {
            continue;
        }
        // A spec is among the declaration's children, or the list's in `var ( … )`: its
        // siblings hold its comments.
        let decl_kids = named_children(decl);
        for (k, child) in decl_kids.iter().enumerate() {
            match child.kind_name() {
                "var_spec" => collect_var_spec(f, &decl_kids, k, is_struct, decls),
                "var_spec_list" => {
                    let kids = named_children(*child);
                    for j in 0..kids.len() {
                        if kids[j].kind_name() == "var_spec" {
                            collect_var_spec(f, &kids, j, is_struct, decls);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The variables of the spec `siblings[k]`.
fn collect_var_spec(
    f: &ParsedFile,
    siblings: &[Node<'_>],
    k: usize,
    is_struct: &dyn Fn(&str) -> Hint,
    decls: &mut Decls,
) {
    let spec = siblings[k];
    let (above, trailing) = attached_comments(f, siblings, k);
    let annotated = above
        .iter()
        .chain(trailing.iter())
        .find_map(|c| guard_annotation(c));
    let hint = spec
        .field("type")
        .map(|t| hint_of_type(t, &f.src, is_struct))
        .or_else(|| {
            spec.field("value")
                .and_then(|v| v.named_child(0))
                .map(|v| hint_of_value(v, &f.src, is_struct))
        })
        .unwrap_or(Hint::Other);
    let mut cursor = spec.walk();
    for name in spec.children_by_field_name("name", &mut cursor) {
        decls.vars.insert(
            f.text(name).to_string(),
            VarInfo {
                hint: hint.clone(),
                annotated_guard: annotated.clone(),
                elem: spec
                    .field("type")
                    .and_then(|t| map_elem(t, &f.src, is_struct)),
            },
        );
    }
}

/// What an initializer expression says about its value's type.
pub fn hint_of_value(node: Node<'_>, src: &[u8], is_struct: &dyn Fn(&str) -> Hint) -> Hint {
    // A loop, not recursion: `&(&(…))` nests as deep as the input likes.
    let mut node = node;
    loop {
        return match node.kind_name() {
            "composite_literal" => match node.field("type") {
                Some(t) => hint_of_type(t, src, is_struct),
                None => Hint::Other,
            },
            "unary_expression" if text(node, src).starts_with('&') => match node.field("operand") {
                Some(o) => {
                    node = o;
                    continue;
                }
                None => Hint::Other,
            },
            "call_expression" => {
                let func = node.field("function").map(|n| text(n, src)).unwrap_or("");
                let first_arg = node.field("arguments").and_then(|a| a.named_child(0));
                match (func, first_arg) {
                    ("make", Some(a)) | ("new", Some(a)) => {
                        let h = hint_of_type(a, src, is_struct);
                        if func == "new" && h == Hint::Map {
                            Hint::Other
                        } else {
                            h
                        }
                    }
                    _ => Hint::Other,
                }
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => {
                    node = inner;
                    continue;
                }
                None => Hint::Other,
            },
            _ => Hint::Other,
        };
    }
}

/// The receiver's type name of a method declaration (`func (s *S) f()` → "S").
pub fn receiver_type(f: &ParsedFile, method: Node<'_>) -> Option<(String, Option<String>)> {
    let recv = method.field("receiver")?;
    let param = named_children(recv)
        .into_iter()
        .find(|n| n.kind_name() == "parameter_declaration")?;
    let ty = param.field("type")?;
    let mut t = ty;
    while t.kind_name() == "pointer_type" || t.kind_name() == "parenthesized_type" {
        t = t.named_child(0)?;
    }
    if t.kind_name() == "generic_type" {
        t = t.field("type")?;
    }
    let name = param.field("name").map(|n| f.text(n).to_string());
    Some((f.text(t).to_string(), name))
}

fn collect_held_on_entry(f: &ParsedFile, decls: &mut Decls) {
    function_conventions(f, &|_| true).apply(decls);
}

/// What the functions declared in one tree say for [`Decls::functions`] and
/// [`Decls::held_on_entry`], with where each convention was declared: a parse of parts
/// of a file contributes its share, and [`refresh_functions`] puts the shares of one
/// file back in the file's order.
#[derive(Debug, Default, Clone)]
pub struct FunctionConventions {
    /// The package-level functions (no receiver) declared.
    pub names: Vec<String>,
    /// By the start byte of the declaration: `(receiver type, name)` and its convention.
    pub held: Vec<(usize, (String, String), HeldByConvention)>,
}

impl FunctionConventions {
    pub fn extend(&mut self, other: FunctionConventions) {
        self.names.extend(other.names);
        self.held.extend(other.held);
    }

    /// Into `decls`, in the order of the declarations: of two declarations of one
    /// function (one per build tag), the later one's convention stands, as when one tree
    /// holds both.
    fn apply(mut self, decls: &mut Decls) {
        decls.functions.extend(self.names);
        self.held.sort_by_key(|(at, _, _)| *at);
        for (_, key, conv) in self.held {
            decls.held_on_entry.insert(key, conv);
        }
    }
}

/// The conventions of the declarations of `f` whose start byte `keep` accepts (names of
/// package-level functions are taken from every declaration).
pub fn function_conventions(f: &ParsedFile, keep: &dyn Fn(usize) -> bool) -> FunctionConventions {
    let mut out = FunctionConventions::default();
    let kids = named_children(f.root());
    for decl in &kids {
        if decl.kind_name() == "function_declaration" {
            if let Some(n) = decl.field("name") {
                out.names.push(f.text(n).to_string());
            }
        }
    }
    for (k, &decl) in kids.iter().enumerate() {
        let (recv, name) = match decl.kind_name() {
            "method_declaration" => (
                receiver_type(f, decl).map(|r| r.0).unwrap_or_default(),
                decl.field("name").map(|n| f.text(n).to_string()),
            ),
            "function_declaration" => (
                String::new(),
                decl.field("name").map(|n| f.text(n).to_string()),
            ),
            _ => continue,
        };
        let Some(name) = name else { continue };
        if !keep(decl.start_byte()) {
            continue;
        }
        let (doc, _) = attached_comments(f, &kids, k);
        let doc = doc.join("\n");
        let by_doc = doc_says_held(&doc);
        let by_name = name.ends_with("Locked") && !name.ends_with("Unlocked");
        if !(by_doc || by_name) {
            continue;
        }
        let mut mentioned: Vec<String> = Vec::new();
        if by_doc {
            for word in doc.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')) {
                let last = word.trim_end_matches('.').rsplit('.').next().unwrap_or("");
                if looks_like_mutex_name(last) && !mentioned.iter().any(|m| m == last) {
                    mentioned.push(last.to_string());
                }
            }
        }
        out.held.push((
            decl.start_byte(),
            (recv, name),
            HeldByConvention {
                // Empty means "the receiver's mutexes": resolved against the struct later.
                mutexes: mentioned,
                reason: if by_doc {
                    "its doc comment says the lock must be held by the caller"
                } else {
                    "its name ends in `Locked`: callers hold the lock"
                },
            },
        ));
    }
    out
}

fn doc_says_held(doc: &str) -> bool {
    let lower = doc.to_ascii_lowercase();
    lower.contains("must be held")
        || lower.contains("must hold")
        || lower.contains("is held")
        || lower.contains("be locked")
        || lower.contains("with the lock held")
        || lower.contains("+checklocks:")
        || (lower.contains("held") && (lower.contains("called with") || lower.contains("requires")))
}

fn looks_like_mutex_name(w: &str) -> bool {
    let l = w.to_ascii_lowercase();
    l == "mu"
        || l.ends_with("mu")
        || l.ends_with("mutex")
        || l.ends_with("lock") && l != "lock" && l != "unlock"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn a_mutex_comment_names_fields_or_a_group() {
        assert_eq!(
            mutex_comment("// protects the fields below"),
            Some(Protects::Following)
        );
        assert_eq!(
            mutex_comment("// protect the below"),
            Some(Protects::Following)
        );
        assert_eq!(mutex_comment("// guards"), Some(Protects::Following));
        assert_eq!(
            mutex_comment("// protects listRempties"),
            Some(Protects::Named(vec!["listRempties".into()]))
        );
        assert_eq!(mutex_comment("// guarded by mu"), None);
        assert_eq!(mutex_comment("// a mutex"), None);
    }

    #[test]
    fn annotations_name_the_mutex() {
        assert_eq!(guard_annotation("// guarded by mu").as_deref(), Some("mu"));
        assert_eq!(
            guard_annotation("// Protected by s.mu.").as_deref(),
            Some("mu")
        );
        assert_eq!(
            guard_annotation("// +checklocks:cacheMu").as_deref(),
            Some("cacheMu")
        );
        assert_eq!(guard_annotation("// a plain comment"), None);
    }

    #[test]
    fn struct_fields_and_guards() {
        let f = parse(
            br#"package p

import "sync"

type Cache struct {
	mu    sync.Mutex // protects the fields below
	items map[string]int
	hits  int

	other map[string]bool
	// +checklocks:rw
	byID map[int]string
	rw   sync.RWMutex
	sync.Mutex
}

// evictLocked drops old entries.
func (c *Cache) evictLocked() {}

// drop removes k. c.mu must be held.
func (c *Cache) drop(k string) {}
"#
            .to_vec(),
        );
        let d = collect(&[&f]);
        let c = &d.structs["Cache"];
        assert_eq!(c.fields["items"].hint, Hint::Map);
        assert_eq!(c.fields["items"].grouped_guard.as_deref(), Some("mu"));
        assert_eq!(
            c.fields["other"].grouped_guard, None,
            "a blank line ends the group"
        );
        assert_eq!(c.fields["byID"].annotated_guard.as_deref(), Some("rw"));
        assert_eq!(c.fields["rw"].hint, Hint::Mutex { rw: true });
        assert_eq!(c.embedded_mutex, Some(false));
        assert!(d
            .held_on_entry
            .contains_key(&("Cache".into(), "evictLocked".into())));
        assert_eq!(
            d.held_on_entry[&("Cache".into(), "drop".into())].mutexes,
            vec!["mu".to_string()]
        );
    }
}
