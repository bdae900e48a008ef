//! The last look at the merged spans, whatever detector found them: edges and
//! whole spans that a reader knows are not identifiers.
//!
//! Detectors judge a candidate from its own evidence; some mistakes only show
//! once the spans of every detector are united:
//!
//! - a street-type word after a street that has already ended ("Ringvej 144 St.",
//!   "12 Mill Road street"): a house number closes a street written name first,
//!   and a street already typed ("Road", "Avenue", "Rue", "ul.") takes no second
//!   type, so the word belongs to the sentence;
//! - a compass word before a state or a country ("Southern Austria"): a region,
//!   and states and countries are not PHI;
//! - the tax-exemption section "501(c)(3)", never an identifier;
//! - the missing-value markers of exported tables ("nan", "None", "N/A"), alone in
//!   a span or on a line of an address block.
//!
//! Spans only shrink, split or go, so sorted disjoint input stays sorted and disjoint.

use crate::detectors::dictionary::names_region;
use crate::error::Result;
use crate::span::{Label, Span};
use regex::Regex;
use std::sync::LazyLock;

/// The markers spreadsheet exports (pandas, SQL dumps) write for an empty cell.
const MISSING_VALUES: &[&str] = &["nan", "NaN", "None", "null", "NULL", "N/A", "n/a"];

/// Words that name a part of a region: "Southern Austria", "East Texas".
const COMPASS: &[&str] = &[
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "northeast",
    "northwest", "southeast", "southwest", "northeastern", "northwestern", "southeastern", "southwestern",
];

/// Compass points written before a numbered US street ("W 42 St"): the number is then the street's name.
const COMPASS_ABBREVS: &[&str] = &["n", "s", "e", "w", "ne", "nw", "se", "sw"];

/// Street types that, once in a span, make a later "St"/"Street" a second type: "Botley Road St.".
/// Words that are also street names themselves ("Court", "Park", "Grove") are left out: "Court St" is a street.
const STREET_TYPES: &[&str] = &[
    "street", "road", "rd", "avenue", "ave", "av", "avenida", "avda", "boulevard", "blvd", "drive", "highway",
    "hwy", "parkway", "pkwy", "rue", "via", "viale", "rua", "calle", "c/", "ul", "ulica", "strasse", "straße",
];

/// "501(c)(3)", "501(c)3", "501c3", with the brackets or quotes around it.
static TAX_SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)^[("'\[]*501 ?\(?c\)? ?\(?[0-9]{1,2}\)?[)"'\].,;:!?]*$"#).expect("tax section regex"));

/// Applies the rules of this module to `spans` (sorted, disjoint, byte offsets into `text`).
pub fn refine(text: &str, spans: Vec<Span>) -> Result<Vec<Span>> {
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        if in_tax_section(text, span.start, span.end) {
            continue;
        }
        for (start, end) in without_missing_lines(text, span.start, span.end) {
            if MISSING_VALUES.contains(&&text[start..end]) {
                continue;
            }
            let end = match span.label {
                Label::Name | Label::Location if compass_region(&text[start..end])? => continue,
                Label::Name | Label::Location => without_second_street_type(text, start, end),
                _ => end,
            };
            out.push(Span { start, end, ..span });
        }
    }
    Ok(out)
}

/// The most characters a "501(c)(3)" token may have on either side of a span: the section
/// with its brackets and quotes is under 20. Looking no further keeps the check bounded
/// when a span lies inside a long word, which would otherwise be scanned once per span.
const MAX_TAX_SIDE: usize = 32;

/// Whether `start..end` lies inside a "501(c)(3)" token (the model tags its digits as a code).
fn in_tax_section(text: &str, start: usize, end: usize) -> bool {
    // White space may be several bytes long (U+2028): step over the whole character.
    let mut from = 0;
    for (n, (i, c)) in text[..start].char_indices().rev().enumerate() {
        if c.is_whitespace() {
            from = i + c.len_utf8();
            break;
        }
        if n == MAX_TAX_SIDE {
            return false;
        }
    }
    let mut to = text.len();
    for (n, (i, c)) in text[end..].char_indices().enumerate() {
        if c.is_whitespace() {
            to = end + i;
            break;
        }
        if n == MAX_TAX_SIDE {
            return false;
        }
    }
    TAX_SECTION.is_match(&text[from..to])
}

/// `start..end` split around its lines that hold only a missing-value marker, each part
/// trimmed of white space. An address block exported from a table ("Wrocław\n nan\n 53-320")
/// has one where the state would be.
fn without_missing_lines(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut from = start;
    let mut at = start;
    for line in text[start..end].split_inclusive('\n') {
        if MISSING_VALUES.contains(&line.trim()) && line.trim().len() < end - start {
            parts.push((from, at));
            from = at + line.len();
        }
        at += line.len();
    }
    parts.push((from, end));
    parts
        .into_iter()
        .map(|(s, e)| {
            let part = &text[s..e];
            let s = s + (part.len() - part.trim_start().len());
            (s, s.max(e - (part.len() - part.trim_end().len())))
        })
        .filter(|&(s, e)| text[s..e].chars().any(char::is_alphanumeric))
        .collect()
}

/// "Southern Austria", "West Texas": a compass word, then exactly a state or a country of the lists.
/// "South Bend" and "West Haven" are towns and stay.
fn compass_region(span: &str) -> Result<bool> {
    let span = span.trim();
    let Some((first, rest)) = span.split_once(char::is_whitespace) else { return Ok(false) };
    if !COMPASS.contains(&first.to_lowercase().as_str()) {
        return Ok(false);
    }
    names_region(rest.trim())
}

/// The end of a street span without a street type that comes after the street has ended:
/// after a house number written last ("Ringvej 144 St.", "Via Roma 12 street"), or
/// after a street type already given ("137 Avenue Foch St.", "11 Mill Road street").
/// "123 Main St." (number, name, type) keeps its type.
fn without_second_street_type(text: &str, start: usize, end: usize) -> usize {
    let words = words(text, start, end);
    let key = |&(s, e): &(usize, usize)| text[s..e].trim_end_matches(['.', ',']).to_lowercase();
    let Some((last, before)) = words.split_last() else { return end };
    let Some(prev) = before.last() else { return end };
    if !matches!(key(last).as_str(), "st" | "street") {
        return end;
    }
    let number_last = is_house_number(&key(prev)) && named_before_number(text, start, before, &key);
    let typed = before.iter().any(|w| STREET_TYPES.contains(&key(w).as_str()));
    if number_last || typed {
        prev.1
    } else {
        end
    }
}

/// Whether the house number that ends `before` follows a street name: a word in the span
/// that is not a compass point ("Ringvej 144", but not "W 42"), or, when the number opens
/// the span, a capitalised word right before it on the line ("Loorenstrasse" + "149 street").
fn named_before_number(text: &str, start: usize, before: &[(usize, usize)], key: &dyn Fn(&(usize, usize)) -> String) -> bool {
    match before.len() {
        0 => false,
        1 => {
            let line = text[..start].trim_end_matches([' ', '\t']);
            let word = line.rsplit(char::is_whitespace).next().unwrap_or("");
            line.len() < start && word.chars().next().is_some_and(char::is_uppercase)
        }
        n => !COMPASS_ABBREVS.contains(&key(&before[n - 2]).as_str()) && !COMPASS.contains(&key(&before[n - 2]).as_str()),
    }
}

/// "144", "12a", "62." (the period trimmed): a house number.
fn is_house_number(key: &str) -> bool {
    let digits = key.bytes().take_while(u8::is_ascii_digit).count();
    (1..=6).contains(&digits) && key.len() - digits <= 1 && key.bytes().skip(digits).all(|b| b.is_ascii_alphabetic())
}

/// The white-space separated words of `text[start..end]`, as byte ranges.
fn words(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let span = &text[start..end];
    span.split_whitespace()
        .map(|w| {
            let s = start + (w.as_ptr() as usize - span.as_ptr() as usize);
            (s, s + w.len())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Source;

    /// The texts of the spans left after refining one span over `value` in `text`.
    fn refined<'a>(text: &'a str, value: &str, label: Label) -> Vec<&'a str> {
        let start = text.find(value).unwrap();
        let spans = vec![Span::new(start, start + value.len(), label, 0.8, Source::Pattern)];
        refine(text, spans).unwrap().iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn a_street_type_after_a_finished_street_is_the_sentences() {
        let loc = Label::Location;
        assert_eq!(refined("Get off at Kornvej 21 St. and walk.", "Kornvej 21 St.", loc), vec!["Kornvej 21"]);
        assert_eq!(refined("Get off at 5521 Bergsgatan 14 St.", "5521 Bergsgatan 14 St.", loc), vec!["5521 Bergsgatan 14"]);
        assert_eq!(refined("She lives on Via Manin 8 street.", "Via Manin 8 street", Label::Name), vec!["Via Manin 8"]);
        assert_eq!(refined("at 9 ul. Lipowa 31 st. today", "9 ul. Lipowa 31 st.", loc), vec!["9 ul. Lipowa 31"]);
        assert_eq!(refined("at Fő utca 62. St.", "Fő utca 62. St.", loc), vec!["Fő utca 62."]);
        assert_eq!(refined("near 14 Kenley Road St. and", "14 Kenley Road St.", loc), vec!["14 Kenley Road"]);
        assert_eq!(refined("on 3 Avenue Foch St. first", "3 Avenue Foch St.", loc), vec!["3 Avenue Foch"]);
        assert_eq!(refined("on 8 rue des Lilas street.", "8 rue des Lilas street", loc), vec!["8 rue des Lilas"]);
        assert_eq!(refined("named Hauptstrasse 149 street in", "149 street", loc), vec!["149"]);
    }

    #[test]
    fn streets_in_american_order_keep_their_type() {
        let loc = Label::Location;
        assert_eq!(refined("lives at 123 Main St. now", "123 Main St.", loc), vec!["123 Main St."]);
        assert_eq!(refined("lives at 40 Court St now", "40 Court St", loc), vec!["40 Court St"]);
        assert_eq!(refined("lives at 210 W 42 St now", "210 W 42 St", loc), vec!["210 W 42 St"]);
        assert_eq!(refined("lives at 7 East 12 Street", "7 East 12 Street", loc), vec!["7 East 12 Street"]);
        assert_eq!(refined("lives at 5th Street", "5th Street", loc), vec!["5th Street"]);
        assert_eq!(refined("the bus on 42 Street", "42 Street", loc), vec!["42 Street"], "no street name before the number");
        assert_eq!(refined("Dr Ann Ridge 12 St", "12 St", Label::Date), vec!["12 St"], "other labels untouched");
    }

    #[test]
    fn a_compass_word_and_a_country_or_state_is_a_region() {
        assert!(refined("a choir touring Southern Austria", "Southern Austria", Label::Name).is_empty());
        assert!(refined("a farm in west texas", "west texas", Label::Location).is_empty());
        assert!(refined("a tour of Eastern Netherlands", "Eastern Netherlands", Label::Name).is_empty(), "listed with its article");
        assert!(refined("the coast of Northern Norway", "Northern Norway", Label::Location).is_empty());
        assert_eq!(refined("moved to South Bend", "South Bend", Label::Location), vec!["South Bend"]);
        assert_eq!(refined("moved to West Haven", "West Haven", Label::Location), vec!["West Haven"]);
        assert_eq!(refined("seen by Dr. West", "West", Label::Name), vec!["West"]);
    }

    #[test]
    fn the_tax_exemption_section_is_no_code() {
        assert!(refined("The choir is a 501(c)3 that sings.", "501(c)3", Label::Id).is_empty());
        assert!(refined("The choir is a 501(c)3 that sings.", "c)3", Label::Id).is_empty());
        assert!(refined("(a 501(c)(3)), founded", "501(c)(3)", Label::Id).is_empty());
        assert_eq!(refined("badge 501236 issued", "501236", Label::Id), vec!["501236"]);
        assert_eq!(refined("x\u{2028}4471 issued", "4471", Label::Id), vec!["4471"], "multi-byte white space before the token");
        assert!(refined("a\u{2028}501(c)3\u{3000}that", "501(c)3", Label::Id).is_empty());
    }

    #[test]
    fn missing_value_markers_are_no_identifiers() {
        assert!(refined("CITY nan 4410", "nan", Label::Location).is_empty());
        assert!(refined("Contact: None", "None", Label::Name).is_empty());
        assert_eq!(refined("Granny Nan came", "Nan", Label::Name), vec!["Nan"], "a name, not a marker");
        let block = "Ship to: 12 Lindenweg 4\n   Aarberg\n    nan\n    3270";
        assert_eq!(refined(block, "12 Lindenweg 4\n   Aarberg\n    nan\n    3270", Label::Location), vec!["12 Lindenweg 4\n   Aarberg", "3270"]);
        assert_eq!(refined("Kanan 4410", "Kanan 4410", Label::Location), vec!["Kanan 4410"]);
    }

    #[test]
    fn spans_inside_one_long_word_are_kept() {
        // Each span looked back to the word's start for white space: seconds at this length.
        let text = "x".repeat(400_000);
        let spans: Vec<Span> = (0..text.len() / 8).map(|i| Span::new(8 * i, 8 * i + 8, Label::Id, 0.9, Source::Pattern)).collect();
        assert_eq!(refine(&text, spans.clone()).unwrap(), spans);
    }
}
