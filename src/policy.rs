//! The Safe Harbor policy: which detected spans must go, which may stay.
//!
//! Detection finds what looks like an identifier; this decides. A state, a
//! country, a bare year, a relative date ("two weeks ago") and an age of 89
//! or less are not PHI under 45 CFR 164.514(b)(2) and stay in the text.

use crate::config::Config;
use crate::span::{Label, Span};

/// Ages above this are PHI and collapse to "90 or older".
pub const MAX_UNPROTECTED_AGE: u32 = 89;

/// Whether Safe Harbor requires this span to be removed (before configuration).
pub fn is_required(span: &Span) -> bool {
    if span.subtype.is_some_and(|s| s.is_exempt()) {
        return false;
    }
    !(span.label == Label::Age && span.age.is_some_and(|a| a <= MAX_UNPROTECTED_AGE))
}

/// Keeps the spans that must be redacted under `config`: above the threshold,
/// required by Safe Harbor, and not of a label the configuration keeps.
pub fn apply(config: &Config, spans: &mut Vec<Span>) {
    spans.retain(|s| s.score >= config.threshold && is_required(s) && !config.keep_labels.contains(&s.label));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Source, Subtype};

    fn span(label: Label) -> Span {
        Span::new(0, 4, label, 0.9, Source::Pattern)
    }

    #[test]
    fn exempt_subtypes_stay() {
        for st in [Subtype::State, Subtype::Country, Subtype::Year, Subtype::RelativeDate] {
            assert!(!is_required(&span(Label::Location).with_subtype(st)));
        }
        assert!(is_required(&span(Label::Location).with_subtype(Subtype::Zip)));
        assert!(is_required(&span(Label::Date).with_subtype(Subtype::Birth)));
    }

    #[test]
    fn ages_over_89_go() {
        assert!(!is_required(&span(Label::Age).with_age(89)));
        assert!(is_required(&span(Label::Age).with_age(90)));
        assert!(is_required(&span(Label::Age)), "an age the detector could not read is removed");
    }

    #[test]
    fn apply_honours_threshold_and_kept_labels() {
        let config = Config { keep_labels: vec![Label::Date], ..Config::default() };
        let mut spans = vec![
            span(Label::Name),
            Span { score: 0.1, ..span(Label::Name) },
            span(Label::Date),
            span(Label::Age).with_age(45),
        ];
        apply(&config, &mut spans);
        assert_eq!(spans, vec![span(Label::Name)]);
    }
}
