//! Secrets handed to a child as files: a private directory, removed when it is dropped.
//!
//! The directory is created by one `mkdir` with mode 0700 under a fresh random name (a name
//! that exists, planted or not, is never used: `mkdir` fails and another name is drawn), in
//! `$XDG_RUNTIME_DIR` when it is set (a per-user, memory-backed directory) or else the system
//! temporary directory; a base directory others may write to without the sticky bit is refused,
//! as they could swap the new directory for their own. The directory is then opened once, and
//! each file is created new inside that open directory (`openat`, `O_EXCL`, never through a
//! link) with mode 0600, so a rename of the path afterwards cannot redirect a secret.

use std::fs::{self, DirBuilder};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};

use secrecy::{ExposeSecret, SecretString};

/// A private directory of secret files; dropping it removes the directory and every file in it.
pub(crate) struct SecretFiles {
    dir: PathBuf,
    /// The directory as created, whatever its path comes to name.
    handle: OwnedFd,
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
        let metadata = fs::metadata(base)?;
        let user = rustix::process::geteuid().as_raw();
        let refused = if metadata.mode() & 0o1022 != 0 && metadata.mode() & 0o1000 == 0 {
            Some("is writable by group or others without the sticky bit")
        } else if metadata.uid() != user && metadata.uid() != 0 {
            Some("belongs to another user")
        } else {
            None
        };
        if let Some(refused) = refused {
            return Err(io::Error::other(format!(
                "{} {refused}, who could swap the directory for one of their own; set XDG_RUNTIME_DIR or TMPDIR to a private directory",
                base.display()
            )));
        }
        let mut last = None;
        for _ in 0..16 {
            let dir = base.join(format!("secrets-run-{}-{:016x}", std::process::id(), random()));
            match DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => {
                    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                    // Opened, then checked on the descriptor: the directory this process made.
                    let opened =
                        rustix::fs::open(&dir, flags, Mode::empty()).map_err(io::Error::from).and_then(|handle| {
                            let stat = rustix::fs::fstat(&handle)?;
                            if stat.st_uid == user && stat.st_mode & 0o7777 == 0o700 {
                                Ok(handle)
                            } else {
                                Err(io::Error::other(format!("{} was swapped for another directory", dir.display())))
                            }
                        });
                    return match opened {
                        Ok(handle) => Ok(Self { dir, handle, written: 0 }),
                        Err(error) => {
                            let _ = fs::remove_dir(&dir);
                            Err(error)
                        }
                    };
                }
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
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let file = rustix::fs::openat(&self.handle, file_name.as_str(), flags, Mode::from_raw_mode(0o600))?;
        fs::File::from(file).write_all(value.expose_secret().as_bytes())?;
        Ok(self.dir.join(file_name))
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
    fn a_base_others_may_write_to_without_the_sticky_bit_is_refused() {
        let base = tempfile::tempdir().unwrap();
        for mode in [0o777, 0o770, 0o702] {
            fs::set_permissions(base.path(), fs::Permissions::from_mode(mode)).unwrap();
            let error = SecretFiles::create_in(base.path()).err().unwrap().to_string();
            assert!(error.contains("writable by group or others without the sticky bit"), "{mode:o}: {error}");
        }
        fs::set_permissions(base.path(), fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(SecretFiles::create_in(base.path()).is_ok());
    }

    #[test]
    fn a_renamed_directory_keeps_its_secrets() {
        let base = tempfile::tempdir().unwrap();
        let mut files = SecretFiles::create_in(base.path()).unwrap();
        let moved = base.path().join("moved");
        fs::rename(files.dir(), &moved).unwrap();
        let planted = base.path().join("planted");
        fs::create_dir(&planted).unwrap();
        std::os::unix::fs::symlink(&planted, files.dir()).unwrap();
        files.write("TOKEN", &SecretString::from("value")).unwrap();
        assert_eq!(fs::read_to_string(moved.join("TOKEN")).unwrap(), "value");
        assert!(fs::read_dir(&planted).unwrap().next().is_none());
    }

    #[test]
    fn a_planted_name_is_never_used() {
        let base = tempfile::tempdir().unwrap();
        let first = SecretFiles::create_in(base.path()).unwrap();
        let second = SecretFiles::create_in(base.path()).unwrap();
        assert_ne!(first.dir(), second.dir());
    }
}
