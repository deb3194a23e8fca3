use secrets_core::{SecretContract, SecretString};

struct NotParsable;

#[derive(SecretContract)]
struct App {
    #[secret(requried)]
    typo: SecretString,
    #[secret(required)]
    pin: u32,
    #[config(default = 8080)]
    name: String,
    #[config]
    thing: Option<NotParsable>,
}

fn main() {}
