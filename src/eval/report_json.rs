//! `report.json`: the machine-readable report. Its keys are stable (`SCHEMA`
//! names the version); `evaluation/README.md` documents every one, and
//! `deid eval --compare` reads two of these files.

use super::wilson::wilson;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Bumped when a key changes meaning or disappears (adding keys does not bump it).
pub const SCHEMA: &str = "deid-eval-report/1";

/// Said at the top of every report: leaks and false positives quote the corpus.
pub const NOTICE: &str = "This report quotes text from the evaluation corpora, which may contain PHI. \
It is for local review only: do not commit, publish or share it.";

/// A proportion with the counts behind it and its 95% Wilson interval.
/// `value`, `ci_low` and `ci_high` are `null` when `total` is 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub hits: u64,
    pub total: u64,
    pub value: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Figure {
    pub fn new(hits: u64, total: u64) -> Figure {
        let ci = wilson(hits, total);
        Figure {
            hits,
            total,
            value: (total > 0).then(|| hits as f64 / total as f64),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
        }
    }
}

/// The three ways of counting (labels.md): binary entity, strict entity, token.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    pub binary: Figure,
    pub strict: Figure,
    pub token: Figure,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub notice: String,
    /// `deid <version>`.
    pub generator: String,
    /// `engine` (the engine ran) or `predictions` (a prediction file was scored).
    pub mode: String,
    /// The engine configuration used (engine mode), else `null`.
    pub config: Option<serde_json::Value>,
    pub required_only: bool,
    pub corpora: Vec<CorpusReport>,
    /// The run judged against `--min-recall` / `--min-precision`; `null` without targets.
    #[serde(default)]
    pub verdict: Option<super::verdict::Verdict>,
    /// What the figures were measured with (time, version, commit, configuration, model,
    /// corpus files, machine); `null` in reports written before it existed.
    #[serde(default)]
    pub provenance: Option<super::provenance::Provenance>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusReport {
    /// The corpus file's stem.
    pub name: String,
    pub path: String,
    /// The prediction file scored, or `null` in engine mode.
    pub predictions: Option<String>,
    pub documents: u64,
    /// Documents holding at least one required gold span.
    pub documents_with_phi: u64,
    pub gold_spans: GoldCounts,
    pub predicted_spans: u64,
    pub recall: Measures,
    pub precision: Measures,
    /// Documents with no missed required span, over all documents.
    pub leak_free_documents: Figure,
    /// The same over the documents that hold required spans.
    pub leak_free_documents_with_phi: Figure,
    pub per_label: Vec<Row>,
    pub per_subtype: Vec<Row>,
    /// How often exempt gold spans were redacted anyway; `null` with `--required-only`.
    pub exempt: Option<Vec<ExemptRow>>,
    pub attribution: Attribution,
    pub leaks: Vec<Leak>,
    pub false_positives: FalsePositives,
    /// Documents the engine failed on (fail closed): every span in them counts as missed.
    pub failed_documents: Vec<FailedDocument>,
    /// Things a reader should know about this run (overlapping predictions, …).
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoldCounts {
    pub total: u64,
    pub required: u64,
    pub exempt: u64,
}

/// Figures for one label (or one label and subtype): recall over the required
/// gold spans of that kind, precision over the predicted spans of that kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub label: String,
    /// `null` in `per_label`; `-` when a span has none; AGE uses `89 or less` / `over 89` / `unread`.
    pub subtype: Option<String>,
    pub required_spans: u64,
    pub leaks: u64,
    pub partial_leaks: u64,
    pub recall: Measures,
    pub predicted_spans: u64,
    pub precision: Measures,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExemptRow {
    pub label: String,
    pub subtype: String,
    pub spans: u64,
    /// Every letter and digit covered by predictions (over-redaction, not an error).
    pub redacted: u64,
    pub partly_redacted: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// `detector` (engine mode: `Engine::detect_by_detector` after the policy) or
    /// `source` (prediction files: their spans' `source` field).
    pub by: String,
    pub groups: Vec<GroupRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub name: String,
    /// Spans it reported (after the policy and threshold).
    pub spans: u64,
    /// Required gold spans found by the whole system that this group touched.
    pub hits: u64,
    /// Hits no other group touched: what this group alone earns.
    pub sole_hits: u64,
    /// Binary recall with this group's spans alone.
    pub recall_alone: Figure,
    /// Binary precision of this group's spans alone.
    pub precision_alone: Figure,
}

/// A required gold span not fully covered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leak {
    pub doc_id: String,
    pub label: String,
    pub subtype: Option<String>,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Some, not all, of its letters and digits were covered.
    pub partial: bool,
    pub covered_chars: usize,
    pub significant_chars: usize,
    pub context_before: String,
    pub context_after: String,
    /// Attribution groups whose spans touched it.
    pub touched_by: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FalsePositives {
    /// Predicted spans not correct in the binary sense.
    pub spans: u64,
    /// Distinct (label, text) pairs among them.
    pub distinct: u64,
    /// The most frequent, most frequent first.
    pub top: Vec<FalsePositive>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FalsePositive {
    pub label: String,
    pub text: String,
    pub count: u64,
    /// When the span lies on a non-PHI entity the corpus marks (`meta.other_spans`): its type.
    pub non_phi_entity: Option<String>,
    pub examples: Vec<SpanRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpanRef {
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailedDocument {
    pub doc_id: String,
    pub error: String,
}

/// Writes `report.json`, pretty-printed so that diffs of two reports read well.
pub fn write(report: &Report, path: &Path) -> Result<()> {
    let s =
        serde_json::to_string_pretty(report).map_err(|e| Error::input(format!("cannot serialise the report: {e}")))?;
    std::fs::write(path, s + "\n").map_err(|e| Error::input(format!("cannot write {}: {e}", path.display())))
}

/// Reads a `report.json` (for `--compare`), refusing other schemas.
pub fn read(path: &Path) -> Result<Report> {
    let s = std::fs::read_to_string(path).map_err(|e| Error::input(format!("cannot read {}: {e}", path.display())))?;
    let v: serde_json::Value = serde_json::from_str(&s).map_err(|e| {
        Error::input(format!("{}:{}: malformed JSON at column {}", path.display(), e.line(), e.column()))
    })?;
    match v.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        _ => return Err(Error::input(format!("{}: not a deid eval report (schema {SCHEMA})", path.display()))),
    }
    // The report is ours, but a hand-edited one must not echo its contents either.
    serde_json::from_value(v)
        .map_err(|_| Error::input(format!("{}: report does not follow schema {SCHEMA}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_figures_are_null_not_zero() {
        let f = Figure::new(0, 0);
        assert_eq!((f.value, f.ci_low, f.ci_high), (None, None, None));
        let f = Figure::new(29, 30);
        assert!((f.value.unwrap() - 0.966_666).abs() < 1e-5);
        assert!((f.ci_low.unwrap() - 0.8333).abs() < 1e-4);
    }
}
