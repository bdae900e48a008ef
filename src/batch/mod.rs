//! Batch processing of JSONL and CSV corpora: parallel, in order, bounded in
//! memory, and never losing a record silently.
//!
//! Records are read in chunks, each chunk is processed on all cores with
//! rayon, and results are written in input order. Several fields of a record
//! can be redacted (`--field` repeated; dotted paths into nested JSON, see
//! [`fields`]); a record fails whole when one of them cannot be read. A record that cannot be
//! processed (malformed JSON, a missing field, invalid UTF-8, over the size
//! limit, a detector failure) is reported by line number in the [`Summary`]
//! — fail closed: its text is never written out unredacted. Blank lines are
//! skipped (they still count in line numbers), a leading byte-order mark is
//! dropped, and input that is clearly not text (a Parquet file, a NUL byte)
//! or a `--field` that no record has stops the run with one error.

pub mod csv_records;
pub mod fields;
pub mod lines;
pub mod output;
pub mod progress;
pub mod record;

use crate::engine::Engine;
use crate::offsets::spans_to_code_points;
use crate::span::Label;
use crate::offsets::SpanOut;
use csv_records::{CsvChunk, CsvChunks};
use fields::{FieldPath, Unresolved};
use lines::{BoundedLines, Line};
use progress::Progress;
use rayon::prelude::*;
use record::{json_object, string_value, RawRecord};
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};

/// What to do with each record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Replace each text field with its redacted form; keep every other field.
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
    /// The JSON fields (dotted paths into nested objects) or CSV columns holding text, at least one.
    pub fields: Vec<FieldPath>,
    /// The JSON field holding the record id (copied into detect output).
    pub id_field: String,
    /// Records longer than this many bytes are reported and skipped.
    pub max_record_bytes: usize,
    /// Records processed together in parallel; bounds memory.
    pub chunk_records: usize,
    /// The JSON field or CSV column naming each record's group (a patient id): with
    /// surrogates and a key, a group's records share their fakes and date offset.
    /// A dotted path into nested JSON like [`Options::fields`]; a CSV column by its whole name.
    pub group_field: Option<FieldPath>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Redact { with_spans: false },
            fields: vec![FieldPath::new("text").expect("a valid name")],
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
    /// Each field read, in `--field` order, with the identifiers found in it.
    pub fields: Vec<(String, usize)>,
    /// Whether the fields were redacted (`redact`) or only read (`detect`).
    pub redacted: bool,
}

impl Summary {
    /// An empty summary for a run with `options`.
    pub fn new(options: &Options) -> Summary {
        Summary {
            fields: options.fields.iter().map(|f| (f.name().to_string(), 0)).collect(),
            redacted: matches!(options.mode, Mode::Redact { .. }),
            ..Summary::default()
        }
    }

    fn add(&mut self, outcome: &Outcome) {
        self.records += 1;
        match &outcome.result {
            Ok(ok) => {
                self.succeeded += 1;
                self.characters += ok.characters;
                for (field, label) in &ok.labels {
                    *self.removed.entry(*label).or_default() += 1;
                    if let Some((_, n)) = self.fields.get_mut(*field) {
                        *n += 1;
                    }
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
        if !self.fields.is_empty() {
            let fields: Vec<String> = self.fields.iter().map(|(name, n)| format!("`{name}` ({n} identifier{})", if *n == 1 { "" } else { "s" })).collect();
            let verb = if self.redacted { "redacted" } else { "read" };
            s.push_str(&format!("  fields {verb}: {}\n", fields.join(", ")));
        }
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
    /// The fields the record was read for but lacks (empty when it was not read at all).
    missing: Vec<Missing>,
}

impl Outcome {
    fn new(line: usize, output: Option<String>, result: Result<Processed, String>) -> Outcome {
        Outcome { line, last_line: line, output, result, missing: Vec::new() }
    }
}

/// A `--field` a record lacks: its index in [`Options::fields`], and where the path
/// stopped (the object searched last, by its keys, and that object's field names).
struct Missing {
    field: usize,
    within: String,
    names: Vec<String>,
}

/// Records in a row without a field after which that `--field` is taken to be wrong.
const MISSING_FIELD_STOP: usize = 10;

struct Processed {
    characters: usize,
    /// Each identifier found: the index of its field, and its label.
    labels: Vec<(usize, Label)>,
}

/// Processes a JSONL stream, counting each record in `progress` as it finishes.
pub fn process_jsonl<R: BufRead, W: Write>(
    engine: &Engine,
    mut input: R,
    mut output: W,
    options: &Options,
    progress: &Progress,
) -> io::Result<Summary> {
    refuse_binary(&mut input)?;
    let mut summary = Summary::new(options);
    let mut lines = BoundedLines::new(input, options.max_record_bytes);
    // Per field: the records in a row that lack it.
    let mut missing_in_a_row = vec![0; options.fields.len()];
    loop {
        let chunk: Vec<Line> = lines.by_ref().take(options.chunk_records).collect::<io::Result<_>>()?;
        if chunk.is_empty() {
            break;
        }
        // Blank lines are no records (as over HTTP NDJSON); the reader keeps counting them.
        let (blank, records): (Vec<Line>, Vec<Line>) =
            chunk.into_iter().partition(|l| l.content.as_ref().is_ok_and(|c| c.trim_ascii().is_empty()));
        progress.skipped(blank.iter().map(|l| l.bytes as u64).sum());
        let outcomes: Vec<Outcome> = records
            .into_par_iter()
            .map(|line| {
                let bytes = line.bytes as u64;
                let outcome = jsonl_record(engine, line, options);
                progress.record_done(bytes);
                outcome
            })
            .collect();
        for outcome in &outcomes {
            for (field, in_a_row) in missing_in_a_row.iter_mut().enumerate() {
                match outcome.missing.iter().find(|m| m.field == field) {
                    Some(missing) => {
                        *in_a_row += 1;
                        if *in_a_row == MISSING_FIELD_STOP {
                            return Err(wrong_field(&options.fields[field], outcome.line, missing));
                        }
                    }
                    None => *in_a_row = 0,
                }
            }
            if let Some(out) = &outcome.output {
                output.write_all(out.as_bytes())?;
                output.write_all(b"\n")?;
            }
            summary.add(outcome);
        }
    }
    output.flush()?;
    Ok(summary)
}

/// The error that stops a run whose records lack a field: most likely that `--field` is wrong.
fn wrong_field(field: &FieldPath, line: usize, missing: &Missing) -> io::Error {
    const SHOWN: usize = 20;
    let mut names: Vec<String> = missing.names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if missing.names.len() > SHOWN {
        names.push(format!("and {} more", missing.names.len() - SHOWN));
    }
    let names = if names.is_empty() { "no fields".to_string() } else { names.join(", ") };
    let whose = match missing.within.as_str() {
        "" => "whose fields are".to_string(),
        within => format!("whose `{within}` holds"),
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{MISSING_FIELD_STOP} records in a row have no field `{field}` (the last on line {line}, {whose} {names}): stopped; name the text fields with --field"
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
    let texts = match field_texts(&record, options) {
        Ok(texts) => texts,
        Err((reason, missing)) => return Outcome { missing, ..failed(number, options, id, reason) },
    };
    let group = match options.group_field.as_ref().map(|f| (f, fields::resolve(&record, f))) {
        None => None,
        // A string's value, anything else as written (`123`): the group is a key, not text.
        Some((_, Ok(found))) => Some(string_value(found.value).ok().flatten().unwrap_or_else(|| found.value.get().to_string())),
        Some((f, Err(_))) => return failed(number, options, id, format!("missing group field `{f}`")),
    };
    let characters = texts.iter().map(|(_, text)| text.chars().count()).sum();
    // Each span says its field when there are several (offsets are into that field's text).
    let named = |field: usize| (options.fields.len() > 1).then(|| options.fields[field].name());
    let mut labels = Vec::new();
    let mut spans = Vec::new();
    match options.mode {
        Mode::Detect => {
            for (field, (_, text)) in texts.iter().enumerate() {
                let found = match engine.detect(text) {
                    Ok(found) => found,
                    Err(e) => return failed(number, options, id, e.to_string()),
                };
                labels.extend(found.iter().map(|s| (field, s.label)));
                spans.extend(spans_to_code_points(text, &found).into_iter().map(|span| SpanJson { span, field: named(field) }));
            }
            let out = json_object(&[("id", id.map_or("null", RawValue::get)), ("spans", &to_json(&spans))]);
            Outcome::new(number, Some(out), Ok(Processed { characters, labels }))
        }
        Mode::Redact { with_spans } => {
            let mut new_values = Vec::with_capacity(texts.len());
            for (field, (_, text)) in texts.iter().enumerate() {
                // Every field of a record is redacted in the record's group: one patient, one set of fakes.
                let redacted = match engine.redact_in_group(text, group.as_deref()) {
                    Ok(redacted) => redacted,
                    Err(e) => return failed(number, options, id, e.to_string()),
                };
                labels.extend(redacted.spans.iter().map(|s| (field, s.label)));
                if with_spans {
                    spans.extend(spans_to_code_points(text, &redacted.spans).into_iter().map(|span| SpanJson { span, field: named(field) }));
                }
                new_values.push(to_json(&redacted.text));
            }
            let spans_key = ["deid_spans".to_string()];
            let spans = with_spans.then(|| to_json(&spans));
            let mut changes: Vec<(&[String], &str)> = texts.iter().zip(&new_values).map(|((keys, _), value)| (keys.as_slice(), value.as_str())).collect();
            changes.extend(spans.as_deref().map(|spans| (&spans_key[..], spans)));
            let out = fields::rewrite(&record, &changes);
            Outcome::new(number, Some(out), Ok(Processed { characters, labels }))
        }
    }
}

/// A span in JSON output; `field` only when several fields are read.
#[derive(Serialize)]
struct SpanJson<'a> {
    #[serde(flatten)]
    span: SpanOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// The text of each `--field` in `record` (with the keys leading to it), or why
/// the record cannot be used: a reason naming every field that failed, and the
/// fields it lacks.
#[allow(clippy::type_complexity)]
fn field_texts(record: &RawRecord, options: &Options) -> Result<Vec<(Vec<String>, String)>, (String, Vec<Missing>)> {
    let mut texts = Vec::with_capacity(options.fields.len());
    let mut reasons = Vec::new();
    let mut missing = Vec::new();
    for (index, field) in options.fields.iter().enumerate() {
        match fields::resolve(record, field) {
            Ok(found) => match string_value(found.value) {
                Ok(Some(text)) => texts.push((found.keys, text)),
                Ok(None) => reasons.push(format!("field `{field}` is not a string")),
                Err(()) => reasons.push(format!("field `{field}` holds an escape that is not text")),
            },
            Err(Unresolved::Missing { within, names }) => {
                reasons.push(format!("missing field `{field}`"));
                missing.push(Missing { field: index, within, names });
            }
            Err(Unresolved::NotAnObject { at }) => reasons.push(format!("missing field `{field}` (`{at}` is not an object)")),
            Err(Unresolved::Record(e)) => reasons.push(format!("field `{field}`: {e}")),
        }
    }
    if reasons.is_empty() {
        Ok(texts)
    } else {
        Err((reasons.join("; "), missing))
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

/// Processes a CSV stream with a header row, redacting the columns named by `options.fields` (whole names).
/// Only `Mode::Redact` is meaningful for CSV; spans are not added. Records are cut
/// by [`CsvChunks`] (the size limit applies while reading) and parsed one by one.
pub fn process_csv<R: BufRead, W: Write>(
    engine: &Engine,
    mut input: R,
    output: W,
    options: &Options,
    progress: &Progress,
) -> io::Result<Summary> {
    refuse_binary(&mut input)?;
    let mut chunks = CsvChunks::new(input, options.max_record_bytes);
    let header = chunks.next().transpose()?;
    progress.skipped(header.as_ref().map_or(0, |h| h.bytes));
    let header = match header.map(|h| h.content.map(|bytes| parse_row(&bytes))) {
        None => return Ok(Summary::new(options)),
        Some(Ok(Ok(Some(header)))) => header,
        Some(Err(e)) => return Err(invalid_header(e.to_string())),
        Some(Ok(Ok(None))) => return Err(invalid_header("it is blank".into())),
        Some(Ok(Err(e))) => return Err(invalid_header(e)),
    };
    let columns = header_columns(&header, &options.fields)?;
    let group = match &options.group_field {
        Some(field) => Some(header_columns(&header, std::slice::from_ref(field))?[0]),
        None => None,
    };
    let mut writer = csv::Writer::from_writer(output);
    writer.write_byte_record(&header).map_err(csv_io)?;
    let mut summary = Summary::new(options);
    loop {
        let chunk: Vec<CsvChunk> = chunks.by_ref().take(options.chunk_records).collect::<io::Result<_>>()?;
        if chunk.is_empty() {
            break;
        }
        let outcomes: Vec<Option<(Outcome, Option<csv::ByteRecord>)>> = chunk
            .into_par_iter()
            .map(|c| {
                let bytes = c.bytes;
                let outcome = csv_record(engine, c, header.len(), &columns, group);
                match outcome {
                    Some(_) => progress.record_done(bytes),
                    None => progress.skipped(bytes),
                }
                outcome
            })
            .collect();
        for (outcome, record) in outcomes.iter().flatten() {
            if let Some(record) = record {
                writer.write_byte_record(record).map_err(csv_io)?;
            }
            summary.add(outcome);
        }
    }
    writer.flush()?;
    Ok(summary)
}

/// The index of each field's column: a name the header lacks, or names twice (which
/// column to redact would be ambiguous, and the other could leak), stops the run.
fn header_columns(header: &csv::ByteRecord, fields: &[FieldPath]) -> io::Result<Vec<usize>> {
    let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
    fields
        .iter()
        .map(|field| {
            let mut matching = header.iter().enumerate().filter(|(_, h)| *h == field.name().as_bytes()).map(|(i, _)| i);
            match (matching.next(), matching.next()) {
                (Some(column), None) => Ok(column),
                (Some(_), Some(_)) => Err(invalid(format!("the CSV header names column `{field}` more than once"))),
                (None, _) => {
                    let names: Vec<String> = header.iter().map(|h| format!("`{}`", String::from_utf8_lossy(h))).collect();
                    Err(invalid(format!("the CSV header has no column `{field}` (its columns are {})", names.join(", "))))
                }
            }
        })
        .collect()
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
fn csv_record(
    engine: &Engine,
    chunk: CsvChunk,
    width: usize,
    columns: &[usize],
    group: Option<usize>,
) -> Option<(Outcome, Option<csv::ByteRecord>)> {
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
    if record.len() != width {
        return fail(format!("row has {} fields, the header has {width}", record.len()));
    }
    let group = match group.map(|g| std::str::from_utf8(&record[g])) {
        None => None,
        Some(Ok(g)) => Some(g),
        Some(Err(e)) => return fail(format!("invalid UTF-8 at byte {} of the group column", e.valid_up_to())),
    };
    let mut processed = Processed { characters: 0, labels: Vec::new() };
    let mut redacted_columns = Vec::with_capacity(columns.len());
    for (field, &column) in columns.iter().enumerate() {
        let text = match std::str::from_utf8(&record[column]) {
            Ok(t) => t,
            Err(e) => return fail(format!("invalid UTF-8 at byte {} of column {}", e.valid_up_to(), column + 1)),
        };
        let redacted = match engine.redact_in_group(text, group) {
            Ok(redacted) => redacted,
            Err(e) => return fail(e.to_string()),
        };
        processed.characters += text.chars().count();
        processed.labels.extend(redacted.spans.iter().map(|s| (field, s.label)));
        redacted_columns.push(redacted.text);
    }
    let out: csv::ByteRecord = record
        .iter()
        .enumerate()
        .map(|(i, value)| match columns.iter().position(|&c| c == i) {
            Some(field) => redacted_columns[field].as_bytes(),
            None => value,
        })
        .collect();
    Some((Outcome { last_line: chunk.last_line, ..Outcome::new(chunk.first_line, None, Ok(processed)) }, Some(out)))
}

fn csv_io(e: csv::Error) -> io::Error {
    // csv errors can quote field content; keep only the position and kind.
    let position = e.position().map(|p| format!(" at line {}", p.line())).unwrap_or_default();
    io::Error::new(io::ErrorKind::InvalidData, format!("CSV error{position}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    /// Records the progress counters at the first write: the workers count each record as it
    /// finishes, so a chunk's records are counted before any of its output is written.
    struct Watching<'a> {
        progress: &'a Progress,
        at_first_write: Option<(u64, u64)>,
        written: Vec<u8>,
    }

    impl Write for Watching<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let now = self.progress.snapshot();
            self.at_first_write.get_or_insert((now.records, now.bytes));
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn progress_counts_records_as_they_finish_and_every_input_byte() {
        let engine = Engine::new(Config { ner: false, ..Config::default() }).unwrap();
        let input = "{\"text\":\"call 617-555-0199\"}\n\n{\"text\":\"x\"}\nnot json\n";
        let progress = Progress::new();
        let mut out = Watching { progress: &progress, at_first_write: None, written: Vec::new() };
        let options = Options::default();
        let summary = process_jsonl(&engine, input.as_bytes(), &mut out, &options, &progress).unwrap();
        assert_eq!(summary.records, 3);
        assert_eq!(out.at_first_write.map(|(records, _)| records), Some(3), "counted before the chunk is written");
        let end = progress.snapshot();
        assert_eq!((end.records, end.bytes), (3, input.len() as u64), "the blank line's bytes count, not as a record");

        let csv = "id,note\n1,call 617-555-0199\n\n2,x\n";
        let progress = Progress::new();
        let options = Options { fields: vec![FieldPath::new("note").unwrap()], ..Options::default() };
        process_csv(&engine, csv.as_bytes(), io::sink(), &options, &progress).unwrap();
        let end = progress.snapshot();
        assert_eq!((end.records, end.bytes), (2, csv.len() as u64), "header and blank line count as bytes only");
    }
}
