use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[config(default = false)]
    push_enabled: bool,
    #[secret(required_if = "push_enabled")]
    push_key: SecretString,
}

fn main() {}
