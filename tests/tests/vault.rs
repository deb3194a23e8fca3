//! Vault / OpenBao KV v2: against a real OpenBao dev server on loopback (started by `.ci/run`),
//! and against a counting stub for the one-request-per-path guarantee.
//!
//! The servers are named by `SECRETS_TEST_VAULT_ADDR` (+ `_TOKEN`, the root token),
//! `SECRETS_TEST_VAULT_TLS_ADDR` (+ `SECRETS_TEST_VAULT_CACERT`) and
//! `SECRETS_TEST_VAULT_SEALABLE_ADDR`. Without them (set when the tests are built, as `.ci/run`
//! does) the tests that need a server are ignored, with the reason in `cargo test`'s output; with
//! them, a server that cannot be reached fails the tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use secrets_core::{ExposeSecret, Origin, SecretContract, SecretString, Sources, VaultConfig};

#[derive(SecretContract)]
struct AppSecrets {
    /// Postgres connection string
    #[secret(required)]
    database_url: SecretString,
    #[secret(required)]
    redis_url: SecretString,
    #[secret(optional)]
    sentry_dsn: Option<SecretString>,
}

/// The server at `addr_var` and the root token; the tests that call it run only when the
/// servers were there at build time, so a missing or unreachable one is a failure.
fn server(addr_var: &str) -> (String, String) {
    let addr = std::env::var(addr_var).unwrap_or_else(|_| panic!("{addr_var} is not set; .ci/run sets it"));
    let token = std::env::var("SECRETS_TEST_VAULT_TOKEN").expect("SECRETS_TEST_VAULT_TOKEN is set with the addresses");
    // A TCP connection is enough to know the server is up; the tests check the rest.
    let host = addr.split("://").nth(1).unwrap_or(&addr);
    let reachable =
        host.parse().is_ok_and(|socket| TcpStream::connect_timeout(&socket, Duration::from_secs(3)).is_ok());
    assert!(reachable, "{addr_var} names no reachable OpenBao server; .ci/run starts one");
    (addr, token)
}

/// Calls the server's HTTP API with the root token (test setup only).
fn api(addr: &str, token: &str, method: &str, path: &str, body: &serde_json::Value) -> serde_json::Value {
    api_in(addr, token, "", method, path, body)
}

/// Calls the server's HTTP API in a namespace (`""` for the root one).
fn api_in(
    addr: &str,
    token: &str,
    namespace: &str,
    method: &str,
    path: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = format!("{addr}/v1/{path}");
    let response = match method {
        "GET" => agent.get(&url).header("X-Vault-Token", token).header("X-Vault-Namespace", namespace).call(),
        "POST" => agent
            .post(&url)
            .header("X-Vault-Token", token)
            .header("X-Vault-Namespace", namespace)
            .send(body.to_string().as_bytes()),
        "PUT" => agent
            .put(&url)
            .header("X-Vault-Token", token)
            .header("X-Vault-Namespace", namespace)
            .send(body.to_string().as_bytes()),
        other => panic!("no method {other}"),
    };
    let mut response = response.unwrap();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// Writes a KV v2 secret and returns its new version.
fn write_secret(addr: &str, token: &str, path: &str, data: &serde_json::Value) -> u64 {
    let written = api(addr, token, "POST", &format!("secret/data/{path}"), &serde_json::json!({ "data": data }));
    written["data"]["version"].as_u64().expect("the server answers the new version")
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn a_contract_loads_from_a_kv_v2_secret() {
    let (addr, token) = server("SECRETS_TEST_VAULT_ADDR");
    write_secret(&addr, &token, "contract", &serde_json::json!({"DATABASE_URL": "postgres://older"}));
    let data = serde_json::json!({"DATABASE_URL": "postgres://vault/app", "REDIS_URL": "redis://vault"});
    let version = write_secret(&addr, &token, "contract", &data);
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    let sources = Sources::new().vault(&config, &["secret/contract"]);
    let secrets = AppSecrets::load_from(&sources).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://vault/app");
    assert!(!secrets.has_sentry_dsn());
    let report = AppSecrets::status_from(&sources);
    let origin = Origin::Vault { path: "secret/contract".into(), key: "DATABASE_URL".into(), version: Some(version) };
    assert_eq!(report.entry("DATABASE_URL").unwrap().origin(), Some(&origin));
    let line = format!("✅ DATABASE_URL: configured (REQ) from vault:secret/contract#DATABASE_URL@v{version}");
    assert!(report.to_string().contains(&line), "{report}");
    assert!(report.looked_in().contains(&format!("vault {addr}/secret/contract")));
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn a_missing_key_is_a_missing_variable() {
    let (addr, token) = server("SECRETS_TEST_VAULT_ADDR");
    let _ = write_secret(&addr, &token, "partial", &serde_json::json!({"DATABASE_URL": "postgres://x"}));
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    let error = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/partial"])).unwrap_err();
    assert!(error.to_string().contains("REDIS_URL (required secret): missing"), "{error}");
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn a_bad_token_is_a_403_naming_the_address_and_path_never_the_token() {
    let (addr, _) = server("SECRETS_TEST_VAULT_ADDR");
    let token = "hvs.not-a-real-token-Zq8Kp2";
    let config = VaultConfig::new(&addr).token(SecretString::from(token));
    let error = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/contract"])).unwrap_err().to_string();
    assert!(error.contains(&format!("vault at {addr}, secret/contract: permission denied (403)")), "{error}");
    assert!(!error.contains("Zq8Kp2") && !format!("{config:?}").contains("Zq8Kp2"));
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn a_policy_restricted_token_reads_only_its_paths() {
    let (addr, root) = server("SECRETS_TEST_VAULT_ADDR");
    let _ = write_secret(&addr, &root, "allowed", &serde_json::json!({"DATABASE_URL": "a", "REDIS_URL": "b"}));
    let _ = write_secret(&addr, &root, "forbidden", &serde_json::json!({"DATABASE_URL": "c", "REDIS_URL": "d"}));
    let policy = r#"path "secret/data/allowed" { capabilities = ["read"] }"#;
    api(&addr, &root, "PUT", "sys/policies/acl/app-read", &serde_json::json!({ "policy": policy }));
    let created = api(&addr, &root, "POST", "auth/token/create", &serde_json::json!({"policies": ["app-read"]}));
    let token = created["auth"]["client_token"].as_str().unwrap().to_owned();
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    assert!(AppSecrets::load_from(&Sources::new().vault(&config, &["secret/allowed"])).is_ok());
    let error = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/forbidden"])).unwrap_err().to_string();
    assert!(error.contains("secret/forbidden: permission denied (403)"), "{error}");
    assert!(!error.contains(&token));
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn a_namespace_is_sent_and_a_missing_path_is_a_404() {
    let (addr, token) = server("SECRETS_TEST_VAULT_ADDR");
    api(&addr, &token, "POST", "sys/namespaces/team", &serde_json::json!({}));
    let kv = serde_json::json!({"type": "kv", "options": {"version": "2"}});
    api_in(&addr, &token, "team", "POST", "sys/mounts/secret", &kv);
    let data = serde_json::json!({"data": {"DATABASE_URL": "postgres://team", "REDIS_URL": "redis://team"}});
    api_in(&addr, &token, "team", "POST", "secret/data/team-only", &data);
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    let in_team = config.clone().namespace("team");
    let secrets = AppSecrets::load_from(&Sources::new().vault(&in_team, &["secret/team-only"])).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://team");
    let error = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/team-only"])).unwrap_err().to_string();
    assert!(error.contains(&format!("vault at {addr}, secret/team-only: not found (404)")), "{error}");
}

#[test]
fn a_stopped_server_is_unreachable_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let config = VaultConfig::new(&addr).token(SecretString::from("t")).timeout(Duration::from_secs(2));
    let error = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/app"])).unwrap_err().to_string();
    assert!(error.contains(&format!("vault at {addr}, secret/app: unreachable")), "{error}");
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn tls_needs_the_servers_ca() {
    let (addr, token) = server("SECRETS_TEST_VAULT_TLS_ADDR");
    let cacert = std::env::var("SECRETS_TEST_VAULT_CACERT").unwrap();
    write_secret_tls(&addr, &token, &cacert);
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    let error = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/tls"])).unwrap_err().to_string();
    assert!(error.contains("TLS failed"), "{error}");
    let trusted = config.cacert(&cacert);
    let secrets = AppSecrets::load_from(&Sources::new().vault(&trusted, &["secret/tls"])).unwrap();
    assert_eq!(secrets.redis_url().expose_secret(), "rediss://tls");
}

/// Setup over TLS, trusting the dev server's CA.
fn write_secret_tls(addr: &str, token: &str, cacert: &str) {
    let pem = std::fs::read(cacert).unwrap();
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect();
    let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::new_with_certs(&certs)).build();
    let agent: ureq::Agent = ureq::Agent::config_builder().tls_config(tls).build().into();
    let body = serde_json::json!({"data": {"DATABASE_URL": "postgres://tls", "REDIS_URL": "rediss://tls"}});
    agent
        .post(format!("{addr}/v1/secret/data/tls"))
        .header("X-Vault-Token", token)
        .send(body.to_string().as_bytes())
        .unwrap();
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn approle_logs_in_before_reading() {
    let (addr, root) = server("SECRETS_TEST_VAULT_ADDR");
    api(&addr, &root, "POST", "sys/auth/approle", &serde_json::json!({"type": "approle"}));
    let policy = r#"path "secret/data/approle" { capabilities = ["read"] }"#;
    api(&addr, &root, "PUT", "sys/policies/acl/approle-read", &serde_json::json!({ "policy": policy }));
    api(&addr, &root, "POST", "auth/approle/role/app", &serde_json::json!({"token_policies": ["approle-read"]}));
    let role_id =
        api(&addr, &root, "GET", "auth/approle/role/app/role-id", &serde_json::Value::Null)["data"]["role_id"]
            .as_str()
            .unwrap()
            .to_owned();
    let secret_id =
        api(&addr, &root, "POST", "auth/approle/role/app/secret-id", &serde_json::json!({}))["data"]["secret_id"]
            .as_str()
            .unwrap()
            .to_owned();
    let _ = write_secret(
        &addr,
        &root,
        "approle",
        &serde_json::json!({"DATABASE_URL": "postgres://approle", "REDIS_URL": "r"}),
    );
    let config = VaultConfig::new(&addr).approle(&role_id, SecretString::from(secret_id.as_str()));
    let secrets = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/approle"])).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "postgres://approle");

    let wrong = VaultConfig::new(&addr).approle(&role_id, SecretString::from("wrong-secret-id-Hq7Wm3"));
    let error = AppSecrets::load_from(&Sources::new().vault(&wrong, &["secret/approle"])).unwrap_err().to_string();
    assert!(error.contains("auth/approle/login: login refused"), "{error}");
    assert!(!error.contains("Hq7Wm3") && !error.contains(&secret_id));
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn a_sealed_server_says_so() {
    let (addr, token) = server("SECRETS_TEST_VAULT_SEALABLE_ADDR");
    api(&addr, &token, "PUT", "sys/seal", &serde_json::Value::Null);
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    let error = AppSecrets::load_from(&Sources::new().vault(&config, &["secret/app"])).unwrap_err().to_string();
    assert!(error.contains("secret/app: unavailable (503): the server is sealed"), "{error}");
}

/// A stub KV v2 server on loopback that counts the requests it answers.
fn counting_stub(keys: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    let data: serde_json::Map<String, serde_json::Value> =
        (0..keys).map(|i| (format!("SECRET_{i:02}"), serde_json::Value::from(format!("value-{i}")))).collect();
    let body = serde_json::json!({"data": {"data": data, "metadata": {"version": 7}}}).to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                // Skip the headers; requests here have no body.
                while reader.read_line(&mut line).unwrap_or(0) > 0 && !line.ends_with("\r\n\r\n") {}
                counter.fetch_add(1, Ordering::SeqCst);
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(response.as_bytes()).is_err() {
                    break;
                }
            }
            let _ = reader.read_to_end(&mut Vec::new());
        }
    });
    (addr, count)
}

#[derive(SecretContract)]
#[contract(prefix = "SECRET_")]
struct Twenty {
    #[secret(required, env = "SECRET_00")]
    s00: SecretString,
    #[secret(required, env = "SECRET_01")]
    s01: SecretString,
    #[secret(required, env = "SECRET_02")]
    s02: SecretString,
    #[secret(required, env = "SECRET_03")]
    s03: SecretString,
    #[secret(required, env = "SECRET_04")]
    s04: SecretString,
    #[secret(required, env = "SECRET_05")]
    s05: SecretString,
    #[secret(required, env = "SECRET_06")]
    s06: SecretString,
    #[secret(required, env = "SECRET_07")]
    s07: SecretString,
    #[secret(required, env = "SECRET_08")]
    s08: SecretString,
    #[secret(required, env = "SECRET_09")]
    s09: SecretString,
    #[secret(required, env = "SECRET_10")]
    s10: SecretString,
    #[secret(required, env = "SECRET_11")]
    s11: SecretString,
    #[secret(required, env = "SECRET_12")]
    s12: SecretString,
    #[secret(required, env = "SECRET_13")]
    s13: SecretString,
    #[secret(required, env = "SECRET_14")]
    s14: SecretString,
    #[secret(required, env = "SECRET_15")]
    s15: SecretString,
    #[secret(required, env = "SECRET_16")]
    s16: SecretString,
    #[secret(required, env = "SECRET_17")]
    s17: SecretString,
    #[secret(required, env = "SECRET_18")]
    s18: SecretString,
    #[secret(required, env = "SECRET_19")]
    s19: SecretString,
}

#[test]
fn twenty_secrets_from_one_path_cost_one_request() {
    let (addr, requests) = counting_stub(20);
    let config = VaultConfig::new(&addr).token(SecretString::from("stub"));
    let sources = Sources::new().vault(&config, &["secret/app"]);
    let secrets = Twenty::load_from(&sources).unwrap();
    assert_eq!(secrets.s19().expose_secret(), "value-19");
    let report = Twenty::status_from(&sources);
    assert!(report.is_ok());
    let shown = format!("{report}{}{report:?}{sources:?}{config:?}", report.to_json());
    assert!(!shown.contains("value-") && !shown.contains("stub"), "{shown}");
    assert_eq!(requests.load(Ordering::SeqCst), 1, "one GET for the whole path, lookups answered from memory");
}

/// Load time of 20 secrets from one OpenBao path (one request, connection included) against the
/// same 20 values from memory; printed, never asserted. Run with `-- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: needs the OpenBao server of .ci/openbao.sh"]
fn measure_twenty_secrets_from_openbao() {
    let (addr, token) = server("SECRETS_TEST_VAULT_ADDR");
    let data: serde_json::Map<String, serde_json::Value> = (0..20)
        .map(|i| (format!("SECRET_{i:02}"), serde_json::Value::from(format!("value-{i:02}-xxxxxxxxxxxx"))))
        .collect();
    let _ = write_secret(&addr, &token, "twenty", &serde_json::Value::Object(data.clone()));
    let memory: secrets_core::MapSource =
        data.iter().map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned())).collect();
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    let time = |f: &dyn Fn()| {
        median(
            (0..51)
                .map(|_| {
                    let start = std::time::Instant::now();
                    f();
                    start.elapsed()
                })
                .collect(),
        )
    };
    let vault = time(&|| {
        let sources = Sources::new().vault(&config, &["secret/twenty"]);
        assert!(Twenty::load_from(&sources).is_ok());
    });
    let in_memory = time(&|| assert!(Twenty::load_from(&memory).is_ok()));
    println!(
        "20 secrets: OpenBao {vault:?} (one request), in memory {in_memory:?}, ratio {:.0}x",
        vault.as_secs_f64() / in_memory.as_secs_f64()
    );
}
