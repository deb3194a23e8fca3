//! Secrets from files: secrets directories (Docker, Kubernetes), file hygiene and permissions.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use secrets_core::{
    Concern, ExposeSecret, Level, Origin, Policy, SecretContract, SecretDir, SecretString, Source, Sources, State,
};

#[derive(SecretContract)]
struct DbSecrets {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    #[secret(optional, credential = "smtp-password")]
    smtp_password: Option<SecretString>,
    #[config(default = "info")]
    log_level: String,
}

/// Writes `content` to `dir/name` with `mode`.
fn secret_file(dir: &Path, name: &str, content: &[u8], mode: u32) {
    let path = dir.join(name);
    fs::write(&path, content).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_secrets_directory_serves_files_by_lowercase_name_or_credential_id() {
    let dir = tempfile::tempdir().unwrap();
    secret_file(dir.path(), "database_url", b"postgres://db/app\n", 0o600);
    secret_file(dir.path(), "smtp-password", b"hunter2hunter2", 0o400);
    let sources = Sources::new().secrets_dir(dir.path());
    let secrets = DbSecrets::load_from(&sources).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://db/app");
    assert_eq!(secrets.smtp_password().unwrap().expose_secret(), "hunter2hunter2");
    let report = DbSecrets::status_from(&sources);
    let entry = report.entry("DATABASE_URL").unwrap();
    assert_eq!(entry.origin(), Some(&Origin::File { path: dir.path().join("database_url") }));
    assert_eq!(entry.level(), Level::Ok);
    let line = format!("✅ DATABASE_URL: configured (REQ) from file:{}", dir.path().join("database_url").display());
    assert!(report.to_string().contains(&line), "{report}");
    assert!(report.looked_in().contains(&format!("secrets directory {}", dir.path().display())));
}

#[test]
fn exactly_one_trailing_newline_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[u8], &str, bool); 5] = [
        (b"value\n", "value", false),
        (b"value\r\n", "value", false),
        (b"value", "value", false),
        (b"value\n\n", "value\n", true),
        (b"value \n", "value ", true),
    ];
    for (content, expected, noted) in cases {
        secret_file(dir.path(), "database_url", content, 0o600);
        let found = SecretDir::new(dir.path()).lookup("DATABASE_URL").unwrap().unwrap();
        assert_eq!(found.value.expose_secret(), expected, "{content:?}");
        assert_eq!(found.concerns.contains(&Concern::TrailingWhitespace), noted, "{content:?}");
    }
    let report = DbSecrets::status_from(&Sources::new().secrets_dir(dir.path()));
    assert!(report.to_string().contains("(trailing whitespace kept)"), "{report}");
}

#[test]
fn kubernetes_symlink_layout_is_followed() {
    // kubelet writes ..2024_01_01_00_00_00.123/<key>, points ..data at it, and links <key> -> ..data/<key>.
    let dir = tempfile::tempdir().unwrap();
    let version = dir.path().join("..2024_01_01_00_00_00.123");
    fs::create_dir(&version).unwrap();
    secret_file(&version, "database_url", b"postgres://k8s/app", 0o644);
    symlink("..2024_01_01_00_00_00.123", dir.path().join("..data")).unwrap();
    symlink("..data/database_url", dir.path().join("database_url")).unwrap();
    let sources = Sources::new().secrets_dir(dir.path());
    let secrets = DbSecrets::load_from(&sources).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://k8s/app");
    let report = DbSecrets::status_from(&sources);
    let entry = report.entry("DATABASE_URL").unwrap();
    // Kubernetes' default mode 0644 lets others read it: a warning, named as such.
    assert_eq!(entry.concerns(), [Concern::Insecure { mode: 0o644 }]);
    assert_eq!(entry.level(), Level::Warning);
    assert!(report.to_string().contains("(insecure: mode 0644 lets group or others read it)"), "{report}");
}

#[test]
fn permissions_are_judged_like_systemd_creds() {
    let dir = tempfile::tempdir().unwrap();
    let sources = || Sources::new().secrets_dir(dir.path());
    secret_file(dir.path(), "database_url", b"postgres://x", 0o600);
    assert_eq!(DbSecrets::status_from(&sources()).entry("DATABASE_URL").unwrap().level(), Level::Ok);
    for mode in [0o644, 0o640, 0o604] {
        secret_file(dir.path(), "database_url", b"postgres://x", mode);
        let report = DbSecrets::validate_from(&sources(), Policy::startup()).unwrap();
        assert_eq!(report.entry("DATABASE_URL").unwrap().level(), Level::Warning, "{mode:o}");
        let error = DbSecrets::load_with(&sources(), Policy::strict()).unwrap_err();
        assert!(
            error.to_string().contains(&format!(
                "DATABASE_URL (required secret): configured (from file:{}) (insecure: mode {mode:04o}",
                dir.path().join("database_url").display()
            )),
            "{error}"
        );
    }
}

#[test]
fn unusable_files_are_errors_naming_the_path_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let sources = || Sources::new().secrets_dir(dir.path());
    fs::create_dir(dir.path().join("database_url")).unwrap();
    let error = DbSecrets::load_from(&sources()).unwrap_err().to_string();
    let path = dir.path().join("database_url");
    assert!(
        error.contains(&format!(
            "DATABASE_URL (required secret): unreadable: {} is a directory, not a regular file",
            path.display()
        )),
        "{error}"
    );
    fs::remove_dir(&path).unwrap();

    secret_file(dir.path(), "database_url", &vec![b'x'; 2 * 1024 * 1024], 0o600);
    let error = DbSecrets::load_from(&sources()).unwrap_err().to_string();
    assert!(error.contains(&format!("{} is larger than 1048576 bytes", path.display())), "{error}");
    secret_file(dir.path(), "database_url", &[b'x'; 2048], 0o600);
    let capped = Sources::new().with(SecretDir::new(dir.path()).max_size(1024));
    let error = DbSecrets::load_from(&capped).unwrap_err().to_string();
    assert!(error.contains(&format!("{} is larger than 1024 bytes", path.display())), "{error}");

    secret_file(dir.path(), "database_url", b"postgres://\xff\xfe", 0o600);
    let error = DbSecrets::load_from(&sources()).unwrap_err().to_string();
    assert!(error.contains(&format!("{} is not valid UTF-8", path.display())), "{error}");

    // Unreadable for the owner: only meaningful when the tests do not run as root.
    secret_file(dir.path(), "database_url", b"postgres://x", 0o000);
    if fs::read(&path).is_err() {
        let error = DbSecrets::load_from(&sources()).unwrap_err().to_string();
        assert!(error.contains("cannot be read: permission denied"), "{error}");
    }
}

#[test]
fn a_missing_file_falls_through_to_the_next_source() {
    let dir = tempfile::tempdir().unwrap();
    let env = tempfile::tempdir().unwrap();
    fs::write(env.path().join(".env"), "DATABASE_URL=postgres://from-dotenv\n").unwrap();
    let sources = Sources::new().secrets_dir(dir.path()).dotenv_file(env.path().join(".env"));
    let secrets = DbSecrets::load_from(&sources).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://from-dotenv");
}

#[test]
fn forbidding_the_plain_environment_accepts_only_files() {
    let env = tempfile::tempdir().unwrap();
    fs::write(env.path().join(".env"), "DATABASE_URL=postgres://plain\nLOG_LEVEL=debug\n").unwrap();
    let plain = Sources::new().dotenv_file(env.path().join(".env"));
    let production = Policy::startup().forbid_plain_env(true);
    let error = DbSecrets::load_with(&plain, production).unwrap_err();
    assert!(
        error.to_string().contains("DATABASE_URL (required secret): configured (from .env:1) (the policy forbids secrets from the plain environment or .env)"),
        "{error}"
    );
    // Settings may still come from the environment; secrets from files pass.
    let dir = tempfile::tempdir().unwrap();
    secret_file(dir.path(), "database_url", b"postgres://file", 0o600);
    let files = Sources::new().secrets_dir(dir.path()).dotenv_file(env.path().join(".env"));
    let report = DbSecrets::validate_from(&files, production).unwrap();
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.entry("LOG_LEVEL").unwrap().state(), &State::Configured);
}

#[test]
fn a_dotenv_ranks_below_every_other_source_whatever_the_order() {
    let dir = tempfile::tempdir().unwrap();
    secret_file(dir.path(), "database_url", b"postgres://from-the-mount/app\n", 0o600);
    let app = tempfile::tempdir().unwrap();
    let dotenv = app.path().join(".env");
    fs::write(&dotenv, "DATABASE_URL=postgres://from-a-stray-dotenv/app\nLOG_LEVEL=debug\n").unwrap();
    // The `.env` added first, as `Sources::standard().secrets_dir(..)` does it.
    let chains = [
        Sources::new().dotenv_upward_from(app.path()).secrets_dir(dir.path()),
        Sources::new().dotenv_file(&dotenv).with(secrets_core::MapSource::new()).secrets_dir(dir.path()),
        Sources::new().secrets_dir(dir.path()).dotenv_file(&dotenv),
        // A chain of `.env` files nested in another ranks last as they would.
        Sources::new().with(Sources::new().dotenv_file(&dotenv)).secrets_dir(dir.path()),
    ];
    for sources in chains {
        let secrets = DbSecrets::load_from(&sources).unwrap();
        assert_eq!(secrets.database_url().expose_secret(), "postgres://from-the-mount/app");
        // What only the `.env` holds still comes from it.
        assert_eq!(secrets.log_level(), "debug");
        let looked_in = DbSecrets::status_from(&sources).looked_in().to_vec();
        let (mount, file) = (format!("secrets directory {}", dir.path().display()), dotenv.display().to_string());
        let position = |place: &str| looked_in.iter().position(|p| *p == place).unwrap();
        assert!(position(&mount) < position(&file), "{looked_in:?}");
    }
}
