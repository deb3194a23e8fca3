use secrets_core::SecretContract;

#[derive(SecretContract)]
struct App {
    #[config(default = false)]
    push_enabled: bool,
    #[config(required_if = "push_enabled")]
    push_topic: String,
}

fn main() {}
