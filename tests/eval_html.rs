//! `report.html` opens in headless Chromium and shows the per-label recall
//! chart, the leaks chart, the leak table and the figures.
//!
//! Chromium is required (see `eval_common::chromium`).

mod eval_common;

use eval_common::{chromium, report_from, PRED};

#[test]
fn report_html_renders_in_headless_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = report_from(tmp.path(), PRED);
    let url = format!("file://{}", dir.join("report.html").display());
    let out = chromium(tmp.path()).args(["--dump-dom", &url]).output().expect("run chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8(out.stdout).unwrap();
    assert!(dom.contains("</html>"), "chromium returned no document: {dom:.200}");
    // The notice, both charts (rendered as SVG in the DOM), and the leak table.
    assert!(dom.contains(r#"id="phi-notice""#) && dom.contains("may contain PHI"));
    let chart = &dom[dom.find(r#"id="chart-recall-0""#).expect("recall chart")..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    for label in ["NAME", "PHONE", "DATE"] {
        assert!(chart.contains(&format!(">{label}</text>")), "recall chart lacks {label}");
    }
    assert!(chart.contains("0.500 (1/2)") && chart.contains("1.000 (1/1)") && chart.contains("0.000 (0/1)"), "{chart}");
    assert!(chart.contains(r#"class="ci""#), "Wilson whiskers drawn");
    assert!(dom.contains(r#"id="chart-leaks-0""#) && dom.contains("1 (0 partial) of 2"));
    let table = &dom[dom.find(r#"id="leaks-0""#).expect("leak table")..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains("doc-2") && table.contains("Okafor") && table.contains("missed"), "{table}");
    assert!(table.contains("March 3") && table.contains("partial (5/6 covered)"), "{table}");
    // Headline figures and their intervals, as rendered.
    assert!(dom.contains("0.500 [0.150, 0.850] (2/4)"), "binary recall with its Wilson interval");
    assert!(dom.contains("Acme") && dom.contains("ORGANIZATION"), "false positives listed");
}
