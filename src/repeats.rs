//! Values found once are removed wherever they recur in the document.
//!
//! A number named once by its cue ("MRN 00482913") is just as identifying
//! where it is repeated bare, or glued to a word ("a617-555-0199"); a name
//! found after "Dr." is the same name three lines later without the title.
//! One Aho-Corasick pass over the text finds every occurrence of every value:
//! a substring search per value cost the text's length once per value, which a
//! document of many different values (a table of numbers) made quadratic.
//! Matching is exact and case-sensitive: a name found as "Will" must not take
//! every "will" with it. Values under four letters or digits are left alone,
//! since they recur by chance.

use crate::error::{Error, ErrorKind, Result};
use crate::span::Span;
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::collections::HashSet;

/// Fewest letters or digits a value needs before its other occurrences are marked.
const MIN_ALNUM: usize = 4;

/// Adds a span (same label, subtype and score as the first find) over every
/// occurrence of a redacted value not already covered. `spans` must be sorted
/// and disjoint; the result may overlap and needs merging again. Fails (the document
/// must then count as failed) only if the values outgrow the automaton's limits.
pub fn mark_repeats(text: &str, spans: &mut Vec<Span>) -> Result<()> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut values: Vec<&str> = Vec::new();
    let mut sources: Vec<Span> = Vec::new();
    for span in spans.iter() {
        let value = &text[span.start..span.end];
        if value.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_ALNUM && seen.insert(value) {
            values.push(value);
            sources.push(*span);
        }
    }
    if values.is_empty() {
        return Ok(());
    }
    // A non-contiguous NFA is the quickest to build, which matters for one automaton per document.
    let automaton = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::NoncontiguousNFA))
        .build(&values)
        .map_err(|e| Error::new(ErrorKind::Detector, format!("marking repeated values failed: {e}")))?;
    // Occurrences of one value do not overlap each other (as `str::match_indices`), but
    // may overlap another value's: "Ann Lee" and "Lee Park" both count in "Ann Lee Park".
    let mut next_free = vec![0; values.len()];
    let mut found = Vec::new();
    for m in automaton.find_overlapping_iter(text) {
        let v = m.pattern().as_usize();
        if m.start() < next_free[v] {
            continue;
        }
        next_free[v] = m.end();
        if !covered(spans, m.start(), m.end()) {
            found.push(Span { start: m.start(), end: m.end(), ..sources[v] });
        }
    }
    spans.extend(found);
    Ok(())
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
        mark_repeats(text, &mut spans).unwrap();
        let spans = merge(spans);
        assert_eq!(values(text, &spans), vec!["617-555-0199", "617-555-0199", "00482913", "00482913"]);
        assert_eq!(spans[1].start, text.rfind("617").unwrap());
        assert_eq!(spans[3].label, Label::Mrn);
    }

    #[test]
    fn matching_is_case_sensitive_and_short_values_stay() {
        let text = "Dr. Will saw Ann. I will call Ann's son.";
        let mut spans = vec![at(text, "Will", Label::Name), at(text, "Ann", Label::Name)];
        mark_repeats(text, &mut spans).unwrap();
        assert_eq!(values(text, &spans), vec!["Will", "Ann"], "no lower-case 'will', no 3-letter 'Ann' echo");
    }

    #[test]
    fn multibyte_values() {
        let text = "Zoë Ünal … zoë … Zoë Ünal.";
        let mut spans = vec![at(text, "Zoë Ünal", Label::Name)];
        mark_repeats(text, &mut spans).unwrap();
        let spans = merge(spans);
        assert_eq!(values(text, &spans), vec!["Zoë Ünal", "Zoë Ünal"]);
        assert!(spans.iter().all(|s| text.is_char_boundary(s.start) && text.is_char_boundary(s.end)));
    }

    #[test]
    fn many_distinct_values_are_each_found_again() {
        // One substring search per value: quadratic in a table of numbers (seconds here).
        let values: Vec<String> = (0..30_000).map(|i| (1_000_000 + 7 * i).to_string()).collect();
        let text = format!("{} | {}", values.join(" "), values.join(" "));
        let second = text.find('|').unwrap();
        let mut spans: Vec<Span> = Vec::new();
        let mut at = 0;
        for v in &values {
            spans.push(Span::new(at, at + v.len(), Label::Mrn, 0.9, Source::Pattern));
            at += v.len() + 1;
        }
        mark_repeats(&text, &mut spans).unwrap();
        let spans = merge(spans);
        assert_eq!(spans.len(), 2 * values.len());
        let echoes: Vec<&str> = spans.iter().filter(|s| s.start > second).map(|s| &text[s.start..s.end]).collect();
        assert_eq!(echoes, values.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn values_that_overlap_are_each_marked() {
        let text = "Ann Lee; Lee Park; then Ann Lee Park came";
        let mut spans = vec![at(text, "Ann Lee", Label::Name), Span::new(9, 17, Label::Name, 0.9, Source::Pattern)];
        mark_repeats(text, &mut spans).unwrap();
        let spans = merge(spans);
        assert_eq!(values(text, &spans), vec!["Ann Lee", "Lee Park", "Ann Lee Park"]);
    }
}
