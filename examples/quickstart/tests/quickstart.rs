//! The quickstart runs as a real process with a cleared, explicit environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../../tests/support/mod.rs"]
mod support;

use support::{CANARIES, assert_no_canary, explicit, outcome, private_file};

/// `examples/demo`, where the demo `.env` lives.
fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo").canonicalize().unwrap()
}

/// The quickstart with nothing but `vars` in its environment, run from `dir`.
fn program(dir: &Path, vars: &[(&str, &str)]) -> Command {
    explicit(env!("CARGO_BIN_EXE_quickstart"), dir, vars)
}

fn run(dir: &Path, vars: &[(&str, &str)]) -> (Output, String, String) {
    outcome(&mut program(dir, vars))
}

#[test]
fn quickstart_reads_the_demo_dotenv() {
    let (output, stdout, stderr) = run(&demo_dir(), &[]);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("✅ DATABASE_URL: configured (REQ) from .env:2"), "{stdout}");
    assert!(stdout.contains("⚠️ OPENAI_API_KEY: missing (BILLING) OpenAI API (spends money)"), "{stdout}");
    assert!(stdout.contains("OpenAI features: off"));
    // Without a `tracing` subscriber, the load's warning goes to stderr, one line.
    assert!(stderr.contains("warning: AppSecrets: OPENAI_API_KEY (billing secret): missing"), "{stderr}");
    // The fail-fast demonstration shows what the program itself printed when run broken.
    let demo = stdout.split("== Fail-fast ==").nth(1).unwrap();
    let looked_in =
        format!("    looked in: NAME_FILE variables, process environment, {}", demo_dir().join(".env").display());
    assert!(
        demo.contains(
            "    FATAL: AppSecrets: 2 problems\n      DATABASE_URL (required secret): set but empty (from env)"
        ),
        "{demo}"
    );
    assert!(demo.contains(&looked_in) && demo.contains("exited with status 78"), "{demo}");
    assert!(!stdout.contains("demo-password") && !stderr.contains("demo-password"));
}

#[test]
fn quickstart_finds_the_dotenv_from_a_subdirectory() {
    let app = tempfile::tempdir().unwrap();
    let app = app.path().canonicalize().unwrap();
    std::fs::copy(demo_dir().join(".env"), app.join(".env")).unwrap();
    let scripts = app.join("scripts/nightly");
    std::fs::create_dir_all(&scripts).unwrap();
    let (output, stdout, _) = run(&scripts, &[]);
    assert!(output.status.success());
    assert!(
        stdout
            .contains(&format!("looked in: NAME_FILE variables, process environment, {}", app.join(".env").display())),
        "{stdout}"
    );
}

#[test]
fn the_environment_wins_over_the_dotenv_and_is_never_shown() {
    let vars = [("DATABASE_URL", CANARIES[0]), ("OPENAI_API_KEY", CANARIES[1]), ("SLACK_WEBHOOK_URL", CANARIES[2])];
    let (output, stdout, stderr) = run(&demo_dir(), &vars);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("✅ DATABASE_URL: configured (REQ) from env"), "{stdout}");
    assert!(stdout.contains("OpenAI features: on"));
    assert_no_canary("quickstart stdout", &stdout);
    assert_no_canary("quickstart stderr", &stderr);
}

#[test]
fn quickstart_without_a_dotenv_fails_fast_with_78() {
    let empty = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(empty.path(), &[("REDIS_URL", CANARIES[3])]);
    assert_eq!(output.status.code(), Some(78));
    assert!(stdout.is_empty());
    let expected = format!(
        "FATAL: AppSecrets: 1 problem\n  DATABASE_URL (required secret): missing, Postgres connection string\n\
         looked in: NAME_FILE variables, process environment, no .env found from {} upward\n",
        empty.path().canonicalize().unwrap().display()
    );
    assert!(stderr.ends_with(&expected), "{stderr}");
    assert_no_canary("quickstart stderr", &stderr);
}

#[cfg(unix)]
#[test]
fn a_non_utf8_variable_is_named_not_shown() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let output = program(&demo_dir(), &[])
        .env("REDIS_URL", OsStr::from_bytes(b"redis://\xffXq7ZkP9wRm2Tb4Vn"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78));
    assert!(stderr.contains("REDIS_URL (required secret): unreadable: not valid UTF-8 (from env)"), "{stderr}");
    assert_no_canary("quickstart stderr", &stderr);
}

#[test]
fn name_file_variables_point_at_secret_files() {
    let secrets = tempfile::tempdir().unwrap();
    let file = private_file(secrets.path(), "db", &format!("{}\n", CANARIES[0]));
    let vars = [("DATABASE_URL_FILE", file.to_str().unwrap()), ("REDIS_URL", CANARIES[1])];
    let (output, stdout, stderr) = run(secrets.path(), &vars);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains(&format!("✅ DATABASE_URL: configured (REQ) from file:{}\n", file.display())), "{stdout}");
    assert!(stdout.contains("database URL loaded: 16 characters"), "the newline is stripped: {stdout}");
    assert_no_canary("quickstart stdout", &stdout);
    assert_no_canary("quickstart stderr", &stderr);
}

#[test]
fn both_a_variable_and_its_file_is_an_error() {
    let secrets = tempfile::tempdir().unwrap();
    let file = private_file(secrets.path(), "db", CANARIES[0]);
    let vars =
        [("DATABASE_URL_FILE", file.to_str().unwrap()), ("DATABASE_URL", CANARIES[2]), ("REDIS_URL", "redis://x")];
    let (output, _, stderr) = run(secrets.path(), &vars);
    assert_eq!(output.status.code(), Some(78));
    assert!(
        stderr.contains(
            "DATABASE_URL (required secret): unreadable: both DATABASE_URL and DATABASE_URL_FILE are set; unset one"
        ),
        "{stderr}"
    );
    assert_no_canary("quickstart stderr", &stderr);
}

#[test]
fn systemd_credentials_come_first() {
    let credentials = tempfile::tempdir().unwrap();
    private_file(credentials.path(), "database_url", CANARIES[0]);
    private_file(credentials.path(), "redis_url", CANARIES[1]);
    let dir = credentials.path().to_str().unwrap();
    let vars = [("CREDENTIALS_DIRECTORY", dir), ("DATABASE_URL", "postgres://from-env")];
    let (output, stdout, stderr) = run(credentials.path(), &vars);
    assert!(output.status.success(), "{stderr}");
    // The credential wins over the environment, and the report says the environment was ignored.
    let line = "⚠️ DATABASE_URL: configured (REQ) from credential:database_url (also set in the environment, and ignored: the credential wins)\n";
    assert!(stdout.contains(line), "{stdout}");
    assert!(stdout.contains("✅ REDIS_URL: configured (REQ) from credential:redis_url\n"));
    assert!(stdout.contains(&format!("looked in: credentials {dir}, NAME_FILE variables, process environment")));
    assert_no_canary("quickstart stdout", &stdout);
}

#[test]
fn a_name_file_that_cannot_be_read_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("db");
    let vars = [("DATABASE_URL_FILE", missing.to_str().unwrap()), ("REDIS_URL", "redis://x")];
    let (output, _, stderr) = run(dir.path(), &vars);
    assert_eq!(output.status.code(), Some(78));
    let expected = format!("DATABASE_URL (required secret): unreadable: {} does not exist", missing.display());
    assert!(stderr.contains(&expected), "{stderr}");
    // Into a directory that does not exist, the value may be the secret itself: it is not shown.
    let vars = [("DATABASE_URL_FILE", "/nonexistent/db"), ("REDIS_URL", "redis://x")];
    let (output, _, stderr) = run(dir.path(), &vars);
    assert_eq!(output.status.code(), Some(78));
    assert!(
        stderr.contains("DATABASE_URL_FILE names no readable file") && !stderr.contains("/nonexistent"),
        "{stderr}"
    );
}
