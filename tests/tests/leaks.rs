//! Canary tests: no secret value, nor any 6-character piece of one, reaches any output.

mod common;

use std::fmt::{self, Write as _};
use std::str::FromStr;

use common::{AppSecrets, FULL};
use secrets_core::testing::{self, canary, capture_tracing, error_chain};
use secrets_core::zeroize::Zeroize;
use secrets_core::{ExposeSecret, MapSource, Policy, SecretBox, SecretContract, SecretString, Sources};

/// Fails naming the surface if `output` holds a canary or any 6-character window of one.
fn assert_clean(surface: &str, output: &str, canaries: &[String]) {
    for canary in canaries {
        testing::assert_clean(surface, output, canary);
    }
}

/// Every secret of [`AppSecrets`] set to its own canary, the settings to plain values.
fn canary_source() -> (MapSource, Vec<String>) {
    let mut canaries = Vec::new();
    let mut source = MapSource::new();
    for (seed, (name, value)) in (0..).zip(FULL) {
        let secret =
            AppSecrets::spec().vars().iter().any(|var| var.name() == name && var.kind() == secrets_core::Kind::Secret);
        if secret {
            let canary = canary(seed);
            source.insert(name, canary.as_str());
            canaries.push(canary);
        } else {
            source.insert(name, value);
        }
    }
    (source, canaries)
}

#[test]
fn canaries_are_distinct_and_detected() {
    let (source, canaries) = canary_source();
    assert_eq!(canaries.len(), 6);
    let secrets = AppSecrets::load_from(&source).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), canaries[0]);
    let leaked = format!("oops {}", &canaries[3][5..11]);
    let caught = std::panic::catch_unwind(|| assert_clean("probe", &leaked, &canaries));
    assert!(caught.is_err(), "a 6-character fragment must be caught");
}

#[test]
fn a_loaded_contract_shows_no_value_anywhere() {
    let (source, canaries) = canary_source();
    let secrets = AppSecrets::load_from(&source).unwrap();
    assert_clean("Debug of the contract", &format!("{secrets:?} {secrets:#?}"), &canaries);
    let report = AppSecrets::status_from(&source);
    assert_clean("status text", &report.to_string(), &canaries);
    assert_clean("status JSON", &report.to_json(), &canaries);
    assert_clean("status Debug", &format!("{report:?}"), &canaries);
    assert_clean("source Debug", &format!("{source:?}"), &canaries);
}

#[test]
fn failing_loads_show_no_value_in_errors_or_events() {
    let (mut source, canaries) = canary_source();
    // One of each failure beside the canaries: empty, invalid, missing billing under strict.
    source.insert("REDIS_URL", " ");
    source.insert("PORT", "not-a-port");
    let mut outputs = String::new();
    let events = capture_tracing(|| {
        let error = AppSecrets::load_with(&source, Policy::strict()).unwrap_err();
        outputs.push_str(&error_chain(&error));
        outputs.push_str(&error.report().to_json());
        let loaded = AppSecrets::load_with(&source, Policy::strict().hard_fail(false));
        assert!(loaded.is_err(), "REDIS_URL is empty, so the contract cannot be built");
    });
    assert_clean("ContractError", &outputs, &canaries);
    assert_clean("tracing events", &events, &canaries);
}

#[test]
fn warnings_at_load_are_events_without_values() {
    let (mut source, mut canaries) = canary_source();
    source.insert("OPENAI_API_KEY", "");
    canaries.push("hunter2hunter2".to_owned());
    source.insert("ANTHROPIC_API_KEY", "   ");
    let events = capture_tracing(|| {
        AppSecrets::load_from(&source).unwrap();
    });
    assert!(events.contains("WARN") && events.contains("OPENAI_API_KEY (billing secret): set but empty"), "{events}");
    assert_clean("tracing events", &events, &canaries);
}

#[test]
fn accessor_errors_show_no_value() {
    let (mut source, canaries) = canary_source();
    source.insert("SLACK_WEBHOOK_URL", "");
    let secrets = AppSecrets::load_from(&source).unwrap();
    let error = secrets.slack_webhook_url().unwrap_err();
    assert_clean("SecretError", &error_chain(&error), &canaries);
    let panic = std::panic::catch_unwind(|| {
        secrets.slack_webhook_url().expect("the webhook is configured");
    })
    .unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("SLACK_WEBHOOK_URL is not set"), "{message}");
    assert_clean("accessor panic", &message, &canaries);
}

/// A type whose parse error and `Debug` echo the raw input, as careless third-party types do.
struct Echoing(String);

impl FromStr for Echoing {
    type Err = String;
    fn from_str(input: &str) -> Result<Self, String> {
        if input.starts_with("ok-") { Ok(Self(input.to_owned())) } else { Err(format!("`{input}` is not a token")) }
    }
}

impl fmt::Debug for Echoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Echoing({})", self.0)
    }
}

impl Zeroize for Echoing {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

#[derive(SecretContract)]
struct Parsed {
    #[secret(required)]
    signing_token: SecretBox<Echoing>,
    #[secret(optional)]
    backup_token: Option<SecretBox<Echoing>>,
    #[secret(required)]
    api_key: SecretString,
}

#[test]
fn a_parse_failure_never_carries_the_value() {
    let canaries = [canary(100), canary(101), canary(102)];
    let source = MapSource::new()
        .with("SIGNING_TOKEN", canaries[0].as_str())
        .with("BACKUP_TOKEN", canaries[1].as_str())
        .with("API_KEY", canaries[2].as_str());
    let events = capture_tracing(|| {
        let error = Parsed::load_from(&source).unwrap_err();
        let text = error_chain(&error);
        assert!(text.contains("SIGNING_TOKEN (required secret): invalid: not a valid Echoing"), "{text}");
        assert_clean("parse failure", &text, &canaries);
        assert_clean("parse failure JSON", &error.report().to_json(), &canaries);
        let loaded = Parsed::load_with(&source, Policy::startup().hard_fail(false));
        assert!(loaded.is_err());
    });
    assert_clean("tracing events", &events, &canaries);
    let ok =
        MapSource::new().with("SIGNING_TOKEN", format!("ok-{}", canaries[0])).with("API_KEY", canaries[2].as_str());
    let parsed = Parsed::load_from(&ok).unwrap();
    assert_clean("Debug of a parsed contract", &format!("{parsed:?}"), &canaries);
}

#[test]
fn a_malformed_dotenv_never_echoes_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let secret = canary(200);
    let path = dir.path().join(".env");
    std::fs::write(&path, format!("DATABASE_URL=postgres://x\n{secret} no equals sign\n")).unwrap();
    let quoted = dir.path().join("quoted.env");
    std::fs::write(&quoted, format!("DATABASE_URL=\"{secret}\nREDIS_URL=x\n")).unwrap();
    let binary = dir.path().join("binary.env");
    std::fs::write(&binary, [format!("DATABASE_URL={secret}").as_bytes(), b"\xff\n"].concat()).unwrap();
    for file in [&path, &quoted, &binary] {
        let sources = Sources::new().dotenv_file(file);
        let error = AppSecrets::load_from(&sources).unwrap_err();
        let report = AppSecrets::status_from(&sources);
        let all = format!("{}{}{report}{report:?}{sources:?}", error_chain(&error), report.to_json());
        assert_clean("malformed .env", &all, std::slice::from_ref(&secret));
    }
}

#[cfg(unix)]
#[test]
fn secret_files_never_show_their_content() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let canaries = [canary(300), canary(301), canary(302)];
    let write = |name: &str, content: Vec<u8>, mode: u32| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    // World-readable (an error under strict), too large, and not UTF-8: each an error path.
    write("database_url", format!("{} \n", canaries[0]).into_bytes(), 0o644);
    write("redis_url", canaries[1].repeat(60_000).into_bytes(), 0o600);
    write("openai_api_key", [canaries[2].as_bytes(), b"\xff"].concat(), 0o600);
    let sources = Sources::new().secrets_dir(dir.path());
    let mut outputs = String::new();
    let events = capture_tracing(|| {
        let error = AppSecrets::load_with(&sources, Policy::strict()).unwrap_err();
        outputs.push_str(&error_chain(&error));
        let report = AppSecrets::status_from(&sources);
        let _ = write!(outputs, "{report}{}{report:?}{sources:?}", report.to_json());
        assert!(AppSecrets::load_with(&sources, Policy::startup().hard_fail(false)).is_err());
    });
    assert!(
        outputs.contains("insecure: mode 0644")
            && outputs.contains("is larger than")
            && outputs.contains("not valid UTF-8")
    );
    assert_clean("secret files", &outputs, &canaries);
    assert_clean("tracing events", &events, &canaries);
}

#[test]
fn the_shared_contract_passes_assert_no_leaks() {
    testing::assert_no_leaks::<AppSecrets>();
    testing::assert_no_leaks::<Parsed>();
}

/// A contract whose `Debug` prints its value: `assert_no_leaks` must catch it.
struct Careless(SecretString);

impl fmt::Debug for Careless {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expose_secret())
    }
}

impl SecretContract for Careless {
    fn spec() -> &'static secrets_core::ContractSpec {
        #[derive(SecretContract)]
        struct Shape {
            #[secret(required)]
            api_key: SecretString,
        }
        Shape::spec()
    }

    fn __from_values(values: &mut secrets_core::__private::Values) -> Option<Self> {
        values.secret::<SecretString>(0).map(Careless)
    }

    fn __secret_texts(&self) -> Vec<(usize, &str)> {
        vec![(0, self.0.expose_secret())]
    }
}

#[test]
fn assert_no_leaks_names_the_surface_and_the_field() {
    let panic = std::panic::catch_unwind(testing::assert_no_leaks::<Careless>).unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("of API_KEY's value in Debug of the contract"), "{message}");
}

/// A secret type of the user's whose error message echoes its input, upper-cased.
struct Shouting;

impl secrets_core::SecretValue for Shouting {
    fn from_secret(raw: SecretString) -> Result<Self, secrets_core::ParseError> {
        Err(secrets_core::ParseError::new(format!("bad key {}", raw.expose_secret().to_uppercase())))
    }
}

#[derive(SecretContract)]
struct Shouted {
    #[secret(required)]
    license_key: Shouting,
}

#[test]
fn a_secret_types_message_that_echoes_the_value_in_another_case_is_dropped() {
    let value = canary(103);
    let error = Shouted::load_from(&MapSource::new().with("LICENSE_KEY", value.as_str())).unwrap_err();
    let text = error_chain(&error);
    assert!(text.contains("LICENSE_KEY (required secret): invalid: does not parse"), "{text}");
    assert_clean("an echoing message", &text.to_lowercase(), &[value.to_lowercase()]);
}
