//! What a load read, and the thread that watches it: file events (no polling), one version
//! request per Vault path and interval, and SIGHUP.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher as _};

use super::Shared;
use crate::SecretContract;
use crate::reports::StatusReport;
use crate::sources::{Origin, Source};
use crate::spec::ContractSpec;

/// Events closer together than this are one change: a swap of several files is one reload.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// The longest a stream of events delays its reload.
const MAX_DEBOUNCE: Duration = Duration::from_secs(1);

/// What a load read, and where a change could change what it reads; built by the sources
/// ([`Source::watched`]) and from the origins of the values.
#[derive(Clone, Debug, Default)]
pub struct Watched {
    /// Files values were read from (a `NAME_FILE` target, a `.env`): their directories are
    /// watched, so that a file replaced by a rename is seen too.
    files: BTreeSet<PathBuf>,
    /// Directories any entry of which may hold a value: a secrets mount (with Kubernetes'
    /// `..data` swap), systemd credentials.
    dirs: BTreeSet<PathBuf>,
    /// Directories where a `.env` would be found, walking up from the current directory.
    dotenv_dirs: BTreeSet<PathBuf>,
    /// The entry names a secrets directory may hold a value under (each variable's credential
    /// id and lower-case name, its aliases'): other files there change nothing.
    entries: BTreeSet<std::ffi::OsString>,
    /// Vault paths, with how to ask for their version and the version read.
    #[cfg(feature = "vault")]
    vault: Vec<VaultPath>,
}

/// A Vault path as read by a load.
#[cfg(feature = "vault")]
#[derive(Clone, Debug)]
pub(crate) struct VaultPath {
    pub(crate) config: crate::VaultConfig,
    pub(crate) path: String,
    pub(crate) version: Option<u64>,
}

impl Watched {
    /// What `source` says it reads for `spec`, and the files `report`'s values came from.
    pub(crate) fn of(spec: &'static ContractSpec, source: &dyn Source, report: &StatusReport) -> Self {
        let mut watched = Self::default();
        source.watched(&mut watched);
        for var in spec.vars() {
            let names = std::iter::once(var.name())
                .chain(var.aliases().iter().copied())
                .chain(var.deprecated_names().iter().copied());
            watched.entries.extend(names.map(|name| name.to_ascii_lowercase().into()));
            watched.entries.insert(var.credential_id().into_owned().into());
        }
        for entry in report.entries() {
            if let Some(Origin::File { path } | Origin::Credential { path, .. } | Origin::Dotenv { path, .. }) =
                entry.origin()
            {
                watched.file(path);
            }
        }
        watched
    }

    /// A file values are read from.
    pub(crate) fn file(&mut self, path: &Path) {
        self.files.insert(absolute(path));
    }

    /// A directory any entry of which may hold a value.
    pub(crate) fn dir(&mut self, path: &Path) {
        self.dirs.insert(absolute(path));
    }

    /// A directory where a `.env` would be found.
    pub(crate) fn dotenv_dir(&mut self, path: &Path) {
        self.dotenv_dirs.insert(absolute(path));
    }

    /// A Vault path, as read.
    #[cfg(feature = "vault")]
    pub(crate) fn vault(&mut self, path: VaultPath) {
        self.vault.push(path);
    }

    /// Adds what `other` watches.
    pub(crate) fn merge(&mut self, other: Self) {
        self.files.extend(other.files);
        self.dirs.extend(other.dirs);
        self.dotenv_dirs.extend(other.dotenv_dirs);
        self.entries.extend(other.entries);
        #[cfg(feature = "vault")]
        for path in other.vault {
            if !self.vault.iter().any(|known| known.path == path.path && known.config.addr() == path.config.addr()) {
                self.vault.push(path);
            }
        }
    }

    /// The directories to watch, each once.
    fn watch_dirs(&self) -> BTreeSet<PathBuf> {
        let parents = self.files.iter().filter_map(|file| file.parent().map(Path::to_owned));
        parents.chain(self.dirs.iter().cloned()).chain(self.dotenv_dirs.iter().cloned()).collect()
    }

    /// Whether an event on `path` may change a value.
    fn concerns(&self, path: &Path) -> bool {
        // A watched directory itself deleted, moved or replaced: what it held is gone.
        if self.watch_dirs().contains(path) {
            return true;
        }
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return false };
        (self.dirs.contains(dir) && (self.entries.contains(name) || name.as_encoded_bytes().starts_with(b"..")))
            || (self.dotenv_dirs.contains(dir) && name == ".env")
            || self.files.iter().any(|file| {
                // A file, or the `..data` link of the Kubernetes mount it is in.
                file.parent() == Some(dir)
                    && (file.file_name() == Some(name) || name.as_encoded_bytes().starts_with(b".."))
            })
    }

    #[cfg_attr(not(feature = "vault"), allow(clippy::unused_self))] // without `vault`, no paths
    fn has_vault(&self) -> bool {
        #[cfg(feature = "vault")]
        return !self.vault.is_empty();
        #[cfg(not(feature = "vault"))]
        false
    }

    /// Asks each Vault path for its version, one request per path: changed when one has
    /// another version than the one read, else failed when one could not be asked.
    #[cfg_attr(not(feature = "vault"), allow(clippy::unused_self))]
    fn vault_check(&self) -> VaultCheck {
        #[cfg(feature = "vault")]
        {
            let mut failed = None;
            for path in &self.vault {
                match path.config.current_version(&path.path) {
                    Ok(now) if Some(now) != path.version => return VaultCheck::Changed,
                    Ok(_) => {}
                    Err(error) => failed = failed.or(Some(error)),
                }
            }
            failed.map_or(VaultCheck::Unchanged, VaultCheck::Failed)
        }
        #[cfg(not(feature = "vault"))]
        VaultCheck::Unchanged
    }
}

/// `path` made absolute (file events name absolute paths), as it is written otherwise.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// What the Vault version requests of one poll found.
#[cfg_attr(not(feature = "vault"), allow(dead_code))] // without `vault`, nothing changes
enum VaultCheck {
    Changed,
    Unchanged,
    Failed(crate::SourceError),
}

/// What wakes the watcher thread.
enum Wake {
    /// A file event on these paths.
    Changed(Vec<PathBuf>),
    /// SIGHUP.
    Hangup,
    /// The [`Live`](super::Live) is dropped.
    Stop,
}

/// The watcher thread, and the thread that turns SIGHUP into a reload.
pub(crate) struct Worker {
    wake: Sender<Wake>,
    thread: Option<JoinHandle<()>>,
    #[cfg(unix)]
    hangup: Option<(signal_hook::iterator::Handle, JoinHandle<()>)>,
}

impl Worker {
    pub(crate) fn start<C: SecretContract + Send + Sync + 'static>(
        shared: Arc<Shared<C>>,
        watched: Watched,
        poll: Duration,
    ) -> Self {
        let (wake, woken) = mpsc::channel();
        #[cfg(unix)]
        let hangup = hangup(wake.clone());
        // Watching starts before `build` returns; a change between the first load's reads and
        // this is seen with the next event, SIGHUP or poll.
        let mut files = Files::new(wake.clone());
        files.follow(&watched);
        let thread = thread::spawn(move || watch(&shared, watched, files, poll, &woken));
        Self {
            wake,
            thread: Some(thread),
            #[cfg(unix)]
            hangup,
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.wake.send(Wake::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        #[cfg(unix)]
        if let Some((handle, thread)) = self.hangup.take() {
            handle.close();
            let _ = thread.join();
        }
    }
}

/// A thread that sends [`Wake::Hangup`] for each SIGHUP; `None` when the handler cannot be set.
#[cfg(unix)]
fn hangup(wake: Sender<Wake>) -> Option<(signal_hook::iterator::Handle, JoinHandle<()>)> {
    let mut signals = match signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP]) {
        Ok(signals) => signals,
        Err(error) => {
            tracing::warn!("SIGHUP will not reload the secrets: its handler cannot be set: {error}");
            return None;
        }
    };
    let handle = signals.handle();
    let thread = thread::spawn(move || {
        for _ in signals.forever() {
            if wake.send(Wake::Hangup).is_err() {
                break;
            }
        }
    });
    Some((handle, thread))
}

/// The watcher thread: reloads on a relevant file event (debounced), on SIGHUP, and when a
/// Vault path has a new version; returns on [`Wake::Stop`].
fn watch<C: SecretContract + Send + Sync + 'static>(
    shared: &Shared<C>,
    mut watched: Watched,
    mut files: Files,
    poll: Duration,
    woken: &Receiver<Wake>,
) {
    let mut next_poll = Instant::now() + poll;
    loop {
        let wake = if watched.has_vault() {
            match woken.recv_timeout(next_poll.saturating_duration_since(Instant::now())) {
                Ok(wake) => Some(wake),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match woken.recv() {
                Ok(wake) => Some(wake),
                Err(_) => return,
            }
        };
        let reload = match wake {
            Some(Wake::Stop) => return,
            Some(Wake::Hangup) => true,
            Some(Wake::Changed(paths)) => {
                // No path: the watcher lost events (its queue overflowed), anything may have changed.
                if !paths.is_empty() && !paths.iter().any(|path| watched.concerns(path)) {
                    continue;
                }
                match settle(woken) {
                    Settled::Stop => return,
                    Settled::Quiet => true,
                }
            }
            None => {
                next_poll = Instant::now() + poll;
                match watched.vault_check() {
                    // Back after a failure: one reload, to serve (and report) what is there now.
                    VaultCheck::Unchanged => shared.is_stale(),
                    // While stale, a failure is recorded and nothing more read.
                    VaultCheck::Failed(problem) if shared.is_stale() => {
                        shared.fail(problem);
                        false
                    }
                    // A new version reloads; so does a first failure (an AppRole token may have
                    // expired: the reload logs in again).
                    VaultCheck::Changed | VaultCheck::Failed(_) => true,
                }
            }
        };
        if reload {
            // A failure is recorded and logged by the reload itself; a panic (in a rule, a
            // parser, the sources) must not end the watching.
            let reloaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| shared.reload()));
            if reloaded.is_err() {
                tracing::error!(
                    contract = C::spec().name(),
                    "a reload panicked; the last good values are still served"
                );
            }
            watched = shared.watched();
            files.follow(&watched);
        }
    }
}

enum Settled {
    Quiet,
    Stop,
}

/// Waits until events stop coming for [`DEBOUNCE`] (at most [`MAX_DEBOUNCE`]).
fn settle(woken: &Receiver<Wake>) -> Settled {
    let deadline = Instant::now() + MAX_DEBOUNCE;
    loop {
        let wait = DEBOUNCE.min(deadline.saturating_duration_since(Instant::now()));
        match woken.recv_timeout(wait) {
            Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return Settled::Stop,
            Ok(Wake::Changed(_) | Wake::Hangup) if Instant::now() < deadline => {}
            Ok(_) | Err(RecvTimeoutError::Timeout) => return Settled::Quiet,
        }
    }
}

/// The file watcher and the directories it watches.
struct Files {
    watcher: Option<notify::RecommendedWatcher>,
    dirs: BTreeSet<PathBuf>,
}

impl Files {
    fn new(events: Sender<Wake>) -> Self {
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Reads (our own reload opens the files) change nothing; a file closed after writing
            // is its last event, which settles a slow writer's change.
            let event = match event {
                Ok(event) => event,
                Err(_) => notify::Event::new(EventKind::Other),
            };
            let written = matches!(event.kind, EventKind::Access(AccessKind::Close(AccessMode::Write)));
            if written || !matches!(event.kind, EventKind::Access(_)) {
                let _ = events.send(Wake::Changed(event.paths));
            }
        });
        let watcher = watcher.map_err(|error| tracing::warn!("secret files will not be watched: {error}")).ok();
        Self { watcher, dirs: BTreeSet::new() }
    }

    /// Watches the directories `watched` needs, and no others.
    fn follow(&mut self, targets: &Watched) {
        let Some(watcher) = &mut self.watcher else { return };
        let wanted = targets.watch_dirs();
        for gone in self.dirs.difference(&wanted) {
            let _ = watcher.unwatch(gone);
        }
        // A directory that does not exist (yet) is not watched, and said so; its parent's events
        // are not followed: the next reload (SIGHUP, another change) looks again.
        self.dirs = wanted
            .into_iter()
            .filter(|dir| match watcher.watch(dir, RecursiveMode::NonRecursive) {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(directory = %dir.display(), "changes here will not be seen: {error}");
                    false
                }
            })
            .collect();
    }
}
