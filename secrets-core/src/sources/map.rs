//! An in-memory source, for tests and for values a program computes itself.

use std::collections::HashMap;
use std::ffi::OsString;

use secrecy::zeroize::Zeroize;

use crate::sources::{Found, Origin, Source, SourceError};

/// Variables held in a map; tests use it instead of the process environment.
///
/// ```
/// use secrets_core::{MapSource, Source};
///
/// let source = MapSource::new().with("DATABASE_URL", "postgres://localhost/app");
/// assert!(source.lookup("DATABASE_URL").unwrap().is_some());
/// assert!(source.lookup("REDIS_URL").unwrap().is_none());
/// ```
#[derive(Default)]
pub struct MapSource {
    vars: HashMap<String, OsString>,
}

impl MapSource {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a variable, replacing an earlier one of the same name.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<OsString>) -> Self {
        self.insert(name, value);
        self
    }

    /// Removes a variable.
    pub fn remove(&mut self, name: &str) {
        if let Some(value) = self.vars.remove(name) {
            value.into_encoded_bytes().zeroize();
        }
    }

    /// Adds a variable, replacing an earlier one of the same name.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<OsString>) {
        self.vars.insert(name.into(), value.into());
    }
}

impl<K: Into<String>, V: Into<OsString>> FromIterator<(K, V)> for MapSource {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut source = Self::new();
        for (name, value) in iter {
            source.insert(name, value);
        }
        source
    }
}

impl std::fmt::Debug for MapSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("MapSource").field("names", &names).finish_non_exhaustive()
    }
}

impl Drop for MapSource {
    fn drop(&mut self) {
        for value in self.vars.values_mut() {
            std::mem::take(value).into_encoded_bytes().zeroize();
        }
    }
}

impl Source for MapSource {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        self.vars.get(name).map(|value| Found::from_os(name, value.clone(), Origin::Map)).transpose()
    }

    fn describe(&self) -> Vec<String> {
        vec!["map".to_owned()]
    }

    fn names(&self) -> Vec<String> {
        self.vars.keys().cloned().collect()
    }
}
