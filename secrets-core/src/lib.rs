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
//!   items left out, an invalid one named by its position. `#[derive(ConfigEnum)]` makes a
//!   fieldless enum a setting whose values are listed in errors, `docs` and `.env.example`.
//!   A secret is a [`SecretString`], a `Vec<SecretString>` (a list, each item masked),
//!   `SecretBox<Vec<u8>>` or `SecretBox<[u8; N]>` (base64, standard or URL-safe, padding
//!   optional, or hex after `hex:`; `[u8; N]` checks the length), or any `SecretBox<T>` of a
//!   `FromStr` type. `#[config(skip)]`: a field that is no variable, filled with
//!   `Default::default()`. With `.hard_fail(false)` problems are reported instead of failing
//!   (a missing non-`Option` field still fails a load).
//! - **Defaults**: `default = "text"` is parsed like a value from the environment;
//!   `default = <expression>` (`8080`, `usize::MAX`, `Duration::from_secs(30)`, `agent()`) is a
//!   value of the field's type, checked by the compiler, and shown as written.
//! - **Empty values**: empty or whitespace-only values count as unset: a setting's default
//!   applies (the report says "empty, default used"), else the variable is "set but empty".
//!   With `#[secret(allow_empty)]` or `#[config(allow_empty)]` the empty text is the value, and
//!   a setting's parser judges it. A load that fails always names at least one problem.
//! - **Precedence**: [`SecretContract::load`] asks, first match wins, systemd credentials
//!   (`$CREDENTIALS_DIRECTORY`), `NAME_FILE` files (an error when `NAME` is set too), the process
//!   environment, then the nearest `.env` walking up from the current directory
//!   ([`Sources::standard`]), so an app and the scripts run from its subdirectories see the same
//!   values. Loading never modifies the process environment. A `.env` ranks below every other
//!   source of a chain, whatever the order they were added in. [`Sources`] builds other chains,
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
//!   and exits with [`EX_CONFIG`] (78), also when stderr cannot be written; the same report
//!   goes to the Kubernetes termination log and to systemd (see below).
//! - **What is never shown**: no secret value, nor a piece of one, appears in `Debug` of a
//!   contract (secrets print `[REDACTED]`, and a setting holding a loaded secret shows it
//!   masked), in errors, in the [`StatusReport`] text or JSON, or in `tracing` events. A
//!   parser's error message about a secret is dropped, as it may echo the input in any form.
//!   Values live in [`SecretString`] or [`SecretBox`], zeroized on drop; read one with
//!   [`ExposeSecret::expose_secret`], on purpose and greppably.
//!
//! # Sections, groups, conditions, rules and aliases
//!
//! A real service has sections, toggles and rules between variables; one contract says them
//! all, and they show in one report, one error, one `.env.example` and one `docs` table.
//!
//! ```
//! use std::time::Duration;
//! use secrets_core::{ConfigEnum, ExposeSecret, MapSource, Problems, SecretContract, SecretString};
//!
//! #[derive(SecretContract)]
//! struct Db {
//!     #[secret(required)]
//!     url: SecretString,
//!     #[config(default = 1)]
//!     min_conns: u32,
//!     #[config(default = 10, range = 1..=500)]
//!     max_conns: u32,
//! }
//!
//! #[derive(SecretContract)]
//! struct Sso {
//!     #[config]
//!     client_id: String,
//!     #[secret(required, min_len = 16)]
//!     client_secret: SecretString,
//! }
//!
//! #[derive(ConfigEnum, Debug, PartialEq)]
//! enum SmtpSecurity { Off, Starttls, ForceTls }
//!
//! #[derive(SecretContract)]
//! #[contract(prefix = "APP_", validate = check_app)]
//! struct App {
//!     #[nested(prefix = "DB_")]
//!     db: Db,                                  // APP_DB_URL, APP_DB_MIN_CONNS, APP_DB_MAX_CONNS
//!     #[config(default = false)]
//!     sso_enabled: bool,
//!     #[nested(prefix = "SSO_", enabled_by = "sso_enabled")]
//!     sso: Option<Sso>,                        // Some exactly when APP_SSO_ENABLED is true
//!     #[config(default = false)]
//!     push_enabled: bool,
//!     #[secret(required_if = "push_enabled")]
//!     push_installation_key: Option<SecretString>,
//!     /// OpenAI API (spends money)
//!     #[secret(billing, alias = "OPENAI_API_KEY")]
//!     openai_api_key: Option<SecretString>,   // APP_OPENAI_API_KEY, else OPENAI_API_KEY
//!     #[config(default = "starttls", deprecated = "APP_SMTP_SSL")]
//!     smtp_security: SmtpSecurity,
//!     #[config(default = Duration::from_secs(30))]
//!     timeout: Duration,
//! }
//!
//! fn check_app(app: &App, problems: &mut Problems) {
//!     if app.db().min_conns() > app.db().max_conns() {
//!         problems.add("APP_DB_MIN_CONNS", "must not exceed APP_DB_MAX_CONNS");
//!     }
//! }
//!
//! let source = MapSource::new()
//!     .with("APP_DB_URL", "postgres://db.internal/app")
//!     .with("OPENAI_API_KEY", "sk-from-the-alias")
//!     .with("APP_SMTP_SSL", "force_tls");
//! let app = App::load_from(&source).unwrap();
//! assert_eq!(*app.db().max_conns(), 10);
//! assert!(!app.has_sso());
//! assert_eq!(app.openai_api_key().unwrap().expose_secret(), "sk-from-the-alias");
//! assert_eq!(*app.smtp_security(), SmtpSecurity::ForceTls);
//!
//! let report = App::status_from(&source);
//! assert!(report.to_string().contains("APP_SMTP_SSL: rename it to APP_SMTP_SECURITY"));
//! assert!(report.to_string().contains("APP_SSO_CLIENT_ID: disabled (APP_SSO_ENABLED is not true)"));
//!
//! // Turned on, a section must be complete; rules and value rules join the same error.
//! let broken = source
//!     .with("APP_SSO_ENABLED", "yes")
//!     .with("APP_DB_MIN_CONNS", "20")
//!     .with("APP_PUSH_ENABLED", "on");
//! let error = App::load_from(&broken).unwrap_err().to_string();
//! assert!(error.contains("APP_SSO_CLIENT_ID (required config): missing"));
//! assert!(error.contains("APP_PUSH_INSTALLATION_KEY (required secret): missing"));
//! assert!(error.contains("APP_DB_MIN_CONNS: must not exceed APP_DB_MAX_CONNS (contract rule)"));
//! ```
//!
//! - A `#[nested]` field's type derives `SecretContract`; its variables are named with the
//!   outer prefix, the section's prefix (default: the field's name and `_`), then their own
//!   name; the nested type's own `#[contract(prefix)]` serves only when it is loaded alone, and
//!   `env = "..."` stays verbatim. Its accessor returns `&Nested`.
//! - An `Option<Nested>` is a group. With `enabled_by = "<bool field>"` it is `Some` exactly
//!   when that setting is true; without it, when any of its variables is set, and then it must
//!   be complete ("all or none"). Variables of a group that is off but set anyway are warnings,
//!   by name. `has_<field>()` says whether it is loaded; its accessor returns
//!   `Result<&Nested, SecretError>`.
//! - `required_if = "<bool field>"` on an `Option` field: required when that setting is true,
//!   optional otherwise; the report says which applied (`REQ: APP_PUSH_ENABLED is true`).
//! - `#[contract(validate = path)]` runs `fn(&Self, &mut Problems)` after a successful build:
//!   [`Problems::add`] is an error under every policy, [`Problems::warn`] a warning; both join
//!   the report, the error, the JSON and exit 78. A loaded secret in a reason is masked. A
//!   nested contract's own rules name its variables by their standalone names; the report shows
//!   their full names.
//! - `alias = "NAME"` (repeatable) is read when the variable is absent; `deprecated = "NAME"`
//!   likewise, with a warning naming the replacement. Both set: the variable wins, and a warning
//!   says so. `NAME_FILE` works for aliases too. [`Entry::supplied_by`] names the name read.
//!
//! # Process boundaries: children, scripts and orchestrators
//!
//! A program's context is not its children's: the `.env` it read and the files, credentials
//! and Vault paths it loaded from are not theirs. Propagation is explicit.
//!
//! **Rust code starting a child**: [`SecretContract::pass_to`] sets every loaded variable
//! (secrets and settings, sections included, defaults as their values) on a
//! `std::process::Command` under its declared name, whatever its source, sets the declared
//! variables it did not load empty (read as unset: the child finds no value this program judged
//! missing), and removes each one's `NAME_FILE`, aliases and deprecated names;
//! [`SecretContract::pass_only_to`] first clears the environment but for `PATH`, `HOME`,
//! `USER`, `LANG`, `LC_*`, `TZ`, `TERM` and `TMPDIR`.
//!
//! ```
//! # #[cfg(unix)] {
//! use std::process::Command;
//! use secrets_core::{MapSource, SecretContract, SecretString};
//!
//! #[derive(SecretContract)]
//! #[contract(prefix = "APP_")]
//! struct Job {
//!     #[secret(required, alias = "LEGACY_TOKEN")]
//!     api_token: SecretString,
//!     #[config(default = 3)]
//!     retries: u8,
//! }
//!
//! let job = Job::load_from(&MapSource::new().with("LEGACY_TOKEN", "tok-from-a-vault")).unwrap();
//! let mut script = Command::new("sh");
//! script.args(["-c", r#"echo "$APP_API_TOKEN x$APP_RETRIES ${UNRELATED-none}""#]).env("UNRELATED", "1");
//! let output = job.pass_only_to(&mut script).output().unwrap();
//! assert_eq!(String::from_utf8(output.stdout).unwrap(), "tok-from-a-vault x3 none\n");
//! # }
//! ```
//!
//! **An operator running a script** (feature `cli`, on unix): `myservice secrets run
//! --include-billing -- python3 scripts/cost_test.py` judges the policy (exit 78, nothing
//! started, when it fails), then runs the command with the contract's variables and exits with
//! its status (128 + N for signal N), forwarding every signal that would end it alone (SIGINT,
//! SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, ...). `--clean-env` uses `pass_only_to`; `--mask` passes the child's stdout and stderr
//! through the redactor; `--files` hands each secret as a file in a private directory (0700,
//! files 0600), sets `NAME_FILE` instead of `NAME`, and removes the directory when the child
//! ends. See [`cli`].
//!
//! **An orchestrator reading the failure**: when a load fails, [`SecretContract::load_or_exit`]
//! ([`config_error`]), `secrets check` and `secrets run` write the value-free report to the
//! Kubernetes termination log (`/dev/termination-log` when it exists and is writable, or the
//! path in `SECRETS_TERMINATION_LOG`, cut to 4096 bytes) and, when `NOTIFY_SOCKET` is set, send
//! systemd `STATUS=<first line>: <first problem>` and `ERRNO=78`. A unit that stops restarting a
//! broken contract, and shows why in `systemctl status`:
//!
//! ```ini
//! [Service]
//! ExecStart=/usr/local/bin/myservice
//! NotifyAccess=main
//! Restart=on-failure
//! RestartPreventExitStatus=78
//! ```
//!
//! A pod whose `kubectl describe pod` shows the report as the container's last state message:
//!
//! ```yaml
//! apiVersion: v1
//! kind: Pod
//! metadata:
//!   name: myservice
//! spec:
//!   containers:
//!     - name: myservice
//!       image: registry.example/myservice:1.4.2
//!       terminationMessagePolicy: FallbackToLogsOnError  # the report, or the log tail
//! ```
//!
//! # Live secrets (feature `live`)
//!
//! Secrets rotate; [`Live`] takes the new values without a restart, validated before they are
//! served. It loads once like [`SecretContract::load`], then reloads when what the load read
//! changes: the files (`NAME_FILE` targets, secret directories with Kubernetes' `..data` swap,
//! credentials, the `.env`, and where a nearer `.env` would appear) by events, each Vault path by
//! one version request per interval, and on SIGHUP. A reload that fails the policy keeps the last
//! good values, logs one value-free `tracing` error and shows in [`Live::status`]; one that
//! changes nothing swaps nothing.
//!
//! ```
//! # #[cfg(feature = "live")] {
//! use std::sync::{Arc, Mutex};
//! use secrets_core::{ExposeSecret, Live, MapSource, SecretContract, SecretString};
//!
//! #[derive(SecretContract)]
//! struct AppSecrets {
//!     #[secret(required)]
//!     api_token: SecretString,
//! }
//!
//! let token = Arc::new(Mutex::new("tok-v1-8Kq2"));
//! let source = Arc::clone(&token);
//! let live = Live::<AppSecrets>::builder()
//!     .sources(move || MapSource::new().with("API_TOKEN", *source.lock().unwrap()))
//!     .build()
//!     .unwrap();
//! live.on_change(|_secrets| { /* rebuild the client that holds the token */ });
//!
//! *token.lock().unwrap() = "tok-v2-3Wd7";
//! assert!(live.reload().unwrap()); // served: it passed the policy
//! assert_eq!(live.get().api_token().expose_secret(), "tok-v2-3Wd7");
//!
//! *token.lock().unwrap() = "";
//! assert!(live.reload().is_err()); // refused: the last good values stay
//! assert_eq!(live.get().api_token().expose_secret(), "tok-v2-3Wd7");
//! assert!(live.status().is_stale());
//! # }
//! ```
//!
//! # What the derive generates
//!
//! For `#[derive(SecretContract)] struct AppSecrets { ... }`:
//!
//! | Item | Signature | Meaning |
//! |---|---|---|
//! | accessor | `fn field(&self) -> &T` | a non-`Option` field's value; its doc is the field's description |
//! | accessor | `fn field(&self) -> Result<&T, SecretError>` | an `Option` field (or section): the value, or an error naming the variable as it is read |
//! | probe | `fn has_field(&self) -> bool` | whether the variable (or section) was loaded; always `true` for a non-`Option` field |
//! | feature probe | `fn has_<feature>(&self) -> bool` | whether every secret of `feature = "..."` is loaded; a group of secrets, not a Cargo feature |
//! | `impl SecretContract` | [`load`](SecretContract::load), [`load_from`](SecretContract::load_from), [`load_with`](SecretContract::load_with), [`load_or_exit`](SecretContract::load_or_exit), [`status`](SecretContract::status), [`validate`](SecretContract::validate), [`env_example`](SecretContract::env_example), [`redactor`](SecretContract::redactor), [`pass_to`](SecretContract::pass_to), [`pass_only_to`](SecretContract::pass_only_to), [`spec`](SecretContract::spec) | loading, reports and redaction; a field may not take one of these names |
//! | `impl Debug` | | every secret `[REDACTED]`, settings with any loaded secret masked; do not also derive `Debug` |
//!
//! `#[derive(ConfigEnum)]` on a fieldless enum generates [`ConfigEnum`] (its accepted names and
//! `name()`) and `FromStr`, whose error lists the names. The generated methods count as used, so
//! a program that reads only some of them compiles without warnings, under
//! `#![forbid(dead_code)]` too.
//!
//! # Attribute reference
//!
//! | Key | On | Meaning | Example |
//! |---|---|---|---|
//! | `#[contract(prefix = "APP_")]` | struct | prepended to every field's variable name: upper case, digits, `_`, ending in `_` | `#[contract(prefix = "APP_")]` |
//! | `#[contract(validate = path)]` | struct | `fn(&Self, &mut Problems)`: rules between variables | `#[contract(validate = check_app)]` |
//! | `#[contract(crate = "path")]` | struct | where `secrets_core` is, for a renamed dependency or a facade crate | `#[contract(crate = "my_facade::secrets")]` |
//! | `required` | `#[secret]` | never absent; type `T` | `#[secret(required)] db_url: SecretString` |
//! | `billing` / `external` / `optional` | `#[secret]` | may be absent (see the policy table); type `Option<T>` | `#[secret(billing)] openai_api_key: Option<SecretString>` |
//! | `required_if = "field"` | `#[secret]`, `#[config]` | required when that `bool` setting is true; type `Option<T>` | `#[secret(required_if = "push_enabled")]` |
//! | `env = "NAME"` | both | the variable's name, verbatim (no prefix) | `#[config(env = "PORT")]` |
//! | `alias = "NAME"` | both | read when the variable is absent (repeatable) | `#[secret(optional, alias = "OPENAI_API_KEY")]` |
//! | `deprecated = "NAME"` | both | like `alias`, with a warning naming the replacement | `#[config(deprecated = "SMTP_SSL")]` |
//! | `description = "..."` | both | shown in reports and docs; defaults to the doc comment | `#[config(description = "Log filter")]` |
//! | `allow_empty` | both | an empty value is a value, not "unset" | `#[config(allow_empty)]` |
//! | `min_len = N` | secrets, text settings | fewer than `N` characters is an error | `#[secret(required, min_len = 32)]` |
//! | `validate = path` | both | `fn(&T) -> Result<(), String>`; the error names the variable | `#[config(validate = check_url)]` |
//! | `sep = " "` | `Vec<T>` settings, `Vec<SecretString>` | the list separator (default `,`) | `#[config(sep = " ")] hosts: Vec<String>` |
//! | `feature = "name"` | `#[secret]` | groups secrets under `has_<name>()` (snake_case; not a Cargo feature) | `#[secret(billing, feature = "openai")]` |
//! | `credential = "id"` | `#[secret]` | the file name in a secrets directory or `$CREDENTIALS_DIRECTORY` | `#[secret(required, credential = "db-pass")]` |
//! | `default = "text"` / `default = <expr>` | `#[config]` | used when unset or empty; a text default of a number, `bool` or `Duration` is checked at compile time | `#[config(default = "info")]`, `#[config(default = 8080)]` |
//! | `range = A..=B` | numeric `#[config]` | out of range is an error (any range: `1..`, `..=9`, `0.0..1.0`) | `#[config(default = 10, range = 1..=500)]` |
//! | `skip` | `#[config]` | no variable: `Default::default()` | `#[config(skip)] cache: Cache` |
//! | `#[nested(prefix = "DB_")]` | field | a section: a contract of its own | `#[nested(prefix = "DB_")] db: Db` |
//! | `#[nested(enabled_by = "field")]` | `Option<Nested>` field | loaded exactly when that `bool` setting is true | `#[nested(enabled_by = "sso_enabled")] sso: Option<Sso>` |
//! | `#[config_enum(name = "...")]` | `ConfigEnum` variant | the name it is read by | `#[config_enum(name = "tls")] ForceTls` |
//!
//! # Cargo features
//!
//! None is on by default: the default build compiles 17 crates besides the program (the JSON
//! report, URL splitting and the redactor's search are written in this crate).
//!
//! | feature | adds |
//! |---|---|
//! | `cli` | `secrets_core::cli`: `status`, `check`, `run`, `env-example` and `docs` subcommands (`clap`, `signal-hook`) |
//! | `tracing` | `RedactingMakeWriter`: masks loaded secrets in `tracing-subscriber` output |
//! | `testing` | `testing::assert_no_leaks::<C>()` for a program's own tests (implies `tracing`) |
//! | `vault` | `VaultSource` and `Sources::vault`: Vault or OpenBao KV v2 (`ureq` with `rustls`, `serde_json`) |
//! | `live` | `Live`: reloads rotated secrets, validated before they are served (`arc-swap`, `notify`, `signal-hook`) |
//! | `serde` | `Serialize` for [`StatusReport`] and its parts, as the JSON [`StatusReport::to_json`] writes (`serde_core`) |
// On docs.rs, each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as secrets_core;

mod bytes;
#[cfg(feature = "cli")]
pub mod cli;
mod config_enum;
mod contract;
mod error;
mod exit;
#[cfg(feature = "live")]
mod live;
mod load;
mod policy;
mod process;
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
#[cfg(feature = "live")]
pub use live::{FailedReload, Live, LiveBuilder, LiveStatus, LiveVar};
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
    pub use crate::process::text::{EnvText, Render, Text as EnvTextOf};
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
    pub fn composed(name: &'static str, prefix: &'static str, parts: &'static [Part]) -> &'static ContractSpec {
        ContractSpec::compose(name, prefix, parts)
    }

    /// The accessor of an `Option<Nested>` section: the section, or an error naming it.
    pub fn section<'a, T>(
        value: &'a Option<T>,
        spec: &'static ContractSpec,
        start: usize,
        field: &'static str,
    ) -> Result<&'a T, SecretError> {
        value.as_ref().ok_or_else(|| {
            let read_as = if start < spec.vars().len() { crate::spec::read_as(spec, start) } else { Vec::new() };
            let section = match read_as.as_slice() {
                [var] => var.section(),
                _ => spec.vars().get(start).and_then(VarSpec::section),
            };
            SecretError::section(section, field)
        })
    }

    /// Adds a section's secret texts, whose first variable is at `start`.
    pub fn add_section_texts<'a>(texts: &mut Vec<(usize, &'a str)>, start: usize, section: Vec<(usize, &'a str)>) {
        texts.extend(section.into_iter().map(|(index, text)| (start + index, text)));
    }

    /// Adds a section's variable texts, whose first variable is at `start`.
    pub fn add_section_env_texts(texts: &mut Vec<(usize, EnvTextOf)>, start: usize, section: Vec<(usize, EnvTextOf)>) {
        texts.extend(section.into_iter().map(|(index, text)| (start + index, text)));
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
        value.as_ref().ok_or_else(|| SecretError::missing_in(spec, index))
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
            let text = if f.alternate() { format!("{:#?}", self.0) } else { format!("{:?}", self.0) };
            self.1.write(f, &text)
        }
    }

    impl SettingMask {
        /// Writes `text` masked; not generic, so each setting type costs users one `format!`.
        fn write(&self, f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
            use crate::ExposeSecret;
            let masked = self.redactor.redact(text);
            if self.runs.iter().any(|run| masked.contains(run.expose_secret())) {
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
