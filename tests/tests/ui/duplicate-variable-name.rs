use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    database_url: SecretString,
    #[secret(optional, env = "DATABASE_URL")]
    replica_url: Option<SecretString>,
}

fn main() {}
