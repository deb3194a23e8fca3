//! A service's `secrets` subcommand, for the `run_mask` benchmark: `masked_run secrets run
//! --mask -- CMD` with a contract shaped like a real one (required and optional secrets,
//! numeric and boolean settings).

use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
#[contract(prefix = "SVC_")]
struct ServiceSecrets {
    #[secret(required)]
    database_url: SecretString,
    #[secret(required)]
    session_key: SecretString,
    #[secret(required)]
    stripe_secret_key: SecretString,
    #[secret(billing)]
    openai_api_key: Option<SecretString>,
    #[secret(external)]
    sentry_dsn: Option<SecretString>,
    #[secret(optional)]
    slack_webhook_url: Option<SecretString>,
    #[config(default = 8080)]
    port: u16,
    #[config(default = 16)]
    pool_size: u32,
    #[config(default = false)]
    debug: bool,
}

fn main() {
    std::process::exit(secrets_core::cli::run_from::<ServiceSecrets>(std::env::args_os().skip(1)));
}
