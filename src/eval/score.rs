//! The figures of `labels.md`, computed on code points.
//!
//! Definitions (also in `evaluation/README.md`):
//! - a span's *significant* characters are its letters and digits
//!   (`char::is_alphanumeric`); a span with none falls back to its
//!   non-whitespace characters, and a span of whitespace alone to all of them,
//!   so that every span has something that must be covered;
//! - a span's *tokens* are its maximal runs of letters and digits (the text
//!   split on whitespace and punctuation); a span without letters or digits has none;
//! - **recall** is over *required* gold spans; **precision** over predicted spans.
//! - binary: a gold span is found when every significant character is covered
//!   by some prediction (any label); a prediction is correct when every
//!   significant character is covered by some gold span (any label, exempt
//!   ones included: redacting a state is allowed, not an error).
//! - strict: same start, end and label as a prediction (recall) / a gold span,
//!   exempt or not (precision).
//! - token: a gold token is found when all its characters are covered by
//!   predictions; a predicted token is correct when all its characters are
//!   covered by gold spans.

use super::corpus::{GoldDoc, GoldSpan, PredSpan};
use super::report_json::{
    Attribution, CorpusReport, ExemptRow, FailedDocument, FalsePositive, FalsePositives, Figure, GoldCounts, GroupRow,
    Leak, Measures, Row, SpanRef,
};
use crate::span::Label;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The characters that must be covered for a span to count as covered.
pub fn significant(chars: &[char], start: usize, end: usize) -> Vec<usize> {
    let pick = |f: &dyn Fn(char) -> bool| (start..end).filter(|&i| f(chars[i])).collect::<Vec<_>>();
    let alnum = pick(&|c| c.is_alphanumeric());
    if !alnum.is_empty() {
        return alnum;
    }
    let visible = pick(&|c| !c.is_whitespace());
    if !visible.is_empty() {
        return visible;
    }
    (start..end).collect()
}

/// Maximal runs of letters and digits in `start..end`, as (start, end) pairs.
pub fn tokens(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for (i, c) in chars.iter().enumerate().take(end).skip(start) {
        match (c.is_alphanumeric(), run) {
            (true, None) => run = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                run = None;
            }
            _ => {}
        }
    }
    if let Some(s) = run {
        out.push((s, end));
    }
    out
}

/// Which characters of a text of `len` code points some span covers.
pub fn mask(len: usize, spans: impl IntoIterator<Item = (usize, usize)>) -> Vec<bool> {
    let mut m = vec![false; len];
    for (s, e) in spans {
        m[s..e.min(len)].iter_mut().for_each(|c| *c = true);
    }
    m
}

/// How one gold span fared.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldResult {
    pub significant: usize,
    pub covered: usize,
    pub strict: bool,
    pub tokens: usize,
    pub tokens_covered: usize,
    /// Attribution groups whose spans cover some significant character.
    pub touched_by: Vec<usize>,
    /// Attribution groups whose spans alone cover every significant character.
    pub found_by_alone: Vec<usize>,
}

impl GoldResult {
    pub fn found(&self) -> bool {
        self.covered == self.significant
    }
}

/// How one predicted span fared.
#[derive(Clone, Debug, PartialEq)]
pub struct PredResult {
    pub correct: bool,
    pub strict: bool,
    pub tokens: usize,
    pub tokens_correct: usize,
    /// The type of a non-PHI entity (`meta.other_spans`) it overlaps.
    pub non_phi_entity: Option<String>,
}

/// One document scored.
#[derive(Clone, Debug, PartialEq)]
pub struct DocResult {
    pub gold: Vec<GoldResult>,
    pub preds: Vec<PredResult>,
    /// Per attribution group: (spans, spans correct in the binary sense).
    pub groups: Vec<(u64, u64)>,
}

fn all_covered(m: &[bool], idx: &[usize]) -> bool {
    idx.iter().all(|&i| m[i])
}

/// Scores one document. `groups[g]` holds attribution group `g`'s spans in this document.
pub fn score_doc(doc: &GoldDoc, preds: &[PredSpan], groups: &[Vec<(usize, usize)>]) -> DocResult {
    let chars = &doc.chars;
    let n = chars.len();
    let pred_mask = mask(n, preds.iter().map(|p| (p.start, p.end)));
    let gold_mask = mask(n, doc.spans.iter().map(|g| (g.start, g.end)));
    let group_masks: Vec<Vec<bool>> = groups.iter().map(|g| mask(n, g.iter().copied())).collect();
    let pred_keys: HashSet<(usize, usize, Label)> = preds.iter().map(|p| (p.start, p.end, p.label)).collect();
    let gold_keys: HashSet<(usize, usize, Label)> = doc.spans.iter().map(|g| (g.start, g.end, g.label)).collect();

    let gold = doc
        .spans
        .iter()
        .map(|g| {
            let sig = significant(chars, g.start, g.end);
            let toks = tokens(chars, g.start, g.end);
            GoldResult {
                significant: sig.len(),
                covered: sig.iter().filter(|&&i| pred_mask[i]).count(),
                strict: pred_keys.contains(&(g.start, g.end, g.label)),
                tokens: toks.len(),
                tokens_covered: toks.iter().filter(|&&(s, e)| pred_mask[s..e].iter().all(|&c| c)).count(),
                touched_by: (0..groups.len()).filter(|&k| sig.iter().any(|&i| group_masks[k][i])).collect(),
                found_by_alone: (0..groups.len()).filter(|&k| all_covered(&group_masks[k], &sig)).collect(),
            }
        })
        .collect();

    let preds = preds
        .iter()
        .map(|p| {
            let toks = tokens(chars, p.start, p.end);
            PredResult {
                correct: all_covered(&gold_mask, &significant(chars, p.start, p.end)),
                strict: gold_keys.contains(&(p.start, p.end, p.label)),
                tokens: toks.len(),
                tokens_correct: toks.iter().filter(|&&(s, e)| gold_mask[s..e].iter().all(|&c| c)).count(),
                non_phi_entity: doc
                    .other_spans
                    .iter()
                    .find(|o| o.start < p.end && p.start < o.end)
                    .map(|o| o.kind.clone()),
            }
        })
        .collect();

    let groups = groups
        .iter()
        .map(|g| {
            let correct = g.iter().filter(|&&(s, e)| all_covered(&gold_mask, &significant(chars, s, e))).count();
            (g.len() as u64, correct as u64)
        })
        .collect();
    DocResult { gold, preds, groups }
}

/// Counts behind one set of [`Measures`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    pub spans: u64,
    pub binary: u64,
    pub strict: u64,
    pub tokens: u64,
    pub tokens_hit: u64,
}

impl Counts {
    pub fn measures(&self) -> Measures {
        Measures {
            binary: Figure::new(self.binary, self.spans),
            strict: Figure::new(self.strict, self.spans),
            token: Figure::new(self.tokens_hit, self.tokens),
        }
    }

    fn add_gold(&mut self, r: &GoldResult) {
        self.spans += 1;
        self.binary += r.found() as u64;
        self.strict += r.strict as u64;
        self.tokens += r.tokens as u64;
        self.tokens_hit += r.tokens_covered as u64;
    }

    fn add_pred(&mut self, r: &PredResult) {
        self.spans += 1;
        self.binary += r.correct as u64;
        self.strict += r.strict as u64;
        self.tokens += r.tokens as u64;
        self.tokens_hit += r.tokens_correct as u64;
    }
}

/// How a gold span's subtype appears in reports: AGE by its exemption band.
pub fn gold_subtype_key(g: &GoldSpan) -> String {
    if g.label == Label::Age {
        return match g.age {
            Some(a) if a <= super::exempt::MAX_EXEMPT_AGE => "89 or less".into(),
            Some(_) => "over 89".into(),
            None => "unread".into(),
        };
    }
    g.subtype.clone().unwrap_or_else(|| "-".into())
}

fn pred_subtype_key(p: &PredSpan) -> String {
    match p.subtype.as_deref() {
        None => "-".into(),
        Some("RELATIVE_DATE") => "RELATIVE".into(),
        Some(s) => s.into(),
    }
}

/// Everything needed to build a corpus's report.
pub struct CorpusInput<'a> {
    pub name: &'a str,
    pub path: String,
    pub predictions: Option<String>,
    pub docs: &'a [GoldDoc],
    pub preds: &'a [Vec<PredSpan>],
    pub results: &'a [DocResult],
    pub group_by: &'a str,
    pub group_names: &'a [String],
    pub failed: Vec<FailedDocument>,
    pub required_only: bool,
    pub top_false_positives: usize,
    pub context_chars: usize,
}

#[derive(Default)]
struct RowAcc {
    recall: Counts,
    leaks: u64,
    partial: u64,
    precision: Counts,
}

fn label_rank(s: &str) -> usize {
    Label::ALL.iter().position(|l| l.as_str() == s).unwrap_or(usize::MAX)
}

/// Sums per-document results into the corpus report.
pub fn aggregate(input: CorpusInput<'_>) -> CorpusReport {
    let mut recall = Counts::default();
    let mut precision = Counts::default();
    let mut per_label: BTreeMap<(usize, String), RowAcc> = BTreeMap::new();
    let mut per_subtype: BTreeMap<(usize, String, String), RowAcc> = BTreeMap::new();
    let mut exempt: BTreeMap<(usize, String, String), ExemptRow> = BTreeMap::new();
    let ng = input.group_names.len();
    let (mut g_spans, mut g_correct, mut g_hits, mut g_sole, mut g_alone) =
        (vec![0u64; ng], vec![0u64; ng], vec![0u64; ng], vec![0u64; ng], vec![0u64; ng]);
    let mut leaks = Vec::new();
    let mut fps: HashMap<(String, String), FalsePositive> = HashMap::new();
    let (mut fp_spans, mut gold_counts, mut predicted, mut with_phi, mut leak_free, mut leak_free_phi) =
        (0u64, GoldCounts { total: 0, required: 0, exempt: 0 }, 0u64, 0u64, 0u64, 0u64);
    let mut overlapping_preds = 0u64;

    for ((doc, preds), res) in input.docs.iter().zip(input.preds).zip(input.results) {
        let mut doc_leaks = 0;
        let mut doc_required = 0;
        for (g, r) in doc.spans.iter().zip(&res.gold) {
            gold_counts.total += 1;
            let label = g.label.as_str().to_string();
            let sub = gold_subtype_key(g);
            let rank = label_rank(&label);
            if !g.required {
                gold_counts.exempt += 1;
                let row = exempt.entry((rank, label.clone(), sub.clone())).or_insert_with(|| ExemptRow {
                    label: label.clone(),
                    subtype: sub.clone(),
                    spans: 0,
                    redacted: 0,
                    partly_redacted: 0,
                });
                row.spans += 1;
                row.redacted += r.found() as u64;
                row.partly_redacted += (!r.found() && r.covered > 0) as u64;
                continue;
            }
            gold_counts.required += 1;
            doc_required += 1;
            recall.add_gold(r);
            let leaked = !r.found();
            let partial = leaked && r.covered > 0;
            for acc in [
                per_label.entry((rank, label.clone())).or_default(),
                per_subtype.entry((rank, label.clone(), sub.clone())).or_default(),
            ] {
                acc.recall.add_gold(r);
                acc.leaks += leaked as u64;
                acc.partial += partial as u64;
            }
            for &k in &r.touched_by {
                if r.found() {
                    g_hits[k] += 1;
                    g_sole[k] += (r.touched_by.len() == 1) as u64;
                }
            }
            for &k in &r.found_by_alone {
                g_alone[k] += 1;
            }
            if leaked {
                doc_leaks += 1;
                let ctx = input.context_chars;
                leaks.push(Leak {
                    doc_id: doc.id.clone(),
                    label: label.clone(),
                    subtype: g.subtype.clone(),
                    start: g.start,
                    end: g.end,
                    text: doc.chars[g.start..g.end].iter().collect(),
                    partial,
                    covered_chars: r.covered,
                    significant_chars: r.significant,
                    context_before: doc.chars[g.start.saturating_sub(ctx)..g.start].iter().collect(),
                    context_after: doc.chars[g.end..(g.end + ctx).min(doc.chars.len())].iter().collect(),
                    touched_by: r.touched_by.iter().map(|&k| input.group_names[k].clone()).collect(),
                });
            }
        }
        with_phi += (doc_required > 0) as u64;
        leak_free += (doc_leaks == 0) as u64;
        leak_free_phi += (doc_required > 0 && doc_leaks == 0) as u64;

        overlapping_preds += preds.windows(2).filter(|w| w[1].start < w[0].end).count() as u64;
        for (p, r) in preds.iter().zip(&res.preds) {
            predicted += 1;
            precision.add_pred(r);
            let label = p.label.as_str().to_string();
            let rank = label_rank(&label);
            per_label.entry((rank, label.clone())).or_default().precision.add_pred(r);
            per_subtype.entry((rank, label.clone(), pred_subtype_key(p))).or_default().precision.add_pred(r);
            if !r.correct {
                fp_spans += 1;
                let text: String = doc.chars[p.start..p.end].iter().collect();
                let fp = fps.entry((label.clone(), text.clone())).or_insert_with(|| FalsePositive {
                    label,
                    text,
                    count: 0,
                    non_phi_entity: None,
                    examples: Vec::new(),
                });
                fp.count += 1;
                if fp.non_phi_entity.is_none() {
                    fp.non_phi_entity = r.non_phi_entity.clone();
                }
                if fp.examples.len() < 3 {
                    fp.examples.push(SpanRef { doc_id: doc.id.clone(), start: p.start, end: p.end });
                }
            }
        }
        for (k, &(s, c)) in res.groups.iter().enumerate() {
            g_spans[k] += s;
            g_correct[k] += c;
        }
    }

    let row = |label: String, subtype: Option<String>, a: &RowAcc| Row {
        label,
        subtype,
        required_spans: a.recall.spans,
        leaks: a.leaks,
        partial_leaks: a.partial,
        recall: a.recall.measures(),
        predicted_spans: a.precision.spans,
        precision: a.precision.measures(),
    };
    let distinct = fps.len() as u64;
    let mut top: Vec<FalsePositive> = fps.into_values().collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)).then_with(|| a.text.cmp(&b.text)));
    top.truncate(input.top_false_positives);
    let mut notes = Vec::new();
    if overlapping_preds > 0 {
        notes.push(format!(
            "{overlapping_preds} predicted spans overlap the one before them; each is scored on its own, so a shared token counts once per span in token precision"
        ));
    }
    let docs = input.docs.len() as u64;
    CorpusReport {
        name: input.name.to_string(),
        path: input.path,
        predictions: input.predictions,
        documents: docs,
        documents_with_phi: with_phi,
        gold_spans: gold_counts,
        predicted_spans: predicted,
        recall: recall.measures(),
        precision: precision.measures(),
        leak_free_documents: Figure::new(leak_free, docs),
        leak_free_documents_with_phi: Figure::new(leak_free_phi, with_phi),
        per_label: per_label.iter().map(|((_, l), a)| row(l.clone(), None, a)).collect(),
        per_subtype: per_subtype.iter().map(|((_, l, s), a)| row(l.clone(), Some(s.clone()), a)).collect(),
        exempt: (!input.required_only).then(|| exempt.into_values().collect()),
        attribution: Attribution {
            by: input.group_by.to_string(),
            groups: (0..ng)
                .map(|k| GroupRow {
                    name: input.group_names[k].clone(),
                    spans: g_spans[k],
                    hits: g_hits[k],
                    sole_hits: g_sole[k],
                    recall_alone: Figure::new(g_alone[k], recall.spans),
                    precision_alone: Figure::new(g_correct[k], g_spans[k]),
                })
                .collect(),
        },
        leaks,
        false_positives: FalsePositives { spans: fp_spans, distinct, top },
        failed_documents: input.failed,
        notes,
    }
}

#[cfg(test)]
#[path = "score_tests.rs"]
mod tests;
