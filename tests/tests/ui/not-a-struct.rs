use secrets_core::SecretContract;

#[derive(SecretContract)]
enum AppSecrets {
    Database,
}

fn main() {}
