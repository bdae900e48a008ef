//! The register of a document: is it a clinical note?
//!
//! Why: a note is written in shorthand ("GU: foley", "Resp Care", "PSV 10/5") and its
//! capitals, lower-case words and bare numbers mean other things than in a letter or
//! a conversation. Two signs each say "note" on their own: lines that open with a
//! clinical heading ("Neuro:", "GI/GU -", "PMH:") at least twice, or shorthand — words
//! of the clinical abbreviation lists that are no English words — making up 6% or
//! more of a text of 40 words or more. Speaker labels ("Patient:", "Doctor:") are no
//! headings, so a transcript is no note.

use super::lexicon::{Lexicon, W_ABBREV, W_CLINICAL, W_ENGLISH};
use super::tokens::Tok;

/// Role labels of a dialogue, which open lines as headings do.
const SPEAKER_ROLES: &[&str] = &["doctor", "patient", "nurse", "speaker", "interviewer", "provider", "clinician", "physician", "caregiver", "family", "parent"];

/// Whether the document `text`, tokenised as `toks`, is a clinical note laid out under
/// headings ([`headed`]) or dense with shorthand.
pub fn clinical_note(lex: &Lexicon, text: &str, toks: &[Tok<'_>]) -> bool {
    headed(lex, text, toks) || dense_shorthand(lex, toks)
}

/// Whether two lines or more open with a clinical word and a colon, a dash or an equals sign
/// ("Neuro:", "GI/GU:", "Resp -"): a note laid out under headings.
fn headed(lex: &Lexicon, text: &str, toks: &[Tok<'_>]) -> bool {
    let mut headings = 0;
    for (k, t) in toks.iter().enumerate() {
        let line_start = text[..t.start].trim_end_matches([' ', '\t']).ends_with('\n') || text[..t.start].trim().is_empty();
        if !line_start || lex.word(t.base_key()) & (W_CLINICAL | W_ABBREV) == 0 || SPEAKER_ROLES.contains(&t.key.as_str()) {
            continue;
        }
        // the heading word, maybe joined to another by a slash ("GI/GU"), then a colon or a dash
        let end = if text[t.end..].starts_with('/') { toks.get(k + 1).map_or(t.end, |n| n.end) } else { t.end };
        if text[end..].trim_start_matches(' ').starts_with([':', '-', '=']) {
            headings += 1;
            if headings >= 2 {
                return true;
            }
        }
    }
    false
}

/// Whether shorthand (clinical abbreviations that are no English words) makes up 6% or more of a
/// text of 40 words or more.
fn dense_shorthand(lex: &Lexicon, toks: &[Tok<'_>]) -> bool {
    let words = toks.iter().filter(|t| t.text.chars().next().is_some_and(char::is_alphabetic)).count();
    let shorthand = toks
        .iter()
        .filter(|t| {
            let f = lex.word(t.base_key());
            f & (W_CLINICAL | W_ABBREV) != 0 && f & W_ENGLISH == 0
        })
        .count();
    words >= 40 && shorthand * 100 >= words * 6
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::lexicon;
    use super::super::tokens::tokenize;
    use super::*;

    fn note(text: &str) -> bool {
        clinical_note(lexicon().unwrap(), text, &tokenize(text))
    }

    #[test]
    fn notes_under_headings_or_in_shorthand_are_notes() {
        assert!(note("Neuro: alert, MAE.\nGU: foley draining.\nPlan: wean."));
        let shorthand = "Pt remains on AC with PEEP 5, ABG ok, NGT to LCWS, foley patent, BS coarse. ".repeat(4);
        assert!(note(&shorthand));
    }

    #[test]
    fn letters_queries_and_dialogues_are_not() {
        assert!(!note("Dear Dr. Okafor, thank you for seeing my mother last week. She is feeling much better."));
        assert!(!note("Doctor: How are you today?\nPatient: Better, thanks.\nDoctor: Good."));
        assert!(!note("What dose of metformin should a patient with CKD take?"));
    }
}
