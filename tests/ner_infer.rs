//! Inference with a tiny random tagger: exact byte offsets, window stitching,
//! tokenizer settings, the detector contract. No real model is needed.

use candle_core::{Device, Tensor};
use deid::detectors::ner::NerDetector;
use deid::detectors::{Detector, Document};
use deid::ner::tokenize::PieceTokenizer;
use deid::ner::{tiny, NerModel};
use deid::{Label, Source};
use std::collections::HashMap;
use std::path::Path;

/// A tiny model whose classifier bias makes tag `favoured` win everywhere.
fn biased_model(dir: &Path, favoured: usize) -> NerModel {
    tiny::write_random_model(dir, &["NAME", "DATE"]).unwrap();
    let path = dir.join("model.safetensors");
    let mut tensors: HashMap<String, Tensor> = candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
    let mut bias = vec![0f32; 5];
    bias[favoured] = 50.0;
    tensors.insert("classifier.bias".into(), Tensor::new(bias, &Device::Cpu).unwrap());
    candle_core::safetensors::save(&tensors, &path).unwrap();
    NerModel::load(dir).unwrap()
}

const TEXT: &str = "Zoë Smith saw Dr. Müller on 03/14/2019 — café, then John Jones (born May 3) went home.";

#[test]
fn every_word_its_own_span_with_exact_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let model = biased_model(dir.path(), 1); // B-NAME everywhere
    let spans = model.predict(TEXT).unwrap();
    let words: Vec<&str> = spans.iter().map(|e| &TEXT[e.start..e.end]).collect();
    assert_eq!(
        words,
        ["Zoë", "Smith", "saw", "Dr", ".", "Müller", "on", "03", "/", "14", "/", "2019", "—", "café", ",", "then", "John",
         "Jones", "(", "born", "May", "3", ")", "went", "home", "."]
    );
    assert!(spans.iter().all(|e| e.label == 0 && e.score > 0.99));
}

#[test]
fn inside_tags_join_into_one_span_across_windows() {
    let dir = tempfile::tempdir().unwrap();
    let model = biased_model(dir.path(), 4); // I-DATE everywhere: one span over the whole text
    let long = format!("  {}  ", TEXT.repeat(6));
    let pieces = model.tokenizer().pieces(&long).unwrap();
    assert!(model.windows(pieces.ids.len()).len() > 3, "the text must need several windows");
    let spans = model.predict(&long).unwrap();
    assert_eq!(spans.len(), 1);
    assert_eq!((spans[0].start, spans[0].end, spans[0].label), (2, long.len() - 2, 1));
}

#[test]
fn stitched_windows_equal_windows_run_alone() {
    let dir = tempfile::tempdir().unwrap();
    tiny::write_random_model(dir.path(), &["NAME", "DATE"]).unwrap();
    let model = NerModel::load(dir.path()).unwrap();
    let long = "The patient John Smith saw Dr. Jones in Boston on March 3. ".repeat(5);
    let pieces = model.tokenizer().pieces(&long).unwrap();
    let wins = model.windows(pieces.ids.len());
    assert!(wins.len() >= 4);
    // Batched (padded: the last window is shorter) and stitched...
    let stitched = model.piece_probs(&pieces).unwrap();
    assert_eq!(stitched.len(), pieces.ids.len());
    // ...must equal each window run alone, read from the window that owns the piece.
    let alone: Vec<Vec<Vec<f32>>> = wins.iter().map(|w| model.window_probs(&pieces, &[w.clone()]).unwrap().remove(0)).collect();
    let owners = deid::ner::windows::owners(&wins, pieces.ids.len());
    for (i, row) in stitched.iter().enumerate() {
        let k = owners[i];
        let expected = &alone[k][i - wins[k].start];
        for (a, b) in row.iter().zip(expected) {
            assert!((a - b).abs() < 1e-4, "piece {i}: {a} vs {b}");
        }
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}

#[test]
fn padding_and_truncation_in_tokenizer_json_are_ignored() {
    let vocab = tiny::vocabulary();
    let mut json: serde_json::Value = serde_json::from_str(&tiny::tokenizer_json(&vocab)).unwrap();
    json["truncation"] = serde_json::json!({"max_length": 8, "strategy": "LongestFirst", "stride": 0});
    json["padding"] = serde_json::json!({"strategy": {"Fixed": 8}, "direction": "Right", "pad_to_multiple_of": null,
        "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"});
    let tok = PieceTokenizer::from_json(&json.to_string()).unwrap();
    let text = "the patient saw the doctor at the clinic today and was in pain";
    let pieces = tok.pieces(text).unwrap();
    assert_eq!(pieces.words.len(), 13, "all words kept, none padded");
    assert_eq!(pieces.ids.len(), 13);
    assert_eq!(&text[pieces.offsets[12].0..pieces.offsets[12].1], "pain");
}

#[test]
fn pieces_carry_word_casing() {
    let tok = PieceTokenizer::from_json(&tiny::tokenizer_json(&tiny::vocabulary())).unwrap();
    let text = "Mark will MARK mark 2019";
    let p = tok.pieces(text).unwrap();
    let first_piece_of_word: Vec<u32> = (0..p.words.len()).map(|w| p.case[p.word_of.iter().position(|&x| x == w).unwrap()]).collect();
    assert_eq!(first_piece_of_word, vec![1, 0, 2, 0, 3]);
}

#[test]
fn detector_reports_ner_spans_with_labels_and_ages() {
    let dir = tempfile::tempdir().unwrap();
    biased_model(dir.path(), 1);
    let det = NerDetector::load(dir.path()).unwrap();
    assert_eq!(det.name(), "ner");
    let text = "Ann Lee";
    let mut out = Vec::new();
    det.detect(&Document::new(text), &mut out).unwrap();
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|s| s.label == Label::Name && s.source == Source::Ner && s.score <= 1.0));
    assert_eq!((out[1].start, out[1].end), (4, 7));
    let mut none = Vec::new();
    det.detect(&Document::new("   "), &mut none).unwrap();
    assert!(none.is_empty());
}

#[test]
fn a_model_directory_without_labels_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    tiny::write_random_model(dir.path(), &[]).unwrap();
    assert!(NerModel::load(dir.path()).is_err());
}
