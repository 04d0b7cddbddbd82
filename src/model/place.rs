//! Places: what a map or mutex expression denotes, normalized so that accesses from
//! different functions (with different receiver names) meet under one value. A place is
//! data, never a string to parse apart: rules ask it how to spell itself.

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

/// The field name that stands for "an element of this map": `s.addrs[p]` of a map of
/// maps is the place `S.addrs.[]`.
pub const ELEM: &str = "[]";

impl Place {
    /// The map this place is an element of, out to the outermost (`S.addrs` for
    /// `S.addrs.[]`): whatever guards that map guards its elements too.
    pub fn outermost_map(&self) -> Place {
        let mut p = self.clone();
        while p.fields.last().is_some_and(|f| f == ELEM) {
            p.fields.pop();
        }
        p
    }

    pub fn root(root: Root) -> Place {
        Place {
            root,
            fields: Vec::new(),
        }
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

    /// The last name of the place: its field, or the variable or type it is.
    pub fn last_name(&self) -> &str {
        match (self.fields.last(), &self.root) {
            (Some(f), _) => f,
            (None, Root::Type(n) | Root::Pkg(n) | Root::Opaque(n)) => n,
            (None, Root::Local { name, .. }) => name,
        }
    }

    /// A field `S.f` of a struct type of the package.
    pub fn struct_field(&self) -> Option<(&str, &str)> {
        match (&self.root, self.fields.as_slice()) {
            (Root::Type(s), [f]) => Some((s, f)),
            _ => None,
        }
    }

    /// Whether a mutex at `mutex` can be the guard of a map at `self`: a sibling field
    /// (`S.mu` for `S.m`), the struct itself (an embedded mutex, `s.Lock()`), or, for
    /// variables, another variable of the same scope (package or function).
    pub fn may_be_guarded_by(&self, mutex: &MutexKey) -> bool {
        let this = self.outermost_map();
        let mutex = &mutex.0;
        if this.is_opaque() || mutex.is_opaque() {
            return false;
        }
        let parent = this.parent();
        match (&parent, mutex.parent()) {
            (Some(p), _) if *p == *mutex => true,
            // A sibling, or a mutex of a struct the map's struct is nested in
            // (`c.lock` for `c.state.calls`).
            (Some(p), Some(mp)) => p.root == mp.root && p.fields.starts_with(&mp.fields),
            // The embedded mutex of the struct the map is nested in.
            (Some(p), None) => {
                matches!(mutex.root, Root::Type(_))
                    && p.root == mutex.root
                    && mutex.fields.is_empty()
            }
            (None, None) => match (&this.root, &mutex.root) {
                (Root::Pkg(_), Root::Pkg(_)) => true,
                (Root::Local { func: a, .. }, Root::Local { func: b, .. }) => a == b,
                _ => false,
            },
            _ => false,
        }
    }
}

/// A mutex, by the place that holds it: `S.mu` (a field), `S` (a struct that embeds
/// `sync.Mutex`, locked as `s.Lock()`), a package variable, a local.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MutexKey(pub Place);

impl MutexKey {
    pub fn place(&self) -> &Place {
        &self.0
    }

    /// The mutex of the struct `s`, field `field` (`None`: the embedded one).
    pub fn of_struct(s: &str, field: Option<&str>) -> MutexKey {
        MutexKey(Place {
            root: Root::Type(s.to_string()),
            fields: field.map(|f| vec![f.to_string()]).unwrap_or_default(),
        })
    }

    pub fn package_var(name: &str) -> MutexKey {
        MutexKey(Place::root(Root::Pkg(name.to_string())))
    }

    /// An embedded mutex: the struct value itself is locked (`s.Lock()`).
    pub fn is_embedded(&self) -> bool {
        matches!(self.0.root, Root::Type(_)) && self.0.fields.is_empty()
    }

    /// A mutex variable declared in the function (not a field of one).
    pub fn is_local_variable(&self) -> bool {
        matches!(self.0.root, Root::Local { .. }) && self.0.fields.is_empty()
    }

    /// A mutex of a value of struct type `s`: one of its fields, or the struct itself.
    pub fn belongs_to_struct(&self, s: &str) -> bool {
        matches!(&self.0.root, Root::Type(t) if t == s) && self.0.fields.len() <= 1
    }

    /// How code that reaches the map as `map_text` (`s.items`) names this mutex (`s.mu`;
    /// `s` for an embedded one; `mu` for a package variable); `None` when the two are not
    /// siblings in a way the text shows.
    pub fn spelled_beside(&self, map_text: &str) -> Option<String> {
        match (&self.0.root, self.0.fields.as_slice()) {
            (Root::Pkg(v), []) => return Some(v.clone()),
            (Root::Local { name, .. }, []) => return Some(name.clone()),
            _ => {}
        }
        let base = map_text.rsplit_once('.').map(|(b, _)| b)?;
        match self.0.fields.last() {
            None if self.is_embedded() => Some(base.to_string()),
            Some(field) => Some(format!("{base}.{field}")),
            None => Some(self.0.last_name().to_string()),
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

impl fmt::Display for MutexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
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
        let m = |t: &str, f: &[&str]| MutexKey(ty(t, f));
        assert!(ty("S", &["m"]).may_be_guarded_by(&m("S", &["mu"])));
        assert!(ty("S", &["m"]).may_be_guarded_by(&m("S", &[])));
        assert!(!ty("S", &["m"]).may_be_guarded_by(&m("T", &["mu"])));
        // Nested in S: S's mutex may guard it (a struct field of another package's type,
        // or a nested struct of the package without a mutex of its own).
        assert!(ty("S", &["inner", "m"]).may_be_guarded_by(&m("S", &["mu"])));
        assert!(!ty("S", &["inner", "m"]).may_be_guarded_by(&m("T", &["mu"])));
        // An element of a map of maps: whatever may guard the outer map.
        assert!(ty("S", &["m", ELEM]).may_be_guarded_by(&m("S", &["mu"])));
    }

    #[test]
    fn a_mutex_spells_itself_beside_its_map() {
        let field = MutexKey::of_struct("S", Some("mu"));
        assert_eq!(field.spelled_beside("s.items").as_deref(), Some("s.mu"));
        assert_eq!(field.spelled_beside("a.b.items").as_deref(), Some("a.b.mu"));
        let embedded = MutexKey::of_struct("S", None);
        assert_eq!(embedded.spelled_beside("s.items").as_deref(), Some("s"));
        let var = MutexKey::package_var("cacheMu");
        assert_eq!(var.spelled_beside("cache").as_deref(), Some("cacheMu"));
        assert_eq!(field.spelled_beside("items"), None);
    }
}
