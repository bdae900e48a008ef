//! WebVTT and SRT: cues with times, parsed strictly (a broken timestamp is an
//! error naming its line), their text gathered into one conversation.
//!
//! Cue text is split at markup (`<i>`, `<c.x>`, `<00:00:01.000>`, `{\an8}`):
//! only the text between tags is spoken; tag names and timestamps are
//! structure. A WebVTT voice tag (`<v Dr. Smith>`) names the speaker: a change
//! of speaker starts a new line of the conversation, and the names themselves
//! are appended after the cues, one a line as "Dr. Smith:", so the detectors
//! see them without breaking the flow of words; a name found there is
//! redacted inside the tag, a role name (`Doctor`, `Patient`, `Speaker 1`)
//! never is. A speaker label that opens a cue line ("Doctor: …") is read as
//! in speaker turns: a role and the colon are structure. Consecutive cues
//! otherwise join with a space, so a number said across two cues reads as one.
//!
//! Every other piece of free text is detected too, as text that is not spoken:
//! the header's text (`WEBVTT - …` and the lines below it), NOTE blocks, cue
//! identifiers that are not plain numbers, text on a timing line that is not a
//! cue setting, and the classes and annotations of tags (`<c.x>`,
//! `<font color="…">`), the last appended after the cues one a line. STYLE
//! and REGION blocks (CSS and region settings, no spoken text) are kept as
//! they are.

use super::{lines, turns, Conversation, Format, Piece, Speaker};
use crate::error::{Error, Result};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// Free text that is not spoken (header, note, cue identifier), on a line of its own in the conversation.
fn push_note(conv: &mut Conversation, off: usize, text: &str) {
    let body = text.trim();
    if body.is_empty() {
        return;
    }
    let s = off + (text.len() - text.trim_start().len());
    conv.push_sep("\n");
    conv.push(body, s..s + body.len(), Piece { spoken: false, ..Conversation::piece() });
    conv.push_sep("\n");
}

/// Whether a cue identifier only numbers its cue: `12`, `cue-7`, `c12`, `Line 3`, `sub_04`.
fn is_numbering(id: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(?i)^(?:(?:cue|caption|c|line|sub|subtitle|seg|segment|id)[-_ .#]?)?\d{1,6}$").expect("valid numbering regex"));
    re.is_match(id.trim())
}

/// Whether a line opens a block of the given kind (`NOTE`, `STYLE`, `REGION`).
fn opens(line: &str, keyword: &str) -> bool {
    line.strip_prefix(keyword).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Parses a VTT or SRT document into its conversation.
pub fn parse(input: &str, format: Format) -> Result<Conversation> {
    let all = lines(input);
    let mut i = 0;
    let mut conv = Conversation::default();
    let err = |line: usize, what: &str| Error::input(format!("line {}: {what}", line + 1));
    if format == Format::Vtt {
        let (off, line) = all.first().copied().unwrap_or((0, ""));
        let bom = if line.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        if !opens(&line[bom..], "WEBVTT") {
            return Err(err(0, "a WebVTT file must start with WEBVTT"));
        }
        // The header runs to the first blank line; its text ("WEBVTT - Visit with …")
        // is free text, and so are the values of its `Kind: captions` lines (the keys are structure).
        let from = bom + "WEBVTT".len();
        push_note(&mut conv, off + from, &line[from..]);
        i = 1;
        while i < all.len() && !all[i].1.trim().is_empty() {
            let (off, line) = all[i];
            let key = line.find(':').filter(|&k| k > 0 && line[..k].bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')).map_or(0, |k| k + 1);
            push_note(&mut conv, off + key, &line[key..]);
            i += 1;
        }
    }
    let mut last_speaker: Option<String> = None;
    let mut labels: Vec<(String, usize)> = Vec::new();
    let mut annotations: Vec<Range<usize>> = Vec::new();
    let mut spoken_by: Vec<(usize, usize)> = Vec::new();
    while i < all.len() {
        if all[i].1.trim().is_empty() {
            i += 1;
            continue;
        }
        let block_start = i;
        let mut end = i;
        while end < all.len() && !all[end].1.trim().is_empty() {
            end += 1;
        }
        let block = &all[block_start..end];
        i = end;
        let first = block[0].1;
        if format == Format::Vtt && opens(first, "NOTE") {
            let (off, line) = block[0];
            push_note(&mut conv, off + 4, &line[4..]);
            for &(off, line) in &block[1..] {
                push_note(&mut conv, off, line);
            }
            last_speaker = None;
            continue;
        }
        // The timing line: first or second line of the block.
        let timing_at = match format {
            Format::Srt => {
                if !first.trim().bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err(block_start, "an SRT cue must start with its number"));
                }
                if block.len() < 2 {
                    return Err(err(block_start, "an SRT cue needs a timing line after its number"));
                }
                1
            }
            _ if first.contains("-->") => 0,
            _ if block.len() > 1 && block[1].1.contains("-->") => 1,
            // Styles and regions hold CSS and settings, no spoken text: kept as they are.
            _ if opens(first, "STYLE") || opens(first, "REGION") => continue,
            _ => return Err(err(block_start, "cue without a timing line (expected `start --> end`)")),
        };
        if timing_at == 1 && !is_numbering(first) {
            // Any other cue identifier is free text.
            push_note(&mut conv, block[0].0, first);
        }
        let line_no = block_start + timing_at;
        let (timing_off, timing_line) = block[timing_at];
        let cue = timing(timing_line, format).ok_or_else(|| err(line_no, "invalid cue timing (expected `hh:mm:ss.ttt --> hh:mm:ss.ttt`)"))?;
        if cue.end < cue.start {
            return Err(err(line_no, "cue ends before it starts"));
        }
        for r in cue.free_text {
            push_note(&mut conv, timing_off + r.start, &timing_line[r]);
        }
        let mut first_text = true;
        let mut voice: Option<usize> = None;
        for &(off, line) in &block[timing_at + 1..] {
            if line.contains("-->") {
                return Err(err(block_start, "cue text contains `-->` (a missing blank line between cues?)"));
            }
            let mut line_start = true;
            for seg in markup(line) {
                match seg {
                    Seg::Voice(r) => {
                        let raw = &line[r.clone()];
                        let name = raw.trim();
                        if name.is_empty() {
                            continue;
                        }
                        let s = off + r.start + (raw.len() - raw.trim_start().len());
                        if last_speaker.as_deref() != Some(name) {
                            // A new speaker starts a new line of the conversation.
                            conv.push_sep(if conv.text.is_empty() { "" } else { "\n" });
                            first_text = false;
                        }
                        last_speaker = Some(name.to_string());
                        labels.push((name.to_string(), s));
                        voice = Some(labels.len() - 1);
                    }
                    Seg::Annotation(r) => annotations.push(off + r.start..off + r.end),
                    Seg::Text(mut r) => {
                        if r.is_empty() {
                            continue;
                        }
                        if first_text {
                            conv.push_sep(if conv.text.is_empty() { "" } else if starts_turn(&line[r.clone()]) { "\n" } else { " " });
                            first_text = false;
                        }
                        if std::mem::take(&mut line_start) {
                            if let Some(label) = turns::label_at(&line[r.clone()]) {
                                turns::push_label(&mut conv, &line[r.clone()], off + r.start, &label);
                                r.start += label.end;
                                if r.is_empty() {
                                    continue;
                                }
                            }
                        }
                        let i = conv.push(&line[r.clone()], off + r.start..off + r.end, Piece { time: Some((cue.start, cue.end)), ..Conversation::piece() });
                        if let Some(v) = voice {
                            spoken_by.push((i, v));
                        }
                    }
                }
            }
            // Lines inside a cue are wrapped text: they join with a space.
            if !first_text {
                conv.push_sep(" ");
            }
        }
    }
    // Voice names go after the cues, one a line as "Name:", so that they are
    // redacted like text without breaking the flow of the words; tag annotations follow.
    let mut label_pieces = Vec::with_capacity(labels.len());
    for (name, s) in &labels {
        conv.push_sep("\n");
        label_pieces.push(conv.push(name, *s..*s + name.len(), Piece { spoken: false, protected: turns::is_role(name), ..Conversation::piece() }));
        conv.push_sep(":");
    }
    for r in annotations {
        push_note(&mut conv, r.start, &input[r]);
    }
    for (piece, label) in spoken_by {
        conv.pieces[piece].speaker = Some(Speaker::Label(label_pieces[label]));
    }
    Ok(conv)
}

/// Whether cue text starts a new turn: "- ", "[doctor]", "Name:".
fn starts_turn(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("- ") || t.starts_with('[') || super::turns::label_len(t).is_some()
}

enum Seg {
    Text(Range<usize>),
    /// A voice tag's annotation: the speaker.
    Voice(Range<usize>),
    /// The classes or annotation of any other tag (`<c.x>`, `<font color="…">`), or a voice tag's classes.
    Annotation(Range<usize>),
}

/// Splits a cue line into text, voice annotations and other tags' classes and
/// annotations; tag names, closing tags, timestamps and `{\…}` codes are dropped.
fn markup(line: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut pos = 0;
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let close = match b[i] {
            b'<' => line[i..].find('>').map(|j| i + j),
            b'{' if line[i..].starts_with("{\\") => line[i..].find('}').map(|j| i + j),
            _ => None,
        };
        let Some(close) = close else {
            i += 1;
            continue;
        };
        if pos < i {
            out.push(Seg::Text(pos..i));
        }
        let tag = &line[i + 1..close];
        if b[i] == b'<' && tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // `<name.class.class annotation>`
            let at = i + 1;
            let name_len = tag.find(|c: char| c == '.' || c.is_whitespace()).unwrap_or(tag.len());
            let classes_len = tag[name_len..].find(char::is_whitespace).unwrap_or(tag.len() - name_len);
            if classes_len > 1 {
                out.push(Seg::Annotation(at + name_len + 1..at + name_len + classes_len));
            }
            let annotation = at + name_len + classes_len..close;
            if &tag[..name_len] == "v" {
                out.push(Seg::Voice(annotation));
            } else if !line[annotation.clone()].trim().is_empty() {
                out.push(Seg::Annotation(annotation));
            }
        }
        pos = close + 1;
        i = close + 1;
    }
    if pos < line.len() {
        out.push(Seg::Text(pos..line.len()));
    }
    out
}

/// A cue's timing line, read.
struct Timing {
    start: f64,
    end: f64,
    /// Bytes of the line after the times that are not cue settings.
    free_text: Vec<Range<usize>>,
}

/// Whether a word after the times is a cue setting: WebVTT `align:start`,
/// `position:10%`, …; SRT coordinates `X1:40`.
fn is_setting(word: &str, format: Format) -> bool {
    let Some((key, value)) = word.split_once(':') else { return false };
    match format {
        Format::Srt => matches!(key, "X1" | "X2" | "Y1" | "Y2" | "x1" | "x2" | "y1" | "y2") && !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()),
        _ => matches!(key, "vertical" | "line" | "position" | "size" | "align" | "region") && !value.is_empty(),
    }
}

/// Parses `start --> end [settings]` into seconds and the free text after the times.
fn timing(line: &str, format: Format) -> Option<Timing> {
    let (a, rest) = line.split_once("-->")?;
    let rest_at = a.len() + 3;
    let mut words = rest.split_whitespace();
    let b = words.next()?;
    let mut free_text: Vec<Range<usize>> = Vec::new();
    let mut after_free = false;
    for w in words {
        let at = rest_at + (w.as_ptr() as usize - rest.as_ptr() as usize);
        if is_setting(w, format) {
            after_free = false;
            continue;
        }
        // Words of free text that follow each other make one piece.
        match free_text.last_mut() {
            Some(last) if after_free => last.end = at + w.len(),
            _ => free_text.push(at..at + w.len()),
        }
        after_free = true;
    }
    Some(Timing { start: timestamp(a.trim(), format)?, end: timestamp(b, format)?, free_text })
}

/// `hh:mm:ss.ttt` or `mm:ss.ttt` (WebVTT), `hh:mm:ss,ttt` (SRT; `.` accepted).
fn timestamp(s: &str, format: Format) -> Option<f64> {
    let (hms, frac) = match format {
        Format::Srt => s.split_once([',', '.'])?,
        _ => s.split_once('.')?,
    };
    if frac.len() != 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [m, s] if format == Format::Vtt => ("0", *m, *s),
        _ => return None,
    };
    let num = |x: &str, max: u64, exact2: bool| -> Option<u64> {
        if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) || (exact2 && x.len() != 2) {
            return None;
        }
        x.parse().ok().filter(|&v| v <= max)
    };
    let h = num(h, u64::MAX / 4000, false)?;
    let m = num(m, 59, true)?;
    let sec = num(sec, 59, true)?;
    let ms: u64 = frac.parse().ok()?;
    Some((h * 3600 + m * 60 + sec) as f64 + ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("00:01:02.500", Format::Vtt), Some(62.5));
        assert_eq!(timestamp("01:02.500", Format::Vtt), Some(62.5));
        assert_eq!(timestamp("00:00:01,000", Format::Srt), Some(1.0));
        for bad in ["00:61:00.000", "00:00:1.000", "00:00:01", "0a:00:01.000", "00:00:01.50"] {
            assert_eq!(timestamp(bad, Format::Vtt), None, "{bad}");
        }
    }

    #[test]
    fn voice_tags() {
        let segs = markup("<v.loud Dr. Smith>Hello <i>there</i>");
        let got: Vec<String> = segs
            .iter()
            .map(|s| match s {
                Seg::Text(r) => format!("T{}", &"<v.loud Dr. Smith>Hello <i>there</i>"[r.clone()]),
                Seg::Voice(r) => format!("V{}", &"<v.loud Dr. Smith>Hello <i>there</i>"[r.clone()]),
                Seg::Annotation(r) => format!("A{}", &"<v.loud Dr. Smith>Hello <i>there</i>"[r.clone()]),
            })
            .collect();
        assert_eq!(got, ["Aloud", "V Dr. Smith", "THello ", "Tthere"]);
    }

    #[test]
    fn tag_classes_annotations_and_timing_text_are_free_text() {
        let line = "<c.someone@example.org>hi</c> <font color=\"red\">x</font><00:00:01.000>{\\an8}";
        let got: Vec<String> = markup(line)
            .iter()
            .map(|s| match s {
                Seg::Text(r) => format!("T{}", &line[r.clone()]),
                Seg::Voice(r) => format!("V{}", &line[r.clone()]),
                Seg::Annotation(r) => format!("A{}", &line[r.clone()]),
            })
            .collect();
        assert_eq!(got, ["Asomeone@example.org", "Thi", "T ", "A color=\"red\"", "Tx"]);
        let free = |line: &str, format| timing(line, format).unwrap().free_text.into_iter().map(|r| line[r].to_string()).collect::<Vec<_>>();
        assert_eq!(free("00:01.000 --> 00:02.000 align:start Zeb Quill position:10% more", Format::Vtt), ["Zeb Quill", "more"]);
        assert_eq!(free("00:00:01,000 --> 00:00:02,000 X1:10 Y1:20", Format::Srt), Vec::<String>::new());
        assert_eq!(free("00:00:01,000 --> 00:00:02,000 Xavier", Format::Srt), ["Xavier"]);
        for id in ["12", "cue-7", "c12", "Line 3", "sub_04"] {
            assert!(is_numbering(id), "{id}");
        }
        for id in ["MRN12345", "Harriet", "intro"] {
            assert!(!is_numbering(id), "{id}");
        }
    }
}
