//! `deid eval --compare OLD.json NEW.json`: what changed between two reports,
//! for regression review — new leaks first, then fixed ones, then every figure
//! that moved.

use super::report_json::{CorpusReport, Figure, Leak, Measures, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A leak's identity across runs: the same gold span in the same document.
type LeakKey = (String, usize, usize, String);

fn key(l: &Leak) -> LeakKey {
    (l.doc_id.clone(), l.start, l.end, l.label.clone())
}

#[derive(Clone, Debug, PartialEq)]
pub struct FigureChange {
    /// `recall.binary`, `per_label.NAME.recall.binary`, …
    pub name: String,
    pub old: Figure,
    pub new: Figure,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CorpusDiff {
    pub name: String,
    pub new_leaks: Vec<Leak>,
    pub fixed_leaks: Vec<Leak>,
    pub changed: Vec<FigureChange>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Comparison {
    pub corpora: Vec<CorpusDiff>,
    pub only_old: Vec<String>,
    pub only_new: Vec<String>,
}

fn figures(c: &CorpusReport) -> BTreeMap<String, Figure> {
    let mut m = BTreeMap::new();
    let mut put = |prefix: &str, ms: &Measures| {
        m.insert(format!("{prefix}.binary"), ms.binary);
        m.insert(format!("{prefix}.strict"), ms.strict);
        m.insert(format!("{prefix}.token"), ms.token);
    };
    put("recall", &c.recall);
    put("precision", &c.precision);
    for r in &c.per_label {
        put(&format!("per_label.{}.recall", r.label), &r.recall);
        put(&format!("per_label.{}.precision", r.label), &r.precision);
    }
    for r in &c.per_subtype {
        let sub = r.subtype.as_deref().unwrap_or("-");
        put(&format!("per_subtype.{}/{sub}.recall", r.label), &r.recall);
        put(&format!("per_subtype.{}/{sub}.precision", r.label), &r.precision);
    }
    m.insert("leak_free_documents".into(), c.leak_free_documents);
    m.insert("leak_free_documents_with_phi".into(), c.leak_free_documents_with_phi);
    for g in &c.attribution.groups {
        m.insert(format!("attribution.{}.recall_alone", g.name), g.recall_alone);
        m.insert(format!("attribution.{}.precision_alone", g.name), g.precision_alone);
    }
    m
}

/// Compares two reports corpus by corpus (matched by name).
pub fn compare(old: &Report, new: &Report) -> Comparison {
    let mut out = Comparison::default();
    for n in &new.corpora {
        let Some(o) = old.corpora.iter().find(|o| o.name == n.name) else {
            out.only_new.push(n.name.clone());
            continue;
        };
        let old_keys: BTreeSet<LeakKey> = o.leaks.iter().map(key).collect();
        let new_keys: BTreeSet<LeakKey> = n.leaks.iter().map(key).collect();
        let (fo, fnew) = (figures(o), figures(n));
        let names: BTreeSet<&String> = fo.keys().chain(fnew.keys()).collect();
        let zero = Figure::new(0, 0);
        let changed = names
            .into_iter()
            .filter_map(|k| {
                let (a, b) = (fo.get(k).copied().unwrap_or(zero), fnew.get(k).copied().unwrap_or(zero));
                ((a.hits, a.total) != (b.hits, b.total)).then(|| FigureChange { name: k.clone(), old: a, new: b })
            })
            .collect();
        out.corpora.push(CorpusDiff {
            name: n.name.clone(),
            new_leaks: n.leaks.iter().filter(|l| !old_keys.contains(&key(l))).cloned().collect(),
            fixed_leaks: o.leaks.iter().filter(|l| !new_keys.contains(&key(l))).cloned().collect(),
            changed,
        });
    }
    out.only_old =
        old.corpora.iter().filter(|o| !new.corpora.iter().any(|n| n.name == o.name)).map(|o| o.name.clone()).collect();
    out
}

fn val(f: &Figure) -> String {
    f.value.map(|v| format!("{v:.3}")).unwrap_or_else(|| "n/a".into())
}

/// The comparison as Markdown (it quotes leaked text: local review only).
pub fn render(c: &Comparison) -> String {
    use super::report_md::esc;
    let mut s = format!("# deid eval: comparison\n\n> **{}**\n", super::report_json::NOTICE);
    for name in &c.only_old {
        let _ = writeln!(s, "\nCorpus `{}` is only in the old report.", esc(name));
    }
    for name in &c.only_new {
        let _ = writeln!(s, "\nCorpus `{}` is only in the new report.", esc(name));
    }
    for d in &c.corpora {
        let _ = writeln!(
            s,
            "\n## Corpus `{}`: {} new leaks, {} fixed, {} figures changed\n",
            esc(&d.name),
            d.new_leaks.len(),
            d.fixed_leaks.len(),
            d.changed.len()
        );
        for (title, leaks) in [("New leaks", &d.new_leaks), ("Fixed leaks", &d.fixed_leaks)] {
            if leaks.is_empty() {
                continue;
            }
            let _ = writeln!(s, "### {title}\n\n| document | label | offsets | miss | text |\n|---|---|---|---|---|");
            for l in leaks {
                let _ = writeln!(
                    s,
                    "| {} | {} | {}..{} | {} | {} |",
                    esc(&l.doc_id),
                    l.label,
                    l.start,
                    l.end,
                    if l.partial { "partial" } else { "missed" },
                    esc(&l.text)
                );
            }
            s.push('\n');
        }
        if !d.changed.is_empty() {
            s.push_str("### Changed figures\n\n| figure | old | new | change |\n|---|---|---|---|\n");
            for f in &d.changed {
                let delta = match (f.old.value, f.new.value) {
                    (Some(a), Some(b)) => format!("{:+.3}", b - a),
                    _ => "-".into(),
                };
                let _ = writeln!(
                    s,
                    "| {} | {} ({}/{}) | {} ({}/{}) | {delta} |",
                    esc(&f.name),
                    val(&f.old),
                    f.old.hits,
                    f.old.total,
                    val(&f.new),
                    f.new.hits,
                    f.new.total
                );
            }
        }
    }
    s
}
