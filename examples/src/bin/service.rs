//! An HTTP service that checks its contract before it opens a port.
//!
//! A missing required secret stops it with exit 78 before binding; billing and external gaps
//! are logged as warnings. Once up it serves `GET /healthz` and `GET /secrets/status`.
//!
//! `service secrets <status|check|env-example|docs>` checks the contract without starting.
//!
//! Beyond the environment and `.env`, secrets can come from files (`NAME_FILE`, systemd
//! credentials, or a directory named by `SECRETS_DIR`) and from Vault or OpenBao
//! (`VAULT_ADDR`, `VAULT_TOKEN`, and the KV v2 paths in `VAULT_SECRET_PATHS`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::path::PathBuf;

use secrets_core::{SecretContract, SecretString, Sources, VaultConfig, config_error};

/// Where the service's secrets live besides the standard sources.
#[derive(SecretContract)]
struct SecretLocations {
    /// A secrets directory, such as a Docker or Kubernetes secret mount
    #[config]
    secrets_dir: Option<PathBuf>,
    /// Comma-separated Vault/OpenBao KV v2 paths, such as `secret/service`
    #[config]
    vault_secret_paths: Option<String>,
}

/// The standard sources plus the secrets directory and Vault paths the environment names.
fn sources(base: Sources) -> Sources {
    let locations = SecretLocations::load_or_exit();
    let mut sources = base;
    if let Ok(dir) = locations.secrets_dir() {
        sources = sources.secrets_dir(dir);
    }
    if let (Ok(paths), Some(vault)) = (locations.vault_secret_paths(), VaultConfig::from_env()) {
        let paths: Vec<&str> = paths.split(',').map(str::trim).collect();
        sources = sources.vault(&vault, &paths);
    }
    sources
}

#[derive(SecretContract)]
struct ServiceSecrets {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    /// Key that signs session cookies
    #[secret(required)]
    session_key: SecretString,
    /// OpenAI API (spends money)
    #[secret(billing, feature = "summaries")]
    openai_api_key: Option<SecretString>,
    /// Error reporting
    #[secret(external)]
    sentry_dsn: Option<SecretString>,
    /// Address to listen on
    #[config(env = "BIND_ADDR", default = "127.0.0.1:8080")]
    bind_addr: SocketAddr,
}

/// What the handlers share: the status report rendered at startup.
struct AppState {
    status_json: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("secrets") {
        std::process::exit(secrets_core::cli::run_from_with::<ServiceSecrets>(std::env::args_os().skip(1), sources));
    }
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).init();

    // Startup validation comes first: nothing is bound until the contract holds.
    let sources = sources(Sources::standard());
    let secrets = ServiceSecrets::load_from(&sources).unwrap_or_else(|error| config_error(&error));
    if !secrets.has_summaries() {
        tracing::info!("summaries are off: OPENAI_API_KEY is not set");
    }
    let state = Arc::new(AppState { status_json: ServiceSecrets::status_from(&sources).to_json() });

    let app =
        Router::new().route("/healthz", get(|| async { "ok" })).route("/secrets/status", get(status)).with_state(state);
    let listener = tokio::net::TcpListener::bind(secrets.bind_addr()).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn status(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], state.status_json.clone())
}

async fn shutdown_signal() {
    // If the handler cannot be installed the service simply runs until it is killed.
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
