use secrets_core::SecretContract;

#[derive(SecretContract)]
struct Settings {
    #[config(sep = ";")]
    region: String,
    #[config(sep = "")]
    hosts: Vec<String>,
}

fn main() {}
