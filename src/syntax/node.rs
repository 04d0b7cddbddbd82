//! A node's kind and its fields by number. tree-sitter's `Node::kind` measures and
//! checks a C string on every call, and `Node::child_by_field_name` compares the name
//! with every field's name in turn; the model asks both millions of times on a large
//! package. The grammar's names are read once into tables, so asking costs an index or a
//! short scan of Rust strings.

use std::sync::LazyLock;

use tree_sitter::{Language, Node};

struct Names {
    /// By kind id.
    kinds: Vec<&'static str>,
    /// By field id, 0 unused.
    fields: Vec<&'static str>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    let language: Language = tree_sitter_go::LANGUAGE.into();
    let kinds = (0..language.node_kind_count())
        .map(|id| language.node_kind_for_id(id as u16).unwrap_or(""))
        .collect();
    let fields = (0..=language.field_count())
        .map(|id| language.field_name_for_id(id as u16).unwrap_or(""))
        .collect();
    Names { kinds, fields }
});

/// [`Node::kind`] and [`Node::child_by_field_name`] from the grammar's tables.
pub trait NodeExt<'tree> {
    /// The node's kind, as `Node::kind` gives it.
    fn kind_name(&self) -> &'static str;
    /// The child in field `name`, as `Node::child_by_field_name` gives it.
    fn field(&self, name: &str) -> Option<Node<'tree>>;
}

impl<'tree> NodeExt<'tree> for Node<'tree> {
    fn kind_name(&self) -> &'static str {
        NAMES
            .kinds
            .get(usize::from(self.kind_id()))
            .copied()
            .unwrap_or_else(|| self.kind())
    }

    fn field(&self, name: &str) -> Option<Node<'tree>> {
        let id = NAMES.fields.iter().position(|f| *f == name)?;
        self.child_by_field_id(id as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_fields_match_tree_sitters_own() {
        let src = "package p\n\nfunc (s *S) f(m map[string]int) {\n\tdefer delete(m, \"k\")\n\tgo func() { m[\"k\"]++ }()\n}\n";
        let file = crate::syntax::parse(src.as_bytes().to_vec());
        // Every node, anonymous ones (`(`, `defer`) too.
        let mut stack = vec![file.root()];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            assert_eq!(n.kind_name(), n.kind());
            for name in [
                "name",
                "body",
                "receiver",
                "function",
                "arguments",
                "operand",
            ] {
                assert_eq!(n.field(name), n.child_by_field_name(name));
            }
            seen += 1;
            stack.extend(crate::syntax::children(n));
        }
        assert!(seen > 50, "{seen} nodes");
        assert_eq!(file.root().field("no such field"), None);
    }
}
