//! Person names: each word of a name replaced by a first name or a surname from the bundled
//! lists (`data/dict/first_names.txt`, `surnames.txt`), one fake per word per document.
//!
//! Mapping words rather than whole names is what keeps variants coherent: `Jonathan Smith`,
//! `Mr. Smith`, `Smith` and `Jonathan` become `Peter Halvorsen`, `Mr. Halvorsen`, `Halvorsen`
//! and `Peter`. Whether a word is a given name or a surname is read from where it stands in
//! the document's longer names (`Jonathan Smith`, `Smith, Jonathan`), from a title before it
//! (`Mr. Smith`), and failing both from the lists. Titles, suffixes and possessives are kept,
//! an initial stays an initial, a spelled name stays spelled (`k-o-w-a-l-s-k-i`), and case
//! is kept word by word (`JOHN` → `PETER`, `john` → `peter`).

use super::words::in_case_of;
use super::{fold, Chooser, MAX_DRAWS};
use crate::span::{Label, Span, Subtype};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Words that stand before a name and stay: they carry sex or role, not identity.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "mister", "missus", "dr", "doctor", "prof", "professor", "rev", "sir", "madam",
    "nurse", "sister", "father", "mother", "uncle", "aunt", "auntie", "grandma", "grandpa",
];

/// Words after a name that stay: generation and degrees.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "md", "do", "phd", "rn", "np", "pa", "dds", "esq"];

/// Whether a word of the lists reads as an ordinary word, and so makes a poor fake name.
fn common_word(w: &str) -> bool {
    static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
        [
            include_str!("../../data/dict/english_words.txt"),
            include_str!("../../data/dict/allow_drugs.txt"),
            include_str!("../../data/dict/allow_clinical.txt"),
            include_str!("../../data/dict/allow_groups.txt"),
            include_str!("../../data/dict/allow_diseases.txt"),
        ]
        .iter()
        .flat_map(|f| f.lines())
        .map(str::trim)
        .collect()
    });
    COMMON.contains(w)
}

/// The usable entries of a name list: plain ASCII letters of a usual length, not common words.
fn pool(file: &'static str, min: usize) -> Vec<&'static str> {
    file.lines()
        .map(str::trim)
        .filter(|l| (min..=10).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()) && !common_word(l))
        .collect()
}

static FIRST: LazyLock<Vec<&'static str>> = LazyLock::new(|| pool(include_str!("../../data/dict/first_names.txt"), 3));
static LAST: LazyLock<Vec<&'static str>> = LazyLock::new(|| pool(include_str!("../../data/dict/surnames.txt"), 4));
static FIRST_SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/dict/first_names.txt").lines().map(str::trim).collect()
});

/// The surnames fakes are drawn from (also for words of organisations and streets).
pub fn last_pool() -> &'static [&'static str] {
    &LAST
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    First,
    Last,
}

/// One piece of a name as written.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    /// Spaces, punctuation, a possessive `'s`: copied.
    Keep(&'a str),
    /// A title or a suffix: copied.
    Title(&'a str),
    /// One letter, maybe with its period (`J.`).
    Initial(&'a str),
    /// A name spelled letter by letter (`k-o-w-a-l-s-k-i`).
    Spelled(&'a str),
    Word(&'a str),
}

/// Splits a name into pieces; a word is letters with inner apostrophes and hyphens.
fn pieces(value: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = value.as_bytes();
    while i < value.len() {
        let c = value[i..].chars().next().expect("in bounds");
        if !c.is_alphabetic() {
            out.push(Piece::Keep(&value[i..i + c.len_utf8()]));
            i += c.len_utf8();
            continue;
        }
        let mut end = i;
        let mut chars = value[i..].char_indices().peekable();
        while let Some((off, ch)) = chars.next() {
            let inner = matches!(ch, '\'' | '’' | '-') && chars.peek().is_some_and(|(_, n)| n.is_alphabetic());
            if ch.is_alphabetic() || inner {
                end = i + off + ch.len_utf8();
            } else {
                break;
            }
        }
        let word = &value[i..end];
        // A possessive stays as written after the name it follows.
        let (word, tail) = match word.len().checked_sub(2).filter(|&k| word.is_char_boundary(k) && k > 0) {
            Some(k) if word[k..].eq_ignore_ascii_case("'s") => (&word[..k], &word[k..]),
            _ => match word.strip_suffix("’s").or_else(|| word.strip_suffix("’S")) {
                Some(w) if !w.is_empty() => (w, &word[w.len()..]),
                _ => (word, ""),
            },
        };
        let key = word.to_lowercase();
        let single_letters = word.split('-').all(|p| p.chars().count() == 1);
        let piece = if TITLES.contains(&key.as_str()) || SUFFIXES.contains(&key.as_str()) {
            Piece::Title(word)
        } else if word.chars().count() == 1 {
            let dot = b.get(i + word.len()) == Some(&b'.');
            Piece::Initial(if dot { &value[i..i + word.len() + 1] } else { word })
        } else if single_letters && word.contains('-') {
            Piece::Spelled(word)
        } else {
            Piece::Word(word)
        };
        let taken = match &piece {
            Piece::Initial(s) => s.len(),
            _ => word.len(),
        };
        out.push(piece);
        if !tail.is_empty() {
            out.push(Piece::Keep(tail));
        }
        i += taken + tail.len();
    }
    out
}

/// The key of a name word: lower case, spelled letters joined.
fn word_key(piece: &Piece<'_>) -> Option<String> {
    match piece {
        Piece::Word(w) => Some(w.to_lowercase()),
        Piece::Spelled(w) => Some(w.replace('-', "").to_lowercase()),
        _ => None,
    }
}

/// The document's name words, the role each plays, and the fake each has been given.
pub struct NameMap {
    roles: HashMap<String, Role>,
    /// Original word (or initial) → its fake, lower case.
    fakes: HashMap<String, String>,
    /// Fakes already given, so two people never merge into one.
    taken: HashSet<String>,
}

impl NameMap {
    /// Reads the roles of every name word of the document: the longer names first.
    pub fn new(text: &str, spans: &[Span]) -> NameMap {
        let names: Vec<(&Span, Vec<Piece<'_>>)> = spans
            .iter()
            .filter(|s| s.label == Label::Name && s.subtype != Some(Subtype::Username))
            .map(|s| (s, pieces(&text[s.start..s.end])))
            .collect();
        let mut roles = HashMap::new();
        for (_, ps) in &names {
            let words: Vec<(usize, String)> = ps.iter().enumerate().filter_map(|(i, p)| word_key(p).map(|k| (i, k))).collect();
            if words.len() < 2 {
                continue;
            }
            // "Smith, Jonathan": a comma after the first word puts the surname first.
            let inverted = ps[words[0].0 + 1..].first() == Some(&Piece::Keep(","));
            for (n, (_, k)) in words.iter().enumerate() {
                let last = if inverted { n == 0 } else { n == words.len() - 1 };
                roles.entry(k.clone()).or_insert(if last { Role::Last } else { Role::First });
            }
        }
        for (span, ps) in &names {
            let titled = ps.iter().any(|p| matches!(p, Piece::Title(t) if TITLES.contains(&t.to_lowercase().as_str())))
                || title_before(text, span.start);
            for p in ps {
                if let Some(k) = word_key(p) {
                    let guess = if titled || !FIRST_SET.contains(k.as_str()) { Role::Last } else { Role::First };
                    roles.entry(k).or_insert(guess);
                }
            }
        }
        NameMap { roles, fakes: HashMap::new(), taken: HashSet::new() }
    }

    /// The fake of a whole name, piece by piece. `attempt` > 0 (the whole fake met an
    /// identifier of the document) redraws every word.
    pub fn replace(&mut self, chooser: &Chooser, value: &str, attempt: u32, avoid: &HashSet<String>) -> String {
        let mut out = String::with_capacity(value.len() + 8);
        for p in pieces(value) {
            match p {
                Piece::Keep(s) | Piece::Title(s) => out.push_str(s),
                Piece::Initial(s) => {
                    let letter = &s[..s.len() - usize::from(s.ends_with('.'))];
                    let fake = self.initial(chooser, letter, attempt);
                    out.push_str(&in_case_of(letter, &fake));
                    out.push_str(&s[letter.len()..]);
                }
                Piece::Word(w) => {
                    let fake = self.word(chooser, &w.to_lowercase(), attempt, avoid);
                    out.push_str(&in_case_of(w, &fake));
                }
                Piece::Spelled(w) => {
                    let fake = self.word(chooser, &w.replace('-', "").to_lowercase(), attempt, avoid);
                    let spelled: Vec<String> = fake.chars().map(|c| in_case_of(w, &c.to_string())).collect();
                    out.push_str(&spelled.join("-"));
                }
            }
        }
        out
    }

    fn word(&mut self, chooser: &Chooser, key: &str, attempt: u32, avoid: &HashSet<String>) -> String {
        if attempt == 0 {
            if let Some(f) = self.fakes.get(key) {
                return f.clone();
            }
        }
        let role = self.roles.get(key).copied().unwrap_or(Role::Last);
        let (kind, list): (&str, &[&str]) = match role {
            Role::First => ("first", &FIRST),
            Role::Last => ("last", &LAST),
        };
        let fake = (0..MAX_DRAWS)
            .map(|n| *chooser.rng(kind, key, attempt * MAX_DRAWS + n).pick(list))
            .find(|f| *f != key && !avoid.contains(*f) && !self.taken.contains(*f))
            .unwrap_or(list[0])
            .to_string();
        self.taken.insert(fake.clone());
        self.fakes.insert(key.to_string(), fake.clone());
        fake
    }

    fn initial(&mut self, chooser: &Chooser, letter: &str, attempt: u32) -> String {
        let key = format!("{}.", fold(letter));
        if attempt == 0 {
            if let Some(f) = self.fakes.get(&key) {
                return f.clone();
            }
        }
        let original = key.chars().next().unwrap_or('a');
        let letters: Vec<char> = ('a'..='z').filter(|&c| c != original).collect();
        let fake = chooser.rng("initial", &key, attempt).pick(&letters).to_string();
        self.fakes.insert(key, fake.clone());
        fake
    }
}

/// Whether a title ends right before `at` ("Mr. |Smith", "Dr |Smith").
fn title_before(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    let before = before.strip_suffix('.').unwrap_or(before);
    let word = before.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    TITLES.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Source;
    use crate::surrogate::SurrogateKey;

    fn chooser() -> Chooser {
        Chooser { key: SurrogateKey::new(b"names test key, long enough").unwrap(), scope: String::new() }
    }

    fn spans_of(text: &str, names: &[&str]) -> Vec<Span> {
        let mut out: Vec<Span> = names
            .iter()
            .flat_map(|n| text.match_indices(n).map(|(i, _)| Span::new(i, i + n.len(), Label::Name, 1.0, Source::Rule)).collect::<Vec<_>>())
            .collect();
        out.sort_by_key(|s| s.start);
        out.dedup_by(|b, a| b.start < a.end);
        out
    }

    fn run(text: &str, names: &[&str]) -> Vec<String> {
        let spans = spans_of(text, names);
        let mut map = NameMap::new(text, &spans);
        let avoid = spans.iter().map(|s| fold(&text[s.start..s.end])).collect();
        spans.iter().map(|s| map.replace(&chooser(), &text[s.start..s.end], 0, &avoid)).collect()
    }

    #[test]
    fn pieces_split_titles_initials_and_possessives() {
        use Piece::*;
        assert_eq!(pieces("Dr. J. O'Neil's"), vec![Title("Dr"), Keep("."), Keep(" "), Initial("J."), Keep(" "), Word("O'Neil"), Keep("'s")]);
        assert_eq!(pieces("k-o-w-a-l"), vec![Spelled("k-o-w-a-l")]);
        assert_eq!(pieces("Smith-Jones Jr"), vec![Word("Smith-Jones"), Keep(" "), Title("Jr")]);
    }

    #[test]
    fn variants_of_one_name_stay_one_person() {
        let text = "Jonathan Quillfeather was seen. Mr. Quillfeather said Jonathan felt well; Quillfeather left.";
        let out = run(text, &["Jonathan Quillfeather", "Quillfeather", "Jonathan"]);
        let (first, last) = out[0].split_once(' ').unwrap();
        assert_eq!(out[1], last, "{out:?}");
        assert_eq!(out[2], first);
        assert_eq!(out[3], last);
        assert_ne!(first, "Jonathan");
        assert!(FIRST.contains(&first.to_lowercase().as_str()), "a given name stays a given name: {first}");
        assert!(LAST.contains(&last.to_lowercase().as_str()), "a surname stays a surname: {last}");
    }

    #[test]
    fn case_titles_initials_and_spelling_are_kept() {
        let out = run("JOHN saw john and Dr. R. Pemberton; that is p-e-m-b-e-r-t-o-n.", &["JOHN", "john", "R. Pemberton", "p-e-m-b-e-r-t-o-n"]);
        assert_eq!(out[0], out[1].to_uppercase());
        assert!(out[1].chars().all(|c| c.is_lowercase()));
        let (initial, last) = out[2].split_once(' ').unwrap();
        assert!(initial.len() == 2 && initial.ends_with('.') && initial != "R.", "{initial}");
        assert_eq!(out[3].replace('-', ""), last.to_lowercase(), "the spelled name is the same person");
        assert!(out[3].split('-').all(|l| l.len() == 1));
    }

    #[test]
    fn two_people_never_share_a_fake() {
        let text = "Ann Quill and Bea Quorn";
        let out = run(text, &["Ann Quill", "Bea Quorn"]);
        let words: HashSet<&str> = out.iter().flat_map(|n| n.split(' ')).collect();
        assert_eq!(words.len(), 4, "{out:?}");
    }

    #[test]
    fn an_inverted_name_reads_surname_first() {
        let text = "Quillfeather, Jonathan";
        let spans = spans_of(text, &["Quillfeather, Jonathan"]);
        let map = NameMap::new(text, &spans);
        assert_eq!(map.roles["quillfeather"], Role::Last);
        assert_eq!(map.roles["jonathan"], Role::First);
    }
}
