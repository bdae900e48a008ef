//! The HTTP service over a real socket (127.0.0.1:0), with an injected test
//! detector so results do not depend on the bundled detectors.
//! No test asserts a wall-clock time; timeouts here only stop a hung test.

use axum::body::Bytes;
use deid::detectors::{Detector, Document};
use deid::error::{Error, ErrorKind};
use deid::server::audit;
use deid::server::auth::{create_key, sha256_hex};
use deid::server::config::{Role, ServerConfig};
use deid::server::log::Logger;
use deid::server::{AppState, RunningServer, ROUTES};
use deid::span::{Label, Source, Span};
use deid::{Config, Engine};
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{HeaderMap, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;

/// The identifier planted in requests; it must never reach a log, an audit line or an error body.
const PLANT: &str = "321-54-9876";
const NAME: &str = "Zebediah";
const HANG_GUARD: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------- test engine

#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
    waiting: AtomicUsize,
    /// Waits that ended because the work was cancelled.
    cancelled: AtomicUsize,
    /// Waits (of either kind) that have ended.
    left: AtomicUsize,
}

impl Gate {
    /// Blocks until released, or until the work is cancelled — checking as a
    /// long detector does between its steps.
    fn wait(&self) -> deid::Result<()> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut open = self.open.lock().unwrap();
        while !*open {
            if let Err(e) = deid::cancel::checkpoint() {
                self.cancelled.fetch_add(1, Ordering::SeqCst);
                self.left.fetch_add(1, Ordering::SeqCst);
                return Err(e);
            }
            open = self.cv.wait_timeout(open, Duration::from_millis(5)).unwrap().0;
        }
        self.left.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
    /// Blocks until released, never checking for cancellation.
    fn wait_stuck(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.cv.wait(open).unwrap();
        }
        self.left.fetch_add(1, Ordering::SeqCst);
    }
    fn release(&self) {
        *self.open.lock().unwrap() = true;
        self.cv.notify_all();
    }
    async fn until_waiting(&self, n: usize) {
        while self.waiting.load(Ordering::SeqCst) < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Marks `Zebediah` (NAME), the planted SSN and an email; `WAIT` blocks on the gate
/// (or until cancelled), `STUCK` blocks on the gate ignoring cancellation,
/// `PANIC` panics, `FAIL` returns an error.
struct TestDetector {
    gate: Arc<Gate>,
}

impl Detector for TestDetector {
    fn name(&self) -> &'static str {
        "test"
    }
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> deid::Result<()> {
        let t = doc.text;
        if t.contains("PANIC") {
            panic!("boom");
        }
        if t.contains("FAIL") {
            return Err(Error::new(ErrorKind::Detector, "test detector failed"));
        }
        if t.contains("WAIT") {
            self.gate.wait()?;
        }
        if t.contains("STUCK") {
            self.gate.wait_stuck();
        }
        for (word, label) in [(NAME, Label::Name), (PLANT, Label::Ssn), ("jane.roe@example.org", Label::Email)] {
            for (i, _) in t.match_indices(word) {
                out.push(Span::new(i, i + word.len(), label, 0.99, Source::Rule));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- server fixture

#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

struct Keys {
    redact: String,
    detect: String,
    metrics: String,
    admin: String,
}

struct Fixture {
    server: RunningServer,
    addr: SocketAddr,
    keys: Keys,
    logs: SharedBuf,
    audit_path: std::path::PathBuf,
    gate: Arc<Gate>,
    _dir: tempfile::TempDir,
}

async fn start(tweak: impl FnOnce(&mut ServerConfig)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let audit_path = dir.path().join("audit.jsonl");
    let (redact, kr) = create_key("etl", Role::Redact);
    let (detect, kd) = create_key("gateway", Role::Detect);
    let (metrics, km) = create_key("prom", Role::Metrics);
    let (admin, ka) = create_key("ops", Role::Admin);
    let mut config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        audit_log: Some(audit_path.clone()),
        keys: vec![kr, kd, km, ka],
        ..ServerConfig::default()
    };
    tweak(&mut config);
    let gate = Arc::new(Gate::default());
    let engine = Engine::with_detectors(Config::default(), vec![Box::new(TestDetector { gate: gate.clone() })]).unwrap();
    let logs = SharedBuf::default();
    let state = Arc::new(AppState::new(config, engine, Logger::to_writer(Box::new(logs.clone()))).unwrap());
    let server = deid::server::start(state).await.unwrap();
    let addr = server.addr;
    Fixture { server, addr, keys: Keys { redact, detect, metrics, admin }, logs, audit_path, gate, _dir: dir }
}

// ---------------------------------------------------------------- client

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or("").to_string()
    }
}

async fn send<B>(addr: SocketAddr, req: Request<B>) -> Reply
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let resp = sender.send_request(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    Reply { status: parts.status, headers: parts.headers, body }
}

fn request(method: &str, path: &str, key: Option<&str>, content_type: Option<&str>, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
    let mut b = Request::builder().method(method).uri(path).header("host", "localhost");
    if let Some(k) = key {
        b = b.header("authorization", format!("Bearer {k}"));
    }
    if let Some(ct) = content_type {
        b = b.header("content-type", ct);
    }
    b.body(Full::new(body.into())).unwrap()
}

/// A streaming NDJSON `POST /v1/redact` whose body is whatever arrives on `rx`, as it arrives.
fn ndjson_stream_request(
    key: &str,
    rx: tokio::sync::mpsc::Receiver<Bytes>,
) -> Request<StreamBody<impl futures_util::Stream<Item = Result<Frame<Bytes>, std::convert::Infallible>>>> {
    let body = StreamBody::new(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, std::convert::Infallible>(Frame::data(b)), rx))
    }));
    Request::builder()
        .method("POST")
        .uri("/v1/redact")
        .header("host", "localhost")
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .unwrap()
}

async fn post_json(addr: SocketAddr, path: &str, key: Option<&str>, body: &Value) -> Reply {
    send(addr, request("POST", path, key, Some("application/json"), body.to_string())).await
}

async fn get(addr: SocketAddr, path: &str, key: Option<&str>) -> Reply {
    send(addr, request("GET", path, key, None, Bytes::new())).await
}

/// Waits (bounded by HANG_GUARD) until `cond` holds; panics naming `what` otherwise.
async fn eventually(what: &str, mut cond: impl AsyncFnMut() -> bool) {
    let give_up = tokio::time::Instant::now() + HANG_GUARD;
    while !cond().await {
        assert!(tokio::time::Instant::now() < give_up, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The value of `deid_requests_in_flight`.
async fn in_flight(f: &Fixture) -> u64 {
    let m = get(f.addr, "/metrics", Some(&f.keys.metrics)).await.text();
    let line = m.lines().find(|l| l.starts_with("deid_requests_in_flight ")).expect("the in-flight gauge");
    line["deid_requests_in_flight ".len()..].parse().unwrap()
}

/// Reads from a raw connection until the server closes it; what it sent, or
/// `None` when it still had not closed after HANG_GUARD.
async fn read_until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(HANG_GUARD, read).await.ok().map(|()| got)
}

/// Sends `GET /healthz` on a raw keep-alive connection and reads the whole response.
async fn healthz_keep_alive(stream: &mut TcpStream) -> String {
    get_keep_alive(stream, "/healthz", None).await
}

/// Sends a GET on a raw keep-alive connection and reads the whole response.
async fn get_keep_alive(stream: &mut TcpStream, path: &str, key: Option<&str>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let auth = key.map(|k| format!("authorization: Bearer {k}\r\n")).unwrap_or_default();
    stream.write_all(format!("GET {path} HTTP/1.1\r\nhost: localhost\r\n{auth}\r\n").as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let n = tokio::time::timeout(HANG_GUARD, stream.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "closed before the response was complete");
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some(head_end) = text.find("\r\n\r\n") {
            let len: usize = text[..head_end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap()))
                .expect("a content-length");
            if got.len() >= head_end + 4 + len {
                return text;
            }
        }
    }
}

fn audit_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn auth_401_403_200() {
    let f = start(|_| {}).await;
    let body = json!({"text": format!("{NAME} called")});
    let r = post_json(f.addr, "/v1/redact", None, &body).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers["www-authenticate"], "Bearer");
    assert_eq!(r.code(), "unauthenticated");
    let r = post_json(f.addr, "/v1/redact", Some("deid_0000"), &body).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(f.addr, {
        let mut q = request("POST", "/v1/redact", None, Some("application/json"), body.to_string());
        q.headers_mut().insert("authorization", format!("Basic {}", f.keys.redact).parse().unwrap());
        q
    })
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "only the Bearer scheme");
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.detect), &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "forbidden");
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.metrics), &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_json(f.addr, "/v1/detect", Some(&f.keys.detect), &body).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &body).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.contains_key("x-request-id"));
    let r = post_json(f.addr, "/v1/detect", Some(&f.keys.redact), &body).await;
    assert_eq!(r.status, StatusCode::OK, "redact includes detect");
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.admin), &body).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(get(f.addr, "/metrics", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(get(f.addr, "/metrics", Some(&f.keys.redact)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(f.addr, "/metrics", Some(&f.keys.metrics)).await.status, StatusCode::OK);
    assert_eq!(get(f.addr, "/healthz", None).await.status, StatusCode::OK);
    assert_eq!(get(f.addr, "/readyz", None).await.status, StatusCode::OK);

    let lines = audit_lines(&f.audit_path);
    assert_eq!(lines.len(), 12, "every /v1 and /metrics request is audited");
    let summary: Vec<(Value, i64, &str)> =
        lines.iter().map(|l| (l["key_id"].clone(), l["status"].as_i64().unwrap(), l["outcome"].as_str().unwrap())).collect();
    assert_eq!(summary[0], (Value::Null, 401, "denied"));
    assert_eq!(summary[3], (json!("gateway"), 403, "denied"));
    assert_eq!(summary[6], (json!("etl"), 200, "ok"));
    assert_eq!(summary[11], (json!("prom"), 200, "ok"));
}

#[tokio::test]
async fn anonymous_mode_only_when_configured_and_warned() {
    let f = start(|c| c.anonymous_role = Some(Role::Detect)).await;
    let body = json!({"text": "x"});
    assert_eq!(post_json(f.addr, "/v1/detect", None, &body).await.status, StatusCode::OK);
    assert_eq!(post_json(f.addr, "/v1/redact", None, &body).await.status, StatusCode::FORBIDDEN);
    assert_eq!(post_json(f.addr, "/v1/detect", Some("deid_wrong"), &body).await.status, StatusCode::UNAUTHORIZED);
    assert!(f.logs.text().contains("anonymous access is enabled"));
    assert_eq!(audit_lines(&f.audit_path)[0]["key_id"], "anonymous");
}

#[tokio::test]
async fn json_single_batch_options_and_code_point_offsets() {
    let f = start(|c| c.limits.max_document_bytes = 200).await;
    let key = Some(f.keys.redact.as_str());
    let text = format!("Zoë → {NAME}, SSN {PLANT}, {NAME} again");
    let r = post_json(f.addr, "/v1/redact", key, &json!({"id": "n1", "text": text})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["id"], "n1");
    assert_eq!(v["text"], "Zoë → [NAME], SSN [SSN], [NAME] again");
    let chars: Vec<char> = text.chars().collect();
    let s = &v["spans"][0];
    let (a, b) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
    assert_eq!(chars[a..b].iter().collect::<String>(), NAME, "offsets are code points");

    let r = post_json(f.addr, "/v1/redact", key, &json!({"text": text, "options": {"placeholder": "numbered"}})).await;
    assert_eq!(r.json()["text"], "Zoë → [NAME_1], SSN [SSN_1], [NAME_1] again");
    let r = post_json(f.addr, "/v1/redact", key, &json!({"text": text, "options": {"keep_labels": ["NAME"]}})).await;
    assert_eq!(r.json()["text"], format!("Zoë → {NAME}, SSN [SSN], {NAME} again"));

    let r = post_json(f.addr, "/v1/detect", key, &json!({"text": text})).await;
    let v = r.json();
    assert!(v.get("text").is_none(), "detect returns no text");
    assert_eq!(v["spans"].as_array().unwrap().len(), 3);

    let big = format!("{PLANT} {}", "a".repeat(300));
    let docs = json!({"documents": [
        {"id": 1, "text": format!("{NAME} ok")},
        {"id": "too-big", "text": big},
        {"id": "boom", "text": format!("PANIC {PLANT}")},
        {"id": "fails", "text": format!("FAIL {PLANT}")},
        {"text": "no id"}
    ]});
    let r = post_json(f.addr, "/v1/redact", key, &docs).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains(PLANT), "failed documents are withheld");
    let d = r.json()["documents"].clone();
    assert_eq!(d[0]["text"], "[NAME] ok");
    assert_eq!(d[1]["id"], "too-big");
    assert_eq!(d[1]["error"]["code"], "document_too_large");
    assert_eq!(d[2]["error"]["code"], "engine_error");
    assert_eq!(d[3]["error"]["code"], "engine_error");
    assert_eq!(d[4]["text"], "no id");
    let last = audit_lines(&f.audit_path).pop().unwrap();
    assert_eq!((last["documents"].as_u64(), last["failed_documents"].as_u64(), last["outcome"].as_str()), (Some(5), Some(3), Some("partial")));
    assert_eq!(last["removed"], json!({"NAME": 1}));
}

#[tokio::test]
async fn single_document_engine_failure_is_500_without_text() {
    let f = start(|_| {}).await;
    for word in ["PANIC", "FAIL"] {
        let r = post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &json!({"text": format!("{word} {PLANT} {NAME}")})).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(r.code(), "engine_error");
        assert!(!r.text().contains(PLANT) && !r.text().contains(NAME));
    }
}

#[tokio::test]
async fn body_document_and_count_limits() {
    let f = start(|c| {
        c.limits.max_body_bytes = 1000;
        c.limits.max_document_bytes = 100;
        c.limits.max_documents = 3;
    })
    .await;
    let key = Some(f.keys.redact.as_str());
    let r = post_json(f.addr, "/v1/redact", key, &json!({"text": format!("{PLANT} {}", "x".repeat(2000))})).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "body_too_large");
    // Without Content-Length (chunked): the limit still holds while reading.
    let chunks = futures_util::stream::iter((0..20).map(|_| Ok::<_, std::convert::Infallible>(Frame::data(Bytes::from(vec![b' '; 100])))));
    let req = Request::builder()
        .method("POST")
        .uri("/v1/redact")
        .header("host", "localhost")
        .header("authorization", format!("Bearer {}", f.keys.redact))
        .header("content-type", "application/json")
        .body(StreamBody::new(chunks))
        .unwrap();
    let r = send(f.addr, req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = post_json(f.addr, "/v1/redact", key, &json!({"text": format!("{PLANT} {}", "x".repeat(200))})).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "document_too_large");
    let docs: Vec<Value> = (0..4).map(|i| json!({"id": i, "text": "x"})).collect();
    let r = post_json(f.addr, "/v1/redact", key, &json!({"documents": docs})).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "too_many_documents");
    assert!(!f.logs.text().contains(PLANT));
}

#[tokio::test]
async fn malformed_json_invalid_utf8_wrong_content_type_never_echo() {
    let f = start(|_| {}).await;
    let key = Some(f.keys.redact.as_str());
    type Case<'a> = (&'a str, Option<&'a str>, Vec<u8>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        ("malformed", Some("application/json"), format!("{{\"text\": \"{PLANT}").into_bytes(), StatusCode::BAD_REQUEST, "invalid_json"),
        ("wrong type", Some("application/json"), format!("{{\"text\": [\"{PLANT}\"]}}").into_bytes(), StatusCode::BAD_REQUEST, "invalid_json"),
        ("unknown field", Some("application/json"), format!("{{\"{PLANT}\": 1}}").into_bytes(), StatusCode::BAD_REQUEST, "invalid_json"),
        ("bad id", Some("application/json"), json!({"id": {"x": PLANT}, "text": "a"}).to_string().into_bytes(), StatusCode::BAD_REQUEST, "invalid_id"),
        ("both forms", Some("application/json"), json!({"text": PLANT, "documents": []}).to_string().into_bytes(), StatusCode::BAD_REQUEST, "invalid_request"),
        ("not utf-8", Some("application/json"), [b"{\"text\": \"".as_slice(), PLANT.as_bytes(), b"\xff\xfe\"}"].concat(), StatusCode::BAD_REQUEST, "invalid_utf8"),
        ("text/plain", Some("text/plain"), PLANT.as_bytes().to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("no type", None, PLANT.as_bytes().to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("latin-1", Some("application/json; charset=iso-8859-1"), PLANT.as_bytes().to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
    ];
    for (what, ct, body, status, code) in cases {
        let r = send(f.addr, request("POST", "/v1/redact", key, ct, body)).await;
        assert_eq!(r.status, status, "{what}");
        assert_eq!(r.code(), code, "{what}");
        assert!(!r.text().contains(PLANT), "{what}: the error body echoes input: {}", r.text());
    }
    let r = send(f.addr, request("POST", "/v1/redact?placeholder=x", key, Some("application/x-ndjson"), "")).await;
    assert_eq!(r.code(), "bad_options");
    assert!(!f.logs.text().contains(PLANT));
    let audit = std::fs::read_to_string(&f.audit_path).unwrap();
    assert!(!audit.contains(PLANT));
    assert_eq!(audit.lines().count(), 10);
}

/// 10,000 documents streamed in; results stream out before the request ends
/// (the producer waits for the first result line before sending the rest), so
/// the server cannot be buffering the whole request or the whole response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ndjson_streams_ten_thousand_documents() {
    const N: usize = 10_000;
    let f = start(|_| {}).await;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let first_seen = Arc::new(tokio::sync::Notify::new());
    let request_done = Arc::new(AtomicBool::new(false));
    let producer = {
        let (first_seen, request_done) = (first_seen.clone(), request_done.clone());
        tokio::spawn(async move {
            for i in 0..N {
                let line = format!("{}\n", json!({"id": i, "text": format!("note {i}: {NAME} seen, SSN {PLANT}")}));
                tx.send(Bytes::from(line)).await.unwrap();
                if i == 99 {
                    first_seen.notified().await;
                }
            }
            request_done.store(true, Ordering::SeqCst);
        })
    };
    let req = ndjson_stream_request(&f.keys.redact, rx);
    let run = async {
        let stream = TcpStream::connect(f.addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(conn);
        let resp = sender.send_request(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
        let mut body = resp.into_body();
        let (mut pending, mut seen, mut first) = (Vec::new(), 0usize, true);
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.unwrap().into_data() else { continue };
            pending.extend_from_slice(&data);
            while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=pos).collect();
                let v: Value = serde_json::from_slice(&line).unwrap();
                assert_eq!(v["id"], seen, "results in input order");
                assert_eq!(v["text"], format!("note {seen}: [NAME] seen, SSN [SSN]"));
                if first {
                    assert!(!request_done.load(Ordering::SeqCst), "a result arrived before the request body ended");
                    first_seen.notify_one();
                    first = false;
                }
                seen += 1;
            }
        }
        assert!(pending.is_empty());
        seen
    };
    let seen = tokio::time::timeout(HANG_GUARD, run).await.expect("the stream stalled: the server waited for the whole body");
    producer.await.unwrap();
    assert_eq!(seen, N);
    // The audit line is written when the stream ends.
    let mut last = None;
    for _ in 0..500 {
        last = audit_lines(&f.audit_path).pop();
        if last.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let last = last.expect("the stream's audit line");
    assert_eq!(last["documents"], N);
    assert_eq!(last["removed"], json!({"NAME": N, "SSN": N}));
    assert!(!std::fs::read_to_string(&f.audit_path).unwrap().contains(PLANT));
}

#[tokio::test]
async fn ndjson_bad_lines_get_error_entries_in_order() {
    let f = start(|c| {
        c.limits.max_line_bytes = 200;
        c.limits.max_document_bytes = 50;
    })
    .await;
    let mut body = Vec::new();
    body.extend_from_slice(format!("{}\n", json!({"id": "a", "text": NAME})).as_bytes());
    body.extend_from_slice(format!("{{\"id\": \"b\", \"text\": \"{PLANT}\n").as_bytes()); // malformed
    body.extend_from_slice(b"\n   \n"); // blank lines are skipped
    body.extend_from_slice([b"{\"text\": \"".as_slice(), PLANT.as_bytes(), b"\xff\"}\n"].concat().as_slice()); // invalid UTF-8
    body.extend_from_slice(format!("{}\n", json!({"text": format!("{PLANT} {}", "y".repeat(300))})).as_bytes()); // line too long
    body.extend_from_slice(format!("{}\n", json!({"id": "big", "text": format!("{PLANT} {}", "y".repeat(60))})).as_bytes()); // doc too long
    body.extend_from_slice(format!("{}\n", json!({"id": "boom", "text": format!("PANIC {PLANT}")})).as_bytes());
    body.extend_from_slice(format!("{}", json!({"id": 9, "text": format!("{NAME} last")})).as_bytes()); // no final newline
    let r = send(f.addr, request("POST", "/v1/redact", Some(&f.keys.redact), Some("application/x-ndjson"), body)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains(PLANT), "{}", r.text());
    let lines: Vec<Value> = r.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let got: Vec<(Value, Value)> = lines.iter().map(|l| (l["line"].clone(), l["error"]["code"].clone())).collect();
    assert_eq!(
        got,
        vec![
            (Value::Null, Value::Null),
            (json!(2), json!("invalid_json")),
            (json!(5), json!("invalid_utf8")),
            (json!(6), json!("line_too_long")),
            (json!(7), json!("document_too_large")),
            (json!(8), json!("engine_error")),
            (Value::Null, Value::Null),
        ]
    );
    assert_eq!(lines[0]["text"], "[NAME]");
    assert_eq!(lines[6], json!({"id": 9, "text": "[NAME] last", "spans": lines[6]["spans"]}));
    let r = send(f.addr, request("POST", "/v1/detect?keep_labels=NAME", Some(&f.keys.detect), Some("application/x-ndjson"), format!("{}\n", json!({"text": format!("{NAME} {PLANT}")})))).await;
    let v: Value = serde_json::from_str(r.text().trim()).unwrap();
    assert_eq!(v["spans"].as_array().unwrap().len(), 1, "NAME kept, SSN reported");
    assert!(!f.logs.text().contains(PLANT));
}

#[tokio::test]
async fn concurrency_limit_gives_503_with_retry_after() {
    let f = start(|c| c.limits.max_concurrent_requests = 1).await;
    let addr = f.addr;
    let key = f.keys.redact.clone();
    let held = tokio::spawn(async move { post_json(addr, "/v1/redact", Some(&key), &json!({"text": format!("WAIT {NAME}")})).await });
    f.gate.until_waiting(1).await;
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &json!({"text": "x"})).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers["retry-after"], "1");
    assert_eq!(r.code(), "overloaded");
    assert_eq!(get(f.addr, "/healthz", None).await.status, StatusCode::OK, "probes are not limited");
    f.gate.release();
    let r = held.await.unwrap();
    assert_eq!(r.json()["text"], "WAIT [NAME]");
    // The permit is back.
    assert_eq!(post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &json!({"text": "x"})).await.status, StatusCode::OK);
}

#[tokio::test]
async fn request_timeout_gives_503() {
    let f = start(|c| c.limits.request_timeout_secs = 1).await;
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &json!({"text": format!("WAIT {PLANT}")})).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.code(), "timeout");
    assert!(!r.text().contains(PLANT));
    f.gate.release();
    assert_eq!(audit_lines(&f.audit_path)[0]["outcome"], "error");
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests() {
    let f = start(|_| {}).await;
    let addr = f.addr;
    let key = f.keys.redact.clone();
    let in_flight = tokio::spawn(async move { post_json(addr, "/v1/redact", Some(&key), &json!({"text": format!("WAIT {NAME}")})).await });
    f.gate.until_waiting(1).await;
    f.server.shutdown();
    // New connections are refused once the listener closes.
    let mut refused = false;
    for _ in 0..1000 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(refused, "the listener still accepts after shutdown");
    assert!(!f.server.is_finished(), "the server waits for the request in flight");
    f.gate.release();
    let r = tokio::time::timeout(HANG_GUARD, in_flight).await.unwrap().unwrap();
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["text"], "WAIT [NAME]");
    tokio::time::timeout(HANG_GUARD, f.server.wait()).await.unwrap().unwrap();
    let logs = f.logs.text();
    assert!(logs.contains("shutting down") && logs.contains("\"msg\":\"stopped\""));
    assert_eq!(audit_lines(&f.audit_path).len(), 1);
}

#[tokio::test]
async fn plain_http_refused_off_loopback_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        audit_log: Some(dir.path().join("a.jsonl")),
        ..ServerConfig::default()
    };
    let engine = Engine::with_detectors(Config::default(), vec![]).unwrap();
    let state = Arc::new(AppState::new(config, engine, Logger::to_writer(Box::new(std::io::sink()))).unwrap());
    let err = deid::server::start(state).await.err().expect("refused");
    assert!(err.to_string().contains("refusing plain HTTP"));
    let no_audit = AppState::new(ServerConfig::default(), Engine::with_detectors(Config::default(), vec![]).unwrap(), Logger::stderr());
    assert!(no_audit.err().unwrap().to_string().contains("audit log is required"));
}

#[tokio::test]
async fn tls_handshake_with_a_test_certificate() {
    use tokio_rustls::rustls::{self, pki_types::ServerName, ClientConfig, RootCertStore};
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let f = start(|c| {
        c.tls_cert = Some(cert_path.clone());
        c.tls_key = Some(key_path.clone());
    })
    .await;
    assert!(f.server.tls);
    let mut roots = RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        let client = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[version])
            .unwrap()
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
        let tcp = TcpStream::connect(f.addr).await.unwrap();
        let tls = connector.connect(ServerName::try_from("localhost").unwrap(), tcp).await.unwrap();
        assert_eq!(tls.get_ref().1.protocol_version(), Some(version.version));
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.unwrap();
        tokio::spawn(conn);
        let req = request("POST", "/v1/redact", Some(&f.keys.redact), Some("application/json"), json!({"text": NAME}).to_string());
        let resp = sender.send_request(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["text"], "[NAME]");
    }
    // A plain-HTTP client gets no HTTP answer from the TLS port.
    let stream = TcpStream::connect(f.addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let plain = tokio::time::timeout(HANG_GUARD, sender.send_request(request("GET", "/healthz", None, None, Bytes::new()))).await.unwrap();
    assert!(plain.is_err(), "plain HTTP must not be served on the TLS port");
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_an_edited_line() {
    let f = start(|_| {}).await;
    let body = json!({"text": format!("{NAME} {PLANT}")});
    for _ in 0..3 {
        post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &body).await;
    }
    let r = post_json(f.addr, "/v1/detect", None, &body).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let text = std::fs::read_to_string(&f.audit_path).unwrap();
    assert!(!text.contains(PLANT) && !text.contains(NAME));
    let lines = audit_lines(&f.audit_path);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["input_sha256"], sha256_hex(body.to_string().as_bytes()), "the hash covers the body as received");
    assert_eq!(lines[0]["chars_in"], NAME.len() + 1 + PLANT.len());
    assert_eq!(lines[0]["removed"], json!({"NAME": 1, "SSN": 1}));
    assert_eq!(lines[1]["prev"], lines[0]["hash"]);
    assert_ne!(lines[0]["request_id"], lines[1]["request_id"]);
    let ok = audit::verify(text.as_bytes(), None).unwrap().unwrap();
    assert_eq!(ok.lines, 4);
    let edited = text.replacen("\"status\":200", "\"status\":201", 2).replacen("\"status\":201", "\"status\":200", 1);
    assert_eq!(audit::verify(edited.as_bytes(), None).unwrap().unwrap_err().line, 2, "the second line was edited");
}

#[tokio::test]
async fn metrics_count_requests_documents_labels_and_errors() {
    let f = start(|_| {}).await;
    let key = Some(f.keys.redact.as_str());
    post_json(f.addr, "/v1/redact", key, &json!({"documents": [{"text": NAME}, {"text": format!("{NAME} {PLANT}")}, {"text": "FAIL"}]})).await;
    post_json(f.addr, "/v1/redact", None, &json!({"text": "x"})).await;
    let r = get(f.addr, "/metrics", Some(&f.keys.metrics)).await;
    let m = r.text();
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    for needle in [
        "deid_requests_total{route=\"/v1/redact\",status=\"200\"} 1",
        "deid_requests_total{route=\"/v1/redact\",status=\"401\"} 1",
        "deid_documents_total{route=\"/v1/redact\",outcome=\"ok\"} 2",
        "deid_documents_total{route=\"/v1/redact\",outcome=\"error\"} 1",
        "deid_identifiers_removed_total{label=\"NAME\"} 2",
        "deid_identifiers_removed_total{label=\"SSN\"} 1",
        "deid_errors_total{kind=\"engine\"} 1",
        "deid_request_duration_seconds_count{route=\"/v1/redact\"} 2",
    ] {
        assert!(m.contains(needle), "missing {needle} in\n{m}");
    }
    assert!(!m.contains(PLANT) && !m.contains(NAME));
}

#[tokio::test]
async fn logs_never_hold_planted_identifiers() {
    let f = start(|c| c.limits.max_body_bytes = 4096).await;
    let key = Some(f.keys.redact.as_str());
    let mut bodies = Vec::new();
    let planted = [
        json!({"text": format!("{PLANT} {NAME} jane.roe@example.org")}).to_string(),
        format!("{{\"text\": \"{PLANT}"),
        format!("{{\"id\": \"{PLANT}\", \"text\": 5}}"),
        format!("{{\"{PLANT}\": true}}"),
        json!({"text": format!("PANIC {PLANT}")}).to_string(),
        json!({"text": format!("{PLANT} {}", "z".repeat(5000))}).to_string(),
    ];
    for (i, body) in planted.iter().enumerate() {
        let ct = if i % 2 == 0 { "application/json" } else { "application/x-ndjson" };
        bodies.push(send(f.addr, request("POST", "/v1/redact", key, Some(ct), body.clone())).await.text());
        bodies.push(send(f.addr, request("POST", "/v1/detect", key, Some("application/json"), body.clone())).await.text());
    }
    bodies.push(send(f.addr, request("POST", &format!("/v1/redact?{PLANT}=1"), key, Some("application/x-ndjson"), "")).await.text());
    bodies.push(send(f.addr, request("GET", &format!("/nowhere/{PLANT}"), key, None, Bytes::new())).await.text());
    let mut bad_key = request("POST", "/v1/redact", None, Some("application/json"), "{}");
    bad_key.headers_mut().insert("authorization", format!("Bearer {PLANT}").parse().unwrap());
    bodies.push(send(f.addr, bad_key).await.text());
    for b in &bodies {
        assert!(!b.contains(PLANT), "a response holds the planted identifier: {b}");
    }
    let logs = f.logs.text();
    assert!(logs.lines().count() >= planted.len() * 2, "requests are logged");
    assert!(!logs.contains(PLANT) && !logs.contains(NAME) && !logs.contains("jane.roe"), "{logs}");
    let audit = std::fs::read_to_string(&f.audit_path).unwrap();
    assert!(!audit.contains(PLANT) && !audit.contains(NAME));
}

// ---------------------------------------------------------------- OpenAPI

/// A small JSON Schema checker for the subset the OpenAPI document uses.
fn validate(doc: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/components/schemas/").expect("local ref");
        return validate(doc, &doc["components"]["schemas"][name], v, at);
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let n = options.iter().filter(|s| validate(doc, s, v, at).is_ok()).count();
        return if n == 1 { Ok(()) } else { Err(format!("{at}: {n} oneOf branches match")) };
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(v) {
            return Err(format!("{at}: {v} not in enum"));
        }
    }
    let ok = match schema.get("type").and_then(Value::as_str) {
        None => true,
        Some("object") => v.is_object(),
        Some("array") => v.is_array(),
        Some("string") => v.is_string(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        Some("boolean") => v.is_boolean(),
        Some(t) => panic!("unsupported type {t}"),
    };
    if !ok {
        return Err(format!("{at}: {v} is not {}", schema["type"]));
    }
    if let (Some(max), Some(s)) = (schema.get("maxLength").and_then(Value::as_u64), v.as_str()) {
        if s.chars().count() as u64 > max {
            return Err(format!("{at}: too long"));
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !obj.contains_key(req.as_str().unwrap()) {
                return Err(format!("{at}: missing {req}"));
            }
        }
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(doc, s, val, &format!("{at}.{k}"))?,
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => return Err(format!("{at}: unexpected {k}")),
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(doc, items, x, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16, ct: &str) -> &'a Value {
    let s = &doc["paths"][path][method]["responses"][status.to_string()]["content"][ct]["schema"];
    assert!(!s.is_null(), "no schema for {method} {path} {status} {ct}");
    s
}

#[tokio::test]
async fn openapi_matches_routes_and_responses() {
    let f = start(|c| c.limits.max_document_bytes = 100).await;
    let r = get(f.addr, "/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.0.3");
    // Routes and methods: exactly those served.
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    let mut served: Vec<(String, String)> = ROUTES.iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
    documented.sort();
    served.sort();
    assert_eq!(documented, served);
    for (method, path) in &served {
        let other = if method == "GET" { "POST" } else { "GET" };
        let r = send(f.addr, request(other, path, Some(&f.keys.admin), Some("application/json"), "{}")).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{other} {path}");
        let r = send(f.addr, request(method, path, Some(&f.keys.admin), Some("application/json"), json!({"text": "a"}).to_string())).await;
        assert!(r.status != StatusCode::NOT_FOUND && r.status != StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented but not served");
    }
    assert_eq!(get(f.addr, "/v2/redact", None).await.status, StatusCode::NOT_FOUND);

    // Requests valid under the schema are accepted; responses match their schemas.
    let admin = Some(f.keys.admin.as_str());
    let request_schema = &doc["paths"]["/v1/redact"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    let text = format!("Zoë {NAME} {PLANT}");
    let cases: Vec<(&str, Value)> = vec![
        ("/v1/redact", json!({"id": "a", "text": text, "options": {"placeholder": "numbered", "keep_year": true, "keep_labels": ["DATE"]}})),
        ("/v1/detect", json!({"id": 7, "text": text})),
        ("/v1/redact", json!({"documents": [{"id": 1, "text": text}, {"text": "PANIC"}, {"text": "y".repeat(200)}]})),
        ("/v1/detect", json!({"documents": [{"text": text}, {"id": "x", "text": "FAIL"}]})),
    ];
    for (path, body) in &cases {
        validate(&doc, request_schema, body, "request").unwrap();
        let r = post_json(f.addr, path, admin, body).await;
        assert_eq!(r.status, StatusCode::OK);
        validate(&doc, response_schema(&doc, path, "post", 200, "application/json"), &r.json(), path).unwrap();
    }
    let ndjson = format!("{}\n{{bad\n{}\n", json!({"id": 1, "text": text}), json!({"text": "PANIC"}));
    for path in ["/v1/redact", "/v1/detect"] {
        let r = send(f.addr, request("POST", path, admin, Some("application/x-ndjson"), ndjson.clone())).await;
        let schema = response_schema(&doc, path, "post", 200, "application/x-ndjson");
        for line in r.text().lines() {
            validate(&doc, schema, &serde_json::from_str(line).unwrap(), path).unwrap();
        }
    }
    // Error bodies.
    let errors = [
        (post_json(f.addr, "/v1/redact", None, &json!({"text": "a"})).await, 401),
        (post_json(f.addr, "/v1/redact", Some(&f.keys.detect), &json!({"text": "a"})).await, 403),
        (send(f.addr, request("POST", "/v1/redact", admin, Some("application/json"), "{")).await, 400),
        (send(f.addr, request("POST", "/v1/redact", admin, Some("text/csv"), "a")).await, 415),
        (post_json(f.addr, "/v1/redact", admin, &json!({"text": "y".repeat(200)})).await, 413),
        (post_json(f.addr, "/v1/redact", admin, &json!({"text": "PANIC"})).await, 500),
    ];
    for (r, status) in errors {
        assert_eq!(r.status.as_u16(), status);
        validate(&doc, response_schema(&doc, "/v1/redact", "post", status, "application/json"), &r.json(), "error").unwrap();
    }
    for (path, key) in [("/healthz", None), ("/readyz", None)] {
        let r = get(f.addr, path, key).await;
        validate(&doc, response_schema(&doc, path, "get", 200, "application/json"), &r.json(), path).unwrap();
    }
    let r = get(f.addr, "/metrics", Some(&f.keys.metrics)).await;
    validate(&doc, response_schema(&doc, "/metrics", "get", 200, "text/plain"), &Value::String(r.text()), "metrics").unwrap();
    // The checker does reject what does not match.
    assert!(validate(&doc, response_schema(&doc, "/v1/redact", "post", 200, "application/json"), &json!({"text": "x"}), "neg").is_err());
}

#[tokio::test]
async fn transcripts_come_back_in_their_own_format() {
    let f = start(|_| {}).await;
    let key = Some(f.keys.redact.as_str());
    let vtt = format!("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nDoctor: Hello {NAME}\n\n00:00:03.000 --> 00:00:04.000\nPatient: SSN {PLANT}\n");
    for format in ["vtt", "auto"] {
        let r = post_json(f.addr, "/v1/redact", key, &json!({"text": vtt, "options": {"format": format}})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let out = r.json()["text"].as_str().unwrap().to_string();
        assert!(out.starts_with("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n"), "{out}");
        assert!(out.contains("Hello [NAME]\n\n00:00:03.000 --> 00:00:04.000\n") && out.contains("SSN [SSN]"), "{out}");
        assert!(!out.contains(PLANT));
    }
    // NDJSON, format in the query.
    let line = format!("{}\n", json!({"id": "t1", "text": vtt}));
    let r = send(f.addr, request("POST", "/v1/redact?format=vtt", key, Some("application/x-ndjson"), line)).await;
    assert!(r.text().contains("Hello [NAME]") && !r.text().contains(PLANT), "{}", r.text());
    // A transcript that does not parse is the client's error, and is not echoed.
    let r = post_json(f.addr, "/v1/redact", key, &json!({"text": format!("{{\"words\": [\"{PLANT}\""), "options": {"format": "words-json"}})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "invalid_transcript");
    assert!(!r.text().contains(PLANT));
    for (path, options) in [
        ("/v1/detect", json!({"format": "vtt"})),
        ("/v1/redact", json!({"format": "vtt", "placeholder": "numbered"})),
        ("/v1/redact", json!({"format": PLANT})),
    ] {
        let r = post_json(f.addr, path, key, &json!({"text": vtt, "options": options})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path} {options}");
        assert_eq!(r.code(), "bad_options");
        assert!(!r.text().contains(PLANT));
    }
}

// ---------------------------------------------------------------- work that outlives its request

#[tokio::test]
async fn a_timed_out_request_stops_its_work_and_frees_its_slot() {
    let f = start(|c| {
        c.limits.request_timeout_secs = 1;
        c.limits.max_concurrent_requests = 1;
    })
    .await;
    // The gate is never released: only cancellation ends this work.
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &json!({"text": format!("WAIT {PLANT}")})).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.code(), "timeout");
    eventually("the timed-out work to be cancelled", async || f.gate.cancelled.load(Ordering::SeqCst) == 1).await;
    eventually("the slot to be free again", async || {
        post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &json!({"text": NAME})).await.status == StatusCode::OK
    })
    .await;
    assert_eq!(in_flight(&f).await, 0);
}

#[tokio::test]
async fn in_flight_counts_engine_work_that_outlives_its_handler() {
    let f = start(|c| c.limits.request_timeout_secs = 1).await;
    // STUCK ignores cancellation: its work runs on after the 503.
    let r = post_json(f.addr, "/v1/redact", Some(&f.keys.redact), &json!({"text": "STUCK"})).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(f.gate.left.load(Ordering::SeqCst), 0, "the work is still running");
    assert_eq!(in_flight(&f).await, 1, "the engine is busy for a request that was answered");
    f.gate.release();
    eventually("the gauge to fall once the work ends", async || in_flight(&f).await == 0).await;
}

#[tokio::test]
async fn a_client_that_goes_away_cancels_its_work() {
    use tokio::io::AsyncWriteExt;
    let f = start(|c| c.limits.max_concurrent_requests = 1).await;
    let body = json!({"text": format!("WAIT {NAME}")}).to_string();
    let head = format!(
        "POST /v1/redact HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        f.keys.redact,
        body.len()
    );
    let mut stream = TcpStream::connect(f.addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    f.gate.until_waiting(1).await;
    drop(stream);
    eventually("the abandoned work to be cancelled", async || f.gate.cancelled.load(Ordering::SeqCst) == 1).await;
    eventually("the slot to be free again", async || in_flight(&f).await == 0).await;
}

#[tokio::test]
async fn after_the_shutdown_grace_work_is_cancelled_and_the_server_stops() {
    let f = start(|c| c.limits.shutdown_grace_secs = 1).await;
    let (addr, key) = (f.addr, f.keys.redact.clone());
    // Never released: the grace runs out.
    let client = tokio::spawn(async move {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(conn);
        sender.send_request(request("POST", "/v1/redact", Some(&key), Some("application/json"), json!({"text": "WAIT"}).to_string())).await.map(|r| r.status())
    });
    f.gate.until_waiting(1).await;
    f.server.shutdown();
    tokio::time::timeout(HANG_GUARD, f.server.wait()).await.expect("the server stops after its grace").unwrap();
    assert_eq!(f.gate.cancelled.load(Ordering::SeqCst), 1, "the work in flight was cancelled before the server returned");
    let answer = tokio::time::timeout(HANG_GUARD, client).await.unwrap().unwrap();
    // The connection is closed under the request, or it is answered 503: never a 200.
    assert!(answer.as_ref().map_or(true, |s| *s == StatusCode::SERVICE_UNAVAILABLE), "got {answer:?}");
    let logs = f.logs.text();
    assert!(logs.contains("shutdown grace period over") && logs.contains("\"msg\":\"stopped\""));
}

#[tokio::test]
async fn an_ndjson_stream_cut_by_shutdown_is_audited() {
    let f = start(|c| c.limits.shutdown_grace_secs = 1).await;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let req = ndjson_stream_request(&f.keys.redact, rx);
    let stream = TcpStream::connect(f.addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    tx.send(Bytes::from(format!("{}\n", json!({"id": 1, "text": NAME})))).await.unwrap();
    let resp = sender.send_request(req).await.unwrap();
    let mut body = resp.into_body();
    let first = tokio::time::timeout(HANG_GUARD, body.frame()).await.unwrap().unwrap().unwrap().into_data().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("[NAME]"));
    // The client keeps its request open past the grace.
    f.server.shutdown();
    tokio::time::timeout(HANG_GUARD, f.server.wait()).await.expect("the server stops after its grace").unwrap();
    let lines = audit_lines(&f.audit_path);
    assert_eq!(lines.len(), 1, "the stream's audit line is written before the server returns");
    assert_eq!(lines[0]["route"], "/v1/redact");
    assert_eq!(lines[0]["outcome"], "error");
    assert_eq!(lines[0]["documents"], 1);
    drop(tx);
}

// ---------------------------------------------------------------- slow and idle clients

#[tokio::test]
async fn a_silent_client_is_disconnected_after_the_header_timeout() {
    let f = start(|c| c.limits.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(f.addr).await.unwrap();
    let got = read_until_closed(&mut stream).await.expect("the server closed the silent connection");
    assert!(got.is_empty(), "nothing is answered to a request never sent");
}

#[tokio::test]
async fn a_header_dribbled_byte_by_byte_is_cut_off() {
    use tokio::io::AsyncWriteExt;
    let f = start(|c| c.limits.header_read_timeout_secs = 1).await;
    let stream = TcpStream::connect(f.addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    // A byte every 100 ms: well under any idle limit, and far more than the header limit in all.
    let header = format!("GET /healthz HTTP/1.1\r\nhost: localhost\r\nx-padding: {}\r\n\r\n", "a".repeat(400));
    let dribble = tokio::spawn(async move {
        for b in header.bytes() {
            if write.write_all(&[b]).await.is_err() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        true
    });
    let closed = tokio::time::timeout(HANG_GUARD, async {
        use tokio::io::AsyncReadExt;
        let mut buf = [0u8; 256];
        let mut got = Vec::new();
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => return got,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .expect("the server closed the dribbling connection");
    assert!(!String::from_utf8_lossy(&closed).contains("200 OK"), "the dribbled request was never served");
    dribble.abort();
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    // The header limit is long: the close comes from the idle limit.
    let f = start(|c| {
        c.limits.header_read_timeout_secs = 600;
        c.limits.keep_alive_idle_secs = 1;
    })
    .await;
    let mut stream = TcpStream::connect(f.addr).await.unwrap();
    assert!(healthz_keep_alive(&mut stream).await.starts_with("HTTP/1.1 200"));
    assert!(healthz_keep_alive(&mut stream).await.starts_with("HTTP/1.1 200"), "the connection is kept alive between requests");
    let got = read_until_closed(&mut stream).await.expect("the server closed the idle connection");
    assert!(got.is_empty());
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_at_once() {
    let f = start(|c| c.limits.max_connections = 2).await;
    let mut first = TcpStream::connect(f.addr).await.unwrap();
    let mut second = TcpStream::connect(f.addr).await.unwrap();
    // Both are served, so both hold a place.
    assert!(healthz_keep_alive(&mut first).await.starts_with("HTTP/1.1 200"));
    assert!(healthz_keep_alive(&mut second).await.starts_with("HTTP/1.1 200"));
    let mut third = TcpStream::connect(f.addr).await.unwrap();
    {
        use tokio::io::AsyncWriteExt;
        let _ = third.write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n").await;
    }
    let got = read_until_closed(&mut third).await.expect("the connection over the cap was closed");
    assert!(got.is_empty(), "the connection over the cap is closed unanswered");
    drop(first);
    eventually("a place to be free once a connection closes", async || {
        let mut s = TcpStream::connect(f.addr).await.unwrap();
        use tokio::io::AsyncWriteExt;
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n").await;
        read_until_closed_quickly(&mut s).await.is_some_and(|g| !g.is_empty())
    })
    .await;
    let metrics = get_keep_alive(&mut second, "/metrics", Some(&f.keys.metrics)).await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "the second connection is still served");
    assert!(metrics.contains("deid_errors_total{kind=\"connection_limit\"}"), "refusals are counted");
}

/// Like [`read_until_closed`], but reads only what arrives within a second (a probe in a retry loop).
async fn read_until_closed_quickly(stream: &mut TcpStream) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 4096];
    match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
        Ok(Ok(n)) => Some(buf[..n].to_vec()),
        _ => None,
    }
}

// ---------------------------------------------------------------- audit trail gaps

#[tokio::test]
async fn a_removed_audit_log_stops_v1_work_instead_of_writing_to_nowhere() {
    let f = start(|_| {}).await;
    let key = Some(f.keys.redact.as_str());
    assert_eq!(post_json(f.addr, "/v1/redact", key, &json!({"text": NAME})).await.status, StatusCode::OK);
    std::fs::remove_file(&f.audit_path).unwrap();
    let r = post_json(f.addr, "/v1/redact", key, &json!({"text": format!("{NAME} {PLANT}")})).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "a response that cannot be audited is withheld");
    assert_eq!(r.code(), "audit_unavailable");
    assert!(!r.text().contains(PLANT));
    let r = post_json(f.addr, "/v1/redact", key, &json!({"text": NAME})).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "no work while nothing can be recorded: {}", r.text());
    assert_eq!(r.code(), "audit_unavailable");
    assert_eq!(get(f.addr, "/readyz", None).await.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!f.audit_path.exists(), "no new file was started behind the operator's back");
    let logs = f.logs.text();
    assert!(logs.contains("replaced or removed") && !logs.contains(PLANT));
}
