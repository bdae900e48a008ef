//! How far a batch run has got, for a progress display.
//!
//! The workers bump the counters as each record finishes — not once per chunk
//! of 1,024 records, which with the model on left minutes of nothing on the
//! screen — and a display reads them on its own clock ([`Progress::snapshot`]).
//! The number of records is unknown until the input ends, so the time left is
//! estimated from the input bytes of the records finished so far against the
//! input's size: records of very different lengths make it wander.

use indicatif::{HumanCount, HumanDuration};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Counters shared by the workers of one run and its display.
#[derive(Debug)]
pub struct Progress {
    started: Instant,
    records: AtomicU64,
    bytes: AtomicU64,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

impl Progress {
    /// Counters at zero; the clock starts now.
    pub fn new() -> Progress {
        Progress { started: Instant::now(), records: AtomicU64::new(0), bytes: AtomicU64::new(0) }
    }

    /// A record finished (processed or failed); it took `bytes` of the input.
    pub fn record_done(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.records.fetch_add(1, Ordering::Relaxed);
    }

    /// Input that is no record (a CSV header, a blank line) was read past.
    pub fn skipped(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            records: self.records.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            elapsed: self.started.elapsed(),
        }
    }
}

/// The counters at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snapshot {
    /// Records finished.
    pub records: u64,
    /// Input bytes of the records finished (and of what was skipped).
    pub bytes: u64,
    /// Time since the run started.
    pub elapsed: Duration,
}

impl Snapshot {
    /// Records finished per second so far; `None` before any time has passed.
    pub fn records_per_second(&self) -> Option<f64> {
        let seconds = self.elapsed.as_secs_f64();
        (seconds > 0.0).then(|| self.records as f64 / seconds)
    }

    /// The share of an input of `total` bytes finished, in 0..=1.
    pub fn fraction(&self, total: u64) -> Option<f64> {
        (total > 0).then(|| (self.bytes as f64 / total as f64).min(1.0))
    }

    /// The time left for an input of `total` bytes, at the pace so far (bytes per second);
    /// `None` until some input is finished.
    pub fn time_left(&self, total: u64) -> Option<Duration> {
        if self.bytes == 0 || total == 0 {
            return None;
        }
        let left = total.saturating_sub(self.bytes) as f64;
        Some(self.elapsed.mul_f64(left / self.bytes as f64))
    }

    /// One line for the terminal: records, records per second and, when the input's size is
    /// known, the share done and the time left.
    pub fn describe(&self, total: Option<u64>) -> String {
        let mut line = format!("{} records", HumanCount(self.records));
        if self.records > 0 {
            if let Some(rate) = self.records_per_second() {
                line.push_str(&format!(", {rate:.1} records/s"));
            }
        }
        if let Some(total) = total {
            if let Some(fraction) = self.fraction(total) {
                line.push_str(&format!(", {:.0}% of the input", fraction * 100.0));
            }
            match self.time_left(total) {
                Some(left) => line.push_str(&format!(", about {} left", HumanDuration(left))),
                None => line.push_str(", starting"),
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(records: u64, bytes: u64, seconds: u64) -> Snapshot {
        Snapshot { records, bytes, elapsed: Duration::from_secs(seconds) }
    }

    #[test]
    fn the_time_left_follows_the_pace_over_the_input_bytes() {
        // A quarter of 4,000 bytes in 30 s: three quarters take 90 s more.
        assert_eq!(at(10, 1_000, 30).time_left(4_000), Some(Duration::from_secs(90)));
        assert_eq!(at(10, 4_000, 30).time_left(4_000), Some(Duration::ZERO));
        // An input that grew past its size read at the start: nothing left, not a negative time.
        assert_eq!(at(10, 5_000, 30).time_left(4_000), Some(Duration::ZERO));
        assert_eq!(at(0, 0, 30).time_left(4_000), None, "no estimate before a record is done");
    }

    #[test]
    fn the_rate_counts_records_not_bytes() {
        assert_eq!(at(50, 1 << 20, 20).records_per_second(), Some(2.5));
        assert_eq!(at(0, 0, 0).records_per_second(), None);
    }

    #[test]
    fn the_line_says_records_rate_share_and_time_left() {
        assert_eq!(at(1_204, 1_000, 30).describe(Some(4_000)), "1,204 records, 40.1 records/s, 25% of the input, about 2 minutes left");
        assert_eq!(at(0, 0, 0).describe(Some(4_000)), "0 records, 0% of the input, starting");
        // Standard input has no size: records and rate only.
        assert_eq!(at(30, 900, 10).describe(None), "30 records, 3.0 records/s");
    }

    #[test]
    fn counters_add_up_across_threads() {
        let progress = Progress::new();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..250).for_each(|_| progress.record_done(3)));
            }
        });
        progress.skipped(8);
        let now = progress.snapshot();
        assert_eq!((now.records, now.bytes), (1_000, 3_008));
    }
}
