use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct Db {
    #[secret(required)]
    url: SecretString,
}

#[derive(SecretContract)]
struct App {
    #[nested(prefix = "DB_")]
    #[secret(required)]
    db: Db,
}

fn main() {}
