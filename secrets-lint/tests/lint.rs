//! `secrets-lint` run as a process over fixture sources.

use std::path::Path;
use std::process::Command;

fn lint(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_secrets-lint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

/// `file:line:col variable` of each text finding.
fn positions(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            let (place, message) = line.split_once(": ").unwrap();
            let subject = message.split_whitespace().next().unwrap();
            format!("{place} {subject}")
        })
        .collect()
}

#[test]
fn every_read_form_is_found_and_plain_settings_are_not() {
    let (code, stdout, stderr) = lint(&["tests/fixtures"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        positions(&stdout),
        [
            "tests/fixtures/globs.rs:6:13 STRIPE_SECRET",
            "tests/fixtures/globs.rs:7:13 SMTP_PASSWD",
            "tests/fixtures/globs.rs:8:13 std::env::vars_os",
            "tests/fixtures/reads.rs:20:13 OPENAI_API_KEY",
            "tests/fixtures/reads.rs:21:13 GITHUB_TOKEN",
            "tests/fixtures/reads.rs:22:13 DB_PASSWORD",
            "tests/fixtures/reads.rs:23:13 DATABASE_URL",
            "tests/fixtures/reads.rs:24:13 SHOP_STRIPE_KEY",
            "tests/fixtures/reads.rs:25:13 LEGACY_HOOK",
            "tests/fixtures/reads.rs:26:13 SENTRY_DSN",
            "tests/fixtures/reads.rs:27:13 BUILD_SIGNING_KEY",
            "tests/fixtures/reads.rs:28:13 RELEASE_TOKEN",
            "tests/fixtures/reads.rs:29:22 std::env::vars",
            "tests/fixtures/reads.rs:32:22 AWS_SECRET_ACCESS_KEY",
        ]
    );
    assert!(stdout.contains(
        "reads.rs:25:13: LEGACY_HOOK is read with std::env::var behind the back of contract `Shop`; use its accessor"
    ));
    assert!(stdout.contains("reads.rs:22:13: DB_PASSWORD looks like a secret and is read with std::env::var;"));
    assert!(stdout.contains("reads.rs:27:13: BUILD_SIGNING_KEY looks like a secret and is read with env!;"));
    assert!(stdout.contains("(or justify it with `// secrets-lint: allow(reason)`)"));
    assert!(!stdout.contains("RUST_LOG") && !stdout.contains("SHOP_PORT") && !stdout.contains("HOME"));
}

#[test]
fn json_output_carries_the_same_findings() {
    let (code, stdout, _) = lint(&["--json", "tests/fixtures/reads.rs"]);
    assert_eq!(code, Some(1));
    let findings: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 11);
    assert_eq!(
        findings[5],
        serde_json::json!({
            "file": "tests/fixtures/reads.rs", "line": 25, "column": 13, "variable": "LEGACY_HOOK",
            "read": "std::env::var", "why": {"kind": "declared", "contract": "Shop"},
        })
    );
    assert_eq!(findings[9]["why"], serde_json::json!({"kind": "whole_environment"}));
}

#[test]
fn clean_sources_exit_0() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let (code, stdout, stderr) = lint(&[examples.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.is_empty());
}

#[test]
fn unparsable_files_and_bad_usage_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.rs");
    std::fs::write(&broken, "fn main( {").unwrap();
    let (code, _, stderr) = lint(&[broken.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("broken.rs does not parse: line 1"), "{stderr}");
    assert_eq!(lint(&[]).0, Some(2));
    assert_eq!(lint(&["--fix", "src"]).0, Some(2));
}
