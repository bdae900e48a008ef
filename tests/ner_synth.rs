//! The training-data generator writes valid labelled JSONL: code-point spans
//! whose text matches, no overlaps, every style, identifiers and exempt spans.

use deid::ner::synth::{write_corpus, Lexicon};
use std::collections::HashSet;

fn write_dict(dir: &std::path::Path) {
    let files: &[(&str, &str)] = &[
        ("first_names.txt", "zoë\nahmed\nnkechi\n"),
        ("surnames.txt", "okafor\nmüller\nnakamura\n"),
        ("us_places.txt", "Springfield\t1000\nSan José\t2000\n"),
        ("world_cities.txt", "Lagos\t100\n"),
        ("hospitals.txt", "East Metro Clinic\nValley Medical\n"),
        ("us_states.txt", "Ohio\tOH\n"),
        ("countries.txt", "Kenya\n"),
        ("allow_drugs.txt", "lisinopril\n"),
        ("allow_diseases.txt", "parkinson's disease\n"),
    ];
    for (name, body) in files {
        std::fs::write(dir.join(name), body).unwrap();
    }
}

#[test]
fn generated_spans_are_exact_and_disjoint() {
    let dir = tempfile::tempdir().unwrap();
    write_dict(dir.path());
    let lex = Lexicon::load(dir.path()).unwrap();
    let out = dir.path().join("train.jsonl");
    write_corpus(&lex, 300, 7, &out).unwrap();
    let mut labels = HashSet::new();
    let mut lowercase_docs = 0;
    let mut n = 0;
    for line in std::fs::read_to_string(&out).unwrap().lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let chars: Vec<char> = rec["text"].as_str().unwrap().chars().collect();
        let mut last_end = 0;
        for s in rec["spans"].as_array().unwrap() {
            let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
            assert!(start < end && start >= last_end, "spans must be sorted and disjoint");
            let text: String = chars[start..end].iter().collect();
            assert_eq!(text, s["text"].as_str().unwrap());
            assert_eq!(text.trim(), text, "spans carry no outer whitespace");
            last_end = end;
            labels.insert(format!("{}/{}", s["label"].as_str().unwrap(), s["subtype"].as_str().unwrap_or("")));
        }
        if rec["text"].as_str().unwrap().starts_with("[doctor]") || rec["text"].as_str().unwrap().starts_with("[patient]") {
            lowercase_docs += 1;
        }
        n += 1;
    }
    assert_eq!(n, 300);
    assert!(lowercase_docs > 30, "ACI-style documents are generated");
    for must in ["NAME/PATIENT", "NAME/CLINICIAN", "LOCATION/CITY", "LOCATION/HOSPITAL", "DATE/BIRTH", "DATE/YEAR", "DATE/RELATIVE", "LOCATION/STATE", "MRN/"] {
        assert!(labels.iter().any(|l| l == must), "no {must} span generated");
    }
    // Same seed, same corpus.
    let again = dir.path().join("again.jsonl");
    write_corpus(&lex, 300, 7, &again).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}
