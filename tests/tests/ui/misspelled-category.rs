use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
struct App {
    #[secret(requried)]
    a: SecretString,
    #[secret(Required)]
    b: SecretString,
    #[secret(required = true)]
    c: SecretString,
    #[secret = "required"]
    d: SecretString,
}

fn main() {}
