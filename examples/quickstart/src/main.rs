//! The contract of the design, loaded from the environment and the nearest `.env`.
//!
//! Run it from `examples/demo` (where the demo `.env` lives) or any directory below it. It
//! depends on `secrets-core` alone, with its default features.

use std::process::Command;

use secrets_core::{ExposeSecret, SecretContract, SecretString, Sources, config_error};

/// The argument that makes this program load its contract as a real program's first line does.
const FAIL_FAST: &str = "--load-or-exit";

#[derive(SecretContract)]
struct AppSecrets {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    /// Redis connection string
    #[secret(required)]
    redis_url: SecretString,
    /// OpenAI API (spends money)
    #[secret(billing, feature = "openai")]
    openai_api_key: Option<SecretString>,
    /// Anthropic API
    #[secret(external)]
    anthropic_api_key: Option<SecretString>,
    /// Slack alerts; the app logs locally without it
    #[secret(optional)]
    slack_webhook_url: Option<SecretString>,
    /// Log filter
    #[config(default = "info")]
    log_level: String,
}

fn main() {
    if std::env::args_os().nth(1).is_some_and(|arg| arg == FAIL_FAST) {
        let secrets = AppSecrets::load_or_exit();
        println!("loaded: {secrets:?}");
        return;
    }

    // The first line of a real program is `let secrets = AppSecrets::load_or_exit();`.
    // Here the sources are kept so the status report below reads the same ones. Load warnings
    // (a missing billing key) go to stderr, or to `tracing` when a subscriber is installed.
    let sources = Sources::standard();
    let secrets = AppSecrets::load_from(&sources).unwrap_or_else(|error| config_error(&error));

    println!("== Status report (no values, ever) ==");
    println!("{}\n", AppSecrets::status_from(&sources));

    println!("== Typed access ==");
    println!("log level: {}", secrets.log_level());
    let database_url = secrets.database_url().expose_secret();
    println!("database URL loaded: {} characters, scheme {}", database_url.len(), scheme(database_url));
    println!("Debug of the contract: {secrets:?}\n");

    println!("== Probes ==");
    if secrets.has_openai() {
        println!("OpenAI features: on");
    } else {
        println!("OpenAI features: off, the app runs without them");
    }
    match secrets.slack_webhook_url() {
        Ok(_) => println!("Slack alerts: on"),
        Err(error) => println!("Slack alerts: off ({error})"),
    }

    println!("\n== Fail-fast ==");
    fail_fast_demo();
}

/// Runs this program again, from the same directory, with `DATABASE_URL` and `REDIS_URL` set
/// empty (and no credential or `NAME_FILE` that would supply them), so its `load_or_exit()`
/// fails; shows what it printed and its exit status.
fn fail_fast_demo() {
    let run = std::env::current_exe().and_then(|program| {
        Command::new(program)
            .arg(FAIL_FAST)
            .env("DATABASE_URL", "")
            .env("REDIS_URL", "")
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("DATABASE_URL_FILE")
            .env_remove("REDIS_URL_FILE")
            .output()
    });
    match run {
        Ok(output) => {
            println!("The same program with DATABASE_URL= and REDIS_URL= in its environment printed:\n");
            for line in
                String::from_utf8_lossy(&output.stderr).lines().chain(String::from_utf8_lossy(&output.stdout).lines())
            {
                println!("    {line}");
            }
            let status = output.status.code().map_or_else(|| "a signal".to_owned(), |code| code.to_string());
            println!("\nand exited with status {status} (EX_CONFIG is {}).", secrets_core::EX_CONFIG);
        }
        Err(error) => println!("could not run this program again: {error}"),
    }
}

/// The URL's scheme, which says which driver to use and nothing secret.
fn scheme(url: &str) -> &str {
    url.split_once("://").map_or("(none)", |(scheme, _)| scheme)
}
