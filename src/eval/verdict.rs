//! The verdict: a run judged against the targets a privacy officer set
//! (`deid eval --min-recall 0.95 --min-recall NAME=0.99 --min-precision 0.9`).
//!
//! Targets are on binary figures (a leak is a leak, whatever label caught it), overall or for
//! one label, and every corpus must meet each of them. A target whose figure has nothing to
//! count (no gold span of that label in a corpus) is **not met**: a claim cannot rest on no
//! evidence, and the report says so in words rather than passing silently.

use super::report_json::{CorpusReport, Figure};
use crate::error::{Error, Result};
use crate::span::Label;
use serde::{Deserialize, Serialize};

/// Which figure a target is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    Recall,
    Precision,
}

/// One target: `0.95` (overall) or `NAME=0.99` (one label).
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub measure: Measure,
    pub label: Option<Label>,
    pub min: f64,
}

impl Target {
    /// Parses a `--min-recall` / `--min-precision` value.
    pub fn parse(measure: Measure, spec: &str) -> Result<Target> {
        let bad = || {
            Error::config(format!(
                "deid eval: a target is a figure between 0 and 1, alone (0.95) or after a label (NAME=0.99); got `{spec}`"
            ))
        };
        let (label, value) = match spec.split_once('=') {
            Some((l, v)) => (Some(Label::parse(l.trim()).ok_or_else(bad)?), v),
            None => (None, spec),
        };
        let min: f64 = value.trim().parse().map_err(|_| bad())?;
        if !(0.0..=1.0).contains(&min) {
            return Err(bad());
        }
        Ok(Target { measure, label, min })
    }
}

/// A target checked on one corpus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub corpus: String,
    pub measure: Measure,
    /// `null` for the overall figure.
    pub label: Option<String>,
    pub target: f64,
    /// The binary figure it was judged on (`value` is `null` when there was nothing to count).
    pub figure: Figure,
    pub met: bool,
}

impl Check {
    /// What the check says, in words: `recall of NAME 0.962 ≥ 0.95: met`.
    pub fn describe(&self) -> String {
        let what = match (&self.measure, &self.label) {
            (Measure::Recall, None) => "recall".to_string(),
            (Measure::Precision, None) => "precision".to_string(),
            (Measure::Recall, Some(l)) => format!("recall of {l}"),
            (Measure::Precision, Some(l)) => format!("precision of {l}"),
        };
        match self.figure.value {
            Some(v) => format!(
                "{}: {what} {v:.3} ({}/{}), target {:.3}: {}",
                self.corpus,
                self.figure.hits,
                self.figure.total,
                self.target,
                if self.met { "met" } else { "NOT MET" }
            ),
            None => format!(
                "{}: {what} not measured (the corpus holds nothing to count), target {:.3}: NOT MET",
                self.corpus, self.target
            ),
        }
    }
}

/// Every target on every corpus, and whether all were met.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub passed: bool,
    pub checks: Vec<Check>,
}

impl Verdict {
    /// The verdict in words, as every report format and the terminal show it.
    pub fn summary(&self) -> &'static str {
        if self.passed {
            "every target met"
        } else {
            "a target was NOT met"
        }
    }
}

/// Judges the corpora's figures against the targets; `None` when there are no targets.
pub fn judge(targets: &[Target], corpora: &[CorpusReport]) -> Option<Verdict> {
    if targets.is_empty() {
        return None;
    }
    let mut checks = Vec::new();
    for c in corpora {
        for t in targets {
            let figure = figure_for(c, t);
            let met = figure.value.is_some_and(|v| v >= t.min);
            checks.push(Check {
                corpus: c.name.clone(),
                measure: t.measure,
                label: t.label.map(|l| l.as_str().to_string()),
                target: t.min,
                figure,
                met,
            });
        }
    }
    Some(Verdict { passed: checks.iter().all(|c| c.met), checks })
}

/// The binary figure a target is about.
fn figure_for(c: &CorpusReport, t: &Target) -> Figure {
    let pick = |recall: &Figure, precision: &Figure| match t.measure {
        Measure::Recall => *recall,
        Measure::Precision => *precision,
    };
    match t.label {
        None => pick(&c.recall.binary, &c.precision.binary),
        Some(label) => c
            .per_label
            .iter()
            .find(|r| r.label == label.as_str())
            .map(|r| pick(&r.recall.binary, &r.precision.binary))
            .unwrap_or_else(|| Figure::new(0, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_overall_and_per_label() {
        assert_eq!(Target::parse(Measure::Recall, "0.95").unwrap(), Target { measure: Measure::Recall, label: None, min: 0.95 });
        let t = Target::parse(Measure::Precision, "NAME=0.9").unwrap();
        assert_eq!((t.label, t.min), (Some(Label::Name), 0.9));
        for bad in ["1.5", "-0.1", "abc", "NOPE=0.9", "NAME=", "=0.9", ""] {
            assert!(Target::parse(Measure::Recall, bad).is_err(), "{bad:?}");
        }
    }
}
