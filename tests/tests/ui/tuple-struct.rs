use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct AppSecrets(SecretString);

fn main() {}
