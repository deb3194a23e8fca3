//! The contract of the design, loaded from the environment and the nearest `.env`.
//!
//! Run it from `examples/demo` (where the demo `.env` lives) or any directory below it.

use secrets_core::{ExposeSecret, MapSource, SecretContract, SecretString, Sources, config_error};

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
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).init();

    // The first line of a real program is `let secrets = AppSecrets::load_or_exit();`.
    // Here the sources are kept so the status report below reads the same ones.
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
    let broken = MapSource::new().with("DATABASE_URL", "   ");
    if let Err(error) = AppSecrets::load_from(&broken) {
        println!("With DATABASE_URL empty and REDIS_URL unset, load_or_exit() would print:\n");
        println!("FATAL: {error}\n");
        println!("and exit with status {}.", secrets_core::EX_CONFIG);
    }
}

/// The URL's scheme, which says which driver to use and nothing secret.
fn scheme(url: &str) -> &str {
    url.split_once("://").map_or("(none)", |(scheme, _)| scheme)
}
