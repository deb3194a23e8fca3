//! Keeping loaded secrets out of the program's own output: the redactor, its writer, `tracing`.

use std::io::Write;

use base64::Engine;
use std::sync::{Arc, Mutex};

use secrets_core::{Concern, Level, MapSource, RedactingMakeWriter, SecretContract, SecretString};

#[derive(SecretContract)]
struct Keys {
    #[secret(required)]
    stripe_key: SecretString,
    #[secret(optional)]
    webhook_secret: Option<SecretString>,
    #[secret(optional)]
    unused_token: Option<SecretString>,
    #[config(default = "eu-west-1")]
    region: String,
}

const STRIPE: &str = "sk_live_Qw8Zr2Lp5Mx9Tb3Vn";
const WEBHOOK: &str = "whsec_Hj4Kd7Fs1Gq6Yc0P";

fn loaded() -> Keys {
    Keys::load_from(&MapSource::new().with("STRIPE_KEY", STRIPE).with("WEBHOOK_SECRET", WEBHOOK)).unwrap()
}

#[test]
fn the_redactor_masks_every_loaded_secret_and_its_encodings() {
    let redactor = loaded().redactor();
    let line = format!("charge key={STRIPE} hook={WEBHOOK} region=eu-west-1");
    assert_eq!(redactor.redact(&line), "charge key=[REDACTED] hook=[REDACTED] region=eu-west-1");
    let json = serde_json::json!({ "key": STRIPE }).to_string();
    assert_eq!(redactor.redact(&json), r#"{"key":"[REDACTED]"}"#);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("user:{STRIPE}"));
    assert!(!redactor.redact(&basic).contains(&basic[8..20]), "base64 of user:secret is masked");
}

#[test]
fn the_writer_masks_across_writes() {
    let redactor = loaded().redactor();
    let mut writer = redactor.writer(Vec::new());
    let text = format!("a {STRIPE} b");
    for byte in text.as_bytes() {
        writer.write_all(&[*byte]).unwrap();
    }
    writer.flush().unwrap();
    assert_eq!(writer.get_ref().as_slice(), b"a [REDACTED] b");
}

/// A writer into a shared buffer, for `tracing`.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_service_masks_its_logs_with_one_line() {
    let secrets = loaded();
    let buffer = Buffer::default();
    let sink = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(RedactingMakeWriter::new(secrets.redactor(), move || sink.clone()))
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(key = STRIPE, "calling the API with {WEBHOOK}");
        tracing::warn!("retrying");
    });
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("calling the API with [REDACTED] key=\"[REDACTED]\""), "{logs}");
    assert!(logs.contains("retrying"));
    assert!(!logs.contains("Qw8Zr2") && !logs.contains("Hj4Kd7"));
}

#[test]
fn secrets_too_short_to_mask_are_warned_about() {
    let source = MapSource::new().with("STRIPE_KEY", "abc123").with("WEBHOOK_SECRET", WEBHOOK);
    let report = Keys::status_from(&source);
    let entry = report.entry("STRIPE_KEY").unwrap();
    assert_eq!(entry.concerns(), [Concern::TooShort]);
    assert_eq!(entry.level(), Level::Warning);
    assert!(
        report.to_string().contains("⚠️ STRIPE_KEY: configured (REQ) from map (shorter than 8 characters"),
        "{report}"
    );
    assert!(Keys::load_from(&source).is_ok(), "a warning does not stop the program");
}

#[derive(SecretContract)]
struct Db {
    /// Postgres connection string
    #[secret(required)]
    database_url: secrets_core::SecretUrl,
    #[secret(optional)]
    replica_url: Option<secrets_core::SecretUrl>,
}

#[test]
fn a_secret_url_shows_its_parts_but_never_its_password() {
    use secrets_core::ExposeSecret;
    let source = MapSource::new().with("DATABASE_URL", "postgres://app:Pw9Kx2Lm7Qz4@db.internal:6432/orders");
    let db = Db::load_from(&source).unwrap();
    let url = db.database_url();
    assert_eq!(
        (url.scheme(), url.host(), url.port(), url.database()),
        (Some("postgres"), Some("db.internal"), Some(6432), Some("orders"))
    );
    assert_eq!(format!("{url:?}"), "SecretUrl(postgres://[REDACTED]@db.internal:6432/orders)");
    assert_eq!(url.masked(true), "postgres://app:[REDACTED]@db.internal:6432/orders");
    assert!(url.expose_secret().contains("Pw9Kx2Lm7Qz4"));
    assert!(!format!("{db:?}").contains("Pw9Kx2"));
    assert_eq!(db.redactor().redact(&format!("connecting to {}", url.expose_secret())), "connecting to [REDACTED]");
    secrets_core::testing::assert_no_leaks::<Db>();
}

#[test]
fn an_invalid_url_error_is_value_free() {
    let source = MapSource::new().with("DATABASE_URL", "Pw9Kx2Lm7Qz4 not a url");
    let error = Db::load_from(&source).unwrap_err().to_string();
    assert!(
        error.contains(
            "DATABASE_URL (required secret): invalid: not a URL: it does not start with a scheme such as `postgres:`"
        ),
        "{error}"
    );
    assert!(!error.contains("Pw9Kx2"));
}

#[test]
fn a_setting_that_holds_a_secret_is_warned_about_by_name() {
    let source = MapSource::new()
        .with("STRIPE_KEY", STRIPE)
        .with("WEBHOOK_SECRET", WEBHOOK)
        .with("REGION", format!("eu-west-1?key={STRIPE}"));
    let report = Keys::status_from(&source);
    let entry = report.entry("REGION").unwrap();
    assert_eq!(entry.concerns(), [Concern::HoldsSecret { secret: "STRIPE_KEY" }]);
    assert_eq!(entry.level(), Level::Warning);
    let text = report.to_string();
    assert!(text.contains("⚠️ REGION: configured (CONFIG) from map (holds the value of secret STRIPE_KEY)"), "{text}");
    assert!(!text.contains("Qw8Zr2") && !report.to_json().contains("Qw8Zr2"));
    assert!(Keys::load_from(&source).is_ok());
}

/// A contract whose settings can hold a secret's value, and whose secrets keep no text.
#[derive(SecretContract)]
struct Mixed {
    #[secret(required)]
    api_token: SecretString,
    #[secret(required)]
    signing_key: secrets_core::SecretBox<u64>,
    #[secret(optional)]
    backup_pin: Option<secrets_core::SecretBox<u64>>,
    #[config]
    callback_url: String,
    #[config]
    banner: Option<String>,
}

const TOKEN: &str = "tok_Zx8Qw2Rt6Yp4Lm9K";

#[test]
fn debug_masks_a_secret_inside_any_setting() {
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join(".env");
    // `.env` expansion puts a secret inside a setting.
    std::fs::write(
        &dotenv,
        format!(
            "API_TOKEN={TOKEN}\nSIGNING_KEY=840219375512\nCALLBACK_URL=\"https://hooks.example/cb?t=${{API_TOKEN}}\"\nBANNER=\"key ${{SIGNING_KEY}} and ${{API_TOKEN}}\"\n"
        ),
    )
    .unwrap();
    let mixed = Mixed::load_from(&secrets_core::Sources::new().dotenv_file(&dotenv)).unwrap();
    assert_eq!(mixed.callback_url(), &format!("https://hooks.example/cb?t={TOKEN}"));
    for debug in [format!("{mixed:?}"), format!("{mixed:#?}")] {
        assert!(!debug.contains(TOKEN) && !debug.contains("840219375512"), "{debug}");
        assert!(
            debug.contains("https://hooks.example/cb?t=[REDACTED]") && debug.contains("key [REDACTED] and [REDACTED]"),
            "{debug}"
        );
    }
    secrets_core::testing::assert_no_leaks_with::<Mixed>(&[
        ("SIGNING_KEY", "840219375512"),
        ("BACKUP_PIN", "771930264418"),
    ]);
}

#[test]
fn the_redactor_masks_secrets_whose_type_keeps_no_text() {
    let source = MapSource::new()
        .with("API_TOKEN", TOKEN)
        .with("SIGNING_KEY", "593017264831")
        .with("BACKUP_PIN", "660012937745")
        .with("CALLBACK_URL", "https://hooks.example/cb");
    let mixed = Mixed::load_from(&source).unwrap();
    let redactor = mixed.redactor();
    let line = "signing with 593017264831, backup 660012937745, token tok_Zx8Qw2Rt6Yp4Lm9K";
    assert_eq!(redactor.redact(line), "signing with [REDACTED], backup [REDACTED], token [REDACTED]");
    secrets_core::testing::assert_redacts("a SecretBox<u64>", &redactor, "593017264831");
}

#[test]
fn the_redactor_masks_the_forms_logs_and_libraries_write() {
    let secret = "p@ss w0rd/é+\"\\\u{200b}\n";
    let redactor = secrets_core::Redactor::new([secret]);
    let written = [
        // As loaded with a trailing newline, printed trimmed.
        "p@ss w0rd/é+\"\\\u{200b}".to_owned(),
        // Form encoding, every non-alphanumeric byte encoded, lower-case hex.
        "p%40ss+w0rd%2F%C3%A9%2B%22%5C%E2%80%8B%0A".to_owned(),
        "p%40ss%20w0rd%2F%C3%A9%2B%22%5C%E2%80%8B%0A".to_owned(),
        "p%40ss%20w0rd%2f%c3%a9%2b%22%5c%e2%80%8b%0a".to_owned(),
        // JSON, with and without escaped non-ASCII characters.
        serde_json::to_string(secret).unwrap().trim_matches('"').to_owned(),
        "p@ss w0rd/\\u00e9+\\\"\\\\\\u200b\\n".to_owned(),
        // Rust's `{:?}`, as `tracing` prints a `&str` field.
        format!("{secret:?}").trim_matches('"').to_owned(),
    ];
    for form in written {
        let masked = redactor.redact(&format!("login failed for {form} today")).into_owned();
        assert_eq!(masked, "login failed for [REDACTED] today", "{form:?}");
    }
    // Through `tracing` itself: a `&str` field is printed with `{:?}`.
    let output = Buffer::default();
    let sink = output.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(RedactingMakeWriter::new(redactor, move || sink.clone()))
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || tracing::info!(password = secret, "login"));
    let logged = String::from_utf8(output.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("password=\"[REDACTED]\"") && !logged.contains("w0rd"), "{logged}");
}

#[test]
fn overlapping_secrets_leave_no_piece_of_either() {
    // One secret's end is the other's start, as in two tokens of one family.
    let first = "Ab3dE5gH7jK9mN1p";
    let second = "mN1pQ3sT5vW7yZ9b";
    let redactor = secrets_core::Redactor::new([first, second]);
    let text = "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9b";
    let masked = redactor.redact(text);
    assert_eq!(masked, "[REDACTED]");
    let mut out = Vec::new();
    let mut writer = redactor.writer(&mut out);
    for byte in text.as_bytes() {
        writer.write_all(std::slice::from_ref(byte)).unwrap();
        writer.flush().unwrap();
    }
    drop(writer);
    assert_eq!(String::from_utf8_lossy(&out), "[REDACTED]");
}

#[derive(SecretContract)]
struct Urls {
    #[secret(required)]
    database_url: secrets_core::SecretUrl,
    #[secret(optional)]
    github_url: Option<secrets_core::SecretUrl>,
}

#[test]
fn a_url_secret_is_masked_in_every_form_and_part() {
    let source = MapSource::new()
        .with("DATABASE_URL", "postgres://app:p@ss w0rd!@db.internal:5432/orders")
        .with("GITHUB_URL", "https://ghp_Tk4Lm8Qz2Wx6Rb0Y@github.com/org/repo.git");
    let urls = Urls::load_from(&source).unwrap();
    let redactor = urls.redactor();
    for leak in [
        "p@ss w0rd!",
        "p%40ss%20w0rd!",
        "postgres://app:p%40ss%20w0rd!@db.internal:5432/orders",
        "ghp_Tk4Lm8Qz2Wx6Rb0Y",
        "https://ghp_Tk4Lm8Qz2Wx6Rb0Y@github.com/org/repo.git",
    ] {
        assert_eq!(redactor.redact(&format!("[{leak}]")), "[[REDACTED]]", "{leak}");
    }
    let debug = format!("{urls:?}");
    for piece in ["w0rd", "ghp_Tk", "org/repo"] {
        assert!(!debug.contains(piece), "{debug}");
    }
    secrets_core::testing::assert_no_leaks::<Urls>();
}

#[test]
fn a_redactor_for_thousands_of_values_builds() {
    // Building was quadratic in the number of values; 20,000 took minutes.
    let values: Vec<String> = (0..20_000).map(|i| format!("value-{i:05}-Qz8Lm")).collect();
    let redactor = secrets_core::Redactor::new(values.iter().map(String::as_str));
    assert_eq!(redactor.redact("x value-12345-Qz8Lm y"), "x [REDACTED] y");
}

/// A setting type that prints its text in a form of its own, as `url::Url` or `Bytes` do.
struct Reencoded(String);

impl std::str::FromStr for Reencoded {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_owned()))
    }
}

impl std::fmt::Debug for Reencoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: String = self.0.chars().map(|c| if c.is_alphanumeric() { c } else { '·' }).collect();
        write!(f, "Reencoded({shown})")
    }
}

#[derive(SecretContract)]
struct Reencoding {
    #[secret(required)]
    db_password: SecretString,
    #[config]
    database_url: Reencoded,
    #[config(default = "info")]
    log_level: String,
}

#[test]
fn debug_masks_a_setting_whose_type_prints_a_secret_in_a_form_of_its_own() {
    let source = MapSource::new()
        .with("DB_PASSWORD", "S3cure$Pass@2024")
        .with("DATABASE_URL", "postgres://app:S3cure$Pass@2024@db/app");
    let contract = Reencoding::load_from(&source).unwrap();
    let debug = format!("{contract:?}");
    assert_eq!(debug, "Reencoding { db_password: [REDACTED], database_url: [REDACTED], log_level: \"info\" }");
}
