use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    database_url: Option<SecretString>,
    #[secret(billing)]
    openai_api_key: String,
    redis_url: SecretString,
    #[secret(optional, descripton = "Slack alerts")]
    slack_webhook_url: Option<SecretString>,
}

fn main() {
    // No "trait not implemented" follow-up: the derive still emits a stub impl.
    let _ = AppSecrets::load();
}
