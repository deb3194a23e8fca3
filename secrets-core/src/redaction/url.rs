//! `SecretUrl`: a connection URL whose password never shows, and whose other parts may.

use std::fmt::{self, Write as _};

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use crate::value::{ParseError, SecretValue};

/// A URL secret such as `DATABASE_URL`, loaded like a `SecretString`.
///
/// Its `Debug` shows scheme, user, host, port and path, with the password masked; the whole URL
/// is read with [`ExposeSecret::expose_secret`].
///
/// ```
/// use secrets_core::{ExposeSecret, SecretUrl, SecretValue, SecretString};
///
/// let url = SecretUrl::from_secret(SecretString::from("postgres://app:s3cret@db:5432/app")).unwrap();
/// assert_eq!(format!("{url:?}"), "SecretUrl(postgres://app:[REDACTED]@db:5432/app)");
/// assert_eq!(url.masked(false), "postgres://[REDACTED]:[REDACTED]@db:5432/app");
/// assert_eq!((url.host(), url.port()), (Some("db"), Some(5432)));
/// assert_eq!(url.expose_secret(), "postgres://app:s3cret@db:5432/app");
/// ```
pub struct SecretUrl {
    raw: SecretString,
    scheme: String,
    username: String,
    has_password: bool,
    host: Option<String>,
    port: Option<u16>,
    path: String,
}

impl SecretUrl {
    /// The scheme (`postgres`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, if the URL has one.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The port, written or the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The path (`/app`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The URL with its password masked, and its user too unless `show_user`.
    pub fn masked(&self, show_user: bool) -> String {
        let mut text = format!("{}://", self.scheme);
        if !self.username.is_empty() || self.has_password {
            text.push_str(if show_user { &self.username } else { crate::MASK });
            if self.has_password {
                text.push(':');
                text.push_str(crate::MASK);
            }
            text.push('@');
        }
        if let Some(host) = &self.host {
            text.push_str(host);
        }
        if let Some(port) = self.port {
            let _ = write!(text, ":{port}");
        }
        text.push_str(&self.path);
        text
    }
}

impl SecretValue for SecretUrl {
    const KEEPS_TEXT: bool = true;

    fn from_secret(raw: SecretString) -> Result<Self, ParseError> {
        // `url`'s messages name the problem, never the input.
        let url =
            url::Url::parse(raw.expose_secret()).map_err(|error| ParseError::new(format!("not a URL: {error}")))?;
        let parsed = Self {
            scheme: url.scheme().to_owned(),
            username: url.username().to_owned(),
            has_password: url.password().is_some(),
            host: url.host_str().map(str::to_owned),
            port: url.port_or_known_default(),
            path: url.path().to_owned(),
            raw,
        };
        let mut serialized: String = url.into();
        serialized.zeroize();
        Ok(parsed)
    }

    fn secret_text(&self) -> Option<&str> {
        Some(self.raw.expose_secret())
    }
}

impl ExposeSecret<str> for SecretUrl {
    fn expose_secret(&self) -> &str {
        self.raw.expose_secret()
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({})", self.masked(true))
    }
}
