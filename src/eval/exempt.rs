//! Which gold spans Safe Harbor requires removed (`labels.md`), and reading ages.
//!
//! Gold subtypes are kept as the corpus writes them (strings), not as
//! [`crate::span::Subtype`]: corpora use `RELATIVE` both for a relative's name
//! and a relative date, and transcripts put the age itself in `AGE`'s subtype.
//! The exemption is therefore decided on the (label, subtype) pair.

use crate::span::Label;

/// Ages above this are PHI (labels.md, §C).
pub const MAX_EXEMPT_AGE: u32 = crate::policy::MAX_UNPROTECTED_AGE;

/// Whether a gold span counts for recall: its label is one of the 18 and the
/// Safe Harbor nuance does not exempt it. An `AGE` whose value cannot be read
/// is required: when in doubt, the harness counts the span (fails closed).
pub fn is_required(label: Label, subtype: Option<&str>, age: Option<u32>) -> bool {
    match (label, subtype) {
        (Label::Location, Some("STATE" | "COUNTRY")) => false,
        (Label::Date, Some("YEAR" | "RELATIVE" | "RELATIVE_DATE")) => false,
        (Label::Age, _) => age.is_none_or(|a| a > MAX_EXEMPT_AGE),
        _ => true,
    }
}

/// The age an `AGE` span states, from (in order) its numeric `value`, a
/// numeric `subtype` (transcripts write the age there), or its text: the
/// first run of digits ("93", "40s") or spoken number words ("ninety-three").
pub fn read_age(value: Option<u32>, subtype: Option<&str>, text: &str) -> Option<u32> {
    if value.is_some() {
        return value;
    }
    if let Some(n) = subtype.and_then(|s| s.trim().parse::<u32>().ok()) {
        return Some(n);
    }
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    spoken_number(text)
}

/// Reads an English number said in words: "ninety-three", "ninety one",
/// "a hundred and two", "forties" (→ 40). Hedges ("early", "mid", "late")
/// are skipped; any other word makes the text unreadable (`None`).
pub fn spoken_number(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()).collect();
    let mut total: u32 = 0;
    let mut any = false;
    for (i, w) in words.iter().enumerate() {
        let w = *w;
        if let Some(n) = small(w) {
            total = total.checked_add(n)?;
        } else if let Some(n) = tens(w) {
            total = total.checked_add(n)?;
        } else if let Some(n) = decade(w) {
            total = total.checked_add(n)?;
        } else if w == "hundred" {
            total = total.max(1).checked_mul(100)?;
        } else if w == "a" && words.get(i + 1) == Some(&"hundred") {
            total = total.checked_add(1)?;
            continue;
        } else if matches!(w, "and" | "early" | "mid" | "late") {
            continue;
        } else {
            return None;
        }
        any = true;
    }
    any.then_some(total)
}

fn small(w: &str) -> Option<u32> {
    const WORDS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    WORDS.iter().position(|x| *x == w).map(|i| i as u32)
}

fn tens(w: &str) -> Option<u32> {
    const WORDS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    WORDS.iter().position(|x| *x == w).map(|i| 20 + 10 * i as u32)
}

fn decade(w: &str) -> Option<u32> {
    const WORDS: [&str; 8] =
        ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"];
    WORDS.iter().position(|x| *x == w).map(|i| 20 + 10 * i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exempt_pairs_follow_labels_md() {
        assert!(!is_required(Label::Location, Some("STATE"), None));
        assert!(!is_required(Label::Location, Some("COUNTRY"), None));
        assert!(is_required(Label::Location, Some("CITY"), None));
        assert!(!is_required(Label::Date, Some("YEAR"), None));
        assert!(!is_required(Label::Date, Some("RELATIVE"), None));
        assert!(is_required(Label::Date, Some("BIRTH"), None));
        // RELATIVE is a relative's name under NAME: required.
        assert!(is_required(Label::Name, Some("RELATIVE"), None));
        assert!(!is_required(Label::Age, None, Some(89)));
        assert!(is_required(Label::Age, None, Some(90)));
        assert!(is_required(Label::Age, None, None), "an unreadable age counts");
        assert!(is_required(Label::Phone, None, None));
    }

    #[test]
    fn ages_read_from_value_subtype_or_text() {
        assert_eq!(read_age(Some(60), Some("60"), "Six"), Some(60), "value wins over the text");
        assert_eq!(read_age(None, Some("52"), "fifty two"), Some(52));
        assert_eq!(read_age(None, None, "93"), Some(93));
        assert_eq!(read_age(None, None, "40s"), Some(40));
        assert_eq!(read_age(None, None, "ninety-three"), Some(93));
        assert_eq!(read_age(None, None, "Ninety one"), Some(91));
        assert_eq!(read_age(None, None, "a hundred and two"), Some(102));
        assert_eq!(read_age(None, None, "mid nineties"), Some(90));
        assert_eq!(read_age(None, None, "old"), None);
        assert_eq!(read_age(None, Some("OTHER"), "eighty nine"), Some(89));
    }
}
