//! Training-data generator: surrogate identifiers slotted into sentence frames,
//! rendered in the styles of clinical notes and of the transcripts we must
//! handle, with every identifier's position known.
//!
//! Frames are plain sentences with `{slot}` markers. A document is a run of
//! frames (a note, or doctor–patient turns), then one of several renderings:
//! written note, `Doctor:` dialogue, ACI-BENCH style (`[doctor]`, lower case,
//! " , " tokenised punctuation, "do n't"), ASR style (lower case, no
//! punctuation) and hesitant speech ("um", "uh"). Hard negatives — eponyms,
//! drugs, states, countries, years, relative dates and common words that are
//! also names ("will", "may", "mark") — appear unlabelled or with an exempt
//! subtype, so the model learns to leave them alone.
//!
//! Surrogates come from the project's dictionaries (`data/dict/*.txt`); the
//! output is the labelled-corpus JSONL of `labels.md` (code-point offsets).

use crate::error::{Error, Result};
use crate::ner::train::SplitMix;
use std::io::Write;
use std::path::Path;

/// Surrogate values, read from the dictionary directory.
pub struct Lexicon {
    first: Vec<String>,
    last: Vec<String>,
    cities: Vec<String>,
    hospitals: Vec<String>,
    states: Vec<String>,
    countries: Vec<String>,
    drugs: Vec<String>,
    diseases: Vec<String>,
}

/// Very common names, mixed in so that frequent names are not rarer in
/// training than in life (the dictionaries are alphabetical lists without counts).
const COMMON_FIRST: &[&str] = &[
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David",
    "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Maria", "Jose",
    "Wei", "Priya", "Mohammed", "Fatima", "Nicole", "Andrew", "Emily", "Daniel", "Grace", "Kevin", "Laura",
    "Brian", "Anna", "Carlos", "Sofia", "Juan", "Olivia", "Ethan", "Hannah", "Tim", "Bill", "Sue", "Kate", "Tom",
    "Mark", "Will", "May", "April", "June", "Rose", "Hope", "Grant", "Faith", "Dawn", "Rob", "Jack", "Sam",
];
const COMMON_LAST: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Clark", "Lewis", "Nguyen", "Patel", "Kim", "Chen", "Wang",
    "Singh", "O'Brien", "McDonald", "Flores", "Young", "King", "Wright", "Scott", "Green", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Khan", "Cohen", "Murphy", "Price", "Bell", "Cook",
];
const STREET_NAMES: &[&str] = &[
    "Main", "Oak", "Maple", "Park", "Elm", "Washington", "Lake", "Hill", "Cedar", "Pine", "Church", "Mill",
    "High", "Station", "Victoria", "Cliveden", "Sunset", "Highland", "Ridge", "Spring", "Walnut", "Chestnut",
];
const STREET_SUFFIXES: &[&str] =
    &["Street", "St", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Dr", "Court", "Place", "Boulevard", "Way"];
const UK_TOWNS: &[&str] =
    &["Streatham", "South Wimbledon", "Croydon", "Hackney", "Leeds", "Manchester", "Bristol", "Camden", "Brixton"];
/// Letter placeholders that stand for names in MTS-Dialog.
const PLACEHOLDERS: &[&str] = &["X Y Z", "A B C", "A B C D", "X", "X Y", "A B", "Y"];
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];
const ORDINALS: [&str; 31] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
    "twentieth", "twenty first", "twenty second", "twenty third", "twenty fourth", "twenty fifth", "twenty sixth",
    "twenty seventh", "twenty eighth", "twenty ninth", "thirtieth", "thirty first",
];
const UNITS: [&str; 20] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// 0..=99 in words ("forty five", or "forty-five" when `hyphen`).
fn number_words(n: u32, hyphen: bool) -> String {
    match n {
        0..=19 => UNITS[n as usize].to_string(),
        _ if n % 10 == 0 && n < 100 => TENS[(n / 10) as usize].to_string(),
        _ if n < 100 => format!("{}{}{}", TENS[(n / 10) as usize], if hyphen { "-" } else { " " }, UNITS[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// A year as spoken: "nineteen eighty two", "two thousand and seven", "twenty nineteen".
fn year_words(y: u32, rng: &mut SplitMix) -> String {
    let (hi, lo) = (y / 100, y % 100);
    if (2000..2010).contains(&y) {
        return if lo == 0 { "two thousand".into() } else { format!("two thousand {}{}", if rng.below(2) == 0 { "and " } else { "" }, UNITS[lo as usize]) };
    }
    if y >= 2010 && rng.below(3) == 0 {
        return format!("two thousand {}", number_words(lo, false));
    }
    let lo_words = if lo == 0 { "hundred".into() } else if lo < 10 { format!("oh {}", UNITS[lo as usize]) } else { number_words(lo, false) };
    format!("{} {}", number_words(hi, false), lo_words)
}

fn read_list(dir: &Path, name: &str) -> Result<Vec<String>> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::data(format!("cannot read {}: {e}", path.display())))?;
    // First tab-separated column; skip comments and blanks.
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap_or("").trim().to_string())
        .filter(|s| !s.is_empty())
        .collect())
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphabetic();
    }
    out
}

impl Lexicon {
    /// Reads `first_names.txt`, `surnames.txt`, `us_places.txt`, `world_cities.txt`,
    /// `hospitals.txt`, `us_states.txt`, `countries.txt`, `allow_drugs.txt`, `allow_diseases.txt`.
    pub fn load(dir: &Path) -> Result<Lexicon> {
        let ascii_short = |v: Vec<String>, max: usize| -> Vec<String> {
            v.into_iter().filter(|s| s.len() <= max && !s.starts_with('\'')).collect()
        };
        Ok(Lexicon {
            first: read_list(dir, "first_names.txt")?.iter().map(|s| title_case(s)).collect(),
            last: read_list(dir, "surnames.txt")?.iter().map(|s| title_case(s)).collect(),
            cities: ascii_short([read_list(dir, "us_places.txt")?, read_list(dir, "world_cities.txt")?].concat(), 24),
            hospitals: ascii_short(read_list(dir, "hospitals.txt")?, 48),
            states: read_list(dir, "us_states.txt")?,
            countries: read_list(dir, "countries.txt")?,
            drugs: ascii_short(read_list(dir, "allow_drugs.txt")?, 20),
            diseases: ascii_short(read_list(dir, "allow_diseases.txt")?, 30),
        })
    }
}

/// A piece of a document: plain text, or an identifier with its label and subtype.
#[derive(Clone, Debug)]
struct Seg {
    text: String,
    label: Option<(&'static str, Option<String>)>,
}

/// The people of one document (names recur, as in real visits).
struct Cast {
    patient: (String, String),
    clinician: (String, String),
    relative: String,
    male: bool,
}

/// The generator: lexicon + seeded random source.
pub struct Generator<'a> {
    lex: &'a Lexicon,
    rng: SplitMix,
}

/// Written-note frames. Slots: pt (full), ptf, ptl, dr (surname), drfull, rel, city, hosp, street,
/// zip, state, country, date, dob, month, year, reldate, age, id, drug, disease, he, his.
const NOTE_FRAMES: &[&str] = &[
    "{pt} is a {age}-year-old {sex} who presents to {hosp} on {date} with chest pain.",
    "Patient: {pt}. DOB: {dob}. MRN: {id}.",
    "Date of service: {date}. Referring physician: Dr. {drfull}.",
    "{ptl} was admitted on {date} and discharged on {date2}.",
    "Mr. {ptl} reports {his} symptoms began {reldate}.",
    "Seen by Dr. {dr} at {hosp} in {city}.",
    "The patient lives at {street}, {city}, {state} {zip}.",
    "{his} wife {rel} accompanies {him} today.",
    "Follow up with Dr. {dr} on {date}.",
    "History of {disease}, on {drug} since {year}.",
    "{pt}, {age} years old, was born on {dob} in {city}, {country}.",
    "Last colonoscopy in {month}, unremarkable.",
    "Discussed with {rel}, the patient's daughter, by phone on {date}.",
    "Ms. {ptl} was transferred from {hosp} for further care.",
    "Medical record number {id}.",
    "Electronically signed by {drfull}, MD on {date}.",
    "{pt} presents for evaluation of {disease}.",
    "She moved from {city} to {state} {reldate}.",
    "Started {drug} 20 mg daily on {date}.",
    "He works at {org} and lives with his son {rel}.",
    "Admission date: {date}  Discharge date: {date2}",
    "{age} yo {sex} with {disease} diagnosed in {year}.",
];

/// Conversation frames: `D|` doctor, `P|` patient, `F|` family member speaking.
const TALK_FRAMES: &[&str] = &[
    "D|Hi {ptf}, how are you doing today?",
    "D|Good morning, my name is Dr. {dr}, I'm one of the doctors here.",
    "D|Can you confirm your full name and date of birth for me?",
    "P|Yes, it's {pt}, {dob}.",
    "P|My name is {pt} and I was born on {dob}.",
    "P|{pt}. Date of birth {dob}.",
    "D|And what's the first line of your address?",
    "P|It's {street}, {city}, {zip}.",
    "P|I live in {city}, near the {hosp}.",
    "P|I'm {age}.",
    "P|I'm {age} years old.",
    "D|So you're {age}, correct?",
    "D|This is {ptf}, a {age}-year-old {sex} here for follow up.",
    "P|It started {reldate}, around {date}.",
    "P|It started on {date}, I think.",
    "P|I was in the hospital in {month}.",
    "P|I had surgery at {hosp} back in {month} {year}.",
    "P|I saw Dr. {dr} {reldate} and he put me on {drug}.",
    "D|Dr. {dr} sent over your results from {hosp}.",
    "F|I'm {rel}, her daughter. She's been confused since {date}.",
    "P|My husband {rel} usually drives me here.",
    "D|Hi {rel}, nice to meet you.",
    "P|My mother had {disease}, she passed away at {age}.",
    "D|Your medical record number is {id}, right?",
    "D|We'll see you back on {date}.",
    "D|Hey Dragon, finalize the note for {pt}.",
    "P|I will try, but it may take a while.",
    "D|Okay, mark that down, we'll bill the visit as usual.",
    "P|I work at {org} in {city}.",
    "P|I grew up in {country} and moved to {state} in {year}.",
    "D|Any family history of {disease} or cancer?",
    "P|I take {drug} every morning and {drug2} at night.",
    "D|Thank you, {ptl}. Mr. {ptl}, any allergies?",
    "P|My son {rel} is coming to pick me up, he's {age}.",
    "D|I'm going to refer you to {hosp} to see Dr. {drfull}.",
    "P|It was on {date}, the day after my birthday.",
    "D|When was your last period?",
    "P|On the {dayord}, I think.",
    "P|Since {month}, so a few months now.",
    "D|Okay, {ptf}. Let's get some blood work today.",
    "D|Miss {ptl}, come on in and have a seat.",
    "D|Good to see you, Mrs. {ptl}.",
    "P|Thanks for fitting me in, Doctor {dr}.",
    "D|Alright miss {ptl}, let's take a look at that knee.",
    "D|Could you spell your surname for me?",
    "P|{ptl}.",
    "D|Thank you, {ptf}.",
    "P|Doctor {dr} has been treating me for years.",
    "D|Did Doctor {dr} order any imaging?",
    "F|We drove her over to {city} to get a second opinion.",
    "P|We were visiting family in {city} when it started.",
    "P|My appointment is on the {dayord}.",
    "P|My daughter {rel} lives in {city} with her kids.",
    "D|Dr. {dr} will call you with the results.",
    "P|I usually go to {org}, the one on {street}.",
    "D|I'll send it to {hosp}, they can see you next week.",
    "P|Back in {month}, I think around the {dayord}.",
    "P|I work nights at {org}.",
    "D|So {ptf}, tell me what's going on.",
];

/// Sentences without identifiers: clinical talk with hard negatives in them.
const FILLER: &[&str] = &[
    "D|How long have you had the pain?",
    "P|About two weeks, maybe a bit more.",
    "D|Any fever, chills or night sweats?",
    "P|No, nothing like that.",
    "D|Do you have a history of {disease}?",
    "P|They checked me for {disease} last year.",
    "D|I'd like to start you on {drug}.",
    "P|Will that make me drowsy?",
    "D|It may, so take it at night.",
    "D|Let's get an x-ray and some labs today.",
    "P|I've been taking {drug} for my blood pressure.",
    "D|Your blood pressure today is 130 over 85.",
    "P|It got worse yesterday.",
    "D|We'll check again in three months.",
    "P|I was diagnosed with Parkinson's disease in {year}.",
    "D|Any history of Crohn's disease or Hodgkin lymphoma?",
    "P|My father had Alzheimer's.",
    "D|Bell's palsy usually gets better on its own.",
    "P|I'll grant you that, it's better than last week.",
    "D|Let me mark the spot where it hurts.",
    "P|I hope so, doctor.",
    "D|Take 500 mg twice a day for 10 days.",
    "P|The pain is about a 7 out of 10.",
    "D|Have you traveled outside {state} recently?",
    "P|We went to {country} last year for two weeks.",
    "D|Any shortness of breath or chest pain?",
    "P|Just when I climb the stairs.",
    "D|Okay, lungs are clear, heart sounds normal.",
    "D|Hey Dragon, show me the vital signs.",
    "P|I smoked for 20 years but quit in {year}.",
    "D|I'll see you in two weeks.",
    "P|On Monday it was really bad.",
    "D|Your sodium is 139, which is normal.",
    "D|Your white count was 12,400, a little elevated.",
    "D|Your A1c came back at 7.2.",
    "D|Hemoglobin is 11.2 and platelets are 250,000.",
    "D|We want your INR between 2 and 3.",
    "P|I walk about 2 miles a day, 3 or 4 times a week.",
    "D|Take 2 tablets 3 times a day with food.",
    "P|I weigh about 182 pounds now.",
    "D|Your heart rate is 72 and oxygen is 98 percent.",
    "P|I have 2 kids at home.",
    "P|Oh gosh, it's been a while.",
    "P|It's about a six or seven out of ten.",
    "D|Your creatinine is 0.9.",
    "P|I drink maybe 3 or 4 beers on the weekend.",
    "D|I'm gonna listen to your heart now.",
    "D|We're gonna get an MRI of your shoulder.",
    "P|Is it gonna hurt?",
    "D|Your fasting sugar was 131 this morning.",
    "D|Your LDL is 128 and your triglycerides are 190.",
    "D|Your pulse ox is ninety six percent on room air.",
    "D|Let's go up on the metformin to one thousand milligrams twice a day.",
    "P|I usually take it around eight thirty.",
    "D|Give me one second to pull up your chart.",
    "P|It's the little blue pill, the oval one.",
    "P|Ouch. Yes, right there.",
    "P|Gee, I don't know, maybe once a week.",
    "D|Uh-huh. Mm-hmm. Okay.",
    "D|You'll do physical therapy twice a week for six weeks.",
    "P|It happened around nine o'clock this morning.",
    "D|Number three, hypertension, well controlled.",
    "P|I've lost about 5 pounds since the last visit.",
    "D|Fruits, vegetables, whole grains, that kind of thing.",
    "P|I was lifting groceries out of the car.",
    "D|Any pain in the lower back? Any numbness in your legs?",
    "P|I wanna try physical therapy first.",
    "D|Hey Dragon, order a CBC and a CMP.",
];

const NOTE_FILLER: &[&str] = &[
    "No known drug allergies.",
    "Lungs clear to auscultation bilaterally.",
    "Assessment: {disease}, stable.",
    "Plan: continue {drug}, recheck labs in 3 months.",
    "Denies fever, chills, nausea or vomiting.",
    "Blood pressure 128/76, pulse 72, temperature 98.6 F.",
    "Family history significant for {disease}.",
    "Patient will return in two weeks.",
    "Smoked one pack per day for 20 years.",
    "Negative Homans sign. No edema.",
    "History of Parkinson's disease, on {drug}.",
];

/// How a document is written out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Note,
    Dialogue,
    Aci,
    Asr,
    Hesitant,
}

impl<'a> Generator<'a> {
    pub fn new(lex: &'a Lexicon, seed: u64) -> Generator<'a> {
        Generator { lex, rng: SplitMix(seed) }
    }

    /// The lexicon, borrowed for `'a` (not through `self`, so `self` stays free to mutate).
    fn lex_ref(&self) -> &'a Lexicon {
        self.lex
    }

    fn pick<'b>(&mut self, items: &'b [String]) -> &'b str {
        &items[self.rng.below(items.len())]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.rng.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.rng.below(100) < percent
    }

    fn first_name(&mut self) -> String {
        if self.chance(35) { self.pick_str(COMMON_FIRST).to_string() } else { self.pick(&self.lex_ref().first).to_string() }
    }

    fn surname(&mut self) -> String {
        let s = if self.chance(35) { self.pick_str(COMMON_LAST).to_string() } else { self.pick(&self.lex_ref().last).to_string() };
        if self.chance(4) {
            format!("{s}-{}", self.pick_str(COMMON_LAST))
        } else {
            s
        }
    }

    fn cast(&mut self) -> Cast {
        Cast {
            patient: (self.first_name(), self.surname()),
            clinician: (self.first_name(), self.surname()),
            relative: self.first_name(),
            male: self.chance(50),
        }
    }

    /// A full date in one of many written and spoken forms, as segments (a year
    /// written as its own word group is a separate, exempt `YEAR` span).
    fn date(&mut self, subtype: &str) -> Vec<Seg> {
        let (y, m, d) = (1935 + self.rng.below(90) as u32, 1 + self.rng.below(12), 1 + self.rng.below(28));
        let month = MONTHS[m - 1];
        let date = |t: String| Seg { text: t, label: Some(("DATE", Some(subtype.to_string()))) };
        let year = |t: String| Seg { text: t, label: Some(("DATE", Some("YEAR".to_string()))) };
        let plain = |t: &str| Seg { text: t.to_string(), label: None };
        match self.rng.below(12) {
            0 => vec![date(format!("{m:02}/{d:02}/{y}"))],
            1 => vec![date(format!("{m}/{d}/{:02}", y % 100))],
            2 => vec![date(format!("{y}-{m:02}-{d:02}"))],
            3 => vec![date(format!("{month} {d}")), plain(", "), year(y.to_string())],
            4 => vec![date(format!("{month} {d}{}", ordinal_suffix(d))), plain(", "), year(y.to_string())],
            5 => vec![date(format!("{d} {month}")), plain(" "), year(y.to_string())],
            6 => vec![date(format!("{} {}", month, ORDINALS[d - 1]))],
            7 => vec![date(format!("{} {}", month, ORDINALS[d - 1])), plain(" "), year(year_words(y, &mut self.rng))],
            8 => vec![plain("the "), date(format!("{} of {}", ORDINALS[d - 1], month))],
            9 => vec![date(format!("{}-{}-{:02}", m, d, y % 100))],
            10 => vec![date(format!("{} {}", number_words(m as u32, false), number_words(d as u32, false))), plain(", "), year(year_words(y, &mut self.rng))],
            _ => vec![date(format!("{}/{}/{}", d, m, y))],
        }
    }

    fn age(&mut self) -> Seg {
        let a = if self.chance(8) { 90 + self.rng.below(15) as u32 } else { 1 + self.rng.below(89) as u32 };
        let text = match self.rng.below(3) {
            0 => number_words(a, self.chance(50)),
            _ => a.to_string(),
        };
        Seg { text, label: Some(("AGE", Some(a.to_string()))) }
    }

    fn id(&mut self) -> Seg {
        let digits = |g: &mut Self, n: usize| -> String { (0..n).map(|_| char::from(b'0' + g.rng.below(10) as u8)).collect() };
        let text = match self.rng.below(4) {
            0 => {
                let n = 6 + self.rng.below(4);
                digits(self, n)
            }
            1 => format!("{}{}", char::from(b'A' + self.rng.below(26) as u8), digits(self, 7)),
            2 => digits(self, 6).chars().map(|c| c.to_string()).collect::<Vec<_>>().join("-"),
            _ => digits(self, 7).chars().map(|c| UNITS[c as usize - '0' as usize].to_string()).collect::<Vec<_>>().join(" "),
        };
        Seg { text, label: Some(("MRN", None)) }
    }

    fn street(&mut self) -> String {
        let n = 1 + self.rng.below(9899);
        let num = if self.chance(25) && n < 100 { number_words(n as u32, false) } else { n.to_string() };
        format!("{num} {} {}", self.pick_str(STREET_NAMES), self.pick_str(STREET_SUFFIXES))
    }

    fn zip(&mut self) -> String {
        if self.chance(40) {
            let l = |g: &mut Self| char::from(b'A' + g.rng.below(26) as u8);
            format!("{}{}{} {}{}{}", l(self), l(self), 1 + self.rng.below(20), self.rng.below(10), l(self), l(self))
        } else {
            format!("{:05}", 1000 + self.rng.below(98000))
        }
    }

    fn reldate(&mut self) -> Seg {
        let t = self.pick_str(&[
            "yesterday", "two weeks ago", "three days ago", "last week", "last month", "a few days ago",
            "this morning", "last weekend", "five days ago", "a couple of weeks ago", "last night",
        ]);
        Seg { text: t.into(), label: Some(("DATE", Some("RELATIVE".into()))) }
    }

    /// Fills one frame's slots.
    fn fill(&mut self, frame: &str, cast: &Cast) -> Vec<Seg> {
        let mut out = Vec::new();
        let mut rest = frame;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').expect("frames close their slots");
            if open > 0 {
                out.push(Seg { text: rest[..open].to_string(), label: None });
            }
            let slot = &rest[open + 1..close];
            rest = &rest[close + 1..];
            let seg = |text: String, label: &'static str, subtype: Option<&str>| Seg { text, label: Some((label, subtype.map(str::to_string))) };
            let plain = |text: &str| Seg { text: text.to_string(), label: None };
            let (pf, pl) = cast.patient.clone();
            match slot {
                "pt" => match self.rng.below(5) {
                    0 => out.extend([seg(pl, "NAME", Some("PATIENT")), plain(", "), seg(pf, "NAME", Some("PATIENT"))]),
                    _ => out.push(seg(format!("{pf} {pl}"), "NAME", Some("PATIENT"))),
                },
                "ptf" => out.push(seg(pf, "NAME", Some("PATIENT"))),
                "ptl" => out.push(seg(pl, "NAME", Some("PATIENT"))),
                "dr" => out.push(seg(cast.clinician.1.clone(), "NAME", Some("CLINICIAN"))),
                "drfull" => out.push(seg(format!("{} {}", cast.clinician.0, cast.clinician.1), "NAME", Some("CLINICIAN"))),
                "rel" => out.push(seg(cast.relative.clone(), "NAME", Some("RELATIVE"))),
                "city" => {
                    let c = if self.chance(15) { self.pick_str(UK_TOWNS).to_string() } else { self.pick(&self.lex_ref().cities).to_string() };
                    out.push(seg(c, "LOCATION", Some("CITY")))
                }
                "hosp" => out.push(seg(self.pick(&self.lex_ref().hospitals).to_string(), "LOCATION", Some("HOSPITAL"))),
                "org" => {
                    let o = self.pick_str(&["Walmart", "CVS", "Target", "Amazon", "the Boeing plant", "Lincoln Elementary", "Costco", "Home Depot", "A B C A B C", "Walgreens"]);
                    if let Some(rest) = o.strip_prefix("the ") {
                        out.push(plain("the "));
                        out.push(seg(rest.to_string(), "LOCATION", Some("ORGANIZATION")));
                    } else {
                        out.push(seg(o.to_string(), "LOCATION", Some("ORGANIZATION")));
                    }
                }
                "street" => out.push(seg(self.street(), "LOCATION", Some("STREET"))),
                "zip" => out.push(seg(self.zip(), "LOCATION", Some("ZIP"))),
                "state" => out.push(seg(self.pick(&self.lex_ref().states).to_string(), "LOCATION", Some("STATE"))),
                "country" => out.push(seg(self.pick(&self.lex_ref().countries).to_string(), "LOCATION", Some("COUNTRY"))),
                "date" | "date2" => out.extend(self.date("OTHER")),
                "dob" => out.extend(self.date("BIRTH")),
                "month" => out.push(seg(self.pick_str(&MONTHS).to_string(), "DATE", Some("OTHER"))),
                "dayord" => {
                    let d = self.rng.below(28);
                    out.push(seg(if self.chance(50) { ORDINALS[d].to_string() } else { format!("{}{}", d + 1, ordinal_suffix(d + 1)) }, "DATE", Some("OTHER")))
                }
                "year" => {
                    let y = 1950 + self.rng.below(75) as u32;
                    let t = if self.chance(30) { year_words(y, &mut self.rng) } else { y.to_string() };
                    out.push(seg(t, "DATE", Some("YEAR")))
                }
                "reldate" => out.push(self.reldate()),
                "age" => out.push(self.age()),
                "id" => out.push(self.id()),
                "drug" | "drug2" => out.push(plain(self.pick(&self.lex_ref().drugs))),
                "disease" => out.push(plain(self.pick(&self.lex_ref().diseases))),
                "sex" => out.push(plain(if cast.male { "male" } else { "female" })),
                "his" => out.push(plain(if cast.male { "His" } else { "Her" })),
                "him" => out.push(plain(if cast.male { "him" } else { "her" })),
                other => panic!("unknown slot {other}"),
            }
        }
        if !rest.is_empty() {
            out.push(Seg { text: rest.to_string(), label: None });
        }
        out
    }

    /// One document: its text and spans (byte offsets, label, subtype).
    pub fn document(&mut self) -> (String, Vec<(usize, usize, &'static str, Option<String>)>) {
        let mut cast = self.cast();
        let style = match self.rng.below(10) {
            0 | 1 => Style::Note,
            2 | 3 => Style::Dialogue,
            4..=6 => Style::Aci,
            7 | 8 => Style::Asr,
            _ => Style::Hesitant,
        };
        // MTS-Dialog replaced some names by letters ("Doctor X Y Z", "Miss A B C"); they are still names.
        if matches!(style, Style::Dialogue | Style::Hesitant) {
            if self.chance(25) {
                cast.clinician.1 = self.pick_str(PLACEHOLDERS).to_string();
            }
            if self.chance(15) {
                cast.patient.1 = self.pick_str(PLACEHOLDERS).to_string();
            }
        }
        let n = 4 + self.rng.below(10);
        let mut lines: Vec<(char, Vec<Seg>)> = Vec::new();
        for _ in 0..n {
            let (frames, filler) = if style == Style::Note { (NOTE_FRAMES, NOTE_FILLER) } else { (TALK_FRAMES, FILLER) };
            let frame = if self.chance(55) { self.pick_str(frames) } else { self.pick_str(filler) };
            let (speaker, body) = match frame.split_once('|') {
                Some((s, b)) if s.len() == 1 => (s.chars().next().unwrap_or('D'), b),
                _ => ('N', frame),
            };
            let segs = self.fill(body, &cast);
            lines.push((speaker, segs));
        }
        self.render(style, &lines)
    }

    fn render(&mut self, style: Style, lines: &[(char, Vec<Seg>)]) -> (String, Vec<(usize, usize, &'static str, Option<String>)>) {
        let mut text = String::new();
        let mut spans = Vec::new();
        for (i, (speaker, segs)) in lines.iter().enumerate() {
            let sep = match style {
                Style::Note => if self.chance(70) { " " } else { "\n" },
                _ => "\n",
            };
            if i > 0 {
                text.push_str(sep);
            }
            let tag = match (style, speaker) {
                (Style::Note, _) | (_, 'N') => "",
                (Style::Aci, 'D') => "[doctor] ",
                (Style::Aci, 'P') => "[patient] ",
                (Style::Aci, _) => "[patient_guest] ",
                (Style::Asr, 'D') => "doctor: ",
                (Style::Asr, _) => "patient: ",
                (_, 'D') => "Doctor: ",
                (_, 'P') => "Patient: ",
                _ => "Guest_family: ",
            };
            text.push_str(tag);
            if style == Style::Hesitant && self.chance(30) {
                text.push_str(self.pick_str(&["Um, ", "Uh, ", "Okay. ", "Right, "]));
            }
            for seg in segs {
                let t = restyle(style, &seg.text);
                let start = text.len();
                text.push_str(&t);
                if let Some((label, subtype)) = &seg.label {
                    spans.push((start, text.len(), *label, subtype.clone()));
                }
            }
        }
        (text, spans)
    }
}

fn ordinal_suffix(d: usize) -> &'static str {
    match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// Rewrites a piece of text in a style. Only lower-casing and spacing change,
/// so an identifier keeps its words and its span stays exact.
fn restyle(style: Style, text: &str) -> String {
    match style {
        Style::Note | Style::Dialogue | Style::Hesitant => text.to_string(),
        Style::Aci => {
            let mut out = String::with_capacity(text.len() + 8);
            let chars: Vec<char> = text.to_lowercase().chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                let next_is_space_or_end = chars.get(i + 1).map_or(true, |n| n.is_whitespace());
                if matches!(c, ',' | '.' | '?' | '!') && next_is_space_or_end {
                    // Also at a segment's start: the name before it ends a segment ("smith , john").
                    if !out.ends_with(' ') {
                        out.push(' ');
                    }
                    out.push(c);
                } else {
                    out.push(c);
                }
            }
            out.replace("n't", " n't").replace("gonna", "gon na").replace("wanna", "wan na").replace("  ", " ")
        }
        Style::Asr => {
            let kept: String = text.to_lowercase().chars().filter(|c| !matches!(c, ',' | '.' | '?' | '!' | ':' | ';')).collect();
            let core = kept.split_whitespace().collect::<Vec<_>>().join(" ");
            if core.is_empty() {
                return if kept.is_empty() { String::new() } else { " ".into() };
            }
            let lead = if kept.starts_with(char::is_whitespace) { " " } else { "" };
            let trail = if kept.ends_with(char::is_whitespace) { " " } else { "" };
            format!("{lead}{core}{trail}")
        }
    }
}

/// Writes `docs` generated documents as labelled JSONL (code-point offsets) to `out`.
pub fn write_corpus(lex: &Lexicon, docs: usize, seed: u64, out: &Path) -> Result<()> {
    let mut generator = Generator::new(lex, seed);
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    for i in 0..docs {
        let (text, spans) = generator.document();
        let map = crate::offsets::OffsetMap::new(&text);
        let spans: Vec<serde_json::Value> = spans
            .iter()
            .filter(|(s, e, _, _)| s < e)
            .map(|(s, e, label, subtype)| {
                let mut v = serde_json::json!({"start": map.to_char(*s), "end": map.to_char(*e), "label": label, "text": &text[*s..*e]});
                if let Some(st) = subtype {
                    v["subtype"] = serde_json::Value::from(st.clone());
                }
                v
            })
            .collect();
        let rec = serde_json::json!({"id": format!("synth-{seed}-{i}"), "text": text, "spans": spans, "source": "deid-synth"});
        writeln!(file, "{rec}")?;
    }
    file.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoken_numbers_and_years() {
        assert_eq!(number_words(45, false), "forty five");
        assert_eq!(number_words(45, true), "forty-five");
        assert_eq!(number_words(90, false), "ninety");
        let mut rng = SplitMix(1);
        assert_eq!(year_words(1982, &mut rng), "nineteen eighty two");
        assert_eq!(year_words(1905, &mut rng), "nineteen oh five");
    }

    #[test]
    fn styles_keep_words() {
        assert_eq!(restyle(Style::Aci, "Hi John, I don't know."), "hi john , i do n't know .");
        assert_eq!(restyle(Style::Asr, "Hi John, how are you?"), "hi john how are you");
        assert_eq!(restyle(Style::Aci, "03/14/2019"), "03/14/2019");
        assert_eq!(restyle(Style::Asr, ", how are "), " how are ");
        assert_eq!(restyle(Style::Aci, ", "), " , ");
    }
}
