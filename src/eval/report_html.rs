//! `report.html`: one self-contained file — inline CSS, inline SVG charts, no
//! scripts, fonts or network fetches — so it opens anywhere, offline, and
//! prints (a print stylesheet keeps tables and charts whole on paper).

use super::glossary::TERMS;
use super::report_json::{CorpusReport, Figure, Report, Row};
use super::report_md::{cell, idle_groups, left_out};
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push('⏎'),
            _ => out.push(c),
        }
    }
    out
}

pub(super) const CSS: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1a1a1a; max-width: 80rem; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2.5rem; }
.notice { border: 2px solid #b00020; background: #fdecee; padding: .8rem 1rem; font-weight: 600; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .85rem; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.phi { background: #ffe08a; font-weight: 600; }
.ctx { color: #555; } .partial { color: #8a5a00; } .missed { color: #b00020; font-weight: 600; }
svg text { font-size: 12px; font-family: inherit; }
.meta { color: #444; font-size: .9rem; }
dt { font-weight: 600; margin-top: .4rem; } dd { margin-left: 1.5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .notice { background: none; }
  h2 { page-break-before: always; } h2:first-of-type { page-break-before: avoid; }
  table, svg, figure { page-break-inside: avoid; }
  tr { page-break-inside: avoid; }
  th { background: #ddd !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn fig(f: &Figure) -> String {
    super::report_md::fig(f)
}

fn short(f: &Figure) -> String {
    match f.value {
        Some(v) => format!("{v:.3}"),
        None => "n/a".into(),
    }
}

/// Horizontal bars of binary recall per label, each with its 95% Wilson interval as a whisker.
pub(super) fn recall_chart(rows: &[&Row], idx: usize) -> String {
    let (left, width, bar, gap) = (130.0, 420.0, 16.0, 8.0);
    let h = 30.0 + rows.len() as f64 * (bar + gap);
    let mut s = format!(
        r#"<svg id="chart-recall-{idx}" class="chart-recall" role="img" aria-label="Binary recall per label with 95% Wilson intervals" xmlns="http://www.w3.org/2000/svg" width="{}" height="{h}" viewBox="0 0 {} {h}">"#,
        left + width + 150.0,
        left + width + 150.0
    );
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let x = left + t * width;
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="10" x2="{x}" y2="{}" stroke="#ddd"/><text x="{x}" y="{}" text-anchor="middle" fill="#666">{t}</text>"##,
            h - 15.0,
            h - 3.0
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = 10.0 + i as f64 * (bar + gap);
        let f = &r.recall.binary;
        let v = f.value.unwrap_or(0.0);
        let _ =
            write!(s, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, left - 6.0, y + bar * 0.75, esc(&r.label));
        let color = if f.hits == f.total { "#2e7d32" } else { "#1565c0" };
        let _ = write!(
            s,
            r#"<rect class="bar" x="{left}" y="{y}" width="{}" height="{bar}" fill="{color}"><title>{}: {}</title></rect>"#,
            v * width,
            esc(&r.label),
            esc(&fig(f))
        );
        if let (Some(lo), Some(hi)) = (f.ci_low, f.ci_high) {
            let (x1, x2, ym) = (left + lo * width, left + hi * width, y + bar / 2.0);
            let _ = write!(
                s,
                r##"<line class="ci" x1="{x1}" y1="{ym}" x2="{x2}" y2="{ym}" stroke="#000" stroke-width="1.5"/><line x1="{x1}" y1="{}" x2="{x1}" y2="{}" stroke="#000"/><line x1="{x2}" y1="{}" x2="{x2}" y2="{}" stroke="#000"/>"##,
                y + 3.0,
                y + bar - 3.0,
                y + 3.0,
                y + bar - 3.0
            );
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{} ({}/{})</text>"#,
            left + width + 8.0,
            y + bar * 0.75,
            short(f),
            f.hits,
            f.total
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars of leaks per label: whole misses and partial ones.
pub(super) fn leaks_chart(rows: &[&Row], idx: usize) -> String {
    let max = rows.iter().map(|r| r.leaks).max().unwrap_or(0).max(1) as f64;
    let (left, width, bar, gap) = (130.0, 420.0, 16.0, 8.0);
    let h = 30.0 + rows.len() as f64 * (bar + gap);
    let mut s = format!(
        r#"<svg id="chart-leaks-{idx}" class="chart-leaks" role="img" aria-label="Leaks per label" xmlns="http://www.w3.org/2000/svg" width="{}" height="{h}" viewBox="0 0 {} {h}">"#,
        left + width + 150.0,
        left + width + 150.0
    );
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{}" width="10" height="10" fill="#b00020"/><text x="{}" y="{}">missed</text><rect x="{}" y="{}" width="10" height="10" fill="#e6a23c"/><text x="{}" y="{}">partial</text>"##,
        h - 14.0,
        left + 14.0,
        h - 5.0,
        left + 80.0,
        h - 14.0,
        left + 94.0,
        h - 5.0
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 10.0 + i as f64 * (bar + gap);
        let whole = (r.leaks - r.partial_leaks) as f64 / max * width;
        let part = r.partial_leaks as f64 / max * width;
        let _ =
            write!(s, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, left - 6.0, y + bar * 0.75, esc(&r.label));
        let _ = write!(
            s,
            r##"<rect class="bar" x="{left}" y="{y}" width="{whole}" height="{bar}" fill="#b00020"/><rect x="{}" y="{y}" width="{part}" height="{bar}" fill="#e6a23c"/>"##,
            left + whole
        );
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{} ({} partial) of {}</text>"#,
            left + whole + part + 6.0,
            y + bar * 0.75,
            r.leaks,
            r.partial_leaks,
            r.required_spans
        );
    }
    s.push_str("</svg>");
    s
}

/// Recall rows and precision rows in two tables, so that no row is a figure over nothing
/// (see `report_md::rows_tables`).
pub(super) fn rows_tables(s: &mut String, rows: &[Row], with_subtype: bool, what: &str) {
    let name = |s: &mut String, r: &Row| {
        let _ = write!(s, "<tr><td>{}</td>", esc(&r.label));
        if with_subtype {
            let _ = write!(s, "<td>{}</td>", esc(r.subtype.as_deref().unwrap_or("-")));
        }
    };
    let sub_h = if with_subtype { "<th>subtype</th>" } else { "" };
    let _ = write!(
        s,
        r#"<h3>Recall per {what}</h3><table class="recall-per-{what}"><thead><tr><th>label</th>{sub_h}<th>required</th><th>leaks (partial)</th><th>binary recall [95% interval]</th><th>strict recall</th><th>token recall</th></tr></thead><tbody>"#
    );
    for r in rows.iter().filter(|r| r.required_spans > 0) {
        name(s, r);
        let _ = write!(
            s,
            r#"<td class="num">{}</td><td class="num">{} ({})</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            r.required_spans,
            r.leaks,
            r.partial_leaks,
            esc(&cell(&r.recall.binary)),
            esc(&cell(&r.recall.strict)),
            esc(&cell(&r.recall.token))
        );
    }
    let _ = write!(
        s,
        r#"</tbody></table><h3>Precision per {what}</h3><table class="precision-per-{what}"><thead><tr><th>label</th>{sub_h}<th>removed</th><th>binary precision [95% interval]</th><th>strict precision</th><th>token precision</th></tr></thead><tbody>"#
    );
    for r in rows.iter().filter(|r| r.predicted_spans > 0) {
        name(s, r);
        let _ = write!(
            s,
            r#"<td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            r.predicted_spans,
            esc(&cell(&r.precision.binary)),
            esc(&cell(&r.precision.strict)),
            esc(&cell(&r.precision.token))
        );
    }
    s.push_str("</tbody></table>");
    let left_out = left_out(rows, with_subtype);
    if !left_out.is_empty() {
        let _ = write!(s, r#"<p class="meta">{}</p>"#, esc(&left_out));
    }
}

/// The figures of a corpus as a whole: recall and precision counted three ways.
/// The rest of a corpus's heading paragraph (its counts, closing the `<p>`), its measures,
/// coverage and notes: figures and the scorer's own sentences only, never corpus text, so the
/// PHI-free report shows them too.
pub(super) fn corpus_figures(s: &mut String, c: &CorpusReport) {
    let _ = write!(
        s,
        "{} documents ({} with required PHI); {} gold spans: {} required, {} exempt; {} predicted spans<br>leak-free documents: {} (of those with required PHI: {})</p>",
        c.documents,
        c.documents_with_phi,
        c.gold_spans.total,
        c.gold_spans.required,
        c.gold_spans.exempt,
        c.predicted_spans,
        esc(&cell(&c.leak_free_documents)),
        esc(&cell(&c.leak_free_documents_with_phi))
    );
    measures_table(s, c);
    coverage_table(s, c);
    for n in &c.notes {
        let _ = write!(s, "<p><strong>Note:</strong> {}</p>", esc(n));
    }
}

pub(super) fn measures_table(s: &mut String, c: &CorpusReport) {
    s.push_str(r#"<table class="summary"><thead><tr><th>counted</th><th>recall [95% interval] (found/required)</th><th>precision [95% interval] (right/removed)</th></tr></thead><tbody>"#);
    for (name, r, p) in [
        ("binary: whole identifiers, every letter and digit removed", &c.recall.binary, &c.precision.binary),
        ("strict: exact span and label", &c.recall.strict, &c.precision.strict),
        ("token: words and numbers inside identifiers", &c.recall.token, &c.precision.token),
    ] {
        let _ = write!(s, "<tr><td>{name}</td><td>{}</td><td>{}</td></tr>", esc(&cell(r)), esc(&cell(p)));
    }
    s.push_str("</tbody></table>");
}

/// The verdict on the targets set (`--min-recall`, `--min-precision`), each beside its figure.
pub(super) fn verdict_section(s: &mut String, r: &Report) {
    let Some(v) = &r.verdict else { return };
    let (class, word) = (if v.passed { "met" } else { "missed" }, v.summary());
    let _ = write!(s, r#"<section id="verdict" class="verdict {class}"><h2>Verdict: {word}</h2><ul>"#);
    for check in &v.checks {
        let _ = write!(s, "<li>{}</li>", esc(&check.describe()));
    }
    s.push_str("</ul></section>");
}

/// The report's terms in words, once (see `glossary`).
pub(super) fn guide(s: &mut String) {
    s.push_str(r#"<section id="guide"><h2>How to read this report</h2><dl>"#);
    for t in TERMS {
        let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", esc(t.term), esc(t.meaning));
    }
    s.push_str("</dl></section>");
}

/// Each detector's (or source's) figures on its own; those that removed nothing named once.
pub(super) fn attribution_table(s: &mut String, c: &CorpusReport) {
    let by = esc(&c.attribution.by);
    let _ = write!(
        s,
        r#"<h3>Which {by} found what</h3><table class="attribution"><thead><tr><th>{by}</th><th>removed</th><th>hits</th><th>sole hits (found by it alone)</th><th>recall alone [95% interval]</th><th>precision alone [95% interval]</th></tr></thead><tbody>"#
    );
    for g in c.attribution.groups.iter().filter(|g| g.spans > 0) {
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
            esc(&g.name),
            g.spans,
            g.hits,
            g.sole_hits,
            esc(&cell(&g.recall_alone)),
            esc(&cell(&g.precision_alone))
        );
    }
    s.push_str("</tbody></table>");
    let idle = idle_groups(c);
    if !idle.is_empty() {
        let _ = write!(s, r#"<p class="meta">Removed nothing in this corpus: {}.</p>"#, esc(&idle.join(", ")));
    }
}

fn corpus_section(s: &mut String, c: &CorpusReport, idx: usize) {
    let _ = write!(s, r#"<section class="corpus" id="corpus-{idx}"><h2>Corpus {}</h2>"#, esc(&c.name));
    let _ = write!(s, r#"<p class="meta">gold file <code>{}</code>"#, esc(&c.path));
    if let Some(p) = &c.predictions {
        let _ = write!(s, r#"; predictions <code>{}</code>"#, esc(p));
    }
    s.push_str("<br>");
    corpus_figures(s, c);
    if !c.failed_documents.is_empty() {
        s.push_str(r#"<h3>Failed documents (every span in them counts as missed)</h3><table class="failed"><thead><tr><th>document</th><th>error</th></tr></thead><tbody>"#);
        for f in &c.failed_documents {
            let _ = write!(s, "<tr><td>{}</td><td>{}</td></tr>", esc(&f.doc_id), esc(&f.error));
        }
        s.push_str("</tbody></table>");
    }
    let charted: Vec<&Row> = c.per_label.iter().filter(|r| r.required_spans > 0).collect();
    s.push_str("<h3>Binary recall per label, with 95% Wilson intervals</h3><figure>");
    s.push_str(&recall_chart(&charted, idx));
    s.push_str("</figure><h3>Leaks per label</h3><figure>");
    s.push_str(&leaks_chart(&charted, idx));
    s.push_str("</figure>");
    rows_tables(s, &c.per_label, false, "label");
    rows_tables(s, &c.per_subtype, true, "subtype");
    if let Some(ex) = &c.exempt {
        s.push_str(r#"<h3>Exempt spans (not counted in recall; redacting them is allowed)</h3><table class="exempt"><thead><tr><th>label</th><th>subtype</th><th>spans</th><th>redacted</th><th>partly redacted</th></tr></thead><tbody>"#);
        for e in ex {
            let _ = write!(
                s,
                r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                esc(&e.label),
                esc(&e.subtype),
                e.spans,
                e.redacted,
                e.partly_redacted
            );
        }
        s.push_str("</tbody></table>");
    }
    attribution_table(s, c);
    let _ = write!(s, r#"<h3>Leaks ({})</h3>"#, c.leaks.len());
    if c.leaks.is_empty() {
        s.push_str("<p>No required gold span was missed.</p>");
    } else {
        let _ = write!(
            s,
            r#"<table class="leaks" id="leaks-{idx}"><thead><tr><th>document</th><th>label</th><th>subtype</th><th>offsets</th><th>miss</th><th>context</th><th>touched by</th></tr></thead><tbody>"#
        );
        for l in &c.leaks {
            let miss = if l.partial {
                format!(r#"<span class="partial">partial ({}/{} covered)</span>"#, l.covered_chars, l.significant_chars)
            } else {
                r#"<span class="missed">missed</span>"#.to_string()
            };
            let _ = write!(
                s,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}..{}</td><td>{miss}</td><td><span class="ctx">…{}</span><span class="phi">{}</span><span class="ctx">{}…</span></td><td>{}</td></tr>"#,
                esc(&l.doc_id),
                esc(&l.label),
                esc(l.subtype.as_deref().unwrap_or("-")),
                l.start,
                l.end,
                esc(&l.context_before),
                esc(&l.text),
                esc(&l.context_after),
                esc(&l.touched_by.join(", "))
            );
        }
        s.push_str("</tbody></table>");
    }
    let fp = &c.false_positives;
    let _ = write!(
        s,
        "<h3>Most frequent false positives ({} spans, {} distinct; top {} shown)</h3>",
        fp.spans,
        fp.distinct,
        fp.top.len()
    );
    if !fp.top.is_empty() {
        s.push_str(r#"<table class="false-positives"><thead><tr><th>count</th><th>label</th><th>text</th><th>on a non-PHI entity</th><th>examples</th></tr></thead><tbody>"#);
        for f in &fp.top {
            let ex: Vec<String> = f.examples.iter().map(|e| format!("{} {}..{}", e.doc_id, e.start, e.end)).collect();
            let _ = write!(
                s,
                r#"<tr><td class="num">{}</td><td>{}</td><td><span class="phi">{}</span></td><td>{}</td><td>{}</td></tr>"#,
                f.count,
                esc(&f.label),
                esc(&f.text),
                esc(f.non_phi_entity.as_deref().unwrap_or("-")),
                esc(&ex.join(", "))
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>");
}

/// The whole report as one self-contained HTML page.
pub fn render(r: &Report) -> String {
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    s.push_str(
        r#"<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">"#,
    );
    s.push_str("<title>De-identification evaluation report</title><style>");
    s.push_str(CSS);
    s.push_str("</style></head><body>");
    let _ = write!(
        s,
        r#"<h1>De-identification evaluation report</h1><p class="notice" id="phi-notice">{}</p>"#,
        esc(&r.notice)
    );
    let _ = write!(
        s,
        r#"<p class="meta">generator {}; mode {}; required only: {}. Recall is over required gold spans, precision over predicted spans; intervals are 95% Wilson; the terms are explained below, exact definitions in <code>evaluation/README.md</code>.</p>"#,
        esc(&r.generator),
        esc(&r.mode),
        r.required_only
    );
    if let Some(p) = &r.provenance {
        provenance_table(&mut s, p);
    }
    if let Some(c) = &r.config {
        let _ = write!(s, r#"<p class="meta">engine configuration: <code>{}</code></p>"#, esc(&c.to_string()));
    }
    verdict_section(&mut s, r);
    guide(&mut s);
    s.push_str("<nav><ul>");
    for (i, c) in r.corpora.iter().enumerate() {
        let _ = write!(
            s,
            "<li><a href=\"#corpus-{i}\">{}</a>: binary recall {}</li>",
            esc(&c.name),
            esc(&fig(&c.recall.binary))
        );
    }
    s.push_str("</ul></nav>");
    for (i, c) in r.corpora.iter().enumerate() {
        corpus_section(&mut s, c, i);
    }
    s.push_str("</body></html>\n");
    s
}

/// Which Safe Harbor categories this corpus can vouch for, in words.
pub(super) fn coverage_table(s: &mut String, c: &CorpusReport) {
    let rows = super::coverage::coverage(c);
    let (measured, few, none) = super::coverage::tally(&rows);
    let _ = write!(
        s,
        r#"<h3>What this corpus can show, category by category</h3><p>{measured} of the Safe Harbor categories are measured on {} or more examples, {few} on fewer (their figures can move a lot with a few more examples), and {none} not at all (this report says nothing about them).</p><table class="coverage"><thead><tr><th>§</th><th>label</th><th>required spans</th><th>what the figure means</th></tr></thead><tbody>"#,
        super::coverage::FEW
    );
    for r in &rows {
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td></tr>"#,
            r.section,
            r.label,
            r.required_spans,
            esc(&r.statement)
        );
    }
    s.push_str("</tbody></table>");
}

/// What the figures were measured with, as a two-column table.
pub(super) fn provenance_table(s: &mut String, p: &super::provenance::Provenance) {
    s.push_str(r#"<table id="provenance"><caption>Provenance</caption><tbody>"#);
    let mut row = |k: &str, v: String| {
        let _ = write!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
    };
    row("run at (UTC)", p.run_at.clone());
    row("deid version", p.deid_version.clone());
    row("source commit", p.source_commit.clone());
    if let Some(h) = &p.config_sha256 {
        row("configuration SHA-256", h.clone());
    }
    if let Some(m) = &p.model {
        row("model", format!("{} ({}), weights SHA-256 {}", m.name, m.path, m.sha256));
    }
    for c in &p.corpora {
        row("corpus file", format!("{} ({} bytes), SHA-256 {}", c.path, c.bytes, c.sha256));
    }
    row("machine", p.machine.clone());
    s.push_str("</tbody></table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_from_the_corpus() {
        assert_eq!(esc("<script>\"a\" & 'b'</script>"), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
    }
}
