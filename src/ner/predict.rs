//! Runs the tagger alone over a JSONL corpus and writes its spans, for
//! measuring the model by itself (recall per label, throughput) before it
//! joins the pipeline. The output is `{"id", "spans": [...]}` per line with
//! code-point offsets, after the Safe Harbor policy (exempt spans dropped).

use crate::detectors::ner::NerDetector;
use crate::detectors::{Detector, Document};
use crate::error::{Error, Result};
use crate::offsets::spans_to_code_points;
use crate::policy;
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Instant;

/// What a prediction run measured.
#[derive(Clone, Debug)]
pub struct PredictStats {
    pub documents: usize,
    pub pieces: usize,
    /// Wall-clock seconds of tagging (tokenising included, I/O excluded).
    pub seconds: f64,
}

/// Tags every record's `text` in `input` with the model in `model_dir`; writes spans to `output`.
pub fn predict_jsonl(model_dir: &Path, input: &Path, output: &Path) -> Result<PredictStats> {
    let detector = NerDetector::load(model_dir)?;
    let mut records = Vec::new();
    for (n, line) in std::io::BufReader::new(std::fs::File::open(input)?).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|_| Error::input(format!("{} line {}: invalid JSON", input.display(), n + 1)))?;
        let text = v["text"].as_str().ok_or_else(|| Error::input(format!("{} line {}: no text", input.display(), n + 1)))?;
        records.push((v["id"].clone(), text.to_string()));
    }
    // Count pieces outside the timed region, so the rate is the detector's alone.
    let pieces = records
        .iter()
        .map(|(_, text)| detector.model().tokenizer().pieces(text).map(|p| p.ids.len()))
        .sum::<Result<usize>>()?;
    let start = Instant::now();
    let results: Vec<Result<Vec<crate::span::Span>>> = records
        .par_iter()
        .map(|(_, text)| {
            let mut spans = Vec::new();
            detector.detect(&Document::new(text), &mut spans)?;
            spans.retain(policy::is_required);
            Ok(spans)
        })
        .collect();
    let seconds = start.elapsed().as_secs_f64();
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    for ((id, text), result) in records.iter().zip(results) {
        let rec = serde_json::json!({"id": id, "spans": spans_to_code_points(text, &result?)});
        writeln!(out, "{rec}")?;
    }
    out.flush()?;
    Ok(PredictStats { documents: records.len(), pieces, seconds })
}
