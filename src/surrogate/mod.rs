//! Surrogates: each identifier replaced by a realistic fake of the same kind and shape.
//!
//! Placeholders (`[NAME]`) are safe but teach a model trained on the output that names do not
//! exist, and they lose every interval between visits. A surrogate keeps the text natural:
//! `John Smith` → `Peter Halvorsen`, `617-555-0199` → `413-555-0142`, `3/3/21` → `4/14/21`.
//!
//! - **Choice**: every fake is drawn from a generator seeded with HMAC-SHA-256 of a secret key,
//!   the scope (a group such as a patient id, or the whole corpus) and the original value, so the
//!   same value gets the same fake in every document of the scope, run after run. Without a
//!   configured key ([`SurrogateKey::load`]) each document gets a fresh random key: consistent
//!   within the document only.
//! - **Coherence**: name words are mapped one by one (`names`), so `Jonathan Smith`,
//!   `Mr. Smith`, `Smith` and `Jonathan` stay one person; digits are mapped as a sequence, so
//!   `(617) 555-0199` and `617.555.0199` get the same fake in their own layouts.
//! - **Never the original**: a fake equal (case-folded) to any identifier of the document, or to
//!   any of its words, is drawn again; after a few failed draws the placeholder is written.
//! - **Dates** move by one offset per scope (`dates`), so intervals survive.
//!
//! The key never reaches a log or an error; [`SurrogateKey`]'s `Debug` prints no bytes.

mod dates;
mod names;
mod numbers;
mod places;
mod words;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::span::{Label, Span, Subtype};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// The environment variable holding the surrogate key (it wins over `surrogate_key_file`).
pub const KEY_ENV: &str = "DEID_SURROGATE_KEY";

/// Fewer bytes than this make a key that can be guessed.
const MIN_KEY_BYTES: usize = 16;

/// How many draws a surrogate gets to differ from every identifier of the document.
const MAX_DRAWS: u32 = 16;

/// The secret that makes surrogate choices stable across documents and runs.
#[derive(Clone)]
pub struct SurrogateKey(Arc<[u8]>);

impl fmt::Debug for SurrogateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SurrogateKey(..)")
    }
}

impl PartialEq for SurrogateKey {
    fn eq(&self, other: &SurrogateKey) -> bool {
        self.0 == other.0
    }
}

impl SurrogateKey {
    /// A key from its bytes; at least 16 of them (surrounding whitespace is not part of it).
    pub fn new(bytes: &[u8]) -> Result<SurrogateKey> {
        let bytes = bytes.trim_ascii();
        if bytes.len() < MIN_KEY_BYTES {
            return Err(Error::config(format!("the surrogate key must hold at least {MIN_KEY_BYTES} bytes")));
        }
        Ok(SurrogateKey(bytes.into()))
    }

    /// A fresh random key: surrogates consistent within what it is used for, nowhere else.
    pub fn random() -> SurrogateKey {
        SurrogateKey(crate::server::auth::random_bytes(32).into())
    }

    /// The configured key: `DEID_SURROGATE_KEY` when set, else the contents of `file`; `None`
    /// when neither is given. Errors name the file, never its contents.
    pub fn load(file: Option<&Path>) -> Result<Option<SurrogateKey>> {
        if let Some(value) = std::env::var_os(KEY_ENV) {
            let value = value.into_encoded_bytes();
            return SurrogateKey::new(&value).map(Some).map_err(|_| {
                Error::config(format!("{KEY_ENV} must hold at least {MIN_KEY_BYTES} bytes"))
            });
        }
        let Some(file) = file else { return Ok(None) };
        let bytes = std::fs::read(file)
            .map_err(|e| Error::config(format!("cannot read surrogate_key_file {}: {}", file.display(), e.kind())))?;
        SurrogateKey::new(&bytes)
            .map(Some)
            .map_err(|_| Error::config(format!("surrogate_key_file {} must hold at least {MIN_KEY_BYTES} bytes", file.display())))
    }

    /// The keyed digest of `parts` (each length-prefixed, so no two lists collide).
    fn digest(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        for p in parts {
            mac.update(&(p.len() as u64).to_le_bytes());
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }
}

/// A deterministic stream of numbers from a 32-byte seed (SHA-256 in counter mode).
pub(crate) struct Rng {
    seed: [u8; 32],
    counter: u64,
}

impl Rng {
    fn new(seed: [u8; 32]) -> Rng {
        Rng { seed, counter: 0 }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut h = Sha256::new();
        h.update(self.seed);
        h.update(self.counter.to_le_bytes());
        self.counter += 1;
        let out = h.finalize();
        u64::from_le_bytes(out[..8].try_into().expect("eight bytes"))
    }

    /// A number in `0..n` (`n` > 0; the bias of a 64-bit modulo is negligible here).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The keyed source of every draw in one scope.
#[derive(Clone)]
pub(crate) struct Chooser {
    key: SurrogateKey,
    scope: String,
}

impl Chooser {
    /// The generator for one value of one kind, on its `attempt`-th draw.
    pub(crate) fn rng(&self, kind: &str, value: &str, attempt: u32) -> Rng {
        Rng::new(self.key.digest(&[self.scope.as_bytes(), kind.as_bytes(), value.as_bytes(), &attempt.to_le_bytes()]))
    }
}

/// Case-folded, with runs of whitespace made one space: how values are compared.
pub(crate) fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether `needle` occurs in `hay` with no letter or digit right before or after it.
fn contains_words(hay: &str, needle: &str) -> bool {
    !needle.is_empty()
        && hay.match_indices(needle).any(|(i, m)| {
            let before = hay[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = hay[i + m.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            before && after
        })
}

/// Writes one document's surrogates: built from all its spans first, so that variants of a
/// name are seen together and no fake equals any identifier of the document.
pub struct Surrogates<'a> {
    config: &'a Config,
    chooser: Chooser,
    /// Every identifier of the document and each of its words, case-folded.
    avoid: HashSet<String>,
    /// Values already replaced, per kind: one fake per value.
    memo: HashMap<(Label, String), String>,
    names: names::NameMap,
    /// Digit sequences already replaced (phones in two layouts get one fake).
    digits: HashMap<(Label, Vec<u8>), Vec<u8>>,
    /// The date offset of the scope, in days (never 0).
    shift: i64,
}

impl<'a> Surrogates<'a> {
    /// Prepares the surrogates of `text`, whose identifiers are `spans`, in the scope `group`
    /// (`None`: the whole corpus).
    pub fn new(config: &'a Config, text: &str, spans: &[Span], group: Option<&str>) -> Surrogates<'a> {
        let key = config.surrogate_key.clone().unwrap_or_else(SurrogateKey::random);
        let chooser = Chooser { key, scope: group.unwrap_or("").to_string() };
        let mut avoid = HashSet::new();
        for s in spans {
            let value = fold(&text[s.start..s.end]);
            avoid.extend(words::alnum_words(&value).map(str::to_string));
            avoid.insert(value);
        }
        let names = names::NameMap::new(text, spans);
        let shift = dates::offset(&chooser, config.date_shift_days);
        Surrogates { config, chooser, avoid, memo: HashMap::new(), names, digits: HashMap::new(), shift }
    }

    /// The date offset of this scope, in days.
    pub fn shift(&self) -> i64 {
        self.shift
    }

    /// The surrogate of `value`, the text of `span`.
    pub fn replace(&mut self, span: &Span, value: &str) -> String {
        if span.label == Label::Age {
            return crate::redact::AGE_OVER_89.to_string();
        }
        let key = (span.label, fold(value));
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        // If every draw meets an identifier of the document, the placeholder (never one) is written.
        let mut out = format!("[{}]", span.label);
        for attempt in 0..MAX_DRAWS {
            let fake = self.draw(span, value, attempt);
            if self.is_new(span, value, &fake) {
                out = fake;
                break;
            }
        }
        self.memo.insert(key, out.clone());
        out
    }

    /// Whether a fake is free of every identifier of the document (whole and word by word).
    ///
    /// A date need only differ from its own original: landing on another date of the document
    /// (a follow-up a month later) is what keeps the intervals.
    fn is_new(&self, span: &Span, original: &str, fake: &str) -> bool {
        let folded = fold(fake);
        if span.label == Label::Date {
            // A month alone ("in March") moved a few days can stay where it was: then it is
            // the original, and the placeholder is written instead.
            return folded != fold(original);
        }
        if self.avoid.contains(&folded) {
            return false;
        }
        // Names are made of words the name map already kept apart from the originals; for
        // places and codes a word of the fake that is a name or place of the document would
        // put it back (digits are left out: a fake phone shares "555" by design).
        // Words the fake keeps from its own original (a street's suffix, a state, an
        // organisation's "Bank") are structure, not a leak.
        let own = fold(original);
        if contains_words(&folded, &own) {
            return false; // "New York" inside "Care of Western New York"
        }
        let own: HashSet<&str> = words::alnum_words(&own).collect();
        span.label == Label::Name
            || words::alnum_words(&folded)
                .all(|w| w.len() < 3 || w.bytes().any(|b| b.is_ascii_digit()) || own.contains(w) || !self.avoid.contains(w))
    }

    fn draw(&mut self, span: &Span, value: &str, attempt: u32) -> String {
        let c = &self.chooser;
        match span.label {
            Label::Name if span.subtype == Some(Subtype::Username) => numbers::reshape(c, "username", value, attempt),
            Label::Name => self.names.replace(c, value, attempt, &self.avoid),
            Label::Location => places::replace(c, self.config, span.subtype, value, attempt),
            Label::Date => dates::replace(c, value, self.shift, attempt),
            Label::Phone | Label::Fax => numbers::phone(c, &mut self.digits, span.label, value, attempt),
            Label::Email => numbers::email(c, value, attempt),
            Label::Url => numbers::url(c, value, attempt),
            Label::Ip => numbers::ip(c, value, attempt),
            Label::Ssn => numbers::ssn(c, &mut self.digits, value, attempt),
            _ => numbers::code(c, &mut self.digits, span.label, value, attempt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_refused_and_debug_hides_the_bytes() {
        assert!(SurrogateKey::new(b"short").is_err());
        let key = SurrogateKey::new(b"a secret that is long enough").unwrap();
        assert_eq!(format!("{key:?}"), "SurrogateKey(..)");
    }

    #[test]
    fn a_key_file_is_read_and_errors_never_quote_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "tiny\n").unwrap();
        // The test environment must not set the variable, or the file is not read.
        if std::env::var_os(KEY_ENV).is_none() {
            let err = SurrogateKey::load(Some(&path)).unwrap_err().to_string();
            assert!(!err.contains("tiny"), "{err}");
            std::fs::write(&path, "0123456789abcdef0123\n").unwrap();
            assert_eq!(SurrogateKey::load(Some(&path)).unwrap(), Some(SurrogateKey::new(b"0123456789abcdef0123").unwrap()));
            assert_eq!(SurrogateKey::load(None).unwrap(), None);
        }
    }

    #[test]
    fn draws_depend_on_key_scope_value_and_attempt() {
        let a = Chooser { key: SurrogateKey::new(b"key number one, long").unwrap(), scope: "p1".into() };
        let first = a.rng("name", "smith", 0).next_u64();
        assert_eq!(first, a.rng("name", "smith", 0).next_u64());
        assert_ne!(first, a.rng("name", "smith", 1).next_u64());
        assert_ne!(first, a.rng("name", "jones", 0).next_u64());
        let b = Chooser { scope: "p2".into(), ..a.clone() };
        assert_ne!(first, b.rng("name", "smith", 0).next_u64());
        let c = Chooser { key: SurrogateKey::new(b"key number two, long").unwrap(), ..a.clone() };
        assert_ne!(first, c.rng("name", "smith", 0).next_u64());
    }
}
