//! Check-digit and structure validators: Luhn, IBAN, NPI, DEA, VIN, SSN rules.
//!
//! Small pure functions, no regexes, no allocation beyond a few bytes. Each
//! takes the candidate as written and ignores the separators people put
//! inside identifiers (spaces and dashes) where the format allows them.

/// The decimal digits of `s` as values 0..=9, skipping spaces and dashes;
/// `None` when `s` holds anything else (a letter, a dot).
fn digits_only(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => out.push(b - b'0'),
            b' ' | b'-' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The Luhn (mod 10) check over a digit sequence, the last digit being the check digit.
fn luhn_digits(digits: &[u8]) -> bool {
    if digits.len() < 2 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether `s` (digits, maybe grouped with spaces or dashes) passes the Luhn check.
pub fn luhn_valid(s: &str) -> bool {
    digits_only(s).is_some_and(|d| luhn_digits(&d))
}

/// Whether `s` is a plausible payment card number: 12 to 19 digits passing Luhn,
/// not all one digit.
pub fn card_valid(s: &str) -> bool {
    match digits_only(s) {
        Some(d) if (12..=19).contains(&d.len()) => !d.iter().all(|&x| x == d[0]) && luhn_digits(&d),
        _ => false,
    }
}

/// The IBAN length of a country, for the countries most seen in practice.
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "AD" => 24,
        "AE" => 23,
        "AT" => 20,
        "BE" => 16,
        "BG" => 22,
        "BH" => 22,
        "BR" => 29,
        "CH" => 21,
        "CY" => 28,
        "CZ" => 24,
        "DE" => 22,
        "DK" => 18,
        "EE" => 20,
        "ES" => 24,
        "FI" => 18,
        "FO" => 18,
        "FR" => 27,
        "GB" => 22,
        "GI" => 23,
        "GL" => 18,
        "GR" => 27,
        "HR" => 21,
        "HU" => 28,
        "IE" => 22,
        "IL" => 23,
        "IS" => 26,
        "IT" => 27,
        "JO" => 30,
        "KW" => 30,
        "KZ" => 20,
        "LB" => 28,
        "LI" => 21,
        "LT" => 20,
        "LU" => 20,
        "LV" => 21,
        "MC" => 27,
        "MT" => 31,
        "NL" => 18,
        "NO" => 15,
        "PK" => 24,
        "PL" => 28,
        "PT" => 25,
        "QA" => 29,
        "RO" => 24,
        "RS" => 22,
        "SA" => 24,
        "SE" => 24,
        "SI" => 19,
        "SK" => 24,
        "SM" => 27,
        "TR" => 26,
        "UA" => 29,
        _ => return None,
    })
}

/// Whether `s` is a valid IBAN: country code, two check digits, the BBAN;
/// spaces allowed, letters in either case; length checked against the
/// country table (15–34 for countries not in it) and the mod-97 check.
pub fn iban_valid(s: &str) -> bool {
    let compact: Vec<u8> = s.bytes().filter(|b| *b != b' ').map(|b| b.to_ascii_uppercase()).collect();
    if compact.len() < 15 || compact.len() > 34 || !compact.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    if !compact[..2].iter().all(u8::is_ascii_uppercase) || !compact[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let country = std::str::from_utf8(&compact[..2]).unwrap_or("");
    if let Some(len) = iban_length(country) {
        if compact.len() != len {
            return false;
        }
    }
    // Move the first four characters to the end, letters become 10..=35, mod 97 == 1.
    let mut rem: u32 = 0;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let v = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A') + 10 };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

/// Whether `s` is a valid National Provider Identifier: 10 digits, first 1 or 2,
/// whose Luhn check holds once the card-issuer prefix 80840 is put in front.
pub fn npi_valid(s: &str) -> bool {
    let Some(d) = digits_only(s) else { return false };
    if d.len() != 10 || !(d[0] == 1 || d[0] == 2) {
        return false;
    }
    let mut full = vec![8, 0, 8, 4, 0];
    full.extend_from_slice(&d);
    luhn_digits(&full)
}

/// Whether `s` is a valid DEA registration number: two letters (registrant type,
/// then the registrant's initial or `9`) and seven digits, the last a check digit:
/// (d1 + d3 + d5) + 2 × (d2 + d4 + d6) ≡ d7 (mod 10).
pub fn dea_valid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9 {
        return false;
    }
    let first = b[0].to_ascii_uppercase();
    let second = b[1].to_ascii_uppercase();
    if !b"ABCDEFGHJKLMPRSTUX".contains(&first) || !(second.is_ascii_uppercase() || second == b'9') {
        return false;
    }
    if !b[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = b[2..].iter().map(|x| u32::from(x - b'0')).collect();
    let sum = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5]);
    sum % 10 == d[6]
}

/// The ISO 3779 transliteration of a VIN character; `None` for I, O, Q and non-alphanumerics.
fn vin_value(c: u8) -> Option<u32> {
    Some(match c.to_ascii_uppercase() {
        c @ b'0'..=b'9' => u32::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

/// Whether `s` is a 17-character VIN without I, O or Q.
pub fn vin_shape(s: &str) -> bool {
    s.len() == 17 && s.bytes().all(|c| vin_value(c).is_some())
}

/// Whether `s` is a VIN whose check digit (position 9, `X` for 10) holds.
pub fn vin_valid(s: &str) -> bool {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    if !vin_shape(s) {
        return false;
    }
    let b = s.as_bytes();
    let sum: u32 = b.iter().zip(WEIGHTS).map(|(&c, w)| vin_value(c).unwrap_or(0) * w).sum();
    let check = match sum % 11 {
        10 => b'X',
        r => b'0' + r as u8,
    };
    b[8].to_ascii_uppercase() == check
}

/// Whether a social security number's parts obey the SSA's structural rules:
/// area not 000, 666 or 900–999; group not 00; serial not 0000. Each part
/// must be all digits of the right length.
pub fn ssn_structure_valid(area: &str, group: &str, serial: &str) -> bool {
    let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(area, 3) || !all_digits(group, 2) || !all_digits(serial, 4) {
        return false;
    }
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_and_rejects_one_digit_off() {
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("4111-1111-1111-1111"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid("4111a1111"));
        assert!(!luhn_valid("7"));
    }

    #[test]
    fn cards_need_length_and_luhn() {
        assert!(card_valid("4111111111111111"));
        assert!(card_valid("378282246310005")); // Amex test number
        assert!(!card_valid("4111111111111112"));
        assert!(!card_valid("79927398713"), "11 digits is too short for a card");
        assert!(!card_valid("0000000000000000"), "a run of one digit is filler, not a card");
    }

    #[test]
    fn iban_mod97_and_country_length() {
        assert!(iban_valid("GB82WEST12345698765432"));
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(iban_valid("gb82west12345698765432"));
        assert!(iban_valid("DE89370400440532013000"));
        assert!(iban_valid("FR1420041010050500013M02606"));
        assert!(!iban_valid("GB82WEST12345698765433"), "wrong check");
        assert!(!iban_valid("GB82WEST1234569876543"), "too short for GB");
        assert!(!iban_valid("1234567890123456"));
    }

    #[test]
    fn npi_check_digit() {
        assert!(npi_valid("1234567893"));
        assert!(!npi_valid("1234567890"));
        assert!(!npi_valid("3234567893"), "first digit must be 1 or 2");
        assert!(!npi_valid("123456789"));
    }

    #[test]
    fn dea_check_digit() {
        // 1+4+9 + 2*(2+5+0)... AB1234563: (1+3+5) + 2*(2+4+6) = 9 + 24 = 33 → 3
        assert!(dea_valid("AB1234563"));
        assert!(dea_valid("ab1234563"));
        assert!(!dea_valid("AB1234564"));
        assert!(!dea_valid("ZZ1234563"), "Z is no registrant type");
        assert!(!dea_valid("AB123456"));
    }

    #[test]
    fn vin_check_digit() {
        assert!(vin_valid("1HGCM82633A004352"));
        assert!(vin_valid("11111111111111111"));
        assert!(!vin_valid("1HGCM82643A004352"), "position 9 altered");
        assert!(!vin_valid("1HGCM8263OA004352"), "O is never in a VIN");
        assert!(!vin_valid("1HGCM82633A00435"));
    }

    #[test]
    fn ssn_structure() {
        assert!(ssn_structure_valid("123", "45", "6789"));
        assert!(!ssn_structure_valid("000", "45", "6789"));
        assert!(!ssn_structure_valid("666", "45", "6789"));
        assert!(!ssn_structure_valid("987", "65", "4321"));
        assert!(!ssn_structure_valid("123", "00", "6789"));
        assert!(!ssn_structure_valid("123", "45", "0000"));
        assert!(!ssn_structure_valid("12a", "45", "6789"));
    }
}
