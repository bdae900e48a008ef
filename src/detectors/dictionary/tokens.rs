//! Word tokens with byte offsets, case class and a folded lookup key.

/// The capitalisation of a token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Case {
    /// `Mary`, `McDonald`, `O'Brien`.
    Title,
    /// `MARY` (two letters or more).
    Upper,
    /// One capital letter: `J`.
    Initial,
    /// `mary`.
    Lower,
    /// Starts with a digit or has no letters.
    Other,
}

/// The capitalisation of the whole document, which decides how much case can tell.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DocCase {
    /// Ordinary text: names are capitalised.
    Mixed,
    /// ALL CAPS: case tells nothing; lists and cues decide.
    Upper,
    /// all lower case (ASR transcripts): only strong cues decide.
    Lower,
}

#[derive(Clone, Debug)]
pub struct Tok<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// Lower case, diacritics removed, typographic apostrophes made plain.
    pub key: String,
    pub case: Case,
}

impl Tok<'_> {
    /// Ends in a possessive `'s`.
    pub fn possessive(&self) -> bool {
        self.key.len() > 2 && self.key.ends_with("'s")
    }

    /// The key without a possessive `'s`.
    pub fn base_key(&self) -> &str {
        if self.possessive() {
            &self.key[..self.key.len() - 2]
        } else {
            &self.key
        }
    }

    /// The byte end without a possessive `'s` (both apostrophes are handled).
    pub fn base_end(&self) -> usize {
        if self.possessive() {
            let t = self.text;
            let cut = t.char_indices().rev().nth(1).map_or(t.len(), |(i, _)| i);
            self.start + cut
        } else {
            self.end
        }
    }

    /// [`Tok::base_end`] when `cond`, the end otherwise.
    pub fn base_end_if(&self, cond: bool) -> usize {
        if cond {
            self.base_end()
        } else {
            self.end
        }
    }
}

/// Lower-cases and strips common Latin diacritics, so that `Szöllösy` finds `szollosy`.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // Most tokens: nothing to strip, and '`' is the only ASCII character mapped.
        let mut out = s.to_ascii_lowercase();
        if out.contains('`') {
            out = out.replace('`', "'");
        }
        return out;
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            match l {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
                'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => out.push('c'),
                'ď' | 'đ' => out.push('d'),
                'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
                'ğ' | 'ģ' => out.push('g'),
                'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => out.push('i'),
                'ķ' => out.push('k'),
                'ł' | 'ľ' | 'ĺ' | 'ļ' => out.push('l'),
                'ñ' | 'ń' | 'ň' | 'ņ' => out.push('n'),
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
                'ŕ' | 'ř' => out.push('r'),
                'ś' | 'š' | 'ş' | 'ș' => out.push('s'),
                'ť' | 'ţ' | 'ț' => out.push('t'),
                'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => out.push('u'),
                'ý' | 'ÿ' => out.push('y'),
                'ź' | 'ż' | 'ž' => out.push('z'),
                'ß' => out.push_str("ss"),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                '\u{2019}' | '\u{2018}' | '`' => out.push('\''),
                '\u{2010}' | '\u{2011}' | '\u{2013}' => out.push('-'),
                c if is_combining(c) => {}
                c => out.push(c),
            }
        }
    }
    out
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}')
}

fn case_of(text: &str) -> Case {
    let mut chars = text.chars();
    let first = chars.next().unwrap_or(' ');
    if !first.is_alphabetic() {
        return Case::Other;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if first.is_uppercase() {
        if letters == 1 && text.chars().count() == 1 {
            return Case::Initial;
        }
        if text.chars().filter(|c| c.is_alphabetic()).all(|c| !c.is_lowercase()) {
            return Case::Upper;
        }
        return Case::Title;
    }
    if first.is_lowercase() {
        return Case::Lower;
    }
    Case::Other // scripts without case
}

/// Splits `text` into word tokens: letters and digits, with inner apostrophes and hyphens.
pub fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((s, c)) = it.next() {
        if !(c.is_alphanumeric() || is_combining(c)) {
            continue;
        }
        let mut e = s + c.len_utf8();
        while let Some(&(i, d)) = it.peek() {
            if d.is_alphanumeric() || is_combining(d) {
                e = i + d.len_utf8();
                it.next();
            } else if is_joiner(d) && text[i + d.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric) {
                it.next();
                e = i + d.len_utf8();
            } else {
                break;
            }
        }
        let t = &text[s..e];
        toks.push(Tok { start: s, end: e, text: t, key: fold(t), case: case_of(t) });
    }
    toks
}

impl DocCase {
    pub fn of(toks: &[Tok<'_>]) -> DocCase {
        let mut upper = 0usize;
        let mut capital = 0usize;
        let mut words = 0usize;
        for t in toks {
            match t.case {
                Case::Upper => {
                    upper += 1;
                    capital += 1;
                    words += 1;
                }
                Case::Title | Case::Initial => {
                    capital += 1;
                    words += 1;
                }
                Case::Lower => words += 1,
                Case::Other => {}
            }
        }
        if words >= 3 && upper * 10 >= words * 7 {
            DocCase::Upper
        } else if words >= 3 && capital == 0 || words >= 30 && capital * 100 <= words * 2 {
            DocCase::Lower
        } else {
            DocCase::Mixed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_inner_apostrophes_and_hyphens() {
        let t = tokenize("O'Brien, Cedars-Sinai; Szöllösy's  - x");
        let texts: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(texts, vec!["O'Brien", "Cedars-Sinai", "Szöllösy's", "x"]);
        assert_eq!(t[2].key, "szollosy's");
        assert_eq!(t[2].base_key(), "szollosy");
        assert_eq!(&"O'Brien, Cedars-Sinai; Szöllösy's  - x"[t[2].start..t[2].base_end()], "Szöllösy");
    }

    #[test]
    fn case_classes() {
        let t = tokenize("Mary MARY mary J 12b McDonald");
        let cases: Vec<Case> = t.iter().map(|t| t.case).collect();
        assert_eq!(cases, vec![Case::Title, Case::Upper, Case::Lower, Case::Initial, Case::Other, Case::Title]);
    }

    #[test]
    fn document_case() {
        assert_eq!(DocCase::of(&tokenize("hi mr. jones how are you")), DocCase::Lower);
        assert_eq!(DocCase::of(&tokenize("PATIENT SEEN BY DR SMITH")), DocCase::Upper);
        assert_eq!(DocCase::of(&tokenize("Seen by Dr. Smith today.")), DocCase::Mixed);
    }
}
