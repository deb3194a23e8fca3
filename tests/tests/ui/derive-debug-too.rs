use secrets_core::{SecretContract, SecretString};

#[derive(SecretContract, Debug)]
struct Together {
    #[secret(required)]
    token: SecretString,
}

#[derive(SecretContract)]
#[derive(Debug)]
struct Apart {
    #[secret(required)]
    token: SecretString,
}

fn main() {}
