use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract)]
#[contract(prefix = APP_)]
struct App {
    #[secret(env = 5, descripton = "x", required)]
    a: SecretString,
    #[config(allow_empty = true, enviroment = "B")]
    b: Option<String>,
    #[config(required)]
    c: String,
}

fn main() {}
