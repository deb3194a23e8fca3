use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct Db {
    #[secret(required)]
    url: SecretString,
}

#[derive(SecretContract)]
struct App {
    #[nested(prefx = "DB_")]
    db: Db,
}

fn main() {}
