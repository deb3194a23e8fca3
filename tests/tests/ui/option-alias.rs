use secrets_core::{SecretContract, SecretString};

type Maybe<T> = Option<T>;

#[derive(SecretContract)]
struct App {
    #[secret(optional)]
    token: Maybe<SecretString>,
}

fn main() {}
