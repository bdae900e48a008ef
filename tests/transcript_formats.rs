//! Transcript formats round-trip: structure byte for byte, only spoken identifiers replaced,
//! audio ranges from word and cue times, and bad input refused with a position.
//!
//! The engine here runs the spoken-form detector alone (plus a tiny fixed name
//! detector where a test needs one), so the expectations do not move when
//! other detectors land.

use deid::detectors::{spoken, Detector, Document};
use deid::transcript::{self, Format};
use deid::{Config, Engine, Label, Source, Span};
use serde_json::Value;
use std::path::Path;

fn data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/transcripts").join(name);
    std::fs::read_to_string(path).unwrap()
}

fn engine() -> Engine {
    Engine::with_detectors(Config::default(), spoken::detectors()).unwrap()
}

/// Finds a fixed word as a NAME (stands in for the name detectors).
struct Names(&'static str);
impl Detector for Names {
    fn name(&self) -> &'static str {
        "names"
    }
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> deid::Result<()> {
        for (i, _) in doc.text.match_indices(self.0) {
            out.push(Span::new(i, i + self.0.len(), Label::Name, 0.9, Source::Rule));
        }
        Ok(())
    }
}

/// Lines that are not cue text must come out unchanged, and there must be as many lines.
fn assert_structure(input: &str, output: &str, is_text: impl Fn(&str) -> bool) {
    let a: Vec<&str> = input.split('\n').collect();
    let b: Vec<&str> = output.split('\n').collect();
    assert_eq!(a.len(), b.len(), "line count");
    for (x, y) in a.iter().zip(&b) {
        if !is_text(x) {
            assert_eq!(x, y, "structure line changed");
        }
    }
}

fn is_cue_text(line: &str) -> bool {
    let t = line.trim();
    !(t.is_empty() || t.contains("-->") || t.bytes().all(|b| b.is_ascii_digit()) || t.starts_with("WEBVTT") || t.contains("captions") || t.starts_with("Language:"))
}

#[test]
fn vtt_round_trip() {
    let input = data("visit.vtt");
    let out = transcript::redact(&engine(), &input, Format::Vtt).unwrap();
    assert_structure(&input, &out.text, is_cue_text);
    let expected = input
        .replace("k-o-w-a-l-s-k-i", "[NAME]")
        .replace("march third nineteen eighty two", "[DATE]")
        .replace("five five five, two one two,", "[PHONE]")
        .replace("oh nine eight seven", "[PHONE]")
        .replace("maria k at gmail dot com", "[EMAIL]")
        .replace("ninety three", "90 or older");
    assert_eq!(out.text, expected);
    // Quantities stay.
    for kept in ["five hundred milligrams", "two weeks", "one twenty over eighty"] {
        assert!(out.text.contains(kept), "{kept}");
    }
}

#[test]
fn vtt_audio_ranges_are_cue_times_merged_per_speaker() {
    let input = data("visit.vtt");
    let out = transcript::redact(&engine(), &input, Format::Vtt).unwrap();
    let ranges = out.audio_ranges(0.0).unwrap().ranges;
    let got: Vec<(f64, f64, &str)> = ranges.iter().map(|r| (r.start, r.end, r.speaker.as_deref().unwrap())).collect();
    assert_eq!(got, vec![(4.5, 9.8, "Patient"), (12.3, 14.9, "Patient"), (15.0, 16.4, "Patient"), (22.0, 26.0, "Patient")]);
    // A margin pads, merges what then touches, and clamps at zero.
    let padded = out.audio_ranges(0.5).unwrap().ranges;
    assert_eq!(padded.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>(), vec![(4.0, 10.3), (11.8, 16.9), (21.5, 26.5)]);
    assert_eq!(padded[1].labels, vec![Label::Phone]);
    let huge = out.audio_ranges(10.0).unwrap().ranges;
    assert_eq!(huge[0].start, 0.0);
    assert!(out.audio_ranges(-1.0).is_err());
}

#[test]
fn vtt_voice_names_are_redacted_in_place_and_in_audio_ranges() {
    let input = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Dr. Alvarez>Take a seat.\n\n00:02.500 --> 00:04.000\n<v.loud Patient>My number is five five five one two three four.\n\n00:04.500 --> 00:05.000\n<v Dr. Alvarez>Thanks, that's S as in Sam, M, I, T, H\n";
    let mut e = engine();
    e.push_detector(Box::new(Names("Alvarez")));
    let out = transcript::redact(&e, input, Format::Vtt).unwrap();
    assert_eq!(
        out.text,
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Dr. [NAME]>Take a seat.\n\n00:02.500 --> 00:04.000\n<v.loud Patient>My number is [PHONE].\n\n00:04.500 --> 00:05.000\n<v Dr. [NAME]>Thanks, that's [NAME]\n"
    );
    let ranges = out.audio_ranges(0.0).unwrap().ranges;
    let speakers: Vec<&str> = ranges.iter().map(|r| r.speaker.as_deref().unwrap()).collect();
    assert_eq!(speakers, ["Patient", "Dr. [NAME]"], "a redacted voice name never reaches the ranges");
}

#[test]
fn srt_round_trip_with_an_identifier_across_cues() {
    let input = data("visit.srt");
    let out = transcript::redact(&engine(), &input, Format::Srt).unwrap();
    assert_structure(&input, &out.text, is_cue_text);
    let expected = input.replace("fourth of july, nineteen seventy", "[DATE]").replace("six two\n", "[SSN]\n").replace("one nine.", "[SSN].");
    assert_eq!(out.text, expected);
    let ranges = out.audio_ranges(0.0).unwrap().ranges;
    assert_eq!(ranges.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>(), vec![(4.5, 8.0), (11.2, 13.0), (13.1, 14.5)]);
    assert!(ranges.iter().all(|r| r.speaker.is_none()));
}

#[test]
fn turns_keep_labels_and_line_endings() {
    let input = data("visit_turns.txt");
    let mut e = engine();
    e.push_detector(Box::new(Names("Alvarez")));
    // A detector that also flags the role word must not touch role labels.
    e.push_detector(Box::new(Names("patient")));
    let out = transcript::redact(&e, &input, Format::Turns).unwrap();
    let expected = input
        .replace("oh three fourteen eighty one", "[DATE]")
        .replace("six one seven , double four two , three nine oh one", "[PHONE]")
        .replace("zero two one three nine", "[LOCATION]")
        .replace("Dr. Alvarez", "Dr. [NAME]")
        .replace("four four seven , nine two one , eight eight", "[HEALTH_PLAN]");
    assert_eq!(out.text, expected);
    assert!(out.text.contains("[patient] sure"));
    assert_eq!(out.text.matches("\r\n").count(), input.matches("\r\n").count());
    assert!(out.audio_ranges(0.1).is_err(), "turns carry no end times");
}

#[test]
fn numbered_placeholders_hold_across_cues() {
    let input = "1\n00:00:01,000 --> 00:00:02,000\nspelled k-o-w\n\n2\n00:00:02,000 --> 00:00:03,000\nagain k-o-w, and j-o-e\n";
    let config = Config { placeholder: deid::PlaceholderStyle::Numbered, ..Config::default() };
    let e = Engine::with_detectors(config, spoken::detectors()).unwrap();
    let out = transcript::redact(&e, input, Format::Srt).unwrap();
    assert_eq!(out.text, "1\n00:00:01,000 --> 00:00:02,000\nspelled [NAME_1]\n\n2\n00:00:02,000 --> 00:00:03,000\nagain [NAME_1], and [NAME_2]\n");
}

fn words_of(v: &Value, shape: &str) -> Vec<Value> {
    match shape {
        "deepgram" => v["results"]["channels"][0]["alternatives"][0]["words"].as_array().unwrap().clone(),
        "assemblyai" => v["words"].as_array().unwrap().clone(),
        _ => v["segments"].as_array().unwrap().iter().flat_map(|s| s["words"].as_array().unwrap().clone()).collect(),
    }
}

#[test]
fn word_json_round_trips_in_all_three_shapes() {
    for (file, shape, key, scale) in [("deepgram.json", "deepgram", "punctuated_word", 1.0), ("assemblyai.json", "assemblyai", "text", 1000.0), ("whisper.json", "whisper", "word", 1.0)] {
        let input = data(file);
        let out = transcript::redact(&engine(), &input, Format::WordsJson).unwrap();
        let before: Value = serde_json::from_str(&input).unwrap();
        let after: Value = serde_json::from_str(&out.text).unwrap();
        let (wa, wb) = (words_of(&before, shape), words_of(&after, shape));
        assert_eq!(wa.len(), wb.len(), "{file}: every word kept");
        let texts: Vec<&str> = wb.iter().map(|w| w[key].as_str().unwrap().trim()).collect();
        for (a, b) in wa.iter().zip(&wb) {
            // Times, speakers and confidences untouched.
            for k in ["start", "end", "speaker", "confidence", "probability"] {
                assert_eq!(a.get(k), b.get(k), "{file}: {k}");
            }
        }
        let phone = texts.iter().position(|t| *t == "[PHONE]").unwrap_or_else(|| panic!("{file}: {texts:?}"));
        assert_eq!(&texts[phone + 1..phone + 10], &["", "", "", "", "", "", "", "", "."], "{file}: later words empty, punctuation kept");
        let email = texts.iter().position(|t| *t == "[EMAIL]").unwrap();
        assert_eq!(&texts[email + 1..email + 6], &["", "", "", "", "."], "{file}");
        assert!(texts.contains(&"milligrams") && texts.contains(&"five"), "{file}: the dosage stays");
        // Derived text is rebuilt or removed: nothing of the identifiers survives anywhere.
        for secret in ["five five five", "gmail", "derived"] {
            assert!(!out.text.contains(secret), "{file}: {secret}");
        }
        // Audio ranges: from the first to the last word of each identifier, padded.
        let ranges = out.audio_ranges(0.25).unwrap().ranges;
        assert_eq!(ranges.len(), 2, "{file}: {ranges:?}");
        let t = |w: &Value, k: &str| w[k].as_f64().unwrap() / scale;
        let want_start = t(&wa[phone], "start") - 0.25;
        let want_end = t(&wa[phone + 9], "end") + 0.25;
        assert!((ranges[0].start - want_start).abs() < 1e-9 && (ranges[0].end - want_end).abs() < 1e-9, "{file}");
        assert_eq!(ranges[0].labels, vec![Label::Phone]);
        assert_eq!(ranges[1].labels, vec![Label::Email]);
        assert!(ranges.iter().all(|r| r.speaker.as_deref() == Some(match shape { "deepgram" => "1", "assemblyai" => "B", _ => "SPEAKER_01" })));
    }
}

#[test]
fn deepgram_word_field_gets_the_bare_placeholder() {
    let out = transcript::redact(&engine(), &data("deepgram.json"), Format::WordsJson).unwrap();
    let v: Value = serde_json::from_str(&out.text).unwrap();
    let words = words_of(&v, "deepgram");
    let i = words.iter().position(|w| w["punctuated_word"] == "[PHONE]").unwrap();
    assert_eq!(words[i]["word"], "[PHONE]");
    assert_eq!(words[i + 8]["word"], "");
    assert!(v["results"]["channels"][0]["alternatives"][0].get("paragraphs").is_none());
    assert!(v["results"].get("utterances").is_none());
}

#[test]
fn an_identifier_split_across_words_is_found() {
    let json = r#"{"words":[{"text":"my","start":0,"end":100},{"text":"zip","start":100,"end":200},{"text":"is","start":200,"end":300},{"text":"nine","start":300,"end":400},{"text":"oh","start":400,"end":500},{"text":"two","start":500,"end":600},{"text":"one","start":600,"end":700},{"text":"oh","start":700,"end":800}]}"#;
    let out = transcript::redact(&engine(), json, Format::WordsJson).unwrap();
    assert_eq!(out.text, r#"{"words":[{"text":"my","start":0,"end":100},{"text":"zip","start":100,"end":200},{"text":"is","start":200,"end":300},{"text":"[LOCATION]","start":300,"end":400},{"text":"","start":400,"end":500},{"text":"","start":500,"end":600},{"text":"","start":600,"end":700},{"text":"","start":700,"end":800}]}"#);
    let r = out.audio_ranges(0.0).unwrap().ranges;
    assert_eq!((r[0].start, r[0].end, r[0].speaker.clone()), (0.3, 0.8, None));
}

#[test]
fn auto_detection_of_the_corpus() {
    for (file, want) in [("visit.vtt", Format::Vtt), ("visit.srt", Format::Srt), ("visit_turns.txt", Format::Turns), ("deepgram.json", Format::WordsJson), ("assemblyai.json", Format::WordsJson), ("whisper.json", Format::WordsJson)] {
        assert_eq!(Format::detect(None, &data(file)), want, "{file} by content");
    }
}

#[test]
fn bad_input_is_refused_with_a_position_and_no_text() {
    let cases = [
        ("bad_timestamp.vtt", Format::Vtt, "line 8"),
        ("bad_number.srt", Format::Srt, "line 5"),
        ("bad_shape.json", Format::WordsJson, "unknown JSON shape"),
        ("missing_times.json", Format::WordsJson, "words[3].end"),
    ];
    for (file, format, want) in cases {
        let err = transcript::redact(&engine(), &data(file), format).err().unwrap_or_else(|| panic!("{file} must fail"));
        let msg = err.to_string();
        assert!(msg.contains(want), "{file}: {msg}");
        assert!(!msg.contains("secret") && !msg.contains("hello"), "{file}: no document text in errors");
    }
    let more: [(&str, Format, &str); 6] = [
        ("not a vtt\n", Format::Vtt, "line 1"),
        ("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n", Format::Vtt, "line 3"),
        ("WEBVTT\n\njust text with no timing\n", Format::Vtt, "line 3"),
        ("{\"segments\":[{\"words\":[{\"word\":\"hi\",\"start\":0.1}]}]}", Format::WordsJson, "segments[0].words[0].end"),
        ("{\"results\":{\"channels\":[{\"alternatives\":[{\"words\":[]},{\"words\":[]}]}]}}", Format::WordsJson, "results.channels[0].alternatives"),
        ("{\"words\": [ {\"text\": \"secret\"", Format::WordsJson, "invalid JSON at line 1"),
    ];
    for (input, format, want) in more {
        let msg = transcript::redact(&engine(), input, format).err().expect("fails").to_string();
        assert!(msg.contains(want), "{msg}");
        assert!(!msg.contains("secret") && !msg.contains("backwards"), "{msg}");
    }
}

#[test]
fn full_engine_keeps_structure() {
    // Whatever detectors are bundled, structure lines never change.
    let e = Engine::new(Config::default()).unwrap();
    for (file, format) in [("visit.vtt", Format::Vtt), ("visit.srt", Format::Srt)] {
        let input = data(file);
        let out = transcript::redact(&e, &input, format).unwrap();
        assert_structure(&input, &out.text, is_cue_text);
    }
}

fn with_names(names: &[&'static str]) -> Engine {
    let mut e = engine();
    for n in names {
        e.push_detector(Box::new(Names(n)));
    }
    e
}

#[test]
fn free_text_outside_the_cues_is_redacted() {
    let e = with_names(&["Quackenbush"]);
    let vtt = "WEBVTT - Visit with Zebulon Quackenbush\nKind: captions\n\nNOTE typed by Quackenbush\n\nintake Quackenbush\n00:01.000 --> 00:02.000 align:start Quackenbush position:10%\n<c.Quackenbush>Hello</c> there.\n\ncue-2\n00:02.000 --> 00:03.000\n<lang Quackenbush>Bye.</lang>\n";
    let out = transcript::redact(&e, vtt, Format::Vtt).unwrap();
    assert_eq!(
        out.text,
        "WEBVTT - Visit with Zebulon [NAME]\nKind: captions\n\nNOTE typed by [NAME]\n\nintake [NAME]\n00:01.000 --> 00:02.000 align:start [NAME] position:10%\n<c.[NAME]>Hello</c> there.\n\ncue-2\n00:02.000 --> 00:03.000\n<lang [NAME]>Bye.</lang>\n"
    );
    let srt = "1\n00:00:01,000 --> 00:00:02,000 Quackenbush\n<font color=\"#ffffff\" face=\"Quackenbush\">Hello</font>\n";
    let out = transcript::redact(&e, srt, Format::Srt).unwrap();
    assert_eq!(out.text, "1\n00:00:01,000 --> 00:00:02,000 [NAME]\n<font color=\"#ffffff\" face=\"[NAME]\">Hello</font>\n");
    // Spoken text is only what the cues say: nothing of the header or markup reaches the audio ranges.
    assert!(out.audio_ranges(0.0).unwrap().ranges.is_empty());
}

#[test]
fn an_identifier_across_speakers_in_word_json_is_found() {
    // A diarizer gave the digits of one phone number to two speakers, turn about.
    let digits = ["six", "one", "seven", "five", "five", "five", "oh", "one", "four", "two"];
    let mut words = vec![("my", "A"), ("number", "A"), ("is", "A")];
    words.extend(digits.iter().enumerate().map(|(i, d)| (*d, if i % 2 == 0 { "B" } else { "A" })));
    let json = serde_json::json!({ "words": words.iter().enumerate().map(|(i, (w, s))| serde_json::json!({"text": w, "start": i * 100, "end": i * 100 + 90, "speaker": s})).collect::<Vec<_>>() });
    let out = transcript::redact(&engine(), &json.to_string(), Format::WordsJson).unwrap();
    let v: Value = serde_json::from_str(&out.text).unwrap();
    let texts: Vec<&str> = v["words"].as_array().unwrap().iter().map(|w| w["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["my", "number", "is", "[PHONE]", "", "", "", "", "", "", "", "", ""]);
    let ranges = out.audio_ranges(0.0).unwrap().ranges;
    assert_eq!(ranges.len(), digits.len(), "every word of the number is silenced");
    assert!(ranges.iter().all(|r| r.speaker.as_deref() == Some(if (r.start * 10.0).round() as usize % 2 == 1 { "B" } else { "A" })), "{ranges:?}");
}

#[test]
fn blanks_between_tags_stay() {
    let e = with_names(&["Zebulon Quackenbush"]);
    let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nThis is <b>Zebulon</b> <i>Quackenbush</i>.\n";
    let out = transcript::redact(&e, vtt, Format::Vtt).unwrap();
    assert_eq!(out.text, "WEBVTT\n\n00:01.000 --> 00:02.000\nThis is <b>[NAME]</b> <i>[NAME]</i>.\n");
}

#[test]
fn style_and_region_blocks_are_kept_wherever_they_stand() {
    let e = with_names(&["Quackenbush"]);
    let style = "STYLE\n::cue(.loud) {\n  color: yellow;\n  background: url(\"data:,x\");\n}";
    let region = "REGION\nid:left\nwidth:40%\nregionanchor:0%,100%\nscroll:up";
    let vtt = format!("WEBVTT\n\n{style}\n\n{region}\n\n00:01.000 --> 00:02.000 region:left\nHi Quackenbush.\n\n{style}\n\n{region}\n\n00:02.000 --> 00:03.000\nBye.\n");
    let out = transcript::redact(&e, &vtt, Format::Vtt).unwrap();
    assert_eq!(out.text, vtt.replace("Hi Quackenbush", "Hi [NAME]"));
}
