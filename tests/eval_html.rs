//! `report.html` opens in headless Chromium and shows the per-label recall
//! chart, the leaks chart, the leak table and the figures.
//!
//! Chromium is required (Debian package `chromium`, `/usr/bin/chromium`, or set
//! `DEID_CHROMIUM` to a binary): this test fails, loudly, without it, because a
//! report nobody checked renders is not a report we can hand a privacy officer.

mod eval_common;

use eval_common::{report_from, PRED};
use std::process::Command;

#[test]
fn report_html_renders_in_headless_chromium() {
    let chromium = std::env::var("DEID_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "headless Chromium not found at {chromium}: install the Debian package `chromium` (apt-get install -y chromium) or set DEID_CHROMIUM"
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = report_from(tmp.path(), PRED);
    let profile = tmp.path().join("chromium-profile");
    let url = format!("file://{}", dir.join("report.html").display());
    let out = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &url])
        .output()
        .expect("run chromium");
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
