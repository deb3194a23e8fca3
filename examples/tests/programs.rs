//! The example programs run as real processes with a cleared, explicit environment.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

mod support;

use support::{CANARIES, assert_no_canary, explicit, outcome, private_file};

/// A program with nothing but `vars` in its environment, run from `dir`.
fn program(name: &str, dir: &Path, vars: &[(&str, &str)]) -> Command {
    let path = match name {
        "service" => env!("CARGO_BIN_EXE_service"),
        "ops_script" => env!("CARGO_BIN_EXE_ops_script"),
        other => panic!("no example named {other}"),
    };
    explicit(path, dir, vars)
}

fn run(name: &str, dir: &Path, vars: &[(&str, &str)]) -> (Output, String, String) {
    outcome(&mut program(name, dir, vars))
}

#[test]
fn ops_script_requires_its_billing_secret() {
    let empty = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run("ops_script", empty.path(), &[("DATABASE_URL", CANARIES[0])]);
    assert_eq!(output.status.code(), Some(78));
    assert!(stdout.is_empty());
    assert!(stderr.starts_with("FATAL: ReembedSecrets: 1 problem\n"), "{stderr}");
    assert!(stderr.contains("OPENAI_API_KEY (billing secret): missing, OpenAI API, billed per embedding"));
    assert_no_canary("ops_script stderr", &stderr);

    let vars = [("DATABASE_URL", CANARIES[0]), ("OPENAI_API_KEY", CANARIES[1]), ("BATCH_SIZE", "25")];
    let (output, stdout, stderr) = run("ops_script", empty.path(), &vars);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout, "re-embedding documents in batches of 25 with a 16-character API key\n");
}

#[test]
fn ops_script_lists_every_problem_at_once() {
    let empty = tempfile::tempdir().unwrap();
    let (output, _, stderr) = run("ops_script", empty.path(), &[("BATCH_SIZE", "lots")]);
    assert_eq!(output.status.code(), Some(78));
    let problems: Vec<&str> = stderr.lines().filter(|line| line.starts_with("  ")).collect();
    assert_eq!(
        problems,
        [
            "  DATABASE_URL (required secret): missing, Postgres connection string",
            "  OPENAI_API_KEY (billing secret): missing, OpenAI API, billed per embedding",
            "  BATCH_SIZE (optional config): invalid value \"lots\": invalid digit found in string (from env), Documents per API call",
        ]
    );
}

#[test]
fn service_with_a_missing_secret_exits_78_before_binding() {
    let empty = tempfile::tempdir().unwrap();
    let vars = [("SESSION_KEY", CANARIES[0]), ("BIND_ADDR", "127.0.0.1:0")];
    let (output, stdout, stderr) = run("service", empty.path(), &vars);
    assert_eq!(output.status.code(), Some(78));
    assert!(!stdout.contains("listening"), "the service bound a port: {stdout}");
    assert!(stderr.contains("FATAL: ServiceSecrets: 1 problem\n  DATABASE_URL (required secret): missing"), "{stderr}");
    assert_no_canary("service stderr", &stderr);
}

/// Kills the service when a test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

/// Starts the service with `vars` from `dir`; returns it (killed on drop), its address and stderr.
fn start_service(dir: &Path, vars: &[(&str, &str)]) -> (Running, String, BufReader<std::process::ChildStderr>) {
    let mut child = program("service", dir, vars).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let running = Running(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let Some(addr) = first.trim().strip_prefix("listening on ") else {
        let mut logs = String::new();
        let _ = stderr.read_to_string(&mut logs);
        panic!("the service did not start: {first:?}\n{logs}");
    };
    (running, addr.to_owned(), stderr)
}

/// The JSON status the running service serves.
fn served_status(addr: &str) -> serde_json::Value {
    let (status_line, body) = get(addr, "/secrets/status");
    assert_eq!(status_line, "HTTP/1.1 200 OK");
    assert_no_canary("status JSON", &body);
    serde_json::from_str(&body).unwrap()
}

#[test]
fn service_serves_health_and_a_value_free_status() {
    let empty = tempfile::tempdir().unwrap();
    let vars = [("DATABASE_URL", CANARIES[0]), ("SESSION_KEY", CANARIES[1]), ("BIND_ADDR", "127.0.0.1:0")];
    let (_running, addr, stderr) = start_service(empty.path(), &vars);

    assert_eq!(get(&addr, "/healthz"), ("HTTP/1.1 200 OK".to_owned(), "ok".to_owned()));
    let json = served_status(&addr);
    assert_eq!(json["contract"], "ServiceSecrets");
    assert_eq!(json["ok"], true);
    let names: Vec<&str> = json["secrets"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    let expected = [
        "DATABASE_URL",
        "DATABASE_MIN_CONNS",
        "DATABASE_MAX_CONNS",
        "SESSION_KEY",
        "OPENAI_API_KEY",
        "SENTRY_DSN",
        "MAIL_ENABLED",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_PASSWORD",
        "SMTP_SECURITY",
        "BIND_ADDR",
        "REQUEST_TIMEOUT",
    ];
    assert_eq!(names, expected);
    assert_eq!(json["secrets"][4]["level"], "warning");
    assert_eq!(json["secrets"][7]["state"], "disabled");
    assert_eq!(json["secrets"][7]["section"], "smtp");

    // The warnings were written before the port was bound, so they are already in stderr.
    let mut warnings = String::new();
    let mut reader = stderr;
    while !warnings.contains("SENTRY_DSN") {
        assert!(reader.read_line(&mut warnings).unwrap() > 0, "stderr ended early: {warnings}");
    }
    assert!(warnings.contains("WARN") && warnings.contains("OPENAI_API_KEY (billing secret): missing"), "{warnings}");
    assert_no_canary("service logs", &warnings);
}

#[test]
fn service_takes_its_secrets_from_a_mounted_directory() {
    let mount = tempfile::tempdir().unwrap();
    private_file(mount.path(), "database_url", CANARIES[0]);
    private_file(mount.path(), "session_key", &format!("{}\n", CANARIES[1]));
    let dir = mount.path().to_str().unwrap();
    let (_running, addr, _) = start_service(mount.path(), &[("SECRETS_DIR", dir), ("BIND_ADDR", "127.0.0.1:0")]);
    let json = served_status(&addr);
    assert_eq!(json["ok"], true);
    assert_eq!(
        json["secrets"][0]["source"],
        serde_json::json!({"kind": "file", "path": format!("{dir}/database_url")})
    );
    assert_eq!(json["secrets"][3]["name"], "SESSION_KEY");
    assert_eq!(json["secrets"][3]["source"]["kind"], "file");
}

/// How long a rotation may take to be served by the service before a test fails (it comes
/// within a second; the margin is for a loaded machine).
const DEADLINE: Duration = Duration::from_secs(10);

/// Polls `what` until it holds, or fails after [`DEADLINE`].
fn eventually(what: &str, mut holds: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !holds() {
        assert!(start.elapsed() < DEADLINE, "{what}: not within {DEADLINE:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A Kubernetes secret volume in a temporary directory: `name -> ..data/name`, `..data ->
/// ..<timestamp>`; a new version goes to a new timestamped directory, and `..data` is swapped
/// to it by renaming a temporary link over it, as the kubelet does.
struct Mount {
    dir: tempfile::TempDir,
    version: usize,
}

impl Mount {
    /// A mount holding `files` (name, content), each `name` a link into `..data`.
    fn new(files: &[(&str, &str)]) -> Self {
        let mut mount = Self { dir: tempfile::tempdir().unwrap(), version: 0 };
        mount.publish(files);
        for (name, _) in files {
            std::os::unix::fs::symlink(format!("..data/{name}"), mount.path().join(name)).unwrap();
        }
        mount
    }

    /// The mount's directory.
    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `files` to a new timestamped directory (mode 0600) and swaps `..data` to it.
    fn publish(&mut self, files: &[(&str, &str)]) {
        self.version += 1;
        let version = format!("..2026_12_01_00_00_{:02}.{}", self.version, 1000 + self.version);
        std::fs::create_dir(self.path().join(&version)).unwrap();
        for (name, content) in files {
            private_file(&self.path().join(&version), name, content);
        }
        let tmp = self.path().join("..data_tmp");
        std::os::unix::fs::symlink(&version, &tmp).unwrap();
        std::fs::rename(&tmp, self.path().join("..data")).unwrap();
    }
}

/// What the service's `/pool` says.
fn pool(addr: &str) -> String {
    let (status_line, body) = get(addr, "/pool");
    assert_eq!(status_line, "HTTP/1.1 200 OK");
    body
}

/// The `live.variables` entry of `name` in a served status.
fn live_variable<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let variables = json["live"]["variables"].as_array().unwrap_or_else(|| panic!("no live.variables: {json}"));
    variables.iter().find(|var| var["name"] == name).unwrap_or_else(|| panic!("no {name} in live.variables: {json}"))
}

#[test]
fn service_takes_a_rotated_secret_from_its_mount_and_keeps_it_when_the_next_is_empty() {
    let mut mount = Mount::new(&[("database_url", CANARIES[0]), ("session_key", CANARIES[1])]);
    let dir = mount.path().to_str().unwrap().to_owned();
    let (running, addr, mut stderr) =
        start_service(mount.path(), &[("SECRETS_DIR", &dir), ("BIND_ADDR", "127.0.0.1:0")]);
    assert!(pool(&addr).starts_with("generation 1 of at most 10 connections"), "{}", pool(&addr));
    let json = served_status(&addr);
    assert_eq!((&json["ok"], &json["live"]["swaps"], &json["live"]["stale"]), (&true.into(), &0.into(), &false.into()));

    // A new DATABASE_URL, published as the kubelet does: served, and the pool rebuilt from it.
    mount.publish(&[("database_url", CANARIES[2]), ("session_key", CANARIES[1])]);
    eventually("/pool says generation 2", || pool(&addr).starts_with("generation 2 "));
    let json = served_status(&addr);
    assert_eq!(json["live"]["swaps"], 1, "{json}");
    assert_eq!(json["live"]["stale"], false, "{json}");
    assert!(live_variable(&json, "DATABASE_URL")["last_change"].is_string(), "{json}");
    assert!(live_variable(&json, "SESSION_KEY")["last_change"].is_null(), "{json}");

    // An empty DATABASE_URL fails the policy: not served, the pool stays, the status says why.
    mount.publish(&[("database_url", ""), ("session_key", CANARIES[1])]);
    eventually("/secrets/status says live.stale", || served_status(&addr)["live"]["stale"] == true);
    assert!(pool(&addr).starts_with("generation 2 "), "{}", pool(&addr));
    let json = served_status(&addr);
    assert_eq!(json["live"]["swaps"], 1, "{json}");
    let problems = json["live"]["last_failure"]["problems"].as_array().unwrap_or_else(|| panic!("{json}"));
    assert!(
        problems.iter().any(|line| line.as_str().unwrap().contains("DATABASE_URL (required secret): set but empty")),
        "{json}"
    );

    drop(running);
    let mut logs = String::new();
    stderr.read_to_string(&mut logs).unwrap();
    assert!(logs.contains("secrets rotated: database pool rebuilt"), "{logs}");
    assert!(logs.contains("reload failed, the last good values are still served"), "{logs}");
    assert_no_canary("service logs", &logs);
}

/// Where `.ci/run` started OpenBao; read through a contract like everything else here.
#[derive(secrets_core::SecretContract)]
struct TestServer {
    #[config(env = "SECRETS_TEST_VAULT_ADDR")]
    addr: Option<String>,
    #[secret(optional, env = "SECRETS_TEST_VAULT_TOKEN")]
    token: Option<secrets_core::SecretString>,
}

/// The OpenBao dev server of `.ci/run` and its root token; the test that calls it runs only when
/// the server was named at build time, so a missing one is a failure.
fn openbao() -> (String, String) {
    use secrets_core::{ExposeSecret, SecretContract};
    let server = TestServer::load().unwrap();
    match (server.addr(), server.token()) {
        (Ok(addr), Ok(token)) => (addr.clone(), token.expose_secret().to_owned()),
        _ => panic!("no OpenBao server (SECRETS_TEST_VAULT_ADDR, SECRETS_TEST_VAULT_TOKEN): .ci/run starts one"),
    }
}

#[test]
#[cfg_attr(not(openbao), ignore = "needs the OpenBao servers of .ci/openbao.sh")]
fn service_takes_its_secrets_from_openbao() {
    let (vault, token) = openbao();
    let body = serde_json::json!({"data": {"DATABASE_URL": CANARIES[0], "SESSION_KEY": CANARIES[1]}});
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    agent
        .post(format!("{vault}/v1/secret/data/service"))
        .header("X-Vault-Token", &token)
        .send(body.to_string().as_bytes())
        .unwrap();
    let empty = tempfile::tempdir().unwrap();
    let vars = [
        ("VAULT_ADDR", vault.as_str()),
        ("VAULT_TOKEN", token.as_str()),
        ("VAULT_SECRET_PATHS", "secret/service"),
        ("BIND_ADDR", "127.0.0.1:0"),
    ];
    let (_running, addr, _) = start_service(empty.path(), &vars);
    let json = served_status(&addr);
    assert_eq!(json["ok"], true);
    assert_eq!(json["secrets"][0]["source"]["kind"], "vault");
    assert_eq!(json["secrets"][0]["source"]["path"], "secret/service");

    // A token the server refuses stops the service with 78, naming the server and the path.
    let refused = [("VAULT_TOKEN", "not-a-token-Wq3Zr8"), vars[0], vars[2], vars[3]];
    let output = program("service", empty.path(), &refused).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78));
    assert!(stderr.contains(&format!("vault at {vault}, secret/service: permission denied (403)")), "{stderr}");
    assert!(!stderr.contains("Wq3Zr8"));
}
