use secrets_core::SecretContract;

#[derive(SecretContract)]
struct Settings {
    #[config(skip, env = "CACHE", default = "1")]
    cache: u32,
    #[config(skip, allow_empty)]
    started: Option<String>,
}

fn main() {}
