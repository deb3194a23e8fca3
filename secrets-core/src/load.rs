//! The loading pipeline: look up every variable at once, classify, parse, judge by policy.

use std::fmt::Display;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};

use crate::contract::SecretContract;
use crate::error::ContractError;
use crate::policy::Policy;
use crate::report::{Entry, Level, State, StatusReport, Unknown};
use crate::source::{Concern, Found, Origin, Source, SourceError};
use crate::spec::{ContractSpec, Kind, VarSpec};
use crate::suggest::near_miss;
use crate::value::{ParseError, SecretValue};

/// Secrets shorter than this are warned about: masking them in logs would mask ordinary words.
const MIN_MASKABLE: usize = 8;

/// Values longer than this are refused: no secret or setting is a megabyte long.
const MAX_VALUE_LEN: usize = 1024 * 1024;

/// The looked-up values of a contract, handed to the generated constructor.
///
/// Each value is checked when the constructor takes it, so a load where everything is in
/// order costs no more than the lookups themselves.
pub struct Values {
    vars: &'static [VarSpec],
    slots: Vec<Slot>,
    /// Values that were present but refused (empty, NUL, too long) or did not parse.
    refused: Vec<(usize, State)>,
    /// The raw text of every setting, to check that none holds a secret.
    configs: Vec<(usize, SecretString)>,
}

/// One variable's lookup; the value is `None` once the constructor took it.
enum Slot {
    Found(Option<SecretString>, Origin, Vec<Concern>),
    Missing,
    Failed(SourceError),
}

impl From<Result<Option<Found>, SourceError>> for Slot {
    fn from(lookup: Result<Option<Found>, SourceError>) -> Self {
        match lookup {
            Ok(Some(Found { value, origin, concerns, .. })) => Self::Found(Some(value), origin, concerns),
            Ok(None) => Self::Missing,
            Err(error) => Self::Failed(error),
        }
    }
}

impl Values {
    /// Takes and parses the secret at `index`; `None` when missing or invalid (recorded).
    pub fn secret<T: SecretValue>(&mut self, index: usize) -> Option<T> {
        let raw = self.take(index)?;
        self.record(index, T::from_secret(raw))
    }

    /// Takes and parses the setting at `index`; `None` when missing or invalid (recorded).
    pub fn config<T>(&mut self, index: usize) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        let raw = self.take(index)?;
        self.configs.push((index, SecretString::from(raw.expose_secret())));
        let parsed =
            raw.expose_secret().parse::<T>().map_err(|error| ParseError::scrubbed(&error, raw.expose_secret()));
        self.record(index, parsed)
    }

    /// The raw value at `index` if it is usable, a config default if it is missing, else `None`.
    fn take(&mut self, index: usize) -> Option<SecretString> {
        let var = &self.vars[index];
        let slot = &mut self.slots[index];
        match slot {
            Slot::Found(value, origin, concerns) => {
                let value = value.take()?;
                if let Some(state) = refusal(var, value.expose_secret(), origin) {
                    self.refused.push((index, state));
                    return None;
                }
                if var.kind() == Kind::Secret && value.expose_secret().chars().nth(MIN_MASKABLE - 1).is_none() {
                    concerns.push(Concern::TooShort);
                }
                Some(value)
            }
            Slot::Missing => {
                let default = var.default()?;
                *slot = Slot::Found(None, Origin::Default, Vec::new());
                Some(SecretString::from(default))
            }
            Slot::Failed(_) => None,
        }
    }

    fn record<T>(&mut self, index: usize, parsed: Result<T, ParseError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.refused.push((index, State::Invalid { reason: error.reason().to_owned() }));
                None
            }
        }
    }

    /// Marks every setting whose text holds a loaded secret (of at least `MIN_MASKABLE` characters).
    fn check_configs(&mut self, secrets: &[(usize, &str)]) {
        for (index, raw) in std::mem::take(&mut self.configs) {
            let text = raw.expose_secret();
            let held = secrets.iter().find(|(_, secret)| secret.len() >= MIN_MASKABLE && text.contains(secret));
            if let (Some((secret, _)), Slot::Found(_, _, concerns)) = (held, &mut self.slots[index]) {
                concerns.push(Concern::HoldsSecret { secret: self.vars[*secret].name() });
            }
        }
    }

    /// Whether every variable is fine under `policy`, judged without building a report.
    fn all_ok(&self, policy: Policy) -> bool {
        self.refused.is_empty()
            && self.vars.iter().zip(&self.slots).all(|(var, slot)| match slot {
                Slot::Found(_, origin, concerns) => {
                    policy.judge(var, &State::Configured, Some(origin), concerns) == Level::Ok
                }
                Slot::Missing => policy.level(var.category(), &State::Missing) == Level::Ok,
                Slot::Failed(_) => false,
            })
    }

    /// The report entry of every variable.
    fn into_entries(self, policy: Policy) -> Vec<Entry> {
        let mut refused = self.refused;
        self.vars
            .iter()
            .zip(self.slots)
            .enumerate()
            .map(|(index, (var, slot))| {
                let (state, origin, concerns) = match slot {
                    Slot::Found(_, origin, concerns) => (State::Configured, Some(origin), concerns),
                    Slot::Missing => (State::Missing, None, Vec::new()),
                    Slot::Failed(error) => {
                        (State::Unreadable { reason: unreadable_reason(&error) }, origin_of(error), Vec::new())
                    }
                };
                let state = match refused.iter().position(|(at, _)| *at == index) {
                    Some(position) => refused.swap_remove(position).1,
                    None => state,
                };
                let level = policy.judge(var, &state, origin.as_ref(), &concerns);
                Entry::new(var, state, origin, level).with_concerns(concerns)
            })
            .collect()
    }
}

/// Why a present value is not usable, if it is not.
fn refusal(var: &VarSpec, text: &str, origin: &Origin) -> Option<State> {
    // Most values start with a visible ASCII character, which settles "blank" without a trim.
    let blank = !text.as_bytes().first().is_some_and(u8::is_ascii_graphic) && text.trim().is_empty();
    if blank && !var.allow_empty() {
        Some(State::Empty)
    } else if text.len() > MAX_VALUE_LEN {
        Some(State::Invalid { reason: format!("longer than {MAX_VALUE_LEN} bytes") })
    } else if *origin != Origin::Env && text.contains('\0') {
        // The process environment cannot hold a NUL (its values are C strings); other sources can.
        Some(State::Invalid { reason: "contains a NUL byte".to_owned() })
    } else {
        None
    }
}

/// Looks up every variable and runs the generated constructor (`build`); not generic, so it is
/// compiled once here rather than in every user's crate.
fn run(spec: &'static ContractSpec, source: &dyn Source, build: &mut dyn FnMut(&mut Values)) -> Values {
    let slots = source.lookup_spec(spec).into_iter().map(Slot::from).collect();
    let mut values = Values { vars: spec.vars(), slots, refused: Vec::new(), configs: Vec::new() };
    build(&mut values);
    values
}

fn report(spec: &'static ContractSpec, values: Values, source: &dyn Source, policy: Policy) -> StatusReport {
    let mut report = StatusReport::new(spec.name(), values.into_entries(policy), source.problems(), source.describe());
    let wants_names = policy.checks_unknown() && !spec.prefix().is_empty();
    if !wants_names && report.entries().iter().all(|entry| entry.state() != &State::Missing) {
        return report;
    }
    // Names only, read once and only when something is missing or unknown names are checked.
    let held = source.names();
    let undeclared = || held.iter().map(String::as_str).filter(|name| !spec.names().contains(name));
    for entry in report.entries_mut() {
        if entry.state() == &State::Missing {
            entry.suggest(near_miss(entry.spec().name(), undeclared()).map(str::to_owned));
        }
    }
    if wants_names {
        let unknown = undeclared()
            .filter(|name| name.starts_with(spec.prefix()))
            .map(|name| Unknown {
                name: name.to_owned(),
                suggestion: near_miss(name, spec.names().iter().copied()).map(str::to_owned),
                level: policy.unknown_level(),
            })
            .collect();
        report.set_unknown(unknown);
    }
    report
}

/// Looks up and builds a contract, then checks that no setting holds one of its secrets.
fn build<C: SecretContract>(source: &dyn Source) -> (Values, Option<C>) {
    let mut contract = None;
    let mut values = run(C::spec(), source, &mut |values| contract = C::__from_values(values));
    if let Some(contract) = &contract {
        if !values.configs.is_empty() {
            values.check_configs(&contract.__secret_texts());
        }
    }
    (values, contract)
}

/// Looks up, parses and judges a contract; the value is `None` when a non-`Option` field is unavailable.
pub(crate) fn evaluate<C: SecretContract>(source: &dyn Source, policy: Policy) -> (StatusReport, Option<C>) {
    let (values, contract) = build::<C>(source);
    (report(C::spec(), values, source, policy), contract)
}

/// Loads a contract, failing when the policy does not hold; warnings go out as `tracing` events.
pub(crate) fn load<C: SecretContract>(source: &dyn Source, policy: Policy) -> Result<C, ContractError> {
    let (values, mut contract) = build::<C>(source);
    let fine = |values: &Values| values.all_ok(policy) && !policy.checks_unknown() && source.problems().is_empty();
    if let Some(contract) = contract.take_if(|_| fine(&values)) {
        return Ok(contract);
    }
    let report = report(C::spec(), values, source, policy);
    match contract {
        Some(contract) => {
            emit_events(&accept(report, policy)?);
            Ok(contract)
        }
        None => Err(ContractError::new(report)),
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
    for unknown in report.unknown() {
        tracing::warn!(contract = report.contract(), variable = unknown.name.as_str(), "{unknown}");
    }
}

/// The reason shown after "unreadable:", without repeating the variable's name.
fn unreadable_reason(error: &SourceError) -> String {
    match error {
        SourceError::NotUnicode { .. } => "not valid UTF-8".to_owned(),
        SourceError::File { path, reason, .. } => format!("{} {reason}", path.display()),
        other => other.to_string(),
    }
}

fn origin_of(error: SourceError) -> Option<Origin> {
    match error {
        SourceError::NotUnicode { origin, .. } => Some(origin),
        _ => None,
    }
}
