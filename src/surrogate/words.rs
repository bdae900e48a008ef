//! Small text helpers shared by the surrogate kinds: words, letter case, number words.

/// The runs of letters and digits in `s`.
pub fn alnum_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// `word` written in the case of `template`: `JOHN` → upper, `john` → lower, otherwise title
/// case (each hyphen- or apostrophe-separated part capitalised: `O'Neil`, `Smith-Jones`).
pub fn in_case_of(template: &str, word: &str) -> String {
    let letters: Vec<char> = template.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return word.to_uppercase();
    }
    if !letters.is_empty() && letters.iter().all(|c| c.is_lowercase()) {
        return word.to_lowercase();
    }
    title(word)
}

/// Title case: the first letter of each part upper, the rest lower.
pub fn title(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in word.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

const UNITS: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
const TEENS: [&str; 10] =
    ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// A digit as a word (`7` → "seven").
pub fn digit_word(d: u8) -> &'static str {
    UNITS[usize::from(d % 10)]
}

/// 0–99 in words, a space between tens and units ("eighty two").
pub fn under_hundred(n: u32) -> String {
    match n {
        0..=9 => UNITS[n as usize].to_string(),
        10..=19 => TEENS[n as usize - 10].to_string(),
        _ if n % 10 == 0 => TENS[(n / 10) as usize].to_string(),
        _ => format!("{} {}", TENS[(n / 10) as usize], UNITS[(n % 10) as usize]),
    }
}

const ORDINALS: [&str; 20] = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
];

/// A day of the month as an ordinal word, the tens and units joined by `joiner`
/// ("twenty-first" with `-`, "twenty first" with a space).
pub fn ordinal_day(n: u32, joiner: &str) -> String {
    match n {
        1..=19 => ORDINALS[n as usize].to_string(),
        20 => "twentieth".to_string(),
        30 => "thirtieth".to_string(),
        21..=29 => format!("twenty{joiner}{}", ORDINALS[n as usize - 20]),
        _ => format!("thirty{joiner}{}", ORDINALS[(n as usize).saturating_sub(30).max(1)]),
    }
}

/// The English ordinal suffix of a day number: 1st, 2nd, 3rd, 11th, 22nd.
pub fn ordinal_suffix(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// A year as people say it: "nineteen eighty two", "two thousand five", "twenty twenty one",
/// "nineteen oh five".
pub fn spoken_year(y: i32) -> String {
    let (hi, lo) = ((y / 100) as u32, (y % 100) as u32);
    if (2000..2010).contains(&y) {
        return if lo == 0 { "two thousand".into() } else { format!("two thousand {}", UNITS[lo as usize]) };
    }
    let lo = match lo {
        0 => "hundred".to_string(),
        1..=9 => format!("oh {}", UNITS[lo as usize]),
        _ => under_hundred(lo),
    };
    format!("{} {lo}", under_hundred(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_follows_the_template() {
        assert_eq!(in_case_of("JOHN", "peter"), "PETER");
        assert_eq!(in_case_of("john", "Peter"), "peter");
        assert_eq!(in_case_of("John", "o'neil"), "O'Neil");
        assert_eq!(in_case_of("McDonald", "smith-jones"), "Smith-Jones");
        assert_eq!(in_case_of("J", "k"), "K");
    }

    #[test]
    fn number_words() {
        assert_eq!(under_hundred(82), "eighty two");
        assert_eq!(under_hundred(14), "fourteen");
        assert_eq!(ordinal_day(21, "-"), "twenty-first");
        assert_eq!(ordinal_day(31, " "), "thirty first");
        assert_eq!(ordinal_day(12, " "), "twelfth");
        assert_eq!(ordinal_suffix(22), "nd");
        assert_eq!(ordinal_suffix(13), "th");
        assert_eq!(spoken_year(1982), "nineteen eighty two");
        assert_eq!(spoken_year(2005), "two thousand five");
        assert_eq!(spoken_year(2021), "twenty twenty one");
        assert_eq!(spoken_year(1905), "nineteen oh five");
    }
}
