//! From the paths a user typed to the Go files to scan, each with its language version.
//!
//! Knows nothing about parsing or rules.

mod generated;
mod header;
mod version;

pub use generated::is_generated;
pub use version::{build_constraint_version, GoVersion, ParseGoVersionError};
