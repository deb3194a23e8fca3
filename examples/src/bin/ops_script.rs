//! A maintenance script that spends money: billing secrets are mandatory from its first line.

use secrets_core::{ExposeSecret, Policy, SecretContract, SecretString};

#[derive(SecretContract)]
struct ReembedSecrets {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    /// OpenAI API, billed per embedding
    #[secret(billing)]
    openai_api_key: Option<SecretString>,
    /// Documents per API call
    #[config(default = "100")]
    batch_size: usize,
}

fn main() {
    let secrets = ReembedSecrets::load_or_exit_with(Policy::startup().include_billing(true));

    // With include_billing(true) a missing key has already stopped the script with exit 78.
    let key = secrets.openai_api_key().expect("checked by the policy at startup");
    println!(
        "re-embedding documents in batches of {} with a {}-character API key",
        secrets.batch_size(),
        key.expose_secret().len()
    );
}
