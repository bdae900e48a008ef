//! Contact identifiers: telephone and fax numbers, email addresses, URLs, IP addresses.
//!
//! Each detector runs one regex that finds candidates, then small pure
//! functions judge the candidate's shape and the cue words around it:
//! "call me at 482 1177" is a phone number, "take 5000 units" is not.

use super::{Detector, Document};
use crate::context::{window_after, window_before};
use crate::error::Result;
use crate::span::{Label, Source, Span};
use regex::Regex;
use std::net::Ipv6Addr;
use std::sync::LazyLock;

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex
/// engine give up its fast DFA on any non-ASCII text, and identifiers are ASCII.
pub(super) fn fast_regex(pattern: &str) -> std::result::Result<Regex, regex::Error> {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)"))
}

/// The detectors of this module, ready to run.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(PhoneDetector), Box::new(EmailDetector), Box::new(UrlDetector), Box::new(IpDetector)]
}

// ---------------------------------------------------------------------------
// Phone and fax
// ---------------------------------------------------------------------------

/// A run of digit groups that may be a phone number: an optional `+`, groups
/// of digits (any of them in parentheses), single separators between them,
/// an optional extension. Deliberately loose; `judge_phone` decides.
static PHONE_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?x)
        (?: \+ \ ? )?                          # international prefix: +1, +44
        \(? \d+ \)?                            # first group: 0490, (310), (0)
        (?: [\ .\-/]? \(? \d+ \)? )*           # more groups, one separator each (none next to a parenthesis)
        (?: \ ? (?i: x | ext\.? | extension ) \ ? \d{1,6} \b )?   # extension: x123, ext. 12
        ",
    )
    .expect("phone candidate regex")
});

/// Cue words before a number, by what they announce. The last one before a
/// candidate decides: a fax cue makes it FAX, an identifier cue (MRN, SSN,
/// account, …) leaves it to the identifier detectors.
static PHONE_CUES: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
        (?P<fax> \b(?: fax | facsimile | telefax ) | \bf \s* : )
        | (?P<phone> \b(?: phone | telephone | tel | ph | call(?:ed|ing)? | cell(?:phone)? | mobile | mob
            | reach(?:ed)? | contact | text | txt | pager | beeper | desk | office | home | work
            | landline | dial | whatsapp | hotline | messages? | answering | registered | extension | ext )\b
            | \bp \s* : )
        | (?P<generic> \b(?: number | no | num )\b | \# )   # says what the previous cue word counts
        | (?P<other> \b(?: mrn | medical\ record | record | chart | ssn | social\ security | ss\# | account | acct
            | card | policy | member | subscriber | insurance | plan | medicare | medicaid | id | license | licence
            | npi | dea | serial | claim | case | iban | routing | ref | reference | badge | employee | dl )\b )
        ",
    )
    .expect("phone cue regex")
});

/// Words right after a number that say it is a phone number: "-Office", "(cell)".
static PHONE_CUES_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(r"(?i)^[\s\-(,]{0,3}(?:office|mobile|cell|home|work|desk|phone|tel|fax)\b").expect("phone after-cue regex")
});

/// The length of a phone label ("-Office", " mobile", "\nFax") opening `s`, if one does.
pub(crate) fn phone_label_len(s: &str) -> Option<usize> {
    PHONE_CUES_AFTER.find(s).map(|m| m.end())
}

/// Units and words after a number that make it a measurement or an amount.
static UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?i)^\s?(?:%|mg|mcg|µg|g|kg|ml|l|dl|units?|iu|meq|mmol|mmhg|cm|mm|m|km|lbs?|oz|bpm|cells|copies|hours?|hrs?|days?|years?|dollars|usd|\$)\b",
    )
    .expect("unit regex")
});

/// Short numbers that are phone numbers by their cue alone: pagers ("pager 41234",
/// "beeper #2-3344") and extensions ("ext. 4321", "x4321").
static PAGER: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
        \b (?: pager | beeper | pgr | bpr | ext\.? | extension ) \s* (?: \# | no\.? | number )? \s* :? \s*
        (?P<num> \d{1,3}-?\d{2,4} ) \b
        | (?-i: \s x (?P<x> \d{4,5} ) \b )
        ",
    )
    .expect("pager regex")
});

/// Strength of a phone-number shape, before cues: the score it gets on its own.
const PHONE_STRONG: f32 = 0.85;
const PHONE_MEDIUM: f32 = 0.55;
const PHONE_WEAK_MEDIUM: f32 = 0.45;
const PHONE_WEAK: f32 = 0.35;
/// What a phone cue adds.
const CUE_BONUS: f32 = 0.3;

/// One digit group of a phone candidate: byte range (parentheses included) and digit count.
#[derive(Clone, Copy, Debug)]
struct Group {
    start: usize,
    end: usize,
    digits: usize,
    paren: bool,
    /// The separator before this group (`None` for the first or when none).
    sep: Option<u8>,
}

/// Splits a phone candidate (`cand`, starting at byte `base` of the text) into
/// digit groups, and finds where a trailing extension ("x123", "ext. 12") ends.
/// A stray parenthesis ends the number: "(Phone: 555-123-4567)" keeps its ")".
fn phone_groups(cand: &str, base: usize) -> (Vec<Group>, Option<usize>) {
    let b = cand.as_bytes();
    let mut groups = Vec::new();
    let mut i = 0;
    let mut sep = None;
    while i < b.len() {
        match b[i] {
            b'+' => i += 1,
            b' ' | b'.' | b'-' | b'/' => {
                sep = Some(b[i]);
                i += 1;
            }
            b'(' | b'0'..=b'9' => {
                let open = b[i] == b'(';
                let ds = i + usize::from(open);
                let mut k = ds;
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                let close = k < b.len() && b[k] == b')';
                if open && !close && k > ds && groups.is_empty() {
                    // "(508-555-4024)": the parenthesis opens around the whole number, not around
                    // an area code; read on, and its ")" ends the number below.
                    groups.push(Group { start: base + ds, end: base + k, digits: k - ds, paren: false, sep });
                    sep = None;
                    i = k;
                    continue;
                }
                if k == ds || open != close {
                    // "(0157" or "4567)": keep the digits, drop the stray parenthesis, stop.
                    if k > ds {
                        groups.push(Group { start: base + ds, end: base + k, digits: k - ds, paren: false, sep });
                    }
                    return (groups, None);
                }
                let end = if close { k + 1 } else { k };
                groups.push(Group { start: base + i, end: base + end, digits: k - ds, paren: open, sep });
                sep = None;
                i = end;
            }
            _ => break,
        }
    }
    // What is left is an extension when it is one: "x123", " ext. 12".
    let rest_start = groups.last().map_or(0, |g| g.end - base);
    let ext = EXTENSION.is_match(&cand[rest_start..]).then_some(base + cand.len());
    (groups, ext)
}

/// An extension after the number, the whole rest of a candidate.
static EXTENSION: LazyLock<Regex> =
    LazyLock::new(|| fast_regex(r"(?i)^\ ?(?:x|ext\.?|extension)\ ?\d{1,6}$").expect("extension regex"));

/// Whether the groups read as a calendar date (2021-03-14, 03.14.2021, 14-03-21).
fn looks_like_date(g: &[Group], text: &str) -> bool {
    if g.len() != 3 || g.iter().any(|x| x.paren) || g[1].sep != g[2].sep || g[1].sep == Some(b' ') {
        return false;
    }
    let n = |x: &Group| text[x.start..x.end].parse::<u32>().unwrap_or(0);
    let (a, b, c) = (n(&g[0]), n(&g[1]), n(&g[2]));
    let year = |y: u32, d: usize| (d == 4 && (1900..=2099).contains(&y)) || d == 2;
    let md = |m: u32, d: u32| (1..=12).contains(&m) && (1..=31).contains(&d) || (1..=31).contains(&m) && (1..=12).contains(&d);
    (g[0].digits == 4 && year(a, 4) && g[1].digits <= 2 && g[2].digits <= 2 && md(b, c))
        || (g[0].digits <= 2 && g[1].digits <= 2 && year(c, g[2].digits) && md(a, b))
}

/// The score a run of groups earns by its shape alone; `None` when it is no phone number.
fn judge_phone(g: &[Group], plus: bool, text: &str) -> Option<f32> {
    let d: usize = g.iter().map(|x| x.digits).sum();
    let n = g.len();
    let sizes: Vec<usize> = g.iter().map(|x| x.digits).collect();
    let seps: Vec<u8> = g[1..].iter().map(|x| x.sep.unwrap_or(b'_')).collect();
    let consistent = seps.windows(2).all(|w| w[0] == w[1]) && !seps.contains(&b'_');
    let first_digit = text.as_bytes()[g[0].start + usize::from(g[0].paren)];

    if !(7..=15).contains(&d) || looks_like_date(g, text) {
        return None;
    }
    // Slashes join a date's or a reading's parts far more often than a phone's: only the
    // North American shape is a phone with them ("201/324/1423").
    if seps.contains(&b'/') && !(sizes == [3, 3, 4] && consistent) {
        return None;
    }
    // Dotted quads are IP addresses; 3-2-4 is a social security number.
    if n == 4 && seps.iter().all(|&s| s == b'.') && sizes.iter().all(|&s| s <= 3) {
        return None;
    }
    if !plus && sizes == [3, 2, 4] {
        return None;
    }
    // ZIP+4: 02115-1234.
    if sizes == [5, 4] && seps[0] == b'-' {
        return None;
    }
    if plus {
        return (8..=15).contains(&d).then_some(PHONE_STRONG);
    }
    // An international call prefix written out: 001-415-555-0132, 011 44 20 7946 0958.
    let head = &text[g[0].start..g[0].end];
    if n >= 3 && (head == "00" || head.starts_with("001") || head == "011") && (10..=15).contains(&d) {
        return Some(PHONE_STRONG);
    }
    // North American: (310) 555-1234, 555-123-4567, 555.123.4567, 1 555 123 4567.
    if (sizes == [3, 3, 4] && (g[0].paren || seps[0] != b'_')) || (sizes == [1, 3, 3, 4] && first_digit == b'1') {
        return Some(PHONE_STRONG);
    }
    if sizes == [3, 4] && seps[0] == b'-' && !g[0].paren {
        return Some(PHONE_WEAK_MEDIUM); // 555-1234: a local number, or a code
    }
    // A parenthesised area code: (36) 455-912, (71) 4233-6306.
    if g[0].paren && n >= 2 && (2..=4).contains(&g[0].digits) && (7..=12).contains(&d) {
        return Some(PHONE_STRONG);
    }
    if n == 1 {
        // Unseparated: 5551234567 on its own; 7 or 8 digits only with a cue.
        return match d {
            10 if first_digit != b'0' => Some(PHONE_MEDIUM),
            11 if first_digit == b'0' || first_digit == b'1' => Some(PHONE_WEAK_MEDIUM),
            7..=10 => Some(PHONE_WEAK), // 0123456789, 912345678, 12345678: only with a cue
            _ => None,
        };
    }
    // A trunk prefix: 07700 900 461, 0471 22 38 90, 01.42.68.53.00.
    if first_digit == b'0' && (9..=12).contains(&d) && sizes.iter().all(|&s| s >= 2) {
        return Some(PHONE_STRONG);
    }
    if !consistent {
        return (d <= 12).then_some(PHONE_WEAK);
    }
    // Pairs: 61-42-77-30, 01 84 17 61 18.
    if n >= 4 && sizes.iter().all(|&s| s == 2) {
        return Some(0.6);
    }
    match d {
        9..=12 if sizes.iter().all(|&s| s >= 2) => Some(PHONE_MEDIUM),
        7 | 8 => Some(PHONE_WEAK),
        _ => Some(PHONE_WEAK),
    }
}

/// What the cue words around a number say it is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PhoneCue {
    None,
    Phone,
    Fax,
    Other,
}

/// The last cue within 30 characters before `start` (or a phone word right after `end`).
fn phone_cue(text: &str, start: usize, end: usize) -> PhoneCue {
    let before = window_before(text, start, 30);
    let mut cue = PhoneCue::None;
    let kind = |c: &regex::Captures<'_>| {
        if c.name("fax").is_some() {
            PhoneCue::Fax
        } else if c.name("phone").is_some() {
            PhoneCue::Phone
        } else if c.name("other").is_some() {
            PhoneCue::Other
        } else {
            PhoneCue::None // "number", "no", "#": generic
        }
    };
    let found: Vec<regex::Captures<'_>> = PHONE_CUES.captures_iter(before).collect();
    if let Some(last) = found.last() {
        cue = kind(last);
        // "number", "#" take the kind of the cue word right before them ("policy number",
        // "fax #", "phone number"); alone they mean a phone number ("my number is …").
        if cue == PhoneCue::None {
            let prev = found.len().checked_sub(2).map(|i| &found[i]);
            let joined = |p: &regex::Captures<'_>| {
                let (a, b) = (p.get(0).map_or(0, |m| m.end()), last.get(0).map_or(0, |m| m.start()));
                a <= b && before[a..b].trim_matches([' ', '.', ':']).is_empty()
            };
            cue = match prev {
                Some(p) if joined(p) && kind(p) != PhoneCue::None => kind(p),
                _ => PhoneCue::Phone,
            };
        }
    } else {
        // "at", "on", "to" only right before the number: "call me at (555)…", "reach her on 0490…".
        let near = window_before(text, start, 6).to_ascii_lowercase();
        let near = near.trim_end_matches([' ', ':']);
        if near.ends_with(" at") || near.ends_with(" on") || near.ends_with(" to") || near == "at" {
            cue = PhoneCue::Phone;
        }
    }
    let after_cue = PHONE_CUES_AFTER.find(window_after(text, end, 14));
    // "555-1234 Fax: 555-1235", "555-1234 (fax 555-1235)": a cue followed by a colon
    // or a number names the next number, not this one.
    let names_next = after_cue.is_some_and(|c| {
        let rest = text[end + c.end()..].trim_start_matches([' ', '#', '.']);
        rest.starts_with([':', '+', '(']) || rest.starts_with(|ch: char| ch.is_ascii_digit())
    });
    if cue != PhoneCue::Fax && after_cue.is_some() && !names_next {
        let after = window_after(text, end, 14).to_ascii_lowercase();
        cue = if after.trim_start_matches([' ', '-', '(', ',']).starts_with("fax") { PhoneCue::Fax } else { PhoneCue::Phone };
    }
    cue
}

/// Whether the match at `start..end` is glued to a longer token (a code, a decimal, a date, a time).
fn glued(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let before2 = text[..start].chars().rev().nth(1);
    let after = text[end..].chars().next();
    let after2 = text[end..].chars().nth(1);
    let is_an = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    if is_an(before) || is_an(after) {
        return true;
    }
    // ST-998877, v1.2, 120/80, 10:30, 3,000,000
    if matches!(before, Some('-' | '.' | '/' | ':' | ',')) && is_an(before2) {
        return true;
    }
    matches!(after, Some('/' | ':' | ',' | '.' | '-')) && after2.is_some_and(|c| c.is_ascii_digit())
}

/// The most digits a phone number holds (E.164): no run of groups with more is a candidate.
const MAX_PHONE_DIGITS: usize = 15;

/// The runs of `groups` read as phone numbers, in text order: the best-shaped run wins,
/// then the groups left on either side of it are searched again, so "2021 555-123-4567"
/// yields the phone number and leaves the year.
///
/// Any run that passes alone beats a weak one; among those, the longest wins ("21 377 514
/// 9062" whole, not its "284 698 2548"), then the first. Picking the best run of a range and
/// recursing into what is left is the same as taking every run in that order unless it
/// overlaps one already taken; and since a run holds at most [`MAX_PHONE_DIGITS`] digits,
/// there are at most that many runs per group, so a long run of digit groups ("1.1.1…",
/// "1 1 1 …") costs time in proportion to its length, not to its fourth power.
fn phone_runs(groups: &[Group], plus: bool, text: &str) -> Vec<(usize, usize, f32)> {
    let mut runs = Vec::new();
    for i in 0..groups.len() {
        let mut digits = 0;
        for j in i + 1..=groups.len() {
            digits += groups[j - 1].digits;
            if digits > MAX_PHONE_DIGITS {
                break;
            }
            if let Some(shape) = judge_phone(&groups[i..j], plus && i == 0, text) {
                runs.push((i, j, shape));
            }
        }
    }
    let rank = |&(i, j, s): &(usize, usize, f32)| (s >= PHONE_MEDIUM, j - i, s);
    // Best first; `sort_by` is stable, so among equals the first in the text stays first.
    runs.sort_by(|a, b| rank(b).partial_cmp(&rank(a)).unwrap_or(std::cmp::Ordering::Equal));
    let mut taken = vec![false; groups.len()];
    let mut chosen = Vec::new();
    for (i, j, shape) in runs {
        if !taken[i..j].iter().any(|&t| t) {
            taken[i..j].iter_mut().for_each(|t| *t = true);
            chosen.push((i, j, shape));
        }
    }
    chosen.sort_by_key(|&(i, _, _)| i);
    chosen
}

struct PhoneDetector;

impl PhoneDetector {
    fn emit(&self, text: &str, start: usize, end: usize, shape: f32, out: &mut Vec<Span>) {
        if glued(text, start, end) || UNIT_AFTER.is_match(&text[end..]) {
            return;
        }
        let (label, score) = match phone_cue(text, start, end) {
            PhoneCue::Other => return, // "MRN 1234-5678": the identifier detectors' business
            PhoneCue::Fax => (Label::Fax, (shape + CUE_BONUS).min(0.97)),
            PhoneCue::Phone => (Label::Phone, (shape + CUE_BONUS).min(0.97)),
            PhoneCue::None => (Label::Phone, shape),
        };
        out.push(Span::new(start, end, label, score, Source::Pattern));
    }
}

impl Detector for PhoneDetector {
    fn name(&self) -> &'static str {
        "phone"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        for m in PHONE_CANDIDATE.find_iter(text) {
            let cand = m.as_str();
            if cand.bytes().filter(u8::is_ascii_digit).count() < 7 {
                continue; // cheap prefilter: most numbers in clinical text are short
            }
            let (groups, ext_end) = phone_groups(cand, m.start());
            if groups.is_empty() {
                continue;
            }
            let plus = cand.starts_with('+');
            for (i, j, shape) in phone_runs(&groups, plus, text) {
                let run = &groups[i..j];
                let start = if plus && i == 0 { m.start() } else { run[0].start };
                let mut end = run[run.len() - 1].end;
                if let (true, Some(e)) = (j == groups.len(), ext_end) {
                    end = e; // the extension
                }
                self.emit(text, start, end, shape, out);
            }
        }
        for c in PAGER.captures_iter(text) {
            let Some(num) = c.name("num").or_else(|| c.name("x")) else { continue };
            if num.as_str().bytes().filter(u8::is_ascii_digit).count() >= 4 && !glued(text, num.start(), num.end()) {
                out.push(Span::new(num.start(), num.end(), Label::Phone, 0.8, Source::Pattern));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------

/// local-part@domain.tld
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
        [\p{L}\p{N}] [\p{L}\p{N}._%+\-]*                      # local part (internationalised too: zoë@…)
        @
        [\p{L}\p{N}] (?: [\p{L}\p{N}\-]* [\p{L}\p{N}] )?       # first domain label
        (?: \. [\p{L}\p{N}] (?: [\p{L}\p{N}\-]* [\p{L}\p{N}] )? )*   # more labels
        \. [a-z]{2,24} \b                                     # top-level domain
        ",
    )
    .expect("email regex")
});

fn find_emails(text: &str) -> Vec<(usize, usize)> {
    if !text.contains('@') {
        return Vec::new();
    }
    EMAIL
        .find_iter(text)
        .filter(|m| !text[..m.start()].ends_with(|c: char| c.is_alphanumeric()))
        .map(|m| (m.start(), m.end()))
        .collect()
}

struct EmailDetector;

impl Detector for EmailDetector {
    fn name(&self) -> &'static str {
        "email"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        for (s, e) in find_emails(doc.text) {
            out.push(Span::new(s, e, Label::Email, 0.97, Source::Pattern));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// URL
// ---------------------------------------------------------------------------

/// URLs with a scheme, with `www.`, or bare domains under a common top-level domain.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r#"(?ix)
        \b (?:
            (?: https? | ftp ) :// [^\s<>"'`]+                   # with a scheme
          | www \. [a-z0-9\-]+ \. [^\s<>"'`]+                     # www.
          | (?P<bare>                                             # bare domain, common TLDs only
                [a-z0-9] (?: [a-z0-9\-]{0,61} [a-z0-9] )?
                (?: \. [a-z0-9] (?: [a-z0-9\-]{0,61} [a-z0-9] )? )*
                \. (?: com | org | net | edu | gov | mil | info | biz | io | health | care | clinic | app )
                (?: \. [a-z]{2} )? \b
                (?: / [^\s<>"'`]* )?
            )
        )
        "#,
    )
    .expect("url regex")
});

/// Trims sentence punctuation off a URL's end, keeping a `)` that closes a `(` inside it.
/// The brackets are counted once and the count kept as the end moves, so a URL ending in
/// many ")" costs its length, not its length squared.
fn trim_url_end(url: &str) -> &str {
    let mut u = url;
    let open = u.matches('(').count();
    let mut close = u.matches(')').count();
    loop {
        let Some(last) = u.chars().next_back() else { return u };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | ']' | '}' => true,
            ')' => open < close,
            _ => false,
        };
        if !drop {
            return u;
        }
        if last == ')' {
            close -= 1;
        }
        u = &u[..u.len() - last.len_utf8()];
    }
}

/// Whether `start..end` overlaps one of `spans` (sorted by start, disjoint): a binary search,
/// so that a text of many e-mail addresses is not scanned once per URL.
fn overlaps_any(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let i = spans.partition_point(|&(_, e)| e <= start);
    spans.get(i).is_some_and(|&(s, _)| s < end)
}

struct UrlDetector;

impl Detector for UrlDetector {
    fn name(&self) -> &'static str {
        "url"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        if !text.contains('.') {
            return Ok(());
        }
        let emails = find_emails(text);
        for c in URL.captures_iter(text) {
            let m = c.get(0).expect("group 0");
            let start = m.start();
            let end = start + trim_url_end(m.as_str()).len();
            if overlaps_any(&emails, start, end) {
                continue; // the domain of an email address
            }
            let bare = c.name("bare").is_some();
            if bare && (text[..start].ends_with(['@', '.', '-', '_']) || text[end..].starts_with(['@', '-', '_'])) {
                continue;
            }
            let score = if bare { 0.8 } else { 0.95 };
            out.push(Span::new(start, end, Label::Url, score, Source::Pattern));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------

/// A dotted quad, or a run of hex groups and colons that may be an IPv6 address.
static IP_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
          (?P<v4> \b \d{1,3} (?: \. \d{1,3} ){3} \b )
        | (?P<v6> (?: [0-9a-f]{1,4} | : ) (?: : [0-9a-f]{0,4} ){2,7} (?: \d{1,3} (?: \. \d{1,3} ){3} )? )
        ",
    )
    .expect("ip regex")
});

/// Cue words that make a dotted quad a version number instead.
static VERSION_CUE: LazyLock<Regex> =
    LazyLock::new(|| fast_regex(r"(?i)\b(?:version|ver|v|release|build|firmware|software|update)\.?\s*$").expect("version regex"));

/// Whether each of four dotted parts is an octet 0–255 written without leading zeros.
fn ipv4_valid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty() && p.len() <= 3 && (p.len() == 1 || !p.starts_with('0')) && p.parse::<u32>().is_ok_and(|v| v <= 255)
        })
}

/// Whether `s` parses as an IPv6 address and carries enough of one to be meant as one
/// (not "10:30:00", not a lone "::").
fn ipv6_valid(s: &str) -> bool {
    if s.parse::<Ipv6Addr>().is_err() {
        return false;
    }
    let groups = s.split(':').filter(|g| !g.is_empty()).count();
    groups >= 3 || (groups >= 1 && s.contains("::") && s.bytes().any(|b| b.is_ascii_alphabetic()))
}

struct IpDetector;

impl Detector for IpDetector {
    fn name(&self) -> &'static str {
        "ip"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        for c in IP_CANDIDATE.captures_iter(text) {
            let m = c.get(0).expect("group 0");
            let (start, end) = (m.start(), m.end());
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let after2 = text[end..].chars().nth(1);
            if c.name("v4").is_some() {
                let dotted_on = matches!(before, Some('.')) || (after == Some('.') && after2.is_some_and(|c| c.is_ascii_digit()));
                if dotted_on || !ipv4_valid(m.as_str()) || VERSION_CUE.is_match(window_before(text, start, 12)) {
                    continue;
                }
            } else {
                let edge = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == ':' || c == '.' || c == '_');
                if edge(before) || edge(after) || !ipv6_valid(m.as_str()) {
                    continue;
                }
            }
            out.push(Span::new(start, end, Label::Ip, 0.95, Source::Pattern));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(det: &dyn Detector, text: &str) -> Vec<(String, Label, f32)> {
        let mut out = Vec::new();
        det.detect(&Document::new(text), &mut out).unwrap();
        out.iter().map(|s| (text[s.start..s.end].to_string(), s.label, s.score)).collect()
    }

    /// The texts of spans that pass the engine's default threshold, with their labels.
    fn found(det: &dyn Detector, text: &str) -> Vec<(String, Label)> {
        run(det, text).into_iter().filter(|(_, _, s)| *s >= 0.5).map(|(t, l, _)| (t, l)).collect()
    }

    fn phones(text: &str) -> Vec<(String, Label)> {
        found(&PhoneDetector, text)
    }

    fn one(text: &str, want: &str, label: Label) {
        assert_eq!(phones(text), vec![(want.to_string(), label)], "in a test sentence");
    }

    #[test]
    fn us_phone_formats() {
        one("Please call him at (310) 555-1234 after 5.", "(310) 555-1234", Label::Phone);
        one("Daughter's cell: 555-123-4567.", "555-123-4567", Label::Phone);
        one("Clinic line 555.123.4567", "555.123.4567", Label::Phone);
        one("Call her back (508-555-4024) today", "508-555-4024", Label::Phone);
        one("His wife (201/555/0143) confirmed it", "201/555/0143", Label::Phone);
        one("Call her back (508.555.4024) today", "508.555.4024", Label::Phone);
        one("pt callback 5551234567 today", "5551234567", Label::Phone);
        one("Reach her on +1 555 123 4567 anytime", "+1 555 123 4567", Label::Phone);
        one("Office: 555-123-4567 x123 (front desk)", "555-123-4567 x123", Label::Phone);
        one("Office: 555-123-4567 ext. 12", "555-123-4567 ext. 12", Label::Phone);
        one("Desk: (212)555-0147x012 please", "(212)555-0147x012", Label::Phone);
        one("Call 1-800-555-0199 for refills", "1-800-555-0199", Label::Phone);
        one("from abroad dial 001-415-555-0132", "001-415-555-0132", Label::Phone);
    }

    #[test]
    fn international_phone_formats() {
        one("London office +44 20 7946 0958.", "+44 20 7946 0958", Label::Phone);
        one("Stockholm: +46 (0)152 331 07", "+46 (0)152 331 07", Label::Phone);
        one("Joignable au 01.42.68.53.00 le matin", "01.42.68.53.00", Label::Phone);
        one("Mobile 07700 900 461", "07700 900 461", Label::Phone);
        one("Ring 0471 22 38 90 tomorrow", "0471 22 38 90", Label::Phone);
        one("Budapest (36) 455-912-Office", "(36) 455-912", Label::Phone);
        one("seen in clinic (Phone: 555-123-4567).", "555-123-4567", Label::Phone);
        one("(fax 555-123-4567)", "555-123-4567", Label::Fax);
        one("They are not answering at 61-42-77-30", "61-42-77-30", Label::Phone);
        one("Phone: 21 377 514 9062 (home)", "21 377 514 9062", Label::Phone);
    }

    #[test]
    fn weak_shapes_need_a_cue() {
        one("Can someone call me on 482 1177?", "482 1177", Label::Phone);
        one("my number is 8831 2045", "8831 2045", Label::Phone);
        one("Fax # 8831 2045", "8831 2045", Label::Fax);
        one("mobile: 0612345678", "0612345678", Label::Phone);
        assert!(phones("Lot 0612345678 expired").is_empty());
        assert!(phones("Batch 482 1177 was recalled").is_empty());
        assert!(phones("Counts were 8831 2045 in the two arms").is_empty());
    }

    #[test]
    fn pagers_and_extensions() {
        one("Paged Dr. Lee (pager 41234) at noon", "41234", Label::Phone);
        one("beeper #2-3344", "2-3344", Label::Phone);
        one("front desk ext. 4321", "4321", Label::Phone);
        assert!(phones("extended release 500 mg, ext 12").is_empty());
    }

    #[test]
    fn fax_by_cue() {
        one("Please fax results to 650-123-4567 today.", "650-123-4567", Label::Fax);
        let got = phones("Tel 212-555-0100, Fax: 212-555-0101");
        assert_eq!(got[0], ("212-555-0100".to_string(), Label::Phone));
        assert_eq!(got[1], ("212-555-0101".to_string(), Label::Fax));
        one("F: (415) 555-0142", "(415) 555-0142", Label::Fax);
        one("Facsimile 415.555.0142", "415.555.0142", Label::Fax);
        let got = phones("or call the clinic at 415-555-0100 (fax 415-555-0101).");
        assert_eq!(got, vec![("415-555-0100".to_string(), Label::Phone), ("415-555-0101".to_string(), Label::Fax)]);
        one("Paris 01 42 68 53 00-Fax", "01 42 68 53 00", Label::Fax);
    }

    #[test]
    fn phone_near_misses() {
        for text in [
            "Seen on 2021-03-14 and 03/14/2021, again 14.03.2021",
            "BP 120/80, pulse 88, BP 130/85 at 10:30",
            "Take 5000 units daily; 500 mg twice a day",
            "Discharged in 2021 after 3 weeks",
            "Server at 192.168.10.25 went down",
            "Lot ABC1234567 and code XJ-5551234567",
            "Platelets 250000 and WBC 12000",
            "SSN 123-45-6789 on file",
            "MRN: 1234-5678 and MRN 98765-43210",
            "Policy No. 1234 5678 and account number 4455 6677",
            "Cost was 1,250,000 dollars",
            "Boston, MA 02115-1234 and 94110-2231",
            "Dose 2500000 units IV",
        ] {
            assert!(phones(text).is_empty(), "false phone in near-miss case {:?}", phones(text).len());
        }
    }

    #[test]
    fn year_before_phone_is_left_out() {
        one("Since 2021 555-123-4567 is her number", "555-123-4567", Label::Phone);
    }

    #[test]
    fn emails() {
        let det = EmailDetector;
        let text = "Send to jane.doe+clinic@med-site.example.org, or dr.brown@ny.presbyterian.org.";
        let got = found(&det, text);
        assert_eq!(
            got,
            vec![
                ("jane.doe+clinic@med-site.example.org".to_string(), Label::Email),
                ("dr.brown@ny.presbyterian.org".to_string(), Label::Email)
            ]
        );
        assert!(found(&det, "Ratio 3@4 and @handle and user@localhost").is_empty());
        let text = "Zoë’s email: zoë.ünal@exämple.de.";
        assert_eq!(found(&det, text), vec![("zoë.ünal@exämple.de".to_string(), Label::Email)]);
    }

    #[test]
    fn urls() {
        let det = UrlDetector;
        let got = found(&det, "See https://CarePortal.com.br/ and www.example.org/portal?id=7.");
        assert_eq!(got[0].0, "https://CarePortal.com.br/");
        assert_eq!(got[1].0, "www.example.org/portal?id=7");
        let got = found(&det, "Results at mychart.example.com/patient/123, (see example.com).");
        assert_eq!(got[0].0, "mychart.example.com/patient/123");
        assert_eq!(got[1].0, "example.com");
        assert_eq!(got[0].1, Label::Url);
        let text = "Email john.doe@example.com, photo IMG_2043.jpg, e.g. Tylenol 500mg, version 1.2.3";
        assert!(found(&det, text).is_empty(), "emails, files and abbreviations are no URLs");
    }

    #[test]
    fn ip_addresses() {
        let det = IpDetector;
        let text = "Login from 203.0.113.57 and 2001:db8:85a3:0:0:8a2e:370:7334, loopback ::1.";
        let got: Vec<String> = found(&det, text).into_iter().map(|x| x.0).collect();
        assert_eq!(got, vec!["203.0.113.57", "2001:db8:85a3:0:0:8a2e:370:7334"]);
        let text = "Device at fe80::1ff:fe23:4567:890a reported";
        assert_eq!(found(&det, text)[0].0, "fe80::1ff:fe23:4567:890a");
    }

    #[test]
    fn ip_near_misses() {
        let det = IpDetector;
        for text in [
            "Upgraded to version 1.2.3.4 yesterday",
            "Lab 300.12.1.5 is no address",
            "Times 10:30:45 and 12:15",
            "Section 1.2.3.4.5 of the guideline",
            "Ratio 01.02.03.04",
        ] {
            assert!(found(&det, text).is_empty(), "false IP in near-miss case");
        }
    }

    // Adversarial inputs (issue #13): these sizes took seconds or more when every run of
    // digit groups was judged and re-searched, and when each URL rescanned its brackets and
    // the e-mail list. Each test checks what is found, never how long it took.

    #[test]
    fn a_long_run_of_dotted_digits_yields_only_the_real_number() {
        // 1,500 digits joined by dots: 24 s before the run search was bounded.
        let text = format!("{} then call 555-123-4567 now", "1.".repeat(1500));
        assert_eq!(phones(&text), vec![("555-123-4567".to_string(), Label::Phone)]);
    }

    #[test]
    fn a_long_run_of_spaced_digits_keeps_the_phone_at_its_end() {
        // One candidate of 3,000 groups; the best-shaped run is the North American number.
        let text = format!("{}(310) 555-1234", "1 ".repeat(3000));
        assert_eq!(phones(&text), vec![("1 (310) 555-1234".to_string(), Label::Phone)]);
    }

    #[test]
    fn closing_brackets_after_a_url_are_dropped_one_by_one() {
        let text = format!("see http://a.example.org/x{} now", ")".repeat(50_000));
        let urls: Vec<String> = run(&UrlDetector, &text).into_iter().map(|(t, _, _)| t).collect();
        assert_eq!(urls, vec!["http://a.example.org/x".to_string()]);
    }

    #[test]
    fn many_email_addresses_give_no_url_for_their_domains() {
        let text = "ann@site.com, ".repeat(40_000);
        assert!(run(&UrlDetector, &text).is_empty(), "an e-mail's domain is no URL");
        assert_eq!(run(&EmailDetector, &text).len(), 40_000);
    }
}
