//! The README's quick starts, run as a new user would run them after a fresh clone, and
//! checked against the outputs the README shows (issue #20, item 3), so that neither the
//! commands nor their outputs can drift.
//!
//! Every command run here is read out of README.md or asserted to appear there verbatim, and
//! the outputs compared are the README's own `# …` lines under each command. The commands run
//! in a temporary directory laid out as a clone (`data/` and `models/` linked from this
//! checkout), so nothing is written into the repository. `cargo run --release -- ARGS` and
//! `deid ARGS` both run the binary under test.
//!
//! Blocks not run, and why: `cargo test --release` (it is this test suite); the ONNX Runtime
//! block (the optional `onnx` feature, and `models/onnx_setup.sh` downloads from PyPI);
//! evaluation/README.md's "Running it" (the corpora under `../shared/data/eval` are not in the
//! repository; the README's own eval quick start on the bundled example is run here); the
//! "Command line" overview (placeholders, not a quick start: each form is tested in
//! `tests/cli.rs`); the "Surrogates" section's command lines (`note.txt` and `notes.jsonl` are
//! placeholders: its before/after example is checked against the engine below, and
//! `--group-field` is tested in `tests/cli.rs`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

/// Asserts that `command` is a line of the README (leading spaces aside) and returns the
/// README's `# ` lines right under it: the output it documents.
fn documented(readme: &str, command: &str) -> Vec<String> {
    let lines: Vec<&str> = readme.lines().collect();
    let at = lines.iter().position(|l| l.trim_start() == command).unwrap_or_else(|| panic!("README.md no longer has the line {command:?}"));
    lines[at + 1..].iter().map_while(|l| l.strip_prefix("# ")).map(String::from).collect()
}

/// A directory laid out as a fresh clone: the bundled data and model, and nothing else.
fn clone_layout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["data", "models"] {
        std::os::unix::fs::symlink(Path::new(env!("CARGO_MANIFEST_DIR")).join(part), dir.path().join(part)).unwrap();
    }
    dir
}

/// Runs a README command line in `dir`: `cargo run --release -- ARGS` or `deid ARGS`.
fn run(dir: &Path, command: &str) -> Output {
    deid(dir, command).output().expect("deid runs")
}

fn deid(dir: &Path, command: &str) -> Command {
    let args = command
        .strip_prefix("cargo run --release -- ")
        .or_else(|| command.strip_prefix("deid "))
        .unwrap_or_else(|| panic!("not a deid command: {command}"));
    let mut c = Command::new(env!("CARGO_BIN_EXE_deid"));
    c.current_dir(dir).args(args.split_whitespace());
    c
}

#[test]
fn the_cli_quick_start_prints_what_the_readme_shows() {
    let readme = readme();
    let command = "cargo run --release -- redact data/examples/visit_note.txt";
    let shown = documented(&readme, command);
    assert_eq!(shown.last().map(String::as_str), Some("…"), "the README shows the output's first lines, then …");
    let dir = clone_layout();
    let out = run(dir.path(), command);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let first: Vec<&str> = text.lines().take(shown.len() - 1).collect();
    assert_eq!(first, shown[..shown.len() - 1], "README.md shows other first lines for the example note");
}

#[test]
fn the_eval_quick_start_gives_the_verdict_the_readme_shows() {
    let readme = readme();
    let command = "deid eval --corpus data/examples/labeled_notes.jsonl --report eval-report --min-recall 0.95";
    let shown = documented(&readme, command);
    assert!(!shown.is_empty(), "the README shows the eval quick start's output");
    let dir = clone_layout();
    let out = run(dir.path(), command);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    for line in &shown {
        assert!(lines.contains(&line.as_str()), "the README shows {line:?}; deid printed:\n{stderr}");
    }
    for file in ["report.html", "report-public.html"] {
        assert!(readme.contains(&format!("`{file}`")) && dir.path().join("eval-report").join(file).is_file(), "{file}");
    }
}

/// The server quick start, step by step: create a key, write `server.toml` from the README's
/// here-document with the printed `[[keys]]` snippet pasted in, serve, and send the README's
/// curl request. Two changes, both forced: the port is 0 (the system picks a free one: 8080
/// may be taken where tests run) and the key is the one just created.
#[test]
fn the_server_quick_start_runs_as_pasted_and_answers_what_the_readme_shows() {
    let readme = readme();
    let dir = clone_layout();

    let keys = "deid keys create --id etl --role redact";
    assert!(readme.lines().any(|l| l.starts_with(&format!("{keys}  "))), "README.md no longer has {keys:?}");
    let out = run(dir.path(), keys);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    let key = printed.lines().find(|l| l.starts_with("deid_")).expect("the key is printed").to_string();
    let snippet = printed.split_once("[[keys]]").map(|(_, s)| format!("[[keys]]{s}")).expect("the snippet is printed");

    let config = here_document(&readme, "cat > server.toml <<'EOF'");
    let (before_keys, _) = config.split_once("[[keys]]").expect("the README's server.toml has a [[keys]] block to paste over");
    let listen = "listen = \"127.0.0.1:8080\"";
    assert!(before_keys.contains(listen), "{before_keys}");
    let config = format!("{}{snippet}", before_keys.replace(listen, "listen = \"127.0.0.1:0\""));
    std::fs::write(dir.path().join("server.toml"), config).unwrap();

    let serve = "deid serve --config server.toml";
    documented(&readme, serve);
    let mut server = Running(deid(dir.path(), serve).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap());
    let addr = listening(&mut server.0);

    let (url, headers, body) = curl(&readme);
    let url = url.replace("127.0.0.1:8080", &addr.to_string());
    let headers: Vec<(String, String)> = headers.into_iter().map(|(k, v)| (k, v.replace("deid_…", &key))).collect();
    let response = post(addr, &url, &headers, &body);
    let status = terminate(&mut server.0);
    assert!(status.success(), "the server shuts down cleanly on SIGTERM");

    let shown = documented(&readme, &format!("-d '{body}'"));
    let shown = shown.first().expect("the README shows the curl example's response");
    let response: serde_json::Value = serde_json::from_str(&response).expect("a JSON response");
    let text = shown.split("\",\"").next().unwrap().trim_start_matches("{\"text\":\"");
    assert_eq!(response["text"], text, "README.md documents another output for its curl example");
    for key in ["spans", "request_id"] {
        assert!(shown.contains(&format!("\"{key}\":")) && response.get(key).is_some(), "{key} shown and returned");
    }
    // The here-document's comment: the log's directory and file are created, owner-only.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(dir.path().join("audit")), 0o700);
    assert_eq!(mode(dir.path().join("audit/audit.jsonl")), 0o600);
}

/// The lines between `opening` and the next `EOF` line.
fn here_document(readme: &str, opening: &str) -> String {
    let after = readme.split_once(&format!("{opening}\n")).unwrap_or_else(|| panic!("README.md no longer has {opening:?}")).1;
    after.split_once("\nEOF\n").expect("the here-document ends with EOF").0.to_string() + "\n"
}

/// The README's curl command (its `\` continuations joined): URL, headers and body.
fn curl(readme: &str) -> (String, Vec<(String, String)>, String) {
    let start = readme.find("curl -s ").expect("the curl example");
    let mut command = String::new();
    for line in readme[start..].lines() {
        match line.strip_suffix('\\') {
            Some(part) => command.push_str(part),
            None => {
                command.push_str(line);
                break;
            }
        }
    }
    let words = shell_words(&command);
    let url = words.iter().find(|w| w.starts_with("http://")).expect("a URL").clone();
    let mut headers = Vec::new();
    let mut body = None;
    for pair in words.windows(2) {
        match pair[0].as_str() {
            "-H" => {
                let (k, v) = pair[1].split_once(": ").expect("Name: value");
                headers.push((k.to_string(), v.to_string()));
            }
            "-d" => body = Some(pair[1].clone()),
            _ => {}
        }
    }
    (url, headers, body.expect("a -d body"))
}

/// Splits a command line into words as `sh` does for plain words, '…' and "…" (no escapes).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// Waits for the server's `listening` log line and returns the address it names.
fn listening(server: &mut std::process::Child) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    let pipe = server.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if line.contains("\"msg\":\"listening\"") {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let _ = tx.send(v["address"].as_str().unwrap().parse::<SocketAddr>().unwrap());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(120)).expect("the server did not start")
}

/// The server under test, killed if the test fails before it is shut down.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// One POST over HTTP/1.1 with `Connection: close`; returns the body of a 200 response.
fn post(addr: SocketAddr, url: &str, headers: &[(String, String)], body: &str) -> String {
    let path = url.split_once(&addr.to_string()).expect("the URL names the server").1;
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
    body.to_string()
}

fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    child.wait().unwrap()
}

/// The surrogate section's before/after example, with the key its command line shows.
#[test]
fn the_surrogate_example_shows_what_the_engine_writes() {
    let readme = readme();
    let lines: Vec<&str> = readme.lines().collect();
    let before = lines.iter().position(|l| l.starts_with("before: ")).expect("the surrogate example's before line");
    let after = before + 2;
    assert!(lines[after].starts_with("after:  "), "two lines before, two after");
    let text = |i: usize| format!("{}\n{}\n", lines[i][8..].trim_end(), lines[i + 1][8..].trim_end());
    let command = lines.iter().find(|l| l.starts_with("DEID_SURROGATE_KEY=")).expect("the command line with its key");
    let key = command.trim_start_matches("DEID_SURROGATE_KEY=").split(' ').next().unwrap();
    let config = deid::Config {
        placeholder: deid::PlaceholderStyle::Surrogate,
        surrogate_key: Some(deid::surrogate::SurrogateKey::new(key.as_bytes()).unwrap()),
        ..deid::Config::default()
    };
    let out = deid::Engine::new(config).unwrap().redact(&text(before)).unwrap();
    assert_eq!(out.text, text(after), "README.md documents another surrogate output");
}
