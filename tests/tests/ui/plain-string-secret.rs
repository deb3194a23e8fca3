use secrets_core::SecretContract;

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    database_url: String,
}

fn main() {}
