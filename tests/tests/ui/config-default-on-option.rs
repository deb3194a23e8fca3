use secrets_core::SecretContract;

#[derive(SecretContract)]
struct AppSecrets {
    #[config(default = "4")]
    workers: Option<u32>,
}

fn main() {}
