use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(billing)]
    openai_api_key: SecretString,
}

fn main() {}
