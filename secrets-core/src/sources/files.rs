//! Secrets stored as files: `NAME_FILE`, secrets directories (Docker, Kubernetes) and systemd credentials.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;

use crate::sources::env::{self, SNAPSHOT_FROM};
use crate::sources::read::read_regular;
use crate::sources::{Concern, Found, Origin, Source, SourceError};
use crate::spec::{ContractSpec, VarSpec};

/// Files larger than this are refused by default: a secret is not a megabyte long.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Reads a secret file: one trailing `\n` or `\r\n` removed, other whitespace kept and noted,
/// the permissions judged; errors name the variable and the path, never the content.
///
/// Only a regular file (after following symlinks) of at most `max_size` bytes is read: a FIFO,
/// a device or a socket is an error, never a wait or an endless read.
pub fn read_secret_file(name: &str, path: &Path, origin: Origin, max_size: u64) -> Result<Found, SourceError> {
    let error = |reason: String| SourceError::File { name: name.to_owned(), path: path.to_owned(), reason };
    let file = read_regular(path, max_size).map_err(|e| error(e.to_string()))?;
    let insecure = insecure_mode(file.metadata());
    let mut text = String::from_utf8(file.into_bytes()).map_err(|e| {
        e.into_bytes().zeroize();
        error("is not valid UTF-8".to_owned())
    })?;
    let end = text.strip_suffix("\r\n").or_else(|| text.strip_suffix('\n')).map_or(text.len(), str::len);
    let mut concerns = Vec::new();
    if text[..end].ends_with(char::is_whitespace) {
        concerns.push(Concern::TrailingWhitespace);
    }
    if let Some(mode) = insecure {
        concerns.push(Concern::Insecure { mode });
    }
    let value = SecretString::from(&text[..end]);
    text.zeroize();
    let mut found = Found::new(value, origin);
    found.concerns = concerns;
    Ok(found)
}

/// The permission bits when group or others may read the file, like `systemd-creds list`, or
/// write it (and so replace the secret).
#[cfg(unix)]
fn insecure_mode(metadata: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o7777;
    (mode & 0o066 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn insecure_mode(_: &fs::Metadata) -> Option<u32> {
    None
}

/// `NAME_FILE=/path`: the value of `NAME` is the content of that file.
///
/// Both `NAME` and `NAME_FILE` set is an error, never a silent choice.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileIndirection;

impl Source for FileIndirection {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        let Some(path) = file_variable(name) else {
            return Ok(None);
        };
        indirect(name, Some(path), std::env::var_os(name))
    }

    /// One pass over the environment for a large contract, as [`EnvSource`](crate::EnvSource) does.
    fn lookup_spec(&self, spec: &'static ContractSpec) -> Option<Vec<Result<Option<Found>, SourceError>>> {
        let names = spec.names();
        if names.len() < SNAPSHOT_FROM {
            return None;
        }
        // Every `NAME_FILE`, then every `NAME`, to catch both being set.
        let file_names = names.iter().map(|name| format!("{name}_FILE"));
        let wanted: Vec<String> = file_names.chain(names.iter().map(|name| (*name).to_owned())).collect();
        let mut paths = env::read_all(&wanted);
        let plain = paths.split_off(names.len());
        let found = names.iter().zip(paths).zip(plain).map(|((name, path), plain)| indirect(name, path, plain));
        Some(found.collect())
    }

    fn describe(&self) -> Vec<String> {
        vec!["NAME_FILE variables".to_owned()]
    }
}

/// The value of `NAME_FILE`, its name composed on the stack: every variable of a contract is
/// looked for with it, and most are not set.
fn file_variable(name: &str) -> Option<OsString> {
    const SUFFIX: &[u8] = b"_FILE";
    let mut buffer = [0u8; 128];
    let Some(composed) = buffer.get_mut(..name.len() + SUFFIX.len()) else {
        return std::env::var_os(format!("{name}_FILE"));
    };
    composed[..name.len()].copy_from_slice(name.as_bytes());
    composed[name.len()..].copy_from_slice(SUFFIX);
    std::env::var_os(std::str::from_utf8(composed).expect("a name and an ASCII suffix"))
}

/// `NAME` read from the file that `NAME_FILE` (`path`) names; an error when `NAME` is set too
/// (`plain`, zeroized: only whether it is set matters).
fn indirect(name: &str, path: Option<OsString>, plain: Option<OsString>) -> Result<Option<Found>, SourceError> {
    let both = plain.is_some();
    if let Some(plain) = plain {
        plain.into_encoded_bytes().zeroize();
    }
    let Some(path) = path else {
        return Ok(None);
    };
    if both {
        return Err(SourceError::Conflict { name: name.to_owned() });
    }
    let path = PathBuf::from(path);
    match read_secret_file(name, &path, Origin::File { path: path.clone() }, DEFAULT_MAX_FILE_SIZE) {
        Ok(found) => Ok(Some(found)),
        // A value put in `NAME_FILE` by mistake (`postgres://app:pw@db/app`) is not echoed.
        Err(_) if !looks_like_a_path(&path) => Err(SourceError::NotAPath { name: name.to_owned() }),
        Err(error) => Err(error),
    }
}

/// Whether a `NAME_FILE` value may be shown in an error: something exists at it, or it is an
/// absolute path into a directory that exists (other than `/`), with no URL or userinfo marks,
/// no whitespace or control characters, and a path's length. A secret holding `/` (base64, AWS
/// keys) is none.
fn looks_like_a_path(path: &Path) -> bool {
    const MAX_SHOWN: usize = 256;
    if fs::symlink_metadata(path).is_ok() {
        return true;
    }
    let Some(text) = path.to_str() else { return false };
    text.len() <= MAX_SHOWN
        && text.starts_with('/')
        && !text.contains("://")
        && !text.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && path.parent().is_some_and(|dir| dir != Path::new("/") && fs::metadata(dir).is_ok_and(|m| m.is_dir()))
}

/// A directory with one file per secret: Docker secrets, Kubernetes volumes, systemd credentials.
///
/// The file name is the secret's id: the variable name in lowercase, or the
/// `#[secret(credential = "...")]` of the field. Kubernetes' `..data` symlink layout works: the
/// files are read through their links.
#[derive(Clone, Debug)]
pub struct SecretDir {
    dir: PathBuf,
    credentials: bool,
    max_size: u64,
}

impl SecretDir {
    /// A secrets directory such as `/run/secrets`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), credentials: false, max_size: DEFAULT_MAX_FILE_SIZE }
    }

    /// The systemd credentials of this service, when `$CREDENTIALS_DIRECTORY` is set.
    pub fn credentials() -> Option<Self> {
        let dir = std::env::var_os("CREDENTIALS_DIRECTORY")?;
        Some(Self { dir: dir.into(), credentials: true, max_size: DEFAULT_MAX_FILE_SIZE })
    }

    /// Refuses files larger than `bytes` (1 MiB by default).
    #[must_use]
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = bytes;
        self
    }

    fn read(&self, name: &str, id: &str) -> Result<Option<Found>, SourceError> {
        let path = self.dir.join(id);
        // Only a file that is not there falls through to the next source; anything else in the
        // way (a broken link, a loop, a directory that cannot be searched) is an error.
        if matches!(fs::symlink_metadata(&path), Err(error) if error.kind() == std::io::ErrorKind::NotFound) {
            return Ok(None);
        }
        if !self.credentials {
            return read_secret_file(name, &path, Origin::File { path: path.clone() }, self.max_size).map(Some);
        }
        let origin = Origin::Credential { id: id.into(), path: path.clone() };
        let mut found = read_secret_file(name, &path, origin, self.max_size)?;
        // The same variable in the environment too: said, as `NAME` and `NAME_FILE` are.
        if let Some(plain) = std::env::var_os(name) {
            plain.into_encoded_bytes().zeroize();
            found.concerns.push(Concern::AlsoInEnvironment);
        }
        Ok(Some(found))
    }
}

impl Source for SecretDir {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        self.read(name, &name.to_ascii_lowercase())
    }

    fn lookup_var(&self, var: &'static VarSpec) -> Result<Option<Found>, SourceError> {
        self.read(var.name(), &var.credential_id())
    }

    fn describe(&self) -> Vec<String> {
        let kind = if self.credentials { "credentials" } else { "secrets directory" };
        vec![format!("{kind} {}", self.dir.display())]
    }

    #[cfg(feature = "live")]
    fn watched(&self, watched: &mut crate::live::Watched) {
        watched.dir(&self.dir);
    }
}
