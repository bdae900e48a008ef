//! Cue words around a candidate: small pure functions every detector shares.
//!
//! "MRN: 123456" is a record number, "123456 mg" is not. Detectors look a few
//! characters to the left or right of a match for cue words; these helpers
//! keep that logic in one place, on character (not byte) windows so that
//! multi-byte text never splits a code point.

use regex::Regex;

/// The slice of `text` holding at most `max_chars` characters before byte offset `at`.
pub fn window_before(text: &str, at: usize, max_chars: usize) -> &str {
    let head = &text[..at];
    let start = head.char_indices().rev().nth(max_chars.saturating_sub(1)).map_or(0, |(i, _)| i);
    if max_chars == 0 {
        return "";
    }
    &head[start..]
}

/// The slice of `text` holding at most `max_chars` characters from byte offset `at` on.
pub fn window_after(text: &str, at: usize, max_chars: usize) -> &str {
    let tail = &text[at..];
    let end = tail.char_indices().nth(max_chars).map_or(tail.len(), |(i, _)| i);
    &tail[..end]
}

/// Whether byte offset `at` is a word boundary: no alphanumeric on both sides.
pub fn is_word_boundary(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back().is_some_and(char::is_alphanumeric);
    let after = text[at..].chars().next().is_some_and(char::is_alphanumeric);
    !(before && after)
}

/// A compiled set of cue words or phrases, matched case-insensitively as whole words.
///
/// ```
/// use deid::context::Cues;
/// let cues = Cues::new(&["mrn", "medical record number"]);
/// let text = "Medical record number: 00123456";
/// assert!(cues.before(text, 23, 30));
/// assert!(!cues.before(text, 0, 30));
/// ```
#[derive(Debug, Clone)]
pub struct Cues {
    re: Regex,
}

impl Cues {
    /// Builds the set. Each cue is taken literally; spaces inside a cue match
    /// any run of whitespace, so "date of birth" also matches "date  of\nbirth".
    pub fn new(cues: &[&str]) -> Cues {
        assert!(!cues.is_empty(), "a cue set needs at least one cue");
        let alternatives: Vec<String> = cues
            .iter()
            .map(|c| c.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+"))
            .collect();
        // \b only applies next to word characters; cues like "#" or "dob:" still work.
        let pattern = format!(r"(?i)(?:^|\b|\W)(?:{})(?:$|\b|\W)", alternatives.join("|"));
        Cues { re: Regex::new(&pattern).expect("cue patterns are escaped literals") }
    }

    /// Whether any cue occurs anywhere in `window`.
    pub fn in_window(&self, window: &str) -> bool {
        self.re.is_match(window)
    }

    /// Whether a cue occurs within `max_chars` characters before byte offset `at`.
    pub fn before(&self, text: &str, at: usize, max_chars: usize) -> bool {
        self.in_window(window_before(text, at, max_chars))
    }

    /// Whether a cue occurs within `max_chars` characters after byte offset `at`.
    pub fn after(&self, text: &str, at: usize, max_chars: usize) -> bool {
        self.in_window(window_after(text, at, max_chars))
    }

    /// Whether a cue occurs on either side of the byte range `start..end`.
    pub fn around(&self, text: &str, start: usize, end: usize, max_chars: usize) -> bool {
        self.before(text, start, max_chars) || self.after(text, end, max_chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_respect_char_boundaries() {
        let text = "Zoë Ünal: 12";
        let at = text.find("12").unwrap();
        assert_eq!(window_before(text, at, 4), "al: ");
        assert_eq!(window_before(text, at, 100), "Zoë Ünal: ");
        assert_eq!(window_after(text, 0, 3), "Zoë");
        assert_eq!(window_after(text, 0, 0), "");
        assert_eq!(window_before(text, at, 0), "");
    }

    #[test]
    fn cues_are_whole_words_and_case_insensitive() {
        let cues = Cues::new(&["dob", "date of birth"]);
        assert!(cues.in_window("Patient DOB: "));
        assert!(cues.in_window("date of\nbirth "));
        assert!(!cues.in_window("adobe "));
    }

    #[test]
    fn cues_with_punctuation() {
        let cues = Cues::new(&["#", "no."]);
        assert!(cues.in_window("account # "));
        assert!(cues.in_window("Policy No. "));
        assert!(!cues.in_window("nothing here"));
    }

    #[test]
    fn word_boundaries() {
        let t = "ab 12";
        assert!(is_word_boundary(t, 0));
        assert!(!is_word_boundary(t, 1));
        assert!(is_word_boundary(t, 2));
        assert!(is_word_boundary(t, 5));
    }
}
