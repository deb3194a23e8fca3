//! Report lines are one line each, whatever they quote: they name paths, rule reasons and
//! parser messages that the program did not write, and a control character in one (a newline
//! that forges another line, an escape sequence that sets a terminal's clipboard, a bidi
//! override) is shown as an escape instead.

use std::borrow::Cow;
use std::fmt::{Display, Write as _};

/// `text` with every control character (C0 including newlines and tabs, DEL, C1) and bidi
/// control shown as `\u{..}`.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    let hostile = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
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

/// `item` as one report line.
pub(crate) fn line(item: &impl Display) -> String {
    let text = item.to_string();
    match one_line(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(shown) => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert!(matches!(one_line("a plain line: é, 🦀"), Cow::Borrowed(_)));
        assert_eq!(one_line("x\u{1b}]52;c;AAAA\u{7}y"), "x\\u{1b}]52;c;AAAA\\u{7}y");
        assert_eq!(one_line("\u{9b}2J \u{7f} \r"), "\\u{9b}2J \\u{7f} \\u{d}");
        assert_eq!(one_line("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(one_line("/tmp/a\n✅ STRIPE_KEY\tconfigured"), "/tmp/a\\u{a}✅ STRIPE_KEY\\u{9}configured");
    }
}
