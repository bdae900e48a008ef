//! Hand-computed cases for the figures of `labels.md`. Offsets are code points;
//! each case spells out which characters are covered and what the figures must be.

use super::*;
use crate::eval::corpus::OtherSpan;
use crate::eval::exempt;
use crate::eval::report_json::CorpusReport;

fn doc(id: &str, text: &str, spans: &[(usize, usize, &str, Option<&str>)]) -> GoldDoc {
    let chars: Vec<char> = text.chars().collect();
    let spans = spans
        .iter()
        .map(|&(start, end, label, subtype)| {
            let label = Label::parse(label).unwrap();
            let t: String = chars[start..end].iter().collect();
            let age = (label == Label::Age).then(|| exempt::read_age(None, subtype, &t)).flatten();
            GoldSpan {
                start,
                end,
                label,
                subtype: subtype.map(String::from),
                age,
                required: exempt::is_required(label, subtype, age),
            }
        })
        .collect();
    GoldDoc { id: id.into(), chars, spans, other_spans: Vec::new(), line: 1 }
}

fn pred(start: usize, end: usize, label: &str, source: &str) -> PredSpan {
    PredSpan { start, end, label: Label::parse(label).unwrap(), subtype: None, source: source.into() }
}

/// Scores documents with their predictions; attribution groups are the predictions' sources.
fn report(docs: &[GoldDoc], preds: &[Vec<PredSpan>]) -> CorpusReport {
    let mut names: Vec<String> = preds.iter().flatten().map(|p| p.source.clone()).collect();
    names.sort();
    names.dedup();
    let results: Vec<DocResult> = docs
        .iter()
        .zip(preds)
        .map(|(d, p)| {
            let groups: Vec<Vec<(usize, usize)>> =
                names.iter().map(|n| p.iter().filter(|s| &s.source == n).map(|s| (s.start, s.end)).collect()).collect();
            score_doc(d, p, &groups)
        })
        .collect();
    aggregate(CorpusInput {
        name: "t",
        path: "t.jsonl".into(),
        predictions: None,
        docs,
        preds,
        results: &results,
        group_by: "source",
        group_names: &names,
        failed: Vec::new(),
        required_only: false,
        top_false_positives: 10,
        context_chars: 5,
    })
}

fn hits(f: &Figure) -> (u64, u64) {
    (f.hits, f.total)
}

#[test]
fn significant_characters_and_tokens() {
    let c: Vec<char> = "(617) 555-0199".chars().collect();
    assert_eq!(significant(&c, 0, c.len()).len(), 10);
    assert_eq!(tokens(&c, 0, c.len()), vec![(1, 4), (6, 9), (10, 14)]);
    let c: Vec<char> = "a — b".chars().collect();
    assert_eq!(significant(&c, 1, 4), vec![2], "no letters or digits: the dash itself must be covered");
    assert_eq!(significant(&c, 1, 2), vec![1], "whitespace only: every character");
    assert!(tokens(&c, 1, 4).is_empty());
}

#[test]
fn multibyte_text_is_scored_in_code_points() {
    // Ü n a l , ␠ Z o ë : ␠ 5 5 5 - 1 2 3 4 — "Ü" and "ë" are two bytes each.
    let d = doc("m", "Ünal, Zoë: 555-1234", &[(0, 4, "NAME", None), (6, 9, "NAME", None), (11, 19, "PHONE", None)]);
    let r = report(
        std::slice::from_ref(&d),
        &[vec![pred(0, 4, "NAME", "a"), pred(6, 9, "NAME", "a"), pred(11, 19, "PHONE", "a")]],
    );
    assert_eq!(hits(&r.recall.binary), (3, 3));
    assert_eq!(hits(&r.recall.strict), (3, 3));
    assert_eq!(hits(&r.recall.token), (4, 4), "Ünal, Zoë, and 555-1234 splits in two");
    assert_eq!(hits(&r.precision.binary), (3, 3));
    // A writer using byte offsets would put "Zoë" at 7..10 (bytes 7..11 minus one): "oë:" — Z leaks.
    let r = report(&[d], &[vec![pred(0, 4, "NAME", "a"), pred(7, 10, "NAME", "a"), pred(11, 19, "PHONE", "a")]]);
    assert_eq!(hits(&r.recall.binary), (2, 3));
    let leak = &r.leaks[0];
    assert_eq!((leak.start, leak.end, leak.text.as_str()), (6, 9, "Zoë"));
    assert!(leak.partial);
    assert_eq!((leak.covered_chars, leak.significant_chars), (2, 3));
    assert_eq!(
        (leak.context_before.as_str(), leak.context_after.as_str()),
        ("nal, ", ": 555"),
        "five code points of context each side"
    );
    // The prediction "oë:" has letters o, ë inside gold: correct in the binary sense.
    assert_eq!(hits(&r.precision.binary), (3, 3));
    assert_eq!(hits(&r.precision.strict), (2, 3));
}

#[test]
fn a_span_covered_by_several_predictions_together_is_found() {
    // "John Smith": J o h n ␠ S m i t h; two predictions of different labels cover it.
    let d = doc("s", "John Smith", &[(0, 10, "NAME", Some("PATIENT"))]);
    let r = report(&[d], &[vec![pred(0, 4, "NAME", "dict"), pred(5, 10, "LOCATION", "ner")]]);
    assert_eq!(hits(&r.recall.binary), (1, 1), "a leak is a leak whatever label caught it");
    assert_eq!(hits(&r.recall.strict), (0, 1));
    assert_eq!(hits(&r.recall.token), (2, 2));
    assert_eq!(hits(&r.precision.binary), (2, 2));
    assert_eq!(hits(&r.precision.strict), (0, 2));
    assert!(r.leaks.is_empty());
    // Attribution: both touched the hit, neither alone finds it.
    for g in &r.attribution.groups {
        assert_eq!((g.hits, g.sole_hits, g.recall_alone.hits), (1, 0, 0), "{}", g.name);
    }
}

#[test]
fn punctuation_left_in_place_leaks_nothing() {
    // "call (617) 555-0199 now": ([PHONE]) [PHONE]-[PHONE].
    let d = doc("p", "call (617) 555-0199 now", &[(5, 19, "PHONE", None)]);
    let preds = vec![pred(6, 9, "PHONE", "a"), pred(11, 14, "PHONE", "a"), pred(15, 19, "PHONE", "a")];
    let r = report(&[d], &[preds]);
    assert_eq!(hits(&r.recall.binary), (1, 1));
    assert_eq!(hits(&r.recall.strict), (0, 1));
    assert_eq!(hits(&r.recall.token), (3, 3));
    assert_eq!(hits(&r.precision.binary), (3, 3));
    assert_eq!(hits(&r.leak_free_documents), (1, 1));
}

#[test]
fn exempt_spans_leave_recall_and_excuse_predictions() {
    // in ␠Texas(3..8) in 2019(12..16), aged 45(23..25), nephew of ninety-three(36..48): Ann(50..53)
    let text = "in Texas in 2019, aged 45, aged ninety-three: Ann";
    let d = doc(
        "e",
        text,
        &[
            (3, 8, "LOCATION", Some("STATE")),
            (12, 16, "DATE", Some("YEAR")),
            (23, 25, "AGE", None),
            (32, 44, "AGE", None),
            (46, 49, "NAME", None),
        ],
    );
    assert_eq!(d.spans.iter().filter(|s| s.required).count(), 2, "ninety-three and Ann");
    let preds = vec![pred(3, 8, "LOCATION", "a"), pred(12, 16, "DATE", "a"), pred(46, 49, "NAME", "a")];
    let r = report(&[d], &[preds]);
    assert_eq!(r.gold_spans.required, 2);
    assert_eq!(r.gold_spans.exempt, 3);
    assert_eq!(hits(&r.recall.binary), (1, 2), "the age of 93 leaked");
    assert_eq!(hits(&r.precision.binary), (3, 3), "redacting a state or a year is not a false positive");
    assert_eq!(hits(&r.precision.strict), (3, 3));
    assert_eq!(r.false_positives.spans, 0);
    assert_eq!(r.leaks[0].text, "ninety-three");
    assert_eq!(r.leaks[0].label, "AGE");
    let ex = r.exempt.as_ref().unwrap();
    let row = |l: &str, s: &str| ex.iter().find(|e| e.label == l && e.subtype == s).unwrap().clone();
    assert_eq!((row("LOCATION", "STATE").spans, row("LOCATION", "STATE").redacted), (1, 1));
    assert_eq!((row("AGE", "89 or less").spans, row("AGE", "89 or less").redacted), (1, 0));
    let age = r.per_subtype.iter().find(|r| r.label == "AGE").unwrap();
    assert_eq!((age.subtype.as_deref(), age.required_spans, age.leaks), (Some("over 89"), 1, 1));
}

#[test]
fn strict_and_binary_differ() {
    // "March 3": a NAME prediction over it is a binary hit, not a strict one;
    // a DATE prediction that stops before "3" is neither.
    let d = doc("d", "March 3", &[(0, 7, "DATE", Some("OTHER"))]);
    let r = report(std::slice::from_ref(&d), &[vec![pred(0, 7, "NAME", "a")]]);
    assert_eq!((hits(&r.recall.binary), hits(&r.recall.strict)), ((1, 1), (0, 1)));
    assert_eq!((hits(&r.precision.binary), hits(&r.precision.strict)), ((1, 1), (0, 1)));
    let r = report(&[d], &[vec![pred(0, 6, "DATE", "a")]]);
    assert_eq!((hits(&r.recall.binary), hits(&r.recall.strict), hits(&r.recall.token)), ((0, 1), (0, 1), (1, 2)));
    assert!(r.leaks[0].partial);
    assert_eq!(r.per_label[0].partial_leaks, 1);
}

#[test]
fn token_recall_and_precision() {
    // "Mary Ann O'Neil": tokens Mary, Ann, O, Neil. "Mary An" covers one token whole.
    // "Dr. Smith" over gold "Smith": tokens Dr (wrong) and Smith (right).
    let d = doc("t", "Mary Ann O'Neil saw Dr. Smith", &[(0, 15, "NAME", None), (24, 29, "NAME", None)]);
    let r = report(&[d], &[vec![pred(0, 7, "NAME", "a"), pred(20, 29, "NAME", "a")]]);
    assert_eq!(hits(&r.recall.token), (2, 5), "Mary and Smith");
    assert_eq!(hits(&r.recall.binary), (1, 2));
    assert_eq!(hits(&r.precision.token), (3, 4), "Mary, An (inside Ann), Smith; not Dr");
    assert_eq!(hits(&r.precision.binary), (1, 2), "\"Dr. Smith\" has letters outside the gold");
    assert_eq!(r.false_positives.top[0].text, "Dr. Smith");
}

#[test]
fn false_positives_are_counted_and_non_phi_entities_named() {
    let mut a = doc("a", "Acme hired Bo", &[(11, 13, "NAME", None)]);
    a.other_spans.push(OtherSpan { start: 0, end: 4, kind: "ORGANIZATION".into() });
    let b = doc("b", "Acme again", &[]);
    let r = report(&[a, b], &[vec![pred(0, 4, "NAME", "a"), pred(11, 13, "NAME", "a")], vec![pred(0, 4, "NAME", "a")]]);
    assert_eq!(hits(&r.precision.binary), (1, 3), "a company name redacted is over-redaction");
    assert_eq!((r.false_positives.spans, r.false_positives.distinct), (2, 1));
    let fp = &r.false_positives.top[0];
    assert_eq!((fp.text.as_str(), fp.count, fp.non_phi_entity.as_deref()), ("Acme", 2, Some("ORGANIZATION")));
    assert_eq!(fp.examples.len(), 2);
    assert_eq!(hits(&r.leak_free_documents), (2, 2));
    assert_eq!(hits(&r.leak_free_documents_with_phi), (1, 1));
}

#[test]
fn leak_free_documents_and_per_label_counts() {
    let d1 = doc("1", "Ann 555-0100", &[(0, 3, "NAME", None), (4, 12, "PHONE", None)]);
    let d2 = doc("2", "Bob", &[(0, 3, "NAME", None)]);
    let d3 = doc("3", "nothing here", &[]);
    let r = report(&[d1, d2, d3], &[vec![pred(0, 3, "NAME", "a")], vec![pred(0, 3, "NAME", "a")], vec![]]);
    assert_eq!(hits(&r.leak_free_documents), (2, 3));
    assert_eq!(hits(&r.leak_free_documents_with_phi), (1, 2));
    assert_eq!(r.documents_with_phi, 2);
    let phone = r.per_label.iter().find(|r| r.label == "PHONE").unwrap();
    assert_eq!((phone.required_spans, phone.leaks, phone.partial_leaks, phone.predicted_spans), (1, 1, 0, 0));
    assert_eq!(phone.precision.binary.value, None, "no PHONE predicted: precision undefined, not 0");
    let name = r.per_label.iter().find(|r| r.label == "NAME").unwrap();
    assert_eq!(hits(&name.recall.binary), (2, 2));
    assert_eq!(
        r.per_label.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
        vec!["NAME", "PHONE"],
        "labels.md order"
    );
}

#[test]
fn attribution_credits_each_source() {
    // pattern finds the phone, dictionary the name; the name is also half-covered by pattern.
    let d = doc("x", "Ann Lee 555-0100", &[(0, 7, "NAME", None), (8, 16, "PHONE", None)]);
    let preds = vec![pred(0, 7, "NAME", "dictionary"), pred(4, 7, "NAME", "pattern"), pred(8, 16, "PHONE", "pattern")];
    let r = report(&[d], &[preds]);
    let g = |n: &str| r.attribution.groups.iter().find(|g| g.name == n).unwrap().clone();
    assert_eq!((g("dictionary").hits, g("dictionary").sole_hits, hits(&g("dictionary").recall_alone)), (1, 0, (1, 2)));
    assert_eq!((g("pattern").hits, g("pattern").sole_hits, hits(&g("pattern").recall_alone)), (2, 1, (1, 2)));
    assert_eq!(hits(&g("pattern").precision_alone), (2, 2));
    assert_eq!(r.notes.len(), 1, "overlapping predictions are noted");
}

#[test]
fn required_only_drops_the_exempt_table() {
    let d = doc("e", "in Texas", &[(3, 8, "LOCATION", Some("STATE"))]);
    let results = vec![score_doc(&d, &[], &[])];
    let r = aggregate(CorpusInput {
        name: "t",
        path: "t".into(),
        predictions: None,
        docs: std::slice::from_ref(&d),
        preds: &[vec![]],
        results: &results,
        group_by: "source",
        group_names: &[],
        failed: Vec::new(),
        required_only: true,
        top_false_positives: 10,
        context_chars: 5,
    });
    assert_eq!(r.exempt, None);
    assert_eq!(r.recall.binary.value, None, "no required spans: recall undefined");
    assert_eq!(hits(&r.leak_free_documents), (1, 1));
}
