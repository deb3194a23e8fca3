//! Live secrets (feature `live`): a contract that takes rotated values without a restart.
//!
//! [`Live`] loads once like [`SecretContract::load`], then watches what the load read and
//! reloads on a change: validate, then swap. A reload that fails the policy keeps serving the
//! last good contract, says so in one value-free `tracing` error, and shows in
//! [`Live::status`].

use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use secrecy::ExposeSecret;

use crate::error::ContractError;
use crate::policy::Policy;
use crate::process::text::Text;
use crate::sources::Source;
use crate::sources::chain::Sources;
use crate::{SecretContract, StatusReport};

mod status;
mod watch;

pub use status::{FailedReload, LiveStatus, LiveVar};
#[cfg(feature = "vault")]
pub(crate) use watch::VaultPath;
pub(crate) use watch::Watched;

/// How often each Vault path is asked for its version, by default.
const DEFAULT_POLL: Duration = Duration::from_secs(60);

/// The shortest interval: each poll is a request per path (and a reload when one failed).
const MIN_POLL: Duration = Duration::from_secs(1);

/// What builds the sources of each reload: a `.env` and Vault are read anew each time.
type SourcesFn = Box<dyn Fn() -> Box<dyn Source + Send> + Send + Sync>;

/// What runs after each swap, with the new contract.
type Callback<C> = Box<dyn Fn(&C) + Send + Sync>;

/// A contract that follows its sources: rotated files, a rewritten `.env`, new Vault versions
/// and SIGHUP reload it, and a reload is served only once it passes the policy.
///
/// ```no_run
/// use secrets_core::{Live, SecretContract, SecretString};
///
/// #[derive(SecretContract)]
/// struct AppSecrets {
///     #[secret(required)]
///     database_url: SecretString,
/// }
///
/// let live = AppSecrets::live().unwrap_or_else(|error| secrets_core::config_error(&error));
/// live.on_change(|secrets| { /* rebuild the pool from secrets.database_url() */ });
/// let secrets = live.get(); // the current values: an Arc, no lock
/// # let _ = secrets;
/// ```
pub struct Live<C: SecretContract> {
    shared: Arc<Shared<C>>,
    /// Dropped first: stops the watcher thread before the rest goes.
    worker: Option<watch::Worker>,
}

/// The builder of a [`Live`] contract: [`Live::builder`].
pub struct LiveBuilder<C> {
    sources: SourcesFn,
    policy: Policy,
    poll: Duration,
    callbacks: Vec<Callback<C>>,
    contract: PhantomData<fn() -> C>,
}

impl<C: SecretContract + Send + Sync + 'static> LiveBuilder<C> {
    /// The sources each load reads, built anew for each (default: [`Sources::standard`]).
    #[must_use]
    pub fn sources<S: Source + Send + 'static>(mut self, sources: impl Fn() -> S + Send + Sync + 'static) -> Self {
        self.sources = Box::new(move || Box::new(sources()));
        self
    }

    /// The policy every load must pass (default: [`Policy::startup`]).
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// How often each Vault path is asked for its version (default: 60 s, at least 1 s).
    /// Files are not polled: their changes come as events.
    #[must_use]
    pub fn poll(mut self, interval: Duration) -> Self {
        self.poll = interval.max(MIN_POLL);
        self
    }

    /// Runs `f` after each swap, like [`Live::on_change`], registered before watching starts:
    /// no swap can come before it.
    #[must_use]
    pub fn on_change(mut self, f: impl Fn(&C) + Send + Sync + 'static) -> Self {
        self.callbacks.push(Box::new(f));
        self
    }

    /// Loads the contract, failing like [`SecretContract::load_with`], then starts watching.
    pub fn build(self) -> Result<Live<C>, ContractError> {
        let sources = (self.sources)();
        let (contract, report) = crate::load::load_full::<C>(&*sources, self.policy)?;
        crate::load::emit_events(&report);
        let watched = Watched::of(C::spec(), &*sources, &report);
        let texts = contract.__env_texts();
        let now = SystemTime::now();
        let state = State {
            serving: Serving { report, texts, watched: watched.clone() },
            changed: vec![None; C::spec().vars().len()],
            started: now,
            last_reload: now,
            swaps: 0,
            last_failure: None,
        };
        let mut served = Vec::new();
        let redactor = Arc::new(ArcSwap::from_pointee(served_redactor(&contract, &mut served)));
        let shared = Arc::new(Shared {
            redactor,
            served: Mutex::new(served),
            current: ArcSwap::from_pointee(contract),
            sources: self.sources,
            policy: self.policy,
            reloading: Mutex::new(()),
            state: Mutex::new(state),
            callbacks: Mutex::new(self.callbacks),
        });
        let worker = watch::Worker::start(Arc::clone(&shared), watched, self.poll);
        Ok(Live { shared, worker: Some(worker) })
    }
}

impl<C: SecretContract + Send + Sync + 'static> Live<C> {
    /// A builder: [`sources`](LiveBuilder::sources), [`policy`](LiveBuilder::policy),
    /// [`poll`](LiveBuilder::poll), then [`build`](LiveBuilder::build).
    pub fn builder() -> LiveBuilder<C> {
        LiveBuilder {
            sources: Box::new(|| Box::new(Sources::standard())),
            policy: Policy::startup(),
            poll: DEFAULT_POLL,
            callbacks: Vec::new(),
            contract: PhantomData,
        }
    }

    /// The contract being served: an `Arc` to it, taken without a lock. A caller that holds it
    /// keeps those values, consistent with each other, while later reloads swap in new ones.
    pub fn get(&self) -> Arc<C> {
        self.shared.current.load_full()
    }

    /// Runs `f` with the new contract after each swap (to rebuild a connection pool), on the
    /// thread that reloaded; never for a reload that changed nothing or failed. `f` must not
    /// reload nor add a callback itself (it runs while reloads wait for it).
    pub fn on_change(&self, f: impl Fn(&C) + Send + Sync + 'static) {
        lock(&self.shared.callbacks).push(Box::new(f));
    }

    /// Reloads now: `Ok(true)` when new values are served, `Ok(false)` when nothing changed,
    /// or the error that kept the last good values.
    pub fn reload(&self) -> Result<bool, ContractError> {
        self.shared.reload()
    }

    /// A redactor of every secret value this contract has served, the current ones and those
    /// rotated out (an old value in a log is still a leak; the newest 64 are kept). For logs
    /// that follow rotations, `RedactingMakeWriter::following`
    /// (feature `tracing`) asks for it at each event.
    pub fn redactor(&self) -> crate::Redactor {
        crate::Redactor::clone(&self.shared.redactor.load())
    }

    /// The redactor this contract keeps up to date, for a writer that follows it.
    #[cfg(feature = "tracing")]
    pub(crate) fn shared_redactor(&self) -> Arc<ArcSwap<crate::Redactor>> {
        Arc::clone(&self.shared.redactor)
    }

    /// The report of the values being served, each variable's last change and Vault version,
    /// and the last failed reload; never a value.
    pub fn status(&self) -> LiveStatus {
        let state = lock(&self.shared.state);
        LiveStatus::new(C::spec(), &state)
    }
}

impl<C: SecretContract> Drop for Live<C> {
    fn drop(&mut self) {
        // Stops and joins the watcher thread (and the SIGHUP thread) before anything else goes.
        drop(self.worker.take());
    }
}

impl<C: SecretContract> std::fmt::Debug for Live<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").field("contract", &C::spec().name()).finish_non_exhaustive()
    }
}

/// What the [`Live`] handle and its watcher share.
pub(crate) struct Shared<C> {
    current: ArcSwap<C>,
    /// Masks every secret value served so far; replaced at each swap.
    redactor: Arc<ArcSwap<crate::Redactor>>,
    /// The secret texts served so far, newest last, for the redactor.
    served: Mutex<Vec<secrecy::SecretString>>,
    sources: SourcesFn,
    policy: Policy,
    /// Held for a whole reload: reloads run one at a time, in order.
    reloading: Mutex<()>,
    state: Mutex<State>,
    callbacks: Mutex<Vec<Callback<C>>>,
}

/// What is known of the values being served, and of the reloads.
pub(crate) struct State {
    pub(crate) serving: Serving,
    /// When each variable last changed value, by index; `None` since the first load.
    pub(crate) changed: Vec<Option<SystemTime>>,
    pub(crate) started: SystemTime,
    pub(crate) last_reload: SystemTime,
    /// How many reloads swapped in new values.
    pub(crate) swaps: u64,
    pub(crate) last_failure: Option<FailedReload>,
}

/// The values being served, as their report, their texts and what was read for them.
pub(crate) struct Serving {
    pub(crate) report: StatusReport,
    /// Each loaded variable's text, to tell a reload that changed something (zeroized on drop).
    texts: Vec<(usize, Text)>,
    pub(crate) watched: Watched,
}

impl<C: SecretContract> Shared<C> {
    /// Loads from fresh sources; swaps only when the policy holds and something changed.
    pub(crate) fn reload(&self) -> Result<bool, ContractError> {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(PoisonError::into_inner);
        let sources = (self.sources)();
        let loaded = crate::load::load_full::<C>(&*sources, self.policy);
        let now = SystemTime::now();
        let (contract, report) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::error!(
                    contract = C::spec().name(),
                    "reload failed, the last good values are still served: {error}"
                );
                let mut state = lock(&self.state);
                state.last_reload = now;
                // What the failed load looked at is watched too (a `.env` that appeared).
                state.serving.watched.merge(Watched::of(C::spec(), &*sources, error.report()));
                state.last_failure = Some(FailedReload { at: now, error: error.clone() });
                return Err(error);
            }
        };
        let texts = contract.__env_texts();
        let watched = Watched::of(C::spec(), &*sources, &report);
        let new_report = {
            let mut state = lock(&self.state);
            state.last_reload = now;
            let changed = changed_indices(&state.serving.texts, &texts, C::spec().vars().len());
            for &index in &changed {
                state.changed[index] = Some(now);
            }
            let new_report = (!changed.is_empty()).then(|| report.clone());
            if new_report.is_some() {
                state.swaps += 1;
            }
            state.serving = Serving { report, texts, watched };
            new_report
        };
        let changed = new_report.is_some();
        if let Some(report) = new_report {
            // The redactor learns the new values before any reader can get them.
            let redactor = served_redactor(&contract, &mut lock(&self.served));
            self.redactor.store(Arc::new(redactor));
            let contract = Arc::new(contract);
            self.current.store(Arc::clone(&contract));
            // The warnings of the new values, as a load logs them, once they are served and the
            // state is unlocked: a stderr nobody reads holds up neither. A reload that changed
            // nothing says nothing new.
            crate::load::emit_events(&report);
            tracing::info!(contract = C::spec().name(), "reloaded: new values are served");
            for callback in lock(&self.callbacks).iter() {
                // A callback that panics does not take the watcher down with it.
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| callback(&contract)));
                if ran.is_err() {
                    tracing::error!(contract = C::spec().name(), "an on_change callback panicked");
                }
            }
        }
        Ok(changed)
    }

    /// Records a failure found without a reload (a Vault version request that failed): the
    /// values being served are kept, and said to be stale.
    pub(crate) fn fail(&self, problem: crate::SourceError) {
        let mut state = lock(&self.state);
        let error = ContractError::new(state.serving.report.clone().with_problem(problem));
        tracing::error!(contract = C::spec().name(), "reload failed, the last good values are still served: {error}");
        let now = SystemTime::now();
        state.last_reload = now;
        state.last_failure = Some(FailedReload { at: now, error });
    }

    /// Whether the last reload (or check) failed.
    pub(crate) fn is_stale(&self) -> bool {
        let state = lock(&self.state);
        state.last_failure.as_ref().is_some_and(|failure| failure.at >= state.last_reload)
    }

    /// What the values being served were read from.
    pub(crate) fn watched(&self) -> Watched {
        lock(&self.state).serving.watched.clone()
    }
}

/// The most secret texts a live contract's redactor keeps: the newest, as rotations add them.
const MAX_SERVED: usize = 64;

/// Adds the secret texts of `contract` to `served` and builds a redactor of them all, with the
/// texts kept for secrets whose type keeps none.
fn served_redactor<C: SecretContract>(contract: &C, served: &mut Vec<secrecy::SecretString>) -> crate::Redactor {
    for (_, text) in contract.__secret_texts() {
        if !served.iter().any(|known| known.expose_secret() == text) {
            served.push(text.into());
        }
    }
    let excess = served.len().saturating_sub(MAX_SERVED);
    served.drain(..excess);
    // `served` holds the contract's own texts already.
    crate::contract::redactor_of(C::spec(), served.iter().map(ExposeSecret::expose_secret))
}

/// The variables whose text differs between two loads (or that one of them has and not the
/// other), by index.
fn changed_indices(old: &[(usize, Text)], new: &[(usize, Text)], count: usize) -> Vec<usize> {
    fn by_index(texts: &[(usize, Text)], count: usize) -> Vec<Option<&Text>> {
        let mut all = vec![None; count];
        for (index, text) in texts {
            all[*index] = Some(text);
        }
        all
    }
    let (old, new) = (by_index(old, count), by_index(new, count));
    let same = |a: Option<&Text>, b: Option<&Text>| match (a, b) {
        (None, None) => true,
        (Some(Ok(a)), Some(Ok(b))) => a.expose_secret() == b.expose_secret(),
        // A value with no text form cannot be compared: taken as changed, so that its rotation
        // is never missed (such a contract is served anew at each reload); and a value that is
        // there in one load only has changed.
        _ => false,
    };
    (0..count).filter(|&index| !same(old[index], new[index])).collect()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
