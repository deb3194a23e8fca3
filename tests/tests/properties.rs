//! Property tests: whatever the values, no output shows them and the report depends only on presence.

use std::fmt::Write as _;
use std::io::Write;

use proptest::prelude::*;
use secrets_core::{ExposeSecret, MapSource, Policy, Problems, SecretContract, SecretString};

#[derive(SecretContract)]
#[contract(prefix = "P_")]
struct Props {
    #[secret(required)]
    api_key: SecretString,
    #[secret(billing, feature = "pay")]
    pay_token: Option<SecretString>,
    #[secret(optional, allow_empty)]
    hook_secret: Option<SecretString>,
    #[config(default = "x")]
    mode: String,
}

const NAMES: [&str; 3] = ["P_API_KEY", "P_PAY_TOKEN", "P_HOOK_SECRET"];

/// Secret-like values: unicode, quotes, newlines, `=`, long; distinctive enough to search for.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{12,40}",
        "[\\PC]{12,40}",
        "[a-z\"'=\\n \\\\]{4,10}[A-Z0-9]{8,12}",
        "[A-Za-z0-9]{1000,2000}",
    ]
}

/// Which secrets are set, and to what.
fn values() -> impl Strategy<Value = [Option<String>; 3]> {
    [proptest::option::of(value()), proptest::option::of(value()), proptest::option::of(value())]
}

fn source(values: &[Option<String>; 3]) -> MapSource {
    NAMES.iter().zip(values).filter_map(|(name, value)| value.as_ref().map(|value| (*name, value.as_str()))).collect()
}

/// Every output a load can produce, under every policy.
fn outputs(source: &MapSource) -> String {
    let report = Props::status_from(source);
    let mut text = format!("{report}{}{report:?}", report.to_json());
    for policy in [Policy::startup(), Policy::strict(), Policy::strict().hard_fail(false)] {
        match Props::load_with(source, policy) {
            Ok(props) => {
                let _ = write!(text, "{props:?}{:?}{:?}", props.pay_token().err(), props.hook_secret().err());
            }
            Err(error) => {
                let _ = write!(text, "{error}{error:?}");
            }
        }
    }
    text
}

/// Whether `text` holds `value` or a 6-character (or longer) piece of it made of more than
/// word characters shared with report text.
fn leaks(text: &str, value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    chars.windows(6.min(chars.len())).any(|window| {
        let piece: String = window.iter().collect();
        // Pieces of only letters, spaces and punctuation can be words of the report itself.
        piece.chars().any(|c| c.is_ascii_digit() || !c.is_ascii()) && text.contains(&piece)
    })
}

/// The reference, naive and plain: every byte that any occurrence of any form of any secret
/// covers (overlapping occurrences included) is masked, each run of masked bytes as one mask.
fn reference(secrets: &[String], text: &str) -> String {
    let patterns: Vec<Vec<u8>> = secrets
        .iter()
        .flat_map(|secret| secrets_core::__private::redacted_forms(secret))
        .filter(|form| form.len() >= 6)
        .collect();
    let bytes = text.as_bytes();
    let mut covered = vec![false; bytes.len()];
    for pattern in &patterns {
        for start in 0..bytes.len().saturating_sub(pattern.len() - 1) {
            if bytes[start..].starts_with(pattern) {
                covered[start..start + pattern.len()].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    let mut out = Vec::new();
    for (index, &byte) in bytes.iter().enumerate() {
        if !covered[index] {
            out.push(byte);
        } else if index == 0 || !covered[index - 1] {
            out.extend_from_slice(secrets_core::MASK.as_bytes());
        }
    }
    String::from_utf8(out).unwrap()
}

/// Each filler followed by the secret it picks.
fn interleaved(secrets: &[String], pieces: &[(String, usize)]) -> String {
    pieces.iter().flat_map(|(filler, pick)| [filler.as_str(), secrets[pick % secrets.len()].as_str()]).collect()
}

/// A section, used once always loaded and once as an all-or-none group.
#[derive(SecretContract)]
#[contract(prefix = "SEC_")]
struct Section {
    #[secret(required)]
    token: SecretString,
    #[secret(optional)]
    extra: Option<SecretString>,
    #[config(default = "d")]
    mode: String,
}

/// Sections, a toggled one, a secret list, and a rule that quotes a secret.
#[derive(SecretContract)]
#[contract(prefix = "PN_", validate = quote_inner)]
struct Nested {
    #[nested(prefix = "IN_")]
    inner: Section,
    #[nested(prefix = "OPT_")]
    group: Option<Section>,
    #[config(default = true)]
    beta_enabled: bool,
    #[nested(enabled_by = "beta_enabled")]
    beta: Option<Section>,
    #[secret(optional)]
    top_key: Option<SecretString>,
}

fn quote_inner(nested: &Nested, problems: &mut Problems) {
    problems.warn("PN_TOP_KEY", format!("inner token is {}", nested.inner().token().expose_secret()));
}

const NESTED_NAMES: [&str; 11] = [
    "PN_IN_TOKEN",
    "PN_IN_EXTRA",
    "PN_IN_MODE",
    "PN_OPT_TOKEN",
    "PN_OPT_EXTRA",
    "PN_OPT_MODE",
    "PN_BETA_ENABLED",
    "PN_BETA_TOKEN",
    "PN_BETA_EXTRA",
    "PN_BETA_MODE",
    "PN_TOP_KEY",
];

/// The secrets of [`Nested`], by index into [`NESTED_NAMES`].
const NESTED_SECRETS: [usize; 7] = [0, 1, 3, 4, 7, 8, 10];

fn nested_source(values: &[Option<String>; 7], beta: Option<bool>) -> MapSource {
    let mut source: MapSource = NESTED_SECRETS
        .iter()
        .zip(values)
        .filter_map(|(index, value)| value.as_ref().map(|value| (NESTED_NAMES[*index], value.as_str())))
        .collect();
    if let Some(beta) = beta {
        source.insert("PN_BETA_ENABLED", beta.to_string());
    }
    source
}

/// Every output a load of [`Nested`] can produce, under every policy.
fn nested_outputs(source: &MapSource) -> String {
    let report = Nested::status_from(source);
    let mut text = format!("{report}{}{report:?}", report.to_json());
    for policy in [Policy::startup(), Policy::strict(), Policy::strict().hard_fail(false)] {
        match Nested::load_with(source, policy) {
            Ok(nested) => {
                let _ = write!(text, "{nested:?}{nested:#?}{:?}{:?}", nested.group().err(), nested.top_key().err());
                let _ = write!(text, "{:?}", nested.inner().extra().err());
            }
            Err(error) => {
                let _ = write!(text, "{error}{error:?}{}", error.report().to_json());
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_output_of_a_nested_contract_shows_a_value(
        values in proptest::array::uniform7(proptest::option::of(value())),
        beta in proptest::option::of(proptest::bool::ANY),
    ) {
        let source = nested_source(&values, beta);
        let text = nested_outputs(&source);
        for value in values.iter().flatten() {
            prop_assert!(!leaks(&text, value), "a value shows in:\n{}", text);
        }
        if let Ok(nested) = Nested::load_from(&source) {
            let redactor = nested.redactor();
            for (index, value) in NESTED_SECRETS.iter().zip(&values) {
                let Some(value) = value else { continue };
                let loaded = match *index {
                    0 | 1 | 10 => true,
                    3 | 4 => nested.has_group(),
                    _ => nested.has_beta(),
                };
                if loaded && value.trim().chars().count() >= 6 {
                    let masked = redactor.redact(value);
                    prop_assert!(!leaks(&masked, value.trim()), "{} in {}", value, masked);
                }
            }
        }
    }

    #[test]
    fn names_compose_and_the_report_lists_them_in_order(
        values in proptest::array::uniform7(proptest::option::of(value())),
        beta in proptest::option::of(proptest::bool::ANY),
    ) {
        prop_assert_eq!(Nested::spec().names(), NESTED_NAMES);
        for var in Nested::spec().vars() {
            if let Some(section) = var.section() {
                let own = var.name().strip_prefix(section.prefix()).expect("a section's names carry its prefix");
                prop_assert!(Section::spec().names().contains(&format!("SEC_{own}").as_str()), "{}", var.name());
            }
        }
        let report = Nested::status_from(&nested_source(&values, beta));
        let names: Vec<&str> = report.entries().iter().map(|entry| entry.spec().name()).collect();
        prop_assert_eq!(names, NESTED_NAMES);
        // Whether the sections load follows presence alone.
        let set = |index: usize| values[index].as_ref().is_some_and(|value| !value.trim().is_empty());
        let group_complete = set(2);
        let group_broken = set(3) && !group_complete;
        let beta_on = beta != Some(false);
        let beta_broken = beta_on && !set(4);
        let source = nested_source(&values, beta);
        match Nested::load_with(&source, Policy::startup().hard_fail(false)) {
            Ok(nested) => {
                prop_assert!(set(0));
                prop_assert_eq!(nested.has_group(), group_complete);
                prop_assert_eq!(nested.has_beta(), beta_on && !beta_broken);
            }
            Err(_) => prop_assert!(!set(0)),
        }
        prop_assert_eq!(Nested::load_from(&source).is_ok(), set(0) && !group_broken && !beta_broken);
    }

    #[test]
    fn many_secrets_redact_exactly_like_the_naive_reference(
        secrets in proptest::collection::vec("[A-Za-z0-9]{8,30}", 30..60),
        pieces in proptest::collection::vec(("[ -~]{0,40}", 0usize..60), 1..20),
    ) {
        // Hundreds of patterns, sampled in bands: they must mask exactly what the reference masks.
        let text = interleaved(&secrets, &pieces);
        let redactor = secrets_core::Redactor::new(secrets.iter().map(String::as_str));
        prop_assert_eq!(redactor.redact(&text).into_owned(), reference(&secrets, &text));
    }

    #[test]
    fn overlapping_secrets_redact_like_the_naive_reference(
        secrets in proptest::collection::vec("[abc]{6,12}", 1..50),
        pieces in proptest::collection::vec(("[abc ]{0,8}", 0usize..50), 1..12),
    ) {
        // A three-letter alphabet makes secrets overlap and nest in the text; their patterns,
        // from six bytes up, fall in both bands of the sampled scan.
        let text = interleaved(&secrets, &pieces);
        let redactor = secrets_core::Redactor::new(secrets.iter().map(String::as_str));
        prop_assert_eq!(redactor.redact(&text).into_owned(), reference(&secrets, &text));
    }

    #[test]
    fn no_output_shows_a_value(values in values()) {
        let text = outputs(&source(&values));
        for value in values.iter().flatten() {
            prop_assert!(!leaks(&text, value), "a value shows in:\n{}", text);
        }
    }

    #[test]
    fn the_report_depends_only_on_presence(values in values(), others in values()) {
        let same_presence: [Option<String>; 3] =
            std::array::from_fn(|i| values[i].as_ref().map(|_| others[i].clone().unwrap_or_else(|| "Zz9Yy8Xx7Ww6".into())));
        let a = Props::status_from(&source(&values));
        let b = Props::status_from(&source(&same_presence));
        prop_assert_eq!(a.to_string(), b.to_string());
        prop_assert_eq!(a.to_json(), b.to_json());
    }

    #[test]
    fn has_probes_agree_with_the_load(values in values()) {
        if let Ok(props) = Props::load_with(&source(&values), Policy::startup().hard_fail(false)) {
            prop_assert!(props.has_api_key());
            prop_assert_eq!(props.has_pay_token(), values[1].is_some());
            prop_assert_eq!(props.has_pay(), values[1].is_some());
            prop_assert_eq!(props.has_hook_secret(), values[2].is_some());
        } else {
            prop_assert!(values[0].is_none());
        }
    }

    #[test]
    fn redaction_never_lets_a_secret_through(
        secrets in proptest::collection::vec("[A-Za-z0-9+/=_-]{8,40}", 1..6),
        filler in "[ -~\\n]{0,200}",
        positions in proptest::collection::vec(0usize..200, 1..6),
        split in 0usize..400,
    ) {
        let redactor = secrets_core::Redactor::new(secrets.iter().map(String::as_str));
        let mut text = filler.clone();
        for (secret, position) in secrets.iter().zip(&positions) {
            let at = text.char_indices().map(|(i, _)| i).chain([text.len()]).nth(position % (text.chars().count() + 1)).unwrap();
            text.insert_str(at, secret);
        }
        let masked = redactor.redact(&text).into_owned();
        let mut writer = redactor.writer(Vec::new());
        let split = split.min(text.len());
        writer.write_all(&text.as_bytes()[..split]).unwrap();
        writer.write_all(&text.as_bytes()[split..]).unwrap();
        writer.flush().unwrap();
        let streamed = String::from_utf8_lossy(writer.get_ref()).into_owned();
        for secret in &secrets {
            prop_assert!(!masked.contains(secret.as_str()), "{} in {}", secret, masked);
            prop_assert!(!streamed.contains(secret.as_str()), "{} in {}", secret, streamed);
        }
    }

    #[test]
    fn a_urls_hidden_parts_never_show(
        scheme in prop_oneof![
            Just("postgres"), Just("https"), Just("redis"), Just("mongodb+srv"), Just("amqp"), Just("jdbc:postgresql")
        ],
        user in prop_oneof![Just(String::new()), "[a-z_]{1,8}", "ghp_[A-Za-z0-9]{36}"],
        around in (r"[A-Za-z0-9@:/?#%+ !$&'()*,;=~.\\\[\]-]{0,6}", r"[A-Za-z0-9@:/?#%+ !$&'()*,;=~.\\\[\]-]{0,6}"),
        core in "[A-Z0-9]{10}",
        host in prop_oneof![Just("db"), Just("db.internal"), Just("[::1]"), Just("10.0.0.1"), Just("db;user=sa")],
        port in proptest::option::of(1u16..),
        path in prop_oneof![Just(String::new()), Just("/app".to_owned()), "/services/[a-z]{4}"],
        query in proptest::option::of("[a-z]{3}=[a-z]{8}"),
    ) {
        // The password holds the core, the characters around it are those that end or confuse
        // URL parts (`@`, `/`, `?`, `#`, `%`, `\`); the user is a name or a token.
        let password = format!("{}Zq{core}{}", around.0, around.1);
        let port = port.map(|port| format!(":{port}")).unwrap_or_default();
        let query = query.map(|query| format!("?{query}")).unwrap_or_default();
        let raw = format!("{scheme}://{user}:{password}@{host}{port}{path}{query}");
        let Ok(url) = <secrets_core::SecretUrl as secrets_core::SecretValue>::from_secret(SecretString::from(raw.as_str())) else {
            return Ok(());
        };
        let shown = format!("{url:?} {} {}", url.masked(true), url.masked(false));
        prop_assert!(!shown.contains(&core), "{raw}: {shown}");
        if user.starts_with("ghp_") {
            prop_assert!(!shown.contains(&user), "a token user of {raw}: {shown}");
        }
        if let Some(token) = path.strip_prefix("/services/") {
            prop_assert!(!shown.contains(token), "a webhook path of {raw}: {shown}");
        }
        // The redactor of a contract that loaded it masks the password as written and encoded.
        let mut texts: Vec<&str> = vec![raw.as_str()];
        let parts = secrets_core::SecretValue::secret_parts(&url);
        texts.extend(parts);
        let redactor = secrets_core::Redactor::new(texts);
        let encoded: String = password.bytes().map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect();
        let line = format!("connect {raw} as {user}:{password} / {encoded} / {password}");
        let masked = redactor.redact(&line);
        prop_assert!(!masked.contains(&core), "{raw}: {masked}");
    }
}
