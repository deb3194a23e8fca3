use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(env = "DATABASE_URL")]
    database_url: SecretString,
}

fn main() {}
