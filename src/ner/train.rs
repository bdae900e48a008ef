//! Fine-tuning the tagger: labelled JSONL → windows of pieces with BIO tags →
//! AdamW over every weight, with checkpoints that a rerun resumes from.
//!
//! `deid train --data TRAIN.jsonl --base DIR --out DIR --steps N` reproduces
//! a shipped model from its documented inputs. The data is the labelled-corpus
//! format of `labels.md` (code-point offsets). Spans the Safe Harbor policy
//! exempts (a state, a country, a bare year, a relative date) are trained as
//! *outside*, so the model learns to leave them alone.

use crate::error::{Error, Result};
use crate::ner::case::Case;
use crate::ner::config::{NerConfig, Tag, TagSet};
use crate::ner::infer::{model_error, CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE};
use crate::ner::model::{Batch, Tagger};
use crate::ner::tokenize::PieceTokenizer;
use crate::ner::windows;
use crate::offsets::OffsetMap;
use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `deid train` arguments.
#[derive(clap::Args, Debug, Clone)]
pub struct TrainArgs {
    /// Training data: JSONL, one `{"text", "spans": [{"start","end","label","subtype"?}]}` a line (code-point offsets).
    #[arg(long)]
    pub data: PathBuf,
    /// Model to start from: a directory with config.json, tokenizer.json and model.safetensors
    /// (the pretrained encoder, or a tagger to train further).
    #[arg(long)]
    pub base: PathBuf,
    /// Output directory: the f16 model, and `checkpoint/` (resumed from if present).
    #[arg(long)]
    pub out: PathBuf,
    /// Optimiser steps in total (a resumed run continues up to this number).
    #[arg(long, default_value_t = 1000)]
    pub steps: usize,
    /// Windows per step.
    #[arg(long, default_value_t = 16)]
    pub batch: usize,
    /// Peak learning rate (linear warm-up, then linear decay to zero).
    #[arg(long, default_value_t = 5e-5)]
    pub lr: f64,
    /// Fraction of the steps spent warming up.
    #[arg(long, default_value_t = 0.06)]
    pub warmup: f64,
    /// Decoupled weight decay (matrices only).
    #[arg(long, default_value_t = 0.01)]
    pub weight_decay: f64,
    /// Loss weight of tokens inside entities relative to outside ones (recall matters most).
    #[arg(long, default_value_t = 2.0)]
    pub entity_weight: f32,
    /// Save a checkpoint every this many steps.
    #[arg(long, default_value_t = 200)]
    pub checkpoint_every: usize,
    /// Print the mean loss every this many steps.
    #[arg(long, default_value_t = 20)]
    pub log_every: usize,
    /// Entity labels of a new tagger (ignored when the base is already a tagger).
    #[arg(long, value_delimiter = ',', default_value = "NAME,LOCATION,DATE,AGE,ID")]
    pub labels: Vec<String>,
    /// Train without the casing feature (for measuring what it brings).
    #[arg(long)]
    pub no_case: bool,
    /// Seed of the data order (and of the generated data).
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
    /// First generate this many synthetic documents into `--data` (see `deid::ner::synth`).
    #[arg(long)]
    pub synth: Option<usize>,
    /// Dictionary directory the generator draws surrogates from.
    #[arg(long, default_value = "data/dict")]
    pub dict: PathBuf,
}

/// One labelled record as read from JSONL.
#[derive(Deserialize)]
struct Record {
    text: String,
    #[serde(default)]
    spans: Vec<RecordSpan>,
}

#[derive(Deserialize)]
struct RecordSpan {
    start: usize,
    end: usize,
    label: String,
    #[serde(default)]
    subtype: Option<String>,
}

/// A training window: `[CLS] pieces [SEP]` with a target tag and a loss weight per piece.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainWindow {
    pub ids: Vec<u32>,
    pub case: Vec<u32>,
    pub targets: Vec<u32>,
    pub weights: Vec<f32>,
}

/// Which tag label a corpus label trains as; `None` trains as outside.
///
/// Identifier codes of every kind become `ID` when the tagger has no label of
/// their own: patterns catch the well-formed ones, the model is there for the
/// codes only context reveals.
pub fn training_label(tags: &TagSet, label: &str, subtype: Option<&str>) -> Option<usize> {
    if matches!(subtype, Some("STATE" | "COUNTRY" | "YEAR" | "RELATIVE")) {
        return None;
    }
    if let Some(k) = tags.label_index(label) {
        return Some(k);
    }
    match label {
        "MRN" | "SSN" | "HEALTH_PLAN" | "ACCOUNT" | "LICENSE" | "VEHICLE" | "DEVICE" | "PHONE" | "FAX" => tags.label_index("ID"),
        _ => None,
    }
}

/// Turns a text with byte-offset entity spans `(start, end, label index)` into training windows.
pub fn encode_example(
    tokenizer: &PieceTokenizer,
    cfg: &NerConfig,
    tags: &TagSet,
    text: &str,
    spans: &[(usize, usize, usize)],
    entity_weight: f32,
) -> Result<Vec<TrainWindow>> {
    let pieces = tokenizer.pieces(text)?;
    // Word tags: a word overlapping a span is in it; the span's first such word is its B.
    let mut word_tags = vec![0u32; pieces.words.len()];
    let mut previous_span: Option<usize> = None;
    for (w, &(ws, we)) in pieces.words.iter().enumerate() {
        let hit = spans.iter().position(|&(s, e, _)| ws < e && s < we);
        word_tags[w] = match hit {
            None => 0,
            Some(i) => {
                let k = spans[i].2;
                let tag = if previous_span == Some(i) { Tag::Inside(k) } else { Tag::Begin(k) };
                tags.id(tag) as u32
            }
        };
        previous_span = hit;
    }
    let other = Case::Other as u32;
    let out = windows::windows(pieces.ids.len(), cfg.window, cfg.stride)
        .into_iter()
        .map(|w| {
            let mut win = TrainWindow {
                ids: vec![tokenizer.cls_id],
                case: vec![other],
                targets: vec![0],
                weights: vec![0.0],
            };
            for i in w {
                let t = word_tags[pieces.word_of[i]];
                win.ids.push(pieces.ids[i]);
                win.case.push(pieces.case[i]);
                win.targets.push(t);
                win.weights.push(if t == 0 { 1.0 } else { entity_weight });
            }
            win.ids.push(tokenizer.sep_id);
            win.case.push(other);
            win.targets.push(0);
            win.weights.push(0.0);
            win
        })
        .collect();
    Ok(out)
}

/// Reads a labelled JSONL file into training windows.
pub fn load_windows(path: &Path, tokenizer: &PieceTokenizer, cfg: &NerConfig, entity_weight: f32) -> Result<Vec<TrainWindow>> {
    let tags = cfg.tags();
    let file = std::fs::File::open(path).map_err(|e| Error::input(format!("cannot open {}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: Record = serde_json::from_str(&line)
            .map_err(|e| Error::input(format!("{} line {}: invalid record (column {})", path.display(), n + 1, e.column())))?;
        let map = OffsetMap::new(&rec.text);
        let mut spans = Vec::new();
        for s in &rec.spans {
            let (Some(start), Some(end)) = (map.to_byte(s.start), map.to_byte(s.end)) else {
                return Err(Error::input(format!("{} line {}: span offsets outside the text", path.display(), n + 1)));
            };
            if let Some(k) = training_label(&tags, &s.label, s.subtype.as_deref()) {
                spans.push((start, end, k));
            }
        }
        out.extend(encode_example(tokenizer, cfg, &tags, &rec.text, &spans, entity_weight)?);
    }
    Ok(out)
}

/// AdamW with decoupled weight decay and global gradient-norm clipping. Its
/// moments are plain tensors so a checkpoint can save and restore them.
pub struct AdamW {
    vars: Vec<(String, Var)>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    /// Updates applied so far (bias correction).
    pub t: usize,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    clip_norm: f64,
}

impl AdamW {
    pub fn new(varmap: &VarMap, weight_decay: f64) -> candle_core::Result<AdamW> {
        let mut vars: Vec<(String, Var)> = varmap.data().lock().expect("varmap lock").iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let zeros = |v: &Var| v.as_tensor().zeros_like();
        let m = vars.iter().map(|(_, v)| zeros(v)).collect::<candle_core::Result<_>>()?;
        let v = vars.iter().map(|(_, v)| zeros(v)).collect::<candle_core::Result<_>>()?;
        Ok(AdamW { vars, m, v, t: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay, clip_norm: 1.0 })
    }

    /// Applies one update; returns the gradient norm of each variable (before clipping).
    pub fn step(&mut self, grads: &GradStore, lr: f64) -> candle_core::Result<HashMap<String, f32>> {
        let mut norms = HashMap::new();
        let mut total = 0f64;
        for (name, var) in &self.vars {
            let sq = match grads.get(var.as_tensor()) {
                Some(g) => g.sqr()?.sum_all()?.to_scalar::<f32>()? as f64,
                None => 0.0,
            };
            total += sq;
            norms.insert(name.clone(), sq.sqrt() as f32);
        }
        let total = total.sqrt();
        let scale = if total > self.clip_norm { self.clip_norm / total } else { 1.0 };
        self.t += 1;
        let (b1, b2) = (self.beta1, self.beta2);
        let c1 = 1.0 - b1.powi(self.t as i32);
        let c2 = 1.0 - b2.powi(self.t as i32);
        for (i, (_, var)) in self.vars.iter().enumerate() {
            let Some(g) = grads.get(var.as_tensor()) else { continue };
            let g = (g * scale)?;
            self.m[i] = ((&self.m[i] * b1)? + (&g * (1.0 - b1))?)?;
            self.v[i] = ((&self.v[i] * b2)? + (g.sqr()? * (1.0 - b2))?)?;
            let update = ((&self.m[i] / c1)? / ((&self.v[i] / c2)?.sqrt()? + self.eps)?)?;
            let w = var.as_tensor();
            let decayed = if w.rank() >= 2 { (w * (1.0 - lr * self.weight_decay))? } else { w.clone() };
            var.set(&(decayed - (update * lr)?)?)?;
        }
        Ok(norms)
    }

    fn state_tensors(&self) -> HashMap<String, Tensor> {
        let mut out = HashMap::new();
        for (i, (name, _)) in self.vars.iter().enumerate() {
            out.insert(format!("m.{name}"), self.m[i].clone());
            out.insert(format!("v.{name}"), self.v[i].clone());
        }
        out
    }

    fn restore(&mut self, tensors: &HashMap<String, Tensor>, t: usize) -> candle_core::Result<()> {
        for (i, (name, _)) in self.vars.iter().enumerate() {
            if let (Some(m), Some(v)) = (tensors.get(&format!("m.{name}")), tensors.get(&format!("v.{name}"))) {
                self.m[i] = m.clone();
                self.v[i] = v.clone();
            }
        }
        self.t = t;
        Ok(())
    }
}

/// The model being trained, its variables and optimiser.
pub struct Trainer {
    pub config: NerConfig,
    varmap: VarMap,
    model: Tagger,
    optimizer: AdamW,
}

/// What one step did.
#[derive(Clone, Debug)]
pub struct StepReport {
    pub loss: f32,
    /// Gradient norm per variable name (before clipping).
    pub grad_norms: HashMap<String, f32>,
    pub tokens: usize,
}

impl Trainer {
    /// A trainer whose variables start from `weights` where names and shapes
    /// match (the encoder), and fresh where they do not (case embedding, head).
    pub fn new(config: NerConfig, weights: Option<&Path>, weight_decay: f64) -> Result<Trainer> {
        config.validate()?;
        if config.entity_labels.is_empty() {
            return Err(Error::config("a tagger needs at least one entity label"));
        }
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
        let model = Tagger::load(&config, vb).map_err(model_error)?;
        if let Some(path) = weights {
            load_matching(&varmap, path)?;
        }
        let optimizer = AdamW::new(&varmap, weight_decay).map_err(model_error)?;
        Ok(Trainer { config, varmap, model, optimizer })
    }

    pub fn steps_done(&self) -> usize {
        self.optimizer.t
    }

    /// Mean weighted cross-entropy of a batch (no update).
    pub fn loss(&self, windows: &[TrainWindow], train: bool) -> Result<Tensor> {
        let rows: Vec<(Vec<u32>, Vec<u32>)> = windows.iter().map(|w| (w.ids.clone(), w.case.clone())).collect();
        let batch = Batch::from_rows(&rows, &Device::Cpu).map_err(model_error)?;
        let (b, len) = batch.ids.dims2().map_err(model_error)?;
        let mut targets = Vec::with_capacity(b * len);
        let mut weights = Vec::with_capacity(b * len);
        for w in windows {
            let pad = len - w.ids.len();
            targets.extend_from_slice(&w.targets);
            targets.extend(std::iter::repeat_n(0u32, pad));
            weights.extend_from_slice(&w.weights);
            weights.extend(std::iter::repeat_n(0f32, pad));
        }
        let weight_sum: f32 = weights.iter().sum::<f32>().max(1e-6);
        let compute = || -> candle_core::Result<Tensor> {
            let logits = self.model.forward(&batch, train)?;
            let tags = logits.dim(2)?;
            let logp = candle_nn::ops::log_softmax(&logits.reshape((b * len, tags))?, 1)?;
            let targets = Tensor::from_vec(targets.clone(), (b * len, 1), &Device::Cpu)?;
            let weights = Tensor::from_vec(weights.clone(), b * len, &Device::Cpu)?;
            let picked = logp.gather(&targets, 1)?.squeeze(1)?;
            (picked * weights)?.sum_all()?.neg()? / weight_sum as f64
        };
        compute().map_err(model_error)
    }

    /// One optimiser step on `windows` at learning rate `lr`.
    pub fn step(&mut self, windows: &[TrainWindow], lr: f64) -> Result<StepReport> {
        let loss = self.loss(windows, true)?;
        let grads = loss.backward().map_err(model_error)?;
        let grad_norms = self.optimizer.step(&grads, lr).map_err(model_error)?;
        let loss = loss.to_scalar::<f32>().map_err(model_error)?;
        Ok(StepReport { loss, grad_norms, tokens: windows.iter().map(|w| w.ids.len()).sum() })
    }

    fn tensors(&self, dtype: DType) -> candle_core::Result<HashMap<String, Tensor>> {
        let data = self.varmap.data().lock().expect("varmap lock");
        data.iter().map(|(k, v)| Ok((k.clone(), v.as_tensor().to_dtype(dtype)?))).collect()
    }

    /// Writes weights (f32), optimiser moments and the step count under `dir`.
    pub fn save_checkpoint(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let err = |e: candle_core::Error| Error::data(format!("cannot write checkpoint: {e}"));
        candle_core::safetensors::save(&self.tensors(DType::F32).map_err(err)?, dir.join(WEIGHTS_FILE)).map_err(err)?;
        candle_core::safetensors::save(&self.optimizer.state_tensors(), dir.join("optimizer.safetensors")).map_err(err)?;
        self.config.to_file(&dir.join(CONFIG_FILE))?;
        let state = CheckpointState { step: self.optimizer.t };
        std::fs::write(dir.join("state.json"), serde_json::to_string(&state).expect("serialises"))?;
        Ok(())
    }

    /// Restores a checkpoint written by [`Trainer::save_checkpoint`].
    pub fn resume(dir: &Path, weight_decay: f64) -> Result<Trainer> {
        let config = NerConfig::from_file(&dir.join(CONFIG_FILE))?;
        let mut trainer = Trainer::new(config, Some(&dir.join(WEIGHTS_FILE)), weight_decay)?;
        let state: CheckpointState = serde_json::from_str(&std::fs::read_to_string(dir.join("state.json"))?)
            .map_err(|e| Error::data(format!("bad checkpoint state: {e}")))?;
        let moments = candle_core::safetensors::load(dir.join("optimizer.safetensors"), &Device::Cpu)
            .map_err(|e| Error::data(format!("bad checkpoint optimiser: {e}")))?;
        trainer.optimizer.restore(&moments, state.step).map_err(model_error)?;
        Ok(trainer)
    }

    /// Writes the shippable model: f16 weights, config with the label map, the tokenizer.
    pub fn export(&self, dir: &Path, tokenizer_json: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let err = |e: candle_core::Error| Error::data(format!("cannot export model: {e}"));
        candle_core::safetensors::save(&self.tensors(DType::F16).map_err(err)?, dir.join(WEIGHTS_FILE)).map_err(err)?;
        self.config.to_file(&dir.join(CONFIG_FILE))?;
        std::fs::copy(tokenizer_json, dir.join(TOKENIZER_FILE))?;
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct CheckpointState {
    step: usize,
}

/// Sets every variable that `path` holds under the same name (or with a
/// `bert.` prefix) and shape; returns how many were set. Others keep their init.
pub fn load_matching(varmap: &VarMap, path: &Path) -> Result<usize> {
    // SAFETY: read-only mapping of a file we do not modify while it is mapped.
    let file = unsafe { candle_core::safetensors::MmapedSafetensors::new(path) }
        .map_err(|e| Error::data(format!("cannot read {}: {e}", path.display())))?;
    let data = varmap.data().lock().expect("varmap lock");
    let mut loaded = 0;
    for (name, var) in data.iter() {
        let found = file.load(name, &Device::Cpu).or_else(|_| file.load(&format!("bert.{name}"), &Device::Cpu));
        if let Ok(t) = found {
            if t.dims() == var.dims() {
                let t = t.to_dtype(DType::F32).map_err(model_error)?;
                var.set(&t).map_err(model_error)?;
                loaded += 1;
            }
        }
    }
    Ok(loaded)
}

/// Linear warm-up to `peak`, then linear decay to zero at `total`.
pub fn learning_rate(step: usize, total: usize, peak: f64, warmup: f64) -> f64 {
    let warm = ((total as f64 * warmup).ceil() as usize).max(1);
    if step < warm {
        peak * (step + 1) as f64 / warm as f64
    } else {
        peak * (total.saturating_sub(step) as f64 / (total - warm).max(1) as f64)
    }
}

/// A small deterministic generator (SplitMix64): data order is a pure function of the seed.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// The window indices of step `step`: epochs are seeded permutations, so a
/// resumed run sees the same order as an uninterrupted one.
pub fn batch_indices(step: usize, batch: usize, n: usize, seed: u64) -> Vec<usize> {
    (0..batch)
        .map(|j| {
            let k = step * batch + j;
            let (epoch, pos) = (k / n, k % n);
            let mut order: Vec<usize> = (0..n).collect();
            SplitMix(seed ^ (epoch as u64).wrapping_mul(0x2545_F491_4F6C_DD1D)).shuffle(&mut order);
            order[pos]
        })
        .collect()
}

/// `deid train`: builds or resumes a trainer, runs to `--steps`, checkpoints, exports f16.
pub fn run(args: &TrainArgs) -> Result<()> {
    if let Some(docs) = args.synth {
        let lexicon = crate::ner::synth::Lexicon::load(&args.dict)?;
        crate::ner::synth::write_corpus(&lexicon, docs, args.seed, &args.data)?;
        eprintln!("deid train: wrote {docs} synthetic documents to {}", args.data.display());
        if args.steps == 0 {
            return Ok(());
        }
    }
    let tokenizer_path = args.base.join(TOKENIZER_FILE);
    let tokenizer = PieceTokenizer::from_file(&tokenizer_path)?;
    let checkpoint = args.out.join("checkpoint");
    let mut trainer = if checkpoint.join("state.json").exists() {
        let t = Trainer::resume(&checkpoint, args.weight_decay)?;
        eprintln!("deid train: resuming from {} at step {}", checkpoint.display(), t.steps_done());
        t
    } else {
        let mut config = NerConfig::from_file(&args.base.join(CONFIG_FILE))?;
        if config.entity_labels.is_empty() {
            config.entity_labels = args.labels.clone();
            config.case_classes = if args.no_case { 0 } else { crate::ner::case::CASE_CLASSES };
        }
        config.validate()?;
        Trainer::new(config, Some(&args.base.join(WEIGHTS_FILE)), args.weight_decay)?
    };
    let windows = load_windows(&args.data, &tokenizer, &trainer.config, args.entity_weight)?;
    if windows.is_empty() {
        return Err(Error::input("the training data holds no text"));
    }
    let pieces: usize = windows.iter().map(|w| w.ids.len()).sum();
    eprintln!(
        "deid train: {} windows, {} pieces; labels {:?}; case classes {}",
        windows.len(),
        pieces,
        trainer.config.entity_labels,
        trainer.config.case_classes
    );
    let (mut loss_sum, mut n, mut tokens) = (0f64, 0usize, 0usize);
    let mut clock = Instant::now();
    while trainer.steps_done() < args.steps {
        let step = trainer.steps_done();
        let batch: Vec<TrainWindow> = batch_indices(step, args.batch, windows.len(), args.seed).into_iter().map(|i| windows[i].clone()).collect();
        let lr = learning_rate(step, args.steps, args.lr, args.warmup);
        let report = trainer.step(&batch, lr)?;
        if !report.loss.is_finite() {
            return Err(Error::data(format!("training diverged at step {step} (loss is not finite)")));
        }
        loss_sum += report.loss as f64;
        n += 1;
        tokens += report.tokens;
        let done = trainer.steps_done();
        if done % args.log_every.max(1) == 0 || done == args.steps {
            let secs = clock.elapsed().as_secs_f64();
            eprintln!("step {done:>6}  loss {:.4}  lr {lr:.2e}  {:.0} tokens/s", loss_sum / n as f64, tokens as f64 / secs);
            (loss_sum, n, tokens) = (0.0, 0, 0);
            clock = Instant::now();
        }
        if done % args.checkpoint_every.max(1) == 0 || done == args.steps {
            trainer.save_checkpoint(&checkpoint)?;
        }
    }
    trainer.export(&args.out, &tokenizer_path)?;
    eprintln!("deid train: model written to {}", args.out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays() {
        assert!((learning_rate(0, 100, 1.0, 0.1) - 0.1).abs() < 1e-9);
        assert!((learning_rate(9, 100, 1.0, 0.1) - 1.0).abs() < 1e-9);
        assert!(learning_rate(50, 100, 1.0, 0.1) < 1.0);
        assert!(learning_rate(99, 100, 1.0, 0.1) > 0.0);
    }

    #[test]
    fn batches_walk_a_permutation_per_epoch() {
        let n = 10;
        let mut seen: Vec<usize> = (0..5).flat_map(|s| batch_indices(s, 2, n, 3)).collect();
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        assert_eq!(batch_indices(7, 2, n, 3), batch_indices(7, 2, n, 3));
    }

    #[test]
    fn exempt_subtypes_train_as_outside() {
        let tags = TagSet::new(vec!["NAME".into(), "LOCATION".into(), "DATE".into(), "ID".into()]);
        assert_eq!(training_label(&tags, "LOCATION", Some("STATE")), None);
        assert_eq!(training_label(&tags, "DATE", Some("YEAR")), None);
        assert_eq!(training_label(&tags, "DATE", Some("BIRTH")), Some(2));
        assert_eq!(training_label(&tags, "MRN", None), Some(3));
        assert_eq!(training_label(&tags, "EMAIL", None), None);
    }
}
