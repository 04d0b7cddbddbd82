//! The model of Go that every rule reads: per function, when each map operation runs and
//! which locks are held then; per package, which mutex guards which map, and which
//! functions run with a lock held by their callers. It knows nothing about any rule.
//!
//! - [`demand`] decides what of a package is parsed and modeled: everything, or what the
//!   judged functions' facts need;
//! - [`interp`] interprets one function, with symbolic entry states;
//! - [`facts`] decides the package's facts from the functions' models and resolves each
//!   function's lock states with them;
//! - [`decls`], [`place`], [`locks`], [`function`]: what the model is made of;
//! - [`shapes`]: the map operations it records, as byte shapes for the prefilter.

pub mod decls;
pub mod demand;
pub mod dump;
pub mod facts;
pub mod function;
pub mod interp;
pub mod locks;
pub mod place;
pub mod shapes;

pub use facts::{Guard, GuardEvidence, PackageFacts};
pub use function::*;

use crate::syntax::{named_children, NodeExt, ParsedFile};

/// A Go source file to analyze, already read.
#[derive(Clone)]
pub struct SourceUnit {
    /// The path as the user reads it.
    pub path: String,
    pub src: Vec<u8>,
    pub per_iteration_loop_vars: bool,
}

pub use demand::{analyze as analyze_package, AnalyzedFile, Demand, FileDemand, Outcome};

/// The models of the top-level functions and methods of `f` that `keep` accepts.
pub(crate) fn model_some(
    f: &ParsedFile,
    decls: &decls::Decls,
    keep: &dyn Fn(tree_sitter::Node<'_>) -> bool,
) -> Vec<RawFunction> {
    named_children(f.root())
        .into_iter()
        .filter(|n| matches!(n.kind_name(), "function_declaration" | "method_declaration"))
        .filter(|n| keep(*n))
        // A top-level declaration is in a broken region exactly when it holds an error
        // (its only ancestor is the root); asking `in_broken_region` would walk to the
        // root through every earlier sibling, quadratic in a file of many functions.
        .filter(|n| !n.has_error())
        .filter_map(|n| interp::model_function(f, decls, n))
        .collect()
}
