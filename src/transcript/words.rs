//! Word-level JSON as speech-to-text services emit it.
//!
//! Three shapes are read, recognised by their structure:
//!
//! * Deepgram: `results.channels[].alternatives[].words[]` with `word`,
//!   `punctuated_word` (used when present), `start`/`end` in seconds and an
//!   optional `speaker`. One alternative per channel (more is an error); the
//!   words of several channels are put in time order, speaker `channel N`
//!   when the word has none.
//! * AssemblyAI: top-level `words[]` with `text`, `start`/`end` in
//!   **milliseconds** and an optional `speaker`.
//! * Whisper / WhisperX: `segments[].words[]` with `word`, `start`/`end` in
//!   seconds and an optional `speaker` (the segment's speaker otherwise).
//!
//! The output is the same JSON with each redacted word's text replaced: the
//! first word of an identifier holds the placeholder (punctuation outside the
//! identifier stays), later words of the same identifier become `""`, their
//! times kept. Text derived from the words is rebuilt from the redacted words
//! (Deepgram `transcript`, AssemblyAI `text`, Whisper segment and top-level
//! `text`); derived fields that would repeat the words in another form are
//! removed, since they cannot be redacted in step: Deepgram `paragraphs`,
//! `summaries`, `entities`, `results.utterances`, `results.summary`,
//! `results.topics`, `results.intents`, `results.sentiments`; AssemblyAI
//! `utterances`, `chapters`, `entities`, `auto_highlights_result`,
//! `summary`, `iab_categories_result`, `content_safety_labels`,
//! `sentiment_analysis_results`; Whisper `segments[].tokens` and WhisperX
//! `word_segments`. Every word needs `start` and `end`: a word without them
//! is an error naming its JSON path.

use super::{cut, piece_texts, Conversation, Format, Piece, Redacted, Speaker};
use crate::engine::Engine;
use crate::error::{Error, Result};
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Deepgram,
    AssemblyAi,
    Whisper,
}

/// One word of the input: where it lives in the JSON and what it says.
struct Word {
    /// JSON pointer to the word object.
    pointer: String,
    /// The key holding the text that is redacted and rebuilt from.
    key: &'static str,
    /// Another key holding the same word (Deepgram `word` next to `punctuated_word`).
    also: Option<&'static str>,
    text: String,
    start: f64,
    end: f64,
    speaker: Option<String>,
}

fn path_of(pointer: &str) -> String {
    // "/results/channels/0/words/3" → "results.channels[0].words[3]"
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

fn bad(pointer: &str, what: &str) -> Error {
    Error::input(format!("{}: {what}", path_of(pointer)))
}

fn array<'a>(v: &'a Value, pointer: &str) -> Result<&'a Vec<Value>> {
    v.pointer(pointer).and_then(Value::as_array).ok_or_else(|| bad(pointer, "missing or not an array"))
}

fn speaker_value(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_word(root: &Value, pointer: String, shape: Shape, default_speaker: Option<String>) -> Result<Word> {
    let w = root.pointer(&pointer).and_then(Value::as_object).ok_or_else(|| bad(&pointer, "a word must be an object"))?;
    let (key, also) = match shape {
        Shape::Deepgram if w.contains_key("punctuated_word") => ("punctuated_word", Some("word")),
        Shape::Deepgram | Shape::Whisper => ("word", None),
        Shape::AssemblyAi => ("text", None),
    };
    let text = w.get(key).and_then(Value::as_str).ok_or_else(|| bad(&format!("{pointer}/{key}"), "missing or not a string"))?;
    let time = |k: &str| -> Result<f64> {
        let t = w.get(k).and_then(Value::as_f64).ok_or_else(|| bad(&format!("{pointer}/{k}"), "missing or not a number (every word needs start and end times)"))?;
        let t = if shape == Shape::AssemblyAi { t / 1000.0 } else { t };
        if !t.is_finite() || t < 0.0 {
            return Err(bad(&format!("{pointer}/{k}"), "a time must be a non-negative number"));
        }
        Ok(t)
    };
    let (start, end) = (time("start")?, time("end")?);
    if end < start {
        return Err(bad(&pointer, "the word ends before it starts"));
    }
    Ok(Word { pointer, key, also, text: text.to_string(), start, end, speaker: speaker_value(w.get("speaker")).or(default_speaker) })
}

fn shape_of(root: &Value) -> Result<Shape> {
    if root.pointer("/results/channels").is_some() {
        Ok(Shape::Deepgram)
    } else if root.get("segments").is_some() {
        Ok(Shape::Whisper)
    } else if root.get("words").is_some() {
        Ok(Shape::AssemblyAi)
    } else {
        Err(Error::input(
            "unknown JSON shape: expected results.channels[].alternatives[].words[] (Deepgram), words[] (AssemblyAI) or segments[].words[] (Whisper)",
        ))
    }
}

fn read_words(root: &Value, shape: Shape) -> Result<Vec<Word>> {
    let mut words = Vec::new();
    match shape {
        Shape::Deepgram => {
            let channels = array(root, "/results/channels")?;
            for c in 0..channels.len() {
                let alts = array(root, &format!("/results/channels/{c}/alternatives"))?;
                if alts.len() != 1 {
                    return Err(bad(&format!("/results/channels/{c}/alternatives"), "exactly one alternative per channel is supported"));
                }
                let base = format!("/results/channels/{c}/alternatives/0/words");
                let n = array(root, &base)?.len();
                let default = (channels.len() > 1).then(|| format!("channel {c}"));
                for k in 0..n {
                    words.push(read_word(root, format!("{base}/{k}"), shape, default.clone())?);
                }
            }
            if channels.len() > 1 {
                words.sort_by(|a, b| a.start.total_cmp(&b.start));
            }
        }
        Shape::AssemblyAi => {
            let n = array(root, "/words")?.len();
            for k in 0..n {
                words.push(read_word(root, format!("/words/{k}"), shape, None)?);
            }
        }
        Shape::Whisper => {
            let segments = array(root, "/segments")?;
            for s in 0..segments.len() {
                let seg = format!("/segments/{s}");
                let default = speaker_value(root.pointer(&format!("{seg}/speaker")));
                let n = array(root, &format!("{seg}/words"))?.len();
                for k in 0..n {
                    words.push(read_word(root, format!("{seg}/words/{k}"), shape, default.clone())?);
                }
            }
        }
    }
    Ok(words)
}

fn json_error(e: &serde_json::Error) -> Error {
    // serde_json's syntax messages name a position only; build ours from its parts anyway.
    Error::input(format!("invalid JSON at line {} column {}", e.line(), e.column()))
}

/// Redacts a word-level JSON transcript.
pub fn redact(engine: &Engine, input: &str) -> Result<Redacted> {
    let mut root: Value = serde_json::from_str(input).map_err(|e| json_error(&e))?;
    if !root.is_object() {
        return Err(Error::input("unknown JSON shape: the document must be a JSON object"));
    }
    let shape = shape_of(&root)?;
    let words = read_words(&root, shape)?;

    // The conversation: words joined by spaces, across speaker changes too, so that
    // an identifier whose words a diarizer gave to two speakers is still read as one.
    let mut conv = Conversation::default();
    for (i, w) in words.iter().enumerate() {
        let trimmed = w.text.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !conv.text.is_empty() {
            conv.push_sep(" ");
        }
        let lead = w.text.len() - w.text.trim_start().len();
        conv.push(
            trimmed,
            lead..lead + trimmed.len(),
            Piece { word: Some(i), time: Some((w.start, w.end)), speaker: w.speaker.clone().map(Speaker::Id), ..Conversation::piece() },
        );
    }
    let (spans, edits) = cut(engine, &conv, false)?;

    // Rewrite the touched words.
    let mut new_text: Vec<Option<String>> = vec![None; words.len()];
    let mut also_text: Vec<Option<String>> = vec![None; words.len()];
    let texts = piece_texts(&conv, &edits);
    for e in &edits {
        let p = &conv.pieces[e.piece];
        let i = p.word.expect("word pieces");
        let w = &words[i];
        let mut t = format!("{}{}{}", &w.text[..p.source.start], texts[e.piece], &w.text[p.source.end..]);
        if e.replacement.is_empty() {
            // A later word of an identifier: only the punctuation outside it remains, unspaced.
            t = t.trim_start().to_string();
        }
        new_text[i] = Some(t);
        also_text[i] = Some(e.replacement.clone());
    }
    for (i, w) in words.iter().enumerate() {
        let Some(obj) = root.pointer_mut(&w.pointer).and_then(Value::as_object_mut) else { continue };
        if let Some(t) = &new_text[i] {
            obj.insert(w.key.to_string(), Value::String(t.clone()));
        }
        if let (Some(also), Some(t)) = (w.also, &also_text[i]) {
            if obj.contains_key(also) {
                obj.insert(also.to_string(), Value::String(t.clone()));
            }
        }
    }
    rebuild(&mut root, shape, &words, &new_text);

    let mut text = if input.trim_end().contains('\n') { serde_json::to_string_pretty(&root) } else { serde_json::to_string(&root) }
        .map_err(|e| Error::input(format!("cannot write JSON ({:?} error)", e.classify())))?;
    if input.ends_with('\n') {
        text.push('\n');
    }
    let piece_texts = texts;
    Ok(Redacted { format: Format::WordsJson, text, spans, conversation: conv, edits, piece_texts })
}

/// Joins words with `glue`, skipping empty ones and attaching bare punctuation to the word before.
fn join(parts: impl Iterator<Item = String>, glue: &str) -> String {
    let mut out = String::new();
    for p in parts.filter(|s| !s.trim().is_empty()) {
        if !out.is_empty() && !p.chars().all(|c| c.is_ascii_punctuation()) {
            out.push_str(glue);
        }
        out.push_str(&p);
    }
    out
}

/// Rebuilds the derived text fields from the redacted words; removes those that cannot be.
fn rebuild(root: &mut Value, shape: Shape, words: &[Word], new_text: &[Option<String>]) {
    let text_of = |i: usize| new_text[i].clone().unwrap_or_else(|| words[i].text.clone());
    let remove = |root: &mut Value, pointer: &str, keys: &[&str]| {
        if let Some(obj) = root.pointer_mut(pointer).and_then(Value::as_object_mut) {
            for k in keys {
                obj.shift_remove(*k);
            }
        }
    };
    match shape {
        Shape::Deepgram => {
            let n = root.pointer("/results/channels").and_then(Value::as_array).map_or(0, Vec::len);
            for c in 0..n {
                let alt = format!("/results/channels/{c}/alternatives/0");
                let prefix = format!("{alt}/words/");
                let t = join(words.iter().enumerate().filter(|(_, w)| w.pointer.starts_with(&prefix)).map(|(i, _)| text_of(i).trim().to_string()), " ");
                if let Some(obj) = root.pointer_mut(&alt).and_then(Value::as_object_mut) {
                    if obj.contains_key("transcript") {
                        obj.insert("transcript".into(), Value::String(t));
                    }
                }
                remove(root, &alt, &["paragraphs", "summaries", "entities"]);
            }
            remove(root, "/results", &["utterances", "summary", "topics", "intents", "sentiments"]);
        }
        Shape::AssemblyAi => {
            let t = join((0..words.len()).map(|i| text_of(i).trim().to_string()), " ");
            if let Some(obj) = root.as_object_mut() {
                if obj.contains_key("text") {
                    obj.insert("text".into(), Value::String(t));
                }
            }
            remove(
                root,
                "",
                &["utterances", "chapters", "entities", "auto_highlights_result", "summary", "iab_categories_result", "content_safety_labels", "sentiment_analysis_results"],
            );
        }
        Shape::Whisper => {
            let n = root.get("segments").and_then(Value::as_array).map_or(0, Vec::len);
            let mut all = Vec::new();
            let mut spaced_any = false;
            for s in 0..n {
                let seg = format!("/segments/{s}");
                let prefix = format!("{seg}/words/");
                let ws: Vec<String> = words.iter().enumerate().filter(|(_, w)| w.pointer.starts_with(&prefix)).map(|(i, _)| text_of(i)).collect();
                // Whisper's words carry their leading space; WhisperX's do not.
                let spaced = ws.iter().any(|w| w.starts_with(' '));
                spaced_any |= spaced;
                let t = if spaced { ws.concat() } else { join(ws.into_iter(), " ") };
                if let Some(obj) = root.pointer_mut(&seg).and_then(Value::as_object_mut) {
                    if obj.contains_key("text") {
                        obj.insert("text".into(), Value::String(t.clone()));
                    }
                    obj.shift_remove("tokens");
                }
                all.push(t);
            }
            if let Some(obj) = root.as_object_mut() {
                if obj.contains_key("text") {
                    obj.insert("text".into(), Value::String(if spaced_any { all.concat() } else { join(all.into_iter(), " ") }));
                }
                obj.shift_remove("word_segments");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_json() {
        assert_eq!(path_of("/results/channels/0/alternatives/0/words/3/start"), "results.channels[0].alternatives[0].words[3].start");
    }
}
