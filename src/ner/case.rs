//! Word casing as a model input.
//!
//! The encoder's vocabulary is uncased ("Mark" and "mark" are the same
//! piece), yet casing is one of the strongest cues for names in written notes.
//! Each word piece gets the casing class of the whole word it belongs to, and
//! the model adds a learned embedding of that class to its input.

/// Number of casing classes.
pub const CASE_CLASSES: usize = 4;

/// The casing class of a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Case {
    /// Letters, all lower-case: `mark`.
    Lower = 0,
    /// Upper-case first letter, the rest lower-case: `Mark`, `I`.
    Capitalised = 1,
    /// Two or more letters, all upper-case: `MARK`, `MRN`.
    Upper = 2,
    /// Digits, punctuation, mixed case, special tokens: `2019`, `McDonald`, `/`.
    Other = 3,
}

impl Case {
    /// Classifies a word (the original text of a pre-tokenised word).
    pub fn of(word: &str) -> Case {
        let mut letters = word.chars().filter(|c| c.is_alphabetic());
        let Some(first) = letters.next() else { return Case::Other };
        if word.chars().any(|c| !c.is_alphabetic() && c != '\'' && c != '-') {
            return Case::Other;
        }
        let rest: Vec<char> = letters.collect();
        let rest_lower = rest.iter().all(|c| !c.is_uppercase());
        let rest_upper = rest.iter().all(|c| !c.is_lowercase());
        match (first.is_uppercase(), rest_lower, rest_upper) {
            (false, true, _) => Case::Lower,
            (true, true, _) => Case::Capitalised,
            (true, false, true) => Case::Upper,
            _ => Case::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(Case::of("mark"), Case::Lower);
        assert_eq!(Case::of("Mark"), Case::Capitalised);
        assert_eq!(Case::of("I"), Case::Capitalised);
        assert_eq!(Case::of("MARK"), Case::Upper);
        assert_eq!(Case::of("McDonald"), Case::Other);
        assert_eq!(Case::of("2019"), Case::Other);
        assert_eq!(Case::of("/"), Case::Other);
        assert_eq!(Case::of("O'Brien"), Case::Other);
        assert_eq!(Case::of("Émile"), Case::Capitalised);
    }
}
