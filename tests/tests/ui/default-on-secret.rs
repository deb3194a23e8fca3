use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required, default = "postgres://localhost/dev")]
    database_url: SecretString,
}

fn main() {}
