//! A loaded value written back as the text of its variable, for a child process.
//!
//! The contract holds typed values, so each is written in a form its own parser reads back:
//! a secret as the text it was loaded from (`SecretString`, a `SecretValue` that keeps its text)
//! or re-encoded (binary secrets as standard base64), a setting through the first of these its
//! type has: text (`String`, `PathBuf`), `bool`, `Duration` (`1h30m`), a [`ConfigEnum`]'s name,
//! `Display`; lists joined with their separator. The generated code picks the form by method
//! resolution (each level below is one reference less specific than the one before), so no
//! type needs to implement anything new; a type with none of these has no text.

use std::fmt::Display;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::{ConfigEnum, SecretValue};

/// A field's value and its list separator, asked for its text.
pub struct Render<'a, T> {
    /// The value.
    pub value: &'a T,
    /// The separator of a list (`#[config(sep)]`, `#[secret(sep)]`), `,` by default.
    pub sep: &'static str,
}

/// The text of a value, or the name of its type when it has none.
pub type Text = Result<SecretString, &'static str>;

/// One level of the choice: the most specific form a value's type has.
pub trait EnvText {
    /// The value's text, or its type's name when no form applies.
    fn env_text(&self) -> Text;
}

/// Joins texts with `sep`, zeroizing each piece.
fn joined(items: impl Iterator<Item = String>, sep: &str) -> SecretString {
    let mut out = String::new();
    for (at, mut item) in items.enumerate() {
        if at > 0 {
            out.push_str(sep);
        }
        out.push_str(&item);
        item.zeroize();
    }
    out.into()
}

/// A `Duration` as the settings parser reads it: `1h30m`, `250ms`, `0s`. The parser reads
/// whole milliseconds up to `u64::MAX`: a part of a millisecond counts as one more (so a
/// duration that is not zero never becomes zero), and a longer duration is written as the
/// longest it reads.
pub(crate) fn duration_text(duration: Duration) -> String {
    const UNITS: [(&str, u128); 5] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)];
    let part = u128::from(duration.subsec_nanos() % 1_000_000 != 0);
    let mut millis = (duration.as_millis() + part).min(u128::from(u64::MAX));
    if millis == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in UNITS {
        if millis >= size {
            out.push_str(&(millis / size).to_string());
            out.push_str(unit);
            millis %= size;
        }
    }
    out
}

// Level 0, most specific: the types the library reads itself.
macro_rules! exact {
    ($($ty:ty => |$value:ident, $sep:ident| $body:expr;)*) => {$(
        impl EnvText for &&&&&&&Render<'_, $ty> {
            fn env_text(&self) -> Text {
                let ($value, $sep) = (self.value, self.sep);
                let _ = $sep;
                $body
            }
        }
    )*};
}

exact! {
    SecretString => |value, sep| Ok(value.expose_secret().to_owned().into());
    String => |value, sep| Ok(value.clone().into());
    bool => |value, sep| Ok(value.to_string().into());
    Duration => |value, sep| Ok(duration_text(*value).into());
    PathBuf => |value, sep| value.to_str().map(|path| SecretString::from(path.to_owned())).ok_or("PathBuf");
    Vec<SecretString> => |value, sep| Ok(joined(value.iter().map(|item| item.expose_secret().to_owned()), sep));
    SecretBox<Vec<u8>> => |value, sep| Ok(base64::engine::general_purpose::STANDARD.encode(value.expose_secret()).into());
    Vec<String> => |value, sep| Ok(joined(value.iter().cloned(), sep));
    Vec<bool> => |value, sep| Ok(joined(value.iter().map(ToString::to_string), sep));
    Vec<Duration> => |value, sep| Ok(joined(value.iter().map(|item| duration_text(*item)), sep));
}

impl<const N: usize> EnvText for &&&&&&&Render<'_, SecretBox<[u8; N]>> {
    fn env_text(&self) -> Text {
        Ok(base64::engine::general_purpose::STANDARD.encode(self.value.expose_secret()).into())
    }
}

// Level 1: an enum setting, by its accepted name.
impl<T: ConfigEnum> EnvText for &&&&&&Render<'_, T> {
    fn env_text(&self) -> Text {
        Ok(self.value.name().to_owned().into())
    }
}

// Level 2: a list of enum values.
impl<T: ConfigEnum> EnvText for &&&&&Render<'_, Vec<T>> {
    fn env_text(&self) -> Text {
        Ok(joined(self.value.iter().map(|item| item.name().to_owned()), self.sep))
    }
}

// Level 3: a parsed secret whose value prints as its text (`SecretBox<u64>`).
impl<T: Display + Zeroize> EnvText for &&&&Render<'_, SecretBox<T>> {
    fn env_text(&self) -> Text {
        Ok(self.value.expose_secret().to_string().into())
    }
}

// Level 4: a secret type that keeps its text (`SecretUrl`, a user's own `SecretValue`).
impl<T: SecretValue> EnvText for &&&Render<'_, T> {
    fn env_text(&self) -> Text {
        self.value.secret_text().map(|value| SecretString::from(value.to_owned())).ok_or(std::any::type_name::<T>())
    }
}

// Level 5: a list of values that print as their text.
impl<T: Display> EnvText for &&Render<'_, Vec<T>> {
    fn env_text(&self) -> Text {
        Ok(joined(self.value.iter().map(ToString::to_string), self.sep))
    }
}

// Level 6: a value that prints as its text (numbers, `url::Url`, `IpAddr`).
impl<T: Display> EnvText for &Render<'_, T> {
    fn env_text(&self) -> Text {
        Ok(self.value.to_string().into())
    }
}

// Level 7: no text.
impl<T> EnvText for Render<'_, T> {
    fn env_text(&self) -> Text {
        Err(std::any::type_name::<T>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! text_of {
        ($value:expr) => {
            text_of!($value, ",")
        };
        ($value:expr, $sep:expr) => {
            (&&&&&&&&Render { value: &$value, sep: $sep }).env_text().map(|text| text.expose_secret().to_owned())
        };
    }

    #[derive(crate::ConfigEnum, Debug)]
    enum Mode {
        ReadOnly,
        Full,
    }

    struct Opaque;

    #[test]
    fn each_type_is_written_as_its_parser_reads_it() {
        assert_eq!(text_of!(SecretString::from("s3cr3t")), Ok("s3cr3t".to_owned()));
        assert_eq!(text_of!("info".to_owned()), Ok("info".to_owned()));
        assert_eq!(text_of!(true), Ok("true".to_owned()));
        assert_eq!(text_of!(8080u16), Ok("8080".to_owned()));
        assert_eq!(text_of!(0.25f64), Ok("0.25".to_owned()));
        assert_eq!(text_of!(Duration::from_secs(5400)), Ok("1h30m".to_owned()));
        assert_eq!(text_of!(Duration::from_millis(90_061_001)), Ok("1d1h1m1s1ms".to_owned()));
        assert_eq!(text_of!(Duration::ZERO), Ok("0s".to_owned()));
        assert_eq!(text_of!(PathBuf::from("/etc/app")), Ok("/etc/app".to_owned()));
        assert_eq!(text_of!(Mode::ReadOnly), Ok("read-only".to_owned()));
        assert_eq!(text_of!(vec![Mode::Full, Mode::ReadOnly], " "), Ok("full read-only".to_owned()));
        assert_eq!(text_of!(vec![1u8, 2, 3], ";"), Ok("1;2;3".to_owned()));
        assert_eq!(text_of!(vec!["a".to_owned(), "b".to_owned()]), Ok("a,b".to_owned()));
        assert_eq!(text_of!(vec![Duration::from_secs(1), Duration::from_millis(5)]), Ok("1s,5ms".to_owned()));
        assert_eq!(text_of!(vec![SecretString::from("k1"), SecretString::from("k2")], " "), Ok("k1 k2".to_owned()));
        assert_eq!(text_of!(SecretBox::new(Box::new(vec![0xfb_u8, 0xff]))), Ok("+/8=".to_owned()));
        assert_eq!(text_of!(SecretBox::new(Box::new([1u8, 2, 3]))), Ok("AQID".to_owned()));
        assert_eq!(text_of!(SecretBox::new(Box::new(4242u64))), Ok("4242".to_owned()));
        let url: crate::SecretUrl = SecretValue::from_secret("postgres://u:p@db/app".into()).unwrap();
        assert_eq!(text_of!(url), Ok("postgres://u:p@db/app".to_owned()));
        assert!(text_of!(Opaque).unwrap_err().ends_with("Opaque"));
    }

    #[test]
    fn written_durations_parse_back() {
        for millis in [1, 999, 1000, 61_000, 3_600_000, 86_400_000, 90_061_001, 12_345_678_901, u64::MAX] {
            let duration = Duration::from_millis(millis);
            assert_eq!(crate::value::parse_duration(&duration_text(duration)), Ok(duration), "{millis}");
        }
        let longest = Ok(Duration::from_millis(u64::MAX));
        assert_eq!(crate::value::parse_duration(&duration_text(Duration::MAX)), longest);
        assert_eq!(duration_text(Duration::from_micros(1)), "1ms");
        assert_eq!(duration_text(Duration::from_micros(1500)), "2ms");
    }
}
