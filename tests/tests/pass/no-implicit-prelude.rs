//! Generated code names everything by absolute path, so it compiles without the prelude.
#![no_implicit_prelude]

#[derive(::secrets_core::SecretContract)]
#[contract(prefix = "APP_")]
struct AppSecrets {
    /// Postgres connection string
    #[secret(required)]
    database_url: ::secrets_core::SecretString,
    #[secret(billing, feature = "openai")]
    openai_api_key: ::std::option::Option<::secrets_core::SecretString>,
    #[config(default = "8080")]
    port: u16,
    #[config]
    workers: ::std::option::Option<u32>,
}

fn main() {
    let source = ::secrets_core::MapSource::new().with("APP_DATABASE_URL", "postgres://x");
    let secrets = <AppSecrets as ::secrets_core::SecretContract>::load_from(&source).unwrap();
    ::std::assert!(secrets.has_database_url() && !secrets.has_openai());
    ::std::assert_eq!(*secrets.port(), 8080);
    ::std::assert!(secrets.workers().is_err() && secrets.openai_api_key().is_err());
}
