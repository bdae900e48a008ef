//! The transformer tagger as a detector: names, places, dates, ages and codes
//! that only context reveals. Its spans go to the merge beside the patterns'
//! and dictionaries', which decides overlaps. A span is kept only when the
//! word lists find some evidence for it (`refine_model_span`): the model
//! alone over-tags ordinary words.

use crate::detectors::dictionary::{refine_model_span, DocStyle};
use crate::detectors::{Detector, Document};
use crate::error::{Error, Result};
use crate::ner::NerModel;
use crate::span::{Label, Source, Span};
use std::path::Path;

/// Wraps a loaded [`NerModel`]. `Send + Sync`: one instance serves every worker thread.
pub struct NerDetector {
    model: NerModel,
    /// The span label of each of the model's entity labels.
    labels: Vec<Label>,
}

impl NerDetector {
    /// Loads a tagger directory (`config.json`, `tokenizer.json`, `model.safetensors`).
    pub fn load(dir: &Path) -> Result<NerDetector> {
        NerDetector::new(NerModel::load(dir)?)
    }

    pub fn new(model: NerModel) -> Result<NerDetector> {
        let labels = model
            .config()
            .entity_labels
            .iter()
            .map(|l| Label::parse(l).ok_or_else(|| Error::data(format!("model label {l:?} is not a PHI label"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(NerDetector { model, labels })
    }

    pub fn model(&self) -> &NerModel {
        &self.model
    }
}

impl Detector for NerDetector {
    fn name(&self) -> &'static str {
        "ner"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let style = DocStyle::of(doc.text)?;
        for e in self.model.predict(doc.text)? {
            let label = self.labels[e.label];
            for (start, end) in refine_model_span(doc.text, e.start, e.end, label, e.score, &style)? {
                let mut span = Span::new(start, end, label, e.score, Source::Ner);
                if label == Label::Age {
                    // The policy keeps ages of 89 or less; an age it cannot read is removed.
                    if let Some(years) = read_age(&doc.text[start..end]) {
                        span = span.with_age(years);
                    }
                }
                out.push(span);
            }
        }
        Ok(())
    }
}

/// Reads an age written in digits ("45", "45-year-old") or in words
/// ("forty-five", "ninety two"); `None` when it is neither.
fn read_age(text: &str) -> Option<u32> {
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    const UNITS: [&str; 20] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    let mut total = 0u32;
    let mut any = false;
    for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        let w = word.to_lowercase();
        if let Some(u) = UNITS.iter().position(|x| *x == w) {
            total += u as u32;
        } else if let Some(t) = TENS.iter().position(|x| *x == w) {
            total += 20 + 10 * t as u32;
        } else if w == "hundred" {
            total = total.max(1) * 100;
        } else {
            continue;
        }
        any = true;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::read_age;

    #[test]
    fn ages_in_digits_and_words() {
        assert_eq!(read_age("45"), Some(45));
        assert_eq!(read_age("45-year-old"), Some(45));
        assert_eq!(read_age("forty-five"), Some(45));
        assert_eq!(read_age("Ninety two years"), Some(92));
        assert_eq!(read_age("one hundred and one"), Some(101));
        assert_eq!(read_age("old"), None);
    }
}
