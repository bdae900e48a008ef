//! A JSONL record as written: its fields in order, each value's raw JSON text
//! borrowed from the line. Batch mode replaces only the text field and copies
//! every other value out byte for byte — a round trip through `Value` would
//! turn `12345678901234567890123` into `1.2345678901234568e+22`, fail on
//! `1e400` and unescape `"\u00e9"`.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::fmt;

/// The fields of one JSON object, in input order; names unescaped, values raw.
pub struct RawRecord<'a> {
    fields: Vec<(String, &'a RawValue)>,
}

/// Why a line is not a usable record. Messages name fields and columns, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    Malformed { column: usize },
    NotAnObject,
    /// A field given twice: which value to redact would be ambiguous, and the other could leak.
    DuplicateField(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Malformed { column } => write!(f, "malformed JSON at column {column}"),
            RecordError::NotAnObject => write!(f, "the record is not a JSON object"),
            RecordError::DuplicateField(name) => write!(f, "field `{name}` appears twice"),
        }
    }
}

impl<'a> RawRecord<'a> {
    pub fn parse(line: &'a str) -> Result<RawRecord<'a>, RecordError> {
        // A well-formed line that is not an object is the only "data" error: objects accept any field.
        let Fields(fields) = serde_json::from_str(line).map_err(|e| {
            if e.is_data() {
                RecordError::NotAnObject
            } else {
                RecordError::Malformed { column: e.column() }
            }
        })?;
        let mut seen = HashSet::new();
        if let Some((name, _)) = fields.iter().find(|(name, _)| !seen.insert(name.as_str())) {
            return Err(RecordError::DuplicateField(name.clone()));
        }
        Ok(RawRecord { fields })
    }

    /// The raw JSON text of field `name`.
    pub fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }

    /// The field names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(n, _)| n.as_str())
    }

    /// The record as one JSON line, each of `changes` (name, raw JSON value)
    /// replacing its field in place or, when the record lacks it, appended.
    pub fn to_json_with(&self, changes: &[(&str, &str)]) -> String {
        let mut fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(name, value)| {
                let changed = changes.iter().find(|(n, _)| n == name);
                (name.as_str(), changed.map_or(value.get(), |(_, v)| *v))
            })
            .collect();
        fields.extend(changes.iter().filter(|(n, _)| self.get(n).is_none()));
        json_object(&fields)
    }
}

/// The string a raw JSON value holds: `Ok(None)` when it is not a string, `Err`
/// when its escapes do not make text (a lone surrogate).
pub fn string_value(raw: &RawValue) -> Result<Option<String>, ()> {
    if !raw.get().starts_with('"') {
        return Ok(None);
    }
    serde_json::from_str(raw.get()).map(Some).map_err(drop)
}

/// A JSON object from (name, raw JSON value) pairs, in order, on one line.
pub fn json_object(fields: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(2 + fields.iter().map(|(n, v)| n.len() + v.len() + 4).sum::<usize>());
    out.push('{');
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(name).expect("a string serialises"));
        out.push(':');
        out.push_str(value);
    }
    out.push('}');
    out
}

/// Deserialises an object into its fields without interpreting the values.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields<'de>, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_values_come_out_as_written() {
        let line = r#"{"id":12345678901234567890123,"text":"x","dose":0.1000000000000000055511151231257827,"big":1e400,"name":"Ren\u00e9e","nested":{"a":[1, 2.50, {"b":null}]}}"#;
        let record = RawRecord::parse(line).unwrap();
        let out = record.to_json_with(&[("text", r#""[NAME]""#)]);
        assert_eq!(out, line.replace(r#""text":"x""#, r#""text":"[NAME]""#));
    }

    #[test]
    fn a_missing_change_is_appended_and_order_kept() {
        let record = RawRecord::parse(r#"{"b":1,"a":2}"#).unwrap();
        assert_eq!(record.to_json_with(&[("a", "3"), ("spans", "[]")]), r#"{"b":1,"a":3,"spans":[]}"#);
        assert_eq!(record.names().collect::<Vec<_>>(), ["b", "a"]);
    }

    #[test]
    fn bad_lines_are_classified_without_quoting_them() {
        assert_eq!(RawRecord::parse("not json").err(), Some(RecordError::Malformed { column: 2 }));
        assert_eq!(RawRecord::parse(r#"{"a":1} x"#).err(), Some(RecordError::Malformed { column: 9 }));
        assert_eq!(RawRecord::parse("[1,2]").err(), Some(RecordError::NotAnObject));
        assert_eq!(RawRecord::parse(r#""SSN 321-54-9876""#).err(), Some(RecordError::NotAnObject));
        let dup = RawRecord::parse(r#"{"text":"a","text":"SSN 321-54-9876"}"#).err().unwrap();
        assert_eq!(dup, RecordError::DuplicateField("text".into()));
        assert!(!dup.to_string().contains("321"));
    }

    #[test]
    fn string_values_are_unescaped_and_others_refused() {
        let record = RawRecord::parse(r#"{"s":"caf\u00e9\n","n":5,"bad":"\ud800"}"#).unwrap();
        assert_eq!(string_value(record.get("s").unwrap()), Ok(Some("café\n".to_string())));
        assert_eq!(string_value(record.get("n").unwrap()), Ok(None));
        assert_eq!(string_value(record.get("bad").unwrap()), Err(()));
    }
}
