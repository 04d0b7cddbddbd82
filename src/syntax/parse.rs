use std::cell::RefCell;
use tree_sitter::{Node, Parser, Tree};

use super::LineIndex;

/// A parsed Go file: the source bytes, the tree and the line index, owned together.
pub struct ParsedFile {
    pub src: Vec<u8>,
    pub tree: Tree,
    pub lines: LineIndex,
}

/// Where tree-sitter had to recover: an ERROR node or a MISSING token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub start_byte: usize,
    pub end_byte: usize,
    pub line: usize,
    pub column: usize,
}

thread_local! {
    // One parser per thread: building a parser costs more than parsing a small file.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse Go source. Never fails on bad input: syntax errors become ERROR nodes and are
/// listed by [`ParsedFile::syntax_errors`].
pub fn parse(src: Vec<u8>) -> ParsedFile {
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_go::LANGUAGE.into())
                .expect("the bundled tree-sitter-go grammar matches the tree-sitter version");
            p
        });
        parser
            .parse(&src, None)
            .expect("parse only returns None after a timeout or cancellation, which we never set")
    });
    let lines = LineIndex::new(&src);
    ParsedFile { src, tree, lines }
}

impl ParsedFile {
    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }

    pub fn text(&self, node: Node<'_>) -> &str {
        super::text(node, &self.src)
    }

    pub fn has_syntax_errors(&self) -> bool {
        self.root().has_error()
    }

    /// The outermost recovered regions, in source order.
    pub fn syntax_errors(&self) -> Vec<SyntaxError> {
        let mut out = Vec::new();
        if !self.has_syntax_errors() {
            return out;
        }
        let mut stack = vec![self.root()];
        while let Some(node) = stack.pop() {
            if node.is_error() || node.is_missing() {
                let p = self.lines.position(node.start_byte());
                out.push(SyntaxError {
                    start_byte: node.start_byte(),
                    end_byte: node.end_byte(),
                    line: p.line,
                    column: p.column,
                });
                continue;
            }
            if node.has_error() {
                let mut cursor = node.walk();
                let kids: Vec<_> = node.children(&mut cursor).collect();
                stack.extend(kids.into_iter().rev());
            }
        }
        out.sort_by_key(|e| e.start_byte);
        out
    }

    /// Where the tree first nests deeper than `limit` levels (the byte offset of the first
    /// node below that depth), walked without recursion. `None` when it never does.
    ///
    /// The model and the rules walk the tree recursively; a file nested deeper than they
    /// can follow on a thread's stack is left out rather than allowed to overflow it.
    pub fn nesting_exceeds(&self, limit: usize) -> Option<usize> {
        let mut cursor = self.root().walk();
        let mut depth = 0usize;
        loop {
            if depth > limit {
                return Some(cursor.node().start_byte());
            }
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return None;
                }
                depth -= 1;
            }
        }
    }

    /// True when `node` overlaps a region tree-sitter had to recover. Findings there
    /// would rest on a guessed tree, so the engine skips them.
    pub fn in_broken_region(&self, node: Node<'_>) -> bool {
        let mut n = Some(node);
        while let Some(cur) = n {
            if cur.is_error() || cur.is_missing() {
                return true;
            }
            n = cur.parent();
        }
        node.has_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_file_has_no_errors() {
        let f = parse(b"package p\n\nfunc f() { defer g() }\n".to_vec());
        assert!(!f.has_syntax_errors());
        assert!(f.syntax_errors().is_empty());
    }

    #[test]
    fn nesting_depth_is_found_without_recursion() {
        let f = parse(b"package p\n\nvar x = ((1))\n".to_vec());
        let depth = (0..).find(|&l| f.nesting_exceeds(l).is_none()).unwrap();
        assert!(f.nesting_exceeds(depth - 1).is_some());
        let deep = format!(
            "package p\n\nvar x = {}1{}\n",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let f = parse(deep.into_bytes());
        let at = f.nesting_exceeds(1_000).unwrap();
        assert_eq!(f.lines.position(at).line, 3);
    }

    #[test]
    fn broken_file_reports_where() {
        let f = parse(b"package p\n\nfunc f() {\n\tx := \n}\n\nfunc g() {}\n".to_vec());
        assert!(f.has_syntax_errors());
        let errs = f.syntax_errors();
        assert!(!errs.is_empty());
        assert!(errs[0].line >= 4, "{errs:?}");
    }
}
