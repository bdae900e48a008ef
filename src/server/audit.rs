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
//! logs it at shutdown) somewhere the server cannot write. A new log file
//! (after rotation) starts from `audit_anchor`, the previous file's head, so
//! the files chain to each other (`deid audit verify --anchor HEAD`).

use super::auth::sha256_hex;
use super::log::now_rfc3339;
use crate::span::Label;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
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
    path: PathBuf,
    prev: String,
    seq: u64,
    /// The file's length after the last line written whole.
    good_len: u64,
    /// An append failed: the next one first cuts the file back to `good_len`.
    failed: bool,
    /// Tests only: writes past this length fail, as on a full disk.
    #[cfg(test)]
    max_len: Option<u64>,
}

/// An append-only, hash-chained audit log file.
///
/// Every gap is made detectable: each line is flushed to disk (`sync_data`)
/// before the response it records is released; a failed append cuts the file
/// back to its last whole line (no partial line is left to look like
/// tampering) and the log stays failed until an append succeeds; a log file
/// replaced or removed under the server (compared by device and inode before
/// each append) refuses every append until restart, rather than writing to an
/// unlinked file; and a new file's chain starts from the configured anchor
/// (the previous file's head) rather than from zeros.
pub struct AuditLog {
    chain: Mutex<Chain>,
}

/// A recursive directory builder that makes new directories 0700 where modes exist.
fn owner_only_dir() -> std::fs::DirBuilder {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b
}

/// Open options that create a new file 0600 where modes exist (an existing file keeps its own).
fn owner_only_file() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

impl AuditLog {
    /// Opens (or creates) the log and continues its chain from the last line.
    /// A new or empty file starts from `anchor` (the head of the log it
    /// follows), or from [`GENESIS`] when none is given.
    /// A last line that is not a chained audit line is an error: the server refuses to start.
    ///
    /// A missing directory is created, readable by its owner only (0700), and so is a new
    /// file (0600): the log holds request metadata and hashes that are sensitive.
    pub fn open(path: &Path, anchor: Option<&str>) -> io::Result<AuditLog> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            owner_only_dir().create(dir)?;
        }
        let start = anchor.unwrap_or(GENESIS).to_string();
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
                    None => (start, 0),
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
            Err(e) if e.kind() == io::ErrorKind::NotFound => (start, 0),
            Err(e) => return Err(e),
        };
        let file = owner_only_file().create(true).append(true).open(path)?;
        let good_len = file.metadata()?.len();
        let chain = Chain {
            file,
            path: path.to_path_buf(),
            prev,
            seq,
            good_len,
            failed: false,
            #[cfg(test)]
            max_len: None,
        };
        Ok(AuditLog { chain: Mutex::new(chain) })
    }

    /// Appends one line and flushes it to disk; returns its hash. On error
    /// nothing of the line is left in the file and the log counts as failed
    /// ([`AuditLog::is_failed`]) until an append succeeds.
    pub fn append(&self, record: &AuditRecord) -> io::Result<String> {
        let mut chain = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        match chain.try_append(record) {
            Ok(hash) => {
                chain.failed = false;
                Ok(hash)
            }
            Err(e) => {
                chain.failed = true;
                // Cut a partial line off now; a failure here is retried before the next append.
                if chain.same_file().unwrap_or(false) {
                    let _ = chain.file.set_len(chain.good_len);
                }
                Err(e)
            }
        }
    }

    /// Whether the last append failed (the server refuses `/v1` work until one succeeds).
    pub fn is_failed(&self) -> bool {
        self.chain.lock().unwrap_or_else(|p| p.into_inner()).failed
    }

    /// The hash of the last line written (the chain's head) and its sequence number.
    pub fn head(&self) -> (String, u64) {
        let chain = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        (chain.prev.clone(), chain.seq)
    }

    /// Tests only: make writes past `len` bytes fail, as on a full disk.
    #[cfg(test)]
    fn limit_len(&self, len: Option<u64>) {
        self.chain.lock().unwrap().max_len = len;
    }
}

impl Chain {
    /// Whether the path still names the file we hold open (same device and inode).
    #[cfg(unix)]
    fn same_file(&self) -> io::Result<bool> {
        use std::os::unix::fs::MetadataExt;
        let (open, named) = (self.file.metadata()?, std::fs::metadata(&self.path)?);
        Ok(open.dev() == named.dev() && open.ino() == named.ino())
    }

    #[cfg(not(unix))]
    fn same_file(&self) -> io::Result<bool> {
        Ok(self.path.exists())
    }

    fn try_append(&mut self, record: &AuditRecord) -> io::Result<String> {
        if !self.same_file().unwrap_or(false) {
            return Err(io::Error::other("the audit log file was replaced or removed since the server opened it; restart to continue the log"));
        }
        if self.failed && self.file.metadata()?.len() != self.good_len {
            self.file.set_len(self.good_len)?;
        }
        let seq = self.seq + 1;
        let (line, hash) = render(record, seq, &now_rfc3339(), &self.prev);
        self.write(line.as_bytes())?;
        self.file.sync_data()?;
        self.good_len += line.len() as u64;
        self.seq = seq;
        self.prev = hash.clone();
        Ok(hash)
    }

    #[cfg(not(test))]
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }

    #[cfg(test)]
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.max_len {
            Some(max) if self.good_len + bytes.len() as u64 > max => {
                let room = max.saturating_sub(self.good_len) as usize;
                self.file.write_all(&bytes[..room.min(bytes.len())])?;
                Err(io::Error::from_raw_os_error(28)) // ENOSPC
            }
            _ => self.file.write_all(bytes),
        }
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

/// Checks every line's own hash, its link to the line before, and the sequence
/// numbers. The first line's `prev` must be `anchor` (the head of the log this
/// file follows) or, without one, [`GENESIS`].
pub fn verify<R: BufRead>(input: R, anchor: Option<&str>) -> io::Result<Result<Verified, Broken>> {
    let mut prev = anchor.unwrap_or(GENESIS).to_string();
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
            if n == 1 {
                return broken("its prev is not the anchor expected (zeros unless --anchor is given): the log does not start where it should");
            }
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
            let log = AuditLog::open(&path, None).unwrap();
            for i in 0..3 {
                log.append(&record(i)).unwrap();
            }
        }
        let log = AuditLog::open(&path, None).unwrap();
        let head = log.append(&record(3)).unwrap();
        assert_eq!(log.head(), (head.clone(), 4));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(verify(text.as_bytes(), None).unwrap(), Ok(Verified { lines: 4, head }));

        let edited = text.replacen("\"chars_in\":20", "\"chars_in\":21", 1);
        assert_eq!(verify(edited.as_bytes(), None).unwrap().unwrap_err().line, 3);

        // Rewriting the edited line's hash moves the break to the next line.
        let lines: Vec<&str> = text.lines().collect();
        let (body, _) = split_hash(lines[1]).unwrap();
        let body = body.replace("\"chars_in\":10", "\"chars_in\":11");
        let rehashed = format!("{},\"hash\":\"{}\"}}", &body[..body.len() - 1], sha256_hex(body.as_bytes()));
        let forged = [lines[0], &rehashed, lines[2], lines[3]].join("\n");
        assert_eq!(verify(forged.as_bytes(), None).unwrap().unwrap_err().line, 3);

        let dropped = [lines[0], lines[2], lines[3]].join("\n");
        assert_eq!(verify(dropped.as_bytes(), None).unwrap().unwrap_err().line, 2);
    }

    #[test]
    fn a_foreign_last_line_refuses_to_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, "not an audit line\n").unwrap();
        assert!(AuditLog::open(&path, None).is_err());
    }

    #[test]
    fn a_failed_append_leaves_no_partial_line_and_the_log_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path, None).unwrap();
        log.append(&record(0)).unwrap();
        let whole = std::fs::metadata(&path).unwrap().len();
        // The disk fills half-way through the next line.
        log.limit_len(Some(whole + 40));
        assert!(log.append(&record(1)).is_err());
        assert!(log.is_failed());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), whole, "the partial line was cut off");
        log.limit_len(None);
        log.append(&record(2)).unwrap();
        assert!(!log.is_failed());
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(verify(text.as_bytes(), None).unwrap().unwrap().lines, 2, "no gap and nothing that reads as tampering");
    }

    #[test]
    fn a_removed_or_replaced_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path, None).unwrap();
        log.append(&record(0)).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(log.append(&record(1)).is_err(), "no line goes to the unlinked file");
        assert!(log.is_failed());
        std::fs::write(&path, "").unwrap();
        assert!(log.append(&record(2)).is_err(), "a new file at the path is not the one opened");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn a_new_file_chains_to_its_anchor() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old.jsonl"), dir.path().join("new.jsonl"));
        let head = {
            let log = AuditLog::open(&old, None).unwrap();
            log.append(&record(0)).unwrap()
        };
        let log = AuditLog::open(&new, Some(&head)).unwrap();
        log.append(&record(1)).unwrap();
        let text = std::fs::read_to_string(&new).unwrap();
        assert_eq!(verify(text.as_bytes(), Some(&head)).unwrap().unwrap().lines, 1);
        assert_eq!(verify(text.as_bytes(), None).unwrap().unwrap_err().line, 1, "without the anchor the start is not trusted");
        // The anchor is for new files only: an existing file continues from its own last line.
        let again = AuditLog::open(&new, Some(GENESIS)).unwrap();
        again.append(&record(2)).unwrap();
        let text = std::fs::read_to_string(&new).unwrap();
        assert_eq!(verify(text.as_bytes(), Some(&head)).unwrap().unwrap().lines, 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_directory_and_file_are_created_for_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("var/log/deid/audit.jsonl");
        AuditLog::open(&path, None).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&dir.path().join("var")), 0o700);
        assert_eq!(mode(&path), 0o600);
    }
}
