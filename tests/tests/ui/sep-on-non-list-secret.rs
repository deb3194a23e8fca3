use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[secret(required, sep = ";")]
    api_key: SecretString,
}

fn main() {}
