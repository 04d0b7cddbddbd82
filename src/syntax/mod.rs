//! tree-sitter parsing of Go, node helpers, and text positions ([`lines`]: line
//! starts and ends, indentation, line endings, columns).
//! Nothing here knows about rules.

pub mod lex;
pub mod lines;
mod node;
mod parse;
mod walk;

pub use lines::LineIndex;
pub use node::NodeExt;
pub use parse::{parse, parse_declarations, parse_only, ParsedFile, SyntaxError};
pub use walk::{children, descendants, named_children, text, Descendants};
