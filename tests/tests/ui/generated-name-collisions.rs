use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[config]
    load: Option<String>,
    #[config]
    status: Option<String>,
    #[secret(optional)]
    token: Option<SecretString>,
    #[config(default = false)]
    has_token: bool,
    #[secret(billing, feature = "openai")]
    openai_api_key: Option<SecretString>,
    #[config(default = false)]
    has_openai: bool,
}

fn main() {}
