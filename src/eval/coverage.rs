//! Coverage: which of the Safe Harbor categories a corpus lets us measure, said in words.
//!
//! A recall of 1.000 on 3 spans proves little, and a category with no example is not
//! measured at all; a reader signing the report must see that as plainly as the figures.

use super::report_json::{CorpusReport, Figure};
use crate::span::Label;

/// Fewer required spans than this and a figure's interval is too wide to lean on.
pub const FEW: u64 = 30;

/// One Safe Harbor category in one corpus.
pub struct CoverageRow {
    /// The paragraph of 45 CFR 164.514(b)(2)(i): `A` … `R`.
    pub section: char,
    pub label: Label,
    pub required_spans: u64,
    pub recall: Figure,
    /// What the figure means, in words.
    pub statement: String,
}

/// The Safe Harbor paragraph each label stands for (`docs/labels.md`).
fn section(label: Label) -> char {
    match label {
        Label::Name => 'A',
        Label::Location => 'B',
        Label::Date | Label::Age => 'C',
        Label::Phone => 'D',
        Label::Fax => 'E',
        Label::Email => 'F',
        Label::Ssn => 'G',
        Label::Mrn => 'H',
        Label::HealthPlan => 'I',
        Label::Account => 'J',
        Label::License => 'K',
        Label::Vehicle => 'L',
        Label::Device => 'M',
        Label::Url => 'N',
        Label::Ip => 'O',
        Label::Biometric => 'P',
        Label::Photo => 'Q',
        Label::Id => 'R',
    }
}

/// Every category, in the rule's order, with what this corpus says about it.
pub fn coverage(c: &CorpusReport) -> Vec<CoverageRow> {
    Label::ALL
        .iter()
        .map(|&label| {
            let row = c.per_label.iter().find(|r| r.label == label.as_str());
            let required_spans = row.map_or(0, |r| r.required_spans);
            let recall = row.map_or_else(|| Figure::new(0, 0), |r| r.recall.binary);
            CoverageRow { section: section(label), label, required_spans, recall, statement: statement(&recall) }
        })
        .collect()
}

fn statement(recall: &Figure) -> String {
    match (recall.value, recall.ci_low, recall.ci_high) {
        (Some(v), Some(lo), Some(hi)) if recall.total < FEW => format!(
            "few examples ({}): {} of {} found ({v:.3}), but with so few the true recall could be anywhere from {lo:.3} to {hi:.3}",
            recall.total, recall.hits, recall.total
        ),
        (Some(v), Some(lo), Some(hi)) => {
            format!("measured: {} of {} found ({v:.3}); 95% interval {lo:.3} to {hi:.3}", recall.hits, recall.total)
        }
        _ => "not measured: the corpus holds no example, so this report says nothing about it".into(),
    }
}

/// How many categories were measured well, measured on few examples, and not at all.
pub fn tally(rows: &[CoverageRow]) -> (usize, usize, usize) {
    let few = rows.iter().filter(|r| (1..FEW).contains(&r.required_spans)).count();
    let none = rows.iter().filter(|r| r.required_spans == 0).count();
    (rows.len() - few - none, few, none)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_say_what_a_figure_can_bear() {
        assert!(statement(&Figure::new(0, 0)).starts_with("not measured"));
        let few = statement(&Figure::new(3, 3));
        assert!(few.starts_with("few examples (3): 3 of 3 found (1.000)") && few.contains("anywhere from 0.439"), "{few}");
        let many = statement(&Figure::new(95, 100));
        assert!(many.starts_with("measured: 95 of 100 found (0.950)"), "{many}");
    }
}
