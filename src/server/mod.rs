//! `deid serve`: the HTTP service, thin over the [`Engine`].
//!
//! - `POST /v1/redact`, `POST /v1/detect`: JSON (one text or a `documents`
//!   array) or NDJSON streamed in and out, one line per document.
//! - `GET /healthz`, `/readyz`, `/metrics` (Prometheus text), `/openapi.json`.
//!
//! Every `/v1` request needs `Authorization: Bearer KEY` (keys are stored as
//! SHA-256 hashes, each with an id and a [`Role`]); every `/v1` and `/metrics`
//! request appends one hash-chained line to the audit log ([`audit`]). The
//! engine runs on blocking threads, at most `max_concurrent_requests` requests
//! at a time; more get 503 with `Retry-After`. Nothing a client sends is ever
//! written to the operational log, the audit log or an error body: errors name
//! a code, a position and a limit, never content (fail closed).
//!
//! Per-request options (`placeholder`, `keep_year`, `keep_labels`) are applied
//! on top of the engine's configuration: placeholder and year change only the
//! rendering; extra `keep_labels` re-run the Safe Harbor policy and the merge
//! over the detectors' raw spans ([`Engine::detect_by_detector`]), so a kept
//! label never uncovers part of an identifier that overlapped it.

pub mod api;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod conn;
pub mod log;
pub mod metrics;
pub mod ndjson;
pub mod openapi;
pub mod tls;

use crate::cancel::Cancel;
use crate::engine::Engine;
use crate::error::{Error, Result};
use audit::{AuditLog, AuditRecord};
use auth::{Caller, Denied, KeyStore};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use config::{Permission, ServerConfig};
use log::{Field, Logger};
use metrics::Metrics;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;

pub use config::Role;

/// One route: method, path template, what it needs, whether it is audited.
#[derive(Clone, Copy, Debug)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    /// `None`: open to all. `Permission::Metrics` is waived by `public_metrics`.
    pub permission: Option<Permission>,
    pub audited: bool,
}

/// Every route the server answers; the router and the OpenAPI document are both built from it.
pub const ROUTES: [RouteSpec; 6] = [
    RouteSpec { method: "POST", path: "/v1/redact", permission: Some(Permission::Redact), audited: true },
    RouteSpec { method: "POST", path: "/v1/detect", permission: Some(Permission::Detect), audited: true },
    RouteSpec { method: "GET", path: "/healthz", permission: None, audited: false },
    RouteSpec { method: "GET", path: "/readyz", permission: None, audited: false },
    RouteSpec { method: "GET", path: "/metrics", permission: Some(Permission::Metrics), audited: true },
    RouteSpec { method: "GET", path: "/openapi.json", permission: None, audited: false },
];

/// Everything a request handler needs, shared as `Arc`.
pub struct AppState {
    pub engine: Arc<Engine>,
    pub config: ServerConfig,
    pub keys: KeyStore,
    pub audit: AuditLog,
    pub logger: Logger,
    pub metrics: Metrics,
    permits: Arc<Semaphore>,
    shutting_down: AtomicBool,
    /// The parent of every request's cancel token: cancelled when the shutdown grace is over.
    work_stop: Cancel,
    /// Turns true with `work_stop`, for the tasks that wait on a socket rather than the engine.
    halt: watch::Sender<bool>,
}

impl AppState {
    /// Opens the audit log named in `config` (required) and takes the engine.
    pub fn new(config: ServerConfig, engine: Engine, logger: Logger) -> Result<AppState> {
        config.validate()?;
        let path = config
            .audit_log
            .clone()
            .ok_or_else(|| Error::config("an audit log is required: set audit_log in the server configuration or give --audit-log"))?;
        let audit = AuditLog::open(&path, config.audit_anchor.as_deref()).map_err(|e| Error::config(format!("cannot open the audit log {}: {e}", path.display())))?;
        let keys = KeyStore::new(&config.keys, config.anonymous_role);
        let permits = Arc::new(Semaphore::new(config.limits.max_concurrent_requests));
        Ok(AppState {
            engine: Arc::new(engine),
            keys,
            audit,
            logger,
            metrics: Metrics::default(),
            permits,
            shutting_down: AtomicBool::new(false),
            work_stop: Cancel::new(),
            halt: watch::channel(false).0,
            config,
        })
    }

    /// A cancel token for one request's engine work, cancelled when the server halts.
    pub fn request_cancel(&self) -> Cancel {
        self.work_stop.child(None)
    }

    /// Ends all work in flight: engine work stops at its next check, streams and connections close.
    fn halt(&self) {
        self.work_stop.cancel();
        self.halt.send_replace(true);
    }

    /// Whether the server has halted (the engine work in flight is being cancelled).
    pub fn work_stop_requested(&self) -> bool {
        self.work_stop.is_cancelled()
    }

    /// Resolves once the server has halted (the shutdown grace is over).
    pub async fn halted(&self) {
        let _ = self.halt.subscribe().wait_for(|v| *v).await;
    }

    /// `/v1` requests whose work is not finished: each holds a permit until its
    /// engine work (not just its handler) has ended.
    pub fn in_flight(&self) -> usize {
        self.config.limits.max_concurrent_requests - self.permits.available_permits()
    }

    /// Logs the warnings an operator must see at start (anonymous mode, no keys).
    pub fn startup_warnings(&self) {
        if let Some(role) = self.config.anonymous_role {
            self.logger.warn(
                "anonymous access is enabled: requests without a key act with this role",
                &[("role", role.as_str().into())],
            );
        }
        if self.keys.is_empty() && self.config.anonymous_role.is_none() {
            self.logger.warn("no API keys are configured: every /v1 request will be refused (deid keys create)", &[]);
        }
        if self.config.public_metrics {
            self.logger.warn("/metrics is open without a key", &[]);
        }
        let (head, lines) = self.audit.head();
        if lines == 0 && self.config.audit_anchor.is_none() {
            self.logger.warn(
                "the audit log is new and starts a chain from zeros: if it follows an earlier log, set audit_anchor to that log's head",
                &[],
            );
        }
        self.logger.info("audit log opened", &[("audit_lines", lines.into()), ("audit_head", head.into())]);
    }
}

type Shared = Arc<AppState>;

/// Per-request context the guard hands to handlers.
#[derive(Clone)]
pub struct ReqCtx {
    pub request_id: String,
    pub caller: Option<Caller>,
    pub route: &'static str,
    /// Held until the request's work (including a streamed response and the engine
    /// work on blocking threads) is done.
    pub permit: Option<Arc<OwnedSemaphorePermit>>,
}

/// What a handler leaves on its response for the audit log.
#[derive(Clone)]
pub enum AuditNote {
    /// The guard appends this record (with status, ids and route filled in).
    Record(Box<AuditRecord>),
    /// The handler appends its own record later (a streamed response).
    Deferred,
}

/// The router, with the guard (auth, limits, audit, log, metrics) on every route.
pub fn router(state: Shared) -> Router {
    let mut router = Router::new();
    for spec in ROUTES {
        let route = match spec.path {
            "/v1/redact" => post(api::redact),
            "/v1/detect" => post(api::detect),
            "/healthz" => get(healthz),
            "/readyz" => get(readyz),
            "/metrics" => get(metrics),
            "/openapi.json" => get(openapi),
            other => unreachable!("no handler for {other}"),
        };
        router = router.route(spec.path, route);
    }
    router
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .fallback(not_found)
        .with_state(state)
}

/// A JSON error body: a code and a message written by the server, never by the client.
pub fn error_body(code: &str, message: &str, request_id: &str) -> Value {
    json!({ "error": { "code": code, "message": message }, "request_id": request_id })
}

/// A JSON response carrying its audit note; the output hash covers exactly the bytes sent.
pub fn json_response(status: StatusCode, body: &Value, mut record: AuditRecord) -> Response {
    let bytes = body.to_string().into_bytes();
    record.output_sha256 = Some(auth::sha256_hex(&bytes));
    let mut resp = (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes).into_response();
    resp.extensions_mut().insert(AuditNote::Record(Box::new(record)));
    resp
}

fn new_request_id() -> String {
    auth::to_hex(&auth::random_bytes(12))
}

async fn guard(State(state): State<Shared>, matched: MatchedPath, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = new_request_id();
    let Some(spec) = ROUTES.iter().find(|r| r.path == matched.as_str()) else {
        return next.run(req).await;
    };
    let method = req.method().clone();
    let mut base = AuditRecord { request_id: request_id.clone(), method: method.to_string(), route: spec.path.into(), ..AuditRecord::default() };

    let permission = spec.permission.filter(|p| !(*p == Permission::Metrics && state.config.public_metrics));
    let caller = match permission {
        None => None,
        Some(p) => match state.keys.authorize(req.headers().get(header::AUTHORIZATION).map(|v| v.as_bytes()), p) {
            Ok(caller) => Some(caller),
            Err((denied, caller)) => {
                base.key_id = caller.map(|c| c.key_id);
                base.outcome = "denied";
                let (status, code, message) = match denied {
                    Denied::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", "a valid API key is required: Authorization: Bearer KEY"),
                    Denied::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "this key's role does not allow this route"),
                };
                let mut resp = json_response(status, &error_body(code, message, &request_id), base);
                if status == StatusCode::UNAUTHORIZED {
                    resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                return finish(&state, spec, &method, &request_id, None, started, resp);
            }
        },
    };
    let key_id = caller.as_ref().map(|c| c.key_id.clone());
    base.key_id = key_id.clone();

    if spec.path.starts_with("/v1/") && state.audit.is_failed() {
        // No work is done while it could not be recorded. This refusal's own audit
        // line is the probe: once it is written, the log is back and /v1 serves again.
        state.metrics.error("audit_unavailable");
        base.outcome = "rejected";
        let body = error_body("audit_unavailable", "the audit log cannot be written; no work is accepted until it can", &request_id);
        let mut resp = json_response(StatusCode::SERVICE_UNAVAILABLE, &body, base);
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return finish(&state, spec, &method, &request_id, key_id, started, resp);
    }
    let mut permit = None;
    if spec.path.starts_with("/v1/") {
        match state.permits.clone().try_acquire_owned() {
            Ok(p) => permit = Some(Arc::new(p)),
            Err(_) => {
                state.metrics.error("overloaded");
                base.outcome = "rejected";
                let body = error_body("overloaded", "the server is at its concurrency limit; retry later", &request_id);
                let mut resp = json_response(StatusCode::SERVICE_UNAVAILABLE, &body, base);
                resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return finish(&state, spec, &method, &request_id, key_id, started, resp);
            }
        }
    }
    req.extensions_mut().insert(ReqCtx { request_id: request_id.clone(), caller, route: spec.path, permit: permit.clone() });
    let resp = next.run(req).await;
    drop(permit);
    finish(&state, spec, &method, &request_id, key_id, started, resp)
}

/// Appends the audit line (failing closed: a successful response whose audit
/// line cannot be written is replaced by a 500), then logs and counts the request.
#[allow(clippy::too_many_arguments)]
fn finish(
    state: &AppState,
    spec: &RouteSpec,
    method: &Method,
    request_id: &str,
    key_id: Option<String>,
    started: Instant,
    mut resp: Response,
) -> Response {
    let note = resp.extensions_mut().remove::<AuditNote>();
    let mut key_id = key_id;
    if spec.audited {
        if let Some(AuditNote::Record(mut record)) = note {
            // A denied request's key (403) is known to the record, not to the guard's caller.
            if record.key_id.is_none() {
                record.key_id = key_id.clone();
            }
            key_id = record.key_id.clone();
            record.request_id = request_id.to_string();
            record.method = method.to_string();
            record.route = spec.path.to_string();
            record.status = resp.status().as_u16();
            if record.outcome.is_empty() {
                record.outcome = if resp.status().is_success() { "ok" } else { "rejected" };
            }
            if let Err(e) = state.audit.append(&record) {
                state.metrics.error("audit");
                // io::Error text names an OS reason or the file's fate, never request content.
                state.logger.error("cannot write the audit log", &[("request_id", request_id.into()), ("io_error", e.to_string().into())]);
                // Results are withheld; an error answer (no results) stands as it is.
                if resp.status().is_success() {
                    let body = error_body("audit_unavailable", "the audit log cannot be written; the response is withheld", request_id);
                    resp = json_response(StatusCode::INTERNAL_SERVER_ERROR, &body, AuditRecord::default());
                    resp.extensions_mut().remove::<AuditNote>();
                }
            }
        }
    }
    let status = resp.status().as_u16();
    let elapsed = started.elapsed();
    state.metrics.request(spec.path, status, elapsed);
    if spec.audited || status >= 400 {
        let mut fields: Vec<(&'static str, Field)> = vec![
            ("request_id", request_id.into()),
            ("method", method.as_str().into()),
            ("route", spec.path.into()),
            ("status", status.into()),
            ("micros", (elapsed.as_micros() as u64).into()),
        ];
        if let Some(k) = key_id {
            fields.push(("key_id", k.into()));
        }
        state.logger.info("request", &fields);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

async fn not_found(State(state): State<Shared>, method: Method) -> Response {
    state.logger.info("request", &[("method", method.as_str().into()), ("route", "(unknown)".into()), ("status", 404u16.into())]);
    let body = error_body("not_found", "no such route", "");
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn healthz() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], json!({"status": "ok"}).to_string()).into_response()
}

async fn readyz(State(state): State<Shared>) -> Response {
    // The engine (and any model) is loaded before the socket is bound, so a
    // running server is ready until it begins to shut down.
    let (status, word) = if state.shutting_down.load(Ordering::Relaxed) {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting_down")
    } else if state.audit.is_failed() {
        (StatusCode::SERVICE_UNAVAILABLE, "audit_unavailable")
    } else {
        (StatusCode::OK, "ready")
    };
    let body = json!({"status": word, "detectors": state.engine.detector_names().len()});
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn metrics(State(state): State<Shared>, axum::Extension(ctx): axum::Extension<ReqCtx>) -> Response {
    let text = state.metrics.render(state.in_flight());
    let _ = ctx;
    let record = AuditRecord { output_sha256: Some(auth::sha256_hex(text.as_bytes())), ..AuditRecord::default() };
    let mut resp = (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response();
    resp.extensions_mut().insert(AuditNote::Record(Box::new(record)));
    resp
}

async fn openapi() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], openapi::document().to_string()).into_response()
}

/// A server running on its own task.
pub struct RunningServer {
    /// The address actually bound (the port is chosen by the OS when configured as 0).
    pub addr: SocketAddr,
    pub tls: bool,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Stops accepting connections and lets in-flight requests finish (up to `shutdown_grace_secs`).
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Whether the server has stopped.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Waits for the server to stop.
    pub async fn wait(self) -> std::io::Result<()> {
        self.task.await.map_err(|_| std::io::Error::other("the server task failed"))?
    }
}

/// Binds `state.config.listen` (TLS when configured) and serves on a new task.
/// Refuses plain HTTP off loopback unless the configuration allows it.
pub async fn start(state: Shared) -> Result<RunningServer> {
    let config = &state.config;
    config.check_transport()?;
    let acceptor = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(tls::acceptor(cert, key)?),
        _ => None,
    };
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| Error::config(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = watch::channel(false);
    let tls = acceptor.is_some();
    state.startup_warnings();
    state.logger.info("listening", &[("address", addr.to_string().into()), ("tls", if tls { "on" } else { "off" }.into())]);
    let task = tokio::spawn(run(state, listener, acceptor, rx));
    Ok(RunningServer { addr, tls, shutdown: tx, task })
}

/// How long to wait, once the grace is over and work is cancelled, for that work to stop.
/// The engine checks for cancellation between detectors and NER batches, so this is ample.
const STOP_WAIT: Duration = Duration::from_secs(10);

/// Serves until shutdown; then lets requests finish for the grace period,
/// cancels what is left, and waits (bounded) for that work to stop.
async fn run(state: Shared, listener: TcpListener, acceptor: Option<tokio_rustls::TlsAcceptor>, mut shutdown: watch::Receiver<bool>) -> std::io::Result<()> {
    let limits = &state.config.limits;
    let grace = Duration::from_secs(limits.shutdown_grace_secs);
    let max_connections = limits.max_connections;
    let connections = Arc::new(Semaphore::new(max_connections));
    let app = router(state.clone());
    conn::accept_loop(listener, acceptor, app, state.clone(), connections.clone(), shutdown.clone()).await;
    // The listening socket is closed: no new connections.
    let _ = shutdown.wait_for(|v| *v).await;
    state.shutting_down.store(true, Ordering::Relaxed);
    state.logger.info("shutting down: no new connections, finishing requests in flight", &[]);
    let all_connections = u32::try_from(max_connections).unwrap_or(u32::MAX);
    let all_work = u32::try_from(limits.max_concurrent_requests).unwrap_or(u32::MAX);
    let finished = async {
        let _c = connections.acquire_many(all_connections).await;
        let _w = state.permits.acquire_many(all_work).await;
    };
    if tokio::time::timeout(grace, finished).await.is_err() {
        state.logger.warn(
            "shutdown grace period over: cancelling the work in flight and closing the remaining connections",
            &[("in_flight", state.in_flight().into())],
        );
        state.halt();
        if tokio::time::timeout(STOP_WAIT, state.permits.acquire_many(all_work)).await.is_err() {
            state.logger.warn("work still running after it was cancelled; exiting anyway", &[("in_flight", state.in_flight().into())]);
        }
    }
    let (head, lines) = state.audit.head();
    state.logger.info("stopped", &[("audit_lines", lines.into()), ("audit_head", head.into())]);
    Ok(())
}
