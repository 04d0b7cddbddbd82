//! defuse: finds Go code where `defer` meets maps and rewrites it into safe forms.
//!
//! Data flows one way: paths → files → candidates → facts → findings → edits → output.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod fix;
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
pub mod prefilter;
pub mod report;
pub mod rules;
pub mod scan;
pub mod suppress;
pub mod syntax;
pub mod vcs;
