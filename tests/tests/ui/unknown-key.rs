use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
#[contract(prefixx = "APP_")]
struct AppSecrets {
    #[secret(required, envv = "DATABASE_URL")]
    database_url: SecretString,
    #[config(defualt = "info")]
    log_level: String,
    #[secret(optional, colour = "blue")]
    sentry_dsn: Option<SecretString>,
}

fn main() {}
