//! Declare a program's secrets and environment as one struct, and load it safely.
//!
//! A **contract** is a struct deriving [`SecretContract`]. Each field is a variable:
//! `#[secret(...)]` for values that must never be shown, `#[config(...)]` for plain settings.
//!
//! ```
//! use secrets_core::{ExposeSecret, MapSource, Policy, SecretContract, SecretString};
//!
//! #[derive(SecretContract)]
//! #[contract(prefix = "APP_")]
//! struct AppSecrets {
//!     /// Postgres connection string
//!     #[secret(required)]
//!     database_url: SecretString,
//!     /// OpenAI API (spends money)
//!     #[secret(billing, feature = "openai")]
//!     openai_api_key: Option<SecretString>,
//!     #[secret(optional)]
//!     slack_webhook_url: Option<SecretString>,
//!     #[config(default = "info")]
//!     log_level: String,
//! }
//!
//! // In a program: `let secrets = AppSecrets::load_or_exit();` (exits 78 when broken).
//! let source = MapSource::new().with("APP_DATABASE_URL", "postgres://db.internal/app");
//! let secrets = AppSecrets::load_from(&source).unwrap();
//! assert_eq!(secrets.database_url().expose_secret(), "postgres://db.internal/app");
//! assert!(!secrets.has_openai());
//! assert!(secrets.openai_api_key().is_err());
//! assert_eq!(secrets.log_level(), "info");
//! assert!(!format!("{secrets:?}").contains("db.internal"));
//!
//! // A script that spends money makes billing secrets mandatory.
//! let error = AppSecrets::load_with(&source, Policy::startup().include_billing(true)).unwrap_err();
//! assert!(error.to_string().contains("APP_OPENAI_API_KEY (billing secret): missing"));
//!
//! // The status report shows states and origins, never values.
//! let report = AppSecrets::status_from(&source);
//! assert!(report.to_string().contains("✅ APP_DATABASE_URL: configured (REQ) from map"));
//! assert!(report.to_string().contains("⚠️ APP_OPENAI_API_KEY: missing (BILLING) OpenAI API (spends money)"));
//! ```
//!
//! # The rules
//!
//! - **Naming**: a field reads the variable named like the field in SCREAMING_SNAKE_CASE,
//!   with the `#[contract(prefix = "...")]` in front; `env = "NAME"` sets the name verbatim.
//!   The description is `description = "..."` or the field's doc comment.
//! - **Categories**: `required` fields are `T`; `billing`, `external` and `optional` fields are
//!   `Option<T>`. What a missing one means depends on the [`Policy`]:
//!
//!   | category | `Policy::startup()` | `.include_billing(true)` | `Policy::strict()` |
//!   |---|---|---|---|
//!   | `required` | error | error | error |
//!   | `billing` | warning | error | error |
//!   | `external` | warning | warning | error |
//!   | `optional` | fine | fine | fine |
//!
//!   A `#[config]` is required unless it is an `Option` or has a `default`. An invalid or
//!   unreadable value is an error in every category; an invalid setting shows its text, quoted,
//!   cut at 64 characters, with any loaded secret masked (`PORT (config): invalid value "80a":
//!   invalid digit found in string`); a secret's text is never shown.
//! - **Values**: a setting is any `FromStr` type; `bool` accepts `true`/`false`, `1`/`0`,
//!   `yes`/`no`, `on`/`off` in any case, and `Duration` (`std::time::Duration`, known by its
//!   written name) `250ms`, `30s`, `5m`, `1h30m`, `2d`, refusing a bare number; `Vec<T>` is
//!   a list of `T` split at `,` (`#[config(sep = " ")]` sets another), items trimmed, empty
//!   items left out, an invalid one named by its position. `#[config(skip)]`: a field that is
//!   no variable, filled with `Default::default()`. With `.hard_fail(false)` problems are
//!   reported instead of failing (a missing non-`Option` field still fails a load).
//! - **Empty values**: empty or whitespace-only values count as unset: a setting's default
//!   applies (the report says "empty, default used"), else the variable is "set but empty".
//!   With `#[secret(allow_empty)]` or `#[config(allow_empty)]` the empty text is the value, and
//!   a setting's parser judges it. A load that fails always names at least one problem.
//! - **Precedence**: [`SecretContract::load`] asks, first match wins, systemd credentials
//!   (`$CREDENTIALS_DIRECTORY`), `NAME_FILE` files (an error when `NAME` is set too), the process
//!   environment, then the nearest `.env` walking up from the current directory
//!   ([`Sources::standard`]), so an app and the scripts run from its subdirectories see the same
//!   values. Loading never modifies the process environment. [`Sources`] builds other chains,
//!   with secret directories ([`SecretDir`]) and Vault or OpenBao (`VaultConfig`, feature
//!   `vault`); [`MapSource`] serves tests.
//! - **Files**: only regular files are read, each bounded (1 MiB by default): a FIFO, a
//!   device, a socket, a directory, a broken link or an oversized file is an error naming the
//!   path, never a wait. One trailing newline is removed; a file readable or writable by group
//!   or others is a warning (an error under [`Policy::strict`]); [`Policy::forbid_plain_env`] accepts secrets
//!   only from files, credentials and stores. A `.env` anyone else could have written (writable
//!   by others, owned by another user than the process's or root, in a directory others may
//!   write to without the sticky bit) is refused.
//! - **Vault**: the token goes only to the configured address: no redirect is followed, no
//!   proxy from the environment is used, no text the server sent reaches an error, and the
//!   address is shown without userinfo, as requests go to it (one whose host is ambiguous is
//!   refused).
//! - **Redaction**: [`SecretContract::redactor`] masks every loaded secret, whatever its type,
//!   in the forms it leaks in (trimmed, percent-, form-, JSON-, Rust- and base64-encoded), in any
//!   text, and [`RedactingWriter`] in a stream; feature `tracing` adds a `MakeWriter` for logs
//!   and feature `testing` adds `testing::assert_no_leaks` for your own test suite.
//! - **Errors**: a [`ContractError`] lists every problem at once, one per line, naming the
//!   variable (prefix included), its category, its state and description, then where values
//!   were looked for. A `.env` that does not parse is named with its line, never its text.
//! - **Fail-fast**: [`SecretContract::load_or_exit`] prints `FATAL: ` and the error to stderr
//!   and exits with [`EX_CONFIG`] (78), also when stderr cannot be written.
//! - **What is never shown**: no secret value, nor a piece of one, appears in `Debug` of a
//!   contract (secrets print `[REDACTED]`, and a setting holding a loaded secret shows it
//!   masked), in errors, in the [`StatusReport`] text or JSON, or in `tracing` events. A
//!   parser's error message about a secret is dropped, as it may echo the input in any form.
//!   Values live in [`SecretString`] or [`SecretBox`], zeroized on drop; read one with
//!   [`ExposeSecret::expose_secret`], on purpose and greppably.

extern crate self as secrets_core;

mod bytes;
#[cfg(feature = "cli")]
pub mod cli;
mod config_enum;
mod contract;
mod error;
mod exit;
mod load;
mod policy;
mod redaction;
mod reports;
mod rules;
mod sources;
mod spec;
mod suggest;
#[cfg(feature = "testing")]
pub mod testing;
mod value;

pub use config_enum::{ConfigEnum, EnumError};
pub use contract::SecretContract;
pub use error::{ContractError, SecretError};
pub use exit::{EX_CONFIG, config_error};
pub use policy::Policy;
#[cfg(feature = "tracing")]
pub use redaction::RedactingMakeWriter;
pub use redaction::url::SecretUrl;
pub use redaction::{MASK, RedactingWriter, Redactor};
pub use reports::{Entry, Level, State, StatusReport, Unknown};
pub use rules::{Problems, RuleProblem};
pub use secrecy::{ExposeSecret, SecretBox, SecretString, zeroize};
pub use secrets_derive::{ConfigEnum, SecretContract};
pub use sources::chain::Sources;
pub use sources::dotenv::DotenvSource;
pub use sources::env::EnvSource;
pub use sources::files::{DEFAULT_MAX_FILE_SIZE, FileIndirection, SecretDir, read_secret_file};
pub use sources::map::MapSource;
#[cfg(feature = "vault")]
pub use sources::vault::{VaultConfig, VaultSource};
pub use sources::{Concern, Found, Origin, Source, SourceError};
pub use spec::{Category, ContractSpec, Group, Kind, Section, VarSpec};
pub use value::{ParseError, SecretValue};

/// Items the derive's generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    use std::fmt;

    pub use crate::bytes::SecretBytes;
    pub use crate::config_enum::{NoValues, Probe};
    pub use crate::load::Values;
    pub use crate::spec::{Group, Part};
    use crate::{Category, ContractSpec, SecretError, VarSpec};

    /// The spec of a contract.
    pub const fn contract(
        name: &'static str,
        vars: &'static [VarSpec],
        names: &'static [&'static str],
        prefix: &'static str,
    ) -> ContractSpec {
        ContractSpec::new(name, vars, names, prefix)
    }

    /// The spec of a contract with nested sections, composed from its fields.
    pub fn composed(name: &'static str, prefix: &'static str, parts: &'static [Part]) -> ContractSpec {
        ContractSpec::compose(name, prefix, parts)
    }

    /// The accessor of an `Option<Nested>` section: the section, or an error naming it.
    pub fn section<'a, T>(
        value: &'a Option<T>,
        spec: &'static ContractSpec,
        start: usize,
        field: &'static str,
    ) -> Result<&'a T, SecretError> {
        value.as_ref().ok_or_else(|| SecretError::section(spec.vars().get(start).and_then(VarSpec::section), field))
    }

    /// Runs after the constructor: the `validate` of `#[contract]`.
    pub fn rules<C: crate::SecretContract>(values: &mut Values<'_>, contract: &C, rule: fn(&C, &mut crate::Problems)) {
        values.rules(contract, rule);
    }

    /// A `range = ...` rule: whether `value` is in `range`, else the reason.
    pub fn in_range<T: PartialOrd, R: std::ops::RangeBounds<T>>(
        value: &T,
        range: &R,
        shown: &str,
    ) -> Result<(), String> {
        if range.contains(value) { Ok(()) } else { Err(format!("must be in {shown}")) }
    }

    /// The spec of a `#[secret]` field.
    pub const fn secret_var(
        name: &'static str,
        field: &'static str,
        category: Category,
        description: &'static str,
        feature: Option<&'static str>,
        allow_empty: bool,
        credential: Option<&'static str>,
    ) -> VarSpec {
        VarSpec::secret(name, field, category, description, feature, allow_empty, credential)
    }

    /// The spec of a `#[config]` field.
    pub const fn config_var(
        name: &'static str,
        field: &'static str,
        required: bool,
        default: Option<&'static str>,
        description: &'static str,
        allow_empty: bool,
    ) -> VarSpec {
        VarSpec::config(name, field, required, default, description, allow_empty)
    }

    /// The accessor of an `Option` field: the value, or an error naming the variable.
    pub fn present<'a, T>(
        value: &'a Option<T>,
        spec: &'static ContractSpec,
        index: usize,
    ) -> Result<&'a T, SecretError> {
        value.as_ref().ok_or_else(|| SecretError::missing(crate::spec::as_read(spec, index)))
    }

    /// A secret field, asked for its texts. Through [`Text`] when its type is a
    /// [`SecretValue`](crate::SecretValue), else through [`NoText`]: a field whose type is not
    /// one is already an error at its load call, and this way it is reported once.
    pub struct Field<'a, T>(pub &'a T);

    /// An `Option` secret field, asked for its texts.
    pub struct OptionalField<'a, T>(pub &'a Option<T>);

    /// The texts of a secret field whose type keeps them.
    pub trait Text<'a> {
        /// Adds the field's texts, with its variable's index.
        fn add_texts(&self, index: usize, texts: &mut Vec<(usize, &'a str)>);
    }

    impl<'a, T: crate::SecretValue> Text<'a> for Field<'a, T> {
        fn add_texts(&self, index: usize, texts: &mut Vec<(usize, &'a str)>) {
            add_texts(self.0, index, texts);
        }
    }

    impl<'a, T: crate::SecretValue> Text<'a> for OptionalField<'a, T> {
        fn add_texts(&self, index: usize, texts: &mut Vec<(usize, &'a str)>) {
            if let Some(value) = self.0 {
                add_texts(value, index, texts);
            }
        }
    }

    fn add_texts<'a, T: crate::SecretValue>(value: &'a T, index: usize, texts: &mut Vec<(usize, &'a str)>) {
        texts.extend(value.secret_text().into_iter().chain(value.secret_parts()).map(|text| (index, text)));
    }

    /// The fallback for a field that is not a secret value (already an error elsewhere).
    pub trait NoText<'a> {
        /// Nothing.
        fn add_texts(&self, _index: usize, _texts: &mut Vec<(usize, &'a str)>) {}
    }

    impl<'a, T> NoText<'a> for &Field<'a, T> {}
    impl<'a, T> NoText<'a> for &OptionalField<'a, T> {}

    /// What a contract's `Debug` masks in its settings: every loaded secret in every form the
    /// redactor knows, and, since a setting's type may print a secret in a form of its own
    /// (`url::Url` keeps `$` and encodes `@`), the whole setting when it shows any run of six or
    /// more letters and digits of a secret.
    pub struct SettingMask {
        redactor: crate::Redactor,
        runs: Vec<crate::SecretString>,
    }

    impl SettingMask {
        /// The mask for the settings of `contract`.
        pub fn of<C: crate::SecretContract>(contract: &C) -> Self {
            use crate::ExposeSecret;
            let texts = contract.__secret_texts();
            crate::redaction::kept::with_kept(C::spec(), |kept| {
                let all: Vec<&str> =
                    texts.iter().map(|(_, text)| *text).chain(kept.iter().map(ExposeSecret::expose_secret)).collect();
                let runs = all
                    .iter()
                    .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
                    .filter(|run| run.chars().count() >= 6)
                    .map(crate::SecretString::from)
                    .collect();
                Self { redactor: crate::Redactor::new(all.iter().copied()), runs }
            })
        }
    }

    /// A setting in a contract's `Debug`, with any loaded secret it holds masked.
    pub struct Masked<'a, T>(pub &'a T, pub &'a SettingMask);

    impl<T: fmt::Debug> fmt::Debug for Masked<'_, T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            use crate::ExposeSecret;
            let text = if f.alternate() { format!("{:#?}", self.0) } else { format!("{:?}", self.0) };
            let masked = self.1.redactor.redact(&text);
            if self.1.runs.iter().any(|run| masked.contains(run.expose_secret())) {
                f.write_str(crate::MASK)
            } else {
                f.write_str(&masked)
            }
        }
    }

    /// The forms a [`Redactor`](crate::Redactor) masks for one value, for benchmarks that
    /// compare it with other matchers on the same patterns.
    pub fn redacted_forms(value: &str) -> Vec<Vec<u8>> {
        crate::redaction::encodings(value)
    }

    /// Prints `[REDACTED]` in a contract's `Debug`.
    pub struct Redacted;

    impl fmt::Debug for Redacted {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("[REDACTED]")
        }
    }
}
