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

#[test]
fn a_service_masks_its_logs_with_one_line() {
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
        ("postgres", Some("db.internal"), Some(6432), Some("orders"))
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
        error.contains("DATABASE_URL (required secret): invalid: not a URL: relative URL without a base"),
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
