//! What must appear in a function for a rule to possibly fire, in a small vocabulary the
//! byte-level prefilter can check without parsing (`crate::prefilter` compiles the union
//! of the selected rules' triggers into its one scan), as ripgrep derives a literal
//! prefilter from a regex and go/analysis analyzers declare the nodes they need.
//!
//! A trigger is a necessary condition: every finding of the rule lies in a top-level
//! function where the trigger fires (`tests/triggers.rs` checks it, rule by rule). The
//! words it is written in come from the model: which code runs later
//! (`model::interp::known`), what a map operation looks like (`model::shapes`).

/// Code that runs later than the statement that creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Later {
    /// A `defer` statement.
    Deferred,
    /// A `go` statement, or a callback started on another goroutine (`time.AfterFunc`,
    /// `g.Go`).
    Spawned,
    /// Either.
    Any,
}

/// Something in a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A map write the model records (`delete`, `clear`, an index expression assigned to).
    MapWrite,
    /// All of these words, as whole words.
    Words(&'static [&'static str]),
    /// A call of a function of the package whose body holds a map write, itself or one
    /// call further (`s.evict(k)`, where `evict` deletes): what the call writes is
    /// written there (see `model::facts::summaries`). Needs the package's other files.
    CallsWriter,
}

/// When the trigger applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Any,
    /// Only where `for` and `range` variables are shared by all iterations (before Go
    /// 1.22, Go fact 6).
    SharedLoopVars,
}

/// One way a rule can fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Code that runs later, whose text holds the shape.
    Later(Later, Shape, Version),
    /// A function that takes a read lock (`x.RLock()`), whose text holds the shape.
    ReadLocked(Shape),
}

impl Shape {
    /// How the prefilter names what it found, for diagnostics.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::MapWrite => "a map write",
            Shape::Words(_) => "the words a rule looks for",
            Shape::CallsWriter => "a call of a function that writes a map",
        }
    }
}
