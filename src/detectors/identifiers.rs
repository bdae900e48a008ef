//! Numbers and codes that identify: SSN, medical record, health plan, account,
//! licence, vehicle, device, biometric, photo and other identifying codes.
//!
//! Three detectors:
//! - [`SsnDetector`]: the 3-2-4 shape (structure rules without a cue, anything with
//!   one) and "last four of SSN" forms;
//! - [`CheckedDetector`]: identifiers whose shape carries a check (payment cards by
//!   Luhn, IBAN, NPI, DEA, VIN, GS1 UDI): found with or without a cue;
//! - [`CueCodeDetector`]: code-shaped tokens ("ST-998877", "12345-JS", "998877")
//!   labelled by the nearest cue word before them ("MRN", "member ID",
//!   "driver's license", "serial", …). A code with no cue is left alone, so
//!   "500 mg", "120/80", "2021", "COVID-19" and "HbA1c" are never hit.

use super::checksum::{card_valid, dea_valid, iban_valid, npi_valid, ssn_structure_valid, vin_shape, vin_valid};
use super::contact::fast_regex;
use super::{Detector, Document};
use crate::context::window_before;
use crate::error::Result;
use crate::span::{Label, Source, Span};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// The detectors of this module, ready to run.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(SsnDetector), Box::new(CheckedDetector), Box::new(CueCodeDetector)]
}

// ---------------------------------------------------------------------------
// Cue words
// ---------------------------------------------------------------------------

/// Cue words and phrases, one named group per label; earlier groups win at the
/// same position, so "license plate" is a vehicle cue and not a licence cue.
/// `block` holds words after which a number is something else (a date, a phone).
static CUES: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
        \b(?:
          (?P<ssn> (?: ssn | social\s+security (?:\s+(?:number|no|card))? | soc\.?\s?sec | ss\s?no )\b | ss\# )
        | (?P<vehicle> (?: licen[cs]e\s+plate | plate | vin | vehicle\s+(?:id|identification(?:\s+number)?) | tag\s+(?:number|no) )\b )
        | (?P<mrn> (?: mrns? | mr\s?no | emr | ehr | medical\s+record(?:\s+(?:number|no))? | med\.?\s?rec(?:ord)?
                   | (?:hospital|record|chart|unit)\s+(?:number|no) | chart | hosp\.?\s+no )\b | mr\# | record\s*\# )
        | (?P<health> (?: member(?:ship)?(?:\s+(?:id|number|no))? | subscriber(?:\s+(?:id|number|no))?
                   | (?:insurance|ins\.?)\s+(?:policy|id|number|no|card|plan) | insurance | ins | insurer(?:\s+id)?
                   | policy(?:\s+(?:number|no|id))? | (?:health\s+)?plan(?:\s+(?:id|number|no))?
                   | medicare(?:\s+(?:id|number|no))? | medicaid(?:\s+(?:id|number|no))?
                   | beneficiary(?:\s+(?:id|number|no))? | group\s+(?:id|number|no) | hmo(?:\s+id)? | ppo | hicn | mbi
                   | payer\s+id | coverage\s+id )\b )
        | (?P<account> (?: account(?:\s+(?:number|no))? | acct | (?:credit|debit|bank)\s+card(?:\s+(?:number|no))?
                   | card(?:\s+(?:number|no))? | routing(?:\s+(?:number|no))? | aba | iban | swift | bank\s+account | fin | har | billing\s+(?:number|no|id) )\b | a/c\b )
        | (?P<license> (?: (?:driver'?s?|driving)\s+licen[cs]e(?:\s+(?:number|no))? | licen[cs]e(?:\s+(?:number|no))?
                   | lic | dl | npi | dea(?:\s+(?:number|no))? | certificate(?:\s+(?:number|no))? | cert
                   | registration\s+(?:number|no) )\b )
        | (?P<device> (?: serial(?:\s+(?:number|no))? | sn | device(?:\s+(?:id|serial|number|no))? | udi
                   | implant(?:\s+(?:id|serial|number))? | pacemaker(?:\s+serial)? | defibrillator | pump\s+serial
                   | (?:lot|model)\s+(?:number|no) )\b | s/n\b )
        | (?P<biometric> (?: (?:finger|voice)\s?prints?(?:\s+(?:template|scan|id|file|record|sample))? | retina(?:l)?\s+scan | iris(?:\s+scan)? | palm\s?prints?
                   | biometric(?:\s+(?:id|template|record))? | face\s+scan | facial\s+(?:scan|template|geometry) )\b )
        | (?P<photo> (?: photo(?:graph)?s? | picture | image(?:\s+file)? | headshot | selfie | portrait | mugshot )\b )
        | (?P<id> (?: (?:patient|pt|study|subject|participant|employee|emp|staff|student|visit|encounter|case|trial|site
                      |specimen|sample|accession|enrollment|client|customer|user|badge|ref|reference|claim|order
                      |confirmation|ticket|transaction|prescription|rx|passport|tax|national)\.?\s*(?:(?:id|number|no|code)\b|\#)
                   | (?:identifier|id|ident|badge|passport|employee|case|accession|itin|tin|ein|csn|taxpayer\s+id(?:entification)?)\b ) )
        | (?P<block> (?: phone | tel | telephone | fax | cell | mobile | call | dob | born | date | age | aged | weight
                   | wt | bp | pulse | hr | temp | dose | zip | zipcode | postal | room | bed | floor | suite | apt | ext )\b )
        )",
    )
    .expect("cue regex")
});

/// The label a cue match stands for; `None` for a blocking cue.
fn cue_label(c: &Captures<'_>) -> Option<Label> {
    const GROUPS: [(&str, Label); 10] = [
        ("ssn", Label::Ssn),
        ("vehicle", Label::Vehicle),
        ("mrn", Label::Mrn),
        ("health", Label::HealthPlan),
        ("account", Label::Account),
        ("license", Label::License),
        ("device", Label::Device),
        ("biometric", Label::Biometric),
        ("photo", Label::Photo),
        ("id", Label::Id),
    ];
    GROUPS.iter().find(|(g, _)| c.name(g).is_some()).map(|&(_, l)| l)
}

/// A cue found in the text: byte range and label (`None`: blocks).
#[derive(Clone, Copy, Debug)]
struct Cue {
    start: usize,
    end: usize,
    label: Option<Label>,
}

/// Every cue in `text`, in order. The DFA finds them; the (slower) capture
/// engine runs only on each short match to tell which label it stands for.
fn find_cues(text: &str) -> Vec<Cue> {
    CUES.find_iter(text)
        .map(|m| {
            let label = CUES.captures(m.as_str()).and_then(|c| cue_label(&c));
            Cue { start: m.start(), end: m.end(), label }
        })
        .collect()
}

/// Cues found on first use: most documents hold no candidate at all.
struct LazyCues<'t> {
    text: &'t str,
    cues: Option<Vec<Cue>>,
}

impl<'t> LazyCues<'t> {
    fn new(text: &'t str) -> Self {
        LazyCues { text, cues: None }
    }

    fn get(&mut self) -> &[Cue] {
        let text = self.text;
        self.cues.get_or_insert_with(|| find_cues(text))
    }
}

/// What may stand between a cue and its value: punctuation and a few small
/// words ("MRN: #", "policy number is", "insurance ID of the patient is").
static GAP: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
        ^ [\s:\#\-=.(),']*
        (?: (?: number | num | no | nr | id | code | is | was | of | the | a | his | her | my | their | our | your | s
              | on | file | reads | listed | as | under | includes | with | be | given | for | patient | pt )
            [\s:\#\-=.(),']* ){0,6}
        $",
    )
    .expect("gap regex")
});

/// The label of the last cue before byte `start` if it is close enough and
/// only punctuation and small words lie between (at most 32 characters).
fn cue_for(text: &str, cues: &[Cue], start: usize) -> Option<(Label, usize)> {
    let idx = cues.partition_point(|c| c.end <= start);
    let cue = cues[..idx].last()?;
    let gap = &text[cue.end..start];
    // 32 characters take at most 128 bytes: a longer gap (a cue far back on a long line)
    // is refused before it is counted, or every code after it would scan it again.
    if gap.len() > 4 * 32 || gap.chars().count() > 32 || gap.contains('\n') || !GAP.is_match(gap) {
        return None;
    }
    cue.label.map(|l| (l, cue.start))
}

/// Whether any cue of `label` ends within `max_chars` characters before `start`.
fn labelled_cue_near(text: &str, cues: &[Cue], start: usize, max_chars: usize, labels: &[Label]) -> bool {
    let from = start - window_before(text, start, max_chars).len();
    let idx = cues.partition_point(|c| c.end <= start);
    cues[..idx].iter().rev().take_while(|c| c.end >= from).any(|c| c.label.is_some_and(|l| labels.contains(&l)))
}

// ---------------------------------------------------------------------------
// Small shape helpers
// ---------------------------------------------------------------------------

/// Units that turn a number into a measurement: "1000mg", "5000 units".
static UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(r"(?i)^\s?(?:%|mg|mcg|g|kg|ml|l|dl|units?|iu|meq|mmol|mmhg|cm|mm|lbs?|oz|bpm|hours?|hrs?|days?|weeks?|years?)\b")
        .expect("unit regex")
});

/// Whether a dash-separated all-digit token reads as a date (2021-03-14, 03-14-2021).
fn is_date_shape(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let year = |p: &str| p.len() == 4 && p.parse::<u32>().is_ok_and(|y| (1900..=2099).contains(&y));
    if parts.len() == 2 && year(parts[0]) && (year(parts[1]) || parts[1].len() == 2 && parts[1].bytes().all(|b| b.is_ascii_digit())) {
        return true; // a span of years: 2019-2020, 2019-20
    }
    if parts.len() != 3 || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let md = |m: u32, d: u32| (1..=12).contains(&m) && (1..=31).contains(&d) || (1..=31).contains(&m) && (1..=12).contains(&d);
    (parts[0].len() == 4 && (1900..=2099).contains(&n[0]) && parts[1].len() <= 2 && parts[2].len() <= 2 && md(n[1], n[2]))
        || (parts[0].len() <= 2 && parts[1].len() <= 2 && (parts[2].len() == 2 || parts[2].len() == 4) && md(n[0], n[1]))
}

/// Whether a code-shaped token is plausible as an identifier once a cue names it:
/// at least 4 digits, at least 5 when it is all digits, no date, not too long.
/// `tight`: the cue stands right before the code ("badge #4417"), so four bare digits
/// that are not a year will do.
fn plausible_code(s: &str, tight: bool) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let letters = s.bytes().filter(u8::is_ascii_alphabetic).count();
    // Three digits will do next to two letters or more ("ABC123"), not alone.
    let enough = digits >= 4 || (digits == 3 && letters >= 2);
    let year = s.len() == 4 && s.parse::<u32>().is_ok_and(|y| (1900..=2099).contains(&y));
    let short_ok = tight && s.len() == 4 && digits == 4 && !year;
    if s.len() > 30 || !enough || (letters == 0 && digits < 5 && !short_ok) || is_date_shape(s) {
        return false;
    }
    // "1000mg", "2500IU": a dose glued to its unit.
    let tail: String = s.trim_start_matches(|c: char| c.is_ascii_digit()).to_ascii_lowercase();
    !matches!(tail.as_str(), "mg" | "mcg" | "ml" | "kg" | "g" | "iu" | "u" | "units" | "mmhg" | "cm" | "mm" | "hrs" | "h" | "bpm" | "k")
}

// ---------------------------------------------------------------------------
// SSN
// ---------------------------------------------------------------------------

/// 123-45-6789, 123 45 6789, 123456789.
static SSN_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(r"\b(?P<area>\d{3})(?P<s1>[\- ]?)(?P<group>\d{2})(?P<s2>[\- ]?)(?P<serial>\d{4})\b").expect("ssn regex")
});

/// "last 4 of SSN 6789", "SSN ending in 6789", "last four digits of her social security number are 6789".
static SSN_LAST_FOUR: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
        (?: last\s+(?:4|four)(?:\s+digits)?\s+(?:of\s+)?(?:(?:his|her|my|the|their|patient'?s)\s+)?
              (?: ssn | social(?:\s+security)?(?:\s+(?:number|no|\#))? | ss\# )
          | (?: ssn | social\s+security(?:\s+number)? ) \s+ (?:ending|ends) \s+ (?:in|with) )
        [\s:\#]* (?:(?:is|are|was)\s+)? (?P<last>\d{4}) \b
        ",
    )
    .expect("ssn last-four regex")
});

struct SsnDetector;

impl Detector for SsnDetector {
    fn name(&self) -> &'static str {
        "ssn"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        let mut lazy = LazyCues::new(text);
        for c in SSN_SHAPE.captures_iter(text) {
            let m = c.get(0).expect("group 0");
            let (s1, s2) = (&c["s1"], &c["s2"]);
            if s1 != s2 || glued(text, m.start(), m.end()) {
                continue;
            }
            let cues = lazy.get();
            let cued = matches!(cue_for(text, cues, m.start()), Some((Label::Ssn, _)))
                || labelled_cue_near(text, cues, m.start(), 30, &[Label::Ssn]);
            let structural = ssn_structure_valid(&c["area"], &c["group"], &c["serial"]);
            let score = match (cued, s1) {
                (true, _) => 0.95,
                (false, "-") if structural => 0.8,
                (false, " ") if structural => 0.6,
                _ => continue, // nine bare digits, or broken rules, need a cue
            };
            out.push(Span::new(m.start(), m.end(), Label::Ssn, score, Source::Pattern));
        }
        for c in SSN_LAST_FOUR.captures_iter(text) {
            let m = c.name("last").expect("last group");
            out.push(Span::new(m.start(), m.end(), Label::Ssn, 0.9, Source::Pattern));
        }
        Ok(())
    }
}

/// Whether `start..end` is glued to a longer token: a letter or digit next to it,
/// or a dash, dot or slash joining it to one ("ST-123-45-6789", "1.123-45-6789").
fn glued(text: &str, start: usize, end: usize) -> bool {
    let is_an = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut back = text[..start].chars().rev();
    let (b1, b2) = (back.next(), back.next());
    let mut fwd = text[end..].chars();
    let (a1, a2) = (fwd.next(), fwd.next());
    is_an(b1)
        || is_an(a1)
        || (matches!(b1, Some('-' | '.' | '/')) && is_an(b2))
        || (matches!(a1, Some('-' | '.' | '/')) && a2.is_some_and(|c| c.is_ascii_digit()))
}

// ---------------------------------------------------------------------------
// Identifiers with a check: cards, IBAN, NPI, DEA, VIN, UDI
// ---------------------------------------------------------------------------

/// Candidates whose shape carries its own check, one alternative per kind.
static CHECKED: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?x)
          (?P<card> \b \d{4} (?: [\ \-] \d{4} ){2} [\ \-] \d{1,7} \b      # 4111 1111 1111 1111
                  | \b \d{4} [\ \-] \d{6} [\ \-] \d{4,5} \b                # Amex / Diners 4-6-5
                  | \b \d{12,19} \b )                                       # unseparated
        | (?P<iban> \b (?i:[a-z]{2}) \d{2} (?: \ ? (?i:[a-z0-9]) ){11,30} \b )
        | (?P<dea> \b [A-Z]{2} \d{7} \b )
        | (?P<vin> \b [A-HJ-NPR-Z0-9]{17} \b )
        | (?P<udi> \(01\) \d{14} (?: \( \d{2,4} \) [A-Za-z0-9\-]{1,20} )* )
        | (?P<mac> \b [0-9A-Fa-f]{2} (?: : [0-9A-Fa-f]{2} ){5} \b | \b [0-9A-Fa-f]{2} (?: - [0-9A-Fa-f]{2} ){5} \b )   # MAC address
        | (?P<wallet> \b (?: bc1 [ac-hj-np-z02-9]{25,59} | [13] [a-km-zA-HJ-NP-Z1-9]{25,34} ) \b )   # bitcoin address
        ",
    )
    .expect("checked regex")
});

/// The longest prefix of a spaced IBAN candidate that validates ("GB82 WEST … 32 and" → drop " and").
fn iban_prefix(s: &str) -> Option<usize> {
    let mut end = s.len();
    loop {
        if iban_valid(&s[..end]) {
            return Some(end);
        }
        end = s[..end].rfind(' ')?;
        if end < 15 {
            return None;
        }
    }
}

struct CheckedDetector;

impl Detector for CheckedDetector {
    fn name(&self) -> &'static str {
        "checked-ids"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        let mut lazy = LazyCues::new(text);
        let mut cued = |start: usize, labels: &[Label]| labelled_cue_near(text, lazy.get(), start, 40, labels);
        for c in CHECKED.captures_iter(text) {
            let m = c.get(0).expect("group 0");
            let (start, s) = (m.start(), m.as_str());
            if c.name("card").is_some() {
                if glued(text, start, m.end()) || !card_valid(s) {
                    continue;
                }
                let digits = s.bytes().filter(u8::is_ascii_digit).count();
                let card_cue = cued(start, &[Label::Account]) || CARD_CUE.is_match(window_before(text, start, 30));
                let score = if card_cue {
                    0.95
                } else if digits >= 13 {
                    0.8
                } else {
                    continue; // 12 digits pass Luhn one time in ten: a cue must say "card"
                };
                out.push(Span::new(start, m.end(), Label::Account, score, Source::Pattern));
            } else if c.name("iban").is_some() {
                if let Some(len) = iban_prefix(s) {
                    out.push(Span::new(start, start + len, Label::Account, 0.95, Source::Pattern));
                }
            } else if c.name("dea").is_some() {
                if dea_valid(s) {
                    let score = if cued(start, &[Label::License]) { 0.95 } else { 0.85 };
                    out.push(Span::new(start, m.end(), Label::License, score, Source::Pattern));
                }
            } else if c.name("vin").is_some() {
                let letters = s.bytes().any(|b| b.is_ascii_alphabetic());
                let digits = s.bytes().filter(u8::is_ascii_digit).count();
                if !letters || digits < 3 || !vin_shape(s) {
                    continue;
                }
                let score = if vin_valid(s) {
                    0.9
                } else if cued(start, &[Label::Vehicle]) {
                    0.85 // outside North America the check digit is optional
                } else {
                    continue;
                };
                out.push(Span::new(start, m.end(), Label::Vehicle, score, Source::Pattern));
            } else if c.name("udi").is_some() {
                out.push(Span::new(start, m.end(), Label::Device, 0.95, Source::Pattern));
            } else if c.name("mac").is_some() {
                // Dashed pairs of plain digits could be anything; colons or hex letters make a MAC.
                if s.contains(':') || s.bytes().any(|b| b.is_ascii_alphabetic()) {
                    out.push(Span::new(start, m.end(), Label::Device, 0.85, Source::Pattern));
                }
            } else if c.name("wallet").is_some() {
                // Legacy base58 addresses mix cases and digits; words and plain numbers do not.
                let mixed = s.starts_with("bc1")
                    || (s.bytes().any(|b| b.is_ascii_uppercase()) && s.bytes().any(|b| b.is_ascii_lowercase()) && s[1..].bytes().any(|b| b.is_ascii_digit()));
                if mixed {
                    out.push(Span::new(start, m.end(), Label::Id, 0.85, Source::Pattern));
                }
            }
        }
        // NPI: ten digits starting 1 or 2 with a valid check (80840 prefix), stronger with a cue.
        for m in NPI.find_iter(text) {
            if glued(text, m.start(), m.end()) || !npi_valid(m.as_str()) {
                continue;
            }
            let score = if cued(m.start(), &[Label::License]) { 0.95 } else { 0.6 };
            out.push(Span::new(m.start(), m.end(), Label::License, score, Source::Pattern));
        }
        Ok(())
    }
}

/// Card words the general cue list leaves out: "cc 5038…", "Visa ending 4111…".
static CARD_CUE: LazyLock<Regex> =
    LazyLock::new(|| fast_regex(r"(?i)\b(?:cc|visa|mastercard|master\s+card|amex|discover|maestro|jcb)\b").expect("card cue regex"));

/// Ten digits that may be an NPI.
static NPI: LazyLock<Regex> = LazyLock::new(|| fast_regex(r"\b[12]\d{9}\b").expect("npi regex"));

// ---------------------------------------------------------------------------
// Codes named by a cue
// ---------------------------------------------------------------------------

/// A code-shaped token: an optional letter prefix, a digit, then letters, digits
/// and dash-separated parts. "998877", "ST-998877", "12345-JS", "ABCD1234",
/// "112-45-789", "F1234567", "MRN-20481632".
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?x)
        \b (?:
            \d (?: \ \d ){4,}               # digits read out one by one: 4 4 8 3 9 2
          | (?: [A-Za-z]{1,8} [\-\#]? ){0,2} # letter prefix: ST-, UCSF-, H, MRN#, UCLA-T
            \d [A-Za-z0-9]*                  # from the first digit on
            (?: - [A-Za-z0-9]+ )*            # dash-separated parts
        ) \b
        ",
    )
    .expect("code regex")
});

/// Licence plates after a plate cue: "plate 7ABC123", "license plate: ABC 1234".
static PLATE: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?x)
        (?i: \b (?: licen[cs]e\s+plate | plate | tag ) (?: \s+ (?: number | no\.? | \# ) )? )
        [\s:\#]* (?i: (?: is | was | reads ) \s+ )?
        (?P<plate> \b [A-Z0-9]{1,4} [\ \-]? [A-Z0-9]{1,4} \b )
        ",
    )
    .expect("plate regex")
});

/// File names that hold images or recordings: "IMG_2043.jpg", "face_scan_001.png", "voice_0042.wav".
static MEDIA_FILE: LazyLock<Regex> = LazyLock::new(|| {
    fast_regex(
        r"(?ix)
        \b [a-z0-9] [\w\-]* \. (?P<ext> jpe?g | png | gif | bmp | tiff? | heic | webp | dcm | raw | wav | mp3 | m4a | mp4 | mov | avi | bin | dat | tmpl )
        \b",
    )
    .expect("media file regex")
});

/// Words in a media file name that say it shows a face.
static FACE_WORDS: LazyLock<Regex> =
    LazyLock::new(|| fast_regex(r"(?i)face|photo|portrait|headshot|selfie|img|pic|mugshot|id_?card").expect("face regex"));

struct CueCodeDetector;

impl CueCodeDetector {
    fn codes(&self, text: &str, lazy: &mut LazyCues<'_>, out: &mut Vec<Span>) {
        // The last span emitted, so that lists ("MRNs 1234567, 2345678 and 3456789") share a cue.
        let mut last: Option<(usize, Label)> = None;
        for m in CODE.find_iter(text) {
            let (start, end, s) = (m.start(), m.end(), m.as_str());
            // Cheap checks first; the most lenient reading of the shape before any cue is looked up.
            if !plausible_code(s, true) || glued_code(text, start, end) || UNIT_AFTER.is_match(&text[end..]) {
                continue;
            }
            let cues = lazy.get();
            let tight = s.len() == 4 && {
                let idx = cues.partition_point(|c| c.end <= start);
                cues[..idx].last().is_some_and(|c| c.label.is_some() && text[c.end..start].trim_matches([' ', ':', '#']).is_empty())
            };
            if !plausible_code(s, tight) {
                continue;
            }
            // The code may carry its own cue as a prefix: "MRN-11335577", "DL#F1628235".
            let own = CUES.captures(s).filter(|c| c.get(0).is_some_and(|g| g.start() == 0 && s[g.end()..].starts_with(['-', '#'])));
            let mut start = start;
            let label = if let Some((l, cue_end)) = own.and_then(|c| Some((cue_label(&c)?, c.get(0)?.end()))) {
                // "MRN-11335577" is one identifier; in "mrn#MP98765" the cue and "#" stay.
                if s[cue_end..].starts_with('#') {
                    start += cue_end + 1;
                }
                Some(l)
            } else if let Some((label, _)) = cue_for(text, cues, start) {
                Some(label)
            } else {
                // A list continues the previous code's cue.
                last.filter(|&(prev_end, _)| {
                    let gap = &text[prev_end..start];
                    gap.len() <= 6 && gap.trim_matches(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '/').is_empty()
                        || gap.trim() == "and"
                        || gap.trim() == "or"
                        || gap.trim() == ", and"
                })
                .map(|(_, l)| l)
            };
            let Some(label) = label else { continue };
            out.push(Span::new(start, end, label, 0.9, Source::Pattern));
            last = Some((end, label));
        }
    }

    fn plates(&self, text: &str, out: &mut Vec<Span>) {
        for c in PLATE.captures_iter(text) {
            let p = c.name("plate").expect("plate group");
            let v = p.as_str();
            let digits = v.bytes().filter(u8::is_ascii_digit).count();
            if digits == 0 || digits == v.len() && digits < 5 || glued(text, p.start(), p.end()) {
                continue;
            }
            out.push(Span::new(p.start(), p.end(), Label::Vehicle, 0.9, Source::Pattern));
        }
    }

    fn media(&self, text: &str, lazy: &mut LazyCues<'_>, out: &mut Vec<Span>) {
        for c in MEDIA_FILE.captures_iter(text) {
            let m = c.get(0).expect("group 0");
            let cues = lazy.get();
            let audio = matches!(c["ext"].to_ascii_lowercase().as_str(), "wav" | "mp3" | "m4a" | "bin" | "dat" | "tmpl");
            let (label, score) = if labelled_cue_near(text, cues, m.start(), 40, &[Label::Biometric]) {
                (Label::Biometric, 0.9)
            } else if labelled_cue_near(text, cues, m.start(), 40, &[Label::Photo]) && !audio {
                (Label::Photo, 0.9)
            } else if !audio && FACE_WORDS.is_match(m.as_str()) {
                (Label::Photo, 0.6)
            } else {
                continue;
            };
            out.push(Span::new(m.start(), m.end(), label, score, Source::Pattern));
        }
    }
}

/// Like [`glued`], for code tokens: a dot or slash joining digits means a decimal,
/// a date or a ratio ("12345/67", "1234.5").
fn glued_code(text: &str, start: usize, end: usize) -> bool {
    let mut back = text[..start].chars().rev();
    let (b1, b2) = (back.next(), back.next());
    let mut fwd = text[end..].chars();
    let (a1, a2) = (fwd.next(), fwd.next());
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    (matches!(b1, Some('.' | '/' | ':' | ',')) && digit(b2))
        || (matches!(a1, Some('.' | '/' | ':' | ',')) && digit(a2))
        || matches!(b1, Some('@' | '_'))
        || matches!(a1, Some('@' | '_'))
}

impl Detector for CueCodeDetector {
    fn name(&self) -> &'static str {
        "cue-codes"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return Ok(()); // every identifier here holds a digit
        }
        let mut cues = LazyCues::new(text);
        self.codes(text, &mut cues, out);
        self.plates(text, out);
        self.media(text, &mut cues, out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans of `det` on `text` that pass the default threshold, as (text, label).
    fn found(det: &dyn Detector, text: &str) -> Vec<(String, Label)> {
        let mut out = Vec::new();
        det.detect(&Document::new(text), &mut out).unwrap();
        out.iter().filter(|s| s.score >= 0.5).map(|s| (text[s.start..s.end].to_string(), s.label)).collect()
    }

    fn all(text: &str) -> Vec<(String, Label)> {
        let mut got = Vec::new();
        for d in detectors() {
            got.extend(found(d.as_ref(), text));
        }
        got
    }

    fn has(text: &str, want: &str, label: Label) {
        let got = all(text);
        assert!(got.iter().any(|(t, l)| t == want && *l == label), "missing {label} span of {} bytes; got {} spans", want.len(), got.len());
    }

    fn none(text: &str) {
        assert!(all(text).is_empty(), "expected nothing, got {:?}", all(text).iter().map(|x| x.1).collect::<Vec<_>>());
    }

    #[test]
    fn ssn_with_and_without_cue() {
        has("Pt SSN: 219-09-9999 on file", "219-09-9999", Label::Ssn);
        has("social security number 987-65-4320 (verify)", "987-65-4320", Label::Ssn);
        has("SS# 219099999", "219099999", Label::Ssn);
        has("Forms list 219-09-9999 as hers", "219-09-9999", Label::Ssn);
        has("the last 4 of SSN 6789 match", "6789", Label::Ssn);
        has("SSN ending in 4321 was confirmed", "4321", Label::Ssn);
        let text = "Verified with the last four digits of her social security number: 1122.";
        has(text, "1122", Label::Ssn);
    }

    #[test]
    fn ssn_near_misses() {
        // Broken area rules without a cue, nine bare digits, a date, a phone.
        none("Reference 912-34-5678 in the ledger");
        none("Batch 219099999 shipped");
        none("Seen 2021-03-14, BP 120/80, pulse 88");
        none("take 5000 units of heparin");
    }

    #[test]
    fn mrn_by_cue() {
        has("70yo M w/ CHF seen at Mercy on Feb 21, 2023, MRN 448812", "448812", Label::Mrn);
        has("(MRN: # KL-552031)", "KL-552031", Label::Mrn);
        has("medical record number 77340-RT.", "77340-RT", Label::Mrn);
        has("Med rec #: 310-72-554", "310-72-554", Label::Mrn);
        has("chart MRN-40417721 reviewed", "MRN-40417721", Label::Mrn);
        has("noted. mrn#KT55120.", "KT55120", Label::Mrn);
        has("his mrn is 5 5 1 2 0 8 .", "5 5 1 2 0 8", Label::Mrn);
        has("MRNs 4431907, 5520114 and 6609112", "6609112", Label::Mrn);
        has("with the id number MRN: NWH-88120", "NWH-88120", Label::Mrn);
        has("see record #CH-550121.", "CH-550121", Label::Mrn);
        has("EMR: 330298114.", "330298114", Label::Mrn);
        has("MRN: UCSD-T2D-2022?", "UCSD-T2D-2022", Label::Mrn);
    }

    #[test]
    fn health_plan_by_cue() {
        has("Her insurance ID is HMO-448201.", "HMO-448201", Label::HealthPlan);
        has("Ins. policy # PB-331298 expires soon", "PB-331298", Label::HealthPlan);
        has("Medicaid number 550418832", "550418832", Label::HealthPlan);
        has("member id: WX8830192", "WX8830192", Label::HealthPlan);
        has("group number 7781-220-45", "7781-220-45", Label::HealthPlan);
        has("ins: QR-118820.", "QR-118820", Label::HealthPlan);
        has("insurance ID: XYZ448.", "XYZ448", Label::HealthPlan);
        has("(Health Plan Number: HR-220941)", "HR-220941", Label::HealthPlan);
    }

    #[test]
    fn accounts_cards_and_ibans() {
        has("My credit card number is 4111111111111111 ok", "4111111111111111", Label::Account);
        has("charged to 5500 0000 0000 0004 yesterday", "5500 0000 0000 0004", Label::Account);
        has("limit on card 378282246310005?", "378282246310005", Label::Account);
        has("billed to cc 710293847566 last month", "710293847566", Label::Account);
        has("wire to IBAN GB82WEST12345698765432 today", "GB82WEST12345698765432", Label::Account);
        has("IBAN DE89 3704 0044 0532 0130 00 and more", "DE89 3704 0044 0532 0130 00", Label::Account);
        has("(Acct#: TRB-770021)", "TRB-770021", Label::Account);
        has("routing number 021000021", "021000021", Label::Account);
        has("FIN 00388172650", "00388172650", Label::Account);
    }

    #[test]
    fn card_near_misses() {
        // A Luhn-failing 16-digit number and a 12-digit Luhn-valid number with no cue.
        none("Order 4111111111111112 shipped");
        none("Tracking 710293847566 delivered");
        none("GB82WEST12345698765433 is not an IBAN");
    }

    #[test]
    fn licenses() {
        has("his driver's license is D162823540116", "D162823540116", Label::License);
        has("My driver's license number is 4419027", "4419027", Label::License);
        has("DL 3381-42-7719 (CA)", "3381-42-7719", Label::License);
        has("State license no. MD-448120", "MD-448120", Label::License);
        has("Prescriber DEA AB1234563", "AB1234563", Label::License);
        has("Dr. Kay, NPI 1234567893", "1234567893", Label::License);
        has("provider 1234567893 signed", "1234567893", Label::License);
    }

    #[test]
    fn license_near_misses() {
        // An NPI whose check digit fails and a DEA number whose check fails, both without a cue.
        assert!(all("provider 1234567890 signed").iter().all(|x| x.1 != Label::License));
        none("form AB1234564 filed");
        none("took license exam in 2019");
    }

    #[test]
    fn vehicles() {
        has("VIN 1HGCM82633A004352 on the police report", "1HGCM82633A004352", Label::Vehicle);
        has("car 1HGCM82633A004352 towed", "1HGCM82633A004352", Label::Vehicle);
        has("license plate 7ABC123 noted by EMS", "7ABC123", Label::Vehicle);
        has("plate: KDX 4471", "KDX 4471", Label::Vehicle);
        // Wrong check digit and no cue: nothing.
        none("car 1HGCM82643A004352 towed");
    }

    #[test]
    fn devices() {
        has("Pacemaker serial PJN-884120 interrogated", "PJN-884120", Label::Device);
        has("S/N: 4478812093", "4478812093", Label::Device);
        has("UDI (01)00884521062350(17)250301(10)LOT7741", "(01)00884521062350(17)250301(10)LOT7741", Label::Device);
        none("Model 3 device placed 2019");
        has("Wi-Fi adapter 00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E", Label::Device);
        none("pairs 12-34-56-78-90-12 listed");
    }

    #[test]
    fn biometrics_and_photos() {
        has("fingerprint template FP-0042817 stored", "FP-0042817", Label::Biometric);
        has("voiceprint file vp_88121.wav attached", "vp_88121.wav", Label::Biometric);
        has("Photo attached: IMG_2043.jpg", "IMG_2043.jpg", Label::Photo);
        has("see face_scan_001.png", "face_scan_001.png", Label::Photo);
        none("ECG strip ecg_0001.pdf and chart.txt");
    }

    #[test]
    fn other_ids() {
        has("Study ID: QZ-451208 enrolled", "QZ-451208", Label::Id);
        has("(ID: 551203884)", "551203884", Label::Id);
        has("employee number EM-7731", "EM-7731", Label::Id);
        has("Patient ID ABCD1234", "ABCD1234", Label::Id);
        has("case # JK-448812 reopened", "JK-448812", Label::Id);
        has("badge 99812", "99812", Label::Id);
        has("badge #4417 at the desk", "4417", Label::Id);
        has("encounter #: 7730012", "7730012", Label::Id);
        has("CSN: 220038471", "220038471", Label::Id);
        none("badge issued 2019; the series had 4417 cases; ID 2019");
    }

    #[test]
    fn wallets_and_tax_ids() {
        has("sent to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 yesterday", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", Label::Id);
        has("wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", Label::Id);
        has("ITIN 912-78-4411 on the return", "912-78-4411", Label::Id);
        none("111111111111111111111111111 and 3333333333333333333333333333");
    }

    #[test]
    fn codes_without_cue_or_medical_terms_stay() {
        none("COVID-19 positive, HbA1c 7.2, BP 120/80, pulse 88");
        none("Take 500 mg twice daily; heparin 5000 units");
        none("ST-998877 printed on the box");
        none("Admitted 2021-03-14; follow up 03/14/2021; year 2021");
        none("ID: 2021-03-14 visit"); // a date after an ID cue is still a date
        none("ID band 1000mg given");
        none("chart notes from 2019-2020 reviewed");
    }

    #[test]
    fn blocking_cue_between() {
        // The phone cue is nearer than the ID cue: not an ID.
        none("(ID pending) phone 5550001");
    }

    #[test]
    fn a_long_list_after_one_cue_keeps_its_label() {
        // Every code measured its distance to the cue at the start of the line: seconds at
        // this length. The list shares the cue, so every code is a record number.
        let codes: Vec<String> = (0..30_000).map(|i| (1_000_000 + 7 * i).to_string()).collect();
        let text = format!("MRN {}", codes.join(" "));
        let got = all(&text);
        assert_eq!(got.len(), codes.len());
        assert!(got.iter().zip(&codes).all(|((t, l), c)| t == c && *l == Label::Mrn));
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    proptest! {
        /// Any text, with digits, separators, cue words and multi-byte letters mixed in:
        /// no panic, and every span of every pattern detector in this file and in
        /// `contact` lies on character boundaries, non-empty, inside the text.
        #[test]
        fn spans_stay_on_char_boundaries(parts in proptest::collection::vec(
            prop_oneof![
                "[0-9]{1,12}", "[ .\\-()+:#/@x]{1,2}", "[a-zA-Z]{1,6}", "[éü№：ß€]{1,2}",
                Just("MRN ".to_string()), Just("fax ".to_string()), Just("SSN: ".to_string()),
                Just("card ".to_string()), Just("http://".to_string()), Just("::".to_string()),
            ], 0..24)) {
            let text: String = parts.concat();
            let mut all = super::detectors();
            all.extend(super::super::contact::detectors());
            for d in &all {
                let mut out = Vec::new();
                d.detect(&super::Document::new(&text), &mut out).unwrap();
                for s in &out {
                    prop_assert!(s.start < s.end && s.end <= text.len());
                    prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                    prop_assert!((0.0..=1.0).contains(&s.score));
                }
            }
        }
    }
}
