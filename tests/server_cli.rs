//! The `deid serve`, `deid keys` and `deid audit` commands, run as a user would:
//! the real binary, its stderr captured, plain HTTP/1.1 over a loopback socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PLANT: &str = "321-54-9876";

fn deid() -> Command {
    Command::new(env!("CARGO_BIN_EXE_deid"))
}

fn sha256_hex(s: &str) -> String {
    deid::server::auth::sha256_hex(s.as_bytes())
}

/// Runs `deid keys create`, returning (key, snippet).
fn create_key(id: &str, role: &str) -> (String, String) {
    let out = deid().args(["keys", "create", "--id", id, "--role", role]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.lines().find(|l| l.starts_with("deid_")).expect("the key").to_string();
    let snippet = stdout.split_once("[[keys]]").map(|(_, s)| format!("[[keys]]{s}")).expect("the snippet");
    (key, snippet)
}

#[test]
fn keys_create_prints_a_fresh_key_and_only_its_hash_for_the_config() {
    let (key, snippet) = create_key("etl-1", "redact");
    let (other, _) = create_key("etl-1", "redact");
    assert_ne!(key, other);
    assert!(snippet.contains("id = \"etl-1\"") && snippet.contains("role = \"redact\""));
    assert!(snippet.contains(&sha256_hex(&key)));
    assert!(!snippet.contains(&key));
    let config = deid::server::config::ServerConfig::from_toml_str(&snippet).unwrap();
    assert_eq!(config.keys[0].sha256, sha256_hex(&key));
    let bad = deid().args(["keys", "create", "--id", "x", "--role", "root"]).output().unwrap();
    assert!(!bad.status.success());
    let bad = deid().args(["keys", "create", "--id", "has space", "--role", "admin"]).output().unwrap();
    assert!(!bad.status.success());
}

struct Served {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn serve(config: &Path, extra: &[&str]) -> Served {
    let mut child = deid()
        .arg("serve")
        .arg("--config")
        .arg(config)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let pipe = child.stderr.take().unwrap();
    let lines = stderr.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if line.contains("\"msg\":\"listening\"") {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(v["address"].as_str().unwrap().parse::<SocketAddr>().unwrap());
            }
            lines.lock().unwrap().push(line);
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(120)).expect("the server did not start");
    Served { child, addr, stderr }
}

/// One HTTP/1.1 request with `Connection: close`; returns (status, body).
fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw[9..12].parse().unwrap();
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
    child.wait().unwrap()
}

#[test]
fn serve_audits_logs_no_phi_shuts_down_on_sigterm_and_audit_verify_checks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let (key, snippet) = create_key("etl", "redact");
    let config = dir.path().join("server.toml");
    std::fs::write(&config, format!("listen = \"127.0.0.1:0\"\naudit_log = {:?}\n[limits]\nmax_body_bytes = 2000\n\n{snippet}", audit.to_str().unwrap())).unwrap();
    let mut served = serve(&config, &[]);
    let addr = served.addr;
    let auth = format!("Bearer {key}");
    let json = [("Authorization", auth.as_str()), ("Content-Type", "application/json")];

    assert_eq!(http(addr, "GET", "/healthz", &[], b"").0, 200);
    let (status, body) = http(addr, "POST", "/v1/redact", &json, serde_json::json!({"text": "SSN 321-54-9876, mail jane.roe@example.org"}).to_string().as_bytes());
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(v["text"].is_string() && v["spans"].is_array());
    let mut errors = Vec::new();
    for (headers, body) in [
        (&json[..], format!("{{\"text\": \"{PLANT}")),
        (&json[..], format!("{{\"text\": {PLANT}}}")),
        (&json[..], format!("{{\"text\": \"{PLANT} {}\"}}", "x".repeat(3000))),
        (&[("Content-Type", "application/json")][..], format!("{{\"text\": \"{PLANT}\"}}")),
        (&[("Authorization", auth.as_str()), ("Content-Type", "text/plain")][..], PLANT.to_string()),
    ] {
        let (status, body) = http(addr, "POST", "/v1/redact", headers, body.as_bytes());
        assert!(status >= 400, "{status}");
        errors.push(body);
    }
    let (status, body) = http(addr, "POST", "/v1/redact", &[("Authorization", &format!("Bearer {PLANT}")), ("Content-Type", "application/json")], b"{}");
    assert_eq!(status, 401);
    errors.push(body);
    for e in &errors {
        assert!(!e.contains(PLANT), "{e}");
        assert!(serde_json::from_str::<serde_json::Value>(e).unwrap()["error"]["code"].is_string());
    }

    let exit = terminate(&mut served.child);
    assert!(exit.success(), "graceful exit on SIGTERM: {exit:?}");
    // The reader thread ends with the pipe.
    std::thread::sleep(Duration::from_millis(100));
    let logs = served.stderr.lock().unwrap().join("\n");
    assert!(logs.contains("\"msg\":\"stopped\""), "{logs}");
    assert!(!logs.contains(PLANT) && !logs.contains("jane.roe"), "the log holds PHI:\n{logs}");
    assert!(!logs.contains(&key[5..]), "the log holds the key");

    let text = std::fs::read_to_string(&audit).unwrap();
    assert_eq!(text.lines().count(), 7);
    assert!(!text.contains(PLANT) && !text.contains("jane.roe"));
    let out = deid().args(["audit", "verify"]).arg(&audit).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("7 lines, chain intact"));

    // A restart continues the chain.
    let mut served = serve(&config, &[]);
    assert_eq!(http(served.addr, "POST", "/v1/detect", &json, b"{\"text\": \"a\"}").0, 200);
    assert!(terminate(&mut served.child).success());
    let out = deid().args(["audit", "verify"]).arg(&audit).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("8 lines, chain intact"), "{}", String::from_utf8_lossy(&out.stdout));

    // Edit line 3: verify names it and fails.
    let edited: Vec<String> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 2 { l.replacen("\"documents\":0", "\"documents\":9", 1) } else { l.to_string() })
        .collect();
    assert_ne!(edited.join("\n"), std::fs::read_to_string(&audit).unwrap().trim_end());
    std::fs::write(&audit, edited.join("\n") + "\n").unwrap();
    let out = deid().args(["audit", "verify"]).arg(&audit).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("chain broken at line 3"), "{said}");
}

#[test]
fn serve_refuses_plain_http_off_loopback_and_refuses_to_start_without_an_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(&config, format!("audit_log = {:?}\n", dir.path().join("a.jsonl").to_str().unwrap())).unwrap();
    let out = deid().args(["serve", "--listen", "0.0.0.0:0", "--config"]).arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing plain HTTP"));
    std::fs::write(&config, "").unwrap();
    let out = deid().args(["serve", "--config"]).arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("audit log is required"));
}
