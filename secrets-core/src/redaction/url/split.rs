//! A URL split into its parts as written, by RFC 3986's generic syntax: nothing is decoded,
//! normalized or looked up. Read as connection strings are written: the userinfo runs to the
//! last `@` of the authority, so a password may hold an unencoded `@` or space.

/// A URL's parts, each a slice of the text as written.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SplitUrl<'a> {
    /// As written; schemes compare without case.
    pub(crate) scheme: &'a str,
    /// Everything after the scheme's `:`.
    pub(crate) after_scheme: &'a str,
    /// What follows `//`, when there is one.
    pub(crate) authority: Option<Authority<'a>>,
    /// After the authority, or after the scheme's `:` when there is none.
    pub(crate) path: &'a str,
    /// After the first `?` and before the fragment.
    pub(crate) query: Option<&'a str>,
    /// After the first `#`.
    pub(crate) fragment: Option<&'a str>,
}

/// The authority of a URL: `user:password@host:port`, each part as written.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Authority<'a> {
    /// Empty when there is no userinfo, or it holds only a password.
    pub(crate) user: &'a str,
    pub(crate) password: Option<&'a str>,
    /// A name, an IPv4 address or an IPv6 address in brackets; may be empty.
    pub(crate) host: &'a str,
    /// The port written after the host (`host:` alone has none).
    pub(crate) port: Option<u16>,
}

/// `text` split into its parts, or why it is not a URL (the reason never quotes the text).
///
/// Spaces and control characters around the URL are ignored, as URL parsers do; one inside it
/// other than a space makes it no URL.
pub(crate) fn split(text: &str) -> Result<SplitUrl<'_>, &'static str> {
    let text = text.trim_matches(|c: char| c <= ' ');
    if text.bytes().any(|b| b.is_ascii_control()) {
        return Err("it holds a control character");
    }
    let (scheme, rest) = text
        .split_once(':')
        .filter(|(scheme, _)| is_scheme(scheme))
        .ok_or("it does not start with a scheme such as `postgres:`")?;
    let after_scheme = rest;
    let (rest, fragment) = rest.split_once('#').map_or((rest, None), |(rest, fragment)| (rest, Some(fragment)));
    let (rest, query) = rest.split_once('?').map_or((rest, None), |(rest, query)| (rest, Some(query)));
    let (authority, path) = match rest.strip_prefix("//") {
        Some(rest) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            (Some(split_authority(authority)?), path)
        }
        None => (None, rest),
    };
    Ok(SplitUrl { scheme, after_scheme, authority, path, query, fragment })
}

/// RFC 3986: a letter, then letters, digits, `+`, `-` and `.`.
fn is_scheme(text: &str) -> bool {
    text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

fn split_authority(text: &str) -> Result<Authority<'_>, &'static str> {
    let (userinfo, host_port) = text.rsplit_once('@').map_or((None, text), |(userinfo, host)| (Some(userinfo), host));
    let (user, password) = match userinfo {
        Some(userinfo) => userinfo.split_once(':').map_or((userinfo, None), |(user, password)| (user, Some(password))),
        None => ("", None),
    };
    let (host, port) = match host_port.strip_prefix('[') {
        Some(bracketed) => {
            let end = bracketed.find(']').ok_or("invalid IPv6 address")?;
            let address = &bracketed[..end];
            if !address.contains(':') || !address.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.')) {
                return Err("invalid IPv6 address");
            }
            let after = &bracketed[end + 1..];
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or("invalid IPv6 address")?),
            };
            (&host_port[..end + 2], port)
        }
        None => host_port.rsplit_once(':').map_or((host_port, None), |(host, port)| (host, Some(port))),
    };
    let port = match port.filter(|port| !port.is_empty()) {
        Some(port) if port.bytes().all(|b| b.is_ascii_digit()) => {
            Some(port.parse().map_err(|_| "invalid port number")?)
        }
        Some(_) => return Err("invalid port number"),
        None => None,
    };
    Ok(Authority { user, password, host, port })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority<'a>(user: &'a str, password: Option<&'a str>, host: &'a str, port: Option<u16>) -> Authority<'a> {
        Authority { user, password, host, port }
    }

    #[test]
    fn parts_are_as_written() {
        let url = split("postgres://app:p@ss w0rd@DB.internal:6432/orders?sslmode=require#top").unwrap();
        assert_eq!(
            url,
            SplitUrl {
                scheme: "postgres",
                after_scheme: "//app:p@ss w0rd@DB.internal:6432/orders?sslmode=require#top",
                authority: Some(authority("app", Some("p@ss w0rd"), "DB.internal", Some(6432))),
                path: "/orders",
                query: Some("sslmode=require"),
                fragment: Some("top"),
            }
        );
        let ipv6 = split("redis://:pw@[::1]:6379").unwrap();
        assert_eq!(ipv6.authority, Some(authority("", Some("pw"), "[::1]", Some(6379))));
        assert_eq!(split("https://host:/").unwrap().authority, Some(authority("", None, "host", None)));
        assert_eq!(split("https://token@host").unwrap().authority, Some(authority("token", None, "host", None)));
        let opaque = split("jdbc:postgresql://app:pw@db/app").unwrap();
        assert_eq!((opaque.scheme, opaque.authority, opaque.path), ("jdbc", None, "postgresql://app:pw@db/app"));
    }

    #[test]
    fn the_first_delimiter_ends_each_part() {
        // A `/`, `?` or `#` in a password ends the authority, as every URL parser reads it.
        let url = split("https://ops:2024/pw@vault/x").unwrap();
        assert_eq!((url.authority.unwrap().host, url.path), ("ops", "/pw@vault/x"));
        let url = split("https://host/a?b#c?d").unwrap();
        assert_eq!((url.path, url.query, url.fragment), ("/a", Some("b"), Some("c?d")));
        let url = split("https://host/a#b?c").unwrap();
        assert_eq!((url.query, url.fragment), (None, Some("b?c")));
    }

    #[test]
    fn what_is_not_a_url_says_why() {
        for (text, reason) in [
            ("Pw9Kx2Lm7Qz4 not a url", "it does not start with a scheme such as `postgres:`"),
            ("1http://host", "it does not start with a scheme such as `postgres:`"),
            (":pw@host", "it does not start with a scheme such as `postgres:`"),
            ("postgres://app:pa/ss@db/app", "invalid port number"),
            ("postgres://db:99999/app", "invalid port number"),
            ("postgres://db:+80/app", "invalid port number"),
            ("postgres://[::1/app", "invalid IPv6 address"),
            ("postgres://[db]/app", "invalid IPv6 address"),
            ("postgres://[::1]x/app", "invalid IPv6 address"),
            ("postgres://db/a\tb", "it holds a control character"),
        ] {
            assert_eq!(split(text).err(), Some(reason), "{text}");
        }
        assert!(split("  https://host/\n").is_ok(), "spaces and newlines around a URL are ignored");
    }
}
