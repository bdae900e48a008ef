//! Whether a number written in digits can be a calendar date.
//!
//! Why: clinical notes are full of numbers joined by slashes and dashes that are
//! readings, not dates — blood pressures (`112/59`), blood gases (`7.41/27/162`),
//! ventilator settings (`600/12/40`, `PSV 10/5`), ranges (`RR 18-24`) and doses — and
//! the tagger, which learnt dates from conversations, takes many of them (and bare
//! numbers like `40`) for dates. A date written in digits has a calendar's shape:
//! a month of 1–12, a day of 1–31, a year of two or four digits, in one of the
//! orders people write (`7/22`, `7/22/19`, `2019-07-22`, `3/02` for a month and
//! year, `'84` for a year). A number without that shape is no date, however sure
//! the model; nor is a pair right after the name of a measurement (`BP 90/40`).

/// The byte range of the whole number written around `start..end`: digits with the
/// separators `/`, `-`, `.` and `:` between them ("8" of "8/3" grows to "8/3").
pub fn numeric_token(text: &str, start: usize, end: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let joins = |i: usize| matches!(b[i], b'/' | b'-' | b'.' | b':');
    // A date is at most ten characters: growing further only finds a longer reading, so the
    // walk stops after `MAX_GROWTH` bytes each way (a long run of digits costs no more).
    const MAX_GROWTH: usize = 16;
    let (mut s, mut e) = (start, end);
    while s > 0 && start - s < MAX_GROWTH && (b[s - 1].is_ascii_digit() || s >= 2 && joins(s - 1) && b[s - 2].is_ascii_digit()) {
        s -= 1;
    }
    while e < b.len() && e - end < MAX_GROWTH && (b[e].is_ascii_digit() || e + 1 < b.len() && joins(e) && b[e + 1].is_ascii_digit()) {
        e += 1;
    }
    (s, e)
}

/// Whether `token` (digits and separators only, as [`numeric_token`] returns) is
/// shaped like a calendar date. `apostrophe`: the number carries a year's
/// apostrophe (`'84`, `74'`).
pub fn calendar_shaped(token: &str, apostrophe: bool) -> bool {
    let seps: Vec<u8> = token.bytes().filter(|b| !b.is_ascii_digit()).collect();
    let parts: Vec<&str> = token.split(['/', '-', '.', ':']).collect();
    if parts.iter().any(|p| p.is_empty()) || seps.windows(2).any(|w| w[0] != w[1]) {
        return false; // "7.38-33-169": mixed separators are a reading
    }
    let value = |p: &str| p.parse::<u32>().ok();
    let month = |p: &str| p.len() <= 2 && value(p).is_some_and(|v| (1..=12).contains(&v));
    let day = |p: &str| p.len() <= 2 && value(p).is_some_and(|v| (1..=31).contains(&v));
    let year = |p: &str| p.len() == 2 || p.len() == 4 && value(p).is_some_and(|v| (1900..=2099).contains(&v));
    let long_year = |p: &str| p.len() == 4 && year(p);
    match (parts.as_slice(), seps.first()) {
        ([p], None) => long_year(p) || apostrophe && p.len() == 2,
        // ':' joins a clock time and '.' a decimal: neither is a date in two parts.
        ([_, _], Some(b':' | b'.')) => false,
        // "7/22", "3/02" (month and year), "11/2019"
        ([a, b], Some(_)) => month(a) && (day(b) || year(b)),
        ([_, _, _], Some(b':')) => false,
        // "7/22/19", "07-22-2019", "22.7.2019", "2019-07-22"
        ([a, b, c], Some(_)) => month(a) && day(b) && year(c) || day(a) && month(b) && year(c) || long_year(a) && month(b) && day(c),
        _ => false,
    }
}

/// Names of measurements whose values are written as numbers joined by slashes or
/// dashes: vital signs, ventilator settings and blood gases (`BP 90/40`, `PEEP 5/10`,
/// `RR 18-24`). A number right after one is its value.
const MEASUREMENTS: &[&str] = &[
    "bp", "sbp", "dbp", "nbp", "abp", "map", "hr", "rr", "pulse", "temp", "sat", "sats", "spo2", "o2", "fio2", "ps", "psv",
    "peep", "cpap", "bipap", "ipap", "epap", "simv", "imv", "tv", "vt", "abg", "abgs", "vbg", "cvp", "pap", "pas", "pcwp",
    "ci", "co", "svr", "icp", "cpp", "gcs", "inr", "ptt", "wbc", "hct", "hgb", "plt", "glucose", "fs", "fsbs", "bs",
];

/// Whether the word right before byte `at` on its line (past spaces, `:` and `=`) names a measurement.
pub fn after_measurement(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t', ':', '=']);
    // Counted in bytes: an ASCII letter or digit is never part of a multi-byte character, so
    // this lands on a character boundary whatever precedes the word ('😀BP', 'Zoë 617').
    let word_start = before.len() - before.bytes().rev().take_while(u8::is_ascii_alphanumeric).count();
    let word = before[word_start..].to_ascii_lowercase();
    !word.is_empty() && MEASUREMENTS.contains(&word.as_str())
}

/// The dates of a model's date span that names no month or holiday (the caller
/// checks that): each number in it grown to its whole written number and kept
/// when it has a calendar's shape. A day written as an ordinal ("the 3rd") is kept
/// as it stands; a time of day ("8pm", "4:00 pm") and a plural number ("the 50s",
/// "60's", a reading in the sixties) are not dates. `None` when the span holds no digit.
pub fn numeric_dates(text: &str, start: usize, end: usize) -> Option<Vec<(usize, usize)>> {
    let span = &text[start..end];
    if !span.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = Vec::new();
    let mut at = start;
    for chunk in span.split(char::is_whitespace) {
        let (s, e) = (at, at + chunk.len());
        at = e + 1;
        let Some(first) = chunk.find(|c: char| c.is_ascii_digit()) else { continue };
        let (ts, te) = numeric_token(text, s + first, s + first + 1);
        let after = &text[te..];
        let suffix: String = after.chars().take_while(char::is_ascii_alphabetic).collect::<String>().to_ascii_lowercase();
        if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th") && text[ts..te].bytes().all(|b| b.is_ascii_digit()) {
            out.push((ts, te + 2)); // "the 3rd"
            continue;
        }
        let unit = after.trim_start_matches(' ').to_ascii_lowercase();
        // "8pm", "4:00 pm" are times; "8/27 pm" is a date and a part of its day.
        let clock = !text[ts..te].contains(['/', '-']);
        let time = clock && ["am", "pm", "a.m", "p.m"].iter().any(|u| unit.starts_with(u) && !unit[u.len()..].starts_with(|c: char| c.is_ascii_alphabetic()));
        let plural = suffix == "s" || after.starts_with("'s") || after.starts_with("\u{2019}s");
        let apostrophe = text[..ts].ends_with(['\'', '\u{2019}']) || after.starts_with(['\'', '\u{2019}']) && !plural;
        let kept = !time && !plural && calendar_shaped(&text[ts..te], apostrophe) && !after_measurement(text, ts) && !clock_time(text, ts, te);
        if kept && !out.contains(&(ts, te)) {
            out.push((ts, te));
        }
    }
    Some(out)
}

/// "@ 1900", "at 0330", "until 2200": four digits after a word of clock time are a time of day.
pub fn clock_time(text: &str, start: usize, end: usize) -> bool {
    let token = &text[start..end];
    if token.len() != 4 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let before = text[..start].trim_end().trim_end_matches('.');
    let word = before.rsplit(|c: char| !c.is_ascii_alphabetic() && c != '@').next().unwrap_or("").to_ascii_lowercase();
    matches!(word.as_str(), "@" | "at" | "approx" | "approximately" | "around" | "until" | "till" | "by") || before.ends_with('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str, span: &str) -> Vec<String> {
        let start = text.find(span).unwrap();
        numeric_dates(text, start, start + span.len()).unwrap().into_iter().map(|(s, e)| text[s..e].to_string()).collect()
    }

    #[test]
    fn dates_in_digits_keep_their_whole_number() {
        assert_eq!(dates("extubated 7/22 in the morning", "7/22"), ["7/22"]);
        assert_eq!(dates("seen on 10/14/82 by the team", "14/82"), ["10/14/82"], "a piece grows to the whole date");
        assert_eq!(dates("started on 8/3, held on 8/5", "8"), ["8/3"]);
        assert_eq!(dates("ovarian cancer (12/93) treated", "12/93"), ["12/93"], "month and year");
        assert_eq!(dates("surgery 2019-07-22 done", "2019-07-22"), ["2019-07-22"]);
        assert_eq!(dates("cabg '84 and avr", "84"), ["84"], "a year with its apostrophe");
        assert_eq!(dates("stroke 74' with no deficit", "74"), ["74"]);
        assert_eq!(dates("moved here in 1998 with family", "1998"), ["1998"]);
        assert_eq!(dates("Hct 3.3 3/25 after transfusion", "3 3/25"), ["3/25"], "only the date of the span");
    }

    #[test]
    fn readings_and_bare_numbers_are_no_dates() {
        for (text, span) in [
            ("blood pressure 112/59 this morning", "112/59"),
            ("gas 7.41/27/162 on room air", "41/27/162"),
            ("vent on 600/12/40 overnight", "600/12/40"),
            ("gas 7.38-33-169 after the change", "38-33-169"),
            ("given 40 of lasix", "40"),
            ("walked 15 feet", "15"),
            ("weight 81.5 today", "81"),
            ("returned at 10:30 sharp", "10:30"),
            ("up to 90/40 after a bolus", "40"),
            ("breathing 18-24 per minute", "18-24"),
        ] {
            assert!(dates(text, span).is_empty(), "{span} in {text:?}");
        }
    }

    #[test]
    fn a_pair_after_a_measurement_name_is_its_value() {
        assert!(dates("weaned to PSV 10/5 with good gases", "10/5").is_empty());
        assert!(dates("BP: 11/7 on the machine", "11/7").is_empty());
        assert!(dates("RR 10-22, sats fine", "10-22").is_empty());
        assert_eq!(dates("admitted 10/5 with pneumonia", "10/5"), ["10/5"]);
    }

    #[test]
    fn a_multi_byte_character_before_the_word_is_no_panic() {
        assert!(after_measurement("\u{1F600}BP 90/40", "\u{1F600}BP ".len()), "the word after an emoji");
        assert!(!after_measurement("Zo\u{eb} 617-555-0199", "Zo\u{eb} ".len()));
        assert!(!after_measurement("\u{ffca}SSN 321-54-9876", "\u{ffca}SSN ".len()));
        assert!(dates("\u{1F600}BP 10/5 today", "10/5").is_empty());
    }

    #[test]
    fn four_digits_after_a_clock_word_are_a_time() {
        assert!(dates("daughter arriving @ 1900 tonight", "1900").is_empty());
        assert!(dates("asleep at 2200 per family", "2200").is_empty());
        assert_eq!(dates("married in 1962 in Ohio", "1962"), ["1962"]);
    }

    #[test]
    fn times_of_day_and_plural_numbers_are_no_dates_but_ordinal_days_are() {
        for (text, span) in [("slept from 12am to 5am", "12am"), ("given at 4:00 pm today", "4:00 pm"), ("heart rate in the 50-60s overnight", "50-60s"), ("pressures in the 90's", "90's")] {
            assert!(dates(text, span).is_empty(), "{span} in {text:?}");
        }
        assert_eq!(dates("up since 10:30am 8/23 without help", "10:30am 8/23"), ["8/23"]);
        assert_eq!(dates("tube removed 8/27 pm by the team", "8/27"), ["8/27"], "a date and a part of its day");
        assert_eq!(dates("the appointment is on the 3rd", "3rd"), ["3rd"]);
    }

    #[test]
    fn spans_without_digits_are_left_to_other_checks() {
        assert_eq!(numeric_dates("on March the third", 3, 18), None);
    }
}
