use secrets_core::SecretContract;

fn check_port(port: u16) -> Result<(), String> {
    if port > 1024 { Ok(()) } else { Err("is a privileged port".to_owned()) }
}

#[derive(SecretContract)]
struct App {
    #[config(default = 8080, validate = check_port)]
    port: u16,
}

fn main() {}
