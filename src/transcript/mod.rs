//! Transcripts in and out: WebVTT, SRT, speaker turns and word-level JSON.
//!
//! Every format is parsed into a [`Conversation`]: one text holding all the
//! spoken words in order, and the pieces it is made of, each mapped back to
//! where it came from (a byte range of the file, or a word of the JSON). The
//! engine runs once over the whole conversation, so an identifier said across
//! two cues or two words is still found; each span is then cut along the
//! pieces it covers and written back. Outside the redacted words the file is
//! left byte for byte as it was (timestamps, cue numbers, speaker labels,
//! blank lines, line endings).
//!
//! * **A span over several cues** puts the placeholder in each cue it touches
//!   (cues are shown one at a time, so each must show the redaction).
//! * **A span over several words** (word JSON) puts the placeholder in its
//!   first word; the others become empty strings, keeping their times.
//! * **Speaker labels** are part of the conversation text the detectors see
//!   ("Dr. Smith: …" gives a name detector its cue). Role labels — `doctor`,
//!   `patient`, `Speaker 1`, `Guest_family`, … — and timestamps inside labels
//!   are structure and are never redacted; any other label is text like the
//!   rest, so a name used as a label ("Dr. Smith:") is redacted where it
//!   stands. With numbered placeholders the same name gives the same
//!   `[NAME_1]` in every turn, so turns stay attributable.
//!
//! Errors name a line (text formats) or a JSON path, never document text, and
//! no output is produced for a document that fails to parse.

use crate::config::Config;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::span::{Label, Span};
use std::ops::Range;
use std::path::Path;

pub mod audio;
pub mod cues;
pub mod turns;
pub mod words;

pub use audio::{AudioRange, AudioRanges};

/// The transcript formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Vtt,
    Srt,
    Turns,
    WordsJson,
    /// Plain text, redacted whole.
    Text,
}

impl Format {
    /// The format of a document, from its file name when it tells and its content otherwise.
    pub fn detect(name: Option<&Path>, text: &str) -> Format {
        let ext = name.and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("vtt") => return Format::Vtt,
            Some("srt") => return Format::Srt,
            Some("json") => return Format::WordsJson,
            _ => {}
        }
        let body = text.trim_start_matches('\u{feff}');
        if body.starts_with("WEBVTT") {
            return Format::Vtt;
        }
        let trimmed = body.trim_start();
        if trimmed.starts_with('{') && ["\"words\"", "\"segments\"", "\"results\""].iter().any(|k| trimmed.contains(k)) {
            return Format::WordsJson;
        }
        let mut lines = trimmed.lines();
        if let (Some(first), Some(second)) = (lines.next(), lines.next()) {
            if !first.trim().is_empty() && first.trim().bytes().all(|b| b.is_ascii_digit()) && second.contains("-->") {
                return Format::Srt;
            }
        }
        if turns::looks_like_turns(body) {
            return Format::Turns;
        }
        Format::Text
    }

    /// Parses `vtt`, `srt`, `turns`, `words-json`, `text`.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "vtt" => Format::Vtt,
            "srt" => Format::Srt,
            "turns" => Format::Turns,
            "words-json" | "json" => Format::WordsJson,
            "text" => Format::Text,
            _ => return None,
        })
    }
}

/// Who speaks a piece, for audio ranges: a value from the input (a JSON
/// speaker id) or the label piece naming the speaker (its redacted text is used).
#[derive(Clone, Debug, PartialEq)]
pub enum Speaker {
    Id(String),
    Label(usize),
}

/// A piece of the conversation text and where it came from.
#[derive(Clone, Debug)]
pub struct Piece {
    /// Bytes of the conversation text.
    pub joined: Range<usize>,
    /// Bytes of the source: of the file for text formats, of the word's text for word JSON.
    pub source: Range<usize>,
    /// The word (index into the parsed words) for word JSON.
    pub word: Option<usize>,
    /// Start and end in seconds, when the input says.
    pub time: Option<(f64, f64)>,
    pub speaker: Option<Speaker>,
    /// Said aloud (not a speaker label or a note): only these give audio ranges.
    pub spoken: bool,
    /// Structure that is never redacted (role labels, timestamps in labels).
    pub protected: bool,
}

/// All the spoken text of a transcript as one string, and its pieces.
#[derive(Default, Debug)]
pub struct Conversation {
    pub text: String,
    pub pieces: Vec<Piece>,
}

impl Conversation {
    /// Appends text that maps to nothing (a separator between cues or words).
    pub fn push_sep(&mut self, sep: &str) {
        self.text.push_str(sep);
    }

    /// Appends `text`, found at `source`, and returns the piece's index.
    pub fn push(&mut self, text: &str, source: Range<usize>, fill: Piece) -> usize {
        let start = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece { joined: start..self.text.len(), source, ..fill });
        self.pieces.len() - 1
    }

    /// A template for [`Conversation::push`].
    pub fn piece() -> Piece {
        Piece { joined: 0..0, source: 0..0, word: None, time: None, speaker: None, spoken: true, protected: false }
    }
}

/// One cut of a span: the part of one piece it covers, and what replaces that part.
#[derive(Clone, Debug)]
pub struct Edit {
    pub piece: usize,
    /// Bytes within the piece's text.
    pub range: Range<usize>,
    pub replacement: String,
    pub label: Label,
}

/// A redacted transcript: the output document and what was removed where.
pub struct Redacted {
    pub format: Format,
    /// The output document, in the input's format.
    pub text: String,
    /// The spans removed, in bytes of the conversation text.
    pub spans: Vec<Span>,
    pub conversation: Conversation,
    pub edits: Vec<Edit>,
    /// The redacted text of each piece (speaker labels in audio ranges use it).
    piece_texts: Vec<String>,
}

impl Redacted {
    /// Time ranges covering every redacted spoken identifier, per speaker, padded by
    /// `margin` seconds (clamped at 0) and merged. Needs cue or word times.
    pub fn audio_ranges(&self, margin: f64) -> Result<AudioRanges> {
        audio::ranges(self, margin)
    }
}

/// Redacts a transcript of the given format.
pub fn redact(engine: &Engine, input: &str, format: Format) -> Result<Redacted> {
    match format {
        Format::Vtt | Format::Srt => {
            let conv = cues::parse(input, format)?;
            finish_text(engine, input, format, conv)
        }
        Format::Turns => finish_text(engine, input, format, turns::parse(input)),
        Format::Text => {
            let mut conv = Conversation::default();
            conv.push(input, 0..input.len(), Piece { spoken: false, ..Conversation::piece() });
            finish_text(engine, input, format, conv)
        }
        Format::WordsJson => words::redact(engine, input),
    }
}

/// Runs detection over the conversation's text; protected pieces (role labels,
/// timestamps) are taken out of every span.
fn spoken_spans(engine: &Engine, conv: &Conversation) -> Result<Vec<Span>> {
    let spans = engine.detect_prose(&conv.text)?;
    let mut kept: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        let mut parts = vec![s];
        for p in conv.pieces.iter().filter(|p| p.protected && p.joined.start < s.end && s.start < p.joined.end) {
            parts = parts
                .into_iter()
                .flat_map(|q| {
                    let mut v = Vec::new();
                    if q.start < p.joined.start {
                        v.push(Span { end: p.joined.start.min(q.end), ..q });
                    }
                    if q.end > p.joined.end {
                        v.push(Span { start: p.joined.end.max(q.start), ..q });
                    }
                    v
                })
                .collect();
        }
        kept.extend(parts.into_iter().filter(|q| !conv.text[q.start..q.end].trim().is_empty()));
    }
    Ok(kept)
}

/// The parts of `span` to rewrite: (piece, bytes within the piece's text). Protected
/// pieces are skipped, and so are blanks at a part's edges, so that the space in
/// `<b>Jane</b> <i>Roe</i>` stays. `from` is the first piece that may hold the
/// span; spans taken in order move it forward.
fn parts(conv: &Conversation, span: &Span, from: &mut usize) -> Vec<(usize, Range<usize>)> {
    while *from < conv.pieces.len() && conv.pieces[*from].joined.end <= span.start {
        *from += 1;
    }
    let mut out = Vec::new();
    for (i, p) in conv.pieces.iter().enumerate().skip(*from) {
        if p.joined.start >= span.end {
            break;
        }
        if p.protected || p.joined.end <= span.start {
            continue;
        }
        let text = &conv.text[p.joined.clone()];
        let (mut a, mut b) = (span.start.max(p.joined.start) - p.joined.start, span.end.min(p.joined.end) - p.joined.start);
        a += text[a..b].len() - text[a..b].trim_start().len();
        b -= text[a..b].len() - text[a..b].trim_end().len();
        if a < b {
            out.push((i, a..b));
        }
    }
    out
}

/// Runs the engine over the conversation and cuts its spans along the pieces.
/// With `repeat_placeholder` every part of a span gets the placeholder; otherwise the first does and the others become empty.
pub fn cut(engine: &Engine, conv: &Conversation, repeat_placeholder: bool) -> Result<(Vec<Span>, Vec<Edit>)> {
    let kept = spoken_spans(engine, conv)?;
    let placeholders = placeholders(engine.config(), &conv.text, &kept)?;
    let mut edits = Vec::new();
    let mut from = 0;
    for (span, placeholder) in kept.iter().zip(placeholders) {
        for (n, (piece, range)) in parts(conv, span, &mut from).into_iter().enumerate() {
            let replacement = if n == 0 || repeat_placeholder { placeholder.clone() } else { String::new() };
            edits.push(Edit { piece, range, replacement, label: span.label });
        }
    }
    Ok((kept, edits))
}

/// Detection for a document handed over as plain text that is a transcript
/// (WebVTT, SRT, speaker turns with or without timestamps): the spans of
/// [`redact`] in that format, in bytes of `text`, so that cue numbers,
/// timestamps, markup and role labels are never reported and a document gives
/// the same identifiers whichever way it comes in. `None` when the text is not
/// confidently a transcript (word JSON is left to [`redact`]; a cue file that
/// does not parse is read as prose).
pub fn detect_in_text(engine: &Engine, text: &str) -> Result<Option<Vec<Span>>> {
    let conv = match Format::detect(None, text) {
        format @ (Format::Vtt | Format::Srt) => match cues::parse(text, format) {
            Ok(conv) => conv,
            Err(_) => return Ok(None),
        },
        Format::Turns => turns::parse(text),
        Format::WordsJson | Format::Text => return Ok(None),
    };
    let mut out: Vec<Span> = Vec::new();
    let mut from = 0;
    for span in spoken_spans(engine, &conv)? {
        let first = out.len();
        for (piece, range) in parts(&conv, &span, &mut from) {
            let base = conv.pieces[piece].source.start;
            let (start, end) = (base + range.start, base + range.end);
            // Parts with only blanks between them in the file (an address over two lines) stay one span.
            let joins = out.len() > first && out.last().is_some_and(|l| l.end <= start && text[l.end..start].trim().is_empty());
            match out.last_mut() {
                Some(last) if joins => last.end = end,
                _ => out.push(Span { start, end, ..span }),
            }
        }
    }
    // Voice names and tag annotations sit after the cues in the conversation, before them in the file.
    out.sort_by_key(|s| s.start);
    Ok(Some(out))
}

/// The placeholder of each span, exactly as the redactor writes it (labels,
/// numbering by value, ages, ZIP3), computed in one pass so that numbering holds across the conversation.
fn placeholders(config: &Config, text: &str, spans: &[Span]) -> Result<Vec<String>> {
    const SEP: char = '\u{0}';
    let mut synthetic = String::new();
    let mut shifted = Vec::with_capacity(spans.len());
    for s in spans {
        let value = &text[s.start..s.end];
        if value.contains(SEP) {
            return Err(Error::input("the transcript contains NUL characters inside an identifier"));
        }
        let start = synthetic.len();
        synthetic.push_str(value);
        shifted.push(Span { start, end: synthetic.len(), ..*s });
        synthetic.push(SEP);
    }
    let out = crate::redact::redact(config, &synthetic, &shifted);
    Ok(out.split(SEP).take(spans.len()).map(str::to_string).collect())
}

/// The redacted text of every piece.
fn piece_texts(conv: &Conversation, edits: &[Edit]) -> Vec<String> {
    let mut texts: Vec<String> = conv.pieces.iter().map(|p| conv.text[p.joined.clone()].to_string()).collect();
    let mut by_piece: Vec<Vec<&Edit>> = vec![Vec::new(); conv.pieces.len()];
    for e in edits {
        by_piece[e.piece].push(e);
    }
    for (i, list) in by_piece.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let original = &conv.text[conv.pieces[i].joined.clone()];
        let mut out = String::new();
        let mut pos = 0;
        for e in list {
            out.push_str(&original[pos..e.range.start]);
            out.push_str(&e.replacement);
            pos = e.range.end;
        }
        out.push_str(&original[pos..]);
        texts[i] = out;
    }
    texts
}

/// Text formats: the pieces are verbatim ranges of the file; rewrite them in place.
fn finish_text(engine: &Engine, input: &str, format: Format, conv: Conversation) -> Result<Redacted> {
    let (spans, edits) = cut(engine, &conv, true)?;
    let mut order: Vec<&Edit> = edits.iter().collect();
    order.sort_by_key(|e| conv.pieces[e.piece].source.start + e.range.start);
    let mut out = String::with_capacity(input.len());
    let mut pos = 0;
    for e in order {
        let base = conv.pieces[e.piece].source.start;
        let (from, to) = (base + e.range.start, base + e.range.end);
        debug_assert!(from >= pos, "edits are in file order");
        out.push_str(&input[pos..from]);
        out.push_str(&e.replacement);
        pos = to;
    }
    out.push_str(&input[pos..]);
    let piece_texts = piece_texts(&conv, &edits);
    Ok(Redacted { format, text: out, spans, conversation: conv, edits, piece_texts })
}

/// Splits `text` into lines: (byte offset of the line, the line without its `\n` or `\r\n`).
pub(crate) fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let line = &text[start..i];
            out.push((start, line.strip_suffix('\r').unwrap_or(line)));
            start = i + 1;
        }
    }
    if start < text.len() {
        let line = &text[start..];
        out.push((start, line.strip_suffix('\r').unwrap_or(line)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(Format::detect(None, "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n"), Format::Vtt);
        assert_eq!(Format::detect(None, "1\n00:00:00,000 --> 00:00:01,000\nhi\n"), Format::Srt);
        assert_eq!(Format::detect(None, "{\"words\": []}"), Format::WordsJson);
        assert_eq!(Format::detect(None, "{not a transcript}"), Format::Text);
        assert_eq!(Format::detect(None, "[doctor] hi\n[patient] hello\n"), Format::Turns);
        assert_eq!(Format::detect(None, "Patient seen today."), Format::Text);
        assert_eq!(Format::detect(Some(Path::new("a.srt")), ""), Format::Srt);
    }

    /// Finds fixed words, whatever blanks join them, as a LOCATION.
    struct Finds(regex::Regex);
    impl crate::detectors::Detector for Finds {
        fn name(&self) -> &'static str {
            "finds"
        }
        fn detect(&self, doc: &crate::detectors::Document<'_>, out: &mut Vec<Span>) -> Result<()> {
            out.extend(self.0.find_iter(doc.text).map(|m| Span::new(m.start(), m.end(), Label::Location, 0.9, crate::span::Source::Rule)));
            Ok(())
        }
    }

    #[test]
    fn plain_text_spans_hold_across_blanks_and_split_at_structure() {
        let found = |value: &'static str, text: &str| {
            let words: Vec<String> = value.split_whitespace().map(regex::escape).collect();
            let engine = Engine::with_detectors(Config::default(), vec![Box::new(Finds(regex::Regex::new(&words.join(r"\s+")).unwrap()))]).unwrap();
            detect_in_text(&engine, text).unwrap().expect("a transcript").iter().map(|s| text[s.start..s.end].to_string()).collect::<Vec<_>>()
        };
        let turns = "[doctor] and your address?\n[patient] 12 Quill Lane\nFernwood, it is\n[nurse] ok\n";
        assert_eq!(found("12 Quill Lane Fernwood", turns), ["12 Quill Lane\nFernwood"]);
        let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nat <b>Quill</b> <i>Lane</i>\n\n00:02.000 --> 00:03.000\nin Fernwood\n";
        assert_eq!(found("Quill Lane", vtt), ["Quill", "Lane"]);
        assert_eq!(found("Lane in Fernwood", vtt), ["Lane", "in Fernwood"]);
        assert_eq!(detect_in_text(&Engine::with_detectors(Config::default(), Vec::new()).unwrap(), "Not a transcript.").unwrap(), None);
    }

    #[test]
    fn lines_keep_offsets() {
        assert_eq!(lines("a\r\nbc\n\nd"), vec![(0, "a"), (3, "bc"), (6, ""), (7, "d")]);
    }
}
