//! Dates: every date of a scope (a patient, or the whole corpus) moved by the same number of
//! days, written back in the original's format.
//!
//! The offset is drawn once per scope from the key (at most `date_shift_days` either way,
//! never 0), so the interval between any two dates of a patient survives, in every document.
//! A date is read into its parts — month (name or number), day (digits, `3rd`, "third"), year
//! (four digits, two, `'21`, "nineteen eighty two") and weekday — and each part is written
//! back where it stood, in its own style: `March 3rd` → `April 14th`, `3/3/21` → `4/14/21`,
//! `2021-03-03` → `2021-04-14`, "march third" → "april fourteenth". A partial date is
//! completed to shift it (a month and day in a reference year, a month on its 15th) and only
//! its own parts are written. A holiday becomes the shifted date's month and day; text that
//! reads as no date keeps its shape with its digits redrawn.

use super::words::{in_case_of, ordinal_day, ordinal_suffix, spoken_year};
use super::{Chooser, Rng};
use crate::detectors::spoken_numbers::{ordinal_word, teen, tens, unit};
use regex::Regex;
use std::sync::LazyLock;
use time::{Date, Duration, Month};

/// The offset of a scope: 1 to `range` days, earlier or later (`range` 0 is taken as 1).
pub fn offset(chooser: &Chooser, range: u32) -> i64 {
    let mut rng = chooser.rng("date-shift", "", 0);
    let mut days = i64::from(rng.between(1, range.max(1)));
    // A whole year (365 or 366 days) would give a month and day written without a year back
    // unchanged: move one day less.
    while days > 1 && (days % 365 == 0 || days % 366 == 0) {
        days -= 1;
    }
    if rng.below(2) == 0 {
        -days
    } else {
        days
    }
}

const MONTHS: [&str; 12] =
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// A month name or its abbreviation (3+ letters) → 1–12.
fn month_name(w: &str) -> Option<u32> {
    if w.len() < 3 {
        return None;
    }
    MONTHS.iter().position(|m| m.starts_with(w) && (w.len() >= 3)).map(|i| i as u32 + 1)
}

fn weekday_name(w: &str) -> Option<usize> {
    (w.len() >= 3).then(|| WEEKDAYS.iter().position(|d| d.starts_with(w))).flatten()
}

/// `M/D/Y`, `D.M.Y`, `Y-M-D`, `M/D`, `M/Y` anywhere in the value.
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,4})([/.-])(\d{1,4})(?:([/.-])(\d{2,4}))?\b").expect("valid pattern"));

/// A two-digit year pivots at 30: `21` is 2021, `85` is 1985.
fn full_year(two: i32) -> i32 {
    if two <= 30 {
        2000 + two
    } else {
        1900 + two
    }
}

/// A date in a reference year for a month and day written without one (2000 for 29 February,
/// a leap year; else 2001).
fn reference(month: u32, day: u32, year: Option<i32>) -> Option<Date> {
    let year = year.unwrap_or(if month == 2 && day == 29 { 2000 } else { 2001 });
    Date::from_calendar_date(year, Month::try_from(month as u8).ok()?, day as u8).ok()
}

fn shifted(date: Date, shift: i64) -> Date {
    date.checked_add(Duration::days(shift)).unwrap_or(date)
}

/// A day written padded to two digits when the original was (`03rd` is rare, `03` is not).
fn width(n: u32, original: &str) -> String {
    if original.len() == 2 && original.starts_with('0') {
        format!("{n:02}")
    } else {
        n.to_string()
    }
}

/// The value with its date moved by `shift` days (see the module comment).
pub fn replace(chooser: &Chooser, value: &str, shift: i64, attempt: u32) -> String {
    if let Some(out) = numeric(value, shift) {
        return weekdays(&out, None, shift);
    }
    if let Some(out) = worded(value, shift) {
        return out;
    }
    if let Some(out) = holiday(value, shift) {
        return out;
    }
    let mut rng = chooser.rng("date", &super::fold(value), attempt);
    redraw_digits(&mut rng, value)
}

/// Numeric dates (`3/3/21`, `03-03-2021`, `2021-03-03`, `14.03.2021`, `3/3`, `3/2021`).
fn numeric(value: &str, shift: i64) -> Option<String> {
    let c = NUMERIC.captures(value)?;
    let (a, b) = (c.get(1)?, c.get(3)?);
    let (na, nb): (u32, u32) = (a.as_str().parse().ok()?, b.as_str().parse().ok()?);
    let third = c.get(5);
    if third.is_some() && b.as_str().len() > 2 {
        return None;
    }
    let dot = &c[2] == ".";
    // Padded fields (`03/03`) are written padded; `12/31` says nothing, so is written as is.
    let padded = [Some(a), Some(b)].iter().flatten().any(|f| f.as_str().len() == 2 && f.as_str().starts_with('0'));
    // Which field is which: (year, month, day) as indices 0 = a, 1 = b, 2 = c.
    let (y, m, d): (Option<usize>, usize, Option<usize>) = match third {
        _ if a.as_str().len() == 4 => (Some(0), 1, third.map(|_| 2)),
        Some(_) if dot || na > 12 => (Some(2), 1, Some(0)),
        Some(_) => (Some(2), 0, Some(1)),
        None if b.as_str().len() == 4 => (Some(1), 0, None),
        None if na > 12 && nb <= 12 => (None, 1, Some(0)),
        None => (None, 0, Some(1)),
    };
    let field = |i: usize| [Some(a), Some(b), third][i].expect("field exists");
    let num = |i: usize| field(i).as_str().parse::<i32>().ok();
    let year_text = y.map(|i| field(i).as_str());
    let year = match year_text {
        Some(t) if t.len() == 2 => Some(full_year(num(y?)?)),
        Some(_) => Some(num(y?)?),
        None => None,
    };
    let month = num(m)? as u32;
    let day = match d {
        Some(i) => num(i)? as u32,
        None => 15,
    };
    let date = reference(month, day, year)?;
    let new = shifted(date, shift);
    let mut parts = [a.as_str().to_string(), b.as_str().to_string(), third.map_or(String::new(), |t| t.as_str().to_string())];
    let write = |n: u8| if padded { format!("{n:02}") } else { n.to_string() };
    parts[m] = write(u8::from(new.month()));
    if let Some(i) = d {
        parts[i] = write(new.day());
    }
    if let (Some(i), Some(t)) = (y, year_text) {
        parts[i] = if t.len() == 2 { format!("{:02}", new.year().rem_euclid(100)) } else { new.year().to_string() };
    }
    let mut out = String::with_capacity(value.len());
    out.push_str(&value[..a.start()]);
    out.push_str(&parts[0]);
    out.push_str(&c[2]);
    out.push_str(&parts[1]);
    if let (Some(s2), Some(_)) = (c.get(4), third) {
        out.push_str(s2.as_str());
        out.push_str(&parts[2]);
    }
    out.push_str(&value[c.get(0)?.end()..]);
    Some(out)
}

/// A word of the value with its byte range.
struct Tok<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    lower: String,
}

fn tokens(value: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in value.char_indices().chain(std::iter::once((value.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Tok { start: s, end: i, text: &value[s..i], lower: value[s..i].to_lowercase() });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether a word belongs to a number said aloud.
fn number_word(w: &str) -> bool {
    unit(w).is_some() || teen(w).is_some() || tens(w).is_some() || matches!(w, "thousand" | "hundred" | "and")
}

/// A year said aloud: "nineteen eighty two", "twenty twenty one", "nineteen oh five",
/// "two thousand (and) five".
fn spoken_year_value(words: &[&str]) -> Option<i32> {
    let mut groups: Vec<u32> = Vec::new();
    let mut i = 0;
    let thousand = words.iter().position(|w| *w == "thousand");
    if let Some(t) = thousand {
        let head = unit(words.first()?)?;
        let tail: Vec<&str> = words[t + 1..].iter().copied().filter(|w| *w != "and").collect();
        let rest = if tail.is_empty() { 0 } else { two_digit(&tail)?.0 };
        return (t == 1).then_some((head * 1000 + rest) as i32);
    }
    while i < words.len() {
        let (n, used) = two_digit(&words[i..])?;
        groups.push(n);
        i += used;
    }
    match groups[..] {
        [hi, lo] if (10..=20).contains(&hi) => Some((hi * 100 + lo) as i32),
        _ => None,
    }
}

/// A two-digit year said aloud ("ninety two", "oh eight"): the year, and whether it began
/// with a spoken zero.
fn spoken_two_digit_year(words: &[&str]) -> Option<(i32, bool)> {
    let (n, used) = two_digit(words)?;
    let zero = matches!(words[0], "oh" | "o");
    (used == words.len() && (zero || n >= 10)).then(|| (full_year(n as i32), zero))
}

/// A number under 100 at the start of `words`, and how many words it took.
fn two_digit(words: &[&str]) -> Option<(u32, usize)> {
    let w = *words.first()?;
    if w == "oh" || w == "o" {
        return Some((unit(words.get(1)?)?, 2));
    }
    if w == "hundred" {
        return Some((0, 1));
    }
    if let Some(t) = teen(w) {
        return Some((t, 1));
    }
    if let Some(t) = tens(w) {
        return match words.get(1).and_then(|n| unit(n)).filter(|&u| u > 0) {
            Some(u) => Some((t + u, 2)),
            None => Some((t, 1)),
        };
    }
    unit(w).map(|u| (u, 1))
}

/// How a date's part was written, for writing the new one alike.
enum Part {
    Month { tok: usize },
    Day { tok: usize, suffix: bool },
    DayWord { from: usize, to: usize },
    Year4 { tok: usize },
    Year2 { tok: usize },
    YearWords { from: usize, to: usize },
    /// "ninety two", "oh eight" (`zero`: said with its zero).
    YearTwoWords { from: usize, to: usize, zero: bool },
}

/// Dates with a month name, a day ordinal or a spoken year ("March 3rd, 2021",
/// "3 Mar '21", "the fourth of july", "march third nineteen eighty two").
fn worded(value: &str, shift: i64) -> Option<String> {
    let toks = tokens(value);
    let mut parts = Vec::new();
    let (mut month, mut day, mut year) = (None, None, None);
    let mut i = 0;
    while i < toks.len() {
        let w = toks[i].lower.as_str();
        let next = toks.get(i + 1).map(|t| t.lower.as_str());
        if let (Some(m), None) = (month_name(w), month) {
            month = Some(m);
            parts.push(Part::Month { tok: i });
        } else if let (Some(t), Some(o)) = (tens(w), next.and_then(ordinal_word).filter(|&o| o < 10)) {
            if day.is_none() && t <= 30 {
                day = Some(t + o);
                parts.push(Part::DayWord { from: i, to: i + 1 });
                i += 1;
            }
        } else if let Some(o) = ordinal_word(w).filter(|_| day.is_none()) {
            day = Some(o);
            parts.push(Part::DayWord { from: i, to: i });
        } else if w.bytes().all(|b| b.is_ascii_digit()) && w.len() == 4 && year.is_none() {
            year = w.parse::<i32>().ok();
            parts.push(Part::Year4 { tok: i });
        } else if w.bytes().all(|b| b.is_ascii_digit()) && w.len() == 2 && value[..toks[i].start].ends_with(['\'', '’']) {
            year = Some(full_year(w.parse().ok()?));
            parts.push(Part::Year2 { tok: i });
        } else if let Some(d) = crate::detectors::spoken_numbers::written_ordinal(w)
            .or_else(|| (w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit())).then(|| w.parse().ok()).flatten())
            .filter(|d| (1..=31).contains(d) && day.is_none())
        {
            day = Some(d);
            parts.push(Part::Day { tok: i, suffix: !w.bytes().all(|b| b.is_ascii_digit()) });
        } else if number_word(w) && year.is_none() {
            let end = (i..toks.len()).take_while(|&k| number_word(&toks[k].lower)).last().unwrap_or(i);
            let words: Vec<&str> = toks[i..=end].iter().map(|t| t.lower.as_str()).collect();
            if let Some(y) = spoken_year_value(&words) {
                year = Some(y);
                parts.push(Part::YearWords { from: i, to: end });
                i = end;
            } else if let Some((y, zero)) = spoken_two_digit_year(&words) {
                year = Some(y);
                parts.push(Part::YearTwoWords { from: i, to: end, zero });
                i = end;
            }
        }
        i += 1;
    }
    if month.is_none() && day.is_none() && year.is_none() {
        return None;
    }
    let date = reference(month.unwrap_or(7), day.unwrap_or(15), year).or_else(|| reference(month.unwrap_or(1), 28, year))?;
    let mut new = shifted(date, shift);
    // A year alone, or a month alone, that the shift leaves where it was would be written as
    // the original: it moves one year (or month) the shift's way instead, the same for every
    // such value of the group.
    let step: i32 = if shift < 0 { -1 } else { 1 };
    if day.is_none() && month.is_none() && new.year() == date.year() {
        new = new.replace_year(date.year() + step).unwrap_or(new);
    } else if day.is_none() && year.is_none() && new.month() == date.month() {
        new = shifted(date, 31 * i64::from(step));
    }
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for p in &parts {
        match *p {
            Part::Month { tok } => {
                let t = &toks[tok];
                let name = MONTHS[usize::from(u8::from(new.month())) - 1];
                let abbreviated = t.lower.len() < name.len().min(MONTHS[month? as usize - 1].len());
                let len = if t.lower == "sept" && name == "september" { 4 } else { 3 };
                let written = if abbreviated { &name[..len] } else { name };
                edits.push((t.start, t.end, in_case_of(t.text, written)));
            }
            Part::Day { tok, suffix } => {
                let t = &toks[tok];
                let d = u32::from(new.day());
                let digits: String = t.text.chars().take_while(char::is_ascii_digit).collect();
                let mut s = width(d, &digits);
                if suffix {
                    s.push_str(&in_case_of(&t.text[digits.len()..], ordinal_suffix(d)));
                }
                edits.push((t.start, t.end, s));
            }
            Part::DayWord { from, to } => {
                let joiner = if from == to { " " } else { &value[toks[from].end..toks[to].start] };
                edits.push((toks[from].start, toks[to].end, in_case_of(toks[from].text, &ordinal_day(new.day().into(), joiner))));
            }
            Part::Year4 { tok } => edits.push((toks[tok].start, toks[tok].end, new.year().to_string())),
            Part::Year2 { tok } => edits.push((toks[tok].start, toks[tok].end, format!("{:02}", new.year().rem_euclid(100)))),
            Part::YearTwoWords { from, to, zero } => {
                let yy = new.year().rem_euclid(100) as u32;
                let last = toks[to].text;
                let said = match yy {
                    0..=9 => {
                        let zero_word = if zero { toks[from].text } else { "oh" };
                        format!("{zero_word} {}", in_case_of(last, super::words::digit_word(yy as u8)))
                    }
                    _ => in_case_of(last, &super::words::under_hundred(yy)),
                };
                edits.push((toks[from].start, toks[to].end, said))
            }
            Part::YearWords { from, to } => {
                edits.push((toks[from].start, toks[to].end, in_case_of(toks[from].text, &spoken_year(new.year()))))
            }
        }
    }
    let out = apply(value, edits);
    Some(weekdays(&out, Some(new), shift))
}

/// Weekday names, moved with the date (or by the shift when the date is unknown).
fn weekdays(value: &str, date: Option<Date>, shift: i64) -> String {
    let toks = tokens(value);
    let edits = toks
        .iter()
        .filter_map(|t| {
            let old = weekday_name(&t.lower)?;
            let new = match date {
                Some(d) => d.weekday().number_days_from_monday() as usize,
                None => (old as i64 + shift).rem_euclid(7) as usize,
            };
            let name = WEEKDAYS[new];
            let written = if t.lower.len() < WEEKDAYS[old].len() { &name[..3] } else { name };
            Some((t.start, t.end, in_case_of(t.text, written)))
        })
        .collect();
    apply(value, edits)
}

fn apply(value: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(value.len() + 8);
    let mut pos = 0;
    for (s, e, text) in edits {
        if s < pos {
            continue;
        }
        out.push_str(&value[pos..s]);
        out.push_str(&text);
        pos = e;
    }
    out.push_str(&value[pos..]);
    out
}

/// Holidays with a fixed (or usual) date, written back as the shifted month and day.
fn holiday(value: &str, shift: i64) -> Option<String> {
    let lower = value.to_lowercase();
    let (m, d) = [
        ("christmas eve", (12, 24)),
        ("christmas", (12, 25)),
        ("new year's eve", (12, 31)),
        ("new years eve", (12, 31)),
        ("new year", (1, 1)),
        ("halloween", (10, 31)),
        ("independence day", (7, 4)),
        ("valentine", (2, 14)),
        ("thanksgiving", (11, 25)),
        ("memorial day", (5, 28)),
        ("labor day", (9, 3)),
    ]
    .into_iter()
    .find(|(name, _)| lower.contains(name))?
    .1;
    let new = shifted(reference(m, d, None)?, shift);
    let name = MONTHS[usize::from(u8::from(new.month())) - 1];
    Some(in_case_of(value, &format!("{name} {}{}", new.day(), ordinal_suffix(new.day().into()))))
}

/// Digits redrawn, everything else kept: for text that reads as no date.
fn redraw_digits(rng: &mut Rng, value: &str) -> String {
    value.chars().map(|c| if c.is_ascii_digit() { char::from(b'0' + rng.below(10) as u8) } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surrogate::SurrogateKey;

    fn shift(value: &str, days: i64) -> String {
        let c = Chooser { key: SurrogateKey::new(b"dates test key, long enough").unwrap(), scope: String::new() };
        replace(&c, value, days, 0)
    }

    #[test]
    fn numeric_dates_keep_their_format() {
        assert_eq!(shift("3/3/21", 42), "4/14/21");
        assert_eq!(shift("03/03/2021", 42), "04/14/2021");
        assert_eq!(shift("2021-03-03", 42), "2021-04-14");
        assert_eq!(shift("2021-03-03 11:34", -3), "2021-02-28 11:34");
        assert_eq!(shift("14.03.2021", 1), "15.03.2021");
        assert_eq!(shift("12/31/1999", 1), "1/1/2000");
        assert_eq!(shift("12/31/99", 1), "1/1/00");
        assert_eq!(shift("3/3", 42), "4/14");
        assert_eq!(shift("3/2021", 30), "4/2021");
    }

    #[test]
    fn worded_dates_keep_their_style() {
        assert_eq!(shift("March 3rd", 42), "April 14th");
        assert_eq!(shift("March 3, 2021", 42), "April 14, 2021");
        assert_eq!(shift("3 Mar '21", 42), "14 Apr '21");
        assert_eq!(shift("Wednesday, March 3, 2021", 1), "Thursday, March 4, 2021");
        assert_eq!(shift("MARCH 2021", 31), "APRIL 2021");
        assert_eq!(shift("the 3rd of March", -3), "the 28th of February");
        assert_eq!(shift("Sept. 30", 1), "Oct. 1");
    }

    #[test]
    fn spoken_dates_stay_spoken() {
        assert_eq!(shift("march third nineteen eighty two", 42), "april fourteenth nineteen eighty two");
        assert_eq!(shift("the fourth of july", 1), "the fifth of july");
        assert_eq!(shift("december thirty-first nineteen ninety nine", 1), "january first two thousand");
        assert_eq!(shift("june twenty first", 1), "june twenty second");
        assert_eq!(shift("may fifth twenty twenty one", -5), "april thirtieth twenty twenty one");
        assert_eq!(shift("August O eight", 31), "September O eight");
        assert_eq!(shift("nineteen ninety three", 20), "nineteen ninety four", "a year alone moves a year");
        assert_eq!(shift("ninety two", -400), "ninety one");
        assert_eq!(shift("in August", 5), "in September", "a month alone moves a month");
    }

    #[test]
    fn holidays_and_unreadable_dates() {
        assert_eq!(shift("Christmas", 7), "January 1st");
        let odd = shift("Q3 2019", 7);
        assert!(odd.starts_with('Q') && odd.len() == 7 && odd != "Q3 2019", "{odd}");
    }

    #[test]
    fn offsets_stay_in_range_and_are_never_zero() {
        for n in 0..200 {
            let c = Chooser { key: SurrogateKey::new(format!("offset key number {n:04}").as_bytes()).unwrap(), scope: String::new() };
            let o = offset(&c, 10);
            assert!(o != 0 && o.abs() <= 10, "{o}");
        }
    }
}
