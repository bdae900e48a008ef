//! The ONNX Runtime backend against the candle backend, on the shipped model.
//!
//! Runs only in a build with `--features onnx`, after `models/onnx_setup.sh` has written
//! the graphs of `models/ner` to `target/onnx/ner/` and the runtime's path to
//! `target/onnx/ORT_DYLIB_PATH`:
//!
//!     models/onnx_setup.sh && cargo test --release --features onnx --test onnx_parity
//!
//! Missing graphs are a failure, not a skip: this file exists to check them.
#![cfg(feature = "onnx")]

use deid::ner::NerModel;
use std::path::{Path, PathBuf};
use std::sync::Once;

const TEXTS: [&str; 3] = [
    "Dr. Adaeze Okafor saw Mr. Tomas Lindqvist at Mercy General Hospital in Springfield on March 3rd.",
    "[doctor] hi martha, how have you been since we saw you in june?\n[patient] okay. my son andrew drove me down from riverside yesterday.",
    "short",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn onnx_dir() -> PathBuf {
    let dir = root().join("target/onnx/ner");
    assert!(dir.join("model.onnx").is_file(), "{} has no graphs: run models/onnx_setup.sh first", dir.display());
    static RUNTIME: Once = Once::new();
    RUNTIME.call_once(|| {
        if std::env::var_os("ORT_DYLIB_PATH").is_none() {
            let file = root().join("target/onnx/ORT_DYLIB_PATH");
            let lib = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("no {}: run models/onnx_setup.sh", file.display()));
            std::env::set_var("ORT_DYLIB_PATH", lib.trim());
        }
    });
    dir
}

fn model_dir() -> PathBuf {
    root().join("models/ner")
}

/// Every piece's tag probabilities for each text, over several windows and a padded batch.
fn probs(model: &NerModel, texts: &[String]) -> Vec<Vec<Vec<f32>>> {
    texts.iter().map(|t| model.piece_probs(&model.tokenizer().pieces(t).unwrap()).unwrap()).collect()
}

/// The texts above plus one long enough for several overlapping windows.
fn texts() -> Vec<String> {
    let mut all: Vec<String> = TEXTS.iter().map(|t| t.to_string()).collect();
    all.push(TEXTS[..2].join(" ").repeat(6));
    all
}

/// (largest and mean absolute probability difference, share of pieces given the same tag).
fn compare(graph: &Path) -> (f32, f64, f64) {
    let candle = NerModel::load(&model_dir()).unwrap();
    let onnx = NerModel::load_onnx(&model_dir(), graph).unwrap();
    assert_eq!((candle.backend(), onnx.backend()), ("candle", "onnx"));
    let texts = texts();
    let (a, b) = (probs(&candle, &texts), probs(&onnx, &texts));
    let (mut max_diff, mut sum_diff, mut same, mut total) = (0f32, 0f64, 0usize, 0usize);
    for (da, db) in a.iter().zip(&b) {
        assert_eq!(da.len(), db.len());
        for (pa, pb) in da.iter().zip(db) {
            for (x, y) in pa.iter().zip(pb) {
                max_diff = max_diff.max((x - y).abs());
                sum_diff += f64::from((x - y).abs());
            }
            let argmax = |p: &[f32]| p.iter().enumerate().max_by(|x, y| x.1.total_cmp(y.1)).unwrap().0;
            same += usize::from(argmax(pa) == argmax(pb));
            total += 1;
        }
    }
    let tags = a[0][0].len() as f64;
    (max_diff, sum_diff / (total as f64 * tags), same as f64 / total as f64)
}

#[test]
fn f32_graph_computes_what_candle_computes() {
    let (max_diff, _, agreement) = compare(&onnx_dir().join("model.onnx"));
    assert!(max_diff < 1e-3, "largest probability difference {max_diff}");
    assert_eq!(agreement, 1.0);
}

#[test]
fn int8_graph_stays_close_to_candle() {
    let (max_diff, mean_diff, agreement) = compare(&onnx_dir().join("model.int8.onnx"));
    eprintln!("int8 vs candle: probability difference max {max_diff:.3}, mean {mean_diff:.5}; same tag on {agreement:.4} of pieces");
    // Quantised activations move probabilities a little (a piece near a decision boundary
    // more than a little); the chosen tag almost never changes.
    assert!(mean_diff < 0.01, "mean probability difference {mean_diff}");
    assert!(agreement >= 0.98, "same tag on {agreement:.3} of pieces");
}

#[test]
fn int8_graph_finds_the_same_names_and_places() {
    let graph = onnx_dir().join("model.int8.onnx");
    let candle = NerModel::load(&model_dir()).unwrap();
    let onnx = NerModel::load_onnx(&model_dir(), &graph).unwrap();
    for text in TEXTS {
        let spans = |m: &NerModel| m.predict(text).unwrap().into_iter().map(|e| (e.start, e.end, e.label)).collect::<Vec<_>>();
        assert_eq!(spans(&candle), spans(&onnx), "entities differ on text {}", TEXTS.iter().position(|t| *t == text).unwrap());
    }
}

#[test]
fn a_missing_graph_is_a_clear_error() {
    onnx_dir();
    let err = NerModel::load_onnx(&model_dir(), Path::new("no/such/graph.onnx")).err().expect("must fail");
    assert!(err.to_string().contains("not found"), "{err}");
}
