use secrets_core::SecretContract;

#[derive(SecretContract)]
struct App {
    #[config(default = "info", range = 1..=5)]
    log_level: String,
}

fn main() {}
