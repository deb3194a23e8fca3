//! `SecretUrl`: a connection URL whose credentials never show, and whose safe parts may.

use std::fmt::{self, Write as _};

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use crate::value::{ParseError, SecretValue};

mod split;

pub(crate) use split::{Authority, SplitUrl, split};

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
/// [`ExposeSecret::expose_secret`]; a [`Redactor`](crate::Redactor) masks the URL and each part
/// that reveals it, also as URL libraries write it back (`p@ss` as `p%40ss`).
///
/// The URL is split as written, by RFC 3986's generic syntax, with the userinfo running to the
/// last `@` of the authority (a password may hold an unencoded `@`); nothing is decoded or
/// normalized, and no host name is looked up or converted.
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
    /// Other texts that reveal the secret: the password, a user token, the query.
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
        let url = split(raw.expose_secret()).map_err(|reason| ParseError::new(format!("not a URL: {reason}")))?;
        let scheme = url.scheme.to_ascii_lowercase();
        let shown = url
            .authority
            .as_ref()
            .filter(|_| split_safely(&url))
            .map(|authority| shown_parts(&scheme, &url, authority));
        let mut parts = secret_parts(&scheme, &url);
        // A host that is not shown may hold anything (`db;user=sa;password=…`).
        if shown.is_none() {
            parts.extend(
                url.authority
                    .as_ref()
                    .map(|authority| authority.host)
                    .filter(|host| host.len() >= 8)
                    .map(SecretString::from),
            );
        }
        Ok(Self { has_authority: url.authority.is_some(), raw, parts, scheme, shown })
    }

    fn secret_text(&self) -> Option<&str> {
        Some(self.raw.expose_secret())
    }

    fn secret_parts(&self) -> Vec<&str> {
        self.parts.iter().map(ExposeSecret::expose_secret).collect()
    }
}

/// Whether `url`'s parts are those every reader of its text sees:
/// - a `//` authority whose host is a host name, a dotted-decimal IPv4 address or an IPv6 address
///   (an opaque host such as `db;user=sa;password=…` holds anything, and `0x7f.1` or `1.2.3.010`
///   is an address that resolvers read in different ways);
/// - no `\` anywhere (some parsers read it as `/`);
/// - no `@` after the authority (a password with an unencoded `/`, `?` or `#` ended the
///   authority early), nor in the userinfo (libpq takes the userinfo to the first `@`);
/// - for a database URL, no fragment (libpq reads `#` as part of the host) and no query key that
///   names another host, port or database (`?host=…`).
pub(crate) fn split_safely(url: &SplitUrl<'_>) -> bool {
    let Some(authority) = &url.authority else {
        return false;
    };
    let after = [url.path, url.query.unwrap_or(""), url.fragment.unwrap_or("")];
    let userinfo = [authority.user, authority.password.unwrap_or("")];
    let database = DATABASE_SCHEMES.iter().any(|scheme| scheme.eq_ignore_ascii_case(url.scheme));
    let redirects = |query: &str| {
        query.split('&').any(|pair| {
            let key = pair.split_once('=').map_or(pair, |(key, _)| key);
            ["host", "hostaddr", "port", "dbname", "database", "db", "server"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key))
        })
    };
    is_host(authority.host)
        && !after.iter().any(|part| part.contains(['@', '\\']))
        && !userinfo.iter().any(|part| part.contains(['@', '\\']))
        && !(database && (url.fragment.is_some() || url.query.is_some_and(redirects)))
}

/// A host name (letters, digits, `.`, `-`, `_`), a dotted-decimal IPv4 address, or an IPv6
/// address in brackets (checked by the splitter). A name whose last label is a number or
/// `0x…` is an address in a shorthand (`127.1`, `0x7f.1`) that resolvers read differently.
fn is_host(host: &str) -> bool {
    if host.starts_with('[') {
        return true;
    }
    let name_like =
        !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    let last = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    let numeric =
        last.bytes().all(|b| b.is_ascii_digit()) || last.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("0x"));
    name_like && (!numeric || host.parse::<std::net::Ipv4Addr>().is_ok())
}

/// Whether `text` looks like a name (a user, a database): letters, digits, `_-.$`, at most 64.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$'))
}

/// The port a scheme's clients use when none is written, for the schemes URL parsers know.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

fn shown_parts(scheme: &str, url: &SplitUrl<'_>, authority: &Authority<'_>) -> Shown {
    let password = authority.password.filter(|password| !password.is_empty());
    let path = url.path;
    let database = DATABASE_SCHEMES
        .contains(&scheme)
        .then(|| path.strip_prefix('/').unwrap_or(path))
        .filter(|name| is_name(name))
        .map(str::to_owned);
    // A user beside a password is shown on request only when short: a token can be the user
    // beside a filler password (`https://ghp_…:x-oauth-basic@github.com`).
    let shown_user = |user: &&str| password.is_some() && user.len() <= 16 && is_name(user);
    Shown {
        user: Some(authority.user).filter(shown_user).map(str::to_owned),
        has_userinfo: password.is_some() || !authority.user.is_empty(),
        host: Some(authority.host.to_owned()),
        port: authority.port.or_else(|| default_port(scheme)),
        has_other_path: database.is_none() && !path.is_empty() && path != "/",
        database,
        has_query: url.query.is_some(),
        has_fragment: url.fragment.is_some(),
    }
}

/// The texts besides the raw URL that reveal it: the password, `user:password` (what HTTP Basic
/// authentication encodes) and a user that is no short name (a token: alone, or beside a filler
/// password), as written and decoded; the query, each of its values of 6 or more characters
/// (`?password=…`) and the fragment; the path of a URL that is not a database's (a webhook's
/// token); and the parts of a URL inside an opaque one (`jdbc:postgresql://…`). The redactor masks each in the encodings libraries write (`p@ss` as
/// `p%40ss`).
fn secret_parts(scheme: &str, url: &SplitUrl<'_>) -> Vec<SecretString> {
    let mut parts: Vec<String> = Vec::new();
    userinfo_parts(url.authority.as_ref().map(|authority| (authority.user, authority.password)), &mut parts);
    parts.extend(written_back(url));
    let mut with_decoded = |text: &str| {
        parts.push(text.to_owned());
        parts.push(percent_decode(text));
    };
    for text in [url.query, url.fragment].into_iter().flatten().filter(|text| text.len() >= 8) {
        with_decoded(text);
    }
    if !DATABASE_SCHEMES.contains(&scheme) && url.path.len() >= 8 {
        with_decoded(url.path);
    }
    // Form values: `+` is a space.
    let values = url.query.into_iter().flat_map(|query| query.split('&')).filter_map(|pair| pair.split_once('='));
    for (_, value) in values {
        let value = percent_decode(&value.replace('+', " "));
        if value.chars().count() >= 6 {
            parts.push(value);
        }
    }
    // Another reader may take the userinfo to the last `@` of the text (a password with an
    // unencoded `/`, `?` or `#`), and a URL inside an opaque one (`jdbc:postgresql://app:pw@db`)
    // has a userinfo of its own.
    let inner = url.authority.is_none().then(|| url.after_scheme.split_once(':')).flatten();
    for after_scheme in [Some(url.after_scheme), inner.map(|(_, after)| after)].into_iter().flatten() {
        userinfo_parts(last_at_userinfo(after_scheme), &mut parts);
    }
    let inner = url.authority.is_none().then(|| split(url.after_scheme).ok()).flatten();
    if let Some(inner) = inner.filter(|inner| inner.authority.is_some()) {
        let scheme = inner.scheme.to_ascii_lowercase();
        parts.extend(secret_parts(&scheme, &inner).iter().map(|part| part.expose_secret().to_owned()));
    }
    parts.sort_unstable();
    parts.dedup();
    parts.into_iter().map(SecretString::from).collect()
}

/// The URL with its userinfo written back as URL libraries write it (`p@ss` as `p%40ss`), when
/// that differs from the URL as written: a driver that logs its URL logs that form.
fn written_back(url: &SplitUrl<'_>) -> Option<String> {
    let authority = url.authority.as_ref()?;
    let rest = url.after_scheme.strip_prefix("//")?;
    let (userinfo, _) = rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())].rsplit_once('@')?;
    let encode = crate::redaction::forms::userinfo_written_back;
    let written = match authority.password {
        Some(password) => format!("{}:{}", encode(authority.user), encode(password)),
        None => encode(authority.user),
    };
    (written != userinfo).then(|| format!("{}://{written}@{}", url.scheme, &rest[userinfo.len() + 1..]))
}

/// The user and password of an authority read to the last `@` of `after_scheme` (`//…@…`).
fn last_at_userinfo(after_scheme: &str) -> Option<(&str, Option<&str>)> {
    let (userinfo, _) = after_scheme.strip_prefix("//")?.rsplit_once('@')?;
    Some(userinfo.split_once(':').map_or((userinfo, None), |(user, password)| (user, Some(password))))
}

/// The texts a userinfo reveals, as written and decoded: the password, `user:password`, and a
/// user that is no short name beside a password (a token).
fn userinfo_parts(userinfo: Option<(&str, Option<&str>)>, parts: &mut Vec<String>) {
    let Some((user, password)) = userinfo else {
        return;
    };
    let mut with_decoded = |text: &str| {
        parts.push(text.to_owned());
        parts.push(percent_decode(text));
    };
    let password = password.filter(|password| !password.is_empty());
    if let Some(password) = password {
        with_decoded(password);
        with_decoded(&format!("{user}:{password}"));
        // libpq takes the userinfo to the first `@`, and names the rest as the host.
        for piece in password.split('@').skip(1) {
            with_decoded(piece);
        }
    }
    if user.len() >= 6 && !(password.is_some() && user.len() <= 16 && is_name(user)) {
        with_decoded(user);
    }
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
            // Readers take the userinfo to the first `@` (libpq) or the last (WHATWG).
            ("postgres://app:p@ss@db/app", "SecretUrl(postgres:[REDACTED])"),
            // libpq reads `#` as part of the host, and `?host=` as the host to contact.
            ("postgres://shown.internal#,evil.internal/app", "SecretUrl(postgres:[REDACTED])"),
            ("postgres://app:pw@shown.internal/app?host=evil.internal", "SecretUrl(postgres:[REDACTED])"),
            ("postgres://db/app?sslmode=require", "SecretUrl(postgres://db/app?[REDACTED])"),
            // Address shorthands that resolvers read in different ways.
            ("http://1.2.3.010:8200", "SecretUrl(http:[REDACTED])"),
            ("https://0x7f.1:8200", "SecretUrl(https:[REDACTED])"),
            ("https://2130706433", "SecretUrl(https:[REDACTED])"),
            ("https://10.0.0.1:8200", "SecretUrl(https://10.0.0.1:8200)"),
            ("https://vault.internal.:8200", "SecretUrl(https://vault.internal.:8200)"),
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
    fn a_userinfo_read_to_the_last_at_and_an_inner_urls_are_parts_to_mask() {
        // Split at the first `/`, the host is `app`; read to the last `@`, the password is `1234/ss`.
        let url = SecretUrl::from_secret(SecretString::from("postgres://app:1234/ss@db/app")).unwrap();
        assert!(url.secret_parts().contains(&"1234/ss"));
        let jdbc = SecretUrl::from_secret(SecretString::from("jdbc:postgresql://app:Pw-0123@db/app?ssl=true")).unwrap();
        assert!(jdbc.secret_parts().contains(&"Pw-0123") && jdbc.secret_parts().contains(&"app:Pw-0123"));
        // A URL that nests one URL in another in another is read one level deep, not recursed.
        let nested = format!("a:{}b://u:Pw-0123@h", "a:".repeat(100_000));
        assert!(SecretUrl::from_secret(SecretString::from(nested)).is_ok());
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
    fn the_password_and_the_url_as_written_back_are_masked() {
        let url = SecretUrl::from_secret(SecretString::from("postgres://app:p@ss w0rd@db/app")).unwrap();
        let parts = url.secret_parts();
        assert!(parts.contains(&"p@ss w0rd") && parts.contains(&"app:p@ss w0rd"), "{}", parts.len());
        let redactor = crate::Redactor::new(url.secret_text().into_iter().chain(parts));
        // As the `url` crate and Go's `net/url` write it back.
        for written in ["postgres://app:p%40ss%20w0rd@db/app", "postgres://app:p%40ss+w0rd@db/app"] {
            assert!(!redactor.redact(written).contains("w0rd"), "{written}: {}", redactor.redact(written));
        }
        // A parser writing the URL back leaves an escape already there as it is.
        let escaped = SecretUrl::from_secret(SecretString::from("postgres://app:Xy7@Kq%41mZpL2wR@db/app")).unwrap();
        let redactor = crate::Redactor::new(escaped.secret_text().into_iter().chain(escaped.secret_parts()));
        let logged = "could not connect to postgres://app:Xy7%40Kq%41mZpL2wR@db/app";
        assert!(!redactor.redact(logged).contains("mZpL2"), "{}", redactor.redact(logged));
        // libpq's reading: password `Xy7`, host `Kq%41mZpL2wR@db`.
        assert!(!redactor.redact("host \"Kq%41mZpL2wR@db\"").contains("mZpL2"));
        let encoded = SecretUrl::from_secret(SecretString::from("postgres://app:p%40ss%20w0rd@db/app")).unwrap();
        assert!(encoded.secret_parts().contains(&"p@ss w0rd"), "decoded too");
    }
}
