//! Dates (every element but the year) and ages over 89.
//!
//! Three regular expressions find date candidates — numeric (`03/14/2021`,
//! `2021-09-30 11:34:35`, `14.03.2021`), month names (`April 12, 2023`,
//! `the 3rd of March`, `March 2021`, "in march") and day ordinals
//! (`on the 24th`) — and small pure functions decide which are dates:
//! plausible month and day, no dosage or score around, the modal "may" and the
//! verb "march" told apart from the months by their neighbours. A fourth finds
//! ages (`93-year-old`, `aged 95`, "she's ninety three").
//!
//! Bare years and relative expressions ("two weeks ago") are not PHI and are
//! not reported. Word boundaries are ASCII (`(?-u:\b)`) so the regexes stay on
//! the fast DFA path whatever the text holds.

use super::{Detector, Document};
use crate::context::{window_after, window_before, Cues};
use crate::error::Result;
use crate::span::{Label, Source, Span, Subtype};
use regex::Regex;
use std::sync::LazyLock;

/// The detectors of this module, ready to run.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(DateDetector), Box::new(AgeDetector)]
}

/// Compiles a pattern with ASCII word boundaries (fast on any text).
fn compile(pattern: &str) -> Regex {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("date patterns are valid")
}

// ---------------------------------------------------------------------------
// Pattern fragments
// ---------------------------------------------------------------------------

/// A month name or abbreviation (the optional period follows the `\b`).
const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// A weekday, full or abbreviated.
const WEEKDAY: &str = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)";

/// A day of the month in digits, with an optional ordinal suffix.
const DAY_NUM: &str = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?";

/// A day of the month as an ordinal word ("third", "twenty-fifth", "thirty first").
const DAY_WORD: &str = r"(?:(?:twenty|thirty)[\s-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)";

/// A year after a day or month: four digits or an apostrophe and two.
const YEAR: &str = r"(?:1[89][0-9]{2}|20[0-9]{2}|['’][0-9]{2})";

/// Numeric dates: `a SEP b [SEP c] [time]`. Separators and ranges are checked
/// in [`numeric_date`], since the regex crate has no back-references.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?x)
        \b(?P<a>[0-9]{1,4})(?P<s1>[/.-])(?P<b>[0-9]{1,2})
        (?: (?P<s2>[/.-])(?P<c>[0-9]{2,4}) )?
        # a time of day after a full date: 2000-04-16 11:34:35, 3/14/21 10:30 pm, 2021-09-30T08:15
        (?: (?P<isotime> T [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:\.[0-9]+)? )\b
          | \b(?P<time> \s+ [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:\.[0-9]+)? (?:\s*[ap]\.?m\b\.?)? )? )",
    )
});

/// Dates written with a month name, and month names alone (validated in code).
static MONTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?xi)
        # day first: 12 March 2021, the 3rd of March, 12-Mar-21, Tuesday 3 March
        (?: (?P<wd1>\b{WEEKDAY}\b\.?,?\s+)? (?:\bthe\s+)?
            \b(?P<d1>{DAY_NUM}|{DAY_WORD})\b (?:\s+of)? [\s-]+
            (?P<m1>{MONTH})\b\.?
            (?: (?:,?[\s-]*|\s+of\s+) (?P<y1>{YEAR})\b )? )
        # month first: April 12, 2023; May 30th, 2022; Jan 9th '23; Sept. 3; Tuesday, March 3
      | (?: (?P<wd2>\b{WEEKDAY}\b\.?,?\s+)?
            \b(?P<m2>{MONTH})\b\.?\s*(?:the\s+)?
            (?P<d2>(?:{DAY_NUM}|{DAY_WORD}))\b
            (?: ,?\s*(?P<y2>{YEAR})\b )? )
        # month and year: March 2021, March of 2021, Jul '21
      | (?: \b(?P<m3>{MONTH})\b\.?,?\s+(?:of\s+)? (?P<y3>{YEAR})\b )
        # a month alone: in march, since April
      | (?: \b(?P<m4>{MONTH})\b )"
    ))
});

/// A day of the month alone: "on the 24th", "by the third", "the 3rd."
static ORDINAL_DAY: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?xi)
        (?: \b(?P<cue>on|by|since|until|till|from|after|before|through|starting|around|for|of)\s+ )?
        \bthe\s+ (?P<d>[0-9]{{1,2}}(?:st|nd|rd|th)|{DAY_WORD})\b"
    ))
});

/// Holidays pin a calendar date.
static HOLIDAY: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?xi)\b(?:thanksgiving|christmas(?:\s+(?:eve|day))?|new\s+year'?s(?:\s+(?:eve|day))?|halloween
        |independence\s+day|memorial\s+day|labor\s+day|valentine'?s\s+day)\b",
    )
});

/// "last", "next" or "this" right before a month alone.
static LAST_NEXT: LazyLock<Regex> = LazyLock::new(|| compile(r"(?i)\b(?:last|next|this)\s+$"));

/// Cues that make a date a birth date.
static BIRTH_CUES: LazyLock<Cues> =
    LazyLock::new(|| Cues::new(&["dob", "d.o.b", "date of birth", "birth date", "birthdate", "born", "birthday"]));

// ---------------------------------------------------------------------------
// The date detector
// ---------------------------------------------------------------------------

struct DateDetector;

impl Detector for DateDetector {
    fn name(&self) -> &'static str {
        "date"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        let mut push = |start: usize, end: usize, score: f32| {
            let subtype = if BIRTH_CUES.before(text, start, 25) { Subtype::Birth } else { Subtype::Other };
            out.push(Span::new(start, end, Label::Date, score, Source::Pattern).with_subtype(subtype));
        };

        if text.bytes().any(|b| b.is_ascii_digit()) {
            for c in NUMERIC.captures_iter(text) {
                let m = c.get(0).expect("group 0");
                let s2 = c.name("s2").map(|s| s.as_str());
                let parts = NumericParts {
                    a: &c["a"],
                    s1: &c["s1"],
                    b: &c["b"],
                    s2,
                    c: c.name("c").map(|c| c.as_str()),
                };
                let core_end = if c.name("isotime").is_some() { m.end() } else { c.name("c").or(c.name("b")).map_or(m.end(), |x| x.end()) };
                if !numeric_boundaries_ok(text, m.start(), core_end) {
                    continue;
                }
                match numeric_date(&parts) {
                    NumericKind::Full => {
                        let end = if c.name("time").is_some() || c.name("isotime").is_some() { m.end() } else { c.name("c").map_or(m.end(), |x| x.end()) };
                        push(m.start(), end, 0.9);
                    }
                    NumericKind::Partial => {
                        let end = c.name("b").map_or(m.end(), |x| x.end());
                        if partial_date_context_ok(text, m.start(), end) {
                            push(m.start(), end, 0.7);
                        }
                    }
                    NumericKind::No => {}
                }
            }
        }

        for c in MONTH_DATE.captures_iter(text) {
            let m = c.get(0).expect("group 0");
            let month = ["m1", "m2", "m3", "m4"].iter().find_map(|g| c.name(g)).expect("one month group");
            let mut start = m.start();
            let end = m.end();
            if c.name("m4").is_some() {
                if month_alone_is_date(text, month.start(), month.end()) {
                    // "last December" names one month: the qualifier goes too
                    let qualifier = LAST_NEXT.find(window_before(text, month.start(), 6)).map_or(0, |q| q.len());
                    push(month.start() - qualifier, month.end(), 0.75);
                }
                continue;
            }
            // "the 3rd of March": the article stays
            if let Some(d1) = c.name("d1") {
                start = d1.start();
            }
            if !month_word_is_date(text, month.start(), month.end(), end) {
                // "may 5 be" or "dec 10 mg": keep the day-first part out too
                continue;
            }
            // A day written as a word is only a date next to the month it modifies.
            if let Some(wd) = c.name("wd1").or(c.name("wd2")) {
                start = start.min(wd.start());
            }
            if c.name("m2").is_some() && followed_by_unit(text, end) && c.name("y2").is_none() {
                continue;
            }
            push(start, end, 0.9);
        }

        if text.contains("the") || text.contains("THE") || text.contains("The") {
            for c in ORDINAL_DAY.captures_iter(text) {
                let d = c.name("d").expect("day group");
                if ordinal_day_is_date(text, c.name("cue").is_some(), d.as_str(), d.end()) {
                    push(d.start(), d.end(), 0.7);
                }
            }
        }

        for m in HOLIDAY.find_iter(text) {
            push(m.start(), m.end(), 0.6);
        }
        Ok(())
    }
}

/// The pieces of a numeric date candidate.
struct NumericParts<'a> {
    a: &'a str,
    s1: &'a str,
    b: &'a str,
    s2: Option<&'a str>,
    c: Option<&'a str>,
}

#[derive(Debug, PartialEq)]
enum NumericKind {
    /// Day, month and year.
    Full,
    /// Month and day only (`03/14`): a date only in the right context.
    Partial,
    No,
}

/// Whether a month and a day are plausible.
fn plausible(month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day) && !(month == 2 && day > 29) && !(matches!(month, 4 | 6 | 9 | 11) && day > 30)
}

/// Whether a four-digit number is a year a clinical date may hold.
fn plausible_year(y: &str) -> bool {
    match y.len() {
        2 => true,
        4 => y.parse::<u32>().is_ok_and(|y| (1800..=2100).contains(&y)),
        _ => false,
    }
}

/// Classifies a numeric candidate: `2021-09-30`, `3/14/21`, `14.03.2021`, `03/14`.
fn numeric_date(p: &NumericParts<'_>) -> NumericKind {
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (a, b) = (num(p.a), num(p.b));
    match (p.s2, p.c) {
        (Some(s2), Some(c)) => {
            if s2 != p.s1 {
                return NumericKind::No;
            }
            if p.a.len() == 4 {
                // year first: 2021-09-30, 2021/9/30
                let ok = plausible_year(p.a) && c.len() <= 2 && plausible(b, num(c));
                return if ok { NumericKind::Full } else { NumericKind::No };
            }
            if p.a.len() > 2 || !plausible_year(c) {
                return NumericKind::No;
            }
            // 1.2.10 is a version; a dotted date with a short year is written in full: 14.03.21
            if p.s1 == "." && c.len() == 2 && (p.a.len() != 2 || p.b.len() != 2) {
                return NumericKind::No;
            }
            if plausible(a, b) || plausible(b, a) {
                NumericKind::Full
            } else {
                NumericKind::No
            }
        }
        (None, None) if p.s1 == "/" && p.a.len() <= 2 && plausible(a, b) => NumericKind::Partial,
        _ => NumericKind::No,
    }
}

/// Whether a numeric candidate stands alone: not part of a longer number,
/// an IP address, a version (`v1.2.10`) or a phone number.
fn numeric_boundaries_ok(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let before2 = text[..start].chars().rev().nth(1);
    if before.is_some_and(|ch| ch.is_alphanumeric() || ch == '_') {
        return false;
    }
    if before.is_some_and(|ch| matches!(ch, '/' | '.' | '-' | ':' | ',') ) && before2.is_some_and(|ch| ch.is_ascii_digit()) {
        return false;
    }
    let mut after = text[end..].chars();
    match (after.next(), after.next()) {
        (Some(ch), _) if ch.is_alphanumeric() => false,
        (Some('/' | '.' | '-' | ':' | ','), Some(d)) if d.is_ascii_digit() => false,
        (Some('%'), _) => false,
        _ => true,
    }
}

/// Words after `03/14` that make it a score, a fraction or a ratio.
const NOT_DATE_AFTER: &[&str] = &[
    "strength", "tablet", "tablets", "tab", "tabs", "pill", "pills", "of", "dose", "doses", "mg", "ml", "cup",
    "cups", "power", "scale", "pain", "score", "times", "x", "teaspoon", "tsp", "inch", "inches", "mile",
    "miles", "reflexes", "motor", "on", "in", "units", "ratio", "odds", "chance", "hpf", "lpf", "cells",
];

/// Words right before `03/14` that make it a measurement rather than a date.
const NOT_DATE_BEFORE: &[&str] = &[
    "bp", "pressure", "scored", "score", "strength", "grade", "graded", "rated", "power", "take", "takes",
    "taking", "took", "reflexes", "vision", "acuity", "ratio", "pain", "was", "is", "of", "about", "approximately",
];

/// Words before a partial date that announce one.
const PARTIAL_DATE_CUES: &[&str] = &[
    "on", "since", "from", "dated", "date", "until", "till", "through", "thru", "by", "seen", "visit", "after",
    "before", "starting", "started", "effective", "between", "to", "and", "dos", "admitted", "discharged",
    "returned", "scheduled", "last", "next",
];

/// The lower-cased word just before byte `at` (skipping spaces and a colon).
fn word_before(text: &str, at: usize) -> String {
    let w = window_before(text, at, 24);
    let trimmed = w.trim_end_matches(|c: char| c.is_whitespace() || c == ':' || c == ',');
    let word: String = trimmed.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '\'' || *c == '-').collect();
    word.chars().rev().collect::<String>().to_lowercase()
}

/// The lower-cased word just after byte `at` (skipping spaces).
fn word_after(text: &str, at: usize) -> String {
    let w = window_after(text, at, 24);
    let trimmed = w.trim_start_matches(char::is_whitespace);
    trimmed.chars().take_while(|c| c.is_alphanumeric() || *c == '\'').collect::<String>().to_lowercase()
}

/// Whether a partial date (`03/14`) has date context and no measurement context.
fn partial_date_context_ok(text: &str, start: usize, end: usize) -> bool {
    let after = word_after(text, end);
    let before = word_before(text, start);
    if NOT_DATE_AFTER.contains(&after.as_str()) || NOT_DATE_BEFORE.contains(&before.as_str()) {
        return false;
    }
    PARTIAL_DATE_CUES.contains(&before.as_str()) || BIRTH_CUES.before(text, start, 25)
}

/// Units after "dec 10" or "mar 3" that make the month abbreviation something else.
fn followed_by_unit(text: &str, at: usize) -> bool {
    let w = window_after(text, at, 8).trim_start();
    if w.starts_with('%') {
        return true;
    }
    const UNITS: &[&str] = &["mg", "mcg", "ml", "g", "kg", "lb", "lbs", "units", "cm", "mm", "times", "x", "hours", "days", "weeks", "minutes", "points"];
    UNITS.contains(&word_after(text, at).as_str())
}

/// Words that follow the modal "may" ("may be", "may have", "may I").
const MODAL_MAY_AFTER: &[&str] = &[
    "be", "have", "not", "also", "need", "want", "help", "cause", "require", "take", "i", "we", "you", "he",
    "she", "they", "it", "still", "even", "well", "just", "only", "lead", "result", "increase", "decrease",
    "continue", "experience", "feel", "develop", "get", "go", "come", "use", "benefit", "consider", "indicate",
    "represent", "reflect", "see", "notice", "do", "make", "worsen", "improve", "contribute", "affect", "become",
];

/// Words before "may" that make it the modal verb ("you may", "this may").
const MODAL_MAY_BEFORE: &[&str] = &[
    "i", "you", "we", "they", "he", "she", "it", "this", "that", "which", "who", "there", "what", "these",
    "those", "patient", "patients", "symptoms", "pain", "and", "or", "but", "one", "someone", "doctor",
];

/// Particles after the verb "march" ("march forward", "march on").
const VERB_MARCH_AFTER: &[&str] =
    &["forward", "ahead", "off", "out", "into", "down", "up", "along", "toward", "towards", "across", "onward", "onwards", "against"];

/// Whether a month word inside a longer date (`May 5`, `5 may`) is the month.
fn month_word_is_date(text: &str, start: usize, end: usize, date_end: usize) -> bool {
    let word = text[start..end].to_ascii_lowercase();
    match word.as_str() {
        "may" => {
            !MODAL_MAY_BEFORE.contains(&word_before(text, start).as_str())
                && !MODAL_MAY_AFTER.contains(&word_after(text, date_end).as_str())
        }
        "march" | "mar" => !VERB_MARCH_AFTER.contains(&word_after(text, date_end).as_str()),
        _ => true,
    }
}

/// Words right before a month alone that make it a date ("in march", "since april").
const MONTH_CUES: &[&str] = &[
    "in", "on", "since", "of", "until", "till", "through", "throughout", "from", "during", "early", "late",
    "mid", "last", "next", "this", "by", "before", "after", "around", "every", "each", "past", "coming",
    "until", "into", "about", "starting", "beginning", "end", "middle",
];

/// Cues that also introduce the modal "may" ("this may be") and so do not count for it.
const MAY_WEAK_CUES: &[&str] = &["this", "on", "by", "about", "into", "each", "every", "around", "coming", "past"];

/// Conjunctions that make a month alone a date when another month precedes ("november and december").
const MONTH_LIST_CUES: &[&str] = &["and", "to", "or", "through", "thru", "till", "until"];

/// Whether a month name alone (`march`, `April`) refers to a date.
fn month_alone_is_date(text: &str, start: usize, end: usize) -> bool {
    let word = &text[start..end];
    let lower = word.to_ascii_lowercase();
    // Abbreviations alone ("mar", "dec", "jan") are too ambiguous.
    let full = matches!(
        lower.as_str(),
        "january" | "february" | "march" | "april" | "may" | "june" | "july" | "august" | "september" | "october" | "november" | "december"
    );
    if !full {
        return false;
    }
    let before = word_before(text, start);
    let after = word_after(text, end);
    let cue = MONTH_CUES.contains(&before.as_str()) || before.starts_with("mid-") || before == "mid";
    let in_list = MONTH_LIST_CUES.contains(&before.as_str()) && month_precedes(text, start);
    let year_follows = year_word_follows(text, end);
    match lower.as_str() {
        "may" => {
            let strong_cue = cue && !MAY_WEAK_CUES.contains(&before.as_str());
            (strong_cue || in_list || year_follows) && !MODAL_MAY_AFTER.contains(&after.as_str())
        }
        "march" => (cue || in_list || year_follows) && !VERB_MARCH_AFTER.contains(&after.as_str()),
        _ => {
            if cue || in_list || year_follows {
                return true;
            }
            // A capitalised month mid-sentence is a month, unless a capitalised
            // word follows ("June Smith", "April Jones": names).
            let capitalised = word.chars().next().is_some_and(char::is_uppercase) && word.chars().skip(1).all(char::is_lowercase);
            let next_capitalised = window_after(text, end, 3)
                .trim_start_matches([' ', '\t'])
                .chars()
                .next()
                .is_some_and(char::is_uppercase);
            capitalised && !next_capitalised && !at_sentence_start(text, start)
        }
    }
}

/// Whether byte `at` starts a sentence or a line.
fn at_sentence_start(text: &str, at: usize) -> bool {
    let w = window_before(text, at, 4).trim_end_matches([' ', '\t']);
    w.is_empty() || w.ends_with(['.', '!', '?', '\n', ':', '"'])
}

/// Whether another month name occurs within ~30 characters before byte `at`.
fn month_precedes(text: &str, at: usize) -> bool {
    static ANY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
        compile(r"(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b")
    });
    ANY_MONTH.is_match(window_before(text, at, 30))
}

/// Whether a year follows a month ("march of ninety three", "August O eight", "march '08").
fn year_word_follows(text: &str, at: usize) -> bool {
    static YEAR_WORDS: LazyLock<Regex> = LazyLock::new(|| {
        compile(r"(?i)^,?\s+(?:of\s+)?(?:nineteen|two\s+thousand|twenty\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)|o\s|oh\s|'[0-9]{2}\b|’[0-9]{2}\b)")
    });
    YEAR_WORDS.is_match(window_after(text, at, 30))
}

/// Nouns after "the 3rd" that make it a rank, not a day ("the 3rd floor").
const ORDINAL_NOT_DAY_AFTER: &[&str] = &[
    "floor", "grade", "percentile", "time", "times", "dose", "doses", "cycle", "day", "days", "week", "weeks",
    "visit", "try", "attempt", "page", "round", "line", "trimester", "degree", "generation", "place", "one",
    "ones", "person", "child", "baby", "pregnancy", "opinion", "toe", "finger", "digit", "rib", "ventricle",
    "cranial", "intercostal", "metatarsal", "lumbar", "year", "month", "step", "stage", "phase", "row", "level",
    "shot", "injection", "vaccine", "booster", "session", "treatment", "infusion", "question", "thing",
    "part", "half", "quarter", "option", "choice", "episode", "surgery", "procedure", "test", "set", "hour",
    "minute", "most", "best", "worst", "largest", "highest", "lowest", "last", "and", "or", "time",
];

/// Whether a day ordinal ("the 24th", "the third") names a day of the month.
fn ordinal_day_is_date(text: &str, has_cue: bool, day: &str, end: usize) -> bool {
    let digits: String = day.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && !(1..=31).contains(&digits.parse::<u32>().unwrap_or(0)) {
        return false;
    }
    let after = word_after(text, end);
    if ORDINAL_NOT_DAY_AFTER.contains(&after.as_str()) {
        return false;
    }
    // "the 24th of" is a date when a month follows (MONTH_DATE) or "of the month"/"of this month"
    if after == "of" {
        let rest = window_after(text, end, 24).to_ascii_lowercase();
        return rest.contains("month");
    }
    let next = window_after(text, end, 2).trim_start_matches([' ', '\t']).chars().next();
    let ends_clause = next.is_none_or(|c| matches!(c, '.' | ',' | ';' | '?' | '!' | ')' | '\n'));
    if has_cue {
        // "on the third" needs the clause to end or a time/purpose to follow
        return !digits.is_empty() || ends_clause || matches!(after.as_str(), "at" | "for" | "when" | "and");
    }
    !digits.is_empty() && ends_clause
}

// ---------------------------------------------------------------------------
// Ages
// ---------------------------------------------------------------------------

/// A number in words from ninety up: "ninety", "ninety-three", "one hundred and two".
const AGE_WORDS: &str = r"(?:ninety(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|(?:a|one)\s+hundred(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten))?)";

/// Ages: the number part is group `n` (digits) or `w` (words).
static AGE: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?xi)
        # 93-year-old, 93 years old, 93 yr old, 95 y/o, 95yo, 95 years of age, ninety-three years old
        (?: \b(?: (?P<n1>[0-9]{{1,3}}) | (?P<w1>{AGE_WORDS}) )
            (?: [\s-]*(?:years?|yrs?|y)[\s-]*old\b
              | \s*(?:y/o|y\.o\.?|yo)(?-u:\b)
              | \s*(?:years?|yrs?)\.?\s+of\s+age\b ) )
        # 96F, 100 M: a note's shorthand for the patient's age and sex (a temperature is ruled out below)
      | (?: \b(?P<n3>[0-9]{{2,3}}) \ ? (?-i: F | M ) \b )
        # age 95, aged 95, age: 95, at the age of 95
      | (?: \b(?:aged?|age\s+of|ages)\s*:?\s* (?: (?P<n2>[0-9]{{1,3}})\b | (?P<w2>{AGE_WORDS})\b ) )
        # she's ninety three, he was ninety one, i'll be ninety, turning ninety-two
      | (?: \b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is|(?:i|he|she|who|they|you)(?:'ll|\s+will|'d|\s+would)?\s+be
              |(?:i|he|she|who)\s+(?:was|is)|turn(?:ed|ing|s)?)\s+ (?P<w3>{AGE_WORDS})\b )"
    ))
});

/// Reads an age written in words ("ninety-three", "one hundred and two").
fn age_from_words(words: &str) -> Option<u32> {
    const UNITS: [&str; 10] = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    let mut total = 0u32;
    for w in words.to_ascii_lowercase().split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()) {
        match w {
            "a" | "and" => {}
            "hundred" => total = total.max(1) * 100,
            "ninety" => total += 90,
            "ten" => total += 10,
            unit => total += UNITS.iter().position(|u| *u == unit).filter(|&i| i > 0)? as u32,
        }
    }
    Some(total)
}

/// A temperature's cue right before a number ("T 101", "Tmax:", "febrile to", "temp of").
static TEMPERATURE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i)\b(?:t|tc|tm|tmax|t\s?max|temp|temps|temperature|febrile|fever|spiked|afebrile)\b[\s:=]*(?:(?:of|to|at|up\s+to)\s+)?$")
});

/// Units after a number that make it something other than an age.
const NOT_AGE_AFTER: &[&str] = &["percent", "over", "mg", "pounds", "lbs", "degrees", "beats", "bpm", "minutes", "seconds", "dollars", "miles", "kilos", "points", "point", "units"];

struct AgeDetector;

impl Detector for AgeDetector {
    fn name(&self) -> &'static str {
        "age"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        for c in AGE.captures_iter(text) {
            let (m, value, score) = if let Some(n) = c.name("n1").or(c.name("n2")) {
                (n, n.as_str().parse::<u32>().ok(), 0.9)
            } else if let Some(n) = c.name("n3") {
                // "T 101F", "Tmax 100.4F", "fever to 102 F": degrees Fahrenheit, not an age.
                if TEMPERATURE_BEFORE.is_match(&text[..n.start()]) {
                    continue;
                }
                (n, n.as_str().parse::<u32>().ok(), 0.8)
            } else if let Some(w) = c.name("w1").or(c.name("w2")) {
                (w, age_from_words(w.as_str()), 0.9)
            } else if let Some(w) = c.name("w3") {
                if NOT_AGE_AFTER.contains(&word_after(text, w.end()).as_str()) {
                    continue;
                }
                (w, age_from_words(w.as_str()), 0.75)
            } else {
                continue;
            };
            let Some(age) = value else { continue };
            // a decimal (98.6) or a percentage is no age
            if text[..m.start()].ends_with('.') || text[m.end()..].starts_with(['.', '%']) && text[m.end()..].chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
                continue;
            }
            if !(1..=130).contains(&age) {
                continue;
            }
            out.push(Span::new(m.start(), m.end(), Label::Age, score, Source::Pattern).with_age(age));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (text, subtype) of the DATE spans found in `text`, in order.
    fn dates(text: &str) -> Vec<(&str, Subtype)> {
        let mut out = Vec::new();
        DateDetector.detect(&Document::new(text), &mut out).unwrap();
        out.sort_by_key(|s| (s.start, s.end));
        out.iter()
            .filter(|s| s.score >= 0.5)
            .map(|s| (&text[s.start..s.end], s.subtype.unwrap()))
            .collect()
    }

    fn date_texts(text: &str) -> Vec<&str> {
        dates(text).into_iter().map(|(t, _)| t).collect()
    }

    /// The (text, age) of the AGE spans found in `text`.
    fn ages(text: &str) -> Vec<(&str, u32)> {
        let mut out = Vec::new();
        AgeDetector.detect(&Document::new(text), &mut out).unwrap();
        out.iter().map(|s| (&text[s.start..s.end], s.age.unwrap())).collect()
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(date_texts("seen on 03/14/2021 and 3/14/21."), ["03/14/2021", "3/14/21"]);
        assert_eq!(date_texts("Termin am 14.03.2021 in Zürich"), ["14.03.2021"]);
        assert_eq!(date_texts("ecg taken on 12/26/2020 reveals"), ["12/26/2020"]);
        assert_eq!(date_texts("admitted 12-12-2022."), ["12-12-2022"]);
    }

    #[test]
    fn iso_dates_with_time() {
        assert_eq!(date_texts("When: 2000-04-16 11:34:35\nWhere: Upton"), ["2000-04-16 11:34:35"]);
        assert_eq!(date_texts("admitted to Cedar Sinai on 2023-04-25 (Insurance"), ["2023-04-25"]);
        assert_eq!(date_texts("at 2021-09-30T08:15 the"), ["2021-09-30T08:15"]);
    }

    #[test]
    fn birth_dates_get_the_birth_subtype() {
        assert_eq!(dates("She was born on 2/8/1935. Her maiden"), [("2/8/1935", Subtype::Birth)]);
        assert_eq!(dates("date of birth is 09/18/1949 ."), [("09/18/1949", Subtype::Birth)]);
        assert_eq!(dates("DOB: Jan 9th '23"), [("Jan 9th '23", Subtype::Birth)]);
        assert_eq!(dates("seen on 09/18/2019 ."), [("09/18/2019", Subtype::Other)]);
    }

    #[test]
    fn month_name_dates() {
        assert_eq!(date_texts("treated on April 12, 2023?"), ["April 12, 2023"]);
        assert_eq!(date_texts("operated on May 30th, 2022 (ID"), ["May 30th, 2022"]);
        assert_eq!(date_texts("admitted Jan 9th '23, pt"), ["Jan 9th '23"]);
        assert_eq!(date_texts("seen 12 March 2021 and Sept. 3"), ["12 March 2021", "Sept. 3"]);
        assert_eq!(date_texts("a stroke in July 2021 and"), ["July 2021"]);
        assert_eq!(date_texts("start on mar 3rd ."), ["mar 3rd"]);
        assert_eq!(date_texts("visited on the 15th of January 2022?"), ["15th of January 2022"]);
        assert_eq!(date_texts("on 12-Mar-2021 it"), ["12-Mar-2021"]);
        assert_eq!(date_texts("Tuesday, March 3 at noon"), ["Tuesday, March 3"]);
        assert_eq!(date_texts("DAY: SEPTEMBER 21, 2022"), ["SEPTEMBER 21, 2022"]);
    }

    #[test]
    fn spoken_day_ordinals() {
        assert_eq!(date_texts("born on the fifth of April, uh"), ["fifth of April"]);
        assert_eq!(date_texts("On, um, August thirty first nineteen"), ["August thirty first"]);
        assert_eq!(date_texts("one on the twenty fifth of September in"), ["twenty fifth of September"]);
    }

    #[test]
    fn months_alone_in_lower_case_transcripts() {
        assert_eq!(date_texts("your last a1c was 5.5 in march ."), ["march"]);
        assert_eq!(date_texts("since april i have"), ["april"]);
        assert_eq!(date_texts("it was back in june"), ["june"]);
        assert_eq!(date_texts("seen at Stanford last July w/ LDL"), ["last July"]);
        assert_eq!(date_texts("stable throughout november and december, and"), ["november", "december"]);
        assert_eq!(date_texts("I went back to work in June, after"), ["June"]);
        assert_eq!(date_texts("start in may when"), ["may"]);
    }

    #[test]
    fn modal_may_and_verb_march_are_not_dates() {
        assert!(date_texts("you may take it twice").is_empty());
        assert!(date_texts("May I ask a question?").is_empty());
        assert!(date_texts("this may be the cause").is_empty());
        assert!(date_texts("in may be the best").is_empty());
        assert!(date_texts("we will march forward").is_empty());
        assert!(date_texts("they march on").is_empty());
        assert!(date_texts("June Smith came in").is_empty(), "a name");
    }

    #[test]
    fn ordinal_days() {
        assert_eq!(date_texts("you're scheduled on the 24th for surgery ."), ["24th"]);
        assert_eq!(date_texts("come back on the 3rd."), ["3rd"]);
        assert!(date_texts("on the 3rd floor").is_empty());
        assert!(date_texts("the 5th percentile").is_empty());
        assert!(date_texts("for the second time").is_empty());
    }

    #[test]
    fn partial_dates_need_context() {
        assert_eq!(date_texts("at her previous follow-up on 9/17 , we"), ["9/17"]);
        assert!(date_texts("BP 120/80, pulse 72").is_empty());
        assert!(date_texts("3/5 strength in the left arm").is_empty());
        assert!(date_texts("take 1/2 tablet daily").is_empty());
        assert!(date_texts("pain was 7/10 today").is_empty());
    }

    #[test]
    fn near_misses_are_not_dates() {
        assert!(date_texts("born in 1977, moved in 2019").is_empty(), "bare years");
        assert!(date_texts("yesterday, two weeks ago, last week, this summer").is_empty());
        assert!(date_texts("COVID-19 positive").is_empty());
        assert!(date_texts("metoprolol 25 mg at 10:30").is_empty());
        assert!(date_texts("version 1.2.10 and v2.3.2021").is_empty());
        assert!(date_texts("call 617-555-0199 or 555-12-34").is_empty());
        assert!(date_texts("server 10.12.20.1").is_empty());
        assert!(date_texts("dec 10 mg daily").is_empty());
        assert!(date_texts("12/31/2021/5").is_empty());
    }

    #[test]
    fn multibyte_text_around_dates() {
        let text = "Zoë Ünal — né le 14.03.2021 à Zürich; revu le März… on March 3rd, 2022 ✓";
        let got = date_texts(text);
        assert_eq!(got, ["14.03.2021", "March 3rd, 2022"]);
        let mut spans = Vec::new();
        DateDetector.detect(&Document::new(text), &mut spans).unwrap();
        assert!(spans.iter().all(|s| text.is_char_boundary(s.start) && text.is_char_boundary(s.end)));
    }

    #[test]
    fn plausibility() {
        assert!(plausible(2, 29));
        assert!(!plausible(2, 30));
        assert!(!plausible(4, 31));
        assert!(!plausible(13, 1));
        assert!(plausible_year("1935") && plausible_year("21") && !plausible_year("3021") && !plausible_year("202"));
    }

    #[test]
    fn ages_over_89_in_all_forms() {
        assert_eq!(ages("a 93-year-old woman"), [("93", 93)]);
        assert_eq!(ages("93 year old man"), [("93", 93)]);
        assert_eq!(ages("aged 95, age 96, Age: 97"), [("95", 95), ("96", 96), ("97", 97)]);
        assert_eq!(ages("95 y/o, 96yo, 97 yo"), [("95", 95), ("96", 96), ("97", 97)]);
        assert_eq!(ages("96F admitted from home. 101 M with sepsis."), [("96", 96), ("101", 101)], "age and sex in note shorthand");
        assert_eq!(ages("92 yo M, a 93yo F"), [("92", 92), ("93", 93)]);
        assert_eq!(ages("she is 95 years old"), [("95", 95)]);
        assert_eq!(ages("ninety-three years old"), [("ninety-three", 93)]);
        assert_eq!(ages("a ninety three year old"), [("ninety three", 93)]);
        assert_eq!(ages("she's ninety three"), [("ninety three", 93)]);
        assert_eq!(ages("he was ninety one."), [("ninety one", 91)]);
        assert_eq!(ages("a 102-year-old"), [("102", 102)]);
        assert_eq!(ages("one hundred and two years old"), [("one hundred and two", 102)]);
    }

    #[test]
    fn age_near_misses() {
        assert!(ages("metformin 90 mg, sat 95%, temp 98.6").is_empty());
        assert!(ages("T 101F overnight, Tmax: 102 F, febrile to 100F").is_empty(), "temperatures in Fahrenheit");
        assert!(ages("ninety three percent").is_empty());
        assert!(ages("she is ninety pounds").is_empty());
        assert!(ages("blood pressure was ninety over sixty").is_empty());
        // an age of 45 is reported with its value, and the policy keeps it
        let found = ages("a 45-year-old man");
        assert_eq!(found, [("45", 45)]);
        let mut spans = Vec::new();
        AgeDetector.detect(&Document::new("a 45-year-old man"), &mut spans).unwrap();
        assert!(spans.iter().all(|s| !crate::policy::is_required(s)));
    }

    #[test]
    fn multibyte_text_around_ages() {
        let text = "Ärztin: Frau Müller, 93-jährig — a 93 y/o ✓";
        assert_eq!(ages(text), [("93", 93)]);
    }
}
