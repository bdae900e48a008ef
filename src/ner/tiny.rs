//! A tiny randomly initialised tagger (a few hundred KB at most) for tests and
//! examples, so CI never needs the real 90 MB encoder.

use crate::error::{Error, Result};
use crate::ner::config::{BertConfig, NerConfig};
use crate::ner::infer::{CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE};
use crate::ner::model::Tagger;
use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};
use std::path::Path;

/// Words in the tiny vocabulary besides single letters, digits and punctuation.
const WORDS: &[&str] = &[
    "the", "patient", "doctor", "dr", "mr", "mrs", "saw", "on", "in", "at", "is", "was", "and", "of", "to", "a",
    "john", "smith", "mary", "jones", "boston", "march", "may", "will", "mark", "born", "years", "old", "year",
    "visit", "clinic", "hospital", "today", "pain", "chest", "he", "she", "i", "you", "hi", "how", "are", "name",
];

/// The tiny vocabulary: specials, words, letters and their `##` continuations, digits, punctuation.
pub fn vocabulary() -> Vec<String> {
    let mut v: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].iter().map(|s| s.to_string()).collect();
    v.extend(WORDS.iter().map(|s| s.to_string()));
    for c in ('a'..='z').chain('0'..='9') {
        v.push(c.to_string());
        v.push(format!("##{c}"));
    }
    v.extend(".,;:!?'\"()[]/-".chars().map(|c| c.to_string()));
    v
}

/// A `tokenizer.json` (BERT normaliser and pre-tokeniser, WordPiece) over `vocab`.
pub fn tokenizer_json(vocab: &[String]) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        vocab.iter().enumerate().map(|(i, t)| (t.clone(), serde_json::Value::from(i))).collect();
    serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [],
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                       "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": null,
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": map}
    })
    .to_string()
}

/// The tiny configuration: 2 layers, hidden 32, windows of 16 pieces every 12
/// (short, so that a few sentences already need several windows).
pub fn config(vocab_size: usize, labels: &[&str]) -> NerConfig {
    NerConfig {
        bert: BertConfig {
            vocab_size,
            hidden_size: 32,
            num_hidden_layers: 2,
            num_attention_heads: 4,
            intermediate_size: 64,
            max_position_embeddings: 64,
            type_vocab_size: 2,
            layer_norm_eps: 1e-12,
            hidden_dropout_prob: 0.0,
            attention_probs_dropout_prob: 0.0,
            hidden_act: "gelu".into(),
        },
        entity_labels: labels.iter().map(|s| s.to_string()).collect(),
        case_classes: crate::ner::case::CASE_CLASSES,
        window: 16,
        stride: 12,
    }
}

/// Writes a tiny random tagger (config, tokenizer, f32 weights) into `dir`.
/// With no labels it is a "base" encoder for training tests.
pub fn write_random_model(dir: &Path, labels: &[&str]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let vocab = vocabulary();
    let cfg = config(vocab.len(), labels);
    cfg.to_file(&dir.join(CONFIG_FILE))?;
    std::fs::write(dir.join(TOKENIZER_FILE), tokenizer_json(&vocab))?;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let mut head_cfg = cfg.clone();
    if head_cfg.entity_labels.is_empty() {
        // A base encoder has no head; build one anyway (its tensors are just not used).
        head_cfg.entity_labels = vec!["NAME".into()];
    }
    Tagger::load(&head_cfg, vb).map_err(|e| Error::data(format!("tiny model: {e}")))?;
    varmap.save(dir.join(WEIGHTS_FILE)).map_err(|e| Error::data(format!("tiny model: {e}")))?;
    Ok(())
}
