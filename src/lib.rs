//! defuse: finds Go code where `defer` meets maps and rewrites it into safe forms.
//!
//! Data flows one way: paths → files → candidates → facts → findings → edits → output.

pub mod catalog;
pub mod finding;
pub mod fix;
pub mod syntax;
