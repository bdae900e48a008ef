//! Throughput in bytes per second: each detector alone, the pattern-and-dictionary
//! pipeline, and the default pipeline with the transformer, on the presidio-synth corpus
//! when `../shared` is beside the checkout (the bundled example note otherwise).
//! Run: `cargo bench --bench pipeline` (the model stage alone: `benches/ner.rs`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use deid::detectors::{self, Detector, Document};
use deid::{Config, Engine};
use std::hint::black_box;

/// The benchmark corpus: presidio-synth texts joined as one document list.
fn corpus() -> (String, Vec<String>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/eval/presidio-synth/presidio_synth_v2.jsonl");
    match std::fs::read_to_string(path) {
        Ok(jsonl) => {
            let texts = jsonl
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("corpus line")["text"].as_str().expect("text").to_string())
                .collect();
            ("presidio_synth_v2".into(), texts)
        }
        Err(_) => {
            let note = include_str!("../data/examples/visit_note.txt");
            ("visit_note x200".into(), vec![note.to_string(); 200])
        }
    }
}

fn bench_detectors(c: &mut Criterion) {
    let (name, texts) = corpus();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut all: Vec<Box<dyn Detector>> = detectors::pattern_detectors();
    all.extend(detectors::dictionary_detectors().expect("bundled dictionaries load"));
    let mut group = c.benchmark_group(format!("detector/{name}"));
    group.throughput(Throughput::Bytes(bytes as u64));
    for detector in &all {
        group.bench_function(detector.name(), |b| {
            let mut out = Vec::new();
            b.iter(|| {
                for t in &texts {
                    out.clear();
                    detector.detect(&Document::new(t), &mut out).unwrap();
                }
                black_box(out.len())
            })
        });
    }
    group.finish();
}

fn bench_pipeline(c: &mut Criterion) {
    let (name, texts) = corpus();
    let bytes: usize = texts.iter().map(String::len).sum();
    let rules = Engine::new(Config { ner: false, ..Config::default() }).expect("rules engine");
    let mut group = c.benchmark_group(format!("pipeline/{name}"));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("rules, redact, one thread", |b| {
        b.iter(|| texts.iter().map(|t| rules.redact(t).unwrap().text.len()).sum::<usize>())
    });
    group.bench_function("rules, redact_batch, all threads", |b| b.iter(|| rules.redact_batch(&texts).len()));
    group.finish();

    // With the model the corpus takes tens of seconds a pass: a fixed slice of it.
    let slice = &texts[..texts.len().min(100)];
    let bytes: usize = slice.iter().map(String::len).sum();
    let full = Engine::new(Config::default()).expect("default engine (bundled model)");
    let mut group = c.benchmark_group(format!("pipeline/{name}, first {} documents", slice.len()));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("default with model, redact, one thread", |b| {
        b.iter(|| slice.iter().map(|t| full.redact(t).unwrap().text.len()).sum::<usize>())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = bench_detectors, bench_pipeline
}
criterion_main!(benches);
