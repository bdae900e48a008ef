//! Spoken identifiers: numbers, dates, ages, spellings and addresses said aloud.
//!
//! Speech-to-text output says "five five five, two one two, oh nine eight
//! seven", "the fourth of july", "j smith at gmail dot com": nothing a written
//! pattern matches. This detector normalises the text into a [`View`] — its
//! words with their byte ranges in the original — reads number words into
//! digits (`five five five` → `555`, `double four` → `44`, `nineteen eighty
//! two` → `1982`), runs its matchers on that reading, and maps every match
//! back to the original characters through the words' byte ranges. The
//! canonical reading of each match is available from [`normalise`] (for tests
//! and inspection; it holds the identifier, so never log it).
//!
//! Numbers become identifiers only when a cue names their kind ("my phone
//! number is", "social", "member id", "zip") or their shape is unmistakable
//! (ten digits read one by one). Quantities stay: a number followed by a unit
//! or duration ("five hundred milligrams", "two weeks") or a vital-sign
//! connective ("one twenty over eighty") is never an identifier.
//!
//! Dates: a spoken date with its year ("march third nineteen eighty two") is
//! one span, year included, as written dates are (`09/18/1949`): the default
//! configuration removes the year of a redacted date.

use super::spoken_numbers::{self as num, is_filler, is_quantity_word};
use super::{Detector, Document};
use crate::error::Result;
use crate::span::{Label, Source, Span, Subtype};
use regex::Regex;
use std::sync::OnceLock;

/// One word of the original text.
pub struct Tok<'a> {
    /// Byte offsets into the original text, `end` exclusive.
    pub start: usize,
    pub end: usize,
    pub raw: &'a str,
    pub lower: String,
}

/// The normalised view of a text: its words, each mapped to its bytes in the original.
pub struct View<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok<'a>>,
}

impl<'a> View<'a> {
    /// Splits `text` into words: runs of letters and digits, with an apostrophe
    /// allowed inside a word ("she's"). Hyphens, commas and spaces separate words.
    pub fn new(text: &'a str) -> View<'a> {
        let mut toks = Vec::new();
        let mut start: Option<usize> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let inner_apostrophe = (c == '\'' || c == '’')
                && start.is_some()
                && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
            if c.is_alphanumeric() || inner_apostrophe {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                toks.push(Tok { start: s, end: i, raw: &text[s..i], lower: text[s..i].to_lowercase().replace('’', "'") });
            }
        }
        if let Some(s) = start {
            toks.push(Tok { start: s, end: text.len(), raw: &text[s..], lower: text[s..].to_lowercase().replace('’', "'") });
        }
        View { text, toks }
    }

    fn w(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.lower.as_str())
    }

    /// The text between word `i - 1` and word `i`.
    fn gap(&self, i: usize) -> &'a str {
        if i == 0 || i >= self.toks.len() {
            return "";
        }
        &self.text[self.toks[i - 1].end..self.toks[i].start]
    }

    /// Whether words `i - 1` and `i` may belong to one spoken number: only
    /// spaces, one comma or hyphens between them, on one line.
    fn soft(&self, i: usize) -> bool {
        i > 0 && i < self.toks.len() && soft_gap(self.gap(i))
    }

    fn is_upper(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.raw.chars().all(|c| c.is_uppercase()))
    }

    fn start(&self, i: usize) -> usize {
        self.toks[i].start
    }

    fn end(&self, i: usize) -> usize {
        self.toks[i].end
    }
}

fn soft_gap(gap: &str) -> bool {
    let trimmed = gap.trim_matches(|c| c == ' ' || c == '\t');
    matches!(trimmed, "" | "," | "-" | "–" | ", ")
        || (trimmed.chars().all(|c| c == ' ' || c == ',' || c == '-') && trimmed.matches(',').count() <= 1 && !trimmed.is_empty())
}

/// A match of the spoken matchers: where, what, and the canonical reading.
#[derive(Clone, PartialEq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub subtype: Option<Subtype>,
    pub score: f32,
    pub age: Option<u32>,
    /// The identifier in canonical form (`5552120987`, `1982-03-03`, `jsmith@gmail.com`). PHI: never log it.
    pub canonical: String,
}

/// Runs every spoken matcher over `text`.
pub fn normalise(text: &str) -> Vec<Found> {
    let v = View::new(text);
    let mut out = Vec::new();
    numbers(&v, &mut out);
    month_dates(&v, &mut out);
    ages(&v, &mut out);
    spelled(&v, &mut out);
    emails_and_urls(&v, &mut out);
    postcodes(&v, &mut out);
    streets(&v, &mut out);
    out.sort_by_key(|f| (f.start, f.end));
    out
}

/// The spoken-form detector (`"spoken"`).
pub struct Spoken;

impl Detector for Spoken {
    fn name(&self) -> &'static str {
        "spoken"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        for f in normalise(doc.text) {
            let mut span = Span::new(f.start, f.end, f.label, f.score, Source::Spoken);
            span.subtype = f.subtype;
            span.age = f.age;
            out.push(span);
        }
        Ok(())
    }
}

/// The detectors of this module, ready to run.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Spoken)]
}

// ---------------------------------------------------------------- numbers

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum GKind {
    /// Written digits: "555".
    Digits,
    /// "five", "oh".
    Unit,
    /// "twelve".
    Teen,
    /// "twenty", "sixty two".
    Tens,
    /// "five hundred", "five hundred and two", "nineteen hundred".
    Hundreds,
    /// "two thousand and seven".
    Thousands,
    /// "double four", "triple zero".
    Repeat,
}

/// One spoken number inside a run: its digit reading, its value, its words `start..end`.
#[derive(Clone, Debug)]
struct Group {
    digits: String,
    value: u32,
    start: usize,
    end: usize,
    kind: GKind,
    /// A slash ("/" or "slash") separates it from the group before.
    slash_before: bool,
}

/// A number of two or fewer digits without a zero ("twelve", "sixty two", "seven").
fn small(v: &View<'_>, j: usize) -> Option<(u32, usize)> {
    let w = v.w(j);
    if let Some(t) = num::teen(w) {
        return Some((t, j + 1));
    }
    if let Some(t) = num::tens(w) {
        if v.soft(j + 1) {
            if let Some(u) = num::unit(v.w(j + 1)).filter(|&u| u > 0) {
                return Some((t + u, j + 2));
            }
        }
        return Some((t, j + 1));
    }
    num::unit(w).filter(|&u| u > 0).map(|u| (u, j + 1))
}

fn after_and(v: &View<'_>, j: usize) -> usize {
    if v.w(j) == "and" && v.soft(j) && v.soft(j + 1) {
        j + 1
    } else {
        j
    }
}

fn group(v: &View<'_>, i: usize) -> Option<Group> {
    let w = v.w(i);
    let g = |digits: String, value: u32, end: usize, kind: GKind| Some(Group { digits, value, start: i, end, kind, slash_before: false });
    if w.is_empty() {
        return None;
    }
    if w.bytes().all(|b| b.is_ascii_digit()) {
        if w.len() > 15 {
            return None;
        }
        return g(w.to_string(), w.parse().unwrap_or(u32::MAX), i + 1, GKind::Digits);
    }
    if matches!(w, "double" | "triple" | "treble") && v.soft(i + 1) {
        let d = num::unit(v.w(i + 1))?;
        let n = if w == "double" { 2 } else { 3 };
        return g(d.to_string().repeat(n), d, i + 2, GKind::Repeat);
    }
    let scale = |base: u32, j: usize| -> Option<Group> {
        if !v.soft(j) {
            return None;
        }
        match v.w(j) {
            "hundred" => {
                let k = after_and(v, j + 1);
                let (rest, end) = if v.soft(k) { small(v, k).unwrap_or((0, j + 1)) } else { (0, j + 1) };
                let value = base * 100 + rest;
                g(value.to_string(), value, end, GKind::Hundreds)
            }
            "thousand" if base < 10 => {
                let k = after_and(v, j + 1);
                let (rest, end) = if !v.soft(k) {
                    (0, j + 1)
                } else if let Some((u, e)) = num::unit(v.w(k)).filter(|&u| u > 0).zip(Some(k + 1)).filter(|_| v.w(k + 1) == "hundred") {
                    let k2 = after_and(v, e + 1);
                    let (r, e2) = if v.soft(k2) { small(v, k2).unwrap_or((0, e + 1)) } else { (0, e + 1) };
                    (u * 100 + r, e2)
                } else {
                    small(v, k).unwrap_or((0, j + 1))
                };
                let value = base * 1000 + rest;
                g(value.to_string(), value, end, GKind::Thousands)
            }
            _ => None,
        }
    };
    if let Some(u) = num::unit(w) {
        if u > 0 {
            if let Some(s) = scale(u, i + 1) {
                return Some(s);
            }
        }
        return g(u.to_string(), u, i + 1, GKind::Unit);
    }
    if let Some(t) = num::teen(w) {
        if let Some(s) = scale(t, i + 1) {
            return Some(s);
        }
        return g(t.to_string(), t, i + 1, GKind::Teen);
    }
    if num::tens(w).is_some() {
        let (value, end) = small(v, i)?;
        return g(value.to_string(), value, end, GKind::Tens);
    }
    None
}

/// A run of spoken numbers: "five five five, two one two, oh nine eight seven".
#[derive(Debug)]
struct Run {
    groups: Vec<Group>,
}

impl Run {
    fn start(&self) -> usize {
        self.groups[0].start
    }
    fn end(&self) -> usize {
        self.groups.last().expect("a run has a group").end
    }
    fn digits(&self) -> String {
        self.groups.iter().map(|g| g.digits.as_str()).collect()
    }
    fn has_words(&self) -> bool {
        self.groups.iter().any(|g| g.kind != GKind::Digits)
    }
}

/// The longest run of number groups starting at word `i`, joined by spaces,
/// commas, hyphens, slashes, "dash", "slash" or hesitations.
fn run_at(v: &View<'_>, i: usize) -> Option<Run> {
    let mut groups = vec![group(v, i)?];
    loop {
        let mut k = groups.last().expect("non-empty").end;
        let mut slash = false;
        let mut ok = false;
        for _ in 0..3 {
            if k >= v.toks.len() {
                break;
            }
            let gap = v.gap(k);
            if gap.trim() == "/" {
                slash = true;
            } else if !soft_gap(gap) {
                break;
            }
            match v.w(k) {
                "slash" => slash = true,
                "dash" | "hyphen" => {}
                w if is_filler(w) => {}
                _ => {
                    ok = true;
                    break;
                }
            }
            k += 1;
        }
        if !ok {
            break;
        }
        match group(v, k) {
            Some(mut g) => {
                g.slash_before = slash;
                groups.push(g);
            }
            None => break,
        }
    }
    Some(Run { groups })
}

/// The kinds of identifier a cue word can name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Phone,
    Fax,
    Ssn,
    Mrn,
    Plan,
    Account,
    License,
    Zip,
    Id,
    Birth,
    Date,
    /// "my number is": a phone, unless a more specific cue stands nearby.
    Number,
}

const KINDS: [Kind; 12] = [
    Kind::Phone,
    Kind::Fax,
    Kind::Ssn,
    Kind::Mrn,
    Kind::Plan,
    Kind::Account,
    Kind::License,
    Kind::Zip,
    Kind::Id,
    Kind::Birth,
    Kind::Date,
    Kind::Number,
];

fn cue_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let alternatives = [
            r"phone|telephone|cell|cellphone|mobile|call (?:me|you|him|her|us)|reach (?:me|you|him|her)|contact number|home number|work number|call ?back",
            r"fax",
            r"social|ssn|s s n|social security",
            r"mrn|m r n|medical record|record number|chart number|patient (?:id|number)|hospital number|nhs number|case number",
            r"member (?:id|number)|membership|policy|insurance (?:id|number|card)|subscriber|group number|medicaid|medicare|plan (?:id|number)|beneficiary",
            r"account|acct|card number|credit card|billing number",
            r"licen[cs]e|driver'?s|dea number|npi|permit|plate|registration",
            r"zip|zip code|postal code|post code|postcode",
            r"i ?d|identification|reference number|confirmation number|serial",
            r"date of birth|dob|d o b|born|birthday|birth date|birthdate",
            r"date|dated|on the",
            r"(?:my|the|your|best) number|number (?:is|to reach)",
        ];
        let groups: Vec<String> = alternatives.iter().map(|a| format!("({a})")).collect();
        Regex::new(&format!(r"(?i)\b(?:{})\b", groups.join("|"))).expect("valid cue regex")
    })
}

/// The cue nearest before byte `at`, within `max_chars` characters.
fn nearest_cue(text: &str, at: usize, max_chars: usize) -> Option<Kind> {
    let window = crate::context::window_before(text, at, max_chars);
    let kinds: Vec<Kind> = cue_regex()
        .captures_iter(window)
        .filter_map(|caps| (1..=KINDS.len()).find(|&g| caps.get(g).is_some()).map(|g| KINDS[g - 1]))
        .collect();
    match kinds.last()? {
        Kind::Number => Some(kinds.iter().rev().find(|&&k| k != Kind::Number).copied().unwrap_or(Kind::Phone)),
        k => Some(*k),
    }
}

fn cue_in(text: &str, at: usize, max_chars: usize, kind: Kind) -> bool {
    let window = crate::context::window_before(text, at, max_chars);
    let g = KINDS.iter().position(|&k| k == kind).expect("known kind") + 1;
    cue_regex().captures_iter(window).any(|c| c.get(g).is_some())
}

fn last_four_before(text: &str, at: usize) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(?i)\blast (?:four|4)\b").expect("valid"));
    re.is_match(crate::context::window_before(text, at, 40))
}

/// Whether the word after word `end - 1` makes the number a quantity.
fn quantity_after(v: &View<'_>, end: usize) -> bool {
    end < v.toks.len() && (is_quantity_word(v.w(end)) || v.gap(end).trim_start().starts_with('%'))
}

fn push(out: &mut Vec<Found>, v: &View<'_>, from: usize, to: usize, label: Label, subtype: Option<Subtype>, score: f32, canonical: String) {
    out.push(Found { start: v.start(from), end: v.end(to - 1), label, subtype, score, age: None, canonical });
}

/// Identifier numbers said as words or digit groups, named by a cue.
fn numbers(v: &View<'_>, out: &mut Vec<Found>) {
    let mut i = 0;
    while i < v.toks.len() {
        let Some(run) = run_at(v, i) else {
            i += 1;
            continue;
        };
        i = run.end();
        numeric_date(v, &run, out);
        let digits = run.digits();
        let n = digits.len();
        if n < 4 || quantity_after(v, run.end()) {
            continue;
        }
        // A lone value ("two thousand", "five hundred") is a quantity, not a number read out.
        if run.groups.len() == 1 && !matches!(run.groups[0].kind, GKind::Digits | GKind::Repeat) {
            continue;
        }
        let at = v.start(run.start());
        let last_four = n == 4 && last_four_before(v.text, at);
        let cue = nearest_cue(v.text, at, 80);
        let (label, subtype, score) = match cue {
            Some(Kind::Phone) if matches!(n, 7 | 10) || (n == 11 && digits.starts_with('1')) || last_four => (Label::Phone, None, 0.9),
            Some(Kind::Fax) if matches!(n, 7 | 10) || (n == 11 && digits.starts_with('1')) || last_four => (Label::Fax, None, 0.9),
            Some(Kind::Ssn) if n == 9 || last_four => (Label::Ssn, None, 0.9),
            Some(Kind::Zip) if n == 5 || n == 9 => (Label::Location, Some(Subtype::Zip), 0.9),
            Some(Kind::Mrn) => (Label::Mrn, None, 0.85),
            Some(Kind::Plan) => (Label::HealthPlan, None, 0.85),
            Some(Kind::Account) => (Label::Account, None, 0.85),
            Some(Kind::License) => (Label::License, None, 0.85),
            Some(Kind::Id) => (Label::Id, None, 0.8),
            Some(Kind::Birth | Kind::Date) => continue,
            _ if !run.has_words() => continue,
            _ if (n == 10 || (n == 11 && digits.starts_with('1'))) && run.groups.len() >= 3 => (Label::Phone, None, 0.7),
            _ if last_four => (Label::Id, None, 0.6),
            _ => continue,
        };
        push(out, v, run.start(), run.end(), label, subtype, score, digits);
    }
}

/// "oh three fourteen", "six, twelve, eighty", "three slash fourteen": a date said as numbers.
fn numeric_date(v: &View<'_>, run: &Run, out: &mut Vec<Found>) {
    // "oh three" is one two-digit group.
    let mut groups: Vec<Group> = Vec::new();
    for g in &run.groups {
        match groups.last_mut() {
            Some(prev) if prev.kind == GKind::Unit && prev.value == 0 && g.kind == GKind::Unit && prev.digits.len() == 1 => {
                prev.digits.push_str(&g.digits);
                prev.value = g.value;
                prev.end = g.end;
                prev.kind = GKind::Teen;
            }
            _ => groups.push(g.clone()),
        }
    }
    if groups.len() < 2 {
        return;
    }
    let at = v.start(run.start());
    let slash = groups[1].slash_before;
    let birth = cue_in(v.text, at, 60, Kind::Birth);
    let cued = birth || matches!(nearest_cue(v.text, at, 40), Some(Kind::Date));
    if !slash && !cued {
        return;
    }
    if slash && !run.has_words() && !cued {
        return; // "2/6 murmur": an uncued written form belongs to the written-date detector
    }
    let day_or_month = |g: &Group| g.digits.len() <= 2 && g.kind != GKind::Repeat;
    let (a, b) = (&groups[0], &groups[1]);
    if !day_or_month(a) || !day_or_month(b) {
        return;
    }
    let valid = ((1..=12).contains(&a.value) && (1..=31).contains(&b.value)) || ((1..=31).contains(&a.value) && (1..=12).contains(&b.value));
    if !valid {
        return;
    }
    let mut end = b.end;
    let mut year_from = None;
    let mut canonical = format!("{}-{}", num::pad(a.value, 2), num::pad(b.value, 2));
    // The year: one or two more groups reading as 2 or 4 digits.
    let mut year = String::new();
    for g in &groups[2..] {
        if year.len() >= 4 {
            break;
        }
        let next = format!("{year}{}", g.digits);
        if next.len() > 4 {
            break;
        }
        year_from.get_or_insert(g.start);
        year = next;
        if year.len() == 2 || year.len() == 4 {
            end = g.end;
        }
    }
    if year.len() == 2 || year.len() == 4 {
        canonical = format!("{year}-{canonical}");
    }
    if quantity_after(v, end) {
        return;
    }
    let subtype = if birth { Subtype::Birth } else { Subtype::Other };
    let score = if slash { 0.8 } else { 0.75 };
    match year_from {
        // "six, twelve, uh, eighty": the hesitation stays between two spans.
        Some(y) if end > b.end && y > b.end => {
            push(out, v, run.start(), b.end, Label::Date, Some(subtype), score, canonical.clone());
            push(out, v, y, end, Label::Date, Some(subtype), score, canonical);
        }
        _ => push(out, v, run.start(), end, Label::Date, Some(subtype), score, canonical),
    }
}

// ---------------------------------------------------------------- dates with month names

/// A day said after a month: "third", "twenty first", "13th", "fourteen".
fn day_at(v: &View<'_>, j: usize) -> Option<(u32, usize, bool)> {
    if !v.soft(j) {
        return None;
    }
    let w = v.w(j);
    if let Some(t) = num::tens(w) {
        if v.soft(j + 1) {
            if let Some(o) = num::ordinal_word(v.w(j + 1)).filter(|&o| o < 10) {
                return (t + o <= 31).then_some((t + o, j + 2, true));
            }
        }
    }
    if let Some(o) = num::ordinal_word(w).or_else(|| num::written_ordinal(w)) {
        return (1..=31).contains(&o).then_some((o, j + 1, true));
    }
    let g = group(v, j)?;
    let plain = matches!(g.kind, GKind::Unit | GKind::Teen | GKind::Tens) || (g.kind == GKind::Digits && g.digits.len() <= 2);
    (plain && (1..=31).contains(&g.value) && !quantity_after(v, g.end)).then_some((g.value, g.end, false))
}

/// An ordinal day ending at word `j` (inclusive): its value and first word.
fn ordinal_ending(v: &View<'_>, j: usize) -> Option<(u32, usize)> {
    let w = v.w(j);
    if let Some(o) = num::ordinal_word(w) {
        if o < 10 && j >= 1 && v.soft(j) {
            if let Some(t) = num::tens(v.w(j - 1)) {
                return (t + o <= 31).then_some((t + o, j - 1));
            }
        }
        return Some((o, j));
    }
    num::written_ordinal(w).filter(|o| (1..=31).contains(o)).map(|o| (o, j))
}

/// A year said at word `j`: "nineteen eighty two", "two thousand and seven",
/// "twenty twenty one", "1982", "ninety two", "oh eight". Returns its digits and end.
fn year_at(v: &View<'_>, j: usize) -> Option<(String, usize)> {
    let g0 = group(v, j)?;
    match g0.kind {
        GKind::Digits if g0.digits.len() == 4 && (1800..=2099).contains(&g0.value) => Some((g0.digits, g0.end)),
        GKind::Digits if g0.digits.len() == 2 => Some((g0.digits, g0.end)),
        GKind::Thousands | GKind::Hundreds if (1800..=2099).contains(&g0.value) => Some((g0.digits, g0.end)),
        GKind::Teen | GKind::Tens if (10..=20).contains(&g0.value) && v.soft(g0.end) => {
            if let Some(g1) = group(v, g0.end) {
                if matches!(g1.kind, GKind::Teen | GKind::Tens) {
                    return Some((format!("{}{}", g0.digits, g1.digits), g1.end));
                }
                if g1.kind == GKind::Unit && g1.value == 0 && v.soft(g1.end) {
                    if let Some(g2) = group(v, g1.end).filter(|g| g.kind == GKind::Unit && g.value > 0) {
                        return Some((format!("{}0{}", g0.digits, g2.digits), g2.end));
                    }
                }
            }
            Some((g0.digits, g0.end))
        }
        GKind::Teen | GKind::Tens => Some((g0.digits, g0.end)),
        GKind::Unit if g0.value == 0 && v.soft(g0.end) => {
            let g1 = group(v, g0.end).filter(|g| g.kind == GKind::Unit && g.value > 0)?;
            Some((format!("0{}", g1.digits), g1.end))
        }
        _ => None,
    }
}

/// The year after a date ending at word `end`, across ",", "of", "in" and hesitations.
fn year_after(v: &View<'_>, end: usize, two_digit_ok: bool) -> Option<(String, usize)> {
    let mut k = end;
    let mut skipped_of = false;
    for _ in 0..3 {
        if !v.soft(k) {
            return None;
        }
        let w = v.w(k);
        if w == "of" || w == "in" || is_filler(w) {
            skipped_of |= w == "of";
            k += 1;
            continue;
        }
        break;
    }
    if !v.soft(k) {
        return None;
    }
    let (year, e) = year_at(v, k)?;
    let oh = num::is_oh(v.w(k)) || v.w(k) == "zero";
    let ok = year.len() == 4 || oh || (year.len() == 2 && (two_digit_ok || skipped_of));
    let unit = e < v.toks.len() && !matches!(v.w(e), "to" | "or" | "over" | "point" | "plus") && quantity_after(v, e);
    (ok && !unit).then_some((year, e))
}

/// The first word of the year that ends at `end`, after the date ending at `date_end`.
fn year_start(v: &View<'_>, date_end: usize, end: usize) -> usize {
    (date_end..end).find(|&k| year_at(v, k).is_some_and(|(_, e)| e == end)).unwrap_or(date_end)
}

/// "march third nineteen eighty two", "the fourth of july", "january 13th", "march two thousand and seven".
fn month_dates(v: &View<'_>, out: &mut Vec<Found>) {
    for m in 0..v.toks.len() {
        let Some(month) = num::month(v.w(m)) else { continue };
        let ambiguous = matches!(v.w(m), "may" | "march") && !v.is_upper(m) && !v.toks[m].raw.starts_with(|c: char| c.is_uppercase());
        let before = (m >= 2 && v.w(m - 1) == "of" && v.soft(m) && v.soft(m - 1))
            .then(|| ordinal_ending(v, m - 2))
            .flatten()
            .or_else(|| (m >= 1 && v.soft(m)).then(|| ordinal_ending(v, m - 1)).flatten());
        let (start, end, day) = if let Some((day, s)) = before {
            (s, m + 1, Some(day))
        } else if let Some((day, e, ordinal)) = day_at(v, m + 1).filter(|&(_, _, ord)| ord || !ambiguous) {
            let _ = ordinal;
            (m, e, Some(day))
        } else {
            (m, m + 1, None)
        };
        if day.is_none() && v.w(m) == "may" {
            continue;
        }
        let year = year_after(v, end, day.is_some());
        if day.is_none() && year.is_none() {
            continue; // a month alone is for the written-date detector
        }
        let at = v.start(start);
        let subtype = if cue_in(v.text, at, 80, Kind::Birth) { Subtype::Birth } else { Subtype::Other };
        let date_end = end;
        let (end, year) = match year {
            Some((y, e)) => (e, Some((y, e))),
            None => (end, None),
        };
        // "the fifth of April, uh, nineteen seventy three": when words stand between
        // the date and its year, the year is its own span and "uh" stays.
        if let Some((y, e)) = &year {
            let year_start = year_start(v, date_end, *e);
            if year_start > date_end {
                push(out, v, year_start, *e, Label::Date, Some(subtype), 0.85, y.clone());
                let canonical = format!("{}{}", num::pad(month, 2), day.map(|d| format!("-{}", num::pad(d, 2))).unwrap_or_default());
                push(out, v, start, date_end, Label::Date, Some(subtype), 0.85, canonical);
                continue;
            }
        }
        let year = year.map(|(y, _)| y);
        let canonical = format!(
            "{}{}{}",
            year.map(|y| format!("{y}-")).unwrap_or_default(),
            num::pad(month, 2),
            day.map(|d| format!("-{}", num::pad(d, 2))).unwrap_or_default()
        );
        push(out, v, start, end, Label::Date, Some(subtype), 0.85, canonical);
    }
}

// ---------------------------------------------------------------- ages over 89

fn vitals_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:pressure|bp|rate|pulse|heart|oxygen|o2|sat|sats|saturation|saturating|temperature|temp|fever|weight|weighs|weigh|glucose|sugar|sugars|a1c|level|levels|count|score|percent|systolic|diastolic|reading|readings|cholesterol|ldl|hdl|number|numbers|dose|mg|pounds|iq|grade|test)\b")
            .expect("valid")
    })
}

/// "she's ninety three", "he was ninety one", "ninety two years old".
fn ages(v: &View<'_>, out: &mut Vec<Found>) {
    for i in 0..v.toks.len() {
        if num::tens(v.w(i)).is_none() && num::unit(v.w(i)).is_none() {
            continue;
        }
        let Some(g) = group(v, i) else { continue };
        if !(90..=125).contains(&g.value) || !matches!(g.kind, GKind::Tens | GKind::Hundreds) {
            continue;
        }
        // A number inside a longer run is not an age.
        if (i > 0 && v.soft(i) && group(v, i - 1).is_some()) || (v.soft(g.end) && group(v, g.end).is_some()) {
            continue;
        }
        let next = |k: usize| if v.soft(g.end + k) || (k == 0 && g.end < v.toks.len()) { v.w(g.end + k) } else { "" };
        let years_old = matches!(next(0), "years" | "year" | "yrs") && matches!(next(1), "old" | "of")
            || next(0) == "yo";
        let mut p = i;
        while p > 0 && is_filler(v.w(p - 1)) {
            p -= 1;
        }
        let prev = if p > 0 { v.w(p - 1) } else { "" };
        let prev2 = if p > 1 { v.w(p - 2) } else { "" };
        let verb = matches!(
            prev,
            "is" | "was" | "be" | "turned" | "turning" | "turns" | "turn" | "she's" | "he's" | "i'm" | "aged" | "age" | "now" | "being"
        ) || (prev == "of" && prev2 == "age")
            || (prev == "at" && matches!(prev2, "died" | "passed" | "away" | "age"));
        if !(years_old || verb) {
            continue;
        }
        if !years_old && (quantity_after(v, g.end) || vitals_regex().is_match(crate::context::window_before(v.text, v.start(i), 40))) {
            continue;
        }
        let mut f = Found { start: v.start(i), end: v.end(g.end - 1), label: Label::Age, subtype: None, score: 0.85, age: Some(g.value), canonical: g.value.to_string() };
        f.age = Some(g.value);
        out.push(f);
    }
}

// ---------------------------------------------------------------- spellings

const ABBREVIATIONS: &[&str] = &[
    "mri", "ekg", "ecg", "eeg", "emg", "ct", "cbc", "bmp", "cmp", "ent", "icu", "er", "ed", "copd", "adhd", "hiv", "uti", "std", "sti",
    "ptsd", "ocd", "ibs", "gerd", "acl", "mcl", "tsh", "psa", "inr", "ptt", "bun", "ldl", "hdl", "dvt", "pe", "mi", "chf", "cad", "icd",
    "cpr", "dnr", "iv", "im", "po", "prn", "bid", "tid", "qid", "tia", "cva", "gi", "gu", "ob", "gyn", "pt", "ot", "lft", "ast", "alt",
    "bp", "hr", "rr", "ua", "pet", "usa", "nhs", "gp", "uk", "ok", "tv", "dna", "rna", "aids", "nsaid", "ace", "arb", "ssri", "snri",
    "ppi", "csf", "ems", "ama", "ems", "abc", "ekgs", "cat", "ccu", "nicu", "picu", "pacu", "ms", "als", "ra", "oa", "cll", "aml", "all",
    "cml", "ckd", "esrd", "aki", "ards", "osa", "bph", "hpv", "hsv", "rsv", "covid", "sob", "cp", "loc", "rom", "adl", "adls", "snf",
    "mrsa", "vre", "tb", "ppd", "ivf", "iud", "ecmo", "avm", "sah", "ich", "lvh", "rvh", "vsd", "asd", "pda", "svt", "vt", "vf", "afib",
    "lol", "omg", "atm", "diy", "faq", "ceo", "fbi", "cia", "nba", "nfl", "dmv", "va", "ups", "fedex", "pcp", "pa", "np", "rn", "md",
    "do", "dds", "phd", "nd", "cna", "lpn", "hmo", "ppo", "bmi", "ecgs", "abg", "vbg", "cxr", "kub", "ercp", "egd", "tee", "tte", "tlif", "plif", "alif", "xlif", "acdf", "mva", "mvc", "ugi", "rle", "lle", "rue", "lue",
];

/// A spelled unit at word `j`: a single letter, possibly "S as in Sam". Returns the letter and the end.
fn letter_at(v: &View<'_>, j: usize) -> Option<(char, usize, bool)> {
    let raw = v.toks.get(j)?.raw;
    let mut chars = raw.chars();
    let c = chars.next()?;
    if chars.next().is_some() || !c.is_alphabetic() {
        return None;
    }
    if v.w(j + 1) == "as" && v.w(j + 2) == "in" && v.soft(j + 1) && v.soft(j + 2) && v.soft(j + 3) && j + 3 < v.toks.len() {
        let word = v.w(j + 3);
        if word.starts_with(c.to_lowercase().next().unwrap_or(c)) {
            return Some((c, j + 4, true));
        }
    }
    Some((c, j + 1, false))
}

fn spell_cue(text: &str, at: usize) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(?i)\b(?:spell|spelled|spelling|spelt|spells|letters)\b").expect("valid"));
    re.is_match(crate::context::window_before(text, at, 50))
}

/// "k-o-w-a-l-s-k-i", "that's S as in Sam, M, I, T, H", "K O W A L S K I".
fn spelled(v: &View<'_>, out: &mut Vec<Found>) {
    let mut i = 0;
    while i < v.toks.len() {
        let Some(first) = letter_at(v, i) else {
            i += 1;
            continue;
        };
        let mut units = vec![(i, first)];
        let mut end = first.1;
        let mut hyphens_only = true;
        // Letters are joined one way throughout: "k-o-w", "S, M, I", "S. M. I".
        let style = |gap: &str| match gap.trim_matches([' ', '\t']) {
            "-" => Some('-'),
            "." => Some('.'),
            g if soft_gap(g) || g.is_empty() => Some(' '),
            _ => None,
        };
        let first_style = if end < v.toks.len() { style(v.gap(end)) } else { None };
        while end < v.toks.len() && !v.gap(end).contains('\n') && style(v.gap(end)).is_some() && style(v.gap(end)) == first_style {
            let gap = v.gap(end).trim();
            let Some(next) = letter_at(v, end) else { break };
            hyphens_only &= gap == "-";
            units.push((end, next));
            end = next.1;
        }
        i = end;
        // "a T L I F": an article before capitals is not part of the spelling.
        if units.len() > 2 && matches!(v.toks[units[0].0].raw, "a" | "i") && units[1..].iter().all(|(_, (c, _, _))| c.is_uppercase()) {
            units.remove(0);
        }
        let n = units.len();
        let letters: String = units.iter().map(|(_, (c, _, _))| c.to_ascii_lowercase()).collect();
        let as_in = units.iter().any(|(_, (_, _, a))| *a);
        let upper = units.iter().all(|(_, (c, _, _))| c.is_uppercase());
        let at = v.start(units[0].0);
        let stutter = letters.chars().all(|c| letters.starts_with(c));
        let abbreviation = stutter || ABBREVIATIONS.contains(&letters.as_str());
        let (ok, score) = if as_in && n >= 2 {
            (true, 0.85)
        } else if abbreviation {
            (false, 0.0)
        } else if n >= 2 && spell_cue(v.text, at) {
            (true, 0.85)
        } else if hyphens_only && n >= 3 {
            (true, 0.8)
        } else if n >= 4 || (n == 3 && upper) {
            (true, 0.65)
        } else {
            (false, 0.0)
        };
        if ok {
            out.push(Found { start: at, end: v.end(end - 1), label: Label::Name, subtype: None, score, age: None, canonical: letters });
        }
    }
}

// ---------------------------------------------------------------- e-mails and web addresses

const TLDS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "io", "co", "uk", "us", "ca", "info", "biz", "me", "mil", "ac", "nhs", "de", "fr", "au", "ie",
];

const NOT_LOCAL: &[&str] = &[
    "is", "it's", "its", "it", "my", "email", "e", "mail", "address", "the", "yes", "yeah", "sure", "ok", "okay", "so", "and", "me",
    "that's", "that", "please", "was", "be", "to", "you", "your", "send", "at", "on", "of", "for", "with", "it", "i", "a", "um", "uh",
    "er", "erm", "just", "is", "by", "or", "but", "then", "her", "his", "their", "our", "us", "we", "they", "he", "she", "use", "try",
    "there", "here", "email's", "address's", "right", "correct", "yep", "no", "well", "oh", "hi", "hello", "reach", "contact",
];

/// The most labels a domain read out may have ("mail dot example dot co dot uk" has four):
/// a longer chain of words and dots ("1.1.1…", "a dot a dot …") is not followed further,
/// so that looking for a domain at every word stays bounded.
const MAX_DOMAIN_PARTS: usize = 10;

/// A domain said at word `j`: "gmail dot com", "example dot co dot uk". Returns its end and canonical form.
fn domain_at(v: &View<'_>, j: usize) -> Option<(usize, String)> {
    let first = v.toks.get(j)?;
    if !first.lower.chars().all(|c| c.is_alphanumeric()) || v.w(j) == "dot" {
        return None;
    }
    let mut parts = vec![v.w(j).to_string()];
    let mut k = j + 1;
    while parts.len() < MAX_DOMAIN_PARTS {
        if k < v.toks.len() && v.w(k) == "dot" && v.soft(k) && v.soft(k + 1) && k + 1 < v.toks.len() && v.w(k + 1) != "dot" {
            parts.push(v.w(k + 1).to_string());
            k += 2;
        } else if k < v.toks.len() && v.gap(k) == "." && v.toks[k].lower.chars().all(|c| c.is_alphanumeric()) {
            parts.push(v.w(k).to_string());
            k += 1;
        } else {
            break;
        }
    }
    // Trim back to the last part that is a top-level domain.
    while parts.len() >= 2 && !TLDS.contains(&parts.last().expect("non-empty").as_str()) {
        parts.pop();
        k -= if v.w(k - 2) == "dot" { 2 } else { 1 };
    }
    (parts.len() >= 2).then(|| (k, parts.join(".")))
}

/// "j smith at gmail dot com"; "w w w dot example dot org slash portal".
fn emails_and_urls(v: &View<'_>, out: &mut Vec<Found>) {
    let mut email_words = vec![false; v.toks.len()];
    for at in 1..v.toks.len() {
        if v.w(at) != "at" || !v.soft(at) || !v.soft(at + 1) {
            continue;
        }
        let Some((end, domain)) = domain_at(v, at + 1) else { continue };
        // The local part: up to four words before "at", joined by spaces, dots, "dot", "underscore".
        let mut start = at;
        let mut local: Vec<String> = Vec::new();
        let mut k = at;
        while k > 0 && local.len() < 4 {
            let w = v.w(k - 1);
            let gap = v.gap(k);
            if !(soft_gap(gap) && !gap.contains(',') || matches!(gap, "." | "_")) {
                break;
            }
            if matches!(w, "dot" | "underscore" | "dash" | "hyphen") && !local.is_empty() {
                local.insert(0, match w { "dot" => ".", "underscore" => "_", _ => "-" }.to_string());
                k -= 1;
                continue;
            }
            if NOT_LOCAL.contains(&w) || !w.chars().all(|c| c.is_alphanumeric()) {
                break;
            }
            local.insert(0, w.to_string());
            start = k - 1;
            k -= 1;
        }
        if start == at {
            continue;
        }
        // Drop connectors left dangling at the front.
        while local.first().is_some_and(|s| matches!(s.as_str(), "." | "_" | "-")) {
            local.remove(0);
        }
        email_words[start..end].iter_mut().for_each(|b| *b = true);
        push(out, v, start, end, Label::Email, None, 0.9, format!("{}@{domain}", local.concat()));
    }
    // Web addresses: need a spoken "dot" and a known top-level domain, or "www".
    let mut i = 0;
    while i < v.toks.len() {
        if email_words[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut www = false;
        if v.w(i) == "www" {
            www = true;
            j = i + 1;
        } else if v.w(i) == "w" && v.w(i + 1) == "w" && v.w(i + 2) == "w" && v.soft(i + 1) && v.soft(i + 2) {
            www = true;
            j = i + 3;
        }
        if www {
            if !(v.w(j) == "dot" && v.soft(j) && v.soft(j + 1)) {
                i += 1;
                continue;
            }
            j += 1;
        }
        let spoken_dot = v.w(i + 1) == "dot" || www;
        // The cheap test first: a domain is only looked for where a spoken "dot" or "www" stands.
        let Some((mut end, domain)) = (spoken_dot && !(i > 0 && v.w(i - 1) == "at")).then(|| domain_at(v, j)).flatten() else {
            i += 1;
            continue;
        };
        let mut path = String::new();
        while v.w(end) == "slash" && v.soft(end) && end + 1 < v.toks.len() && v.soft(end + 1) && !NOT_LOCAL.contains(&v.w(end + 1)) {
            path.push('/');
            path.push_str(v.w(end + 1));
            end += 2;
        }
        push(out, v, i, end, Label::Url, None, 0.85, format!("{}{domain}{path}", if www { "www." } else { "" }));
        i = end;
    }
}

// ---------------------------------------------------------------- postcodes and streets

fn address_cue(text: &str, at: usize) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(?i)\b(?:post ?code|postal code|zip|zip code|address|live at|living at|lives at)\b").expect("valid"));
    re.is_match(crate::context::window_before(text, at, 150))
}

/// A spoken UK postcode after an address cue: "SW sixteen six JT", "AB one CB two".
fn postcodes(v: &View<'_>, out: &mut Vec<Found>) {
    #[derive(Clone, Copy, PartialEq)]
    enum U {
        L,
        N,
    }
    let letters_at = |j: usize| -> bool {
        let Some(t) = v.toks.get(j) else { return false };
        let n = t.raw.chars().count();
        t.raw.chars().all(|c| c.is_ascii_alphabetic()) && (n == 1 || (n == 2 && t.raw.chars().all(|c| c.is_ascii_uppercase())))
    };
    let mut i = 0;
    while i < v.toks.len() {
        if !letters_at(i) || !v.toks[i].raw.chars().all(|c| c.is_ascii_uppercase()) && v.toks[i].raw.len() > 1 {
            i += 1;
            continue;
        }
        let mut units: Vec<(U, usize, usize)> = Vec::new();
        let mut j = i;
        while j < v.toks.len() && (j == i || v.soft(j)) && units.len() < 6 {
            if letters_at(j) {
                units.push((U::L, j, j + 1));
                j += 1;
            } else if let Some(g) = group(v, j).filter(|g| g.value <= 99 && g.digits.len() <= 2 && !matches!(g.kind, GKind::Repeat)) {
                units.push((U::N, j, g.end));
                j = g.end;
            } else {
                break;
            }
        }
        // Trim trailing numbers that are not part of the code shape.
        while units.len() > 3 && units.last().is_some_and(|u| u.0 == U::N) && units[units.len() - 2].0 == U::N {
            units.pop();
        }
        let nl = units.iter().filter(|u| u.0 == U::L).count();
        let nn = units.len() - nl;
        let letter_chars: usize = units.iter().filter(|u| u.0 == U::L).map(|u| v.toks[u.1].raw.len()).sum();
        let shape = units.len() >= 3 && nl >= 2 && (1..=3).contains(&nn) && (3..=6).contains(&letter_chars) && units[1].0 == U::N;
        if shape && address_cue(v.text, v.start(i)) && !quantity_after(v, units.last().expect("non-empty").2) {
            let end = units.last().expect("non-empty").2;
            let canonical: String = units.iter().map(|&(_, s, e)| if e == s + 1 { v.toks[s].raw.to_ascii_uppercase() } else { group(v, s).map(|g| g.digits).unwrap_or_default() }).collect::<Vec<_>>().join("");
            push(out, v, i, end, Label::Location, Some(Subtype::Zip), 0.8, canonical);
            i = end;
        } else {
            i += 1;
        }
    }
}

const STREET_SUFFIXES: &[&str] = &[
    "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "dr", "place", "close", "way", "court", "ct", "crescent",
    "boulevard", "blvd", "terrace", "gardens", "grove", "parkway", "circle", "square", "row", "mews", "walk", "highway", "hwy", "pike",
    "trail", "gate",
];

/// "sixty two Lewin Road", "four Park Avenue": a house number said in words, a name, a street suffix.
fn streets(v: &View<'_>, out: &mut Vec<Found>) {
    for i in 0..v.toks.len() {
        if num::unit(v.w(i)).is_none() && num::teen(v.w(i)).is_none() && num::tens(v.w(i)).is_none() {
            continue;
        }
        if i > 0 && v.soft(i) && group(v, i - 1).is_some() {
            continue;
        }
        let Some(run) = run_at(v, i) else { continue };
        if run.groups.iter().any(|g| g.kind == GKind::Digits) || run.digits().len() > 5 || run.digits() == "0" {
            continue;
        }
        let mut k = run.end();
        let mut names = 0;
        while names < 3 && k < v.toks.len() && (v.soft(k)) {
            let w = v.w(k);
            if STREET_SUFFIXES.contains(&w) {
                break;
            }
            let capital = v.toks[k].raw.starts_with(|c: char| c.is_uppercase());
            if NOT_LOCAL.contains(&w) || is_quantity_word(w) || group(v, k).is_some() || !w.chars().all(char::is_alphabetic) || (!capital && names == 0 && !address_cue(v.text, v.start(i))) {
                names = 0;
                break;
            }
            names += 1;
            k += 1;
        }
        if names == 0 || k >= v.toks.len() || !STREET_SUFFIXES.contains(&v.w(k)) || !v.soft(k) {
            continue;
        }
        push(out, v, i, k + 1, Label::Location, Some(Subtype::Street), 0.75, format!("{} …", run.digits()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Label, String)> {
        normalise(text).into_iter().map(|f| (text[f.start..f.end].to_string(), f.label, f.canonical)).collect()
    }

    #[test]
    fn view_maps_words_to_bytes() {
        let v = View::new("Zoë's  ninety-nine, k-o");
        let words: Vec<&str> = v.toks.iter().map(|t| &v.text[t.start..t.end]).collect();
        assert_eq!(words, ["Zoë's", "ninety", "nine", "k", "o"]);
    }

    #[test]
    fn groups_read_digits() {
        let v = View::new("five hundred and two double four nineteen eighty two two thousand and seven");
        let g = group(&v, 0).unwrap();
        assert_eq!((g.digits.as_str(), g.end), ("502", 4));
        assert_eq!(group(&v, 4).unwrap().digits, "44");
        let run = run_at(&v, 6).unwrap();
        assert_eq!(run.digits(), "19822007");
    }

    #[test]
    fn phone_digits() {
        let got = found("my phone number is five five five, two one two, oh nine eight seven thanks");
        assert_eq!(got, vec![("five five five, two one two, oh nine eight seven".into(), Label::Phone, "5552120987".into())]);
    }

    #[test]
    fn quantities_stay() {
        for t in ["take five hundred milligrams twice", "pressure one twenty over eighty", "for two weeks", "my phone is two weeks old"] {
            assert!(found(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn issue_examples() {
        let cases: &[(&str, &str, Label, &str)] = &[
            ("my number is five five five, two one two, double four double zero", "five five five, two one two, double four double zero", Label::Phone, "5552124400"),
            ("social security last four are six two one nine", "six two one nine", Label::Ssn, "6219"),
            ("mrn is four four seven nine two one", "four four seven nine two one", Label::Mrn, "447921"),
            ("the member id is h eight two two three four five", "eight two two three four five", Label::HealthPlan, "822345"),
            ("and the zip code nine oh two one oh", "nine oh two one oh", Label::Location, "90210"),
            ("born on march third nineteen eighty two at home", "march third nineteen eighty two", Label::Date, "1982-03-03"),
            ("we met on the fourth of july", "fourth of july", Label::Date, "07-04"),
            ("date of birth oh three fourteen", "oh three fourteen", Label::Date, "03-14"),
            ("seen on three slash fourteen", "three slash fourteen", Label::Date, "03-14"),
            ("my mother she's ninety three now", "ninety three", Label::Age, "93"),
            ("the name is k-o-w-a-l-s-k-i okay", "k-o-w-a-l-s-k-i", Label::Name, "kowalski"),
            ("that's S as in Sam, M, I, T, H", "S as in Sam, M, I, T, H", Label::Name, "smith"),
            ("email is j smith at gmail dot com", "j smith at gmail dot com", Label::Email, "jsmith@gmail.com"),
            ("go to w w w dot example dot org slash portal today", "w w w dot example dot org slash portal", Label::Url, "www.example.org/portal"),
            ("It's four Park Avenue, and", "four Park Avenue", Label::Location, "4 …"),
        ];
        for (text, want, label, canonical) in cases {
            let got = found(text);
            assert_eq!(got, vec![(want.to_string(), *label, canonical.to_string())], "{text}");
        }
    }

    #[test]
    fn spoken_dates_with_year_and_cues() {
        let t = "date of birth is the twentieth of April nineteen eighty.";
        let f = normalise(t);
        assert_eq!(f.len(), 1);
        assert_eq!(&t[f[0].start..f[0].end], "twentieth of April nineteen eighty");
        assert_eq!(f[0].subtype, Some(Subtype::Birth));
        let t = "uh, six, twelve, uh, eighty. ok";
        assert!(normalise(t).is_empty(), "no cue");
        let t = "And your date of birth?\nPatient: Uh, six, twelve, uh, eighty.";
        let f = normalise(t);
        assert_eq!(&t[f[0].start..f[0].end], "six, twelve");
        assert_eq!(&t[f[1].start..f[1].end], "eighty");
        assert_eq!(f[0].canonical, "80-06-12");
        let t = "I was born on the fifth of April, uh, nineteen seventy three.";
        let spans: Vec<&str> = normalise(t).iter().map(|f| &t[f.start..f.end]).collect();
        assert_eq!(spans, ["fifth of April", "nineteen seventy three"]);
    }

    #[test]
    fn negatives() {
        for t in [
            "blood pressure was ninety over sixty",
            "oxygen saturation ninety four percent",
            "he is ninety pounds",
            "take one tablet three times a day for two weeks",
            "heart rate one twenty",
            "i may go in march",
            "she was seen in the MRI and the E K G",
            "it's a one way street",
            "i walk two miles",
            "may i ask",
            "twenty twenty vision",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn uk_postcode_after_address_cue() {
        let t = "what's your address?\nPatient: sixty two Lewin Road Streatham SW sixteen six JT.";
        let got = found(t);
        assert!(got.iter().any(|(s, l, _)| s == "SW sixteen six JT" && *l == Label::Location), "{got:?}");
        assert!(got.iter().any(|(s, _, _)| s == "sixty two Lewin Road"), "{got:?}");
    }

    #[test]
    fn a_long_dotted_run_is_no_domain_and_the_spoken_url_after_it_is_found() {
        // A domain was looked for at every word of "1.1.1…" and followed to the run's end:
        // about 1 s at 10 KB, quadratic beyond.
        for run in ["1.".repeat(15_000), "a.".repeat(15_000)] {
            let text = format!("{run} and w w w dot example dot com");
            let got = found(&text);
            assert_eq!(got, vec![("w w w dot example dot com".to_string(), Label::Url, "www.example.com".to_string())]);
        }
    }

    #[test]
    fn a_domain_read_out_with_ten_labels_is_found_whole() {
        // Nine labels and the top-level domain: within the bound.
        let text = "it is w w w dot a dot b dot c dot d dot e dot f dot g dot h dot i dot com";
        let got = found(text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].2, "www.a.b.c.d.e.f.g.h.i.com");
    }
}
