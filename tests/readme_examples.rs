//! The README's example outputs are produced here, so that they cannot drift from what the
//! engine does (issue #20, item 3). Each example is read out of README.md itself.

use deid::{Config, Engine};
use serde_json::Value;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

/// The server quick start's curl request body and the response it documents, in the form
/// `-d '{"text": "…"}'` followed by a `# {"text":"…", …}` comment line.
#[test]
fn the_server_quick_start_shows_what_the_engine_returns() {
    let readme = readme();
    let lines: Vec<&str> = readme.lines().collect();
    let at = lines.iter().position(|l| l.trim_start().starts_with("-d '{\"text\"")).expect("the curl example's -d line");
    let body = lines[at].trim_start().trim_start_matches("-d '").trim_end_matches('\'');
    let input: Value = serde_json::from_str(body).expect("the request body is JSON");
    let documented = lines[at + 1].trim_start().trim_start_matches("# ");
    // The documented response elides spans and the request id with "…": compare the text.
    let text_field = documented.split("\",\"spans\"").next().expect("a text field").trim_start_matches("{\"text\":\"");

    let engine = Engine::new(Config::default()).unwrap();
    let out = engine.redact(input["text"].as_str().unwrap()).unwrap();
    assert_eq!(out.text, text_field, "README.md documents another output for its curl example");
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
    let config = Config {
        placeholder: deid::PlaceholderStyle::Surrogate,
        surrogate_key: Some(deid::surrogate::SurrogateKey::new(key.as_bytes()).unwrap()),
        ..Config::default()
    };
    let out = Engine::new(config).unwrap().redact(&text(before)).unwrap();
    assert_eq!(out.text, text(after), "README.md documents another surrogate output");
}
