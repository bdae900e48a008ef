//! Numbers and codes: phones, SSNs, record and account numbers, e-mails, URLs, IP addresses.
//!
//! A number is read as a sequence of digit *slots*, each an ASCII digit or a digit said as a
//! word ("five five five"), so a fake is made on the digits and written back into the
//! original's layout: punctuation and spacing kept, a spoken number staying spoken. The same
//! digits get the same fake in every layout of the document (`(617) 555-0199`, `617.555.0199`).
//! Fakes come from ranges reserved for fiction and documentation (555-01xx phones, SSN areas
//! 9xx that are never issued, `example.org`, `192.0.2.0/24`, `2001:db8::/32`), and codes keep
//! their format with a valid check digit where the original's kind has one (Luhn, NPI, DEA,
//! VIN, IBAN), so downstream validators pass.

use super::words::{digit_word, in_case_of};
use super::names::last_pool as names_pool_last;
use super::{Chooser, Rng};
use crate::detectors::checksum::{card_valid, dea_valid, iban_valid, luhn_valid, npi_valid, vin_valid};
use crate::detectors::spoken_numbers::unit;
use crate::span::Label;
use std::collections::HashMap;

/// Where a digit sits in the value: a byte range, and whether it is a word ("five").
struct Slot {
    start: usize,
    end: usize,
    word: bool,
    digit: u8,
}

/// The digit slots of a value, in order.
struct Digits<'a> {
    value: &'a str,
    slots: Vec<Slot>,
}

impl<'a> Digits<'a> {
    fn read(value: &'a str) -> Digits<'a> {
        let mut slots = Vec::new();
        let mut i = 0;
        for token in value.split_inclusive(|c: char| !c.is_alphanumeric()) {
            let word = token.trim_end_matches(|c: char| !c.is_alphanumeric());
            if word.bytes().all(|b| b.is_ascii_digit()) {
                slots.extend(word.bytes().enumerate().map(|(k, b)| Slot { start: i + k, end: i + k + 1, word: false, digit: b - b'0' }));
            } else if let Some(d) = unit(&word.to_lowercase()) {
                // "o" alone is a letter more often than a zero; only "oh" and "zero" are zeros here.
                if word.len() > 1 {
                    slots.push(Slot { start: i, end: i + word.len(), word: true, digit: d as u8 });
                }
            } else {
                slots.extend(
                    word.bytes()
                        .enumerate()
                        .filter(|(_, b)| b.is_ascii_digit())
                        .map(|(k, b)| Slot { start: i + k, end: i + k + 1, word: false, digit: b - b'0' }),
                );
            }
            i += token.len();
        }
        Digits { value, slots }
    }

    fn digits(&self) -> Vec<u8> {
        self.slots.iter().map(|s| s.digit).collect()
    }

    /// The value with its digits replaced by `new` (as long as the slots), words as words.
    fn write(&self, new: &[u8]) -> String {
        let mut out = String::with_capacity(self.value.len() + 8);
        let mut pos = 0;
        for (slot, &d) in self.slots.iter().zip(new) {
            out.push_str(&self.value[pos..slot.start]);
            if slot.word {
                out.push_str(&in_case_of(&self.value[slot.start..slot.end], digit_word(d)));
            } else {
                out.push(char::from(b'0' + d));
            }
            pos = slot.end;
        }
        out.push_str(&self.value[pos..]);
        out
    }
}

/// A digit in `lo..=hi`.
fn digit(rng: &mut Rng, lo: u8, hi: u8) -> u8 {
    rng.between(u32::from(lo), u32::from(hi)) as u8
}

/// `n` random digits, the first nonzero when `nonzero_first`.
fn random_digits(rng: &mut Rng, n: usize, nonzero_first: bool) -> Vec<u8> {
    (0..n).map(|i| digit(rng, u8::from(i == 0 && nonzero_first), 9)).collect()
}

/// Replaces the digits of `value` with `make`'s fake, the same fake for the same digits of
/// the same `family` within the document (on the first draw).
fn remap(
    chooser: &Chooser,
    memo: &mut HashMap<(Label, Vec<u8>), Vec<u8>>,
    family: Label,
    value: &str,
    attempt: u32,
    make: impl Fn(&mut Rng, &[u8]) -> Vec<u8>,
) -> String {
    let digits = Digits::read(value);
    let original = digits.digits();
    let key = (family, original.clone());
    let fake = match memo.get(&key) {
        Some(f) if attempt == 0 => f.clone(),
        _ => {
            let text: String = original.iter().map(|d| char::from(b'0' + d)).collect();
            let mut rng = chooser.rng(family.as_str(), &text, attempt);
            let fake = make(&mut rng, &original);
            memo.insert(key, fake.clone());
            fake
        }
    };
    digits.write(&fake)
}

/// A phone or fax number in the range reserved for fiction: 555-0100 to 555-0199, behind a
/// made-up area code when the original has one and a country code 1 when it has that.
pub fn phone(chooser: &Chooser, memo: &mut HashMap<(Label, Vec<u8>), Vec<u8>>, _label: Label, value: &str, attempt: u32) -> String {
    remap(chooser, memo, Label::Phone, value, attempt, |rng, d| {
        let local = |rng: &mut Rng| vec![5, 5, 5, 0, 1, digit(rng, 0, 9), digit(rng, 0, 9)];
        // An area code: 2–9, then not a service code (N11).
        let area = |rng: &mut Rng| {
            let a = digit(rng, 2, 9);
            let b = digit(rng, 0, 8);
            vec![a, b, digit(rng, if b == 1 { 2 } else { 0 }, 9)]
        };
        match d.len() {
            7 => local(rng),
            10 => [area(rng), local(rng)].concat(),
            11 if d[0] == 1 => [vec![1], area(rng), local(rng)].concat(),
            n => random_digits(rng, n, d.first().is_some_and(|&x| x != 0)),
        }
    })
}

/// A social security number from the areas never issued (900–999); a part of one (the last
/// four) gets random digits.
pub fn ssn(chooser: &Chooser, memo: &mut HashMap<(Label, Vec<u8>), Vec<u8>>, value: &str, attempt: u32) -> String {
    remap(chooser, memo, Label::Ssn, value, attempt, |rng, d| {
        if d.len() != 9 {
            return random_digits(rng, d.len(), false);
        }
        let mut out = vec![9, digit(rng, 0, 9), digit(rng, 0, 9)];
        let group = rng.between(1, 99) as u8;
        out.extend([group / 10, group % 10]);
        let serial = rng.between(1, 9999);
        out.extend([serial / 1000, serial / 100 % 10, serial / 10 % 10, serial % 10].map(|x| x as u8));
        out
    })
}

/// Which check an identifier's original passes, so its fake can pass it too.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Check {
    None,
    Card,
    Npi,
    Dea,
    Vin,
    Iban,
    Luhn,
}

fn check_of(value: &str) -> Check {
    let compact: String = value.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if vin_valid(&compact) {
        Check::Vin
    } else if dea_valid(&compact) {
        Check::Dea
    } else if iban_valid(value) {
        Check::Iban
    } else if npi_valid(value) {
        Check::Npi
    } else if card_valid(value) {
        Check::Card
    } else if compact.len() >= 8 && luhn_valid(value) && compact.bytes().all(|b| b.is_ascii_digit()) {
        Check::Luhn
    } else {
        Check::None
    }
}

/// Whether a fake passes the check its original passed.
fn passes(check: Check, fake: &str) -> bool {
    let compact: String = fake.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    match check {
        Check::None => true,
        Check::Card => card_valid(fake),
        Check::Npi => npi_valid(fake),
        Check::Dea => dea_valid(&compact),
        Check::Vin => vin_valid(&compact),
        Check::Iban => iban_valid(fake),
        Check::Luhn => luhn_valid(fake),
    }
}

/// Letters a VIN may hold (never I, O or Q).
const VIN_LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// A record, account, licence, plan, device or other number with the original's format:
/// digits for digits, letters for letters in the same case, separators kept, spoken digits
/// spoken; words that are not codes (a plan's name) become surnames; a check digit that held
/// in the original holds in the fake.
pub fn code(chooser: &Chooser, memo: &mut HashMap<(Label, Vec<u8>), Vec<u8>>, label: Label, value: &str, attempt: u32) -> String {
    let check = check_of(value);
    let digits = Digits::read(value);
    let original: Vec<u8> = digits.digits();
    let key = (label, original.clone());
    let text = super::fold(value);
    let mut rng = chooser.rng(label.as_str(), &text, attempt);
    // The digits: coherent with other layouts of the same digits (numbers alone).
    let fake_digits = match memo.get(&key) {
        Some(f) if attempt == 0 && check == Check::None => f.clone(),
        _ => {
            let lead = original.first().is_some_and(|&d| d != 0);
            let mut f = random_digits(&mut rng, original.len(), lead);
            if check == Check::Npi {
                f[0] = original[0]; // an NPI starts with 1 or 2
            }
            memo.insert(key, f.clone());
            f
        }
    };
    let mut out = letters(&mut rng, &digits.write(&fake_digits), check);
    if check == Check::None {
        return out;
    }
    if check == Check::Iban {
        return mend_iban(&out);
    }
    // Mend the check digit: try each value at the check position until the check holds.
    let position = check_position(check, &out);
    let Some(at) = position else { return out };
    let choices: &[u8] = if check == Check::Vin { b"0123456789X" } else { b"0123456789" };
    let mut bytes = out.clone().into_bytes();
    for &c in choices {
        bytes[at] = c;
        let candidate = String::from_utf8(bytes.clone()).expect("ASCII replaced by ASCII");
        if passes(check, &candidate) {
            out = candidate;
            break;
        }
    }
    out
}

/// Replaces letters of code-like words; other words (names of plans) become surnames.
fn letters(rng: &mut Rng, value: &str, check: Check) -> String {
    let mut out = String::with_capacity(value.len());
    let mut first_letter = true;
    for token in value.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let word = token.trim_end_matches(|c: char| !c.is_alphanumeric());
        let sep = &token[word.len()..];
        let has_digit = word.bytes().any(|b| b.is_ascii_digit());
        let spoken_digit = word.len() > 1 && unit(&word.to_lowercase()).is_some();
        let upper = word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
        if word.is_empty() || spoken_digit || !word.chars().any(char::is_alphabetic) {
            out.push_str(word);
        } else if has_digit || word.chars().count() <= 3 || upper {
            for c in word.chars() {
                if !c.is_ascii_alphabetic() {
                    out.push(c);
                    continue;
                }
                // A DEA number's first letter is the registrant type and an IBAN's first two
                // the country: kept, or the check and meaning break.
                let keep = (check == Check::Dea && first_letter) || (check == Check::Iban && out.len() < 2);
                first_letter = false;
                if keep {
                    out.push(c);
                    continue;
                }
                let pool: &[u8] = if check == Check::Vin { VIN_LETTERS } else { b"ABCDEFGHIJKLMNOPQRSTUVWXYZ" };
                let l = char::from(*rng.pick(pool));
                out.push(if c.is_lowercase() { l.to_ascii_lowercase() } else { l });
            }
        } else {
            out.push_str(&in_case_of(word, *rng.pick(names_pool_last())));
        }
        out.push_str(sep);
    }
    out
}

/// The byte at which a check digit sits.
fn check_position(check: Check, value: &str) -> Option<usize> {
    let alnum: Vec<usize> = value.char_indices().filter(|(_, c)| c.is_ascii_alphanumeric()).map(|(i, _)| i).collect();
    match check {
        Check::Vin => alnum.get(8).copied(),
        Check::Iban => None,
        _ => alnum.last().copied(),
    }
}

/// Sets an IBAN's two check digits (after the country code) so that mod 97 holds.
fn mend_iban(value: &str) -> String {
    let positions: Vec<usize> = value.char_indices().filter(|(_, c)| c.is_ascii_alphanumeric()).map(|(i, _)| i).skip(2).take(2).collect();
    let mut bytes = value.as_bytes().to_vec();
    if positions.len() == 2 {
        for n in 0..100u8 {
            bytes[positions[0]] = b'0' + n / 10;
            bytes[positions[1]] = b'0' + n % 10;
            let s = String::from_utf8(bytes.clone()).expect("ASCII");
            if iban_valid(&s) {
                return s;
            }
        }
    }
    value.to_string()
}

/// Another ASCII digit or letter of the same case for `c`; anything else stays.
fn redraw(rng: &mut Rng, c: char) -> char {
    match c {
        '0'..='9' => char::from(b'0' + digit(rng, 0, 9)),
        'a'..='z' => char::from(b'a' + rng.below(26) as u8),
        'A'..='Z' => char::from(b'A' + rng.below(26) as u8),
        _ => c,
    }
}

/// A user name or other handle: the same shape, letters and digits redrawn.
pub fn reshape(chooser: &Chooser, kind: &str, value: &str, attempt: u32) -> String {
    let mut rng = chooser.rng(kind, &super::fold(value), attempt);
    value
        .chars()
        .map(|c| redraw(&mut rng, c))
        .collect()
}

/// A fake mailbox name: a surname, after an initial or a given name and a dot when the
/// original's has a dot, with two digits when the original's has digits.
fn mailbox(rng: &mut Rng, original: &str) -> String {
    let last = *rng.pick(names_pool_last());
    let initial = char::from(b'a' + rng.below(26) as u8);
    let mut local = if original.contains('.') || original.contains('_') {
        let sep = if original.contains('.') { '.' } else { '_' };
        format!("{initial}{sep}{last}")
    } else {
        format!("{initial}{last}")
    };
    if original.bytes().any(|b| b.is_ascii_digit()) {
        local.push_str(&format!("{:02}", rng.below(100)));
    }
    local
}

/// An e-mail address at `example.org`; spoken ("j smith at gmail dot com") stays spoken.
pub fn email(chooser: &Chooser, value: &str, attempt: u32) -> String {
    let mut rng = chooser.rng("email", &super::fold(value), attempt);
    if let Some((local, _)) = value.rsplit_once('@') {
        return in_case_of(value, &format!("{}@example.org", mailbox(&mut rng, local)));
    }
    // Spoken: "<local words> at <domain words>".
    match value.to_lowercase().rfind(" at ") {
        Some(at) => {
            let local = mailbox(&mut rng, &value[..at]).replace('.', " dot ").replace('_', " underscore ");
            in_case_of(value, &format!("{local} at example dot org"))
        }
        None => in_case_of(value, &format!("{} at example dot org", mailbox(&mut rng, value))),
    }
}

/// A web address on `example.com` (`www.` and the scheme kept); its path keeps its shape.
pub fn url(chooser: &Chooser, value: &str, attempt: u32) -> String {
    let mut rng = chooser.rng("url", &super::fold(value), attempt);
    let lower = value.to_lowercase();
    if !value.contains('.') && lower.contains(" dot ") {
        let www = if lower.starts_with("www") { "www dot " } else { "" };
        return format!("{www}example dot com");
    }
    let (scheme, rest) = match value.find("://") {
        Some(i) => value.split_at(i + 3),
        None => ("", value),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, path) = rest.split_at(host_end);
    let www = if host.to_lowercase().starts_with("www.") { "www." } else { "" };
    let path: String = path
        .chars()
        .map(|c| redraw(&mut rng, c))
        .collect();
    format!("{scheme}{www}example.com{path}")
}

/// An IP address from the documentation ranges: `192.0.2.x` for IPv4, `2001:db8::` for IPv6.
pub fn ip(chooser: &Chooser, value: &str, attempt: u32) -> String {
    let mut rng = chooser.rng("ip", &super::fold(value), attempt);
    if value.contains(':') {
        return format!("2001:db8::{:x}:{:x}", rng.between(1, 0xffff), rng.between(1, 0xffff));
    }
    format!("192.0.2.{}", rng.between(1, 254))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surrogate::SurrogateKey;

    fn chooser() -> Chooser {
        Chooser { key: SurrogateKey::new(b"numbers test key, long enough").unwrap(), scope: String::new() }
    }

    fn shape(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => '9',
                'a'..='z' => 'a',
                'A'..='Z' => 'A',
                _ => c,
            })
            .collect()
    }

    #[test]
    fn phones_keep_layout_and_use_the_fiction_range() {
        let mut memo = HashMap::new();
        let a = phone(&chooser(), &mut memo, Label::Phone, "(413) 862-7731", 0);
        assert_eq!(shape(&a), "(999) 999-9999");
        assert!(a.contains(") 555-01"), "{a}");
        let b = phone(&chooser(), &mut memo, Label::Phone, "413.862.7731", 0);
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        assert_eq!(digits(&a), digits(&b), "one number, one fake, in both layouts");
        assert!(b.contains('.') && !b.contains('-'));
        let local = phone(&chooser(), &mut memo, Label::Phone, "862-7731", 0);
        assert!(local.starts_with("555-01"), "{local}");
    }

    #[test]
    fn spoken_numbers_stay_spoken() {
        let mut memo = HashMap::new();
        let out = phone(&chooser(), &mut memo, Label::Phone, "eight six two seven seven three one", 0);
        let words: Vec<&str> = out.split(' ').collect();
        assert_eq!(&words[..5], ["five", "five", "five", "zero", "one"], "{out}");
        assert!(words.iter().all(|w| unit(w).is_some()));
        assert_eq!(words.len(), 7);
    }

    #[test]
    fn ssns_come_from_areas_never_issued() {
        let out = ssn(&chooser(), &mut HashMap::new(), "219-09-9999", 0);
        assert_eq!(shape(&out), "999-99-9999");
        assert!(out.starts_with('9'));
        assert!(&out[4..6] != "00" && &out[7..] != "0000");
    }

    #[test]
    fn codes_keep_format_and_check_digits() {
        let c = chooser();
        let mut memo = HashMap::new();
        let mrn = code(&c, &mut memo, Label::Mrn, "MR-0048213", 0);
        assert_eq!(shape(&mrn), "AA-9999999");
        assert_ne!(mrn, "MR-0048213");
        for (label, value, check) in [
            (Label::Account, "4111 1111 1111 1111", card_valid as fn(&str) -> bool),
            (Label::License, "1234567893", npi_valid),
            (Label::License, "AB1234563", dea_valid),
            (Label::Vehicle, "1HGCM82633A004352", vin_valid),
            (Label::Account, "GB82 WEST 1234 5698 7654 32", iban_valid),
        ] {
            for attempt in 0..5 {
                let fake = code(&c, &mut memo, label, value, attempt);
                assert!(check(&fake), "{value} → {fake} fails its check");
                // A VIN's check character may be X where the original had a digit.
                let mask = |s: &str| if label == Label::Vehicle { format!("{}{}", &s[..8], &s[9..]) } else { s.to_string() };
                assert_eq!(mask(&shape(&fake)), mask(&shape(value)), "{value} → {fake}");
                assert_ne!(fake, value);
            }
        }
        assert!(code(&c, &mut memo, Label::License, "AB1234563", 0).starts_with('A'), "DEA registrant type kept");
        assert!(code(&c, &mut memo, Label::Account, "GB82 WEST 1234 5698 7654 32", 0).starts_with("GB"));
    }

    #[test]
    fn addresses_and_hosts_from_reserved_ranges() {
        let c = chooser();
        let e = email(&c, "mary.quill77@hospital-mail.com", 0);
        assert!(e.ends_with("@example.org") && e.contains('.') && e[..e.find('@').unwrap()].ends_with(|ch: char| ch.is_ascii_digit()), "{e}");
        let spoken = email(&c, "m quill at gmail dot com", 0);
        assert!(spoken.ends_with(" at example dot org") && !spoken.contains('@'), "{spoken}");
        let u = url(&c, "https://www.quillfamily.net/photos/2019", 0);
        assert!(u.starts_with("https://www.example.com/") && shape(&u[23..]) == shape("/photos/2019"), "{u}");
        assert!(ip(&c, "73.12.200.4", 0).starts_with("192.0.2."));
        assert!(ip(&c, "fe80::1ff:fe23:4567:890a", 0).starts_with("2001:db8::"));
    }
}
