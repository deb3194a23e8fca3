use secrets_core::SecretContract;

#[derive(SecretContract)]
#[contract(validate = check)]
struct App {
    #[config(default = 1)]
    workers: u32,
}

fn check(_app: &App) -> bool {
    true
}

fn main() {}
