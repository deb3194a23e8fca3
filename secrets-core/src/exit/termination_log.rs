//! The Kubernetes termination log: a file whose content `kubectl describe pod` shows when the
//! container stops (`terminationMessagePath`, `/dev/termination-log` by default).

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write as _};
use std::path::PathBuf;

/// Kubernetes keeps at most this many bytes of a termination message.
pub(crate) const TERMINATION_LOG_LIMIT: usize = 4096;

/// Where Kubernetes reads the message unless the pod names another path.
const DEFAULT_PATH: &str = "/dev/termination-log";

/// The file to write, and whether it may be created.
pub(super) struct Target {
    path: PathBuf,
    /// A path the operator named is created when missing; the default one only when it exists.
    create: bool,
}

impl Target {
    /// The path in `SECRETS_TERMINATION_LOG` (none when it is empty), else the default one.
    pub(super) fn from_env(named: Option<OsString>) -> Option<Self> {
        match named {
            Some(path) if path.is_empty() => None,
            Some(path) => Some(Self { path: path.into(), create: true }),
            None => Some(Self { path: DEFAULT_PATH.into(), create: false }),
        }
    }

    /// Replaces the file's content with `report`, cut to the limit at a character boundary.
    ///
    /// Only a regular file is written: the path is opened without following a symlink and
    /// without blocking (a FIFO with no reader fails at once), and checked on the open
    /// descriptor before it is truncated.
    pub(super) fn write(&self, report: &str) -> io::Result<()> {
        let mut file = open(&self.path, self.create)?;
        if !file.metadata()?.is_file() {
            return Err(io::Error::other("not a regular file"));
        }
        file.set_len(0)?;
        file.write_all(cut(report, TERMINATION_LOG_LIMIT).as_bytes())
    }
}

#[cfg(unix)]
fn open(path: &std::path::Path, create: bool) -> io::Result<fs::File> {
    use rustix::fs::{Mode, OFlags};
    // Not through a symlink: one planted in a shared directory would truncate its target.
    let mut flags = OFlags::WRONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    if create {
        flags |= OFlags::CREATE;
    }
    Ok(fs::File::from(rustix::fs::open(path, flags, Mode::from_raw_mode(0o644))?))
}

#[cfg(not(unix))]
fn open(path: &std::path::Path, create: bool) -> io::Result<fs::File> {
    fs::OpenOptions::new().write(true).create(create).open(path)
}

/// `text` cut to at most `limit` bytes at a character boundary, saying so at its end.
fn cut(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    const MORE: &str = "\n(cut: the full report is on stderr)";
    if text.len() <= limit {
        return text.into();
    }
    let mut end = limit - MORE.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{MORE}", &text[..end]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_reports_are_cut_at_a_character_boundary() {
        assert_eq!(cut("short", 4096), "short");
        let long = "é".repeat(3000);
        let cut = cut(&long, TERMINATION_LOG_LIMIT);
        assert!(cut.len() <= TERMINATION_LOG_LIMIT && cut.ends_with("(cut: the full report is on stderr)"));
        assert!(cut.starts_with("éé"));
    }

    #[test]
    fn an_empty_setting_turns_it_off_and_only_a_named_path_is_created() {
        assert!(Target::from_env(Some(OsString::new())).is_none());
        let named = Target::from_env(Some("/tmp/x".into())).unwrap();
        assert!(named.create);
        let default = Target::from_env(None).unwrap();
        assert_eq!((default.path.to_str(), default.create), (Some(DEFAULT_PATH), false));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_written_and_never_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("log");
        fs::write(&file, "an older, longer message").unwrap();
        Target { path: file.clone(), create: false }.write("new").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        let missing = dir.path().join("missing");
        assert!(Target { path: missing.clone(), create: false }.write("x").is_err());
        assert!(!missing.exists());
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(rustix::fs::CWD, &fifo, rustix::fs::FileType::Fifo, 0o600.into(), 0).unwrap();
        // No reader: opening fails at once instead of waiting.
        assert!(Target { path: fifo, create: true }.write("x").is_err());
        assert!(Target { path: "/dev/null".into(), create: false }.write("x").is_err());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(Target { path: link, create: true }.write("x").is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
    }
}
