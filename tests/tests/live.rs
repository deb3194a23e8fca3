//! Live secrets (DESIGN.md §10): rotation without restarts, validated before it is served.
//!
//! Files are real files in temporary directories (a Kubernetes-style mount with its `..data`
//! swap, `NAME_FILE` targets, a `.env`); environments a test needs are given to a child process
//! of the test binary. Waits poll with a deadline and fail instead of hanging; no test asserts
//! a timing.

mod child;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use secrets_core::testing::{assert_clean, canary};
use secrets_core::{ExposeSecret, Live, MapSource, Problems, SecretContract, SecretString, Sources};

/// How long a change may take to be served before a test fails (changes come within a second;
/// the margin is for a loaded machine).
const DEADLINE: Duration = Duration::from_secs(10);

#[derive(SecretContract)]
#[contract(prefix = "APP_")]
struct AppSecrets {
    #[secret(required)]
    database_url: SecretString,
    #[secret(optional)]
    api_token: Option<SecretString>,
    #[config(default = 10)]
    pool_size: u32,
}

/// Polls `what` until it holds, or fails after [`DEADLINE`].
fn eventually(what: &str, mut holds: impl FnMut() -> bool) {
    let start = Instant::now();
    while !holds() {
        assert!(start.elapsed() < DEADLINE, "{what}: not within {DEADLINE:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Keeps `what` from happening for a while: it must still not hold afterwards.
fn never_within(what: &str, wait: Duration, mut holds: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < wait {
        assert!(!holds(), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn database_url(live: &Live<AppSecrets>) -> String {
    live.get().database_url().expose_secret().to_owned()
}

/// A Kubernetes secret volume: `NAME -> ..data/NAME`, `..data -> ..<timestamp>`; a new version
/// is written to a new timestamped directory and `..data` swapped to it by one rename.
struct Mount {
    dir: tempfile::TempDir,
    version: usize,
}

impl Mount {
    fn new(files: &[(&str, &str)]) -> Self {
        let mut mount = Self { dir: tempfile::tempdir().unwrap(), version: 0 };
        mount.publish(files);
        for (name, _) in files {
            symlink(format!("..data/{name}"), mount.path().join(name)).unwrap();
        }
        // A secrets directory names its files by the variable in lower case.
        mount
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a new version and swaps `..data` to it atomically, as the kubelet does.
    fn publish(&mut self, files: &[(&str, &str)]) {
        self.version += 1;
        let version = format!("..2026_12_01_00_00_{:02}.{}", self.version, 1000 + self.version);
        let dir = self.path().join(&version);
        fs::create_dir(&dir).unwrap();
        for (name, value) in files {
            let file = dir.join(name);
            fs::write(&file, value).unwrap();
            fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let tmp = self.path().join("..data_tmp");
        symlink(&version, &tmp).unwrap();
        fs::rename(&tmp, self.path().join("..data")).unwrap();
    }
}

fn live_from_mount(mount: &Mount) -> Live<AppSecrets> {
    let dir = mount.path().to_owned();
    Live::<AppSecrets>::builder().sources(move || Sources::new().secrets_dir(&dir)).build().unwrap()
}

#[test]
fn a_kubernetes_mount_swap_is_served_and_an_invalid_one_is_not() {
    let mut mount = Mount::new(&[("app_database_url", "postgres://v1@db/app")]);
    let live = live_from_mount(&mount);
    let changes = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&changes);
    live.on_change(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(database_url(&live), "postgres://v1@db/app");

    mount.publish(&[("app_database_url", "postgres://v2@db/app")]);
    eventually("the swapped value is served", || database_url(&live) == "postgres://v2@db/app");
    assert_eq!(changes.load(Ordering::SeqCst), 1);
    let status = live.status();
    assert_eq!(status.swaps(), 1);
    let var = status.variables().iter().find(|var| var.name() == "APP_DATABASE_URL").unwrap();
    assert!(var.last_change().is_some(), "{status}");
    assert!(!status.is_stale());

    // An empty required value fails the policy: the last good values stay, and it is said.
    mount.publish(&[("app_database_url", "")]);
    eventually("the failed reload shows", || live.status().last_failure().is_some());
    assert_eq!(database_url(&live), "postgres://v2@db/app");
    let status = live.status();
    assert!(status.is_stale(), "{status}");
    let failure = status.last_failure().unwrap().error().to_string();
    assert!(failure.contains("APP_DATABASE_URL (required secret): set but empty"), "{failure}");
    assert!(status.to_string().contains("the last good values are served"), "{status}");
    assert_eq!(changes.load(Ordering::SeqCst), 1);

    mount.publish(&[("app_database_url", "postgres://v3@db/app")]);
    eventually("the next valid swap is served", || database_url(&live) == "postgres://v3@db/app");
    assert!(!live.status().is_stale());
    assert_eq!(changes.load(Ordering::SeqCst), 2);
}

#[test]
fn a_secret_that_appears_in_the_mount_is_served() {
    let mount = Mount::new(&[("app_database_url", "postgres://db/app")]);
    let live = live_from_mount(&mount);
    assert!(!live.get().has_api_token());
    let file = mount.path().join("app_api_token");
    fs::write(&file, "tok-new-4Hq8").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    eventually("the new secret is served", || live.get().has_api_token());
}

#[test]
fn a_reload_with_no_change_swaps_nothing_and_calls_no_callback() {
    let mount = Mount::new(&[("app_database_url", "postgres://db/app")]);
    let live = live_from_mount(&mount);
    let called = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&called);
    live.on_change(move |_| flag.store(true, Ordering::SeqCst));
    let before = live.get();
    assert!(!live.reload().unwrap());
    // Touching a file without changing it is no change either.
    fs::write(mount.path().join("..data/app_database_url"), "postgres://db/app").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(Arc::ptr_eq(&before, &live.get()));
    assert!(!called.load(Ordering::SeqCst));
    assert_eq!(live.status().swaps(), 0);
}

#[test]
fn a_rewritten_dotenv_is_served_and_one_that_appears_nearer_too() {
    let root = tempfile::tempdir().unwrap();
    let app = root.path().join("app");
    fs::create_dir(&app).unwrap();
    fs::write(root.path().join(".env"), "APP_DATABASE_URL=postgres://root@db/app\n").unwrap();
    let start = app.clone();
    let live =
        Live::<AppSecrets>::builder().sources(move || Sources::new().dotenv_upward_from(&start)).build().unwrap();
    assert_eq!(database_url(&live), "postgres://root@db/app");

    // Rewritten in place.
    fs::write(root.path().join(".env"), "APP_DATABASE_URL=postgres://rewritten@db/app\nAPP_POOL_SIZE=20\n").unwrap();
    eventually("the rewritten .env is served", || database_url(&live) == "postgres://rewritten@db/app");
    assert_eq!(*live.get().pool_size(), 20);

    // Replaced by a rename, as editors and config managers write.
    let tmp = root.path().join(".env.tmp");
    fs::write(&tmp, "APP_DATABASE_URL=postgres://renamed@db/app\n").unwrap();
    fs::rename(&tmp, root.path().join(".env")).unwrap();
    eventually("the renamed .env is served", || database_url(&live) == "postgres://renamed@db/app");

    // A nearer `.env` appears: it is the one the walk finds now.
    fs::write(app.join(".env"), "APP_DATABASE_URL=postgres://nearer@db/app\n").unwrap();
    eventually("the nearer .env is served", || database_url(&live) == "postgres://nearer@db/app");
}

/// `APP_DATABASE_URL_FILE` names a file (in the child's environment): rewritten in place, then
/// replaced by a rename.
#[test]
fn a_name_file_target_rewritten_in_place_or_by_rename_is_served() {
    if let Some(path) = std::env::var_os("LIVE_TEST_FILE") {
        let path = PathBuf::from(path);
        let live = Live::<AppSecrets>::builder().sources(|| Sources::new().file_indirection()).build().unwrap();
        assert_eq!(database_url(&live), "postgres://v1@db/app");
        fs::write(&path, "postgres://in-place@db/app\n").unwrap();
        eventually("the file rewritten in place is served", || database_url(&live) == "postgres://in-place@db/app");
        let tmp = path.with_extension("tmp");
        fs::write(&tmp, "postgres://renamed@db/app\n").unwrap();
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o600)).unwrap();
        fs::rename(&tmp, &path).unwrap();
        eventually("the renamed file is served", || database_url(&live) == "postgres://renamed@db/app");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("database-url");
    fs::write(&file, "postgres://v1@db/app\n").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    let env =
        vec![("APP_DATABASE_URL_FILE".to_owned(), file.clone().into()), ("LIVE_TEST_FILE".to_owned(), file.into())];
    assert!(!child::in_child("a_name_file_target_rewritten_in_place_or_by_rename_is_served", env));
}

/// In a child process of its own: SIGHUP goes to the whole process.
#[test]
fn sighup_reloads() {
    if !child::in_child("sighup_reloads", Vec::new()) {
        return;
    }
    // A source with no file to watch: only SIGHUP (or `reload`) can tell it changed.
    let current = Arc::new(Mutex::new("postgres://before@db/app"));
    let read = Arc::clone(&current);
    let live = Live::<AppSecrets>::builder()
        .sources(move || {
            MapSource::new().with("APP_DATABASE_URL", *read.lock().unwrap_or_else(PoisonError::into_inner))
        })
        .build()
        .unwrap();
    *current.lock().unwrap() = "postgres://after@db/app";
    never_within("no reload without a reason", Duration::from_millis(300), || {
        database_url(&live) != "postgres://before@db/app"
    });
    signal_hook::low_level::raise(signal_hook::consts::SIGHUP).unwrap();
    eventually("SIGHUP reloaded", || database_url(&live) == "postgres://after@db/app");
}

/// Readers on several threads never see a torn contract, nor one that fails its rule, while
/// 1,000 reloads alternate valid and invalid values.
#[test]
fn readers_never_see_a_torn_or_invalid_contract() {
    #[derive(SecretContract)]
    #[contract(validate = same_generation)]
    struct Pair {
        #[secret(required)]
        left: SecretString,
        #[secret(required)]
        right: SecretString,
    }
    fn same_generation(pair: &Pair, problems: &mut Problems) {
        let generation = |text: &SecretString| text.expose_secret().split('-').next().unwrap_or_default().to_owned();
        if generation(pair.left()) != generation(pair.right()) {
            problems.add("RIGHT", "is of another generation than LEFT");
        }
    }
    let generation = Arc::new(AtomicUsize::new(0));
    let source_generation = Arc::clone(&generation);
    let live = Arc::new(
        Live::<Pair>::builder()
            .sources(move || {
                let n = source_generation.load(Ordering::SeqCst);
                // Every third load is torn at the source: its rule fails, it is never served.
                let right = if n % 3 == 2 { format!("{}-right", n + 1) } else { format!("{n}-right") };
                MapSource::new().with("LEFT", format!("{n}-left")).with("RIGHT", &right)
            })
            .build()
            .unwrap(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (live, stop) = (Arc::clone(&live), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut reads = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let pair = live.get();
                    let left = pair.left().expose_secret();
                    let right = pair.right().expose_secret();
                    assert_eq!(left.split('-').next(), right.split('-').next(), "torn: {left} / {right}");
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    let (mut served, mut refused) = (0, 0);
    for n in 1..=1000 {
        generation.store(n, Ordering::SeqCst);
        match live.reload() {
            Ok(true) => served += 1,
            Ok(false) => panic!("generation {n} changed nothing"),
            Err(_) => refused += 1,
        }
    }
    stop.store(true, Ordering::Relaxed);
    let reads: u64 = readers.into_iter().map(|reader| reader.join().unwrap()).sum();
    assert_eq!((served, refused), (667, 333));
    assert!(reads > 0);
    assert_eq!(live.status().swaps(), 667);
}

/// Nothing a reload logs or reports holds a value, whether it succeeds or fails.
#[test]
fn no_event_or_report_of_a_reload_holds_a_value() {
    let (first, second, token) = (canary(1), canary(2), canary(3));
    let current = Arc::new(Mutex::new((first.clone(), Some(token.clone()))));
    let read = Arc::clone(&current);
    let mut built = None;
    let events = secrets_core::testing::capture_tracing(|| {
        let live = Live::<AppSecrets>::builder()
            .sources(move || {
                let (url, token) = read.lock().unwrap_or_else(PoisonError::into_inner).clone();
                let source = MapSource::new().with("APP_DATABASE_URL", &url).with("APP_POOL_SIZE", "12");
                match token {
                    Some(token) => source.with("APP_API_TOKEN", &token),
                    None => source,
                }
            })
            .build()
            .unwrap();
        *current.lock().unwrap() = (second.clone(), None);
        assert!(live.reload().unwrap());
        // An empty required secret: the reload fails, naming it.
        *current.lock().unwrap() = (String::new(), Some(token.clone()));
        assert!(live.reload().is_err());
        built = Some(live);
    });
    let live = built.unwrap();
    let status = live.status();
    for (surface, text) in [
        ("tracing events of reloads", events.clone()),
        ("the live status", status.to_string()),
        ("the live status JSON", status.to_json()),
        ("the failed reload's error", format!("{:?}", status.last_failure().unwrap().error())),
        ("the live contract's Debug", format!("{live:?} {:?}", live.get())),
    ] {
        for value in [&first, &second, &token] {
            assert_clean(surface, &text, value);
        }
    }
    assert!(events.contains("reload failed, the last good values are still served"), "{events}");
    let json: serde_json::Value = serde_json::from_str(&status.to_json()).unwrap();
    assert_eq!(json["live"]["swaps"], 1);
    assert_eq!(json["live"]["stale"], true);
    assert!(json["live"]["last_failure"]["problems"][1].as_str().unwrap().contains("APP_DATABASE_URL"));
}

/// Dropping the live contract stops its threads and closes its file descriptors.
#[test]
fn dropping_it_leaves_no_thread_nor_file_descriptor() {
    if !child::in_child("dropping_it_leaves_no_thread_nor_file_descriptor", Vec::new()) {
        return;
    }
    let count = |dir: &str| fs::read_dir(dir).unwrap().count();
    let mount = Mount::new(&[("app_database_url", "postgres://db/app")]);
    let (threads, fds) = (count("/proc/self/task"), count("/proc/self/fd"));
    for _ in 0..3 {
        let live = live_from_mount(&mount);
        assert!(count("/proc/self/task") > threads);
        drop(live);
        eventually("every thread of the live contract ended", || count("/proc/self/task") == threads);
        eventually("every file descriptor of the live contract is closed", || count("/proc/self/fd") <= fds);
    }
}

/// A log writer that follows the live contract masks the values a rotation brings, and keeps
/// masking the ones it rotated out; one taken at startup knows only the first.
#[test]
fn a_following_log_writer_masks_rotated_values() {
    let (first, second) = (canary(11), canary(12));
    let current = Arc::new(Mutex::new(first.clone()));
    let read = Arc::clone(&current);
    let live = Live::<AppSecrets>::builder()
        .sources(move || {
            MapSource::new().with("APP_DATABASE_URL", &*read.lock().unwrap_or_else(PoisonError::into_inner))
        })
        .build()
        .unwrap();
    let at_startup = live.get().redactor();
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    let make_writer = secrets_core::RedactingMakeWriter::following(&live, move || SharedBuffer(Arc::clone(&sink)));
    let subscriber = tracing_subscriber::fmt().with_writer(make_writer).with_ansi(false).finish();
    *current.lock().unwrap() = second.clone();
    assert!(live.reload().unwrap());
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!("connecting with {} after {}", second, first);
    });
    let logged = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("connecting with [REDACTED] after [REDACTED]"), "{logged}");
    assert_clean("a log line after a rotation", &logged, &second);
    assert_clean("a log line after a rotation", &logged, &first);
    assert!(at_startup.redact(&second).contains(&second), "a startup redactor cannot know a rotated value");
    assert_eq!(live.redactor().redact(&format!("{first} {second}")), "[REDACTED] [REDACTED]");
}

/// A writer into a shared buffer, for a subscriber.
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
