//! Evaluation harness: scores the engine, or a prediction file, against labeled
//! corpora (`shared/spec/labels.md`) and writes the recall report privacy
//! officers sign off on (`report.json`, `report.md`, `report.html`).
//!
//! - [`corpus`] reads and validates gold and prediction files;
//! - [`exempt`] decides which gold spans Safe Harbor requires removed;
//! - [`score`] computes the figures; [`wilson`] their intervals;
//! - [`report_json`], [`report_md`], [`report_html`] write the report, [`glossary`] its terms in words;
//!   [`report_public`] the version without corpus text, for the file, with a sign-off block;
//! - [`compare`] diffs two reports for regression review;
//! - [`verdict`] judges a run against the targets a privacy officer set;
//! - [`provenance`] records what the figures were measured with; [`coverage`] says which
//!   Safe Harbor categories a corpus lets us measure.

pub mod compare;
pub mod corpus;
pub mod coverage;
pub mod exempt;
pub mod glossary;
pub mod provenance;
pub mod report_html;
pub mod report_json;
pub mod report_md;
pub mod report_public;
pub mod score;
pub mod verdict;
pub mod wilson;

use crate::config::Config;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::offsets::spans_to_code_points;
use crate::policy;
use corpus::{Corpus, PredSpan};
use rayon::prelude::*;
use report_json::{CorpusReport, FailedDocument, Report};
use std::path::{Path, PathBuf};

/// `deid eval` arguments.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct EvalArgs {
    /// A labeled corpus (JSONL, labels.md); repeat for several.
    #[arg(long = "corpus", value_name = "GOLD.jsonl")]
    pub corpus: Vec<PathBuf>,
    /// Directory to write report.json, report.md, report.html (these quote the corpus),
    /// report-public.html (no corpus text, with a sign-off block) and summary.md into.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Leave exempt spans (states, years, relative dates, ages ≤ 89) out of the report entirely;
    /// recall never counts them either way.
    #[arg(long)]
    pub required_only: bool,
    /// Score this prediction file (`deid detect` output) instead of running the engine;
    /// give one per --corpus, in the same order.
    #[arg(long = "predictions", value_name = "PRED.jsonl")]
    pub predictions: Vec<PathBuf>,
    /// Engine configuration (TOML); the default configuration when absent.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compare two reports: new and fixed leaks, changed figures.
    #[arg(long, num_args = 2, value_names = ["OLD.json", "NEW.json"], conflicts_with_all = ["corpus", "report", "predictions", "config"])]
    pub compare: Option<Vec<PathBuf>>,
    /// How many of the most frequent false positives to list.
    #[arg(long, default_value_t = 50)]
    pub top_false_positives: usize,
    /// Characters of context shown on each side of a leak.
    #[arg(long, default_value_t = 40)]
    pub context: usize,
    /// A recall target every corpus must meet: `0.95` (binary recall) or `NAME=0.99` (one
    /// label); repeat for several. A missed target makes the exit status 1.
    #[arg(long = "min-recall", value_name = "[LABEL=]FIGURE")]
    pub min_recall: Vec<String>,
    /// A precision target, as `--min-recall`.
    #[arg(long = "min-precision", value_name = "[LABEL=]FIGURE")]
    pub min_precision: Vec<String>,
}

/// What produces the predictions.
pub enum Predictor<'a> {
    /// Run the engine; attribution by detector.
    Engine(&'a Engine),
    /// Spans read from a prediction file, one list per gold document; attribution by `source`.
    Spans { path: &'a Path, spans: Vec<Vec<PredSpan>> },
}

/// Options that shape a report but not the figures.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub required_only: bool,
    pub top_false_positives: usize,
    pub context_chars: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { required_only: false, top_false_positives: 50, context_chars: 40 }
    }
}

/// Runs `deid eval`. `Ok(false)` when the run missed a target (`--min-recall`, `--min-precision`).
pub fn run(args: &EvalArgs) -> Result<bool> {
    if let Some(paths) = &args.compare {
        let old = report_json::read(&paths[0])?;
        let new = report_json::read(&paths[1])?;
        print!("{}", compare::render(&compare::compare(&old, &new)));
        return Ok(true);
    }
    let targets = (args.min_recall.iter().map(|t| verdict::Target::parse(verdict::Measure::Recall, t)))
        .chain(args.min_precision.iter().map(|t| verdict::Target::parse(verdict::Measure::Precision, t)))
        .collect::<Result<Vec<_>>>()?;
    let usage = |m: &str| Error::config(format!("deid eval: {m}"));
    let dir = args.report.as_ref().ok_or_else(|| usage("--report DIR is required"))?;
    if args.corpus.is_empty() {
        return Err(usage("give at least one --corpus GOLD.jsonl"));
    }
    if !args.predictions.is_empty() && args.predictions.len() != args.corpus.len() {
        return Err(usage("give one --predictions file per --corpus, in the same order"));
    }
    if !args.predictions.is_empty() && args.config.is_some() {
        return Err(usage("--config has no effect when scoring --predictions; leave one out"));
    }
    let opts = Options {
        required_only: args.required_only,
        top_false_positives: args.top_false_positives,
        context_chars: args.context,
    };
    let corpora = args.corpus.iter().map(|p| corpus::load_corpus(p)).collect::<Result<Vec<Corpus>>>()?;

    let corpus_paths: Vec<&Path> = args.corpus.iter().map(PathBuf::as_path).collect();
    let (report, provenance) = if args.predictions.is_empty() {
        let config = match &args.config {
            Some(p) => Config::from_toml_file(p)?,
            None => Config::default(),
        };
        let provenance = provenance::gather(Some(&config), &corpus_paths)?;
        let engine = Engine::new(config)?;
        let reports = corpora.iter().map(|c| evaluate_corpus(c, Predictor::Engine(&engine), opts)).collect();
        let config = serde_json::to_value(engine.config()).ok();
        (new_report("engine", config, opts, reports), provenance)
    } else {
        let provenance = provenance::gather(None, &corpus_paths)?;
        let mut reports = Vec::new();
        for (c, p) in corpora.iter().zip(&args.predictions) {
            let spans = corpus::load_predictions(p, c)?;
            reports.push(evaluate_corpus(c, Predictor::Spans { path: p, spans }, opts));
        }
        (new_report("predictions", None, opts, reports), provenance)
    };
    let report =
        Report { verdict: verdict::judge(&targets, &report.corpora), provenance: Some(provenance), ..report };
    write_report(&report, dir)?;
    for c in &report.corpora {
        // Figures only: nothing from the corpus text reaches the terminal.
        eprintln!("{}", report_md::summary_line(c));
    }
    eprintln!(
        "report written to {} (report.json, .md, .html contain PHI: local review only; report-public.html holds no corpus text, for the file)",
        dir.display()
    );
    let Some(verdict) = &report.verdict else { return Ok(true) };
    for check in &verdict.checks {
        eprintln!("  {}", check.describe());
    }
    eprintln!("verdict: {}", verdict.summary());
    Ok(verdict.passed)
}

/// Assembles a [`Report`] from per-corpus reports.
pub fn new_report(mode: &str, config: Option<serde_json::Value>, opts: Options, corpora: Vec<CorpusReport>) -> Report {
    Report {
        schema: report_json::SCHEMA.into(),
        notice: report_json::NOTICE.into(),
        generator: format!("deid {}", env!("CARGO_PKG_VERSION")),
        mode: mode.into(),
        config,
        required_only: opts.required_only,
        corpora,
        verdict: None,
        provenance: None,
    }
}

/// Writes `report.json`, `report.md`, `report.html` (these quote the corpus), and
/// `report-public.html` and `summary.md` (figures and counts only, no corpus text) into `dir`.
pub fn write_report(report: &Report, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::input(format!("cannot create {}: {e}", dir.display())))?;
    report_json::write(report, &dir.join("report.json"))?;
    let write = |name: &str, s: String| {
        let p = dir.join(name);
        std::fs::write(&p, s).map_err(|e| Error::input(format!("cannot write {}: {e}", p.display())))
    };
    write("report.md", report_md::render(report))?;
    write("report.html", report_html::render(report))?;
    write("report-public.html", report_public::render(report))?;
    write("summary.md", report_md::summary_table(report))
}

/// Scores one corpus, in parallel over its documents.
pub fn evaluate_corpus(corpus: &Corpus, predictor: Predictor<'_>, opts: Options) -> CorpusReport {
    let (predictions, group_by, group_names, per_doc): (Option<String>, &str, Vec<String>, Vec<DocPreds>) =
        match predictor {
            Predictor::Engine(engine) => {
                // Unique, in the engine's order: two detectors sharing a name share a row.
                let mut names: Vec<String> = Vec::new();
                for n in engine.detector_names() {
                    if !names.iter().any(|m| m == n) {
                        names.push(n.to_string());
                    }
                }
                let per_doc = corpus.docs.par_iter().map(|d| run_engine(engine, &d.chars, &names)).collect();
                (None, "detector", names, per_doc)
            }
            Predictor::Spans { path, spans } => {
                let mut names: Vec<String> = spans.iter().flatten().map(|s| s.source.clone()).collect();
                names.sort();
                names.dedup();
                let per_doc = spans
                    .into_iter()
                    .map(|s| {
                        let groups = names
                            .iter()
                            .map(|n| s.iter().filter(|p| &p.source == n).map(|p| (p.start, p.end)).collect())
                            .collect();
                        DocPreds { spans: s, groups, error: None }
                    })
                    .collect();
                (Some(path.display().to_string()), "source", names, per_doc)
            }
        };
    let results: Vec<score::DocResult> =
        corpus.docs.par_iter().zip(&per_doc).map(|(d, p)| score::score_doc(d, &p.spans, &p.groups)).collect();
    let failed = corpus
        .docs
        .iter()
        .zip(&per_doc)
        .filter_map(|(d, p)| p.error.clone().map(|error| FailedDocument { doc_id: d.id.clone(), error }))
        .collect();
    let preds: Vec<Vec<PredSpan>> = per_doc.into_iter().map(|p| p.spans).collect();
    score::aggregate(score::CorpusInput {
        name: &corpus.name,
        path: corpus.path.display().to_string(),
        predictions,
        docs: &corpus.docs,
        preds: &preds,
        results: &results,
        group_by,
        group_names: &group_names,
        failed,
        required_only: opts.required_only,
        top_false_positives: opts.top_false_positives,
        context_chars: opts.context_chars,
    })
}

/// One document's predictions, its attribution groups' spans, and the engine's error if it failed.
struct DocPreds {
    spans: Vec<PredSpan>,
    groups: Vec<Vec<(usize, usize)>>,
    error: Option<String>,
}

/// Runs the engine on one document: its final spans (`Engine::detect`) and, for
/// attribution, each detector's spans after the same policy and threshold.
/// A failing document yields no spans (all its PHI counts as missed) and its error.
fn run_engine(engine: &Engine, chars: &[char], names: &[String]) -> DocPreds {
    let text: String = chars.iter().collect();
    let run = || -> Result<DocPreds> {
        let spans = spans_to_code_points(&text, &engine.detect(&text)?)
            .into_iter()
            .map(|s| PredSpan {
                start: s.start,
                end: s.end,
                label: s.label,
                subtype: s
                    .subtype
                    .and_then(|st| serde_json::to_value(st).ok())
                    .and_then(|v| v.as_str().map(str::to_string)),
                source: serde_json::to_value(s.source)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            })
            .collect();
        let mut groups = vec![Vec::new(); names.len()];
        for (name, mut raw) in engine.detect_by_detector(&text)? {
            policy::apply(engine.config(), &mut raw);
            let k = names.iter().position(|n| n == name).expect("detector names come from the engine");
            groups[k].extend(spans_to_code_points(&text, &raw).into_iter().map(|s| (s.start, s.end)));
        }
        Ok(DocPreds { spans, groups, error: None })
    };
    run().unwrap_or_else(|e| DocPreds {
        spans: Vec::new(),
        groups: vec![Vec::new(); names.len()],
        error: Some(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::{Detector, Document};
    use crate::span::{Label, Source, Span};

    /// Reports `NAME` on every "Zoë" (byte offsets, as detectors do) and an age of 45.
    struct Zoe;
    impl Detector for Zoe {
        fn name(&self) -> &'static str {
            "zoe"
        }
        fn detect(&self, doc: &Document<'_>, out: &mut Vec<Span>) -> crate::Result<()> {
            for (i, _) in doc.text.match_indices("Zoë") {
                out.push(Span::new(i, i + "Zoë".len(), Label::Name, 0.9, Source::Dictionary));
            }
            if let Some(i) = doc.text.find("45") {
                out.push(Span::new(i, i + 2, Label::Age, 0.9, Source::Pattern).with_age(45));
            }
            Ok(())
        }
    }

    struct Fails;
    impl Detector for Fails {
        fn name(&self) -> &'static str {
            "fails"
        }
        fn detect(&self, doc: &Document<'_>, _: &mut Vec<Span>) -> crate::Result<()> {
            if doc.text.contains("boom") {
                panic!("detector bug");
            }
            Ok(())
        }
    }

    fn corpus(lines: &str) -> Corpus {
        corpus::parse_corpus(Path::new("g.jsonl"), lines.as_bytes()).unwrap()
    }

    #[test]
    fn engine_mode_converts_offsets_attributes_and_fails_closed() {
        let c = corpus(concat!(
            r#"{"id":"a","text":"Ünal and Zoë, 45","spans":[{"start":0,"end":4,"label":"NAME","text":"Ünal"},{"start":9,"end":12,"label":"NAME","text":"Zoë"},{"start":14,"end":16,"label":"AGE","text":"45"}]}"#,
            "\n",
            r#"{"id":"b","text":"Zoë boom","spans":[{"start":0,"end":3,"label":"NAME","text":"Zoë"}]}"#
        ));
        let engine = Engine::with_detectors(Config::default(), vec![Box::new(Zoe), Box::new(Fails)]).unwrap();
        let r = evaluate_corpus(&c, Predictor::Engine(&engine), Options::default());
        // Doc a: Zoë found (code points 9..12, though bytes 10..14), Ünal missed; the age 45 is exempt
        // and the policy drops the engine's AGE span. Doc b failed: its Zoë counts as missed.
        assert_eq!((r.recall.binary.hits, r.recall.binary.total), (1, 3));
        assert_eq!((r.recall.strict.hits, r.predicted_spans), (1, 1));
        assert_eq!(r.failed_documents.len(), 1);
        assert_eq!(r.failed_documents[0].doc_id, "b");
        assert!(!r.failed_documents[0].error.contains("Zoë"));
        assert_eq!(r.attribution.by, "detector");
        let zoe = &r.attribution.groups[0];
        assert_eq!((zoe.name.as_str(), zoe.spans, zoe.hits, zoe.sole_hits, zoe.recall_alone.hits), ("zoe", 1, 1, 1, 1));
        assert_eq!(r.attribution.groups[1].name, "fails");
        assert_eq!(r.leaks.iter().map(|l| l.doc_id.as_str()).collect::<Vec<_>>(), vec!["a", "b"]);
    }

    #[test]
    fn compare_lists_new_and_fixed_leaks_and_changed_figures() {
        let c = corpus(
            r#"{"id":"a","text":"Ann and Bob","spans":[{"start":0,"end":3,"label":"NAME","text":"Ann"},{"start":8,"end":11,"label":"NAME","text":"Bob"}]}"#,
        );
        let p = |spans: &str| {
            corpus::parse_predictions(Path::new("p"), format!(r#"{{"id":"a","spans":[{spans}]}}"#).as_bytes(), &c)
                .unwrap()
        };
        let old = evaluate_corpus(
            &c,
            Predictor::Spans { path: Path::new("p"), spans: p(r#"{"start":0,"end":3,"label":"NAME"}"#) },
            Options::default(),
        );
        let new = evaluate_corpus(
            &c,
            Predictor::Spans { path: Path::new("p"), spans: p(r#"{"start":8,"end":11,"label":"NAME"}"#) },
            Options::default(),
        );
        let (old, new) = (
            new_report("predictions", None, Options::default(), vec![old]),
            new_report("predictions", None, Options::default(), vec![new]),
        );
        let d = compare::compare(&old, &new);
        assert_eq!(d.corpora[0].new_leaks.len(), 1);
        assert_eq!(d.corpora[0].new_leaks[0].text, "Ann");
        assert_eq!(d.corpora[0].fixed_leaks[0].text, "Bob");
        // Recall stays 1/2: a different span leaks, no figure moves except attribution by source.
        assert!(d.corpora[0].changed.iter().all(|c| !c.name.starts_with("recall")), "{:?}", d.corpora[0].changed);
        let text = compare::render(&d);
        assert!(text.contains("1 new leaks, 1 fixed"), "{text}");
        let same = compare::compare(&old, &old);
        assert!(same.corpora[0].new_leaks.is_empty() && same.corpora[0].changed.is_empty());
    }
}
