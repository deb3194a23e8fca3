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

    fn __env_texts(&self) -> Vec<(usize, secrets_core::__private::EnvTextOf)> {
        vec![(0, Ok(self.0.expose_secret().to_owned().into()))]
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

// ---------------------------------------------------------------------------------------------
// Sections, groups, secret lists and binary secrets (DESIGN sections 7 and 8).

mod composed {
    use secrets_core::{ExposeSecret, Problems, SecretBox, SecretContract, SecretString};

    #[derive(SecretContract)]
    pub(crate) struct VaultCreds {
        #[secret(required)]
        pub(crate) token: SecretString,
        #[secret(optional)]
        pub(crate) unseal_key: Option<SecretString>,
        #[config(default = "https://vault.internal")]
        pub(crate) addr: String,
    }

    #[derive(SecretContract)]
    pub(crate) struct Hooks {
        #[config]
        pub(crate) url: String,
        #[secret(required)]
        pub(crate) signing_secret: SecretString,
    }

    #[derive(SecretContract)]
    pub(crate) struct Smtp {
        #[config]
        pub(crate) host: String,
        #[secret(required)]
        pub(crate) password: SecretString,
    }

    /// Sections of every kind, a secret list and binary secrets; the toggle is on by default.
    #[derive(SecretContract)]
    #[contract(prefix = "L_")]
    pub(crate) struct Layered {
        #[nested(prefix = "VAULT_")]
        pub(crate) vault: VaultCreds,
        #[config(default = true)]
        pub(crate) hooks_enabled: bool,
        #[nested(enabled_by = "hooks_enabled")]
        pub(crate) hooks: Option<Hooks>,
        #[nested]
        pub(crate) smtp: Option<Smtp>,
        #[secret(required)]
        pub(crate) api_keys: Vec<SecretString>,
        #[secret(optional)]
        pub(crate) master_key: Option<SecretBox<[u8; 32]>>,
        #[secret(optional)]
        pub(crate) blob: Option<SecretBox<Vec<u8>>>,
        #[config(default = "plain")]
        pub(crate) label: String,
    }

    /// Like [`Layered`], with its toggle off by default, as most toggles are.
    #[derive(SecretContract)]
    #[contract(prefix = "OFF_")]
    pub(crate) struct Toggled {
        #[config(default = false)]
        pub(crate) hooks_enabled: bool,
        #[nested(enabled_by = "hooks_enabled")]
        pub(crate) hooks: Option<Hooks>,
        #[config(default = false)]
        pub(crate) push_enabled: bool,
        #[secret(required_if = "push_enabled")]
        pub(crate) push_key: Option<SecretString>,
    }

    /// A section whose own rule quotes its secret.
    #[derive(SecretContract)]
    #[contract(validate = quote_token)]
    pub(crate) struct Quoting {
        #[secret(required)]
        pub(crate) token: SecretString,
    }

    fn quote_token(quoting: &Quoting, problems: &mut Problems) {
        problems.add("TOKEN", format!("the token {} is revoked", quoting.token().expose_secret()));
    }

    #[derive(SecretContract)]
    #[contract(prefix = "Q_")]
    pub(crate) struct Outer {
        #[nested(prefix = "IN_")]
        pub(crate) quoting: Quoting,
        #[secret(required)]
        pub(crate) other: SecretString,
    }

    /// A section with a binary secret and a setting that holds its text.
    #[derive(SecretContract)]
    pub(crate) struct SealedInner {
        #[secret(required)]
        pub(crate) key: SecretBox<Vec<u8>>,
        #[config(default = "none")]
        pub(crate) note: String,
    }

    #[derive(SecretContract)]
    #[contract(prefix = "SEAL_")]
    pub(crate) struct Sealed {
        #[nested(prefix = "IN_")]
        pub(crate) inner: SealedInner,
    }

    /// A secret list beside settings.
    #[derive(SecretContract)]
    #[contract(prefix = "LS_", validate = quote_second)]
    pub(crate) struct Listed {
        #[secret(required)]
        pub(crate) api_keys: Vec<SecretString>,
        #[config(default = 8080)]
        pub(crate) port: u16,
        #[config(default = "none")]
        pub(crate) label: String,
    }

    fn quote_second(listed: &Listed, problems: &mut Problems) {
        if let Some(second) = listed.api_keys().get(1) {
            problems.warn("LS_API_KEYS", format!("key {} expires soon", second.expose_secret()));
        }
    }
}

use composed::{Layered, Listed, Outer, Sealed, Toggled};

/// A valid base64 value for a 32-byte binary secret, distinctive enough to search for.
fn master_key_text() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = std::array::from_fn(|i| u8::try_from(i * 7 + 3).unwrap());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn sections_lists_and_binary_secrets_pass_assert_no_leaks() {
    testing::assert_no_leaks_with::<Layered>(&[("L_MASTER_KEY", &master_key_text())]);
}

#[test]
fn a_contract_whose_toggles_are_off_by_default_passes_assert_no_leaks() {
    testing::assert_no_leaks::<Toggled>();
}

#[test]
fn a_binary_secret_in_a_section_held_by_a_setting_passes_assert_no_leaks() {
    testing::assert_no_leaks::<Sealed>();
}

/// Every secret of [`Layered`] set to its own canary (the 32-byte key to a valid value).
fn layered_source() -> (MapSource, Vec<String>) {
    let items = [canary(400), canary(401), canary(402)];
    let canaries = vec![
        canary(410),
        canary(411),
        canary(412),
        canary(413),
        items[0].clone(),
        items[1].clone(),
        items[2].clone(),
        canary(414),
        master_key_text(),
    ];
    let source = MapSource::new()
        .with("L_VAULT_TOKEN", canaries[0].as_str())
        .with("L_VAULT_UNSEAL_KEY", canaries[1].as_str())
        .with("L_HOOKS_URL", "https://hooks.example")
        .with("L_HOOKS_SIGNING_SECRET", canaries[2].as_str())
        .with("L_SMTP_HOST", "smtp.example")
        .with("L_SMTP_PASSWORD", canaries[3].as_str())
        .with("L_API_KEYS", items.join(" , "))
        .with("L_BLOB", canaries[7].as_str())
        .with("L_MASTER_KEY", canaries[8].as_str());
    (source, canaries)
}

#[test]
fn nested_grouped_listed_and_binary_secrets_show_nowhere() {
    let (source, canaries) = layered_source();
    let layered = Layered::load_from(&source).unwrap();
    assert!(layered.has_hooks() && layered.has_smtp() && layered.has_master_key() && layered.has_blob());
    assert_eq!(layered.api_keys().len(), 3);
    assert_clean("Debug of the contract", &format!("{layered:?} {layered:#?}"), &canaries);
    assert_clean("Debug of a section", &format!("{:?}{:?}", layered.vault(), layered.hooks()), &canaries);
    let report = Layered::status_from(&source);
    assert_clean("status text", &report.to_string(), &canaries);
    assert_clean("status JSON", &report.to_json(), &canaries);
    assert_clean("status Debug", &format!("{report:?}"), &canaries);
}

#[test]
fn failing_composed_loads_show_no_value_in_errors_or_events() {
    let mut outputs = String::new();
    let events = capture_tracing(|| {
        for (name, bad) in [
            ("L_VAULT_TOKEN", " "),
            ("L_SMTP_HOST", ""),
            ("L_HOOKS_URL", ""),
            ("L_HOOKS_ENABLED", "perhaps"),
            ("L_MASTER_KEY", "hex:00"),
            ("L_BLOB", "not base64 !!"),
            ("L_API_KEYS", " , "),
        ] {
            let (mut source, _) = layered_source();
            source.insert(name, bad);
            for policy in [Policy::startup(), Policy::strict(), Policy::strict().hard_fail(false)] {
                match Layered::load_with(&source, policy) {
                    Ok(layered) => {
                        let _ = write!(outputs, "{layered:?}");
                    }
                    Err(error) => {
                        outputs.push_str(&error_chain(&error));
                        outputs.push_str(&error.report().to_json());
                    }
                }
            }
            let report = Layered::status_from(&source);
            let _ = write!(outputs, "{report}{}{report:?}", report.to_json());
            assert!(!report.is_ok(), "{name}={bad:?} is an error");
        }
        // A disabled group whose secrets are set: a warning at load.
        let (mut source, _) = layered_source();
        source.insert("L_HOOKS_ENABLED", "false");
        let layered = Layered::load_with(&source, Policy::strict()).unwrap();
        let _ = write!(outputs, "{layered:?}");
    });
    let (_, canaries) = layered_source();
    assert!(events.contains("L_HOOKS_SIGNING_SECRET"), "{events}");
    assert_clean("ContractError", &outputs, &canaries);
    assert_clean("tracing events", &events, &canaries);
}

#[test]
fn the_redactor_masks_every_nested_and_binary_secret() {
    let (source, canaries) = layered_source();
    let layered = Layered::load_from(&source).unwrap();
    let redactor = layered.redactor();
    // The items of the list one by one are checked below; here the list's whole text.
    let whole = canaries[4..7].join(" , ");
    let singles = canaries.iter().enumerate().filter(|(index, _)| !(4..7).contains(index));
    for (index, value) in singles.chain([(4, &whole)]) {
        testing::assert_redacts(&format!("secret {index}"), &redactor, value);
    }
}

#[test]
fn the_redactor_masks_each_item_of_a_secret_list() {
    let (source, canaries) = layered_source();
    let layered = Layered::load_from(&source).unwrap();
    let redactor = layered.redactor();
    for item in &canaries[4..7] {
        let text = format!("Authorization: Bearer {item}");
        assert_eq!(redactor.redact(&text), "Authorization: Bearer [REDACTED]", "an item of L_API_KEYS");
    }
}

#[test]
fn a_setting_that_holds_one_item_of_a_secret_list_is_masked() {
    let items = [canary(420), canary(421), canary(422)];
    let source = MapSource::new().with("LS_API_KEYS", items.join(",")).with("LS_PORT", items[1].as_str());
    let error = Listed::load_from(&source).unwrap_err();
    let text = error_chain(&error);
    assert!(text.contains("LS_PORT (optional config): invalid value \"[REDACTED]\""), "{text}");
    assert_clean("an invalid setting", &text, &items);
    let report = Listed::status_from(&source);
    assert_clean("status", &format!("{report}{}", report.to_json()), &items);
}

#[test]
fn a_rule_quoting_one_item_of_a_secret_list_is_masked() {
    let items = [canary(430), canary(431)];
    let source = MapSource::new().with("LS_API_KEYS", items.join(","));
    let events = capture_tracing(|| {
        Listed::load_from(&source).unwrap();
    });
    let report = Listed::status_from(&source);
    assert!(report.to_string().contains("LS_API_KEYS: key [REDACTED] expires soon (contract rule)"), "{report}");
    assert_clean("rule in the report", &format!("{report}{}", report.to_json()), &items);
    assert_clean("tracing events", &events, &items);
}

#[test]
fn debug_masks_a_setting_that_holds_one_item_of_a_secret_list() {
    let items = [canary(440), canary(441)];
    let source = MapSource::new().with("LS_API_KEYS", items.join(",")).with("LS_LABEL", format!("see {}", items[1]));
    let listed = Listed::load_from(&source).unwrap();
    assert_clean("Debug", &format!("{listed:?}"), &items);
}

#[test]
fn a_sections_rule_quoting_its_secret_is_masked_when_the_outer_contract_fails() {
    let value = canary(450);
    // The section builds (and its rule runs) but the outer contract cannot: Q_OTHER is missing.
    let source = MapSource::new().with("Q_IN_TOKEN", value.as_str());
    let mut outputs = String::new();
    let events = capture_tracing(|| {
        let error = Outer::load_from(&source).unwrap_err();
        outputs.push_str(&error_chain(&error));
        outputs.push_str(&error.report().to_json());
        let report = Outer::status_from(&source);
        let _ = write!(outputs, "{report}{}", report.to_json());
    });
    assert!(outputs.contains("Q_IN_TOKEN: the token [REDACTED] is revoked (contract rule)"), "{outputs}");
    assert_clean("a section's rule", &outputs, std::slice::from_ref(&value));
    assert_clean("tracing events", &events, std::slice::from_ref(&value));
    // When the whole contract builds, the same rule is masked.
    let error = Outer::load_from(&source.with("Q_OTHER", canary(451).as_str())).unwrap_err();
    assert_clean("a section's rule", &error_chain(&error), std::slice::from_ref(&value));
}

#[test]
fn debug_masks_a_setting_holding_a_binary_secret_of_its_section() {
    let value = canary(460);
    let source = MapSource::new().with("SEAL_IN_KEY", value.as_str()).with("SEAL_IN_NOTE", format!("key={value}"));
    let sealed = Sealed::load_from(&source).unwrap();
    assert_clean("Debug of the contract", &format!("{sealed:?}"), std::slice::from_ref(&value));
    testing::assert_redacts("the section's key", &sealed.redactor(), &value);
}
