//! The loading pipeline: look up each variable as the generated constructor asks, check, parse, judge by policy.

use std::collections::HashSet;
use std::fmt::Display;
use std::io::Write as _;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};

use crate::contract::SecretContract;
use crate::error::ContractError;
use crate::policy::Policy;
use crate::redaction::scan::BitTable;
use crate::reports::{Entry, Level, State, StatusReport, Unknown};
use crate::rules::RuleProblem;
use crate::sources::{Answer, Concern, Found, Origin, Source, SourceError};
use crate::spec::{Category, ContractSpec, Kind, VarSpec};
use crate::suggest::near_miss;
use crate::value::{ParseError, SecretValue};

/// Secrets shorter than this are warned about: masking them in logs would mask ordinary words.
const MIN_MASKABLE: usize = 8;

/// An invalid setting's text is shown up to this many characters.
const MAX_SHOWN_CHARS: usize = 64;

/// A setting parser's message is kept up to this many characters.
const MAX_REASON_CHARS: usize = 200;

/// Values longer than this are refused: no secret or setting is a megabyte long.
const MAX_VALUE_LEN: usize = 1024 * 1024;

/// The values of a contract, handed to the generated constructor one variable at a time.
///
/// Each variable is looked up when the constructor asks for it (or taken from the source's
/// batch), checked and moved into the contract. What the report needs is kept only for a
/// variable that was not simply found in the process environment, so a load where everything
/// is in order costs little more than the lookups themselves.
pub struct Values<'a> {
    vars: &'static [VarSpec],
    source: &'a dyn Source,
    /// Whether `source` is the process environment, read without a call through its vtable.
    environment: bool,
    /// Every variable's lookup, when the source answered for all of them at once.
    batch: Option<Vec<Lookup>>,
    /// What was found for each variable that is not a plain value of the process environment.
    notes: Vec<(usize, Note)>,
    /// Values that were present but refused (empty, NUL, too long) or did not parse.
    refused: Vec<(usize, State)>,
    /// The raw text of every setting, to check that none holds a secret.
    configs: Vec<(usize, SecretString)>,
    /// The text of every secret whose type keeps none, for the redactor.
    kept: Vec<(usize, SecretString)>,
    /// Settings that did not parse: their text and the parser's (scrubbed) reason.
    invalid_settings: Vec<(usize, SecretString, String)>,
    /// Where the contract being built starts, when it is a section of a larger one.
    base: usize,
    /// Lookups made ahead of time (to see whether an all-or-none section is set).
    prefetched: Vec<(usize, Lookup)>,
    /// Whether each `required_if` variable is required.
    conditions: Vec<(usize, bool)>,
    /// What contract rules reported.
    rules: Vec<RuleProblem>,
    /// Whether the values are loaded to be used (not only judged): each section then keeps the
    /// texts of its secrets whose type keeps none, for its own redactor and `Debug`.
    loading: bool,
    /// The variable whose default expression is due: unset, or empty, with `default = <expr>`.
    default_due: Option<usize>,
}

/// What a source returned for one variable.
type Lookup = Result<Option<Found>, SourceError>;

/// One variable's lookup without its value: what the report shows.
enum Note {
    /// Found, or defaulted, with where and what is worth knowing about it.
    Found(Origin, Vec<Concern>),
    /// No source has it and it has no default.
    Missing,
    /// A source could not read it.
    Failed(SourceError),
    /// Not loaded: its section is disabled by the `bool` setting at `switch`.
    Disabled { switch: usize, set: bool },
    /// Not loaded: none of its all-or-none section is set.
    Unused,
}

impl<'a> Values<'a> {
    fn new(spec: &'static ContractSpec, source: &'a dyn Source) -> Self {
        let batch = source.lookup_spec(spec);
        let environment = source.is_process_environment();
        Self {
            vars: spec.vars(),
            source,
            environment,
            batch,
            notes: Vec::new(),
            refused: Vec::new(),
            configs: Vec::new(),
            kept: Vec::new(),
            invalid_settings: Vec::new(),
            base: 0,
            prefetched: Vec::new(),
            conditions: Vec::new(),
            rules: Vec::new(),
            loading: false,
            default_due: None,
        }
    }

    /// Takes and parses the secret at `index`; `None` when missing or invalid (recorded).
    pub fn secret<T: SecretValue>(&mut self, index: usize) -> Option<T> {
        let index = self.base + index;
        let raw = self.take_secret(index)?;
        if T::KEEPS_TEXT {
            return self.record(index, T::from_secret(raw));
        }
        let text = SecretString::from(raw.expose_secret());
        // A reason that echoes the value anyway (another case, a piece) is not kept.
        let parsed = T::from_secret(raw).map_err(|error| {
            if echoes(error.reason(), text.expose_secret()) {
                ParseError::new("does not parse (its message is not shown: it holds the value)")
            } else {
                error
            }
        });
        let value = self.record(index, parsed)?;
        self.kept.push((index, text));
        Some(value)
    }

    /// Takes a list of secrets: items split at `sep`, trimmed, empty ones left out.
    pub fn secret_list(&mut self, index: usize, sep: &str) -> Option<Vec<SecretString>> {
        let index = self.base + index;
        let raw = self.take_secret(index)?;
        let items = crate::bytes::split_secrets(raw.expose_secret(), sep);
        if items.is_empty() {
            return self.record(index, Err(ParseError::new("holds no item")));
        }
        // The whole text is kept for the redactor; the items are each a secret of their own.
        self.kept.push((index, raw));
        Some(items)
    }

    /// Takes a binary secret: base64 (standard or URL-safe, padding optional) or `hex:` and hex.
    pub fn secret_bytes<T: crate::bytes::SecretBytes>(&mut self, index: usize) -> Option<T> {
        let index = self.base + index;
        let raw = self.take_secret(index)?;
        let parsed = crate::bytes::decode(raw.expose_secret())
            .map_err(ParseError::new)
            .and_then(|bytes| T::from_bytes(bytes).map_err(ParseError::new));
        let value = self.record(index, parsed)?;
        self.kept.push((index, raw));
        Some(value)
    }

    /// Looks up the secret at `index` and applies its `min_len`: the text every secret loader
    /// parses, or `None` (recorded).
    fn take_secret(&mut self, index: usize) -> Option<SecretString> {
        let raw = self.take(index)?;
        if self.too_short_for_rule(index, &raw) { None } else { Some(raw) }
    }

    /// Refuses a value shorter than its `min_len`, without showing it; whether it was refused.
    fn too_short_for_rule(&mut self, index: usize, raw: &SecretString) -> bool {
        let Some(min) = self.vars[index].min_len() else { return false };
        if raw.expose_secret().chars().count() >= min {
            return false;
        }
        let reason = format!("shorter than {min} characters");
        if self.vars[index].kind() == Kind::Secret {
            self.refused.push((index, State::Invalid { reason }));
        } else {
            self.invalid_settings.push((index, SecretString::from(raw.expose_secret()), reason));
        }
        true
    }

    /// The value of a field with a `default = <expression>`: the one loaded, else the default
    /// when the variable is unset or empty.
    pub fn or_default<T>(&mut self, index: usize, loaded: Option<T>, default: impl FnOnce() -> T) -> Option<T> {
        let index = self.base + index;
        match loaded {
            Some(value) => Some(value),
            None if self.default_due == Some(index) => {
                self.default_due = None;
                Some(default())
            }
            None => None,
        }
    }

    /// Checks a loaded setting against its value rules (`range`, `validate`); a failure is an
    /// invalid value, shown with its text.
    pub fn check_setting<T>(
        &mut self,
        index: usize,
        loaded: Option<T>,
        rule: impl FnOnce(&T) -> Result<(), String>,
    ) -> Option<T> {
        let index = self.base + index;
        let value = loaded?;
        let Err(reason) = rule(&value) else { return Some(value) };
        let text = match self.configs.iter().rev().find(|(at, _)| *at == index) {
            Some((_, text)) => SecretString::from(text.expose_secret()),
            None => SecretString::from(self.vars[index].default().unwrap_or_default()),
        };
        let reason: String = reason.chars().take(MAX_REASON_CHARS).collect();
        self.invalid_settings.push((index, text, reason));
        None
    }

    /// Checks a loaded secret against its `validate` rule; the reason is dropped when it holds
    /// a piece of the secret.
    pub fn check_secret<T: SecretValue>(
        &mut self,
        index: usize,
        loaded: Option<T>,
        rule: impl FnOnce(&T) -> Result<(), String>,
    ) -> Option<T> {
        let value = loaded?;
        let Err(reason) = rule(&value) else { return Some(value) };
        let texts: Vec<&str> = value.secret_text().into_iter().chain(value.secret_parts()).collect();
        self.refuse_secret(self.base + index, &reason, &texts);
        None
    }

    /// [`check_secret`](Self::check_secret) for a binary secret, whose text was kept at its load.
    pub fn check_secret_bytes<T>(
        &mut self,
        index: usize,
        loaded: Option<T>,
        rule: impl FnOnce(&T) -> Result<(), String>,
    ) -> Option<T> {
        let value = loaded?;
        let Err(reason) = rule(&value) else { return Some(value) };
        self.refuse_secret(self.base + index, &reason, &[]);
        None
    }

    /// Refuses the secret at `index` for `reason`, unless the reason holds a piece of it (or of
    /// `texts`, its other forms): then it says so without it.
    fn refuse_secret(&mut self, index: usize, reason: &str, texts: &[&str]) {
        let kept = self.kept.iter().rev().find(|(at, _)| *at == index).map(|(_, text)| text.expose_secret());
        let reason: String = reason.chars().take(MAX_REASON_CHARS).collect();
        let reason = if texts.iter().copied().chain(kept).any(|text| echoes(&reason, text) || reason.contains(text)) {
            "fails its rule (the reason is not shown: it holds the value)".to_owned()
        } else {
            reason
        };
        self.refused.push((index, State::Invalid { reason }));
    }

    /// Records whether the `required_if` variable at `index` is required: when its switch is true.
    pub fn condition(&mut self, index: usize, switch: Option<bool>) {
        let index = self.base + index;
        self.conditions.push((index, switch == Some(true)));
    }

    /// Builds a nested section whose first variable is at `start`.
    pub fn nested<C: SecretContract>(&mut self, start: usize) -> Option<C> {
        let outer = self.base;
        self.base += start;
        let built = C::__from_values(self);
        if built.is_some() {
            self.keep_section(C::spec());
        }
        self.base = outer;
        built
    }

    /// When loading, keeps the texts of the section's secrets whose type keeps none under the
    /// section's own spec too, for its own redactor and `Debug`. Not generic: each section type
    /// costs its users only the calls above.
    fn keep_section(&self, spec: &'static ContractSpec) {
        if !self.loading {
            return;
        }
        let section = self.base..self.base + spec.vars().len();
        let texts = self
            .kept
            .iter()
            .filter(|(index, _)| section.contains(index))
            .map(|(_, text)| SecretString::from(text.expose_secret()))
            .collect();
        crate::redaction::kept::keep(spec, texts);
    }

    /// Builds a section toggled by the `bool` setting at `switch`: only when it is true; else
    /// its variables are noted as disabled, and those set anyway are warnings.
    pub fn nested_enabled<C: SecretContract>(&mut self, start: usize, on: Option<bool>, switch: usize) -> Option<C> {
        if on == Some(true) {
            return self.nested(start);
        }
        self.disable(start, C::spec().vars().len(), switch);
        None
    }

    fn disable(&mut self, start: usize, len: usize, switch: usize) {
        let (first, switch) = (self.base + start, self.base + switch);
        for index in first..first + len {
            let set = self.is_set(index);
            self.notes.push((index, Note::Disabled { switch, set }));
        }
    }

    /// Builds an all-or-none section: when any of its variables is set, it must be complete;
    /// when none is, it is `None`.
    pub fn nested_any<C: SecretContract>(&mut self, start: usize) -> Option<C> {
        if self.any_set(start, C::spec().vars().len()) { self.nested(start) } else { None }
    }

    /// Whether any variable of the section at `start` is set, its lookups kept for the load;
    /// when none is, they are noted as unused.
    fn any_set(&mut self, start: usize, len: usize) -> bool {
        let first = self.base + start;
        let range = first..first + len;
        let mut any = false;
        for index in range.clone() {
            let lookup = self.lookup(index);
            any |= match &lookup {
                Ok(Some(found)) => !blank(&self.vars[index], found.value.expose_secret()) || self.alias_is_set(index),
                Ok(None) => self.alias_is_set(index),
                Err(_) => true,
            };
            self.prefetched.push((index, lookup));
        }
        if !any {
            self.prefetched.retain(|(index, _)| !range.contains(index));
            for index in range {
                self.notes.push((index, Note::Unused));
            }
        }
        any
    }

    /// Runs a contract rule on a built contract (or section), naming its variables in full.
    pub fn rules<C: SecretContract>(&mut self, contract: &C, rule: fn(&C, &mut crate::Problems)) {
        let mut problems = crate::Problems::new();
        rule(contract, &mut problems);
        let own = C::spec().vars();
        for mut problem in problems.into_found() {
            if let Some(at) = own.iter().position(|var| var.name() == problem.name) {
                self.vars[self.base + at].name().clone_into(&mut problem.name);
            }
            self.rules.push(problem);
        }
    }

    /// Whether the variable at `index` (or one of its aliases) holds a value that is not blank.
    fn is_set(&mut self, index: usize) -> bool {
        match self.lookup(index) {
            Ok(Some(found)) => !blank(&self.vars[index], found.value.expose_secret()) || self.alias_is_set(index),
            Ok(None) => self.alias_is_set(index),
            Err(_) => true,
        }
    }

    fn alias_is_set(&self, index: usize) -> bool {
        let var = &self.vars[index];
        var.aliases().iter().chain(var.deprecated_names()).any(|alias| {
            matches!(self.source.lookup(alias), Ok(Some(found)) if !found.value.expose_secret().trim().is_empty())
        })
    }

    /// Looks up the variable at `index`, from the batch when there is one.
    fn lookup(&mut self, index: usize) -> Lookup {
        if let Some(position) = self.prefetched.iter().position(|(at, _)| *at == index) {
            return self.prefetched.swap_remove(position).1;
        }
        match &mut self.batch {
            Some(batch) => std::mem::replace(&mut batch[index], Ok(None)),
            None => self.source.lookup_var(&self.vars[index]),
        }
    }

    /// Takes and parses the setting at `index`; `None` when missing or invalid (recorded).
    pub fn config<T>(&mut self, index: usize) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.setting(index, str::parse::<T>)
    }

    /// Takes a `bool` setting: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, in any case.
    pub fn config_bool(&mut self, index: usize) -> Option<bool> {
        self.setting(index, crate::value::parse_bool)
    }

    /// Takes a `Duration` setting: `250ms`, `30s`, `5m`, `1h30m`, `2d`; a bare number is refused.
    pub fn config_duration(&mut self, index: usize) -> Option<std::time::Duration> {
        self.setting(index, crate::value::parse_duration)
    }

    /// Takes a list setting: items split at `sep`, trimmed, empty ones left out, each parsed.
    pub fn config_list<T>(&mut self, index: usize, sep: &str) -> Option<Vec<T>>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.setting(index, |text| crate::value::parse_list(text, sep))
    }

    /// Takes and parses the setting at `index` with `parse`; `None` when missing or invalid.
    fn setting<T, E: Display>(&mut self, index: usize, parse: impl FnOnce(&str) -> Result<T, E>) -> Option<T> {
        let index = self.base + index;
        let raw = self.take(index)?;
        if self.too_short_for_rule(index, &raw) {
            self.configs.push((index, raw));
            return None;
        }
        match parse(raw.expose_secret()) {
            Ok(value) => {
                // Kept to check that it holds no secret, and for a rule's error to show.
                self.configs.push((index, raw));
                Some(value)
            }
            Err(error) => {
                // The text is shown with the reason, once any secret it holds is masked (in
                // `into_entries`, when every secret can be asked for).
                // The parser's message may quote the text, which is shown anyway; the secrets it
                // may hold are masked with it.
                let reason: String = error.to_string().chars().take(MAX_REASON_CHARS).collect();
                self.configs.push((index, SecretString::from(raw.expose_secret())));
                self.invalid_settings.push((index, raw, reason));
                None
            }
        }
    }

    /// Looks up the value at `index`: the value if it is usable, a config default if it is
    /// missing, else `None`; notes what the report needs.
    fn take(&mut self, index: usize) -> Option<SecretString> {
        let var = &self.vars[index];
        let answer = if !self.prefetched.is_empty() || self.batch.is_some() {
            Answer::from(self.lookup(index))
        } else if self.environment {
            crate::sources::env::answer(var)
        } else {
            self.source.answer(var)
        };
        let aliased = !var.aliases().is_empty() || !var.deprecated_names().is_empty();
        match answer {
            Answer::Env(value) if !aliased && is_plain(var, value.expose_secret()) => Some(value),
            // An empty value is unset, so an alias that is set is read instead.
            Answer::Env(value) if blank(var, value.expose_secret()) && self.alias_is_set(index) => {
                self.take_alias(index)
            }
            Answer::Found(found) if blank(var, found.value.expose_secret()) && aliased && self.alias_is_set(index) => {
                self.take_alias(index)
            }
            Answer::Env(value) => {
                let concerns = self.shadowed(index);
                self.check(index, value, Origin::Env, concerns)
            }
            Answer::Found(found) => {
                let Found { value, origin, mut concerns } = *found;
                concerns.extend(self.shadowed(index));
                self.check(index, value, origin, concerns)
            }
            Answer::Missing if aliased => self.take_alias(index),
            Answer::Missing => self.unset(index),
            Answer::Failed(error) => {
                self.notes.push((index, Note::Failed(*error)));
                None
            }
        }
    }

    /// An unset variable: its default, if it has one, noted as such.
    fn unset(&mut self, index: usize) -> Option<SecretString> {
        let var = &self.vars[index];
        let note = if var.default().is_some() { Note::Found(Origin::Default, Vec::new()) } else { Note::Missing };
        self.notes.push((index, note));
        if var.default_is_expression() {
            self.default_due = Some(index);
        }
        var.text_default().map(SecretString::from)
    }

    /// Reads the first alias, then deprecated name, that is set, for a variable that is not.
    fn take_alias(&mut self, index: usize) -> Option<SecretString> {
        let var = &self.vars[index];
        let names = var
            .aliases()
            .iter()
            .map(|name| (*name, false))
            .chain(var.deprecated_names().iter().map(|name| (*name, true)));
        for (name, deprecated) in names {
            match self.source.lookup(name) {
                Ok(None) => {}
                // An empty alias is unset too: the next one is read.
                Ok(Some(found)) if blank(var, found.value.expose_secret()) => {}
                Ok(Some(Found { value, origin, mut concerns })) => {
                    concerns.push(if deprecated {
                        Concern::Deprecated { name, replacement: var.name() }
                    } else {
                        Concern::Alias { name }
                    });
                    return self.check(index, value, origin, concerns);
                }
                Err(error) => {
                    self.notes.push((index, Note::Failed(error)));
                    return None;
                }
            }
        }
        self.unset(index)
    }

    /// For a variable that is set, a warning for each of its aliases that is set too.
    fn shadowed(&self, index: usize) -> Vec<Concern> {
        let var = &self.vars[index];
        var.aliases()
            .iter()
            .chain(var.deprecated_names())
            .filter(|alias| matches!(self.source.lookup(alias), Ok(Some(_))))
            .map(|alias| Concern::Shadowed { alias, name: var.name() })
            .collect()
    }

    /// Checks a found value and notes what the report needs: its origin unless it is the
    /// process environment, its concerns, and why it is refused, if it is.
    fn check(
        &mut self,
        index: usize,
        value: SecretString,
        origin: Origin,
        mut concerns: Vec<Concern>,
    ) -> Option<SecretString> {
        let var = &self.vars[index];
        let refused = refusal(var, value.expose_secret(), &origin);
        if let (Some(State::Empty), Some(_)) = (&refused, var.default()) {
            // An empty setting is unset: its default applies, and the report says so.
            concerns.push(Concern::EmptyDefaultUsed);
            self.notes.push((index, Note::Found(Origin::Default, concerns)));
            if var.default_is_expression() {
                self.default_due = Some(index);
            }
            return var.text_default().map(SecretString::from);
        }
        if refused.is_none() && var.kind() == Kind::Secret && too_short(value.expose_secret()) {
            concerns.push(Concern::TooShort);
        }
        if origin != Origin::Env || !concerns.is_empty() {
            self.notes.push((index, Note::Found(origin, concerns)));
        }
        match refused {
            Some(state) => {
                self.refused.push((index, state));
                None
            }
            None => Some(value),
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

    /// Refuses each setting that did not parse, showing its text: quoted, cut at
    /// `MAX_SHOWN_CHARS` characters, and with every secret the sources hold masked (asked for
    /// again here, on this rare path, so that a secret declared after the setting counts too).
    fn judge_invalid_settings(&mut self) {
        if self.invalid_settings.is_empty() {
            return;
        }
        let redactor = self.source_redactor();
        for (index, raw, reason) in std::mem::take(&mut self.invalid_settings) {
            let masked = redactor.redact(raw.expose_secret());
            let mut shown: String = masked.chars().take(MAX_SHOWN_CHARS).collect();
            if masked.chars().nth(MAX_SHOWN_CHARS).is_some() {
                shown.push('…');
            }
            let reason = format!("value {shown:?}: {}", redactor.redact(&reason));
            self.refused.push((index, State::Invalid { reason }));
        }
    }

    /// Masks every loaded secret in what the contract's rules reported: their words are the
    /// user's, and may quote a value.
    fn mask_rules(&mut self, texts: &[(usize, &str)]) {
        let secrets: Vec<&str> =
            texts.iter().map(|(_, text)| *text).chain(self.kept.iter().map(|(_, text)| text.expose_secret())).collect();
        mask_rules(&mut self.rules, &secrets);
    }

    /// A redactor of every secret the sources hold for this contract, each list item too: for
    /// the rare texts shown before (or without) a built contract.
    fn source_redactor(&self) -> crate::Redactor {
        let secrets = self.source_secrets();
        crate::Redactor::new(secrets.iter().map(ExposeSecret::expose_secret))
    }

    /// The texts of every secret the sources hold for this contract (list items too).
    fn source_secrets(&self) -> Vec<SecretString> {
        let mut secrets: Vec<SecretString> = Vec::new();
        for var in self.vars.iter().filter(|var| var.kind() == Kind::Secret) {
            let primary = self.source.lookup_var(var).ok().flatten();
            let aliases = var.aliases().iter().chain(var.deprecated_names());
            for found in primary.into_iter().chain(aliases.filter_map(|name| self.source.lookup(name).ok().flatten())) {
                if let Some(sep) = var.list_separator() {
                    secrets.extend(crate::bytes::split_secrets(found.value.expose_secret(), sep));
                }
                secrets.push(found.value);
            }
        }
        secrets
    }

    /// Marks every setting whose text holds a loaded secret (of at least `MIN_MASKABLE` bytes).
    fn check_configs(&mut self, secrets: &[(usize, &str)]) {
        let configs = std::mem::take(&mut self.configs);
        for (index, secret) in held_secrets(&configs, secrets) {
            let concern = Concern::HoldsSecret { secret: self.vars[secret].name() };
            match self.notes.iter_mut().find(|(at, _)| *at == index) {
                Some((_, Note::Found(_, concerns))) => concerns.push(concern),
                Some(_) => {}
                None => self.notes.push((index, Note::Found(Origin::Env, vec![concern]))),
            }
        }
    }

    /// Whether every variable is fine under `policy`, judged without building a report.
    fn all_ok(&self, policy: Policy) -> bool {
        // A variable without a note is a plain value of the process environment: fine unless the
        // policy forbids plain values, and then the report judges which ones.
        self.refused.is_empty()
            && self.invalid_settings.is_empty()
            && self.rules.is_empty()
            && !policy.forbids_plain_env()
            && self.notes.iter().all(|(index, note)| {
                let var = &self.vars[*index];
                let category = self.category(*index);
                match note {
                    Note::Found(origin, concerns) => {
                        policy.judge_as(category, var, &State::Configured, Some(origin), concerns) == Level::Ok
                    }
                    Note::Missing => policy.level(category, &State::Missing) == Level::Ok,
                    Note::Failed(_) => false,
                    Note::Disabled { set, .. } => !set,
                    Note::Unused => true,
                }
            })
    }

    /// The category that applies: for a `required_if` variable, required or optional as its
    /// switch says.
    fn category(&self, index: usize) -> Category {
        let category = self.vars[index].category();
        if category != Category::RequiredIf {
            return category;
        }
        match self.conditions.iter().find(|(at, _)| *at == index) {
            Some((_, true)) => Category::Required,
            _ => Category::Optional,
        }
    }

    /// The report entry of every variable.
    fn into_entries(mut self, policy: Policy) -> Vec<Entry> {
        self.judge_invalid_settings();
        let mut notes: Vec<Option<Note>> = self.vars.iter().map(|_| None).collect();
        for (index, note) in std::mem::take(&mut self.notes) {
            notes[index] = Some(note);
        }
        let mut refused = std::mem::take(&mut self.refused);
        self.vars
            .iter()
            .zip(notes)
            .enumerate()
            .map(|(index, (var, note))| {
                let (state, origin, concerns) = match note {
                    None => (State::Configured, Some(Origin::Env), Vec::new()),
                    Some(Note::Found(origin, concerns)) => (State::Configured, Some(origin), concerns),
                    Some(Note::Missing) => (State::Missing, None, Vec::new()),
                    Some(Note::Failed(error)) => {
                        let (state, origin) = failed(error);
                        (state, origin, Vec::new())
                    }
                    Some(Note::Disabled { switch, set }) => {
                        (State::Disabled { by: self.vars[switch].name(), set }, None, Vec::new())
                    }
                    Some(Note::Unused) => (State::Unused, None, Vec::new()),
                };
                let state = match refused.iter().position(|(at, _)| *at == index) {
                    Some(position) => refused.swap_remove(position).1,
                    None => state,
                };
                let category = self.category(index);
                let level = policy.judge_as(category, var, &state, origin.as_ref(), &concerns);
                Entry::new(var, state, origin, level).with_concerns(concerns).with_category(category)
            })
            .collect()
    }
}

/// Each setting (by index) whose text holds one of `secrets` at least `MIN_MASKABLE` bytes
/// long, with the first such secret.
///
/// A setting shorter than the shortest secret holds none. Past a few pairs to compare, a
/// setting is read once: each of its positions is looked up, by the eight bytes there, in a
/// table of the secrets' first eight bytes, and only a secret that begins so is compared.
fn held_secrets(configs: &[(usize, SecretString)], secrets: &[(usize, &str)]) -> Vec<(usize, usize)> {
    /// Up to this many (setting, secret) pairs, comparing each is cheaper than the table.
    const PAIRS_PER_TABLE: usize = 64;
    // One pass, without allocating: a small contract's load allocates nothing here.
    let (mut shortest, mut firsts) = (usize::MAX, [0u64; 4]);
    for (_, secret) in secrets.iter().filter(|(_, secret)| secret.len() >= MIN_MASKABLE) {
        shortest = shortest.min(secret.len());
        let byte = secret.as_bytes()[0];
        firsts[usize::from(byte / 64)] |= 1 << (byte % 64);
    }
    if shortest == usize::MAX {
        // No secret long enough to mask.
        return Vec::new();
    }
    let texts =
        configs.iter().map(|(index, raw)| (*index, raw.expose_secret())).filter(|(_, text)| text.len() >= shortest);
    // Every secret counts here, short ones too: `first_held` walks them all at each candidate byte.
    if texts.clone().count() * secrets.len() <= PAIRS_PER_TABLE {
        return texts
            .filter_map(|(index, text)| first_held(text, &firsts, secrets).map(|secret| (index, secret)))
            .collect();
    }
    let maskable: Vec<(usize, &str)> =
        secrets.iter().copied().filter(|(_, secret)| secret.len() >= MIN_MASKABLE).collect();
    let starts = SecretStarts::new(&maskable);
    texts.filter_map(|(index, text)| starts.first_in(text).map(|secret| (index, secret))).collect()
}

/// The secrets by their first eight bytes: a bit a start, the lengths of the secrets that begin
/// with each, and the texts sorted. Secrets that share their start (one issuer's keys, JWT
/// headers) share few lengths: a position costs a search per length, not a comparison per secret.
struct SecretStarts<'s> {
    table: BitTable,
    /// Each start, with the lengths of the secrets that begin with it, sorted by start.
    lengths: Vec<(u64, Vec<usize>)>,
    /// Each secret's text, with its position in the secrets given and its index; sorted by text,
    /// then position, so the first of equal texts is the first given.
    sorted: Vec<(&'s [u8], usize, usize)>,
}

impl<'s> SecretStarts<'s> {
    fn new(secrets: &'s [(usize, &'s str)]) -> Self {
        // About 64 bits a secret, from 128 bytes to 8 KiB: a position of a text passes with a
        // chance of about one in 64.
        let mut table = BitTable::new(secrets.len(), 64, 10..=16);
        let mut sorted: Vec<(&[u8], usize, usize)> = secrets
            .iter()
            .enumerate()
            .map(|(position, (index, secret))| (secret.as_bytes(), position, *index))
            .collect();
        sorted.sort_unstable();
        let mut starts: Vec<(u64, usize)> = sorted.iter().map(|&(text, ..)| (start(text), text.len())).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut lengths: Vec<(u64, Vec<usize>)> = Vec::new();
        for (first, len) in starts {
            table.insert(first);
            match lengths.last_mut() {
                Some((last, lens)) if *last == first => lens.push(len),
                _ => lengths.push((first, vec![len])),
            }
        }
        Self { table, lengths, sorted }
    }

    /// The index of the first secret (in the order given) that `text` holds.
    fn first_in(&self, text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut first: Option<(usize, usize)> = None;
        for at in 0..=bytes.len().saturating_sub(MIN_MASKABLE) {
            let here = start(&bytes[at..]);
            if !self.table.may_hold(here) {
                continue;
            }
            let Ok(found) = self.lengths.binary_search_by_key(&here, |&(first, _)| first) else { continue };
            for &len in &self.lengths[found].1 {
                let Some(candidate) = bytes.get(at..at + len) else { continue };
                // The first entry of this text: the one given first.
                let from = self.sorted.partition_point(|&(secret, ..)| secret < candidate);
                let found = self.sorted.get(from).filter(|&&(secret, ..)| secret == candidate);
                if let Some(&(_, position, index)) =
                    found.filter(|&&(_, position, _)| first.is_none_or(|(p, _)| position < p))
                {
                    first = Some((position, index));
                }
            }
        }
        first.map(|(_, index)| index)
    }
}

/// The index of the first of `secrets` at least `MIN_MASKABLE` bytes long (in their order)
/// that `text` holds. A short setting is read once, and at each byte that begins some secret
/// (`firsts` has a bit for each secret's first byte) those secrets are compared: `str::contains`
/// prepares a searcher for each secret, which costs more than the search in a few dozen bytes.
fn first_held(text: &str, firsts: &[u64; 4], secrets: &[(usize, &str)]) -> Option<usize> {
    const SHORT: usize = 256;
    let maskable = |(_, secret): &&(usize, &str)| secret.len() >= MIN_MASKABLE;
    if text.len() > SHORT {
        return secrets.iter().filter(maskable).find(|(_, secret)| text.contains(secret)).map(|(index, _)| *index);
    }
    let bytes = text.as_bytes();
    // The position in `secrets` and the index of the first one found so far.
    let mut first: Option<(usize, usize)> = None;
    for (at, &byte) in bytes.iter().enumerate() {
        if firsts[usize::from(byte / 64)] & (1 << (byte % 64)) == 0 {
            continue;
        }
        let before = first.map_or(secrets.len(), |(position, _)| position);
        for (position, (index, secret)) in secrets[..before].iter().enumerate() {
            if secret.len() >= MIN_MASKABLE && bytes[at..].starts_with(secret.as_bytes()) {
                first = Some((position, *index));
                break;
            }
        }
    }
    first.map(|(_, index)| index)
}

/// The first eight bytes of `bytes` (at least that long), as one number.
fn start(bytes: &[u8]) -> u64 {
    let mut word = [0; MIN_MASKABLE];
    word.copy_from_slice(&bytes[..MIN_MASKABLE]);
    u64::from_le_bytes(word)
}

/// Whether a value counts as unset: empty or blank, without `allow_empty`.
fn blank(var: &VarSpec, text: &str) -> bool {
    // Most values start with a visible ASCII character, which settles "blank" without a trim.
    !var.allow_empty() && !text.as_bytes().first().is_some_and(u8::is_ascii_graphic) && text.trim().is_empty()
}

/// Why a present value is not usable, if it is not.
fn refusal(var: &VarSpec, text: &str, origin: &Origin) -> Option<State> {
    if blank(var, text) {
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

/// Masks `secrets` in what rules reported: each in every form the redactor knows, and a text
/// that still holds 6 characters of one in a row is replaced whole (a rule may quote a piece).
fn mask_rules(rules: &mut [RuleProblem], secrets: &[&str]) {
    let redactor = crate::Redactor::new(secrets.iter().copied());
    let mask = |text: &str| {
        let masked = redactor.redact(text);
        // Shorter secrets are masked whole by the redactor; a piece of them is an ordinary word.
        if secrets.iter().any(|secret| secret.chars().count() >= 6 && holds_piece(&masked, secret, 6, false)) {
            "(not shown: it holds a piece of a secret)".to_owned()
        } else {
            masked.into_owned()
        }
    };
    for rule in rules {
        rule.name = mask(&rule.name);
        rule.reason = mask(&rule.reason);
    }
}

/// Whether `reason` holds a piece of 4 or more characters of `value`, in any case (the whole
/// value, when it is shorter). The reason is cut at `MAX_REASON_CHARS` first, so the work is
/// linear in the value's length.
fn echoes(reason: &str, value: &str) -> bool {
    holds_piece(reason, value, 4, true)
}

/// Whether `text` (cut at `MAX_REASON_CHARS`) holds `width` consecutive characters of `value`
/// (the whole value, when it is shorter), ignoring case when `fold` is set.
pub(crate) fn holds_piece(text: &str, value: &str, width: usize, fold: bool) -> bool {
    let chars =
        |text: &str| -> Vec<char> { if fold { text.to_lowercase().chars().collect() } else { text.chars().collect() } };
    let cut: String = text.chars().take(MAX_REASON_CHARS).collect();
    let (text, value) = (chars(&cut), chars(value));
    let width = width.min(value.len());
    if width == 0 || text.len() < width {
        return false;
    }
    let pieces: HashSet<&[char]> = text.windows(width).collect();
    value.windows(width).any(|window| pieces.contains(window))
}

/// Whether a value of the process environment is usable and has nothing to note: the common case.
fn is_plain(var: &VarSpec, text: &str) -> bool {
    refusal(var, text, &Origin::Env).is_none() && !(var.kind() == Kind::Secret && too_short(text))
}

/// Whether a secret has fewer than `MIN_MASKABLE` characters; the byte length settles most values.
fn too_short(text: &str) -> bool {
    // A character is one to four bytes long.
    text.len() < MIN_MASKABLE || (text.len() < 4 * MIN_MASKABLE && text.chars().count() < MIN_MASKABLE)
}

fn report(spec: &'static ContractSpec, mut values: Values<'_>, source: &dyn Source, policy: Policy) -> StatusReport {
    let mut rules = std::mem::take(&mut values.rules);
    if !rules.is_empty() {
        // A section's rules ran even if the whole contract did not build: mask what the sources hold.
        let secrets = values.source_secrets();
        mask_rules(&mut rules, &secrets.iter().map(ExposeSecret::expose_secret).collect::<Vec<_>>());
    }
    let mut report = StatusReport::new(spec.name(), values.into_entries(policy), source.problems(), source.describe());
    report.set_rules(rules);
    let prefixes = spec.prefixes();
    let wants_names = policy.checks_unknown() && !prefixes.is_empty();
    if !wants_names && report.entries().iter().all(|entry| entry.state() != &State::Missing) {
        return report;
    }
    // Names only, read once and only when something is missing or unknown names are checked, and
    // only those that look like variable names: a source's names can come from a server (Vault
    // keys) or another program, and are shown.
    let declared: HashSet<&str> = spec
        .vars()
        .iter()
        .flat_map(|var| std::iter::once(var.name()).chain(var.aliases().iter().chain(var.deprecated_names()).copied()))
        .collect();
    let held = source.names();
    let undeclared: Vec<&str> =
        held.iter().map(String::as_str).filter(|name| is_variable_name(name) && !declared.contains(name)).collect();
    for entry in report.entries_mut() {
        if entry.state() == &State::Missing {
            entry.suggest(near_miss(entry.spec().name(), undeclared.iter().copied()).map(str::to_owned));
        }
    }
    if wants_names {
        let unknown = undeclared
            .iter()
            .filter(|name| prefixes.iter().any(|prefix| name.starts_with(prefix)))
            .map(|&name| Unknown {
                name: name.to_owned(),
                suggestion: near_miss(name, spec.names().iter().copied()).map(str::to_owned),
                level: policy.unknown_level(),
            })
            .collect();
        report.set_unknown(unknown);
    }
    report
}

/// Whether `name` looks like a variable name (`[A-Za-z_][A-Za-z0-9_.]*`, at most 128 bytes),
/// and so may be shown.
fn is_variable_name(name: &str) -> bool {
    name.len() <= 128
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// Builds a contract from `values`, then checks that no setting holds one of its secrets; when
/// loading, keeps the texts of its secrets whose type keeps none (for its redactor).
///
/// The contract is built in place, in one frame: a contract of thousands of fields is large,
/// and a debug build would copy it once per frame it goes through.
fn build<C: SecretContract>(values: &mut Values<'_>) -> Option<C> {
    let contract = C::__from_values(values);
    if let Some(contract) = &contract {
        if !values.rules.is_empty() {
            values.mask_rules(&contract.__secret_texts());
        }
        if !values.configs.is_empty() {
            let kept = std::mem::take(&mut values.kept);
            let mut texts = contract.__secret_texts();
            texts.extend(kept.iter().map(|(index, text)| (*index, text.expose_secret())));
            values.check_configs(&texts);
            drop(texts);
            values.kept = kept;
        }
    }
    if values.loading && contract.is_some() && !values.kept.is_empty() {
        let texts = std::mem::take(&mut values.kept).into_iter().map(|(_, text)| text).collect();
        crate::redaction::kept::keep(C::spec(), texts);
    }
    contract
}

/// Looks up, parses and judges a contract; the value is `None` when a non-`Option` field is unavailable.
pub(crate) fn evaluate<C: SecretContract>(source: &dyn Source, policy: Policy) -> (StatusReport, Option<C>) {
    let mut values = Values::new(C::spec(), source);
    let contract = build::<C>(&mut values);
    let report = report(C::spec(), values, source, policy);
    match contract {
        Some(contract) => (report, Some(contract)),
        None => (failed_report(report), None),
    }
}

/// Loads a contract, failing when the policy does not hold; warnings go out as `tracing` events.
pub(crate) fn load<C: SecretContract>(source: &dyn Source, policy: Policy) -> Result<C, ContractError> {
    let (contract, report) = load_reporting(source, policy)?;
    if let Some(report) = &report {
        emit_events(report);
    }
    Ok(contract)
}

/// Loads a contract, failing when the policy does not hold; with the report when it holds
/// anything to say (warnings, rules, unknown names).
pub(crate) fn load_reporting<C: SecretContract>(
    source: &dyn Source,
    policy: Policy,
) -> Result<(C, Option<StatusReport>), ContractError> {
    let mut values = Values::new(C::spec(), source);
    values.loading = true;
    let contract = build::<C>(&mut values);
    match contract {
        // Everything in order: no report to build.
        Some(contract) if values.all_ok(policy) && !policy.checks_unknown() && source.problems().is_empty() => {
            Ok((contract, None))
        }
        Some(contract) => Ok((contract, Some(accept(report(C::spec(), values, source, policy), policy)?))),
        None => Err(ContractError::new(failed_report(report(C::spec(), values, source, policy)))),
    }
}

/// Loads a contract with its report, failing when the policy does not hold: what a live
/// contract serves, and shows.
#[cfg(feature = "live")]
pub(crate) fn load_full<C: SecretContract>(
    source: &dyn Source,
    policy: Policy,
) -> Result<(C, StatusReport), ContractError> {
    let mut values = Values::new(C::spec(), source);
    values.loading = true;
    let contract = build::<C>(&mut values);
    let report = report(C::spec(), values, source, policy);
    match contract {
        Some(contract) => Ok((contract, accept(report, policy)?)),
        None => Err(ContractError::new(failed_report(report))),
    }
}

/// The report of a load that could not build its contract, which names at least one problem:
/// a variable the policy would let pass, yet without which a field cannot be built, is an error.
fn failed_report(mut report: StatusReport) -> StatusReport {
    // A report with no problem here is a bug: debug builds (the tests) say so; others fail closed.
    debug_assert!(!report.is_ok(), "a failed load named no problem:\n{report}");
    if report.is_ok() {
        report.escalate_unconfigured();
    }
    report
}

/// Judges a contract without keeping its values.
pub(crate) fn validate<C: SecretContract>(source: &dyn Source, policy: Policy) -> Result<StatusReport, ContractError> {
    accept(evaluate::<C>(source, policy).0, policy)
}

/// The report when the policy holds or does not fail hard.
fn accept(report: StatusReport, policy: Policy) -> Result<StatusReport, ContractError> {
    if report.is_ok() || !policy.is_hard_fail() { Ok(report) } else { Err(ContractError::new(report)) }
}

/// Sends one `tracing` event per warning and error of `report`; with no `tracing` subscriber
/// to receive them, writes them to stderr instead, one value-free line each, so that a program
/// that never set up logging does not pass over a missing billing key in silence.
pub(crate) fn emit_events(report: &StatusReport) {
    if tracing::dispatcher::get_default(tracing::Dispatch::is::<tracing::subscriber::NoSubscriber>) {
        // Written, not `eprintln!`: a full or closed stderr must not make a load panic.
        // At most `MAX_STDERR_LINES`, so that a report of thousands of unknown names cannot
        // fill a pipe nobody reads and stop the load.
        const MAX_STDERR_LINES: usize = 50;
        let lines = problem_lines(report);
        let mut stderr = std::io::stderr().lock();
        for line in lines.iter().take(MAX_STDERR_LINES) {
            if writeln!(stderr, "{line}").is_err() {
                return;
            }
        }
        if lines.len() > MAX_STDERR_LINES {
            let _ = writeln!(stderr, "… and {} more (`secrets status` lists them all)", lines.len() - MAX_STDERR_LINES);
        }
        return;
    }
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
    for rule in report.rules() {
        match rule.level {
            Level::Ok => {}
            Level::Warning => tracing::warn!(contract = report.contract(), variable = rule.name.as_str(), "{rule}"),
            Level::Error => tracing::error!(contract = report.contract(), variable = rule.name.as_str(), "{rule}"),
        }
    }
    for unknown in report.unknown() {
        tracing::warn!(contract = report.contract(), variable = unknown.name.as_str(), "{unknown}");
    }
}

/// The lines `emit_events` would send as events: `warning: ` or `error: `, the contract, the problem.
fn problem_lines(report: &StatusReport) -> Vec<String> {
    let level = |level: Level| if level == Level::Error { "error" } else { "warning" };
    let contract = report.contract();
    let mut lines: Vec<String> = report
        .entries()
        .iter()
        .filter(|entry| entry.level() != Level::Ok)
        .map(|entry| format!("{}: {contract}: {}", level(entry.level()), entry.problem_line()))
        .collect();
    lines.extend(
        report
            .source_problems()
            .iter()
            .map(|problem| format!("error: {contract}: {}", crate::reports::terminal::line(problem))),
    );
    lines.extend(
        report
            .rules()
            .iter()
            .filter(|rule| rule.level != Level::Ok)
            .map(|rule| format!("{}: {contract}: {}", level(rule.level), crate::reports::terminal::line(rule))),
    );
    lines.extend(
        report.unknown().iter().map(|unknown| {
            format!("{}: {contract}: {}", level(unknown.level), crate::reports::terminal::line(unknown))
        }),
    );
    lines
}

/// The state and origin of a variable a source could not give, without repeating its name.
fn failed(error: SourceError) -> (State, Option<Origin>) {
    match error {
        SourceError::NotUnicode { origin, .. } => {
            (State::Unreadable { reason: "not valid UTF-8".to_owned() }, Some(origin))
        }
        SourceError::NotText { origin, reason, .. } => (State::Invalid { reason }, Some(origin)),
        SourceError::File { path, reason, .. } => {
            (State::Unreadable { reason: format!("{} {reason}", path.display()) }, None)
        }
        other => (State::Unreadable { reason: other.to_string() }, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The naive reference: the first secret (in the order given) each long-enough setting holds.
    fn naive(configs: &[(usize, SecretString)], secrets: &[(usize, &str)]) -> Vec<(usize, usize)> {
        configs
            .iter()
            .filter_map(|(index, raw)| {
                let text = raw.expose_secret();
                secrets.iter().find(|(_, secret)| text.contains(secret)).map(|(secret, _)| (*index, *secret))
            })
            .collect()
    }

    #[test]
    fn settings_holding_secrets_are_found_by_pairs_and_by_the_table() {
        let values: Vec<String> = (0..40).map(|i| format!("secret-{i:02}-{}", "k".repeat(i % 7))).collect();
        // The same start as another secret, and a secret inside another.
        let mut secrets: Vec<(usize, &str)> = values.iter().enumerate().map(|(i, v)| (100 + i, v.as_str())).collect();
        secrets.push((200, "secret-07-kkkkk-longer"));
        secrets.push((201, "et-03-kkk"));
        let texts = [
            "https://host/?t=secret-07-kkkkk-longer".to_owned(),
            "secret-39-kkkk".to_owned(),
            "ends with secret-03-kkk".to_owned(),
            "et-03-kkk alone".to_owned(),
            "no secret here at all, only text".to_owned(),
            "secre".to_owned(),
            "x".repeat(300) + "secret-12-kkkkk",
        ];
        let configs: Vec<(usize, SecretString)> =
            texts.iter().enumerate().map(|(i, text)| (i, SecretString::from(text.as_str()))).collect();
        let expected = naive(&configs, &secrets);
        assert_eq!(expected.len(), 5, "{expected:?}");
        // Past 64 pairs: the table.
        assert_eq!(held_secrets(&configs, &secrets), expected);
        // A few pairs: compared one by one.
        for (config, secret) in configs.iter().zip(secrets.iter().cycle().skip(3)) {
            let one = std::slice::from_ref(config);
            let few = [*secret, (201, "et-03-kkk")];
            assert_eq!(held_secrets(one, &few), naive(one, &few));
        }
    }
}
