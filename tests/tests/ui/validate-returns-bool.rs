use secrets_core::SecretContract;

fn check_port(port: &u16) -> bool {
    *port > 1024
}

#[derive(SecretContract)]
struct App {
    #[config(default = 8080, validate = check_port)]
    port: u16,
}

fn main() {}
