//! The forms a secret value takes in output: raw, trimmed, URL-, form-, JSON-, Rust- and base64-encoded.

use std::collections::HashSet;
use std::fmt::Write as _;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// Bytes a percent-encoder leaves as they are, besides ASCII letters and digits.
struct KeptSet {
    kept: &'static [u8],
    /// Whether a space becomes `+` (HTML forms, `quote_plus`).
    plus_for_space: bool,
}

/// The percent-encoders found in practice, each with upper- and lower-case hex digits.
const PERCENT_SETS: [KeptSet; 9] = [
    // RFC 3986 unreserved characters: `url`, `percent-encoding`, Go's `url.PathEscape`.
    KeptSet { kept: b"-._~", plus_for_space: false },
    // Every byte but letters and digits: `percent_encoding::NON_ALPHANUMERIC`.
    KeptSet { kept: b"", plus_for_space: false },
    // `application/x-www-form-urlencoded` as WHATWG and `form_urlencoded` write it.
    KeptSet { kept: b"*-._", plus_for_space: true },
    // Python's `quote_plus` and Go's `url.QueryEscape`.
    KeptSet { kept: b"-._~", plus_for_space: true },
    // JavaScript's `encodeURIComponent`.
    KeptSet { kept: b"-_.!~*'()", plus_for_space: false },
    // Python's `quote`, whose default keeps `/`.
    KeptSet { kept: b"-._~/", plus_for_space: false },
    // The WHATWG URL standard's userinfo, path and query sets, as `url::Url` writes a URL back.
    KeptSet { kept: b"!$&'()*+,-._~", plus_for_space: false },
    KeptSet { kept: b"!$&'()*+,-._~/:;=@[\\]^|", plus_for_space: false },
    KeptSet { kept: b"!$&'()*+,-._~/:;=@[\\]^|?`{}", plus_for_space: false },
];

/// Values longer than this are searched for as they are and trimmed only: a certificate
/// bundle's dozens of encodings would make search tables of hundreds of megabytes.
const MAX_ENCODED: usize = 16 * 1024;

/// Every form of `value` worth searching for, each once; the value itself first.
///
/// Each form is made from the value and from its trimmed text (a value loaded with a trailing
/// newline is often printed without it).
pub(crate) fn encodings(value: &str) -> Vec<Vec<u8>> {
    let mut forms = Vec::new();
    let mut seen = HashSet::new();
    let trimmed = value.trim();
    let bases = if trimmed.is_empty() || trimmed == value { vec![value] } else { vec![value, trimmed] };
    for base in bases {
        let base_forms = if base.len() > MAX_ENCODED { vec![base.as_bytes().to_vec()] } else { forms_of(base) };
        for form in base_forms {
            if !form.is_empty() && seen.insert(form.clone()) {
                forms.push(form);
            }
        }
    }
    forms
}

fn forms_of(value: &str) -> Vec<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut forms = vec![bytes.to_vec()];
    for set in &PERCENT_SETS {
        for upper in [true, false] {
            forms.push(percent_encode(bytes, set, upper).into_bytes());
        }
    }
    let mut json = String::new();
    crate::reports::json::escape_into(value, &mut json);
    forms.push(json.into_bytes());
    forms.push(json_ascii(value, false).into_bytes());
    // PHP's `json_encode` also escapes `/`.
    forms.push(json_ascii(value, true).into_bytes());
    // Go's `encoding/json`, which also escapes `<`, `>` and `&`, and upper-case `\u` escapes.
    let go = json_ascii(value, false).replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    forms.push(go.into_bytes());
    forms.push(upper_unicode_escapes(&json_ascii(value, false)).into_bytes());
    // Rust's `{:?}` of a `&str` (how `tracing` prints a `&str` field), `escape_default`, and the
    // `\xNN` of bytes printed as ASCII (`bytes::Bytes`, `http::HeaderValue`).
    let debug = format!("{value:?}");
    forms.push(debug.as_bytes()[1..debug.len() - 1].to_vec());
    forms.push(value.escape_default().to_string().into_bytes());
    forms.push(bytes.escape_ascii().to_string().into_bytes());
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        for skip in 0..3 {
            forms.push(base64_core(engine, bytes, skip));
        }
    }
    forms
}

/// A URL's user or password as the WHATWG URL standard writes it back (`p@ss w0rd` as
/// `p%40ss%20w0rd`), as `url::Url` and the drivers built on it log a URL.
pub(crate) fn userinfo_written_back(text: &str) -> String {
    // The userinfo set, and `%`: a parser leaves an escape already there as it is.
    const USERINFO: KeptSet = KeptSet { kept: b"!$%&'()*+,-._~", plus_for_space: false };
    percent_encode(text.as_bytes(), &USERINFO, true)
}

/// `%XX` for every byte not kept by `set`.
fn percent_encode(bytes: &[u8], set: &KeptSet, upper: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || set.kept.contains(&byte) {
            out.push(char::from(byte));
        } else if byte == b' ' && set.plus_for_space {
            out.push('+');
        } else if upper {
            let _ = write!(out, "%{byte:02X}");
        } else {
            let _ = write!(out, "%{byte:02x}");
        }
    }
    out
}

/// JSON string content with every non-ASCII character as `\uXXXX` (Python's `json.dumps`).
fn json_ascii(value: &str, escape_slash: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if escape_slash => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out
}

/// `\uXXXX` escapes with upper-case hex digits.
fn upper_unicode_escapes(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at + 2]);
        let hex = rest.get(at + 2..at + 6).unwrap_or("");
        out.push_str(&hex.to_ascii_uppercase());
        rest = &rest[at + 2 + hex.len()..];
    }
    out.push_str(rest);
    out
}

/// The base64 characters that encode only `bytes` when they follow `skip` bytes of anything
/// (`skip` = 0, 1, 2 covers every alignment in a longer stream) and are followed by anything.
pub(crate) fn base64_core(engine: &base64::engine::GeneralPurpose, bytes: &[u8], skip: usize) -> Vec<u8> {
    let mut shifted = vec![0u8; skip];
    shifted.extend_from_slice(bytes);
    let encoded = engine.encode(&shifted).into_bytes();
    // Characters wholly made of the value's bits: after the filler's, up to the last full group.
    let first = [0, 2, 3][skip];
    let last = shifted.len() / 3 * 4;
    if last > first { encoded[first..last].to_vec() } else { Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(value: &str, form: &str) -> bool {
        encodings(value).iter().any(|f| f == form.as_bytes())
    }

    #[test]
    fn the_common_encoders_are_covered() {
        let value = "p@ss w/rd~!é";
        assert!(has(value, "p%40ss%20w%2Frd~%21%C3%A9"), "RFC 3986");
        assert!(has(value, "p%40ss%20w%2frd~%21%c3%a9"), "lower-case hex");
        assert!(has(value, "p%40ss%20w%2Frd%7E%21%C3%A9"), "every non-alphanumeric byte");
        assert!(has(value, "p%40ss+w%2Frd%7E%21%C3%A9"), "form encoding");
        assert!(has(value, "p%40ss+w%2Frd~%21%C3%A9"), "quote_plus");
        assert!(has(value, "p%40ss%20w%2Frd~!%C3%A9"), "encodeURIComponent");
        assert!(has(value, "p%40ss%20w/rd~%21%C3%A9"), "Python quote");
        assert!(has(value, "p@ss w/rd~!\\u00e9"), "JSON, ASCII only");
        assert!(has(value, "p@ss w\\/rd~!\\u00e9"), "JSON with escaped slashes");
        assert!(has("a\"b\\c\u{200b}\nd", "a\\\"b\\\\c\\u{200b}\\nd"), "Rust Debug");
        assert!(has("tok-\u{e9}", "tok-\\u{e9}"), "escape_default");
        assert!(has("p\u{e4}ss", "p\\xc3\\xa4ss"), "bytes escaped as ASCII");
        assert!(has("a<b>&c\u{e9}", "a\\u003cb\\u003e\\u0026c\\u00e9"), "Go's JSON");
        assert!(has("caf\u{e9}", "caf\\u00E9"), "upper-case unicode escapes");
        assert!(has("S3cure$Pass@2024", "S3cure$Pass%402024"), "url's userinfo set");
        assert!(has("  padded-secret\n", "padded-secret"), "trimmed");
    }

    #[test]
    fn a_very_long_value_is_searched_for_as_it_is() {
        let pem = format!("-----BEGIN KEY-----\n{}\n-----END KEY-----\n", "QUJD+/".repeat(4000));
        assert_eq!(encodings(&pem), vec![pem.as_bytes().to_vec(), pem.trim().as_bytes().to_vec()]);
    }

    #[test]
    fn an_alphanumeric_token_has_only_its_base64_forms_besides_itself() {
        // Letters and digits: every text encoding leaves them as they are.
        let value = b"tok0123456789";
        let mut expected = vec![value.to_vec()];
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            for skip in 0..3 {
                let core = base64_core(engine, value, skip);
                if !expected.contains(&core) {
                    expected.push(core);
                }
            }
        }
        assert_eq!(encodings("tok0123456789"), expected);
    }
}
