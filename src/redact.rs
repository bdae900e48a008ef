//! The redactor: one left-to-right pass that replaces each span with its placeholder.

use crate::config::{Config, PlaceholderStyle};
use crate::span::{Label, Span, Subtype};
use crate::surrogate::Surrogates;
use std::collections::HashMap;
use std::ops::Range;

/// What Safe Harbor's aggregated age category is written as.
pub const AGE_OVER_89: &str = "90 or older";

/// Rewrites `text` with every span replaced. `spans` must be sorted and disjoint
/// (the output of `merge`), with byte offsets on character boundaries.
pub fn redact(config: &Config, text: &str, spans: &[Span]) -> String {
    redact_in_group(config, text, spans, None).0
}

/// [`redact`] within a group (a patient id: surrogates and date offsets are shared by the
/// group's documents; `None` is the whole corpus), also returning where each span's
/// replacement lies in the output (byte ranges, one per span, in order).
pub fn redact_in_group(config: &Config, text: &str, spans: &[Span], group: Option<&str>) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(text.len());
    let mut numbers = Numbering::default();
    let mut surrogates = (config.placeholder == PlaceholderStyle::Surrogate).then(|| Surrogates::new(config, text, spans, group));
    let mut ranges = Vec::with_capacity(spans.len());
    let mut pos = 0;
    for span in spans {
        debug_assert!(span.start >= pos && span.end <= text.len());
        out.push_str(&text[pos..span.start]);
        let value = &text[span.start..span.end];
        let start = out.len();
        match surrogates.as_mut() {
            Some(s) => out.push_str(&s.replace(span, value)),
            None => out.push_str(&replacement(config, span, value, &mut numbers)),
        }
        ranges.push(start..out.len());
        pos = span.end;
    }
    out.push_str(&text[pos..]);
    (out, ranges)
}

fn replacement(config: &Config, span: &Span, value: &str, numbers: &mut Numbering) -> String {
    if span.label == Label::Age {
        return AGE_OVER_89.to_string();
    }
    if config.keep_zip3 && span.label == Label::Location {
        if let Some(zip3) = us_zip3(span, value) {
            let restricted = config.restricted_zip3.iter().any(|r| r == zip3);
            return format!("{}XX", if restricted { "000" } else { zip3 });
        }
    }
    let tag = match config.placeholder {
        PlaceholderStyle::Label => span.label.as_str().to_string(),
        PlaceholderStyle::Numbered => format!("{}_{}", span.label, numbers.number(span.label, value)),
        PlaceholderStyle::Surrogate => unreachable!("surrogates are written by crate::surrogate"),
    };
    match (config.keep_year && span.label == Label::Date).then(|| year_in(value)).flatten() {
        Some(year) => format!("[{tag} {year}]"),
        None => format!("[{tag}]"),
    }
}

/// The ZIP3 of a five-digit US ZIP (optionally ZIP+4) span.
fn us_zip3<'a>(span: &Span, value: &'a str) -> Option<&'a str> {
    let b = value.as_bytes();
    let five = b.len() >= 5 && b[..5].iter().all(u8::is_ascii_digit);
    let plus4 = b.len() == 5 || (b.len() == 10 && b[5] == b'-' && b[6..].iter().all(u8::is_ascii_digit));
    (span.subtype == Some(Subtype::Zip) && five && plus4).then(|| &value[..3])
}

/// A four-digit year (1800–2199) standing alone inside a date's text.
fn year_in(value: &str) -> Option<&str> {
    value
        .split(|c: char| !c.is_ascii_digit())
        .find(|d| d.len() == 4 && matches!(&d[..2], "18" | "19" | "20" | "21"))
}

/// Numbers values per label in order of first appearance, case- and space-insensitively.
#[derive(Default)]
struct Numbering {
    seen: HashMap<(Label, String), usize>,
    next: HashMap<Label, usize>,
}

impl Numbering {
    fn number(&mut self, label: Label, value: &str) -> usize {
        let key = (label, value.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase());
        if let Some(&n) = self.seen.get(&key) {
            return n;
        }
        let n = self.next.entry(label).or_insert(0);
        *n += 1;
        self.seen.insert(key, *n);
        *n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Source;

    fn at(text: &str, needle: &str, label: Label) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(start, start + needle.len(), label, 0.9, Source::Pattern)
    }

    #[test]
    fn label_placeholders() {
        let text = "Call Ann at 555-1234.";
        let spans = [at(text, "Ann", Label::Name), at(text, "555-1234", Label::Phone)];
        assert_eq!(redact(&Config::default(), text, &spans), "Call [NAME] at [PHONE].");
    }

    #[test]
    fn numbered_placeholders_reuse_numbers_for_the_same_value() {
        let text = "Ann met Bob; ann left.";
        let spans = [Span::new(0, 3, Label::Name, 1.0, Source::Rule), at(text, "Bob", Label::Name), Span::new(13, 16, Label::Name, 1.0, Source::Rule)];
        let config = Config { placeholder: PlaceholderStyle::Numbered, ..Config::default() };
        assert_eq!(redact(&config, text, &spans), "[NAME_1] met [NAME_2]; [NAME_1] left.");
    }

    #[test]
    fn ages_collapse_to_ninety_or_older() {
        let text = "a 93 year old";
        assert_eq!(redact(&Config::default(), text, &[at(text, "93", Label::Age)]), "a 90 or older year old");
    }

    #[test]
    fn zip3_is_kept_unless_restricted() {
        let config = Config::default();
        let text = "Boston 02139 and 03601";
        let spans = [
            at(text, "02139", Label::Location).with_subtype(Subtype::Zip),
            at(text, "03601", Label::Location).with_subtype(Subtype::Zip),
        ];
        assert_eq!(redact(&config, text, &spans), "Boston 021XX and 000XX");
        let off = Config { keep_zip3: false, ..Config::default() };
        assert_eq!(redact(&off, text, &spans), "Boston [LOCATION] and [LOCATION]");
    }

    #[test]
    fn year_kept_only_when_asked() {
        let text = "seen March 3, 2021";
        let spans = [at(text, "March 3, 2021", Label::Date)];
        assert_eq!(redact(&Config::default(), text, &spans), "seen [DATE]");
        let keep = Config { keep_year: true, ..Config::default() };
        assert_eq!(redact(&keep, text, &spans), "seen [DATE 2021]");
    }

    #[test]
    fn surrogates_replace_each_span_and_report_where_it_went() {
        let text = "Tell Mr. Quillfeather at 413-862-7731 on 3/3/21.";
        let spans = [
            at(text, "Quillfeather", Label::Name),
            at(text, "413-862-7731", Label::Phone),
            at(text, "3/3/21", Label::Date),
        ];
        let key = crate::surrogate::SurrogateKey::new(b"a redact test key, long enough").unwrap();
        let config = Config { placeholder: PlaceholderStyle::Surrogate, surrogate_key: Some(key), ..Config::default() };
        let (out, ranges) = redact_in_group(&config, text, &spans, Some("p1"));
        assert!(out.starts_with("Tell Mr. ") && out.ends_with('.'), "{out}");
        assert!(!out.contains("Quillfeather") && !out.contains("862-7731") && !out.contains("3/3/21"), "{out}");
        assert_eq!(&out[ranges[1].clone()][3..], "-555-01".to_string() + &out[ranges[1].clone()][10..]);
        assert!(out[ranges[2].clone()].split('/').count() == 3);
        assert_eq!(redact_in_group(&config, text, &spans, Some("p1")).0, out, "same key, same group: same output");
    }

    #[test]
    fn multibyte_text_around_spans() {
        let text = "Zoë → Ünal";
        let spans = [at(text, "Zoë", Label::Name), at(text, "Ünal", Label::Name)];
        assert_eq!(redact(&Config::default(), text, &spans), "[NAME] → [NAME]");
    }
}
