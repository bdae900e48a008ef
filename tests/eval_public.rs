//! `report-public.html`, the report for the file: figures, verdict, provenance and
//! coverage, leaks counted by label and by document — and no text from the corpus.
//! Invented identifiers are planted in a small corpus; predictions miss some of them
//! and remove a drug name; the full report quotes them, the public one must not.
//! It is rendered, and printed to PDF, in headless Chromium (see `eval_common::chromium`).

mod eval_common;

use eval_common::{chromium, deid, write};
use serde_json::{json, Value};
use std::path::Path;

/// The planted identifiers: (document, label, subtype, text).
const PLANTED: &[(&str, &str, Option<&str>, &str)] = &[
    ("note-a", "NAME", Some("PATIENT"), "Quillon Brackwater"),
    ("note-a", "DATE", None, "11/23/2031"),
    ("note-a", "PHONE", None, "617-555-0143"),
    ("note-b", "EMAIL", None, "z.oduya@quillmere.net"),
    ("note-b", "MRN", None, "88412907"),
    ("note-b", "NAME", Some("PATIENT"), "Zephyrine Oduya"),
    ("note-c", "LOCATION", Some("STREET"), "Wexmoor Lane"),
    ("note-c", "LOCATION", Some("CITY"), "Tallowbridge"),
];

const DOCUMENTS: &[(&str, &str)] = &[
    ("note-a", "Quillon Brackwater was seen on 11/23/2031; call 617-555-0143."),
    ("note-b", "Email z.oduya@quillmere.net about MRN 88412907 for Zephyrine Oduya; start Vortaxin."),
    ("note-c", "Lives on Wexmoor Lane in Tallowbridge."),
];

/// Removed, in characters of the planted text: the whole name, `11/23` of the date (a partial
/// leak), the e-mail, the street; and `Vortaxin`, a drug name (a false positive). Missed:
/// the phone, the MRN, the second name, the city.
const REMOVED: &[(&str, &str, &str)] = &[
    ("note-a", "NAME", "Quillon Brackwater"),
    ("note-a", "DATE", "11/23"),
    ("note-b", "EMAIL", "z.oduya@quillmere.net"),
    ("note-b", "NAME", "Vortaxin"),
    ("note-c", "LOCATION", "Wexmoor Lane"),
];

fn span(doc: &str, text: &str) -> (usize, usize) {
    let start = doc.find(text).expect("planted text in its document");
    (start, start + text.len()) // ASCII: bytes are code points
}

fn corpus(dir: &Path) -> (String, String) {
    let mut gold = String::new();
    let mut pred = String::new();
    for (id, text) in DOCUMENTS {
        let spans: Vec<Value> = PLANTED
            .iter()
            .filter(|(doc, ..)| doc == id)
            .map(|(_, label, subtype, value)| {
                let (start, end) = span(text, value);
                let mut s = json!({"start": start, "end": end, "label": label, "text": value});
                if let Some(sub) = subtype {
                    s["subtype"] = json!(sub);
                }
                s
            })
            .collect();
        gold.push_str(&format!("{}\n", json!({"id": id, "text": text, "spans": spans})));
        let removed: Vec<Value> = REMOVED
            .iter()
            .filter(|(doc, ..)| doc == id)
            .map(|(_, label, value)| {
                let (start, end) = span(text, value);
                json!({"start": start, "end": end, "label": label, "source": "pattern"})
            })
            .collect();
        pred.push_str(&format!("{}\n", json!({"id": id, "spans": removed})));
    }
    let gold = write(dir, "planted.jsonl", gold.as_bytes());
    let pred = write(dir, "planted-pred.jsonl", pred.as_bytes());
    (gold.to_str().unwrap().to_string(), pred.to_str().unwrap().to_string())
}

#[test]
fn the_public_report_holds_figures_and_no_corpus_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (gold, pred) = corpus(tmp.path());
    let out = tmp.path().join("report");
    let o = deid(&["eval", "--corpus", &gold, "--predictions", &pred, "--report", out.to_str().unwrap(), "--min-recall", "0.9"]);
    assert_eq!(o.status.code(), Some(1), "recall 3/8 misses the target: {}", String::from_utf8_lossy(&o.stderr));
    let public = std::fs::read_to_string(out.join("report-public.html")).unwrap();
    let full = std::fs::read_to_string(out.join("report.html")).unwrap();

    // No planted text, whole or any word of it, and not the false positive's text either;
    // the full report does quote them, so this would catch a copy.
    let mut words: Vec<&str> = PLANTED.iter().map(|p| p.3).collect();
    words.push("Vortaxin");
    words.extend(PLANTED.iter().flat_map(|p| p.3.split(|c: char| !c.is_alphanumeric())).filter(|w| w.len() >= 4));
    for w in &words {
        assert!(!public.contains(w), "report-public.html holds corpus text: {w}");
    }
    assert!(full.contains("Zephyrine Oduya") && full.contains("Vortaxin"), "the full report quotes the leak and the false positive");

    // What a sign-off rests on: verdict, provenance (with the corpus's hash), coverage.
    assert!(public.contains(r#"id="verdict""#) && public.contains("NOT MET"), "verdict");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let sha = json["provenance"]["corpora"][0]["sha256"].as_str().unwrap();
    assert!(public.contains(r#"id="provenance""#) && public.contains(sha), "provenance");
    assert!(public.contains(r#"<table class="coverage">"#) && public.contains("not measured: the corpus holds no example"), "coverage");
    // Figures: recall 3 of 8 (name, e-mail, street) beside the leak-free rate (0 of 3).
    assert!(public.contains("0.375 [0.137, 0.694] (3/8)"), "binary recall with its interval");
    let headline = &public[public.find(r#"id="headline""#).expect("headline")..];
    let headline = &headline[..headline.find("</table>").unwrap()];
    assert!(headline.contains("0.000 [0.000, 0.561] (0/3)"), "leak-free documents beside recall: {headline}");
    // Leaks by label and by document id, counts only.
    assert!(public.contains("<tr><td>NAME</td><td class=\"num\">2</td><td class=\"num\">1 (0)</td>"), "NAME: 2 required, 1 leak");
    let by_doc = &public[public.find(r#"id="leaks-by-document-0""#).expect("leaks by document")..];
    let by_doc = &by_doc[..by_doc.find("</table>").unwrap()];
    for row in [
        r#"<tr><td>note-a</td><td class="num">2</td><td class="num">1</td><td>DATE ×1, PHONE ×1</td></tr>"#,
        r#"<tr><td>note-b</td><td class="num">2</td><td class="num">0</td><td>MRN ×1, NAME ×1</td></tr>"#,
        r#"<tr><td>note-c</td><td class="num">1</td><td class="num">0</td><td>LOCATION ×1</td></tr>"#,
    ] {
        assert!(by_doc.contains(row), "{row} in {by_doc}");
    }
    assert!(public.contains("1 removed spans were no identifier"), "over-redaction counted, not quoted");
    // The sign-off block.
    let sign = &public[public.find(r#"id="sign-off""#).expect("sign-off block")..];
    for field in ["Reviewer", "Role", "☐ approve", "☐ reject", "☐ approve with conditions", "Date", "Signature"] {
        assert!(sign.contains(field), "sign-off lacks {field}");
    }

    // Rendered by Chromium: the DOM it builds has the sections, and it prints to a PDF.
    let url = format!("file://{}", out.join("report-public.html").display());
    let dom = chromium(tmp.path()).args(["--dump-dom", &url]).output().expect("run chromium");
    assert!(dom.status.success(), "chromium failed: {}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8(dom.stdout).unwrap();
    for id in ["public-notice", "provenance", "verdict", "headline", "leaks-by-document-0", "sign-off", "chart-recall-0"] {
        assert!(dom.contains(&format!(r#"id="{id}""#)), "rendered page lacks #{id}");
    }
    for w in &words {
        assert!(!dom.contains(w), "rendered page holds corpus text: {w}");
    }
    let pdf = tmp.path().join("report-public.pdf");
    let printed = chromium(tmp.path())
        .args(["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display()), &url])
        .output()
        .expect("run chromium");
    assert!(printed.status.success(), "chromium could not print: {}", String::from_utf8_lossy(&printed.stderr));
    let bytes = std::fs::read(&pdf).expect("a PDF was written");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF document");
    let pages = bytes.windows(b"/Type /Page\n".len()).filter(|w| w.starts_with(b"/Type /Page") && !w.starts_with(b"/Type /Pages")).count();
    assert!(pages >= 3, "A4 pages: front matter, the corpus, the sign-off on its own ({pages})");
}
