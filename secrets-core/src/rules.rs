//! Rules between variables: `#[contract(validate = path)]` and the [`Problems`] it reports.

use std::fmt;

use crate::reports::json::Json;

use crate::reports::Level;

/// What a contract's rule found, handed to the function of `#[contract(validate = path)]`.
///
/// ```
/// use secrets_core::{MapSource, Problems, SecretContract};
///
/// #[derive(SecretContract)]
/// #[contract(prefix = "POOL_", validate = check_pool)]
/// struct Pool {
///     #[config(default = 1)]
///     min_conns: u32,
///     #[config(default = 10)]
///     max_conns: u32,
/// }
///
/// fn check_pool(pool: &Pool, problems: &mut Problems) {
///     if pool.min_conns() > pool.max_conns() {
///         problems.add("POOL_MIN_CONNS", "must not exceed POOL_MAX_CONNS");
///     }
/// }
///
/// let error = Pool::load_from(&MapSource::new().with("POOL_MIN_CONNS", "20")).unwrap_err();
/// assert!(error.to_string().contains("POOL_MIN_CONNS: must not exceed POOL_MAX_CONNS (contract rule)"));
/// ```
#[derive(Debug, Default)]
pub struct Problems {
    found: Vec<RuleProblem>,
}

impl Problems {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records an error about the variable `name`: the load fails under every policy.
    pub fn add(&mut self, name: impl Into<String>, reason: impl Into<String>) {
        self.push(name.into(), reason.into(), Level::Error);
    }

    /// Records a warning about the variable `name`.
    pub fn warn(&mut self, name: impl Into<String>, reason: impl Into<String>) {
        self.push(name.into(), reason.into(), Level::Warning);
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    fn push(&mut self, name: String, reason: String, level: Level) {
        self.found.push(RuleProblem { name, reason, level });
    }

    pub(crate) fn into_found(self) -> Vec<RuleProblem> {
        self.found
    }
}

/// One problem a contract's rule reported, with any loaded secret in its text masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleProblem {
    /// The variable it is about, as the rule named it (a nested contract's own names are given
    /// their full names).
    pub name: String,
    /// Why, in the rule's words.
    pub reason: String,
    /// An error (`Problems::add`) or a warning (`Problems::warn`).
    pub level: Level,
}

impl RuleProblem {
    /// `{"name", "reason", "level"}`.
    pub(crate) fn json(&self) -> Json<'_> {
        Json::Object(vec![
            ("name", Json::text(&self.name)),
            ("reason", Json::text(&self.reason)),
            ("level", self.level.json()),
        ])
    }
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (contract rule)", self.name, self.reason)
    }
}
