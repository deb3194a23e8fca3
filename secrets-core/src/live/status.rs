//! [`LiveStatus`]: the report of the values being served, with each variable's last change and
//! Vault version, and the last failed reload; never a value.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::State;
use crate::error::ContractError;
use crate::reports::StatusReport;
use crate::reports::json::Json;
use crate::sources::Origin;
use crate::spec::ContractSpec;

/// What [`Live::status`](super::Live::status) says.
#[derive(Clone, Debug)]
pub struct LiveStatus {
    report: StatusReport,
    variables: Vec<LiveVar>,
    started: SystemTime,
    last_reload: SystemTime,
    swaps: u64,
    last_failure: Option<FailedReload>,
}

/// One variable of a [`LiveStatus`].
#[derive(Clone, Debug)]
pub struct LiveVar {
    name: &'static str,
    changed: Option<SystemTime>,
    vault_version: Option<u64>,
}

/// A reload that failed the policy, while the last good values kept being served.
#[derive(Clone, Debug)]
pub struct FailedReload {
    pub(crate) at: SystemTime,
    pub(crate) error: ContractError,
}

impl LiveStatus {
    pub(crate) fn new(spec: &'static ContractSpec, state: &State) -> Self {
        let report = state.serving.report.clone();
        let variables = spec
            .vars()
            .iter()
            .zip(&state.changed)
            .map(|(var, changed)| {
                let vault_version = match report.entry(var.name()).and_then(|entry| entry.origin()) {
                    Some(Origin::Vault { version, .. }) => *version,
                    _ => None,
                };
                LiveVar { name: var.name(), changed: *changed, vault_version }
            })
            .collect();
        Self {
            report,
            variables,
            started: state.started,
            last_reload: state.last_reload,
            swaps: state.swaps,
            last_failure: state.last_failure.clone(),
        }
    }

    /// The report of the values being served.
    pub fn report(&self) -> &StatusReport {
        &self.report
    }

    /// Every variable, with its last change and Vault version.
    pub fn variables(&self) -> &[LiveVar] {
        &self.variables
    }

    /// How many reloads served new values.
    pub fn swaps(&self) -> u64 {
        self.swaps
    }

    /// When the last reload ran, whatever its outcome (the first load's time before any).
    pub fn last_reload(&self) -> SystemTime {
        self.last_reload
    }

    /// The last reload that failed, if any did.
    pub fn last_failure(&self) -> Option<&FailedReload> {
        self.last_failure.as_ref()
    }

    /// Whether the last reload failed: the values served are older than the sources.
    pub fn is_stale(&self) -> bool {
        self.last_failure.as_ref().is_some_and(|failure| failure.at >= self.last_reload)
    }

    /// The report's JSON, with a `live` object: `started`, `last_reload`, `swaps`, `stale`,
    /// `variables` (each `name`, `last_change`, `vault_version`) and `last_failure` (`at`,
    /// `problems`: the error's lines); times are RFC 3339, UTC.
    pub fn to_json(&self) -> String {
        let variables = self.variables.iter().map(|var| {
            Json::Object(vec![
                ("name", Json::text(var.name)),
                ("last_change", Json::or_null(var.changed, |at| Json::text(rfc3339(at)))),
                ("vault_version", Json::or_null(var.vault_version, Json::Number)),
            ])
        });
        let last_failure = Json::or_null(self.last_failure.as_ref(), |failure| {
            Json::Object(vec![
                ("at", Json::text(rfc3339(failure.at))),
                ("problems", Json::texts(failure.error.to_string().lines().map(str::to_owned))),
            ])
        });
        let live = Json::Object(vec![
            ("started", Json::text(rfc3339(self.started))),
            ("last_reload", Json::text(rfc3339(self.last_reload))),
            ("swaps", Json::Number(self.swaps)),
            ("stale", Json::Bool(self.is_stale())),
            ("variables", Json::List(variables.collect())),
            ("last_failure", last_failure),
        ]);
        let mut fields = self.report.json_fields();
        fields.push(("live", live));
        Json::Object(fields).pretty()
    }
}

impl LiveVar {
    /// The variable's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// When its value last changed; `None` when it has not since the first load.
    pub fn last_change(&self) -> Option<SystemTime> {
        self.changed
    }

    /// The Vault version it was read from, when it came from Vault.
    pub fn vault_version(&self) -> Option<u64> {
        self.vault_version
    }
}

impl FailedReload {
    /// When it failed.
    pub fn at(&self) -> SystemTime {
        self.at
    }

    /// Why: every problem, as a failed load says them.
    pub fn error(&self) -> &ContractError {
        &self.error
    }
}

impl fmt::Display for LiveStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.report)?;
        writeln!(f, "live since {}, {} reloads served new values", rfc3339(self.started), self.swaps)?;
        for var in &self.variables {
            if var.changed.is_none() && var.vault_version.is_none() {
                continue;
            }
            write!(f, "  {}:", var.name)?;
            if let Some(changed) = var.changed {
                write!(f, " changed {}", rfc3339(changed))?;
            }
            if let Some(version) = var.vault_version {
                write!(f, " (vault version {version})")?;
            }
            writeln!(f)?;
        }
        if let Some(failure) = &self.last_failure {
            let still =
                if self.is_stale() { "; the last good values are served" } else { "; a later reload succeeded" };
            writeln!(f, "last failed reload {}{still}:", rfc3339(failure.at))?;
            for line in failure.error.to_string().lines() {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}

/// `2026-12-01T15:04:05Z`: the civil date of the Unix day (Howard Hinnant's algorithm).
fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_are_rfc3339_in_utc() {
        let at = |seconds| UNIX_EPOCH + Duration::from_secs(seconds);
        assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(at(1_796_137_445)), "2026-12-01T15:04:05Z");
        assert_eq!(rfc3339(at(4_107_542_399)), "2100-02-28T23:59:59Z");
    }
}
