//! Reading and validating labeled corpora and prediction files (`labels.md` JSONL).
//!
//! Every problem is an error naming the file, the line and the span's index
//! and offsets, never the text: corpora are PHI, and error messages end up in
//! CI logs. JSON is parsed to a `serde_json::Value` first and fields are read
//! by hand, because serde's own type errors quote the offending value.

use super::exempt;
use crate::error::{Error, Result};
use crate::span::Label;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A labeled span of a gold corpus, in code points.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    /// As the corpus writes it (`PATIENT`, `YEAR`, `RELATIVE`, or an age for transcripts' `AGE`).
    pub subtype: Option<String>,
    /// For `AGE`: the age read from `value`, `subtype` or the text.
    pub age: Option<u32>,
    /// Whether Safe Harbor requires removing it (`labels.md`); exempt spans leave recall.
    pub required: bool,
}

/// A non-PHI entity a corpus marks (`meta.other_spans`, presidio-synth): an organisation, a title.
/// It does not excuse a prediction — redacting a company name is over-redaction — but the
/// report says which false positives landed on one.
#[derive(Clone, Debug, PartialEq)]
pub struct OtherSpan {
    pub start: usize,
    pub end: usize,
    pub kind: String,
}

/// One gold document.
#[derive(Clone, Debug)]
pub struct GoldDoc {
    pub id: String,
    /// The text as code points: every offset in the harness indexes this.
    pub chars: Vec<char>,
    /// Sorted by start, disjoint.
    pub spans: Vec<GoldSpan>,
    pub other_spans: Vec<OtherSpan>,
    /// 1-based line in the corpus file.
    pub line: usize,
}

/// A labeled corpus file.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The file stem: `asq_phi`, `transcripts`.
    pub name: String,
    pub path: PathBuf,
    pub docs: Vec<GoldDoc>,
}

/// A predicted span, in code points, with whoever produced it (detector name or `source`).
#[derive(Clone, Debug, PartialEq)]
pub struct PredSpan {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub subtype: Option<String>,
    pub source: String,
}

fn at(file: &str, line: usize, msg: impl std::fmt::Display) -> Error {
    Error::input(format!("{file}:{line}: {msg}"))
}

/// Splits a file into (1-based line number, line) pairs, rejecting invalid UTF-8
/// and skipping blank lines (they hold nothing to skip).
fn lines<'a>(file: &str, bytes: &'a [u8]) -> Result<Vec<(usize, &'a str)>> {
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = std::str::from_utf8(raw)
            .map_err(|e| at(file, i + 1, format!("invalid UTF-8 at byte {} of the line", e.valid_up_to())))?;
        if !line.trim().is_empty() {
            out.push((i + 1, line));
        }
    }
    Ok(out)
}

fn parse_object(file: &str, line: usize, s: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(at(file, line, "expected a JSON object")),
        // Column only: serde's message could quote the line.
        Err(e) => Err(at(file, line, format!("malformed JSON at column {}", e.column()))),
    }
}

fn get_str<'a>(m: &'a Map<String, Value>, key: &str) -> std::result::Result<&'a str, String> {
    match m.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("field `{key}` must be a string")),
        None => Err(format!("missing field `{key}`")),
    }
}

fn get_opt_str<'a>(m: &'a Map<String, Value>, key: &str) -> std::result::Result<Option<&'a str>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("field `{key}` must be a string")),
    }
}

fn get_offset(m: &Map<String, Value>, key: &str) -> std::result::Result<usize, String> {
    match m.get(key) {
        Some(v) => {
            v.as_u64().map(|n| n as usize).ok_or_else(|| format!("field `{key}` must be a non-negative integer"))
        }
        None => Err(format!("missing field `{key}`")),
    }
}

fn get_array<'a>(m: &'a Map<String, Value>, key: &str) -> std::result::Result<&'a Vec<Value>, String> {
    match m.get(key) {
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("field `{key}` must be an array")),
        None => Err(format!("missing field `{key}`")),
    }
}

fn parse_label(s: &str) -> std::result::Result<Label, String> {
    // A label is vocabulary, not PHI, but an unknown one may be anything: name its length only when long.
    Label::parse(s).ok_or_else(|| {
        if s.len() <= 24 && s.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            format!("unknown label `{s}` (labels.md lists the 18 Safe Harbor labels)")
        } else {
            "unknown label (labels.md lists the 18 Safe Harbor labels)".to_string()
        }
    })
}

/// Reads and validates a gold corpus file.
pub fn load_corpus(path: &Path) -> Result<Corpus> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(format!("cannot read corpus {}: {e}", path.display())))?;
    parse_corpus(path, &bytes)
}

/// Validates a gold corpus: `labels.md`'s contract, plus a non-empty file and unique ids.
pub fn parse_corpus(path: &Path, bytes: &[u8]) -> Result<Corpus> {
    let file = path.display().to_string();
    let mut docs = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, s) in lines(&file, bytes)? {
        let doc = parse_gold_doc(&file, line, s)?;
        if let Some(first) = seen.insert(doc.id.clone(), line) {
            return Err(at(&file, line, format!("document id `{}` already used on line {first}", doc.id)));
        }
        docs.push(doc);
    }
    if docs.is_empty() {
        return Err(Error::input(format!("{file}: empty corpus (no documents)")));
    }
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| file.clone());
    Ok(Corpus { name, path: path.to_path_buf(), docs })
}

fn parse_gold_doc(file: &str, line: usize, s: &str) -> Result<GoldDoc> {
    let m = parse_object(file, line, s)?;
    let id = get_str(&m, "id").map_err(|e| at(file, line, e))?.to_string();
    let chars: Vec<char> =
        get_str(&m, "text").map_err(|e| at(file, line, format!("document `{id}`: {e}")))?.chars().collect();
    let raw_spans = get_array(&m, "spans").map_err(|e| at(file, line, format!("document `{id}`: {e}")))?;
    let mut spans = Vec::with_capacity(raw_spans.len());
    for (i, v) in raw_spans.iter().enumerate() {
        let span = parse_gold_span(&chars, v).map_err(|e| at(file, line, format!("document `{id}`, span {i}: {e}")))?;
        spans.push(span);
    }
    spans.sort_by_key(|s| (s.start, s.end));
    for w in spans.windows(2) {
        if w[1].start < w[0].end {
            return Err(at(
                file,
                line,
                format!(
                    "document `{id}`: gold spans {}..{} and {}..{} overlap",
                    w[0].start, w[0].end, w[1].start, w[1].end
                ),
            ));
        }
    }
    let other_spans =
        parse_other_spans(&m, chars.len()).map_err(|e| at(file, line, format!("document `{id}`: {e}")))?;
    Ok(GoldDoc { id, chars, spans, other_spans, line })
}

/// A span's object with its checked `start`, `end` and `label`.
type SpanFields<'a> = (&'a Map<String, Value>, usize, usize, Label);

/// The fields every span has, gold or predicted: an object with `start < end <= len`
/// (code points) and a known `label`.
fn span_bounds(v: &Value, len: usize) -> std::result::Result<SpanFields<'_>, String> {
    let m = v.as_object().ok_or("a span must be a JSON object")?;
    let start = get_offset(m, "start")?;
    let end = get_offset(m, "end")?;
    let label = parse_label(get_str(m, "label")?)?;
    if start >= end {
        return Err(format!("offsets {start}..{end}: empty or reversed span"));
    }
    if end > len {
        return Err(format!("offsets {start}..{end}: past the end of the text ({len} code points)"));
    }
    Ok((m, start, end, label))
}

fn parse_gold_span(chars: &[char], v: &Value) -> std::result::Result<GoldSpan, String> {
    let (m, start, end, label) = span_bounds(v, chars.len())?;
    let text = get_str(m, "text")?;
    if !text.chars().eq(chars[start..end].iter().copied()) {
        return Err(format!(
            "offsets {start}..{end}: span text does not match the document text at these offsets (code points)"
        ));
    }
    let subtype = get_opt_str(m, "subtype")?.map(str::to_string);
    let value = match m.get("value") {
        None | Some(Value::Null) => None,
        Some(v) => {
            Some(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or("field `value` must be a non-negative integer")?)
        }
    };
    let age = (label == Label::Age).then(|| exempt::read_age(value, subtype.as_deref(), text)).flatten();
    let required = exempt::is_required(label, subtype.as_deref(), age);
    // Corpora that state `required` must agree with labels.md's rules; a silent
    // disagreement would make our figures differ from any other scorer's.
    match m.get("required") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) if *b == required => {}
        Some(Value::Bool(b)) => {
            return Err(format!(
                "offsets {start}..{end}: `required` is {b} but labels.md's rules make this {} span {}",
                label,
                if required { "required" } else { "exempt" }
            ))
        }
        Some(_) => return Err("field `required` must be a boolean".into()),
    }
    Ok(GoldSpan { start, end, label, subtype, age, required })
}

fn parse_other_spans(m: &Map<String, Value>, len: usize) -> std::result::Result<Vec<OtherSpan>, String> {
    let Some(list) = m.get("meta").and_then(|meta| meta.get("other_spans")) else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("`meta.other_spans` must be an array")?;
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let o = v.as_object().ok_or_else(|| format!("meta.other_spans[{i}] must be an object"))?;
        let start = get_offset(o, "start").map_err(|e| format!("meta.other_spans[{i}]: {e}"))?;
        let end = get_offset(o, "end").map_err(|e| format!("meta.other_spans[{i}]: {e}"))?;
        if start > end || end > len {
            return Err(format!("meta.other_spans[{i}]: offsets {start}..{end} outside the text"));
        }
        let kind =
            get_opt_str(o, "type").map_err(|e| format!("meta.other_spans[{i}]: {e}"))?.unwrap_or("OTHER").to_string();
        out.push(OtherSpan { start, end, kind });
    }
    Ok(out)
}

/// Reads a prediction file (the output of `deid detect`) for `corpus`.
/// Returns one list of spans per gold document, in the corpus's order.
pub fn load_predictions(path: &Path, corpus: &Corpus) -> Result<Vec<Vec<PredSpan>>> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::input(format!("cannot read predictions {}: {e}", path.display())))?;
    parse_predictions(path, &bytes, corpus)
}

/// Validates predictions against the gold corpus: every line names a gold
/// document, no document twice, every gold document present (a missing line
/// is more likely a failed document than a document with nothing to find).
pub fn parse_predictions(path: &Path, bytes: &[u8], corpus: &Corpus) -> Result<Vec<Vec<PredSpan>>> {
    let file = path.display().to_string();
    let index: HashMap<&str, usize> = corpus.docs.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    let mut out: Vec<Option<Vec<PredSpan>>> = vec![None; corpus.docs.len()];
    for (line, s) in lines(&file, bytes)? {
        let m = parse_object(&file, line, s)?;
        let id = get_str(&m, "id").map_err(|e| at(&file, line, e))?;
        let &di = index.get(id).ok_or_else(|| {
            at(
                &file,
                line,
                format!("prediction for document `{id}`, which is not in the gold file {}", corpus.path.display()),
            )
        })?;
        if out[di].is_some() {
            return Err(at(&file, line, format!("second prediction line for document `{id}`")));
        }
        let len = corpus.docs[di].chars.len();
        let raw = get_array(&m, "spans").map_err(|e| at(&file, line, format!("document `{id}`: {e}")))?;
        let mut spans = Vec::with_capacity(raw.len());
        for (i, v) in raw.iter().enumerate() {
            let span =
                parse_pred_span(v, len).map_err(|e| at(&file, line, format!("document `{id}`, span {i}: {e}")))?;
            spans.push(span);
        }
        spans.sort_by_key(|s| (s.start, s.end));
        out[di] = Some(spans);
    }
    if out.iter().all(Option::is_none) {
        return Err(Error::input(format!("{file}: empty prediction file (no documents)")));
    }
    out.into_iter()
        .enumerate()
        .map(|(i, o)| {
            o.ok_or_else(|| {
                Error::input(format!(
                    "{file}: no prediction line for document `{}` (line {} of {})",
                    corpus.docs[i].id,
                    corpus.docs[i].line,
                    corpus.path.display()
                ))
            })
        })
        .collect()
}

fn parse_pred_span(v: &Value, len: usize) -> std::result::Result<PredSpan, String> {
    let (m, start, end, label) = span_bounds(v, len)?;
    let subtype = get_opt_str(m, "subtype")?.map(str::to_string);
    let source = get_opt_str(m, "source")?.unwrap_or("unknown").to_string();
    Ok(PredSpan { start, end, label, subtype, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(s: &str) -> Result<Corpus> {
        parse_corpus(Path::new("gold.jsonl"), s.as_bytes())
    }

    const DOC: &str = r#"{"id":"d1","text":"Zoë Ünal called","spans":[{"start":0,"end":8,"label":"NAME","subtype":"PATIENT","text":"Zoë Ünal"}]}"#;

    #[test]
    fn reads_code_point_offsets() {
        let c = corpus(DOC).unwrap();
        assert_eq!(c.name, "gold");
        assert_eq!(c.docs[0].spans[0].end, 8, "8 code points, 10 bytes");
        assert!(c.docs[0].spans[0].required);
    }

    fn err(s: &str) -> String {
        corpus(s).unwrap_err().to_string()
    }

    #[test]
    fn text_mismatch_is_reported_without_the_text() {
        let bad = DOC.replace(r#""end":8"#, r#""end":7"#);
        let e = err(&format!("\n{bad}"));
        assert!(e.starts_with("gold.jsonl:2: document `d1`, span 0: offsets 0..7: span text does not match"), "{e}");
        assert!(!e.contains("Zo"), "no PHI in errors: {e}");
    }

    #[test]
    fn byte_offsets_are_caught() {
        // 10 bytes is what a byte-offset writer would put; the text check catches it.
        let e = err(&DOC.replace(r#""end":8"#, r#""end":10"#));
        assert!(e.contains("offsets 0..10"), "{e}");
    }

    #[test]
    fn overlapping_gold_spans() {
        let s = r#"{"id":"d","text":"John Smith","spans":[{"start":0,"end":4,"label":"NAME","text":"John"},{"start":2,"end":10,"label":"NAME","text":"hn Smith"}]}"#;
        let e = err(s);
        assert!(e.contains("gold.jsonl:1") && e.contains("0..4 and 2..10 overlap"), "{e}");
        assert!(!e.contains("John"));
    }

    #[test]
    fn unknown_label() {
        let e = err(&DOC.replace("\"NAME\"", "\"PERSON\""));
        assert!(e.contains("gold.jsonl:1") && e.contains("unknown label `PERSON`"), "{e}");
    }

    #[test]
    fn empty_corpus() {
        assert_eq!(err("\n  \n"), "gold.jsonl: empty corpus (no documents)");
    }

    #[test]
    fn malformed_json_names_the_line_not_the_content() {
        let e = err(&format!("{DOC}\n{{\"id\": \"secret Smith\", \"text\": }}"));
        assert!(e.starts_with("gold.jsonl:2: malformed JSON at column"), "{e}");
        assert!(!e.contains("Smith"));
        // serde would quote a wrongly typed value; we do not.
        let e = err(r#"{"id":"d","text":"x","spans":[{"start":"Smith","end":1,"label":"NAME","text":"x"}]}"#);
        assert!(e.contains("`start` must be a non-negative integer") && !e.contains("Smith"), "{e}");
    }

    #[test]
    fn invalid_utf8() {
        let mut bytes = DOC.as_bytes().to_vec();
        bytes.extend_from_slice(b"\n{\"id\":\"d2\",\"text\":\"\xff\"}");
        let e = parse_corpus(Path::new("gold.jsonl"), &bytes).unwrap_err().to_string();
        assert_eq!(e, "gold.jsonl:2: invalid UTF-8 at byte 19 of the line");
    }

    #[test]
    fn duplicate_ids_and_missing_fields() {
        assert!(err(&format!("{DOC}\n{DOC}")).contains("gold.jsonl:2: document id `d1` already used on line 1"));
        assert!(err(r#"{"id":"d","text":"x"}"#).contains("missing field `spans`"));
    }

    #[test]
    fn required_flag_must_agree_with_the_rules() {
        let ok = r#"{"id":"d","text":"she is 52","spans":[{"start":7,"end":9,"label":"AGE","subtype":"52","value":52,"required":false,"text":"52"}]}"#;
        assert!(!corpus(ok).unwrap().docs[0].spans[0].required);
        let e = err(&ok.replace("\"required\":false", "\"required\":true"));
        assert!(e.contains("`required` is true but labels.md's rules make this AGE span exempt"), "{e}");
    }

    #[test]
    fn predictions_are_checked_against_the_gold_ids() {
        let c = corpus(DOC).unwrap();
        let p = |s: &str| parse_predictions(Path::new("pred.jsonl"), s.as_bytes(), &c).map_err(|e| e.to_string());
        let good =
            p(r#"{"id":"d1","spans":[{"start":4,"end":8,"label":"NAME","score":0.9,"source":"dictionary"}]}"#).unwrap();
        assert_eq!(good[0][0].source, "dictionary");
        let e = p(r#"{"id":"zz","spans":[]}"#).unwrap_err();
        assert!(e.starts_with("pred.jsonl:1: prediction for document `zz`, which is not in the gold file"), "{e}");
        let e = p("\n").unwrap_err();
        assert!(e.contains("empty prediction file"), "{e}");
        let e = p(r#"{"id":"d1","spans":[{"start":4,"end":99,"label":"NAME"}]}"#).unwrap_err();
        assert!(e.contains("pred.jsonl:1: document `d1`, span 0: offsets 4..99: past the end"), "{e}");
        let e = p(r#"{"id":"d1","spans":[{"start":4,"end":8,"label":"NAMES"}]}"#).unwrap_err();
        assert!(e.contains("unknown label `NAMES`"), "{e}");
        let two = format!("{}\n{}", r#"{"id":"d1","spans":[]}"#, r#"{"id":"d1","spans":[]}"#);
        assert!(p(&two).unwrap_err().contains("pred.jsonl:2: second prediction line"));
        let c2 = corpus(&format!("{DOC}\n{}", DOC.replace("\"d1\"", "\"d2\""))).unwrap();
        let e = parse_predictions(Path::new("pred.jsonl"), br#"{"id":"d1","spans":[]}"#, &c2).unwrap_err().to_string();
        assert!(e.contains("no prediction line for document `d2`"), "{e}");
    }
}
