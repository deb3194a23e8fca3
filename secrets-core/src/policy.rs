//! Startup policies: how much of the contract must hold before a program runs.

use crate::reports::{Level, State};
use crate::sources::{Concern, Origin};
use crate::spec::{Category, Kind, VarSpec};

/// What a missing value means at load time; see the table in the crate docs.
///
/// ```
/// use secrets_core::Policy;
///
/// let script = Policy::startup().include_billing(true);
/// let deploy_check = Policy::strict().hard_fail(false);
/// # let _ = (script, deploy_check);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent switches, each set by its own builder method
pub struct Policy {
    strict: bool,
    include_billing: bool,
    hard_fail: bool,
    check_unknown: bool,
    forbid_plain_env: bool,
}

impl Policy {
    /// The default: required values must be present; billing and external gaps are warnings.
    pub const fn startup() -> Self {
        Self { strict: false, include_billing: false, hard_fail: true, check_unknown: false, forbid_plain_env: false }
    }

    /// For deploy-time checks: every required, billing and external value must be present.
    pub const fn strict() -> Self {
        Self { strict: true, include_billing: true, hard_fail: true, check_unknown: false, forbid_plain_env: false }
    }

    /// Makes missing `billing` secrets errors (for code that spends money).
    #[must_use]
    pub const fn include_billing(mut self, include: bool) -> Self {
        self.include_billing = include;
        self
    }

    /// With `false`, problems are reported instead of failing the load or validation.
    #[must_use]
    pub const fn hard_fail(mut self, hard_fail: bool) -> Self {
        self.hard_fail = hard_fail;
        self
    }

    /// Reports variables that carry the contract's prefix but are not declared (typos): warnings,
    /// errors under [`Policy::strict`]. Contracts without a prefix have nothing to check.
    #[must_use]
    pub const fn check_unknown(mut self, check: bool) -> Self {
        self.check_unknown = check;
        self
    }

    /// Whether undeclared variables with the contract's prefix are reported.
    pub const fn checks_unknown(self) -> bool {
        self.check_unknown
    }

    /// How serious an undeclared variable with the contract's prefix is.
    pub fn unknown_level(self) -> Level {
        if self.strict { Level::Error } else { Level::Warning }
    }

    /// For production: secrets must come from files, credentials or stores; one found in the
    /// process environment or a `.env` is an error (settings may still come from there).
    #[must_use]
    pub const fn forbid_plain_env(mut self, forbid: bool) -> Self {
        self.forbid_plain_env = forbid;
        self
    }

    /// Whether secrets found in the process environment or a `.env` are errors.
    pub const fn forbids_plain_env(self) -> bool {
        self.forbid_plain_env
    }

    /// How serious a variable is, given its state, where it came from and how it is stored.
    pub fn judge(self, var: &VarSpec, state: &State, origin: Option<&Origin>, concerns: &[Concern]) -> Level {
        self.judge_as(var.category(), var, state, origin, concerns)
    }

    /// [`judge`](Self::judge) with the category that applies (a `required_if`'s, once known).
    pub(crate) fn judge_as(
        self,
        category: Category,
        var: &VarSpec,
        state: &State,
        origin: Option<&Origin>,
        concerns: &[Concern],
    ) -> Level {
        let level = self.level(category, state);
        if *state != State::Configured {
            return level;
        }
        let plain = matches!(origin, Some(Origin::Env | Origin::Dotenv { .. }));
        if self.forbid_plain_env && plain && var.kind() == Kind::Secret {
            return Level::Error;
        }
        if concerns.iter().any(Concern::is_insecure) {
            return if self.strict { Level::Error } else { Level::Warning };
        }
        if concerns.iter().any(Concern::is_warning) {
            return level.max(Level::Warning);
        }
        level
    }

    /// Whether errors fail `load` and `validate`.
    pub const fn is_hard_fail(self) -> bool {
        self.hard_fail
    }

    /// How serious a variable's state is under this policy.
    pub fn level(self, category: Category, state: &State) -> Level {
        match state {
            State::Configured | State::Disabled { set: false, .. } | State::Unused => Level::Ok,
            State::Invalid { .. } | State::Unreadable { .. } => Level::Error,
            State::Disabled { set: true, .. } => Level::Warning,
            State::Missing | State::Empty => match category {
                Category::Required => Level::Error,
                Category::Billing if self.strict || self.include_billing => Level::Error,
                Category::External if self.strict => Level::Error,
                Category::Billing | Category::External => Level::Warning,
                Category::Optional | Category::RequiredIf => Level::Ok,
            },
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::startup()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_follow_the_design_table() {
        use Category::{Billing, External, Optional, Required};
        use Level::{Error, Ok, Warning};
        let table = [
            (Required, [Error, Error, Error]),
            (Billing, [Warning, Error, Error]),
            (External, [Warning, Warning, Error]),
            (Optional, [Ok, Ok, Ok]),
        ];
        let policies = [Policy::startup(), Policy::startup().include_billing(true), Policy::strict()];
        for (category, expected) in table {
            for (policy, level) in policies.iter().zip(expected) {
                assert_eq!(policy.level(category, &State::Missing), level, "{category:?} under {policy:?}");
                assert_eq!(policy.level(category, &State::Empty), level, "{category:?} under {policy:?}");
            }
        }
    }

    #[test]
    fn invalid_values_are_errors_whatever_the_category() {
        let invalid = State::Invalid { reason: "bad".into() };
        assert_eq!(Policy::startup().level(Category::Optional, &invalid), Level::Error);
        assert_eq!(Policy::startup().level(Category::Optional, &State::Configured), Level::Ok);
    }
}
