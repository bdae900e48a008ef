//! Batch processing of JSONL and CSV corpora: parallel, in order, bounded in
//! memory, and never losing a record silently.
//!
//! Records are read in chunks, each chunk is processed on all cores with
//! rayon, and results are written in input order. A record that cannot be
//! processed (malformed JSON, a missing field, invalid UTF-8, over the size
//! limit, a detector failure) is reported by line number in the [`Summary`]
//! — fail closed: its text is never written out unredacted.

pub mod lines;
pub mod output;

use crate::engine::Engine;
use crate::offsets::spans_to_code_points;
use crate::span::Label;
use lines::{BoundedLines, Line};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

/// What to do with each record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Replace the text field with its redacted form; keep every other field.
    /// With `with_spans`, add the removed spans as `deid_spans`.
    Redact { with_spans: bool },
    /// Write `{"id": …, "spans": […]}` per record (code-point offsets), the evaluation contract.
    Detect,
}

/// How records are read.
#[derive(Clone, Debug)]
pub struct Options {
    pub mode: Mode,
    /// The JSON field or CSV column holding the text.
    pub field: String,
    /// The JSON field holding the record id (copied into detect output).
    pub id_field: String,
    /// Records longer than this many bytes are reported and skipped.
    pub max_record_bytes: usize,
    /// Records processed together in parallel; bounds memory.
    pub chunk_records: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Redact { with_spans: false },
            field: "text".into(),
            id_field: "id".into(),
            max_record_bytes: 64 << 20,
            chunk_records: 1024,
        }
    }
}

/// A record that could not be processed. `reason` never quotes the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub line: usize,
    pub reason: String,
}

/// What a batch run did: counts only, safe to print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: usize,
    pub succeeded: usize,
    pub characters: usize,
    pub removed: BTreeMap<Label, usize>,
    pub failures: Vec<Failure>,
}

impl Summary {
    fn add(&mut self, outcome: &Outcome) {
        self.records += 1;
        match &outcome.result {
            Ok(ok) => {
                self.succeeded += 1;
                self.characters += ok.characters;
                for label in &ok.labels {
                    *self.removed.entry(*label).or_default() += 1;
                }
            }
            Err(reason) => self.failures.push(Failure { line: outcome.line, reason: reason.clone() }),
        }
    }

    /// Identifiers removed across all labels.
    pub fn total_removed(&self) -> usize {
        self.removed.values().sum()
    }

    /// A human-readable report for the terminal (counts and line numbers, never text).
    pub fn render(&self) -> String {
        let mut s = format!(
            "deid: {} records, {} processed, {} failed, {} characters, {} identifiers removed\n",
            self.records,
            self.succeeded,
            self.failures.len(),
            self.characters,
            self.total_removed()
        );
        for (label, n) in &self.removed {
            s.push_str(&format!("  {label:<12} {n}\n"));
        }
        for f in &self.failures {
            s.push_str(&format!("  failed: line {}: {}\n", f.line, f.reason));
        }
        s
    }
}

struct Outcome {
    line: usize,
    /// The output line(s) to write, if any.
    output: Option<String>,
    result: Result<Processed, String>,
}

struct Processed {
    characters: usize,
    labels: Vec<Label>,
}

/// Processes a JSONL stream. `progress` is called with the input bytes consumed so far.
pub fn process_jsonl<R: BufRead, W: Write>(
    engine: &Engine,
    input: R,
    mut output: W,
    options: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut lines = BoundedLines::new(input, options.max_record_bytes);
    let mut consumed = 0u64;
    loop {
        let chunk: Vec<Line> = lines.by_ref().take(options.chunk_records).collect::<io::Result<_>>()?;
        if chunk.is_empty() {
            break;
        }
        consumed += chunk.iter().map(|l| l.bytes as u64).sum::<u64>();
        let outcomes: Vec<Outcome> = chunk.into_par_iter().map(|line| jsonl_record(engine, line, options)).collect();
        for outcome in &outcomes {
            if let Some(out) = &outcome.output {
                output.write_all(out.as_bytes())?;
                output.write_all(b"\n")?;
            }
            summary.add(outcome);
        }
        progress(consumed);
    }
    output.flush()?;
    Ok(summary)
}

fn jsonl_record(engine: &Engine, line: Line, options: &Options) -> Outcome {
    let number = line.number;
    let parsed = line
        .content
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| format!("malformed JSON at column {}", e.column())))
        .and_then(|v| match v {
            Value::Object(map) => Ok(map),
            _ => Err("the record is not a JSON object".to_string()),
        });
    let mut record = match parsed {
        Ok(map) => map,
        Err(reason) => return failed(number, options, None, reason),
    };
    let id = record.get(&options.id_field).cloned();
    let text = match record.get(&options.field) {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return failed(number, options, id, format!("field `{}` is not a string", options.field)),
        None => return failed(number, options, id, format!("missing field `{}`", options.field)),
    };
    let characters = text.chars().count();
    match options.mode {
        Mode::Detect => match engine.detect(&text) {
            Ok(spans) => {
                let labels = spans.iter().map(|s| s.label).collect();
                let mut out = Map::new();
                out.insert("id".into(), id.unwrap_or(Value::Null));
                out.insert("spans".into(), serde_json::to_value(spans_to_code_points(&text, &spans)).expect("spans serialise"));
                Outcome { line: number, output: Some(Value::Object(out).to_string()), result: Ok(Processed { characters, labels }) }
            }
            Err(e) => failed(number, options, id, e.to_string()),
        },
        Mode::Redact { with_spans } => match engine.redact(&text) {
            Ok(redacted) => {
                let labels = redacted.spans.iter().map(|s| s.label).collect();
                if with_spans {
                    let spans = spans_to_code_points(&text, &redacted.spans);
                    record.insert("deid_spans".into(), serde_json::to_value(spans).expect("spans serialise"));
                }
                record.insert(options.field.clone(), Value::String(redacted.text));
                Outcome { line: number, output: Some(Value::Object(record).to_string()), result: Ok(Processed { characters, labels }) }
            }
            Err(e) => failed(number, options, id, e.to_string()),
        },
    }
}

/// A failed record. In detect mode it still gets its output line (one per input
/// line, the evaluation's contract), carrying the error instead of spans; in
/// redact mode nothing is written for it: its text must not pass through.
fn failed(line: usize, options: &Options, id: Option<Value>, reason: String) -> Outcome {
    let output = (options.mode == Mode::Detect).then(|| {
        let mut out = Map::new();
        out.insert("id".into(), id.unwrap_or(Value::Null));
        out.insert("line".into(), Value::from(line));
        out.insert("error".into(), Value::String(reason.clone()));
        Value::Object(out).to_string()
    });
    Outcome { line, output, result: Err(reason) }
}

/// Processes a CSV stream with a header row, redacting the column `options.field`.
/// Only `Mode::Redact` is meaningful for CSV; spans are not added.
pub fn process_csv<R: io::Read, W: Write>(
    engine: &Engine,
    input: R,
    output: W,
    options: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Summary> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(input);
    let mut writer = csv::Writer::from_writer(output);
    let mut summary = Summary::default();
    let headers = reader.byte_headers().map_err(csv_io)?.clone();
    let Some(column) = headers.iter().position(|h| h == options.field.as_bytes()) else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("the CSV header has no column `{}`", options.field)));
    };
    writer.write_byte_record(&headers).map_err(csv_io)?;
    let mut records = reader.byte_records();
    loop {
        let mut chunk = Vec::with_capacity(options.chunk_records);
        for record in records.by_ref().take(options.chunk_records) {
            chunk.push(record);
        }
        if chunk.is_empty() {
            break;
        }
        let consumed = chunk.iter().rev().find_map(|r| r.as_ref().ok()?.position().map(|p| p.byte()));
        let outcomes: Vec<(Outcome, Option<csv::ByteRecord>)> =
            chunk.into_par_iter().map(|r| csv_record(engine, r, column, options)).collect();
        for (outcome, record) in &outcomes {
            if let Some(record) = record {
                writer.write_byte_record(record).map_err(csv_io)?;
            }
            summary.add(outcome);
        }
        if let Some(byte) = consumed {
            progress(byte);
        }
    }
    writer.flush()?;
    Ok(summary)
}

fn csv_record(
    engine: &Engine,
    record: Result<csv::ByteRecord, csv::Error>,
    column: usize,
    options: &Options,
) -> (Outcome, Option<csv::ByteRecord>) {
    let fail = |line: usize, reason: String| (Outcome { line, output: None, result: Err(reason) }, None);
    let record = match record {
        Ok(r) => r,
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line() as usize);
            let reason = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!("row has {len} fields, the header has {expected_len}"),
                _ => "malformed CSV row".to_string(),
            };
            return fail(line, reason);
        }
    };
    let line = record.position().map_or(0, |p| p.line() as usize);
    let Some(raw) = record.get(column) else {
        return fail(line, format!("missing column `{}`", options.field));
    };
    if raw.len() > options.max_record_bytes {
        return fail(line, format!("record longer than the limit of {} bytes", options.max_record_bytes));
    }
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => return fail(line, format!("invalid UTF-8 at byte {} of the field", e.valid_up_to())),
    };
    match engine.redact(text) {
        Ok(redacted) => {
            let labels = redacted.spans.iter().map(|s| s.label).collect();
            let out: csv::ByteRecord = record
                .iter()
                .enumerate()
                .map(|(i, f)| if i == column { redacted.text.as_bytes() } else { f })
                .collect();
            let outcome = Outcome { line, output: None, result: Ok(Processed { characters: text.chars().count(), labels }) };
            (outcome, Some(out))
        }
        Err(e) => fail(line, e.to_string()),
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    // csv errors can quote field content; keep only the position and kind.
    let position = e.position().map(|p| format!(" at line {}", p.line())).unwrap_or_default();
    io::Error::new(io::ErrorKind::InvalidData, format!("CSV error{position}"))
}
