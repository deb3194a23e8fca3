use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(billing, feature = "stripe")]
    stripe: Option<SecretString>,
}

fn main() {}
