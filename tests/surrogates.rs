//! Properties of surrogate output (issue #18): no identifier removed comes back, the same key
//! and input give the same bytes, another key other fakes, and a group's dates keep their
//! intervals in days. Invented values only.

use deid::redact::redact_in_group;
use deid::surrogate::SurrogateKey;
use deid::{Config, Engine, Label, PlaceholderStyle, Source, Span};
use proptest::prelude::*;
use std::sync::LazyLock;
use time::{Date, Month};

fn config(key: &[u8]) -> Config {
    Config {
        placeholder: PlaceholderStyle::Surrogate,
        surrogate_key: Some(SurrogateKey::new(key).unwrap()),
        ner: false,
        ..Config::default()
    }
}

static ENGINE_A: LazyLock<Engine> = LazyLock::new(|| Engine::new(config(b"first invented key for tests")).unwrap());
static ENGINE_A2: LazyLock<Engine> = LazyLock::new(|| Engine::new(config(b"first invented key for tests")).unwrap());
static ENGINE_B: LazyLock<Engine> = LazyLock::new(|| Engine::new(config(b"another invented key, long")).unwrap());

/// Notes made of invented identifiers of every kind between filler words.
fn note() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Dr. Ottilie Brambleworth saw the patient. ".to_string()),
        Just("Mr. Brambleworth called back. ".to_string()),
        Just("Call 413-862-7731 or (413) 862-7731. ".to_string()),
        Just("Email quill.jasper@fastmail.net please. ".to_string()),
        Just("SSN 219-09-9999 on file. ".to_string()),
        Just("MRN: 00482913 ".to_string()),
        Just("Seen on March 3, 2021 and 4/14/2021. ".to_string()),
        Just("Lives at 4417 Birchwood Lane, Framingham, MA 01701. ".to_string()),
        Just("NPI 1234567893 ".to_string()),
        Just("Visit https://www.quillfamily.net/photos today. ".to_string()),
        Just("IP 73.12.200.4 logged. ".to_string()),
        Just("JASPER QUILL signed. ".to_string()),
        "[a-z ]{0,12}",
    ];
    prop::collection::vec(piece, 1..8).prop_map(|v| v.concat())
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// Whether `needle` occurs in `hay` with no letter or digit right before or after it.
fn occurs_as_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, m)| {
        let before = hay[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = hay[i + m.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_identifier_removed_survives(t in note()) {
        let out = ENGINE_A.redact(&t).unwrap();
        let text = fold(&out.text);
        for s in &out.spans {
            let value = fold(&t[s.start..s.end]);
            if s.label == Label::Age || value.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
                continue;
            }
            prop_assert!(!occurs_as_word(&text, &value), "a {} value survives at bytes {}..{}", s.label, s.start, s.end);
        }
    }

    #[test]
    fn same_key_same_bytes_other_key_other_fakes(t in note()) {
        let a = ENGINE_A.redact(&t).unwrap();
        prop_assert_eq!(&a.text, &ENGINE_A2.redact(&t).unwrap().text);
        let b = ENGINE_B.redact(&t).unwrap();
        if a.spans.iter().any(|s| matches!(s.label, Label::Name | Label::Phone | Label::Email | Label::Ssn | Label::Mrn)) {
            prop_assert_ne!(&a.text, &b.text);
        }
    }

    #[test]
    fn a_groups_dates_keep_their_intervals(
        days in prop::collection::vec(0i64..20_000, 2..6),
        styles in prop::collection::vec(0usize..3, 6),
        group in "[a-z0-9]{1,8}",
    ) {
        let base = Date::from_calendar_date(1960, Month::January, 1).unwrap();
        let dates: Vec<Date> = days.iter().map(|d| base + time::Duration::days(*d)).collect();
        let config = config(b"first invented key for tests");
        // Each date in its own document of the same group, in one of three formats.
        let shifted: Vec<Date> = dates
            .iter()
            .zip(&styles)
            .map(|(d, style)| {
                let written = write(*d, *style);
                let text = format!("Seen {written}.");
                let span = Span::new(5, 5 + written.len(), Label::Date, 1.0, Source::Pattern);
                let (out, ranges) = redact_in_group(&config, &text, &[span], Some(&group));
                read(&out[ranges[0].clone()], *style)
            })
            .collect();
        for (i, j) in [(0, 1), (0, dates.len() - 1), (1, dates.len() - 1)] {
            prop_assert_eq!((dates[j] - dates[i]).whole_days(), (shifted[j] - shifted[i]).whole_days());
        }
        prop_assert_ne!(dates[0], shifted[0]);
    }
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn write(d: Date, style: usize) -> String {
    let m = u8::from(d.month());
    match style {
        0 => format!("{}-{m:02}-{:02}", d.year(), d.day()),
        1 => format!("{m}/{}/{}", d.day(), d.year()),
        _ => format!("{} {}, {}", MONTHS[usize::from(m) - 1], d.day(), d.year()),
    }
}

fn read(s: &str, style: usize) -> Date {
    let n: Vec<i32> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).map(|p| p.parse().unwrap()).collect();
    let (y, m, d) = match style {
        0 => (n[0], n[1] as u8, n[2] as u8),
        1 => (n[2], n[0] as u8, n[1] as u8),
        _ => {
            let month = MONTHS.iter().position(|m| s.starts_with(m)).unwrap_or_else(|| panic!("no month in {s}")) as u8 + 1;
            (n[1], month, n[0] as u8)
        }
    };
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap_or_else(|_| panic!("not a date: {s}"))
}

#[test]
fn groups_share_fakes_and_other_groups_differ() {
    let config = config(b"first invented key for tests");
    let text = "Ottilie Brambleworth, seen 2021-03-03.";
    let spans = [Span::new(0, 20, Label::Name, 1.0, Source::Rule), Span::new(27, 37, Label::Date, 1.0, Source::Pattern)];
    let (a, _) = redact_in_group(&config, text, &spans, Some("patient-1"));
    let (again, _) = redact_in_group(&config, text, &spans, Some("patient-1"));
    let (b, _) = redact_in_group(&config, text, &spans, Some("patient-2"));
    assert_eq!(a, again);
    assert_ne!(a, b);
    assert!(!a.contains("Brambleworth") && !a.contains("2021-03-03"), "{a}");
}

#[test]
fn without_a_key_a_document_is_still_consistent() {
    let config = Config { surrogate_key: None, ..config(b"unused invented key, long") };
    let text = "Ottilie Brambleworth came; Brambleworth left.";
    let spans = [Span::new(0, 20, Label::Name, 1.0, Source::Rule), Span::new(27, 39, Label::Name, 1.0, Source::Rule)];
    let (out, ranges) = redact_in_group(&config, text, &spans, None);
    let full = &out[ranges[0].clone()];
    assert_eq!(full.split(' ').nth(1), Some(&out[ranges[1].clone()]), "{out}");
}
