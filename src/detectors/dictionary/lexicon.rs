//! The word lists, parsed once per process from the files embedded in the binary.

use super::tokens::{fold, tokenize};
use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

pub const W_FIRST: u16 = 1;
pub const W_FIRST_RARE: u16 = 2;
pub const W_LAST: u16 = 4;
pub const W_LAST_RARE: u16 = 8;
pub const W_ENGLISH: u16 = 16;
pub const W_DRUG: u16 = 32;
pub const W_EPONYM: u16 = 64;
pub const W_CLINICAL: u16 = 128;
pub const W_CALENDAR: u16 = 256;
/// Clinical shorthand: abbreviations ("GU", "PERRL") and section-title words ("Neuro", "PMH").
/// Never a name or a place on its own; one that is also a listed name ("Mae", "Gu") still
/// counts beside another name or after a cue.
pub const W_ABBREV: u16 = 512;

macro_rules! dict {
    ($f:literal) => {
        ($f, include_str!(concat!("../../../data/dict/", $f)))
    };
}

const FIRST: (&str, &str) = dict!("first_names.txt");
const FIRST_RARE: (&str, &str) = dict!("first_names_rare.txt");
const LAST: (&str, &str) = dict!("surnames.txt");
const LAST_RARE: (&str, &str) = dict!("surnames_rare.txt");
/// Names of many origins from Faker's locale providers (Icelandic, Hungarian, Finnish, …).
const FIRST_INTL: (&str, &str) = dict!("first_names_intl.txt");
const LAST_INTL: (&str, &str) = dict!("surnames_intl.txt");
const ENGLISH: (&str, &str) = dict!("english_words.txt");
const DRUGS: (&str, &str) = dict!("allow_drugs.txt");
const EPONYMS: (&str, &str) = dict!("allow_diseases.txt");
const CLINICAL: (&str, &str) = dict!("allow_clinical.txt");
const GROUPS: (&str, &str) = dict!("allow_groups.txt");
const ABBREVS: (&str, &str) = dict!("allow_abbrev.txt");
const SECTIONS: (&str, &str) = dict!("allow_sections.txt");
const US_PLACES: (&str, &str) = dict!("us_places.txt");
const WORLD_CITIES: (&str, &str) = dict!("world_cities.txt");
const COUNTIES: (&str, &str) = dict!("us_counties.txt");
const HOSPITALS: (&str, &str) = dict!("hospitals.txt");
const STATES: (&str, &str) = dict!("us_states.txt");
const COUNTRIES: (&str, &str) = dict!("countries.txt");

const CALENDAR: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "christmas", "easter",
];

/// Articles, demonstratives and possessives. A common word that is also a name ("Baby",
/// "Royal", "Shadow") reads as a noun after one of them: "my Baby", "the Princess Royal".
pub const DETERMINERS: &[&str] = &["the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "our", "their"];

/// Whether the word right before byte `at`, on the same line and separated by spaces only, is a determiner.
pub fn after_determiner(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.len() == before.len() {
        return false;
    }
    let from = trimmed.char_indices().rev().find(|&(_, c)| !c.is_alphabetic()).map_or(0, |(i, c)| i + c.len_utf8());
    let word = &trimmed[from..];
    DETERMINERS.contains(&fold(word).as_str())
}

/// Capitalised words that are never part of a name, whatever the lists say.
const STOPWORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "if", "in", "on", "at", "to", "for", "of", "with", "by", "from", "is", "are",
    "was", "were", "be", "i", "i'm", "he", "she", "we", "they", "it", "this", "that", "these", "those", "my", "your",
    "his", "her", "our", "their", "hi", "hello", "hey", "yes", "no", "ok", "okay", "dear", "thanks", "please",
    "dr", "drs", "mr", "mrs", "ms", "miss", "mx", "mister", "doctor", "prof", "professor", "nurse", "rev", "sir", "madam",
    "patient", "pt", "md", "do", "rn", "np", "pa", "phd", "jr", "sr", "ii", "iii", "iv", "not", "what", "when",
    "where", "who", "why", "how", "which", "there", "here", "so", "as", "after", "before", "since", "per", "via",
    "also", "then", "than", "all", "any", "some", "each", "every", "new", "st", "mt", "ft", "de", "la", "le", "van",
    "von", "der", "del", "da", "di", "du", "des", "dos", "das", "el", "al", "bin", "ibn", "mac", "o",
    // Fragments of tokenised speech ("i'm gon na", "wan na", "got ta") and fillers of ASR transcripts.
    "can", "gon", "wan", "na", "ta", "i've", "i'll", "i'd", "we've", "we'll", "we'd", "you've", "you'll",
    "you'd", "he'll", "he'd", "she'll", "she'd", "they've", "they'll", "they'd", "it'll", "that'll", "um", "uh", "hmm", "mm", "mhm", "yeah", "yep", "nope",
    "hm", "erm", "er", "ah", "agh", "oh", "yup", "righty", "righty-ho", "mm-hmm", "uh-huh", "welcome",
];

/// What the place map knows about a phrase.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct PlaceInfo {
    pub us_pop: Option<u32>,
    pub world_pop: Option<u32>,
    pub county: bool,
    pub hospital: bool,
    pub state: bool,
    pub country: bool,
}

pub struct Lexicon {
    words: HashMap<Box<str>, u16>,
    places: HashMap<Box<str>, PlaceInfo>,
    state_abbrevs: HashSet<Box<str>>,
    stop: HashSet<&'static str>,
    pub max_place_words: usize,
}

static LEXICON: LazyLock<std::result::Result<Lexicon, String>> = LazyLock::new(Lexicon::build);

/// The shared lexicon, built on first use (a fraction of a second in release builds).
pub fn lexicon() -> Result<&'static Lexicon> {
    LEXICON.as_ref().map_err(|e| Error::data(e.clone()))
}

/// Titles written with a period that keep the next word in the same name: "St. Mary's", "Mt. Sinai".
pub fn is_title_abbrev(key: &str) -> bool {
    matches!(key, "st" | "mt" | "ft" | "dr" | "mr" | "mrs" | "ms" | "jr" | "sr" | "prof" | "rev")
}

/// The key of one token inside a place phrase: hyphens split, apostrophes dropped, Saint → st.
pub fn place_key(token_key: &str) -> String {
    let mut parts = Vec::new();
    for p in token_key.split('-') {
        let p: String = p.chars().filter(|&c| c != '\'').collect();
        parts.push(match p.as_str() {
            "saint" => "st".to_string(),
            "mount" => "mt".to_string(),
            "fort" => "ft".to_string(),
            _ => p,
        });
    }
    parts.join(" ")
}

fn phrase_key(phrase: &str) -> String {
    tokenize(phrase).iter().map(|t| place_key(&t.key)).collect::<Vec<_>>().join(" ")
}

fn lines(file: &'static str) -> impl Iterator<Item = &'static str> {
    file.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn with_pop((name, file): (&str, &'static str)) -> std::result::Result<Vec<(&'static str, u32)>, String> {
    lines(file)
        .enumerate()
        .map(|(n, l)| {
            let (place, pop) = l.split_once('\t').ok_or_else(|| format!("{name}: line {} has no population", n + 1))?;
            let pop: u32 = pop.parse().map_err(|_| format!("{name}: line {} has a bad population", n + 1))?;
            Ok((place, pop))
        })
        .collect()
}

impl Lexicon {
    fn build() -> std::result::Result<Lexicon, String> {
        let mut words: HashMap<Box<str>, u16> = HashMap::with_capacity(600_000);
        for ((_, file), flag) in [
            (FIRST, W_FIRST),
            (FIRST_RARE, W_FIRST_RARE),
            (FIRST_INTL, W_FIRST_RARE),
            (LAST_INTL, W_LAST_RARE),
            (LAST, W_LAST),
            (LAST_RARE, W_LAST_RARE),
            (ENGLISH, W_ENGLISH),
            (DRUGS, W_DRUG),
            (EPONYMS, W_EPONYM),
            (CLINICAL, W_CLINICAL),
            (GROUPS, W_CLINICAL),
            (ABBREVS, W_ABBREV),
            (SECTIONS, W_ABBREV),
        ] {
            for l in lines(file) {
                let k = fold(l);
                *words.entry(k.into_boxed_str()).or_default() |= flag;
            }
        }
        for c in CALENDAR {
            *words.entry((*c).into()).or_default() |= W_CALENDAR;
        }
        let mut places: HashMap<Box<str>, PlaceInfo> = HashMap::with_capacity(140_000);
        let mut max_words = 1;
        let mut add = |phrase: &str, f: &dyn Fn(&mut PlaceInfo)| {
            let k = phrase_key(phrase);
            if k.is_empty() {
                return;
            }
            max_words = max_words.max(k.split(' ').count());
            f(places.entry(k.into_boxed_str()).or_default());
        };
        for (p, pop) in with_pop(US_PLACES)? {
            add(p, &|i| i.us_pop = Some(i.us_pop.unwrap_or(0).max(pop)));
        }
        for (p, pop) in with_pop(WORLD_CITIES)? {
            add(p, &|i| i.world_pop = Some(i.world_pop.unwrap_or(0).max(pop)));
        }
        for l in lines(COUNTIES.1) {
            add(l, &|i| i.county = true);
        }
        let english = |k: &str| words.get(k).is_some_and(|f| f & W_ENGLISH != 0);
        let mut hospital_keys = Vec::new();
        for l in lines(HOSPITALS.1) {
            // a phrase made only of common words ("Family Practice") is left to the head-noun rule
            let k = phrase_key(l);
            if k.split(' ').count() >= 2 && k.split(' ').all(|w| english(w) || matches!(w, "st" | "mt" | "ft" | "of" | "the" | "and")) {
                continue;
            }
            // a short form that is one common word ("Pain", "Start", "Bridge"):
            // a hospital's nickname, but the word's own sense is far more frequent
            if !k.contains(' ') && english(&k) {
                continue;
            }
            hospital_keys.push(l);
        }
        for l in hospital_keys {
            add(l, &|i| i.hospital = true);
        }
        let mut state_abbrevs = HashSet::new();
        for (n, l) in lines(STATES.1).enumerate() {
            let (name, abbr) = l.split_once('\t').ok_or_else(|| format!("{}: line {} has no abbreviation", STATES.0, n + 1))?;
            add(name, &|i| i.state = true);
            state_abbrevs.insert(abbr.into());
        }
        for l in lines(COUNTRIES.1) {
            add(l, &|i| i.country = true);
        }
        if words.len() < 1000 || places.len() < 1000 {
            return Err("bundled dictionaries are empty".into());
        }
        Ok(Lexicon { words, places, state_abbrevs, stop: STOPWORDS.iter().copied().collect(), max_place_words: max_words.min(8) })
    }

    /// The flags of a folded word (0 when unknown).
    pub fn word(&self, key: &str) -> u16 {
        self.words.get(key).copied().unwrap_or(0)
    }

    pub fn place(&self, key: &str) -> Option<PlaceInfo> {
        self.places.get(key).copied()
    }

    /// Whether the folded phrase names a US state or a country.
    pub fn place_is_region(&self, key: &str) -> bool {
        self.places.get(place_key(key).as_str()).is_some_and(|i| i.state || i.country)
    }

    pub fn is_state_abbrev(&self, s: &str) -> bool {
        self.state_abbrevs.contains(s)
    }

    pub fn is_stopword(&self, key: &str) -> bool {
        self.stop.contains(key)
    }
}
