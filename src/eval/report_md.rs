//! `report.md`: the report as Markdown (for a terminal, a pull request, a wiki),
//! and `summary.md`, the figures-only table `evaluation/results.sh` pastes
//! into `evaluation/README.md`.

use super::glossary::{NO_EXAMPLES, TERMS};
use super::report_json::{CorpusReport, Figure, Measures, Report, Row};
use std::fmt::Write;

/// `0.953 [0.944, 0.961] (2832/2972)`; `n/a (0/0)` when there is nothing to count.
pub fn fig(f: &Figure) -> String {
    match (f.value, f.ci_low, f.ci_high) {
        (Some(v), Some(lo), Some(hi)) => format!("{v:.3} [{lo:.3}, {hi:.3}] ({}/{})", f.hits, f.total),
        _ => format!("n/a ({}/{})", f.hits, f.total),
    }
}

/// [`fig`] in a table: a figure over nothing says so in words, not `n/a (0/0)`.
pub fn cell(f: &Figure) -> String {
    if f.total == 0 {
        NO_EXAMPLES.to_string()
    } else {
        fig(f)
    }
}

/// `0.953 (2832/2972)` without the interval, for wide tables.
fn short(f: &Figure) -> String {
    match f.value {
        Some(v) => format!("{v:.3} ({}/{})", f.hits, f.total),
        None => "n/a".into(),
    }
}

/// Escapes text quoted from a corpus so that it cannot break the table or turn into markup.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push('⏎'),
            '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// One line of figures per corpus, for the terminal (no corpus text).
pub fn summary_line(c: &CorpusReport) -> String {
    format!(
        "{}: binary recall {}, strict {}, token {}; binary precision {}; leak-free documents {}; {} leaks",
        c.name,
        fig(&c.recall.binary),
        short(&c.recall.strict),
        short(&c.recall.token),
        fig(&c.precision.binary),
        short(&c.leak_free_documents),
        c.leaks.len()
    )
}

/// The results table of `evaluation/README.md`: figures only, no PHI.
pub fn summary_table(r: &Report) -> String {
    let mut s = String::new();
    s.push_str("| corpus | documents | required spans | binary recall [95% CI] | strict recall | token recall | binary precision [95% CI] | token precision | leak-free documents |\n");
    s.push_str("|---|---:|---:|---|---|---|---|---|---|\n");
    for c in &r.corpora {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            esc(&c.name),
            c.documents,
            c.gold_spans.required,
            fig(&c.recall.binary),
            short(&c.recall.strict),
            short(&c.recall.token),
            fig(&c.precision.binary),
            short(&c.precision.token),
            short(&c.leak_free_documents)
        );
    }
    s
}

fn measures_table(s: &mut String, recall: &Measures, precision: &Measures) {
    s.push_str("| counted | recall [95% interval] (found/required) | precision [95% interval] (right/removed) |\n|---|---|---|\n");
    for (name, r, p) in [
        ("binary: whole identifiers, every letter and digit removed", &recall.binary, &precision.binary),
        ("strict: exact span and label", &recall.strict, &precision.strict),
        ("token: words and numbers inside identifiers", &recall.token, &precision.token),
    ] {
        let _ = writeln!(s, "| {name} | {} | {} |", cell(r), cell(p));
    }
}

/// Recall rows (one per label or subtype the corpus holds required identifiers of) and
/// precision rows (one per label or subtype something was removed as), in two tables so
/// that no row is a figure over nothing; what is left out is said once.
fn rows_tables(s: &mut String, rows: &[Row], with_subtype: bool, what: &str) {
    let sub_h = if with_subtype { " subtype |" } else { "" };
    let sub_a = if with_subtype { "---|" } else { "" };
    let name = |r: &Row| {
        let sub = if with_subtype { format!(" {} |", esc(r.subtype.as_deref().unwrap_or("-"))) } else { String::new() };
        format!("| {} |{sub}", r.label)
    };
    let _ = writeln!(s, "\n### Recall per {what}\n");
    let _ = writeln!(s, "| label |{sub_h} required | leaks (partial) | binary recall [95% interval] | strict recall | token recall |");
    let _ = writeln!(s, "|---|{sub_a}---:|---:|---|---|---|");
    for r in rows.iter().filter(|r| r.required_spans > 0) {
        let _ = writeln!(
            s,
            "{} {} | {} ({}) | {} | {} | {} |",
            name(r),
            r.required_spans,
            r.leaks,
            r.partial_leaks,
            cell(&r.recall.binary),
            short(&r.recall.strict),
            short(&r.recall.token)
        );
    }
    let _ = writeln!(s, "\n### Precision per {what}\n");
    let _ = writeln!(s, "| label |{sub_h} removed | binary precision [95% interval] | strict precision | token precision |");
    let _ = writeln!(s, "|---|{sub_a}---:|---|---|---|");
    for r in rows.iter().filter(|r| r.predicted_spans > 0) {
        let _ = writeln!(
            s,
            "{} {} | {} | {} | {} |",
            name(r),
            r.predicted_spans,
            cell(&r.precision.binary),
            short(&r.precision.strict),
            short(&r.precision.token)
        );
    }
    let left_out = left_out(rows, with_subtype);
    if !left_out.is_empty() {
        let _ = writeln!(s, "\n{}", esc(&left_out));
    }
}

/// One sentence naming the rows left out of the recall or the precision table, or nothing.
pub fn left_out(rows: &[Row], with_subtype: bool) -> String {
    let name = |r: &Row| match r.subtype.as_deref() {
        _ if !with_subtype => r.label.clone(),
        None | Some("-") => format!("{} without subtype", r.label),
        Some(sub) => format!("{} {sub}", r.label),
    };
    let no_recall: Vec<String> = rows.iter().filter(|r| r.required_spans == 0 && r.predicted_spans > 0).map(name).collect();
    let no_precision: Vec<String> = rows.iter().filter(|r| r.predicted_spans == 0 && r.required_spans > 0).map(name).collect();
    let mut out = Vec::new();
    if !no_recall.is_empty() {
        out.push(format!("Left out of the recall table ({NO_EXAMPLES}; text was removed as them all the same): {}.", no_recall.join(", ")));
    }
    if !no_precision.is_empty() {
        out.push(format!("Left out of the precision table (nothing was removed as them): {}.", no_precision.join(", ")));
    }
    out.join(" ")
}

/// The report's terms in words, once (see [`super::glossary`]).
fn guide(s: &mut String) {
    s.push_str("\n## How to read this report\n\n");
    for t in TERMS {
        let _ = writeln!(s, "- **{}**: {}", t.term, t.meaning);
    }
}

fn corpus_section(s: &mut String, c: &CorpusReport) {
    let _ = writeln!(s, "\n## Corpus `{}`\n", esc(&c.name));
    let _ = writeln!(s, "- gold file: `{}`", c.path);
    if let Some(p) = &c.predictions {
        let _ = writeln!(s, "- predictions: `{p}`");
    }
    let _ = writeln!(
        s,
        "- {} documents ({} with required PHI); {} gold spans: {} required, {} exempt; {} predicted spans",
        c.documents,
        c.documents_with_phi,
        c.gold_spans.total,
        c.gold_spans.required,
        c.gold_spans.exempt,
        c.predicted_spans
    );
    let _ = writeln!(
        s,
        "- leak-free documents: {} (of those with required PHI: {})\n",
        cell(&c.leak_free_documents),
        cell(&c.leak_free_documents_with_phi)
    );
    measures_table(s, &c.recall, &c.precision);
    coverage_table(s, c);
    for n in &c.notes {
        let _ = writeln!(s, "\nNote: {n}");
    }
    if !c.failed_documents.is_empty() {
        let _ = writeln!(
            s,
            "\n### Failed documents (every span in them counts as missed)\n\n| document | error |\n|---|---|"
        );
        for f in &c.failed_documents {
            let _ = writeln!(s, "| {} | {} |", esc(&f.doc_id), esc(&f.error));
        }
    }
    rows_tables(s, &c.per_label, false, "label");
    rows_tables(s, &c.per_subtype, true, "subtype");
    if let Some(ex) = &c.exempt {
        s.push_str("\n### Exempt spans (not counted in recall; redacting them is allowed)\n\n| label | subtype | spans | redacted | partly redacted |\n|---|---|---:|---:|---:|\n");
        for e in ex {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                e.label,
                esc(&e.subtype),
                e.spans,
                e.redacted,
                e.partly_redacted
            );
        }
    }
    let by = &c.attribution.by;
    let _ = writeln!(
        s,
        "\n### Which {by} found what\n\n| {by} | removed | hits | sole hits (found by it alone) | recall alone [95% interval] | precision alone [95% interval] |\n|---|---:|---:|---:|---|---|"
    );
    for g in c.attribution.groups.iter().filter(|g| g.spans > 0) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            esc(&g.name),
            g.spans,
            g.hits,
            g.sole_hits,
            cell(&g.recall_alone),
            cell(&g.precision_alone)
        );
    }
    let idle = idle_groups(c);
    if !idle.is_empty() {
        let _ = writeln!(s, "\nRemoved nothing in this corpus: {}.", esc(&idle.join(", ")));
    }
    let _ = writeln!(s, "\n### Leaks ({})\n", c.leaks.len());
    if c.leaks.is_empty() {
        s.push_str("No required gold span was missed.\n");
    } else {
        s.push_str("| document | label | subtype | offsets | miss | text | context |\n|---|---|---|---|---|---|---|\n");
        for l in &c.leaks {
            let miss = if l.partial {
                format!("partial ({}/{} covered)", l.covered_chars, l.significant_chars)
            } else {
                "missed".into()
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {}..{} | {} | **{}** | …{}**{}**{}… |",
                esc(&l.doc_id),
                l.label,
                esc(l.subtype.as_deref().unwrap_or("-")),
                l.start,
                l.end,
                miss,
                esc(&l.text),
                esc(&l.context_before),
                esc(&l.text),
                esc(&l.context_after)
            );
        }
    }
    let fp = &c.false_positives;
    let _ = writeln!(
        s,
        "\n### Most frequent false positives ({} spans, {} distinct; top {} shown)\n",
        fp.spans,
        fp.distinct,
        fp.top.len()
    );
    if !fp.top.is_empty() {
        s.push_str("| count | label | text | on a non-PHI entity | examples |\n|---:|---|---|---|---|\n");
        for f in &fp.top {
            let ex: Vec<String> =
                f.examples.iter().map(|e| format!("{} {}..{}", esc(&e.doc_id), e.start, e.end)).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                f.count,
                f.label,
                esc(&f.text),
                f.non_phi_entity.as_deref().unwrap_or("-"),
                ex.join(", ")
            );
        }
    }
}

/// The whole report as Markdown.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# De-identification evaluation report\n\n> **{}**\n", r.notice);
    let _ = writeln!(s, "- generator: {}; mode: {}; required only: {}", r.generator, r.mode, r.required_only);
    if let Some(p) = &r.provenance {
        provenance_lines(&mut s, p);
    }
    if let Some(c) = &r.config {
        let _ = writeln!(s, "- engine configuration: `{}`", c);
    }
    s.push_str("- figures: recall over required gold spans, precision over predicted spans; 95% Wilson intervals; the terms below, exact definitions in `evaluation/README.md`.\n");
    if let Some(v) = &r.verdict {
        let _ = writeln!(s, "\n## Verdict: {}\n", v.summary());
        for check in &v.checks {
            let _ = writeln!(s, "- {}", esc(&check.describe()));
        }
    }
    guide(&mut s);
    for c in &r.corpora {
        corpus_section(&mut s, c);
    }
    s
}

/// The detectors (or sources) that removed nothing: named once, not given a row of empty figures.
pub fn idle_groups(c: &CorpusReport) -> Vec<String> {
    c.attribution.groups.iter().filter(|g| g.spans == 0).map(|g| g.name.clone()).collect()
}

/// Which Safe Harbor categories this corpus can vouch for, in words.
fn coverage_table(s: &mut String, c: &CorpusReport) {
    let rows = super::coverage::coverage(c);
    let (measured, few, none) = super::coverage::tally(&rows);
    let _ = writeln!(
        s,
        "\n### What this corpus can show, category by category\n\n{measured} of the Safe Harbor categories are measured on {} or more examples, {few} on fewer (their figures can move a lot with a few more examples), and {none} not at all (this report says nothing about them).\n\n| § | label | required spans | what the figure means |\n|---|---|---:|---|",
        super::coverage::FEW
    );
    for r in &rows {
        let _ = writeln!(s, "| {} | {} | {} | {} |", r.section, r.label, r.required_spans, r.statement);
    }
}

/// The provenance block: one line each, figures and paths only.
fn provenance_lines(s: &mut String, p: &super::provenance::Provenance) {
    let _ = writeln!(s, "- run at {} with deid {}, source commit `{}`", p.run_at, p.deid_version, p.source_commit);
    if let Some(h) = &p.config_sha256 {
        let _ = writeln!(s, "- configuration SHA-256 `{h}`");
    }
    if let Some(m) = &p.model {
        let _ = writeln!(s, "- model `{}` ({}), weights SHA-256 `{}`", m.name, esc(&m.path), m.sha256);
    }
    for c in &p.corpora {
        let _ = writeln!(s, "- corpus file {} ({} bytes), SHA-256 `{}`", esc(&c.path), c.bytes, c.sha256);
    }
    let _ = writeln!(s, "- machine: {}", esc(&p.machine));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_escaping() {
        assert_eq!(fig(&Figure::new(29, 30)), "0.967 [0.833, 0.994] (29/30)");
        assert_eq!(fig(&Figure::new(0, 0)), "n/a (0/0)");
        assert_eq!(cell(&Figure::new(0, 0)), "no examples in this corpus");
        assert_eq!(cell(&Figure::new(29, 30)), fig(&Figure::new(29, 30)));
        assert_eq!(esc("a|b\n*c*"), "a\\|b⏎\\*c\\*");
    }
}
