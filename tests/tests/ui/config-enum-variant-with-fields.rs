use secrets_core::ConfigEnum;

#[derive(ConfigEnum)]
enum Mode {
    Fast,
    Slow(u32),
}

fn main() {}
