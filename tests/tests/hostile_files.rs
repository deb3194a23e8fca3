//! Hostile files: FIFOs, devices, sockets, huge and planted files, broken entries. Each must be
//! an error naming the path, never a wait, an unbounded read, or a silent fall-through.

mod child;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use child::in_child;
use secrets_core::testing::{assert_clean, canary};
use secrets_core::{DotenvSource, ExposeSecret, MapSource, SecretContract, SecretDir, SecretString, Sources};

#[derive(SecretContract)]
struct Db {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    #[secret(optional)]
    sentry_dsn: Option<SecretString>,
}

/// Runs `f` on a thread and fails the test if it has not returned within ten seconds: a read
/// that blocks (a FIFO's `open()`) must fail the test, not hang the suite.
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(f());
    });
    receiver.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("{what} hung"))
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// The load error of `Db` from `sources`, as text, within the time limit.
fn load_error(what: &str, sources: impl FnOnce() -> Sources + Send + 'static) -> String {
    within(what, move || Db::load_from(&sources()).expect_err("the load fails").to_string())
}

/// Every kind of non-regular file, by what the error calls it, made in `dir`.
fn hostile_entries(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let socket = dir.join("socket");
    // The listener's socket file stays when the listener is dropped.
    drop(UnixListener::bind(&socket).unwrap());
    let linked_fifo = dir.join("link-to-fifo");
    symlink(&fifo, &linked_fifo).unwrap();
    let subdir = dir.join("subdir");
    fs::create_dir(&subdir).unwrap();
    vec![
        (fifo, "is a FIFO, not a regular file"),
        (linked_fifo, "is a FIFO, not a regular file"),
        (socket, "is a socket, not a regular file"),
        (PathBuf::from("/dev/zero"), "is a device, not a regular file"),
        (PathBuf::from("/dev/urandom"), "is a device, not a regular file"),
        (PathBuf::from("/dev/null"), "is a device, not a regular file"),
        (subdir, "is a directory, not a regular file"),
    ]
}

#[test]
fn a_secrets_directory_entry_that_is_no_regular_file_is_an_error() {
    let entries = tempfile::tempdir().unwrap();
    for (target, reason) in hostile_entries(entries.path()) {
        let guard = tempfile::tempdir().unwrap();
        let dir = guard.path().to_owned();
        symlink(&target, dir.join("database_url")).unwrap();
        let shown = dir.join("database_url");
        let error = load_error("a secrets directory entry", move || Sources::new().secrets_dir(dir));
        assert!(error.contains(&format!("{} {reason}", shown.display())), "{}: {error}", target.display());
    }
    // A FIFO made in place, not through a link, as a planted entry would be.
    let guard = tempfile::tempdir().unwrap();
    let dir = guard.path().to_owned();
    mkfifo(&dir.join("database_url"));
    let error = load_error("a FIFO entry", move || Sources::new().with(SecretDir::new(dir).max_size(u64::MAX)));
    assert!(error.contains("database_url is a FIFO, not a regular file"), "{error}");
}

#[test]
fn a_dotenv_that_is_no_regular_file_is_a_problem_not_a_wait() {
    let entries = tempfile::tempdir().unwrap();
    for (path, reason) in hostile_entries(entries.path()) {
        let shown = path.clone();
        let error = load_error("a hostile .env", move || Sources::new().dotenv_file(path));
        assert!(error.contains(&format!("{} {reason}", shown.display())), "{error}");
    }
}

#[test]
fn a_hostile_dotenv_found_walking_up_ends_the_walk_with_an_error() {
    for make in [
        mkfifo as fn(&Path),
        |path: &Path| symlink("/dev/zero", path).unwrap(),
        |path: &Path| {
            symlink("/nonexistent/.env", path).unwrap();
        },
    ] {
        let guard = tempfile::tempdir().unwrap();
        let root = guard.path();
        // A usable `.env` further up must not be taken instead.
        fs::write(root.join(".env"), "DATABASE_URL=postgres://from-the-parent\n").unwrap();
        let app = root.join("app");
        fs::create_dir(&app).unwrap();
        make(&app.join(".env"));
        assert_eq!(DotenvSource::find_upward(&app.join(".")), Some(app.join(".").join(".env")));
        let shown = app.join(".env");
        let error = load_error("a hostile .env on the walk", move || Sources::new().dotenv_upward_from(&app));
        assert!(error.contains(&shown.display().to_string()), "{error}");
        assert!(error.contains("DATABASE_URL (required secret): missing") && !error.contains("parent"), "{error}");
    }
}

#[test]
fn dotenv_reads_are_capped() {
    let root = tempfile::tempdir().unwrap();
    let app = root.path().join("srv/app");
    fs::create_dir_all(&app).unwrap();
    // A sparse 1.5 GiB `.env` in a parent directory: refused from its size, never read whole.
    let huge = root.path().join(".env");
    fs::File::create(&huge).unwrap().set_len(1536 * 1024 * 1024).unwrap();
    let walk = app.clone();
    let error = load_error("a 1.5 GiB .env", move || Sources::new().dotenv_upward_from(&walk));
    assert!(error.contains(&format!("{} is larger than 1048576 bytes", huge.display())), "{error}");

    // The cap is a setting: a 2 MiB `.env` loads with a 4 MiB cap, a small one fails a tiny cap.
    let big = app.join(".env");
    let mut text = String::from("DATABASE_URL=postgres://db/app\n");
    while text.len() < 2 * 1024 * 1024 {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    fs::write(&big, &text).unwrap();
    let sources = Sources::new().dotenv_max_size(4 * 1024 * 1024).dotenv_file(&big);
    assert_eq!(Db::load_from(&sources).unwrap().database_url().expose_secret(), "postgres://db/app");
    let error = Db::load_from(&Sources::new().dotenv_max_size(16).dotenv_file(&big)).unwrap_err().to_string();
    assert!(error.contains("is larger than 16 bytes"), "{error}");
    assert!(DotenvSource::load_with_max_size(&big, u64::MAX).is_ok(), "the largest cap does not overflow");
}

/// Makes one broken entry.
type Make = Box<dyn Fn()>;

#[test]
fn a_secrets_directory_entry_that_cannot_be_read_never_falls_through_to_a_stale_value() {
    let stale = || MapSource::new().with("DATABASE_URL", "postgres://stale-value");
    let guard = tempfile::tempdir().unwrap();
    let dir = guard.path().to_owned();
    let entry = dir.join("database_url");
    let cases: Vec<(&str, Make)> = vec![
        (
            "a symlink loop",
            Box::new({
                let entry = entry.clone();
                let other = dir.join("other");
                move || {
                    symlink(&other, &entry).unwrap();
                    symlink(&entry, &other).unwrap();
                }
            }),
        ),
        (
            "a symlink to nothing",
            Box::new({
                let entry = entry.clone();
                move || symlink("/nonexistent/secret", &entry).unwrap()
            }),
        ),
    ];
    for (what, make) in cases {
        let _ = fs::remove_file(&entry);
        let _ = fs::remove_file(dir.join("other"));
        make();
        let (dir, stale) = (dir.clone(), stale());
        let error = load_error(what, move || Sources::new().secrets_dir(dir).with(stale));
        assert!(error.contains("DATABASE_URL (required secret): unreadable:"), "{what}: {error}");
        assert!(error.contains(&entry.display().to_string()), "{what}: {error}");
    }
    // A secrets directory that is a file: each entry's path runs through a non-directory.
    let file = tempfile::NamedTempFile::new().unwrap();
    let error = Db::load_from(&Sources::new().secrets_dir(file.path()).with(stale())).unwrap_err().to_string();
    assert!(error.contains("DATABASE_URL (required secret): unreadable:"), "{error}");
    // A directory the process may not search (meaningful only when the tests do not run as root,
    // who may search anything).
    let locked = tempfile::tempdir().unwrap();
    fs::write(locked.path().join("database_url"), "postgres://db/app").unwrap();
    fs::set_permissions(locked.path(), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::metadata(locked.path().join("database_url")).is_err() {
        let error = Db::load_from(&Sources::new().secrets_dir(locked.path()).with(stale())).unwrap_err();
        assert!(error.to_string().contains("permission denied"), "{error}");
    }
    fs::set_permissions(locked.path(), fs::Permissions::from_mode(0o700)).unwrap();
    // Absent is the one case that falls through.
    let empty = tempfile::tempdir().unwrap();
    let secrets = Db::load_from(&Sources::new().secrets_dir(empty.path()).with(stale())).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://stale-value");
}

/// A `.env` in `dir` holding a canary as the database URL.
fn planted(dir: &Path, mode: u32) -> (PathBuf, String) {
    let value = canary(40);
    let path = dir.join(".env");
    fs::write(&path, format!("DATABASE_URL={value}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    (path, value)
}

#[test]
fn a_dotenv_others_could_have_written_is_refused() {
    for mode in [0o666, 0o646, 0o602, 0o777] {
        let root = tempfile::tempdir().unwrap();
        let app = root.path().join("app");
        fs::create_dir(&app).unwrap();
        let (path, value) = planted(root.path(), mode);
        for sources in [Sources::new().dotenv_upward_from(&app), Sources::new().dotenv_file(&path)] {
            let error = Db::load_from(&sources).unwrap_err().to_string();
            let expected = format!("{} is refused: it is writable by others (mode {mode:04o})", path.display());
            assert!(error.contains(&expected), "{error}");
            assert_clean("a refused .env's error", &error, &value);
        }
    }
    // Writable by its group only, owner's own file: loaded.
    let root = tempfile::tempdir().unwrap();
    let (path, value) = planted(root.path(), 0o660);
    assert_eq!(Db::load_from(&Sources::new().dotenv_file(&path)).unwrap().database_url().expose_secret(), value);
}

#[test]
fn a_dotenv_in_a_directory_anyone_may_write_is_refused_unless_sticky() {
    let root = tempfile::tempdir().unwrap();
    let shared = root.path().join("shared");
    fs::create_dir(&shared).unwrap();
    let (path, value) = planted(&shared, 0o600);
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
    let error = Db::load_from(&Sources::new().dotenv_upward_from(&shared)).unwrap_err().to_string();
    assert!(error.contains(&format!("{} is refused: its directory is writable by others", path.display())), "{error}");
    assert_clean("a refused .env's error", &error, &value);
    // With the sticky bit (as `/tmp`), others cannot replace the owner's file: loaded.
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
    assert!(Db::load_from(&Sources::new().dotenv_upward_from(&shared)).is_ok());
}

#[test]
fn a_dotenv_owned_by_another_user_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let app = root.path().join("app");
    fs::create_dir(&app).unwrap();
    let (path, value) = planted(root.path(), 0o644);
    // Changing a file's owner needs root, as the CI runs; as another user the rule is the
    // same code path, tested here with what such a user can do: their own file loads.
    if std::os::unix::fs::chown(&path, Some(65534), Some(65534)).is_ok() {
        for sources in [Sources::new().dotenv_upward_from(&app), Sources::new().dotenv_file(&path)] {
            let error = Db::load_from(&sources).unwrap_err().to_string();
            let expected =
                format!("{} is refused: it is owned by uid 65534, not by this process's user", path.display());
            assert!(error.contains(&expected), "{error}");
            assert_clean("a refused .env's error", &error, &value);
        }
        // A `.env` owned by root is trusted by every user.
        std::os::unix::fs::chown(&path, Some(0), Some(0)).unwrap();
    }
    assert_eq!(Db::load_from(&Sources::new().dotenv_upward_from(&app)).unwrap().database_url().expose_secret(), value);
}

/// The values a `NAME_FILE` may hold by mistake, each with the canary inside.
fn mistaken_file_values(value: &str) -> Vec<String> {
    vec![
        format!("postgres://app:{value}@db/app"),
        value.to_owned(),
        format!("app:{value}@db"),
        format!("/run/secrets/{value} with spaces"),
        format!("/run/secrets/{}{value}", "x".repeat(300)),
        format!("https://hooks.example/{value}"),
        // Secrets that hold `/`: base64, AWS secret keys.
        format!("wJalrXUtnFEMI/K7MDENG/{value}"),
        format!("{value}/Zm9v+YmFy=="),
        format!("/{value}"),
        format!("/nonexistent-dir-{value}/x"),
    ]
}

/// Whether this process is a child started by [`in_child`], which runs the test's child part.
fn is_child() -> bool {
    std::env::var_os("SECRETS_TEST_CHILD").is_some()
}

#[test]
fn a_name_file_value_that_is_no_path_is_never_echoed() {
    const TEST: &str = "a_name_file_value_that_is_no_path_is_never_echoed";
    if is_child() {
        let sources = Sources::new().file_indirection();
        let error = Db::load_from(&sources).unwrap_err().to_string();
        if let Ok(value) = std::env::var("SECRET_VALUE") {
            let expected =
                "DATABASE_URL_FILE names no readable file; its value is not shown, as it does not look like a path";
            assert!(error.contains(expected), "{error}");
            assert_clean("the error of a mistaken NAME_FILE", &error, &value);
            assert_clean("the report of a mistaken NAME_FILE", &Db::status_from(&sources).to_json(), &value);
        } else {
            // A path into a directory that exists is named, so the operator sees which file is missing.
            let missing = std::env::var("MISSING").unwrap();
            assert!(error.contains(&format!("{missing} does not exist")), "{error}");
        }
        return;
    }
    let value = canary(41);
    for mistaken in mistaken_file_values(&value) {
        in_child(
            TEST,
            vec![("DATABASE_URL_FILE".into(), mistaken.into()), ("SECRET_VALUE".into(), value.clone().into())],
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("database_url");
    in_child(TEST, vec![("DATABASE_URL_FILE".into(), missing.clone().into()), ("MISSING".into(), missing.into())]);
}

#[test]
fn name_file_and_credentials_that_are_no_regular_file_are_errors() {
    const TEST: &str = "name_file_and_credentials_that_are_no_regular_file_are_errors";
    if is_child() {
        let error = load_error("a FIFO or device as a credential or NAME_FILE", || {
            Sources::new().credentials().file_indirection()
        });
        let expected = std::env::var("EXPECTED").unwrap();
        for reason in expected.split(';') {
            assert!(error.contains(reason), "{error}");
        }
        return;
    }
    let guard = tempfile::tempdir().unwrap();
    let dir = guard.path();
    let credentials = dir.join("credentials");
    fs::create_dir(&credentials).unwrap();
    mkfifo(&credentials.join("database_url"));
    mkfifo(&dir.join("sentry.fifo"));
    in_child(
        TEST,
        vec![
            ("CREDENTIALS_DIRECTORY".into(), credentials.clone().into()),
            ("SENTRY_DSN_FILE".into(), dir.join("sentry.fifo").into()),
            (
                "EXPECTED".into(),
                "database_url is a FIFO, not a regular file;sentry.fifo is a FIFO, not a regular file".into(),
            ),
        ],
    );
    for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
        in_child(
            TEST,
            vec![
                ("DATABASE_URL_FILE".into(), device.into()),
                ("EXPECTED".into(), format!("{device} is a device, not a regular file").into()),
            ],
        );
    }
}

#[test]
fn a_path_that_is_not_utf8_is_shown_lossily_never_a_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join(OsStr::from_bytes(b"caf\xe9"));
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join(".env"), "DATABASE_URL=postgres://db/app\n").unwrap();
    fs::write(dir.join("database_url"), "postgres://db/app").unwrap();
    for sources in [
        Sources::new().dotenv_upward_from(&dir),
        Sources::new().secrets_dir(&dir),
        Sources::new().dotenv_file(dir.join("none")),
    ] {
        let report = Db::status_from(&sources);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert!(json.to_string().contains("caf\u{fffd}"), "{json}");
    }
}

#[test]
fn a_dotenv_linked_into_a_directory_anyone_may_write_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let shared = root.path().join("shared");
    fs::create_dir(&shared).unwrap();
    let (target, value) = planted(&shared, 0o600);
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
    let app = root.path().join("app");
    fs::create_dir(&app).unwrap();
    symlink(&target, app.join(".env")).unwrap();
    let error = Db::load_from(&Sources::new().dotenv_upward_from(&app)).unwrap_err().to_string();
    assert!(error.contains("is refused: the directory of the file it links to is writable by others"), "{error}");
    assert_clean("a refused .env's error", &error, &value);
}

#[test]
fn secret_files_others_may_write_are_insecure() {
    for (mode, access) in [(0o602, "write"), (0o620, "write"), (0o622, "write"), (0o666, "read and write")] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("database_url");
        fs::write(&path, "postgres://db/app").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        let report = Db::status_from(&Sources::new().secrets_dir(dir.path()));
        let text = report.to_string();
        assert!(text.contains(&format!("(insecure: mode {mode:04o} lets group or others {access} it)")), "{text}");
        let strict = Db::load_with(&Sources::new().secrets_dir(dir.path()), secrets_core::Policy::strict());
        assert!(strict.is_err(), "mode {mode:04o} is an error under a strict policy");
    }
}
