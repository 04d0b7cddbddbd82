//! defuse: finds Go code where `defer` meets maps and rewrites it into safe forms.
//!
//! Data flows one way: paths → files → candidates → facts → findings → edits → output.

pub mod catalog;
pub mod config;
pub mod discover;
pub mod finding;
pub mod fix;
pub mod syntax;
pub mod model;
pub mod rules;
pub mod engine;
pub mod suppress;
pub mod report;
