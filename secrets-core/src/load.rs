//! The loading pipeline: look up every variable at once, classify, parse, judge by policy.

use std::fmt::Display;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};

use crate::contract::SecretContract;
use crate::error::ContractError;
use crate::policy::Policy;
use crate::report::{Entry, Level, State, StatusReport};
use crate::source::{Found, Origin, Source, SourceError};
use crate::spec::{ContractSpec, VarSpec};
use crate::value::{ParseError, SecretValue};

/// Values longer than this are refused: no secret or setting is a megabyte long.
const MAX_VALUE_LEN: usize = 1024 * 1024;

/// The looked-up values of a contract, handed to the generated constructor.
pub struct Values {
    slots: Vec<Slot>,
}

struct Slot {
    raw: Option<SecretString>,
    state: State,
    origin: Option<Origin>,
}

impl Values {
    /// Takes and parses the secret at `index`; `None` when missing or invalid (recorded).
    pub fn secret<T: SecretValue>(&mut self, index: usize) -> Option<T> {
        let raw = self.slots[index].raw.take()?;
        self.record(index, T::from_secret(raw))
    }

    /// Takes and parses the setting at `index`; `None` when missing or invalid (recorded).
    pub fn config<T>(&mut self, index: usize) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        let raw = self.slots[index].raw.take()?;
        let parsed = raw
            .expose_secret()
            .parse::<T>()
            .map_err(|error| ParseError::scrubbed(&error, raw.expose_secret()));
        self.record(index, parsed)
    }

    fn record<T>(&mut self, index: usize, parsed: Result<T, ParseError>) -> Option<T> {
        parsed
            .map_err(|error| {
                self.slots[index].state = State::Invalid {
                    reason: error.reason().to_owned(),
                }
            })
            .ok()
    }
}

/// Looks up, parses and judges a contract; the value is `None` when a non-`Option` field is unavailable.
pub(crate) fn evaluate<C: SecretContract>(source: &dyn Source, policy: Policy) -> (StatusReport, Option<C>) {
    let mut contract = None;
    let report = evaluate_spec(C::spec(), source, policy, &mut |values| contract = C::__from_values(values));
    (report, contract)
}

/// The non-generic body of [`evaluate`], compiled once here rather than in every user's crate.
fn evaluate_spec(
    spec: &'static ContractSpec,
    source: &dyn Source,
    policy: Policy,
    build: &mut dyn FnMut(&mut Values),
) -> StatusReport {
    let names: Vec<&str> = spec.vars().iter().map(VarSpec::name).collect();
    let found = source.lookup_all(&names);
    let mut values = Values { slots: spec.vars().iter().zip(found).map(|(var, found)| classify(var, found)).collect() };
    build(&mut values);
    let entries = spec
        .vars()
        .iter()
        .zip(values.slots)
        .map(|(var, slot)| {
            let level = policy.level(var.category(), &slot.state);
            Entry::new(var, slot.state, slot.origin, level)
        })
        .collect();
    StatusReport::new(spec.name(), entries, source.problems(), source.describe())
}

/// Loads a contract, failing when the policy does not hold; warnings go out as `tracing` events.
pub(crate) fn load<C: SecretContract>(source: &dyn Source, policy: Policy) -> Result<C, ContractError> {
    match evaluate::<C>(source, policy) {
        (report, Some(contract)) => {
            emit_events(&accept(report, policy)?);
            Ok(contract)
        }
        (report, None) => Err(ContractError::new(report)),
    }
}

/// Judges a contract without keeping its values.
pub(crate) fn validate<C: SecretContract>(source: &dyn Source, policy: Policy) -> Result<StatusReport, ContractError> {
    accept(evaluate::<C>(source, policy).0, policy)
}

/// The report when the policy holds or does not fail hard.
fn accept(report: StatusReport, policy: Policy) -> Result<StatusReport, ContractError> {
    if report.is_ok() || !policy.is_hard_fail() { Ok(report) } else { Err(ContractError::new(report)) }
}

fn emit_events(report: &StatusReport) {
    for entry in report.entries() {
        let spec = entry.spec();
        match entry.level() {
            Level::Ok => {}
            Level::Warning => tracing::warn!(
                contract = report.contract(),
                variable = spec.name(),
                category = spec.category().as_str(),
                state = entry.state().as_str(),
                "{}",
                entry.problem_line()
            ),
            Level::Error => tracing::error!(
                contract = report.contract(),
                variable = spec.name(),
                category = spec.category().as_str(),
                state = entry.state().as_str(),
                "{}",
                entry.problem_line()
            ),
        }
    }
    for problem in report.source_problems() {
        tracing::error!(contract = report.contract(), "{problem}");
    }
}

/// Turns one lookup into a slot: present, missing, empty, defaulted or unreadable.
fn classify(var: &'static VarSpec, found: Result<Option<Found>, SourceError>) -> Slot {
    let found = match found {
        Ok(found) => found,
        Err(error) => {
            return Slot {
                raw: None,
                state: State::Unreadable {
                    reason: unreadable_reason(&error),
                },
                origin: origin_of(error),
            };
        }
    };
    let Some(Found { value, origin }) = found else {
        return match var.default() {
            Some(default) => Slot {
                raw: Some(SecretString::from(default)),
                state: State::Configured,
                origin: Some(Origin::Default),
            },
            None => Slot {
                raw: None,
                state: State::Missing,
                origin: None,
            },
        };
    };
    let text = value.expose_secret();
    let refused = if text.trim().is_empty() && !var.allow_empty() {
        Some(State::Empty)
    } else if text.len() > MAX_VALUE_LEN {
        Some(State::Invalid {
            reason: format!("longer than {MAX_VALUE_LEN} bytes"),
        })
    } else if text.contains('\0') {
        Some(State::Invalid {
            reason: "contains a NUL byte".to_owned(),
        })
    } else {
        None
    };
    match refused {
        Some(state) => Slot {
            raw: None,
            state,
            origin: Some(origin),
        },
        None => Slot {
            raw: Some(value),
            state: State::Configured,
            origin: Some(origin),
        },
    }
}

fn unreadable_reason(error: &SourceError) -> String {
    match error {
        SourceError::NotUnicode { .. } => "not valid UTF-8".to_owned(),
        other => other.to_string(),
    }
}

fn origin_of(error: SourceError) -> Option<Origin> {
    match error {
        SourceError::NotUnicode { origin, .. } => Some(origin),
        _ => None,
    }
}
