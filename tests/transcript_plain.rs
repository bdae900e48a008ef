//! A transcript handed over as plain text (a CLI file, a JSONL field, an HTTP body
//! without `format`) is read as a transcript: cue numbers, timestamps and role
//! labels are never reported, a speaker label that is a name is, and the
//! identifiers said are the ones found when the format is given.
//!
//! The full engine runs (patterns, dictionaries, the tagger), since it is the
//! engine's detectors that mistook timestamps for dates and `NURSE` for a name.

use deid::transcript::{self, Format};
use deid::{Config, Engine, Span};
use regex::Regex;
use std::process::Command;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(Config::default()).unwrap())
}

const VTT: &str = "WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Doctor>Good morning, Mrs. Ostrowski. Can you confirm your date of birth?

2
00:00:04.500 --> 00:00:08.000
<v Patient>It's March 14, 1957. My phone is 617-555-0142.

3
00:00:08.500 --> 00:00:11.000
<v NURSE>Thank you, Maribel Ostrowski.
";

const SRT: &str = "1
00:00:01,000 --> 00:00:04,000
DOCTOR: Good morning, Mrs. Ostrowski. Can you confirm your date of birth?

2
00:00:04,500 --> 00:00:08,000
PATIENT: It's March 14, 1957. My phone is 617-555-0142.

3
00:00:08,500 --> 00:00:11,000
INTERPRETER: She says thank you, Maribel Ostrowski.
";

const BRACKETED: &str = "[00:00:01.000 --> 00:00:04.000] SPEAKER_01: Good morning, Mrs. Ostrowski. Can you confirm your date of birth?
[00:00:04.500 --> 00:00:08.000] SPEAKER_02: It's March 14, 1957. My phone is 617-555-0142.
[00:00:08.500 --> 00:00:11.000] Agent: Thank you, Maribel Ostrowski.
";

const PARENTHESISED: &str = "(00:00:01) NURSE: Good morning, Mrs. Ostrowski. Can you confirm your date of birth?
(00:00:04) PATIENT: It's March 14, 1957. My phone is 617-555-0142.
(00:00:08) Interpreter: Thank you, Maribel Ostrowski.
";

/// An export that heads each turn with the speaker and a time; one speaker is named.
const HEADED: &str = "Speaker 1  0:01
Good morning, Mrs. Ostrowski. Can you confirm your date of birth?

Maribel Ostrowski  0:04
It's March 14, 1957. My phone is 617-555-0142.
";

const ALL: [(&str, &str, Format); 5] = [("vtt", VTT, Format::Vtt), ("srt", SRT, Format::Srt), ("bracketed", BRACKETED, Format::Turns), ("parenthesised", PARENTHESISED, Format::Turns), ("headed", HEADED, Format::Turns)];

/// Byte ranges of the structure: timestamps, cue numbers, arrows and role labels.
fn structure(text: &str) -> Vec<(usize, usize)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?m)\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{3})?|^\d+$|-->|\b(?:Doctor|DOCTOR|Patient|PATIENT|NURSE|INTERPRETER|Interpreter|SPEAKER_0[12]|Speaker 1|Agent)\b").unwrap()
    });
    re.find_iter(text).map(|m| (m.start(), m.end())).collect()
}

/// Whether every letter and digit of `value`, wherever it occurs, lies inside a span.
fn covered(text: &str, spans: &[(usize, usize)], value: &str) -> bool {
    let mut any = false;
    for (at, _) in text.match_indices(value) {
        any = true;
        let inside = |i: usize| spans.iter().any(|&(s, e)| s <= i && i < e);
        if !text[at..at + value.len()].char_indices().all(|(i, c)| !c.is_alphanumeric() || inside(at + i)) {
            return false;
        }
    }
    any
}

fn check(name: &str, text: &str, spans: &[(usize, usize)]) {
    for &(s, e) in &structure(text) {
        assert!(!spans.iter().any(|&(a, b)| a < e && s < b), "{name}: structure at {s}..{e} reported");
    }
    for said in ["Ostrowski", "March 14", "617-555-0142", "Maribel"] {
        assert!(covered(text, spans, said), "{name}: an identifier said in the transcript was not found");
    }
}

fn ranges(spans: &[Span]) -> Vec<(usize, usize)> {
    spans.iter().map(|s| (s.start, s.end)).collect()
}

#[test]
fn library_detect_reads_plain_text_as_a_transcript() {
    for (name, text, format) in ALL {
        assert_eq!(Format::detect(None, text), format, "{name}");
        let spans = engine().detect(text).unwrap();
        check(name, text, &ranges(&spans));
        // The same identifiers as with the format given.
        let plain = engine().redact(text).unwrap();
        let given = transcript::redact(engine(), text, format).unwrap();
        assert_eq!(plain.text, given.text, "{name}");
    }
}

#[test]
fn a_speaker_label_that_is_a_name_is_removed() {
    let out = engine().redact(HEADED).unwrap();
    assert!(out.text.contains("Speaker 1  0:01\n"), "the role and the time stay");
    assert!(!out.text.contains("Maribel") && !out.text.contains("Ostrowski"));
    assert!(out.text.contains("  0:04\n"), "the time after the name stays");
}

#[test]
fn cli_detect_and_redact_read_plain_text_as_a_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let input: String = ALL.iter().map(|(name, text, _)| serde_json::json!({"id": name, "text": text}).to_string() + "\n").collect();
    let inp = dir.path().join("in.jsonl");
    let outp = dir.path().join("out.jsonl");
    std::fs::write(&inp, input).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_deid")).args(["detect", "--input", inp.to_str().unwrap(), "--output", outp.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&outp).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), ALL.len());
    for ((name, text, _), line) in ALL.iter().zip(&lines) {
        assert_eq!(line["id"], *name);
        // The texts are ASCII: code points are bytes.
        let spans: Vec<(usize, usize)> = line["spans"].as_array().unwrap().iter().map(|s| (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize)).collect();
        check(name, text, &spans);
        assert_eq!(spans, ranges(&engine().detect(text).unwrap()), "{name}: CLI and library agree");
        // `deid redact FILE` on the same text, as a .txt file.
        let file = dir.path().join(format!("{name}.txt"));
        std::fs::write(&file, text).unwrap();
        let red = Command::new(env!("CARGO_BIN_EXE_deid")).args(["redact", file.to_str().unwrap()]).output().unwrap();
        assert!(red.status.success(), "{}", String::from_utf8_lossy(&red.stderr));
        assert_eq!(String::from_utf8(red.stdout).unwrap(), engine().redact(text).unwrap().text, "{name}");
    }
}
