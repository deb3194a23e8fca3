use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[secret(optional)]
    token: Option<Option<SecretString>>,
    #[secret(optional)]
    other: SecretString,
}

fn main() {}
