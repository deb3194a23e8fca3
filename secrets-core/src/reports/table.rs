//! The status report drawn for people (`secrets status`, `secrets check`): aligned columns,
//! colour on a terminal, and a plain ASCII form where emoji do not line up.

use std::ffi::OsStr;
use std::fmt::Write as _;

use super::terminal::{line, one_line};
use super::{Level, State, StatusReport};

/// How the report is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Look {
    /// ANSI colours: on a terminal only.
    pub(crate) colour: bool,
    /// ASCII markers (`ok`, `warn`, `error`, `-`) instead of emoji.
    pub(crate) plain: bool,
}

impl Look {
    /// Colour when the stream takes it and the plain form was not asked for.
    pub(crate) fn new(takes_colour: bool, plain: bool) -> Self {
        Self { colour: takes_colour && !plain, plain }
    }
}

/// Whether a stream takes colour: a terminal, `NO_COLOR` unset or empty
/// (<https://no-color.org>), and `TERM` not `dumb`.
pub(crate) fn takes_colour(is_terminal: bool, no_color: Option<&OsStr>, term: Option<&OsStr>) -> bool {
    is_terminal && no_color.is_none_or(OsStr::is_empty) && term.is_none_or(|term| term != "dumb")
}

/// The columns the state is padded to; a longer state (an `invalid: …` reason) runs past them.
const STATE_WIDTH: usize = 14;

/// `report` as aligned lines, ending in its `looked in:` line, without a final newline; a
/// control character in a path or a reason is shown as an escape, as in the report's `Display`.
pub(crate) fn render(report: &StatusReport, look: Look) -> String {
    let width = |text: &str| text.chars().count();
    let name_width = report.entries.iter().map(|entry| width(entry.spec.name())).max().unwrap_or(0);
    let states: Vec<String> = report.entries.iter().map(|entry| line(&entry.state)).collect();
    let state_width = states.iter().map(|state| width(state)).max().unwrap_or(0).min(STATE_WIDTH);
    let tags: Vec<String> = report.entries.iter().map(super::Entry::tag).collect();
    let tag_width = tags.iter().map(|tag| width(tag)).max().unwrap_or(0);

    let mut text = String::new();
    let _ = writeln!(text, "{}", paint(look, Paint::Bold, &super::Headline(report).to_string()));
    for problem in &report.problems {
        let _ = writeln!(text, "{} {}", marker(look, Level::Error, true), line(problem));
    }
    for ((entry, state), tag) in report.entries.iter().zip(&states).zip(&tags) {
        let configured = entry.state == State::Configured;
        let mut line = format!("{} ", marker(look, entry.level, configured));
        let _ = write!(line, "{:<name_width$}  ", entry.spec.name());
        let _ = write!(line, "{}  ", paint(look, tone(entry.level, configured).1, &pad(state, state_width)));
        let _ = write!(line, "{tag:<tag_width$}");
        let mut details = String::new();
        let _ = entry.write_details(&mut details);
        let details = one_line(details.trim_start());
        if !details.is_empty() {
            let _ = write!(line, "  {details}");
        }
        let _ = writeln!(text, "{}", line.trim_end());
    }
    for rule in &report.rules {
        let _ = writeln!(text, "{} {}", marker(look, rule.level, true), line(rule));
    }
    for unknown in &report.unknown {
        let _ = writeln!(text, "{} {}", marker(look, unknown.level, true), line(unknown));
    }
    let looked_in = format!("looked in: {}", report.looked_in.join(", "));
    let _ = write!(text, "{}", paint(look, Paint::Dim, &one_line(&looked_in)));
    text
}

/// `text` padded with spaces to `width` characters.
fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

/// The line's marker: an emoji, or a word of the same width in every line.
fn marker(look: Look, level: Level, configured: bool) -> String {
    if look.plain {
        let (word, colour) = tone(level, configured);
        paint(look, colour, &pad(word, 5))
    } else {
        super::icon(level, configured).to_owned()
    }
}

/// The colours the report uses.
#[derive(Clone, Copy)]
enum Paint {
    Bold,
    Dim,
    Red,
    Yellow,
    Green,
}

/// How a line at `level` is marked in the plain form, and its colour.
fn tone(level: Level, configured: bool) -> (&'static str, Paint) {
    match (level, configured) {
        (Level::Error, _) => ("error", Paint::Red),
        (Level::Warning, _) => ("warn", Paint::Yellow),
        (Level::Ok, true) => ("ok", Paint::Green),
        (Level::Ok, false) => ("-", Paint::Dim),
    }
}

/// `text` in `paint`'s ANSI colour when the look has colour.
fn paint(look: Look, paint: Paint, text: &str) -> String {
    if !look.colour {
        return text.to_owned();
    }
    let code = match paint {
        Paint::Bold => "1",
        Paint::Dim => "2",
        Paint::Red => "31",
        Paint::Yellow => "33",
        Paint::Green => "32",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        let dumb = Some(OsStr::new("dumb"));
        let xterm = Some(OsStr::new("xterm-256color"));
        assert!(takes_colour(true, None, xterm) && takes_colour(true, None, None));
        assert!(takes_colour(true, Some(OsStr::new("")), xterm), "an empty NO_COLOR is unset");
        assert!(!takes_colour(true, Some(OsStr::new("1")), xterm));
        assert!(!takes_colour(false, None, xterm), "a pipe");
        assert!(!takes_colour(true, None, dumb));
        assert!(Look::new(true, false).colour && !Look::new(true, true).colour, "--plain has no colour");
    }
}
