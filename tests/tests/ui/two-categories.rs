use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(billing, external)]
    openai_api_key: Option<SecretString>,
}

fn main() {}
