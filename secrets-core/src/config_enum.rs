//! Settings that name one of a fixed set of values: `#[derive(ConfigEnum)]`.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// A fieldless enum a setting names by variant, accepting the kebab-case or snake_case name in
/// any ASCII case; derive it with `#[derive(ConfigEnum)]`, renaming a variant with
/// `#[config_enum(name = "...")]`.
///
/// ```
/// use secrets_core::ConfigEnum;
///
/// #[derive(Debug, PartialEq, Eq, ConfigEnum)]
/// enum SmtpSecurity {
///     Off,
///     Starttls,
///     ForceTls,
/// }
///
/// assert_eq!("FORCE_TLS".parse::<SmtpSecurity>(), Ok(SmtpSecurity::ForceTls));
/// assert_eq!(" force-tls ".parse::<SmtpSecurity>(), Ok(SmtpSecurity::ForceTls));
/// assert_eq!(SmtpSecurity::VALUES, ["off", "starttls", "force-tls"]);
/// assert_eq!(SmtpSecurity::ForceTls.name(), "force-tls");
///
/// let error = "tls".parse::<SmtpSecurity>().unwrap_err();
/// assert_eq!(error.to_string(), "expected one of: off, starttls, force-tls");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `ConfigEnum`",
    label = "derive `ConfigEnum` on a fieldless enum to use it here"
)]
pub trait ConfigEnum: Sized + FromStr {
    /// The accepted names, one per variant, in declaration order.
    const VALUES: &'static [&'static str];

    /// This variant's accepted name, as listed in [`VALUES`](Self::VALUES).
    fn name(&self) -> &'static str;
}

/// A text that names none of an enum's variants; it lists the accepted names, never the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumError {
    expected: &'static [&'static str],
}

impl EnumError {
    /// The error for an enum accepting `expected`.
    pub const fn new(expected: &'static [&'static str]) -> Self {
        Self { expected }
    }

    /// The accepted names.
    pub const fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

impl fmt::Display for EnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected one of: ")?;
        for (index, name) in self.expected.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

impl std::error::Error for EnumError {}

/// Finds a field type's accepted values in a constant, whatever the type: `Probe::<T>::VALUES`
/// is `T::VALUES` for a [`ConfigEnum`], and, with [`NoValues`] in scope, empty for any other.
#[doc(hidden)]
pub struct Probe<T>(PhantomData<T>);

impl<T: ConfigEnum> Probe<T> {
    /// The accepted names of `T`; an inherent constant, so it wins over [`NoValues::VALUES`].
    pub const VALUES: &'static [&'static str] = T::VALUES;
}

/// The fallback of [`Probe`] for a type that is not a [`ConfigEnum`].
#[doc(hidden)]
pub trait NoValues {
    /// No accepted names: any text goes to the type's parser.
    const VALUES: &'static [&'static str] = &[];
}

impl<T> NoValues for Probe<T> {}

#[cfg(test)]
mod tests {
    use super::{ConfigEnum, EnumError, NoValues as _, Probe};

    /// A hand-written `ConfigEnum`, so these tests do not depend on the derive.
    #[derive(Debug, PartialEq)]
    enum Mode {
        Fast,
        SlowStart,
    }

    impl std::str::FromStr for Mode {
        type Err = EnumError;

        fn from_str(text: &str) -> Result<Self, Self::Err> {
            match text {
                "fast" => Ok(Self::Fast),
                "slow-start" => Ok(Self::SlowStart),
                _ => Err(EnumError::new(Self::VALUES)),
            }
        }
    }

    impl ConfigEnum for Mode {
        const VALUES: &'static [&'static str] = &["fast", "slow-start"];

        fn name(&self) -> &'static str {
            match self {
                Self::Fast => "fast",
                Self::SlowStart => "slow-start",
            }
        }
    }

    #[test]
    fn the_error_lists_the_accepted_names_only() {
        let error = "turbo".parse::<Mode>().unwrap_err();
        assert_eq!(error.to_string(), "expected one of: fast, slow-start");
        assert_eq!(error.expected(), ["fast", "slow-start"]);
        assert_eq!(error.clone(), EnumError::new(Mode::VALUES));
        assert!(!format!("{error:?}").contains("turbo"));
        assert_eq!(EnumError::new(&["one"]).to_string(), "expected one of: one");
        assert_eq!(Mode::SlowStart.name(), "slow-start");
    }

    #[test]
    fn probe_finds_the_values_of_config_enums_only() {
        const ENUM: &[&str] = Probe::<Mode>::VALUES;
        const PLAIN: &[&str] = Probe::<u16>::VALUES;
        static IN_A_STATIC: (&[&str], &[&str]) = (Probe::<Mode>::VALUES, Probe::<String>::VALUES);
        assert_eq!(ENUM, ["fast", "slow-start"]);
        assert!(PLAIN.is_empty());
        assert_eq!(IN_A_STATIC.0, Mode::VALUES);
        assert!(IN_A_STATIC.1.is_empty());
    }
}
