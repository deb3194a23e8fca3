//! `service secrets <subcommand>`: the operator commands, run as processes with a cleared environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DATABASE: &str = "postgres://svc:Kq8Wz3Lm5Rt2@db/app";
const SESSION: &str = "Pv7Nc4Xh9Bd6Jf2Q";

fn committed_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("service.env.example")
}

/// `service secrets ARGS` with only `vars` in the environment, run from an empty directory.
fn secrets(args: &[&str], vars: &[(&str, &str)]) -> (Output, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_service"))
        .arg("secrets")
        .args(args)
        .env_clear()
        .envs(vars.iter().copied())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    for text in [&stdout, &stderr] {
        assert!(!text.contains("Kq8Wz3") && !text.contains("Pv7Nc4"), "a value leaked:\n{text}");
    }
    (output, stdout, stderr)
}

#[test]
fn status_prints_the_report_as_text_or_json() {
    let (output, stdout, _) = secrets(&["status"], &[("DATABASE_URL", DATABASE)]);
    assert!(output.status.success());
    // Aligned columns: marker, name, state, category, where from.
    assert!(
        stdout.starts_with(
            "ServiceSecrets: 1 error, 2 warnings\n✅ DATABASE_URL        configured      REQ, in database     from env\n"
        ),
        "{stdout}"
    );
    let (output, stdout, _) = secrets(&["status", "--json"], &[("DATABASE_URL", DATABASE), ("SESSION_KEY", SESSION)]);
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((json["contract"].as_str(), json["ok"].as_bool()), (Some("ServiceSecrets"), Some(true)));
}

#[test]
fn check_exits_0_when_the_policy_holds_and_78_when_not() {
    let required = [("DATABASE_URL", DATABASE), ("SESSION_KEY", SESSION)];
    let (output, stdout, _) = secrets(&["check"], &required);
    assert_eq!(output.status.code(), Some(0));
    let openai = stdout.lines().find(|line| line.starts_with("⚠️ OPENAI_API_KEY ")).unwrap_or_default();
    assert!(openai.contains(" missing ") && openai.contains(" BILLING "), "{stdout}");
    assert!(stdout.ends_with("check passed: ServiceSecrets can start under the startup policy\n"), "{stdout}");

    let (output, _, stderr) = secrets(&["check", "--include-billing"], &required);
    assert_eq!(output.status.code(), Some(78));
    assert!(
        stderr.starts_with("FATAL: ServiceSecrets: 1 problem\n  OPENAI_API_KEY (billing secret): missing"),
        "{stderr}"
    );

    let (output, _, stderr) = secrets(&["check", "--strict"], &required);
    assert_eq!(output.status.code(), Some(78));
    assert!(stderr.contains("FATAL: ServiceSecrets: 2 problems") && stderr.contains("SENTRY_DSN (external secret)"));

    let (output, _, stderr) = secrets(&["check", "--strict", "--include-billing"], &required);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn check_reads_an_explicit_env_file_and_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prod.env");
    std::fs::write(&file, format!("DATABASE_URL={DATABASE}\nSESSION_KEY={SESSION}\nBIND_ADDR=nowhere\n")).unwrap();
    let (output, _, stderr) = secrets(&["check", "--env-file", file.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(78));
    assert!(
        stderr.contains(
            "BIND_ADDR (optional config): invalid value \"nowhere\": invalid socket address syntax (from prod.env:3)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("looked in: NAME_FILE variables, process environment, {}", file.display())));
}

#[test]
fn env_example_prints_and_checks_the_committed_file() {
    let (output, stdout, _) = secrets(&["env-example"], &[]);
    assert!(output.status.success());
    assert_eq!(stdout, std::fs::read_to_string(committed_example()).unwrap());

    let committed = committed_example();
    let (output, stdout, _) = secrets(&["env-example", "--check", committed.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.ends_with("is up to date\n"));

    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".env.example");
    let old = stdout_without(&std::fs::read_to_string(&committed).unwrap(), "SENTRY_DSN=");
    std::fs::write(&stale, old.replace("BIND_ADDR=127.0.0.1:8080", "BIND_ADDR=0.0.0.0:80")).unwrap();
    let (output, _, stderr) = secrets(&["env-example", "--check", stale.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("is stale"), "{stderr}");
    assert!(
        stderr.contains("\n+SENTRY_DSN=\n")
            && stderr.contains(": BIND_ADDR=… (value not shown)\n+BIND_ADDR=127.0.0.1:8080\n"),
        "{stderr}"
    );
    // The committed side may be a real `.env` copied over the example: its values never show.
    assert!(!stderr.contains("0.0.0.0"), "{stderr}");

    let (output, _, stderr) = secrets(&["env-example", "--check", "/nonexistent/.env.example"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("/nonexistent/.env.example does not exist"), "{stderr}");
}

fn stdout_without(text: &str, line: &str) -> String {
    text.lines().filter(|l| *l != line).flat_map(|l| [l, "\n"]).collect()
}

#[test]
fn docs_is_a_markdown_table() {
    let (output, stdout, _) = secrets(&["docs"], &[]);
    assert!(output.status.success());
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "# ServiceSecrets");
    assert_eq!(lines[2], "| Variable | Section | Kind | Category | Description | Values | Default |");
    let row = |name: &str| *lines.iter().find(|line| line.starts_with(&format!("| `{name}` |"))).unwrap();
    assert_eq!(
        row("DATABASE_URL"),
        "| `DATABASE_URL` | `database` | secret | required | Postgres connection string |  |  |"
    );
    assert_eq!(row("BIND_ADDR"), "| `BIND_ADDR` |  | config | optional | Address to listen on |  | `127.0.0.1:8080` |");
    assert_eq!(
        row("SMTP_SECURITY"),
        "| `SMTP_SECURITY` | `smtp` (when `MAIL_ENABLED`) | config | optional | Transport security (formerly `SMTP_SSL`) \
         | `off`, `starttls`, `force-tls` | `starttls` |"
    );
    assert_eq!(
        row("REQUEST_TIMEOUT"),
        "| `REQUEST_TIMEOUT` |  | config | optional | How long a request may take |  | `Duration::from_secs(30)` |"
    );
    assert_eq!(lines.len(), 4 + 13);
}

#[test]
fn usage_errors_exit_2() {
    let (output, _, stderr) = secrets(&["chekc"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("unrecognized subcommand 'chekc'"), "{stderr}");
}

/// Where a failing command's report goes: a full device, or a pipe whose reader is gone.
#[derive(Clone, Copy, Debug)]
enum Unwritable {
    Full,
    ClosedPipe,
}

/// A program's exit status when its stdout and stderr cannot be written.
fn status_when_unwritable(program: &str, args: &[&str], vars: &[(&str, &str)], how: Unwritable) -> Option<i32> {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(program);
    command.args(args).env_clear().envs(vars.iter().copied()).current_dir(dir.path());
    match how {
        Unwritable::Full => {
            let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
            command.stdout(full()).stderr(full());
            command.status().unwrap().code()
        }
        Unwritable::ClosedPipe => {
            command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
            let mut child = command.spawn().unwrap();
            // Nobody will read: writes fail with a broken pipe.
            drop(child.stdout.take());
            drop(child.stderr.take());
            child.wait().unwrap().code()
        }
    }
}

#[test]
fn a_failing_check_fails_even_when_its_report_cannot_be_written() {
    let service = env!("CARGO_BIN_EXE_service");
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".env.example");
    std::fs::write(&stale, "STALE=1\n").unwrap();
    let stale = stale.to_str().unwrap();
    for how in [Unwritable::Full, Unwritable::ClosedPipe] {
        // A deploy gate: a broken contract must not open it.
        assert_eq!(status_when_unwritable(service, &["secrets", "check"], &[], how), Some(78), "{how:?}");
        assert_eq!(status_when_unwritable(service, &["secrets", "check", "--strict"], &[], how), Some(78), "{how:?}");
        let check = ["secrets", "env-example", "--check", stale];
        assert_eq!(status_when_unwritable(service, &check, &[], how), Some(1), "{how:?}");
        // The fail-fast start of a program: 78, which systemd's RestartPreventExitStatus sees, not a panic's 101.
        assert_eq!(status_when_unwritable(env!("CARGO_BIN_EXE_ops_script"), &[], &[], how), Some(78), "{how:?}");
        assert_eq!(status_when_unwritable(service, &[], &[], how), Some(78), "{how:?}");
        // And a check that holds still passes.
        let required = [("DATABASE_URL", DATABASE), ("SESSION_KEY", SESSION)];
        assert_eq!(status_when_unwritable(service, &["secrets", "check"], &required, how), Some(0), "{how:?}");
    }
}
