//! `report-public.html`: the report for the file — what a privacy officer signs
//! and keeps — holding figures and counts only, never text from the corpus.
//!
//! The full `report.html` quotes every leak with its context and the most frequent
//! false positives, so it cannot leave the machine it was made on. This version
//! keeps what a sign-off rests on: provenance, the verdict, the figures with their
//! intervals, which Safe Harbor categories were measured, and the leaks counted by
//! label and by document id. It is built from the report's figures, counts,
//! labels, detector names and document ids alone — no field that holds corpus
//! text (`Leak::text`, its context, `FalsePositive::text`, failed documents'
//! errors, the engine configuration, which may list names) is read here. It ends
//! with a sign-off block to fill in, and prints as a clean A4 document (Chromium's
//! print to PDF).

use super::glossary::NO_EXAMPLES;
use super::report_html::{
    attribution_table, corpus_figures, esc, guide, leaks_chart, provenance_table, recall_chart, rows_tables,
    verdict_section, CSS,
};
use super::report_json::{CorpusReport, Report, Row};
use super::report_md::cell;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Said at the top: what this version holds, and what it leaves out.
pub const NOTICE: &str = "This version of the report holds figures and counts only: no text from the evaluation corpus \
(no identifier, no context around one). Documents are named by their id in the corpus. The full report \
(report.html, for local review only) lists each leak with its text.";

/// The page layout for paper on top of the full report's styles: A4, sections kept whole,
/// the sign-off block on one page with room to write.
const PRINT_CSS: &str = r#"
.headline td { font-size: 1.1rem; font-weight: 600; }
.signoff { border: 2px solid #333; padding: .8rem 1.2rem; margin-top: 2.5rem; }
.signoff table { width: 100%; font-size: 1rem; }
.signoff th { width: 12rem; background: none; }
.signoff td { height: 2.2rem; }
.signoff .line { border-bottom: 1px solid #333; }
.choice { margin-right: 2rem; white-space: nowrap; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  h2 { page-break-before: auto; }
  section.corpus { page-break-before: always; }
  .signoff { page-break-inside: avoid; page-break-before: always; }
  dl, dd { page-break-inside: avoid; }
}
"#;

/// The PHI-free report as one self-contained HTML page.
pub fn render(r: &Report) -> String {
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    s.push_str(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#);
    s.push_str("<title>De-identification evaluation report (no PHI, for the file)</title><style>");
    s.push_str(CSS);
    s.push_str(PRINT_CSS);
    s.push_str("</style></head><body>");
    let _ = write!(
        s,
        r#"<h1>De-identification evaluation report</h1><p class="notice" id="public-notice">{}</p>"#,
        esc(NOTICE)
    );
    let _ = write!(
        s,
        r#"<p class="meta">generator {}; mode {}; required only: {}. Recall is over the identifiers Safe Harbor requires removed, precision over what was removed; intervals are 95% Wilson.</p>"#,
        esc(&r.generator),
        esc(&r.mode),
        r.required_only
    );
    if let Some(p) = &r.provenance {
        provenance_table(&mut s, p);
    }
    verdict_section(&mut s, r);
    headline(&mut s, r);
    guide(&mut s);
    for (i, c) in r.corpora.iter().enumerate() {
        corpus_section(&mut s, c, i);
    }
    sign_off(&mut s);
    s.push_str("</body></html>\n");
    s
}

/// Recall and the leak-free-document rate side by side, one row per corpus.
fn headline(s: &mut String, r: &Report) {
    s.push_str(r#"<h2>In short</h2><table class="headline" id="headline"><thead><tr><th>corpus</th><th>recall (binary) [95% interval]</th><th>leak-free documents [95% interval]</th><th>precision (binary) [95% interval]</th><th>leaks</th></tr></thead><tbody>"#);
    for c in &r.corpora {
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>"#,
            esc(&c.name),
            esc(&cell(&c.recall.binary)),
            esc(&cell(&c.leak_free_documents)),
            esc(&cell(&c.precision.binary)),
            c.leaks.len()
        );
    }
    s.push_str("</tbody></table>");
}

fn corpus_section(s: &mut String, c: &CorpusReport, idx: usize) {
    let _ = write!(s, r#"<section class="corpus" id="corpus-{idx}"><h2>Corpus {}</h2>"#, esc(&c.name));
    let _ = write!(s, r#"<p class="meta">gold file <code>{}</code><br>"#, esc(&c.path));
    corpus_figures(s, c);
    let charted: Vec<&Row> = c.per_label.iter().filter(|r| r.required_spans > 0).collect();
    s.push_str("<h3>Binary recall per label, with 95% intervals</h3><figure>");
    s.push_str(&recall_chart(&charted, idx));
    s.push_str("</figure><h3>Leaks per label</h3><figure>");
    s.push_str(&leaks_chart(&charted, idx));
    s.push_str("</figure>");
    rows_tables(s, &c.per_label, false, "label");
    leaks_by_document(s, c, idx);
    if !c.failed_documents.is_empty() {
        let ids: Vec<&str> = c.failed_documents.iter().map(|f| f.doc_id.as_str()).collect();
        let _ = write!(
            s,
            r#"<p id="failed-{idx}"><strong>{} documents failed</strong> (every identifier in them counts as missed): {}.</p>"#,
            ids.len(),
            esc(&ids.join(", "))
        );
    }
    attribution_table(s, c);
    let fp = &c.false_positives;
    let _ = write!(
        s,
        "<h3>Over-redaction</h3><p>{} removed spans were no identifier ({} distinct texts); the full report lists the most frequent.</p>",
        fp.spans, fp.distinct
    );
    s.push_str("</section>");
}

/// Leaks counted per document id: how many, how many partial, and their labels.
fn leaks_by_document(s: &mut String, c: &CorpusReport, idx: usize) {
    let _ = write!(s, r#"<h3>Leaks per document ({} leaks in {} documents)</h3>"#, c.leaks.len(), documents_with_leaks(c).len());
    if c.leaks.is_empty() {
        s.push_str("<p>No required identifier was missed.</p>");
        return;
    }
    let _ = write!(
        s,
        r#"<table class="leaks-by-document" id="leaks-by-document-{idx}"><thead><tr><th>document</th><th>leaks</th><th>of them partial</th><th>labels</th></tr></thead><tbody>"#
    );
    for (doc, leaks) in documents_with_leaks(c) {
        let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &leaks {
            *labels.entry(l.label.as_str()).or_default() += 1;
        }
        let labels: Vec<String> = labels.iter().map(|(label, n)| format!("{label} ×{n}")).collect();
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"#,
            esc(doc),
            leaks.len(),
            leaks.iter().filter(|l| l.partial).count(),
            esc(&labels.join(", "))
        );
    }
    s.push_str("</tbody></table>");
}

/// The documents that leaked, in the order of their first leak, with their leaks.
fn documents_with_leaks(c: &CorpusReport) -> Vec<(&str, Vec<&super::report_json::Leak>)> {
    let mut docs: Vec<(&str, Vec<&super::report_json::Leak>)> = Vec::new();
    for l in &c.leaks {
        match docs.iter_mut().find(|(d, _)| *d == l.doc_id) {
            Some((_, leaks)) => leaks.push(l),
            None => docs.push((&l.doc_id, vec![l])),
        }
    }
    docs
}

/// The block a reviewer fills in on paper or in a PDF editor.
fn sign_off(s: &mut String) {
    s.push_str(r#"<section class="signoff" id="sign-off"><h2>Sign-off</h2><p>I have reviewed the figures, the verdict and the coverage above, and what they do not measure ("#);
    s.push_str(NO_EXAMPLES);
    s.push_str(r#" means not measured).</p><table><tbody>"#);
    s.push_str(r#"<tr><th>Reviewer</th><td class="line"></td></tr><tr><th>Role</th><td class="line"></td></tr>"#);
    s.push_str(r#"<tr><th>Decision</th><td><span class="choice">☐ approve</span><span class="choice">☐ reject</span><span class="choice">☐ approve with conditions</span></td></tr>"#);
    s.push_str(r#"<tr><th>Conditions</th><td class="line"></td></tr><tr><th></th><td class="line"></td></tr>"#);
    s.push_str(r#"<tr><th>Date</th><td class="line"></td></tr><tr><th>Signature</th><td class="line"></td></tr>"#);
    s.push_str("</tbody></table></section>");
}
