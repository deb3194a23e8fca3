//! The `Source` trait: where one variable's value comes from, and what went wrong reading it.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;
use serde::Serialize;

/// A place variables are read from: the process environment, a `.env` file, a map.
pub trait Source {
    /// Looks up one variable: its value and origin, `None` when absent, or an error.
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError>;

    /// Looks up several variables at once; sources with a cheaper batch path override it.
    fn lookup_all(&self, names: &[&str]) -> Vec<Result<Option<Found>, SourceError>> {
        names.iter().map(|name| self.lookup(name)).collect()
    }

    /// Where this source looks, for errors and the status report ("process environment").
    fn describe(&self) -> Vec<String>;

    /// Problems of the source as a whole, such as a `.env` that does not parse.
    fn problems(&self) -> Vec<SourceError> {
        Vec::new()
    }

    /// The names this source holds (never values), for "did you mean" and unknown-name checks.
    fn names(&self) -> Vec<String> {
        Vec::new()
    }
}

impl<S: Source + ?Sized> Source for &S {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        (**self).lookup(name)
    }

    fn lookup_all(&self, names: &[&str]) -> Vec<Result<Option<Found>, SourceError>> {
        (**self).lookup_all(names)
    }

    fn describe(&self) -> Vec<String> {
        (**self).describe()
    }

    fn problems(&self) -> Vec<SourceError> {
        (**self).problems()
    }

    fn names(&self) -> Vec<String> {
        (**self).names()
    }
}

/// A value found by a source, with where it came from.
#[derive(Debug)]
pub struct Found {
    /// The value, zeroized on drop.
    pub value: SecretString,
    /// Where it was found.
    pub origin: Origin,
}

impl Found {
    /// Wraps a platform string, refusing one that is not UTF-8 (the bytes are zeroized).
    pub fn from_os(name: &str, value: OsString, origin: Origin) -> Result<Self, SourceError> {
        match value.into_string() {
            Ok(value) => Ok(Self {
                value: SecretString::from(value),
                origin,
            }),
            Err(value) => {
                value.into_encoded_bytes().zeroize();
                Err(SourceError::NotUnicode {
                    name: name.to_owned(),
                    origin,
                })
            }
        }
    }
}

/// Where a value came from; shown in the status report, never with the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
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
    /// A [`MapSource`](crate::MapSource), as in tests.
    Map,
    /// The `default` of a `#[config]`.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env => f.write_str("env"),
            Self::Dotenv { path, line } => {
                let file = path
                    .file_name()
                    .map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned());
                match line {
                    Some(line) => write!(f, "{file}:{line}"),
                    None => f.write_str(&file),
                }
            }
            Self::Map => f.write_str("map"),
            Self::Default => f.write_str("default"),
        }
    }
}

/// A source that could not be read; it names the variable or file, never a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The value exists but is not valid UTF-8.
    #[error("{name} from {origin} is not valid UTF-8")]
    NotUnicode {
        /// The variable.
        name: String,
        /// Where it was read.
        origin: Origin,
    },
    /// A `.env` file that does not parse.
    #[error("{} does not parse at line {line}", path.display())]
    DotenvSyntax {
        /// The file.
        path: PathBuf,
        /// The 1-based line where parsing failed.
        line: usize,
    },
    /// A `.env` file that could not be read (permissions, not UTF-8, an I/O error).
    #[error("{} cannot be read: {reason}", path.display())]
    DotenvUnreadable {
        /// The file.
        path: PathBuf,
        /// Why, without any of the file's content.
        reason: String,
    },
}
