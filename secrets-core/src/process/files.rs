//! Secrets handed to a child as files: a private directory, removed when it is dropped.
//!
//! The directory is created by one `mkdir` with mode 0700 under a fresh random name (a name
//! that exists, planted or not, is never used: `mkdir` fails and another name is drawn), in
//! `$XDG_RUNTIME_DIR` when it is set (a per-user, memory-backed directory) or else the system
//! temporary directory. Each file is created new (`O_EXCL`, never through a planted link) with
//! mode 0600.

use std::fs::{self, DirBuilder, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

/// A private directory of secret files; dropping it removes the directory and every file in it.
pub(crate) struct SecretFiles {
    dir: PathBuf,
    written: usize,
}

impl SecretFiles {
    /// Creates the directory under `$XDG_RUNTIME_DIR`, or the temporary directory.
    pub(crate) fn create() -> io::Result<Self> {
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|dir| dir.is_absolute() && dir.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        Self::create_in(&base)
    }

    /// Creates the directory in `base`.
    pub(crate) fn create_in(base: &Path) -> io::Result<Self> {
        let mut last = None;
        for _ in 0..16 {
            let dir = base.join(format!("secrets-run-{}-{:016x}", std::process::id(), random()));
            match DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(Self { dir, written: 0 }),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last = Some(error),
                Err(error) => return Err(error),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free name")))
    }

    /// The directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `value` to a new file for variable `name` (mode 0600) and returns its path.
    pub(crate) fn write(&mut self, name: &str, value: &SecretString) -> io::Result<PathBuf> {
        self.written += 1;
        // A declared name is a file name; one that is not (`env = "..."` may say anything) is
        // numbered instead.
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
        let file_name = if plain { name.to_owned() } else { format!("secret-{}", self.written) };
        let path = self.dir.join(file_name);
        let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
        file.write_all(value.expose_secret().as_bytes())?;
        Ok(path)
    }
}

impl Drop for SecretFiles {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// 64 unpredictable bits: the standard library's per-process random hash keys, and the time.
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn files_are_private_and_removed_on_drop() {
        let base = tempfile::tempdir().unwrap();
        let mut files = SecretFiles::create_in(base.path()).unwrap();
        let dir = files.dir().to_owned();
        assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        let path = files.write("APP_DB_PASSWORD", &SecretString::from("pw\n")).unwrap();
        assert_eq!(path, dir.join("APP_DB_PASSWORD"));
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::read_to_string(&path).unwrap(), "pw\n");
        let odd = files.write("../escape", &SecretString::from("x")).unwrap();
        assert_eq!(odd, dir.join("secret-2"));
        drop(files);
        assert!(!dir.exists());
    }

    #[test]
    fn a_planted_name_is_never_used() {
        let base = tempfile::tempdir().unwrap();
        let first = SecretFiles::create_in(base.path()).unwrap();
        let second = SecretFiles::create_in(base.path()).unwrap();
        assert_ne!(first.dir(), second.dir());
    }
}
