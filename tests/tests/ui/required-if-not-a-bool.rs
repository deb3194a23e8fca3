use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[config(default = 443)]
    push_port: u16,
    #[config(default = false)]
    push_enabled: bool,
    #[secret(required_if = "push_port")]
    push_key: Option<SecretString>,
}

fn main() {}
