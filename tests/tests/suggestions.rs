//! "Did you mean" for missing variables, and the opt-in check for undeclared prefixed names.

use std::fs;

use secrets_core::{Level, MapSource, Policy, SecretContract, SecretString, Sources};

#[derive(SecretContract)]
#[contract(prefix = "APP_")]
struct Prefixed {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    #[secret(optional)]
    sentry_dsn: Option<SecretString>,
    #[config(default = "info")]
    log_level: String,
}

#[test]
fn a_missing_prefixed_name_suggests_the_unprefixed_one() {
    let source = MapSource::new().with("DATABASE_URL", "postgres://x").with("PATH", "/bin");
    let error = Prefixed::load_from(&source).unwrap_err();
    assert!(
        error.to_string().contains(
            "APP_DATABASE_URL (required secret): missing, Postgres connection string; did you mean DATABASE_URL?"
        ),
        "{error}"
    );
    let report = Prefixed::status_from(&source);
    let entry = report.entry("APP_DATABASE_URL").unwrap();
    assert_eq!(entry.suggestion(), Some("DATABASE_URL"));
    assert!(
        report
            .to_string()
            .contains("❌ APP_DATABASE_URL: missing (REQ) Postgres connection string (did you mean DATABASE_URL?)")
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["secrets"][0]["suggestion"], "DATABASE_URL");
    assert_eq!(json["secrets"][1]["suggestion"], serde_json::Value::Null);
}

#[test]
fn typos_and_case_are_suggested_from_a_dotenv_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, "APP_DATABSE_URL=postgres://x\napp_sentry_dsn=https://sentry\n").unwrap();
    let report = Prefixed::status_from(&Sources::new().dotenv_file(&path));
    assert_eq!(report.entry("APP_DATABASE_URL").unwrap().suggestion(), Some("APP_DATABSE_URL"));
    assert_eq!(report.entry("APP_SENTRY_DSN").unwrap().suggestion(), Some("app_sentry_dsn"));
}

#[test]
fn nothing_is_suggested_without_a_near_miss() {
    let source = MapSource::new().with("HOME", "/root").with("RUST_LOG", "debug").with("APP_TOKEN", "x");
    let report = Prefixed::status_from(&source);
    assert!(report.entries().iter().all(|entry| entry.suggestion().is_none()));
}

#[test]
fn undeclared_prefixed_names_are_reported_when_asked() {
    let source = MapSource::new()
        .with("APP_DATABASE_URL", "postgres://x")
        .with("APP_LOG_LEVLE", "debug")
        .with("APP_FEATURE_FLAGS", "a,b")
        .with("LOG_LEVEL", "unrelated: no prefix");
    let quiet = Prefixed::validate_from(&source, Policy::startup()).unwrap();
    assert!(quiet.unknown().is_empty());

    let report = Prefixed::validate_from(&source, Policy::startup().check_unknown(true)).unwrap();
    let mut unknown: Vec<(&str, Option<&str>)> =
        report.unknown().iter().map(|u| (u.name.as_str(), u.suggestion.as_deref())).collect();
    unknown.sort_unstable();
    assert_eq!(unknown, [("APP_FEATURE_FLAGS", None), ("APP_LOG_LEVLE", Some("APP_LOG_LEVEL"))]);
    assert!(report.unknown().iter().all(|u| u.level == Level::Warning));
    assert!(report.is_ok());
    let text = report.to_string();
    assert!(
        text.contains("⚠️ APP_LOG_LEVLE is set but not declared by the contract (did you mean APP_LOG_LEVEL?)"),
        "{text}"
    );
    assert!(text.starts_with("Prefixed: 0 errors, 2 warnings"), "{text}");

    let error = Prefixed::load_with(&source, Policy::strict().check_unknown(true)).unwrap_err();
    assert!(error.to_string().contains("  APP_LOG_LEVLE is set but not declared by the contract"), "{error}");
    let json: serde_json::Value = serde_json::from_str(&error.report().to_json()).unwrap();
    assert_eq!(json["unknown"].as_array().unwrap().len(), 2);
}

#[test]
fn a_contract_without_prefix_has_no_unknown_names() {
    #[derive(SecretContract)]
    struct Bare {
        #[secret(optional)]
        token: Option<SecretString>,
    }
    let source = MapSource::new().with("TOKNE", "x").with("ANYTHING", "y");
    let report = Bare::validate_from(&source, Policy::strict().check_unknown(true)).unwrap();
    assert!(report.unknown().is_empty());
}
