//! `deid eval` end to end: the three report files from a small corpus, the
//! engine mode, `--compare`, and every kind of bad input, through the binary.

mod eval_common;

use eval_common::{deid, report_from, write, GOLD, PRED};
use serde_json::Value;

fn figure(v: &Value, path: &str) -> (u64, u64) {
    let f = path.split('.').fold(v, |v, k| &v[k]);
    (f["hits"].as_u64().unwrap(), f["total"].as_u64().unwrap())
}

#[test]
fn writes_json_markdown_and_html_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = report_from(tmp.path(), PRED);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "deid-eval-report/1");
    assert!(json["notice"].as_str().unwrap().contains("PHI"));
    assert_eq!(json["mode"], "predictions");
    let c = &json["corpora"][0];
    assert_eq!(c["name"], "gold");
    assert_eq!((c["gold_spans"]["required"].as_u64(), c["gold_spans"]["exempt"].as_u64()), (Some(4), Some(3)));
    // Required: Zoë Ünal (found), phone (found, punctuation left), Okafor (missed), March 3 (partial).
    assert_eq!(figure(c, "recall.binary"), (2, 4));
    assert_eq!(figure(c, "recall.strict"), (1, 4));
    assert_eq!(figure(c, "recall.token"), (6, 8), "Zoë Ünal 617 555 0199 Okafor March 3: all but Okafor and 3");
    // Predictions: 7; Acme is the only false positive (Texas is exempt, not a false positive).
    assert_eq!(figure(c, "precision.binary"), (6, 7));
    assert_eq!(figure(c, "leak_free_documents"), (1, 3));
    let leaks = c["leaks"].as_array().unwrap();
    assert_eq!(leaks.len(), 2);
    assert_eq!(
        (leaks[0]["doc_id"].as_str(), leaks[0]["text"].as_str(), leaks[0]["partial"].as_bool()),
        (Some("doc-2"), Some("Okafor"), Some(false))
    );
    assert_eq!((leaks[1]["text"].as_str(), leaks[1]["partial"].as_bool()), (Some("March 3"), Some(true)));
    let fp = &c["false_positives"]["top"][0];
    assert_eq!((fp["text"].as_str(), fp["non_phi_entity"].as_str()), (Some("Acme"), Some("ORGANIZATION")));
    for key in [
        "per_label",
        "per_subtype",
        "exempt",
        "attribution",
        "failed_documents",
        "notes",
        "leak_free_documents_with_phi",
    ] {
        assert!(c.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(c["attribution"]["by"], "source");

    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.lines().take(4).any(|l| l.contains("may contain PHI")), "notice at the top");
    assert!(md.contains("| NAME |") && md.contains("Okafor") && md.contains("partial (5/6 covered)"), "{md}");

    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(r#"id="phi-notice""#));
    assert!(
        html.contains(r#"id="chart-recall-0""#)
            && html.contains(r#"id="chart-leaks-0""#)
            && html.contains(r#"id="leaks-0""#)
    );
    assert!(html.contains("@media print"));
    for external in ["<script", "<link", "src=", "@import", "url(", "https://"] {
        assert!(!html.contains(external), "report.html must be self-contained, found {external}");
    }

    let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(summary.contains("| gold | 3 | 4 | 0.500"), "{summary}");
    assert!(!summary.contains("Okafor"), "the summary table carries no PHI");
}

#[test]
fn engine_mode_reports_attribution_by_detector() {
    let tmp = tempfile::tempdir().unwrap();
    let gold = write(tmp.path(), "gold.jsonl", GOLD.as_bytes());
    let out = tmp.path().join("r");
    let o = deid(&["eval", "--corpus", gold.to_str().unwrap(), "--report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["mode"], "engine");
    assert!(json["config"]["threshold"].is_number());
    let c = &json["corpora"][0];
    assert_eq!(c["attribution"]["by"], "detector");
    assert_eq!(figure(c, "recall.binary").1, 4, "the figures' totals do not depend on the engine");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("gold: binary recall"), "{stderr}");
    assert!(!stderr.contains("Okafor") && !stderr.contains("Zoë"), "no PHI on the terminal: {stderr}");
}

#[test]
fn required_only_leaves_exempt_spans_out() {
    let tmp = tempfile::tempdir().unwrap();
    let gold = write(tmp.path(), "gold.jsonl", GOLD.as_bytes());
    let pred = write(tmp.path(), "pred.jsonl", PRED.as_bytes());
    let out = tmp.path().join("r");
    let o = deid(&[
        "eval",
        "--corpus",
        gold.to_str().unwrap(),
        "--predictions",
        pred.to_str().unwrap(),
        "--report",
        out.to_str().unwrap(),
        "--required-only",
    ]);
    assert!(o.status.success());
    let json: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert!(json["corpora"][0]["exempt"].is_null());
    assert_eq!(figure(&json["corpora"][0], "recall.binary"), (2, 4));
}

#[test]
fn compare_lists_new_leaks_and_changed_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let old = report_from(&tmp.path().join("old").tap_mkdir(), PRED);
    // The new run loses the name in doc-1 and finds Okafor.
    let worse = PRED.replace(r#"{"start":0,"end":8,"label":"NAME","score":0.9,"source":"dictionary"},"#, "").replace(
        r#""spans":[{"start":8,"end":13"#,
        r#""spans":[{"start":29,"end":35,"label":"NAME","score":0.9,"source":"rule"},{"start":8,"end":13"#,
    );
    let new = report_from(&tmp.path().join("new").tap_mkdir(), &worse);
    let o = deid(&[
        "eval",
        "--compare",
        old.join("report.json").to_str().unwrap(),
        new.join("report.json").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("1 new leaks, 1 fixed"), "{text}");
    let new_section = &text[text.find("### New leaks").unwrap()..text.find("### Fixed leaks").unwrap()];
    assert!(new_section.contains("Zoë Ünal") && new_section.contains("doc-1"), "{new_section}");
    // Token recall: Zoë and Ünal lost, Okafor gained.
    assert!(text.contains("| recall.token | 0.750 (6/8) | 0.625 (5/8) | -0.125 |"), "{text}");
    assert!(!text.contains("| recall.binary |"), "binary recall did not move (2/4 both times): {text}");
}

trait TapMkdir {
    fn tap_mkdir(self) -> Self;
}
impl TapMkdir for std::path::PathBuf {
    fn tap_mkdir(self) -> Self {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

/// Runs `deid eval` on a gold file (and predictions) that should be refused;
/// returns stderr after checking the exit status and that no PHI was printed.
fn refused(gold: &[u8], pred: Option<&[u8]>) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let g = write(tmp.path(), "gold.jsonl", gold);
    let out = tmp.path().join("r");
    let mut args = vec![
        "eval".to_string(),
        "--corpus".into(),
        g.display().to_string(),
        "--report".into(),
        out.display().to_string(),
    ];
    if let Some(p) = pred {
        args.push("--predictions".into());
        args.push(write(tmp.path(), "pred.jsonl", p).display().to_string());
    }
    let o = deid(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!o.status.success(), "bad input must fail the run");
    assert!(!out.join("report.json").exists(), "no report from bad input");
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    for phi in ["Zoë", "Ünal", "Okafor", "555-0199", "March"] {
        assert!(!e.contains(phi), "error message leaks {phi}: {e}");
    }
    e
}

#[test]
fn bad_input_is_reported_with_file_and_line() {
    let gold = GOLD.as_bytes();
    // Span text that does not match its offsets (byte offsets written by mistake: "Zoë Ünal" is 10 bytes).
    let e = refused(GOLD.replacen(r#""start":0,"end":8"#, r#""start":0,"end":10"#, 1).as_bytes(), None);
    assert!(e.contains("gold.jsonl:1: document `doc-1`, span 0: offsets 0..10: span text does not match"), "{e}");
    // Overlapping gold spans.
    let e = refused(
        GOLD.replacen(r#""start":21,"end":35"#, r#""start":7,"end":35"#, 1)
            .replace(r#""text":"(617) 555-0199""#, r#""text":"l called from (617) 555-0199""#)
            .as_bytes(),
        None,
    );
    assert!(e.contains("gold.jsonl:1: document `doc-1`: gold spans 0..8 and 7..35 overlap"), "{e}");
    // Unknown label.
    let e = refused(GOLD.replacen(r#""label":"PHONE""#, r#""label":"TELEPHONE""#, 1).as_bytes(), None);
    assert!(e.contains("gold.jsonl:1: document `doc-1`, span 1: unknown label `TELEPHONE`"), "{e}");
    // A prediction for a document not in the gold file.
    let e = refused(gold, Some(format!("{PRED}{}\n", r#"{"id":"doc-9","spans":[]}"#).as_bytes()));
    assert!(e.contains("pred.jsonl:4: prediction for document `doc-9`, which is not in the gold file"), "{e}");
    // An empty corpus.
    let e = refused(b"\n", None);
    assert!(e.contains("gold.jsonl: empty corpus (no documents)"), "{e}");
    // Malformed JSON (the line holds PHI; the message must not).
    let e = refused(format!("{GOLD}{{\"id\":\"doc-4\",\"text\":\"Okafor\" \"spans\":[]}}\n").as_bytes(), None);
    assert!(e.contains("gold.jsonl:4: malformed JSON at column"), "{e}");
    // Invalid UTF-8.
    let mut bad = GOLD.as_bytes().to_vec();
    bad.extend_from_slice(b"{\"id\":\"doc-4\",\"text\":\"Okafor \xe9\",\"spans\":[]}\n");
    let e = refused(&bad, None);
    assert!(e.contains("gold.jsonl:4: invalid UTF-8 at byte 29 of the line"), "{e}");
    // A gold document with no prediction line.
    let e = refused(gold, Some(PRED.lines().take(2).collect::<Vec<_>>().join("\n").as_bytes()));
    assert!(e.contains("no prediction line for document `doc-3`"), "{e}");
}

#[test]
fn usage_errors_are_clear() {
    let e = String::from_utf8_lossy(&deid(&["eval", "--report", "/tmp/x"]).stderr).into_owned();
    assert!(e.contains("give at least one --corpus"), "{e}");
    let e =
        String::from_utf8_lossy(&deid(&["eval", "--corpus", "/nonexistent/gold.jsonl", "--report", "/tmp/x"]).stderr)
            .into_owned();
    assert!(e.contains("cannot read corpus /nonexistent/gold.jsonl"), "{e}");
}

/// `--min-recall` / `--min-precision`: the fixture's binary recall is 2/4 and its precision 6/7.
#[test]
fn targets_give_a_verdict_and_the_exit_status() {
    let tmp = tempfile::tempdir().unwrap();
    let gold = write(tmp.path(), "gold.jsonl", GOLD.as_bytes());
    let pred = write(tmp.path(), "pred.jsonl", PRED.as_bytes());
    let run = |targets: &[&str]| {
        let out = tmp.path().join(format!("r{}", targets.len()));
        let mut args = vec!["eval", "--corpus", gold.to_str().unwrap(), "--predictions", pred.to_str().unwrap()];
        args.extend(["--report", out.to_str().unwrap()]);
        args.extend_from_slice(targets);
        let o = deid(&args);
        let json: Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned(), json, out)
    };

    // Met: recall 0.5 ≥ 0.4 and precision 0.857 ≥ 0.85.
    let (code, stderr, json, _) = run(&["--min-recall", "0.4", "--min-precision", "0.85"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(json["verdict"]["passed"], true);
    assert!(stderr.contains("verdict: every target met"), "{stderr}");

    // Missed overall: recall 0.5 < 0.95; the report says so beside the figure.
    let (code, stderr, json, out) = run(&["--min-recall", "0.95", "--min-precision", "0.5"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(json["verdict"]["passed"], false);
    let checks = json["verdict"]["checks"].as_array().unwrap();
    assert_eq!(checks.iter().map(|c| c["met"].as_bool().unwrap()).collect::<Vec<_>>(), vec![false, true]);
    assert!(stderr.contains("recall 0.500 (2/4), target 0.950: NOT MET"), "{stderr}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Verdict: a target was NOT met"), "{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(r#"id="verdict""#) && html.contains("NOT MET"));

    // A label the corpus does not hold cannot be claimed: not measured, not met.
    let (code, stderr, _, _) = run(&["--min-recall", "SSN=0.9"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("recall of SSN not measured"), "{stderr}");

    // A malformed target is a usage error (exit 2), not a verdict.
    let out = tmp.path().join("never");
    let o = deid(&["eval", "--corpus", gold.to_str().unwrap(), "--report", out.to_str().unwrap(), "--min-recall", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists(), "no report for a run refused before it started");
}

/// Every report names what it was measured with: time, version, commit, corpus file and its hash.
#[test]
fn reports_carry_their_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = report_from(tmp.path(), PRED);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let p = &json["provenance"];
    let gold = std::fs::read(tmp.path().join("gold.jsonl")).unwrap();
    assert_eq!(p["corpora"][0]["bytes"].as_u64(), Some(gold.len() as u64));
    assert_eq!(p["corpora"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(p["run_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(p["deid_version"], env!("CARGO_PKG_VERSION"));
    assert!(!p["source_commit"].as_str().unwrap().is_empty());
    assert!(p["model"].is_null(), "a prediction file was scored: no model ran");
    let sha = p["corpora"][0]["sha256"].as_str().unwrap();
    for file in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(text.contains(sha), "{file} shows the corpus hash");
    }
}

/// The report says which Safe Harbor categories the corpus can vouch for, in words.
#[test]
fn reports_say_which_categories_are_measured() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = report_from(tmp.path(), PRED);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("### What this corpus can show, category by category"), "{md}");
    // The fixture holds a few names, a phone and a date; no SSN at all.
    assert!(md.contains("| G | SSN | 0 | not measured: the corpus holds no example"), "{md}");
    assert!(md.contains("| D | PHONE | 1 | few examples (1): 1 of 1 found"), "{md}");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains(r#"<table class="coverage">"#) && html.contains("not measured"));
}

/// Headings in plain words: the ways of counting and "sole hits" explained once, and no row
/// that is a figure over nothing (the fixture's LOCATION is exempt, so it has predictions but
/// nothing required; its gold subtypes have nothing predicted under them).
#[test]
fn reports_explain_their_terms_and_print_no_empty_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = report_from(tmp.path(), PRED);
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for (name, text) in [("report.md", &md), ("report.html", &html)] {
        assert!(!text.contains("n/a"), "{name} prints a figure over nothing");
        assert_eq!(text.matches("How to read this report").count(), 1, "{name}");
        for term in ["Binary", "Strict", "Token", "Sole hits"] {
            assert_eq!(text.matches(&format!("{term}</dt>")).count() + text.matches(&format!("**{term}**")).count(), 1, "{name} explains {term} once");
        }
        assert!(text.contains("sole hits (found by it alone)"), "{name}");
        assert!(text.contains("Left out of the recall table (no examples in this corpus; text was removed as them all the same): LOCATION."), "{name}");
        assert!(text.contains("Left out of the precision table (nothing was removed as them): NAME CLINICIAN, NAME PATIENT, DATE OTHER."), "{name}");
    }
    let recall_table = &md[md.find("### Recall per label").unwrap()..md.find("### Precision per label").unwrap()];
    assert!(recall_table.contains("| NAME | 2 | 1 (0) | 0.500 [0.095, 0.905] (1/2) |") && !recall_table.contains("| LOCATION |"), "{recall_table}");
    let precision_table = &md[md.find("### Precision per label").unwrap()..md.find("### Recall per subtype").unwrap()];
    assert!(precision_table.contains("| LOCATION | 1 | 1.000 [0.207, 1.000] (1/1) |"), "{precision_table}");
}
