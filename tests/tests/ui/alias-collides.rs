use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
#[contract(prefix = "APP_")]
struct App {
    #[secret(optional)]
    openai_key: Option<SecretString>,
    #[secret(billing, alias = "APP_OPENAI_KEY")]
    openai_api_key: Option<SecretString>,
}

fn main() {}
