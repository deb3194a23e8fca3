//! Text bound for a terminal: the report's lines name paths, rule reasons and parser messages
//! that the program did not write, and a control character in them (an escape sequence that
//! sets the clipboard or rewrites the screen, a bidi override) is shown as an escape instead.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1) and bidi control shown as `\u{..}`; the
/// newlines and tabs that lay the report out are kept.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    let hostile = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hostile) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hostile(c) {
            let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert!(matches!(printable("a plain line\n\tnext"), Cow::Borrowed(_)));
        assert_eq!(printable("x\u{1b}]52;c;AAAA\u{7}y"), "x\\u{1b}]52;c;AAAA\\u{7}y");
        assert_eq!(printable("\u{9b}2J \u{7f} \r"), "\\u{9b}2J \\u{7f} \\u{d}");
        assert_eq!(printable("abc\u{202e}fed"), "abc\\u{202e}fed");
    }
}
