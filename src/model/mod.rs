//! The model of Go that every rule reads: per function, when each map operation runs and
//! which locks are held then; per package, which mutex guards which map, and which
//! functions run with a lock held by their callers. It knows nothing about any rule.

pub mod decls;
pub mod function;
pub mod guards;
mod interp;
pub mod locks;
pub mod place;

use std::collections::HashMap;

use crate::syntax::{named_children, ParsedFile};
pub use function::*;
pub use guards::{Guard, GuardEvidence};
use interp::PackageView;

/// One package's files, analyzed together.
pub struct PackageModel {
    pub decls: decls::Decls,
    /// Per file (same order as given), the models of its top-level functions and methods.
    pub functions: Vec<Vec<FunctionModel>>,
    /// Place key of a map → its guard.
    pub guards: HashMap<String, Guard>,
    /// (receiver type, method) → mutex keys that every caller holds.
    pub caller_holds: HashMap<(String, String), Vec<String>>,
}

impl PackageModel {
    pub fn guard_of(&self, map: &place::Place) -> Option<&Guard> {
        self.guards.get(&map.key())
    }
}

/// Build the model of a package. `wanted[i]` says whether file `i` needs function
/// models (files that only contribute facts still get analyzed for guard evidence).
pub fn analyze_package(files: &[&ParsedFile]) -> PackageModel {
    let decls = decls::collect(files);
    let no_callers = HashMap::new();
    let functions = model_all(files, &decls, &no_callers);
    let caller_holds = guards::infer_caller_holds(functions.iter().flatten(), &decls);
    let functions = if caller_holds.is_empty() {
        functions
    } else {
        model_all(files, &decls, &caller_holds)
    };
    let guards = guards::infer_guards(functions.iter().flatten(), &decls);
    PackageModel {
        decls,
        functions,
        guards,
        caller_holds,
    }
}

fn model_all(
    files: &[&ParsedFile],
    decls: &decls::Decls,
    caller_holds: &HashMap<(String, String), Vec<String>>,
) -> Vec<Vec<FunctionModel>> {
    files
        .iter()
        .map(|f| model_some(f, decls, caller_holds, &|_| true))
        .collect()
}

/// The models of the top-level functions and methods of `f` that `keep` accepts.
pub(crate) fn model_some(
    f: &ParsedFile,
    decls: &decls::Decls,
    caller_holds: &HashMap<(String, String), Vec<String>>,
    keep: &dyn Fn(tree_sitter::Node<'_>) -> bool,
) -> Vec<FunctionModel> {
    let view = PackageView {
        decls,
        caller_holds,
    };
    named_children(f.root())
        .into_iter()
        .filter(|n| matches!(n.kind(), "function_declaration" | "method_declaration"))
        .filter(|n| keep(*n))
        // A top-level declaration is in a broken region exactly when it holds an error
        // (its only ancestor is the root); asking `in_broken_region` would walk to the
        // root through every earlier sibling, quadratic in a file of many functions.
        .filter(|n| !n.has_error())
        .filter_map(|n| interp::model_function(f, &view, n))
        .collect()
}
