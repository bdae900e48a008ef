//! A loaded tagger: tokenise, run windows in batches, stitch, decode.

use crate::error::{Error, ErrorKind, Result};
use crate::ner::case::Case;
use crate::ner::config::{NerConfig, TagSet};
use crate::ner::decode::{self, Entity};
use crate::ner::model::{Batch, Tagger};
use crate::ner::tokenize::{PieceTokenizer, Pieces};
use crate::ner::windows;
use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use std::ops::Range;
use std::path::Path;

/// Windows run through the encoder together (bounds memory on very long documents).
const WINDOWS_PER_BATCH: usize = 16;

/// File names inside a model directory.
pub const CONFIG_FILE: &str = "config.json";
pub const TOKENIZER_FILE: &str = "tokenizer.json";
pub const WEIGHTS_FILE: &str = "model.safetensors";

pub(crate) fn model_error(e: candle_core::Error) -> Error {
    // candle's messages name shapes and tensor names, never document text.
    Error::new(ErrorKind::Detector, format!("ner model: {e}"))
}

/// The network that turns windows into tag probabilities.
enum Encoder {
    /// The candle model of `model.rs`, from `model.safetensors` (the default).
    Candle(Tagger),
    /// The same network as an ONNX graph on ONNX Runtime (`--features onnx`).
    #[cfg(feature = "onnx")]
    Onnx(crate::ner::onnx::OnnxTagger),
}

/// A tagger directory's `config.json` (which must name entity labels) and `tokenizer.json`.
fn load_config_and_tokenizer(dir: &Path) -> Result<(NerConfig, PieceTokenizer)> {
    let config = NerConfig::from_file(&dir.join(CONFIG_FILE))?;
    if config.entity_labels.is_empty() {
        return Err(Error::data(format!("{} has no entity_labels: not a tagger", dir.join(CONFIG_FILE).display())));
    }
    Ok((config, PieceTokenizer::from_file(&dir.join(TOKENIZER_FILE))?))
}

/// Tag probabilities of padded rows from the candle network, `[row][piece][tag]` (padding included).
fn candle_probs(tagger: &Tagger, rows: &[(Vec<u32>, Vec<u32>)]) -> Result<Vec<Vec<Vec<f32>>>> {
    let batch = Batch::from_rows(rows, tagger.device()).map_err(model_error)?;
    let logits = tagger.forward(&batch, false).map_err(model_error)?;
    candle_nn::ops::softmax_last_dim(&logits).and_then(|p| p.to_vec3()).map_err(model_error)
}

/// A tagger ready for inference: configuration, tokenizer and weights.
pub struct NerModel {
    config: NerConfig,
    tags: TagSet,
    tokenizer: PieceTokenizer,
    encoder: Encoder,
}

impl NerModel {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` (f16 or f32) from `dir`.
    pub fn load(dir: &Path) -> Result<NerModel> {
        let (config, tokenizer) = load_config_and_tokenizer(dir)?;
        let weights = dir.join(WEIGHTS_FILE);
        // SAFETY: the file is memory-mapped read-only; we do not modify it while mapped.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &Device::Cpu) }
            .map_err(|e| Error::data(format!("cannot read {}: {e}", weights.display())))?;
        let tagger = Tagger::load(&config, vb).map_err(|e| Error::data(format!("bad weights in {}: {e}", weights.display())))?;
        Ok(NerModel::from_parts(config, tokenizer, tagger))
    }

    /// Loads the configuration and tokenizer from `dir` and runs the network from
    /// `onnx`, a graph written by `models/export_onnx.py` from the same directory's
    /// weights. Without the `onnx` feature this is a configuration error.
    pub fn load_onnx(dir: &Path, onnx: &Path) -> Result<NerModel> {
        #[cfg(feature = "onnx")]
        {
            let (config, tokenizer) = load_config_and_tokenizer(dir)?;
            let tagger = crate::ner::onnx::OnnxTagger::load(onnx, config.tags().len())?;
            Ok(NerModel { tags: config.tags(), config, tokenizer, encoder: Encoder::Onnx(tagger) })
        }
        #[cfg(not(feature = "onnx"))]
        {
            let _ = (dir, onnx);
            Err(Error::config(
                "ner_onnx is set, but this deid was built without ONNX Runtime: build with `--features onnx`, or unset ner_onnx",
            ))
        }
    }

    pub fn from_parts(config: NerConfig, tokenizer: PieceTokenizer, tagger: Tagger) -> NerModel {
        NerModel { tags: config.tags(), config, tokenizer, encoder: Encoder::Candle(tagger) }
    }

    /// Which network runs: `"candle"` or `"onnx"`.
    pub fn backend(&self) -> &'static str {
        match self.encoder {
            Encoder::Candle(_) => "candle",
            #[cfg(feature = "onnx")]
            Encoder::Onnx(_) => "onnx",
        }
    }

    pub fn config(&self) -> &NerConfig {
        &self.config
    }

    pub fn tags(&self) -> &TagSet {
        &self.tags
    }

    pub fn tokenizer(&self) -> &PieceTokenizer {
        &self.tokenizer
    }

    /// The windows this model cuts `n` pieces into.
    pub fn windows(&self, n: usize) -> Vec<Range<usize>> {
        windows::windows(n, self.config.window, self.config.stride)
    }

    /// Tag probabilities of every piece in each window, `[window][piece in window][tag]`.
    pub fn window_probs(&self, pieces: &Pieces, wins: &[Range<usize>]) -> Result<Vec<Vec<Vec<f32>>>> {
        let mut out = Vec::with_capacity(wins.len());
        for chunk in wins.chunks(WINDOWS_PER_BATCH) {
            // A long document is many batches: stop between them once the work is cancelled.
            crate::cancel::checkpoint()?;
            let rows: Vec<(Vec<u32>, Vec<u32>)> = chunk.iter().map(|w| self.window_row(pieces, w.clone())).collect();
            let probs = match &self.encoder {
                Encoder::Candle(tagger) => candle_probs(tagger, &rows)?,
                #[cfg(feature = "onnx")]
                Encoder::Onnx(tagger) => tagger.probs(&rows)?,
            };
            for (w, p) in chunk.iter().zip(probs) {
                // Drop [CLS], [SEP] and padding.
                out.push(p[1..1 + w.len()].to_vec());
            }
        }
        Ok(out)
    }

    /// `[CLS] pieces[w] [SEP]` with casing classes.
    fn window_row(&self, pieces: &Pieces, w: Range<usize>) -> (Vec<u32>, Vec<u32>) {
        let other = Case::Other as u32;
        let mut ids = Vec::with_capacity(w.len() + 2);
        ids.push(self.tokenizer.cls_id);
        ids.extend_from_slice(&pieces.ids[w.clone()]);
        ids.push(self.tokenizer.sep_id);
        let mut case = Vec::with_capacity(w.len() + 2);
        case.push(other);
        case.extend_from_slice(&pieces.case[w]);
        case.push(other);
        (ids, case)
    }

    /// Tag probabilities for every piece, each from the window that gave it the most context.
    pub fn piece_probs(&self, pieces: &Pieces) -> Result<Vec<Vec<f32>>> {
        let n = pieces.ids.len();
        let wins = self.windows(n);
        let per_window = self.window_probs(pieces, &wins)?;
        Ok(windows::owners(&wins, n)
            .into_iter()
            .enumerate()
            .map(|(i, k)| per_window[k][i - wins[k].start].clone())
            .collect())
    }

    /// The entities in `text`, byte offsets on word boundaries.
    pub fn predict(&self, text: &str) -> Result<Vec<Entity>> {
        let pieces = self.tokenizer.pieces(text)?;
        if pieces.ids.is_empty() {
            return Ok(Vec::new());
        }
        let probs = self.piece_probs(&pieces)?;
        let words = decode::word_probs(&probs, &pieces.word_of, pieces.words.len());
        let mut entities = decode::decode(&pieces.words, &words, &self.tags);
        if let Some(date) = self.tags.label_index("DATE") {
            decode::absorb_following_years(text, &mut entities, date);
        }
        Ok(entities)
    }
}
