use tree_sitter::Node;

/// The source text of `node`; Go source that is not UTF-8 yields "" rather than a panic.
pub fn text<'s>(node: Node<'_>, src: &'s [u8]) -> &'s str {
    std::str::from_utf8(&src[node.start_byte()..node.end_byte()]).unwrap_or("")
}

pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

pub fn children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

/// Pre-order walk over named descendants (not `node` itself), without recursion so that
/// deeply nested input cannot overflow the stack. `skip` prunes a subtree.
pub struct Descendants<'t, F: FnMut(Node<'t>) -> bool> {
    stack: Vec<Node<'t>>,
    skip: F,
}

pub fn descendants<'t, F: FnMut(Node<'t>) -> bool>(node: Node<'t>, skip: F) -> Descendants<'t, F> {
    let mut stack = named_children(node);
    stack.reverse();
    Descendants { stack, skip }
}

impl<'t, F: FnMut(Node<'t>) -> bool> Iterator for Descendants<'t, F> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        let node = self.stack.pop()?;
        if !(self.skip)(node) {
            let mut kids = named_children(node);
            kids.reverse();
            self.stack.extend(kids);
        }
        Some(node)
    }
}
