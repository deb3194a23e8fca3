//! Bounded reads of regular files: the one way the library reads a file.
//!
//! A FIFO would block `open()` forever, a device (`/dev/zero`) never ends, and a planted file can
//! be of any size. So a path is checked to be a regular file (after following symlinks), opened
//! without blocking, checked again on the open descriptor (it may have been swapped meanwhile),
//! and read in chunks up to its cap, whatever size it claims.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::Path;

use secrecy::zeroize::Zeroize;

/// Why a file was not read; the words say what to fix and never quote the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// Nothing at the path.
    NotFound,
    /// A symlink whose target does not exist.
    BrokenLink,
    /// The process may not open it, or may not search a directory on the way.
    PermissionDenied,
    /// Something else than a regular file: a directory, FIFO, socket or device.
    NotRegular(&'static str),
    /// Larger than the cap.
    TooLarge(u64),
    /// Any other failure, by its kind (a symlink loop, a path component that is not a directory).
    Io(io::ErrorKind),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("does not exist"),
            Self::BrokenLink => f.write_str("is a symlink to nothing"),
            Self::PermissionDenied => f.write_str("cannot be read: permission denied"),
            Self::NotRegular(kind) => write!(f, "is {kind}, not a regular file"),
            Self::TooLarge(cap) => write!(f, "is larger than {cap} bytes"),
            Self::Io(kind) => write!(f, "cannot be read: {kind}"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::NotFound => Self::NotFound,
            io::ErrorKind::PermissionDenied => Self::PermissionDenied,
            io::ErrorKind::IsADirectory => Self::NotRegular("a directory"),
            // ELOOP has no stable kind of its own; say what it is.
            _ if is_loop(&error) => Self::NotRegular("a symlink loop"),
            kind => Self::Io(kind),
        }
    }
}

#[cfg(unix)]
fn is_loop(error: &io::Error) -> bool {
    error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
}

#[cfg(not(unix))]
fn is_loop(_: &io::Error) -> bool {
    false
}

/// A file's bytes (zeroized on drop) and the metadata of the descriptor they were read from.
pub(crate) struct FileBytes {
    bytes: Vec<u8>,
    metadata: fs::Metadata,
}

impl FileBytes {
    /// The content, moved out; the caller zeroizes it.
    pub(crate) fn into_bytes(mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }

    /// The file's metadata, as of the read.
    pub(crate) fn metadata(&self) -> &fs::Metadata {
        &self.metadata
    }
}

impl Drop for FileBytes {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

/// Reads `path` if it is a regular file of at most `max_size` bytes.
pub(crate) fn read_regular(path: &Path, max_size: u64) -> Result<FileBytes, ReadError> {
    let metadata = fs::metadata(path).map_err(|error| match ReadError::from(error) {
        ReadError::NotFound if fs::symlink_metadata(path).is_ok() => ReadError::BrokenLink,
        other => other,
    })?;
    // Refused before opening: opening a device can have effects of its own.
    check(&metadata, max_size)?;
    let file = open_nonblocking(path)?;
    // The path may have been swapped for something else between the check and the open.
    let metadata = file.metadata()?;
    check(&metadata, max_size)?;
    let bytes = read_zeroizing(file, metadata.len(), max_size)?;
    Ok(FileBytes { bytes, metadata })
}

/// Reads at most `max_size` bytes (an error past them, which also bounds a file that grows
/// while it is read, or a `/proc` file that says it is empty), leaving no copy behind: a buffer
/// outgrown is zeroized before it is freed.
fn read_zeroizing(mut file: impl Read, size_hint: u64, max_size: u64) -> Result<Vec<u8>, ReadError> {
    const CHUNK: usize = 8192;
    let hint = usize::try_from(size_hint.min(max_size)).unwrap_or(0);
    let mut bytes: Vec<u8> = Vec::with_capacity(hint.saturating_add(1).max(CHUNK));
    let mut chunk = [0u8; CHUNK];
    let result = loop {
        match file.read(&mut chunk) {
            Ok(0) => break Ok(()),
            Ok(n) if (bytes.len() + n) as u64 > max_size => break Err(ReadError::TooLarge(max_size)),
            Ok(n) => {
                if bytes.len() + n > bytes.capacity() {
                    let mut bigger = Vec::with_capacity((bytes.capacity() * 2).max(bytes.len() + n));
                    bigger.extend_from_slice(&bytes);
                    bytes.zeroize();
                    bytes = bigger;
                }
                bytes.extend_from_slice(&chunk[..n]);
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => break Err(error.into()),
        }
    };
    chunk.zeroize();
    match result {
        Ok(()) => Ok(bytes),
        Err(error) => {
            bytes.zeroize();
            Err(error)
        }
    }
}

fn check(metadata: &fs::Metadata, max_size: u64) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(metadata.file_type())));
    }
    if metadata.len() > max_size {
        return Err(ReadError::TooLarge(max_size));
    }
    Ok(())
}

/// Opens for reading without waiting for a writer (a FIFO) and without taking a terminal.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    Ok(fs::File::from(rustix::fs::open(path, flags, Mode::empty())?))
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    fs::File::open(path)
}

#[cfg(unix)]
fn kind_of(file_type: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of(file_type: fs::FileType) -> &'static str {
    if file_type.is_dir() { "a directory" } else { "not a file" }
}

/// The effective user of this process, whose own files are trusted.
#[cfg(unix)]
pub(crate) fn process_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_regular(dir.path(), 10).err(), Some(ReadError::NotRegular("a directory")));
        assert_eq!(read_regular(&dir.path().join("none"), 10).err(), Some(ReadError::NotFound));
        #[cfg(unix)]
        {
            assert_eq!(read_regular(Path::new("/dev/zero"), 10).err(), Some(ReadError::NotRegular("a device")));
            std::os::unix::fs::symlink(dir.path().join("none"), dir.path().join("dangling")).unwrap();
            assert_eq!(read_regular(&dir.path().join("dangling"), 10).err(), Some(ReadError::BrokenLink));
            std::os::unix::fs::symlink(dir.path().join("b"), dir.path().join("a")).unwrap();
            std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("b")).unwrap();
            assert_eq!(read_regular(&dir.path().join("a"), 10).err(), Some(ReadError::NotRegular("a symlink loop")));
        }
        let file = dir.path().join("f");
        fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_regular(&file, 10).unwrap().into_bytes(), b"0123456789");
        assert_eq!(read_regular(&file, 9).err(), Some(ReadError::TooLarge(9)));
        assert_eq!(read_regular(&file, u64::MAX).unwrap().into_bytes().len(), 10);
        // A `/proc` file says it is empty and is not: the cap holds all the same.
        #[cfg(target_os = "linux")]
        {
            assert_eq!(read_regular(Path::new("/proc/self/status"), 16).err(), Some(ReadError::TooLarge(16)));
            assert!(read_regular(Path::new("/proc/self/status"), 1 << 20).unwrap().into_bytes().len() > 16);
        }
        // Larger than one chunk, and than the first buffer.
        fs::write(&file, vec![b'x'; 100_000]).unwrap();
        assert_eq!(read_regular(&file, 1 << 20).unwrap().into_bytes().len(), 100_000);
    }
}
