use std::cell::RefCell;
use tree_sitter::{Node, Parser, Point, Range, Tree};

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
    parse_ranges(src, &[])
}

/// Parse only what lies outside `bodies` (the `{`/`}` offsets of function bodies): the
/// package clause, imports, types, variables and function signatures with their doc
/// comments, at a fraction of the cost. Each body reads as `{}`; every node keeps its
/// offsets and positions in the whole file.
pub fn parse_declarations(src: Vec<u8>, bodies: &[(usize, usize)]) -> ParsedFile {
    parse_ranges(src, bodies)
}

/// Parse only the byte ranges `keep` (sorted, disjoint, `[start, end)`), as if the rest
/// of the file were not there; every node keeps its offsets and positions in the file.
pub fn parse_only(src: Vec<u8>, keep: &[(usize, usize)]) -> ParsedFile {
    let lines = LineIndex::new(&src);
    parse_kept(src, lines, keep, None)
}

impl ParsedFile {
    /// No source and an empty tree: a placeholder while a file is parsed again.
    pub fn empty() -> ParsedFile {
        parse_only(Vec::new(), &[])
    }

    /// The bytes, not parsed yet: an empty tree, and no line index until a parse.
    pub fn unparsed(src: Vec<u8>) -> ParsedFile {
        parse_kept(src, LineIndex::new(&[]), &[], None)
    }

    /// A copy of the bytes and lines with an empty tree: for [`ParsedFile::with_other_part`]
    /// on another thread.
    pub fn copy_unparsed(&self) -> ParsedFile {
        parse_kept(self.src.clone(), self.lines.clone(), &[], None)
    }

    /// [`parse_only`] of these bytes with other ranges, into a tree of its own that `read`
    /// gets and that is dropped after: this tree stays as it is. The bytes are lent, not
    /// copied (a large file is parsed in many parts), and come back here after `read`.
    pub fn with_other_part<R>(
        &mut self,
        keep: &[(usize, usize)],
        read: impl FnOnce(&ParsedFile) -> R,
    ) -> R {
        let src = std::mem::take(&mut self.src);
        let lines = std::mem::replace(&mut self.lines, LineIndex::new(&[]));
        let part = parse_kept(src, lines, keep, None);
        let out = read(&part);
        self.src = part.src;
        self.lines = part.lines;
        out
    }

    /// [`parse_only`] with other ranges, of the same bytes: tree-sitter reuses what it
    /// parsed before outside the ranges that changed.
    pub fn reparse_only(self, keep: &[(usize, usize)]) -> ParsedFile {
        let ParsedFile { src, tree, lines } = self;
        parse_kept(src, lines, keep, Some(&tree))
    }
}

fn parse_kept(
    src: Vec<u8>,
    lines: LineIndex,
    keep: &[(usize, usize)],
    old: Option<&Tree>,
) -> ParsedFile {
    let point = |byte: usize| {
        let p = lines.position(byte);
        Point {
            row: p.line - 1,
            column: p.column - 1,
        }
    };
    // No ranges would mean the whole file: an empty one means nothing.
    let nothing = [(0, 0)];
    let keep = if keep.is_empty() { &nothing[..] } else { keep };
    let ranges: Vec<Range> = keep
        .iter()
        .map(|&(start, end)| Range {
            start_byte: start,
            end_byte: end,
            start_point: point(start),
            end_point: point(end),
        })
        .collect();
    let tree = with_parser(|parser| {
        parser
            .set_included_ranges(&ranges)
            .expect("the ranges are sorted and disjoint");
        let tree = parser.parse(&src, old);
        parser
            .set_included_ranges(&[])
            .expect("no ranges: the whole file");
        tree
    });
    ParsedFile { src, tree, lines }
}

fn with_parser(f: impl FnOnce(&mut Parser) -> Option<Tree>) -> Tree {
    PARSER
        .with(|cell| {
            let mut slot = cell.borrow_mut();
            let parser = slot.get_or_insert_with(|| {
                let mut p = Parser::new();
                p.set_language(&tree_sitter_go::LANGUAGE.into())
                    .expect("the bundled tree-sitter-go grammar matches the tree-sitter version");
                p
            });
            f(parser)
        })
        .expect("parse only returns None after a timeout or cancellation, which we never set")
}

fn parse_ranges(src: Vec<u8>, bodies: &[(usize, usize)]) -> ParsedFile {
    let lines = LineIndex::new(&src);
    let mut ranges = Vec::new();
    if !bodies.is_empty() {
        let point = |byte: usize| {
            let p = lines.position(byte);
            Point {
                row: p.line - 1,
                column: p.column - 1,
            }
        };
        let mut start = 0;
        for &(open, close) in bodies {
            ranges.push(Range {
                start_byte: start,
                end_byte: open + 1,
                start_point: point(start),
                end_point: point(open + 1),
            });
            start = close;
        }
        ranges.push(Range {
            start_byte: start,
            end_byte: src.len(),
            start_point: point(start),
            end_point: point(src.len()),
        });
    }
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_go::LANGUAGE.into())
                .expect("the bundled tree-sitter-go grammar matches the tree-sitter version");
            p
        });
        // No ranges: the whole file. Ranges that are sorted and disjoint are always accepted.
        parser
            .set_included_ranges(&ranges)
            .expect("body ranges are sorted and disjoint");
        parser
            .parse(&src, None)
            .expect("parse only returns None after a timeout or cancellation, which we never set")
    });
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
            // A subtree of c nodes (itself included) reaches at most c - 1 levels below
            // its root: most subtrees are too small to matter and are not walked.
            let small = depth + cursor.node().descendant_count() - 1 <= limit;
            if !small && cursor.goto_first_child() {
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

    /// Every node of a tree, in order: kind, byte range and depth.
    fn preorder(f: &ParsedFile) -> Vec<(&'static str, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut cursor = f.root().walk();
        let mut depth = 0;
        loop {
            let n = cursor.node();
            out.push((n.kind(), n.start_byte(), n.end_byte(), depth));
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return out;
                }
                depth -= 1;
            }
        }
    }

    /// The walk skips small subtrees; it finds what a walk of every node finds.
    #[test]
    fn nesting_skips_only_what_cannot_matter() {
        let every_node =
            |f: &ParsedFile, limit: usize| preorder(f).iter().find(|n| n.3 > limit).map(|n| n.1);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut sources = vec![
            format!(
                "package p\nfunc f() {{ {} }}\n",
                "if x { } else ".repeat(300) + "{}"
            ),
            format!("package p\nvar x = 1{}\n", " + 1".repeat(500)),
        ];
        for rule in std::fs::read_dir(root.join("../testdata/examples")).unwrap() {
            let path = rule.unwrap().path();
            if path.extension().is_some_and(|e| e == "go") {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
        for src in sources {
            let f = parse(src.into_bytes());
            for limit in [0, 1, 2, 5, 10, 20, 50, 100, 200, 400, 1000] {
                assert_eq!(f.nesting_exceeds(limit), every_node(&f, limit), "{limit}");
            }
        }
    }

    /// A parse of more ranges that reuses the earlier parse is the parse from scratch.
    #[test]
    fn reparsing_more_ranges_is_parsing_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples");
        let mut reparses = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "go") {
                continue;
            }
            let src = std::fs::read(&path).unwrap();
            let index = crate::model::demand::index::index(&src);
            // Grow from the declarations to every function, one function at a time.
            let mut ranges = index.type_and_var_decls.clone();
            let mut file = parse_only(src.clone(), &ranges);
            for f in &index.functions {
                ranges.push((f.start, f.close + 1));
                ranges.sort_unstable();
                file = file.reparse_only(&ranges);
                let fresh = parse_only(src.clone(), &ranges);
                assert_eq!(preorder(&file), preorder(&fresh), "{}", path.display());
                reparses += 1;
            }
        }
        assert!(reparses > 10, "{reparses}");
    }

    #[test]
    fn declarations_without_bodies_keep_their_positions() {
        let src = b"package p\n\n// F does.\nfunc F() {\n\tx := 1\n\t_ = x\n}\n\ntype S struct{ m map[string]int }\n".to_vec();
        let open = src.iter().position(|&b| b == b'{').unwrap();
        let close = src.iter().position(|&b| b == b'}').unwrap();
        let f = parse_declarations(src, &[(open, close)]);
        assert!(!f.has_syntax_errors(), "{}", f.root().to_sexp());
        let kids = crate::syntax::named_children(f.root());
        let ty = kids
            .iter()
            .find(|n| n.kind() == "type_declaration")
            .unwrap();
        assert_eq!(ty.start_position().row, 8);
        assert_eq!(f.text(*ty), "type S struct{ m map[string]int }");
        let func = kids
            .iter()
            .find(|n| n.kind() == "function_declaration")
            .unwrap();
        let body = func.child_by_field_name("body").unwrap();
        assert_eq!(body.named_child_count(), 0);
        // The next parse on this thread sees the whole file again.
        let g = parse(b"package p\nfunc g() { h() }\n".to_vec());
        assert!(g.text(g.root()).contains("h()"));
        assert!(!g.has_syntax_errors());
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
