//! Spoken identifiers through the engine: offsets checked by slicing the original text.

use deid::detectors::spoken;
use deid::{Config, Engine, Label};
use std::process::Command;

fn engine() -> Engine {
    Engine::with_detectors(Config::default(), spoken::detectors()).unwrap()
}

/// The (text, label) of every span the engine removes.
fn found(text: &str) -> Vec<(String, Label)> {
    engine().detect(text).unwrap().into_iter().map(|s| (text[s.start..s.end].to_string(), s.label)).collect()
}

#[test]
fn spoken_identifiers_in_lower_case_asr_text() {
    let cases: &[(&str, &[(&str, Label)])] = &[
        ("okay my cell is two oh six five five five oh one nine two", &[("two oh six five five five oh one nine two", Label::Phone)]),
        ("fax it to eight hundred, five five five, one two one two", &[]), // "eight hundred" is a value: no fax without ten digits read out
        ("fax number six one seven five five five triple zero one", &[("six one seven five five five triple zero one", Label::Fax)]),
        ("my social is one two three, four five, six seven eight nine", &[("one two three, four five, six seven eight nine", Label::Ssn)]),
        ("the account number is double seven three one nine nine", &[("double seven three one nine nine", Label::Account)]),
        ("drivers license d four five six seven eight nine", &[("four five six seven eight nine", Label::License)]),
        ("she was born on the twenty first of september", &[("twenty first of september", Label::Date)]),
        ("surgery was on june fourteenth", &[("june fourteenth", Label::Date)]),
        ("he passed away at ninety one", &[("ninety one", Label::Age)]),
        ("grandpa is a hundred and two", &[]), // "a hundred" is not read (documented limit)
        ("last name is spelled g o n z a l e z", &[("g o n z a l e z", Label::Name)]),
        ("send it to dr underscore lee at clinic dot org", &[("dr underscore lee at clinic dot org", Label::Email)]),
    ];
    for (text, want) in cases {
        let want: Vec<(String, Label)> = want.iter().map(|(s, l)| (s.to_string(), *l)).collect();
        assert_eq!(found(text), want, "{text}");
    }
}

#[test]
fn offsets_map_back_through_multibyte_text() {
    let text = "Zoë’s number — five five five, two one two, oh nine eight seven — ok";
    let spans = engine().detect(text).unwrap();
    assert_eq!(spans.len(), 1);
    assert_eq!(&text[spans[0].start..spans[0].end], "five five five, two one two, oh nine eight seven");
}

#[test]
fn quantities_that_look_numeric_stay() {
    for text in [
        "start metformin five hundred milligrams twice a day",
        "her blood pressure is one twenty over eighty",
        "one forty over ninety",
        "pulse is ninety two and oxygen ninety eight percent",
        "come back in two weeks",
        "it has been three months",
        "take two tablets every four to six hours",
        "she weighs one hundred and thirty pounds",
        "temperature ninety nine point five",
        "about twenty twenty five minutes",
        "the number of pills is thirty",
        "a one two three four step plan",
    ] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
}

#[test]
fn cli_redacts_a_transcript_and_writes_audio_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let ranges = dir.path().join("ranges.json");
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/transcripts/deepgram.json");
    let out = Command::new(env!("CARGO_BIN_EXE_deid"))
        .args(["redact", file, "--audio-ranges", ranges.to_str().unwrap(), "--audio-margin", "0.1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[PHONE]") && !text.contains("gmail"));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&ranges).unwrap()).unwrap();
    assert_eq!(r["margin"], 0.1);
    assert_eq!(r["ranges"][0]["labels"][0], "PHONE");

    // Bad input: an error naming the place, nothing on stdout, no ranges file.
    let bad = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/transcripts/missing_times.json");
    let ranges2 = dir.path().join("r2.json");
    let out = Command::new(env!("CARGO_BIN_EXE_deid")).args(["redact", bad, "--audio-ranges", ranges2.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(!ranges2.exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("words[3].end"));

    // --format overrides detection; jsonl/csv without --input is refused.
    let vtt = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/transcripts/visit.vtt");
    let out = Command::new(env!("CARGO_BIN_EXE_deid")).args(["redact", "--format", "text", vtt]).output().unwrap();
    assert!(out.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_deid")).args(["redact", "--format", "csv", vtt]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Writes the spoken detector's own predictions for a corpus, to measure what it
/// contributes alone: `DEID_SPOKEN_IN=gold.jsonl DEID_SPOKEN_OUT=pred.jsonl cargo test --test transcript_spoken -- --ignored`.
#[test]
#[ignore]
fn spoken_only_predictions() {
    let (Ok(input), Ok(output)) = (std::env::var("DEID_SPOKEN_IN"), std::env::var("DEID_SPOKEN_OUT")) else { return };
    let e = engine();
    let mut out = String::new();
    for line in std::fs::read_to_string(input).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = rec["text"].as_str().unwrap();
        let spans = deid::offsets::spans_to_code_points(text, &e.detect(text).unwrap());
        out.push_str(&serde_json::json!({"id": rec["id"], "spans": spans}).to_string());
        out.push('\n');
    }
    std::fs::write(output, out).unwrap();
}
