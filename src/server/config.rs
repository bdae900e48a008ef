//! The server's configuration file (TOML): where to listen, TLS, the audit log,
//! limits, API keys (hashes only) and the engine's own configuration.
//!
//! ```toml
//! listen = "127.0.0.1:8080"
//! audit_log = "/var/log/deid/audit.jsonl"
//! tls_cert = "/etc/deid/cert.pem"
//! tls_key = "/etc/deid/key.pem"
//!
//! [limits]
//! max_body_bytes = 10485760
//! header_read_timeout_secs = 10
//! keep_alive_idle_secs = 60
//! max_connections = 1024
//!
//! [[keys]]
//! id = "etl"
//! role = "redact"
//! sha256 = "…64 hex digits…"
//!
//! [engine]
//! placeholder = "numbered"
//! ```

use crate::config::Config;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a key may do. Each route names the roles it admits (see [`Role::allows`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// `/v1/detect` only: spans, never text.
    Detect,
    /// `/v1/redact` and `/v1/detect`.
    Redact,
    /// `/metrics` only.
    Metrics,
    /// Every route.
    Admin,
}

/// What a route needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    Redact,
    Detect,
    Metrics,
}

impl Role {
    pub fn allows(self, permission: Permission) -> bool {
        match self {
            Role::Admin => true,
            Role::Redact => matches!(permission, Permission::Redact | Permission::Detect),
            Role::Detect => permission == Permission::Detect,
            Role::Metrics => permission == Permission::Metrics,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Detect => "detect",
            Role::Redact => "redact",
            Role::Metrics => "metrics",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Detect, Role::Redact, Role::Metrics, Role::Admin].into_iter().find(|r| r.as_str() == s)
    }
}

/// One API key: an id (written to the audit log), a role, and the SHA-256 of the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    pub id: String,
    pub role: Role,
    /// Lower-case hex SHA-256 of the whole key string (`deid_…`). The key itself is never stored.
    pub sha256: String,
}

/// Size, time and concurrency limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// A JSON request body larger than this is refused with 413.
    pub max_body_bytes: usize,
    /// A document whose text is longer than this (bytes of UTF-8) gets an error entry
    /// (413 for a single-text request).
    pub max_document_bytes: usize,
    /// Documents in one JSON request (`documents` array); more is a 413.
    pub max_documents: usize,
    /// One NDJSON line longer than this gets an error entry and is skipped.
    pub max_line_bytes: usize,
    /// A JSON request not answered within this many seconds gets 503.
    pub request_timeout_secs: u64,
    /// An NDJSON stream whose client sends nothing for this many seconds is ended.
    pub stream_idle_timeout_secs: u64,
    /// Requests on `/v1` processed at once; more get 503 with `Retry-After`.
    pub max_concurrent_requests: usize,
    /// Seconds to wait for in-flight requests at shutdown; then their engine work
    /// is cancelled, open streams end (audited) and connections close.
    pub shutdown_grace_secs: u64,
    /// A connection must send a complete request head within this many seconds
    /// of opening (or of its first byte after an idle spell), or it is closed.
    pub header_read_timeout_secs: u64,
    /// A keep-alive connection idle between requests for this many seconds is closed.
    pub keep_alive_idle_secs: u64,
    /// Connections open at once (TLS handshakes included); more are closed as soon as accepted.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 10 << 20,
            max_document_bytes: 1 << 20,
            max_documents: 1000,
            max_line_bytes: 8 << 20,
            request_timeout_secs: 30,
            stream_idle_timeout_secs: 60,
            max_concurrent_requests: 64,
            shutdown_grace_secs: 30,
            header_read_timeout_secs: 10,
            keep_alive_idle_secs: 60,
            max_connections: 1024,
        }
    }
}

impl Limits {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn stream_idle_timeout(&self) -> Duration {
        Duration::from_secs(self.stream_idle_timeout_secs)
    }
}

/// The whole server configuration. Command-line flags override the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// PEM certificate chain; with `tls_key`, the server speaks only TLS (1.2 or 1.3).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub tls_key: Option<PathBuf>,
    /// Allow plain HTTP on an address other than loopback (behind a TLS-terminating proxy on the same host, say).
    pub allow_plain_http_non_loopback: bool,
    /// The hash-chained audit log (JSON lines, appended). Required.
    pub audit_log: Option<PathBuf>,
    /// The `prev` of a new (or rotated, empty) audit log's first line: the head
    /// of the log it follows. Unused when the file already has lines.
    pub audit_anchor: Option<String>,
    /// Requests without `Authorization` act with this role, under key id `anonymous`.
    /// Absent (the default): no anonymous access.
    pub anonymous_role: Option<Role>,
    /// `/metrics` needs a key with role `metrics` or `admin` unless this is true.
    pub public_metrics: bool,
    pub limits: Limits,
    pub keys: Vec<KeyEntry>,
    /// A separate engine configuration file (the `deid redact --config` format).
    pub engine_config: Option<PathBuf>,
    /// The engine configuration inline; not with `engine_config`.
    pub engine: Option<Config>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tls_cert: None,
            tls_key: None,
            allow_plain_http_non_loopback: false,
            audit_log: None,
            audit_anchor: None,
            anonymous_role: None,
            public_metrics: false,
            limits: Limits::default(),
            keys: Vec::new(),
            engine_config: None,
            engine: None,
        }
    }
}

impl ServerConfig {
    pub fn from_toml_str(s: &str) -> Result<ServerConfig> {
        let config: ServerConfig =
            toml::from_str(s).map_err(|e| Error::config(format!("invalid server configuration: {}", e.message())))?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_toml_file(path: &Path) -> Result<ServerConfig> {
        let s = std::fs::read_to_string(path)
            .map_err(|e| Error::config(format!("cannot read server configuration {}: {e}", path.display())))?;
        ServerConfig::from_toml_str(&s)
    }

    /// The engine configuration: inline, from its file, or the defaults.
    pub fn engine_config(&self) -> Result<Config> {
        match (&self.engine, &self.engine_config) {
            (Some(_), Some(_)) => Err(Error::config("give either [engine] or engine_config, not both")),
            (Some(c), None) => {
                c.validate()?;
                Ok(c.clone())
            }
            (None, Some(path)) => Config::from_toml_file(path),
            (None, None) => Ok(Config::default()),
        }
    }

    pub fn validate(&self) -> Result<()> {
        let mut ids = std::collections::HashSet::new();
        for key in &self.keys {
            if key.id.is_empty() || key.id.len() > 64 || !key.id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
                return Err(Error::config("key ids must be 1 to 64 characters of A-Z a-z 0-9 - _ ."));
            }
            if key.id == "anonymous" {
                return Err(Error::config("the key id `anonymous` is reserved"));
            }
            if !ids.insert(key.id.as_str()) {
                return Err(Error::config(format!("duplicate key id {}", key.id)));
            }
            if key.sha256.len() != 64 || !key.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(Error::config(format!("key {}: sha256 must be 64 lower-case hex digits", key.id)));
            }
        }
        if let Some(a) = &self.audit_anchor {
            if a.len() != 64 || !a.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(Error::config("audit_anchor must be 64 lower-case hex digits (a head printed by `deid audit verify`)"));
            }
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(Error::config("give both tls_cert and tls_key, or neither"));
        }
        let l = &self.limits;
        if l.max_body_bytes == 0 || l.max_document_bytes == 0 || l.max_documents == 0 || l.max_line_bytes == 0 {
            return Err(Error::config("size limits must be positive"));
        }
        if l.max_concurrent_requests == 0
            || l.max_connections == 0
            || l.request_timeout_secs == 0
            || l.stream_idle_timeout_secs == 0
            || l.header_read_timeout_secs == 0
            || l.keep_alive_idle_secs == 0
        {
            return Err(Error::config("max_concurrent_requests, max_connections and timeouts must be positive"));
        }
        if l.max_concurrent_requests > u32::MAX as usize || l.max_connections > u32::MAX as usize {
            return Err(Error::config("max_concurrent_requests and max_connections must be at most 4294967295"));
        }
        Ok(())
    }

    /// Whether the server would speak TLS.
    pub fn tls(&self) -> bool {
        self.tls_cert.is_some()
    }

    /// Refuses plain HTTP on an address other than loopback unless explicitly allowed.
    pub fn check_transport(&self) -> Result<()> {
        if !self.tls() && !self.listen.ip().is_loopback() && !self.allow_plain_http_non_loopback {
            return Err(Error::config(format!(
                "refusing plain HTTP on {}: PHI would cross the network unencrypted. Give --tls-cert and --tls-key, \
                 or --allow-plain-http-non-loopback if a TLS proxy on this host terminates connections",
                self.listen
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(ServerConfig::from_toml_str("").unwrap(), ServerConfig::default());
    }

    #[test]
    fn full_file_parses() {
        let c = ServerConfig::from_toml_str(
            r#"
listen = "0.0.0.0:8443"
tls_cert = "c.pem"
tls_key = "k.pem"
audit_log = "a.jsonl"
anonymous_role = "detect"
[limits]
max_body_bytes = 100
[[keys]]
id = "etl"
role = "redact"
sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
[engine]
placeholder = "numbered"
"#,
        )
        .unwrap();
        assert_eq!(c.limits.max_body_bytes, 100);
        assert_eq!(c.keys[0].role, Role::Redact);
        assert_eq!(c.anonymous_role, Some(Role::Detect));
        assert_eq!(c.engine_config().unwrap().placeholder, crate::PlaceholderStyle::Numbered);
        c.check_transport().unwrap();
    }

    #[test]
    fn bad_files_are_refused() {
        assert!(ServerConfig::from_toml_str("lisen = \"127.0.0.1:1\"").is_err());
        assert!(ServerConfig::from_toml_str("[[keys]]\nid = \"a\"\nrole = \"root\"\nsha256 = \"00\"").is_err());
        assert!(ServerConfig::from_toml_str("[[keys]]\nid = \"a\"\nrole = \"admin\"\nsha256 = \"00\"").is_err());
        assert!(ServerConfig::from_toml_str("tls_cert = \"c.pem\"").is_err());
        assert!(ServerConfig::from_toml_str("[limits]\nmax_concurrent_requests = 0").is_err());
    }

    #[test]
    fn plain_http_only_on_loopback_unless_allowed() {
        let mut c = ServerConfig { listen: "0.0.0.0:80".parse().unwrap(), ..ServerConfig::default() };
        assert!(c.check_transport().is_err());
        c.allow_plain_http_non_loopback = true;
        assert!(c.check_transport().is_ok());
        let v6 = ServerConfig { listen: "[::1]:80".parse().unwrap(), ..ServerConfig::default() };
        assert!(v6.check_transport().is_ok());
    }

    #[test]
    fn roles_admit_their_routes() {
        assert!(Role::Redact.allows(Permission::Detect));
        assert!(!Role::Detect.allows(Permission::Redact));
        assert!(!Role::Metrics.allows(Permission::Detect));
        assert!(Role::Admin.allows(Permission::Metrics));
    }
}
