//! The contract the behaviour and leak tests share.

use secrets_core::{SecretContract, SecretString};

/// A contract with every category, a feature group and typed settings.
#[derive(SecretContract)]
pub(crate) struct AppSecrets {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    /// Redis connection string
    #[secret(required)]
    redis_url: SecretString,
    /// OpenAI API (spends money)
    #[secret(billing, feature = "openai")]
    openai_api_key: Option<SecretString>,
    #[secret(billing, feature = "openai", env = "OPENAI_ORG_ID")]
    openai_org: Option<SecretString>,
    /// Anthropic API
    #[secret(external)]
    anthropic_api_key: Option<SecretString>,
    #[secret(optional, description = "Slack alerts")]
    slack_webhook_url: Option<SecretString>,
    #[config(default = "info")]
    log_level: String,
    #[config(env = "PORT", default = "8080")]
    port: u16,
    #[config]
    workers: Option<u32>,
}

/// Every variable of [`AppSecrets`] set to a plausible value.
pub(crate) const FULL: [(&str, &str); 9] = [
    ("DATABASE_URL", "postgres://app:pw@db/app"),
    ("REDIS_URL", "redis://cache:6379"),
    ("OPENAI_API_KEY", "sk-test-openai"),
    ("OPENAI_ORG_ID", "org-test"),
    ("ANTHROPIC_API_KEY", "sk-ant-test"),
    ("SLACK_WEBHOOK_URL", "https://hooks.example/x"),
    ("LOG_LEVEL", "debug"),
    ("PORT", "9090"),
    ("WORKERS", "4"),
];
