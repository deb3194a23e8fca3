use secrets_core::ConfigEnum;

#[derive(ConfigEnum)]
enum Security {
    Off,
    #[config_enum(nmae = "tls")]
    StartTls,
}

fn main() {}
