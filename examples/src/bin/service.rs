//! An HTTP service that checks its contract before it opens a port.
//!
//! A missing required secret stops it with exit 78 before binding; billing and external gaps
//! are logged as warnings. Once up it serves `GET /healthz` and `GET /secrets/status`.
//!
//! `service secrets <status|check|env-example|docs>` checks the contract without starting.
//!
//! The contract shows what a real service declares: a database section (`DATABASE_*`) with a
//! bounded pool size, a mail section read only when `MAIL_ENABLED` is true, an alias
//! (`OPENAI_KEY`), a deprecated name (`SMTP_SSL`), an enum setting, a duration and a rule between
//! two variables.
//!
//! Beyond the environment and `.env`, secrets can come from files (`NAME_FILE`, systemd
//! credentials, or a directory named by `SECRETS_DIR`) and from Vault or OpenBao
//! (`VAULT_ADDR`, `VAULT_TOKEN`, and the KV v2 paths in `VAULT_SECRET_PATHS`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::path::PathBuf;

use std::time::Duration;

use secrets_core::{ConfigEnum, Live, Problems, SecretContract, SecretString, Sources, VaultConfig, config_error};

/// How often the service asks Vault for new versions.
#[derive(SecretContract)]
struct PollSetting {
    /// How often each Vault path is asked for its version
    #[config(default = "60s")]
    vault_poll: Duration,
}

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

/// Where the service's secrets are, read once at startup.
struct Locations {
    secrets_dir: Option<PathBuf>,
    vault: Option<(VaultConfig, Vec<String>)>,
}

impl Locations {
    fn from_env() -> Self {
        let locations = SecretLocations::load_or_exit();
        let paths = locations
            .vault_secret_paths()
            .ok()
            .map(|paths| paths.split(',').map(|path| path.trim().to_owned()).collect());
        Self { secrets_dir: locations.secrets_dir().ok().cloned(), vault: VaultConfig::from_env().zip(paths) }
    }

    /// The standard sources plus the secrets directory and Vault paths the environment names;
    /// built anew for each reload, so a rewritten `.env` and new Vault versions are read.
    fn sources(&self, base: Sources) -> Sources {
        let mut sources = base;
        if let Some(dir) = &self.secrets_dir {
            sources = sources.secrets_dir(dir);
        }
        if let Some((vault, paths)) = &self.vault {
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            sources = sources.vault(vault, &paths);
        }
        sources
    }
}

/// The database section: `DATABASE_URL`, `DATABASE_MIN_CONNS`, `DATABASE_MAX_CONNS`.
#[derive(SecretContract)]
struct Database {
    /// Postgres connection string
    #[secret(required)]
    url: SecretString,
    /// Connections the pool keeps open
    #[config(default = 1)]
    min_conns: u32,
    /// Connections the pool opens at most
    #[config(default = 10, range = 1..=500)]
    max_conns: u32,
}

/// How mail is sent to the SMTP relay.
#[derive(ConfigEnum, Debug)]
enum SmtpSecurity {
    Off,
    Starttls,
    ForceTls,
}

/// The mail section, read only when `MAIL_ENABLED` is true.
#[derive(SecretContract)]
struct Smtp {
    /// SMTP relay host
    #[config]
    host: String,
    /// SMTP relay port
    #[config(default = 587)]
    port: u16,
    /// SMTP password
    #[secret(required)]
    password: SecretString,
    /// Transport security
    #[config(default = "starttls", deprecated = "SMTP_SSL")]
    security: SmtpSecurity,
}

#[derive(SecretContract)]
#[contract(validate = check_service)]
struct ServiceSecrets {
    #[nested(prefix = "DATABASE_")]
    database: Database,
    /// Key that signs session cookies
    #[secret(required)]
    session_key: SecretString,
    /// OpenAI API (spends money)
    #[secret(billing, feature = "summaries", alias = "OPENAI_KEY")]
    openai_api_key: Option<SecretString>,
    /// Error reporting
    #[secret(external)]
    sentry_dsn: Option<SecretString>,
    /// Send mail through an SMTP relay
    #[config(default = false)]
    mail_enabled: bool,
    #[nested(prefix = "SMTP_", enabled_by = "mail_enabled")]
    smtp: Option<Smtp>,
    /// Address to listen on
    #[config(env = "BIND_ADDR", default = "127.0.0.1:8080")]
    bind_addr: SocketAddr,
    /// How long a request may take
    #[config(default = Duration::from_secs(30))]
    request_timeout: Duration,
}

/// The rules between variables that no single one can state.
fn check_service(secrets: &ServiceSecrets, problems: &mut Problems) {
    let database = secrets.database();
    if database.min_conns() > database.max_conns() {
        problems.add("DATABASE_MIN_CONNS", "must not exceed DATABASE_MAX_CONNS");
    }
    if let Ok(smtp) = secrets.smtp() {
        if matches!(smtp.security(), SmtpSecurity::Off) && *smtp.port() != 25 {
            problems.warn("SMTP_SECURITY", "is off on a submission port: the password goes out in clear");
        }
    }
}

/// What the handlers share: the live contract, and what is rebuilt when a secret rotates.
struct AppState {
    secrets: Live<ServiceSecrets>,
    pool: Arc<Mutex<Option<Pool>>>,
}

/// Stands for the database pool: built from `DATABASE_URL`, rebuilt when it rotates.
struct Pool {
    generation: u64,
    max_conns: u32,
}

impl Pool {
    fn connect(secrets: &ServiceSecrets, generation: u64) -> Self {
        // A real service opens its connections here, with `secrets.database().url()`.
        Self { generation, max_conns: *secrets.database().max_conns() }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let locations = Locations::from_env();
    if std::env::args().nth(1).as_deref() == Some("secrets") {
        let extend = |base| locations.sources(base);
        std::process::exit(secrets_core::cli::run_from_with::<ServiceSecrets>(std::env::args_os().skip(1), extend));
    }
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).init();

    // Startup validation comes first: nothing is bound until the contract holds. Then the
    // contract follows its sources: a rotated secret is served once it passes the policy.
    // The pool is rebuilt in `on_change`, registered before watching starts: no rotation can
    // come between the first load and the callback.
    let pool: Arc<Mutex<Option<Pool>>> = Arc::new(Mutex::new(None));
    let rebuilt = Arc::clone(&pool);
    let live = Live::<ServiceSecrets>::builder()
        .sources(move || locations.sources(Sources::standard()))
        .poll(poll_interval())
        .on_change(move |secrets| {
            let mut pool = rebuilt.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let generation = pool.as_ref().map_or(1, |pool| pool.generation + 1);
            *pool = Some(Pool::connect(secrets, generation));
            tracing::info!(generation, "secrets rotated: database pool rebuilt");
        })
        .build()
        .unwrap_or_else(|error| config_error(&error));
    let secrets = live.get();
    if !secrets.has_summaries() {
        tracing::info!("summaries are off: OPENAI_API_KEY is not set");
    }
    match secrets.smtp() {
        Ok(smtp) => tracing::info!(host = smtp.host(), port = smtp.port(), "mail goes through the SMTP relay"),
        Err(off) => tracing::info!("mail is off: {off}"),
    }
    tracing::info!(
        pool = format_args!("{}..={}", secrets.database().min_conns(), secrets.database().max_conns()),
        timeout = ?secrets.request_timeout(),
        "database pool"
    );
    pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert_with(|| Pool::connect(&secrets, 1));
    let bind_addr = *secrets.bind_addr();
    drop(secrets);
    let state = Arc::new(AppState { secrets: live, pool });

    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/secrets/status", get(status))
        .route("/pool", get(pool_info))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(bind_addr).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

/// The report of the values being served, with each variable's last change and the last
/// failed reload: never a value.
async fn status(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], state.secrets.status().to_json())
}

/// Which pool serves: its generation goes up each time a rotation rebuilds it.
async fn pool_info(State(state): State<Arc<AppState>>) -> String {
    match &*state.pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner) {
        Some(pool) => format!("generation {} of at most {} connections", pool.generation, pool.max_conns),
        None => "no pool yet".to_owned(),
    }
}

/// How often Vault paths are asked for their version: `VAULT_POLL`, else 60 s.
fn poll_interval() -> Duration {
    *PollSetting::load_or_exit().vault_poll()
}

async fn shutdown_signal() {
    // If the handler cannot be installed the service simply runs until it is killed.
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
