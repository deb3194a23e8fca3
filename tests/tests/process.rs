//! Process boundaries (DESIGN.md §9), end to end: `pass_to` / `pass_only_to` through the
//! `propagate` program, and `secrets run` with its options, its exit statuses, its signal
//! forwarding and its reports to orchestrators (termination log, systemd's notify socket).
//!
//! Every process starts with `env_clear()` and an explicit environment, in a fresh temporary
//! directory (which holds the `.env`, the `APP_API_TOKEN_FILE` file and the credentials). Each
//! secret is a distinct canary: what `propagate` itself prints (its `FATAL:` report, warnings,
//! "cannot start" messages) must hold no canary nor any 6-character piece of one; what a child
//! prints without `--mask` is the child's own output, and holds the values it was given.
//! Waits poll with a generous deadline and fail with a message instead of hanging.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::linux::net::SocketAddrExt as _;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// The program under test.
const PROPAGATE: &str = env!("CARGO_BIN_EXE_propagate");

/// The only `PATH` any process gets.
const PATH: &str = "/usr/bin:/bin";

/// How long any wait may take before the test fails instead of hanging.
const DEADLINE: Duration = Duration::from_secs(20);

/// `APP_DATABASE_URL`, from the `.env`.
const DB_URL: &str = "Canary-db-7Kq2Wx9Lm";
/// `APP_API_TOKEN`, from the file `APP_API_TOKEN_FILE` names.
const API_TOKEN: &str = "Canary-tok-3Rt8Yp2Vn";
/// `APP_SIGNING_KEY`, from the credential `signing-key`.
const SIGNING_KEY: &str = "Canary-sig-5Hj4Bd6Qs";
/// `APP_WEBHOOK`, from its alias `LEGACY_WEBHOOK`; the `"` is escaped in JSON.
const WEBHOOK: &str = "Canary-wh\"9Zx1Mc4Pf";
/// `APP_DB_PASSWORD` (the nested section); `/` and `:` are percent-encoded, `/` JSON-escaped.
const DB_PASSWORD: &str = "Canary/pw:8Gt3Nv6Ke";
/// `APP_OPENAI_API_KEY` (billing), when a test sets it.
const OPENAI_KEY: &str = "Canary-oai-2Wd7Fs1Lx";
/// A secret of the parent that is no part of the contract.
const OTHER_SECRET: &str = "Canary-other-4Np8Qz3Jr";
/// An `APP_HMAC_KEY` that is not base64: rejected, and never shown.
const BAD_HMAC: &str = "Canary!hmac!Bad9Tq";
/// `APP_HMAC_KEY` as given, and the bytes it stands for.
const HMAC_HEX: &str = "hex:fbefbe0001ff3e";
const HMAC_BYTES: [u8; 7] = [0xfb, 0xef, 0xbe, 0x00, 0x01, 0xff, 0x3e];

/// Every secret value a test hands to `propagate`.
const CANARIES: [&str; 9] =
    [DB_URL, API_TOKEN, SIGNING_KEY, WEBHOOK, DB_PASSWORD, OPENAI_KEY, OTHER_SECRET, BAD_HMAC, HMAC_HEX];

/// A run of `propagate`: its arguments and the environment it gets beside the fixture's.
type Run<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);

/// A temporary directory to run in: `.env`, the token file and the credentials directory, with
/// the environment that points at them.
struct Fixture {
    dir: tempfile::TempDir,
    env: BTreeMap<String, String>,
}

impl Fixture {
    /// Every source kind the contract reads, each holding its canary.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".env"), format!("APP_DATABASE_URL={DB_URL}\n")).unwrap();
        let token = dir.path().join("api-token");
        private_file(&token, &format!("{API_TOKEN}\n"));
        let credentials = dir.path().join("credentials");
        fs::create_dir(&credentials).unwrap();
        fs::set_permissions(&credentials, fs::Permissions::from_mode(0o700)).unwrap();
        private_file(&credentials.join("signing-key"), SIGNING_KEY);
        let env = [
            ("PATH", PATH),
            ("APP_API_TOKEN_FILE", path_str(&token)),
            ("CREDENTIALS_DIRECTORY", path_str(&credentials)),
            ("LEGACY_WEBHOOK", WEBHOOK),
            ("APP_DB_PASSWORD", DB_PASSWORD),
            ("APP_HMAC_KEY", HMAC_HEX),
        ];
        let env = env.into_iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
        Self { dir, env }
    }

    /// The same fixture without `name` in the environment.
    fn without(mut self, name: &str) -> Self {
        self.env.remove(name);
        self
    }

    /// The directory every process runs in.
    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `program` with only the fixture's environment and `extra_env`, in the fixture's directory,
    /// stdin from `/dev/null`, stdout and stderr piped.
    fn command(&self, program: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .envs(&self.env)
            .envs(extra_env.iter().copied())
            .current_dir(self.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs `propagate ARGS` to its end and returns its output.
    fn propagate(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        let child = self.command(PROPAGATE, args, extra_env).spawn().expect("propagate starts");
        finish(child, &format!("propagate {args:?}"))
    }

    /// Starts `propagate ARGS` and reads its stdout line by line.
    fn start(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Running {
        Running::start(self.command(PROPAGATE, args, extra_env), format!("propagate {args:?}"))
    }

    /// Starts `propagate secrets run -- sh -c SCRIPT` on a pseudo-terminal (`script`), its
    /// stdin a pipe to the terminal; the child's shell is in the terminal's foreground.
    fn start_on_terminal(&self, script: &str) -> Running {
        let line = format!("exec '{PROPAGATE}' secrets run -- sh -c '{script}'");
        let mut command = self.command("script", &["-qec", &line, "/dev/null"], &[]);
        command.stdin(Stdio::piped());
        Running::start(command, format!("script -qec {line:?}"))
    }
}

/// Writes `content` to `path` with mode 0600.
fn private_file(path: &Path, content: &str) {
    fs::write(path, content).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
}

/// A path as text (temporary directories have UTF-8 names).
fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A tool (`kill`, `mkfifo`) with only `PATH` in its environment; panics unless it succeeds.
fn tool(program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).env_clear().env("PATH", PATH).stdin(Stdio::null()).status().unwrap();
    assert!(status.success(), "{program} {args:?}: {status}");
}

/// Sends `signal` (a name for the `kill` command) to the process `pid`.
fn kill(signal: &str, pid: u32) {
    tool("kill", &[&format!("-{signal}"), &pid.to_string()]);
}

/// Waits for `child` to end, killing it and failing past the deadline.
fn wait_until_deadline(child: &mut Child, what: &str) -> ExitStatus {
    wait_within(child, what, DEADLINE)
}

/// Waits for `child` to end, killing it and failing past `deadline`.
fn wait_within(child: &mut Child, what: &str, deadline: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} still ran after {} s; killed", deadline.as_secs());
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Polls `done` until it holds; returns false past the deadline.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > DEADLINE {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
    true
}

/// Sends `signal` to `target` (a pid, or `-PGID` for a group), which may be gone already.
fn kill_if_there(signal: &str, target: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", target])
        .env_clear()
        .env("PATH", PATH)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The processes in process group `group` that have not ended (a zombie has).
fn live_in_group(group: u32) -> Vec<u32> {
    let mut members = Vec::new();
    for entry in fs::read_dir("/proc").unwrap() {
        let Some(pid) = entry.unwrap().file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else { continue };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // `PID (COMM) STATE PPID PGRP ...`, COMM may hold anything.
        let Some((_, rest)) = stat.rsplit_once(") ") else { continue };
        let fields: Vec<&str> = rest.split(' ').collect();
        if fields[0] != "Z" && fields[2].parse() == Ok(group) {
            members.push(pid);
        }
    }
    members
}

/// Whether the process `pid` is there and has not ended.
fn is_live(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}

/// Everything `from` yields until its end, sent at once from a thread.
fn read_on_thread(mut from: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        let _ = sender.send(bytes);
    });
    receiver
}

/// Each line `from` yields, sent as it comes from a thread.
fn lines_on_thread(from: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// What a thread read, failing if its pipe is still open past the deadline.
fn collected(receiver: Option<Receiver<Vec<u8>>>, what: &str) -> Vec<u8> {
    receiver.map_or_else(Vec::new, |receiver| {
        receiver.recv_timeout(DEADLINE).unwrap_or_else(|_| panic!("{what}: its output was still open after it ended"))
    })
}

/// Waits for `child` and collects its stdout and stderr, within the deadline.
fn finish(mut child: Child, what: &str) -> Output {
    let stdout = child.stdout.take().map(read_on_thread);
    let stderr = child.stderr.take().map(read_on_thread);
    let status = wait_until_deadline(&mut child, what);
    Output { status, stdout: collected(stdout, what), stderr: collected(stderr, what) }
}

/// A running `propagate` whose stdout is read line by line.
struct Running {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<Vec<u8>>,
    seen: Vec<String>,
    what: String,
}

impl Running {
    /// Starts `command` (stdout and stderr piped).
    fn start(mut command: Command, what: String) -> Self {
        let mut child = command.spawn().unwrap_or_else(|error| panic!("{what} does not start: {error}"));
        let stdout = lines_on_thread(child.stdout.take().unwrap());
        let stderr = read_on_thread(child.stderr.take().unwrap());
        Self { child, stdout, stderr, seen: Vec::new(), what }
    }

    /// Reads stdout until the line `expected`; fails past the deadline or at its end.
    fn wait_for_line(&mut self, expected: &str) {
        let start = Instant::now();
        // A terminal ends lines with `\r\n`.
        while !self.seen.iter().any(|line| line.trim_end_matches('\r') == expected) {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.stdout.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(error) => panic!("{}: no line {expected:?} on stdout ({error}); saw {:?}", self.what, self.seen),
            }
        }
    }

    /// Sends `signal` (a name for the `kill` command) to `propagate` itself.
    fn signal(&self, signal: &str) {
        kill(signal, self.child.id());
    }

    /// Waits for the end: the exit status, every stdout line and stderr.
    fn finish(mut self) -> (ExitStatus, Vec<String>, String) {
        let status = wait_until_deadline(&mut self.child, &self.what);
        let start = Instant::now();
        loop {
            match self.stdout.recv_timeout(DEADLINE.saturating_sub(start.elapsed())) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("{}: stdout still open after it ended", self.what),
            }
        }
        let stderr = collected(Some(self.stderr), &self.what);
        (status, self.seen, String::from_utf8(stderr).unwrap())
    }
}

/// Fails, naming `what`, if `text` (something `propagate` itself wrote) holds a canary or any
/// 6-character piece of one.
fn assert_no_canary(what: &str, text: &str) {
    for canary in CANARIES {
        secrets_core::testing::assert_clean(what, text, canary);
    }
}

/// Output as text.
fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// The exit code, failing when the process was killed by a signal.
fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or_else(|| panic!("killed by a signal: {output:?}"))
}

/// An `env` listing as a map.
fn env_of(stdout: &[u8]) -> BTreeMap<String, String> {
    text(stdout)
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// `propagate ARGS` with `env` as the command, which must succeed; returns the child's environment.
fn child_env(fixture: &Fixture, args: &[&str], extra_env: &[(&str, &str)]) -> BTreeMap<String, String> {
    let output = fixture.propagate(args, extra_env);
    let stderr = text(&output.stderr);
    assert_no_canary(&format!("stderr of propagate {args:?}"), &stderr);
    assert_eq!(code(&output), 0, "propagate {args:?}: {stderr}");
    env_of(&output.stdout)
}

/// Asserts the contract's variables in a child's environment, with the defaults for the
/// settings but `APP_TIMEOUT`, which is `timeout`.
fn assert_contract_values(env: &BTreeMap<String, String>, timeout: &str) {
    let expected = [
        ("APP_DATABASE_URL", DB_URL),
        ("APP_API_TOKEN", API_TOKEN),
        ("APP_SIGNING_KEY", SIGNING_KEY),
        ("APP_WEBHOOK", WEBHOOK),
        ("APP_PORT", "8080"),
        ("APP_TIMEOUT", timeout),
        ("APP_CACHE_ENABLED", "false"),
        ("APP_MODE", "full"),
        ("APP_HOSTS", "a.internal b.internal"),
        ("APP_DB_PASSWORD", DB_PASSWORD),
        ("APP_DB_MAX_CONNS", "10"),
    ];
    for (name, value) in expected {
        assert_eq!(env.get(name).map(String::as_str), Some(value), "{name} in {env:#?}");
    }
    // A binary secret given as hex comes out as standard base64 of its bytes.
    assert_eq!(env.get("APP_HMAC_KEY"), Some(&STANDARD.encode(HMAC_BYTES)), "{env:#?}");
    assert_eq!(STANDARD.encode(HMAC_BYTES), "++++AAH/Pg==", "the key's base64 is not URL-safe");
    // An optional secret left unset is set empty (read as unset, so the child finds no value
    // of its own); a competing name is not inherited.
    assert_eq!(env.get("APP_OPENAI_API_KEY").map(String::as_str), Some(""), "{env:#?}");
    for name in ["APP_API_TOKEN_FILE", "LEGACY_WEBHOOK"] {
        assert!(!env.contains_key(name), "{name} in {env:#?}");
    }
}

/// The names of every variable the contract sets in these tests.
fn contract_names() -> BTreeSet<String> {
    [
        "APP_DATABASE_URL",
        "APP_API_TOKEN",
        "APP_SIGNING_KEY",
        "APP_WEBHOOK",
        "APP_HMAC_KEY",
        "APP_PORT",
        "APP_TIMEOUT",
        "APP_CACHE_ENABLED",
        "APP_MODE",
        "APP_HOSTS",
        "APP_DB_PASSWORD",
        // Not loaded (the billing key is absent): set empty.
        "APP_OPENAI_API_KEY",
        "APP_DB_MAX_CONNS",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// The basics a clean environment keeps, as a parent could have them.
fn basics(tmpdir: &Path) -> Vec<(&'static str, String)> {
    let tmpdir = path_str(tmpdir).to_owned();
    [
        ("HOME", "/home/tester"),
        ("LANG", "C.UTF-8"),
        ("LC_ALL", "C.UTF-8"),
        ("LC_TIME", "C"),
        ("TZ", "UTC"),
        ("TERM", "dumb"),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.to_owned()))
    .chain([("TMPDIR", tmpdir), ("USER", "tester".to_owned())])
    .collect()
}

/// `basics` as the `extra_env` of a run, with the unrelated variables a parent could have.
fn with_unrelated<'a>(basics: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    basics
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .chain([("UNRELATED", "1"), ("OTHER_SECRET", OTHER_SECRET), ("OTHER_TOKEN", OTHER_SECRET)])
        .collect()
}

#[test]
fn pass_to_hands_the_child_every_loaded_variable_under_its_name() {
    let fixture = Fixture::new();
    let env = child_env(&fixture, &["pass", "env"], &[("UNRELATED", "1")]);
    assert_contract_values(&env, "30s");
    assert_eq!(env.get("UNRELATED").map(String::as_str), Some("1"), "the rest is inherited: {env:#?}");
    let env = child_env(&fixture, &["pass", "env"], &[("APP_TIMEOUT", "1m")]);
    assert_contract_values(&env, "1m");
    // The alias's `NAME_FILE` is not inherited either.
    let fixture = Fixture::new().without("LEGACY_WEBHOOK");
    let webhook = fixture.path().join("webhook");
    private_file(&webhook, WEBHOOK);
    let env = child_env(&fixture, &["pass", "env"], &[("LEGACY_WEBHOOK_FILE", path_str(&webhook))]);
    assert_contract_values(&env, "30s");
    assert!(!env.contains_key("LEGACY_WEBHOOK_FILE"), "{env:#?}");
}

#[test]
fn a_child_with_the_same_contract_loads_what_it_was_passed() {
    let fixture = Fixture::new();
    let direct = child_env(&fixture, &["pass", "env"], &[]);
    for options in [&[][..], &["--files"], &["--clean-env"], &["--files", "--clean-env"]] {
        let args = [&["secrets", "run"][..], options, &["--", PROPAGATE, "pass", "env"]].concat();
        let env = child_env(&fixture, &args, &[]);
        let contract = |env: &BTreeMap<String, String>| -> BTreeMap<String, String> {
            env.iter().filter(|(name, _)| name.starts_with("APP_")).map(|(n, v)| (n.clone(), v.clone())).collect()
        };
        assert_eq!(contract(&env), contract(&direct), "secrets run {options:?}");
    }
}

#[test]
fn pass_only_to_keeps_only_the_basics_beside_the_contract() {
    let fixture = Fixture::new();
    let basics = basics(fixture.path());
    let env = child_env(&fixture, &["pass-only", "env"], &with_unrelated(&basics));
    assert_contract_values(&env, "30s");
    for (name, value) in &basics {
        assert_eq!(env.get(*name), Some(value), "{name} is kept: {env:#?}");
    }
    let mut expected = contract_names();
    expected.extend(basics.iter().map(|(name, _)| (*name).to_owned()));
    expected.insert("PATH".to_owned());
    let names: BTreeSet<String> = env.keys().cloned().collect();
    assert_eq!(names, expected, "no other variable (UNRELATED, OTHER_SECRET, CREDENTIALS_DIRECTORY) is passed");
    // A basic the parent does not have is not made up.
    let env = child_env(&fixture, &["pass-only", "env"], &[("UNRELATED", "1")]);
    let names: BTreeSet<String> = env.keys().cloned().collect();
    let mut expected = contract_names();
    expected.insert("PATH".to_owned());
    assert_eq!(names, expected);
}

/// Runs `propagate ARGS`, which must fail to load naming `var`, with a termination log and a
/// notify socket in the fixture's directory; asserts exit 78, the `FATAL:` report on stderr,
/// the same report in the log and one datagram with `STATUS=` and `ERRNO=78`.
fn assert_reported_to_orchestrator(fixture: &Fixture, args: &[&str], var: &str) {
    let log = fixture.path().join("termination-log");
    let socket_path = fixture.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    let output = fixture
        .propagate(args, &[("SECRETS_TERMINATION_LOG", path_str(&log)), ("NOTIFY_SOCKET", path_str(&socket_path))]);
    let stderr = text(&output.stderr);
    assert_no_canary(&format!("stderr of propagate {args:?}"), &stderr);
    assert_eq!(code(&output), 78, "{stderr}");
    assert!(stderr.starts_with("FATAL: ") && stderr.contains(var), "{stderr}");
    let report = fs::read_to_string(&log).expect("the termination log is written");
    assert!(report.len() <= 4096, "{} bytes", report.len());
    assert_eq!(stderr, format!("FATAL: {report}\n"), "the log holds the report stderr shows");
    let mut buffer = [0u8; 4096];
    let received = socket.recv(&mut buffer).expect("a datagram on the notify socket");
    let message = std::str::from_utf8(&buffer[..received]).unwrap();
    assert!(message.starts_with("STATUS=Propagated: 1 problem"), "{message:?}");
    assert!(message.contains(var) && message.contains("\nERRNO=78\n"), "{message:?}");
    let mut lines = report.lines();
    let (first, problem) = (lines.next().unwrap(), lines.next().unwrap().trim());
    assert_eq!(message, format!("STATUS={first}: {problem}\nERRNO=78\n"), "the first line and the first problem");
    assert_no_canary("the notify datagram", message);
    socket.set_nonblocking(true).unwrap();
    assert!(socket.recv(&mut buffer).is_err(), "only one datagram");
}

#[test]
fn a_failed_load_starts_nothing_and_tells_the_orchestrator() {
    let run = ["secrets", "run", "--include-billing", "--", "sh", "-c", "touch started"];
    let check = ["secrets", "check", "--include-billing"];
    let fixture = Fixture::new();
    assert_reported_to_orchestrator(&fixture, &run, "APP_OPENAI_API_KEY");
    assert!(!fixture.path().join("started").exists(), "the command was started");
    assert_reported_to_orchestrator(&Fixture::new(), &check, "APP_OPENAI_API_KEY");
    let no_token = Fixture::new().without("APP_API_TOKEN_FILE");
    assert_reported_to_orchestrator(&no_token, &["pass", "env"], "APP_API_TOKEN");

    // `load_or_exit` fails too with a secret that does not parse.
    let bad = ("APP_HMAC_KEY", BAD_HMAC);
    let every: [Run; 3] = [(&run, &[]), (&check, &[]), (&["pass", "env"], &[bad])];

    // An empty SECRETS_TERMINATION_LOG writes nothing, and the status stays 78.
    let fixture = Fixture::new();
    let listing =
        || -> BTreeSet<PathBuf> { fs::read_dir(fixture.path()).unwrap().map(|entry| entry.unwrap().path()).collect() };
    let before = listing();
    let default_log_existed = Path::new("/dev/termination-log").exists();
    for (args, extra_env) in every {
        let output = fixture.propagate(args, &[extra_env, &[("SECRETS_TERMINATION_LOG", "")]].concat());
        let stderr = text(&output.stderr);
        assert_no_canary("stderr", &stderr);
        assert_eq!(code(&output), 78, "{args:?}: {stderr}");
        assert!(stderr.starts_with("FATAL: "), "{args:?}: {stderr}");
    }
    assert_eq!(before, listing(), "nothing written, nothing started");
    assert_eq!(Path::new("/dev/termination-log").exists(), default_log_existed);

    // A FIFO with no reader: no wait, still 78 (`propagate` fails past the deadline).
    let fifo = fixture.path().join("fifo");
    tool("mkfifo", &[path_str(&fifo)]);
    for (args, extra_env) in every {
        let output = fixture.propagate(args, &[extra_env, &[("SECRETS_TERMINATION_LOG", path_str(&fifo))]].concat());
        assert_eq!(code(&output), 78, "{args:?}: {}", text(&output.stderr));
    }
    assert!(!fixture.path().join("started").exists(), "the command was started");
}

#[test]
fn the_termination_log_is_replaced_and_cut_and_an_abstract_socket_is_told() {
    // A report longer than Kubernetes keeps: `looked in` names two paths of 3,000 bytes.
    let fixture = Fixture::new();
    let deep = (0..15).fold(fixture.path().to_owned(), |dir, _| dir.join("d".repeat(200)));
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join(".env"), format!("APP_DATABASE_URL={DB_URL}\n")).unwrap();
    fs::rename(fixture.path().join("credentials"), deep.join("credentials")).unwrap();
    let credentials = deep.join("credentials");
    let env_file = deep.join(".env");
    let termination_log = fixture.path().join("termination-termination_log");
    fs::write(&termination_log, "an older message, ".repeat(500)).unwrap();
    let args = ["secrets", "check", "--include-billing", "--env-file", path_str(&env_file)];
    let output = fixture.propagate(
        &args,
        &[("CREDENTIALS_DIRECTORY", path_str(&credentials)), ("SECRETS_TERMINATION_LOG", path_str(&termination_log))],
    );
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 78, "{stderr}");
    let report = stderr.strip_prefix("FATAL: ").unwrap().strip_suffix('\n').unwrap();
    assert!(report.len() > 4096, "the report is deep: {} bytes", report.len());
    let written = fs::read_to_string(&termination_log).unwrap();
    assert!(written.len() <= 4096, "{} bytes", written.len());
    let kept = written.strip_suffix("\n(cut: the full report is on stderr)").expect("a cut report says so");
    assert!(report.starts_with(kept) && kept.len() > 3000, "the termination_log is the report's beginning:\n{written}");
    assert!(!written.contains("an older message"), "the termination_log is replaced");

    // A short report replaces a longer older one whole.
    let fixture = Fixture::new();
    let termination_log = fixture.path().join("termination-termination_log");
    fs::write(&termination_log, "an older message, ".repeat(500)).unwrap();
    let output = fixture.propagate(
        &["secrets", "check", "--include-billing"],
        &[("SECRETS_TERMINATION_LOG", path_str(&termination_log))],
    );
    assert_eq!(code(&output), 78);
    assert_eq!(format!("FATAL: {}\n", fs::read_to_string(&termination_log).unwrap()), text(&output.stderr));

    // `@name`: systemd's abstract socket namespace.
    let name = format!("secrets-tests-process-{}", std::process::id());
    let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let socket = UnixDatagram::bind_addr(&address).unwrap();
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    let output = fixture.propagate(
        &["secrets", "check", "--include-billing"],
        &[("SECRETS_TERMINATION_LOG", ""), ("NOTIFY_SOCKET", &format!("@{name}"))],
    );
    assert_eq!(code(&output), 78);
    let mut buffer = [0u8; 4096];
    let received = socket.recv(&mut buffer).expect("a datagram on the abstract socket");
    let message = std::str::from_utf8(&buffer[..received]).unwrap();
    assert_eq!(message, "STATUS=Propagated: 1 problem: APP_OPENAI_API_KEY (billing secret): missing\nERRNO=78\n");
}

#[test]
fn the_exit_status_is_the_childs_or_128_plus_its_signal() {
    let fixture = Fixture::new();
    let cases = [("exit 3", 3), ("kill -TERM $$", 143), ("kill -KILL $$", 137), ("kill -INT $$", 130), ("exit 0", 0)];
    for (script, expected) in cases {
        let output = fixture.propagate(&["secrets", "run", "--", "sh", "-c", script], &[]);
        let stderr = text(&output.stderr);
        assert_no_canary("stderr of secrets run", &stderr);
        assert_eq!(code(&output), expected, "{script}: {stderr}");
    }
    // A program that does not exist: 127, and its name, a secret's value, is masked.
    let output = fixture.propagate(&["secrets", "run", "--", API_TOKEN, "--flag"], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 127, "{stderr}");
    assert!(stderr.contains("cannot start [REDACTED]"), "{stderr}");
    assert_no_canary("the cannot-start message", &stderr);
    let output = fixture.propagate(&["secrets", "run", "--", &format!("/nonexistent/{API_TOKEN}/x")], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 127, "{stderr}");
    assert!(stderr.contains("cannot start [REDACTED]: "), "{stderr}");
    assert_no_canary("the cannot-start message", &stderr);
    // A file that is not executable: 126.
    fs::write(fixture.path().join(SIGNING_KEY), "#!/bin/sh\n").unwrap();
    let output = fixture.propagate(&["secrets", "run", "--", &format!("./{SIGNING_KEY}")], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 126, "{stderr}");
    assert!(stderr.contains("cannot start [REDACTED]: "), "{stderr}");
    assert_no_canary("the cannot-start message", &stderr);
}

#[test]
fn sigterm_sighup_and_sigint_are_forwarded_to_the_child() {
    for (signal, status) in [("TERM", 7), ("HUP", 8), ("INT", 9)] {
        let fixture = Fixture::new();
        let said = format!("got-{}", signal.to_lowercase());
        let script = format!("trap \"echo {said}; exit {status}\" {signal}; echo ready; while :; do sleep 0.1; done");
        // Stdin is /dev/null, not a terminal: SIGINT did not reach the child already.
        let mut running = fixture.start(&["secrets", "run", "--", "sh", "-c", &script], &[]);
        running.wait_for_line("ready");
        running.signal(signal);
        let (exit, stdout, stderr) = running.finish();
        assert_no_canary("stderr of secrets run", &stderr);
        assert_eq!(exit.code(), Some(status), "SIG{signal}: {exit}; stdout {stdout:?}; stderr {stderr}");
        assert!(stdout.contains(&said), "SIG{signal}: {stdout:?}");
    }
    // With --mask the child's output still comes through after the signal.
    let fixture = Fixture::new();
    let script = r#"trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done"#;
    let mut running = fixture.start(&["secrets", "run", "--mask", "--", "sh", "-c", script], &[]);
    running.wait_for_line("ready");
    running.signal("TERM");
    let (exit, stdout, stderr) = running.finish();
    assert_eq!((exit.code(), stdout), (Some(7), vec!["ready".to_owned(), "got-term".to_owned()]), "{stderr}");
}

/// The child of the terminal tests: writes its parent's (`secrets run`'s) pid to `ppid`,
/// traps SIGINT and says `ready`.
const INT_TRAP: &str = r#"echo $PPID > ppid; trap "echo got-int; exit 9" INT; echo ready; while :; do sleep 0.1; done"#;

#[test]
fn ctrl_c_at_a_terminal_reaches_the_child() {
    use std::io::Write as _;
    let fixture = Fixture::new();
    let mut running = fixture.start_on_terminal(INT_TRAP);
    running.wait_for_line("ready");
    // ^C: the terminal sends SIGINT to its foreground process group, the child included.
    running.child.stdin.as_mut().unwrap().write_all(b"\x03").unwrap();
    let (exit, stdout, stderr) = running.finish();
    assert_eq!(exit.code(), Some(9), "{stdout:?} {stderr}");
    assert!(stdout.iter().any(|line| line.contains("got-int")), "{stdout:?}");
}

#[test]
fn sigint_sent_by_another_process_reaches_the_child_under_a_terminal() {
    let fixture = Fixture::new();
    let mut running = fixture.start_on_terminal(INT_TRAP);
    running.wait_for_line("ready");
    let pid: u32 = fs::read_to_string(fixture.path().join("ppid")).unwrap().trim().parse().unwrap();
    kill("INT", pid);
    // Not `finish` at once: when the signal is lost the test ends the run itself.
    let start = Instant::now();
    while running.child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            kill("TERM", pid);
            let (exit, stdout, _) = running.finish();
            panic!("SIGINT from kill did not reach the child within {DEADLINE:?}; after SIGTERM: {exit}, {stdout:?}");
        }
        thread::sleep(Duration::from_millis(10));
    }
    let (exit, stdout, stderr) = running.finish();
    assert_eq!(exit.code(), Some(9), "{stdout:?} {stderr}");
    assert!(stdout.iter().any(|line| line.contains("got-int")), "{stdout:?}");
}

#[test]
fn clean_env_gives_the_child_only_the_basics_and_the_contract() {
    let fixture = Fixture::new();
    let basics = basics(fixture.path());
    let env = child_env(&fixture, &["secrets", "run", "--clean-env", "--", "env"], &with_unrelated(&basics));
    assert_contract_values(&env, "30s");
    let mut expected = contract_names();
    expected.extend(basics.iter().map(|(name, _)| (*name).to_owned()));
    expected.insert("PATH".to_owned());
    let names: BTreeSet<String> = env.keys().cloned().collect();
    assert_eq!(names, expected, "UNRELATED, OTHER_TOKEN, CREDENTIALS_DIRECTORY are not passed");
    // Without --clean-env they are.
    let env = child_env(&fixture, &["secrets", "run", "--", "env"], &with_unrelated(&basics));
    assert_eq!(env.get("OTHER_TOKEN").map(String::as_str), Some(OTHER_SECRET));
    assert_eq!(env.get("UNRELATED").map(String::as_str), Some("1"));
}

/// The script `--mask` is tested with: secrets raw, base64, percent-encoded, JSON-escaped and
/// split across writes, between `line-1` .. `line-6`; once to stdout and once to stderr.
const MASKED_SCRIPT: &str = r#"emit() {
  echo line-1
  printf 'token=%s;\n' "$APP_API_TOKEN"
  echo line-2
  printf %s "$APP_API_TOKEN" | base64
  echo line-3
  printf '%s\n' "$PCT_PASSWORD"
  echo line-4
  printf '{"pw":"%s","hook":"%s"}\n' "$JSON_PASSWORD" "$JSON_WEBHOOK"
  echo line-5
  printf %s "$FIRST_HALF"; sleep 0.3; printf '%s\n' "$SECOND_HALF"
  echo line-6
}
emit
emit >&2
"#;

/// Asserts one masked stream of [`MASKED_SCRIPT`].
fn assert_masked(what: &str, stream: &str) {
    assert_no_canary(what, stream);
    let token_base64 = STANDARD_NO_PAD.encode(API_TOKEN);
    // The characters that encode the token's bytes alone (the last group also encodes the end).
    let core = &token_base64[..API_TOKEN.len() / 3 * 4];
    for chunk in core.as_bytes().windows(8) {
        let chunk = std::str::from_utf8(chunk).unwrap();
        assert!(!stream.contains(chunk), "{what}: a piece ({chunk}) of the token's base64 leaks:\n{stream}");
    }
    let lines: Vec<&str> = stream.lines().collect();
    let plain: Vec<&str> = lines.iter().copied().filter(|line| line.starts_with("line-")).collect();
    assert_eq!(plain, ["line-1", "line-2", "line-3", "line-4", "line-5", "line-6"], "{what}: order kept:\n{stream}");
    assert_eq!(lines.len(), 11, "{what}:\n{stream}");
    assert_eq!(lines[1], "token=[REDACTED];", "{what}");
    assert!(lines[3].starts_with("[REDACTED]"), "{what}: base64: {}", lines[3]);
    assert_eq!(lines[5], "[REDACTED]", "{what}: percent-encoded");
    assert_eq!(lines[7], r#"{"pw":"[REDACTED]","hook":"[REDACTED]"}"#, "{what}: JSON-escaped");
    assert_eq!(lines[9], "[REDACTED]", "{what}: split across writes");
}

#[test]
fn mask_redacts_every_form_of_a_secret_in_stdout_and_stderr() {
    let fixture = Fixture::new();
    let (first, second) = SIGNING_KEY.split_at(SIGNING_KEY.len() / 2);
    let forms = [
        ("PCT_PASSWORD", "Canary%2Fpw%3A8Gt3Nv6Ke"),
        ("JSON_PASSWORD", r"Canary\/pw:8Gt3Nv6Ke"),
        ("JSON_WEBHOOK", r#"Canary-wh\"9Zx1Mc4Pf"#),
        ("FIRST_HALF", first),
        ("SECOND_HALF", second),
    ];
    let output = fixture.propagate(&["secrets", "run", "--mask", "--", "sh", "-c", MASKED_SCRIPT], &forms);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(code(&output), 0, "{stderr}");
    assert_masked("stdout", &stdout);
    // Stderr is the child's, after this command's own billing warning.
    let (warning, child_stderr) = stderr.split_once('\n').unwrap();
    assert!(warning.starts_with("secrets run: warning: APP_OPENAI_API_KEY"), "{stderr}");
    assert_masked("stderr", child_stderr);
    // Without --mask, the same script prints the values: the test does print them.
    let output = fixture.propagate(&["secrets", "run", "--", "sh", "-c", MASKED_SCRIPT], &forms);
    let stdout = text(&output.stdout);
    assert!(stdout.contains(API_TOKEN) && stdout.contains(SIGNING_KEY), "{stdout}");
}

#[test]
fn a_terminal_is_kept_unless_the_output_is_masked() {
    let fixture = Fixture::new();
    for (option, expected) in [("", "tty-kept"), ("--mask ", "no-tty")] {
        let line = format!("'{PROPAGATE}' secrets run {option}-- sh -c '[ -t 1 ] && echo tty-kept || echo no-tty'");
        let child = fixture.command("script", &["-qec", &line, "/dev/null"], &[]).spawn().expect("script starts");
        let output = finish(child, &format!("script -qec {line:?}"));
        let stdout = text(&output.stdout);
        assert_eq!(code(&output), 0, "{stdout}{}", text(&output.stderr));
        assert!(stdout.contains(expected), "{option}: {stdout:?}");
        assert_no_canary("the terminal's output", &stdout);
    }
}

/// Runs `--files` with the runtime directory `runtime` and a child `script` that first writes the
/// directory of `APP_API_TOKEN_FILE` to `files-dir`; returns that directory, which must be in
/// `runtime`.
fn files_dir(fixture: &Fixture, runtime: &Path) -> PathBuf {
    let dir = PathBuf::from(fs::read_to_string(fixture.path().join("files-dir")).unwrap().trim_end());
    assert_eq!(dir.parent(), Some(runtime), "the files are in XDG_RUNTIME_DIR");
    dir
}

/// The first line of every `--files` child: where the secret files are.
const WRITE_FILES_DIR: &str = r#"dirname "$APP_API_TOKEN_FILE" > files-dir"#;

#[test]
fn files_hands_secrets_as_private_files_removed_afterwards() {
    let fixture = Fixture::new();
    let runtime = tempfile::tempdir().unwrap();
    let runtime_env = [("XDG_RUNTIME_DIR", path_str(runtime.path()))];
    let script = format!(
        r#"{WRITE_FILES_DIR}
d=$(dirname "$APP_API_TOKEN_FILE")
echo "dir=$(stat -c %a "$d")"
echo "file=$(stat -c %a "$APP_API_TOKEN_FILE")"
echo "token=$(cat "$APP_API_TOKEN_FILE")"
echo "plain=${{APP_API_TOKEN-unset}}"
echo "db=${{APP_DATABASE_URL-unset}}"
echo "db-file=$(cat "$APP_DATABASE_URL_FILE")"
echo "port=$APP_PORT"
"#
    );
    let output = fixture.propagate(&["secrets", "run", "--files", "--", "sh", "-c", &script], &runtime_env);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_no_canary("stderr of secrets run --files", &stderr);
    assert_eq!(code(&output), 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let token = format!("token={API_TOKEN}");
    let db = format!("db-file={DB_URL}");
    let expected = ["dir=700", "file=600", &token, "plain=unset", "db=unset", &db, "port=8080"];
    assert_eq!(lines, expected, "{stderr}");
    let dir = files_dir(&fixture, runtime.path());
    assert!(!dir.exists(), "{} is left after the run", dir.display());

    // The child killed by SIGKILL: the files are removed all the same.
    let script = format!("{WRITE_FILES_DIR}; kill -KILL $$");
    let output = fixture.propagate(&["secrets", "run", "--files", "--", "sh", "-c", &script], &runtime_env);
    assert_eq!(code(&output), 137, "{}", text(&output.stderr));
    let dir = files_dir(&fixture, runtime.path());
    assert!(!dir.exists(), "{} is left after SIGKILL", dir.display());

    // SIGTERM to `secrets run`: forwarded, the child dies of it, the files are removed.
    let script = format!("{WRITE_FILES_DIR}; echo ready; while :; do sleep 0.1; done");
    let mut running = fixture.start(&["secrets", "run", "--files", "--", "sh", "-c", &script], &runtime_env);
    running.wait_for_line("ready");
    let dir = files_dir(&fixture, runtime.path());
    assert!(dir.join("APP_API_TOKEN").exists(), "the files exist while the child runs");
    running.signal("TERM");
    let (exit, _, stderr) = running.finish();
    assert_no_canary("stderr of secrets run --files", &stderr);
    assert_eq!(exit.code(), Some(143), "{stderr}");
    assert!(!dir.exists(), "{} is left after SIGTERM", dir.display());
    assert_eq!(fs::read_dir(runtime.path()).unwrap().count(), 0, "nothing left in XDG_RUNTIME_DIR");

    // Without XDG_RUNTIME_DIR the files go to TMPDIR.
    let output = fixture.propagate(
        &["secrets", "run", "--files", "--", "sh", "-c", WRITE_FILES_DIR],
        &[("TMPDIR", path_str(runtime.path()))],
    );
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let dir = files_dir(&fixture, runtime.path());
    assert!(!dir.exists(), "{} is left after the run", dir.display());
}

#[test]
fn nothing_secrets_run_itself_writes_holds_a_value() {
    let fixture = Fixture::new();
    let runtime = tempfile::tempdir().unwrap();
    let billing = [("APP_OPENAI_API_KEY", OPENAI_KEY)];
    let cases: [(Run, i32); 14] = [
        ((&["secrets", "run", "--", "true"], &[]), 0),
        ((&["secrets", "run", "--include-billing", "--", "true"], &billing), 0),
        ((&["secrets", "run", "--env-file", ".env", "--", "true"], &[]), 0),
        ((&["secrets", "run", "--clean-env", "--", "sh", "-c", "exit 5"], &[("OTHER_TOKEN", OTHER_SECRET)]), 5),
        ((&["secrets", "run", "--mask", "--", "true"], &[]), 0),
        ((&["secrets", "run", "--files", "--", "true"], &[("XDG_RUNTIME_DIR", path_str(runtime.path()))]), 0),
        ((&["secrets", "run", "--strict", "--", "true"], &[]), 78),
        ((&["secrets", "run", "--", "true"], &[("APP_HMAC_KEY", BAD_HMAC)]), 78),
        ((&["secrets", "run", "--", "true"], &[("APP_API_TOKEN", API_TOKEN)]), 78),
        ((&["secrets", "run", "--", "true"], &[("APP_DATABASE_URL", OPENAI_KEY)]), 0),
        ((&["secrets", "run", "--", SIGNING_KEY], &[]), 127),
        ((&["secrets", "check", "--strict"], &[]), 78),
        ((&["pass", "true"], &[("APP_HMAC_KEY", BAD_HMAC)]), 78),
        ((&["pass-only", "true"], &billing), 0),
    ];
    for ((args, extra_env), expected) in cases {
        let output = fixture.propagate(args, extra_env);
        let stderr = text(&output.stderr);
        let what = format!("propagate {args:?} with {:?}", extra_env.iter().map(|(name, _)| name).collect::<Vec<_>>());
        assert_no_canary(&format!("stderr of {what}"), &stderr);
        assert_eq!(output.stdout, b"", "{what}: the child wrote nothing");
        assert_eq!(code(&output), expected, "{what}: {stderr}");
    }
    // A token file others can read is warned about, by its path, without its content.
    fs::set_permissions(fixture.path().join("api-token"), fs::Permissions::from_mode(0o644)).unwrap();
    let output = fixture.propagate(&["secrets", "run", "--", "true"], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(stderr.contains("secrets run: warning: APP_API_TOKEN") && stderr.contains("0644"), "{stderr}");
    assert_no_canary("the warnings of secrets run", &stderr);
    // `status` prints on stdout: no value there either.
    let output = fixture.propagate(&["secrets", "status"], &[("APP_OPENAI_API_KEY", OPENAI_KEY)]);
    assert_eq!(code(&output), 0);
    assert_no_canary("secrets status", &text(&output.stdout));
    assert_no_canary("secrets status", &text(&output.stderr));
}

/// A 12-byte `APP_HMAC_KEY` as hex, as URL-safe base64 without padding, and as the child gets
/// it: standard base64, which `--mask` must mask although no input had that form.
const HMAC_KEY_HEX: &str = "hex:fbefbe0001ff3e7766554433";
const HMAC_KEY_URL_SAFE: &str = "----AAH_PndmVUQz";
const HMAC_KEY_BASE64: &str = "++++AAH/PndmVUQz";

/// Fails, naming `what`, if `text` holds any form of the 12-byte key or a 6-character piece of one.
fn assert_no_hmac_key(what: &str, text: &str) {
    for form in [HMAC_KEY_HEX, HMAC_KEY_URL_SAFE, HMAC_KEY_BASE64] {
        secrets_core::testing::assert_clean(what, text, form);
    }
}

#[test]
fn mask_redacts_a_binary_secret_in_the_form_the_child_is_given() {
    let bytes = [0xfb, 0xef, 0xbe, 0x00, 0x01, 0xff, 0x3e, 0x77, 0x66, 0x55, 0x44, 0x33];
    assert_eq!(STANDARD.encode(bytes), HMAC_KEY_BASE64);
    let fixture = Fixture::new();
    let runtime = tempfile::tempdir().unwrap();
    for input in [HMAC_KEY_HEX, HMAC_KEY_URL_SAFE] {
        let env = [("APP_HMAC_KEY", input), ("XDG_RUNTIME_DIR", path_str(runtime.path()))];
        // Without --mask the child shows the form it got: standard base64.
        let output = fixture.propagate(&["secrets", "run", "--", "sh", "-c", "echo $APP_HMAC_KEY"], &env);
        assert_eq!(code(&output), 0, "{input}: {}", text(&output.stderr));
        assert_eq!(text(&output.stdout), format!("{HMAC_KEY_BASE64}\n"), "{input}");
        let cases: [&[&str]; 2] = [
            &["secrets", "run", "--mask", "--", "sh", "-c", "echo $APP_HMAC_KEY"],
            &["secrets", "run", "--mask", "--files", "--", "sh", "-c", "cat $APP_HMAC_KEY_FILE"],
        ];
        for args in cases {
            let output = fixture.propagate(args, &env);
            let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
            assert_eq!(code(&output), 0, "{input} {args:?}: {stderr}");
            assert_eq!(stdout.trim_end(), "[REDACTED]", "{input} {args:?}");
            assert_no_hmac_key(&format!("stdout of {args:?} with {input}"), &stdout);
            assert_no_hmac_key(&format!("stderr of {args:?} with {input}"), &stderr);
            assert_no_canary(&format!("stderr of {args:?} with {input}"), &stderr);
        }
    }
}

#[test]
fn a_grandchild_holding_the_masked_pipes_does_not_hang_the_run() {
    let fixture = Fixture::new();
    let runtime = tempfile::tempdir().unwrap();
    let script = format!("{WRITE_FILES_DIR}; (while :; do echo tick; sleep .3; done) & echo $! > grandchild; exit 0");
    let args = ["secrets", "run", "--mask", "--files", "--", "sh", "-c", &script];
    let child = fixture
        .command(PROPAGATE, &args, &[("XDG_RUNTIME_DIR", path_str(runtime.path()))])
        .spawn()
        .expect("propagate starts");
    // Not `finish` at once: the grandchild is killed whatever happens.
    let ended = std::panic::catch_unwind(|| finish(child, &format!("propagate {args:?}")));
    let grandchild = fs::read_to_string(fixture.path().join("grandchild")).unwrap().trim().to_owned();
    kill_if_there("KILL", &grandchild);
    let pid: u32 = grandchild.parse().unwrap();
    assert!(eventually(|| !is_live(pid)), "the grandchild {pid} still runs after SIGKILL");
    let output = ended.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_no_canary("stderr of secrets run --mask --files", &stderr);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(stdout.lines().all(|line| line == "tick"), "{stdout}");
    let dir = files_dir(&fixture, runtime.path());
    assert!(!dir.exists(), "{} is left after the run", dir.display());
}

#[test]
fn a_stalled_reader_of_the_masked_output_does_not_hang_the_run_and_fails_it() {
    let deadline = Duration::from_secs(30);
    let fixture = Fixture::new();
    let runtime = tempfile::tempdir().unwrap();
    let script = format!("{WRITE_FILES_DIR}; head -c 2000000 /dev/zero");
    let args = ["secrets", "run", "--mask", "--files", "--", "sh", "-c", &script];
    let what = format!("propagate {args:?} with a stdout nobody reads");
    let mut child = fixture
        .command(PROPAGATE, &args, &[("XDG_RUNTIME_DIR", path_str(runtime.path()))])
        .spawn()
        .expect("propagate starts");
    // Kept open, never read: the child blocks on its output, as it would without `secrets run`,
    // until it is stopped; then the output is given up on, and the run fails.
    let unread = child.stdout.take();
    let stderr = read_on_thread(child.stderr.take().unwrap());
    thread::sleep(Duration::from_millis(500));
    let killed = Command::new("/usr/bin/kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = wait_within(&mut child, &what, deadline);
    drop(unread);
    let stderr = text(&collected(Some(stderr), &what));
    assert_no_canary("stderr of secrets run --mask --files", &stderr);
    assert!(status.code().is_some_and(|code| code != 0), "{what}: {status}; stderr {stderr}");
    let dir = files_dir(&fixture, runtime.path());
    assert!(!dir.exists(), "{} is left after the run", dir.display());
}

#[test]
fn masked_output_that_cannot_be_written_fails_the_run() {
    let fixture = Fixture::new();
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let args = ["secrets", "run", "--mask", "--", "echo", "report"];
    let child = fixture.command(PROPAGATE, &args, &[]).stdout(full).spawn().expect("propagate starts");
    let output = finish(child, &format!("propagate {args:?} > /dev/full"));
    let stderr = text(&output.stderr);
    assert_no_canary("stderr of secrets run --mask > /dev/full", &stderr);
    assert_ne!(code(&output), 0, "{stderr}");
    assert!(stderr.contains("not all of its masked output could be written"), "{stderr}");
}

#[test]
fn sigalrm_and_sigusr1_are_forwarded_to_the_child() {
    for (signal, status) in [("ALRM", 11), ("USR1", 12)] {
        let fixture = Fixture::new();
        let said = format!("got-{}", signal.to_lowercase());
        let script = format!("trap \"echo {said}; exit {status}\" {signal}; echo ready; while :; do sleep 0.1; done");
        let mut running = fixture.start(&["secrets", "run", "--", "sh", "-c", &script], &[]);
        running.wait_for_line("ready");
        running.signal(signal);
        let (exit, stdout, stderr) = running.finish();
        assert_no_canary("stderr of secrets run", &stderr);
        assert_eq!(exit.code(), Some(status), "SIG{signal}: {exit}; stdout {stdout:?}; stderr {stderr}");
        assert!(stdout.contains(&said), "SIG{signal}: {stdout:?}");
    }
}

#[test]
fn a_signal_to_the_whole_process_group_reaches_the_child_once() {
    let fixture = Fixture::new();
    let script = r#"trap "echo t >> count" TERM; i=0; while [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done"#;
    // `timeout` sends SIGTERM to `propagate`, then to its own process group, `propagate` in it.
    let args = ["1", PROPAGATE, "secrets", "run", "--", "sh", "-c", script];
    let child = fixture.command("/usr/bin/timeout", &args, &[]).spawn().expect("timeout starts");
    let output = finish(child, &format!("timeout {args:?}"));
    let stderr = text(&output.stderr);
    assert_no_canary("stderr of secrets run under timeout", &stderr);
    let count = fs::read_to_string(fixture.path().join("count")).unwrap_or_default();
    assert_eq!(count.lines().collect::<Vec<_>>(), ["t"], "the child trapped SIGTERM: {count:?}; {output:?}");
}

#[test]
fn an_inherited_ignored_sigchld_does_not_break_a_run() {
    let fixture = Fixture::new();
    let line = format!(r#"trap "" CHLD; exec '{PROPAGATE}' secrets run -- sh -c "exit 3""#);
    let child = fixture.command("sh", &["-c", &line], &[]).spawn().expect("sh starts");
    let output = finish(child, &format!("sh -c {line:?}"));
    let stderr = text(&output.stderr);
    assert_no_canary("stderr of secrets run with SIGCHLD ignored", &stderr);
    assert_eq!(code(&output), 3, "{stderr}");
}

/// `APP_DATABASE_URL` in `prod.env`.
const PROD_DB_URL: &str = "Canary-prod-6Vb3Ny8Tw";
/// `APP_OPENAI_API_KEY` and `APP_WEBHOOK` in the development `.env` beside it.
const DEV_OPENAI_KEY: &str = "Canary-devoai-9Kp4Rm2Zq";
const DEV_WEBHOOK: &str = "Canary-devwh-1Xs7Gc5Hd";

#[test]
fn a_child_does_not_pick_up_a_value_the_parent_judged_missing() {
    for fixture in [Fixture::new(), Fixture::new().without("LEGACY_WEBHOOK")] {
        let has_webhook = fixture.env.contains_key("LEGACY_WEBHOOK");
        fs::write(fixture.path().join("prod.env"), format!("APP_DATABASE_URL={PROD_DB_URL}\n")).unwrap();
        let dev =
            format!("APP_DATABASE_URL={DB_URL}\nAPP_OPENAI_API_KEY={DEV_OPENAI_KEY}\nAPP_WEBHOOK={DEV_WEBHOOK}\n");
        fs::write(fixture.path().join(".env"), dev).unwrap();
        for options in [&[][..], &["--clean-env"]] {
            let args = [&["secrets", "run", "--env-file", "prod.env"][..], options, &["--", PROPAGATE, "pass", "env"]]
                .concat();
            let what = format!("propagate {args:?} (LEGACY_WEBHOOK set: {has_webhook})");
            let output = fixture.propagate(&args, &[]);
            let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
            assert_eq!(code(&output), 0, "{what}: {stderr}");
            for (name, stream) in [("stdout", &stdout), ("stderr", &stderr)] {
                // What sets them apart: every canary begins with `Canary-`.
                for dev_value in [DEV_OPENAI_KEY, DEV_WEBHOOK] {
                    let own = dev_value.strip_prefix("Canary-").unwrap();
                    secrets_core::testing::assert_clean(&format!("{name} of {what}"), stream, own);
                }
            }
            assert_no_canary(&format!("stderr of {what}"), &stderr);
            assert!(stdout.lines().any(|line| line == "APP_OPENAI_API_KEY="), "{what}:\n{stdout}");
            let env = env_of(&output.stdout);
            assert_eq!(env.get("APP_OPENAI_API_KEY").map(String::as_str), Some(""), "{what}");
            assert_eq!(env.get("APP_DATABASE_URL").map(String::as_str), Some(PROD_DB_URL), "{what}");
            let webhook = if has_webhook { WEBHOOK } else { "" };
            assert_eq!(env.get("APP_WEBHOOK").map(String::as_str), Some(webhook), "{what}");
        }
    }
    // `pass_to` directly: a declared variable loaded from nowhere is set empty.
    let fixture = Fixture::new();
    let output = fixture.propagate(&["pass", "env"], &[]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_no_canary("stderr of propagate pass env", &stderr);
    assert_eq!(code(&output), 0, "{stderr}");
    assert!(stdout.lines().any(|line| line == "APP_OPENAI_API_KEY="), "{stdout}");
}

#[test]
fn a_hangup_reaches_the_child_when_secrets_run_leads_the_session() {
    let fixture = Fixture::new();
    let script = r#"trap "echo hup >> hup; exit 12" HUP; echo $PPID > ppid; echo ready; while :; do sleep .1; done"#;
    let line = format!("exec '{PROPAGATE}' secrets run -- sh -c '{script}'");
    // Stdin from /dev/null, stdout piped.
    let command = fixture.command("script", &["-qec", &line, "/dev/null"], &[]);
    let mut running = Running::start(command, format!("script -qec {line:?}"));
    running.wait_for_line("ready");
    // `secrets run` is the session leader and its group's: the child shares that group.
    let leader = fs::read_to_string(fixture.path().join("ppid")).unwrap().trim().parse::<u32>().unwrap();
    // The pty's master closes with `script`: the kernel hangs up the session.
    running.signal("KILL");
    let hup = fixture.path().join("hup");
    let hung_up = eventually(|| hup.exists());
    // Nothing is left running, whatever happened.
    kill_if_there("KILL", &format!("-{leader}"));
    let left = eventually(|| live_in_group(leader).is_empty());
    let (exit, stdout, _) = running.finish();
    assert!(hung_up, "no SIGHUP reached the child within {DEADLINE:?}; script: {exit}, {stdout:?}");
    assert_eq!(fs::read_to_string(&hup).unwrap(), "hup\n");
    assert!(left, "processes of group {leader} still run: {:?}", live_in_group(leader));
}

#[test]
fn a_program_name_holding_a_piece_of_a_secret_is_masked_whole() {
    let fixture = Fixture::new();
    let middle = &API_TOKEN[(API_TOKEN.len() - 8) / 2..][..8];
    let program = format!("/nonexistent/x{middle}y");
    let output = fixture.propagate(&["secrets", "run", "--", &program], &[]);
    let stderr = text(&output.stderr);
    assert_eq!(code(&output), 127, "{stderr}");
    assert!(stderr.contains("cannot start [REDACTED]: "), "{stderr}");
    assert_no_canary("the cannot-start message", &stderr);
}

#[test]
fn load_warnings_go_to_stderr_when_no_tracing_subscriber_is_set() {
    // `propagate` sets up no logging; its contract's billing key is not set.
    let fixture = Fixture::new();
    let output = fixture.propagate(&["pass", "true"], &[]);
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: Propagated: APP_OPENAI_API_KEY (billing secret): missing"),
        "the warning is not on stderr: {stderr}"
    );
    for canary in [DB_URL, API_TOKEN, SIGNING_KEY, WEBHOOK, DB_PASSWORD] {
        assert!(!stderr.contains(canary), "a value on stderr: {stderr}");
    }
    // With the key set, nothing is said.
    let output = fixture.propagate(&["pass", "true"], &[("APP_OPENAI_API_KEY", OPENAI_KEY)]);
    assert!(output.status.success() && output.stderr.is_empty(), "{output:?}");
}

#[test]
fn help_names_the_program_and_its_command_word() {
    let fixture = Fixture::new();
    let output = fixture.propagate(&["secrets", "--help"], &[]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && help.contains("Usage: propagate secrets <COMMAND>"), "{output:?}");
    let output = fixture.propagate(&["secrets", "status", "--bogus"], &[]);
    let usage = String::from_utf8_lossy(&output.stderr);
    assert!(usage.contains("Usage: propagate secrets status"), "{usage}");
    // `check` says that it passed, and under which policy.
    let output = fixture.propagate(&["secrets", "check", "--include-billing"], &[("APP_OPENAI_API_KEY", OPENAI_KEY)]);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && said.ends_with("check passed: Propagated can start under --include-billing\n"),
        "{said}"
    );
    // A stale `.env.example` is answered with a command that runs as written.
    let example = fixture.path().join(".env.example");
    fs::write(&example, "APP_DATABASE_URL=\n").unwrap();
    let output = fixture.propagate(&["secrets", "env-example", "--check", path_str(&example)], &[]);
    let hint = String::from_utf8_lossy(&output.stderr);
    assert!(
        hint.contains(&format!("regenerate it with `propagate secrets env-example > {}`", example.display())),
        "{hint}"
    );
}

#[test]
fn a_credential_and_the_same_variable_in_the_environment_is_a_warning() {
    let fixture = Fixture::new();
    let output = fixture.propagate(&["secrets", "status"], &[("APP_SIGNING_KEY", OTHER_SECRET)]);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        report.contains("APP_SIGNING_KEY")
            && report.contains("also set in the environment, and ignored: the credential wins"),
        "{report}"
    );
    assert!(!report.contains(OTHER_SECRET) && !report.contains(SIGNING_KEY), "{report}");
    // The credential's value is the one loaded and passed on.
    let env = child_env(&fixture, &["pass", "env"], &[("APP_SIGNING_KEY", OTHER_SECRET)]);
    assert_eq!(env.get("APP_SIGNING_KEY").map(String::as_str), Some(SIGNING_KEY));
    // Alone, the credential is said nothing about.
    let output = fixture.propagate(&["secrets", "status"], &[]);
    assert!(!String::from_utf8_lossy(&output.stdout).contains("also set in the environment"));
}

#[test]
fn load_warnings_to_a_full_stderr_do_not_stop_the_program() {
    // No subscriber, a missing billing key, and stderr on /dev/full: the warning cannot be
    // written, and the program still runs its child and exits with its status.
    let fixture = Fixture::new();
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let args = ["pass", "true"];
    let child = fixture.command(PROPAGATE, &args, &[]).stderr(full).spawn().expect("propagate starts");
    let output = finish(child, &format!("propagate {args:?} 2> /dev/full"));
    assert_eq!(code(&output), 0);
}
