//! Values found once are removed wherever they recur in the document.
//!
//! A number named once by its cue ("MRN 00482913") is just as identifying
//! where it is repeated bare, or glued to a word ("a617-555-0199"); a name
//! found after "Dr." is the same name three lines later without the title.
//! A substring search per value (documents hold few values, and building an
//! automaton per document cost more than it saved) finds every other occurrence. Matching is exact and case-sensitive: a name found as
//! "Will" must not take every "will" with it. Values under four letters or
//! digits are left alone, since they recur by chance.

use crate::span::Span;

/// Fewest letters or digits a value needs before its other occurrences are marked.
const MIN_ALNUM: usize = 4;

/// Adds a span (same label, subtype and score as the first find) over every
/// occurrence of a redacted value not already covered. `spans` must be sorted
/// and disjoint; the result may overlap and needs merging again.
pub fn mark_repeats(text: &str, spans: &mut Vec<Span>) {
    let mut values: Vec<&str> = Vec::new();
    let mut sources: Vec<Span> = Vec::new();
    for span in spans.iter() {
        let value = &text[span.start..span.end];
        if value.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_ALNUM && !values.contains(&value) {
            values.push(value);
            sources.push(*span);
        }
    }
    let mut found = Vec::new();
    for (value, source) in values.iter().zip(&sources) {
        for (at, _) in text.match_indices(value) {
            if !covered(spans, at, at + value.len()) {
                found.push(Span { start: at, end: at + value.len(), ..*source });
            }
        }
    }
    spans.extend(found);
}

/// Whether `start..end` lies inside one of the sorted, disjoint `spans`.
fn covered(spans: &[Span], start: usize, end: usize) -> bool {
    let i = spans.partition_point(|s| s.end <= start);
    spans.get(i).is_some_and(|s| s.start <= start && end <= s.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::merge;
    use crate::span::{Label, Source};

    fn at(text: &str, needle: &str, label: Label) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(start, start + needle.len(), label, 0.9, Source::Pattern)
    }

    fn values<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn repeats_are_marked_bare_and_glued() {
        let text = "Cell 617-555-0199; callback a617-555-0199, MRN 00482913 and chart 00482913x";
        let mut spans = vec![at(text, "617-555-0199", Label::Phone), at(text, "00482913", Label::Mrn)];
        mark_repeats(text, &mut spans);
        let spans = merge(spans);
        assert_eq!(values(text, &spans), vec!["617-555-0199", "617-555-0199", "00482913", "00482913"]);
        assert_eq!(spans[1].start, text.rfind("617").unwrap());
        assert_eq!(spans[3].label, Label::Mrn);
    }

    #[test]
    fn matching_is_case_sensitive_and_short_values_stay() {
        let text = "Dr. Will saw Ann. I will call Ann's son.";
        let mut spans = vec![at(text, "Will", Label::Name), at(text, "Ann", Label::Name)];
        mark_repeats(text, &mut spans);
        assert_eq!(values(text, &spans), vec!["Will", "Ann"], "no lower-case 'will', no 3-letter 'Ann' echo");
    }

    #[test]
    fn multibyte_values() {
        let text = "Zoë Ünal … zoë … Zoë Ünal.";
        let mut spans = vec![at(text, "Zoë Ünal", Label::Name)];
        mark_repeats(text, &mut spans);
        let spans = merge(spans);
        assert_eq!(values(text, &spans), vec!["Zoë Ünal", "Zoë Ünal"]);
        assert!(spans.iter().all(|s| text.is_char_boundary(s.start) && text.is_char_boundary(s.end)));
    }
}
