//! `/v1/redact` and `/v1/detect`: request options, per-document processing
//! (fail closed), and the JSON request/response form. NDJSON lives in [`super::ndjson`].

use super::audit::AuditRecord;
use super::{error_body, json_response, ndjson, AppState, ReqCtx};
use crate::cancel::Cancel;
use crate::config::{Config, PlaceholderStyle};
use crate::engine::Engine;
use crate::error::ErrorKind;
use crate::transcript::{self, Format as TranscriptFormat};
use crate::offsets::{spans_to_code_points, SpanOut};
use crate::span::{Label, Span};
use crate::{merge, policy, redact};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Extension;
use futures_util::StreamExt;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// Longest accepted document id (bytes, as a string) — ids are echoed, so they are bounded.
pub const MAX_ID_BYTES: usize = 256;

/// Which route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Redact,
    Detect,
}

/// Options a request may set on top of the server's engine configuration.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestOptions {
    pub placeholder: Option<PlaceholderStyle>,
    pub keep_year: Option<bool>,
    /// Labels left in the text, in addition to the server's `keep_labels`.
    #[serde(default)]
    pub keep_labels: Vec<Label>,
    /// `/v1/redact` only: the text is a transcript (`vtt`, `srt`, `turns`, `words-json`,
    /// `text`, or `auto` to tell by content) and comes back in the same format.
    pub format: Option<String>,
}

impl RequestOptions {
    /// Parses the NDJSON form's query string: `placeholder=numbered&keep_year=true&keep_labels=DATE,AGE`.
    /// Errors name the parameter, never its value.
    pub fn from_query(query: Option<&str>) -> Result<RequestOptions, String> {
        let mut o = RequestOptions::default();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "placeholder" => {
                    o.placeholder = Some(match v {
                        "label" => PlaceholderStyle::Label,
                        "numbered" => PlaceholderStyle::Numbered,
                        "surrogate" => PlaceholderStyle::Surrogate,
                        _ => return Err("query parameter `placeholder` must be `label`, `numbered` or `surrogate`".into()),
                    })
                }
                "keep_year" => {
                    o.keep_year = Some(match v {
                        "true" => true,
                        "false" => false,
                        _ => return Err("query parameter `keep_year` must be `true` or `false`".into()),
                    })
                }
                "keep_labels" => {
                    for l in v.split(',').filter(|l| !l.is_empty()) {
                        o.keep_labels.push(Label::parse(l).ok_or("query parameter `keep_labels` holds an unknown label")?);
                    }
                }
                "format" => o.format = Some(v.to_string()),
                _ => return Err("unknown query parameter (known: placeholder, keep_year, keep_labels, format)".into()),
            }
        }
        Ok(o)
    }
}

/// A transcript format asked for, or `auto`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Transcript {
    Auto,
    Format(TranscriptFormat),
}

/// The engine configuration for one request.
pub struct Resolved {
    config: Config,
    /// The request keeps labels the engine does not: re-run policy and merge on raw spans.
    repolicy: bool,
    transcript: Option<Transcript>,
}

impl Resolved {
    /// Checks the options against the route; errors name the option, never a value.
    pub fn new(engine: &Engine, options: &RequestOptions, op: Op) -> Result<Resolved, &'static str> {
        let transcript = match options.format.as_deref() {
            None => None,
            Some("auto") => Some(Transcript::Auto),
            Some(f) => Some(Transcript::Format(
                TranscriptFormat::parse(f).ok_or("`format` must be vtt, srt, turns, words-json, text or auto")?,
            )),
        };
        if transcript.is_some() {
            if op != Op::Redact {
                return Err("`format` is supported on /v1/redact only");
            }
            if options.placeholder.is_some() || options.keep_year.is_some() || !options.keep_labels.is_empty() {
                return Err("with `format`, the server's placeholder, keep_year and keep_labels apply: drop the other options");
            }
        }
        let mut resolved = Resolved::plain(engine, options);
        resolved.transcript = transcript;
        Ok(resolved)
    }

    fn plain(engine: &Engine, options: &RequestOptions) -> Resolved {
        let mut config = engine.config().clone();
        if let Some(p) = options.placeholder {
            config.placeholder = p;
        }
        if let Some(y) = options.keep_year {
            config.keep_year = y;
        }
        let mut repolicy = false;
        for l in &options.keep_labels {
            if !config.keep_labels.contains(l) {
                config.keep_labels.push(*l);
                repolicy = true;
            }
        }
        Resolved { config, repolicy, transcript: None }
    }
}

/// A document that was processed, or why it was not. Never holds the input text.
pub enum DocOutcome {
    Ok { text: Option<String>, spans: Vec<SpanOut>, labels: Vec<Label>, chars: usize },
    Err { code: &'static str, message: String, chars: usize },
}

impl DocOutcome {
    fn err(code: &'static str, message: impl Into<String>) -> DocOutcome {
        DocOutcome::Err { code, message: message.into(), chars: 0 }
    }

    /// The JSON entry for this document; `id` is echoed, text never (only the redacted text).
    pub fn to_json(&self, id: Option<&Value>, line: Option<usize>) -> Value {
        let mut o = Map::new();
        if let Some(id) = id {
            o.insert("id".into(), id.clone());
        }
        if let Some(line) = line {
            o.insert("line".into(), line.into());
        }
        match self {
            DocOutcome::Ok { text, spans, .. } => {
                if let Some(t) = text {
                    o.insert("text".into(), t.clone().into());
                }
                o.insert("spans".into(), serde_json::to_value(spans).expect("spans serialise"));
            }
            DocOutcome::Err { code, message, .. } => {
                o.insert("error".into(), json!({"code": code, "message": message}));
            }
        }
        Value::Object(o)
    }
}

/// The entry of a document whose work was cancelled.
fn cancelled(chars: usize) -> DocOutcome {
    DocOutcome::Err {
        code: "cancelled",
        message: "the work was stopped before it finished (time limit, client gone or server stopping); the document is withheld".into(),
        chars,
    }
}

/// Processes one document, failing closed: any engine error or panic yields an
/// error entry with a fixed message — never the document's text or the error's detail.
/// The engine runs under `cancel` ([`Cancel::scope`]): once it is cancelled the
/// document stops at the engine's next check and gets a `cancelled` entry.
pub fn process(engine: &Engine, resolved: &Resolved, op: Op, text: &str, max_bytes: usize, cancel: &Cancel) -> DocOutcome {
    if text.len() > max_bytes {
        return DocOutcome::err("document_too_large", format!("the document is longer than the limit of {max_bytes} bytes"));
    }
    let chars = text.chars().count();
    cancel.scope(|| process_in_scope(engine, resolved, op, text, chars))
}

fn process_in_scope(engine: &Engine, resolved: &Resolved, op: Op, text: &str, chars: usize) -> DocOutcome {
    if let Some(t) = resolved.transcript {
        let format = match t {
            Transcript::Auto => TranscriptFormat::detect(None, text),
            Transcript::Format(f) => f,
        };
        return match catch_unwind(AssertUnwindSafe(|| transcript::redact(engine, text, format))) {
            Ok(Ok(r)) => DocOutcome::Ok {
                labels: r.spans.iter().map(|s| s.label).collect(),
                spans: spans_to_code_points(&r.conversation.text, &r.spans),
                text: Some(r.text),
                chars,
            },
            Ok(Err(e)) if *e.kind() == ErrorKind::Cancelled => cancelled(chars),
            Ok(Err(e)) if *e.kind() == ErrorKind::Input => DocOutcome::Err {
                code: "invalid_transcript",
                message: "the document could not be parsed in the transcript format given".into(),
                chars,
            },
            Ok(Err(_)) | Err(_) => DocOutcome::Err {
                code: "engine_error",
                message: "the engine failed on this document; it is withheld".into(),
                chars,
            },
        };
    }
    let run = || -> crate::Result<(Option<String>, Vec<Span>)> {
        let spans = if resolved.repolicy {
            let mut all: Vec<Span> = engine.detect_by_detector(text)?.into_iter().flat_map(|(_, s)| s).collect();
            policy::apply(&resolved.config, &mut all);
            merge::merge(all)
        } else {
            engine.detect(text)?
        };
        let out = (op == Op::Redact).then(|| redact::redact(&resolved.config, text, &spans));
        Ok((out, spans))
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok((out, spans))) => {
            let labels = spans.iter().map(|s| s.label).collect();
            DocOutcome::Ok { text: out, spans: spans_to_code_points(text, &spans), labels, chars }
        }
        Ok(Err(e)) if *e.kind() == ErrorKind::Cancelled => cancelled(chars),
        Ok(Err(_)) | Err(_) => DocOutcome::Err {
            code: "engine_error",
            message: "the engine failed on this document; it is withheld".into(),
            chars,
        },
    }
}

/// Counts over processed documents, for the audit log and metrics.
#[derive(Default)]
pub struct Tally {
    pub documents: usize,
    pub failed: usize,
    pub chars: usize,
    pub removed: BTreeMap<Label, usize>,
    pub engine_errors: usize,
    pub cancelled: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: &DocOutcome) {
        self.documents += 1;
        match outcome {
            DocOutcome::Ok { labels, chars, .. } => {
                self.chars += chars;
                for l in labels {
                    *self.removed.entry(*l).or_default() += 1;
                }
            }
            DocOutcome::Err { code, chars, .. } => {
                self.failed += 1;
                self.chars += chars;
                match *code {
                    "engine_error" => self.engine_errors += 1,
                    "cancelled" => self.cancelled += 1,
                    _ => {}
                }
            }
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.documents += other.documents;
        self.failed += other.failed;
        self.chars += other.chars;
        self.engine_errors += other.engine_errors;
        self.cancelled += other.cancelled;
        for (l, n) in other.removed {
            *self.removed.entry(l).or_default() += n;
        }
    }

    /// Adds a document rejected before processing (malformed line, bad id).
    pub fn add_rejected(&mut self) {
        self.documents += 1;
        self.failed += 1;
    }

    pub fn outcome(&self) -> &'static str {
        if self.failed == 0 {
            "ok"
        } else {
            "partial"
        }
    }

    pub fn record(&self, outcome: &'static str) -> AuditRecord {
        AuditRecord {
            outcome,
            documents: self.documents,
            failed_documents: self.failed,
            chars_in: self.chars,
            removed: self.removed.clone(),
            ..AuditRecord::default()
        }
    }

    /// Feeds the metrics.
    pub fn count(&self, state: &AppState, route: &'static str) {
        state.metrics.documents(route, "ok", (self.documents - self.failed) as u64);
        state.metrics.documents(route, "error", self.failed as u64);
        for (l, n) in &self.removed {
            state.metrics.removed(*l, *n as u64);
        }
        for _ in 0..self.engine_errors {
            state.metrics.error("engine");
        }
        for _ in 0..self.cancelled {
            state.metrics.error("cancelled");
        }
    }
}

/// Checks a client-chosen document id: a string of at most [`MAX_ID_BYTES`] or an integer.
pub fn check_id(id: &Value) -> Result<(), &'static str> {
    match id {
        Value::String(s) if s.len() <= MAX_ID_BYTES => Ok(()),
        Value::String(_) => Err("a document id is longer than 256 bytes"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
        _ => Err("a document id must be a string or an integer"),
    }
}

/// Describes a serde_json error by category and position only: its own message
/// can quote the input (`invalid type: string "…"`), so it is never used.
pub fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax | Category::Eof => "malformed JSON",
        Category::Data => "the JSON does not match the request schema (see /openapi.json)",
        Category::Io => "the body could not be read",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRequest {
    id: Option<Value>,
    text: Option<String>,
    documents: Option<Vec<JsonDocument>>,
    #[serde(default)]
    options: RequestOptions,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDocument {
    id: Option<Value>,
    text: String,
}

pub async fn redact(state: State<Arc<AppState>>, ctx: Extension<ReqCtx>, req: Request) -> Response {
    handle(state, ctx, req, Op::Redact).await
}

pub async fn detect(state: State<Arc<AppState>>, ctx: Extension<ReqCtx>, req: Request) -> Response {
    handle(state, ctx, req, Op::Detect).await
}

enum Kind {
    Json,
    Ndjson,
}

fn content_kind(req: &Request) -> Option<Kind> {
    let value = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let mime = parts.next()?.trim().to_ascii_lowercase();
    for p in parts {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") && !v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8") {
            return None;
        }
    }
    match mime.as_str() {
        "application/json" => Some(Kind::Json),
        "application/x-ndjson" | "application/jsonl" => Some(Kind::Ndjson),
        _ => None,
    }
}

/// A rejection before any document was processed.
pub fn reject(status: StatusCode, code: &str, message: &str, ctx: &ReqCtx, input_sha256: Option<String>) -> Response {
    let record = AuditRecord { outcome: "rejected", input_sha256, ..AuditRecord::default() };
    json_response(status, &error_body(code, message, &ctx.request_id), record)
}

async fn handle(State(state): State<Arc<AppState>>, Extension(ctx): Extension<ReqCtx>, req: Request, op: Op) -> Response {
    match content_kind(&req) {
        Some(Kind::Ndjson) => {
            let resolved = RequestOptions::from_query(req.uri().query())
                .and_then(|o| Resolved::new(&state.engine, &o, op).map_err(String::from));
            match resolved {
                Ok(r) => ndjson::stream(state, ctx, op, r, req.into_body()),
                Err(m) => reject(StatusCode::BAD_REQUEST, "bad_options", &m, &ctx, None),
            }
        }
        Some(Kind::Json) => {
            let timeout = state.config.limits.request_timeout();
            // The engine work stops when this handler ends for any reason: answered,
            // timed out, or dropped because the client went away.
            let cancel = state.request_cancel();
            let _stop_work = cancel.drop_guard();
            match tokio::time::timeout(timeout, json(state.clone(), ctx.clone(), op, req, cancel)).await {
                Ok(resp) => resp,
                Err(_) => {
                    state.metrics.error("timeout");
                    let mut r = reject(StatusCode::SERVICE_UNAVAILABLE, "timeout", "the request took longer than the server's limit", &ctx, None);
                    if let Some(super::AuditNote::Record(rec)) = r.extensions_mut().get_mut::<super::AuditNote>() {
                        rec.outcome = "error";
                    }
                    r
                }
            }
        }
        None => reject(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send Content-Type: application/json or application/x-ndjson (UTF-8)",
            &ctx,
            None,
        ),
    }
}

/// Why a body could not be read whole.
pub enum ReadError {
    TooLarge,
    Failed,
}

/// Reads a body of at most `limit` bytes.
pub async fn read_limited(body: Body, limit: usize) -> Result<Bytes, ReadError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ReadError::Failed)?;
        if buf.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

async fn json(state: Arc<AppState>, ctx: ReqCtx, op: Op, req: Request, cancel: Cancel) -> Response {
    let limits = &state.config.limits;
    let too_large = || format!("the body is larger than the limit of {} bytes", limits.max_body_bytes);
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return reject(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", &too_large(), &ctx, None);
    }
    let body = match read_limited(req.into_body(), limits.max_body_bytes).await {
        Ok(b) => b,
        Err(ReadError::TooLarge) => return reject(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", &too_large(), &ctx, None),
        Err(ReadError::Failed) => return reject(StatusCode::BAD_REQUEST, "body_unreadable", "the request body could not be read", &ctx, None),
    };
    let input_sha256 = Some(super::auth::sha256_hex(&body));
    let bad = |code: &str, message: &str| reject(StatusCode::BAD_REQUEST, code, message, &ctx, input_sha256.clone());
    if let Err(e) = std::str::from_utf8(&body) {
        return bad("invalid_utf8", &format!("the body is not valid UTF-8 (at byte {})", e.valid_up_to()));
    }
    let parsed: JsonRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad("invalid_json", &describe_json_error(&e)),
    };
    drop(body);
    let single = match (parsed.text, parsed.documents) {
        (Some(text), None) => {
            vec![JsonDocument { id: parsed.id, text }]
        }
        (None, Some(docs)) if parsed.id.is_none() => {
            if docs.len() > limits.max_documents {
                return reject(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_many_documents",
                    &format!("more than {} documents in one request", limits.max_documents),
                    &ctx,
                    input_sha256,
                );
            }
            return run_batch(state, ctx, op, parsed.options, docs, input_sha256, cancel).await;
        }
        _ => return bad("invalid_request", "give either `text` (with an optional `id`) or `documents`"),
    };
    let doc = single.into_iter().next().expect("one document");
    if let Some(id) = &doc.id {
        if let Err(m) = check_id(id) {
            return bad("invalid_id", m);
        }
    }
    if doc.text.len() > limits.max_document_bytes {
        return reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            "document_too_large",
            &format!("the document is longer than the limit of {} bytes", limits.max_document_bytes),
            &ctx,
            input_sha256,
        );
    }
    let engine = state.engine.clone();
    let resolved = match Resolved::new(&engine, &parsed.options, op) {
        Ok(r) => r,
        Err(m) => return bad("bad_options", m),
    };
    let max = limits.max_document_bytes;
    let permit = ctx.permit.clone();
    let text = doc.text;
    // The permit goes with the work: the slot stays taken while the engine runs,
    // even after this handler has answered (a timeout) — and cancellation ends that soon.
    let joined = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        process(&engine, &resolved, op, &text, max, &cancel)
    })
    .await;
    let outcome = joined.unwrap_or_else(|_| DocOutcome::err("engine_error", "the engine failed on this document; it is withheld"));
    let mut tally = Tally::default();
    tally.add(&outcome);
    tally.count(&state, ctx.route);
    let mut record = tally.record(tally.outcome());
    record.input_sha256 = input_sha256;
    match outcome {
        DocOutcome::Err { code, message, .. } => {
            record.outcome = "error";
            // The client's transcript did not parse (400); the work was cancelled (503);
            // otherwise the engine failed (500).
            let status = match code {
                "invalid_transcript" => StatusCode::BAD_REQUEST,
                "cancelled" => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            json_response(status, &error_body(code, &message, &ctx.request_id), record)
        }
        ok => {
            let mut body = ok.to_json(doc.id.as_ref(), None);
            body.as_object_mut().expect("object").insert("request_id".into(), ctx.request_id.clone().into());
            json_response(StatusCode::OK, &body, record)
        }
    }
}

async fn run_batch(
    state: Arc<AppState>,
    ctx: ReqCtx,
    op: Op,
    options: RequestOptions,
    docs: Vec<JsonDocument>,
    input_sha256: Option<String>,
    cancel: Cancel,
) -> Response {
    for d in &docs {
        if let Some(id) = &d.id {
            if let Err(m) = check_id(id) {
                return reject(StatusCode::BAD_REQUEST, "invalid_id", m, &ctx, input_sha256);
            }
        }
    }
    let engine = state.engine.clone();
    let resolved = match Resolved::new(&engine, &options, op) {
        Ok(r) => r,
        Err(m) => return reject(StatusCode::BAD_REQUEST, "bad_options", m, &ctx, input_sha256),
    };
    let max = state.config.limits.max_document_bytes;
    let permit = ctx.permit.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let outcomes: Vec<DocOutcome> = docs.par_iter().map(|d| process(&engine, &resolved, op, &d.text, max, &cancel)).collect();
        let ids: Vec<Option<Value>> = docs.into_iter().map(|d| d.id).collect();
        (ids, outcomes)
    })
    .await;
    let Ok((ids, outcomes)) = joined else {
        state.metrics.error("engine");
        return reject(StatusCode::INTERNAL_SERVER_ERROR, "engine_error", "the engine failed; every document is withheld", &ctx, input_sha256);
    };
    let mut tally = Tally::default();
    let entries: Vec<Value> = ids
        .iter()
        .zip(&outcomes)
        .map(|(id, o)| {
            tally.add(o);
            o.to_json(id.as_ref(), None)
        })
        .collect();
    tally.count(&state, ctx.route);
    let mut record = tally.record(tally.outcome());
    record.input_sha256 = input_sha256;
    let body = json!({ "request_id": ctx.request_id, "documents": entries });
    json_response(StatusCode::OK, &body, record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_options_parse_and_errors_do_not_echo() {
        assert_eq!(RequestOptions::from_query(Some("placeholder=surrogate")).unwrap().placeholder, Some(PlaceholderStyle::Surrogate));
        let o = RequestOptions::from_query(Some("placeholder=numbered&keep_labels=DATE,AGE&keep_year=true")).unwrap();
        assert_eq!(o.placeholder, Some(PlaceholderStyle::Numbered));
        assert_eq!(o.keep_labels, vec![Label::Date, Label::Age]);
        assert_eq!(o.keep_year, Some(true));
        let e = RequestOptions::from_query(Some("placeholder=SECRET")).unwrap_err();
        assert!(!e.contains("SECRET"));
        let e = RequestOptions::from_query(Some("SECRET=1")).unwrap_err();
        assert!(!e.contains("SECRET"));
    }

    #[test]
    fn json_errors_never_quote_input() {
        let e = serde_json::from_str::<JsonRequest>(r#"{"text": 321549876}"#).err().unwrap();
        assert!(e.to_string().contains("321549876"), "serde's own message quotes the input");
        assert!(!describe_json_error(&e).contains("321549876"));
        let e = serde_json::from_str::<JsonRequest>(r#"{"SECRET": 1}"#).err().unwrap();
        assert!(!describe_json_error(&e).contains("SECRET"));
    }

    #[test]
    fn ids_are_bounded() {
        assert!(check_id(&json!("a")).is_ok());
        assert!(check_id(&json!(7)).is_ok());
        assert!(check_id(&json!(1.5)).is_err());
        assert!(check_id(&json!({"x": 1})).is_err());
        assert!(check_id(&json!("x".repeat(300))).is_err());
    }
}
