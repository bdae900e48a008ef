//! The model's configuration: the BERT hyper-parameters of `config.json`, plus
//! what the tagger adds (entity labels, case features, windowing).
//!
//! It mirrors Hugging Face's `config.json` field for field, so the base
//! model's file parses as it is; the NER fields have defaults and are written
//! back into the fine-tuned model's `config.json`.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// BERT encoder hyper-parameters (names as in Hugging Face's `BertConfig`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab_size")]
    pub type_vocab_size: usize,
    #[serde(default = "default_layer_norm_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f32,
    #[serde(default = "default_dropout")]
    pub attention_probs_dropout_prob: f32,
    /// Only `gelu` (the exact, erf-based GELU BERT was trained with) is supported.
    #[serde(default = "default_act")]
    pub hidden_act: String,
}

fn default_type_vocab_size() -> usize {
    2
}
fn default_layer_norm_eps() -> f64 {
    1e-12
}
fn default_dropout() -> f32 {
    0.1
}
fn default_act() -> String {
    "gelu".into()
}
fn default_window() -> usize {
    128
}
fn default_stride() -> usize {
    96
}
fn default_case_classes() -> usize {
    crate::ner::case::CASE_CLASSES
}

/// The tagger's configuration: the encoder's, plus the head and the windowing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NerConfig {
    #[serde(flatten)]
    pub bert: BertConfig,
    /// Entity labels in tag order (`NAME`, `LOCATION`, …); BIO tags are derived (see [`TagSet`]).
    #[serde(default)]
    pub entity_labels: Vec<String>,
    /// Number of word-casing classes fed to the model (0 turns the case feature off).
    /// The vocabulary is uncased; casing is a strong cue for names, so it comes back this way.
    #[serde(default = "default_case_classes")]
    pub case_classes: usize,
    /// Word pieces per window, `[CLS]` and `[SEP]` not counted.
    #[serde(default = "default_window")]
    pub window: usize,
    /// Distance between the starts of consecutive windows (overlap = window − stride).
    #[serde(default = "default_stride")]
    pub stride: usize,
}

impl NerConfig {
    /// Reads a `config.json` (the base model's or a fine-tuned tagger's).
    pub fn from_file(path: &Path) -> Result<NerConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::data(format!("cannot read model config {}: {e}", path.display())))?;
        let config: NerConfig = serde_json::from_str(&text)
            .map_err(|e| Error::data(format!("invalid model config {}: {e}", path.display())))?;
        config.validate()?;
        Ok(config)
    }

    pub fn to_file(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("config serialises");
        std::fs::write(path, text + "\n")?;
        Ok(())
    }

    /// Checks what the model code relies on.
    pub fn validate(&self) -> Result<()> {
        let b = &self.bert;
        if b.hidden_size == 0 || b.num_attention_heads == 0 || b.hidden_size % b.num_attention_heads != 0 {
            return Err(Error::data("model config: hidden_size must be a multiple of num_attention_heads"));
        }
        if b.hidden_act != "gelu" {
            return Err(Error::data(format!("model config: unsupported hidden_act {:?}", b.hidden_act)));
        }
        if self.window == 0 || self.stride == 0 || self.stride > self.window {
            return Err(Error::data("model config: need 0 < stride <= window"));
        }
        if self.window + 2 > b.max_position_embeddings {
            return Err(Error::data("model config: window + 2 exceeds max_position_embeddings"));
        }
        for l in &self.entity_labels {
            if crate::span::Label::parse(l).is_none() {
                return Err(Error::data(format!("model config: unknown entity label {l:?}")));
            }
        }
        Ok(())
    }

    pub fn tags(&self) -> TagSet {
        TagSet::new(self.entity_labels.clone())
    }
}

/// BIO tags over a list of entity labels: `O`, then `B-X`, `I-X` for each label X.
///
/// Tag ids are `0` for `O`, `1 + 2k` for `B-` and `2 + 2k` for `I-` of label `k`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagSet {
    labels: Vec<String>,
}

/// One tag, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    Outside,
    Begin(usize),
    Inside(usize),
}

impl TagSet {
    pub fn new(labels: Vec<String>) -> TagSet {
        TagSet { labels }
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Number of tags (the classifier's output width).
    pub fn len(&self) -> usize {
        1 + 2 * self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn label_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    pub fn id(&self, tag: Tag) -> usize {
        match tag {
            Tag::Outside => 0,
            Tag::Begin(k) => 1 + 2 * k,
            Tag::Inside(k) => 2 + 2 * k,
        }
    }

    pub fn tag(&self, id: usize) -> Tag {
        match id {
            0 => Tag::Outside,
            i if i % 2 == 1 => Tag::Begin((i - 1) / 2),
            i => Tag::Inside((i - 2) / 2),
        }
    }

    /// `O`, `B-NAME`, … (for reports).
    pub fn name(&self, id: usize) -> String {
        match self.tag(id) {
            Tag::Outside => "O".into(),
            Tag::Begin(k) => format!("B-{}", self.labels[k]),
            Tag::Inside(k) => format!("I-{}", self.labels[k]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_ids_round_trip() {
        let tags = TagSet::new(vec!["NAME".into(), "DATE".into()]);
        assert_eq!(tags.len(), 5);
        for id in 0..tags.len() {
            assert_eq!(tags.id(tags.tag(id)), id);
        }
        assert_eq!(tags.name(3), "B-DATE");
        assert_eq!(tags.tag(2), Tag::Inside(0));
    }

    #[test]
    fn base_config_json_parses_with_defaults() {
        let json = r#"{"architectures":["BertModel"],"hidden_act":"gelu","hidden_size":384,
            "intermediate_size":1536,"layer_norm_eps":1e-12,"max_position_embeddings":512,
            "num_attention_heads":12,"num_hidden_layers":6,"type_vocab_size":2,"vocab_size":30522}"#;
        let c: NerConfig = serde_json::from_str(json).unwrap();
        c.validate().unwrap();
        assert_eq!((c.window, c.stride, c.case_classes), (128, 96, 4));
        assert!(c.entity_labels.is_empty());
    }
}
