use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
#[secret(required)]
struct App {
    #[contract(prefix = "APP_")]
    #[secret(required)]
    token: SecretString,
}

fn main() {}
