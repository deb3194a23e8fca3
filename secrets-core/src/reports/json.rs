//! JSON for the reports, written by the crate itself, so the default features compile no
//! serialization library. With the `serde` feature the same values implement `Serialize`.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A JSON value, borrowing the report's text where it can.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(u64),
    Text(Cow<'a, str>),
    List(Vec<Json<'a>>),
    /// Keys in the order written.
    Object(Vec<(&'static str, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// A string value.
    pub(crate) fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Self::Text(text.into())
    }

    /// `null` for `None`.
    pub(crate) fn or_null<T>(value: Option<T>, json: impl FnOnce(T) -> Self) -> Self {
        value.map_or(Self::Null, json)
    }

    /// A list of strings.
    pub(crate) fn texts<I: IntoIterator<Item = T>, T: Into<Cow<'a, str>>>(texts: I) -> Self {
        Self::List(texts.into_iter().map(Self::text).collect())
    }

    /// Pretty-printed, two spaces an indent, as `serde_json::to_string_pretty` writes it.
    pub(crate) fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = |out: &mut String, depth: usize| out.extend(std::iter::repeat_n("  ", depth));
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Self::Number(value) => {
                let _ = write!(out, "{value}");
            }
            Self::Text(text) => quoted(text, out),
            Self::List(items) if items.is_empty() => out.push_str("[]"),
            Self::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Self::List(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    out.push_str(if index == 0 { "\n" } else { ",\n" });
                    indent(out, depth + 1);
                    item.write(out, depth + 1);
                }
                out.push('\n');
                indent(out, depth);
                out.push(']');
            }
            Self::Object(fields) => {
                out.push('{');
                for (index, (key, value)) in fields.iter().enumerate() {
                    out.push_str(if index == 0 { "\n" } else { ",\n" });
                    indent(out, depth + 1);
                    quoted(key, out);
                    out.push_str(": ");
                    value.write(out, depth + 1);
                }
                out.push('\n');
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

/// `text` as a JSON string, quotes included.
fn quoted(text: &str, out: &mut String) {
    out.push('"');
    escape_into(text, out);
    out.push('"');
}

/// `text` escaped as inside a JSON string, as `serde_json` escapes it: `"`, `\`, and control
/// characters (`\n`, `\t`, … and `\u001b` for the others); everything else as it is.
pub(crate) fn escape_into(text: &str, out: &mut String) {
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&text[plain..at]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        plain = at + 1;
    }
    out.push_str(&text[plain..]);
}

#[cfg(feature = "serde")]
impl serde_core::Serialize for Json<'_> {
    fn serialize<S: serde_core::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde_core::ser::{SerializeMap, SerializeSeq};
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::Number(value) => serializer.serialize_u64(*value),
            Self::Text(text) => serializer.serialize_str(text),
            Self::List(items) => {
                let mut list = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    list.serialize_element(item)?;
                }
                list.end()
            }
            Self::Object(fields) => {
                let mut object = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    object.serialize_entry(key, value)?;
                }
                object.end()
            }
        }
    }
}

/// `Serialize` (feature `serde`) for the report's types, as the JSON they write.
#[cfg(feature = "serde")]
macro_rules! serialize_as_json {
    ($($type:ty),* $(,)?) => {
        $(
            #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
            impl serde_core::Serialize for $type {
                fn serialize<S: serde_core::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    self.json().serialize(serializer)
                }
            }
        )*
    };
}

#[cfg(feature = "serde")]
serialize_as_json!(
    super::StatusReport,
    super::Entry,
    super::Unknown,
    super::Level,
    crate::RuleProblem,
    crate::Origin,
    crate::Category,
    crate::Kind,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut out = String::new();
        escape_into("a\"b\\c\nd\re\tf\u{8}\u{c}\u{1b}\u{7f}é/<", &mut out);
        assert_eq!(out, "a\\\"b\\\\c\\nd\\re\\tf\\b\\f\\u001b\u{7f}é/<");
    }

    #[test]
    fn strings_are_escaped_byte_for_byte_as_serde_json_does() {
        let every_ascii: String = (0..=0x7f_u8).map(char::from).collect();
        for text in [every_ascii.as_str(), "Ünïcødé \u{2028}\u{2029} 🦀", "", "\"\"\\"] {
            let mut out = String::new();
            escape_into(text, &mut out);
            assert_eq!(format!("\"{out}\""), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn pretty_output_is_indented_by_two_spaces() {
        let json = Json::Object(vec![
            ("a", Json::Number(1)),
            ("b", Json::List(vec![Json::text("x"), Json::Null])),
            ("c", Json::List(Vec::new())),
            ("d", Json::Object(vec![("e", Json::Bool(false))])),
            ("f", Json::Object(Vec::new())),
        ]);
        assert_eq!(
            json.pretty(),
            "{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    null\n  ],\n  \"c\": [],\n  \"d\": {\n    \"e\": false\n  },\n  \"f\": {}\n}"
        );
    }
}
