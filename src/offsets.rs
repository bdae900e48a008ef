//! Byte offsets inside, Unicode code points at the edges — converted here, and only here.
//!
//! `regex` and `aho-corasick` report byte offsets; corpora, the CLI and the
//! HTTP API speak code points (Python `str` indices, `labels.md`).

use crate::span::{Label, Source, Span, Subtype};
use serde::{Deserialize, Serialize};

/// Converts byte offsets of one text to code-point offsets and back.
pub struct OffsetMap {
    /// Byte offset of every char start, plus `text.len()`; empty when the text is ASCII.
    char_starts: Vec<usize>,
    len: usize,
}

impl OffsetMap {
    pub fn new(text: &str) -> OffsetMap {
        let char_starts = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect()
        };
        OffsetMap { char_starts, len: text.len() }
    }

    /// The code-point offset of byte offset `byte` (which must be a char boundary).
    pub fn to_char(&self, byte: usize) -> usize {
        if self.char_starts.is_empty() {
            return byte.min(self.len);
        }
        match self.char_starts.binary_search(&byte) {
            Ok(i) => i,
            // Not a boundary: round down to the char holding it.
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte offset of code-point offset `ch`; `None` past the end.
    pub fn to_byte(&self, ch: usize) -> Option<usize> {
        if self.char_starts.is_empty() {
            return (ch <= self.len).then_some(ch);
        }
        self.char_starts.get(ch).copied()
    }

    /// The text's length in code points.
    pub fn char_len(&self) -> usize {
        if self.char_starts.is_empty() {
            self.len
        } else {
            self.char_starts.len() - 1
        }
    }
}

/// A span as users see it in JSON: code-point offsets, label, provenance — no text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpanOut {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<Subtype>,
    pub score: f32,
    pub source: Source,
}

/// Converts spans with byte offsets into `text` to [`SpanOut`]s with code-point offsets.
pub fn spans_to_code_points(text: &str, spans: &[Span]) -> Vec<SpanOut> {
    let map = OffsetMap::new(text);
    spans
        .iter()
        .map(|s| SpanOut {
            start: map.to_char(s.start),
            end: map.to_char(s.end),
            label: s.label,
            subtype: s.subtype,
            score: (s.score * 1000.0).round() / 1000.0,
            source: s.source,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_identity() {
        let m = OffsetMap::new("hello");
        assert_eq!(m.to_char(3), 3);
        assert_eq!(m.to_byte(5), Some(5));
        assert_eq!(m.to_byte(6), None);
        assert_eq!(m.char_len(), 5);
    }

    #[test]
    fn multibyte_round_trip() {
        let text = "Zoë Ünal 😀 x";
        let m = OffsetMap::new(text);
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(m.to_char(bi), ci);
            assert_eq!(m.to_byte(ci), Some(bi));
        }
        assert_eq!(m.to_char(text.len()), text.chars().count());
        assert_eq!(m.char_len(), text.chars().count());
    }

    #[test]
    fn spans_convert_to_code_points() {
        let text = "Zoë called 555-1234";
        let start = text.find("555").unwrap();
        let span = Span::new(start, text.len(), Label::Phone, 0.9, Source::Pattern);
        let out = spans_to_code_points(text, &[span]);
        let chars: Vec<char> = text.chars().collect();
        let got: String = chars[out[0].start..out[0].end].iter().collect();
        assert_eq!(got, "555-1234");
    }
}
