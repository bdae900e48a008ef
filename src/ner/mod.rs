//! Transformer named-entity tagger for the identifiers that patterns miss:
//! names, places, free-form dates, ages and ID-like codes in context.
//!
//! - [`config`]: `config.json` mirror (BERT + entity labels, casing, windowing) and BIO tags;
//! - [`model`]: the BERT encoder + classifier in candle, trainable end to end ([`gelu`]: its fast inference activation);
//! - [`tokenize`], [`case`], [`windows`], [`decode`]: text → pieces → windows → spans;
//! - [`infer`]: a loaded model that turns text into entities, on candle or (`--features onnx`) on ONNX Runtime (`onnx`);
//! - [`train`]: fine-tuning with AdamW and checkpoints (`deid train`);
//! - [`synth`]: the training-data generator; [`tiny`]: a tiny random model for tests.
//!
//! The model runs single-threaded per call; the engine parallelises over documents.

pub mod case;
pub mod config;
pub mod decode;
pub mod gelu;
pub mod infer;
pub mod model;
#[cfg(feature = "onnx")]
pub mod onnx;
pub mod predict;
pub mod synth;
pub mod tiny;
pub mod tokenize;
pub mod train;
pub mod windows;

pub use config::{NerConfig, TagSet};
pub use decode::Entity;
pub use infer::NerModel;
