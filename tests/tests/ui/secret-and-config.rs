use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    #[config(default = "x")]
    database_url: SecretString,
}

fn main() {}
