use secrets_core::SecretContract;

#[derive(SecretContract)]
struct App {
    #[config(default = 3.5)]
    port: u16,
}

fn main() {}
