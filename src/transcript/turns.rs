//! Plain speaker-turn text: `[doctor] …`, `Speaker 1 (00:01:23): …`, `Dr. Smith: …`.
//!
//! The conversation is the file itself, so detectors see the turns exactly as
//! written. A line's label is found at its start; a role label (`doctor`,
//! `patient`, `Speaker 1`, `Guest_family`, …) and a timestamp in the label are
//! protected, never redacted. A label that is not a role ("Dr. Smith",
//! "Maria") stays redactable text: if a detector finds a name there, it goes.
//! Lines without a label continue the turn above.

use super::{lines, Conversation, Piece, Speaker};
use regex::Regex;
use std::sync::OnceLock;

fn label_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // [label] | Label (hh:mm:ss): | Label:
        Regex::new(
            r"^(?:\[(?P<b>[^\]\n]{1,40})\][ \t]?|(?P<n>[A-Za-z][A-Za-z0-9_.'’ -]{0,39}?)[ \t]*(?P<t>\((?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?\))?[ \t]*:[ \t])",
        )
        .expect("valid label regex")
    })
}

fn role_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^(?:doctor|dr|patient|pt|nurse|clinician|provider|physician|caregiver|carer|interpreter|translator|guest|family|speaker|spk|unknown|assistant|agent|caller|host|interviewer|interviewee|mother|father|parent|guardian|son|daughter|wife|husband|spouse|partner|relative|participant|narrator|scribe|md|np|pa|rn|ma|staff|receptionist|therapist|student|resident|attending|pharmacist|technician|tech|other|unidentified)(?:[ _-]?(?:doctor|patient|guest|family|clinician|nurse|speaker|member)|[ _-](?:[a-z]|\d+)|\d+)*$",
        )
        .expect("valid role regex")
    })
}

/// Whether a speaker label names a role rather than a person.
pub fn is_role(label: &str) -> bool {
    role_regex().is_match(label.trim())
}

/// The length of the speaker label at the start of `line`, if it has one
/// (label, timestamp and the `:` or `]` with one following space).
pub fn label_len(line: &str) -> Option<usize> {
    let c = label_regex().captures(line)?;
    if let Some(n) = c.name("n") {
        // "Note: …", "Plan: …" are prose; a label has at most four words.
        if n.as_str().split_whitespace().count() > 4 {
            return None;
        }
    }
    Some(c.get(0).expect("whole match").end())
}

/// Whether most non-blank lines (and at least two) start with a speaker label.
pub fn looks_like_turns(text: &str) -> bool {
    let mut labeled = 0;
    let mut total = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(200) {
        total += 1;
        if label_len(line).is_some() {
            labeled += 1;
        }
    }
    labeled >= 2 && labeled * 2 >= total
}

/// The conversation of a speaker-turn file: the file itself, with label pieces marked.
pub fn parse(input: &str) -> Conversation {
    let mut conv = Conversation::default();
    let mut pos = 0;
    let mut speaker: Option<Speaker> = None;
    for (off, line) in lines(input) {
        if off > pos {
            conv.push(&input[pos..off], pos..off, Piece { spoken: false, ..Conversation::piece() });
        }
        let mut rest_from = off;
        if let Some(c) = label_regex().captures(line).filter(|_| label_len(line).is_some()) {
            let whole = c.get(0).expect("whole match");
            let name = c.name("b").or_else(|| c.name("n")).expect("one of the alternatives");
            let role = is_role(name.as_str());
            // Before the name: "[" (protected); the name; after it, the timestamp and ": " (protected).
            if name.start() > 0 {
                conv.push(&line[..name.start()], off..off + name.start(), Piece { spoken: false, protected: true, ..Conversation::piece() });
            }
            let label = conv.push(name.as_str(), off + name.start()..off + name.end(), Piece { spoken: false, protected: role, ..Conversation::piece() });
            conv.push(&line[name.end()..whole.end()], off + name.end()..off + whole.end(), Piece { spoken: false, protected: true, ..Conversation::piece() });
            speaker = Some(Speaker::Label(label));
            rest_from = off + whole.end();
        }
        let end = off + line.len();
        if end > rest_from {
            conv.push(&input[rest_from..end], rest_from..end, Piece { speaker: speaker.clone(), ..Conversation::piece() });
        }
        pos = end;
    }
    if pos < input.len() {
        conv.push(&input[pos..], pos..input.len(), Piece { spoken: false, ..Conversation::piece() });
    }
    conv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_len("[doctor] hello"), Some(9));
        assert_eq!(label_len("Speaker 1 (00:01:23): hi"), Some(22));
        assert_eq!(label_len("Dr. Smith: hi"), Some(11));
        assert_eq!(label_len("Guest_family: hi"), Some(14));
        assert_eq!(label_len("the plan for today and tomorrow is: rest"), None);
        assert_eq!(label_len("no label here"), None);
    }

    #[test]
    fn roles() {
        for r in ["doctor", "Patient", "patient_guest", "Guest_family", "Doctor_2", "Speaker 1", "SPEAKER_00", "Guest_clinician"] {
            assert!(is_role(r), "{r}");
        }
        for n in ["Dr. Smith", "Maria", "John Smith"] {
            assert!(!is_role(n), "{n}");
        }
    }

    #[test]
    fn conversation_is_the_file() {
        let text = "[doctor] hi\r\nDr. Smith: hello\n\ncontinued";
        let conv = parse(text);
        assert_eq!(conv.text, text);
        for p in &conv.pieces {
            assert_eq!(conv.text[p.joined.clone()], text[p.source.clone()]);
        }
    }
}
