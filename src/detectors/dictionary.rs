//! Dictionary detectors: person names, places (cities, counties, hospitals), states and countries.
//!
//! The word lists under `data/dict/` (built by `data/build/build.py`, sources in
//! `data/SOURCES.md`) are embedded with `include_str!`, so the engine needs no
//! data path. They are parsed once per process into hash maps (a [`LazyLock`]),
//! shared by every detector and every test.
//!
//! Matching works on word tokens rather than raw substrings: a word is a run
//! of letters and digits, with inner apostrophes and hyphens (`O'Brien`,
//! `Cedars-Sinai`). Each token is looked up folded (lower case, diacritics
//! removed), and multi-word places are found by trying the token n-grams
//! starting at each word against one map of folded phrases. That keeps
//! whole-word semantics for free and lets case decide: a hash lookup per
//! n-gram costs about what an Aho-Corasick pass does, and building the maps
//! takes a fraction of a second.
//!
//! Names are case-aware. A capitalised token in a name list counts on its
//! own only when it is not also a common English word, a drug, an eponym or
//! a clinical term; such an ambiguous token ("Will", "Mark", "Parkinson",
//! "Apgar") needs a cue before it ("Dr.", "Mrs.", "patient") or an adjacent
//! unambiguous name token. A name followed by "disease", "syndrome",
//! "palsy", "score", … is an eponym and never a name.

mod lexicon;
mod plausible;
mod register;
mod tokens;

pub use plausible::{refine_model_span, DocStyle};

/// Whether `phrase` is exactly a US state or a country of the bundled lists
/// ("Austria", "new mexico", "Netherlands" listed as "The Netherlands"): never PHI under Safe Harbor.
pub fn names_region(phrase: &str) -> Result<bool> {
    let key = tokenize(phrase).iter().map(|t| lexicon::place_key(&t.key)).collect::<Vec<_>>().join(" ");
    let lex = lexicon()?;
    let region = |k: &str| lex.place(k).is_some_and(|i| i.state || i.country);
    Ok(!key.is_empty() && (region(&key) || region(&format!("the {key}"))))
}

use super::{Detector, Document};
use crate::error::Result;
use crate::span::{Label, Source, Span, Subtype};
use lexicon::{lexicon, Lexicon, PlaceInfo, W_ABBREV, W_CALENDAR, W_CLINICAL, W_DRUG, W_ENGLISH, W_EPONYM, W_FIRST, W_FIRST_RARE, W_LAST, W_LAST_RARE};
use regex::Regex;
use std::sync::LazyLock;
use tokens::{tokenize, Case, DocCase, Tok};

/// The dictionary detectors, built from the data bundled in the binary.
pub fn detectors() -> Result<Vec<Box<dyn Detector>>> {
    let lex = lexicon()?;
    Ok(vec![Box::new(NameDetector { lex }), Box::new(PlaceDetector { lex })])
}

/// Person names from first-name and surname lists, with cues and case.
pub struct NameDetector {
    lex: &'static Lexicon,
}

/// Cities, counties, hospitals and clinics (plus states and countries, exempt).
pub struct PlaceDetector {
    lex: &'static Lexicon,
}

impl Detector for NameDetector {
    fn name(&self) -> &'static str {
        "names"
    }
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let toks = tokenize(doc.text);
        let case = DocCase::of(&toks);
        names::find(self.lex, doc.text, &toks, case, out);
        Ok(())
    }
}

impl Detector for PlaceDetector {
    fn name(&self) -> &'static str {
        "places"
    }
    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
        let toks = tokenize(doc.text);
        let case = DocCase::of(&toks);
        places::find(self.lex, doc.text, &toks, case, out);
        Ok(())
    }
}

/// Honorifics: the next capitalised words are a name whatever they are.
const HONORIFICS: &[&str] = &[
    "dr", "drs", "mr", "mrs", "ms", "miss", "mx", "mister", "doctor", "prof", "professor", "nurse", "sister", "rev",
    "reverend", "father", "dra", "sra", "sr", "senor", "señor", "señora", "madam", "sir", "dame", "lady", "lord",
];

/// Softer cues: the next words are a name if they look like one (name list or unknown capitalised word).
const SOFT_CUES: &[&str] = &[
    "patient", "pt", "named", "by", "with", "called", "son", "daughter", "wife", "husband", "mother", "father",
    "brother", "sister", "mom", "dad", "grandmother", "grandfather", "aunt", "uncle", "niece", "nephew", "cousin",
    "friend", "neighbor", "neighbour", "spouse", "partner", "caregiver", "guardian", "contact", "per", "attending",
    "resident", "signed", "dear", "hi", "hello", "thanks", "thank", "cc", "mrn", "pcp", "surgeon", "physician",
    "provider", "therapist", "colleague", "boyfriend", "girlfriend", "fiance", "fiancé", "roommate", "landlord",
    "employer", "boss", "coworker", "like", "referencing", "regarding", "re", "for", "and", "to", "from", "is",
    "i'm", "im", "name", "name's", "names", "am", "np", "rn", "paged", "notified", "informed",
];

/// Kinship and care-role nouns: the capitalised words right after one are the person's name.
const PERSON_NOUNS: &[&str] = &[
    "son", "daughter", "wife", "husband", "mother", "father", "brother", "sister", "mom", "dad", "grandmother",
    "grandfather", "grandson", "granddaughter", "aunt", "uncle", "niece", "nephew", "cousin", "friend", "neighbor",
    "neighbour", "spouse", "partner", "fiance", "fiancé", "boyfriend", "girlfriend", "caregiver", "guardian",
    "attending", "resident", "fellow", "intern", "surgeon", "physician", "cardiologist", "intensivist", "hospitalist",
    "caseworker", "chaplain", "rabbi", "priest", "pastor", "minister", "imam", "interpreter", "translator",
    // the same nouns as notes abbreviate them
    "dtr", "sis", "bro", "hcp",
];

/// Credentials written after a clinician's name ("Q. Lander RRT", "ANA RUIZ RN"): the run before is a name.
const CREDENTIALS: &[&str] = &["rn", "rrt", "md", "np", "lpn", "cna", "crna", "pharmd", "msw", "licsw", "bsn"];

/// The nouns of [`PERSON_NOUNS`] that name a clinician.
const CLINICIAN_NOUNS: &[&str] = &["attending", "resident", "fellow", "intern", "surgeon", "physician", "cardiologist", "intensivist", "hospitalist"];

/// Species names written after the initial of their genus ("E. coli", "C. diff", "S. aureus"):
/// an organism, not an initial and a surname.
const ORGANISM_SPECIES: &[&str] = &[
    "coli", "diff", "difficile", "aureus", "pylori", "pneumoniae", "aeruginosa", "albicans", "epidermidis", "faecalis",
    "faecium", "influenzae", "jejuni", "glabrata", "marcescens", "cloacae", "mirabilis", "fragilis", "perfringens",
    "pyogenes", "agalactiae", "viridans", "maltophilia", "baumannii", "typhi", "enterica", "gonorrhoeae", "trachomatis",
    "burgdorferi", "cholerae", "tuberculosis", "botulinum", "tetani", "catarrhalis", "meningitidis", "lugdunensis",
];

/// Lower-case words after a first name that are surnames too but far more often a verb or filler.
const LOWER_NOT_SURNAME: &[&str] = &[
    "will", "may", "can", "said", "says", "is", "was", "has", "had", "does", "did", "gets", "got", "here", "there",
    "today", "now", "well", "good", "fine", "back", "also", "too", "just", "very", "called", "came", "went", "see",
    "how", "who", "yes", "right", "sure", "okay", "long", "little", "young", "old", "best", "last", "first", "next",
    "hall", "bell", "rich", "cook", "sharp", "north", "south", "west", "east", "wise", "strong", "love", "day",
    "night", "morning", "house", "home", "king", "page", "price", "rose", "hope", "grant", "bill", "pay", "call",
    "met", "try", "wo",
];

/// Words after a capitalised name-like token that make it an eponym, not a person.
const EPONYM_HEADS: &[&str] = &[
    "disease", "diseases", "syndrome", "syndromes", "palsy", "sign", "signs", "test", "tests", "score", "scores",
    "scale", "maneuver", "manoeuvre", "reflex", "criteria", "classification", "procedure", "operation", "law",
    "phenomenon", "lymphoma", "ulcer", "node", "nodes", "catheter", "tube", "drain", "bag", "monitor", "position",
    "fracture", "method", "technique", "murmur", "triad", "equation", "formula", "tear", "cyst", "disorder",
    "ataxia", "dystrophy", "index", "stain", "staining", "retractor", "forceps", "clamp", "incision", "repair",
    "anomaly", "tumor", "tumour", "sarcoma", "encephalopathy", "neuroma", "neuralgia", "contracture", "cell", "cells",
    "body", "bodies", "duct", "gland", "glands", "canal", "space", "line", "lines", "point", "angle", "ring",
    "valve", "pouch", "diverticulum", "esophagus", "deformity", "exercises", "exercise", "mask", "sheath",
    "needle", "splint", "cast", "shunt", "filter", "solution", "protocol", "questionnaire", "inventory",
    "assessment", "rule", "rules", "effect", "principle", "hypothesis", "theory", "counter", "meter", "pump",
    "dementia", "chorea", "thyroiditis", "phenomenon", "spots", "nodules", "pearls", "hernia",
];

mod names {
    use super::*;

    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Kind {
        /// In a name list and not a common word: counts alone.
        Strong { first: bool, common: bool },
        /// In a name list but also a word, drug, eponym, month, place…: needs support.
        Weak { first: bool, last: bool },
        /// Capitalised, in no list and no dictionary: a name only next to one.
        Unknown,
        /// A single capital letter, with or without a period.
        Initial,
    }

    struct Item {
        tok: usize,
        kind: Kind,
        /// Byte end of the span part (after the period of an initial).
        end: usize,
    }

    /// `note`: the document is a clinical note ([`register::clinical_note`]), where shorthand is written in
    /// Title Case too ("Abd", "Neuro"); elsewhere only shorthand in capitals ("GU") reads as such
    /// ("Loa", "Sara" are names as well as abbreviations).
    fn classify(lex: &Lexicon, t: &Tok<'_>, case: DocCase, note: bool) -> Option<Kind> {
        let capital = match t.case {
            Case::Title => true,
            Case::Upper => case == DocCase::Upper || t.text.chars().count() >= 2,
            // The pronoun "I" is no initial.
            Case::Initial => return (t.key != "i").then_some(Kind::Initial),
            Case::Lower | Case::Other => false,
        };
        if !capital || lex.is_stopword(&t.key) || plural_acronym(t.text) {
            return None;
        }
        let f = lex.word(t.base_key());
        let in_first = f & (W_FIRST | W_FIRST_RARE) != 0;
        let in_last = f & (W_LAST | W_LAST_RARE) != 0;
        // Many eponyms are common names (Marie of Charcot-Marie-Tooth, Kelly, Adams): an eponym
        // counts as a word only where it reads as one, possessive ("Parkinson's"); "X disease"
        // and "X's sign" are caught by `eponym_after` whatever the lists say.
        let eponym = f & W_EPONYM != 0 && t.possessive();
        let shorthand = f & W_ABBREV != 0 && (note || t.case == Case::Upper);
        let wordish = eponym || shorthand || f & (W_ENGLISH | W_DRUG | W_CLINICAL | W_CALENDAR) != 0 || lex.place_is_region(t.base_key());
        if in_first || in_last {
            if wordish {
                return Some(Kind::Weak { first: in_first, last: in_last });
            }
            // ALL-CAPS tokens in mixed-case text are often acronyms: only pairs count.
            if t.case == Case::Upper && case != DocCase::Upper {
                return Some(Kind::Weak { first: in_first, last: in_last });
            }
            let common = f & (W_FIRST | W_LAST) != 0;
            return Some(Kind::Strong { first: f & W_FIRST != 0 || (in_first && f & W_LAST == 0), common });
        }
        if wordish || t.case == Case::Upper && case != DocCase::Upper {
            return None;
        }
        if t.text.chars().any(|c| c.is_ascii_digit()) || t.text.chars().count() < 2 {
            return None;
        }
        // "C-section", "X-ray": a letter joined to a word is a term, not a name.
        if t.key.as_bytes().get(1) == Some(&b'-') {
            return None;
        }
        Some(Kind::Unknown)
    }

    /// "CEOs", "MRIs", "EKGs": the plural of an acronym, capitalised but no name.
    fn plural_acronym(word: &str) -> bool {
        word.strip_suffix('s').is_some_and(|a| a.chars().count() >= 2 && a.chars().all(char::is_uppercase))
    }

    /// Whether the text between two tokens keeps them in one name: spaces, or a period after an initial.
    fn joins(text: &str, a: &Tok<'_>, b: &Tok<'_>) -> bool {
        let gap = &text[a.end..b.start];
        if gap.is_empty() || gap.contains('\n') || gap.len() > 3 {
            return false;
        }
        let g = gap.trim_matches(|c: char| c == ' ' || c == '\t');
        if g.is_empty() {
            return gap.len() <= 2;
        }
        g == "." && (a.case == Case::Initial || lexicon::is_title_abbrev(&a.key))
    }

    /// The cue right before token `i`: 2 = honorific, 1 = soft cue, 0 = none.
    fn cue_before(toks: &[Tok<'_>], text: &str, i: usize) -> (u8, bool) {
        if i == 0 {
            return (0, false);
        }
        let p = &toks[i - 1];
        let gap = &text[p.end..toks[i].start];
        // "What's your name? Jildau Bouts", "last name? Novák": a question about a name.
        if p.key == "name" && gap.trim() == "?" {
            return (1, false);
        }
        if gap.contains('\n') || !gap.trim_matches(|c: char| c == ' ' || c == '.' || c == ',' || c == ':').is_empty() {
            return (0, false);
        }
        // "call me Ján", "everyone calls me Antti"
        if p.key == "me" && i >= 2 && matches!(toks[i - 2].key.as_str(), "call" | "calls" | "called") {
            return (1, false);
        }
        // "Drs. Lee and Okafor": the second name of a pair shares the title.
        if p.key == "and" && i >= 3 && matches!(toks[i - 3].key.as_str(), "drs" | "doctors") && !text[toks[i - 3].end..toks[i].start].contains('\n') {
            return (2, true);
        }
        if HONORIFICS.contains(&p.key.as_str()) {
            let clin = matches!(p.key.as_str(), "dr" | "drs" | "doctor" | "prof" | "professor" | "nurse" | "dra");
            // "Doctor: Well, …" is a speaker label, not a title: only a soft cue.
            if gap.contains(':') {
                return (1, false);
            }
            // "Dr" only as a title: capitalised, or followed by a period.
            if p.case != Case::Lower || gap.starts_with('.') || p.key != "dr" {
                return (2, clin);
            }
        }
        if (SOFT_CUES.contains(&p.key.as_str()) || PERSON_NOUNS.contains(&p.key.as_str())) && !gap.contains(',') {
            // "name is", "patient is", "this is", "I am"
            if p.key == "is" || p.key == "am" {
                if i >= 2 && matches!(toks[i - 2].key.as_str(), "name" | "this" | "patient" | "i" | "it") {
                    return (1, false);
                }
                return (0, false);
            }
            if matches!(p.key.as_str(), "and" | "to" | "from" | "for" | "like" | "with" | "by") {
                return (3, false); // weak preposition: helps, does not decide
            }
            return (1, matches!(p.key.as_str(), "np" | "rn") || CLINICIAN_NOUNS.contains(&p.key.as_str()));
        }
        (0, false)
    }

    /// The end of a generational suffix or credential after a full name: "Kevin Veitonen II",
    /// "John Smith Jr.", "Giovanna Rodrigues MD". They identify the person as much as the name.
    fn suffix_end(toks: &[Tok<'_>], text: &str, last: usize) -> Option<usize> {
        const SUFFIXES: &[&str] = &["ii", "iii", "iv", "jr", "sr", "md", "do", "dds", "dmd", "phd", "rn", "np", "pa", "dvm", "esq"];
        let n = toks.get(last + 1)?;
        let gap = &text[toks[last].end..n.start];
        let upper_or_title = matches!(n.case, Case::Upper | Case::Title);
        if !matches!(gap, " " | ", ") || !upper_or_title || !SUFFIXES.contains(&n.key.as_str()) {
            return None;
        }
        Some(if text[n.end..].starts_with('.') && matches!(n.key.as_str(), "jr" | "sr") { n.end + 1 } else { n.end })
    }

    /// Whether a credential follows token `last` on its line, after a space or a comma ("Lander, RRT").
    fn credential_after(toks: &[Tok<'_>], text: &str, last: usize) -> bool {
        toks.get(last + 1).is_some_and(|n| {
            matches!(&text[toks[last].end..n.start], " " | ", ") && n.case == Case::Upper && CREDENTIALS.contains(&n.key.as_str())
        })
    }

    /// Whether the run ending at token `last` names a company: "Miller Ltd", "Barnett and Sons".
    fn company_after(toks: &[Tok<'_>], text: &str, last: usize) -> bool {
        const SUFFIXES: &[&str] = &["ltd", "inc", "llc", "plc", "corp", "corporation", "group", "gmbh", "co", "company", "associates", "partners", "holdings"];
        let follows = |k: usize| toks.get(k).filter(|n| !text[toks[k - 1].end..n.start].contains('\n'));
        match follows(last + 1) {
            Some(n) if SUFFIXES.contains(&n.key.as_str()) => true,
            Some(n) if matches!(n.key.as_str(), "and" | "&") => follows(last + 2).is_some_and(|m| m.key == "sons"),
            _ => false,
        }
    }

    fn eponym_after(toks: &[Tok<'_>], text: &str, last: usize) -> bool {
        let t = &toks[last];
        let Some(n) = toks.get(last + 1) else { return false };
        let gap = &text[t.end..n.start];
        if gap.contains('\n') || gap.trim().len() > 1 {
            return false;
        }
        if EPONYM_HEADS.contains(&n.key.as_str()) {
            return true;
        }
        // "Parkinson's" + "disease" handled above; "Apgar of 8", "Glasgow coma scale"
        if let Some(n2) = toks.get(last + 2) {
            let gap2 = &text[n.end..n2.start];
            if gap2.trim().is_empty() && !gap2.contains('\n') && EPONYM_HEADS.contains(&n2.key.as_str()) && n.case != Case::Title {
                return n.key.len() <= 12 && matches!(n.case, Case::Lower);
            }
        }
        false
    }

    pub fn find(lex: &Lexicon, text: &str, toks: &[Tok<'_>], case: DocCase, out: &mut Vec<Span>) {
        lower_case_signature(lex, text, toks, out);
        if case == DocCase::Lower {
            return find_lower(lex, text, toks, out);
        }
        let note = register::clinical_note(lex, text, toks);
        let mut i = 0;
        while i < toks.len() {
            let Some(k0) = classify(lex, &toks[i], case, note) else {
                i += 1;
                continue;
            };
            // collect a run of name-like tokens
            let mut items = vec![Item { tok: i, kind: k0, end: toks[i].base_end() }];
            let mut j = i;
            while j + 1 < toks.len() && items.len() < 5 && !toks[j].possessive() && joins(text, &toks[j], &toks[j + 1]) {
                match classify(lex, &toks[j + 1], case, note) {
                    Some(k) => {
                        items.push(Item { tok: j + 1, kind: k, end: toks[j + 1].base_end() });
                        j += 1;
                    }
                    None => break,
                }
            }
            // an initial takes its period: "Anna S."
            for it in items.iter_mut() {
                if it.kind == Kind::Initial && text[it.end..].starts_with('.') {
                    it.end += 1;
                }
            }
            let (mut cue, mut clinician) = cue_before(toks, text, i);
            let mut kin = i > 0 && cue == 1 && PERSON_NOUNS.contains(&toks[i - 1].key.as_str());
            // In a note written in capitals "PT" opens most sentences: the subject, not a cue.
            if case == DocCase::Upper && cue == 1 && i > 0 && matches!(toks[i - 1].key.as_str(), "pt" | "patient") {
                cue = 0;
            }
            // "SON JOHN", "Wife Mary", "Attending Okafor": a kinship or role word opening the run
            // is the cue of the words after it, not part of the name.
            if items.len() >= 2 && PERSON_NOUNS.contains(&toks[items[0].tok].key.as_str()) {
                clinician = CLINICIAN_NOUNS.contains(&toks[items[0].tok].key.as_str());
                items.remove(0);
                cue = 1;
                kin = true;
            }
            if cue == 0 && credential_after(toks, text, items.last().map_or(i, |it| it.tok)) {
                cue = 1;
                clinician = true;
            }
            // "BEA TURA AWARE", "Okafor notified": a note's way of saying a clinician was told.
            if cue == 0 && informed_after(toks, text, items.last().map_or(i, |it| it.tok)) {
                cue = 1;
                clinician = true;
            }
            let next = j + 1;
            // "daughter Rose", "SON JOHN": a listed first name right after a kinship or role noun
            // is that person's name even when it is also a word.
            // "HUSBAND WILL TRY", "FRIEND CAME IN": a verb after the noun is no name, and the noun no cue.
            let verb = LOWER_NOT_SURNAME.contains(&toks[items[0].tok].key.as_str());
            if verb && cue == 1 {
                cue = 0;
            }
            let named = kin && !verb && items.iter().all(|it| matches!(it.kind, Kind::Strong { .. } | Kind::Weak { first: true, .. }));
            let scored = score_run(lex, text, toks, &items, cue, case, note).map(|(s, e, score)| (s, e, if named { score.max(0.6) } else { score }));
            if let Some((s, e, score)) = scored {
                let last = items.last().map_or(i, |it| it.tok);
                if !eponym_after(toks, text, last) && !company_after(toks, text, last) {
                    let e = if items.len() >= 2 { suffix_end(toks, text, last).unwrap_or(e) } else { e };
                    let mut span = Span::new(s, e, Label::Name, score, if cue == 2 { Source::Rule } else { Source::Dictionary });
                    if clinician {
                        span = span.with_subtype(Subtype::Clinician);
                    }
                    out.push(span);
                }
            }
            i = next;
        }
        lower_case_after_person_noun(lex, text, toks, out);
    }

    /// "daughter ngozi will pick up", "son tyrone called": in text whose names are capitalised,
    /// a hurried note still writes a relative's name in lower case after the kinship noun. A
    /// listed name there that is no word of the language is that person's name.
    fn lower_case_after_person_noun(lex: &Lexicon, text: &str, toks: &[Tok<'_>], out: &mut Vec<Span>) {
        let plain_name = |t: &Tok<'_>| {
            let f = lex.word(t.base_key());
            t.case == Case::Lower
                && f & (W_FIRST | W_FIRST_RARE | W_LAST | W_LAST_RARE) != 0
                && f & (W_ENGLISH | W_DRUG | W_CLINICAL | W_ABBREV | W_CALENDAR | W_EPONYM) == 0
                && !lex.is_stopword(&t.key)
        };
        for i in 1..toks.len() {
            let p = &toks[i - 1];
            if !PERSON_NOUNS.contains(&p.key.as_str()) || !matches!(&text[p.end..toks[i].start], " " | ", ") || !plain_name(&toks[i]) {
                continue;
            }
            let t = &toks[i];
            let end = match toks.get(i + 1) {
                Some(n) if !t.possessive() && text[t.end..n.start] == *" " && plain_name(n) => n.base_end(),
                _ => t.base_end(),
            };
            let clinician = CLINICIAN_NOUNS.contains(&p.key.as_str());
            let span = Span::new(t.start, end, Label::Name, 0.7, Source::Rule);
            out.push(if clinician { span.with_subtype(Subtype::Clinician) } else { span });
        }
    }

    /// "q. lander rrt", "j okafor rn": a note signed in lower case, an initial and a surname
    /// before the writer's credential. The credential is the cue, the surname any word that is
    /// no clinical term.
    fn lower_case_signature(lex: &Lexicon, text: &str, toks: &[Tok<'_>], out: &mut Vec<Span>) {
        for w in toks.windows(3) {
            let [initial, surname, credential] = w else { continue };
            let initial_ok = initial.text.len() == 1 && initial.text.chars().all(|c| c.is_ascii_lowercase()) && matches!(&text[initial.end..surname.start], ". " | " " | ".");
            let surname_ok = surname.case == Case::Lower && surname.text.chars().count() >= 2 && !lex.is_stopword(&surname.key) && lex.word(surname.base_key()) & (W_CLINICAL | W_ABBREV | W_DRUG) == 0;
            let credential_ok = text[surname.end..credential.start] == *" " && CREDENTIALS.contains(&credential.key.as_str());
            if initial_ok && surname_ok && credential_ok && !ORGANISM_SPECIES.contains(&surname.key.as_str()) {
                out.push(Span::new(initial.start, surname.end, Label::Name, 0.7, Source::Rule).with_subtype(Subtype::Clinician));
            }
        }
    }

    /// Whether byte `at` opens a sentence, a line or a clause after a colon.
    fn starts_sentence(text: &str, at: usize) -> bool {
        let before = text[..at].trim_end_matches([' ', '\t', '"', '(', '\'']);
        before.is_empty() || before.ends_with(['.', '!', '?', '\n', ':', ';'])
    }

    /// Decides whether a run is a name, and which part; `None` when it is not.
    /// `note`: the document is a clinical note ([`register::clinical_note`]).
    fn score_run(lex: &Lexicon, text: &str, toks: &[Tok<'_>], items: &[Item], cue: u8, case: DocCase, note: bool) -> Option<(usize, usize, f32)> {
        // Trim initials that stand alone at the edges ("A", "I") unless they carry a period.
        let mut lo = 0;
        let hi = items.len();
        while lo < hi && items[lo].kind == Kind::Initial && !text[toks[items[lo].tok].end..].starts_with('.') && hi - lo > 1 && !matches!(items[lo + 1].kind, Kind::Strong { .. } | Kind::Unknown) {
            lo += 1;
        }
        // "S/O. SEE", "C&D. DRESSING": a letter glued to shorthand by "/" or "&" is no initial.
        if lo < hi && items[lo].kind == Kind::Initial && text[..toks[items[lo].tok].start].ends_with(['/', '&']) {
            lo += 1;
        }
        let items = &items[lo..hi];
        if items.is_empty() {
            return None;
        }
        // "Call Jane Roe", "Ask Maria Lopez": a sentence opening with a common word that is a
        // surname or a rare given name but no common one, right before a given name, opens with
        // a verb, not with the person (a name written surname first takes a comma: "Roe, Jane").
        let items = match items {
            [Item { kind: Kind::Weak { .. }, tok, .. }, second, ..]
                if starts_sentence(text, toks[*tok].start)
                    && lex.word(toks[*tok].base_key()) & W_FIRST == 0
                    && matches!(second.kind, Kind::Strong { first: true, .. } | Kind::Weak { first: true, .. }) =>
            {
                &items[1..]
            }
            _ => items,
        };
        // "Respiratory Care:", "Nursing Progress Note:": capitalised words from a line's start to a
        // colon, one of them a word of the language in no name list, are a heading.
        if cue != 2 && heading_phrase(lex, text, toks, items[0].tok) {
            return None;
        }
        // "E. coli", "C. DIFF": a genus's initial and its species name an organism.
        if items.windows(2).any(|w| w[0].kind == Kind::Initial && ORGANISM_SPECIES.contains(&toks[w[1].tok].base_key())) {
            return None;
        }
        let strong = items.iter().filter(|it| matches!(it.kind, Kind::Strong { .. })).count();
        let weak = items.iter().filter(|it| matches!(it.kind, Kind::Weak { .. })).count();
        let unknown = items.iter().filter(|it| it.kind == Kind::Unknown).count();
        let initials = items.iter().filter(|it| it.kind == Kind::Initial).count();
        let words = strong + weak + unknown;
        if words == 0 {
            return None;
        }
        let start = toks[items[0].tok].start;
        let end = items.last().unwrap().end;
        let first_tok = &toks[items[0].tok];
        // A single bare letter starting the run ("A Smith", "I Will") is a word, not an initial.
        let bare_initial_first = items[0].kind == Kind::Initial && !text[first_tok.end..].starts_with('.');
        let (start, items) = if bare_initial_first && matches!(first_tok.key.as_str(), "a" | "i" | "o") {
            (toks[items[1..].first()?.tok].start, &items[1..])
        } else {
            (start, items)
        };
        if items.is_empty() {
            return None;
        }
        let sentence_start = starts_sentence(text, start);
        let initial_with_period = items.iter().any(|it| it.kind == Kind::Initial && text[..it.end].ends_with('.'));
        // "Soc:", "Dispo:", "LINES:" in a note laid out under headings: one more heading.
        let line_start = text[..start].trim_end_matches([' ', '\t']).ends_with('\n') || text[..start].trim().is_empty();
        if note && line_start && words == 1 && cue != 2 && text[end..].trim_start_matches(' ').starts_with([':', '-']) {
            return None;
        }
        let only_initial = words == 0;
        if only_initial {
            return None;
        }
        if cue == 2 {
            return Some((start, end, 0.9));
        }
        // "the Princess Royal", "my Baby", "a Shadow": common words that are also names read
        // as a noun phrase after a determiner; a person's name takes none.
        if strong == 0 && unknown == 0 && lexicon::after_determiner(text, start) {
            return None;
        }
        let score: f32 = if words >= 2 {
            if strong >= 1 {
                // a strong token with another name-like word next to it
                let unknown_only_partner = strong == 1 && unknown == words - 1;
                if unknown_only_partner && sentence_start && items[0].kind == Kind::Unknown {
                    0.6
                } else {
                    0.85
                }
            } else if weak >= 2 && unknown == 0 && cue != 1 && (title_case_neighbour(lex, text, toks, items[0].tok) || title_case_neighbour(lex, text, toks, items[items.len() - 1].tok) || title_line(lex, text, toks, items[0].tok)) {
                0.2 // "Respiratory Care Note": words of a Title Case heading
            } else if weak >= 2 && unknown == 0 {
                let first_ok = matches!(items[0].kind, Kind::Weak { first: true, .. });
                let last_ok = matches!(items.last().unwrap().kind, Kind::Weak { last: true, .. });
                if first_ok && last_ok && (!sentence_start || cue >= 1) && words == 2 {
                    0.65
                } else if cue == 1 && first_ok {
                    0.6
                } else {
                    0.2
                }
            } else if unknown >= 1 && weak >= 1 {
                // "Dolores Xyzzy": a name-list word next to an unknown capitalised word
                let first_weak_first = matches!(items[0].kind, Kind::Weak { first: true, .. });
                if first_weak_first && !sentence_start && initials == 0 {
                    0.55
                } else if cue == 1 {
                    0.6
                } else {
                    0.2
                }
            } else if unknown >= 2 && initials >= 1 {
                0.75 // "Szabina J Gelencsér"
            } else if unknown >= 2 && cue == 1 {
                0.6
            } else if unknown >= 2 && case == DocCase::Mixed && !sentence_start && unknown == words {
                0.5 // "under Rubija Liberšar": capitalised words in no list, inside a sentence
            } else {
                0.2
            }
        } else {
            // one word, maybe with initials
            let k = items.iter().find(|it| it.kind != Kind::Initial).unwrap().kind;
            match (k, initials > 0) {
                (Kind::Strong { .. }, true) => 0.85,
                (Kind::Strong { first: true, common: true }, false) => {
                    if cue >= 1 {
                        0.8
                    } else {
                        0.7
                    }
                }
                (Kind::Strong { common: true, .. }, false) => {
                    if cue >= 1 {
                        0.75
                    } else {
                        0.6
                    }
                }
                (Kind::Strong { common: false, .. }, false) => {
                    // A rarer name, capitalised and no English word: names of many origins.
                    if cue == 1 {
                        0.7
                    } else if case == DocCase::Mixed && toks[items[0].tok].case == Case::Title {
                        0.55
                    } else {
                        0.4
                    }
                }
                (Kind::Weak { first, last }, true) => {
                    // "E. Welsh", "Q. LANDER": an initial with its period before a listed surname
                    // that is also a word is a person's name (organisms are ruled out above).
                    let word = items.iter().find(|it| it.kind != Kind::Initial).map(|it| &toks[it.tok]);
                    let w = word.map_or(0, |t| lex.word(t.base_key()));
                    let last_tok = items.last().map_or(0, |it| it.tok);
                    let surname_after_initial = last && initial_with_period && w & W_LAST != 0 && w & (W_ABBREV | W_DRUG) == 0 && (cue == 1 || informed_after(toks, text, last_tok));
                    if first && !sentence_start || surname_after_initial {
                        0.6
                    } else {
                        0.3
                    }
                }
                (Kind::Weak { .. }, false) => {
                    let t = &toks[items[0].tok];
                    let f = lex.word(t.base_key());
                    // "John", "Frank", "Reed" are English words too, but capitalised in the
                    // middle of a sentence of mixed-case text they are names far more often.
                    let name_in_prose = f & W_FIRST != 0
                        && f & (W_DRUG | W_CLINICAL | W_CALENDAR) == 0
                        && !(f & W_EPONYM != 0 && t.possessive())
                        && !lex.place_is_region(t.base_key())
                        && t.case == Case::Title
                        && case == DocCase::Mixed
                        && !sentence_start
                        && !title_case_neighbour(lex, text, toks, items[0].tok);
                    // "PT MAE": shorthand written in capitals after a cue is the shorthand.
                    let shorthand = f & (W_CLINICAL | W_ABBREV) != 0 && t.case == Case::Upper;
                    if cue == 1 && f & W_ENGLISH == 0 && !shorthand {
                        0.6
                    } else if name_in_prose {
                        0.55
                    } else {
                        0.1
                    }
                }
                (Kind::Unknown, true) => {
                    // "E. Nessenson NP aware": an initial, a word in no list and a cue or credential.
                    if initial_with_period && cue == 1 {
                        0.6
                    } else if sentence_start {
                        0.3
                    } else {
                        0.55
                    }
                }
                (Kind::Unknown, false) => {
                    // A capitalised word in no list and no dictionary, inside a sentence of
                    // mixed-case text, is a proper noun: far more often a leak than not.
                    // "PAGED OKAFOR": in capitals the cue alone can tell.
                    if cue == 1 && (case == DocCase::Mixed && !sentence_start || case == DocCase::Upper) {
                        0.55
                    } else if case == DocCase::Mixed && !sentence_start && toks[items[0].tok].case == Case::Title && !title_case_neighbour(lex, text, toks, items[0].tok) {
                        0.5
                    } else {
                        0.1
                    }
                }
                (Kind::Initial, _) => 0.0,
            }
        };
        // "Irenka is very reliable", "Alvir spent a year": a sentence opening with a name-like
        // word and a verb of people reads as a person, whatever the lists say.
        let last_tok = items.last()?.tok;
        let speaker = score < 0.5 && sentence_start && case == DocCase::Mixed && text[toks[last_tok].end..].starts_with(':') && !note && {
            // "John: You saved my life!", but not role labels ("Doctor:", "Patient:") or headings ("Plan:").
            matches!(items[0].kind, Kind::Unknown | Kind::Strong { .. } | Kind::Weak { first: true, .. })
                && lex.word(toks[items[0].tok].base_key()) & (W_DRUG | W_CLINICAL | W_CALENDAR) == 0
                && !ROLE_LABELS.contains(&toks[items[0].tok].key.as_str())
        };
        // In a note written in capitals, a capital says nothing: without a cue only a listed
        // first name and surname ("MARY JONES", one of them no common word) or an initial and
        // a name ("J. OKAFOR") count, not "CLEAR YELLOW", "FLUID BOLUS" or "SEE FLOWSHEET".
        let first_last = words >= 2
            && unknown == 0
            && matches!(items[0].kind, Kind::Strong { first: true, .. } | Kind::Weak { first: true, .. })
            && matches!(items[items.len() - 1].kind, Kind::Strong { .. } | Kind::Weak { last: true, .. })
            && strong >= 1
            && items.iter().all(|it| lex.word(toks[it.tok].base_key()) & (W_CLINICAL | W_ABBREV | W_DRUG) == 0);
        // "Z. MILLER": an initial with its period, then listed names only.
        let initial_name = initials >= 1 && unknown == 0 && items.iter().any(|it| it.kind == Kind::Initial && text[..it.end].ends_with('.'));
        // In a clinical note, a lone capitalised word in no name list and with
        // no cue is a drug, a device or a term ("Permacath", "Tegaderm") far more often than a person.
        let lone_unknown = note && words == 1 && unknown == 1 && initials == 0;
        let score = if (case == DocCase::Upper || lone_unknown) && !matches!(cue, 1 | 2) && !(first_last || initial_name) {
            score.min(0.3_f32)
        } else {
            score
        };
        let score = if speaker {
            0.55
        } else if score < 0.5 && sentence_start && case == DocCase::Mixed && person_verb_after(toks, text, last_tok) {
            let k = items[0].kind;
            // Not for words of the language: "Hope is important".
            if matches!(k, Kind::Unknown | Kind::Strong { .. }) { 0.55 } else { score }
        } else {
            score
        };
        (score > 0.0).then_some((start, end, score))
    }

    /// Whether token `i` lies in a heading: the line opens with one to four capitalised words,
    /// token `i` among them, a colon right after the last, and one of them is a common word or a
    /// clinical term in no name list ("Respiratory Care:", "Social Work Note:"). "Mary Lou:" is a
    /// speaker; "Respiratory Care:" is not.
    fn heading_phrase(lex: &Lexicon, text: &str, toks: &[Tok<'_>], i: usize) -> bool {
        // The phrase opens its line: at most three words before token `i`, no colon between them.
        let Some(first) = (i.saturating_sub(3)..=i).rev().find(|&k| opens_line(text, toks, k)) else { return false };
        let spaces = |k: usize| !text[toks[k].end..toks[k + 1].start].contains(['\n', ':']);
        if !(first..i).all(spaces) {
            return false;
        }
        // A colon right after a word at most four words into the line, at or after token `i`.
        let Some(last) = (i..toks.len().min(first + 4)).find(|&k| text[toks[k].end..].trim_start_matches(' ').starts_with(':')) else { return false };
        if !(i..last).all(spaces) {
            return false;
        }
        let phrase = &toks[first..=last];
        phrase.iter().all(|t| matches!(t.case, Case::Title | Case::Upper))
            && phrase.iter().any(|t| {
                let f = lex.word(t.base_key());
                f & (W_ENGLISH | W_CLINICAL | W_ABBREV) != 0 && f & (W_FIRST | W_FIRST_RARE | W_LAST | W_LAST_RARE) == 0 && !HONORIFICS.contains(&t.key.as_str())
            })
    }

    /// Whether token `k` is the first word of its line (only blanks before it on the line).
    fn opens_line(text: &str, toks: &[Tok<'_>], k: usize) -> bool {
        let before = if k == 0 { &text[..toks[0].start] } else { &text[toks[k - 1].end..toks[k].start] };
        (k == 0 || before.contains('\n')) && before.rsplit('\n').next().is_some_and(|tail| tail.trim().is_empty())
    }

    /// Whether token `k` is the last word of its line (only blanks after it on the line).
    fn closes_line(text: &str, toks: &[Tok<'_>], k: usize) -> bool {
        let after = toks.get(k + 1).map_or(&text[toks[k].end..], |n| &text[toks[k].end..n.start]);
        (k + 1 == toks.len() || after.contains('\n')) && after.split('\n').next().is_some_and(|head| head.trim().is_empty())
    }

    /// Whether token `i` stands on a line of capitalised words only, one of them a common word
    /// in no name list: a heading ("Respiratory Care Note", "Nursing Progress Note"). A heading is
    /// short: a line of more than eight words either side of `i` is none (and is not walked).
    fn title_line(lex: &Lexicon, text: &str, toks: &[Tok<'_>], i: usize) -> bool {
        let Some(first) = (i.saturating_sub(8)..=i).rev().find(|&k| opens_line(text, toks, k)) else { return false };
        let Some(last) = (i..toks.len().min(i + 9)).find(|&k| closes_line(text, toks, k)) else { return false };
        let line = &toks[first..=last];
        let words_only = text[toks[first].start..toks[last].end].chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '\'' || c == '-');
        words_only
            && line.len() >= 2
            && line.iter().all(|t| matches!(t.case, Case::Title | Case::Upper))
            && line.iter().any(|t| {
                let f = lex.word(t.base_key());
                f & W_ENGLISH != 0 && f & (W_FIRST | W_FIRST_RARE | W_LAST | W_LAST_RARE) == 0
            })
    }

    /// Whether the nearest word on either side of token `i` (across "and", "or", "&") is a
    /// capitalised common word in no name list, inside a sentence, or a capitalised clinical
    /// term anywhere. That is Title Case ("Secretly Love", "Wisdom and Discipline", "Mystery &
    /// Suspense") or a term phrase ("Resp Care", "Hickman Cath"): a capital there says nothing
    /// about a name. Cue words ("Daughter Joy", "Patient Hope") do not count.
    fn title_case_neighbour(lex: &Lexicon, text: &str, toks: &[Tok<'_>], i: usize) -> bool {
        let joined = |a: usize, b: usize| {
            let gap = &text[toks[a].end..toks[b].start];
            !gap.contains('\n') && matches!(gap.trim(), "" | "&")
        };
        let connector = |k: usize| matches!(toks[k].key.as_str(), "and" | "or");
        let left = (i >= 1 && joined(i - 1, i)).then(|| i - 1);
        let left = left.and_then(|k| if connector(k) { (k >= 1 && joined(k - 1, k)).then(|| k - 1) } else { Some(k) });
        let right = (i + 1 < toks.len() && joined(i, i + 1)).then_some(i + 1);
        let right = right.and_then(|k| if connector(k) { (k + 1 < toks.len() && joined(k, k + 1)).then_some(k + 1) } else { Some(k) });
        let title_word = |k: usize| {
            let n = &toks[k];
            let f = lex.word(n.base_key());
            let cue = lex.is_stopword(&n.key) || HONORIFICS.contains(&n.key.as_str()) || SOFT_CUES.contains(&n.key.as_str()) || PERSON_NOUNS.contains(&n.key.as_str());
            // A capitalised clinical term or drug ("Resp Care", "Atrovent MDI", "Hickman Cath")
            // makes a term phrase wherever it stands; a common word only inside a sentence.
            let term = matches!(n.case, Case::Title | Case::Upper) && f & (W_CLINICAL | W_ABBREV | W_DRUG) != 0;
            let title = n.case == Case::Title && f & W_ENGLISH != 0 && !plausible::sentence_initial(text, n.start);
            (term || title) && f & (W_FIRST | W_FIRST_RARE | W_LAST | W_LAST_RARE) == 0 && !cue
        };
        left.is_some_and(title_word) || right.is_some_and(title_word)
    }

    /// Speaker roles and headings written like a name before a colon.
    const ROLE_LABELS: &[&str] = &[
        "doctor", "patient", "nurse", "speaker", "interviewer", "guest", "family", "mother", "father", "parent",
        "caregiver", "provider", "clinician", "physician", "assistant", "agent", "caller", "user", "customer",
        "note", "notes", "plan", "assessment", "impression", "history", "subject", "summary", "diagnosis", "answer",
        "question", "reply", "response", "comment", "comments", "update", "warning", "reason", "when", "where",
        "who", "what", "why", "how", "re", "fw", "fwd", "cc", "to", "from", "date", "time", "address", "phone",
        "email", "name", "title", "signed", "attending", "resident", "author", "dictated", "transcribed", "will",
        // fields and headings of a form or a note ("Age: 97", "Meds: none", "Echo: normal")
        "age", "sex", "gender", "dob", "mrn", "room", "bed", "unit", "meds", "medications", "allergies", "echo", "labs",
        "vitals", "exam", "imaging", "procedure", "procedures", "disposition", "dispo", "hpi", "pmh", "social",
        // chat and interview logs
        "bot", "chatbot", "system", "operator", "representative", "rep", "host", "moderator", "interviewee",
        "participant", "respondent", "client", "member", "support",
    ];

    /// Verbs that follow a person far more often than a thing.
    const PERSON_VERBS: &[&str] = &[
        "is", "was", "has", "had", "lives", "lived", "spent", "began", "begins", "shouted", "said", "says", "told",
        "asked", "works", "worked", "went", "came", "called", "wrote", "writes", "met", "married", "died", "wants",
        "wanted", "thinks", "thought", "knows", "knew", "left", "arrived", "joined", "visited", "reported", "denies",
        "denied", "presents", "presented", "returns", "returned", "complains", "complained", "states", "stated",
    ];

    /// "E. WELSH AWARE", "R. Baker notified": words that say a clinician was told, after a name.
    fn informed_after(toks: &[Tok<'_>], text: &str, last: usize) -> bool {
        const INFORMED: &[&str] = &["aware", "notified", "informed", "paged", "called", "updated", "made"];
        toks.get(last + 1).is_some_and(|n| matches!(&text[toks[last].end..n.start], " " | ", ") && INFORMED.contains(&n.key.as_str()))
    }

    fn person_verb_after(toks: &[Tok<'_>], text: &str, last: usize) -> bool {
        toks.get(last + 1).is_some_and(|n| {
            text[toks[last].end..n.start] == *" " && n.case == Case::Lower && PERSON_VERBS.contains(&n.key.as_str())
        })
    }

    /// A common first name followed by a surname, neither of them a word ("patricia
    /// desrosiers"): a name even in lower-case text with no cue.
    fn full_name_pair(lex: &Lexicon, text: &str, toks: &[Tok<'_>], i: usize) -> bool {
        let Some(n) = toks.get(i + 1) else { return false };
        let word = |f: u16| f & (W_ENGLISH | W_DRUG | W_CLINICAL | W_CALENDAR | W_EPONYM) != 0;
        let (f, g) = (lex.word(toks[i].base_key()), lex.word(n.base_key()));
        f & W_FIRST != 0
            && !word(f)
            && g & (W_LAST | W_LAST_RARE) != 0
            && !word(g)
            && !toks[i].possessive()
            && text[toks[i].end..n.start] == *" "
            && !lex.is_stopword(&toks[i].key)
            && !lex.is_stopword(&n.key)
    }

    /// A first name in a list of first names ("silvana, adam, christopher and chad"): it and
    /// both neighbours, or its two neighbours on one side, are first names joined by ", " or " and ".
    fn in_name_list(lex: &Lexicon, text: &str, toks: &[Tok<'_>], i: usize) -> bool {
        let first = |k: usize| {
            let f = lex.word(toks[k].base_key());
            f & W_FIRST != 0 && f & (W_ENGLISH | W_DRUG | W_CLINICAL | W_CALENDAR) == 0 && !lex.is_stopword(&toks[k].key)
        };
        let listed = |a: usize, b: usize| matches!(&text[toks[a].end..toks[b].start], ", " | " and " | ", and ");
        let left = |k: usize| k >= 1 && listed(k - 1, k) && first(k - 1);
        let right = |k: usize| k + 1 < toks.len() && listed(k, k + 1) && first(k + 1);
        first(i) && (left(i) && right(i) || left(i) && left(i - 1) || right(i) && right(i + 1))
    }

    /// Lower-case text (ASR transcripts): names after a strong cue, a first name and surname together, or lists of first names.
    fn find_lower(lex: &Lexicon, text: &str, toks: &[Tok<'_>], out: &mut Vec<Span>) {
        for i in 0..toks.len() {
            let (cue, clinician) = cue_before(toks, text, i);
            if cue != 1 && cue != 2 && !full_name_pair(lex, text, toks, i) && !in_name_list(lex, text, toks, i) {
                continue;
            }
            let t = &toks[i];
            let f = lex.word(t.base_key());
            let named = f & (W_FIRST | W_LAST | W_FIRST_RARE | W_LAST_RARE) != 0;
            let wordish = f & (W_ENGLISH | W_DRUG | W_CLINICAL | W_CALENDAR) != 0;
            // "dr", "mrs" are titles and precede names; "doctor", "nurse" are nouns too,
            // followed by verbs as often as by names ("the nurse told you", "yes sir work harder").
            let title = i > 0 && !matches!(toks[i - 1].key.as_str(), "doctor" | "nurse" | "sister" | "sir" | "madam");
            let ok = if cue == 2 {
                (named && (title || !wordish)) || !wordish && t.text.chars().all(char::is_alphabetic)
            } else {
                f & (W_FIRST | W_LAST) != 0 && !wordish
            };
            let ok = ok || cue == 0 && full_name_pair(lex, text, toks, i);
            if !ok || lex.is_stopword(&t.key) {
                continue;
            }
            let mut end = t.base_end();
            // a surname after a first name: "nicole miller"
            if let Some(n) = toks.get(i + 1) {
                let g = lex.word(n.base_key());
                let plain = g & (W_ENGLISH | W_DRUG | W_CLINICAL | W_CALENDAR) == 0;
                let english_surname = g & W_LAST != 0 && f & W_FIRST != 0 && !LOWER_NOT_SURNAME.contains(&n.key.as_str()) && !lex.is_stopword(&n.key);
                if !t.possessive() && text[t.end..n.start] == *" " && g & (W_LAST | W_LAST_RARE) != 0 && (plain || english_surname) {
                    end = n.base_end();
                }
            }
            if eponym_after(toks, text, i) {
                continue;
            }
            let score = if cue == 2 { 0.85 } else { 0.7 };
            let mut span = Span::new(t.start, end, Label::Name, score, Source::Rule);
            if clinician {
                span = span.with_subtype(Subtype::Clinician);
            }
            out.push(span);
        }
    }
}

mod places {
    use super::*;

    /// Head nouns of organisation names: "Elm Clinic", "Mercy Hospital", "UCLA Medical Center".
    const HEADS_1: &[&str] = &["hospital", "clinic", "infirmary", "pharmacy", "practice", "surgery", "hospice", "sanatorium", "sanitarium", "healthcare", "clinics", "hospitals"];
    const HEADS_2: &[(&str, &str)] = &[
        ("medical", "center"),
        ("medical", "centre"),
        ("health", "center"),
        ("health", "centre"),
        ("health", "system"),
        ("health", "clinic"),
        ("medical", "group"),
        ("medical", "associates"),
        ("urgent", "care"),
        ("care", "center"),
        ("nursing", "home"),
        ("rehabilitation", "center"),
        ("cancer", "center"),
        ("cancer", "institute"),
        ("surgical", "center"),
        ("surgery", "center"),
        ("family", "medicine"),
        ("health", "services"),
        ("medical", "clinic"),
        ("heart", "institute"),
        ("eye", "institute"),
        ("children's", "hospital"),
        ("health", "partners"),
        ("memorial", "hospital"),
    ];
    /// Modifiers that alone make a generic phrase ("Family Practice", "the Pain Clinic").
    const GENERIC: &[&str] = &[
        "the", "a", "an", "our", "your", "his", "her", "their", "my", "this", "that", "same", "another", "other",
        "general", "community", "family", "urgent", "primary", "pain", "dental", "eye", "sleep", "cancer", "women's",
        "children's", "childrens", "womens", "university", "regional", "medical", "mental", "behavioral", "veterans",
        "state", "county", "city", "teaching", "private", "public", "local", "main", "new", "old", "specialty",
        "surgical", "animal", "veterinary", "walk-in", "outpatient", "inpatient", "rehabilitation", "psychiatric",
        "cardiology", "dermatology", "oncology", "orthopedic", "orthopaedic", "pediatric", "pediatrics", "fertility",
        "diabetes", "wound", "care", "health", "allergy", "asthma", "vein", "spine", "foot", "skin", "weight", "loss",
        "methadone", "dialysis", "lab", "imaging", "radiology", "internal", "medicine", "emergency", "trauma",
        "free", "student", "campus", "employee", "military", "army", "va", "retail", "online", "virtual", "hand",
        "plastic", "cosmetic", "day", "night", "sports", "heart", "kidney", "liver", "lung", "breast", "brain",
        "gi", "ent", "ob", "gyn", "obgyn", "ivf", "std", "hiv", "travel", "vaccine", "immunization", "memory",
        "neurology", "urology", "nephrology", "gastroenterology", "rheumatology", "endocrinology", "hematology",
        "ophthalmology", "optometry", "audiology", "podiatry", "chiropractic", "physical", "therapy", "occupational",
        "speech", "addiction", "recovery", "detox", "rural", "nearest", "nearby", "big", "small", "large", "best",
        "good", "major", "top", "any", "some", "every", "each", "which", "what", "whose", "nurse", "nursing", "drug",
        "and", "&", "of", "at", "in", "for", "st", "mt", "saint", "mount", "specialist", "specialists", "doctor's",
        "doctors", "dentist", "dentist's", "vet", "vet's", "er", "ed", "icu", "or", "clinic", "hospital", "center",
        "centre", "group", "practice", "surgery", "gp", "nhs", "trust", "foundation", "senior", "geriatric",
    ];
    /// Words before a place name that make it one: "lives in Reading", "from Mobile".
    const PLACE_CUES: &[&str] = &[
        "in", "from", "near", "at", "to", "outside", "around", "of", "visiting", "visited", "toward", "towards",
        "via", "into", "between", "lives", "born", "moved", "relocated", "resides", "resident", "native", "downtown",
        "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "city", "town",
    ];
    const CONNECTORS: &[&str] = &["of", "the", "de", "la", "le", "les", "du", "del", "della", "des", "upon", "on", "y", "da", "do", "dos", "das", "von", "van", "der", "am", "im", "en", "sur", "and", "&"];

    /// Whether a token is capitalised. Place names in lower-case text are left to the NER
    /// model: too many are common words ("mobile", "reading").
    fn capital(t: &Tok<'_>) -> bool {
        match t.case {
            Case::Title | Case::Upper | Case::Initial => true,
            Case::Lower => false,
            Case::Other => t.text.chars().next().is_some_and(char::is_uppercase),
        }
    }

    fn gap_ok(text: &str, a: &Tok<'_>, b: &Tok<'_>) -> bool {
        let gap = &text[a.end..b.start];
        if gap.is_empty() || gap.contains('\n') || gap.len() > 3 {
            return false;
        }
        let g = gap.trim_matches(' ');
        g.is_empty() || (g == "." && lexicon::is_title_abbrev(&a.key)) || g == "&"
    }

    pub fn find(lex: &Lexicon, text: &str, toks: &[Tok<'_>], case: DocCase, out: &mut Vec<Span>) {
        let first = out.len();
        let mut covered_until = 0usize;
        let mut i = 0;
        while i < toks.len() {
            if toks[i].start < covered_until {
                i += 1;
                continue;
            }
            if let Some((j, info, cut)) = longest_place(lex, text, toks, i) {
                let start = toks[i].start;
                let end = toks[j].base_end_if(cut);
                if let Some((score, sub)) = judge(lex, text, toks, i, j, info, case) {
                    out.push(Span::new(start, end, Label::Location, score, Source::Dictionary).with_subtype(sub));
                    covered_until = end;
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
        organisations(lex, text, toks, case, out);
        counties(text, toks, case, out);
        if case != DocCase::Lower {
            cued_places(lex, text, toks, out);
        }
        transfer_places(lex, text, toks, case, out);
        join_and_extend(lex, text, toks, out, first);
    }

    /// Phrases after which a capitalised name is a place, known to the lists or not:
    /// "grew up in Remniku", "flew to LEPPEN", "originally from Mavčiče".
    static PLACE_PHRASES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)\b(?: grew\ up\ in | originally\ from | (?:moved|relocated|emigrated|immigrated)(?:\ here|\ back)?\ (?:from|to)
              | (?:flew|flown|flying|drove|driving|travell?ed|travell?ing|returned|returning|commutes?)(?:\ back|\ home)?\ (?:to|from)
              | (?:lives?|living|lived|born|raised|based|resides?|residing|located|stationed|headquartered)\ in
              | (?:i\ am|i'm|we\ are|we're)\ (?:in|from) | arrived\ (?:at|in) | home\ ?(?:city|town) | hometown
              | university\ of | college\ of | where: | town\ of | city\ of | village\ of )[\ \t]+",
        )
        .expect("place phrase regex")
    });

    /// A capitalised run right after a place phrase: one to four capitalised words, with
    /// connectors inside ("Villafranca del Cid") and a trailing district letter or number
    /// ("København K", "Cheb 2").
    fn cued_places(lex: &Lexicon, text: &str, toks: &[Tok<'_>], out: &mut Vec<Span>) {
        for m in PLACE_PHRASES.find_iter(text) {
            let i = toks.partition_point(|t| t.start < m.end());
            if i == toks.len() {
                break;
            }
            if toks[i].start != m.end() || !matches!(toks[i].case, Case::Title | Case::Upper) || lex.is_stopword(&toks[i].key) {
                continue;
            }
            let mut j = i;
            while j + 1 < toks.len() && j - i < 4 && gap_ok(text, &toks[j], &toks[j + 1]) {
                let n = &toks[j + 1];
                // "flew to Leppen on Tuesday": a weekday or month ends the place.
                let calendar = |t: &Tok<'_>| lex.word(t.base_key()) & W_CALENDAR != 0;
                let cap = matches!(n.case, Case::Title | Case::Upper | Case::Initial) && !calendar(n) || n.text.chars().all(|c| c.is_ascii_digit()) && n.text.len() <= 2;
                let connector = CONNECTORS.contains(&n.key.as_str()) || n.key == "u";
                let continues = toks.get(j + 2).is_some_and(|m| matches!(m.case, Case::Title | Case::Upper) && !calendar(m) && gap_ok(text, n, m));
                if cap || connector && continues {
                    j += 1;
                } else {
                    break;
                }
            }
            let key: Vec<&str> = (i..=j).map(|k| toks[k].base_key()).collect();
            let info = lex.place(&key.iter().map(|k| lexicon::place_key(k)).collect::<Vec<_>>().join(" "));
            if info.is_some_and(|p| p.state || p.country) {
                continue; // not PHI; the dictionary pass labels it
            }
            // A lone common word is no place: "I'm in Good health", "based in English".
            let f = lex.word(toks[i].base_key());
            if i == j && f & (W_ENGLISH | W_CALENDAR | W_DRUG | W_CLINICAL | W_ABBREV) != 0 && info.is_none() {
                continue;
            }
            out.push(Span::new(toks[i].start, toks[j].base_end(), Label::Location, 0.65, Source::Rule).with_subtype(Subtype::City));
        }
    }

    /// Verbs of moving a patient between places of care, with their preposition.
    static TRANSFER_CUES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)\b(?: transferr?(?:ed|ing)? | transfered | tx | sent | brought | admitted | readmitted | came | presented
              | arrived | arrival | discharged | d/c'?d | went | returned | going | taken ) (?:\ (?:back|today|tomorrow|now))?
              \ (?:to|from|into|at) (?:\ the)? [\ \t]+",
        )
        .expect("transfer cue regex")
    });

    /// Places of care that are not PHI: wards, units, departments and the generic "outside
    /// hospital". After a transfer cue they are where the patient went inside the hospital.
    const CARE_UNITS: &[&str] = &[
        "icu", "micu", "sicu", "ccu", "csru", "cvicu", "tsicu", "nsicu", "picu", "nicu", "pacu", "ctu", "ctic", "ed", "er",
        "ew", "or", "pt", "ot", "ir", "ct", "mri", "hd", "cath", "snf", "ltac", "osh", "floor", "ward", "unit", "home",
        "rehab", "hospital", "hosp", "tele", "telemetry", "stepdown", "surgery", "radiology", "dialysis", "nursing", "icu's",
    ];

    /// "transferred to GH", "sent from Quartermain 2", "d/c'd to Sacred Heart Memorial": a hospital
    /// named after a verb of moving a patient, written by its initials or a short name that no list
    /// holds. Accepted: an acronym (2-5 capitals) or a word in no dictionary, or, in mixed-case
    /// text, two or more capitalised words; never a ward or unit (`CARE_UNITS`), and a trailing ward
    /// number goes with it.
    fn transfer_places(lex: &Lexicon, text: &str, toks: &[Tok<'_>], case: DocCase, out: &mut Vec<Span>) {
        for m in TRANSFER_CUES.find_iter(text) {
            let i = toks.partition_point(|t| t.start < m.end());
            let Some(first) = toks.get(i) else { break };
            let f = lex.word(first.base_key());
            // A word in no dictionary at all, maybe with a ward number joined ("Zellerbach7"), is a
            // name in any case form: hurried notes write it in lower case too.
            let letters = first.text.trim_end_matches(|c: char| c.is_ascii_digit());
            let unknown = f & (W_ENGLISH | W_CLINICAL | W_ABBREV | W_DRUG | W_CALENDAR) == 0 && letters.chars().count() >= 3 && letters.chars().all(char::is_alphabetic);
            if first.start != m.end() || !(matches!(first.case, Case::Title | Case::Upper) || unknown) || lex.is_stopword(&first.key) {
                continue;
            }
            let mut j = i;
            while case == DocCase::Mixed && j + 1 < toks.len() && j - i < 3 && gap_ok(text, &toks[j], &toks[j + 1]) && toks[j + 1].case == Case::Title {
                j += 1;
            }
            if (i..=j).any(|k| CARE_UNITS.contains(&toks[k].key.as_str())) {
                continue;
            }
            let acronym = first.case == Case::Upper && (2..=5).contains(&first.text.len()) && f & W_ENGLISH == 0;
            if !(acronym || unknown || j > i) || lex.place(&lexicon::place_key(first.base_key())).is_some_and(|p| p.state || p.country) {
                continue;
            }
            // "Quartermain 2": a ward or building number after the name.
            let end = match toks.get(j + 1) {
                Some(n) if text[toks[j].end..n.start] == *" " && n.text.len() <= 2 && n.text.bytes().all(|b| b.is_ascii_digit()) => n.end,
                _ => toks[j].base_end(),
            };
            out.push(Span::new(first.start, end, Label::Location, 0.6, Source::Rule).with_subtype(Subtype::Hospital));
            // "to Zellerbach 2 or Zellerbach 3": the same name again after "or" / "and".
            let k = toks.partition_point(|t| t.start < end) + 1;
            if let (Some(conj), Some(same)) = (toks.get(k - 1), toks.get(k)) {
                if matches!(conj.key.as_str(), "or" | "and") && same.key == first.key {
                    let end = match toks.get(k + 1) {
                        Some(n) if text[same.end..n.start] == *" " && n.text.len() <= 2 && n.text.bytes().all(|b| b.is_ascii_digit()) => n.end,
                        _ => same.base_end(),
                    };
                    out.push(Span::new(same.start, end, Label::Location, 0.6, Source::Rule).with_subtype(Subtype::Hospital));
                }
            }
        }
    }

    /// The engine's default threshold: spans below it are never joined to others.
    const JOIN_MIN_SCORE: f32 = 0.5;

    /// Lower-case words after a city that name a facility there: "Dallas clinic".
    const LOWER_HEADS: &[&str] = &["clinic", "hospital", "hosp", "office", "facility", "center", "centre", "practice", "er", "campus", "branch", "rehab", "memorial"];

    /// Makes place spans cover what belongs to them: a following ", MA" / ", Texas"
    /// ("Brooklyn, NY" is one mention; the state alone would be kept, but as part of the
    /// place it goes with it), a lower-case facility word ("Dallas clinic", "BALTIMORE REHAB" in capitals), and chains
    /// joined by "in"/"at" ("Mayo Clinic in Rochester, MN").
    fn join_and_extend(lex: &Lexicon, text: &str, toks: &[Tok<'_>], out: &mut Vec<Span>, first: usize) {
        // Only spans that stand on their own are joined or extended: a weak guess ("in May")
        // must not ride on a confident neighbour's score.
        let required = |s: &Span| s.label == Label::Location && !s.subtype.is_some_and(Subtype::is_exempt) && s.score >= JOIN_MIN_SCORE;
        let next_tok = |at: usize| toks.partition_point(|t| t.start < at);
        // A facility word in lower case, or in capitals after a place in capitals ("BALTIMORE REHAB").
        let same_case = |s: &Span, n: &Tok<'_>| n.case == Case::Lower || n.case == Case::Upper && !text[s.start..s.end].chars().any(char::is_lowercase);
        let mut mine = out.split_off(first);
        for s in mine.iter_mut().filter(|s| required(s)) {
            loop {
                let k = next_tok(s.end);
                let Some(n) = toks.get(k) else { break };
                let gap = &text[s.end..n.start];
                if gap.contains('\n') {
                    break;
                }
                if gap.trim() == "," {
                    if let Some(e) = region_end(lex, toks, k) {
                        s.end = e;
                        continue;
                    }
                } else if gap == " " && same_case(s, n) && LOWER_HEADS.contains(&n.key.as_str()) {
                    s.end = n.end;
                    continue;
                }
                break;
            }
        }
        mine.sort_by_key(|s| (s.start, s.end));
        for s in mine {
            let joinable = out.len() > first;
            match out.last_mut() {
                Some(a) if joinable && required(a) && required(&s) && (s.start < a.end || matches!(&text[a.end..s.start], " in " | " at " | ", ")) => {
                    a.end = a.end.max(s.end);
                    a.score = a.score.max(s.score);
                }
                _ => out.push(s),
            }
        }
    }

    /// The end of a state or country name (or a two-letter state code) starting at token `k`.
    fn region_end(lex: &Lexicon, toks: &[Tok<'_>], k: usize) -> Option<usize> {
        let n = &toks[k];
        if n.case == Case::Upper && n.text.len() == 2 && lex.is_state_abbrev(n.text) || lex.place_is_region(&n.key) {
            return Some(n.end);
        }
        let m = toks.get(k + 1)?;
        lex.place_is_region(&format!("{} {}", n.key, m.key)).then_some(m.end)
    }

    /// The longest run of tokens from `i` that is a known place, with every word capitalised.
    fn longest_place(lex: &Lexicon, text: &str, toks: &[Tok<'_>], i: usize) -> Option<(usize, PlaceInfo, bool)> {
        if !capital(&toks[i]) || CONNECTORS.contains(&toks[i].key.as_str()) {
            return None;
        }
        let mut key = String::new();
        let mut best = None;
        let mut parts = 0;
        for j in i..toks.len().min(i + lex.max_place_words) {
            if j > i {
                if !gap_ok(text, &toks[j - 1], &toks[j]) {
                    break;
                }
                let t = &toks[j];
                if !capital(t) && !CONNECTORS.contains(&t.key.as_str()) {
                    break;
                }
                key.push(' ');
            }
            let k = lexicon::place_key(&toks[j].key);
            parts += k.split(' ').count();
            if parts > lex.max_place_words {
                break;
            }
            key.push_str(&k);
            if let Some(info) = lex.place(&key) {
                best = Some((j, info, false));
            } else if toks[j].possessive() {
                // "St. Mary's": the key without the possessive
                let base = lexicon::place_key(toks[j].base_key());
                let short = format!("{}{}", &key[..key.len() - k.len()], base);
                if let Some(info) = lex.place(&short) {
                    best = Some((j, info, true));
                }
            }
        }
        best
    }

    fn word_before<'a>(text: &str, toks: &'a [Tok<'a>], i: usize) -> Option<&'a Tok<'a>> {
        let p = toks.get(i.checked_sub(1)?)?;
        let gap = &text[p.end..toks[i].start];
        (!gap.contains('\n') && gap.trim().is_empty()).then_some(p)
    }

    /// ", MA" / ", Texas" / ", USA" after token `j`.
    fn region_after(lex: &Lexicon, text: &str, toks: &[Tok<'_>], j: usize) -> bool {
        let Some(n) = toks.get(j + 1) else { return false };
        let gap = &text[toks[j].end..n.start];
        if gap.trim() != "," || gap.contains('\n') {
            return false;
        }
        (n.case == Case::Upper && n.text.len() == 2 && lex.is_state_abbrev(n.text)) || lex.place_is_region(&n.key) || {
            // two-word states and countries
            toks.get(j + 2).is_some_and(|m| lex.place_is_region(&format!("{} {}", n.key, m.key)))
        }
    }

    fn judge(lex: &Lexicon, text: &str, toks: &[Tok<'_>], i: usize, j: usize, info: PlaceInfo, case: DocCase) -> Option<(f32, Subtype)> {
        let n_words = j + 1 - i;
        let before = word_before(text, toks, i);
        if let Some(b) = before {
            if HONORIFICS.contains(&b.key.as_str()) {
                return None; // "Dr. Houston"
            }
        }
        if info.hospital {
            return Some((0.85, Subtype::Hospital));
        }
        if info.county && n_words >= 2 {
            return Some((0.9, Subtype::County));
        }
        if info.state {
            return Some((0.9, Subtype::State));
        }
        if info.country {
            return Some((0.9, Subtype::Country));
        }
        let pop = info.us_pop.max(info.world_pop);
        pop?;
        let pop = pop.unwrap_or(0);
        let cue_before = before.is_some_and(|b| PLACE_CUES.contains(&b.key.as_str()));
        let cue_after = region_after(lex, text, toks, j);
        // Is any word of it a common word or a person's name?
        let common = (i..=j).any(|k| {
            let f = lex.word(toks[k].base_key());
            f & (W_ENGLISH | W_CALENDAR | W_CLINICAL | W_ABBREV | W_DRUG | W_EPONYM) != 0
                || (n_words == 1 && f & (W_FIRST | W_LAST) != 0)
                || lex.is_stopword(&toks[k].key)
        });
        let all_common_words = (i..=j).all(|k| lex.word(toks[k].base_key()) & (W_ENGLISH | W_CALENDAR) != 0 || CONNECTORS.contains(&toks[k].key.as_str()));
        // ALL-CAPS acronyms in mixed text are rarely places
        if case == DocCase::Mixed && n_words == 1 && toks[i].case == Case::Upper && toks[i].text.chars().count() <= 4 {
            return None;
        }
        let us = info.us_pop.is_some();
        let score = if cue_after {
            0.9
        } else if cue_before {
            if all_common_words && n_words == 1 {
                // "in March", "at Reading": capitalised common words after a preposition
                if pop >= 50_000 && us { 0.55 } else { 0.3 }
            } else if common {
                if pop >= 10_000 { 0.7 } else { 0.5 }
            } else if us || pop >= 15_000 {
                0.8
            } else {
                0.6
            }
        } else if common {
            if n_words >= 2 && !all_common_words && pop >= 100_000 { 0.6 } else { 0.2 }
        } else if us {
            if pop >= 20_000 || n_words >= 2 && pop >= 5_000 { 0.65 } else { 0.4 }
        } else if pop >= 500_000 {
            0.6
        } else {
            0.35
        };
        Some((score, Subtype::City))
    }

    /// Capitalised words before a head noun: "Elm Clinic", "St. Mary's Hospital", "New Orleans Health Center".
    fn organisations(lex: &Lexicon, text: &str, toks: &[Tok<'_>], case: DocCase, out: &mut Vec<Span>) {
        if case == DocCase::Lower {
            return;
        }
        let mut k = 0;
        while k < toks.len() {
            let t = &toks[k];
            if !matches!(t.case, Case::Title | Case::Upper) {
                k += 1;
                continue;
            }
            // head: one word or two
            let (head_start, head_end) = if k + 1 < toks.len()
                && HEADS_2.iter().any(|(a, b)| *a == t.key && *b == toks[k + 1].key)
                && gap_ok(text, t, &toks[k + 1])
                && matches!(toks[k + 1].case, Case::Title | Case::Upper)
            {
                (k, k + 1)
            } else if HEADS_1.contains(&t.key.as_str()) {
                (k, k)
            } else {
                k += 1;
                continue;
            };
            // walk left over capitalised modifiers
            let mut m = head_start;
            let mut mods: Vec<usize> = Vec::new();
            while m > 0 && mods.len() < 5 {
                let p = &toks[m - 1];
                if !gap_ok(text, p, &toks[m]) {
                    break;
                }
                let cap = matches!(p.case, Case::Title | Case::Upper | Case::Initial);
                if !(cap || matches!(p.key.as_str(), "of" | "and" | "&")) {
                    break;
                }
                if HONORIFICS.contains(&p.key.as_str()) && !lexicon::is_title_abbrev(&p.key) {
                    break;
                }
                m -= 1;
                mods.push(m);
            }
            // trailing connectors and a leading "The" are not part of the name
            while let Some(&first) = mods.last() {
                if matches!(toks[first].key.as_str(), "of" | "and" | "&" | "the" | "a" | "an" | "at" | "to" | "our" | "your" | "my") {
                    mods.pop();
                } else {
                    break;
                }
            }
            // "Hospital of the University of Pennsylvania"
            let mut end_tok = head_end;
            if let (Some(of), Some(nx)) = (toks.get(head_end + 1), toks.get(head_end + 2)) {
                if of.key == "of" && gap_ok(text, &toks[head_end], of) && gap_ok(text, of, nx) && nx.case == Case::Title {
                    let mut e = head_end + 2;
                    while e + 1 < toks.len() && e - head_end < 6 && gap_ok(text, &toks[e], &toks[e + 1]) && (toks[e + 1].case == Case::Title || matches!(toks[e + 1].key.as_str(), "of" | "the")) {
                        e += 1;
                    }
                    while matches!(toks[e].key.as_str(), "of" | "the") {
                        e -= 1;
                    }
                    if (head_end + 2..=e).any(|x| !GENERIC.contains(&toks[x].key.as_str())) {
                        end_tok = e;
                    }
                }
            }
            let first = mods.last().copied().unwrap_or(head_start);
            let specific = mods.iter().any(|&x| !GENERIC.contains(&toks[x].key.as_str()) && !GENERIC.contains(&toks[x].base_key()))
                || end_tok > head_end;
            if !specific || mods.is_empty() && end_tok == head_end {
                k = head_end + 1;
                continue;
            }
            // a sentence-initial capitalised common word alone is not a name: "Call Clinic"
            let only = mods.len() == 1 && end_tok == head_end;
            let f = lex.word(toks[first].base_key());
            let sentence_start = {
                let before = text[..toks[first].start].trim_end();
                before.is_empty() || before.ends_with(['.', '!', '?', ':', ';'])
            };
            let head = &toks[head_end].key;
            let org = matches!(head.as_str(), "pharmacy" | "practice" | "surgery" | "healthcare");
            let mut score = if org { 0.7 } else { 0.85 };
            if only && f & W_ENGLISH != 0 && sentence_start {
                score = 0.45;
            }
            if head == "surgery" && only && f & W_ENGLISH != 0 {
                score = 0.4;
            }
            let start = toks[first].start;
            let end = toks[end_tok].end;
            let sub = if org { Subtype::Organization } else { Subtype::Hospital };
            out.push(Span::new(start, end, Label::Location, score, Source::Rule).with_subtype(sub));
            k = end_tok + 1;
        }
    }

    /// "Suffolk County", "Orleans Parish": capitalised words before County/Parish/Borough.
    fn counties(text: &str, toks: &[Tok<'_>], case: DocCase, out: &mut Vec<Span>) {
        if case == DocCase::Lower {
            return;
        }
        for k in 1..toks.len() {
            let t = &toks[k];
            if !(matches!(t.key.as_str(), "county" | "parish" | "borough") && matches!(t.case, Case::Title | Case::Upper)) {
                continue;
            }
            let mut m = k;
            while m > 0 && k - m < 3 {
                let p = &toks[m - 1];
                if !gap_ok(text, p, &toks[m]) || !matches!(p.case, Case::Title | Case::Upper) || matches!(p.key.as_str(), "the" | "a" | "in" | "of") {
                    break;
                }
                m -= 1;
            }
            if m < k {
                out.push(Span::new(toks[m].start, t.end, Label::Location, 0.85, Source::Rule).with_subtype(Subtype::County));
            }
        }
    }
}

#[cfg(test)]
mod tests;
