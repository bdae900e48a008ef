//! Street addresses, PO boxes, military addresses and ZIP/postal codes.
//!
//! Four sources of evidence, each a regex plus small pure checks:
//! - a US-style street: number, name, USPS suffix (`1436 Redbud Drive`);
//! - PO and military boxes (`P.O. Box 255`, `PSC 0413, Box 8144`, `APO AA 42323`);
//! - an address cue ("lives at", "billing address") before a line that
//!   holds a number — international shapes such as `Koskikatu 25`;
//! - an address block: a line with a house number followed by lines that end
//!   in a postcode, a unit or a state code.
//!
//! A found street extends over its unit and over the city, state, country and
//! postcode that follow on the same line or on the next lines of the block,
//! since the whole block identifies a place (states and countries alone are
//! exempt, but inside an address they travel with the street). ZIP codes stand
//! alone after a cue ("zip code") or a state (`Boston, MA 02139`).

use super::{Detector, Document};
use crate::context::{window_before, Cues};
use crate::error::Result;
use crate::span::{Label, Source, Span, Subtype};
use regex::Regex;
use std::sync::LazyLock;

/// The detectors of this module, ready to run.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(AddressDetector), Box::new(ZipDetector)]
}

/// Compiles a pattern with ASCII word boundaries (fast on any text).
fn compile(pattern: &str) -> Regex {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("address patterns are valid")
}

/// USPS street suffixes (and a few common abroad), full and abbreviated.
const SUFFIX: &str = r"(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|alley|aly|plaza|plz|crescent|cres|close|grove|gardens|park|heights|hts|hills|ridge|loop|path|pike|turnpike|expressway|expy|freeway|fwy|row|walk|crossing|xing|point|view|estates|manor|mews|rapids|creek|isle|island|mall|flats?|courts|junction|jct|summit|valley|harbor|landing|commons?|meadows?|causeway|route|rte)";

/// A house number, then a street name of one to five words, then a suffix.
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?xi)
        \b(?P<num>[0-9]{{1,6}}[a-z]?)(?:-[0-9]{{1,4}})?
        (?P<name>(?:[\ \t]+[\p{{L}}0-9][\p{{L}}0-9'.-]*){{1,5}}?)
        [\ \t]+(?P<suffix>{SUFFIX})\b\.?"
    ))
});

/// PO boxes and military addresses.
static BOX: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?xi)
        \b(?:p\.?[\ \t]?o\.?[\ \t]*box|post[\ \t]+office[\ \t]+box)[\ \t]*\#?[0-9]+
      | \b(?:psc|cmr|unit)[\ \t]+[0-9]{3,5},?[\ \t]+box[\ \t]+[0-9]{1,5}
      | \b(?:usns|uss|usnv|usns)[\ \t]+\p{Lu}[\p{L}'-]+
      | \b(?:apo|fpo|dpo)[\ \t]+(?:aa|ae|ap)[\ \t]+[0-9]{5}\b",
    )
});

/// Cues that announce an address.
static ADDRESS_CUE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?xi)\b(?:address(?:es)?(?:[\ \t]+(?:is|was|of\ [\p{L},&'\ -]{1,40}?\ is))?|lives?[\ \t]+(?:at|on)|lived[\ \t]+(?:at|on)|living[\ \t]+at
        |located[\ \t]+at|resides?[\ \t]+at|residing[\ \t]+at|ship[\ \t]+(?:it[\ \t]+)?to|send[\ \t]+(?:it|this|them|one|a\ new\ one)?[\ \t]*to
        |sent[\ \t]+to|deliver(?:ed)?[\ \t]+to|mail(?:ed)?[\ \t]+to|moved[\ \t]+to|office[\ \t]+is[\ \t]+at|is[\ \t]+at|taxi[\ \t]+to|off[\ \t]+at|arrived[\ \t]+at
        |meet[\ \t]+(?:me|you|us)[\ \t]+at|lived?[\ \t]+in|return(?:ed)?[\ \t]+to)
        [\ \t]*:?[\ \t]*
        # filler between the cue and the address: billing address WITH, address TO THE SAME:, IT IS
        (?:(?:with|to[\ \t]+the[\ \t]+same:?|to|it[\ \t]+is|is)[\ \t]+)?
        \n?[\ \t]*",
    )
});

/// A unit after a street: `Apt. 864`, `Suite 501`, `Unit 4B`, `#12`.
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?xi)^,?[\ \t]*(?:(?:apt|apartment|suite|ste|unit|room|rm|floor|fl|bldg|building)\.?[\ \t]*\#?[\ \t]*[a-z0-9-]+|\#[\ \t]*[a-z0-9-]+)\b")
});

/// A city, state, country and postcode on the rest of the line: `, Boston, MA 02139`, ` MÜLLNERN KA`.
/// Lower-case connectors are whole words: "de", not the start of "delivered".
static PLACE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?x)^(?:(?:,[\ \t]*|[\ \t]+)(?:\p{Lu}[\p{L}'.-]*|[0-9]{4,5}(?:-[0-9]{4})?|[A-Z][0-9][A-Z][\ ]?[0-9][A-Z][0-9]|nan)(?:[\ \t]+(?:\p{Lu}[\p{L}'.-]*|(?:de|del|da|do|la|le|sur|am|an|im)\b))*){1,5}",
    )
});

/// A line that continues an address block: a unit, a city, `, CO`, `Uruguay 64677`, `04494`.
static BLOCK_LINE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?x)^[\ \t>?]*(?:,[\ \t]*)?[\p{L}0-9][\p{L}0-9'.,()\ \t-]{0,45}[?!.]?$")
});

/// Evidence that a block line belongs to an address: a postcode, a unit, a state code.
static STRONG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?xi)(?:[0-9]{4,5}(?:-[0-9]{3,4})?[.?!,]?$|^[\ \t>?]*(?:apt|apartment|suite|ste|unit)\.?\ |^[\ \t>?]*,[\ \t]*[a-z]{2,3}\b|[a-z][0-9][a-z]\ ?[0-9][a-z][0-9]$|\b[0-9]{2}-[0-9]{3}$)",
    )
});

/// A line that opens with a place and a postcode, then runs on: ` Cyprus 36903? I am in …`.
static LEADING_POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^[\ \t>?]*(?:\p{Lu}[\p{L}().'-]*(?:[\ \t]+\p{Lu}[\p{L}().'-]*){0,3}[,\ \t]+)?(?:(?:[A-Z]{2,3}|nan),?[\ \t]+)?[0-9]{4,5}(?:-[0-9]{3,4})?\b")
});

/// A line of one to four capitalised words: a city or a country closing an address block
/// (` Pärnu`, ` United Kingdom`). Weak alone; see `extend_block`.
static NAME_LINE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^[\ \t>?]*,?[\ \t]*\p{Lu}[\p{L}().'-]*(?:[\ \t]+(?:\p{Lu}[\p{L}().'-]*|de|del|da|do|la|le|sur|am|an|im)){0,3}[\ \t]*$"));

/// A street line of an address block: a house number and a name, or a name and a number.
static STREET_LINE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?x)^[\ \t>?]*(?P<body>
            [0-9]{1,6}[\ \t]+(?:[0-9]{1,5}[\ \t]+)?\p{L}[\p{L}0-9'./-]*(?:[\ \t]+[\p{L}0-9][\p{L}0-9'./-]*){0,6}
          | \p{L}[\p{L}'./-]*(?:[\ \t]+\p{L}[\p{L}'./-]*){0,4}[\ \t]+[0-9]{1,5}[a-zA-Z]?\.?(?:[\ \t]+\p{L}[\p{L}0-9'./-]*){0,4}
        )[\ \t]*$",
    )
});

struct AddressDetector;

impl Detector for AddressDetector {
    fn name(&self) -> &'static str {
        "address"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return Ok(());
        }
        let mut push = |start: usize, end: usize, score: f32| {
            let (start, end) = trim(text, start, end);
            if start < end {
                out.push(Span::new(start, end, Label::Location, score, Source::Pattern).with_subtype(Subtype::Street));
            }
        };

        for c in STREET.captures_iter(text) {
            let m = c.get(0).expect("group 0");
            let name = &c["name"];
            let suffix = &c["suffix"];
            if !street_is_plausible(text, m.start(), name, suffix) {
                continue;
            }
            push(m.start(), extend_address(text, m.end()), 0.85);
        }

        for m in BOX.find_iter(text) {
            push(m.start(), extend_address(text, m.end()), 0.85);
        }

        // An address cue: the address runs to the end of its clause, then over its block.
        for m in ADDRESS_CUE.find_iter(text) {
            let start = m.end();
            let (clause_end, has_digit) = clause_after_cue(text, start);
            if clause_end <= start || !has_digit {
                continue;
            }
            let strong = cue_is_strong(&text[m.start()..m.end()]);
            if clause_is_address(&text[start..clause_end], strong) {
                push(start, extend_address(text, clause_end), if strong { 0.8 } else { 0.65 });
            }
        }

        // Address blocks: a street line followed by lines ending in a postcode, a unit, a state code.
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let body_line = line.trim_end_matches(['\n', '\r']);
            let candidate = body_line.len() < 90 && body_line.bytes().any(|b| b.is_ascii_digit()) && STREET_LINE.is_match(body_line);
            if let Some(c) = candidate.then(|| STREET_LINE.captures(body_line)).flatten() {
                let body = c.name("body").expect("body");
                // "I once lived in 178 Elm Drive": the street starts after the cue.
                let from = ADDRESS_CUE.find_iter(body.as_str()).last().map_or(0, |m| m.end());
                let has_digit = body.as_str()[from..].bytes().any(|b| b.is_ascii_digit());
                let line_end = line_start + body_line.len();
                let block_end = extend_block(text, line_end);
                if has_digit && block_end > line_end {
                    push(line_start + body.start() + from, block_end, 0.75);
                }
            }
            line_start += line.len();
        }
        Ok(())
    }
}

/// Whether the clause after an address cue reads as an address: words and a
/// number, no e-mail or URL; after a weak cue ("is at") it must start like a street line.
fn clause_is_address(clause: &str, strong_cue: bool) -> bool {
    static WORD: LazyLock<Regex> = LazyLock::new(|| compile(r"\p{L}{2,}"));
    static WEAK_SHAPE: LazyLock<Regex> =
        LazyLock::new(|| compile(r"^(?:[0-9]{1,6}[\ \t]+\p{L}|\p{Lu}\p{L}+(?:[\ \t]+\p{L}[\p{L}'.-]*){0,4}[\ \t]+[0-9]{1,5}\b)"));
    static IP_LIKE: LazyLock<Regex> = LazyLock::new(|| compile(r"[0-9]+\.[0-9]+\.[0-9]+|[0-9a-fA-F]*:[0-9a-fA-F]*:"));
    if clause.contains('@') || clause.contains("://") || clause.contains("www.") || !WORD.is_match(clause) || IP_LIKE.is_match(clause) {
        return false;
    }
    let first = clause.chars().next();
    if strong_cue {
        first.is_some_and(|c| c.is_alphanumeric())
    } else {
        WEAK_SHAPE.is_match(clause)
    }
}

/// Whether the cue is an explicit one ("address", "lives at") rather than a weak "is at".
fn cue_is_strong(cue: &str) -> bool {
    let lower = cue.to_lowercase();
    const WEAK: &[&str] = &["is", "off", "arrived", "sent", "moved", "meet", "live", "lived", "return", "office", "taxi"];
    !WEAK.iter().any(|w| lower.starts_with(w))
}

/// Words in a lower-case street name that show it is prose ("20 minute drive", "2 blocks down the road").
const NOT_STREET_WORDS: &[&str] = &[
    "the", "a", "an", "my", "your", "his", "her", "our", "their", "minute", "minutes", "mile", "miles", "hour",
    "hours", "block", "blocks", "down", "up", "on", "in", "at", "to", "of", "and", "or", "times", "mg", "days",
    "weeks", "years", "year", "old", "is", "was", "were", "are", "for", "with", "from", "by", "per", "x",
];

/// Suffixes that are also clinical abbreviations (CT, Dr., Pl, Ter) or words; they need a Title-case street.
const AMBIGUOUS_SUFFIXES: &[&str] = &["ct", "dr", "pl", "cir", "ter", "row", "run", "walk", "view", "point", "park", "way", "close", "path", "loop", "flat", "flats", "isle", "mall", "route", "st", "av"];

/// Whether a number + name + suffix candidate is a street, not prose or a dosage.
fn street_is_plausible(text: &str, start: usize, name: &str, suffix: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() {
        return false;
    }
    let title = |w: &str| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let all_title = words.iter().all(|w| title(w));
    let lower_suffix = suffix.to_ascii_lowercase();
    if AMBIGUOUS_SUFFIXES.contains(&lower_suffix.as_str()) {
        // "CT" is a scan, "DR" a title: short ambiguous suffixes in capitals are not streets
        let short_caps = suffix.len() <= 3 && suffix.chars().all(|c| c.is_ascii_uppercase());
        return all_title && !short_caps;
    }
    if all_title {
        return true;
    }
    // lower case ("123 main street"): no prose words, or an address cue just before
    let prose = words.iter().any(|w| NOT_STREET_WORDS.contains(&w.to_lowercase().as_str()));
    !prose || ADDRESS_CUE_BEFORE.before(text, start, 30)
}

/// Address cues for a lower-case street (`i live at 123 main street`).
static ADDRESS_CUE_BEFORE: LazyLock<Cues> =
    LazyLock::new(|| Cues::new(&["address", "live at", "lives at", "living at", "located at", "resides at", "ship to"]));

/// The end of the clause after an address cue, and whether it holds a digit.
fn clause_after_cue(text: &str, start: usize) -> (usize, bool) {
    // Besides conjunctions and pronouns, time words: "meet me at 12 Elm St after the concert".
    const STOP_WORDS: &[&str] = &[
        "for", "last", "if", "please", "but", "when", "because", "so", "which", "who", "where", "since", "with", "to", "in",
        "i", "it", "and", "we", "he", "she", "after", "before", "until", "today", "tonight", "tomorrow", "now", "then",
    ];
    const ABBREVIATIONS: &[&str] = &["apt", "st", "ave", "rd", "dr", "u", "ul", "avda", "o", "p", "blvd", "ln", "no", "n", "s", "e", "w"];
    let rest = &text[start..];
    let mut end = 0;
    let mut has_digit = false;
    let mut words = 0;
    for (i, ch) in rest.char_indices() {
        if ch == '\n' || matches!(ch, '?' | '!' | ';' | '(' | '"') || i > 140 {
            break;
        }
        if ch == '.' {
            let word: String = rest[..i].chars().rev().take_while(|c| c.is_alphanumeric()).collect();
            let word: String = word.chars().rev().collect::<String>().to_lowercase();
            let next = rest[i + 1..].chars().next();
            if !ABBREVIATIONS.contains(&word.as_str()) && next.is_none_or(char::is_whitespace) {
                break;
            }
        }
        if ch.is_whitespace() && i > 0 {
            words += 1;
            let next_word: String = rest[i..].trim_start().chars().take_while(|c| c.is_alphanumeric()).collect();
            // a stop word ends the address, except "and" in "the corner of X 7 and Y"
            if words > 1 && next_word != "and" && STOP_WORDS.contains(&next_word.to_lowercase().as_str()) {
                end = i;
                break;
            }
        }
        has_digit |= ch.is_ascii_digit();
        end = i + ch.len_utf8();
    }
    (start + end, has_digit)
}

/// Extends an address end over its unit(s), the place on the same line, and the block lines below.
fn extend_address(text: &str, mut end: usize) -> usize {
    for _ in 0..2 {
        match UNIT.find(&text[end..]) {
            Some(m) => end += m.end(),
            None => break,
        }
    }
    if let Some(m) = PLACE_TAIL.find(&text[end..]) {
        end += m.end();
    }
    extend_block(text, end)
}

/// Extends over the following lines of an address block, up to the last line
/// that carries address evidence (a postcode, a unit, a state code) — at most five lines.
fn extend_block(text: &str, end: usize) -> usize {
    // Only when `end` finishes its line: the scan stops at the first character that is not
    // white space or punctuation, so a long line is not read again for every street on it.
    let trailing = |c: char| c != '\n' && (c.is_whitespace() || matches!(c, '.' | ',' | ';'));
    let rest = &text[end..];
    let trail = rest.find(|c: char| !trailing(c)).unwrap_or(rest.len());
    if !rest[trail..].is_empty() && !rest[trail..].starts_with('\n') {
        return end;
    }
    let mut pos = end + trail;
    let mut best = end;
    // The end of the capitalised name lines read since `best`: kept when the block
    // closes there (end of text, a blank line) or a line with evidence follows.
    let mut weak_end = None;
    let mut blank_run = 0;
    for _ in 0..6 {
        if pos >= text.len() {
            best = weak_end.unwrap_or(best);
            break;
        }
        let line_start = pos + 1; // past '\n'
        let line = text[line_start.min(text.len())..].split('\n').next().unwrap_or("");
        let line_trim = line.trim_end_matches('\r');
        if line_trim.trim_matches([' ', '\t', '>', '?']).is_empty() {
            best = weak_end.take().unwrap_or(best);
            blank_run += 1;
            if blank_run > 1 {
                break;
            }
            pos = line_start + line.len();
            continue;
        }
        blank_run = 0;
        // " 51971 for this card: …": a postcode opening a line ends the block there
        if let Some(m) = LEADING_POSTCODE.find(line_trim) {
            // "Cyprus 91815. I now live in …": a sentence ends the block, whatever follows.
            let rest = &line_trim[m.end()..];
            let sentence_on = rest.starts_with(['.', '?', '!']) && rest[1..].trim().chars().next().is_some_and(char::is_alphanumeric);
            if sentence_on || !STRONG_LINE.is_match(line_trim.trim_end()) {
                best = line_start + m.end();
                break;
            }
        }
        if !BLOCK_LINE.is_match(line_trim) || line_trim.contains(':') {
            break;
        }
        if STRONG_LINE.is_match(line_trim.trim_end()) {
            best = line_start + line_trim.trim_end().len();
            weak_end = None;
        } else if NAME_LINE.is_match(line_trim) {
            weak_end = Some(line_start + line_trim.trim_end().len());
        } else {
            weak_end = None;
        }
        pos = line_start + line.len();
        if pos >= text.len() {
            best = weak_end.unwrap_or(best);
        }
    }
    best
}

/// Trims whitespace and trailing punctuation off a span.
fn trim(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let left = s.len() - s.trim_start().len();
    let t = s.trim_end_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | ')')));
    (start + left, start + t.len().max(left))
}

// ---------------------------------------------------------------------------
// ZIP and postal codes
// ---------------------------------------------------------------------------

/// USPS state codes.
const STATE_CODES: &str = "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI";

/// State names.
const STATE_NAMES: &str = "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming";

/// A ZIP after a state (`MA 02139`, `Texas 75201-1234`) or a postcode after a cue.
static ZIP: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?x)
        (?: \b(?:{STATE_CODES}|{STATE_NAMES}),?[\ \t]+ (?P<zip>[0-9]{{5}}(?:-[0-9]{{4}})?)\b )
      | (?: \b(?i:zip(?:[\ \t]*code)?|postal[\ \t]*code|post[\ \t]*code|postcode)(?:[\ \t]+is)?[\ \t]*[:\#]?[\ \t]*
            (?P<code>[0-9]{{5}}(?:-[0-9]{{4}})?|[0-9]{{4}}[\ ]?[A-Z]{{2}}|[0-9]{{2}}-[0-9]{{3}}|[0-9]{{3,4}}
              |[A-Z]{{1,2}}[0-9][A-Z0-9]?[\ ]?[0-9][A-Z]{{2}}|[A-Z][0-9][A-Z][\ ]?[0-9][A-Z][0-9])\b )"
    ))
});

struct ZipDetector;

impl Detector for ZipDetector {
    fn name(&self) -> &'static str {
        "zip"
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let text = doc.text;
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return Ok(());
        }
        for c in ZIP.captures_iter(text) {
            let (m, score) = match (c.name("zip"), c.name("code")) {
                (Some(z), _) => {
                    // "IN 12345 patients" reads as a count: the state code must follow a comma or a city
                    let before = window_before(text, c.get(0).expect("group 0").start(), 12);
                    let before = before.trim_end();
                    if !(before.ends_with(',') || before.ends_with(char::is_alphabetic)) {
                        continue;
                    }
                    (z, 0.8)
                }
                (None, Some(code)) => (code, 0.85),
                _ => continue,
            };
            out.push(Span::new(m.start(), m.end(), Label::Location, score, Source::Pattern).with_subtype(Subtype::Zip));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts of the spans all address detectors report, in order, with their subtype.
    fn found(text: &str) -> Vec<(&str, Subtype)> {
        let mut out = Vec::new();
        for d in detectors() {
            d.detect(&Document::new(text), &mut out).unwrap();
        }
        out.retain(|s| s.score >= 0.5);
        let out = crate::merge::merge(out);
        out.iter().filter(|s| s.score >= 0.5).map(|s| (&text[s.start..s.end], s.subtype.unwrap())).collect()
    }

    fn streets(text: &str) -> Vec<&str> {
        found(text).into_iter().filter(|(_, st)| *st == Subtype::Street).map(|(t, _)| t).collect()
    }

    fn zips(text: &str) -> Vec<&str> {
        found(text).into_iter().filter(|(_, st)| *st == Subtype::Zip).map(|(t, _)| t).collect()
    }

    #[test]
    fn us_streets_with_unit_city_state_zip() {
        assert_eq!(streets("Patient lives at 1436 Redbud Drive, Apt. 12, Boston, MA 02139 with"), ["1436 Redbud Drive, Apt. 12, Boston, MA 02139"]);
        assert_eq!(streets("seen at 77 Massachusetts Ave. on Friday"), ["77 Massachusetts Ave."]);
        assert_eq!(streets("Home: 12 Oak St #4"), ["12 Oak St #4"]);
    }

    #[test]
    fn po_boxes_and_military_addresses() {
        assert_eq!(streets("Mail: P.O. Box 255"), ["P.O. Box 255"]);
        assert_eq!(streets("PSC 0413, Box 8144\nAPO AA 42323"), ["PSC 0413, Box 8144\nAPO AA 42323"]);
    }

    #[test]
    fn international_street_after_a_cue() {
        assert_eq!(streets("Tosh lives at Maneeži 75, Saareküla"), ["Maneeži 75, Saareküla"]);
        assert_eq!(streets("Sandra lives on Hansinegata 120."), ["Hansinegata 120"]);
    }

    #[test]
    fn address_blocks_extend_over_city_state_country_and_postcode() {
        let text = "The address of Persint is 6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677";
        assert_eq!(streets(text), ["6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677"]);
        let block = "Anna Berg\n974 Via Roma 131\n Apt. 425\n Montafia\n Italy 39767";
        assert_eq!(streets(block), ["974 Via Roma 131\n Apt. 425\n Montafia\n Italy 39767"]);
    }

    #[test]
    fn zip_codes_after_cues_and_states() {
        assert_eq!(zips("Boston, MA 02139"), ["02139"]);
        assert_eq!(zips("zip code 94110-1234 and"), ["94110-1234"]);
        assert_eq!(zips("ZIP: 4943"), ["4943"]);
        assert_eq!(zips("postcode SW1A 1AA."), ["SW1A 1AA"]);
        assert_eq!(zips("postal code B0J 2H0"), ["B0J 2H0"]);
    }

    #[test]
    fn near_misses_are_not_addresses() {
        assert_eq!(found("It is a 20 minute drive from here"), []);
        assert_eq!(found("walked 2 blocks down the road"), []);
        assert_eq!(found("had 2 abdominal CT scans"), []);
        assert_eq!(found("Follow up with 3 Dr visits"), []);
        assert_eq!(found("WBC 12500, platelets 25000, paid 10000 dollars"), []);
        assert_eq!(found("In 2019 Texas passed a law; IN 12345 patients"), []);
        assert_eq!(found("keep getting address 41.173.96.26 blocked"), []);
        assert_eq!(found("BP is at 120/80"), []);
        assert_eq!(found("her email address is ann@example.org"), []);
    }

    #[test]
    fn addresses_stop_where_the_sentence_goes_on() {
        assert_eq!(streets("We met at 12 Kettle Road Suite 4 LARVIK Norway last week."), ["12 Kettle Road Suite 4 LARVIK Norway"]);
        assert_eq!(streets("Come to 9 Quay Lane Apt. 3 AMBLE UK after the match."), ["9 Quay Lane Apt. 3 AMBLE UK"]);
        assert_eq!(streets("Meet me at 5 Brunnsgatan 12 Apt. 7 LUND SE before noon."), ["5 Brunnsgatan 12 Apt. 7 LUND SE"]);
        let block = "We once lived in 40 Fenner Drive Pine Point\n Apt. 12\n Tarbert\n Scotland 41207. We now rent in town.";
        assert_eq!(streets(block), ["40 Fenner Drive Pine Point\n Apt. 12\n Tarbert\n Scotland 41207"]);
        let owner = "The address of Lund, Berg and Hale is the corner of Via Sarti 14 and Piazza Nova";
        assert_eq!(streets(owner), ["the corner of Via Sarti 14 and Piazza Nova"]);
    }

    #[test]
    fn multibyte_text_around_addresses() {
        let text = "Zoë Ünal wohnt — lives at 5586 Þórunnarstræti 31, Arnsdorf ✓";
        let got = streets(text);
        assert_eq!(got, ["5586 Þórunnarstræti 31, Arnsdorf"]);
    }

    #[test]
    fn many_streets_on_one_line_are_each_found() {
        // Each street read the rest of its line to see whether it ended there: quadratic on
        // one long line (over 10 s at 1 MB).
        let text = "12 Main Street ".repeat(20_000);
        let got = found(&text);
        assert_eq!(got.len(), 20_000);
        assert!(got.iter().all(|&(t, st)| t == "12 Main Street" && st == Subtype::Street));
    }
}
