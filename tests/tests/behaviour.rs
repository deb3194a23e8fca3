//! How contracts load, judge and report, driven through `MapSource` and temporary `.env` files.

mod common;

use std::fs;

use common::{AppSecrets, FULL};
use secrets_core::{
    Category, ExposeSecret, Level, MapSource, Origin, Policy, SecretContract, SecretString, Sources, State,
};

fn without(names: &[&str]) -> MapSource {
    FULL.iter().filter(|(name, _)| !names.contains(name)).copied().collect()
}

fn level_of(policy: Policy, missing: &str) -> Level {
    let report = AppSecrets::validate_from(&without(&[missing]), policy.hard_fail(false)).unwrap();
    report.entry(missing).unwrap().level()
}

#[test]
fn a_full_environment_loads_every_field() {
    let secrets = AppSecrets::load_from(&without(&[])).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://app:pw@db/app");
    assert_eq!(secrets.openai_api_key().unwrap().expose_secret(), "sk-test-openai");
    assert_eq!(*secrets.port(), 9090);
    assert_eq!(secrets.workers().copied().unwrap(), 4);
    assert!(secrets.has_openai() && secrets.has_slack_webhook_url() && secrets.has_database_url());
    assert!(AppSecrets::status_from(&without(&[])).is_ok());
}

#[test]
fn each_category_follows_each_policy() {
    let startup = Policy::startup();
    let billing = Policy::startup().include_billing(true);
    let strict = Policy::strict();
    let cases = [
        ("REDIS_URL", [Level::Error, Level::Error, Level::Error]),
        ("OPENAI_API_KEY", [Level::Warning, Level::Error, Level::Error]),
        ("ANTHROPIC_API_KEY", [Level::Warning, Level::Warning, Level::Error]),
        ("SLACK_WEBHOOK_URL", [Level::Ok, Level::Ok, Level::Ok]),
        ("WORKERS", [Level::Ok, Level::Ok, Level::Ok]),
    ];
    for (name, levels) in cases {
        for (policy, level) in [startup, billing, strict].into_iter().zip(levels) {
            assert_eq!(level_of(policy, name), level, "{name} missing under {policy:?}");
        }
    }
}

#[test]
fn load_fails_only_when_the_policy_says_so() {
    let no_billing = without(&["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]);
    let secrets = AppSecrets::load_from(&no_billing).unwrap();
    assert!(!secrets.has_openai() && secrets.has_openai_org());
    assert!(AppSecrets::load_with(&no_billing, Policy::startup().include_billing(true)).is_err());
    assert!(AppSecrets::load_with(&no_billing, Policy::strict()).is_err());
    assert!(AppSecrets::load_with(&no_billing, Policy::strict().hard_fail(false)).is_ok());
    assert!(AppSecrets::validate_from(&no_billing, Policy::strict()).is_err());
}

#[test]
fn a_missing_required_value_fails_even_without_hard_fail() {
    let error = AppSecrets::load_with(&without(&["REDIS_URL"]), Policy::startup().hard_fail(false)).unwrap_err();
    assert!(error.to_string().contains("REDIS_URL (required secret): missing"), "{error}");
    let report = AppSecrets::validate_from(&without(&["REDIS_URL"]), Policy::startup().hard_fail(false)).unwrap();
    assert!(!report.is_ok());
}

#[test]
fn one_error_lists_every_problem_and_where_it_looked() {
    let source = MapSource::new().with("DATABASE_URL", "  ").with("PORT", "http");
    let error = AppSecrets::load_with(&source, Policy::strict()).unwrap_err();
    let text = error.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "AppSecrets: 6 problems", "{text}");
    assert_eq!(
        &lines[1..7],
        [
            "  DATABASE_URL (required secret): set but empty (from map), Postgres connection string",
            "  REDIS_URL (required secret): missing, Redis connection string",
            "  OPENAI_API_KEY (billing secret): missing, OpenAI API (spends money)",
            "  OPENAI_ORG_ID (billing secret): missing",
            "  ANTHROPIC_API_KEY (external secret): missing, Anthropic API",
            "  PORT (optional config): invalid value \"http\": invalid digit found in string (from map)",
        ]
    );
    assert_eq!(lines[7], "looked in: map");
    assert_eq!(error.report().at_level(Level::Error).count(), 6);
}

#[test]
fn a_prefix_applies_to_derived_names_but_not_explicit_ones() {
    #[derive(SecretContract)]
    #[contract(prefix = "SHOP_")]
    struct Shop {
        #[secret(required)]
        stripe_key: SecretString,
        #[secret(required, env = "LEGACY_TOKEN")]
        token: SecretString,
    }
    let names: Vec<&str> = Shop::spec().vars().iter().map(secrets_core::VarSpec::name).collect();
    assert_eq!(names, ["SHOP_STRIPE_KEY", "LEGACY_TOKEN"]);
    let error = Shop::load_from(&MapSource::new().with("STRIPE_KEY", "x")).unwrap_err();
    assert!(error.to_string().contains("SHOP_STRIPE_KEY (required secret): missing"));
}

#[test]
fn empty_values_are_missing_unless_allowed() {
    #[derive(SecretContract)]
    struct Empties {
        #[secret(required, allow_empty)]
        redis_password: SecretString,
        #[secret(optional)]
        sentry_dsn: Option<SecretString>,
    }
    let source = MapSource::new().with("REDIS_PASSWORD", "").with("SENTRY_DSN", " \t");
    let secrets = Empties::load_from(&source).unwrap();
    assert_eq!(secrets.redis_password().expose_secret(), "");
    assert!(!secrets.has_sentry_dsn());
    let report = Empties::status_from(&source);
    assert_eq!(report.entry("SENTRY_DSN").unwrap().state(), &State::Empty);
    assert!(report.to_string().contains("➖ SENTRY_DSN: set but empty (OPT) from map"), "{report}");
}

#[test]
fn config_defaults_apply_and_parse_errors_name_the_variable() {
    let secrets = AppSecrets::load_from(&without(&["LOG_LEVEL", "PORT", "WORKERS"])).unwrap();
    assert_eq!(secrets.log_level(), "info");
    assert_eq!(*secrets.port(), 8080);
    assert!(secrets.workers().is_err());
    let report = AppSecrets::status_from(&without(&["PORT"]));
    assert_eq!(report.entry("PORT").unwrap().origin(), Some(&Origin::Default));
    let error = AppSecrets::load_from(&without(&[]).with("WORKERS", "many")).unwrap_err();
    assert!(
        error.to_string().contains("WORKERS (optional config): invalid value \"many\": invalid digit found in string")
    );
}

#[test]
fn a_required_config_without_default_is_an_error() {
    #[derive(SecretContract)]
    struct Needs {
        #[config(description = "Region to deploy to")]
        region: String,
    }
    let error = Needs::load_from(&MapSource::new()).unwrap_err();
    assert!(error.to_string().contains("REGION (required config): missing, Region to deploy to"), "{error}");
}

#[test]
fn a_feature_group_needs_every_member() {
    let only_key = without(&["OPENAI_ORG_ID"]);
    let secrets = AppSecrets::load_from(&only_key).unwrap();
    assert!(secrets.has_openai_api_key() && !secrets.has_openai());
    let spec = AppSecrets::spec();
    let members: Vec<&str> =
        spec.vars().iter().filter(|var| var.feature() == Some("openai")).map(secrets_core::VarSpec::name).collect();
    assert_eq!(members, ["OPENAI_API_KEY", "OPENAI_ORG_ID"]);
}

#[test]
fn accessors_of_missing_secrets_name_the_variable_and_category() {
    let secrets = AppSecrets::load_from(&without(&["ANTHROPIC_API_KEY"])).unwrap();
    let error = secrets.anthropic_api_key().unwrap_err();
    assert_eq!(error.to_string(), "ANTHROPIC_API_KEY is not set (external secret): Anthropic API");
    assert_eq!(error.var().expect("a variable").category(), Category::External);
}

#[test]
fn earlier_sources_win_over_a_dotenv_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, "# app settings\nDATABASE_URL=postgres://from-file\n\nREDIS_URL=redis://from-file\n").unwrap();
    let sources = Sources::new().with(MapSource::new().with("DATABASE_URL", "postgres://from-env")).dotenv_file(&path);
    let secrets = AppSecrets::load_from(&sources).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://from-env");
    assert_eq!(secrets.redis_url().expose_secret(), "redis://from-file");
    let report = AppSecrets::status_from(&sources);
    assert_eq!(report.entry("DATABASE_URL").unwrap().origin(), Some(&Origin::Map));
    assert_eq!(
        report.entry("REDIS_URL").unwrap().origin(),
        Some(&Origin::Dotenv { path: path.clone(), line: Some(4) })
    );
    assert!(report.to_string().contains("✅ REDIS_URL: configured (REQ) from .env:4"), "{report}");
    assert_eq!(report.looked_in(), ["map".to_owned(), path.display().to_string()]);
}

#[test]
fn the_nearest_dotenv_is_found_walking_up() {
    let root = tempfile::tempdir().unwrap();
    fs::write(root.path().join(".env"), "DATABASE_URL=postgres://root\nREDIS_URL=redis://root\n").unwrap();
    let nested = root.path().join("scripts/nightly");
    fs::create_dir_all(nested.join(".env")).unwrap(); // a virtualenv named .env is not a file
    let secrets = AppSecrets::load_from(&Sources::new().dotenv_upward_from(&nested)).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://root");

    let closer = root.path().join("scripts");
    fs::write(closer.join(".env"), "DATABASE_URL=postgres://closer\nREDIS_URL=redis://closer\n").unwrap();
    let secrets = AppSecrets::load_from(&Sources::new().dotenv_upward_from(&nested)).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://closer");
}

#[test]
fn no_dotenv_is_said_in_the_error() {
    let empty = tempfile::tempdir().unwrap();
    let error = AppSecrets::load_from(&Sources::new().dotenv_upward_from(empty.path())).unwrap_err();
    let last = error.to_string().lines().last().unwrap().to_owned();
    assert_eq!(last, format!("looked in: no .env found from {} upward", empty.path().display()));
}

#[test]
fn a_malformed_dotenv_names_its_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, "DATABASE_URL=postgres://x\nREDIS_URL=redis://x\nnot a definition hunter2\n").unwrap();
    let sources = Sources::new().dotenv_file(&path);
    let error = AppSecrets::load_from(&sources).unwrap_err();
    let text = error.to_string();
    assert!(text.contains(&format!("{} does not parse at line 3", path.display())), "{text}");
    assert!(!text.contains("hunter2"));
    let report = AppSecrets::status_from(&sources);
    assert!(!report.is_ok());
    assert!(report.to_string().contains("❌ ") && report.to_json().contains("does not parse at line 3"));
}

#[test]
fn an_unreadable_dotenv_is_a_problem_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.env");
    let error = AppSecrets::load_from(&Sources::new().dotenv_file(&missing)).unwrap_err();
    assert!(error.to_string().contains(&format!("{} does not exist", missing.display())));
    let binary = dir.path().join(".env");
    fs::write(&binary, b"DATABASE_URL=ok\nREDIS_URL=\xff\xfe\n").unwrap();
    let error = AppSecrets::load_from(&Sources::new().dotenv_file(&binary)).unwrap_err();
    assert!(error.to_string().contains(".env is not valid UTF-8 at line 2"), "{error}");
}

#[cfg(unix)]
#[test]
fn non_utf8_values_are_unreadable_and_named() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    let source = without(&[]).with("REDIS_URL", OsString::from_vec(b"redis://\xff\xfe".to_vec()));
    let error = AppSecrets::load_from(&source).unwrap_err();
    assert!(
        error.to_string().contains("REDIS_URL (required secret): unreadable: not valid UTF-8 (from map)"),
        "{error}"
    );
}

#[test]
fn nul_bytes_and_huge_values_are_invalid() {
    let huge = "x".repeat(2 * 1024 * 1024);
    let source = without(&[]).with("DATABASE_URL", "post\0gres").with("REDIS_URL", huge);
    let text = AppSecrets::load_from(&source).unwrap_err().to_string();
    assert!(text.contains("DATABASE_URL (required secret): invalid: contains a NUL byte"), "{text}");
    assert!(text.contains("REDIS_URL (required secret): invalid: longer than 1048576 bytes"), "{text}");
}

#[test]
fn the_status_report_has_one_line_per_variable() {
    let report = AppSecrets::status_from(&without(&["REDIS_URL", "OPENAI_API_KEY", "SLACK_WEBHOOK_URL", "PORT"]));
    let text = report.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "AppSecrets: 1 error, 1 warning",
            "✅ DATABASE_URL: configured (REQ) from map",
            "❌ REDIS_URL: missing (REQ) Redis connection string",
            "⚠️ OPENAI_API_KEY: missing (BILLING) OpenAI API (spends money)",
            "✅ OPENAI_ORG_ID: configured (BILLING) from map",
            "✅ ANTHROPIC_API_KEY: configured (EXT) from map",
            "➖ SLACK_WEBHOOK_URL: missing (OPT) Slack alerts",
            "✅ LOG_LEVEL: configured (CONFIG) from map",
            "✅ PORT: configured (CONFIG) from default",
            "✅ WORKERS: configured (CONFIG) from map",
            "looked in: map",
        ]
    );
}

#[test]
fn the_status_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, "\n\nDATABASE_URL=postgres://x\n").unwrap();
    let report = AppSecrets::status_from(&Sources::new().dotenv_file(&path));
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["contract"], "AppSecrets");
    assert_eq!(json["ok"], false);
    assert_eq!(
        json["secrets"][0],
        serde_json::json!({
            "name": "DATABASE_URL", "category": "required", "kind": "secret", "state": "configured",
            "level": "ok", "source": {"kind": "dotenv", "path": path, "line": 3},
            "description": "Postgres connection string", "feature": null, "reason": null, "suggestion": null, "concerns": [],
            "required_if": null, "section": null, "supplied_by": "DATABASE_URL",
        })
    );
    assert_eq!(json["secrets"][1]["state"], "missing");
    assert_eq!(json["secrets"][1]["source"], serde_json::Value::Null);
    assert_eq!(json["secrets"][2]["feature"], "openai");
    assert_eq!(json["secrets"][6]["kind"], "config");
    assert_eq!(json["secrets"][6]["source"], serde_json::json!({"kind": "default"}));
    assert_eq!(json["looked_in"], serde_json::json!([path]));
}

/// With the `serde` feature, a report serializes as the JSON `to_json` writes, through any
/// serializer: here `serde_json`'s own pretty printer, byte for byte.
#[test]
fn the_report_serializes_as_its_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    // Quotes, backslashes, a tab and a control character in a name and a path's worth of text.
    fs::write(&path, "\n\nDATABASE_URL=postgres://x\nOPENAI_API_KEY=\nAPP_TYPO=\"\\\t\u{1b}\n").unwrap();
    let sources = Sources::new().dotenv_file(&path);
    let report = AppSecrets::status_from(&sources);
    assert_eq!(serde_json::to_string_pretty(&report).unwrap(), report.to_json());
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(value, serde_json::from_str::<serde_json::Value>(&report.to_json()).unwrap());
    for (index, entry) in report.entries().iter().enumerate() {
        assert_eq!(serde_json::to_value(entry).unwrap(), value["secrets"][index]);
        assert_eq!(serde_json::to_value(entry.origin()).unwrap(), value["secrets"][index]["source"]);
    }
    assert_eq!(serde_json::to_value(Level::Warning).unwrap(), "warning");
}

#[test]
fn env_example_lists_every_variable() {
    let example = AppSecrets::env_example();
    assert!(example.starts_with("# Environment for AppSecrets."));
    assert!(example.contains(
        "# Postgres connection string\n# required secret: the program does not start without it\nDATABASE_URL=\n"
    ));
    assert!(
        example.contains("# billing secret: enables features that spend money (feature: openai)\nOPENAI_ORG_ID=\n")
    );
    assert!(example.contains("# optional setting\nLOG_LEVEL=info\n"));
    let names = example.lines().filter(|line| !line.starts_with('#') && line.contains('=')).count();
    assert_eq!(names, AppSecrets::spec().vars().len());
    let parsed: Vec<(String, String)> = dotenvy_pairs(&example);
    assert_eq!(parsed.len(), 9, "the example is itself a valid .env");
}

fn dotenvy_pairs(text: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, text).unwrap();
    let source = Sources::new().dotenv_file(&path);
    let report = AppSecrets::status_from(&source);
    assert!(report.source_problems().is_empty());
    report
        .entries()
        .iter()
        .filter_map(|entry| entry.origin().map(|origin| (entry.spec().name().to_owned(), origin.to_string())))
        .collect()
}

#[test]
fn debug_redacts_secrets_and_shows_settings() {
    let secrets = AppSecrets::load_from(&without(&["SLACK_WEBHOOK_URL"])).unwrap();
    let debug = format!("{secrets:?}");
    assert_eq!(
        debug,
        "AppSecrets { database_url: [REDACTED], redis_url: [REDACTED], openai_api_key: [REDACTED], \
         openai_org: [REDACTED], anthropic_api_key: [REDACTED], slack_webhook_url: [REDACTED], \
         log_level: \"debug\", port: 9090, workers: Some(4) }"
    );
}

#[test]
fn has_probes_agree_with_the_report() {
    for missing in FULL.iter().map(|(name, _)| *name) {
        let source = without(&[missing]);
        let report = AppSecrets::status_from(&source);
        if let Ok(secrets) = AppSecrets::load_with(&source, Policy::startup().hard_fail(false)) {
            let probes = [
                secrets.has_database_url(),
                secrets.has_redis_url(),
                secrets.has_openai_api_key(),
                secrets.has_openai_org(),
                secrets.has_anthropic_api_key(),
                secrets.has_slack_webhook_url(),
                secrets.has_log_level(),
                secrets.has_port(),
                secrets.has_workers(),
            ];
            for (entry, probe) in report.entries().iter().zip(probes) {
                assert_eq!(
                    entry.state() == &State::Configured,
                    probe,
                    "{} with {missing} missing",
                    entry.spec().name()
                );
            }
        }
    }
}

#[test]
fn parsed_secrets_load_through_secret_box() {
    use secrets_core::SecretBox;

    #[derive(SecretContract)]
    struct Pinned {
        #[secret(required)]
        admin_pin: SecretBox<u32>,
    }
    let secrets = Pinned::load_from(&MapSource::new().with("ADMIN_PIN", "4921")).unwrap();
    assert_eq!(*secrets.admin_pin().expose_secret(), 4921);
    // The parser's own message is not kept for a secret: some parsers echo their input.
    let error = Pinned::load_from(&MapSource::new().with("ADMIN_PIN", "49x21")).unwrap_err();
    assert!(error.to_string().contains("ADMIN_PIN (required secret): invalid: not a valid u32"), "{error}");
}

#[derive(SecretContract)]
struct Settings {
    #[secret(required)]
    api_token: SecretString,
    #[config(default = "8080")]
    port: u16,
    #[config(default = "info")]
    log_level: String,
    #[config(allow_empty, default = "default-banner")]
    banner: String,
    #[config(allow_empty)]
    retries: Option<u32>,
    #[config]
    region: Option<String>,
}

#[test]
fn an_empty_setting_with_a_default_takes_the_default_and_says_so() {
    for empty in ["", " ", "\t \n"] {
        let source = MapSource::new()
            .with("API_TOKEN", "tok-0123456789")
            .with("PORT", empty)
            .with("LOG_LEVEL", empty)
            .with("BANNER", "")
            .with("REGION", empty);
        let settings = Settings::load_from(&source).unwrap();
        assert_eq!((*settings.port(), settings.log_level().as_str()), (8080, "info"));
        // `allow_empty` keeps the empty text.
        assert_eq!(settings.banner(), "");
        assert!(!settings.has_region());
        let report = Settings::status_from(&source).to_string();
        assert!(report.contains("✅ PORT: configured (CONFIG) from default (empty, default used)"), "{report}");
        assert!(report.contains("✅ BANNER: configured (CONFIG) from map\n"), "{report}");
    }
    // `allow_empty` hands the empty text to the parser, which judges it.
    let source = MapSource::new().with("API_TOKEN", "tok-0123456789").with("RETRIES", "");
    let error = Settings::load_from(&source).unwrap_err().to_string();
    assert!(
        error.contains("RETRIES (optional config): invalid value \"\": cannot parse integer from empty string"),
        "{error}"
    );
}

#[test]
fn a_failing_load_always_names_a_problem() {
    // Every mix of absent, empty, blank, invalid and valid values, under every policy.
    let values = [None, Some(""), Some("  "), Some("x\0y"), Some("not-a-number"), Some("42")];
    for token in values {
        for port in values {
            for retries in values {
                let mut source = MapSource::new();
                for (name, value) in [("API_TOKEN", token), ("PORT", port), ("RETRIES", retries), ("BANNER", port)] {
                    if let Some(value) = value {
                        source.insert(name, value);
                    }
                }
                for policy in [Policy::startup(), Policy::strict(), Policy::startup().hard_fail(false)] {
                    if let Err(error) = Settings::load_with(&source, policy) {
                        let text = error.to_string();
                        assert!(!text.contains(": 0 problems"), "{text}");
                        assert!(!error.report().is_ok(), "{text}");
                    }
                    if Settings::load_with(&source, policy).is_err() {
                        assert!(Settings::validate_from(&source, policy.hard_fail(true)).is_err());
                    }
                }
            }
        }
    }
}

#[derive(SecretContract)]
#[contract(prefix = "RT_")]
struct RoundTrip {
    /// The API token.
    /// It is rotated monthly: # not a comment marker here
    #[secret(required)]
    api_token: SecretString,
    #[config(default = "a value with spaces # and a hash")]
    banner: String,
    #[config(default = "say \"hi\" and 'bye' \\ $HOME ${USER}")]
    greeting: String,
    #[config(default = "line one\nline two")]
    motd: String,
    #[config(default = "8080")]
    port: u16,
    #[config(description = "Region\n\nwith a blank line")]
    region: Option<String>,
}

#[test]
fn the_env_example_reads_back_through_the_libraries_own_reader() {
    use secrets_core::Source as _;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env.example");
    fs::write(&path, RoundTrip::env_example()).unwrap();
    let source = secrets_core::DotenvSource::load(&path).unwrap_or_else(|error| panic!("{error}"));
    for var in RoundTrip::spec().vars() {
        let found = source.lookup(var.name()).unwrap().map(|found| found.value.expose_secret().to_owned());
        assert_eq!(found.as_deref(), Some(var.default().unwrap_or("")), "{}", var.name());
    }
    // Every description line stays a comment, so only the variables are defined.
    let mut names = source.names();
    names.sort();
    assert_eq!(names, ["RT_API_TOKEN", "RT_BANNER", "RT_GREETING", "RT_MOTD", "RT_PORT", "RT_REGION"]);
}

#[derive(SecretContract)]
struct Shown {
    #[config]
    port: u16,
    #[config]
    workers: Option<u32>,
    #[secret(required)]
    db_password: SecretString,
}

#[test]
fn an_invalid_setting_shows_its_text_quoted_cut_and_masked() {
    let long = "9".repeat(100);
    let source =
        MapSource::new().with("PORT", "80a").with("WORKERS", long.as_str()).with("DB_PASSWORD", "pw-Zq8Kp2Wm7Rt4");
    let error = Shown::load_from(&source).unwrap_err().to_string();
    assert!(
        error.contains("PORT (required config): invalid value \"80a\": invalid digit found in string (from map)"),
        "{error}"
    );
    let cut = format!("WORKERS (optional config): invalid value \"{}…\": number too large", "9".repeat(64));
    assert!(error.contains(&cut), "{error}");
    // A setting that holds a secret (declared after it, loaded or not) shows it masked; control
    // characters are escaped.
    let source = MapSource::new().with("PORT", "x-pw-Zq8Kp2Wm7Rt4\u{1b}[2J").with("DB_PASSWORD", "pw-Zq8Kp2Wm7Rt4");
    let error = Shown::load_from(&source).unwrap_err();
    let text = format!("{error}\n{}", error.report().to_json());
    assert!(text.contains("invalid value \"x-[REDACTED]\\u{1b}[2J\""), "{text}");
    assert!(!text.contains("Zq8Kp2") && !text.contains('\u{1b}'), "{text}");
    // A secret's text is never shown.
    let error = AppSecrets::load_from(&MapSource::new().with("DATABASE_URL", "x\0y")).unwrap_err().to_string();
    assert!(error.contains("DATABASE_URL (required secret): invalid: contains a NUL byte"), "{error}");
}

#[derive(SecretContract)]
struct Toggles {
    #[config(default = "false")]
    sso_enabled: bool,
    #[config]
    debug: Option<bool>,
    #[config(default = "30s")]
    timeout: std::time::Duration,
    #[config]
    grace: Option<core::time::Duration>,
}

#[test]
fn bools_and_durations_are_read_as_people_write_them() {
    use std::time::Duration;
    let source = MapSource::new().with("SSO_ENABLED", "Yes").with("DEBUG", "off").with("GRACE", "1h30m");
    let toggles = Toggles::load_from(&source).unwrap();
    assert!(*toggles.sso_enabled());
    assert_eq!(toggles.debug().copied().ok(), Some(false));
    assert_eq!(*toggles.timeout(), Duration::from_secs(30));
    assert_eq!(toggles.grace().copied().ok(), Some(Duration::from_secs(5400)));
    let source = MapSource::new().with("SSO_ENABLED", "maybe").with("TIMEOUT", "30").with("GRACE", "5x");
    let error = Toggles::load_from(&source).unwrap_err().to_string();
    for expected in [
        "SSO_ENABLED (optional config): invalid value \"maybe\": expected true/false, 1/0, yes/no or on/off",
        "TIMEOUT (optional config): invalid value \"30\": a duration needs a unit: 30s, 30m or 30ms",
        "GRACE (optional config): invalid value \"5x\": expected a duration such as 250ms, 30s, 5m, 1h30m or 2d",
    ] {
        assert!(error.contains(expected), "{error}");
    }
}

#[derive(SecretContract)]
struct Lists {
    #[config(default = "localhost")]
    allowed_hosts: Vec<String>,
    #[config(sep = " ")]
    ports: Vec<u16>,
    #[config]
    admins: Option<Vec<String>>,
}

#[test]
fn list_settings_are_split_trimmed_and_parsed() {
    let source = MapSource::new().with("ALLOWED_HOSTS", " a.example, b.example ,,c.example,").with("PORTS", "80  443");
    let lists = Lists::load_from(&source).unwrap();
    assert_eq!(lists.allowed_hosts(), &["a.example", "b.example", "c.example"]);
    assert_eq!(lists.ports(), &[80, 443]);
    assert!(!lists.has_admins());
    let lists = Lists::load_from(&MapSource::new().with("PORTS", "8080").with("ADMINS", "ana,bo")).unwrap();
    assert_eq!((lists.allowed_hosts().as_slice(), lists.admins().unwrap().len()), (&["localhost".to_owned()][..], 2));
    let error = Lists::load_from(&MapSource::new().with("PORTS", "80 http 443")).unwrap_err().to_string();
    let expected =
        "PORTS (required config): invalid value \"80 http 443\": item 2 (\"http\"): invalid digit found in string";
    assert!(error.contains(expected), "{error}");
}

/// Built at startup, not read from a variable.
#[derive(Debug, Default, PartialEq)]
struct Cache {
    entries: usize,
}

#[derive(SecretContract)]
struct WithSkipped {
    #[secret(required)]
    api_token: SecretString,
    #[config(skip)]
    cache: Cache,
    #[config(default = "8080")]
    port: u16,
    #[config(skip)]
    started: Option<String>,
}

#[test]
fn a_skipped_field_reads_no_variable_and_is_its_default() {
    let source = MapSource::new().with("API_TOKEN", "tok-0123456789").with("CACHE", "ignored").with("PORT", "9090");
    let contract = WithSkipped::load_from(&source).unwrap();
    assert_eq!((&contract.cache, contract.started.as_deref(), *contract.port()), (&Cache::default(), None, 9090));
    let names: Vec<&str> = WithSkipped::spec().vars().iter().map(secrets_core::VarSpec::name).collect();
    assert_eq!(names, ["API_TOKEN", "PORT"]);
    assert!(!WithSkipped::env_example().contains("CACHE"));
    assert!(format!("{contract:?}").contains("cache: Cache { entries: 0 }"));
}
