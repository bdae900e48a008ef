//! Plain speaker-turn text: `[doctor] …`, `Speaker 1 (00:01:23): …`, `Dr. Smith: …`,
//! `[00:01:05.000 --> 00:01:09.000] SPEAKER_01: …`, `(00:01:05) NURSE: …`, and
//! the header lines of exported transcripts (`Jane Doe  1:07`, the turn's text below).
//!
//! The conversation is the file itself, so detectors see the turns exactly as
//! written. A line's label is found at its start; timestamps (alone, as a
//! range, in brackets or parentheses), the brackets and colon around a label,
//! and a role label (`doctor`, `patient`, `Speaker 1`, `Guest_family`, …) are
//! protected, never redacted. A label that is not a role ("Dr. Smith",
//! "Maria") stays redactable text: if a detector finds a name there, it goes.
//! Lines without a label continue the turn above.

use super::{lines, Conversation, Piece, Speaker};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// A clock reading as transcripts write it: `1:07`, `01:05`, `00:01:05.000`, `00:01:05,000`.
const TIME: &str = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?";
/// The characters of a speaker name or role, up to 40.
const NAME: &str = r"[A-Za-z][A-Za-z0-9_.'’ -]{0,39}?";

/// The parts of a line's label, in bytes of the line.
struct Patterns {
    /// `Jane Doe  1:07` alone on its line: the header of an exported turn.
    header: Regex,
    /// `[00:01:05.000 --> 00:01:09.000]`, `(00:01:05)` and the blanks after it.
    enclosed_time: Regex,
    /// `00:01:05 ` before a speaker label.
    bare_time: Regex,
    /// `[label]` | `Label (time):` | `Label:`
    speaker: Regex,
}

fn patterns() -> &'static Patterns {
    static RE: OnceLock<Patterns> = OnceLock::new();
    RE.get_or_init(|| {
        let range = format!(r"{TIME}(?:[ \t]*(?:-->|-|–|to)[ \t]*{TIME})?");
        let re = |s: &str| Regex::new(s).expect("valid label regex");
        Patterns {
            header: re(&format!(r"^(?P<n>{NAME})[ \t]+{TIME}[ \t]*$")),
            enclosed_time: re(&format!(r"^(?:\[[ \t]*{range}[ \t]*\]|\([ \t]*{range}[ \t]*\))[ \t]*")),
            bare_time: re(&format!(r"^{TIME}[ \t]+")),
            speaker: re(&format!(r"^(?:\[(?P<b>[^\]\n]{{1,40}})\][ \t]?|(?P<n>{NAME})[ \t]*(?P<t>\({TIME}\)|\[{TIME}\])?[ \t]*:[ \t])")),
        }
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

/// A label at the start of a line, in bytes of the line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Label {
    /// The speaker's name or role, when the label has one (`[00:01:05]` alone has none).
    pub name: Option<Range<usize>>,
    /// Where the label ends (after its `:` or `]` and one blank).
    pub end: usize,
    /// Whether the label holds a timestamp.
    pub timed: bool,
}

/// "Note: …", "Plan: …" are prose; a label has at most four words.
fn short(name: &str) -> bool {
    name.split_whitespace().count() <= 4
}

/// The label at the start of `line`, if it has one.
pub(crate) fn label_at(line: &str) -> Option<Label> {
    let p = patterns();
    if let Some(c) = p.header.captures(line) {
        let n = c.name("n").expect("header names");
        if short(n.as_str()) {
            return Some(Label { name: Some(n.range()), end: line.len(), timed: true });
        }
    }
    let enclosed = p.enclosed_time.find(line).map(|m| m.end());
    // A bare time counts only before a speaker label ("10:30 BP stable" is prose).
    let from = enclosed.or_else(|| p.bare_time.find(line).map(|m| m.end())).unwrap_or(0);
    if let Some(c) = p.speaker.captures(&line[from..]) {
        let n = c.name("b").or_else(|| c.name("n")).expect("one of the alternatives");
        if c.name("n").is_none() || short(n.as_str()) {
            let name = from + n.start()..from + n.end();
            let end = from + c.get(0).expect("whole match").end();
            return Some(Label { name: Some(name), end, timed: from > 0 || c.name("t").is_some() });
        }
    }
    enclosed.map(|end| Label { name: None, end, timed: true })
}

/// The length of the speaker label at the start of `line`, if it has one
/// (timestamps, label, and the `:` or `]` with one following space).
pub fn label_len(line: &str) -> Option<usize> {
    label_at(line).map(|l| l.end)
}

/// Whether the text reads as speaker turns: most non-blank lines start with a
/// label, or at least a quarter with a timed one (as in exports where a
/// `Name  0:07` line heads each paragraph); and at least two labels are timed or
/// name a role, so that a note's section headings (`CV: …`, `Plan: …`) are not
/// taken for speakers.
pub fn looks_like_turns(text: &str) -> bool {
    let (mut labeled, mut timed, mut sure, mut total) = (0, 0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(200) {
        total += 1;
        if let Some(l) = label_at(line) {
            labeled += 1;
            timed += usize::from(l.timed);
            sure += usize::from(l.timed || l.name.is_some_and(|n| is_role(&line[n])));
        }
    }
    sure >= 2 && (labeled * 2 >= total || timed * 4 >= total)
}

/// Pushes the label of a line found at `off` in the source: its name (protected
/// when a role) and the rest of it (timestamps, brackets, colon: always
/// protected). Returns the name's piece, if the label has a name.
pub(crate) fn push_label(conv: &mut Conversation, line: &str, off: usize, label: &Label) -> Option<usize> {
    let structure = |conv: &mut Conversation, r: Range<usize>| {
        if !r.is_empty() {
            conv.push(&line[r.clone()], off + r.start..off + r.end, Piece { spoken: false, protected: true, ..Conversation::piece() });
        }
    };
    let Some(name) = label.name.clone() else {
        structure(conv, 0..label.end);
        return None;
    };
    structure(conv, 0..name.start);
    let role = is_role(&line[name.clone()]);
    let piece = conv.push(&line[name.clone()], off + name.start..off + name.end, Piece { spoken: false, protected: role, ..Conversation::piece() });
    structure(conv, name.end..label.end);
    Some(piece)
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
        if let Some(label) = label_at(line) {
            if let Some(name) = push_label(&mut conv, line, off, &label) {
                speaker = Some(Speaker::Label(name));
            }
            rest_from = off + label.end;
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
    fn timed_labels() {
        let name = |line: &str| label_at(line).and_then(|l| l.name.map(|n| line[n].to_string()));
        let line = "[00:01:05.000 --> 00:01:09.000] SPEAKER_01: hello";
        assert_eq!(label_len(line), Some(line.find("hello").unwrap()));
        assert_eq!(name(line).as_deref(), Some("SPEAKER_01"));
        assert_eq!(name("(00:01:05) NURSE: hello").as_deref(), Some("NURSE"));
        assert_eq!(name("00:01:05 Agent: hello").as_deref(), Some("Agent"));
        assert_eq!(name("[01:05] [doctor] hello").as_deref(), Some("doctor"));
        assert_eq!(name("Speaker 2 (1:05): hello").as_deref(), Some("Speaker 2"));
        // An export's turn header: the whole line is the label.
        let header = label_at("Jane Doe  1:07").unwrap();
        assert_eq!((header.name, header.end, header.timed), (Some(0..8), 14, true));
        // A time alone in brackets is a label without a name.
        assert_eq!(label_at("[00:00:12] and then"), Some(Label { name: None, end: 11, timed: true }));
        // Prose that starts with a time or ends with one is not a turn.
        assert_eq!(label_at("10:30 blood pressure stable"), None);
        assert_eq!(label_at("The patient was seen today at 10:30"), None);
    }

    #[test]
    fn roles() {
        for r in ["doctor", "Patient", "patient_guest", "Guest_family", "Doctor_2", "Speaker 1", "SPEAKER_00", "Guest_clinician", "NURSE", "Agent", "Interpreter"] {
            assert!(is_role(r), "{r}");
        }
        for n in ["Dr. Smith", "Maria", "John Smith"] {
            assert!(!is_role(n), "{n}");
        }
    }

    #[test]
    fn exports_with_turn_headers_read_as_turns() {
        assert!(looks_like_turns("Jane Doe  0:03\nHello there, how are you feeling?\nI came in last week.\n\nSpeaker 2  0:15\nBetter, thanks.\nStill tired.\n"));
        assert!(!looks_like_turns("Seen at 10:30\nBlood pressure stable.\nAmbulating.\nEating well.\nNo complaints.\n"));
        // Section headings are not speakers; named speakers need a role or a time beside them.
        assert!(!looks_like_turns("Neuro: alert and oriented.\nCV: stable.\nResp: clear.\nOther: none.\n"));
        assert!(looks_like_turns("Dr. Quill: how are you?\nPatient: better.\nDr. Quill: good.\nPatient: thanks.\n"));
    }

    #[test]
    fn conversation_is_the_file() {
        let text = "[doctor] hi\r\nDr. Smith: hello\n\n(00:01:05) NURSE: ok\nJane Doe  1:07\ncontinued";
        let conv = parse(text);
        assert_eq!(conv.text, text);
        for p in &conv.pieces {
            assert_eq!(conv.text[p.joined.clone()], text[p.source.clone()]);
        }
        let protected: Vec<&str> = conv.pieces.iter().filter(|p| p.protected).map(|p| &text[p.source.clone()]).collect();
        assert_eq!(protected, ["[", "doctor", "] ", ": ", "(00:01:05) ", "NURSE", ": ", "  1:07"]);
    }
}
