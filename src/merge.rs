//! Overlapping spans resolved once, deterministically: sort, then one sweep.

use crate::span::{Label, Source, Span};
use std::cmp::Ordering;

/// Merges overlapping spans into their union.
///
/// Recall comes first: when two detectors disagree on the extent of an
/// identifier, the union is redacted. The merged span keeps the label,
/// subtype and source of its strongest part (highest score, then the longest,
/// then the first label in `Label` order), so the result does not depend on
/// the order detectors ran in. Spans that merely touch are kept apart.
pub fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| !s.is_empty());
    spans.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(stronger(a, b))
    });
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start < last.end => {
                let end = last.end.max(span.end);
                if stronger(&span, last) == Ordering::Less {
                    *last = Span { start: last.start, end, ..span };
                } else {
                    last.end = end;
                }
            }
            _ => out.push(span),
        }
    }
    out
}

/// `Less` when `a` should win over `b`. The model's spans and the catch-all
/// `ID` yield first: the model's label is a guess from context, while a
/// pattern proved the text an e-mail address or an SSN, so that label names
/// the merged span. (The union is redacted either way.)
fn stronger(a: &Span, b: &Span) -> Ordering {
    let generic = |s: &Span| s.source == Source::Ner || s.label == Label::Id;
    generic(a)
        .cmp(&generic(b))
        .then(b.score.total_cmp(&a.score))
        .then(b.len().cmp(&a.len()))
        .then(a.label.cmp(&b.label))
        .then(a.source.cmp(&b.source))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: usize, end: usize, label: Label, score: f32) -> Span {
        Span::new(start, end, label, score, Source::Pattern)
    }

    #[test]
    fn disjoint_and_touching_spans_stay_apart() {
        let got = merge(vec![s(5, 8, Label::Date, 0.9), s(0, 5, Label::Name, 0.9)]);
        assert_eq!(got, vec![s(0, 5, Label::Name, 0.9), s(5, 8, Label::Date, 0.9)]);
    }

    #[test]
    fn overlap_becomes_union_with_strongest_label() {
        let got = merge(vec![s(0, 10, Label::Name, 0.6), s(4, 14, Label::Location, 0.9)]);
        assert_eq!(got, vec![s(0, 14, Label::Location, 0.9)]);
    }

    #[test]
    fn chains_of_overlaps_collapse() {
        let got = merge(vec![s(0, 4, Label::Id, 0.5), s(3, 7, Label::Id, 0.5), s(6, 9, Label::Mrn, 0.8)]);
        assert_eq!(got, vec![s(0, 9, Label::Mrn, 0.8)]);
    }

    #[test]
    fn a_specific_label_beats_the_catch_all_id() {
        let got = merge(vec![s(0, 12, Label::Id, 0.99), s(0, 12, Label::Phone, 0.6)]);
        assert_eq!(got, vec![s(0, 12, Label::Phone, 0.6)]);
    }

    #[test]
    fn a_pattern_names_what_the_model_also_found() {
        let model = Span::new(0, 20, Label::Name, 0.99, Source::Ner);
        let got = merge(vec![model, s(0, 20, Label::Email, 0.6)]);
        assert_eq!(got, vec![s(0, 20, Label::Email, 0.6)]);
    }

    #[test]
    fn order_of_input_does_not_matter() {
        let a = vec![s(0, 6, Label::Phone, 0.7), s(0, 6, Label::Fax, 0.7), s(2, 3, Label::Id, 0.2)];
        let mut b = a.clone();
        b.reverse();
        assert_eq!(merge(a), merge(b));
    }

    #[test]
    fn empty_spans_are_dropped() {
        assert!(merge(vec![s(3, 3, Label::Name, 1.0)]).is_empty());
    }
}
