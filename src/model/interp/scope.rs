//! Scopes and bindings, and what an expression denotes: the place of a map or mutex
//! expression, normalized across functions, and what its type says.

use tree_sitter::Node;

use super::known;
use super::Interp;
use crate::model::decls::{hint_of_type, hint_of_value, Hint};
use crate::model::function::*;
use crate::model::place::{MutexKey, Place, Root, ELEM};
use crate::syntax::{named_children, NodeExt};

impl<'a> Interp<'a> {
    pub(super) fn declare(
        &mut self,
        name: &str,
        decl: usize,
        kind: BindingKind,
        hint: Hint,
        type_text: Option<String>,
    ) -> usize {
        let id = self.model.bindings.len();
        let frame = self
            .frames
            .last()
            .map(|f| f.start)
            .unwrap_or(self.model.start);
        self.model.bindings.push(Binding {
            name: name.to_string(),
            decl,
            kind,
            hint,
            type_text,
            assigns: Vec::new(),
            frame,
            fresh: false,
            escaped: false,
            handed_to: None,
            alias: None,
            closure: None,
        });
        if name != "_" {
            self.scope.push((name.to_string(), id));
        }
        id
    }

    pub(super) fn lookup(&self, name: &str) -> Option<usize> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }

    /// The literal a call's function runs when it is a variable bound to one.
    pub(super) fn closure_of(&self, func: Node<'_>) -> Option<Node<'a>> {
        if func.kind_name() != "identifier" {
            return None;
        }
        let id = self.lookup(self.text(func))?;
        let b = &self.model.bindings[id];
        let (start, end) = b.closure?;
        // Reassigned: which literal runs is not known.
        if !b.assigns.is_empty() {
            return None;
        }
        let lit = self.decl.descendant_for_byte_range(start, end)?;
        (lit.kind_name() == "func_literal").then_some(lit)
    }

    pub(super) fn type_hint(&self, ty: Node<'_>) -> Hint {
        hint_of_type(ty, &self.f.src, &|n| self.decls.named(n))
    }

    pub(super) fn value_hint(&self, v: Node<'_>) -> Hint {
        // A call of the package's function or method: what it returns.
        if v.kind_name() == "call_expression" {
            if let Some(func) = v.field("function") {
                let (name, receiver) = match func.kind_name() {
                    "identifier" if self.lookup(self.text(func)).is_none() => {
                        (Some(self.text(func)), Some(String::new()))
                    }
                    "selector_expression" => {
                        // Not `pkg.F(…)`: an import's name is no variable.
                        let operand = func.field("operand").filter(|o| {
                            o.kind_name() != "identifier"
                                || self.lookup(self.text(*o)).is_some()
                                || self.decls.vars.contains_key(self.text(*o))
                        });
                        (
                            operand
                                .and_then(|_| func.field("field"))
                                .map(|f| self.text(f)),
                            operand.and_then(|o| self.type_name_of(o)),
                        )
                    }
                    _ => (None, None),
                };
                if let Some(h) = name.and_then(|n| self.decls.result_of(n, receiver.as_deref())) {
                    return h;
                }
            }
        }
        if v.kind_name() == "identifier" {
            if let Some(id) = self.lookup(self.text(v)) {
                return self.model.bindings[id].hint.clone();
            }
        }
        if let Some(place) = self.place(v) {
            if let Some(h) = self.place_hint(&place) {
                return h;
            }
        }
        hint_of_value(v, &self.f.src, &|n| self.decls.named(n))
    }

    /// The name of the package's type that `v` has, where the model knows it: a
    /// variable of a struct type, or a field whose declared type is named.
    fn type_name_of(&self, v: Node<'_>) -> Option<String> {
        match v.kind_name() {
            "identifier" | "selector_expression" => {}
            "parenthesized_expression" => return self.type_name_of(v.named_child(0)?),
            _ => return None,
        }
        let place = self.place(v)?;
        if let Some(Hint::Struct(s)) = self.place_hint(&place) {
            return Some(s);
        }
        let (field, parent) = (place.fields.last()?, place.parent()?);
        // A receiver's place is rooted at its type.
        let s = match (&parent.root, parent.fields.is_empty()) {
            (Root::Type(s), true) => s.clone(),
            _ => match self.place_hint(&parent) {
                Some(Hint::Struct(s)) => s,
                _ => return None,
            },
        };
        self.decls
            .structs
            .get(&s)?
            .fields
            .get(field)?
            .type_name
            .clone()
    }

    pub(super) fn declare_params(&mut self, list: Node<'_>, kind: BindingKind) {
        for p in named_children(list) {
            if p.kind_name() != "parameter_declaration"
                && p.kind_name() != "variadic_parameter_declaration"
            {
                continue;
            }
            let ty = p.field("type");
            let hint = ty.map(|t| self.type_hint(t)).unwrap_or(Hint::Other);
            let type_text = ty.map(|t| {
                if p.kind_name() == "variadic_parameter_declaration" {
                    format!("...{}", self.text(t))
                } else {
                    self.text(t).to_string()
                }
            });
            let mut cursor = p.walk();
            let names: Vec<Node<'_>> = p.children_by_field_name("name", &mut cursor).collect();
            for n in names {
                let name = self.text(n).to_string();
                self.declare(&name, n.start_byte(), kind, hint.clone(), type_text.clone());
            }
        }
    }

    /// What a map or mutex expression denotes.
    pub(super) fn place(&self, e: Node<'_>) -> Option<Place> {
        match e.kind_name() {
            "identifier" => {
                let name = self.text(e);
                if let Some(id) = self.lookup(name) {
                    let b = &self.model.bindings[id];
                    // A local bound to a map of the package (`cache := d.active`,
                    // `e := s.entries[q]`) is that map, until the field is replaced.
                    if let Some(alias) = &b.alias {
                        let replaced = self
                            .place_assigns
                            .iter()
                            .any(|(p, at)| p == alias && *at > b.decl);
                        if !replaced {
                            return Some(alias.clone());
                        }
                    }
                    if let Hint::Struct(s) = &b.hint {
                        return Some(Place {
                            root: Root::Type(s.clone()),
                            fields: vec![],
                        });
                    }
                    return Some(Place {
                        root: Root::Local {
                            func: self.model.start,
                            binding: id,
                            name: name.to_string(),
                        },
                        fields: vec![],
                    });
                }
                if let Some(v) = self.decls.vars.get(name) {
                    if let Hint::Struct(s) = &v.hint {
                        return Some(Place {
                            root: Root::Type(s.clone()),
                            fields: vec![],
                        });
                    }
                    return Some(Place {
                        root: Root::Pkg(name.to_string()),
                        fields: vec![],
                    });
                }
                Some(Place {
                    root: Root::Opaque(name.to_string()),
                    fields: vec![],
                })
            }
            "selector_expression" => {
                let operand = e.field("operand")?;
                let field = self.text(e.field("field")?).to_string();
                let mut p = self.place(operand)?;
                if let Root::Opaque(t) = &p.root {
                    if p.fields.is_empty() && self.lookup(t).is_none() {
                        // `pkg.Var` of an imported package, or a name we cannot see.
                        return Some(Place {
                            root: Root::Opaque(self.text(e).to_string()),
                            fields: vec![],
                        });
                    }
                }
                p.fields.push(field);
                Some(self.normalize(p))
            }
            "parenthesized_expression" => self.place(e.named_child(0)?),
            "unary_expression" if self.text(e).starts_with('*') => self.place(e.field("operand")?),
            // `s.addrs[p]` of a map of maps: an element, guarded as the map is.
            "index_expression" => {
                let operand = e.field("operand")?;
                let p = self.place(operand)?;
                if self.is_map(&p) && self.elem_hint(&p) == Some(Hint::Map) {
                    let mut inner = p;
                    inner.fields.push(ELEM.to_string());
                    return Some(inner);
                }
                Some(Place::root(Root::Opaque(self.text(e).to_string())))
            }
            _ => Some(Place {
                root: Root::Opaque(self.text(e).to_string()),
                fields: vec![],
            }),
        }
    }

    /// Re-root `S.f.g` at `T.g` when `S.f` is a struct `T` of this package with a mutex of
    /// its own, so that the same field meets under one key whatever path reached it. A
    /// nested struct without one keeps its path: the outer struct's mutex guards it.
    pub(super) fn normalize(&self, mut p: Place) -> Place {
        loop {
            let Root::Type(s) = &p.root else { return p };
            if p.fields.is_empty() {
                return p;
            }
            let Some(info) = self.decls.structs.get(s) else {
                return p;
            };
            let Some(field) = info.fields.get(&p.fields[0]) else {
                return p;
            };
            let Hint::Struct(t) = &field.hint else {
                return p;
            };
            let has_mutex = self
                .decls
                .structs
                .get(t)
                .is_some_and(|i| !i.mutex_fields().is_empty() || i.embedded_mutex.is_some());
            if !has_mutex {
                return p;
            }
            p = Place {
                root: Root::Type(t.clone()),
                fields: p.fields[1..].to_vec(),
            };
        }
    }

    /// What the elements of the map at `p` are, when its declaration says.
    pub(super) fn elem_hint(&self, p: &Place) -> Option<Hint> {
        match (&p.root, p.fields.as_slice()) {
            (Root::Type(s), [f]) => self.decls.structs.get(s)?.fields.get(f)?.elem.clone(),
            (Root::Pkg(v), []) => self.decls.vars.get(v)?.elem.clone(),
            _ => None,
        }
    }

    pub(super) fn place_hint(&self, p: &Place) -> Option<Hint> {
        if p.fields.last().is_some_and(|f| f == ELEM) {
            return self.elem_hint(&p.parent()?);
        }
        match (&p.root, p.fields.as_slice()) {
            (Root::Type(s), [f]) => self
                .decls
                .structs
                .get(s)?
                .fields
                .get(f)
                .map(|f| f.hint.clone()),
            // Through nested structs of the package: `Book.state.calls`.
            (Root::Type(s), [f, rest @ ..]) => {
                let Hint::Struct(t) = &self.decls.structs.get(s)?.fields.get(f)?.hint else {
                    return None;
                };
                self.place_hint(&Place {
                    root: Root::Type(t.clone()),
                    fields: rest.to_vec(),
                })
            }
            (Root::Pkg(v), []) => self.decls.vars.get(v).map(|v| v.hint.clone()),
            (Root::Local { binding, .. }, []) => Some(self.model.bindings[*binding].hint.clone()),
            _ => None,
        }
    }

    pub(super) fn is_map(&self, p: &Place) -> bool {
        self.place_hint(p) == Some(Hint::Map)
    }

    /// `x.Lock()` and the like: the mutex and the method.
    pub(super) fn mutex_call(&self, call: Node<'_>) -> Option<(MutexKey, LockMethod)> {
        let func = call.field("function")?;
        if func.kind_name() != "selector_expression" {
            return None;
        }
        let args = call.field("arguments")?;
        if args.named_child_count() != 0 {
            return None;
        }
        let m = known::mutex_method(self.text(func.field("field")?))?;
        let operand = func.field("operand")?;
        let place = self.place(operand)?;
        // `x.Lock()` on something that is not known to be a mutex still counts only when
        // its type is unknown to us; a struct without a mutex is not one.
        if let Some(Hint::Struct(s)) = self.place_hint(&place) {
            if self
                .decls
                .structs
                .get(&s)
                .is_some_and(|i| i.embedded_mutex.is_none())
            {
                return None;
            }
        }
        Some((MutexKey(place), m))
    }
}
