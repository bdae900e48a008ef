//! Batch processing of JSONL and CSV corpora: parallel, in order, bounded in
//! memory, and never losing a record silently.
//!
//! Records are read in chunks, each chunk is processed on all cores with
//! rayon, and results are written in input order. A record that cannot be
//! processed (malformed JSON, a missing field, invalid UTF-8, over the size
//! limit, a detector failure) is reported by line number in the [`Summary`]
//! — fail closed: its text is never written out unredacted. Blank lines are
//! skipped (they still count in line numbers), a leading byte-order mark is
//! dropped, and input that is clearly not text (a Parquet file, a NUL byte)
//! or a `--field` that no record has stops the run with one error.

pub mod csv_records;
pub mod lines;
pub mod output;
pub mod record;

use crate::engine::Engine;
use crate::offsets::spans_to_code_points;
use crate::span::Label;
use csv_records::{CsvChunk, CsvChunks};
use lines::{BoundedLines, Line};
use rayon::prelude::*;
use record::{json_object, string_value, RawRecord};
use serde_json::value::RawValue;
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

/// The default record size limit. Processing one record peaks at about 30 times
/// its size (patterns and dictionaries on dense PHI: spans, candidates, offsets)
/// and its time grows faster than its size, so a limit of 64 MiB let one record
/// take gigabytes; 8 MiB is far above any clinical note or visit transcript.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 8 << 20;

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
    /// The JSON field or CSV column naming each record's group (a patient id): with
    /// surrogates and a key, a group's records share their fakes and date offset.
    pub group_field: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Redact { with_spans: false },
            field: "text".into(),
            id_field: "id".into(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            chunk_records: 1024,
            group_field: None,
        }
    }
}

/// A record that could not be processed. `reason` never quotes the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub line: usize,
    /// The record's last line: a CSV record can span lines.
    pub last_line: usize,
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
            Err(reason) => self.failures.push(Failure { line: outcome.line, last_line: outcome.last_line, reason: reason.clone() }),
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
            if f.last_line > f.line {
                s.push_str(&format!("  failed: lines {}-{}: {}\n", f.line, f.last_line, f.reason));
            } else {
                s.push_str(&format!("  failed: line {}: {}\n", f.line, f.reason));
            }
        }
        s
    }
}

struct Outcome {
    line: usize,
    last_line: usize,
    /// The output line(s) to write, if any.
    output: Option<String>,
    result: Result<Processed, String>,
    /// When the text field is missing: the fields the record has (names only).
    fields_present: Option<Vec<String>>,
}

impl Outcome {
    fn new(line: usize, output: Option<String>, result: Result<Processed, String>) -> Outcome {
        Outcome { line, last_line: line, output, result, fields_present: None }
    }
}

/// Records in a row without the text field after which `--field` is taken to be wrong.
const MISSING_FIELD_STOP: usize = 10;

struct Processed {
    characters: usize,
    labels: Vec<Label>,
}

/// Processes a JSONL stream. `progress` is called with the input bytes consumed so far.
pub fn process_jsonl<R: BufRead, W: Write>(
    engine: &Engine,
    mut input: R,
    mut output: W,
    options: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Summary> {
    refuse_binary(&mut input)?;
    let mut summary = Summary::default();
    let mut lines = BoundedLines::new(input, options.max_record_bytes);
    let mut consumed = 0u64;
    let mut missing_in_a_row = 0;
    loop {
        let chunk: Vec<Line> = lines.by_ref().take(options.chunk_records).collect::<io::Result<_>>()?;
        if chunk.is_empty() {
            break;
        }
        consumed += chunk.iter().map(|l| l.bytes as u64).sum::<u64>();
        // Blank lines are no records (as over HTTP NDJSON); the reader keeps counting them.
        let records: Vec<Line> = chunk.into_iter().filter(|l| !l.content.as_ref().is_ok_and(|c| c.trim_ascii().is_empty())).collect();
        let outcomes: Vec<Outcome> = records.into_par_iter().map(|line| jsonl_record(engine, line, options)).collect();
        for outcome in &outcomes {
            match &outcome.fields_present {
                Some(_) => missing_in_a_row += 1,
                None => missing_in_a_row = 0,
            }
            if missing_in_a_row == MISSING_FIELD_STOP {
                let fields = outcome.fields_present.as_deref().unwrap_or_default();
                return Err(wrong_field(&options.field, outcome.line, fields));
            }
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

/// The error that stops a run whose records lack the text field: most likely `--field` is wrong.
fn wrong_field(field: &str, line: usize, fields: &[String]) -> io::Error {
    const SHOWN: usize = 20;
    let mut names: Vec<String> = fields.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if fields.len() > SHOWN {
        names.push(format!("and {} more", fields.len() - SHOWN));
    }
    let names = if names.is_empty() { "no fields".to_string() } else { names.join(", ") };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{MISSING_FIELD_STOP} records in a row have no field `{field}` (the last on line {line}, whose fields are {names}): stopped; name the text field with --field"
        ),
    )
}

/// Stops at input that is clearly not text — a NUL byte or the signature of a
/// binary format in the first block — instead of failing every line of it.
/// Invalid UTF-8 alone is not enough: a text file with one bad record gets that
/// record reported and the rest processed.
fn refuse_binary<R: BufRead>(input: &mut R) -> io::Result<()> {
    const FORMATS: [(&[u8], &str); 4] =
        [(b"PAR1", "a Parquet file"), (b"\x1f\x8b", "gzip-compressed"), (b"PK\x03\x04", "a ZIP archive"), (b"\x28\xb5\x2f\xfd", "zstd-compressed")];
    let block = input.fill_buf()?;
    let block = &block[..block.len().min(8192)];
    let what = match FORMATS.iter().find(|(magic, _)| block.starts_with(magic)) {
        Some((_, name)) => name.to_string(),
        None if block.contains(&0) => "binary (it holds a NUL byte)".to_string(),
        None => return Ok(()),
    };
    Err(io::Error::new(io::ErrorKind::InvalidData, format!("the input is {what}, not JSONL or CSV text")))
}

fn jsonl_record(engine: &Engine, line: Line, options: &Options) -> Outcome {
    let number = line.number;
    let content = match line.content {
        Ok(content) => content,
        Err(e) => return failed(number, options, None, e.to_string()),
    };
    let record = match RawRecord::parse(&content) {
        Ok(record) => record,
        Err(e) => return failed(number, options, None, e.to_string()),
    };
    let id = record.get(&options.id_field);
    let text = match record.get(&options.field).map(string_value) {
        Some(Ok(Some(text))) => text,
        Some(Ok(None)) => return failed(number, options, id, format!("field `{}` is not a string", options.field)),
        Some(Err(())) => return failed(number, options, id, format!("field `{}` holds an escape that is not text", options.field)),
        None => {
            let fields_present = Some(record.names().map(String::from).collect());
            return Outcome { fields_present, ..failed(number, options, id, format!("missing field `{}`", options.field)) };
        }
    };
    let group = match options.group_field.as_deref().map(|f| (f, record.get(f))) {
        None => None,
        // A string's value, anything else as written (`123`): the group is a key, not text.
        Some((_, Some(raw))) => Some(string_value(raw).ok().flatten().unwrap_or_else(|| raw.get().to_string())),
        Some((f, None)) => return failed(number, options, id, format!("missing group field `{f}`")),
    };
    let characters = text.chars().count();
    match options.mode {
        Mode::Detect => match engine.detect(&text) {
            Ok(spans) => {
                let labels = spans.iter().map(|s| s.label).collect();
                let spans = to_json(&spans_to_code_points(&text, &spans));
                let out = json_object(&[("id", id.map_or("null", RawValue::get)), ("spans", &spans)]);
                Outcome::new(number, Some(out), Ok(Processed { characters, labels }))
            }
            Err(e) => failed(number, options, id, e.to_string()),
        },
        Mode::Redact { with_spans } => match engine.redact_in_group(&text, group.as_deref()) {
            Ok(redacted) => {
                let labels = redacted.spans.iter().map(|s| s.label).collect();
                let new_text = to_json(&redacted.text);
                let spans = with_spans.then(|| to_json(&spans_to_code_points(&text, &redacted.spans)));
                let mut changes = vec![(options.field.as_str(), new_text.as_str())];
                changes.extend(spans.as_deref().map(|spans| ("deid_spans", spans)));
                let out = record.to_json_with(&changes);
                Outcome::new(number, Some(out), Ok(Processed { characters, labels }))
            }
            Err(e) => failed(number, options, id, e.to_string()),
        },
    }
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("strings and spans serialise")
}

/// A failed record. In detect mode it still gets its output line (one per input
/// line, the evaluation's contract), carrying the error instead of spans; in
/// redact mode nothing is written for it: its text must not pass through.
fn failed(line: usize, options: &Options, id: Option<&RawValue>, reason: String) -> Outcome {
    let output = (options.mode == Mode::Detect)
        .then(|| json_object(&[("id", id.map_or("null", RawValue::get)), ("line", &line.to_string()), ("error", &to_json(&reason))]));
    Outcome::new(line, output, Err(reason))
}

/// Processes a CSV stream with a header row, redacting the column `options.field`.
/// Only `Mode::Redact` is meaningful for CSV; spans are not added. Records are cut
/// by [`CsvChunks`] (the size limit applies while reading) and parsed one by one.
pub fn process_csv<R: BufRead, W: Write>(
    engine: &Engine,
    mut input: R,
    output: W,
    options: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Summary> {
    refuse_binary(&mut input)?;
    let mut chunks = CsvChunks::new(input, options.max_record_bytes);
    let header = chunks.next().transpose()?;
    let header = match header.map(|h| h.content.map(|bytes| parse_row(&bytes))) {
        None => return Ok(Summary::default()),
        Some(Ok(Ok(Some(header)))) => header,
        Some(Err(e)) => return Err(invalid_header(e.to_string())),
        Some(Ok(Ok(None))) => return Err(invalid_header("it is blank".into())),
        Some(Ok(Err(e))) => return Err(invalid_header(e)),
    };
    let Some(column) = header.iter().position(|h| h == options.field.as_bytes()) else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("the CSV header has no column `{}`", options.field)));
    };
    let group = match options.group_field.as_deref() {
        None => None,
        Some(f) => match header.iter().position(|h| h == f.as_bytes()) {
            Some(i) => Some(i),
            None => return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("the CSV header has no column `{f}`"))),
        },
    };
    let mut writer = csv::Writer::from_writer(output);
    writer.write_byte_record(&header).map_err(csv_io)?;
    let mut summary = Summary::default();
    loop {
        let chunk: Vec<CsvChunk> = chunks.by_ref().take(options.chunk_records).collect::<io::Result<_>>()?;
        let Some(consumed) = chunk.last().map(|c| c.consumed) else {
            break;
        };
        let outcomes: Vec<Option<(Outcome, Option<csv::ByteRecord>)>> =
            chunk.into_par_iter().map(|c| csv_record(engine, c, header.len(), column, group)).collect();
        for (outcome, record) in outcomes.iter().flatten() {
            if let Some(record) = record {
                writer.write_byte_record(record).map_err(csv_io)?;
            }
            summary.add(outcome);
        }
        progress(consumed);
    }
    writer.flush()?;
    Ok(summary)
}

fn invalid_header(why: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("the CSV header (line 1) cannot be read: {why}"))
}

/// Parses one record cut by [`CsvChunks`]: `None` for a blank line.
fn parse_row(bytes: &[u8]) -> Result<Option<csv::ByteRecord>, String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut rows = reader.byte_records();
    let first = rows.next().transpose().map_err(|_| "malformed CSV row".to_string())?;
    if rows.next().is_some() {
        return Err("a carriage return outside quotes splits the row".into());
    }
    Ok(first)
}

/// One CSV record's outcome and its redacted row; `None` for a blank line, which is no record.
fn csv_record(engine: &Engine, chunk: CsvChunk, columns: usize, column: usize, group: Option<usize>) -> Option<(Outcome, Option<csv::ByteRecord>)> {
    let fail = |reason: String| Some((Outcome { last_line: chunk.last_line, ..Outcome::new(chunk.first_line, None, Err(reason)) }, None));
    let bytes = match &chunk.content {
        Ok(bytes) => bytes,
        Err(e) => return fail(e.to_string()),
    };
    let record = match parse_row(bytes) {
        Ok(Some(record)) => record,
        Ok(None) => return None,
        Err(reason) => return fail(reason),
    };
    if record.len() != columns {
        return fail(format!("row has {} fields, the header has {columns}", record.len()));
    }
    let text = match std::str::from_utf8(&record[column]) {
        Ok(t) => t,
        Err(e) => return fail(format!("invalid UTF-8 at byte {} of the field", e.valid_up_to())),
    };
    let group = match group.map(|g| std::str::from_utf8(&record[g])) {
        None => None,
        Some(Ok(g)) => Some(g),
        Some(Err(e)) => return fail(format!("invalid UTF-8 at byte {} of the group field", e.valid_up_to())),
    };
    match engine.redact_in_group(text, group) {
        Ok(redacted) => {
            let labels = redacted.spans.iter().map(|s| s.label).collect();
            let out: csv::ByteRecord =
                record.iter().enumerate().map(|(i, f)| if i == column { redacted.text.as_bytes() } else { f }).collect();
            let processed = Processed { characters: text.chars().count(), labels };
            Some((Outcome { last_line: chunk.last_line, ..Outcome::new(chunk.first_line, None, Ok(processed)) }, Some(out)))
        }
        Err(e) => fail(e.to_string()),
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    // csv errors can quote field content; keep only the position and kind.
    let position = e.position().map(|p| format!(" at line {}", p.line())).unwrap_or_default();
    io::Error::new(io::ErrorKind::InvalidData, format!("CSV error{position}"))
}
