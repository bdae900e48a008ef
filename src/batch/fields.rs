//! Which fields of a record hold text: the `--field` names (repeatable), with
//! dotted paths into nested JSON objects, and rewriting a JSONL record with
//! new values at those paths while every other value stays as written.
//!
//! `--field meta.note` reads `note` inside the object `meta`. A key that itself
//! holds dots is matched whole first: at each level the longest run of the
//! path's parts that names a key is taken, so a record with a top-level key
//! `meta.note` has that read, not `note` inside `meta`. CSV columns are matched
//! by their whole name.

use super::record::{RawRecord, RecordError};
use serde_json::value::RawValue;
use std::fmt;

/// A field as named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    name: String,
    parts: Vec<String>,
}

impl FieldPath {
    /// A field name or dotted path; the empty name is refused.
    pub fn new(name: &str) -> Result<FieldPath, String> {
        if name.is_empty() {
            return Err("--field needs a name".into());
        }
        Ok(FieldPath { name: name.to_string(), parts: name.split('.').map(String::from).collect() })
    }

    /// The name as given (a CSV column's whole name).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The fields named by repeated `--field` options; a name given twice is refused
/// (it would be redacted twice, or read twice into `detect`'s output).
pub fn parse_fields(names: &[String]) -> Result<Vec<FieldPath>, String> {
    let mut fields: Vec<FieldPath> = Vec::with_capacity(names.len());
    for name in names {
        if fields.iter().any(|f| f.name == *name) {
            return Err(format!("--field `{name}` is given twice"));
        }
        fields.push(FieldPath::new(name)?);
    }
    if fields.is_empty() {
        return Err("--field needs a name".into());
    }
    Ok(fields)
}

/// A field found in a record: the keys leading to it, and its raw JSON value.
#[derive(Debug)]
pub struct Found<'a> {
    pub keys: Vec<String>,
    pub value: &'a RawValue,
}

/// Why a field is not in a record. Names only, never values.
#[derive(Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// No key matches the rest of the path in the object at `within` (the keys
    /// leading to it joined by dots; empty for the record itself), whose field
    /// names are `names`.
    Missing { within: String, names: Vec<String> },
    /// The value at `at` is not an object, so the path cannot go on into it.
    NotAnObject { at: String },
    /// A nested object on the path cannot be used (it names a field twice).
    Record(RecordError),
}

/// Finds `path` in `record`, taking at each level the longest run of parts that names a key.
pub fn resolve<'a>(record: &RawRecord<'a>, path: &FieldPath) -> Result<Found<'a>, Unresolved> {
    let mut parts = &path.parts[..];
    let mut keys: Vec<String> = Vec::new();
    let mut nested: RawRecord<'a>;
    let mut object = record;
    loop {
        let matched = (1..=parts.len()).rev().find_map(|n| {
            let key = parts[..n].join(".");
            object.get(&key).map(|value| (n, key, value))
        });
        let Some((n, key, value)) = matched else {
            return Err(Unresolved::Missing { within: keys.join("."), names: object.names().map(String::from).collect() });
        };
        keys.push(key);
        parts = &parts[n..];
        if parts.is_empty() {
            return Ok(Found { keys, value });
        }
        nested = match RawRecord::parse(value.get()) {
            Ok(inner) => inner,
            Err(RecordError::NotAnObject) => return Err(Unresolved::NotAnObject { at: keys.join(".") }),
            Err(e) => return Err(Unresolved::Record(e)),
        };
        object = &nested;
    }
}

/// The record as one JSON line with each change (the keys leading to a field,
/// its new raw JSON value) made in place: a nested object holding a change is
/// rewritten the same way, and every value not changed is copied as written.
/// A top-level key the record lacks is appended. Each change's path must have
/// been found by [`resolve`] (all but its last key name objects).
pub fn rewrite(record: &RawRecord, changes: &[(&[String], &str)]) -> String {
    let mut done: Vec<(&str, String)> = Vec::new();
    for (keys, value) in changes {
        let first = keys[0].as_str();
        if done.iter().any(|(k, _)| *k == first) {
            continue;
        }
        let inner: Vec<(&[String], &str)> =
            changes.iter().filter(|(k, _)| k.len() > 1 && k[0] == first).map(|(k, v)| (&k[1..], *v)).collect();
        let new_value = match (keys.len(), record.get(first).map(|raw| RawRecord::parse(raw.get()))) {
            (1, _) => value.to_string(),
            (_, Some(Ok(nested))) => rewrite(&nested, &inner),
            _ => unreachable!("a nested change's path was resolved to objects"),
        };
        done.push((first, new_value));
    }
    let changes: Vec<(&str, &str)> = done.iter().map(|(k, v)| (*k, v.as_str())).collect();
    record.to_json_with(&changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(name: &str) -> FieldPath {
        FieldPath::new(name).unwrap()
    }

    #[test]
    fn a_dotted_path_reads_a_nested_field() {
        let record = RawRecord::parse(r#"{"id":1,"meta":{"site":"east","note":"call 617-555-0199"}}"#).unwrap();
        let found = resolve(&record, &path("meta.note")).unwrap();
        assert_eq!(found.keys, ["meta", "note"]);
        assert_eq!(found.value.get(), r#""call 617-555-0199""#);
    }

    #[test]
    fn a_key_with_dots_is_matched_whole_first() {
        let record = RawRecord::parse(r#"{"meta.note":"whole","meta":{"note":"nested","a.b":{"c":"deep"}}}"#).unwrap();
        assert_eq!(resolve(&record, &path("meta.note")).unwrap().keys, ["meta.note"]);
        // At a nested level too: `a.b` inside `meta` is one key.
        let found = resolve(&record, &path("meta.a.b.c")).unwrap();
        assert_eq!(found.keys, ["meta", "a.b", "c"]);
        assert_eq!(found.value.get(), r#""deep""#);
    }

    #[test]
    fn a_missing_field_names_the_object_searched_last() {
        let record = RawRecord::parse(r#"{"id":1,"meta":{"site":"east"},"n":5}"#).unwrap();
        assert_eq!(resolve(&record, &path("text")).unwrap_err(), Unresolved::Missing { within: "".into(), names: vec!["id".into(), "meta".into(), "n".into()] });
        assert_eq!(resolve(&record, &path("meta.note")).unwrap_err(), Unresolved::Missing { within: "meta".into(), names: vec!["site".into()] });
        assert_eq!(resolve(&record, &path("n.x")).unwrap_err(), Unresolved::NotAnObject { at: "n".into() });
        let dup = RawRecord::parse(r#"{"meta":{"note":"a","note":"b"}}"#).unwrap();
        assert_eq!(resolve(&dup, &path("meta.note")).unwrap_err(), Unresolved::Record(RecordError::DuplicateField("note".into())));
    }

    #[test]
    fn rewriting_changes_only_the_named_values() {
        let line = r#"{"id":12345678901234567890123,"meta":{"big":1e400,"note":"x","who":"Ren\u00e9e"},"name":"y","t":[1, 2.50]}"#;
        let record = RawRecord::parse(line).unwrap();
        let note = resolve(&record, &path("meta.note")).unwrap().keys;
        let name = resolve(&record, &path("name")).unwrap().keys;
        let spans = vec!["deid_spans".to_string()];
        let out = rewrite(&record, &[(&note, r#""[PHONE]""#), (&name, r#""[NAME]""#), (&spans, "[]")]);
        assert_eq!(out, r#"{"id":12345678901234567890123,"meta":{"big":1e400,"note":"[PHONE]","who":"Ren\u00e9e"},"name":"[NAME]","t":[1, 2.50],"deid_spans":[]}"#);
    }

    #[test]
    fn two_fields_in_one_nested_object_are_both_changed() {
        let record = RawRecord::parse(r#"{"meta":{"a":"1","k":0,"b":"2"}}"#).unwrap();
        let a = resolve(&record, &path("meta.a")).unwrap().keys;
        let b = resolve(&record, &path("meta.b")).unwrap().keys;
        assert_eq!(rewrite(&record, &[(&a, r#""A""#), (&b, r#""B""#)]), r#"{"meta":{"a":"A","k":0,"b":"B"}}"#);
    }

    #[test]
    fn field_names_are_checked() {
        assert_eq!(parse_fields(&["a".into(), "b.c".into()]).unwrap().len(), 2);
        assert!(parse_fields(&["a".into(), "a".into()]).unwrap_err().contains("given twice"));
        assert!(parse_fields(&["".into()]).is_err());
    }
}
