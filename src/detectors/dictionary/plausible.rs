//! A check on the transformer's spans against the word lists: a model span
//! needs some evidence beyond the model's own vote to be kept.
//!
//! Why: the tagger is fine-tuned on generated text, and on real notes and
//! transcripts most of its false positives are ordinary words ("work",
//! "inaudible", "first", "street") or punctuation ("#", "/"). One such word
//! tagged once is then removed everywhere it recurs (`repeats`), so each
//! costs many times over. The evidence asked for is cheap and specific to the
//! label:
//!
//! - `DATE`: a digit, or a month or holiday name (a weekday or an ordinal alone is not a date);
//! - `AGE`: a number in digits or words; `ID`: a digit;
//! - `NAME`: a word that is not a common English word, drug, clinical term or
//!   eponym, or a capital initial ("Doctor X"); or a listed name that is also a common word ("Will", "Rose") when it
//!   is capitalised inside a sentence or the model is confident;
//! - `LOCATION`: the same with the place lists, or a street word after another word ("oak street").
//!
//! Before the check, a span is cut where the model ran past its entity
//! ([`refine_model_span`]): at line breaks (a name never spans lines, and an
//! address block never spans a blank line), and at edge words that cannot
//! belong to it: articles, prepositions, weekdays and chart cues ("DOB"), and, in capitalised
//! text, lower-case common words ("Mill Village by helicopter", "Ravil Yefimov concert").

use super::lexicon::{
    after_determiner, lexicon, place_key, Lexicon, DETERMINERS, W_ABBREV, W_CALENDAR, W_CLINICAL, W_DRUG, W_ENGLISH, W_EPONYM, W_FIRST, W_FIRST_RARE, W_LAST,
    W_LAST_RARE,
};
use super::register;
use super::tokens::{tokenize, Case, DocCase, Tok};
use crate::detectors::contact::phone_label_len;
use crate::detectors::date_shape;
use crate::detectors::spoken_numbers as num;
use crate::error::Result;
use crate::span::Label;

/// The model's score above which a listed name or place that is also a common word counts without capitals.
const CONFIDENT: f32 = 0.9;

const MONTHS_AND_HOLIDAYS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "christmas",
    "easter", "thanksgiving",
];

const STREET_WORDS: &[&str] = &[
    "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "boulevard", "blvd", "court", "ct", "way",
    "place", "terrace", "circle", "highway", "hwy", "parkway", "square", "crescent", "close", "grove",
];

/// Words never at the edge of an identifier (besides the determiners).
const EDGE_WORDS: &[&str] = &[
    "and", "or", "of", "on", "in", "at", "to", "for", "with", "by", "from", "is", "are", "was", "were", "be", "he",
    "she", "we", "they", "it", "i", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
];

/// The parts of the model's span `start..end` worth keeping: split at line
/// breaks, edge words trimmed, each part checked by [`plausible_model_span`]. Byte offsets.
pub fn refine_model_span(text: &str, start: usize, end: usize, label: Label, score: f32, style: &DocStyle) -> Result<Vec<(usize, usize)>> {
    let lex = lexicon()?;
    // A date in digits, without a month's name, is kept only where it has a calendar's shape.
    if label == Label::Date && !names_month(text, start, end) {
        if let Some(dates) = date_shape::numeric_dates(text, start, end) {
            return Ok(dates);
        }
    }
    let mut out = Vec::new();
    let breaks: &[&str] = if label == Label::Name { &["\n"] } else { &["\n\n", "\n \n"] };
    for (part_start, part_end) in split_at(text, start, end, breaks) {
        let toks = tokenize(&text[part_start..part_end]);
        let capitalised_text = toks.iter().any(|t| matches!(t.case, Case::Title | Case::Upper));
        let cased_text = capitalised_text || toks.iter().any(|t| t.case == Case::Lower);
        let trimmable = |t: &Tok<'_>| {
            // Chart cues and clinical terms ("DOB", "MRN", "Pt") are never a name's edge.
            let key = t.key.as_str();
            if EDGE_WORDS.contains(&key) || DETERMINERS.contains(&key) || lex.word(t.base_key()) & W_CLINICAL != 0 {
                return true;
            }
            // A number, or a stray letter of a caseless script beside cased words (mis-decoded
            // punctuation: "Lea Petersen ג€“"), is never part of a name.
            if label == Label::Name && cased_text && t.case == Case::Other {
                return true;
            }
            // Not vetoed by the name and place lists: they hold common words too ("morning", "Street").
            capitalised_text && t.case == Case::Lower && lex.word(t.base_key()) & (W_ENGLISH | W_CLINICAL | W_DRUG) != 0
        };
        let Some(first) = toks.iter().position(|t| !trimmable(t)) else { continue };
        let last = toks.iter().rposition(|t| !trimmable(t)).unwrap_or(first);
        // "oak street": a street word stays after the word it names.
        let street = |k: usize| STREET_WORDS.contains(&toks[k].key.as_str());
        let last = if label == Label::Location && last + 1 < toks.len() && street(last + 1) && !street(last) { last + 1 } else { last };
        let (s, e) = (part_start + toks[first].start, part_start + toks[last].end);
        let e = if label == Label::Location { before_phone_label(text, s, e) } else { e };
        if plausible_model_span(text, s, e, label, score, style)? {
            out.push((s, e));
        }
    }
    Ok(out)
}

/// The end of a place span without a phone label after its last number: "… 02139\nMobile",
/// "0612 4471-Office" end at the number. The label names the phone line, not the place.
fn before_phone_label(text: &str, start: usize, end: usize) -> usize {
    let span = &text[start..end];
    match span.rfind(|c: char| c.is_ascii_digit()) {
        Some(d) if d + 1 < span.len() && phone_label_len(&span[d + 1..]) == Some(span.len() - d - 1) => start + d + 1,
        _ => end,
    }
}

/// Splits `start..end` at any of `breaks`, dropping the separators.
fn split_at(text: &str, start: usize, end: usize, breaks: &[&str]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut from = start;
    while let Some((at, len)) = breaks.iter().filter_map(|b| text[from..end].find(b).map(|i| (i, b.len()))).min() {
        parts.push((from, from + at));
        from += at + len;
    }
    parts.push((from, end));
    parts.into_iter().filter(|(s, e)| s < e).collect()
}

/// What the checks need to know of the whole document, worked out once per document.
pub struct DocStyle {
    /// How the document is capitalised.
    case: DocCase,
    /// A clinical note ([`register::clinical_note`]).
    clinical_note: bool,
}

impl DocStyle {
    pub fn of(text: &str) -> Result<DocStyle> {
        let toks = tokenize(text);
        Ok(DocStyle { case: DocCase::of(&toks), clinical_note: register::clinical_note(lexicon()?, text, &toks) })
    }
}

/// In a clinical note, where the tagger takes shorthand, devices and misspellings for names
/// and places ("careview", "Passey muir", "LWS"), a name or a place needs a word of the name
/// or place lists ("Okafor", "Baltimore"), a hospital's head word or a street's shape.
fn listed(toks: &[Tok<'_>], label: Label, lex: &Lexicon) -> bool {
    toks.iter().any(|t| {
        let f = lex.word(t.base_key());
        match label {
            Label::Name => f & (W_FIRST | W_FIRST_RARE | W_LAST | W_LAST_RARE) != 0,
            _ => lex.place(&place_key(t.base_key())).is_some() || HOSPITAL_HEADS.contains(&t.key.as_str()),
        }
    }) || label == Label::Location && (street_like(toks) || whole_place(toks, lex))
}

/// Words that make a run of words the name of a place of care ("Harford Memorial", "Mazur campus").
const HOSPITAL_HEADS: &[&str] = &["hospital", "hosp", "memorial", "medical", "clinic", "campus", "infirmary", "sanatorium", "hospice", "rehab"];

/// Whether the model's span `text[start..end]` labelled `label` with mean probability `score` has evidence enough to keep.
pub fn plausible_model_span(text: &str, start: usize, end: usize, label: Label, score: f32, style: &DocStyle) -> Result<bool> {
    let toks = tokenize(&text[start..end]);
    let has_digit = || toks.iter().any(|t| t.key.bytes().any(|b| b.is_ascii_digit()));
    Ok(match label {
        Label::Date => has_digit() || names_month(text, start, end),
        Label::Age => has_digit() || toks.iter().any(|t| t.key.split('-').any(is_number_word)),
        Label::Id => enough_digits_for_an_id(text, start, end),
        Label::Name | Label::Location => {
            let lex = lexicon()?;
            if lone_common_word(&toks, label, lex, style) || style.clinical_note && style.case != DocCase::Lower && !listed(&toks, label, lex) {
                return Ok(false);
            }
            // In a note written in capitals, a capital is no evidence of a name.
            let upper_doc = label == Label::Name && style.case == DocCase::Upper;
            let capitalised = |t: &Tok<'_>| matches!(t.case, Case::Title | Case::Upper) && !upper_doc && !sentence_initial(text, start + t.start);
            // A common word that is also a listed name or place ("Will", "Rose", "Reading").
            let listed_word = |t: &Tok<'_>| {
                let key = t.base_key();
                let f = lex.word(key);
                // Shorthand written in capitals ("GU", "MAE") is the shorthand, however sure the model.
                if label == Label::Name && f & W_ABBREV != 0 && t.case == Case::Upper {
                    return false;
                }
                f & (W_ENGLISH | W_DRUG | W_CLINICAL | W_ABBREV | W_CALENDAR | W_EPONYM) != 0
                    && if label == Label::Name {
                        f & (W_FIRST | W_LAST) != 0 && f & (W_DRUG | W_CLINICAL | W_EPONYM) == 0
                    } else {
                        lex.place(&place_key(key)).is_some()
                    }
            };
            // "the Princess Royal", "my Baby": listed common words right after a determiner are a noun phrase.
            let noun_phrase = if after_determiner(text, start) { toks.iter().take_while(|t| listed_word(t)).count() } else { 0 };
            let evidence = |(i, t): (usize, &Tok<'_>)| {
                let key = t.base_key();
                // "Doctor X", "A B C": placeholder initials stand where a name would.
                if label == Label::Name && t.case == Case::Initial && key != "i" {
                    return true;
                }
                if key.chars().filter(|c| c.is_alphabetic()).count() < 2 || lex.is_stopword(key) {
                    return false;
                }
                if label == Label::Location && STREET_WORDS.contains(&key) {
                    return false; // "Street" is a town in Somerset, and no evidence on its own
                }
                // Shorthand is no name, but a hospital's initials ("GH") may be shorthand too.
                let shorthand = if label == Label::Name { W_ABBREV } else { 0 };
                if lex.word(key) & (W_ENGLISH | W_DRUG | W_CLINICAL | W_CALENDAR | W_EPONYM | shorthand) == 0 {
                    return true;
                }
                listed_word(t) && i >= noun_phrase && (capitalised(t) || score >= CONFIDENT)
            };
            toks.iter().enumerate().any(evidence)
                || label == Label::Location && (street_like(&toks) || whole_place(&toks, lex))
        }
        _ => true,
    })
}

/// "at the service center", "a commenter": one lower-case common word (or one made from a common
/// word with "-er" or "-men") in text whose names are capitalised is the sentence's, however sure
/// the model is. A listed name that is also a word ("brown") may still be a person's. In lower-case
/// text (ASR transcripts) case tells nothing, and the other rules decide.
fn lone_common_word(toks: &[Tok<'_>], label: Label, lex: &Lexicon, style: &DocStyle) -> bool {
    let [t] = toks else { return false };
    let key = t.base_key();
    let named = |k: &str| label == Label::Name && lex.word(k) & (W_FIRST | W_FIRST_RARE | W_LAST | W_LAST_RARE) != 0;
    let common = |k: &str| lex.word(k) & W_ENGLISH != 0 && !named(k);
    let derived = || {
        ["ers", "er", "men"].iter().any(|suffix| key.strip_suffix(suffix).is_some_and(|stem| stem.len() >= 4 && lex.word(stem) & W_ENGLISH != 0))
    };
    t.case == Case::Lower && !named(key) && (common(key) || derived()) && style.case == DocCase::Mixed
}

/// A number said as a word ("ninety", "two", "hundred"), with the spoken detector's vocabulary;
/// "oh" is a zero only inside digit strings.
fn is_number_word(w: &str) -> bool {
    num::unit(w).is_some() && !num::is_oh(w) || num::teen(w).is_some() || num::tens(w).is_some() || w == "hundred"
}

/// "oak street", "mill lane": a street word after a word that is not a determiner or a preposition.
fn street_like(toks: &[Tok<'_>]) -> bool {
    toks.len() >= 2
        && STREET_WORDS.contains(&toks[toks.len() - 1].key.as_str())
        && toks[..toks.len() - 1].iter().any(|t| !DETERMINERS.contains(&t.key.as_str()) && !matches!(t.key.as_str(), "of" | "on" | "in"))
}

/// An identifier singles out one record among many: with fewer than four digits in
/// its whole token (fewer than 10,000 values) and fewer than two letters beside them it is a
/// count, a dose, a reading or a bed number ("#3", "RR 8", "x2"). A number right after
/// a measurement's name ("SVR 1058") is its value, and a time after a clock word its time.
fn enough_digits_for_an_id(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let part_of_id = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'/' | b'.');
    // Identifiers are short: the walk stops 32 bytes out each way, whatever the run's length.
    let (mut s, mut e) = (start, end);
    while s > 0 && start - s < 32 && part_of_id(b[s - 1]) {
        s -= 1;
    }
    while e < b.len() && e - end < 32 && part_of_id(b[e]) {
        e += 1;
    }
    let token = text[s..e].trim_matches(|c| matches!(c, '-' | '/' | '.'));
    let digits = token.bytes().filter(u8::is_ascii_digit).count();
    // Letters count only beside digits in one run ("AB12", "ABC123"), not across a dash ("7p-7a", "q1-2hr").
    let mixed_run = token.split(['-', '/', '.']).any(|run| {
        run.bytes().filter(u8::is_ascii_digit).count() >= 2 && run.bytes().filter(u8::is_ascii_alphabetic).count() >= 2
    });
    (digits >= 4 || mixed_run) && !date_shape::after_measurement(text, s) && !date_shape::clock_time(text, s, e)
}

/// Whether `text[start..end]` names a month or a holiday ("May" as a modal verb does not).
fn names_month(text: &str, start: usize, end: usize) -> bool {
    tokenize(&text[start..end]).iter().any(|t| MONTHS_AND_HOLIDAYS.contains(&t.key.as_str()) && !modal_may(text, start, t))
}

/// "May I ask…", "May we…": the verb opening a question, not the month. `t` is a token of the span at byte `start`.
fn modal_may(text: &str, start: usize, t: &Tok<'_>) -> bool {
    let next: String = text[start + t.end..].trim_start().chars().take_while(|c| c.is_alphabetic()).collect();
    t.key == "may" && sentence_initial(text, start + t.start) && matches!(next.to_lowercase().as_str(), "i" | "we" | "you" | "he" | "she" | "they")
}

fn whole_place(toks: &[Tok<'_>], lex: &super::lexicon::Lexicon) -> bool {
    toks.len() >= 2 && lex.place(&toks.iter().map(|t| place_key(&t.key)).collect::<Vec<_>>().join(" ")).is_some()
}

/// Whether byte `at` starts a sentence or a line (nothing but spaces, quotes or brackets since the last `.?!:` or newline).
pub(super) fn sentence_initial(text: &str, at: usize) -> bool {
    for c in text[..at].chars().rev() {
        match c {
            '\n' | '.' | '?' | '!' | ':' | ';' => return true,
            ' ' | '\t' | '"' | '\'' | '(' | '[' | '-' | '*' | '\u{2022}' => continue,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(text: &str, span: &str, label: Label, score: f32) -> bool {
        let start = text.find(span).unwrap();
        plausible_model_span(text, start, start + span.len(), label, score, &DocStyle::of(text).unwrap()).unwrap()
    }

    #[test]
    fn ordinary_words_and_punctuation_are_not_identifiers() {
        assert!(!keep("i have to go to work tomorrow", "work", Label::Location, 0.95));
        assert!(!keep("[inaudible] yes", "inaudible", Label::Name, 0.99));
        assert!(!keep("MRN # 12", "#", Label::Id, 0.99));
        assert!(!keep("the first thing", "first", Label::Date, 0.99));
        assert!(!keep("see you on Friday", "Friday", Label::Date, 0.99));
        assert!(!keep("Management: rest", "Management", Label::Location, 0.99));
        assert!(!keep("walked down the street", "the street", Label::Location, 0.99));
    }

    #[test]
    fn identifiers_keep_their_evidence() {
        assert!(keep("seen by Dr Okonkwo today", "Okonkwo", Label::Name, 0.6));
        assert!(keep("my name is john smith", "john smith", Label::Name, 0.95));
        assert!(!keep("my name is john", "john", Label::Name, 0.6));
        assert!(keep("and then Will said so", "Will", Label::Name, 0.6));
        assert!(keep("i live on oak street", "oak street", Label::Location, 0.7));
        assert!(keep("she moved to framingham", "framingham", Label::Location, 0.7));
        assert!(keep("born on the third of june", "third of june", Label::Date, 0.7));
        assert!(keep("admitted 3/4", "3/4", Label::Date, 0.7));
        assert!(keep("her record number is 40917", "40917", Label::Id, 0.7));
        assert!(keep("plan id ABC123 on the card", "ABC123", Label::Id, 0.7));
        assert!(!keep("took tylenol #3 for pain", "3", Label::Id, 0.9), "a short number is no identifier");
        assert!(!keep("suction q2-4 hours", "4", Label::Id, 0.9));
        assert!(!keep("night shift 7p-7a: pt stable", "7p", Label::Id, 0.9), "a shift's hours are no identifier");
        assert!(!keep("suction q1-2hr overnight", "q1", Label::Id, 0.9));
        assert!(!keep("cvp 11, svr 1061 after the bolus", "1061", Label::Id, 0.9), "a measurement's value");
        assert!(keep("she is ninety two", "ninety two", Label::Age, 0.7));
        assert!(keep("a forty-five year old", "forty-five", Label::Age, 0.7));
        assert!(!keep("she goes often", "often", Label::Age, 0.9), "a number word inside another word is no number");
        assert!(keep("code AB12", "AB12", Label::Id, 0.7));
    }

    #[test]
    fn lone_lower_case_words_in_capitalised_text_are_not_identifiers() {
        assert!(!keep("Can I pay at the Bank service center today?", "center", Label::Location, 0.99));
        assert!(!keep("As one Online commenter wrote, it was fine.", "commenter", Label::Name, 0.99));
        assert!(!keep("Songs sung by Tokyo salarymen at night.", "salarymen", Label::Name, 0.99));
        assert!(keep("i drove to mobile and back", "mobile", Label::Location, 0.95), "lower-case text: case tells nothing");
        assert!(keep("Then Ann called dr brown about it.", "brown", Label::Name, 0.95), "a listed surname");
    }

    #[test]
    fn nouns_after_determiners_and_modal_may_are_not_identifiers() {
        assert!(!keep("Then the Princess waved.", "Princess", Label::Name, 0.95));
        assert!(!keep("Then the Princess Royal waved.", "Princess Royal", Label::Name, 0.95));
        assert!(keep("seen at the Cancer Center in Reading", "Cancer Center in Reading", Label::Location, 0.95), "only the words right after it");
        assert!(keep("Then Princess waved.", "Princess", Label::Name, 0.6), "a listed name mid-sentence, no determiner");
        assert!(!keep("May I pay by card?", "May", Label::Date, 0.9));
        assert!(keep("In May I moved house.", "May", Label::Date, 0.9));
        assert!(keep("May 3 works for me.", "May 3", Label::Date, 0.9));
    }

    #[test]
    fn shorthand_in_capitals_and_capitals_of_an_all_caps_note_are_no_evidence() {
        // Invented notes. "GU" is a listed name too, but in capitals it is shorthand.
        assert!(!keep("Pt stable overnight. GU: foley in place.", "GU", Label::Name, 0.97));
        assert!(!keep("Neuro: alert.\nEndo: insulin drip.", "Endo", Label::Name, 0.8));
        // In a note written in capitals a listed word that is also a word needs the model's confidence.
        assert!(!keep("PT RESTING. WILL REASSESS IN AM. HOPE TO EXTUBATE.", "HOPE", Label::Name, 0.7));
        assert!(keep("PT'S DAUGHTER ROSALIND IN TO VISIT.", "ROSALIND", Label::Name, 0.7));
        assert!(keep("Her aunt Mae visited today.", "Mae", Label::Name, 0.7), "a name in Title Case mid-sentence");
        assert!(keep("TRANSFERRED TO GH FOR CATH.", "GH", Label::Location, 0.8), "a hospital's initials are a place");
    }

    fn refine<'a>(text: &'a str, span: &str, label: Label) -> Vec<&'a str> {
        let start = text.find(span).unwrap();
        refine_model_span(text, start, start + span.len(), label, 0.7, &DocStyle::of(text).unwrap()).unwrap().into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn spans_are_cut_to_their_entity() {
        assert_eq!(refine("Ms. Jones flew to Leppen on Tuesday morning.", "Leppen on Tuesday", Label::Location), vec!["Leppen"]);
        assert_eq!(refine("Mr. Leiva flew to LEPPEN on Tuesday morning.", "LEPPEN on Tuesday morning", Label::Location), vec!["LEPPEN"]);
        assert_eq!(refine("we returned to Mill Village by helicopter.", "Mill Village by helicopter", Label::Location), vec!["Mill Village"]);
        assert_eq!(refine("a Ravil Yefimov concert", "Ravil Yefimov concert", Label::Name), vec!["Ravil Yefimov"]);
        assert_eq!(refine("Patient: Maria Gonzalez    DOB: 04/17/1951", "Maria Gonzalez    DOB", Label::Name), vec!["Maria Gonzalez"]);
        assert_eq!(refine("Julieta Almeida\nStaff specialist", "Julieta Almeida\nStaff specialist", Label::Name), vec!["Julieta Almeida"]);
        assert_eq!(refine("the north side of Rua Diadema", "the north side of", Label::Location), Vec::<&str>::new());
        // Lower-case text keeps its words: nothing tells entity from spill-over.
        assert_eq!(refine("i live on oak street now", "oak street", Label::Location), vec!["oak street"]);
        assert_eq!(refine("at 12 Glyn Street street", "12 Glyn Street street", Label::Location), vec!["12 Glyn Street"]);
        assert_eq!(refine("a song for Ida Berger ג€“ she sang", "Ida Berger ג", Label::Name), vec!["Ida Berger"]);
        assert_eq!(refine("Oslo 0150\nMobile: 22 33 44 55", "Oslo 0150\nMobile", Label::Location), vec!["Oslo 0150"]);
        assert_eq!(refine("(21) 555-017-Office", "017-Office", Label::Location), Vec::<&str>::new(), "a number and its phone label are no place");
        // Caseless scripts keep their names.
        assert_eq!(refine("المريض أحمد", "أحمد", Label::Name), vec!["أحمد"]);
    }

    #[test]
    fn a_date_in_digits_needs_a_calendar_shape_and_is_grown_to_its_whole_number() {
        assert_eq!(refine("bp up to 90/40 after bolus", "40", Label::Date), Vec::<&str>::new(), "a reading is no date");
        assert_eq!(refine("given 40 of lasix", "40", Label::Date), Vec::<&str>::new(), "a bare number is no date");
        assert_eq!(refine("tube placed 8/3 today", "8", Label::Date), vec!["8/3"], "a piece of a date grows to the date");
        assert_eq!(refine("seen on March 3", "March 3", Label::Date), vec!["March 3"]);
    }

    #[test]
    fn in_a_clinical_note_a_name_or_place_needs_the_lists() {
        let note = "Neuro: alert, MAE.\nGU: foley draining.\nResp: placed on the Vexamuir valve, see careview.\nSocial: daughter Rosalind from Baltimore visited.";
        assert!(!keep(note, "Vexamuir", Label::Location, 0.95), "a device is no place");
        assert!(!keep(note, "careview", Label::Name, 0.95), "a charting system is no person");
        assert!(keep(note, "Rosalind", Label::Name, 0.9));
        assert!(keep(note, "Baltimore", Label::Location, 0.9));
        // Outside a note the same unknown word keeps the model's vote.
        assert!(keep("We stayed in Vexamuir for a week.", "Vexamuir", Label::Location, 0.95));
    }
}
