//! Detectors: each finds candidate identifiers of a few kinds and reports spans.
//!
//! One trait, many engines (as ripgrep's `Matcher`, Presidio's
//! `EntityRecognizer`): patterns with validation and context, dictionaries,
//! and later the NER model, all behind [`Detector`]. The engine runs them all
//! and merges what they report (`crate::merge`).

use crate::error::Result;
use crate::span::Span;

pub mod address;
pub mod checksum;
pub mod contact;
pub mod date_shape;
pub mod dates;
pub mod dictionary;
pub mod identifiers;
pub mod spoken;
pub mod spoken_numbers;
pub mod ner;

/// A document as detectors see it. Today it is the text alone; normalised views
/// (lower-cased, spoken forms with offset maps) will hang off it.
#[derive(Clone, Copy)]
pub struct Document<'a> {
    pub text: &'a str,
}

impl<'a> Document<'a> {
    pub fn new(text: &'a str) -> Document<'a> {
        Document { text }
    }
}

/// Finds identifiers in a document.
///
/// Implementations push spans with **byte** offsets into `doc.text` that lie
/// on character boundaries, never empty. They may report overlapping spans
/// and spans of exempt subtypes (a state, a bare year): the merge and the
/// Safe Harbor policy decide what stays.
pub trait Detector: Send + Sync {
    /// A short stable name (`"phone"`, `"date"`, `"names"`), used in reports.
    fn name(&self) -> &'static str;

    /// Appends the spans found in `doc` to `out`.
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()>;
}

/// The pattern detectors (regular expressions with validation and context).
pub fn pattern_detectors() -> Vec<Box<dyn Detector>> {
    let mut all = Vec::new();
    all.extend(contact::detectors());
    all.extend(identifiers::detectors());
    all.extend(dates::detectors());
    all.extend(address::detectors());
    all.extend(spoken::detectors());
    all
}

/// The dictionary detectors (names, places, hospitals), built from the data bundled in the binary.
pub fn dictionary_detectors() -> Result<Vec<Box<dyn Detector>>> {
    dictionary::detectors()
}
