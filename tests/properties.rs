//! Properties that hold for any input: spans lie on character boundaries, in
//! order and disjoint, and the redacted text contains none of the values removed.

use deid::{Config, Engine};
use proptest::prelude::*;
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(Config::default()).unwrap());

/// Text mixing identifier-like pieces, multi-byte characters and noise.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Dr. Maria Gonzalez ".to_string()),
        Just("617-555-0199 ".to_string()),
        Just("jane.roe@example.org ".to_string()),
        Just("SSN 321-54-9876 ".to_string()),
        Just("March 3, 2024 ".to_string()),
        Just("MRN: 00482913 ".to_string()),
        Just("Zoë Ünal 😀 ".to_string()),
        Just("4417 Birchwood Lane ".to_string()),
        "[a-zA-Z0-9 ,.:/@()-]{0,12}",
        "\\PC{0,6}",
        // What the normalised view folds: other scripts' and full-width digits, dashes,
        // no-break spaces, zero-width and bidirectional controls, NUL.
        "[\u{0660}-\u{0669}\u{ff10}-\u{ff19}\u{2010}-\u{2015}\u{2212}\u{a0}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{0}\u{feff}]{1,4}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn cases() -> u32 {
    std::env::var("DEID_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200)
}

proptest! {
    // 200 cases in the test suite; DEID_PROPTEST_CASES raises the budget for a longer run.
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn spans_are_sorted_disjoint_and_on_char_boundaries(t in text()) {
        let spans = ENGINE.detect(&t).unwrap();
        for s in &spans {
            prop_assert!(s.start < s.end && s.end <= t.len());
            prop_assert!(t.is_char_boundary(s.start) && t.is_char_boundary(s.end));
        }
        for w in spans.windows(2) {
            prop_assert!(w[0].end <= w[1].start);
        }
    }

    #[test]
    fn redacted_text_holds_none_of_the_removed_values(t in text()) {
        let out = ENGINE.redact(&t).unwrap();
        for s in &out.spans {
            let value = &t[s.start..s.end];
            // Values too short or made of placeholder-like characters could occur by chance.
            if value.chars().filter(|c| c.is_alphanumeric()).count() >= 4 && !value.contains(['[', ']']) {
                prop_assert!(!out.text.contains(value), "a removed value is still in the output");
            }
        }
    }
}
