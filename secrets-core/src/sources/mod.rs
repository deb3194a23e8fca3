//! The `Source` trait: where one variable's value comes from, and what went wrong reading it.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::reports::json::Json;
use secrecy::SecretString;
use secrecy::zeroize::Zeroize;

use crate::spec::{ContractSpec, VarSpec};

pub(crate) mod chain;
pub(crate) mod dotenv;
pub(crate) mod env;
pub(crate) mod files;
pub(crate) mod map;
pub(crate) mod read;
#[cfg(feature = "vault")]
pub(crate) mod vault;

/// A place variables are read from: the process environment, a `.env` file, a map.
///
/// A source of its own needs [`lookup`](Source::lookup) and [`describe`](Source::describe);
/// it can then stand alone or be one layer of [`Sources`](crate::Sources).
///
/// ```
/// use secrets_core::{Found, Origin, SecretContract, SecretString, Source, SourceError, Sources};
///
/// /// Values handed over by the platform, as a list of pairs.
/// struct Handed(Vec<(&'static str, &'static str)>);
///
/// impl Source for Handed {
///     fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
///         let value = self.0.iter().find(|(key, _)| *key == name).map(|(_, value)| *value);
///         Ok(value.map(|value| Found::new(SecretString::from(value), Origin::Map)))
///     }
///
///     fn describe(&self) -> Vec<String> {
///         vec!["values handed over by the platform".to_owned()]
///     }
/// }
///
/// #[derive(SecretContract)]
/// struct Secrets {
///     #[secret(required)]
///     api_token: SecretString,
/// }
///
/// let sources = Sources::new().with(Handed(vec![("API_TOKEN", "tok-0123456789")]));
/// assert!(Secrets::load_from(&sources).unwrap().has_api_token());
/// ```
pub trait Source {
    /// Looks up one variable: its value and origin, `None` when absent, or an error.
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError>;

    /// Where this source looks, for errors and the status report ("process environment").
    fn describe(&self) -> Vec<String>;

    /// Problems of the source as a whole, such as a `.env` that does not parse.
    fn problems(&self) -> Vec<SourceError> {
        Vec::new()
    }

    /// Looks up one variable of a contract; sources that read by another key than the name (a
    /// systemd credential id) override it.
    fn lookup_var(&self, var: &'static VarSpec) -> Result<Option<Found>, SourceError> {
        self.lookup(var.name())
    }

    /// Looks up every variable of a contract in one pass, in the order of its variables, when
    /// that is cheaper than one lookup per variable (a large contract read from the process
    /// environment); `None`, the default, means one [`Source::lookup_var`] per variable.
    fn lookup_spec(&self, _spec: &'static ContractSpec) -> Option<Vec<Result<Option<Found>, SourceError>>> {
        None
    }

    /// [`Source::lookup_var`] in the shape loading uses; the process environment overrides it.
    #[doc(hidden)]
    fn answer(&self, var: &'static VarSpec) -> Answer {
        self.lookup_var(var).into()
    }

    /// Whether this is the process environment itself, which loading then reads directly.
    #[doc(hidden)]
    fn is_process_environment(&self) -> bool {
        false
    }

    /// Whether this source ranks below every other in a [`Sources`](crate::Sources) chain,
    /// whatever the order they were added in: a `.env`, a developer's convenience.
    #[doc(hidden)]
    fn ranks_last(&self) -> bool {
        false
    }

    /// The names this source holds (never values), for "did you mean" and unknown-name checks.
    fn names(&self) -> Vec<String> {
        Vec::new()
    }

    /// Adds what this source reads (files, directories, Vault paths) to `watched`, for a
    /// [`Live`](crate::Live) contract to watch.
    #[cfg(feature = "live")]
    #[doc(hidden)]
    fn watched(&self, _watched: &mut crate::live::Watched) {}
}

impl<S: Source + ?Sized> Source for &S {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        (**self).lookup(name)
    }

    fn describe(&self) -> Vec<String> {
        (**self).describe()
    }

    fn problems(&self) -> Vec<SourceError> {
        (**self).problems()
    }

    fn lookup_var(&self, var: &'static VarSpec) -> Result<Option<Found>, SourceError> {
        (**self).lookup_var(var)
    }

    fn lookup_spec(&self, spec: &'static ContractSpec) -> Option<Vec<Result<Option<Found>, SourceError>>> {
        (**self).lookup_spec(spec)
    }

    fn answer(&self, var: &'static VarSpec) -> Answer {
        (**self).answer(var)
    }

    fn is_process_environment(&self) -> bool {
        (**self).is_process_environment()
    }

    fn ranks_last(&self) -> bool {
        (**self).ranks_last()
    }

    fn names(&self) -> Vec<String> {
        (**self).names()
    }

    #[cfg(feature = "live")]
    fn watched(&self, watched: &mut crate::live::Watched) {
        (**self).watched(watched);
    }
}

/// One variable's lookup in the shape loading uses: a value of the process environment, the
/// common case, stays three words long; anything else is boxed.
///
/// Loading moves one of these per variable, and a [`Found`] is eleven words long.
#[doc(hidden)]
pub enum Answer {
    /// Found in the process environment, with nothing to note.
    Env(SecretString),
    /// Found elsewhere, or with something to note.
    Found(Box<Found>),
    /// Not in this source.
    Missing,
    /// This source could not read it.
    Failed(Box<SourceError>),
}

impl From<Result<Option<Found>, SourceError>> for Answer {
    fn from(lookup: Result<Option<Found>, SourceError>) -> Self {
        match lookup {
            Ok(Some(found)) if found.origin == Origin::Env && found.concerns.is_empty() => Self::Env(found.value),
            Ok(Some(found)) => Self::Found(Box::new(found)),
            Ok(None) => Self::Missing,
            Err(error) => Self::Failed(Box::new(error)),
        }
    }
}

/// A value found by a source, with where it came from.
#[derive(Debug)]
#[non_exhaustive]
pub struct Found {
    /// The value, zeroized on drop.
    pub value: SecretString,
    /// Where it was found.
    pub origin: Origin,
    /// What is worth knowing about how it is stored (a world-readable file), never its content.
    pub concerns: Vec<Concern>,
}

/// Something about a found value's storage that the status report mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Concern {
    /// The file's value ends in whitespace that was kept (only one final newline is removed).
    TrailingWhitespace,
    /// A setting whose value holds a loaded secret: it may be shown, the secret may not.
    HoldsSecret {
        /// The secret it holds, by name.
        secret: &'static str,
    },
    /// The secret is shorter than 8 characters: too short to mask in logs without masking words.
    TooShort,
    /// A setting set but empty, so its default was used (`#[config(allow_empty)]` keeps the empty text).
    EmptyDefaultUsed,
    /// The file is readable or writable by its group or by others: a warning, an error under
    /// `Policy::strict()`.
    Insecure {
        /// The file's permission bits.
        mode: u32,
    },
    /// The value was read from an alias of the variable (`alias = "..."`).
    Alias {
        /// The alias that supplied it.
        name: &'static str,
    },
    /// The value was read from a deprecated name (`deprecated = "..."`): a warning.
    Deprecated {
        /// The old name that supplied it.
        name: &'static str,
        /// The variable to set instead.
        replacement: &'static str,
    },
    /// The variable and one of its aliases are both set: the variable wins; a warning.
    Shadowed {
        /// The alias also set, and ignored.
        alias: &'static str,
        /// The variable that was read.
        name: &'static str,
    },
    /// A systemd credential supplied the value and the process environment holds the variable
    /// too: the credential wins; a warning, never a silent choice.
    AlsoInEnvironment,
}

impl Concern {
    /// Whether it makes the variable a warning (an error under a strict policy).
    pub fn is_insecure(&self) -> bool {
        matches!(self, Self::Insecure { .. })
    }

    /// Whether it makes the variable a warning whatever the policy.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Self::TooShort
                | Self::HoldsSecret { .. }
                | Self::Deprecated { .. }
                | Self::Shadowed { .. }
                | Self::AlsoInEnvironment
        )
    }
}

impl fmt::Display for Concern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TrailingWhitespace => f.write_str("trailing whitespace kept"),
            Self::TooShort => f.write_str("shorter than 8 characters: too short to mask in logs"),
            Self::EmptyDefaultUsed => f.write_str("empty, default used"),
            Self::Alias { name } => write!(f, "read from alias {name}"),
            Self::Deprecated { name, replacement } => {
                write!(f, "read from deprecated {name}: rename it to {replacement}")
            }
            Self::Shadowed { alias, name } => write!(f, "{alias} is set too and ignored: {name} wins"),
            Self::AlsoInEnvironment => f.write_str("also set in the environment, and ignored: the credential wins"),
            Self::HoldsSecret { secret } => write!(f, "holds the value of secret {secret}"),
            Self::Insecure { mode } => {
                let access = match (mode & 0o044 != 0, mode & 0o022 != 0) {
                    (true, false) => "read",
                    (false, true) => "write",
                    _ => "read and write",
                };
                write!(f, "insecure: mode {mode:04o} lets group or others {access} it")
            }
        }
    }
}

impl Found {
    /// A value with its origin and no concerns.
    #[inline]
    pub fn new(value: SecretString, origin: Origin) -> Self {
        Self { value, origin, concerns: Vec::new() }
    }

    /// Wraps a platform string, refusing one that is not UTF-8 (the bytes are zeroized).
    #[inline]
    pub fn from_os(name: &str, value: OsString, origin: Origin) -> Result<Self, SourceError> {
        match value.into_string() {
            Ok(value) => Ok(Self::new(SecretString::from(value), origin)),
            Err(value) => Err(not_unicode(name, value, origin)),
        }
    }
}

/// Zeroizes a value that is not UTF-8 and names it; kept out of line, as it is rare.
#[cold]
#[inline(never)]
pub(crate) fn not_unicode(name: &str, value: OsString, origin: Origin) -> SourceError {
    value.into_encoded_bytes().zeroize();
    SourceError::NotUnicode { name: name.to_owned(), origin }
}

/// Where a value came from; shown in the status report, never with the value.
///
/// Kept small (`Box<str>`, not `String`): every looked-up value carries one.
///
/// In JSON, an object whose `kind` names the variant (`{"kind": "dotenv", "path": ".env",
/// "line": 3}`); a path that is not UTF-8 has its other bytes replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// The process environment.
    Env,
    /// A `.env` file, at the line where the variable is defined.
    Dotenv {
        /// The file.
        path: PathBuf,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
    /// A file: `NAME_FILE`, or a secrets directory such as `/run/secrets`.
    File {
        /// The file, as named (a Kubernetes mount's symlink, not its target).
        path: PathBuf,
    },
    /// A systemd credential in `$CREDENTIALS_DIRECTORY`.
    Credential {
        /// The credential id.
        id: Box<str>,
        /// The file.
        path: PathBuf,
    },
    /// A key of a Vault or OpenBao KV v2 secret.
    Vault {
        /// The secret, as `MOUNT/PATH`.
        path: Box<str>,
        /// The key within it.
        key: Box<str>,
        /// The secret's version, when the server said.
        version: Option<u64>,
    },
    /// A [`MapSource`](crate::MapSource), as in tests.
    Map,
    /// The `default` of a `#[config]`.
    Default,
}

impl Origin {
    /// `{"kind": …}` and the variant's fields.
    pub(crate) fn json(&self) -> Json<'_> {
        fn path(path: &Path) -> Json<'_> {
            Json::Text(path.to_string_lossy())
        }
        let kind = |kind: &'static str| ("kind", Json::text(kind));
        Json::Object(match self {
            Self::Env => vec![kind("env")],
            Self::Dotenv { path: file, line } => vec![
                kind("dotenv"),
                ("path", path(file)),
                ("line", Json::or_null(*line, |line| Json::Number(line as u64))),
            ],
            Self::File { path: file } => vec![kind("file"), ("path", path(file))],
            Self::Credential { id, path: file } => {
                vec![kind("credential"), ("id", Json::text(&**id)), ("path", path(file))]
            }
            Self::Vault { path, key, version } => vec![
                kind("vault"),
                ("path", Json::text(&**path)),
                ("key", Json::text(&**key)),
                ("version", Json::or_null(*version, Json::Number)),
            ],
            Self::Map => vec![kind("map")],
            Self::Default => vec![kind("default")],
        })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env => f.write_str("env"),
            Self::Dotenv { path, line } => {
                let file =
                    path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
                match line {
                    Some(line) => write!(f, "{file}:{line}"),
                    None => f.write_str(&file),
                }
            }
            Self::File { path } => write!(f, "file:{}", path.display()),
            Self::Credential { id, .. } => write!(f, "credential:{id}"),
            Self::Vault { path, key, version } => {
                write!(f, "vault:{path}#{key}")?;
                version.map_or(Ok(()), |version| write!(f, "@v{version}"))
            }
            Self::Map => f.write_str("map"),
            Self::Default => f.write_str("default"),
        }
    }
}

/// A source that could not be read; it names the variable or file, never a value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceError {
    /// The value exists but is not valid UTF-8.
    NotUnicode {
        /// The variable.
        name: String,
        /// Where it was read.
        origin: Origin,
    },
    /// A `.env` file that does not parse.
    DotenvSyntax {
        /// The file.
        path: PathBuf,
        /// The 1-based line where parsing failed.
        line: usize,
    },
    /// Both `NAME` and `NAME_FILE` are set: which one is meant is not guessed.
    Conflict {
        /// The variable.
        name: String,
    },
    /// A secret file that could not be used: missing, a directory, too large, unreadable, not UTF-8.
    File {
        /// The variable.
        name: String,
        /// The file.
        path: PathBuf,
        /// Why, without any of the file's content.
        reason: String,
    },
    /// A Vault or OpenBao server that did not give the secret; never names the token.
    Vault {
        /// The server address.
        addr: String,
        /// The secret path (or the login path).
        path: String,
        /// Why, without any value.
        reason: String,
    },
    /// `NAME_FILE` names no readable file, and its value is not shown: it does not look like a
    /// path (a URL, an `@`, spaces), so it may be the secret itself, put there by mistake.
    NotAPath {
        /// The variable (without `_FILE`).
        name: String,
    },
    /// A `.env` file that is refused: anyone else could have written it.
    Untrusted {
        /// The file.
        path: PathBuf,
        /// Why, and how to fix it.
        reason: String,
    },
    /// A value that is not text: a store holds an object or a list where a variable's text belongs.
    NotText {
        /// The variable.
        name: String,
        /// Where it was read.
        origin: Origin,
        /// What it is instead, without any of it.
        reason: String,
    },
    /// A `.env` file that could not be read (missing, not a regular file, too large, not UTF-8).
    DotenvUnreadable {
        /// The file.
        path: PathBuf,
        /// Why, without any of the file's content.
        reason: String,
    },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUnicode { name, origin } => write!(f, "{name} from {origin} is not valid UTF-8"),
            Self::DotenvSyntax { line, path } => write!(f, "{} does not parse at line {line}", path.display()),
            Self::Conflict { name } => write!(f, "both {name} and {name}_FILE are set; unset one"),
            Self::File { name, path, reason } => write!(f, "{name}: {} {reason}", path.display()),
            Self::Vault { addr, path, reason } => write!(f, "vault at {addr}, {path}: {reason}"),
            Self::NotAPath { name } => {
                write!(f, "{name}_FILE names no readable file; its value is not shown, as it does not look like a path")
            }
            Self::Untrusted { path, reason } => write!(f, "{} is refused: {reason}", path.display()),
            Self::NotText { name, origin, reason } => write!(f, "{name} from {origin} is not text: {reason}"),
            Self::DotenvUnreadable { path, reason } => write!(f, "{} {reason}", path.display()),
        }
    }
}

impl std::error::Error for SourceError {}
