//! An ordered chain of sources: the first that has a variable wins.

use std::path::{Path, PathBuf};

use crate::sources::dotenv::DotenvSource;
use crate::sources::env::EnvSource;
use crate::sources::files::{DEFAULT_MAX_FILE_SIZE, FileIndirection, SecretDir};
use crate::sources::{Answer, Found, Source, SourceError};
use crate::spec::{ContractSpec, VarSpec};

/// Sources asked in order; the first that has a variable answers for it.
///
/// [`Sources::standard`] is what [`SecretContract::load`](crate::SecretContract::load) uses:
/// systemd credentials, `NAME_FILE`, the process environment, then the nearest `.env` walking
/// up from the current directory.
///
/// ```
/// use secrets_core::{MapSource, Source, Sources};
///
/// let sources = Sources::new()
///     .with(MapSource::new().with("A", "from the first"))
///     .with(MapSource::new().with("A", "from the second").with("B", "only here"));
/// assert!(sources.lookup("B").unwrap().is_some());
/// ```
#[derive(Default)]
pub struct Sources {
    layers: Vec<Box<dyn Source + Send + Sync>>,
    /// Places looked at that gave no layer: "no .env found", a file that failed to load.
    notes: Vec<String>,
    problems: Vec<SourceError>,
    /// The cap for `.env` files added from now on; `None` is [`DEFAULT_MAX_FILE_SIZE`].
    dotenv_max_size: Option<u64>,
    /// The directories a `.env` was looked for in, nearest first, for a live contract to watch.
    #[cfg(feature = "live")]
    dotenv_dirs: Vec<PathBuf>,
}

impl Sources {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// The standard chain, first match wins:
    ///
    /// 1. systemd credentials, when `$CREDENTIALS_DIRECTORY` is set;
    /// 2. `NAME_FILE` (an error when `NAME` is set too);
    /// 3. the process environment;
    /// 4. the nearest `.env`, from the current directory up.
    ///
    /// Sources added to it later (`.secrets_dir(..)`, `.vault(..)`, `.with(..)`) are asked after
    /// the environment and before the `.env`, which ranks below every other source.
    pub fn standard() -> Self {
        Self::new().credentials().file_indirection().env().dotenv_nearest()
    }

    /// Adds systemd credentials (`$CREDENTIALS_DIRECTORY`), when the variable is set.
    #[must_use]
    pub fn credentials(self) -> Self {
        match SecretDir::credentials() {
            Some(dir) => self.with(dir),
            None => self,
        }
    }

    /// Adds `NAME_FILE` indirection: the value of `NAME` is the content of that file.
    #[must_use]
    pub fn file_indirection(self) -> Self {
        self.with(FileIndirection)
    }

    /// Adds a secrets directory (`/run/secrets`, a Kubernetes secret volume): one file per secret.
    #[must_use]
    pub fn secrets_dir(self, dir: impl Into<PathBuf>) -> Self {
        self.with(SecretDir::new(dir))
    }

    /// Adds the process environment.
    #[must_use]
    pub fn env(self) -> Self {
        self.with(EnvSource)
    }

    /// Adds the nearest `.env` in the current directory or one of its ancestors, if any.
    #[must_use]
    pub fn dotenv_nearest(self) -> Self {
        match std::env::current_dir() {
            Ok(dir) => self.dotenv_upward_from(&dir),
            Err(_) => self.noted("no .env found (the current directory is unreadable)".to_owned()),
        }
    }

    /// Adds the nearest `.env` in `dir` or one of its ancestors, if any.
    #[must_use]
    pub fn dotenv_upward_from(#[allow(unused_mut)] mut self, dir: &Path) -> Self {
        let found = DotenvSource::find_upward(dir);
        // A `.env` that appears nearer than the one found (or anywhere, when none was) would be
        // found next time.
        #[cfg(feature = "live")]
        self.dotenv_dirs.extend(
            dir.ancestors()
                .take_while(|ancestor| found.as_deref().and_then(Path::parent).is_none_or(|parent| *ancestor != parent))
                .chain(found.as_deref().and_then(Path::parent))
                .map(Path::to_owned),
        );
        match found {
            Some(path) => self.dotenv_file(path),
            None => self.noted(format!("no .env found from {} upward", dir.display())),
        }
    }

    /// Refuses `.env` files larger than `bytes` among those added after this call (1 MiB by default).
    #[must_use]
    pub fn dotenv_max_size(mut self, bytes: u64) -> Self {
        self.dotenv_max_size = Some(bytes);
        self
    }

    /// Adds one `.env` file; a missing, malformed, oversized or untrusted file is reported as a
    /// problem (see [`DotenvSource::load_with_max_size`]).
    #[must_use]
    pub fn dotenv_file(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        match DotenvSource::load_with_max_size(&path, self.dotenv_max_size.unwrap_or(DEFAULT_MAX_FILE_SIZE)) {
            Ok(source) => self.with(source),
            Err(problem) => {
                self.problems.push(problem);
                self.noted(path.display().to_string())
            }
        }
    }

    /// Adds the KV v2 secrets at `paths` (`secret/app`) from a Vault or OpenBao server, read now,
    /// one request per path; a server that does not answer is reported as a problem.
    #[cfg(feature = "vault")]
    #[must_use]
    pub fn vault(mut self, config: &crate::VaultConfig, paths: &[&str]) -> Self {
        match config.read(paths) {
            Ok(source) => self.with(source),
            Err(problem) => {
                self.notes.push(format!("vault {}", config.addr()));
                self.problems.push(problem);
                self
            }
        }
    }

    /// Adds any source, asked after those already in the chain, but before every `.env`: a
    /// `.env` ranks below every other source, whatever the order they were added in.
    ///
    /// A chain added whole is one source: the `.env` inside `.with(Sources::standard())` ranks
    /// within that chain only, so add sources to one chain (`Sources::standard().secrets_dir(..)`).
    /// A source of your own that wraps a `.env` ranks as an ordinary source.
    #[must_use]
    pub fn with(mut self, source: impl Source + Send + Sync + 'static) -> Self {
        let at = if source.ranks_last() {
            self.layers.len()
        } else {
            self.layers.iter().position(|layer| layer.ranks_last()).unwrap_or(self.layers.len())
        };
        self.layers.insert(at, Box::new(source));
        self
    }

    fn noted(mut self, note: String) -> Self {
        self.notes.push(note);
        self
    }
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources").field("looks_in", &self.describe()).finish_non_exhaustive()
    }
}

impl Source for Sources {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        for layer in &self.layers {
            if let Some(found) = layer.lookup(name)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    fn lookup_var(&self, var: &'static VarSpec) -> Result<Option<Found>, SourceError> {
        for layer in &self.layers {
            if let Some(found) = layer.lookup_var(var)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    fn answer(&self, var: &'static VarSpec) -> Answer {
        for layer in &self.layers {
            match layer.answer(var) {
                Answer::Missing => {}
                answer => return answer,
            }
        }
        Answer::Missing
    }

    /// One pass when a layer answers for a whole contract at once; the other layers are asked
    /// one variable at a time, in order, as [`Source::lookup_var`] does.
    fn lookup_spec(&self, spec: &'static ContractSpec) -> Option<Vec<Result<Option<Found>, SourceError>>> {
        let mut batches: Vec<_> = self.layers.iter().map(|layer| layer.lookup_spec(spec)).collect();
        if batches.iter().all(Option::is_none) {
            return None;
        }
        let answer = |index: usize, var: &'static VarSpec, batches: &mut [Option<Vec<_>>]| {
            for (layer, batch) in self.layers.iter().zip(batches) {
                let answer = match batch {
                    Some(batch) => std::mem::replace(&mut batch[index], Ok(None)),
                    None => layer.lookup_var(var),
                };
                if !matches!(answer, Ok(None)) {
                    return answer;
                }
            }
            Ok(None)
        };
        Some(spec.vars().iter().enumerate().map(|(index, var)| answer(index, var, &mut batches)).collect())
    }

    fn describe(&self) -> Vec<String> {
        let mut places: Vec<String> = self.layers.iter().flat_map(|layer| layer.describe()).collect();
        places.extend(self.notes.iter().cloned());
        places
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.layers.iter().flat_map(|layer| layer.names()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// A chain of `.env` files only ranks last inside another chain, as each of them would.
    fn ranks_last(&self) -> bool {
        !self.layers.is_empty() && self.layers.iter().all(|layer| layer.ranks_last())
    }

    fn problems(&self) -> Vec<SourceError> {
        let mut problems = self.problems.clone();
        problems.extend(self.layers.iter().flat_map(|layer| layer.problems()));
        problems
    }

    #[cfg(feature = "live")]
    fn watched(&self, watched: &mut crate::live::Watched) {
        for layer in &self.layers {
            layer.watched(watched);
        }
        for dir in &self.dotenv_dirs {
            watched.dotenv_dir(dir);
        }
    }
}
