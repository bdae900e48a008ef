//! The operational log: one line per event, built only from fields that cannot
//! hold PHI (routes, status codes, counts, durations, key ids, request ids).
//!
//! No request body, header value, query string or engine error detail is ever
//! passed to it; callers hand it `&'static str` messages and typed fields.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// A field value: numbers and strings the server itself chose.
#[derive(Clone, Debug)]
pub enum Field {
    Str(String),
    Num(u64),
}

impl From<&str> for Field {
    fn from(s: &str) -> Field {
        Field::Str(s.to_string())
    }
}
impl From<String> for Field {
    fn from(s: String) -> Field {
        Field::Str(s)
    }
}
impl From<u64> for Field {
    fn from(n: u64) -> Field {
        Field::Num(n)
    }
}
impl From<usize> for Field {
    fn from(n: usize) -> Field {
        Field::Num(n as u64)
    }
}
impl From<u16> for Field {
    fn from(n: u16) -> Field {
        Field::Num(n as u64)
    }
}

/// Writes JSON log lines to a sink (stderr by default).
#[derive(Clone)]
pub struct Logger {
    sink: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Logger {
    pub fn stderr() -> Logger {
        Logger::to_writer(Box::new(std::io::stderr()))
    }

    pub fn to_writer(w: Box<dyn Write + Send>) -> Logger {
        Logger { sink: Arc::new(Mutex::new(w)) }
    }

    /// Logs `message` at `level` with `fields`. Write errors are ignored: logging never fails a request.
    pub fn log(&self, level: &'static str, message: &'static str, fields: &[(&'static str, Field)]) {
        let mut obj = serde_json::Map::new();
        obj.insert("time".into(), now_rfc3339().into());
        obj.insert("level".into(), level.into());
        obj.insert("msg".into(), message.into());
        for (k, v) in fields {
            let v = match v {
                Field::Str(s) => serde_json::Value::from(s.as_str()),
                Field::Num(n) => serde_json::Value::from(*n),
            };
            obj.insert((*k).into(), v);
        }
        let mut line = serde_json::Value::Object(obj).to_string();
        line.push('\n');
        if let Ok(mut sink) = self.sink.lock() {
            let _ = sink.write_all(line.as_bytes());
            let _ = sink.flush();
        }
    }

    pub fn info(&self, message: &'static str, fields: &[(&'static str, Field)]) {
        self.log("info", message, fields);
    }

    pub fn warn(&self, message: &'static str, fields: &[(&'static str, Field)]) {
        self.log("warn", message, fields);
    }

    pub fn error(&self, message: &'static str, fields: &[(&'static str, Field)]) {
        self.log("error", message, fields);
    }
}

/// The current UTC time as RFC 3339 with milliseconds: `2024-05-01T12:00:00.123Z`.
pub fn now_rfc3339() -> String {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    rfc3339(d.as_secs(), d.subsec_millis())
}

fn rfc3339(secs: u64, millis: u32) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400 + 86_399, 5), "2000-02-29T23:59:59.005Z");
        assert_eq!(rfc3339(1_700_000_000, 999), "2023-11-14T22:13:20.999Z");
    }
}
