//! The tagger network: a BERT encoder with a case-feature embedding and a
//! token-classification head, written so that every weight can be trained.
//!
//! Tensor names follow Hugging Face's `BertModel` (`embeddings.word_embeddings.weight`,
//! `encoder.layer.0.attention.self.query.weight`, …) so the base model's
//! safetensors load as they are; the tagger adds `embeddings.case_embeddings.weight`
//! and `classifier.{weight,bias}`.
//!
//! Why not `candle_transformers::models::bert`: its LayerNorm is a fused
//! kernel with no backward pass, so fine-tuning through it silently leaves
//! every encoder weight untrained; its fused `softmax_last_dim` has no
//! backward either, which would freeze every query and key weight. Both are
//! composed from differentiable primitives here when training, and use the
//! fused kernels otherwise.

use crate::ner::config::NerConfig;
use candle_core::{DType, Device, Module, Result, Tensor, D};
use candle_nn::{Embedding, Init, Linear, VarBuilder};

/// Layer normalisation over the last dimension.
pub struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    pub fn load(size: usize, eps: f64, vb: VarBuilder) -> Result<LayerNorm> {
        let weight = vb.get_with_hints(size, "weight", Init::Const(1.0))?;
        let bias = vb.get_with_hints(size, "bias", Init::Const(0.0))?;
        Ok(LayerNorm { weight, bias, eps })
    }

    /// `train` selects the differentiable composition; inference takes the fused kernel.
    pub fn forward(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        if !train {
            return candle_nn::ops::layer_norm(&x.contiguous()?, &self.weight, &self.bias, self.eps as f32);
        }
        let mean = x.mean_keepdim(D::Minus1)?;
        let centred = x.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        normed.broadcast_mul(&self.weight)?.broadcast_add(&self.bias)
    }
}

fn dropout(x: &Tensor, p: f32, train: bool) -> Result<Tensor> {
    if train && p > 0.0 {
        candle_nn::ops::dropout(x, p)
    } else {
        Ok(x.clone())
    }
}

struct Embeddings {
    word: Embedding,
    position: Embedding,
    token_type: Embedding,
    /// Learned casing embedding, initialised to zero so the pretrained encoder starts unchanged.
    case: Option<Embedding>,
    norm: LayerNorm,
    dropout: f32,
}

impl Embeddings {
    fn load(cfg: &NerConfig, vb: VarBuilder) -> Result<Embeddings> {
        let b = &cfg.bert;
        let h = b.hidden_size;
        let normal = Init::Randn { mean: 0.0, stdev: 0.02 };
        let table = |n: usize, name: &str, init: Init| -> Result<Embedding> {
            Ok(Embedding::new(vb.pp(name).get_with_hints((n, h), "weight", init)?, h))
        };
        Ok(Embeddings {
            word: table(b.vocab_size, "word_embeddings", normal)?,
            position: table(b.max_position_embeddings, "position_embeddings", normal)?,
            token_type: table(b.type_vocab_size, "token_type_embeddings", normal)?,
            case: if cfg.case_classes > 0 { Some(table(cfg.case_classes, "case_embeddings", Init::Const(0.0))?) } else { None },
            norm: LayerNorm::load(h, b.layer_norm_eps, vb.pp("LayerNorm"))?,
            dropout: b.hidden_dropout_prob,
        })
    }

    fn forward(&self, ids: &Tensor, case: &Tensor, train: bool) -> Result<Tensor> {
        let (_, len) = ids.dims2()?;
        let positions = Tensor::arange(0u32, len as u32, ids.device())?;
        let mut x = self.word.forward(ids)?;
        x = x.broadcast_add(&self.position.forward(&positions)?)?;
        let type0 = Tensor::zeros(1, DType::U32, ids.device())?;
        x = x.broadcast_add(&self.token_type.forward(&type0)?)?;
        if let Some(case_table) = &self.case {
            x = (x + case_table.forward(case)?)?;
        }
        dropout(&self.norm.forward(&x, train)?, self.dropout, train)
    }
}

struct SelfAttention {
    query: Linear,
    key: Linear,
    value: Linear,
    output: Linear,
    norm: LayerNorm,
    heads: usize,
    head_size: usize,
    dropout: f32,
    attention_dropout: f32,
}

impl SelfAttention {
    fn load(cfg: &NerConfig, vb: VarBuilder) -> Result<SelfAttention> {
        let b = &cfg.bert;
        let h = b.hidden_size;
        let s = vb.pp("self");
        Ok(SelfAttention {
            query: candle_nn::linear(h, h, s.pp("query"))?,
            key: candle_nn::linear(h, h, s.pp("key"))?,
            value: candle_nn::linear(h, h, s.pp("value"))?,
            output: candle_nn::linear(h, h, vb.pp("output").pp("dense"))?,
            norm: LayerNorm::load(h, b.layer_norm_eps, vb.pp("output").pp("LayerNorm"))?,
            heads: b.num_attention_heads,
            head_size: h / b.num_attention_heads,
            dropout: b.hidden_dropout_prob,
            attention_dropout: b.attention_probs_dropout_prob,
        })
    }

    /// `mask_bias`: `[batch, 1, 1, len]`, 0 for real tokens and a large negative number for padding.
    fn forward(&self, x: &Tensor, mask_bias: &Tensor, train: bool) -> Result<Tensor> {
        let (batch, len, hidden) = x.dims3()?;
        let split = |t: Tensor| -> Result<Tensor> {
            t.reshape((batch, len, self.heads, self.head_size))?.transpose(1, 2)?.contiguous()
        };
        let q = split(self.query.forward(x)?)?;
        let k = split(self.key.forward(x)?)?;
        let v = split(self.value.forward(x)?)?;
        let scale = 1.0 / (self.head_size as f64).sqrt();
        let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(mask_bias)?;
        // candle's fused softmax has no backward pass (like its LayerNorm): compose it when training.
        let probs = if train { candle_nn::ops::softmax(&scores, D::Minus1)? } else { candle_nn::ops::softmax_last_dim(&scores)? };
        let probs = dropout(&probs, self.attention_dropout, train)?;
        let context = probs.matmul(&v)?.transpose(1, 2)?.reshape((batch, len, hidden))?;
        let out = dropout(&self.output.forward(&context)?, self.dropout, train)?;
        self.norm.forward(&(out + x)?, train)
    }
}

struct Layer {
    attention: SelfAttention,
    intermediate: Linear,
    output: Linear,
    norm: LayerNorm,
    dropout: f32,
}

impl Layer {
    fn load(cfg: &NerConfig, vb: VarBuilder) -> Result<Layer> {
        let b = &cfg.bert;
        Ok(Layer {
            attention: SelfAttention::load(cfg, vb.pp("attention"))?,
            intermediate: candle_nn::linear(b.hidden_size, b.intermediate_size, vb.pp("intermediate").pp("dense"))?,
            output: candle_nn::linear(b.intermediate_size, b.hidden_size, vb.pp("output").pp("dense"))?,
            norm: LayerNorm::load(b.hidden_size, b.layer_norm_eps, vb.pp("output").pp("LayerNorm"))?,
            dropout: b.hidden_dropout_prob,
        })
    }

    fn forward(&self, x: &Tensor, mask_bias: &Tensor, train: bool) -> Result<Tensor> {
        let attended = self.attention.forward(x, mask_bias, train)?;
        let hidden = self.intermediate.forward(&attended)?;
        let inner = if train { hidden.gelu_erf()? } else { crate::ner::gelu::gelu(&hidden)? };
        let out = dropout(&self.output.forward(&inner)?, self.dropout, train)?;
        self.norm.forward(&(out + attended)?, train)
    }
}

/// BERT encoder + per-token classifier over BIO tags.
pub struct Tagger {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    classifier: Linear,
    dropout: f32,
    device: Device,
}

/// One batch of windows, padded to the same length.
pub struct Batch {
    /// `[batch, len]` u32 word-piece ids (`[CLS] … [SEP]`, then padding).
    pub ids: Tensor,
    /// `[batch, len]` u32 casing classes.
    pub case: Tensor,
    /// `[batch, len]` f32, 1 for real tokens and 0 for padding.
    pub mask: Tensor,
}

impl Tagger {
    pub fn load(cfg: &NerConfig, vb: VarBuilder) -> Result<Tagger> {
        let b = &cfg.bert;
        let tags = cfg.tags().len();
        let layers = (0..b.num_hidden_layers)
            .map(|i| Layer::load(cfg, vb.pp(format!("encoder.layer.{i}"))))
            .collect::<Result<Vec<_>>>()?;
        let classifier = {
            let vb = vb.pp("classifier");
            let weight = vb.get_with_hints((tags, b.hidden_size), "weight", Init::Randn { mean: 0.0, stdev: 0.02 })?;
            let bias = vb.get_with_hints(tags, "bias", Init::Const(0.0))?;
            Linear::new(weight, Some(bias))
        };
        Ok(Tagger {
            embeddings: Embeddings::load(cfg, vb.pp("embeddings"))?,
            layers,
            classifier,
            dropout: b.hidden_dropout_prob,
            device: vb.device().clone(),
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Tag logits, `[batch, len, tags]`. `train` turns dropout and the differentiable LayerNorm on.
    pub fn forward(&self, batch: &Batch, train: bool) -> Result<Tensor> {
        let (b, len) = batch.ids.dims2()?;
        // 0 where attended, -10000 on padding (BERT's own choice; finite, so no NaN on all-padding rows).
        let mask_bias = ((batch.mask.clone() - 1.0)? * 10_000.0)?.reshape((b, 1, 1, len))?;
        let mut x = self.embeddings.forward(&batch.ids, &batch.case, train)?;
        for layer in &self.layers {
            x = layer.forward(&x, &mask_bias, train)?;
        }
        self.classifier.forward(&dropout(&x, self.dropout, train)?)
    }
}

/// Rows of (piece ids, casing classes) padded to the longest, row-major: padding has
/// id 0 and casing `Other`; the mask is 1 on real pieces and 0 on padding. Shared by
/// the candle [`Batch`] and the ONNX Runtime backend, so both pad alike.
pub struct Padded {
    pub rows: usize,
    pub len: usize,
    pub ids: Vec<u32>,
    pub case: Vec<u32>,
    pub mask: Vec<f32>,
}

impl Padded {
    pub fn new(rows: &[(Vec<u32>, Vec<u32>)]) -> Padded {
        let len = rows.iter().map(|(ids, _)| ids.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(rows.len() * len);
        let mut case = Vec::with_capacity(rows.len() * len);
        let mut mask = Vec::with_capacity(rows.len() * len);
        for (row_ids, row_case) in rows {
            debug_assert_eq!(row_ids.len(), row_case.len());
            let pad = len - row_ids.len();
            ids.extend_from_slice(row_ids);
            ids.extend(std::iter::repeat_n(0u32, pad));
            case.extend_from_slice(row_case);
            case.extend(std::iter::repeat_n(crate::ner::case::Case::Other as u32, pad));
            mask.extend(std::iter::repeat_n(1f32, row_ids.len()));
            mask.extend(std::iter::repeat_n(0f32, pad));
        }
        Padded { rows: rows.len(), len, ids, case, mask }
    }
}

impl Batch {
    /// Pads rows of (ids, case classes) to the longest ([`Padded`]).
    pub fn from_rows(rows: &[(Vec<u32>, Vec<u32>)], device: &Device) -> Result<Batch> {
        let p = Padded::new(rows);
        let shape = (p.rows, p.len);
        Ok(Batch {
            ids: Tensor::from_vec(p.ids, shape, device)?,
            case: Tensor::from_vec(p.case, shape, device)?,
            mask: Tensor::from_vec(p.mask, shape, device)?,
        })
    }
}
