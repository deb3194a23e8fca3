//! Types a secret can be loaded into, and value-free parse errors.

use std::fmt::Display;
use std::str::FromStr;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretBox, SecretString};

/// A type that holds a secret without ever showing it: `SecretString` or `SecretBox<T>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a secret: it does not redact its value",
    label = "use `SecretString`, or `SecretBox<T>` for a parsed secret",
    note = "a secret's type must keep its value out of `Debug` and zeroize it on drop"
)]
pub trait SecretValue: Sized {
    /// Whether [`secret_text`](Self::secret_text) gives back the text the value was loaded from.
    /// When it does not (the default), loading keeps a copy of that text, zeroized, so that the
    /// contract's [`Redactor`](crate::Redactor) masks this secret too.
    const KEEPS_TEXT: bool = false;

    /// Builds the value from the raw text; the error must not contain the text, nor any piece
    /// or transformation of it (a parser's own message may echo it: say why in your own words).
    fn from_secret(raw: SecretString) -> Result<Self, ParseError>;

    /// The text the value was loaded from, when the type keeps it.
    fn secret_text(&self) -> Option<&str> {
        None
    }

    /// Other texts that reveal the secret on their own and are masked too: a URL's password,
    /// the URL as a library writes it back.
    fn secret_parts(&self) -> Vec<&str> {
        Vec::new()
    }
}

impl SecretValue for SecretString {
    const KEEPS_TEXT: bool = true;

    fn from_secret(raw: SecretString) -> Result<Self, ParseError> {
        Ok(raw)
    }

    fn secret_text(&self) -> Option<&str> {
        Some(self.expose_secret())
    }
}

/// A list of secrets split at `,` (the derive passes `#[secret(sep = "...")]` itself): each item
/// is a secret of its own, masked on its own by the contract's redactor.
impl SecretValue for Vec<SecretString> {
    fn from_secret(raw: SecretString) -> Result<Self, ParseError> {
        Ok(crate::bytes::split_secrets(raw.expose_secret(), ","))
    }

    fn secret_parts(&self) -> Vec<&str> {
        self.iter().map(ExposeSecret::expose_secret).collect()
    }
}

impl<T> SecretValue for SecretBox<T>
where
    T: FromStr + Zeroize,
    T::Err: Display,
{
    /// The parser's own message is dropped: it may echo the value in any form.
    fn from_secret(raw: SecretString) -> Result<Self, ParseError> {
        raw.expose_secret().parse::<T>().map(|value| SecretBox::new(Box::new(value))).map_err(|_| {
            let type_name = std::any::type_name::<T>();
            let short = type_name.rsplit("::").next().unwrap_or(type_name);
            ParseError::new(format!("not a valid {short}"))
        })
    }
}

/// Why a value did not parse, with no trace of the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    reason: String,
}

impl ParseError {
    /// A reason written by the caller; it must not contain the value.
    pub fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into() }
    }

    /// A parser's message with every form of `raw` and every run of 4 or more of its characters
    /// (in any case) masked, for a [`SecretValue`] implementation that keeps a parser's message;
    /// the library's own secret types drop such messages whole.
    pub fn scrubbed(message: &impl Display, raw: &str) -> Self {
        Self { reason: scrub(&message.to_string(), raw) }
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// A lenient `bool`: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, ignoring case and
/// surrounding whitespace.
pub(crate) fn parse_bool(text: &str) -> Result<bool, &'static str> {
    let text = text.trim();
    let is = |words: [&str; 4]| words.iter().any(|word| word.eq_ignore_ascii_case(text));
    if is(["true", "1", "yes", "on"]) {
        Ok(true)
    } else if is(["false", "0", "no", "off"]) {
        Ok(false)
    } else {
        Err("expected true/false, 1/0, yes/no or on/off")
    }
}

/// A `Duration` with units: `250ms`, `30s`, `5m`, `1h30m`, `2d` (`ms`, `s`, `m`, `h`, `d`, in
/// decreasing order, each once); a bare number is refused, as its unit would be a guess.
pub(crate) fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    const UNITS: [(&str, u64); 5] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)];
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("a duration needs a unit: {text}s, {text}m or {text}ms"));
    }
    let invalid = || "expected a duration such as 250ms, 30s, 5m, 1h30m or 2d".to_owned();
    let (mut rest, mut millis, mut next_unit) = (text, 0u64, 0);
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let letters = rest[digits..].bytes().take_while(u8::is_ascii_alphabetic).count();
        if digits == 0 || letters == 0 {
            return Err(invalid());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| "a duration that large does not fit".to_owned())?;
        let unit = &rest[digits..digits + letters];
        let Some(position) = UNITS.iter().skip(next_unit).position(|(name, _)| *name == unit) else {
            return Err(invalid());
        };
        let scale = UNITS[next_unit + position].1;
        next_unit += position + 1;
        millis = number
            .checked_mul(scale)
            .and_then(|part| millis.checked_add(part))
            .ok_or_else(|| "a duration that large does not fit".to_owned())?;
        rest = &rest[digits + letters..];
    }
    if text.is_empty() {
        return Err(invalid());
    }
    Ok(std::time::Duration::from_millis(millis))
}

/// A list: the items of `text` between `sep`, trimmed, empty ones left out, each parsed; an
/// error names the item by its position and text.
pub(crate) fn parse_list<T>(text: &str, sep: &str) -> Result<Vec<T>, String>
where
    T: FromStr,
    T::Err: Display,
{
    text.split(sep)
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .enumerate()
        .map(|(index, item)| item.parse::<T>().map_err(|error| format!("item {} ({item:?}): {error}", index + 1)))
        .collect()
}

/// Messages longer than this are cut: a parser that echoes input at length says nothing useful.
const MAX_REASON: usize = 200;
/// Values longer than this are not searched for: the parser's message is dropped instead.
const MAX_SCRUBBED_VALUE: usize = 16 * 1024;
/// Runs of the value this long or longer are masked; shorter ones are common words.
const MIN_RUN: usize = 4;
const MASK: &str = "[REDACTED]";

/// Masks in `message` every form of `raw` a [`Redactor`](crate::Redactor) knows (escaped, encoded),
/// then every run of at least `MIN_RUN` chars that also occurs in `raw`, in any case.
fn scrub(message: &str, raw: &str) -> String {
    if raw.len() > MAX_SCRUBBED_VALUE {
        return "does not parse".to_owned();
    }
    let message: String = message.chars().take(MAX_REASON).collect();
    let message = crate::Redactor::new([raw]).redact(&message).into_owned();
    let chars: Vec<char> = message.chars().collect();
    let raw = raw.to_lowercase();
    if raw.chars().count() < MIN_RUN {
        return chars.into_iter().collect();
    }
    let mut out = String::with_capacity(chars.len());
    let mut start = 0;
    while start < chars.len() {
        let longest = (MIN_RUN..=chars.len() - start)
            .take_while(|&len| raw.contains(&chars[start..start + len].iter().collect::<String>().to_lowercase()))
            .last();
        if let Some(len) = longest {
            out.push_str(MASK);
            start += len;
        } else {
            out.push(chars[start]);
            start += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_masks_the_value_and_its_fragments() {
        let raw = "hunter2-super-secret";
        assert_eq!(scrub("bad value 'hunter2-super-secret'", raw), "bad value '[REDACTED]'");
        assert_eq!(scrub("stopped at 'super-sec'", raw), "stopped at '[REDACTED]'");
        assert_eq!(scrub("invalid digit found in string", raw), "invalid digit found in string");
    }

    #[test]
    fn scrub_masks_escaped_and_recased_echoes() {
        let raw = "a\"b\\c-d\u{e4}e-Secret9";
        assert_eq!(scrub(&format!("bad value {raw:?}"), raw), "bad value \"[REDACTED]\"");
        assert_eq!(scrub("bad value A\"B\\C-D\u{c4}E-SECRET9!", raw), "bad value [REDACTED]!");
    }

    #[test]
    fn bools_are_lenient() {
        for text in ["true", "TRUE", "1", "yes", "Yes", " on "] {
            assert_eq!(parse_bool(text), Ok(true), "{text}");
        }
        for text in ["false", "0", "no", "OFF"] {
            assert_eq!(parse_bool(text), Ok(false), "{text}");
        }
        assert!(parse_bool("maybe").is_err() && parse_bool("").is_err());
    }

    #[test]
    fn durations_need_units() {
        use std::time::Duration;
        let cases = [
            ("250ms", 250),
            ("30s", 30_000),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("2d", 172_800_000),
            ("1d2h3m4s5ms", 93_784_005),
        ];
        for (text, millis) in cases {
            assert_eq!(parse_duration(text), Ok(Duration::from_millis(millis)), "{text}");
        }
        assert_eq!(parse_duration("30").unwrap_err(), "a duration needs a unit: 30s, 30m or 30ms");
        for text in ["", "s", "5x", "5 m", "30m1h", "1s1s", "-5s", "1.5h", "ms5"] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
        assert_eq!(parse_duration("99999999999999999999d").unwrap_err(), "a duration that large does not fit");
        assert_eq!(parse_duration("9999999999999999d").unwrap_err(), "a duration that large does not fit");
    }

    #[test]
    fn lists_are_split_trimmed_and_parsed() {
        assert_eq!(parse_list::<String>(" a, b ,c,,", ","), Ok(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(parse_list::<u16>("80 443  8080", " "), Ok(vec![80, 443, 8080]));
        assert_eq!(parse_list::<u16>("", ","), Ok(vec![]));
        assert_eq!(
            parse_list::<u16>("80,http,443", ",").unwrap_err(),
            "item 2 (\"http\"): invalid digit found in string"
        );
    }

    #[test]
    fn scrub_cuts_long_messages() {
        assert_eq!(scrub(&"x".repeat(1000), "abc").len(), MAX_REASON);
    }

    #[test]
    fn parsed_secret_errors_drop_the_parsers_message() {
        #[derive(Debug)]
        struct Port(u16);
        impl Zeroize for Port {
            fn zeroize(&mut self) {
                self.0 = 0;
            }
        }
        impl FromStr for Port {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                s.parse().map(Port).map_err(|_| format!("`{s}` is not a port"))
            }
        }
        for echoed in ["canary-7Hq2-value", "CAN", "x"] {
            let error = SecretBox::<Port>::from_secret(SecretString::from(echoed)).unwrap_err();
            assert_eq!(error.reason(), "not a valid Port");
        }
        let port = SecretBox::<Port>::from_secret(SecretString::from("8080")).unwrap();
        assert_eq!(port.expose_secret().0, 8080);
    }
}
