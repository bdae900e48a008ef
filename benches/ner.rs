//! The transformer stage alone: word pieces per second on one core, in the model's
//! 128-piece windows, on transcripts-dev when `../shared` is beside the checkout (the
//! bundled example note otherwise). Run with one thread so the figure is per core:
//! `RAYON_NUM_THREADS=1 cargo bench --bench ner` (candle's matrix products use that pool).
//!
//! With `--features onnx`, after `models/onnx_setup.sh`, the same text also runs on ONNX
//! Runtime (f32 and int8 graphs of the same model), measured in the same run:
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

fn bench_ner(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner");
    let model = NerModel::load(&dir).expect("bundled model");
    let (name, texts, pieces) = corpus(&model);
    let mut backends = vec![("candle", model)];
    #[cfg(feature = "onnx")]
    for graph in ["model.onnx", "model.int8.onnx"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/onnx/ner").join(graph);
        backends.push((graph, NerModel::load_onnx(&dir, &path).expect("run models/onnx_setup.sh first")));
    }
    let mut group = c.benchmark_group(format!("ner/{name}"));
    group.throughput(Throughput::Elements(pieces as u64));
    for (backend, model) in &backends {
        group.bench_function(format!("{backend}: pieces (windows of 128, stride 96)"), |b| {
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
