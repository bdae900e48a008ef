//! NDJSON streaming: documents in, one line each; results out, one line each,
//! in order, as soon as each chunk of input is processed. Memory is bounded by
//! the longest line (`max_line_bytes`) and a few chunks in flight: the request
//! body is read only as fast as the client reads the response.
//!
//! Input line: `{"id": …, "text": "…"}` (`id` optional). Output line:
//! `{"id", "text", "spans"}` (redact) or `{"id", "spans"}` (detect), or
//! `{"id"?, "line": N, "error": {"code", "message"}}` for a line that failed.
//! Blank lines are skipped. Options come from the query string
//! (`?placeholder=numbered&keep_labels=DATE`, or `?format=vtt` for transcripts).

use super::api::{check_id, describe_json_error, process, DocOutcome, Op, Resolved, Tally};
use super::audit::AuditRecord;
use super::log::Field;
use super::{AppState, AuditNote, ReqCtx};
use crate::cancel::Cancel;
use crate::engine::Engine;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::mpsc;

/// A line cut from the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Item {
    Line { number: usize, bytes: Vec<u8> },
    /// Longer than the limit: its bytes were dropped as they came.
    TooLong { number: usize },
}

/// Cuts a byte stream into lines of at most `max` bytes, holding at most one partial line.
pub struct LineSplitter {
    buf: Vec<u8>,
    max: usize,
    overlong: bool,
    lines: usize,
}

impl LineSplitter {
    pub fn new(max: usize) -> LineSplitter {
        LineSplitter { buf: Vec::new(), max, overlong: false, lines: 0 }
    }

    pub fn push(&mut self, mut data: &[u8], out: &mut Vec<Item>) {
        while let Some(pos) = data.iter().position(|&b| b == b'\n') {
            let head = &data[..pos];
            data = &data[pos + 1..];
            self.lines += 1;
            if self.overlong || self.buf.len() + head.len() > self.max {
                out.push(Item::TooLong { number: self.lines });
                self.buf = Vec::new();
            } else {
                self.buf.extend_from_slice(head);
                out.push(Item::Line { number: self.lines, bytes: std::mem::take(&mut self.buf) });
            }
            self.overlong = false;
        }
        if !self.overlong {
            if self.buf.len() + data.len() > self.max {
                self.overlong = true;
                self.buf = Vec::new();
            } else {
                self.buf.extend_from_slice(data);
            }
        }
    }

    /// The last line, when the stream did not end with a newline.
    pub fn finish(&mut self, out: &mut Vec<Item>) {
        if self.overlong {
            self.lines += 1;
            out.push(Item::TooLong { number: self.lines });
        } else if !self.buf.is_empty() {
            self.lines += 1;
            out.push(Item::Line { number: self.lines, bytes: std::mem::take(&mut self.buf) });
        }
        self.overlong = false;
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineDoc {
    id: Option<Value>,
    text: String,
}

fn error_line(id: Option<&Value>, number: usize, code: &str, message: &str) -> Value {
    let mut v = json!({"line": number, "error": {"code": code, "message": message}});
    if let Some(id) = id {
        v.as_object_mut().expect("object").insert("id".into(), id.clone());
    }
    v
}

/// Processes a chunk of lines on the blocking pool: the output text (lines, in order) and their tally.
fn process_items(engine: &Engine, resolved: &Resolved, op: Op, max_doc: usize, max_line: usize, items: Vec<Item>, cancel: &Cancel) -> (String, Tally) {
    let results: Vec<(Option<Value>, Option<DocOutcome>)> = items
        .into_par_iter()
        .map(|item| match item {
            Item::TooLong { number } => {
                let m = format!("the line is longer than the limit of {max_line} bytes");
                (Some(error_line(None, number, "line_too_long", &m)), None)
            }
            Item::Line { number, mut bytes } => {
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return (None, None);
                }
                if let Err(e) = std::str::from_utf8(&bytes) {
                    let m = format!("the line is not valid UTF-8 (at byte {})", e.valid_up_to());
                    return (Some(error_line(None, number, "invalid_utf8", &m)), None);
                }
                let doc: LineDoc = match serde_json::from_slice(&bytes) {
                    Ok(d) => d,
                    Err(e) => return (Some(error_line(None, number, "invalid_json", &describe_json_error(&e))), None),
                };
                drop(bytes);
                if let Some(id) = &doc.id {
                    if let Err(m) = check_id(id) {
                        return (Some(error_line(None, number, "invalid_id", m)), None);
                    }
                }
                let outcome = process(engine, resolved, op, &doc.text, max_doc, cancel);
                let line = match &outcome {
                    DocOutcome::Ok { .. } => outcome.to_json(doc.id.as_ref(), None),
                    DocOutcome::Err { .. } => outcome.to_json(doc.id.as_ref(), Some(number)),
                };
                (Some(line), Some(outcome))
            }
        })
        .collect();
    let mut text = String::new();
    let mut tally = Tally::default();
    for (line, outcome) in results {
        match (&line, &outcome) {
            (_, Some(o)) => tally.add(o),
            (Some(_), None) => tally.add_rejected(),
            (None, None) => {}
        }
        if let Some(line) = line {
            text.push_str(&line.to_string());
            text.push('\n');
        }
    }
    (text, tally)
}

/// Starts the stream: the response (headers now, lines as they come) and the task that feeds it.
pub fn stream(state: Arc<AppState>, ctx: ReqCtx, op: Op, resolved: Resolved, body: Body) -> Response {
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    tokio::spawn(run(state, ctx, op, resolved, body, tx));
    let out = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx)) });
    let mut resp = Response::new(Body::from_stream(out));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
    resp.extensions_mut().insert(AuditNote::Deferred);
    resp
}

/// Why a stream ended early (a closed set: it names the metric and the log field).
fn failure_metric(kind: &'static str) -> &'static str {
    match kind {
        "idle_timeout" => "idle_timeout",
        "client_gone" => "client_gone",
        "engine_error" => "engine_stream",
        "shutdown" => "shutdown",
        _ => "body_unreadable",
    }
}

async fn run(state: Arc<AppState>, ctx: ReqCtx, op: Op, resolved: Resolved, body: Body, tx: mpsc::Sender<Bytes>) {
    let _permit = ctx.permit.clone();
    // Cancelled when this task ends, the client goes, or the server halts.
    let cancel = state.request_cancel();
    let _stop_work = cancel.drop_guard();
    let limits = state.config.limits.clone();
    let resolved = Arc::new(resolved);
    let mut splitter = LineSplitter::new(limits.max_line_bytes);
    let mut in_hash = Sha256::new();
    let mut out_hash = Sha256::new();
    let mut tally = Tally::default();
    let mut failure: Option<&'static str> = None;
    let mut data = body.into_data_stream();
    loop {
        let mut items = Vec::new();
        let mut trailer = None;
        let next = tokio::select! {
            n = tokio::time::timeout(limits.stream_idle_timeout(), data.next()) => n,
            () = state.halted() => {
                failure = Some("shutdown");
                let t = json!({"error": {"code": "shutting_down", "message": "the server is stopping; the stream was ended"}});
                send_line(&tx, &t, &mut out_hash).await;
                break;
            }
        };
        let done = match next {
            Err(_) => {
                failure = Some("idle_timeout");
                trailer = Some(json!({"error": {"code": "idle_timeout", "message": "the client sent nothing for too long; the stream was ended"}}));
                true
            }
            Ok(None) => {
                splitter.finish(&mut items);
                true
            }
            Ok(Some(Err(_))) => {
                failure = Some("body_unreadable");
                true
            }
            Ok(Some(Ok(chunk))) => {
                in_hash.update(&chunk);
                splitter.push(&chunk, &mut items);
                false
            }
        };
        if !items.is_empty() {
            let (engine, resolved) = (state.engine.clone(), resolved.clone());
            let (max_doc, max_line) = (limits.max_document_bytes, limits.max_line_bytes);
            let (permit, work_cancel) = (ctx.permit.clone(), cancel.clone());
            let work = tokio::task::spawn_blocking(move || {
                // The slot stays taken while the engine runs, even if this task has ended.
                let _permit = permit;
                process_items(&engine, &resolved, op, max_doc, max_line, items, &work_cancel)
            });
            let joined = tokio::select! {
                j = work => j,
                () = tx.closed() => {
                    // No one reads the results: stop the work (the drop guard cancels it).
                    failure = Some("client_gone");
                    break;
                }
            };
            match joined {
                Ok((text, t)) => {
                    tally.merge(t);
                    if state.work_stop_requested() {
                        // The halt cancelled this chunk's documents: end the stream rather than send their error lines.
                        failure = Some("shutdown");
                        break;
                    }
                    if !send(&tx, text.into_bytes(), &mut out_hash).await {
                        failure = Some("client_gone");
                        break;
                    }
                }
                Err(_) => {
                    // A panic outside the per-document guard: stop, withholding the chunk.
                    state.metrics.error("engine");
                    failure = Some("engine_error");
                    trailer = Some(json!({"error": {"code": "engine_error", "message": "the engine failed; the rest of the stream is withheld"}}));
                }
            }
        }
        if let Some(t) = trailer {
            send_line(&tx, &t, &mut out_hash).await;
            break;
        }
        if done || failure.is_some() {
            break;
        }
    }
    tally.count(&state, ctx.route);
    if let Some(kind) = failure {
        state.metrics.error(failure_metric(kind));
    }
    let mut record: AuditRecord = tally.record(if failure.is_some() { "error" } else { tally.outcome() });
    record.request_id = ctx.request_id.clone();
    record.key_id = ctx.caller.as_ref().map(|c| c.key_id.clone());
    record.method = "POST".into();
    record.route = ctx.route.into();
    record.status = 200;
    record.input_sha256 = Some(super::auth::to_hex(&in_hash.finalize()));
    record.output_sha256 = Some(super::auth::to_hex(&out_hash.finalize()));
    // Written before the response ends, so a client whose stream could not be
    // audited is told so on its last line (the log then refuses /v1 until it recovers).
    if let Err(e) = state.audit.append(&record) {
        state.metrics.error("audit");
        state.logger.error("cannot write the audit log for a stream", &[("request_id", ctx.request_id.clone().into()), ("io_error", e.to_string().into())]);
        let t = json!({"error": {"code": "audit_unavailable", "message": "the audit log cannot be written; this stream is not recorded"}});
        let mut ignored = Sha256::new();
        send_line(&tx, &t, &mut ignored).await;
    }
    drop(tx);
    let mut fields: Vec<(&'static str, Field)> = vec![
        ("request_id", ctx.request_id.clone().into()),
        ("route", ctx.route.into()),
        ("documents", tally.documents.into()),
        ("failed_documents", tally.failed.into()),
    ];
    if let Some(kind) = failure {
        fields.push(("failure", kind.into()));
    }
    state.logger.info("stream finished", &fields);
}

/// Sends one JSON line (a trailer); the client may be gone already.
async fn send_line(tx: &mpsc::Sender<Bytes>, line: &Value, hash: &mut Sha256) {
    let mut line = line.to_string();
    line.push('\n');
    send(tx, line.into_bytes(), hash).await;
}

/// Sends one chunk; false when the client has gone.
async fn send(tx: &mpsc::Sender<Bytes>, bytes: Vec<u8>, hash: &mut Sha256) -> bool {
    if bytes.is_empty() {
        return true;
    }
    hash.update(&bytes);
    tx.send(Bytes::from(bytes)).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(max: usize, chunks: &[&[u8]]) -> Vec<Item> {
        let mut s = LineSplitter::new(max);
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out);
        }
        s.finish(&mut out);
        out
    }

    #[test]
    fn splits_across_chunks() {
        let got = lines(10, &[b"ab", b"c\nde", b"\n\nf"]);
        assert_eq!(
            got,
            vec![
                Item::Line { number: 1, bytes: b"abc".to_vec() },
                Item::Line { number: 2, bytes: b"de".to_vec() },
                Item::Line { number: 3, bytes: b"".to_vec() },
                Item::Line { number: 4, bytes: b"f".to_vec() },
            ]
        );
    }

    #[test]
    fn overlong_lines_are_dropped_and_counted() {
        let got = lines(3, &[b"abcd", b"ef\nxy\n", b"12345"]);
        assert_eq!(got, vec![Item::TooLong { number: 1 }, Item::Line { number: 2, bytes: b"xy".to_vec() }, Item::TooLong { number: 3 }]);
    }
}
