//! The normalised view of a document that every detector reads, with the map back to the
//! original bytes.
//!
//! Identifiers must not slip through characters that look the same or look like nothing:
//! `０７８-０５-１１２０` (full-width digits) and `٠١٢` (Arabic-Indic digits) are numbers, a
//! phone separated by an em-dash or a no-break space is a phone, `Zebu\u{200d}lon` (a
//! zero-width joiner inside) is one word, and `\u{202e}htimS nhoJ` is displayed as
//! "John Smith". So the engine detects on a folded copy of the text and maps every span
//! back onto the original bytes, which the redactor then replaces (the way `tokenizers`'
//! `NormalizedString` keeps its alignments). What is folded:
//!
//! - compatibility forms, one character at a time (NFKC): full-width and mathematical
//!   letters and digits, ligatures, no-break spaces (not fractions, superscripts or
//!   circled numbers: `½` stays `½`);
//! - decimal digits of every script → ASCII digits;
//! - dash punctuation of every kind (en and em dashes, non-breaking and full-width
//!   hyphens) and the minus sign → `-`; space separators → ` `; line and paragraph separators
//!   and the control characters that are white space (VT, FF, NEL) → `\n`;
//! - format characters (zero-width joiners and spaces, soft hyphens, bidirectional
//!   controls, the byte-order mark) and the other control characters (NUL, …) → nothing:
//!   they are invisible, so the reader sees their neighbours side by side;
//! - a right-to-left override (U+202E) up to its pop (U+202C) or the end of the line is
//!   read in both orders: as stored (what a program downstream reads), then, after a line
//!   break, reversed (what a person sees); a span in the reversed copy covers the whole run.
//!
//! Text with none of these (plain ASCII, most Latin text) is not copied.

use crate::span::Span;
use std::borrow::Cow;
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

const RIGHT_TO_LEFT_OVERRIDE: char = '\u{202e}';
const POP_DIRECTIONAL_FORMATTING: char = '\u{202c}';
/// A math symbol, not dash punctuation, but written between digits as a hyphen is.
const MINUS_SIGN: char = '\u{2212}';

/// Whether `c` is written as a hyphen is: dash punctuation or the minus sign.
fn is_dash(c: char) -> bool {
    c == MINUS_SIGN || c.general_category() == GeneralCategory::DashPunctuation
}

/// A document's text as detectors read it, and where each changed piece came from.
pub struct Normalized<'a> {
    text: Cow<'a, str>,
    /// Replaced stretches, in order: `norm` in the folded text came from `orig` in the
    /// original. Between two edits the texts are byte-for-byte equal.
    edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq)]
struct Edit {
    norm: Range<usize>,
    orig: Range<usize>,
}

impl<'a> Normalized<'a> {
    pub fn new(original: &'a str) -> Normalized<'a> {
        if !original.chars().any(needs_folding) {
            return Normalized { text: Cow::Borrowed(original), edits: Vec::new() };
        }
        let mut text = String::with_capacity(original.len());
        let mut edits: Vec<Edit> = Vec::new();
        let mut chars = original.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c != RIGHT_TO_LEFT_OVERRIDE {
                push_folded(c, at, &mut text, &mut edits);
                continue;
            }
            // The run ends at its pop, or at the end of the line (bidi runs never cross one).
            push_folded(c, at, &mut text, &mut edits);
            let mut run = Vec::new();
            let mut end = at + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if d == '\n' {
                    break;
                }
                chars.next();
                push_folded(d, i, &mut text, &mut edits);
                end = i + d.len_utf8();
                if d == POP_DIRECTIONAL_FORMATTING {
                    break;
                }
                run.push(d);
            }
            // Then the run again as a reader sees it, after a line break, standing for the
            // whole run: a program reads the stored order, a person the displayed one.
            let start = text.len();
            text.push('\n');
            for d in run.into_iter().rev() {
                fold(d, &mut text);
            }
            push_edit(&mut edits, start..text.len(), at..end);
        }
        Normalized { text: Cow::Owned(text), edits }
    }

    /// The folded text that detectors read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the folded text is the original itself.
    pub fn is_identity(&self) -> bool {
        self.edits.is_empty()
    }

    /// Spans over the folded text → spans over the original text, covering every original
    /// byte that the folded span came from. Spans in a reversed copy of a right-to-left run
    /// come back out of order, and may overlap others: the caller merges.
    pub fn to_original(&self, spans: Vec<Span>) -> Vec<Span> {
        if self.is_identity() {
            return spans;
        }
        spans
            .into_iter()
            .map(|s| Span { start: self.start_to_original(s.start), end: self.end_to_original(s.end), ..s })
            .collect()
    }

    /// Where a span starting at folded byte `at` starts in the original.
    fn start_to_original(&self, at: usize) -> usize {
        // Only the last edit starting at or before `at` can hold it (an empty one holds nothing).
        let i = self.edits.partition_point(|e| e.norm.start <= at);
        match self.edits[..i].last() {
            Some(e) if at < e.norm.end => e.orig.start,
            _ => self.shift(at, i),
        }
    }

    /// Where a span ending at folded byte `at` (exclusive) ends in the original.
    fn end_to_original(&self, at: usize) -> usize {
        let i = self.edits.partition_point(|e| e.norm.start < at);
        match self.edits[..i].last() {
            Some(e) if at <= e.norm.end && !e.norm.is_empty() => e.orig.end,
            _ => self.shift(at, i),
        }
    }

    /// `at` lies in an unchanged stretch after `edits[..before]`: the same distance from
    /// the last of them in both texts.
    fn shift(&self, at: usize, before: usize) -> usize {
        match self.edits[..before].last() {
            Some(e) => e.orig.end + (at - e.norm.end),
            None => at,
        }
    }
}

/// Appends `c`, found at original byte `at`, as the folded view reads it.
fn push_folded(c: char, at: usize, text: &mut String, edits: &mut Vec<Edit>) {
    if needs_folding(c) {
        let start = text.len();
        fold(c, text);
        push_edit(edits, start..text.len(), at..at + c.len_utf8());
    } else {
        text.push(c);
    }
}

/// Appends the edit, joined to the previous one when the two touch in both texts.
fn push_edit(edits: &mut Vec<Edit>, norm: Range<usize>, orig: Range<usize>) {
    if let Some(last) = edits.last_mut() {
        if last.norm.end == norm.start && last.orig.end == orig.start {
            last.norm.end = norm.end;
            last.orig.end = orig.end;
            return;
        }
    }
    edits.push(Edit { norm, orig });
}

/// Whether `c` reads differently in the folded view.
fn needs_folding(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r');
    }
    if is_dash(c) {
        return true;
    }
    match c.general_category() {
        GeneralCategory::DecimalNumber
        | GeneralCategory::SpaceSeparator
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator
        | GeneralCategory::Format
        | GeneralCategory::Control => true,
        // Fractions, superscripts and circled numbers (`½`, `²`, `①`) are quantities and
        // footnote marks, not the digits of an identifier: folding `½` to `1⁄2` would only
        // make a number out of nothing.
        GeneralCategory::OtherNumber => false,
        // A compatibility form: its NFKC is another string.
        _ => c.nfkc().ne(std::iter::once(c)),
    }
}

/// Writes what `c` reads as.
fn fold(c: char, out: &mut String) {
    if is_dash(c) {
        out.push('-');
        return;
    }
    match c.general_category() {
        GeneralCategory::Format => {}
        GeneralCategory::Control if c.is_whitespace() && !matches!(c, '\t' | '\n' | '\r') => out.push('\n'),
        GeneralCategory::Control if !matches!(c, '\t' | '\n' | '\r') => {}
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => out.push('\n'),
        GeneralCategory::SpaceSeparator => out.push(' '),
        GeneralCategory::DecimalNumber => out.push(decimal_digit(c)),
        _ => {
            for d in c.nfkc() {
                // A compatibility form may decompose into digits or dashes of its own.
                match d.general_category() {
                    GeneralCategory::DecimalNumber => out.push(decimal_digit(d)),
                    GeneralCategory::SpaceSeparator => out.push(' '),
                    _ if is_dash(d) => out.push('-'),
                    _ => out.push(d),
                }
            }
        }
    }
}

/// The ASCII digit of a decimal digit of any script. Unicode encodes every script's
/// decimal digits as a run of ten from its zero; these are the zeros (Unicode 14, the
/// `Nd` characters whose digit value is 0, generated with Python's `unicodedata`).
fn decimal_digit(c: char) -> char {
    const ZEROS: [u32; 66] = [
        0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50,
        0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40,
        0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066,
        0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950,
        0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
        0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
    ];
    let code = c as u32;
    let i = ZEROS.partition_point(|&z| z <= code);
    match i.checked_sub(1).map(|i| code - ZEROS[i]) {
        Some(value @ 0..=9) => char::from(b'0' + value as u8),
        // A digit newer than this table: leave it as it is.
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Label, Source};

    /// The original text covered by the folded text's first match of `needle`.
    fn original_of<'t>(text: &'t str, needle: &str) -> &'t str {
        let view = Normalized::new(text);
        let start = view.text().find(needle).unwrap_or_else(|| panic!("{needle:?} not in {:?}", view.text()));
        let span = Span::new(start, start + needle.len(), Label::Id, 1.0, Source::Rule);
        let mapped = view.to_original(vec![span])[0];
        &text[mapped.start..mapped.end]
    }

    #[test]
    fn plain_text_is_not_copied() {
        let view = Normalized::new("Call 617-555-0199, Zoë.");
        assert!(view.is_identity());
        assert!(matches!(view.text, Cow::Borrowed(_)));
    }

    #[test]
    fn digits_of_every_script_become_ascii() {
        assert_eq!(Normalized::new("０７８-０５-１１２０").text(), "078-05-1120");
        assert_eq!(Normalized::new("٠١٢٣ ۴۵۶ ७८९").text(), "0123 456 789");
        assert_eq!(Normalized::new("𝟏𝟐𝟑").text(), "123");
        assert_eq!(original_of("SSN ０７８-０５-１１２０.", "078-05-1120"), "０７８-０５-１１２０");
    }

    #[test]
    fn dashes_and_spaces_of_every_kind_become_ascii() {
        assert_eq!(Normalized::new("617\u{2014}555\u{2013}0199").text(), "617-555-0199");
        assert_eq!(Normalized::new("617\u{2011}555\u{2212}0199").text(), "617-555-0199");
        assert_eq!(Normalized::new("617\u{a0}555\u{202f}0199").text(), "617 555 0199");
        assert_eq!(Normalized::new("line\u{2028}next").text(), "line\nnext");
    }

    #[test]
    fn invisible_characters_are_dropped_and_spans_cover_them() {
        let text = "Zebu\u{200d}lon Quacken\u{200b}bush";
        assert_eq!(Normalized::new(text).text(), "Zebulon Quackenbush");
        assert_eq!(original_of(text, "Zebulon Quackenbush"), text);
        assert_eq!(Normalized::new("078\u{0}05\u{0}1120").text(), "078051120");
        assert_eq!(Normalized::new("\u{feff}Ann\u{ad}abel").text(), "Annabel");
    }

    #[test]
    fn white_space_controls_break_lines() {
        assert_eq!(Normalized::new("Ann\u{b}Lee\u{c}Bo\u{85}Yu").text(), "Ann\nLee\nBo\nYu");
    }

    #[test]
    fn a_right_to_left_override_is_read_as_stored_and_as_displayed() {
        // Stored reversed, displayed "John Smith".
        let text = "Patient \u{202e}htimS nhoJ\u{202c} seen today";
        let view = Normalized::new(text);
        assert_eq!(view.text(), "Patient htimS nhoJ\nJohn Smith seen today");
        // The reversed copy stands for the whole run, override and pop included.
        assert_eq!(original_of(text, "John Smith"), "\u{202e}htimS nhoJ\u{202c}");
        assert_eq!(original_of(text, "htimS"), "htimS");
        assert_eq!(original_of(text, "seen"), "seen");
        // Stored in reading order, displayed reversed: a program downstream still reads it.
        assert_eq!(original_of("Dr. \u{202e}Maria Gonzalez", "Maria Gonzalez"), "Maria Gonzalez");
        // Without a pop, the run ends with the line.
        assert_eq!(Normalized::new("\u{202e}eoD\nnext").text(), "eoD\nDoe\nnext");
    }

    #[test]
    fn compatibility_forms_fold() {
        assert_eq!(Normalized::new("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｏｒｇ").text(), "john@example.org");
        assert_eq!(Normalized::new("ﬁle").text(), "file");
        // Quantities written with number forms stay whole.
        assert!(Normalized::new("½ tab, 5 cm², ① first").is_identity());
        // Canonical letters with diacritics stay as they are.
        assert!(Normalized::new("José Zoë").is_identity());
    }

    #[test]
    fn offsets_after_edits_shift_back() {
        let text = "a\u{200d}b ０1 tail";
        let view = Normalized::new(text);
        assert_eq!(view.text(), "ab 01 tail");
        assert_eq!(original_of(text, "tail"), "tail");
        assert_eq!(original_of(text, "01"), "０1");
        assert_eq!(original_of(text, "ab"), "a\u{200d}b");
    }

    #[test]
    fn mapped_spans_lie_on_character_boundaries() {
        let text = "x\u{200d}\u{202e}٣٢١\u{202c}—０ｙ\u{a0}end";
        let view = Normalized::new(text);
        let n = view.text().len();
        for s in 0..=n {
            for e in s..=n {
                if !view.text().is_char_boundary(s) || !view.text().is_char_boundary(e) || s == e {
                    continue;
                }
                let m = view.to_original(vec![Span::new(s, e, Label::Id, 1.0, Source::Rule)])[0];
                assert!(m.start <= m.end && m.end <= text.len(), "{s}..{e} → {}..{}", m.start, m.end);
                assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end), "{s}..{e}");
            }
        }
    }
}
