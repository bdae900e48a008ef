//! The audit log: one JSON line per request, hash-chained, never holding PHI.
//!
//! Each line is a JSON object whose fields are, in order: `seq`, `time`,
//! `request_id`, `key_id`, `method`, `route`, `status`, `outcome`,
//! `documents`, `failed_documents`, `chars_in`, `removed` (identifiers removed
//! per label), `input_sha256`, `output_sha256`, `prev` (the `hash` of the line
//! before; 64 zeros on the first line) and last `hash`: the SHA-256 of the line
//! as written up to `hash`, closed with `}` — that is, of the line without its
//! `,"hash":"…"` member. Editing a line breaks its own hash; rewriting its hash
//! too breaks the next line's `prev`. Only the last line can be rewritten
//! undetected, so keep the head hash (`deid audit verify` prints it, the server
//! logs it at shutdown) somewhere the server cannot write.

use super::auth::sha256_hex;
use super::log::now_rfc3339;
use crate::span::Label;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Mutex;

/// The `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What one request did, in counts and hashes only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditRecord {
    pub request_id: String,
    /// `None` when the caller could not be identified (401).
    pub key_id: Option<String>,
    pub method: String,
    /// The route template (`/v1/redact`), never the raw URI (its query could carry anything).
    pub route: String,
    pub status: u16,
    /// `ok`, `partial` (some documents failed), `denied`, `rejected` (bad request, limits), `error`.
    pub outcome: &'static str,
    pub documents: usize,
    pub failed_documents: usize,
    /// Unicode characters of document text received.
    pub chars_in: usize,
    pub removed: BTreeMap<Label, usize>,
    /// SHA-256 of the request body as received; `None` when it was not read.
    pub input_sha256: Option<String>,
    /// SHA-256 of the response body as sent.
    pub output_sha256: Option<String>,
}

struct Chain {
    file: File,
    prev: String,
    seq: u64,
}

/// An append-only, hash-chained audit log file.
pub struct AuditLog {
    chain: Mutex<Chain>,
}

impl AuditLog {
    /// Opens (or creates) the log and continues its chain from the last line.
    /// A last line that is not a chained audit line is an error: the server refuses to start.
    pub fn open(path: &Path) -> io::Result<AuditLog> {
        let (prev, seq) = match File::open(path) {
            Ok(f) => {
                let mut last = None;
                for line in BufReader::new(f).lines() {
                    let line = line?;
                    if !line.is_empty() {
                        last = Some(line);
                    }
                }
                match last {
                    None => (GENESIS.to_string(), 0),
                    Some(line) => {
                        let (hash, seq) = hash_and_seq(&line).ok_or_else(|| {
                            io::Error::new(
                                io::ErrorKind::InvalidData,
                                format!("the last line of the audit log {} is not an audit line: run `deid audit verify`", path.display()),
                            )
                        })?;
                        (hash, seq)
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => (GENESIS.to_string(), 0),
            Err(e) => return Err(e),
        };
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditLog { chain: Mutex::new(Chain { file, prev, seq }) })
    }

    /// Appends one line; returns its hash.
    pub fn append(&self, record: &AuditRecord) -> io::Result<String> {
        let mut chain = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        let seq = chain.seq + 1;
        let (line, hash) = render(record, seq, &now_rfc3339(), &chain.prev);
        chain.file.write_all(line.as_bytes())?;
        chain.file.flush()?;
        chain.seq = seq;
        chain.prev = hash.clone();
        Ok(hash)
    }

    /// The hash of the last line written (the chain's head) and its sequence number.
    pub fn head(&self) -> (String, u64) {
        let chain = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        (chain.prev.clone(), chain.seq)
    }
}

/// The line (with its newline) and its hash.
fn render(r: &AuditRecord, seq: u64, time: &str, prev: &str) -> (String, String) {
    let mut o = Map::new();
    o.insert("seq".into(), seq.into());
    o.insert("time".into(), time.into());
    o.insert("request_id".into(), r.request_id.clone().into());
    o.insert("key_id".into(), r.key_id.clone().map_or(Value::Null, Value::from));
    o.insert("method".into(), r.method.clone().into());
    o.insert("route".into(), r.route.clone().into());
    o.insert("status".into(), r.status.into());
    o.insert("outcome".into(), r.outcome.into());
    o.insert("documents".into(), r.documents.into());
    o.insert("failed_documents".into(), r.failed_documents.into());
    o.insert("chars_in".into(), r.chars_in.into());
    let removed: Map<String, Value> = r.removed.iter().map(|(l, n)| (l.as_str().to_string(), Value::from(*n))).collect();
    o.insert("removed".into(), Value::Object(removed));
    o.insert("input_sha256".into(), r.input_sha256.clone().map_or(Value::Null, Value::from));
    o.insert("output_sha256".into(), r.output_sha256.clone().map_or(Value::Null, Value::from));
    o.insert("prev".into(), prev.into());
    let body = Value::Object(o).to_string();
    let hash = sha256_hex(body.as_bytes());
    let line = format!("{},\"hash\":\"{hash}\"}}\n", &body[..body.len() - 1]);
    (line, hash)
}

/// Splits a line into (body as hashed, hash) when it ends with a well-formed hash member.
fn split_hash(line: &str) -> Option<(String, &str)> {
    const TAIL: usize = ",\"hash\":\"".len() + 64 + "\"}".len();
    if line.len() < TAIL + 1 || !line.is_char_boundary(line.len() - TAIL) {
        return None;
    }
    let (head, tail) = line.split_at(line.len() - TAIL);
    let hash = tail.strip_prefix(",\"hash\":\"")?.strip_suffix("\"}")?;
    if !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    Some((format!("{head}}}"), hash))
}

fn hash_and_seq(line: &str) -> Option<(String, u64)> {
    let (body, hash) = split_hash(line)?;
    let seq = serde_json::from_str::<Value>(&body).ok()?.get("seq")?.as_u64()?;
    Some((hash.to_string(), seq))
}

/// A log that verified: how many lines, and the head hash to keep elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub lines: u64,
    pub head: String,
}

/// The first line that breaks the chain (1-based) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Checks every line's own hash, its link to the line before, and the sequence numbers.
pub fn verify<R: BufRead>(input: R) -> io::Result<Result<Verified, Broken>> {
    let mut prev = GENESIS.to_string();
    let mut n = 0u64;
    for line in input.split(b'\n') {
        let line = line?;
        n += 1;
        let broken = |reason: &str| Ok(Err(Broken { line: n, reason: reason.to_string() }));
        let Ok(line) = std::str::from_utf8(&line) else {
            return broken("not UTF-8");
        };
        let Some((body, hash)) = split_hash(line) else {
            return broken("does not end with a hash member");
        };
        if sha256_hex(body.as_bytes()) != hash {
            return broken("its content does not match its hash: the line was edited");
        }
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(&body) else {
            return broken("not a JSON object");
        };
        if obj.get("prev").and_then(Value::as_str) != Some(prev.as_str()) {
            return broken("its prev does not match the hash of the line before: a line was removed, inserted or rewritten");
        }
        if obj.get("seq").and_then(Value::as_u64) != Some(n) {
            return broken("its sequence number is out of order");
        }
        prev = hash.to_string();
    }
    Ok(Ok(Verified { lines: n, head: prev }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize) -> AuditRecord {
        AuditRecord {
            request_id: format!("r{i}"),
            key_id: Some("etl".into()),
            method: "POST".into(),
            route: "/v1/redact".into(),
            status: 200,
            outcome: "ok",
            documents: 1,
            chars_in: 10 * i,
            removed: [(Label::Email, i)].into_iter().collect(),
            input_sha256: Some(sha256_hex(b"in")),
            output_sha256: Some(sha256_hex(b"out")),
            ..AuditRecord::default()
        }
    }

    #[test]
    fn chain_verifies_continues_and_detects_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        {
            let log = AuditLog::open(&path).unwrap();
            for i in 0..3 {
                log.append(&record(i)).unwrap();
            }
        }
        let log = AuditLog::open(&path).unwrap();
        let head = log.append(&record(3)).unwrap();
        assert_eq!(log.head(), (head.clone(), 4));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(verify(text.as_bytes()).unwrap(), Ok(Verified { lines: 4, head }));

        let edited = text.replacen("\"chars_in\":20", "\"chars_in\":21", 1);
        assert_eq!(verify(edited.as_bytes()).unwrap().unwrap_err().line, 3);

        // Rewriting the edited line's hash moves the break to the next line.
        let lines: Vec<&str> = text.lines().collect();
        let (body, _) = split_hash(lines[1]).unwrap();
        let body = body.replace("\"chars_in\":10", "\"chars_in\":11");
        let rehashed = format!("{},\"hash\":\"{}\"}}", &body[..body.len() - 1], sha256_hex(body.as_bytes()));
        let forged = [lines[0], &rehashed, lines[2], lines[3]].join("\n");
        assert_eq!(verify(forged.as_bytes()).unwrap().unwrap_err().line, 3);

        let dropped = [lines[0], lines[2], lines[3]].join("\n");
        assert_eq!(verify(dropped.as_bytes()).unwrap().unwrap_err().line, 2);
    }

    #[test]
    fn a_foreign_last_line_refuses_to_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, "not an audit line\n").unwrap();
        assert!(AuditLog::open(&path).is_err());
    }
}
