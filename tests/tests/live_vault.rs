//! Live secrets from Vault / OpenBao (DESIGN.md §10): each path's version is asked once per
//! poll, a new version is read and served, and a failure keeps the last good values and says so
//! in the status, never with the token or a value.
//!
//! A counting stub on loopback answers KV v2 reads and metadata requests and counts each by
//! kind and path. The real OpenBao dev server of `.ci/run` (named by `SECRETS_TEST_VAULT_ADDR`
//! and `SECRETS_TEST_VAULT_TOKEN` when the tests are built, as in `vault.rs`) shows a `kv put`
//! served and a deleted path reported; without it those tests are ignored, with the reason in
//! `cargo test`'s output. Waits poll with a deadline and fail instead of hanging; no test
//! asserts a timing beyond a deadline and the one-request-per-poll bound.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use secrets_core::testing::{assert_clean, canary};
use secrets_core::{ExposeSecret, Live, SecretContract, SecretString, Sources, VaultConfig};

/// How often the live contracts here ask for each path's version.
const POLL: Duration = Duration::from_secs(1);

/// How long a change may take to be served before a test fails (a change comes within a poll;
/// the margin is for a loaded machine).
const DEADLINE: Duration = Duration::from_secs(10);

/// How long the counting test leaves the contract idle.
const IDLE: Duration = Duration::from_secs(2);

#[derive(SecretContract)]
#[contract(prefix = "APP_")]
struct AppSecrets {
    /// Read from secret/a
    #[secret(required)]
    database_url: SecretString,
    /// Read from secret/b
    #[secret(required)]
    api_token: SecretString,
}

/// Polls `what` until it holds, or fails after [`DEADLINE`].
fn eventually(what: &str, mut holds: impl FnMut() -> bool) {
    let start = Instant::now();
    while !holds() {
        assert!(start.elapsed() < DEADLINE, "{what}: not within {DEADLINE:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `APP_DATABASE_URL` being served.
fn database_url(live: &Live<AppSecrets>) -> String {
    live.get().database_url().expose_secret().to_owned()
}

/// The status line of `name`, which every contract here has.
fn variable(status: &secrets_core::LiveStatus, name: &str) -> secrets_core::LiveVar {
    status.variables().iter().find(|var| var.name() == name).unwrap_or_else(|| panic!("no {name}: {status}")).clone()
}

/// Every `tracing` event of this test binary, the watcher threads' included (a thread-local
/// subscriber would miss them): installed once, read by [`logs`].
fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    /// Appends to the shared buffer.
    struct Writer(Arc<Mutex<Vec<u8>>>);
    impl Write for Writer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Writer(Arc::clone(&writer)))
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber in this binary");
        buffer
    })
}

/// What every test of this binary logged so far.
fn logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
}

// --- The counting stub ----------------------------------------------------------------------

/// What a request asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    /// `GET /v1/secret/data/<path>`: the values.
    Data,
    /// `GET /v1/secret/metadata/<path>`: the current version.
    Metadata,
}

/// One KV v2 secret of the stub: a single key, its value, and the current version.
struct Secret {
    key: &'static str,
    value: String,
    version: u64,
}

/// One request the stub answered.
struct Seen {
    kind: Kind,
    path: String,
    token: Option<String>,
}

/// What the stub serves, and what it was asked.
struct StubState {
    /// By path under the mount `secret` (`a` for `secret/a`).
    secrets: HashMap<String, Secret>,
    /// The HTTP status each kind of request gets (200 serves the secret).
    status: HashMap<Kind, u16>,
    seen: Vec<Seen>,
}

/// A KV v2 server on 127.0.0.1 that counts the requests it answers, one connection at a time;
/// stopped (its thread joined) when dropped.
struct Stub {
    addr: String,
    state: Arc<Mutex<StubState>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Stub {
    /// A stub serving `secrets` (path, key, value), each at version 1.
    fn start(secrets: &[(&str, &'static str, &str)]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let secrets = secrets
            .iter()
            .map(|(path, key, value)| ((*path).to_owned(), Secret { key, value: (*value).to_owned(), version: 1 }))
            .collect();
        let status = HashMap::from([(Kind::Data, 200), (Kind::Metadata, 200)]);
        let state = Arc::new(Mutex::new(StubState { secrets, status, seen: Vec::new() }));
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stopped) = (Arc::clone(&state), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &shared),
                    Err(error) if error.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => return,
                }
            }
        });
        Self { addr, state, stop, thread: Some(thread) }
    }

    /// What it serves and was asked, locked.
    fn state(&self) -> MutexGuard<'_, StubState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many `kind` requests `path` got so far.
    fn count(&self, kind: Kind, path: &str) -> usize {
        count(&self.state(), kind, path)
    }

    /// The counts of `kind` for `secret/a` and `secret/b`, taken at one instant.
    fn counts(&self, kind: Kind) -> (usize, usize) {
        let state = self.state();
        (count(&state, kind, "a"), count(&state, kind, "b"))
    }

    /// Writes a new version of `path` holding `value`.
    fn rotate(&self, path: &str, value: &str) {
        let mut state = self.state();
        let secret = state.secrets.get_mut(path).expect("a path the stub serves");
        value.clone_into(&mut secret.value);
        secret.version += 1;
    }

    /// Makes every `kind` request get `status` from now on.
    fn answer(&self, kind: Kind, status: u16) {
        self.state().status.insert(kind, status);
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// How many `kind` requests `path` got.
fn count(state: &StubState, kind: Kind, path: &str) -> usize {
    state.seen.iter().filter(|seen| seen.kind == kind && seen.path == path).count()
}

/// Reads one request head, records it, and answers it (then closes the connection).
fn serve(mut stream: TcpStream, state: &Mutex<StubState>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    while !bytes.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&bytes).into_owned();
    let target = head.lines().next().and_then(|line| line.strip_prefix("GET ")).and_then(|rest| rest.split(' ').next());
    let token = head.lines().skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim().eq_ignore_ascii_case("X-Vault-Token").then(|| value.trim().to_owned())
    });
    let asked = target.and_then(|target| {
        let (kind, path) = if let Some(path) = target.strip_prefix("/v1/secret/data/") {
            (Kind::Data, path)
        } else {
            (Kind::Metadata, target.strip_prefix("/v1/secret/metadata/")?)
        };
        Some((kind, path.to_owned()))
    });
    let (status, body) = {
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        match asked {
            None => (404, r#"{"errors":[]}"#.to_owned()),
            Some((kind, path)) => {
                let status = state.status[&kind];
                let body = match (status, state.secrets.get(&path)) {
                    (200, Some(secret)) => match kind {
                        Kind::Data => {
                            let data =
                                serde_json::Map::from_iter([(secret.key.to_owned(), secret.value.clone().into())]);
                            serde_json::json!({"data": {"data": data, "metadata": {"version": secret.version}}})
                        }
                        Kind::Metadata => serde_json::json!({"data": {"current_version": secret.version}}),
                    }
                    .to_string(),
                    _ => r#"{"errors":[]}"#.to_owned(),
                };
                let status = if status == 200 && !state.secrets.contains_key(&path) { 404 } else { status };
                state.seen.push(Seen { kind, path, token });
                (status, body)
            }
        }
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Other",
    };
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes());
    let _ = stream.shutdown(Shutdown::Write);
    // Until the client closes its side, so it reads the whole answer.
    let _ = stream.read_to_end(&mut Vec::new());
}

/// A live contract reading `secret/a` and `secret/b` from `addr` with `token`, polling at [`POLL`].
fn live_from(addr: &str, token: &str) -> Live<AppSecrets> {
    let config = VaultConfig::new(addr).token(SecretString::from(token));
    Live::<AppSecrets>::builder()
        .sources(move || Sources::new().vault(&config, &["secret/a", "secret/b"]))
        .poll(POLL)
        .build()
        .unwrap()
}

/// Everything a live contract prints about itself: its status (text, JSON, `Debug`), its
/// failure (text, `Debug`), its `Debug`, and every log of this binary.
fn printed(live: &Live<AppSecrets>) -> String {
    let status = live.status();
    let failure = status.last_failure().map(|failure| format!("{} {:?}", failure.error(), failure.error()));
    format!("{status}\n{}\n{status:?}\n{failure:?}\n{live:?}\n{}", status.to_json(), logs())
}

/// Asserts that none of `values` shows in `shown` (what `printed` gave).
fn assert_shows_none(shown: &str, values: &[&String]) {
    for value in values {
        assert_clean("what the live contract prints", shown, value);
    }
}

#[test]
fn each_path_is_asked_its_version_once_per_poll_and_a_new_version_is_read_once() {
    log_buffer();
    let (url, rotated, api_token, token) = (canary(10), canary(11), canary(12), canary(13));
    let stub = Stub::start(&[("a", "APP_DATABASE_URL", &url), ("b", "APP_API_TOKEN", &api_token)]);
    let started = Instant::now();
    let live = live_from(&stub.addr, &token);
    assert_eq!(database_url(&live), url);
    assert_eq!(stub.counts(Kind::Data), (1, 1), "the first load reads each path once");

    // Idle: only version requests, one per path and poll.
    std::thread::sleep(IDLE);
    eventually("each path is asked its version", || {
        let (a, b) = stub.counts(Kind::Metadata);
        a.min(b) >= 5
    });
    let (a, b) = stub.counts(Kind::Metadata);
    let polls = started.elapsed().as_millis() / POLL.as_millis();
    let at_most = usize::try_from(polls).unwrap() + 1;
    assert!(
        a <= at_most && b <= at_most,
        "more than one version request per path and poll: {a} and {b} in {polls} polls"
    );
    assert!(a.abs_diff(b) <= 1, "each poll asks every path once: secret/a {a} times, secret/b {b} times");
    assert_eq!(stub.counts(Kind::Data), (1, 1), "no read while the versions stay");
    assert_eq!(live.status().swaps(), 0);

    // A new version of secret/a: served at the next poll.
    stub.rotate("a", &rotated);
    eventually("the new version of secret/a is served", || database_url(&live) == rotated);
    assert_eq!(live.get().api_token().expose_secret(), api_token);
    // A reload builds the sources anew, and they read every path: one more read of each, the
    // unchanged secret/b included. That is expected: a load is always of all its sources.
    assert_eq!(stub.counts(Kind::Data), (2, 2), "the reload reads each path once");
    let status = live.status();
    let changed = variable(&status, "APP_DATABASE_URL");
    assert_eq!(changed.vault_version(), Some(2), "{status}");
    assert!(changed.last_change().is_some(), "{status}");
    let unchanged = variable(&status, "APP_API_TOKEN");
    assert_eq!((unchanged.vault_version(), unchanged.last_change()), (Some(1), None), "{status}");
    assert_eq!(status.swaps(), 1);
    assert!(status.last_failure().is_none() && !status.is_stale(), "{status}");

    // The new version is the one known now: the next polls read nothing more.
    let asked = stub.count(Kind::Metadata, "b");
    eventually("two more polls", || stub.count(Kind::Metadata, "b") >= asked + 2);
    assert_eq!(stub.counts(Kind::Data), (2, 2), "no read after the new version was read");

    let shown = printed(&live);
    assert_shows_none(&shown, &[&url, &rotated, &api_token, &token]);
    drop(live);
    drop(stub);
}

/// A token whose policy grants `secret/data/...` only (metadata answers 403): the version comes
/// from the secret itself, one request per path and poll, and a rotation is still seen.
#[test]
fn a_token_that_may_not_read_metadata_still_sees_rotations() {
    log_buffer();
    let (url, rotated, api_token, token) = (canary(20), canary(23), canary(21), canary(22));
    let stub = Stub::start(&[("a", "APP_DATABASE_URL", &url), ("b", "APP_API_TOKEN", &api_token)]);
    stub.answer(Kind::Metadata, 403);
    let live = live_from(&stub.addr, &token);
    eventually("the polls ask the secrets themselves", || {
        let (a, b) = stub.counts(Kind::Data);
        a >= 3 && b >= 3
    });
    assert!(!live.status().is_stale(), "{}", live.status());
    stub.rotate("a", &rotated);
    eventually("the rotation is served", || database_url(&live) == rotated);
    assert_eq!(variable(&live.status(), "APP_DATABASE_URL").vault_version(), Some(2));
    let shown = printed(&live);
    assert_shows_none(&shown, &[&url, &rotated, &api_token, &token]);
    drop(live);
    drop(stub);
}

#[test]
fn a_server_that_answers_503_keeps_the_values_and_shows_in_the_status() {
    log_buffer();
    let (url, api_token, token) = (canary(30), canary(31), canary(32));
    let stub = Stub::start(&[("a", "APP_DATABASE_URL", &url), ("b", "APP_API_TOKEN", &api_token)]);
    let live = live_from(&stub.addr, &token);
    let before = live.get();

    // Sealed: every request fails, version requests and reads alike.
    stub.answer(Kind::Metadata, 503);
    stub.answer(Kind::Data, 503);
    eventually("the failed reload shows in the status", || live.status().last_failure().is_some());
    assert!(Arc::ptr_eq(&before, &live.get()), "the last good values are served");
    assert_eq!(database_url(&live), url);
    let status = live.status();
    assert!(status.is_stale(), "{status}");
    assert_eq!(status.swaps(), 0);
    let error = status.last_failure().unwrap().error().to_string();
    let named = format!("vault at {}, secret/a: unavailable (503)", stub.addr);
    assert!(error.contains(&named), "the failure names the address and path: {error}");
    let json: serde_json::Value = serde_json::from_str(&status.to_json()).unwrap();
    assert_eq!(json["live"]["stale"], true);
    let problems = json["live"]["last_failure"]["problems"].as_array().unwrap();
    assert!(problems.iter().any(|line| line.as_str().unwrap().contains(&named)), "{json}");
    let shown = printed(&live);
    assert!(shown.contains("reload failed, the last good values are still served"), "{shown}");
    assert_shows_none(&shown, &[&url, &api_token, &token]);
    drop(live);
    drop(stub);
}

#[test]
fn the_token_goes_with_every_request_to_the_configured_server() {
    log_buffer();
    let token = canary(40);
    let stub = Stub::start(&[("a", "APP_DATABASE_URL", &canary(41)), ("b", "APP_API_TOKEN", &canary(42))]);
    let live = live_from(&stub.addr, &token);
    eventually("each path is asked its version", || {
        let (a, b) = stub.counts(Kind::Metadata);
        a.min(b) >= 2
    });
    drop(live);
    let state = stub.state();
    for kind in [Kind::Data, Kind::Metadata] {
        assert!(state.seen.iter().any(|seen| seen.kind == kind), "no {kind:?} request");
    }
    for seen in &state.seen {
        assert_eq!(
            seen.token.as_deref(),
            Some(token.as_str()),
            "the {:?} request for secret/{} carries the token as X-Vault-Token",
            seen.kind,
            seen.path
        );
    }
    drop(state);
    drop(stub);
}

// --- The real OpenBao of .ci/run ------------------------------------------------------------

/// The server at `SECRETS_TEST_VAULT_ADDR` and the root token; the tests that call it run only
/// when the server was named at build time, so a missing or unreachable one is a failure.
fn openbao() -> (String, String) {
    let addr = std::env::var("SECRETS_TEST_VAULT_ADDR").expect("SECRETS_TEST_VAULT_ADDR is not set; .ci/run sets it");
    let token = std::env::var("SECRETS_TEST_VAULT_TOKEN").expect("SECRETS_TEST_VAULT_TOKEN is set with the addresses");
    // A TCP connection is enough to know the server is up; the tests check the rest.
    let host = addr.split("://").nth(1).unwrap_or(&addr);
    let reachable =
        host.parse().is_ok_and(|socket| TcpStream::connect_timeout(&socket, Duration::from_secs(3)).is_ok());
    assert!(reachable, "SECRETS_TEST_VAULT_ADDR names no reachable OpenBao server; .ci/run starts one");
    (addr, token)
}

/// Calls the server's HTTP API with the root token (test setup only); its status and JSON body.
fn api(addr: &str, token: &str, method: &str, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = format!("{addr}/v1/{path}");
    let response = match method {
        "POST" => agent.post(&url).header("X-Vault-Token", token).send(body.to_string().as_bytes()),
        "DELETE" => agent.delete(&url).header("X-Vault-Token", token).call(),
        other => panic!("no method {other}"),
    };
    let mut response = response.unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

/// `bao kv put secret/<path>`: writes a new version and returns its number.
fn kv_put(addr: &str, token: &str, path: &str, data: &serde_json::Value) -> u64 {
    let (status, written) =
        api(addr, token, "POST", &format!("secret/data/{path}"), &serde_json::json!({ "data": data }));
    assert_eq!(status, 200, "kv put secret/{path}: {written}");
    written["data"]["version"].as_u64().expect("the server answers the new version")
}

/// `bao kv metadata delete secret/<path>`: every version and the metadata go.
fn kv_metadata_delete(addr: &str, token: &str, path: &str) {
    let (status, answer) = api(addr, token, "DELETE", &format!("secret/metadata/{path}"), &serde_json::Value::Null);
    assert_eq!(status, 204, "kv metadata delete secret/{path}: {answer}");
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn openbao_a_kv_put_is_served_and_a_deleted_path_keeps_the_old_values() {
    log_buffer();
    let (addr, token) = openbao();
    // A path of this run only: a server that outlives a run keeps its secrets.
    let path = format!("live-{}", std::process::id());
    let (first, second, api_token) = (canary(50), canary(51), canary(52));
    let data = |url: &str| serde_json::json!({"APP_DATABASE_URL": url, "APP_API_TOKEN": api_token});
    let _ = kv_put(&addr, &token, &path, &data(&first));
    let config = VaultConfig::new(&addr).token(SecretString::from(token.as_str()));
    let full = format!("secret/{path}");
    let read = full.clone();
    let live = Live::<AppSecrets>::builder()
        .sources(move || Sources::new().vault(&config, &[read.as_str()]))
        .poll(POLL)
        .build()
        .unwrap();
    assert_eq!(database_url(&live), first);

    let version = kv_put(&addr, &token, &path, &data(&second));
    eventually("the version written by kv put is served", || database_url(&live) == second);
    let status = live.status();
    assert_eq!(variable(&status, "APP_DATABASE_URL").vault_version(), Some(version), "{status}");
    assert_eq!(status.swaps(), 1);

    kv_metadata_delete(&addr, &token, &path);
    eventually("the deleted path shows as the last failure in the status", || live.status().last_failure().is_some());
    assert_eq!(database_url(&live), second, "the last good values are served");
    let status = live.status();
    assert!(status.is_stale(), "{status}");
    let error = status.last_failure().unwrap().error().to_string();
    assert!(error.contains(&format!("vault at {addr}, {full}: not found (404)")), "{error}");
    let shown = printed(&live);
    assert_shows_none(&shown, &[&first, &second, &api_token, &token]);
    drop(live);
}
