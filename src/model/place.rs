//! Places: what a map or mutex expression denotes, normalized so that accesses from
//! different functions (with different receiver names) meet under one key.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    /// A value of the package's struct type `S` (a receiver, a typed local or parameter).
    Type(String),
    /// A package-level variable.
    Pkg(String),
    /// A local variable or parameter: the function's start byte and the binding id.
    Local {
        func: usize,
        binding: usize,
        name: String,
    },
    /// Nothing resolved it (an imported package, a type we cannot see).
    Opaque(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Place {
    pub root: Root,
    pub fields: Vec<String>,
}

impl Place {
    pub fn key(&self) -> String {
        self.to_string()
    }

    /// The place this one is a field of; `None` for a bare root.
    pub fn parent(&self) -> Option<Place> {
        let mut fields = self.fields.clone();
        fields.pop()?;
        Some(Place {
            root: self.root.clone(),
            fields,
        })
    }

    pub fn is_opaque(&self) -> bool {
        matches!(self.root, Root::Opaque(_))
    }

    /// Whether a mutex at `mutex` can be the guard of a map at `self`: a sibling field
    /// (`S.mu` for `S.m`), the struct itself (an embedded mutex, `s.Lock()`), or, for
    /// variables, another variable of the same scope (package or function).
    pub fn may_be_guarded_by(&self, mutex: &Place) -> bool {
        if self.is_opaque() || mutex.is_opaque() {
            return false;
        }
        let parent = self.parent();
        match (&parent, mutex.parent()) {
            (Some(p), _) if *p == *mutex => true,
            (Some(p), Some(mp)) => *p == mp,
            (None, None) => match (&self.root, &mutex.root) {
                (Root::Pkg(_), Root::Pkg(_)) => true,
                (Root::Local { func: a, .. }, Root::Local { func: b, .. }) => a == b,
                _ => false,
            },
            _ => false,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root {
            Root::Type(t) => write!(f, "{t}")?,
            Root::Pkg(v) => write!(f, "pkg.{v}")?,
            Root::Local {
                func,
                binding,
                name,
            } => write!(f, "{name}@{func}#{binding}")?,
            Root::Opaque(t) => write!(f, "?{t}")?,
        }
        for field in &self.fields {
            write!(f, ".{field}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(t: &str, fields: &[&str]) -> Place {
        Place {
            root: Root::Type(t.into()),
            fields: fields.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn sibling_and_embedded_mutexes_may_guard() {
        assert!(ty("S", &["m"]).may_be_guarded_by(&ty("S", &["mu"])));
        assert!(ty("S", &["m"]).may_be_guarded_by(&ty("S", &[])));
        assert!(!ty("S", &["m"]).may_be_guarded_by(&ty("T", &["mu"])));
        assert!(!ty("S", &["inner", "m"]).may_be_guarded_by(&ty("S", &["mu"])));
    }
}
