//! The status report: one line per variable, its state and origin, never its value.

use std::fmt::{self, Write};

use json::Json;

use crate::rules::RuleProblem;
use crate::sources::{Concern, Origin, SourceError};
use crate::spec::{Category, VarSpec};

pub(crate) mod example;
pub(crate) mod json;
#[cfg(feature = "cli")]
pub(crate) mod table;
pub(crate) mod terminal;

use terminal::{line, one_line};

/// What was found for one variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Present and parsed.
    Configured,
    /// Not set in any source.
    Missing,
    /// Set, but empty or only whitespace.
    Empty,
    /// Set, but not a valid value for the field's type.
    Invalid {
        /// Why: for a secret, without the value; for a setting, its text first (`value "80a":
        /// invalid digit found in string`), quoted, cut at 64 characters, secrets masked.
        reason: String,
    },
    /// A source could not read it (not UTF-8, a file that cannot be read).
    Unreadable {
        /// Why, without the value.
        reason: String,
    },
    /// Not loaded: its section is toggled off by a `bool` setting (`enabled_by`).
    Disabled {
        /// The setting that turns the section on.
        by: &'static str,
        /// Whether it is set anyway (a warning: it has no effect).
        set: bool,
    },
    /// Not loaded: none of the variables of its all-or-none section is set.
    Unused,
}

impl State {
    /// `configured`, `missing`, `empty`, `invalid` or `unreadable`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Configured => "configured",
            Self::Missing => "missing",
            Self::Empty => "empty",
            Self::Invalid { .. } => "invalid",
            Self::Unreadable { .. } => "unreadable",
            Self::Disabled { .. } => "disabled",
            Self::Unused => "unused",
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Self::Invalid { reason } | Self::Unreadable { reason } => Some(reason),
            _ => None,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("set but empty"),
            // A setting's reason begins with its text: `invalid value "80a": …`.
            Self::Invalid { reason } if reason.starts_with("value \"") => write!(f, "invalid {reason}"),
            Self::Invalid { reason } | Self::Unreadable { reason } => write!(f, "{}: {reason}", self.as_str()),
            Self::Disabled { by, set: false } => write!(f, "disabled ({by} is not true)"),
            Self::Disabled { by, set: true } => {
                write!(f, "set but unused: its section is disabled ({by} is not true)")
            }
            Self::Unused => f.write_str("unused (no variable of its section is set)"),
            _ => f.write_str(self.as_str()),
        }
    }
}

/// How serious a state is under the policy in force.
///
/// In JSON: `"ok"`, `"warning"` or `"error"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing to do.
    Ok,
    /// Worth fixing; the program runs without the feature.
    Warning,
    /// The policy does not hold.
    Error,
}

/// A report line's marker: ❌ an error, ⚠️ a warning, ✅ configured, ➖ not set and fine.
pub(crate) fn icon(level: Level, configured: bool) -> &'static str {
    match (level, configured) {
        (Level::Error, _) => "❌",
        (Level::Warning, _) => "⚠️",
        (Level::Ok, true) => "✅",
        (Level::Ok, false) => "➖",
    }
}

impl Level {
    /// `"ok"`, `"warning"` or `"error"`.
    pub(crate) fn json(self) -> Json<'static> {
        Json::text(match self {
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// One variable's line in the report.
#[derive(Clone, Debug)]
pub struct Entry {
    spec: &'static VarSpec,
    state: State,
    origin: Option<Origin>,
    level: Level,
    suggestion: Option<String>,
    concerns: Vec<Concern>,
    category: Category,
}

impl Entry {
    pub(crate) fn new(spec: &'static VarSpec, state: State, origin: Option<Origin>, level: Level) -> Self {
        Self { spec, state, origin, level, suggestion: None, concerns: Vec::new(), category: spec.category() }
    }

    pub(crate) fn with_category(mut self, category: Category) -> Self {
        self.category = category;
        self
    }

    /// The category that applied: the declared one, or for a `required_if` variable
    /// `Required` or `Optional`, as its switch said.
    pub fn category(&self) -> Category {
        self.category
    }

    /// The name that supplied the value: the variable's own, or the alias or deprecated name read.
    pub fn supplied_by(&self) -> Option<&'static str> {
        if self.state != State::Configured || self.origin.is_none() {
            return None;
        }
        let alias = self.concerns.iter().find_map(|concern| match concern {
            Concern::Alias { name } | Concern::Deprecated { name, .. } => Some(*name),
            _ => None,
        });
        Some(alias.unwrap_or(self.spec.name()))
    }

    /// The tag with the category that applied and the section: `REQ`, `REQ if APP_X is true`.
    fn tag(&self) -> String {
        let mut tag = match self.spec.required_if() {
            Some(switch) if self.category == Category::Required => format!("REQ: {switch} is true"),
            Some(switch) => format!("OPT: {switch} is not true"),
            None => self.spec.tag().to_owned(),
        };
        if let Some(section) = self.spec.section() {
            let _ = write!(tag, ", in {}", section.field());
        }
        tag
    }

    pub(crate) fn with_concerns(mut self, concerns: Vec<Concern>) -> Self {
        self.concerns = concerns;
        self
    }

    /// What is worth knowing about how the value is stored (an insecure file), never its content.
    pub fn concerns(&self) -> &[Concern] {
        &self.concerns
    }

    /// For a missing variable, a name the sources hold that was probably meant ("did you mean").
    pub fn suggestion(&self) -> Option<&str> {
        self.suggestion.as_deref()
    }

    pub(crate) fn suggest(&mut self, name: Option<String>) {
        self.suggestion = name;
    }

    /// The variable as declared.
    pub fn spec(&self) -> &'static VarSpec {
        self.spec
    }

    /// What was found.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Where the value came from, when there is one.
    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }

    /// How serious the state is.
    pub fn level(&self) -> Level {
        self.level
    }

    /// A configured secret that is an error only because of where it came from.
    fn forbidden(&self) -> bool {
        self.level == Level::Error
            && self.state == State::Configured
            && matches!(self.origin, Some(Origin::Env | Origin::Dotenv { .. }))
    }

    fn icon(&self) -> &'static str {
        icon(self.level, self.state == State::Configured)
    }

    /// `REDIS_URL (required secret): missing, Redis connection string` for error messages.
    pub(crate) fn problem_line(&self) -> String {
        let spec = self.spec;
        let mut line = format!("{} ({} {}): {}", spec.name(), self.category, spec.kind().as_str(), self.state);
        if let Some(origin) = &self.origin {
            let _ = write!(line, " (from {origin})");
        }
        for concern in &self.concerns {
            let _ = write!(line, " ({concern})");
        }
        if self.forbidden() {
            line.push_str(" (the policy forbids secrets from the plain environment or .env)");
        }
        if !spec.description().is_empty() {
            let _ = write!(line, ", {}", spec.description());
        }
        if let Some(suggestion) = &self.suggestion {
            let _ = write!(line, "; did you mean {suggestion}?");
        }
        one_line(&line).into_owned()
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = format!("{} {}: {} ({})", self.icon(), self.spec.name(), self.state, self.tag());
        self.write_details(&mut line)?;
        f.write_str(&one_line(&line))
    }
}

impl Entry {
    /// What the line says after the tag, each part after a space: the origin, the description
    /// of what is not configured, concerns, the policy, a suggestion.
    fn write_details(&self, f: &mut impl Write) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, " from {origin}")?;
        }
        if self.state != State::Configured && !self.spec.description().is_empty() {
            write!(f, " {}", self.spec.description())?;
        }
        for concern in &self.concerns {
            write!(f, " ({concern})")?;
        }
        if self.forbidden() {
            f.write_str(" (the policy forbids secrets from the plain environment or .env)")?;
        }
        if let Some(suggestion) = &self.suggestion {
            write!(f, " (did you mean {suggestion}?)")?;
        }
        Ok(())
    }
}

impl Entry {
    /// The variable's object in the report's `secrets`.
    pub(crate) fn json(&self) -> Json<'_> {
        let spec = self.spec;
        Json::Object(vec![
            ("name", Json::text(spec.name())),
            ("category", self.category.json()),
            ("required_if", Json::or_null(spec.required_if(), Json::text)),
            ("section", Json::or_null(spec.section(), |section| Json::text(section.field()))),
            ("supplied_by", Json::or_null(self.supplied_by(), Json::text)),
            ("kind", spec.kind().json()),
            ("state", Json::text(self.state.as_str())),
            ("level", self.level.json()),
            ("source", Json::or_null(self.origin.as_ref(), Origin::json)),
            ("description", Json::text(spec.description())),
            ("feature", Json::or_null(spec.feature(), Json::text)),
            ("reason", Json::or_null(self.state.reason(), Json::text)),
            ("suggestion", Json::or_null(self.suggestion.as_deref(), Json::text)),
            ("concerns", Json::texts(self.concerns.iter().map(ToString::to_string))),
        ])
    }
}

/// A variable with the contract's prefix that the contract does not declare, likely a typo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The undeclared name.
    pub name: String,
    /// The declared name it was probably meant to be.
    pub suggestion: Option<String>,
    /// How serious it is under the policy.
    pub level: Level,
}

impl Unknown {
    /// `{"name", "suggestion", "level"}`.
    pub(crate) fn json(&self) -> Json<'_> {
        Json::Object(vec![
            ("name", Json::text(&self.name)),
            ("suggestion", Json::or_null(self.suggestion.as_deref(), Json::text)),
            ("level", self.level.json()),
        ])
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is set but not declared by the contract", self.name)?;
        match &self.suggestion {
            Some(suggestion) => write!(f, " (did you mean {suggestion}?)"),
            None => Ok(()),
        }
    }
}

/// The state of every variable of a contract, for people (`Display`) and machines (JSON).
///
/// It holds names, states and origins only: no value can reach it.
#[derive(Clone, Debug)]
pub struct StatusReport {
    contract: &'static str,
    entries: Vec<Entry>,
    problems: Vec<SourceError>,
    looked_in: Vec<String>,
    unknown: Vec<Unknown>,
    rules: Vec<RuleProblem>,
}

impl StatusReport {
    pub(crate) fn new(
        contract: &'static str,
        entries: Vec<Entry>,
        problems: Vec<SourceError>,
        looked_in: Vec<String>,
    ) -> Self {
        Self { contract, entries, problems, looked_in, unknown: Vec::new(), rules: Vec::new() }
    }

    pub(crate) fn entries_mut(&mut self) -> &mut [Entry] {
        &mut self.entries
    }

    pub(crate) fn set_rules(&mut self, rules: Vec<RuleProblem>) {
        self.rules = rules;
    }

    /// What the contract's rules (`#[contract(validate = ...)]`) reported.
    pub fn rules(&self) -> &[RuleProblem] {
        &self.rules
    }

    /// Makes every variable that is missing or empty an error: for a load that failed with none.
    pub(crate) fn escalate_unconfigured(&mut self) {
        for entry in &mut self.entries {
            if matches!(entry.state, State::Missing | State::Empty) {
                entry.level = Level::Error;
            }
        }
    }

    pub(crate) fn set_unknown(&mut self, unknown: Vec<Unknown>) {
        self.unknown = unknown;
    }

    /// Undeclared variables with the contract's prefix, when the policy checks for them.
    pub fn unknown(&self) -> &[Unknown] {
        &self.unknown
    }

    /// The contract struct's name.
    pub fn contract(&self) -> &'static str {
        self.contract
    }

    /// One entry per variable, in declaration order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of the variable `name`.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.spec.name() == name)
    }

    /// Problems of whole sources, such as a `.env` that does not parse.
    pub fn source_problems(&self) -> &[SourceError] {
        &self.problems
    }

    /// Where the values were looked for, in order.
    pub fn looked_in(&self) -> &[String] {
        &self.looked_in
    }

    /// Whether no entry is an error and every source could be read.
    pub fn is_ok(&self) -> bool {
        self.count(Level::Error) == 0
    }

    /// How many lines of the report are at `level`: variables, rules, unknown names, and for
    /// errors the problems of whole sources.
    fn count(&self, level: Level) -> usize {
        let sources = if level == Level::Error { self.problems.len() } else { 0 };
        self.at_level(level).count()
            + sources
            + self.unknown.iter().filter(|unknown| unknown.level == level).count()
            + self.rules.iter().filter(|rule| rule.level == level).count()
    }

    /// The entries at `level`.
    pub fn at_level(&self, level: Level) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |entry| entry.level == level)
    }

    /// The report as pretty-printed JSON (`contract`, `ok`, `secrets[]`, `problems[]`,
    /// `looked_in[]`, `unknown[]`, `rules[]`); with the `serde` feature the report also
    /// implements `Serialize`, as the same JSON.
    pub fn to_json(&self) -> String {
        self.json().pretty()
    }

    /// One line per warning (variables, rules, unknown names), as the failure text words them.
    #[cfg(all(feature = "cli", unix))]
    pub(crate) fn warning_lines(&self) -> Vec<String> {
        let entries = self.at_level(Level::Warning).map(Entry::problem_line);
        let rules = self.rules.iter().filter(|rule| rule.level == Level::Warning).map(line);
        entries.chain(rules).chain(self.unknown.iter().map(line)).collect()
    }

    /// The same report, with a problem of the sources as a whole (a Vault server that stopped
    /// answering).
    #[cfg(feature = "live")]
    pub(crate) fn with_problem(mut self, problem: SourceError) -> Self {
        self.problems.push(problem);
        self
    }

    /// The lines of an error message: every error, then where the values were looked for.
    pub(crate) fn failure_text(&self) -> String {
        let errors: Vec<String> = self
            .at_level(Level::Error)
            .map(Entry::problem_line)
            .chain(self.problems.iter().map(line))
            .chain(self.rules.iter().filter(|rule| rule.level == Level::Error).map(line))
            .chain(self.unknown.iter().filter(|unknown| unknown.level == Level::Error).map(line))
            .collect();
        let count = errors.len();
        let mut text = format!("{}: {count} problem{}", self.contract, plural(count));
        for line in errors {
            text.push_str("\n  ");
            text.push_str(&line);
        }
        text.push_str("\nlooked in: ");
        text.push_str(&one_line(&self.looked_in.join(", ")));
        text
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The report's first line: `AppSecrets: ok`, or how many errors and warnings.
struct Headline<'a>(&'a StatusReport);

impl fmt::Display for Headline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = self.0;
        let (errors, warnings) = (report.count(Level::Error), report.count(Level::Warning));
        match (errors, warnings) {
            (0, 0) => write!(f, "{}: ok", report.contract),
            _ => write!(
                f,
                "{}: {errors} error{}, {warnings} warning{}",
                report.contract,
                plural(errors),
                plural(warnings)
            ),
        }
    }
}

impl fmt::Display for StatusReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", Headline(self))?;
        for problem in &self.problems {
            writeln!(f, "❌ {}", line(problem))?;
        }
        for entry in &self.entries {
            writeln!(f, "{entry}")?;
        }
        for rule in &self.rules {
            writeln!(f, "{} {}", icon(rule.level.max(Level::Warning), true), line(rule))?;
        }
        for unknown in &self.unknown {
            writeln!(f, "{} {}", icon(unknown.level.max(Level::Warning), true), line(unknown))?;
        }
        write!(f, "looked in: {}", one_line(&self.looked_in.join(", ")))
    }
}

impl StatusReport {
    /// The report as a JSON value: what [`to_json`](Self::to_json) writes.
    pub(crate) fn json(&self) -> Json<'_> {
        Json::Object(self.json_fields())
    }

    /// The fields of the report's JSON object, for a report that adds its own (`LiveStatus`).
    pub(crate) fn json_fields(&self) -> Vec<(&'static str, Json<'_>)> {
        vec![
            ("contract", Json::text(self.contract)),
            ("ok", Json::Bool(self.is_ok())),
            ("secrets", Json::List(self.entries.iter().map(Entry::json).collect())),
            ("problems", Json::texts(self.problems.iter().map(ToString::to_string))),
            ("looked_in", Json::texts(self.looked_in.iter().map(String::as_str))),
            ("unknown", Json::List(self.unknown.iter().map(Unknown::json).collect())),
            ("rules", Json::List(self.rules.iter().map(RuleProblem::json).collect())),
        ]
    }
}
