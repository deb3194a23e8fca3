//! The Vault / OpenBao client against hostile fake servers on loopback: redirects, leaks, stalls, odd values.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use secrets_core::testing::{assert_clean, canary, error_chain};
use secrets_core::{
    ExposeSecret, Level, SecretContract, SecretString, Source, SourceError, Sources, State, VaultConfig,
};

#[derive(SecretContract)]
struct AppSecrets {
    #[secret(required)]
    database_url: SecretString,
    #[secret(optional)]
    sentry_dsn: Option<SecretString>,
}

/// The client's bound on each request wherever a server stalls.
const TIMEOUT: Duration = Duration::from_millis(500);

/// How long a fake server lives at most, whatever the client does.
const SERVER_LIFETIME: Duration = Duration::from_secs(10);

/// What a fake server does with one connection, once it has read the request.
#[derive(Clone)]
enum Reply {
    /// Writes these bytes, then closes.
    Send(Vec<u8>),
    /// Writes these bytes, then holds the connection open without another word.
    Stall(Vec<u8>),
    /// Writes the first bytes, then the second one at a time, 50 ms apart, then closes (a slowloris).
    Drip(Vec<u8>, Vec<u8>),
}

/// One request as a fake server received it.
struct Request {
    head: String,
    body: String,
}

impl Request {
    /// The value of header `name` (case-insensitive), if sent.
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// A scripted HTTP/1.1 server on 127.0.0.1: connection `n` gets `replies[n]`; it stops after the
/// last reply, when dropped, or after [`SERVER_LIFETIME`].
struct Server {
    addr: String,
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn new(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, stopped) = (Arc::clone(&requests), Arc::clone(&stop));
        std::thread::spawn(move || {
            let deadline = Instant::now() + SERVER_LIFETIME;
            let over = || stopped.load(Ordering::SeqCst) || Instant::now() > deadline;
            for reply in replies {
                let stream = loop {
                    match listener.accept() {
                        Ok((stream, _)) => break stream,
                        Err(error) if error.kind() == ErrorKind::WouldBlock && !over() => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(_) => return,
                    }
                };
                answer(stream, &reply, &log, &over);
            }
        });
        Self { addr: format!("http://127.0.0.1:{port}"), port, requests, stop }
    }

    /// A server answering every connection (up to `times`) the same way.
    fn repeating(reply: &Reply, times: usize) -> Self {
        Self::new(vec![reply.clone(); times])
    }

    /// The requests received so far.
    fn requests(&self) -> std::sync::MutexGuard<'_, Vec<Request>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Reads one request (head and `Content-Length` body), records it, then plays `reply`.
fn answer(mut stream: TcpStream, reply: &Reply, log: &Mutex<Vec<Request>>, over: &dyn Fn() -> bool) {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let complete = |bytes: &[u8]| {
        let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")? + 4;
        let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let request = Request { head, body: String::new() };
        let length: usize = request.header("Content-Length").and_then(|n| n.parse().ok()).unwrap_or(0);
        (bytes.len() >= end + length)
            .then(|| Request { body: String::from_utf8_lossy(&bytes[end..]).into_owned(), ..request })
    };
    let request = loop {
        if let Some(request) = complete(&bytes) {
            break request;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) && !over() => {}
            Err(_) => return,
        }
    };
    log.lock().unwrap_or_else(PoisonError::into_inner).push(request);
    // Write errors are expected: a client that stops reading (a body too large) closes early.
    match reply {
        Reply::Send(bytes) => {
            let _ = stream.write_all(bytes);
            let _ = stream.shutdown(Shutdown::Write);
        }
        Reply::Drip(now, slowly) => {
            let _ = stream.write_all(now);
            for byte in slowly {
                if over() || stream.write_all(&[*byte]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(bytes);
            // Held open until the client gives up and closes its side.
            loop {
                match stream.read(&mut chunk) {
                    Ok(0) => return,
                    Ok(_) => {}
                    Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) && !over() => {}
                    Err(_) => return,
                }
            }
        }
    }
}

/// A raw HTTP/1.1 answer: `status` line, extra `headers` (each ending in CRLF), then `body`.
fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes =
        format!("HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len())
            .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A 200 KV v2 answer holding `data` at version 3.
fn kv(data: &serde_json::Value) -> Reply {
    let body = serde_json::json!({"data": {"data": data, "metadata": {"version": 3}}}).to_string();
    Reply::Send(http("200 OK", "Content-Type: application/json\r\n", body.as_bytes()))
}

/// A listener standing for the attacker's server: nothing ever accepts on it, so any connection
/// made to it waits in its backlog, where [`contacted`] finds it.
fn attacker() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Whether anyone connected to `listener` (checked once the client's read has returned).
fn contacted(listener: &TcpListener) -> bool {
    received(listener).is_some()
}

/// What a client that connected to `listener` sent, if one did: a request waits in the
/// connection's buffer even after the client gave up.
fn received(listener: &TcpListener) -> Option<String> {
    listener.set_nonblocking(true).unwrap();
    let (mut stream, _) = listener.accept().ok()?;
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// A config for `server` with a token, bounded by [`TIMEOUT`].
fn vault_config(server: &Server, token: &str) -> VaultConfig {
    VaultConfig::new(&server.addr).token(SecretString::from(token)).timeout(TIMEOUT)
}

/// The read's error, as every surface shows it (Display, Debug, the `source()` chain).
fn read_error(config: &VaultConfig) -> (SourceError, String) {
    let error = config.read(&["secret/app"]).expect_err("the hostile server's answer is refused");
    let text = error_chain(&error);
    (error, text)
}

/// Everything a program could show after loading through `config`: the load's outcome, the
/// status report as text, JSON and Debug, its `looked_in`, the chain's and the config's Debug.
fn surfaces(config: &VaultConfig) -> String {
    let sources = Sources::new().vault(config, &["secret/app"]);
    let loaded = match AppSecrets::load_from(&sources) {
        Ok(secrets) => format!("{secrets:?}"),
        Err(error) => error_chain(&error),
    };
    let problems: String = sources.problems().iter().map(|problem| error_chain(problem)).collect();
    let report = AppSecrets::status_from(&sources);
    format!(
        "{loaded}\n{problems}\n{report}\n{}\n{report:?}\n{:?}\n{sources:?}\n{config:?}",
        report.to_json(),
        report.looked_in()
    )
}

const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// Answers a read with `status` and `location`, a valid secret behind it should the client
/// follow; checks the redirect is refused, reported in the library's words, and goes nowhere.
fn assert_redirect_refused(status: u16, location: &[u8], canary: &str, attacker: &TcpListener, attacker_port: u16) {
    let case = format!("HTTP {status} to {}", String::from_utf8_lossy(location));
    let mut redirect = format!("HTTP/1.1 {status} Moved\r\nLocation: ").into_bytes();
    redirect.extend_from_slice(location);
    redirect.extend_from_slice(b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let followed = kv(&serde_json::json!({"DATABASE_URL": "postgres://followed-the-redirect"}));
    let server = Server::new(vec![Reply::Send(redirect), followed]);
    let token = format!("hvs.{}", secrets_core::testing::canary(9));
    let config = vault_config(&server, &token);
    let (error, text) = read_error(&config);
    assert!(!contacted(attacker), "{case}: the attacker's listener got a connection");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{case}: the redirect was followed to the same server");
    assert_eq!(requests[0].header("X-Vault-Token"), Some(token.as_str()), "{case}: the token reached the server once");
    assert!(error.to_string().contains(config.addr()), "{case}: the configured address is named: {error}");
    assert!(error.to_string().contains("redirect"), "{case}: the error says redirect: {error}");
    assert!(text.contains(config.addr()) && text.contains("redirect"), "{case}: {text}");
    assert!(!text.contains(&attacker_port.to_string()), "{case}: the attacker's port is quoted: {text}");
    assert_clean(&format!("the Location of {case}"), &text, canary);
    assert_clean(&format!("the token in the error of {case}"), &text, &token);
}

// Redirects: a server (or whatever sits at its address) sends the client elsewhere.

/// A compromised or spoofed server redirects to the attacker's port, hoping the token follows.
#[test]
fn absolute_redirects_to_another_port_are_not_followed() {
    let (attacker, port) = attacker();
    for status in REDIRECTS {
        let location = format!("http://127.0.0.1:{port}/v1/secret/data/app");
        assert_redirect_refused(status, location.as_bytes(), &canary(1), &attacker, port);
    }
}

/// Redirects to the attacker by scheme-relative and https URLs, which resolve differently.
#[test]
fn scheme_relative_and_https_redirects_are_not_followed() {
    let (attacker, port) = attacker();
    for status in REDIRECTS {
        for location in [format!("//127.0.0.1:{port}/v1/secret/data/app"), format!("https://127.0.0.1:{port}/")] {
            assert_redirect_refused(status, location.as_bytes(), &canary(2), &attacker, port);
        }
    }
}

/// A relative redirect to another path of the same server: still not followed.
#[test]
fn relative_redirects_are_not_followed() {
    let (attacker, port) = attacker();
    for status in REDIRECTS {
        for location in ["/v1/secret/data/elsewhere", "elsewhere", "../../sys/leader"] {
            assert_redirect_refused(status, location.as_bytes(), &canary(3), &attacker, port);
        }
    }
}

/// A Location carrying attacker-chosen text, hoping the error quotes it into logs.
#[test]
fn a_location_holding_a_canary_is_not_quoted() {
    let (attacker, port) = attacker();
    let canary = canary(4);
    for status in REDIRECTS {
        for location in [
            format!("http://127.0.0.1:{port}/{canary}?token={canary}"),
            format!("http://{canary}:{canary}@127.0.0.1:{port}/"),
            format!("/{canary}"),
            format!("http://127.0.0.1:{port}/#{canary}"),
        ] {
            assert_redirect_refused(status, location.as_bytes(), &canary, &attacker, port);
        }
    }
}

/// A malformed Location (bytes no URL parser accepts, holding a canary): refused as a redirect.
#[test]
fn a_malformed_location_is_not_followed_nor_quoted() {
    let (attacker, port) = attacker();
    let canary = canary(5);
    let mut garbage = b"\xff\xfe\x80 ".to_vec();
    garbage.extend_from_slice(canary.as_bytes());
    garbage.extend_from_slice(b" ::%zz[\xc3\x28");
    for status in REDIRECTS {
        for location in [
            garbage.clone(),
            format!("http://[{canary}/").into_bytes(),
            format!("http://127.0.0.1:{port}{canary}/").into_bytes(),
            format!("{canary}://127.0.0.1:{port}/").into_bytes(),
            Vec::new(),
        ] {
            assert_redirect_refused(status, &location, &canary, &attacker, port);
        }
    }
}

// The token and the AppRole credentials go only to the configured address.

/// The token is sent once, to the configured server, and never shows.
#[test]
fn the_token_goes_once_to_the_configured_address_only() {
    let token = canary(10);
    let server = Server::new(vec![kv(&serde_json::json!({"DATABASE_URL": "postgres://db/app"}))]);
    let config = vault_config(&server, &token);
    let source = config.read(&["secret/app"]).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("X-Vault-Token"), Some(token.as_str()));
    assert!(requests[0].head.starts_with("GET /v1/secret/data/app HTTP/1.1\r\n"), "{}", requests[0].head);
    assert_clean("the token in the source's Debug", &format!("{source:?}{config:?}"), &token);
}

/// An AppRole login answered with a redirect: the secret_id went to the configured server once,
/// never to the attacker, and never shows.
#[test]
fn an_approle_login_redirect_is_not_followed() {
    let (attacker, port) = attacker();
    let secret_id = canary(11);
    for status in REDIRECTS {
        let redirect = http(&format!("{status} Moved"), &format!("Location: http://127.0.0.1:{port}/v1/auth\r\n"), b"");
        let server = Server::new(vec![Reply::Send(redirect), kv(&serde_json::json!({"auth": {"client_token": "x"}}))]);
        let config =
            VaultConfig::new(&server.addr).approle("role-7", SecretString::from(secret_id.as_str())).timeout(TIMEOUT);
        let (error, text) = read_error(&config);
        assert!(!contacted(&attacker), "HTTP {status}: the attacker's listener got a connection");
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "HTTP {status}");
        assert!(requests[0].head.starts_with("POST /v1/auth/approle/login "), "{}", requests[0].head);
        let body: serde_json::Value = serde_json::from_str(&requests[0].body).unwrap();
        assert_eq!(body["secret_id"], secret_id.as_str());
        assert!(error.to_string().contains("auth/approle/login") && error.to_string().contains("redirect"), "{error}");
        assert!(!text.contains(&port.to_string()), "{text}");
        assert_clean("the secret_id in a login error", &text, &secret_id);
    }
}

/// After a good AppRole login, the read is redirected: the issued token went to the configured
/// server only, once, and neither it nor the secret_id shows.
#[test]
fn a_read_redirect_after_an_approle_login_is_not_followed() {
    let (attacker, port) = attacker();
    let (secret_id, client_token) = (canary(12), canary(13));
    let login = serde_json::json!({"auth": {"client_token": client_token}}).to_string();
    let redirect = http("307 Temporary Redirect", &format!("Location: http://127.0.0.1:{port}/\r\n"), b"");
    let server = Server::new(vec![
        Reply::Send(http("200 OK", "Content-Type: application/json\r\n", login.as_bytes())),
        Reply::Send(redirect),
        kv(&serde_json::json!({"DATABASE_URL": "postgres://followed"})),
    ]);
    let config =
        VaultConfig::new(&server.addr).approle("role-7", SecretString::from(secret_id.as_str())).timeout(TIMEOUT);
    let (error, text) = read_error(&config);
    assert!(!contacted(&attacker), "the attacker's listener got a connection");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "a login and one read");
    assert_eq!(requests[0].header("X-Vault-Token"), None, "the login carries no token");
    assert_eq!(requests[1].header("X-Vault-Token"), Some(client_token.as_str()));
    assert!(error.to_string().contains("secret/app") && error.to_string().contains("redirect"), "{error}");
    assert_clean("the issued token in a read error", &text, &client_token);
    assert_clean("the secret_id in a read error", &text, &secret_id);
}

/// A token or namespace holding CR LF (pasted from a file) cannot add headers to the request,
/// and the token still never shows.
#[test]
fn a_token_or_namespace_cannot_inject_headers() {
    let canary = canary(14);
    let injected = format!("{canary}\r\nX-Injected: {canary}");
    let server = Server::repeating(&kv(&serde_json::json!({"DATABASE_URL": "postgres://db/app"})), 2);
    let token = vault_config(&server, &injected);
    let namespace = vault_config(&server, "t").namespace(injected.as_str());
    let outcomes: Vec<String> = [token, namespace]
        .iter()
        .map(|config| match config.read(&["secret/app"]) {
            Ok(source) => format!("{source:?}"),
            Err(error) => error_chain(&error),
        })
        .collect();
    for request in server.requests().iter() {
        assert_eq!(request.header("X-Injected"), None, "{}", request.head);
    }
    assert_clean("a token holding CR LF", &outcomes.concat(), &canary);
}

// Nothing the server sent reaches an error or a report.

/// Error answers with Vault-shaped bodies carrying canaries, hoping they are quoted.
#[test]
fn error_bodies_are_never_quoted() {
    let canary = canary(20);
    for status in
        ["400 Bad Request", "403 Forbidden", "404 Not Found", "500 Internal Server Error", "503 Service Unavailable"]
    {
        let body = serde_json::json!({"errors": [format!("{canary} permission denied {canary}")]}).to_string();
        let server =
            Server::repeating(&Reply::Send(http(status, "Content-Type: application/json\r\n", body.as_bytes())), 2);
        let config = vault_config(&server, "t");
        let (error, text) = read_error(&config);
        assert!(error.to_string().contains(&status[..3]), "{status}: {error}");
        assert_clean(&format!("a {status} body in the error"), &text, &canary);
        assert_clean(&format!("a {status} body in the report"), &surfaces(&config), &canary);
    }
}

/// A 200 whose body is not JSON, or JSON that is not a KV v2 secret, carrying canaries.
#[test]
fn a_200_that_is_not_a_kv_v2_secret_is_never_quoted() {
    let canary = canary(21);
    for body in [
        format!("<html>{canary}</html>"),
        format!("{{\"data\": {{\"data\": \"{canary}\""),
        format!("{{\"data\": \"{canary}\"}}"),
        format!("{{\"data\": {{\"data\": [\"{canary}\"], \"metadata\": {{\"version\": \"{canary}\"}}}}}}"),
        format!("\"{canary}\""),
        format!("{}\"{canary}\"", "[".repeat(100_000)),
        format!("{{\"data\":{{\"data\":{{\"DATABASE_URL\":{}\"{canary}\"", "{\"a\":".repeat(100_000)),
    ] {
        let server =
            Server::repeating(&Reply::Send(http("200 OK", "Content-Type: application/json\r\n", body.as_bytes())), 2);
        let config = vault_config(&server, "t");
        let (_, text) = read_error(&config);
        let case: String = body.chars().take(60).collect();
        assert_clean(&format!("the 200 body {case} in the error"), &text, &canary);
        assert_clean(&format!("the 200 body {case} in the report"), &surfaces(&config), &canary);
    }
}

/// Something that is not HTTP at all answers, carrying canaries: raw bytes, a broken status line,
/// a broken header, or nothing.
#[test]
fn an_answer_that_is_not_http_is_never_quoted() {
    let canary = canary(22);
    for answer in [
        canary.clone().into_bytes(),
        format!("{canary}\r\n\r\n").into_bytes(),
        format!("HTTP/1.1 {canary}\r\n\r\n").into_bytes(),
        format!("HTTP/1.1 200 OK\r\nContent-Length: {canary}\r\n\r\n{canary}").into_bytes(),
        format!("HTTP/1.1 200 OK\r\n{canary}\r\n\r\n").into_bytes(),
        format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz{canary}\r\n").into_bytes(),
        [b"\x00\xff\x16\x03\x01".as_slice(), canary.as_bytes(), b"\r\n\xc3\x28"].concat(),
        Vec::new(),
    ] {
        let case = String::from_utf8_lossy(&answer).into_owned();
        let server = Server::repeating(&Reply::Send(answer), 2);
        let config = vault_config(&server, "t");
        let (_, text) = read_error(&config);
        assert_clean(&format!("the answer {case:?} in the error"), &text, &canary);
        assert_clean(&format!("the answer {case:?} in the report"), &surfaces(&config), &canary);
    }
}

/// Canaries in the status line's reason phrase and in headers (names and values), on error
/// answers and on a good one; and a header far too long.
#[test]
fn headers_and_reason_phrases_are_never_quoted() {
    let canary = canary(23);
    let headers = format!(
        "X-Leak: {canary}\r\nX-{canary}: 1\r\nWWW-Authenticate: Bearer realm=\"{canary}\"\r\nSet-Cookie: s={canary}\r\n\
         Content-Type: {canary}/json\r\n"
    );
    let good = serde_json::json!({"data": {"data": {"DATABASE_URL": "postgres://db/app"}}}).to_string();
    let huge = format!("X-Huge: {}\r\n", canary.repeat(20_000));
    for (status, headers, body) in [
        (format!("403 {canary}"), headers.as_str(), "{}"),
        ("500 Internal Server Error".to_owned(), headers.as_str(), "{}"),
        (format!("302 {canary}"), headers.as_str(), ""),
        (format!("200 {canary}"), headers.as_str(), "{}"),
        ("200 OK".to_owned(), huge.as_str(), good.as_str()),
    ] {
        let case = format!("HTTP {}", &status[..3]);
        let server = Server::repeating(&Reply::Send(http(&status, headers, body.as_bytes())), 2);
        let config = vault_config(&server, "t");
        let (_, text) = read_error(&config);
        assert_clean(&format!("a header of {case} in the error"), &text, &canary);
        assert_clean(&format!("a header of {case} in the report"), &surfaces(&config), &canary);
    }
    // Headers on a good answer: it loads, and still nothing of them shows.
    let server = Server::repeating(&Reply::Send(http("200 OK", &headers, good.as_bytes())), 2);
    let config = vault_config(&server, "t");
    assert!(config.read(&["secret/app"]).is_ok());
    let shown = surfaces(&config);
    assert!(shown.contains("DATABASE_URL: configured"), "{shown}");
    assert_clean("a header of a good answer in the report", &shown, &canary);
}

/// A 200 far larger than any secret (5 MiB of canary), with and without a length, as JSON and
/// not: refused without reading it all, and never quoted.
#[test]
fn a_huge_answer_is_refused_and_never_quoted() {
    let canary = canary(24);
    let filler = canary.repeat(5 * 1024 * 1024 / canary.len());
    let json = format!("{{\"data\":{{\"data\":{{\"DATABASE_URL\":\"{filler}\"}}}}}}");
    let unbounded = format!("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{filler}").into_bytes();
    for (case, answer) in [
        ("5 MiB of text", http("200 OK", "", filler.as_bytes())),
        ("5 MiB of JSON", http("200 OK", "Content-Type: application/json\r\n", json.as_bytes())),
        ("5 MiB without a length", unbounded),
        ("a 404 of 5 MiB", http("404 Not Found", "", filler.as_bytes())),
    ] {
        let server = Server::repeating(&Reply::Send(answer), 2);
        let config = vault_config(&server, "t");
        let (_, text) = read_error(&config);
        assert_clean(&format!("{case} in the error"), &text, &canary);
        assert_clean(&format!("{case} in the report"), &surfaces(&config), &canary);
    }
}

/// A good answer's values are secrets too: loaded, never shown.
#[test]
fn values_from_a_good_answer_never_show() {
    let (url, dsn) = (canary(25), canary(26));
    let server = Server::repeating(&kv(&serde_json::json!({"DATABASE_URL": url, "SENTRY_DSN": dsn})), 2);
    let config = vault_config(&server, "t");
    let source = config.read(&["secret/app"]).unwrap();
    assert_eq!(source.lookup("DATABASE_URL").unwrap().unwrap().value.expose_secret(), url);
    let shown = format!("{}{source:?}", surfaces(&config));
    assert!(shown.contains("vault:secret/app#DATABASE_URL@v3"), "{shown}");
    assert_clean("DATABASE_URL in the report", &shown, &url);
    assert_clean("SENTRY_DSN in the report", &shown, &dsn);
}

// Stalling servers: the read gives up within its timeout.

/// Servers that accept and then say nothing, or stop part-way through the head, or drip it.
#[test]
fn a_stalling_server_times_out() {
    let never_accepted = TcpListener::bind("127.0.0.1:0").unwrap();
    let backlog = format!("http://{}", never_accepted.local_addr().unwrap());
    let config = VaultConfig::new(&backlog).token(SecretString::from("t")).timeout(TIMEOUT);
    let (error, _) = read_error(&config);
    assert!(error.to_string().contains("no answer within"), "a listener that never accepts: {error}");
    for (case, reply) in [
        ("accepts and never answers", Reply::Stall(Vec::new())),
        ("sends the status line, then stalls", Reply::Stall(b"HTTP/1.1 200 OK\r\n".to_vec())),
        ("sends half a status line, then stalls", Reply::Stall(b"HTTP/1.".to_vec())),
        (
            "sends a header, then stalls",
            Reply::Stall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".to_vec()),
        ),
        ("drips the status line", Reply::Drip(Vec::new(), b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec())),
    ] {
        let server = Server::repeating(&reply, 1);
        let (error, _) = read_error(&vault_config(&server, "t"));
        assert!(error.to_string().contains("no answer within"), "a server that {case}: {error}");
    }
}

/// A server that sends the head and part of the body, then stalls (or drips the body): a
/// timeout, said as one, not "not JSON".
#[test]
fn a_server_stalling_mid_body_times_out() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n";
    let outcomes: Vec<(&str, String)> = [
        ("sends half the body, then stalls", Reply::Stall(format!("{head}{{\"data\":").into_bytes())),
        ("drips the body", Reply::Drip(head.into(), b"{\"data\":{\"data\":{}}}".to_vec())),
    ]
    .into_iter()
    .map(|(case, reply)| {
        let server = Server::repeating(&reply, 1);
        (case, read_error(&vault_config(&server, "t")).0.to_string())
    })
    .collect();
    assert!(outcomes.iter().all(|(_, error)| error.contains("no whole answer within")), "{outcomes:#?}");
}

/// Informational (1xx) answers that never end in a final one: an error, not a hang.
#[test]
fn endless_informational_answers_are_an_error() {
    let outcomes: Vec<(&str, bool)> = [
        ("100 then a stall", Reply::Stall(b"HTTP/1.1 100 Continue\r\n\r\n".to_vec())),
        ("a thousand 102s then a stall", Reply::Stall(b"HTTP/1.1 102 Processing\r\n\r\n".repeat(1000))),
        ("102s dripped", Reply::Drip(Vec::new(), b"HTTP/1.1 102 Processing\r\n\r\n".repeat(10))),
    ]
    .into_iter()
    .map(|(case, reply)| {
        let server = Server::repeating(&reply, 1);
        (case, vault_config(&server, "t").read(&["secret/app"]).is_err())
    })
    .collect();
    assert!(outcomes.iter().all(|(_, failed)| *failed), "{outcomes:?}");
}

// The address as configured may hold userinfo (`VAULT_ADDR=http://user:password@host`).

/// What an address is shown as, for the test server's port.
type ShownAs = fn(u16) -> Option<String>;

/// Userinfo in the address: never shown by the config, errors, or the report.
#[test]
fn userinfo_in_the_address_never_shows() {
    let canary = canary(30);
    let not_found = Reply::Send(http("404 Not Found", "", b"{\"errors\":[]}"));
    let good = kv(&serde_json::json!({"DATABASE_URL": "postgres://db/app"}));
    for (case, reply) in [("a 404", &not_found), ("a good answer", &good)] {
        // Each address, and what it is shown as (for the server's port): the address requests
        // go to, or none.
        let cases: [(String, ShownAs); 4] = [
            (format!("ops:{canary}"), |port| Some(format!("http://127.0.0.1:{port}"))),
            // A `/` in the password ends the authority early: `ops:pa` is no host and port, so
            // the address is not a URL at all, is refused before any request, and is not shown.
            (format!("ops:pa/ss@wd{canary}"), |_| None),
            // URL parsers take the host before the first `/`, a reader the one after the last
            // `@`: an address they disagree on is refused too.
            (format!("ops:{canary}@127.0.0.1:1/y"), |_| None),
            (format!("ops:2024?Summer-Pw{canary}"), |_| None),
        ];
        for (userinfo, shown_as) in cases {
            let server = Server::repeating(reply, 3);
            let expected = shown_as(server.port);
            let addr = format!("http://{userinfo}@127.0.0.1:{}", server.port);
            let config = VaultConfig::new(&addr).token(SecretString::from("t")).timeout(TIMEOUT);
            let what = format!("the password of {userinfo} with {case}");
            match &expected {
                Some(expected) => assert_eq!(config.addr(), expected, "{what}"),
                None => assert!(config.addr().contains("not a URL"), "{what}: {}", config.addr()),
            }
            let mut shown = format!("{}\n{config:?}\n{}", config.addr(), surfaces(&config));
            let outcome = match config.read(&["secret/app"]) {
                Ok(source) => format!("{source:?}{:?}", source.describe()),
                Err(error) => error_chain(&error),
            };
            shown.push_str(&outcome);
            let sources = Sources::new().vault(&config, &["secret/app"]);
            let report = AppSecrets::status_from(&sources);
            match &expected {
                Some(expected) => {
                    assert!(report.looked_in().iter().any(|place| place.contains(expected)), "{what}: {report}");
                }
                None => assert!(server.requests().is_empty(), "{what}: a request went out"),
            }
            assert!(!shown.contains("ops:") && !shown.contains("ops@"), "{what}: {shown}");
            assert_clean(&what, &shown, &canary);
        }
    }
}

/// Userinfo in an address without a scheme (`VAULT_ADDR=ops:password@host:8200`, a typo):
/// refused, and the password still never shows.
#[test]
fn userinfo_in_an_address_without_a_scheme_never_shows() {
    let canary = canary(31);
    let server = Server::repeating(&Reply::Send(http("404 Not Found", "", b"")), 3);
    let addr = format!("ops:{canary}@127.0.0.1:{}", server.port);
    let config = VaultConfig::new(&addr).token(SecretString::from("t")).timeout(TIMEOUT);
    let mut shown = format!("{}\n{config:?}\n{}", config.addr(), surfaces(&config));
    if let Err(error) = config.read(&["secret/app"]) {
        shown.push_str(&error_chain(&error));
    }
    assert!(!shown.contains("ops:"), "{shown}");
    assert_clean("the password of a scheme-less address", &shown, &canary);
}

/// An address whose userinfo holds `/` then `@` (`http://ops:pw@HOST_A/@HOST_B`): URL parsers
/// take HOST_A as the host; the address shown must not claim the requests went to HOST_B.
#[test]
fn the_address_shown_is_the_address_contacted() {
    let (attacker, port) = attacker();
    let canary = canary(32);
    let server = Server::new(vec![kv(&serde_json::json!({"DATABASE_URL": "postgres://db/app"}))]);
    let addr = format!("http://ops:{canary}@127.0.0.1:{port}/@127.0.0.1:{}", server.port);
    let config = VaultConfig::new(&addr).token(SecretString::from(canary.as_str())).timeout(TIMEOUT);
    let outcome = match config.read(&["secret/app"]) {
        Ok(source) => format!("{source:?}"),
        Err(error) => error_chain(&error),
    };
    let shown = format!("{} {outcome}", config.addr());
    assert_clean("the password of an address with /@", &shown, &canary);
    // Parsers and readers disagree on its host: the address is refused, and nothing is sent.
    assert!(outcome.contains("VAULT_ADDR is not a URL") && config.addr().contains("not a URL"), "{shown}");
    assert!(received(&attacker).is_none(), "127.0.0.1:{port} was contacted");
    assert!(server.requests().is_empty(), "127.0.0.1:{} was contacted", server.port);
}

// The harness itself.

/// A client that follows redirects is caught: the attacker's listener sees it.
#[test]
fn the_harness_catches_a_client_that_follows_redirects() {
    let (attacker, port) = attacker();
    let redirect = http("302 Found", &format!("Location: http://127.0.0.1:{port}/v1/secret/data/app\r\n"), b"");
    let server = Server::new(vec![Reply::Send(redirect)]);
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).build().into();
    let _ = agent.get(format!("{}/v1/secret/data/app", server.addr)).call();
    assert_eq!(server.requests().len(), 1);
    assert!(contacted(&attacker), "a redirect-following client reached the attacker's listener");
}

// JSON values under data.data that are not strings.

/// `null` is absent: a required secret is missing, an optional one is fine.
#[test]
fn a_null_value_is_missing() {
    let server = Server::repeating(&kv(&serde_json::json!({"DATABASE_URL": null, "SENTRY_DSN": null})), 1);
    let sources = Sources::new().vault(&vault_config(&server, "t"), &["secret/app"]);
    let error = AppSecrets::load_from(&sources).map(|_| ()).unwrap_err();
    assert!(error.to_string().contains("DATABASE_URL (required secret): missing"), "{error}");
    let report = AppSecrets::status_from(&sources);
    assert_eq!(report.entry("DATABASE_URL").unwrap().state(), &State::Missing);
    assert_eq!(report.entry("SENTRY_DSN").unwrap().state(), &State::Missing);
    assert_eq!(report.entry("SENTRY_DSN").unwrap().level(), Level::Ok);

    let server =
        Server::repeating(&kv(&serde_json::json!({"DATABASE_URL": "postgres://db/app", "SENTRY_DSN": null})), 1);
    let sources = Sources::new().vault(&vault_config(&server, "t"), &["secret/app"]);
    let secrets = AppSecrets::load_from(&sources).unwrap();
    assert!(!secrets.has_sentry_dsn());
    assert!(AppSecrets::status_from(&sources).is_ok());
}

/// Numbers and booleans are their JSON text.
#[test]
fn numbers_and_booleans_load_as_their_json_text() {
    let server = Server::repeating(&kv(&serde_json::json!({"DATABASE_URL": 12_345_678, "SENTRY_DSN": true})), 1);
    let sources = Sources::new().vault(&vault_config(&server, "t"), &["secret/app"]);
    let secrets = AppSecrets::load_from(&sources).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "12345678");
    assert_eq!(secrets.sentry_dsn().unwrap().expose_secret(), "true");
    let server = Server::repeating(&kv(&serde_json::json!({"DATABASE_URL": false, "SENTRY_DSN": -1.5})), 1);
    let sources = Sources::new().vault(&vault_config(&server, "t"), &["secret/app"]);
    let secrets = AppSecrets::load_from(&sources).unwrap();
    assert_eq!(secrets.database_url().expose_secret(), "false");
    assert_eq!(secrets.sentry_dsn().unwrap().expose_secret(), "-1.5");
}

/// Objects and arrays are not a variable's text: invalid, and none of their content shows.
#[test]
fn objects_and_arrays_are_invalid_and_never_shown() {
    let pieces = [canary(40), canary(41), canary(42), canary(43)];
    let [a, b, c, d] = &pieces;
    let data = serde_json::json!({"DATABASE_URL": {"user": a, b: "x"}, "SENTRY_DSN": [c, {"k": d}]});
    let server = Server::repeating(&kv(&data), 2);
    let config = vault_config(&server, "t");
    let sources = Sources::new().vault(&config, &["secret/app"]);
    let report = AppSecrets::status_from(&sources);
    for name in ["DATABASE_URL", "SENTRY_DSN"] {
        let entry = report.entry(name).unwrap();
        assert!(matches!(entry.state(), State::Invalid { .. }), "{name}: {:?}", entry.state());
        assert_eq!(entry.level(), Level::Error, "{name}");
    }
    let object = AppSecrets::load_from(&sources).map(|_| ()).unwrap_err();
    assert!(object.to_string().contains("DATABASE_URL (required secret): invalid"), "{object}");
    let lookup = sources.lookup("SENTRY_DSN").map(|_| ()).unwrap_err();
    assert!(lookup.to_string().contains("a JSON array"), "{lookup}");
    let shown = format!("{}\n{}\n{}", surfaces(&config), error_chain(&object), error_chain(&lookup));
    for piece in &pieces {
        assert_clean("a piece of an object or array value", &shown, piece);
    }
}

// Extreme timeouts.

/// `Duration::MAX` and `Duration::ZERO` are accepted (clamped) without a panic, and a read
/// against a closed port fails instead of hanging.
#[test]
fn extreme_timeouts_do_not_panic() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    for timeout in [Duration::MAX, Duration::ZERO, Duration::from_nanos(1)] {
        let config = VaultConfig::new(&closed).token(SecretString::from("t")).timeout(timeout);
        let shown = format!("{config:?}");
        assert!(shown.contains("timeout"), "{shown}");
        let error = config.read(&["secret/app"]).unwrap_err();
        assert!(error.to_string().contains(&closed), "{timeout:?}: {error}");
    }
    // The shortest timeout against a server that never answers.
    let server = Server::repeating(&Reply::Stall(Vec::new()), 1);
    let config = VaultConfig::new(&server.addr).token(SecretString::from("t")).timeout(Duration::ZERO);
    assert!(config.read(&["secret/app"]).is_err());
}
