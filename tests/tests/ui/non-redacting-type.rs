use secrets_core::SecretContract;

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    admin_pin: u32,
}

fn main() {}
