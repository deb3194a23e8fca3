//! Leak checks for users' own test suites (feature `testing`).

use std::error::Error;
use std::fmt::Write as _;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use crate::{Kind, MapSource, Policy, Redactor, SecretContract, Source, Sources};

/// Fills every secret of `C` with a distinct canary, drives every failure path a contract can
/// hit, and panics naming the output surface and the field if a canary, or any 6-character
/// piece of one, shows up.
///
/// The paths: everything set (every toggled section turned on); each secret missing, empty, and invalid (a NUL byte) in turn;
/// each setting holding a secret's value (as `.env` expansion does); conflicting sources (a map
/// and a `.env` holding different canaries); a `.env` that does not parse; under
/// `Policy::startup()`, `Policy::strict()` and `.hard_fail(false)`. The surfaces: `Debug` of the
/// contract, `Display` and `Debug` of every error and its `source()` chain, the status report as
/// text, JSON and `Debug`, every `tracing` event, and the contract's
/// [`redactor`](SecretContract::redactor), which must mask every secret in every form it
/// promises ([`assert_redacts`]).
///
/// A secret whose type does not parse any text (`SecretBox<u64>`) cannot hold a canary: give it
/// a valid value with [`assert_no_leaks_with`].
///
/// ```
/// use secrets_core::{SecretContract, SecretString};
///
/// #[derive(SecretContract)]
/// struct AppSecrets {
///     #[secret(required)]
///     database_url: SecretString,
///     #[secret(optional)]
///     sentry_dsn: Option<SecretString>,
/// }
///
/// secrets_core::testing::assert_no_leaks::<AppSecrets>();
/// ```
///
/// # Panics
///
/// When a canary leaks, naming where and whose.
pub fn assert_no_leaks<C: SecretContract>() {
    assert_no_leaks_with::<C>(&[]);
}

/// [`assert_no_leaks`], with the values to use instead of canaries for some secrets: a secret
/// of a parsed type needs a value that parses (`("ADMIN_PIN", "48151623")`). Each value must be
/// distinctive (at least 8 characters, found nowhere else) for the check to mean something.
///
/// ```
/// use secrets_core::{SecretBox, SecretContract, SecretString};
///
/// #[derive(SecretContract)]
/// struct Vaulted {
///     #[secret(required)]
///     api_token: SecretString,
///     #[secret(required)]
///     admin_pin: SecretBox<u64>,
/// }
///
/// secrets_core::testing::assert_no_leaks_with::<Vaulted>(&[("ADMIN_PIN", "48151623")]);
/// ```
///
/// # Panics
///
/// When a value leaks, naming where and whose.
pub fn assert_no_leaks_with<C: SecretContract>(values: &[(&str, &str)]) {
    let spec = C::spec();
    let secrets: Vec<(&'static str, String)> = spec
        .vars()
        .iter()
        .filter(|var| var.kind() == Kind::Secret)
        .enumerate()
        .map(|(index, var)| {
            let given = values.iter().find(|(name, _)| *name == var.name()).map(|(_, value)| (*value).to_owned());
            (var.name(), given.unwrap_or_else(|| canary(index)))
        })
        .collect();
    let settings: Vec<&'static str> =
        spec.vars().iter().filter(|var| var.kind() == Kind::Config).map(crate::VarSpec::name).collect();
    // Every toggled section turned on and every `required_if` in force, so every secret loads.
    let switches: Vec<&'static str> = spec
        .vars()
        .iter()
        .filter_map(|var| match var.section().map(crate::Section::group) {
            Some(crate::Group::EnabledBy(switch)) => Some(switch),
            _ => var.required_if(),
        })
        .collect();
    let full = || -> MapSource {
        let mut source: MapSource = secrets.iter().map(|(name, value)| (*name, value.as_str())).collect();
        for switch in &switches {
            source.insert(*switch, "true");
        }
        source
    };
    let mut outputs = Vec::new();
    let events = capture_tracing(|| {
        outputs.push(("the status report".to_owned(), report_surfaces::<C>(&full())));
        if let Ok(contract) = C::load_from(&full()) {
            outputs.push(("Debug of the contract".to_owned(), format!("{contract:?} {contract:#?}")));
            let redactor = contract.redactor();
            for (name, value) in &secrets {
                assert_redacts(&format!("{name} by the redactor of {}", spec.name()), &redactor, value);
            }
        }
        for (name, _) in &secrets {
            let mut missing = full();
            missing.remove(name);
            let mut empty = full();
            empty.insert(*name, " ");
            let mut invalid = full();
            invalid.insert(*name, format!("{}\0", secrets.iter().find(|(n, _)| n == name).expect("listed").1));
            for (case, source) in [("missing", missing), ("empty", empty), ("invalid", invalid)] {
                outputs.push((format!("{name} {case}"), every_policy::<C>(&source)));
            }
        }
        for (setting, (secret, value)) in settings.iter().zip(secrets.iter().cycle()) {
            let mut holding = full();
            holding.insert(*setting, format!("x {value} y"));
            outputs.push((format!("{setting} holding {secret}"), every_policy::<C>(&holding)));
        }
        if let Some(conflict) = conflicting::<C>(&secrets) {
            outputs.push(("conflicting sources".to_owned(), conflict));
        }
    });
    outputs.push(("tracing events".to_owned(), events));
    for (surface, text) in &outputs {
        for (name, value) in &secrets {
            assert_clean(&format!("{name}'s value in {surface} of {}", spec.name()), text, value);
        }
    }
}

/// Panics, naming `what`, unless `redactor` masks `value` in every form it promises: as it is,
/// trimmed, percent- and form-encoded, JSON- and Rust-escaped, and base64-encoded inside a
/// longer text at any alignment.
///
/// ```
/// use secrets_core::Redactor;
///
/// let redactor = Redactor::new(["p@ss w0rd/with+signs"]);
/// secrets_core::testing::assert_redacts("the password", &redactor, "p@ss w0rd/with+signs");
/// ```
///
/// # Panics
///
/// When a form of `value` is left in the redacted text.
pub fn assert_redacts(what: &str, redactor: &Redactor, value: &str) {
    for form in crate::redaction::encodings(value) {
        let form = String::from_utf8_lossy(&form).into_owned();
        let text = format!("before {form} after");
        let masked = redactor.redact(&text);
        assert!(!masked.contains(&form), "{what}: the form {form:?} is not masked in {masked:?}");
        assert_clean(what, &masked, value);
    }
    for prefix in ["", "a", "ab"] {
        // At an alignment where fewer than 6 characters encode the value alone, it cannot be told.
        let core = crate::redaction::forms::base64_core(&STANDARD_NO_PAD, value.as_bytes(), prefix.len());
        if core.len() < 6 {
            continue;
        }
        let encoded = STANDARD.encode(format!("{prefix}{value} and more"));
        let masked = redactor.redact(&encoded);
        assert!(masked.contains(crate::MASK), "{what}: base64 at offset {} is not masked", prefix.len());
    }
}

/// Panics, naming `what`, if `text` holds `value` or any 6-character piece of it.
///
/// # Panics
///
/// When it does.
pub fn assert_clean(what: &str, text: &str, value: &str) {
    let chars: Vec<char> = value.chars().collect();
    for window in chars.windows(6.min(chars.len())) {
        let piece: String = window.iter().collect();
        assert!(!text.contains(&piece), "a piece ({piece}) of {what} leaks:\n{text}");
    }
}

/// A distinct 24-character value per index, from characters report text does not string together.
pub fn canary(index: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjkmnpqrstvwxzBCDFGHJKMNPQRSTVWXZ23456789";
    let mut state = (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..24)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // The remainder is below the alphabet's length, so the cast cannot truncate.
            #[allow(clippy::cast_possible_truncation)]
            let index = (state % ALPHABET.len() as u64) as usize;
            char::from(ALPHABET[index])
        })
        .collect()
}

/// Loads and validates under each policy, collecting every error and report surface.
fn every_policy<C: SecretContract>(source: &dyn Source) -> String {
    let mut text = report_surfaces::<C>(source);
    for policy in [Policy::startup(), Policy::strict(), Policy::strict().hard_fail(false).check_unknown(true)] {
        match C::load_with(source, policy) {
            Ok(contract) => {
                let _ = write!(text, "{contract:?}");
            }
            Err(error) => text.push_str(&error_chain(&error)),
        }
        match C::validate_from(source, policy) {
            Ok(report) => {
                let _ = write!(text, "{report}{report:?}");
            }
            Err(error) => text.push_str(&error_chain(&error)),
        }
    }
    text
}

fn report_surfaces<C: SecretContract>(source: &dyn Source) -> String {
    let report = C::status_from(source);
    format!("{report}\n{}\n{report:?}", report.to_json())
}

/// The `Display` and `Debug` of an error and of every `source()` below it.
pub fn error_chain(error: &(dyn Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(error);
    while let Some(error) = next {
        let _ = write!(text, "{error}\n{error:?}\n");
        next = error.source();
    }
    text
}

/// A map and a `.env` holding different canaries, and a `.env` that does not parse.
fn conflicting<C: SecretContract>(secrets: &[(&'static str, String)]) -> Option<String> {
    // Unique per call, so tests running in parallel do not share files.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("secrets-core-leaks-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let dotenv = dir.join(".env");
    let (mut reversed, mut lines) = (String::new(), String::new());
    for ((name, _), (_, value)) in secrets.iter().rev().zip(secrets) {
        let _ = writeln!(reversed, "{name}={value}");
        let _ = writeln!(lines, "{value} is not a definition");
    }
    std::fs::write(&dotenv, reversed).ok()?;
    let broken = dir.join("broken.env");
    std::fs::write(&broken, lines).ok()?;
    let map: MapSource = secrets.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let mut text = every_policy::<C>(&Sources::new().with(map).dotenv_file(&dotenv));
    text.push_str(&every_policy::<C>(&Sources::new().dotenv_file(&broken)));
    let _ = std::fs::remove_dir_all(&dir);
    Some(text)
}

/// Runs `f` with a `tracing` subscriber that writes every event to the returned text.
pub fn capture_tracing(f: impl FnOnce()) -> String {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let bytes = buffer.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    String::from_utf8_lossy(&bytes).into_owned()
}
