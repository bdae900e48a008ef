//! Identifiers written with characters that look the same, or look like nothing, are found and
//! redacted whole (issue #13, finding 1): the engine detects on a normalised view of the text
//! (`deid::normalize`) and redacts the original bytes. Every sentence here is invented.

use deid::{Config, Engine};
use std::sync::LazyLock;

/// The default pipeline, model included, built once for the whole file.
static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(Config::default()).expect("default engine"));

/// Redacts `text` and checks that none of `secrets` (nor any of their digits in a row) is left.
fn leaves_none_of(text: &str, secrets: &[&str]) -> String {
    let out = ENGINE.redact(text).expect("redact").text;
    for secret in secrets {
        assert!(!out.contains(secret), "{secret:?} survived in {out:?}");
    }
    out
}

#[test]
fn full_width_digits() {
    let out = leaves_none_of(
        "SSN ０７８-０５-１１２０, call (６１７) ５５５-０１９９, MRN: ４４８１２０９",
        &["０７８", "１１２０", "６１７", "０１９９", "４４８１２０９"],
    );
    assert_eq!(out, "SSN [SSN], call [PHONE], MRN: [MRN]");
}

#[test]
fn digits_of_other_scripts() {
    // Arabic-Indic and Devanagari digits.
    let out = leaves_none_of(
        "Date of birth ٠٣/١٤/١٩٥٢, phone ६१७-५५५-०१९९.",
        &["٠٣/١٤", "١٩٥٢", "६१७", "०१९९"],
    );
    assert!(out.contains("[DATE]") && out.contains("[PHONE]"), "{out}");
}

#[test]
fn ages_and_zip_codes_in_full_width_digits() {
    let out = leaves_none_of("She is ９４ years old and lives in ZIP ０２１３９.", &["９４", "０２１３９"]);
    assert!(out.contains("90 or older"), "{out}");
}

#[test]
fn phones_with_unusual_separators() {
    for sep in ["\u{2014}", "\u{2013}", "\u{a0}", "\u{2212}", "\u{2011}"] {
        let text = format!("Call her at 617{sep}555{sep}0199 tomorrow.");
        let out = leaves_none_of(&text, &["617", "0199"]);
        assert_eq!(out, "Call her at [PHONE] tomorrow.", "separator U+{:04X}", sep.chars().next().unwrap() as u32);
    }
    // Zero-width joiners beside ordinary hyphens.
    leaves_none_of("Call her at 617\u{200d}-555-\u{200d}0199 tomorrow.", &["617", "0199"]);
}

#[test]
fn a_name_with_zero_width_joiners_is_redacted_whole() {
    let text = "Patient Zebu\u{200d}lon Quacken\u{200d}bush was seen today.";
    let out = leaves_none_of(text, &["Zebu", "lon", "Quacken", "bush"]);
    assert_eq!(out, "Patient [NAME] was seen today.");
}

#[test]
fn an_ssn_with_control_characters_for_hyphens() {
    let out = leaves_none_of("SSN 078\u{0}05\u{0}1120 on file.", &["078", "1120"]);
    assert_eq!(out, "SSN [SSN] on file.");
}

#[test]
fn a_name_inside_a_right_to_left_override() {
    // Stored reversed; a reader sees "Seen by John Smith today."
    let out = leaves_none_of("Seen by \u{202e}htimS nhoJ\u{202c} today.", &["htimS", "nhoJ"]);
    assert_eq!(out, "Seen by [NAME] today.");
}

#[test]
fn full_width_email_address() {
    let out = leaves_none_of("Write to ｊｏｈｎ．ｄｏｅ＠ｅｘａｍｐｌｅ．ｏｒｇ today.", &["ｊｏｈｎ", "ｅｘａｍｐｌｅ"]);
    assert_eq!(out, "Write to [EMAIL] today.");
}

#[test]
fn spans_are_offsets_into_the_original_text() {
    let text = "MRN: ４４８１２０９ and Zebu\u{200d}lon Quacken\u{200d}bush";
    let spans = ENGINE.detect(text).unwrap();
    let found: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
    assert!(found.contains(&"４４８１２０９"), "{found:?}");
    assert!(found.contains(&"Zebu\u{200d}lon Quacken\u{200d}bush"), "{found:?}");
}
