//! WebVTT and SRT: cues with times, parsed strictly (a broken timestamp is an
//! error naming its line), their text gathered into one conversation.
//!
//! Cue text is split at markup (`<i>`, `<c.x>`, `<00:00:01.000>`, `{\an8}`):
//! only the text between tags is redactable. A WebVTT voice tag
//! (`<v Dr. Smith>`) names the speaker: a change of speaker starts a new line
//! of the conversation, and the names themselves are appended after the cues,
//! one a line as "Dr. Smith:", so the detectors see them without breaking the
//! flow of words; a name found there is redacted inside the tag, a role name
//! (`Doctor`, `Patient`, `Speaker 1`) never is. Consecutive cues otherwise join with a space, so a number
//! said across two cues reads as one. NOTE blocks are redacted as text;
//! STYLE and REGION blocks and cue identifiers are kept as they are.

use super::{lines, Conversation, Format, Piece, Speaker};
use crate::error::{Error, Result};

/// Parses a VTT or SRT document into its conversation.
pub fn parse(input: &str, format: Format) -> Result<Conversation> {
    let all = lines(input);
    let mut i = 0;
    let mut conv = Conversation::default();
    let err = |line: usize, what: &str| Error::input(format!("line {}: {what}", line + 1));
    if format == Format::Vtt {
        let first = all.first().map(|l| l.1.trim_start_matches('\u{feff}')).unwrap_or("");
        let ok = first.strip_prefix("WEBVTT").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
        if !ok {
            return Err(err(0, "a WebVTT file must start with WEBVTT"));
        }
        // The header runs to the first blank line.
        while i < all.len() && !all[i].1.trim().is_empty() {
            i += 1;
        }
    }
    let mut last_speaker: Option<String> = None;
    let mut labels: Vec<(String, usize)> = Vec::new();
    let mut spoken_by: Vec<(usize, usize)> = Vec::new();
    let mut cues = 0;
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
        if format == Format::Vtt && (first == "NOTE" || first.starts_with("NOTE ") || first.starts_with("NOTE\t")) {
            conv.push_sep("\n");
            let (off, line) = block[0];
            let body = line[4..].trim_start();
            if !body.is_empty() {
                let s = off + line.len() - body.len();
                conv.push(body, s..s + body.len(), Piece { spoken: false, ..Conversation::piece() });
            }
            for &(off, line) in &block[1..] {
                conv.push_sep("\n");
                conv.push(line, off..off + line.len(), Piece { spoken: false, ..Conversation::piece() });
            }
            conv.push_sep("\n");
            last_speaker = None;
            continue;
        }
        if format == Format::Vtt && (first.starts_with("STYLE") || first.starts_with("REGION")) && cues == 0 {
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
            _ => return Err(err(block_start, "cue without a timing line (expected `start --> end`)")),
        };
        let line_no = block_start + timing_at;
        let (start, end_t) = timing(block[timing_at].1, format).ok_or_else(|| err(line_no, "invalid cue timing (expected `hh:mm:ss.ttt --> hh:mm:ss.ttt`)"))?;
        if end_t < start {
            return Err(err(line_no, "cue ends before it starts"));
        }
        cues += 1;
        let mut first_text = true;
        let mut voice: Option<usize> = None;
        for &(off, line) in &block[timing_at + 1..] {
            if line.contains("-->") {
                return Err(err(block_start, "cue text contains `-->` (a missing blank line between cues?)"));
            }
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
                    Seg::Text(r) => {
                        if r.is_empty() {
                            continue;
                        }
                        if first_text {
                            conv.push_sep(if conv.text.is_empty() { "" } else if starts_turn(&line[r.clone()]) { "\n" } else { " " });
                            first_text = false;
                        }
                        let i = conv.push(&line[r.clone()], off + r.start..off + r.end, Piece { time: Some((start, end_t)), ..Conversation::piece() });
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
    // redacted like text without breaking the flow of the words.
    let mut label_pieces = Vec::with_capacity(labels.len());
    for (name, s) in &labels {
        conv.push_sep("\n");
        label_pieces.push(conv.push(name, *s..*s + name.len(), Piece { spoken: false, protected: super::turns::is_role(name), ..Conversation::piece() }));
        conv.push_sep(":");
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
    Text(std::ops::Range<usize>),
    Voice(std::ops::Range<usize>),
}

/// Splits a cue line into text and the annotation of voice tags; other tags are dropped.
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
        if let Some(rest) = tag.strip_prefix('v').filter(|r| r.starts_with([' ', '.', '\t'])) {
            // `<v.loud Dr. Smith>`: skip the classes, keep the annotation.
            let ann = rest.find([' ', '\t']).map_or(rest.len(), |k| k);
            let from = i + 2 + ann;
            out.push(Seg::Voice(from..close));
        }
        pos = close + 1;
        i = close + 1;
    }
    if pos < line.len() {
        out.push(Seg::Text(pos..line.len()));
    }
    out
}

/// Parses `start --> end [settings]` into seconds.
fn timing(line: &str, format: Format) -> Option<(f64, f64)> {
    let (a, rest) = line.split_once("-->")?;
    let b = rest.split_whitespace().next()?;
    if format == Format::Srt && rest.trim_start().len() > b.len() && !rest.trim_start()[b.len()..].trim().starts_with(['X', 'x']) {
        return None;
    }
    Some((timestamp(a.trim(), format)?, timestamp(b, format)?))
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
            })
            .collect();
        assert_eq!(got, ["V Dr. Smith", "THello ", "Tthere"]);
    }
}
