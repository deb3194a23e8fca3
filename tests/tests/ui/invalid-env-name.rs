use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required, env = "DATABASE-URL")]
    database_url: SecretString,
}

fn main() {}
