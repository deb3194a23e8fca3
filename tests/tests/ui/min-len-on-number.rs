use secrets_core::SecretContract;

#[derive(SecretContract)]
struct App {
    #[config(default = 8080, min_len = 4)]
    port: u16,
}

fn main() {}
