use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    database_url: Option<SecretString>,
}

fn main() {}
