//! Manual driver (ignored in CI): tag a corpus with a trained model and write
//! predictions for `tools/score.py`, printing tagging throughput.
//!
//! `NER_MODEL=models/x NER_INPUT=gold.jsonl NER_OUTPUT=pred.jsonl cargo test --release --test ner_eval -- --ignored --nocapture`

#[test]
#[ignore]
fn predict_corpus_with_model() {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("set {k}"));
    let stats = deid::ner::predict::predict_jsonl(
        std::path::Path::new(&var("NER_MODEL")),
        std::path::Path::new(&var("NER_INPUT")),
        std::path::Path::new(&var("NER_OUTPUT")),
    )
    .unwrap();
    assert!(stats.documents > 0);
    eprintln!(
        "{} documents, {} pieces in {:.2}s: {:.0} pieces/s ({} threads)",
        stats.documents,
        stats.pieces,
        stats.seconds,
        stats.pieces as f64 / stats.seconds,
        rayon::current_num_threads()
    );
}
