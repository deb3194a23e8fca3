use std::time::Duration;

use secrets_core::SecretContract;

#[derive(SecretContract)]
struct App {
    #[config(default = "abc")]
    port: u16,
    #[config(default = "70000")]
    other_port: u16,
    #[config(default = "maybe")]
    verbose: bool,
    #[config(default = "30")]
    timeout: Duration,
    #[config(default = "1.5x")]
    ratio: f64,
    #[config(default = "30s")]
    fine: Duration,
}

fn main() {}
