use secrets_core::ConfigEnum;

#[derive(ConfigEnum)]
enum Security {
    ForceTls,
    #[config_enum(name = "force_tls")]
    Tls,
}

fn main() {}
