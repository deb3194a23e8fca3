use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    database_url: SecretString,
    redis_url: SecretString,
}

fn main() {}
