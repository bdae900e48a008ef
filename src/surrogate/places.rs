//! Places: streets, cities, counties, ZIP codes, hospitals and organisations.
//!
//! - A street keeps its shape: a house number of as many digits, a surname for its name, and
//!   its suffix, direction and unit words as written (`1436 Redbud Dr., Apt 4` →
//!   `8203 Halvorsen Dr., Apt 7`).
//! - A city becomes a US place of about the same size from `data/dict/us_places.txt` (the same
//!   power of ten of people); a county another county with the same suffix (`Parish`).
//! - A ZIP code follows Safe Harbor's rule as the placeholders do: with `keep_zip3` its first
//!   three digits stay, or become `000` for a restricted prefix, and only the rest is made up;
//!   without it a whole ZIP is drawn under a populous prefix.
//! - A hospital becomes one of `data/dict/hospitals.txt` with the same head word (`Clinic`,
//!   `Medical Center`); an organisation keeps its common words (`Bank`, `of`) and gets
//!   surnames for the rest.
//! - A state or a country is no identifier and is written as it stands inside an address.

use super::names::last_pool;
use super::words::{in_case_of, ordinal_suffix, title};
use super::{Chooser, Rng};
use crate::config::Config;
use crate::span::Subtype;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Street suffixes, directions and unit words: written as they stand.
const STREET_WORDS: &[&str] = &[
    "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "court", "ct",
    "place", "pl", "way", "terrace", "ter", "circle", "cir", "parkway", "pkwy", "highway", "hwy", "square", "sq",
    "trail", "trl", "alley", "aly", "plaza", "plz", "crescent", "cres", "close", "grove", "gardens", "park", "heights",
    "hts", "hills", "ridge", "loop", "path", "pike", "turnpike", "expressway", "expy", "freeway", "fwy", "row", "walk",
    "crossing", "xing", "point", "view", "estates", "manor", "mews", "creek", "isle", "island", "mall", "flat", "flats",
    "courts", "junction", "jct", "summit", "valley", "harbor", "landing", "common", "commons", "meadow", "meadows",
    "causeway", "route", "rte", "n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west",
    "northeast", "northwest", "southeast", "southwest", "apt", "apartment", "suite", "ste", "unit", "floor", "fl",
    "room", "rm", "bldg", "building", "po", "p", "o", "box", "of", "the", "and", "at",
];

/// Words of an organisation's name that say what it is, not which: kept.
const ORG_WORDS: &[&str] = &[
    "inc", "llc", "ltd", "corp", "corporation", "company", "co", "group", "bank", "of", "the", "and", "&", "university",
    "college", "school", "church", "hospital", "clinic", "center", "centre", "medical", "health", "services",
    "associates", "partners", "foundation", "institute", "insurance", "pharmacy", "department", "county", "city",
    "state", "national", "american", "international", "systems", "solutions", "industries", "holdings", "trust",
];

fn lines(file: &'static str) -> impl Iterator<Item = &'static str> {
    file.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The US places by name (lower case) and population.
static PLACE_POP: LazyLock<HashMap<String, u32>> = LazyLock::new(|| {
    lines(include_str!("../../data/dict/us_places.txt"))
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(p, n)| Some((p.to_lowercase(), n.parse().ok()?)))
        .collect()
});

/// Plain-lettered US places of 1,000 people or more, by power of ten of their population.
static CITIES: LazyLock<HashMap<u32, Vec<&'static str>>> = LazyLock::new(|| {
    let mut by_size: HashMap<u32, Vec<&'static str>> = HashMap::new();
    for l in lines(include_str!("../../data/dict/us_places.txt")) {
        let Some((place, pop)) = l.split_once('\t') else { continue };
        let Ok(pop) = pop.parse::<u32>() else { continue };
        let plain = place.split(' ').all(|w| w.len() > 1 && w.bytes().all(|b| b.is_ascii_alphabetic()));
        if pop >= 1_000 && plain && !STATES.contains(&place.to_lowercase()) {
            by_size.entry(size(pop)).or_default().push(place);
        }
    }
    by_size
});

/// The power of ten of a population, capped to the sizes the list has plenty of.
fn size(pop: u32) -> u32 {
    pop.max(1).ilog10().clamp(3, 6)
}

/// State names and postal codes, lower case.
static STATES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    lines(include_str!("../../data/dict/us_states.txt"))
        .flat_map(|l| l.split('\t'))
        .map(str::to_lowercase)
        .chain(lines(include_str!("../../data/dict/countries.txt")).map(str::to_lowercase))
        .collect()
});

static COUNTIES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| lines(include_str!("../../data/dict/us_counties.txt")).filter(|l| l.is_ascii()).collect());

static HOSPITALS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    lines(include_str!("../../data/dict/hospitals.txt"))
        .filter(|l| l.split(' ').count() >= 2 && l.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ' || b == b'\''))
        .collect()
});

/// ZIP3 prefixes of more than 20,000 people: where a whole fake ZIP may lie.
static POPULOUS_ZIP3: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    lines(include_str!("../../data/dict/zip3_population.txt"))
        .filter_map(|l| l.split_once('\t'))
        .filter(|(_, n)| n.parse::<u32>().is_ok_and(|n| n > 20_000))
        .map(|(z, _)| z)
        .collect()
});

/// The fake of a place of the given subtype.
pub fn replace(chooser: &Chooser, config: &Config, subtype: Option<Subtype>, value: &str, attempt: u32) -> String {
    let mut rng = chooser.rng("place", &super::fold(value), attempt);
    match subtype.unwrap_or_else(|| guess(value)) {
        Subtype::Zip => zip(&mut rng, config, value),
        Subtype::Street => address(&mut rng, config, value),
        Subtype::County => county(&mut rng, value),
        Subtype::Hospital => hospital(&mut rng, value),
        Subtype::Organization => organisation(&mut rng, value),
        _ if value.contains(',') => address(&mut rng, config, value),
        _ => city(&mut rng, value),
    }
}

/// The kind of a place the detector gave no subtype.
fn guess(value: &str) -> Subtype {
    let lower = value.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if is_zip(value.trim()) {
        Subtype::Zip
    } else if value.starts_with(|c: char| c.is_ascii_digit()) {
        Subtype::Street
    } else if words.iter().any(|w| matches!(*w, "hospital" | "clinic" | "medical" | "infirmary" | "health" | "healthcare")) {
        Subtype::Hospital
    } else if words.last().is_some_and(|w| matches!(*w, "county" | "parish" | "borough")) {
        Subtype::County
    } else {
        Subtype::City
    }
}

/// Five digits, optionally a dash and four more.
fn is_zip(s: &str) -> bool {
    let b = s.as_bytes();
    let five = b.len() >= 5 && b[..5].iter().all(u8::is_ascii_digit);
    five && (b.len() == 5 || (b.len() == 10 && b[5] == b'-' && b[6..].iter().all(u8::is_ascii_digit)))
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.below(10) as u8)).collect()
}

/// A ZIP under Safe Harbor's ZIP3 rule (see the module comment); other postal codes keep
/// their shape.
fn zip(rng: &mut Rng, config: &Config, value: &str) -> String {
    let trimmed = value.trim();
    if !is_zip(trimmed) {
        return shape(rng, value);
    }
    let zip3 = &trimmed[..3];
    let prefix = if !config.keep_zip3 {
        rng.pick(&POPULOUS_ZIP3).to_string()
    } else if config.restricted_zip3.iter().any(|r| r == zip3) {
        "000".to_string()
    } else {
        zip3.to_string()
    };
    let plus4 = if trimmed.len() == 10 { format!("-{}", digits(rng, 4)) } else { String::new() };
    format!("{prefix}{}{plus4}", digits(rng, 2))
}

/// Letters for letters, digits for digits.
fn shape(rng: &mut Rng, value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from(b'0' + rng.below(10) as u8),
            'a'..='z' => char::from(b'a' + rng.below(26) as u8),
            'A'..='Z' => char::from(b'A' + rng.below(26) as u8),
            _ => c,
        })
        .collect()
}

/// An address: its comma-separated parts each replaced by kind (street, city, state, ZIP).
fn address(rng: &mut Rng, config: &Config, value: &str) -> String {
    value
        .split(',')
        .enumerate()
        .map(|(i, part)| {
            let core = part.trim();
            let lead = &part[..part.len() - part.trim_start().len()];
            let trail = &part[part.trim_end().len()..];
            let fake = if core.is_empty() {
                String::new()
            } else if i == 0 || core.starts_with(|c: char| c.is_ascii_digit()) || has_street_word(core) {
                street(rng, core)
            } else {
                region(rng, config, core)
            };
            format!("{lead}{fake}{trail}")
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn has_street_word(s: &str) -> bool {
    s.split(|c: char| !c.is_alphanumeric()).any(|w| w.len() > 2 && STREET_WORDS.contains(&w.to_lowercase().as_str()))
}

/// A part after a street: a state (kept), a ZIP, or a city.
fn region(rng: &mut Rng, config: &Config, part: &str) -> String {
    let words: Vec<&str> = part.split(' ').collect();
    let mut out = Vec::new();
    let mut place = Vec::new();
    for w in &words {
        let bare = w.trim_end_matches('.');
        if is_zip(bare) {
            out.push(zip(rng, config, bare));
        } else if STATES.contains(&bare.to_lowercase()) {
            if !place.is_empty() {
                out.push(city(rng, &place.join(" ")));
                place.clear();
            }
            out.push(w.to_string());
        } else {
            place.push(*w);
        }
    }
    if !place.is_empty() {
        out.insert(0, city(rng, &place.join(" ")));
    }
    out.join(" ")
}

/// A street: numbers redrawn (ordinals keep a right suffix), suffix and unit words kept, the
/// name's words made surnames.
fn street(rng: &mut Rng, value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for token in value.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let word = token.trim_end_matches(|c: char| !c.is_alphanumeric());
        let sep = &token[word.len()..];
        let lead: String = word.chars().take_while(char::is_ascii_digit).collect();
        let rest = &word[lead.len()..];
        if !lead.is_empty() {
            // As many digits, the first not a zero.
            let low = 10u32.pow(lead.len().min(9) as u32 - 1);
            let n = rng.between(low, low.saturating_mul(10).saturating_sub(1).max(9)) as usize;
            out.push_str(&n.to_string());
            match rest.to_lowercase().as_str() {
                "st" | "nd" | "rd" | "th" => out.push_str(&in_case_of(rest, ordinal_suffix(n as u32))),
                _ => out.push_str(rest),
            }
        } else if word.len() > 1 && crate::detectors::spoken_numbers::unit(&word.to_lowercase()).is_some() {
            // A house number said aloud stays said: "four Park Avenue".
            out.push_str(&in_case_of(word, super::words::digit_word(rng.between(1, 9) as u8)));
        } else if word.is_empty() || STREET_WORDS.contains(&word.to_lowercase().as_str()) || word.len() == 1 {
            out.push_str(word);
        } else {
            out.push_str(&in_case_of(word, *rng.pick(last_pool())));
        }
        out.push_str(sep);
    }
    out
}

/// A US place of about the size of the original (10,000–99,999 people when it is unknown).
fn city(rng: &mut Rng, value: &str) -> String {
    let key = value.trim().to_lowercase();
    let bucket = PLACE_POP.get(&key).map_or(4, |&p| size(p));
    let pool = CITIES.get(&bucket).or_else(|| CITIES.get(&4)).map(Vec::as_slice).unwrap_or(&["Springfield"]);
    let mut pick = *rng.pick(pool);
    for _ in 0..4 {
        if pick.to_lowercase() != key {
            break;
        }
        pick = *rng.pick(pool);
    }
    in_case_of(value, pick)
}

fn county(rng: &mut Rng, value: &str) -> String {
    let suffix = value.rsplit(' ').next().unwrap_or("").to_lowercase();
    let same: Vec<&str> = COUNTIES.iter().copied().filter(|c| c.to_lowercase().ends_with(&suffix)).collect();
    let pool: &[&str] = if same.is_empty() { &COUNTIES } else { &same };
    in_case_of(value, *rng.pick(pool))
}

/// A hospital of the list with the same last word ("Hospital", "Clinic", "Center") if any.
fn hospital(rng: &mut Rng, value: &str) -> String {
    let head = value.rsplit(' ').next().unwrap_or("").to_lowercase();
    let same: Vec<&str> = HOSPITALS.iter().copied().filter(|h| h.rsplit(' ').next().is_some_and(|w| w.eq_ignore_ascii_case(&head))).collect();
    let pool: &[&str] = if same.len() >= 20 { &same } else { &HOSPITALS };
    let pick = rng.pick(pool);
    if value.chars().any(|c| c.is_uppercase()) && !value.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) {
        pick.to_string()
    } else {
        in_case_of(value, pick)
    }
}

/// An organisation: the words that say its kind kept, the others made surnames.
fn organisation(rng: &mut Rng, value: &str) -> String {
    let mut replaced = false;
    let mut out = String::new();
    for token in value.split_inclusive(' ') {
        let word = token.trim_end();
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '&').to_lowercase();
        if ORG_WORDS.contains(&bare.as_str()) || bare.is_empty() {
            out.push_str(token);
        } else {
            replaced = true;
            out.push_str(&in_case_of(word, &title(*rng.pick(last_pool()))));
            out.push_str(&token[word.len()..]);
        }
    }
    if replaced {
        out
    } else {
        format!("{} {value}", title(*rng.pick(last_pool())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surrogate::SurrogateKey;

    fn chooser() -> Chooser {
        Chooser { key: SurrogateKey::new(b"places test key, long enough").unwrap(), scope: String::new() }
    }

    #[test]
    fn zip_keeps_zip3_or_restricts_it() {
        let c = chooser();
        let config = Config::default();
        let z = replace(&c, &config, Some(Subtype::Zip), "02139", 0);
        assert!(z.starts_with("021") && z.len() == 5 && z.bytes().all(|b| b.is_ascii_digit()), "{z}");
        assert!(replace(&c, &config, Some(Subtype::Zip), "03601", 0).starts_with("000"), "restricted ZIP3");
        let plus4 = replace(&c, &config, Some(Subtype::Zip), "02139-4307", 0);
        assert!(plus4.starts_with("021") && plus4.len() == 10 && &plus4[5..6] == "-");
        let off = Config { keep_zip3: false, ..Config::default() };
        let whole = replace(&c, &off, Some(Subtype::Zip), "02139", 0);
        assert!(POPULOUS_ZIP3.contains(&&whole[..3]));
    }

    #[test]
    fn streets_keep_number_width_suffix_and_units() {
        let out = replace(&chooser(), &Config::default(), Some(Subtype::Street), "1436 Redbud Dr., Apt 4", 0);
        let words: Vec<&str> = out.split(' ').collect();
        assert_eq!(words.len(), 5, "{out}");
        assert_eq!(words[0].len(), 4);
        assert_ne!(words[1], "Redbud");
        assert_eq!(&words[2..4], ["Dr.,", "Apt"]);
        let ordinal = replace(&chooser(), &Config::default(), Some(Subtype::Street), "22 West 43rd Street", 0);
        let n: String = ordinal.split(' ').nth(2).unwrap().chars().take_while(char::is_ascii_digit).collect();
        assert!(ordinal.contains(&format!("{n}{} Street", ordinal_suffix(n.parse().unwrap()))), "{ordinal}");
        assert!(ordinal.contains(" West "));
    }

    #[test]
    fn a_full_address_keeps_the_state() {
        let out = replace(&chooser(), &Config::default(), None, "12 Quill Road, Framingham, MA 01701", 0);
        let parts: Vec<&str> = out.split(", ").collect();
        assert_eq!(parts.len(), 3, "{out}");
        assert!(parts[2].starts_with("MA 017"), "{out}");
        assert_ne!(parts[1], "Framingham");
    }

    #[test]
    fn cities_are_of_similar_size_and_case() {
        let c = chooser();
        for value in ["Boston", "Framingham"] {
            let out = replace(&c, &Config::default(), Some(Subtype::City), value, 0);
            assert_ne!(out, value);
            let pop = PLACE_POP[&out.to_lowercase()];
            assert_eq!(size(pop), size(PLACE_POP[&value.to_lowercase()]).min(6), "{value} → {out} ({pop})");
        }
        let lower = replace(&c, &Config::default(), Some(Subtype::City), "boston", 0);
        assert!(lower.chars().all(|ch| !ch.is_uppercase()), "{lower}");
    }

    #[test]
    fn hospitals_and_organisations_keep_their_kind() {
        let c = chooser();
        let h = replace(&c, &Config::default(), Some(Subtype::Hospital), "Quillfeather Memorial Hospital", 0);
        assert!(h.ends_with("Hospital") && h != "Quillfeather Memorial Hospital", "{h}");
        let o = replace(&c, &Config::default(), Some(Subtype::Organization), "Quillfeather Savings Bank", 0);
        assert!(o.ends_with(" Bank") && !o.contains("Quillfeather"), "{o}");
    }
}
