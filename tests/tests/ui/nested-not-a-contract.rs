use secrets_core::SecretContract;

#[derive(Debug)]
struct Plain {
    url: String,
}

#[derive(SecretContract)]
struct App {
    #[nested(prefix = "DB_")]
    db: Plain,
}

fn main() {}
