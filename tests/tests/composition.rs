//! Sections, toggled groups, conditional requirements, rules and aliases (DESIGN section 7);
//! typed defaults, value rules, secret lists, binary secrets and `ConfigEnum` (section 8).

mod child;

use std::time::Duration;

use secrets_core::{
    ConfigEnum, ExposeSecret, Group, Level, MapSource, Policy, Problems, SecretBox, SecretContract, SecretString,
    Sources, State,
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

// ---------------------------------------------------------------------------------------------
// Three levels: `Top` > `Mid` > `Leaf`, a verbatim name, a default nested prefix, a rule and a
// toggled group one level down.

#[derive(SecretContract)]
#[contract(prefix = "LEAF_", validate = check_leaf)]
struct Leaf {
    #[secret(required)]
    token: SecretString,
    #[config(env = "SHARED_REGION", default = "eu-west-1")]
    region: String,
    #[config(default = 1)]
    low: u32,
    #[config(default = 5)]
    high: u32,
    #[secret(optional)]
    spare: Option<SecretString>,
}

/// Names its variables by the standalone names, as a rule of a reusable section does.
fn check_leaf(leaf: &Leaf, problems: &mut Problems) {
    if leaf.low() > leaf.high() {
        problems.add("LEAF_LOW", "must not exceed LEAF_HIGH");
    }
    let token = leaf.token().expose_secret();
    if token.starts_with("weak") {
        problems.warn("LEAF_TOKEN", format!("the token {token} looks weak"));
    }
    if token.starts_with("revoked") {
        problems.add("LEAF_TOKEN", format!("the token {token} is no longer valid"));
    }
}

#[derive(SecretContract)]
struct Extra {
    #[secret(required)]
    key: SecretString,
    #[config]
    host: Option<String>,
}

#[derive(SecretContract)]
#[contract(prefix = "MID_")]
struct Mid {
    #[config(default = "main")]
    name: String,
    #[nested(prefix = "LEAF_")]
    leaf: Leaf,
    #[config(default = false)]
    extra_enabled: bool,
    #[nested(enabled_by = "extra_enabled")]
    extra: Option<Extra>,
}

#[derive(SecretContract)]
struct Cache {
    #[config(default = 60)]
    ttl_secs: u64,
    #[secret(optional)]
    password: Option<SecretString>,
}

#[derive(SecretContract)]
#[contract(prefix = "TOP_")]
struct Top {
    #[nested(prefix = "M_")]
    mid: Mid,
    #[nested]
    cache: Cache,
}

const TOP_NAMES: [&str; 11] = [
    "TOP_M_NAME",
    "TOP_M_LEAF_TOKEN",
    "SHARED_REGION",
    "TOP_M_LEAF_LOW",
    "TOP_M_LEAF_HIGH",
    "TOP_M_LEAF_SPARE",
    "TOP_M_EXTRA_ENABLED",
    "TOP_M_EXTRA_KEY",
    "TOP_M_EXTRA_HOST",
    "TOP_CACHE_TTL_SECS",
    "TOP_CACHE_PASSWORD",
];

fn top() -> MapSource {
    MapSource::new().with("TOP_M_LEAF_TOKEN", "leaf-token-Kq81x")
}

fn var(spec: &'static secrets_core::ContractSpec, name: &str) -> &'static secrets_core::VarSpec {
    spec.vars().iter().find(|var| var.name() == name).unwrap_or_else(|| panic!("{name} in {:?}", spec.names()))
}

#[test]
fn three_levels_compose_every_prefix_and_keep_verbatim_names() {
    assert_eq!(Top::spec().names(), TOP_NAMES);
    assert_eq!(
        Mid::spec().names(),
        [
            "MID_NAME",
            "MID_LEAF_TOKEN",
            "SHARED_REGION",
            "MID_LEAF_LOW",
            "MID_LEAF_HIGH",
            "MID_LEAF_SPARE",
            "MID_EXTRA_ENABLED",
            "MID_EXTRA_KEY",
            "MID_EXTRA_HOST"
        ]
    );
    assert_eq!(Leaf::spec().names(), ["LEAF_TOKEN", "SHARED_REGION", "LEAF_LOW", "LEAF_HIGH", "LEAF_SPARE"]);
    assert_eq!(Top::spec().prefixes(), ["TOP_", "TOP_CACHE_", "TOP_M_", "TOP_M_EXTRA_", "TOP_M_LEAF_"]);

    let app = Top::load_from(&top().with("SHARED_REGION", "us-east-2")).unwrap();
    assert_eq!(app.mid().leaf().token().expose_secret(), "leaf-token-Kq81x");
    assert_eq!(app.mid().leaf().region(), "us-east-2");
    assert_eq!(app.mid().name(), "main");
    assert_eq!(*app.cache().ttl_secs(), 60);
    assert!(app.has_mid() && app.has_cache() && app.mid().has_leaf() && !app.mid().has_extra());
    assert!(!app.cache().has_password());

    // The standalone names of a section are not read inside a larger contract.
    let error = Top::load_from(&MapSource::new().with("LEAF_TOKEN", "x").with("MID_LEAF_TOKEN", "y")).unwrap_err();
    assert!(error.to_string().contains("TOP_M_LEAF_TOKEN (required secret): missing"), "{error}");
    // A section loaded alone keeps its own prefix.
    let mid = Mid::load_from(&MapSource::new().with("MID_LEAF_TOKEN", "mid-token-Zp4")).unwrap();
    assert_eq!(mid.leaf().token().expose_secret(), "mid-token-Zp4");
}

#[test]
fn three_level_sections_are_named_by_their_field_path() {
    let spec = Top::spec();
    let leaf = var(spec, "TOP_M_LEAF_TOKEN").section().unwrap();
    assert_eq!((leaf.field(), leaf.prefix(), leaf.group()), ("mid.leaf", "TOP_M_LEAF_", Group::Always));
    let verbatim = var(spec, "SHARED_REGION").section().unwrap();
    assert_eq!(verbatim.field(), "mid.leaf");
    let extra = var(spec, "TOP_M_EXTRA_KEY").section().unwrap();
    assert_eq!(
        (extra.field(), extra.prefix(), extra.group()),
        ("mid.extra", "TOP_M_EXTRA_", Group::EnabledBy("TOP_M_EXTRA_ENABLED"))
    );
    let mid = var(spec, "TOP_M_NAME").section().unwrap();
    assert_eq!((mid.field(), mid.prefix()), ("mid", "TOP_M_"));
    let cache = var(spec, "TOP_CACHE_TTL_SECS").section().unwrap();
    assert_eq!((cache.field(), cache.prefix(), cache.group()), ("cache", "TOP_CACHE_", Group::Always));

    let example = Top::env_example();
    for header in [
        "# --- section mid (TOP_M_*) ---\n",
        "# --- section mid.leaf (TOP_M_LEAF_*) ---\n",
        "# --- section mid.extra (TOP_M_EXTRA_*), read only when TOP_M_EXTRA_ENABLED is true ---\n",
        "# --- section cache (TOP_CACHE_*) ---\n",
    ] {
        assert!(example.contains(header), "{header} in\n{example}");
    }
    let report = Top::status_from(&top());
    let entry = report.entry("TOP_M_LEAF_TOKEN").unwrap();
    assert!(entry.to_string().starts_with("✅ TOP_M_LEAF_TOKEN: configured (REQ, in mid.leaf) from map"), "{entry}");
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["secrets"][1]["section"], "mid.leaf");
    assert_eq!(json["secrets"][7]["section"], "mid.extra");
}

#[test]
fn unknown_names_are_checked_under_every_composed_prefix() {
    let source = top().with("TOP_M_LEAF_TOKN", "x").with("TOP_CACHE_TTL_SEC", "5").with("TOP_M_EXTRA_HSOT", "h");
    let report = Top::validate_from(&source, Policy::startup().check_unknown(true)).unwrap();
    let mut unknown: Vec<(&str, Option<&str>)> =
        report.unknown().iter().map(|unknown| (unknown.name.as_str(), unknown.suggestion.as_deref())).collect();
    unknown.sort_unstable();
    assert_eq!(
        unknown,
        [
            ("TOP_CACHE_TTL_SEC", Some("TOP_CACHE_TTL_SECS")),
            ("TOP_M_EXTRA_HSOT", Some("TOP_M_EXTRA_HOST")),
            ("TOP_M_LEAF_TOKN", Some("TOP_M_LEAF_TOKEN"))
        ]
    );
    assert!(Top::validate_from(&source, Policy::strict().check_unknown(true)).is_err());
}

#[test]
fn a_sections_own_rule_is_reported_with_composed_names() {
    let error = Top::load_from(&top().with("TOP_M_LEAF_LOW", "9")).unwrap_err();
    assert!(error.to_string().contains("\n  TOP_M_LEAF_LOW: must not exceed LEAF_HIGH (contract rule)"), "{error}");
    assert_eq!(error.report().rules().len(), 1);
    assert_eq!(error.report().rules()[0].name, "TOP_M_LEAF_LOW");
    assert_eq!(error.report().rules()[0].level, Level::Error);
    let json: serde_json::Value = serde_json::from_str(&error.report().to_json()).unwrap();
    assert_eq!(
        json["rules"][0],
        serde_json::json!({"name": "TOP_M_LEAF_LOW", "reason": "must not exceed LEAF_HIGH", "level": "error"})
    );
    // One level up, the same rule names the names as read there.
    let error = Mid::load_from(&MapSource::new().with("MID_LEAF_TOKEN", "mid-token-Zp4").with("MID_LEAF_LOW", "9"))
        .unwrap_err();
    assert!(error.to_string().contains("MID_LEAF_LOW: must not exceed LEAF_HIGH (contract rule)"), "{error}");
    // Alone, its own names.
    let error = Leaf::load_from(&MapSource::new().with("LEAF_TOKEN", "leaf-token").with("LEAF_LOW", "9")).unwrap_err();
    assert!(error.to_string().contains("LEAF_LOW: must not exceed LEAF_HIGH (contract rule)"), "{error}");
    // A rule problem is an error under every policy.
    for policy in [Policy::startup(), Policy::strict(), Policy::startup().include_billing(true)] {
        assert!(Top::load_with(&top().with("TOP_M_LEAF_LOW", "9"), policy).is_err(), "{policy:?}");
    }
}

#[test]
fn a_rule_warning_lets_the_load_succeed_and_shows_in_the_report() {
    let value = "weak-token-Zq81xP";
    let source = MapSource::new().with("TOP_M_LEAF_TOKEN", value);
    let events = secrets_core::testing::capture_tracing(|| {
        let app = Top::load_with(&source, Policy::strict()).unwrap();
        assert_eq!(app.mid().leaf().token().expose_secret(), value);
    });
    assert!(
        events.contains("WARN") && events.contains("TOP_M_LEAF_TOKEN: the token [REDACTED] looks weak"),
        "{events}"
    );
    assert!(!events.contains("Zq81xP"), "{events}");
    let report = Top::status_from(&source);
    assert!(report.is_ok());
    let text = report.to_string();
    assert!(text.starts_with("Top: 0 errors, 1 warning\n"), "{text}");
    assert!(text.contains("\n⚠️ TOP_M_LEAF_TOKEN: the token [REDACTED] looks weak (contract rule)\n"), "{text}");
    assert_eq!(report.rules()[0].level, Level::Warning);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["rules"][0]["level"], "warning");
    assert_eq!(json["rules"][0]["reason"], "the token [REDACTED] looks weak");
    assert!(!report.to_json().contains("Zq81xP") && !format!("{report:?}").contains("Zq81xP"));
}

#[test]
fn a_rule_reason_quoting_a_secret_is_masked_everywhere() {
    // No word of the rule's text in it: a reason holding six characters of a secret is hidden whole.
    let value = "revoked-Pw7Lm3Qz";
    let error = Top::load_from(&MapSource::new().with("TOP_M_LEAF_TOKEN", value)).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("TOP_M_LEAF_TOKEN: the token [REDACTED] is no longer valid (contract rule)"), "{text}");
    for surface in [text, format!("{error:?}"), error.report().to_string(), error.report().to_json()] {
        assert!(!surface.contains("Pw7Lm3"), "{surface}");
    }
    assert_eq!(error.report().rules()[0].reason, "the token [REDACTED] is no longer valid");
}

#[test]
fn a_toggled_group_one_level_down() {
    let on = || top().with("TOP_M_EXTRA_ENABLED", "on");
    let error = Top::load_from(&on()).unwrap_err().to_string();
    assert!(error.contains("TOP_M_EXTRA_KEY (required secret): missing"), "{error}");
    let app = Top::load_from(&on().with("TOP_M_EXTRA_KEY", "extra-key-value-1")).unwrap();
    assert!(app.mid().has_extra());
    assert_eq!(app.mid().extra().unwrap().key().expose_secret(), "extra-key-value-1");
    assert!(app.mid().extra().unwrap().host().is_err());

    let off = top().with("TOP_M_EXTRA_KEY", "extra-key-value-1");
    let report = Top::status_from(&off);
    let entry = report.entry("TOP_M_EXTRA_KEY").unwrap();
    assert_eq!(entry.state(), &State::Disabled { by: "TOP_M_EXTRA_ENABLED", set: true });
    assert_eq!(entry.level(), Level::Warning);
    let host = report.entry("TOP_M_EXTRA_HOST").unwrap();
    assert_eq!((host.state(), host.level()), (&State::Disabled { by: "TOP_M_EXTRA_ENABLED", set: false }, Level::Ok));
    assert!(!Top::load_from(&off).unwrap().mid().has_extra());
}

#[test]
fn the_accessor_of_a_section_two_levels_down_names_the_variable_as_read() {
    let app = Top::load_from(&top()).unwrap();
    let error = app.mid().leaf().spare().unwrap_err().to_string();
    assert!(error.starts_with("TOP_M_LEAF_SPARE is not set (optional secret)"), "{error}");
    let error = app.cache().password().unwrap_err().to_string();
    assert!(error.starts_with("TOP_CACHE_PASSWORD is not set (optional secret)"), "{error}");
}

#[test]
fn the_accessor_of_a_toggled_section_one_level_down_names_its_composed_switch() {
    let app = Top::load_from(&top()).unwrap();
    let error = app.mid().extra().unwrap_err().to_string();
    assert_eq!(error, "section mid.extra (TOP_M_EXTRA_*) is not loaded: TOP_M_EXTRA_ENABLED is not true");
}

#[test]
fn debug_of_a_contract_with_sections_shows_no_secret() {
    let source = top()
        .with("TOP_M_EXTRA_ENABLED", "yes")
        .with("TOP_M_EXTRA_KEY", "extra-key-Vb93Q")
        .with("TOP_CACHE_PASSWORD", "cache-pass-Ny27W");
    let app = Top::load_from(&source).unwrap();
    let debug = format!("{app:?} {app:#?}");
    for piece in ["Kq81x", "Vb93Q", "Ny27W"] {
        assert!(!debug.contains(piece), "{debug}");
    }
    assert!(debug.starts_with("Top { mid: Mid { name: \"main\", leaf: Leaf { token: [REDACTED]"), "{debug}");
    assert!(debug.contains("extra: Some(Extra { key: [REDACTED], host: None })"), "{debug}");
    assert!(debug.contains("cache: Cache { ttl_secs: 60, password: [REDACTED] }"), "{debug}");
}

#[test]
fn the_example_of_a_nested_contract_round_trips_and_loads() {
    let example = Top::env_example();
    let names = example.lines().filter(|line| !line.starts_with('#') && line.contains('=')).count();
    assert_eq!(names, TOP_NAMES.len(), "{example}");
    for name in TOP_NAMES {
        assert!(example.contains(&format!("\n{name}=")), "{name} in\n{example}");
    }
    assert!(
        example.contains("\nSHARED_REGION=eu-west-1\n") && example.contains("# default: 60\nTOP_CACHE_TTL_SECS=\n")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, &example).unwrap();
    let report = Top::status_from(&Sources::new().dotenv_file(&path));
    assert!(report.source_problems().is_empty(), "{report}");
    // Every variable but the secret, left empty, is fine as written.
    let errors: Vec<&str> = report.at_level(Level::Error).map(|entry| entry.spec().name()).collect();
    assert_eq!(errors, ["TOP_M_LEAF_TOKEN"], "{report}");
    std::fs::write(&path, example.replace("\nTOP_M_LEAF_TOKEN=\n", "\nTOP_M_LEAF_TOKEN=leaf-token-from-file\n"))
        .unwrap();
    let app = Top::load_from(&Sources::new().dotenv_file(&path)).unwrap();
    assert_eq!(app.mid().leaf().token().expose_secret(), "leaf-token-from-file");
    assert_eq!((*app.mid().leaf().low(), *app.mid().leaf().high(), *app.cache().ttl_secs()), (1, 5, 60));
    assert_eq!(app.mid().leaf().region(), "eu-west-1");
    assert!(!app.mid().has_extra() && !app.cache().has_password());
    assert!(Top::validate_from(&Sources::new().dotenv_file(&path), Policy::strict()).unwrap().is_ok());
}

/// A section nested in two contracts: each names its variables as it reads them.
#[derive(SecretContract)]
struct Shared {
    #[secret(optional)]
    token: Option<SecretString>,
}

#[derive(SecretContract)]
#[contract(prefix = "ONE_")]
struct One {
    #[nested(prefix = "S_")]
    shared: Shared,
}

#[derive(SecretContract)]
#[contract(prefix = "TWO_")]
struct Two {
    #[nested(prefix = "S_")]
    shared: Shared,
}

#[test]
fn a_section_used_by_two_contracts_names_every_variable_it_is_read_as() {
    let (one, two) = (One::load_from(&MapSource::new()).unwrap(), Two::load_from(&MapSource::new()).unwrap());
    assert_eq!(One::spec().names(), ["ONE_S_TOKEN"]);
    assert_eq!(Two::spec().names(), ["TWO_S_TOKEN"]);
    let error = one.shared().token().unwrap_err().to_string();
    assert!(error.starts_with("ONE_S_TOKEN or TWO_S_TOKEN is not set"), "{error}");
    let error = two.shared().token().unwrap_err().to_string();
    assert!(error.starts_with("ONE_S_TOKEN or TWO_S_TOKEN is not set"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Groups of `App`: empty values, and set variables of a disabled group under every policy.

#[test]
fn an_all_or_none_group_with_only_empty_values_is_unset() {
    for empty in ["", "   ", "\t"] {
        let source = base().with("APP_DUO_HOST", empty).with("APP_DUO_SECRET_KEY", empty);
        let app = App::load_from(&source).unwrap();
        assert!(!app.has_duo(), "{empty:?}");
        let error = app.duo().unwrap_err().to_string();
        assert_eq!(error, "section duo (APP_DUO_*) is not loaded: none of its variables is set");
        let report = App::status_from(&source);
        assert_eq!(report.entry("APP_DUO_HOST").unwrap().state(), &State::Unused);
        assert_eq!(report.entry("APP_DUO_SECRET_KEY").unwrap().level(), Level::Ok);
        assert!(report.is_ok(), "{report}");
    }
    // One real value among empty ones makes the group set, and then incomplete.
    let source = base().with("APP_DUO_HOST", "").with("APP_DUO_SECRET_KEY", "duo-secret-value");
    let error = App::load_from(&source).unwrap_err().to_string();
    assert!(error.contains("APP_DUO_HOST (required config): set but empty (from map)"), "{error}");
}

#[test]
fn set_variables_of_a_disabled_group_are_warnings_by_name_under_every_policy() {
    let source = base()
        .with("APP_SSO_CLIENT_ID", "c1")
        .with("APP_SSO_CLIENT_SECRET", "sso-secret-Hw41Z")
        .with("OPENAI_API_KEY", "sk-openai-value-1");
    for policy in [Policy::startup(), Policy::strict(), Policy::startup().include_billing(true)] {
        let events = secrets_core::testing::capture_tracing(|| {
            let app = App::load_with(&source, policy).unwrap();
            assert!(!app.has_sso());
        });
        for name in ["APP_SSO_CLIENT_ID", "APP_SSO_CLIENT_SECRET"] {
            assert!(events.contains(&format!("{name} (")), "{name} in {events}");
        }
        assert!(!events.contains("Hw41Z"));
        let report = App::validate_from(&source, policy).unwrap();
        let warned: Vec<&str> = report.at_level(Level::Warning).map(|entry| entry.spec().name()).collect();
        assert_eq!(warned, ["APP_SSO_CLIENT_ID", "APP_SSO_CLIENT_SECRET"], "{policy:?}");
    }
    let entry = App::status_from(&source);
    let entry = entry.entry("APP_SSO_CLIENT_SECRET").unwrap().to_string();
    assert!(
        entry.starts_with(
            "⚠️ APP_SSO_CLIENT_SECRET: set but unused: its section is disabled (APP_SSO_ENABLED is not true) (REQ, in sso)"
        ),
        "{entry}"
    );
    // `false` said out loud is the same as unset.
    let report = App::status_from(&source.with("APP_SSO_ENABLED", "FALSE"));
    assert_eq!(report.entry("APP_SSO_CLIENT_ID").unwrap().level(), Level::Warning);
}

// ---------------------------------------------------------------------------------------------
// An `Option<bool>` switch, `required_if` on settings, several aliases, deprecated names.

#[derive(SecretContract)]
struct Beta {
    #[config]
    url: String,
    #[secret(optional)]
    token: Option<SecretString>,
}

#[derive(SecretContract)]
#[contract(prefix = "S_")]
struct Switched {
    #[config]
    beta: Option<bool>,
    #[nested(enabled_by = "beta")]
    beta_features: Option<Beta>,
    #[config(required_if = "beta")]
    beta_url: Option<String>,
    #[config(default = false)]
    audit: bool,
    #[config(required_if = "audit")]
    audit_port: Option<u16>,
    /// Upstream API token
    #[secret(optional, alias = "OLD_A_TOKEN", alias = "OLD_B_TOKEN", deprecated = "LEGACY_TOKEN")]
    token: Option<SecretString>,
}

#[test]
fn an_option_bool_switch_toggles_a_group_and_a_requirement() {
    let unset = Switched::load_from(&MapSource::new()).unwrap();
    assert!(!unset.has_beta_features() && unset.beta().is_err());
    let report = Switched::status_from(&MapSource::new());
    let entry = report.entry("S_BETA_URL").unwrap();
    assert_eq!((entry.level(), entry.category()), (Level::Ok, secrets_core::Category::Optional));
    assert!(entry.to_string().contains("(OPT: S_BETA is not true)"), "{entry}");
    assert_eq!(report.entry("S_BETA_FEATURES_URL").unwrap().state(), &State::Disabled { by: "S_BETA", set: false });

    let on = MapSource::new().with("S_BETA", "on");
    let error = Switched::load_from(&on).unwrap_err().to_string();
    assert!(error.contains("S_BETA_FEATURES_URL (required config): missing"), "{error}");
    assert!(error.contains("S_BETA_URL (required config): missing"), "{error}");
    let report = Switched::status_from(&on);
    let entry = report.entry("S_BETA_URL").unwrap();
    assert_eq!((entry.level(), entry.category()), (Level::Error, secrets_core::Category::Required));
    assert!(entry.to_string().contains("(REQ: S_BETA is true)"), "{entry}");
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let url = json["secrets"].as_array().unwrap().iter().find(|entry| entry["name"] == "S_BETA_URL").unwrap();
    assert_eq!((&url["category"], &url["required_if"]), (&serde_json::json!("required"), &serde_json::json!("S_BETA")));

    let full = MapSource::new().with("S_BETA", "1").with("S_BETA_FEATURES_URL", "https://beta").with("S_BETA_URL", "u");
    let app = Switched::load_from(&full).unwrap();
    assert!(*app.beta().unwrap());
    assert_eq!(app.beta_features().unwrap().url(), "https://beta");
    assert_eq!(app.beta_url().unwrap(), "u");

    let off = MapSource::new().with("S_BETA", "no").with("S_BETA_FEATURES_URL", "https://beta");
    let app = Switched::load_from(&off).unwrap();
    assert!(!app.has_beta_features() && !*app.beta().unwrap());
    let entry = Switched::status_from(&off);
    assert_eq!(entry.entry("S_BETA_FEATURES_URL").unwrap().state(), &State::Disabled { by: "S_BETA", set: true });

    let error = Switched::load_from(&MapSource::new().with("S_BETA", "maybe")).unwrap_err().to_string();
    assert!(
        error.contains("S_BETA (optional config): invalid value \"maybe\": expected true/false, 1/0, yes/no or on/off"),
        "{error}"
    );
}

#[test]
fn required_if_on_a_typed_setting() {
    // A set value is parsed whether or not it is required.
    let error = Switched::load_from(&MapSource::new().with("S_AUDIT_PORT", "many")).unwrap_err().to_string();
    assert!(
        error.contains("S_AUDIT_PORT (optional config): invalid value \"many\": invalid digit found in string"),
        "{error}"
    );
    let error = Switched::load_from(&MapSource::new().with("S_AUDIT", "yes")).unwrap_err().to_string();
    assert!(error.contains("S_AUDIT_PORT (required config): missing"), "{error}");
    let app = Switched::load_from(&MapSource::new().with("S_AUDIT", "yes").with("S_AUDIT_PORT", "514")).unwrap();
    assert_eq!(*app.audit_port().unwrap(), 514);
    let app = Switched::load_from(&MapSource::new().with("S_AUDIT_PORT", "514")).unwrap();
    assert_eq!(*app.audit_port().unwrap(), 514);
    let example = Switched::env_example();
    assert!(
        example.contains(
            "# setting, required when the setting below is true\n# required when S_AUDIT is true\nS_AUDIT_PORT=\n"
        ),
        "{example}"
    );
}

#[test]
fn several_aliases_are_read_in_order_before_deprecated_names() {
    let load = |source: &MapSource| Switched::load_from(source).unwrap().token().unwrap().expose_secret().to_owned();
    let report = |source: &MapSource, f: &dyn Fn(&secrets_core::Entry)| {
        f(Switched::status_from(source).entry("S_TOKEN").unwrap());
    };

    let b = MapSource::new().with("OLD_B_TOKEN", "token-from-old-b").with("LEGACY_TOKEN", "token-from-legacy");
    assert_eq!(load(&b), "token-from-old-b");
    report(&b, &|entry| {
        assert_eq!((entry.supplied_by(), entry.level()), (Some("OLD_B_TOKEN"), Level::Ok));
        assert!(entry.to_string().contains("(read from alias OLD_B_TOKEN)"), "{entry}");
    });
    let ab = MapSource::new().with("OLD_A_TOKEN", "token-from-old-a").with("OLD_B_TOKEN", "token-from-old-b");
    assert_eq!(load(&ab), "token-from-old-a");
    report(&ab, &|entry| assert_eq!(entry.supplied_by(), Some("OLD_A_TOKEN")));

    let legacy = MapSource::new().with("LEGACY_TOKEN", "token-from-legacy");
    assert_eq!(load(&legacy), "token-from-legacy");
    report(&legacy, &|entry| {
        assert_eq!((entry.supplied_by(), entry.level()), (Some("LEGACY_TOKEN"), Level::Warning));
        assert!(entry.to_string().contains("(read from deprecated LEGACY_TOKEN: rename it to S_TOKEN)"), "{entry}");
    });
    let events = secrets_core::testing::capture_tracing(|| {
        Switched::load_from(&legacy).unwrap();
    });
    assert!(events.contains("read from deprecated LEGACY_TOKEN: rename it to S_TOKEN"), "{events}");

    for shadowed in ["OLD_A_TOKEN", "OLD_B_TOKEN", "LEGACY_TOKEN"] {
        let both = MapSource::new().with("S_TOKEN", "token-primary").with(shadowed, "token-shadowed");
        assert_eq!(load(&both), "token-primary");
        report(&both, &|entry| {
            assert_eq!((entry.supplied_by(), entry.level()), (Some("S_TOKEN"), Level::Warning));
            let text = entry.to_string();
            assert!(text.contains(&format!("({shadowed} is set too and ignored: S_TOKEN wins)")), "{text}");
        });
    }
    let json: serde_json::Value = serde_json::from_str(&Switched::status_from(&b).to_json()).unwrap();
    let token = json["secrets"].as_array().unwrap().iter().find(|entry| entry["name"] == "S_TOKEN").unwrap();
    assert_eq!(token["supplied_by"], "OLD_B_TOKEN");

    let var = var(Switched::spec(), "S_TOKEN");
    assert_eq!((var.aliases(), var.deprecated_names()), (&["OLD_A_TOKEN", "OLD_B_TOKEN"][..], &["LEGACY_TOKEN"][..]));
    let example = Switched::env_example();
    assert!(
        example.contains("# also read from: OLD_A_TOKEN, OLD_B_TOKEN\n# formerly: LEGACY_TOKEN (still read, with a warning)\nS_TOKEN=\n"),
        "{example}"
    );
    let error = Switched::load_from(&MapSource::new()).unwrap().token().unwrap_err().to_string();
    assert_eq!(error, "S_TOKEN is not set (optional secret): Upstream API token");
}

#[test]
fn an_alias_is_read_through_its_name_file() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old-b-token");
    std::fs::write(&path, "token-from-a-file\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let vars = vec![("OLD_B_TOKEN_FILE".to_owned(), path.clone().into_os_string())];
    if !child::in_child("an_alias_is_read_through_its_name_file", vars) {
        return;
    }
    let sources = Sources::new().file_indirection().env();
    let app = Switched::load_from(&sources).unwrap();
    assert_eq!(app.token().unwrap().expose_secret(), "token-from-a-file");
    let report = Switched::status_from(&sources);
    let entry = report.entry("S_TOKEN").unwrap();
    assert_eq!(entry.supplied_by(), Some("OLD_B_TOKEN"));
    assert!(matches!(entry.origin(), Some(secrets_core::Origin::File { .. })), "{entry}");
    assert_eq!(entry.level(), Level::Ok, "{entry}");
}

// ---------------------------------------------------------------------------------------------
// Typed defaults.

fn agent() -> String {
    "secrets-tests/1.0".to_owned()
}

#[derive(SecretContract)]
#[contract(prefix = "T_")]
struct Typed {
    #[config(default = 8080)]
    port: u16,
    #[config(default = usize::MAX)]
    max_items: usize,
    #[config(default = false)]
    verbose: bool,
    #[config(default = Duration::from_secs(30))]
    timeout: Duration,
    #[config(default = agent())]
    user_agent: String,
    #[config(default = "info")]
    log_level: String,
    #[config(default = 4, range = 1..=64)]
    workers: u8,
}

#[test]
fn typed_defaults_apply_when_unset() {
    let typed = Typed::load_from(&MapSource::new()).unwrap();
    assert_eq!(*typed.port(), 8080);
    assert_eq!(*typed.max_items(), usize::MAX);
    assert!(!*typed.verbose());
    assert_eq!(*typed.timeout(), Duration::from_secs(30));
    assert_eq!(typed.user_agent(), "secrets-tests/1.0");
    assert_eq!(typed.log_level(), "info");
    assert_eq!(*typed.workers(), 4);
    let report = Typed::status_from(&MapSource::new());
    assert!(report.entries().iter().all(|entry| entry.origin() == Some(&secrets_core::Origin::Default)), "{report}");
    let typed = Typed::load_from(
        &MapSource::new()
            .with("T_PORT", "9000")
            .with("T_MAX_ITEMS", "3")
            .with("T_VERBOSE", "YES")
            .with("T_TIMEOUT", "1h30m")
            .with("T_USER_AGENT", "custom/2")
            .with("T_WORKERS", "64"),
    )
    .unwrap();
    assert_eq!((*typed.port(), *typed.max_items(), *typed.verbose()), (9000, 3, true));
    assert_eq!(
        (*typed.timeout(), typed.user_agent().as_str(), *typed.workers()),
        (Duration::from_secs(5400), "custom/2", 64)
    );
}

#[test]
fn an_empty_value_takes_the_typed_default_and_says_so() {
    for empty in ["", "  "] {
        let source: MapSource = Typed::spec().names().iter().map(|name| (*name, empty)).collect();
        let typed = Typed::load_from(&source).unwrap();
        assert_eq!((*typed.port(), *typed.max_items(), *typed.verbose()), (8080, usize::MAX, false));
        assert_eq!(
            (*typed.timeout(), typed.user_agent().as_str(), typed.log_level().as_str()),
            (Duration::from_secs(30), "secrets-tests/1.0", "info")
        );
        let report = Typed::status_from(&source);
        for entry in report.entries() {
            assert_eq!(entry.level(), Level::Ok, "{entry}");
            assert!(entry.concerns().contains(&secrets_core::Concern::EmptyDefaultUsed), "{entry}");
            assert!(entry.to_string().ends_with("from default (empty, default used)"), "{entry}");
        }
    }
}

#[test]
fn a_typed_default_setting_still_refuses_bad_text() {
    let error = Typed::load_from(&MapSource::new().with("T_PORT", "80a")).unwrap_err().to_string();
    assert!(
        error.contains("T_PORT (optional config): invalid value \"80a\": invalid digit found in string (from map)"),
        "{error}"
    );
    let error = Typed::load_from(&MapSource::new().with("T_TIMEOUT", "30")).unwrap_err().to_string();
    assert!(
        error.contains("T_TIMEOUT (optional config): invalid value \"30\": a duration needs a unit: 30s, 30m or 30ms"),
        "{error}"
    );
    let error = Typed::load_from(&MapSource::new().with("T_WORKERS", "0")).unwrap_err().to_string();
    assert!(error.contains("T_WORKERS (optional config): invalid value \"0\": must be in 1..=64"), "{error}");
}

#[test]
fn typed_defaults_are_shown_as_written() {
    let port = var(Typed::spec(), "T_PORT");
    assert_eq!((port.default(), port.default_is_expression()), (Some("8080"), true));
    assert_eq!(port.category(), secrets_core::Category::Optional);
    let level = var(Typed::spec(), "T_LOG_LEVEL");
    assert_eq!((level.default(), level.default_is_expression()), (Some("info"), false));
    let example = Typed::env_example();
    for block in [
        "# default: 8080\nT_PORT=\n",
        "# default: usize::MAX\nT_MAX_ITEMS=\n",
        "# default: false\nT_VERBOSE=\n",
        "# default: Duration::from_secs(30)\nT_TIMEOUT=\n",
        "# default: agent()\nT_USER_AGENT=\n",
        "# optional setting\nT_LOG_LEVEL=info\n",
        "# default: 4\nT_WORKERS=\n",
    ] {
        assert!(example.contains(block), "{block:?} in\n{example}");
    }
    // The example loads back to the defaults.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env.example");
    std::fs::write(&path, &example).unwrap();
    let typed = Typed::load_from(&Sources::new().dotenv_file(&path)).unwrap();
    assert_eq!(
        (*typed.port(), *typed.max_items(), typed.user_agent().as_str()),
        (8080, usize::MAX, "secrets-tests/1.0")
    );
}

/// The output of the `docs` subcommand for `C`, run in a child process (it writes to stdout).
fn docs_of<C: SecretContract>(test: &str) -> Option<String> {
    if std::env::var_os("SECRETS_TEST_DOCS_CHILD").is_some() {
        println!("<<<DOCS");
        assert_eq!(secrets_core::cli::run_from::<C>(["app", "docs"]), 0);
        println!("DOCS>>>");
        return None;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1", "--nocapture"])
        .env_clear()
        .env("SECRETS_TEST_DOCS_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let start = stdout.find("<<<DOCS\n").expect("the child printed the docs") + 8;
    let end = stdout.find("DOCS>>>").unwrap();
    Some(stdout[start..end].to_owned())
}

/// The row of `name` in a docs table.
fn row<'a>(docs: &'a str, name: &str) -> &'a str {
    docs.lines().find(|line| line.starts_with(&format!("| `{name}` |"))).unwrap_or_else(|| panic!("{name} in\n{docs}"))
}

#[test]
fn docs_show_typed_defaults_as_written() {
    let Some(docs) = docs_of::<Typed>("docs_show_typed_defaults_as_written") else { return };
    assert_eq!(row(&docs, "T_PORT"), "| `T_PORT` |  | config | optional |  |  | `8080` |");
    assert!(row(&docs, "T_MAX_ITEMS").ends_with("| `usize::MAX` |"), "{docs}");
    assert!(row(&docs, "T_TIMEOUT").ends_with("| `Duration::from_secs(30)` |"), "{docs}");
    assert!(row(&docs, "T_USER_AGENT").ends_with("| `agent()` |"), "{docs}");
    assert!(row(&docs, "T_VERBOSE").ends_with("| `false` |"), "{docs}");
    assert!(row(&docs, "T_LOG_LEVEL").ends_with("| `info` |"), "{docs}");
}

#[test]
fn docs_show_sections_and_groups_of_a_nested_contract() {
    let Some(docs) = docs_of::<Top>("docs_show_sections_and_groups_of_a_nested_contract") else { return };
    assert!(
        row(&docs, "TOP_M_LEAF_TOKEN").starts_with("| `TOP_M_LEAF_TOKEN` | `mid.leaf` | secret | required |"),
        "{docs}"
    );
    assert!(row(&docs, "SHARED_REGION").starts_with("| `SHARED_REGION` | `mid.leaf` | config |"), "{docs}");
    assert!(
        row(&docs, "TOP_M_EXTRA_KEY").starts_with("| `TOP_M_EXTRA_KEY` | `mid.extra` (when `TOP_M_EXTRA_ENABLED`) |"),
        "{docs}"
    );
    assert_eq!(docs.lines().filter(|line| line.starts_with("| `")).count(), TOP_NAMES.len(), "{docs}");
}

// ---------------------------------------------------------------------------------------------
// Value rules: `min_len`, `range`, `validate`.

#[allow(clippy::ptr_arg)] // the rule of a `String` setting takes `&String`
fn check_host(host: &String) -> Result<(), String> {
    if host.contains("://") { Err(format!("{host} is a URL, not a host name")) } else { Ok(()) }
}

fn check_hook(secret: &SecretString) -> Result<(), String> {
    let text = secret.expose_secret();
    if !text.starts_with("whk_") {
        return Err(format!("{text} does not start with whk_"));
    }
    if text.chars().count() > 40 {
        return Err("is longer than 40 characters".to_owned());
    }
    Ok(())
}

#[derive(SecretContract)]
#[contract(prefix = "R_")]
struct Ruled {
    #[secret(required, min_len = 16)]
    api_key: SecretString,
    #[config(min_len = 3)]
    label: Option<String>,
    #[config(default = 10, range = 1..=100)]
    workers: u32,
    #[config(default = 0.5, range = 0.0..=1.0)]
    sample_rate: f64,
    #[config(default = 1, range = 1..)]
    retries: u32,
    #[config(range = ..=-1)]
    offset: Option<i32>,
    #[config(validate = check_host)]
    host: Option<String>,
    #[secret(optional, validate = check_hook)]
    hook_secret: Option<SecretString>,
}

fn ruled() -> MapSource {
    MapSource::new().with("R_API_KEY", "a-long-enough-api-key")
}

fn ruled_error(name: &str, value: &str) -> String {
    Ruled::load_from(&ruled().with(name, value)).map(|_| ()).unwrap_err().to_string()
}

#[test]
fn min_len_on_a_secret_never_shows_it() {
    let value = "short-Jx4Qz";
    let error = Ruled::load_from(&MapSource::new().with("R_API_KEY", value)).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("R_API_KEY (required secret): invalid: shorter than 16 characters (from map)"), "{text}");
    for surface in [
        text,
        format!("{error:?}"),
        error.report().to_json(),
        Ruled::status_from(&MapSource::new().with("R_API_KEY", value)).to_string(),
    ] {
        secrets_core::testing::assert_clean("a short secret", &surface, value);
    }
    // Characters, not bytes: 16 two-byte characters are enough, 15 are not.
    assert!(Ruled::load_from(&MapSource::new().with("R_API_KEY", "ä".repeat(16))).is_ok());
    assert!(Ruled::load_from(&MapSource::new().with("R_API_KEY", "ä".repeat(15))).is_err());
    assert!(Ruled::load_from(&MapSource::new().with("R_API_KEY", "x".repeat(16))).is_ok());
}

#[test]
fn min_len_on_a_text_setting_shows_the_text() {
    let error = ruled_error("R_LABEL", "ab");
    assert!(
        error.contains("R_LABEL (optional config): invalid value \"ab\": shorter than 3 characters (from map)"),
        "{error}"
    );
    assert_eq!(Ruled::load_from(&ruled().with("R_LABEL", "abc")).unwrap().label().unwrap(), "abc");
}

#[test]
fn ranges_on_integers_and_floats() {
    for (name, value, shown) in [
        ("R_WORKERS", "0", "1..=100"),
        ("R_WORKERS", "101", "1..=100"),
        ("R_SAMPLE_RATE", "1.5", "0.0..=1.0"),
        ("R_SAMPLE_RATE", "-0.1", "0.0..=1.0"),
        ("R_SAMPLE_RATE", "NaN", "0.0..=1.0"),
        ("R_RETRIES", "0", "1.."),
        ("R_OFFSET", "0", "..=-1"),
    ] {
        let error = ruled_error(name, value);
        let line = format!("{name} (optional config): invalid value \"{value}\": must be in {shown} (from map)");
        assert!(error.contains(&line), "{line} in {error}");
    }
    let ruled = Ruled::load_from(
        &ruled()
            .with("R_WORKERS", "100")
            .with("R_SAMPLE_RATE", "1")
            .with("R_RETRIES", "4000000000")
            .with("R_OFFSET", "-5"),
    )
    .unwrap();
    assert_eq!((*ruled.workers(), *ruled.retries(), *ruled.offset().unwrap()), (100, 4_000_000_000, -5));
    assert!((*ruled.sample_rate() - 1.0).abs() < f64::EPSILON);
    let ruled = Ruled::load_from(&self::ruled()).unwrap();
    assert!((*ruled.sample_rate() - 0.5).abs() < f64::EPSILON);
    assert_eq!((*ruled.workers(), *ruled.retries()), (10, 1));
}

#[test]
fn a_settings_validate_rule_shows_its_reason_and_text() {
    let error = ruled_error("R_HOST", "https://db.internal");
    assert!(
        error.contains(
            "R_HOST (optional config): invalid value \"https://db.internal\": https://db.internal is a URL, not a host name"
        ),
        "{error}"
    );
    assert_eq!(Ruled::load_from(&ruled().with("R_HOST", "db.internal")).unwrap().host().unwrap(), "db.internal");
}

#[test]
fn a_secrets_validate_rule_never_shows_the_value() {
    let value = "plain-hook-Rt5vXq9";
    let error = Ruled::load_from(&ruled().with("R_HOOK_SECRET", value)).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(
            "R_HOOK_SECRET (optional secret): invalid: fails its rule (the reason is not shown: it holds the value)"
        ),
        "{text}"
    );
    for surface in [text, format!("{error:?}"), error.report().to_json()] {
        secrets_core::testing::assert_clean("a secret's rule", &surface, value);
    }
    // A reason that does not hold the value is shown.
    let long = format!("whk_{}", "z".repeat(40));
    let text = ruled_error("R_HOOK_SECRET", &long);
    assert!(text.contains("R_HOOK_SECRET (optional secret): invalid: is longer than 40 characters"), "{text}");
    assert!(!text.contains("zzzz"));
    let ok = Ruled::load_from(&ruled().with("R_HOOK_SECRET", "whk_fine-hook-value")).unwrap();
    assert_eq!(ok.hook_secret().unwrap().expose_secret(), "whk_fine-hook-value");
}

// ---------------------------------------------------------------------------------------------
// Secret lists and binary secrets.

#[derive(SecretContract)]
#[contract(prefix = "K_")]
struct Keyring {
    #[secret(required)]
    api_keys: Vec<SecretString>,
    #[secret(optional, sep = " ")]
    fallback_keys: Option<Vec<SecretString>>,
    #[secret(required)]
    signing_key: SecretBox<[u8; 32]>,
    #[secret(optional)]
    blob: Option<SecretBox<Vec<u8>>>,
}

/// 32 bytes whose standard base64 holds `+` and `/`, so the URL-safe form differs.
fn key_bytes() -> [u8; 32] {
    std::array::from_fn(|i| u8::try_from(i).unwrap().wrapping_mul(37) ^ 0xfb)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

fn keyring(signing_key: &str) -> MapSource {
    MapSource::new()
        .with("K_API_KEYS", "alpha-key-Qm1111, beta-key-Qm22222 ,,gamma-key-Qm333")
        .with("K_SIGNING_KEY", signing_key)
}

#[test]
fn a_secret_list_is_split_trimmed_and_masked() {
    use base64::Engine as _;
    let standard = base64::engine::general_purpose::STANDARD.encode(key_bytes());
    let source = keyring(&standard).with("K_FALLBACK_KEYS", "fb-one-Wd8aaaa  fb-two-Wd8bbbb");
    let keys = Keyring::load_from(&source).unwrap();
    let items: Vec<&str> = keys.api_keys().iter().map(ExposeSecret::expose_secret).collect();
    assert_eq!(items, ["alpha-key-Qm1111", "beta-key-Qm22222", "gamma-key-Qm333"]);
    let fallbacks: Vec<&str> = keys.fallback_keys().unwrap().iter().map(ExposeSecret::expose_secret).collect();
    assert_eq!(fallbacks, ["fb-one-Wd8aaaa", "fb-two-Wd8bbbb"]);
    let debug = format!("{keys:?}");
    assert_eq!(
        debug,
        "Keyring { api_keys: [REDACTED], fallback_keys: [REDACTED], signing_key: [REDACTED], blob: [REDACTED] }"
    );

    let error = Keyring::load_from(&keyring(&standard).with("K_API_KEYS", " , ,")).unwrap_err().to_string();
    assert!(error.contains("K_API_KEYS (required secret): invalid: holds no item"), "{error}");
}

#[test]
fn the_redactor_masks_each_item_of_a_secret_list() {
    use base64::Engine as _;
    let standard = base64::engine::general_purpose::STANDARD.encode(key_bytes());
    let keys =
        Keyring::load_from(&keyring(&standard).with("K_FALLBACK_KEYS", "fb-one-Wd8aaaa  fb-two-Wd8bbbb")).unwrap();
    let redactor = keys.redactor();
    for item in ["alpha-key-Qm1111", "beta-key-Qm22222", "gamma-key-Qm333", "fb-one-Wd8aaaa", "fb-two-Wd8bbbb"] {
        let text = format!("calling with {item} now");
        assert_eq!(redactor.redact(&text), "calling with [REDACTED] now", "{item}");
    }
}

#[test]
fn binary_secrets_decode_base64_in_either_alphabet_and_hex() {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let bytes = key_bytes();
    let standard = STANDARD.encode(bytes);
    assert!(standard.contains(['+', '/']) && standard.ends_with('='), "{standard}");
    let forms = [
        standard.clone(),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        format!("hex:{}", hex(&bytes)),
        format!("HEX:{}", hex(&bytes).to_uppercase()),
        format!("  {standard}\n"),
    ];
    for form in &forms {
        let keys = Keyring::load_from(&keyring(form)).unwrap_or_else(|error| panic!("{form}: {error}"));
        assert_eq!(keys.signing_key().expose_secret(), &bytes, "{form}");
    }
    let blob = STANDARD.encode(b"any length of bytes \x00\xff");
    let keys = Keyring::load_from(&keyring(&standard).with("K_BLOB", blob)).unwrap();
    assert_eq!(keys.blob().unwrap().expose_secret().as_slice(), b"any length of bytes \x00\xff");
    let keys = Keyring::load_from(&keyring(&standard).with("K_BLOB", "hex:00ff10")).unwrap();
    assert_eq!(keys.blob().unwrap().expose_secret().as_slice(), [0x00, 0xff, 0x10]);
}

#[test]
fn a_binary_secret_of_the_wrong_length_names_the_variable_not_the_value() {
    use base64::Engine as _;
    let short = format!("hex:{}", hex(&key_bytes()[..31]));
    let long = base64::engine::general_purpose::STANDARD.encode([7u8; 33]);
    for (value, reason) in [
        (short.as_str(), "decodes to 31 bytes, expected 32"),
        (long.as_str(), "decodes to 33 bytes, expected 32"),
        ("zz??Qw!!Pk##", "not base64 (standard or URL-safe) nor hex after `hex:`"),
        ("hex:0g0g", "not hex digits (0-9, a-f) after the prefix"),
    ] {
        let error = Keyring::load_from(&keyring(value)).unwrap_err();
        let text = error.to_string();
        let line = format!("K_SIGNING_KEY (required secret): invalid: {reason} (from map)");
        assert!(text.contains(&line), "{line} in {text}");
        let all = format!("{text}{error:?}{}", error.report().to_json());
        for piece in value.trim().as_bytes().windows(6) {
            assert!(!all.contains(std::str::from_utf8(piece).unwrap()), "{value} shows in {all}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `ConfigEnum` settings.

#[derive(ConfigEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Free,
    #[config_enum(name = "pro")]
    Professional,
    EnterprisePlus,
}

#[derive(SecretContract)]
#[contract(prefix = "E_")]
struct Plans {
    #[config(default = "free")]
    tier: Tier,
    #[config]
    backup_tier: Option<Tier>,
    #[config(default = "free")]
    tiers: Vec<Tier>,
}

const TIERS: [&str; 3] = ["free", "pro", "enterprise-plus"];

#[test]
fn config_enums_match_kebab_or_snake_case_in_any_case() {
    assert_eq!(Tier::VALUES, TIERS);
    assert_eq!(
        (Tier::Free.name(), Tier::Professional.name(), Tier::EnterprisePlus.name()),
        ("free", "pro", "enterprise-plus")
    );
    for (text, tier) in [
        ("free", Tier::Free),
        ("FREE", Tier::Free),
        ("pro", Tier::Professional),
        (" Pro ", Tier::Professional),
        ("enterprise-plus", Tier::EnterprisePlus),
        ("enterprise_plus", Tier::EnterprisePlus),
        ("ENTERPRISE_PLUS", Tier::EnterprisePlus),
        ("Enterprise-Plus", Tier::EnterprisePlus),
    ] {
        assert_eq!(text.parse::<Tier>(), Ok(tier), "{text:?}");
    }
    for text in ["professional", "enterprise plus", "enterpriseplus", "", "free,pro"] {
        let error = text.parse::<Tier>().unwrap_err();
        assert_eq!(error.to_string(), "expected one of: free, pro, enterprise-plus", "{text:?}");
    }
    let plans = Plans::load_from(
        &MapSource::new()
            .with("E_TIER", "PRO")
            .with("E_BACKUP_TIER", "enterprise_plus")
            .with("E_TIERS", "free, PRO,enterprise-plus"),
    )
    .unwrap();
    assert_eq!((*plans.tier(), *plans.backup_tier().unwrap()), (Tier::Professional, Tier::EnterprisePlus));
    assert_eq!(plans.tiers(), &[Tier::Free, Tier::Professional, Tier::EnterprisePlus]);
    let plans = Plans::load_from(&MapSource::new()).unwrap();
    assert_eq!(
        (*plans.tier(), plans.tiers().as_slice(), plans.has_backup_tier()),
        (Tier::Free, &[Tier::Free][..], false)
    );
}

#[test]
fn config_enum_errors_list_the_accepted_values() {
    let error = Plans::load_from(&MapSource::new().with("E_TIER", "gold")).unwrap_err().to_string();
    assert!(
        error.contains(
            "E_TIER (optional config): invalid value \"gold\": expected one of: free, pro, enterprise-plus (from map)"
        ),
        "{error}"
    );
    let error = Plans::load_from(&MapSource::new().with("E_BACKUP_TIER", "gold")).unwrap_err().to_string();
    assert!(
        error.contains(
            "E_BACKUP_TIER (optional config): invalid value \"gold\": expected one of: free, pro, enterprise-plus"
        ),
        "{error}"
    );
    let error = Plans::load_from(&MapSource::new().with("E_TIERS", "free,gold")).unwrap_err().to_string();
    assert!(
        error.contains("E_TIERS (optional config): invalid value \"free,gold\": item 2 (\"gold\"): expected one of: free, pro, enterprise-plus"),
        "{error}"
    );
}

#[test]
fn option_and_list_enums_list_their_values_in_the_spec_and_example() {
    for name in ["E_TIER", "E_BACKUP_TIER", "E_TIERS"] {
        assert_eq!(var(Plans::spec(), name).accepted(), TIERS, "{name}");
    }
    let example = Plans::env_example();
    assert_eq!(example.matches("# one of: free, pro, enterprise-plus\n").count(), 3, "{example}");
    assert!(example.contains("# one of: free, pro, enterprise-plus\nE_BACKUP_TIER=\n"), "{example}");
    // Other setting types list nothing.
    assert!(var(Typed::spec(), "T_PORT").accepted().is_empty());
    assert!(var(Typed::spec(), "T_USER_AGENT").accepted().is_empty());
}

#[test]
fn docs_list_the_accepted_values() {
    let Some(docs) = docs_of::<Plans>("docs_list_the_accepted_values") else { return };
    for name in ["E_TIER", "E_BACKUP_TIER", "E_TIERS"] {
        assert!(row(&docs, name).contains("| `free`, `pro`, `enterprise-plus` |"), "{docs}");
    }
}

// ---------------------------------------------------------------------------------------------
// Doubtful corners.

#[derive(SecretContract)]
struct Renamed {
    #[secret(optional, alias = "OLD_RENAMED_TOKEN")]
    renamed_token: Option<SecretString>,
    #[config(default = "x", alias = "OLD_RENAMED_MODE")]
    renamed_mode: String,
}

#[test]
fn an_empty_primary_name_falls_back_to_a_set_alias() {
    let source = MapSource::new()
        .with("RENAMED_TOKEN", "")
        .with("OLD_RENAMED_TOKEN", "token-from-alias-1")
        .with("RENAMED_MODE", " ")
        .with("OLD_RENAMED_MODE", "from-alias");
    let renamed = Renamed::load_from(&source).unwrap();
    assert_eq!(
        renamed.renamed_token().map(|token| token.expose_secret().to_owned()).ok().as_deref(),
        Some("token-from-alias-1")
    );
    assert_eq!(renamed.renamed_mode(), "from-alias");
}

#[derive(SecretContract)]
struct ClashInner {
    #[config]
    url: String,
}

#[derive(SecretContract)]
#[contract(prefix = "C_")]
struct Clash {
    #[config(default = "outer")]
    db_url: String,
    #[nested(prefix = "DB_")]
    db: ClashInner,
}

/// The derive cannot see a section's names, so the clash is found when the contract is first
/// composed: a panic naming the variable and both fields, before any value is read.
#[test]
#[should_panic(expected = "contract Clash: `C_DB_URL` is read by `db_url` and by `db`: rename one or change a prefix")]
fn a_sections_names_cannot_collide_with_the_outer_contracts() {
    let _ = Clash::spec();
}

// ---------------------------------------------------------------------------------------------
// Findings of an attacker's review, each fixed.

#[derive(SecretContract)]
struct ByCredential {
    #[secret(required, credential = "db-pass")]
    db_password: SecretString,
    #[config]
    port: u16,
}

#[test]
fn a_secret_read_by_its_credential_id_is_masked_in_an_invalid_setting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db-pass");
    std::fs::write(&path, "hunter2hunter2").unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let sources = Sources::new().secrets_dir(dir.path()).with(MapSource::new().with("PORT", "hunter2hunter2"));
    let error = ByCredential::load_from(&sources).unwrap_err();
    let text = format!("{error} {error:?} {}", error.report().to_json());
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("PORT (required config): invalid value \"[REDACTED]\""), "{text}");
}

#[derive(SecretContract)]
#[contract(validate = quote_a_piece)]
struct Quoting {
    #[secret(required)]
    api_key: SecretString,
}

fn quote_a_piece(quoting: &Quoting, problems: &mut Problems) {
    let piece = &quoting.api_key().expose_secret()[..10];
    problems.add("API_KEY", format!("key {piece}… is revoked"));
}

#[test]
fn a_rule_that_quotes_a_piece_of_a_secret_shows_none_of_it() {
    let error = Quoting::load_from(&MapSource::new().with("API_KEY", "sk-live-0123456789abcdef")).unwrap_err();
    let text = format!("{error} {}", error.report().to_json());
    assert!(!text.contains("sk-live-01"), "{text}");
    assert!(text.contains("API_KEY: (not shown: it holds a piece of a secret) (contract rule)"), "{text}");
}

#[derive(SecretContract)]
#[contract(prefix = "RN_")]
struct Relabelled {
    #[config(default = "starttls", deprecated = "RN_SMTP_SSL", alias = "RN_MAIL_SECURITY")]
    smtp_security: String,
    #[secret(optional, alias = "RN_FIRST", alias = "RN_SECOND")]
    token: Option<SecretString>,
}

#[test]
fn declared_aliases_are_not_unknown_names() {
    let source = MapSource::new().with("RN_SMTP_SSL", "tls").with("RN_MAIL_SECURITY", "tls").with("RN_TYPO", "x");
    let policy = Policy::strict().check_unknown(true).hard_fail(false);
    let report = Relabelled::validate_from(&source, policy).unwrap();
    let unknown: Vec<&str> = report.unknown().iter().map(|unknown| unknown.name.as_str()).collect();
    assert_eq!(unknown, ["RN_TYPO"], "{report}");
}

#[test]
fn an_empty_alias_is_unset_and_the_next_one_is_read() {
    let source = MapSource::new().with("RN_FIRST", "").with("RN_SECOND", "second-token-value");
    let renamed = Relabelled::load_from(&source).unwrap();
    assert_eq!(renamed.token().unwrap().expose_secret(), "second-token-value");
    let report = Relabelled::status_from(&source);
    assert_eq!(report.entry("RN_TOKEN").unwrap().supplied_by(), Some("RN_SECOND"));
}

#[derive(SecretContract)]
struct AliasedDb {
    #[secret(required, alias = "DATABASE_URL")]
    url: SecretString,
}

#[derive(SecretContract)]
struct TwoDatabases {
    #[nested]
    primary: AliasedDb,
    #[nested]
    replica: Option<AliasedDb>,
}

#[test]
#[should_panic(expected = "contract TwoDatabases: `DATABASE_URL` is read by `primary` and by `replica`")]
fn an_alias_read_by_two_sections_panics_at_first_use() {
    let _ = TwoDatabases::spec();
}

fn sixteen_bytes(key: &SecretBox<Vec<u8>>) -> Result<(), String> {
    if key.expose_secret().len() == 16 { Ok(()) } else { Err("must be 16 bytes".to_owned()) }
}

#[derive(SecretContract)]
struct Keys {
    #[secret(required, validate = sixteen_bytes)]
    aes_key: SecretBox<Vec<u8>>,
    #[secret(required)]
    signing_key: SecretBox<Vec<u8>>,
}

#[test]
fn binary_secrets_take_validate_rules_and_line_wrapped_base64() {
    use base64::Engine;
    let long = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
    let wrapped = format!("{}\n{}\n", &long[..64], &long[64..]);
    let good =
        MapSource::new().with("AES_KEY", "hex:00112233445566778899aabbccddeeff").with("SIGNING_KEY", wrapped.as_str());
    let keys = Keys::load_from(&good).unwrap();
    assert_eq!(keys.signing_key().expose_secret(), &vec![7u8; 64]);
    let bad = MapSource::new().with("AES_KEY", "hex:0011").with("SIGNING_KEY", wrapped.as_str());
    let error = Keys::load_from(&bad).unwrap_err().to_string();
    assert!(error.contains("AES_KEY (required secret): invalid: must be 16 bytes"), "{error}");
}
