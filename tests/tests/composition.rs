//! Sections, toggled groups, conditional requirements, rules and aliases (DESIGN section 7).

use std::time::Duration;

use secrets_core::{
    ConfigEnum, ExposeSecret, Group, Level, MapSource, Policy, Problems, SecretContract, SecretString, State,
};

#[derive(SecretContract)]
#[contract(prefix = "DB_")]
struct Db {
    /// Postgres connection string
    #[secret(required)]
    url: SecretString,
    #[config(default = 2)]
    min_conns: u32,
    #[config(default = 10, range = 1..=1000)]
    max_conns: u32,
}

#[derive(SecretContract)]
struct Sso {
    #[config]
    client_id: String,
    #[secret(required)]
    client_secret: SecretString,
}

#[derive(SecretContract)]
struct Duo {
    #[config]
    host: String,
    #[secret(required)]
    secret_key: SecretString,
    #[secret(optional)]
    extra: Option<SecretString>,
}

#[derive(ConfigEnum, Debug, PartialEq, Eq)]
enum SmtpSecurity {
    Off,
    Starttls,
    ForceTls,
}

#[derive(SecretContract)]
#[contract(prefix = "APP_", validate = check_app)]
struct App {
    #[nested(prefix = "DB_")]
    db: Db,
    #[config(default = false)]
    sso_enabled: bool,
    #[nested(prefix = "SSO_", enabled_by = "sso_enabled")]
    sso: Option<Sso>,
    #[nested(prefix = "DUO_")]
    duo: Option<Duo>,
    #[config(default = false)]
    push_enabled: bool,
    #[secret(required_if = "push_enabled")]
    push_installation_key: Option<SecretString>,
    /// OpenAI API (spends money)
    #[secret(billing, alias = "OPENAI_API_KEY")]
    openai_api_key: Option<SecretString>,
    #[config(default = "starttls", deprecated = "APP_SMTP_SSL")]
    smtp_security: SmtpSecurity,
    #[config(default = Duration::from_secs(30))]
    timeout: Duration,
}

fn check_app(app: &App, problems: &mut Problems) {
    if app.db.min_conns() > app.db.max_conns() {
        problems.add("APP_DB_MIN_CONNS", "must not exceed APP_DB_MAX_CONNS");
    }
}

fn base() -> MapSource {
    MapSource::new().with("APP_DB_URL", "postgres://db.internal/app")
}

#[test]
fn nested_names_compose_prefixes() {
    let names = App::spec().names();
    for name in ["APP_DB_URL", "APP_DB_MIN_CONNS", "APP_SSO_CLIENT_ID", "APP_DUO_SECRET_KEY", "APP_PUSH_ENABLED"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let app = App::load_from(&base()).unwrap();
    assert_eq!(app.db().url().expose_secret(), "postgres://db.internal/app");
    assert_eq!(*app.db().max_conns(), 10);
    assert!(!app.has_sso() && !app.has_duo());
    assert_eq!(*app.smtp_security(), SmtpSecurity::Starttls);
    assert_eq!(*app.timeout(), Duration::from_secs(30));
    let error = app.sso().unwrap_err().to_string();
    assert!(error.contains("APP_SSO_ENABLED"), "{error}");
    // The nested type alone keeps its own prefix.
    assert!(Db::load_from(&MapSource::new().with("DB_URL", "postgres://x/y")).is_ok());
}

#[test]
fn toggled_group_is_loaded_exactly_when_enabled() {
    let on = || base().with("APP_SSO_ENABLED", "yes").with("APP_SSO_CLIENT_ID", "c1");
    let error = App::load_from(&on()).unwrap_err().to_string();
    assert!(error.contains("APP_SSO_CLIENT_SECRET (required secret): missing"), "{error}");
    let app = App::load_from(&on().with("APP_SSO_CLIENT_SECRET", "sso-secret-value")).unwrap();
    assert_eq!(app.sso().unwrap().client_id(), "c1");

    let off = base().with("APP_SSO_CLIENT_ID", "c1");
    let report = App::status_from(&off);
    let entry = report.entry("APP_SSO_CLIENT_ID").unwrap();
    assert_eq!(entry.state(), &State::Disabled { by: "APP_SSO_ENABLED", set: true });
    assert_eq!(entry.level(), Level::Warning);
    assert_eq!(report.entry("APP_SSO_CLIENT_SECRET").unwrap().level(), Level::Ok);
    assert!(!App::load_from(&off).unwrap().has_sso());
}

#[test]
fn all_or_none_group() {
    let app = App::load_from(&base()).unwrap();
    assert!(!app.has_duo());
    let report = App::status_from(&base());
    assert_eq!(report.entry("APP_DUO_HOST").unwrap().state(), &State::Unused);
    let partial = base().with("APP_DUO_HOST", "duo.example");
    let error = App::load_from(&partial).unwrap_err().to_string();
    assert!(error.contains("APP_DUO_SECRET_KEY (required secret): missing"), "{error}");
    let only_optional = base().with("APP_DUO_EXTRA", "extra-secret-123");
    assert!(App::load_from(&only_optional).is_err());
    let full = partial.with("APP_DUO_SECRET_KEY", "duo-secret-value");
    let app = App::load_from(&full).unwrap();
    assert_eq!(app.duo().unwrap().host(), "duo.example");
    assert!(!app.duo().unwrap().has_extra());
}

#[test]
fn required_if_follows_its_switch() {
    let report = App::status_from(&base());
    let entry = report.entry("APP_PUSH_INSTALLATION_KEY").unwrap();
    assert_eq!(entry.level(), Level::Ok);
    assert!(entry.to_string().contains("OPT: APP_PUSH_ENABLED is not true"), "{entry}");
    let on = base().with("APP_PUSH_ENABLED", "true");
    let error = App::load_from(&on).unwrap_err().to_string();
    assert!(error.contains("APP_PUSH_INSTALLATION_KEY (required secret): missing"), "{error}");
    let report = App::status_from(&on);
    assert!(report.to_string().contains("REQ: APP_PUSH_ENABLED is true"), "{report}");
}

#[test]
fn rules_join_the_error() {
    let bad = base().with("APP_DB_MIN_CONNS", "50");
    let error = App::load_from(&bad).unwrap_err();
    assert!(
        error.to_string().contains("APP_DB_MIN_CONNS: must not exceed APP_DB_MAX_CONNS (contract rule)"),
        "{error}"
    );
    assert_eq!(error.report().rules().len(), 1);
    let json: serde_json::Value = serde_json::from_str(&error.report().to_json()).unwrap();
    assert_eq!(json["rules"][0]["name"], "APP_DB_MIN_CONNS");
    assert_eq!(json["ok"], false);
}

#[test]
fn aliases_and_deprecated_names() {
    let app = App::load_from(&base().with("OPENAI_API_KEY", "sk-alias-value-1")).unwrap();
    assert_eq!(app.openai_api_key().unwrap().expose_secret(), "sk-alias-value-1");
    let report = App::status_from(&base().with("OPENAI_API_KEY", "sk-alias-value-1"));
    let entry = report.entry("APP_OPENAI_API_KEY").unwrap();
    assert_eq!(entry.supplied_by(), Some("OPENAI_API_KEY"));
    assert_eq!(entry.level(), Level::Ok);

    let both = base().with("OPENAI_API_KEY", "sk-alias-value-1").with("APP_OPENAI_API_KEY", "sk-primary-value");
    let app = App::load_from(&both).unwrap();
    assert_eq!(app.openai_api_key().unwrap().expose_secret(), "sk-primary-value");
    assert_eq!(App::status_from(&both).entry("APP_OPENAI_API_KEY").unwrap().level(), Level::Warning);

    let old = base().with("APP_SMTP_SSL", "force_tls");
    assert_eq!(*App::load_from(&old).unwrap().smtp_security(), SmtpSecurity::ForceTls);
    let report = App::status_from(&old);
    let entry = report.entry("APP_SMTP_SECURITY").unwrap();
    assert_eq!(entry.level(), Level::Warning);
    assert!(entry.to_string().contains("read from deprecated APP_SMTP_SSL: rename it to APP_SMTP_SECURITY"), "{entry}");
}

#[test]
fn enums_list_their_values() {
    let error = App::load_from(&base().with("APP_SMTP_SECURITY", "tls")).unwrap_err().to_string();
    assert!(error.contains("expected one of: off, starttls, force-tls"), "{error}");
    let spec = App::spec().vars().iter().find(|var| var.name() == "APP_SMTP_SECURITY").unwrap();
    assert_eq!(spec.accepted(), ["off", "starttls", "force-tls"]);
    assert!(App::env_example().contains("# one of: off, starttls, force-tls"));
    assert_eq!(SmtpSecurity::VALUES.len(), 3);
}

#[test]
fn sections_in_spec_and_example() {
    let spec = App::spec();
    let var = spec.vars().iter().find(|var| var.name() == "APP_SSO_CLIENT_ID").unwrap();
    let section = var.section().unwrap();
    assert_eq!((section.field(), section.prefix()), ("sso", "APP_SSO_"));
    assert_eq!(section.group(), Group::EnabledBy("APP_SSO_ENABLED"));
    let example = App::env_example();
    assert!(example.contains("# --- section sso (APP_SSO_*), read only when APP_SSO_ENABLED is true ---"), "{example}");
    assert!(spec.prefixes().contains(&"APP_DB_"));
}

#[test]
fn unknown_check_covers_nested_prefixes() {
    let report = App::validate_from(&base().with("APP_DB_URLL", "x"), Policy::startup().check_unknown(true)).unwrap();
    assert_eq!(report.unknown()[0].name, "APP_DB_URLL");
}

#[test]
fn range_rule_shows_the_setting() {
    let error = App::load_from(&base().with("APP_DB_MAX_CONNS", "5000")).unwrap_err().to_string();
    assert!(
        error.contains("APP_DB_MAX_CONNS (optional config): invalid value \"5000\": must be in 1..=1000"),
        "{error}"
    );
}

#[test]
fn a_sections_accessor_errors_name_the_composed_variable() {
    let full = base().with("APP_DUO_HOST", "duo.example").with("APP_DUO_SECRET_KEY", "duo-secret-value");
    let app = App::load_from(&full).unwrap();
    let error = app.duo().unwrap().extra().unwrap_err().to_string();
    assert!(error.starts_with("APP_DUO_EXTRA is not set"), "{error}");
}
