//! Prometheus metrics, written by hand in the text exposition format: counts,
//! latencies and labels from a closed set — never text, ids or key material.

use crate::span::Label;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Latency histogram buckets, seconds.
pub const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
    documents: BTreeMap<(&'static str, &'static str), u64>,
    removed: BTreeMap<Label, u64>,
    errors: BTreeMap<&'static str, u64>,
}

/// The server's counters. Cheap enough under one mutex next to the engine's work.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// A finished request on a route template, with its status and duration.
    pub fn request(&self, route: &'static str, status: u16, elapsed: Duration) {
        self.with(|m| {
            *m.requests.entry((route, status)).or_default() += 1;
            let h = m.latency.entry(route).or_default();
            let s = elapsed.as_secs_f64();
            for (i, b) in BUCKETS.iter().enumerate() {
                if s <= *b {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += s;
        });
    }

    /// Documents processed on a route: `ok` or `error`.
    pub fn documents(&self, route: &'static str, outcome: &'static str, n: u64) {
        if n > 0 {
            self.with(|m| *m.documents.entry((route, outcome)).or_default() += n);
        }
    }

    pub fn removed(&self, label: Label, n: u64) {
        self.with(|m| *m.removed.entry(label).or_default() += n);
    }

    /// An error of a kind from a closed set (`engine`, `timeout`, `overloaded`, `audit`, …).
    pub fn error(&self, kind: &'static str) {
        self.with(|m| *m.errors.entry(kind).or_default() += 1);
    }

    /// The exposition text; `in_flight` is read from the server's concurrency permits at the time.
    pub fn render(&self, in_flight: usize) -> String {
        self.with(|m| {
            let mut s = String::new();
            s.push_str("# HELP deid_requests_total HTTP requests by route template and status.\n# TYPE deid_requests_total counter\n");
            for ((route, status), n) in &m.requests {
                let _ = writeln!(s, "deid_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
            }
            s.push_str("# HELP deid_request_duration_seconds Request latency by route template.\n# TYPE deid_request_duration_seconds histogram\n");
            for (route, h) in &m.latency {
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(s, "deid_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}", h.counts[i]);
                }
                let _ = writeln!(s, "deid_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}", h.count);
                let _ = writeln!(s, "deid_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
                let _ = writeln!(s, "deid_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
            }
            s.push_str("# HELP deid_documents_total Documents processed by route and outcome.\n# TYPE deid_documents_total counter\n");
            for ((route, outcome), n) in &m.documents {
                let _ = writeln!(s, "deid_documents_total{{route=\"{route}\",outcome=\"{outcome}\"}} {n}");
            }
            s.push_str("# HELP deid_identifiers_removed_total Identifiers removed (or reported by /v1/detect) by label.\n# TYPE deid_identifiers_removed_total counter\n");
            for (label, n) in &m.removed {
                let _ = writeln!(s, "deid_identifiers_removed_total{{label=\"{label}\"}} {n}");
            }
            s.push_str("# HELP deid_errors_total Errors by kind.\n# TYPE deid_errors_total counter\n");
            for (kind, n) in &m.errors {
                let _ = writeln!(s, "deid_errors_total{{kind=\"{kind}\"}} {n}");
            }
            s.push_str("# HELP deid_requests_in_flight Requests on /v1 whose work (engine included) is not finished.\n# TYPE deid_requests_in_flight gauge\n");
            let _ = writeln!(s, "deid_requests_in_flight {in_flight}");
            s
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.request("/v1/redact", 200, Duration::from_millis(3));
        m.documents("/v1/redact", "ok", 2);
        m.removed(Label::Email, 4);
        m.error("timeout");
        let text = m.render(2);
        assert!(text.contains("deid_requests_total{route=\"/v1/redact\",status=\"200\"} 1"));
        assert!(text.contains("deid_request_duration_seconds_bucket{route=\"/v1/redact\",le=\"0.0025\"} 0"));
        assert!(text.contains("deid_request_duration_seconds_bucket{route=\"/v1/redact\",le=\"0.005\"} 1"));
        assert!(text.contains("deid_identifiers_removed_total{label=\"EMAIL\"} 4"));
        assert!(text.contains("deid_errors_total{kind=\"timeout\"} 1"));
        assert!(text.contains("deid_requests_in_flight 2"));
    }
}
