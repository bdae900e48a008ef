//! The transformer stage alone: word pieces per second on one core, in the model's
//! 128-piece windows, on transcripts-dev when `../shared` is beside the checkout (the
//! bundled example note otherwise). Run with one thread so the figure is per core:
//! `RAYON_NUM_THREADS=1 cargo bench --bench ner` (candle's matrix products use that pool).
//!
//! Every tagger in `models/` is measured (`ner`, and the 3-layer `ner-fast`). With
//! `--features onnx`, after `models/onnx_setup.sh models/ner` and `… models/ner-fast`,
//! each also runs on ONNX Runtime (its f32 and int8 graphs), all in the same run:
//! `RAYON_NUM_THREADS=1 ORT_DYLIB_PATH=$(cat target/onnx/ORT_DYLIB_PATH) cargo bench --features onnx --bench ner`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use deid::ner::NerModel;
use std::path::Path;

/// Fewest pieces per timed pass: a few seconds of work, so ten samples stay short.
const PIECES: usize = 6_000;

/// Texts from the start of transcripts-dev (or the example note) until `PIECES` pieces.
fn corpus(model: &NerModel) -> (String, Vec<String>, usize) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/eval/transcripts-dev/transcripts.jsonl");
    let (name, all): (&str, Vec<String>) = match std::fs::read_to_string(path) {
        Ok(jsonl) => (
            "transcripts-dev",
            jsonl
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("corpus line")["text"].as_str().expect("text").to_string())
                .collect(),
        ),
        Err(_) => ("visit_note", vec![include_str!("../data/examples/visit_note.txt").to_string(); 40]),
    };
    let (mut texts, mut pieces) = (Vec::new(), 0);
    for t in all {
        if pieces >= PIECES {
            break;
        }
        pieces += model.tokenizer().pieces(&t).expect("tokenise").ids.len();
        texts.push(t);
    }
    (format!("{name}, {} documents", texts.len()), texts, pieces)
}

/// The taggers in `models/` that are present, and on which backends to run each.
fn backends() -> Vec<(String, NerModel)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for name in ["ner", "ner-fast"] {
        let dir = root.join("models").join(name);
        if !dir.join("config.json").is_file() {
            continue;
        }
        out.push((format!("{name} candle"), NerModel::load(&dir).expect("model")));
        #[cfg(feature = "onnx")]
        for graph in ["model.onnx", "model.int8.onnx"] {
            let path = root.join("target/onnx").join(name).join(graph);
            let model = NerModel::load_onnx(&dir, &path).unwrap_or_else(|e| panic!("{e}: run models/onnx_setup.sh models/{name}"));
            out.push((format!("{name} onnx {graph}"), model));
        }
    }
    out
}

fn bench_ner(c: &mut Criterion) {
    let backends = backends();
    let (name, texts, pieces) = corpus(&backends[0].1);
    let mut group = c.benchmark_group(format!("ner/{name}"));
    group.throughput(Throughput::Elements(pieces as u64));
    for (backend, model) in &backends {
        let (window, stride) = (model.config().window, model.config().stride);
        group.bench_function(format!("{backend} (windows of {window}, stride {stride})"), |b| {
            b.iter(|| texts.iter().map(|t| model.predict(t).unwrap().len()).sum::<usize>())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(20));
    targets = bench_ner
}
criterion_main!(benches);
