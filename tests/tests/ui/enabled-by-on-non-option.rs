use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct Sso {
    #[secret(required)]
    client_secret: SecretString,
}

#[derive(SecretContract)]
struct App {
    #[config(default = false)]
    sso_enabled: bool,
    #[nested(enabled_by = "sso_enabled")]
    sso: Sso,
}

fn main() {}
