use secrets_core::ConfigEnum;

#[derive(ConfigEnum)]
struct Mode {
    fast: bool,
}

fn main() {}
