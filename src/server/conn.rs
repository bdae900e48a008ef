//! Connections: the accept loop with its cap, and the clock that closes
//! clients that are slow to send a request or idle too long between requests.
//!
//! Each connection is in one of three phases:
//! - *awaiting a head*: from accept, or from the first byte after an idle
//!   spell, until hyper has parsed the request head. Longer than
//!   `header_read_timeout_secs` and the connection is closed — a client that
//!   sends nothing, or a header a byte every few seconds, cannot hold it.
//! - *busy*: a request is being answered (from its head until the response
//!   body is sent or dropped). The request's own limits apply (`request_timeout_secs`,
//!   `stream_idle_timeout_secs`), not these.
//! - *idle*: a keep-alive connection between requests. Longer than
//!   `keep_alive_idle_secs` and it is closed.
//!
//! hyper's own `header_read_timeout` is not used: it starts when a keep-alive
//! connection goes idle, so it would also close idle connections at the header limit.
//!
//! Over `max_connections` (TLS handshakes included) a new connection is closed
//! at once, before anything is read, and counted (`deid_errors_total{kind="connection_limit"}`):
//! a prompt refusal the client can retry, rather than a queue no one sees.

use super::AppState;
use axum::body::{Body, Bytes};
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify, Semaphore};
use tokio_rustls::TlsAcceptor;

/// A TLS handshake not finished in this time is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The two per-connection time limits.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub header_read: Duration,
    pub keep_alive_idle: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    AwaitingHead,
    /// Requests being answered (hyper answers one at a time; the count covers a body still draining).
    Busy(usize),
    Idle,
}

/// A connection's phase and when it began.
struct Clock {
    state: Mutex<(Phase, Instant)>,
    /// Wakes [`Clock::expired`] when the phase changes (its deadline moves).
    changed: Notify,
}

impl Clock {
    fn new() -> Arc<Clock> {
        Arc::new(Clock { state: Mutex::new((Phase::AwaitingHead, Instant::now())), changed: Notify::new() })
    }

    fn with<T>(&self, f: impl FnOnce(&mut (Phase, Instant)) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let before = state.0;
        let out = f(&mut state);
        if state.0 != before {
            self.changed.notify_waiters();
        }
        out
    }

    /// Bytes arrived: after an idle spell they begin the next request's head.
    fn on_read(&self) {
        self.with(|s| {
            if s.0 == Phase::Idle {
                *s = (Phase::AwaitingHead, Instant::now());
            }
        });
    }

    /// A request head was parsed; the returned guard ends the request when dropped.
    fn begin(self: &Arc<Clock>) -> Busy {
        self.with(|s| {
            let n = if let Phase::Busy(n) = s.0 { n } else { 0 };
            *s = (Phase::Busy(n + 1), Instant::now());
        });
        Busy(self.clone())
    }

    /// When the current phase runs out, or `None` while busy.
    fn deadline(&self, t: Timeouts) -> Option<Instant> {
        self.with(|s| match s.0 {
            Phase::AwaitingHead => Some(s.1 + t.header_read),
            Phase::Idle => Some(s.1 + t.keep_alive_idle),
            Phase::Busy(_) => None,
        })
    }

    /// Resolves once the connection has overstayed its phase.
    async fn expired(&self, t: Timeouts) {
        loop {
            // Registered before the deadline is read, so a change in between is not missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            match self.deadline(t) {
                Some(d) if Instant::now() >= d => return,
                Some(d) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(d.into()) => {}
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

/// Held from a request's head until its response body is finished or dropped.
struct Busy(Arc<Clock>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.with(|s| {
            *s = match s.0 {
                Phase::Busy(n) if n > 1 => (Phase::Busy(n - 1), s.1),
                _ => (Phase::Idle, Instant::now()),
            }
        });
    }
}

/// The transport, telling the clock when bytes arrive.
struct Watched<T> {
    io: T,
    clock: Arc<Clock>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.clock.on_read();
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// A response body that keeps its request busy until it is sent or dropped.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }
    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }
    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Accepts connections until `shutdown` turns true, then returns (closing the
/// listening socket). Connections already open are told to finish their
/// request and close; they end at once when the state is halted.
pub async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    state: Arc<AppState>,
    connections: Arc<Semaphore>,
    mut shutdown: watch::Receiver<bool>,
) {
    let limits = &state.config.limits;
    let timeouts = Timeouts {
        header_read: Duration::from_secs(limits.header_read_timeout_secs),
        keep_alive_idle: Duration::from_secs(limits.keep_alive_idle_secs),
    };
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.wait_for(|v| *v) => return,
        };
        let tcp = match accepted {
            Ok((tcp, _peer)) => tcp,
            Err(_) => {
                // Out of file descriptors and the like: back off rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            state.metrics.error("connection_limit");
            drop(tcp);
            continue;
        };
        let (tls, app, state, shutdown) = (tls.clone(), app.clone(), state.clone(), shutdown.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let _ = tcp.set_nodelay(true);
            match tls {
                None => serve(tcp, app, &state, timeouts, shutdown).await,
                Some(acceptor) => match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                    Ok(Ok(stream)) => serve(stream, app, &state, timeouts, shutdown).await,
                    _ => state.logger.info("TLS handshake failed or timed out", &[]),
                },
            }
        });
    }
}

/// Serves HTTP/1.1 on one connection until it closes, overstays a phase, or the server halts.
async fn serve<T>(io: T, app: Router, state: &AppState, timeouts: Timeouts, mut shutdown: watch::Receiver<bool>)
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let clock = Clock::new();
    let watched = Watched { io, clock: clock.clone() };
    let tower = TowerToHyperService::new(app);
    let svc_clock = clock.clone();
    let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let busy = svc_clock.begin();
        let call = hyper::service::Service::call(&tower, req);
        async move {
            let resp = call.await?;
            Ok::<_, Infallible>(resp.map(|body| Tracked { body, _busy: busy }))
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(watched), svc);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            () = clock.expired(timeouts) => return,
            () = state.halted() => return,
            _ = shutdown.wait_for(|v| *v), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}
