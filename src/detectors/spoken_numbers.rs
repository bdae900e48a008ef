//! Number words as people say them: the vocabulary the spoken detector reads with.
//!
//! Pure functions over lower-cased words. Two readings of a run of number words
//! matter for identifiers: the *digit reading* ("five five five" → `555`,
//! "double four" → `44`, "nineteen eighty two" → `1982`), and the *value* of a
//! single number ("ninety three" → 93, "five hundred and two" → 502).

/// "zero", "oh", "one" … "nine" → 0–9.
pub fn unit(w: &str) -> Option<u32> {
    Some(match w {
        "zero" | "oh" | "o" | "nought" | "nil" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        _ => return None,
    })
}

/// Whether the word is one of the spoken zeros that are also letters or interjections.
pub fn is_oh(w: &str) -> bool {
    matches!(w, "oh" | "o")
}

/// "ten" … "nineteen" → 10–19.
pub fn teen(w: &str) -> Option<u32> {
    Some(match w {
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

/// "twenty" … "ninety" → 20–90.
pub fn tens(w: &str) -> Option<u32> {
    Some(match w {
        "twenty" => 20,
        "thirty" => 30,
        "forty" | "fourty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Ordinal words that stand alone: "first" … "nineteenth", "twentieth", "thirtieth".
pub fn ordinal_word(w: &str) -> Option<u32> {
    Some(match w {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    })
}

/// Written ordinals: "1st", "13th", "22nd", "3rd" → the number.
pub fn written_ordinal(w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    if digits.is_empty() || digits.len() > 2 || !matches!(suffix, "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok()
}

/// Month names and the common abbreviations → 1–12.
pub fn month(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" => 3,
        "april" => 4,
        "may" => 5,
        "june" => 6,
        "july" => 7,
        "august" => 8,
        "september" | "sept" => 9,
        "october" => 10,
        "november" => 11,
        "december" => 12,
        _ => return None,
    })
}

/// Hesitations that may sit inside a spoken number or date without ending it.
pub fn is_filler(w: &str) -> bool {
    matches!(w, "uh" | "um" | "er" | "erm" | "uhm" | "ah" | "hm" | "hmm" | "mm")
}

/// Words after a number that make it a quantity, not an identifier: units,
/// durations, vital-sign connectives ("one twenty *over* eighty").
pub fn is_quantity_word(w: &str) -> bool {
    matches!(
        w,
        "mg" | "milligram" | "milligrams" | "mcg" | "microgram" | "micrograms" | "gram" | "grams" | "g" | "kg"
            | "kilo" | "kilos" | "kilogram" | "kilograms" | "ml" | "milliliter" | "milliliters" | "millilitre"
            | "millilitres" | "cc" | "ccs" | "cc's" | "liter" | "liters" | "litre" | "litres" | "unit" | "units"
            | "iu" | "meq" | "mmol" | "mmhg" | "percent" | "pounds" | "pound" | "lbs" | "lb" | "ounce" | "ounces"
            | "oz" | "stone" | "degrees" | "degree" | "second" | "seconds" | "minute" | "minutes" | "hour" | "hours"
            | "hr" | "hrs" | "day" | "days" | "week" | "weeks" | "month" | "months" | "year" | "years" | "yrs"
            | "decade" | "decades" | "times" | "time" | "tablet" | "tablets" | "tabs" | "pill" | "pills" | "capsule"
            | "capsules" | "puffs" | "puff" | "drops" | "dose" | "doses" | "refills" | "over" | "beats" | "bpm"
            | "breaths" | "feet" | "foot" | "inch" | "inches" | "cm" | "centimeters" | "mm" | "millimeters" | "miles"
            | "mile" | "meters" | "steps" | "dollars" | "bucks" | "cents" | "pack" | "packs" | "cigarettes"
            | "drinks" | "beers" | "glasses" | "cups" | "servings" | "calories" | "o'clock" | "am" | "pm" | "a.m"
            | "p.m" | "ish" | "to" | "or" | "point" | "plus" | "percentile"
    )
}

/// Formats a value with at least `width` digits.
pub fn pad(value: u32, width: usize) -> String {
    format!("{value:0width$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        assert_eq!(unit("oh"), Some(0));
        assert_eq!(teen("nineteen"), Some(19));
        assert_eq!(tens("ninety"), Some(90));
        assert_eq!(ordinal_word("twelfth"), Some(12));
        assert_eq!(written_ordinal("13th"), Some(13));
        assert_eq!(written_ordinal("13"), None);
        assert_eq!(written_ordinal("th"), None);
        assert_eq!(month("sept"), Some(9));
        assert_eq!(pad(3, 2), "03");
    }
}
