//! A `.env` file as a source, parsed with `dotenvy` without touching the process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use crate::sources::files::DEFAULT_MAX_FILE_SIZE;
use crate::sources::read::read_regular;
use crate::sources::{Found, Origin, Source, SourceError};

/// The variables of one `.env` file, each with the line that defines it.
pub struct DotenvSource {
    path: PathBuf,
    vars: HashMap<String, (SecretString, usize)>,
}

impl DotenvSource {
    /// Reads and parses `path`, refusing files over [`DEFAULT_MAX_FILE_SIZE`] (1 MiB); an error
    /// names the file and the line, never its text.
    pub fn load(path: impl Into<PathBuf>) -> Result<Self, SourceError> {
        Self::load_with_max_size(path, DEFAULT_MAX_FILE_SIZE)
    }

    /// Reads and parses `path`, refusing files over `max_size` bytes.
    ///
    /// Only a regular file is read (a FIFO or a device is an error, not a wait), and only one
    /// that nobody else could have written: a file writable by others, owned by another user
    /// than this process's or root, or in a directory others may write to without the sticky
    /// bit, is refused.
    pub fn load_with_max_size(path: impl Into<PathBuf>, max_size: u64) -> Result<Self, SourceError> {
        let path = path.into();
        let unreadable = |reason: String| SourceError::DotenvUnreadable { path: path.clone(), reason };
        let file = read_regular(&path, max_size).map_err(|error| unreadable(error.to_string()))?;
        if let Some(reason) = untrusted(&path, file.metadata()) {
            return Err(SourceError::Untrusted { path, reason });
        }
        let mut text = String::from_utf8(file.into_bytes()).map_err(|error| {
            let line = line_at(error.as_bytes(), error.utf8_error().valid_up_to());
            error.into_bytes().zeroize();
            unreadable(format!("is not valid UTF-8 at line {line}"))
        })?;
        let parsed = parse(&path, &text);
        text.zeroize();
        parsed
    }

    /// The nearest `.env` in `dir` or one of its ancestors (directories named `.env` are skipped).
    ///
    /// Anything else named `.env` ends the walk, even when it cannot be read (a FIFO, a broken
    /// link): loading it then says what is wrong, instead of a `.env` further up being used.
    pub fn find_upward(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().map(|dir| dir.join(".env")).find(|candidate| match what_is_at(candidate) {
            Some(Entry::Directory) | None => false,
            Some(Entry::Link) => !std::fs::metadata(candidate).is_ok_and(|m| m.is_dir()),
            Some(Entry::Other) => true,
        })
    }

    /// The file this source was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What a name in a directory is, without following a link.
enum Entry {
    Directory,
    Link,
    Other,
}

/// What is at `path`, if anything: one `lstat`, which costs less than the `statx` of
/// `symlink_metadata` (a `.env` is looked for in every directory up to the root).
#[cfg(unix)]
fn what_is_at(path: &Path) -> Option<Entry> {
    use rustix::fs::FileType;
    let stat = rustix::fs::lstat(path).ok()?;
    Some(match FileType::from_raw_mode(stat.st_mode) {
        FileType::Directory => Entry::Directory,
        FileType::Symlink => Entry::Link,
        _ => Entry::Other,
    })
}

#[cfg(not(unix))]
fn what_is_at(path: &Path) -> Option<Entry> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    Some(if metadata.is_dir() {
        Entry::Directory
    } else if metadata.is_symlink() {
        Entry::Link
    } else {
        Entry::Other
    })
}

/// Why a `.env` is not to be trusted, if it is not: someone else could have written it.
#[cfg(unix)]
fn untrusted(path: &Path, metadata: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let mode = metadata.mode() & 0o7777;
    if mode & 0o002 != 0 {
        return Some(format!("it is writable by others (mode {mode:04o}); fix with chmod o-w"));
    }
    let (owner, user) = (metadata.uid(), crate::sources::read::process_uid());
    if owner != user && owner != 0 {
        return Some(format!(
            "it is owned by uid {owner}, not by this process's user (uid {user}) or root; fix with chown"
        ));
    }
    // The directory of the name, and of the file a symlink leads to: either lets others replace it.
    let target = std::fs::symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| std::fs::canonicalize(path).ok())
        .flatten();
    for file in std::iter::once(path).chain(target.as_deref()) {
        let dir = file.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let dir_mode = std::fs::metadata(dir).map_or(0, |m| m.mode() & 0o7777);
        if dir_mode & 0o002 != 0 && dir_mode & 0o1000 == 0 {
            return Some(format!(
                "{} is writable by others without the sticky bit (mode {dir_mode:04o}), so anyone could replace it",
                if file == path { "its directory" } else { "the directory of the file it links to" }
            ));
        }
    }
    None
}

#[cfg(not(unix))]
fn untrusted(_: &Path, _: &std::fs::Metadata) -> Option<String> {
    None
}

impl std::fmt::Debug for DotenvSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DotenvSource").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Source for DotenvSource {
    fn lookup(&self, name: &str) -> Result<Option<Found>, SourceError> {
        Ok(self.vars.get(name).map(|(value, line)| {
            let origin = Origin::Dotenv { path: self.path.clone(), line: Some(*line) };
            Found::new(SecretString::from(value.expose_secret()), origin)
        }))
    }

    fn describe(&self) -> Vec<String> {
        vec![self.path.display().to_string()]
    }

    fn names(&self) -> Vec<String> {
        self.vars.keys().cloned().collect()
    }

    /// A `.env` is a developer's convenience: every production source (a secrets directory,
    /// Vault, credentials) outranks it in a chain.
    fn ranks_last(&self) -> bool {
        true
    }

    #[cfg(feature = "live")]
    fn watched(&self, watched: &mut crate::live::Watched) {
        watched.file(&self.path);
    }
}

/// Parses with `dotenvy`; a later definition of a name replaces an earlier one.
fn parse(path: &Path, text: &str) -> Result<DotenvSource, SourceError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = entry_lines(body);
    let mut vars = HashMap::new();
    for (index, item) in dotenvy::from_read_iter(body.as_bytes()).enumerate() {
        let line = lines.get(index).copied().unwrap_or(1);
        match item {
            Ok((name, mut value)) => {
                vars.insert(name, (SecretString::from(value.as_str()), line));
                value.zeroize();
            }
            Err(dotenvy::Error::LineParse(mut text, _)) => {
                text.zeroize();
                return Err(SourceError::DotenvSyntax { path: path.to_owned(), line });
            }
            Err(dotenvy::Error::Io(error)) => {
                return Err(SourceError::DotenvUnreadable { path: path.to_owned(), reason: io_reason(&error) });
            }
            Err(_) => {
                return Err(SourceError::DotenvSyntax { path: path.to_owned(), line });
            }
        }
    }
    Ok(DotenvSource { path: path.to_owned(), vars })
}

/// The 1-based line of each entry `dotenvy` will yield, in order.
///
/// `dotenvy` yields one item (a pair or an error) per logical line that is neither blank nor a
/// comment, and a logical line runs on while a quote is open. This follows the same rules so the
/// n-th item can be given its line without keeping any of the text.
fn entry_lines(text: &str) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Complete,
        Escape,
        Strong,
        StrongEscape,
        Weak,
        WeakEscape,
        Whitespace,
        Comment,
    }
    let mut starts = Vec::new();
    let mut state = State::Complete;
    let mut start = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        if state == State::Complete || state == State::Comment {
            state = State::Complete;
            start = number + 1;
            let content = line.trim_start();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
        }
        for c in line.chars() {
            state = match state {
                State::Whitespace => match c {
                    '#' => State::Comment,
                    '\\' => State::Escape,
                    '"' => State::Weak,
                    '\'' => State::Strong,
                    _ => State::Complete,
                },
                State::Complete => match c {
                    c if c.is_whitespace() && c != '\n' && c != '\r' => State::Whitespace,
                    '\\' => State::Escape,
                    '"' => State::Weak,
                    '\'' => State::Strong,
                    _ => State::Complete,
                },
                State::Escape => State::Complete,
                State::Weak => match c {
                    '\\' => State::WeakEscape,
                    '"' => State::Complete,
                    _ => State::Weak,
                },
                State::WeakEscape => State::Weak,
                State::Strong => match c {
                    '\\' => State::StrongEscape,
                    '\'' => State::Complete,
                    _ => State::Strong,
                },
                State::StrongEscape => State::Strong,
                State::Comment => break,
            };
        }
        if matches!(state, State::Complete | State::Comment) {
            starts.push(start);
        }
    }
    if !matches!(state, State::Complete | State::Comment) {
        starts.push(start);
    }
    starts
}

/// The 1-based line holding byte `offset`.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].split(|&byte| byte == b'\n').count()
}

/// An I/O error's reason, without the OS message's file name duplication.
fn io_reason(error: &std::io::Error) -> String {
    format!("cannot be read: {}", error.kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<(String, usize)> {
        let source = parse(Path::new("/x/.env"), text).expect("parses");
        let mut found: Vec<(String, usize)> =
            source.vars.iter().map(|(name, (_, line))| (name.clone(), *line)).collect();
        found.sort_by_key(|(_, line)| *line);
        found
    }

    #[test]
    fn each_variable_knows_its_line() {
        let text = "# comment\n\nA=1\nexport B=2 # trailing\n  \nC=\"multi\nline\"\nD='x'\n";
        assert_eq!(lines_of(text), vec![("A".into(), 3), ("B".into(), 4), ("C".into(), 6), ("D".into(), 8)]);
    }

    #[test]
    fn crlf_and_a_missing_final_newline_keep_lines() {
        assert_eq!(lines_of("A=1\r\n\r\nB=2"), vec![("A".into(), 1), ("B".into(), 3)]);
    }

    #[test]
    fn a_later_definition_wins() {
        let source = parse(Path::new(".env"), "A=first\nA=second\n").expect("parses");
        let (value, line) = &source.vars["A"];
        assert_eq!((value.expose_secret(), *line), ("second", 2));
    }

    #[test]
    fn a_syntax_error_names_the_line_and_not_the_text() {
        let error = parse(Path::new("/app/.env"), "A=1\n\nB=2\nthis line has no equals sign\nC=3\n")
            .expect_err("line 4 is malformed");
        assert_eq!(error, SourceError::DotenvSyntax { path: "/app/.env".into(), line: 4 });
        assert!(!error.to_string().contains("equals"));
    }

    #[test]
    fn an_unterminated_quote_is_reported_at_its_opening_line() {
        let error = parse(Path::new(".env"), "A=1\nB=\"open\nstill open\n").expect_err("quote never closes");
        assert_eq!(error, SourceError::DotenvSyntax { path: ".env".into(), line: 2 });
    }
}
