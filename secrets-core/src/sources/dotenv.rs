//! A `.env` file as a source, parsed with `dotenvy` without touching the process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use crate::sources::{Found, Origin, Source, SourceError};

/// The variables of one `.env` file, each with the line that defines it.
pub struct DotenvSource {
    path: PathBuf,
    vars: HashMap<String, (SecretString, usize)>,
}

impl DotenvSource {
    /// Reads and parses `path`; an error names the file and the line, never its text.
    pub fn load(path: impl Into<PathBuf>) -> Result<Self, SourceError> {
        let path = path.into();
        let unreadable = |reason: String| SourceError::DotenvUnreadable { path: path.clone(), reason };
        let bytes = std::fs::read(&path).map_err(|error| unreadable(io_reason(&error)))?;
        let mut text = String::from_utf8(bytes).map_err(|error| {
            let line = line_at(error.as_bytes(), error.utf8_error().valid_up_to());
            error.into_bytes().zeroize();
            unreadable(format!("not valid UTF-8 at line {line}"))
        })?;
        let parsed = parse(&path, &text);
        text.zeroize();
        parsed
    }

    /// The nearest `.env` file in `dir` or one of its ancestors (directories named `.env` are skipped).
    pub fn find_upward(dir: &Path) -> Option<PathBuf> {
        dir.ancestors().map(|dir| dir.join(".env")).find(|candidate| candidate.is_file())
    }

    /// The file this source was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }
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
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        std::io::ErrorKind::InvalidData => "not valid UTF-8".to_owned(),
        kind => kind.to_string(),
    }
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
