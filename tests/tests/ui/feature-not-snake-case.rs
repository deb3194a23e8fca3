use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[secret(billing, feature = "OpenAI")]
    openai_api_key: Option<SecretString>,
}

fn main() {}
