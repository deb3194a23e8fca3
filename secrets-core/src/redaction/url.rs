//! `SecretUrl`: a connection URL whose credentials never show, and whose safe parts may.

use std::fmt::{self, Write as _};

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use crate::value::{ParseError, SecretValue};

/// Schemes whose path names a database (or a Redis database number, an AMQP virtual host):
/// that name is shown, a path of any other scheme is not.
const DATABASE_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "sqlserver",
    "mssql",
    "cockroachdb",
    "clickhouse",
    "amqp",
    "amqps",
];

/// Schemes of URLs without a `//` authority that are shown (`jdbc:[REDACTED]`): any other text
/// before a `:` may be a secret that merely parses as a URL (`AKIA…:wJal…`).
const OPAQUE_SCHEMES: &[&str] = &["jdbc", "mailto", "urn", "tel", "data"];

/// A URL secret such as `DATABASE_URL`, loaded like a `SecretString`.
///
/// Its `Debug` shows what is safe to show: the scheme, host and port, and the database name of
/// a database URL. Everything else (user, password, other paths, query, fragment) is masked: a
/// token can be the user (`https://ghp_…@github.com`, Sentry DSNs) or the path (Slack webhooks,
/// Telegram bot URLs). A URL that cannot be split safely (no `//` authority as in
/// `jdbc:postgresql://…`, a password with an unencoded `/`, `\` or `@` that would end the
/// authority early) shows only its scheme. The whole URL is read with
/// [`ExposeSecret::expose_secret`]; a [`Redactor`](crate::Redactor) masks the URL, its password
/// and the URL as the `url` crate writes it back (`p@ss` as `p%40ss`).
///
/// ```
/// use secrets_core::{ExposeSecret, SecretUrl, SecretValue, SecretString};
///
/// let url = SecretUrl::from_secret(SecretString::from("postgres://app:s3cret@db:5432/app")).unwrap();
/// assert_eq!(format!("{url:?}"), "SecretUrl(postgres://[REDACTED]@db:5432/app)");
/// assert_eq!(url.masked(true), "postgres://app:[REDACTED]@db:5432/app");
/// assert_eq!((url.host(), url.port(), url.database()), (Some("db"), Some(5432), Some("app")));
/// assert_eq!(url.expose_secret(), "postgres://app:s3cret@db:5432/app");
///
/// let hook = SecretUrl::from_secret(SecretString::from("https://hooks.slack.com/services/T0/B0/XyZ")).unwrap();
/// assert_eq!(format!("{hook:?}"), "SecretUrl(https://hooks.slack.com:443/[REDACTED])");
/// ```
pub struct SecretUrl {
    raw: SecretString,
    /// Other texts that reveal the secret: the URL as written back, the password, a user token.
    parts: Vec<SecretString>,
    scheme: String,
    /// Whether the text has a `//` authority after its scheme.
    has_authority: bool,
    /// `None` when the URL cannot be split safely: only the scheme is shown.
    shown: Option<Shown>,
}

/// The parts of a safely split URL that may be shown, and which others exist.
#[allow(clippy::struct_excessive_bools)] // which masked parts exist, each independent of the others
struct Shown {
    /// The user, when it is shown on request: there is a password, and it looks like a name.
    user: Option<String>,
    has_userinfo: bool,
    host: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    has_other_path: bool,
    has_query: bool,
    has_fragment: bool,
}

impl SecretUrl {
    /// The scheme (`postgres`), when it is shown: with a `//` authority, or a known scheme
    /// without one (`jdbc`, `mailto`); other text before a `:` may be the secret itself.
    pub fn scheme(&self) -> Option<&str> {
        (self.has_authority || OPAQUE_SCHEMES.contains(&self.scheme.as_str())).then_some(self.scheme.as_str())
    }

    /// The host, if the URL has one and could be split safely.
    pub fn host(&self) -> Option<&str> {
        self.shown.as_ref()?.host.as_deref()
    }

    /// The port, written or the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.shown.as_ref()?.port
    }

    /// The database name of a database URL (`postgres://…/app` gives `app`).
    pub fn database(&self) -> Option<&str> {
        self.shown.as_ref()?.database.as_deref()
    }

    /// The URL with everything but scheme, host, port and database name masked; with
    /// `show_user`, the user too, when there is a password beside it (a user alone may be a token).
    pub fn masked(&self, show_user: bool) -> String {
        let Some(shown) = &self.shown else {
            return if OPAQUE_SCHEMES.contains(&self.scheme.as_str()) || self.has_authority {
                format!("{}:{}", self.scheme, crate::MASK)
            } else {
                crate::MASK.to_owned()
            };
        };
        let mut text = format!("{}://", self.scheme);
        debug_assert!(self.has_authority, "a safely split URL has an authority");
        if shown.has_userinfo {
            match shown.user.as_deref().filter(|_| show_user) {
                Some(user) => {
                    let _ = write!(text, "{user}:{}@", crate::MASK);
                }
                None => {
                    let _ = write!(text, "{}@", crate::MASK);
                }
            }
        }
        if let Some(host) = &shown.host {
            text.push_str(host);
        }
        if let Some(port) = shown.port {
            let _ = write!(text, ":{port}");
        }
        if let Some(database) = &shown.database {
            let _ = write!(text, "/{database}");
        } else if shown.has_other_path {
            let _ = write!(text, "/{}", crate::MASK);
        }
        if shown.has_query {
            let _ = write!(text, "?{}", crate::MASK);
        }
        if shown.has_fragment {
            let _ = write!(text, "#{}", crate::MASK);
        }
        text
    }
}

impl SecretValue for SecretUrl {
    const KEEPS_TEXT: bool = true;

    fn from_secret(raw: SecretString) -> Result<Self, ParseError> {
        // `url`'s messages name the problem, never the input.
        let url =
            url::Url::parse(raw.expose_secret()).map_err(|error| ParseError::new(format!("not a URL: {error}")))?;
        let scheme = url.scheme().to_owned();
        let has_authority = raw.expose_secret().split_once(':').is_some_and(|(_, rest)| rest.starts_with("//"));
        let shown = split_safely(raw.expose_secret(), &url).then(|| shown_parts(&url));
        let mut parts = secret_parts(&url);
        // A host that is not shown may hold anything (`db;user=sa;password=…`).
        if shown.is_none() {
            parts.extend(url.host_str().filter(|host| host.len() >= 8).map(SecretString::from));
        }
        let mut written_back: String = url.into();
        written_back.zeroize();
        Ok(Self { raw, parts, scheme, has_authority, shown })
    }

    fn secret_text(&self) -> Option<&str> {
        Some(self.raw.expose_secret())
    }

    fn secret_parts(&self) -> Vec<&str> {
        self.parts.iter().map(ExposeSecret::expose_secret).collect()
    }
}

/// Whether the authority `url` parsed is the one a reader of `raw` sees: a `//` authority, no
/// `\`, no `@` after it, and the same host, which looks like a host name or is an IP address
/// (an opaque host such as `db;user=sa;password=…` holds anything).
pub(crate) fn split_safely(raw: &str, url: &url::Url) -> bool {
    let host_like = match url.host() {
        Some(url::Host::Domain(name)) => {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        }
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    };
    if !host_like {
        return false;
    }
    let Some(rest) = raw.split_once(':').and_then(|(_, rest)| rest.strip_prefix("//")) else {
        return false;
    };
    if url.cannot_be_a_base() || rest.contains('\\') {
        return false;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(end);
    if after.contains('@') {
        return false;
    }
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !host.ends_with(':') => host,
        _ => host_port,
    };
    let parsed = url.host_str().unwrap_or("");
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .eq_ignore_ascii_case(parsed.trim_start_matches('[').trim_end_matches(']'))
}

/// Whether `text` looks like a name (a user, a database): letters, digits, `_-.$`, at most 64.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$'))
}

fn shown_parts(url: &url::Url) -> Shown {
    let has_password = url.password().is_some();
    let name_like = is_name;
    let path = url.path();
    let database = DATABASE_SCHEMES
        .contains(&url.scheme())
        .then(|| path.strip_prefix('/').unwrap_or(path))
        .filter(|name| name_like(name))
        .map(str::to_owned);
    // A user beside a password is shown on request only when short: a token can be the user
    // beside a filler password (`https://ghp_…:x-oauth-basic@github.com`).
    let shown_user = |user: &&str| has_password && user.len() <= 16 && name_like(user);
    Shown {
        user: Some(url.username()).filter(shown_user).map(str::to_owned),
        has_userinfo: has_password || !url.username().is_empty(),
        host: url.host_str().map(str::to_owned),
        port: url.port_or_known_default(),
        has_other_path: database.is_none() && !path.is_empty() && path != "/",
        database,
        has_query: url.query().is_some(),
        has_fragment: url.fragment().is_some(),
    }
}

/// The texts besides the raw URL that reveal it: the URL as `url` writes it; the password,
/// `user:password` (what HTTP Basic authentication encodes) and a user that is no short name
/// (a token: alone, or beside a filler password), as written and decoded; the query and each of its values of 6 or
/// more characters (`?password=…`); and the path of a URL that is not a database's (a
/// webhook's token).
fn secret_parts(url: &url::Url) -> Vec<SecretString> {
    let mut parts: Vec<String> = vec![url.as_str().to_owned()];
    let mut with_decoded = |text: &str| {
        parts.push(text.to_owned());
        parts.push(percent_decode(text));
    };
    let password = url.password().filter(|password| !password.is_empty());
    if let Some(password) = password {
        with_decoded(password);
        with_decoded(&format!("{}:{password}", url.username()));
    }
    let user = url.username();
    if user.len() >= 6 && !(password.is_some() && user.len() <= 16 && is_name(user)) {
        with_decoded(user);
    }
    if let Some(query) = url.query().filter(|query| query.len() >= 8) {
        with_decoded(query);
    }
    if !DATABASE_SCHEMES.contains(&url.scheme()) && url.path().len() >= 8 {
        with_decoded(url.path());
    }
    for (_, value) in url.query_pairs().filter(|(_, value)| value.chars().count() >= 6) {
        parts.push(value.into_owned());
    }
    parts.sort_unstable();
    parts.dedup();
    parts.into_iter().map(SecretString::from).collect()
}

/// `%XX` sequences decoded, as text (invalid UTF-8 replaced).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[at], bytes.get(at + 1).copied().and_then(hex), bytes.get(at + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits make one byte.
                #[allow(clippy::cast_possible_truncation)]
                out.push((high * 16 + low) as u8);
                at += 3;
            }
            (byte, ..) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    out.zeroize();
    text
}

impl ExposeSecret<str> for SecretUrl {
    fn expose_secret(&self) -> &str {
        self.raw.expose_secret()
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({})", self.masked(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debug(raw: &str) -> String {
        format!("{:?}", SecretUrl::from_secret(SecretString::from(raw)).unwrap())
    }

    #[test]
    fn only_safe_parts_show() {
        let cases = [
            ("postgres://app:pw-1@db:5432/app", "SecretUrl(postgres://[REDACTED]@db:5432/app)"),
            ("jdbc:postgresql://app:PW@db/app", "SecretUrl(jdbc:[REDACTED])"),
            ("postgres://app:1234/ss@db/app", "SecretUrl(postgres:[REDACTED])"),
            ("postgres://app:pa\\ss@db/app", "SecretUrl(postgres:[REDACTED])"),
            ("postgres://app:p@ss@db/app", "SecretUrl(postgres://[REDACTED]@db/app)"),
            (
                "https://ghp_0123456789abcdef@github.com/org/repo",
                "SecretUrl(https://[REDACTED]@github.com:443/[REDACTED])",
            ),
            (
                "https://pubkey0123@o1.ingest.sentry.io/42",
                "SecretUrl(https://[REDACTED]@o1.ingest.sentry.io:443/[REDACTED])",
            ),
            (
                "https://api.telegram.org/bot123:AAE-token/sendMessage",
                "SecretUrl(https://api.telegram.org:443/[REDACTED])",
            ),
            ("redis://:pw-2@cache:6379/0", "SecretUrl(redis://[REDACTED]@cache:6379/0)"),
            ("https://example.com/?token=abc#frag", "SecretUrl(https://example.com:443?[REDACTED]#[REDACTED])"),
            ("mailto:someone@example.com", "SecretUrl(mailto:[REDACTED])"),
            // An opaque host holds anything: `;key=value` connection strings.
            ("sqlserver://db.internal;user=sa;password=Str0ngPassw0rd", "SecretUrl(sqlserver:[REDACTED])"),
            ("redis://cache,password=pw-12345", "SecretUrl(redis:[REDACTED])"),
            ("postgres://[::1]:5432/app", "SecretUrl(postgres://[::1]:5432/app)"),
            ("postgres://db_primary.internal/app", "SecretUrl(postgres://db_primary.internal/app)"),
            // Text that merely parses as a URL: its "scheme" may be the secret.
            ("AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI", "SecretUrl([REDACTED])"),
            ("admin:hunter2pass", "SecretUrl([REDACTED])"),
        ];
        for (raw, expected) in cases {
            assert_eq!(debug(raw), expected, "{raw}");
        }
    }

    #[test]
    fn a_url_that_does_not_parse_is_refused_without_its_text() {
        let error = SecretUrl::from_secret(SecretString::from("postgres://app:pa/ss@db/app")).err().unwrap();
        assert_eq!(error.reason(), "not a URL: invalid port number");
    }

    #[test]
    fn a_token_as_the_user_beside_a_filler_password_is_never_shown() {
        let url = SecretUrl::from_secret(SecretString::from(
            "https://ghp_0123456789abcdefABCDEF:x-oauth-basic@github.com/org/repo",
        ))
        .unwrap();
        assert_eq!(url.masked(true), "https://[REDACTED]@github.com:443/[REDACTED]");
        let parts = url.secret_parts();
        assert!(parts.contains(&"ghp_0123456789abcdefABCDEF"));
        assert!(parts.contains(&"ghp_0123456789abcdefABCDEF:x-oauth-basic"), "Basic authentication's text");
    }

    #[test]
    fn an_opaque_host_is_a_part_to_mask() {
        let url = SecretUrl::from_secret(SecretString::from("sqlserver://db.internal;user=sa;password=Str0ngPassw0rd"))
            .unwrap();
        assert_eq!(url.host(), None);
        assert!(url.secret_parts().contains(&"db.internal;user=sa;password=Str0ngPassw0rd"));
    }

    #[test]
    fn query_values_are_parts_to_mask() {
        let url =
            SecretUrl::from_secret(SecretString::from("postgres://db/app?password=hunter2hunter2&sslmode=require"))
                .unwrap();
        assert_eq!(format!("{url:?}"), "SecretUrl(postgres://db/app?[REDACTED])");
        let parts = url.secret_parts();
        assert!(parts.contains(&"hunter2hunter2") && parts.contains(&"require"));
    }

    #[test]
    fn the_password_and_the_written_back_url_are_parts_to_mask() {
        let url = SecretUrl::from_secret(SecretString::from("postgres://app:p@ss w0rd@db/app")).unwrap();
        let parts = url.secret_parts();
        assert!(parts.contains(&"postgres://app:p%40ss%20w0rd@db/app"), "{}", parts.len());
        assert!(parts.contains(&"p@ss w0rd") && parts.contains(&"p%40ss%20w0rd"));
    }
}
