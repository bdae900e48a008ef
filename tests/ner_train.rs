//! Training on a toy set with a tiny random BERT: the loss falls, gradients
//! reach the embedding matrix and the LayerNorms, checkpoints resume exactly,
//! and the exported f16 model tags what it learned.

use deid::ner::config::NerConfig;
use deid::ner::tokenize::PieceTokenizer;
use deid::ner::train::{encode_example, TrainWindow, Trainer};
use deid::ner::{tiny, NerModel};
use std::path::Path;

/// Toy sentences with their names (byte ranges) and dates.
fn toy(tok: &PieceTokenizer, cfg: &NerConfig) -> Vec<TrainWindow> {
    let data: &[(&str, &[(&str, usize)])] = &[
        ("the patient john smith saw dr jones in march", &[("john smith", 0), ("jones", 0), ("march", 1)]),
        ("mary jones was born in may", &[("mary jones", 0), ("may", 1)]),
        ("hi mark, how are you today", &[("mark", 0)]),
        ("i will see you in march", &[("march", 1)]),
        ("dr smith saw mary at the clinic", &[("smith", 0), ("mary", 0)]),
        ("the pain in the chest was today", &[]),
    ];
    let tags = cfg.tags();
    data.iter()
        .flat_map(|(text, ents)| {
            let spans: Vec<(usize, usize, usize)> =
                ents.iter().map(|(e, k)| {
                    let s = text.find(e).unwrap();
                    (s, s + e.len(), *k)
                }).collect();
            encode_example(tok, cfg, &tags, text, &spans, 2.0).unwrap()
        })
        .collect()
}

fn base(dir: &Path) -> (NerConfig, PieceTokenizer) {
    tiny::write_random_model(dir, &[]).unwrap();
    let mut cfg = NerConfig::from_file(&dir.join("config.json")).unwrap();
    cfg.entity_labels = vec!["NAME".into(), "DATE".into()];
    (cfg, PieceTokenizer::from_file(&dir.join("tokenizer.json")).unwrap())
}

#[test]
fn loss_falls_and_every_layer_gets_gradients() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, tok) = base(dir.path());
    let windows = toy(&tok, &cfg);
    let mut trainer = Trainer::new(cfg, Some(&dir.path().join("model.safetensors")), 0.0).unwrap();
    let first = trainer.step(&windows, 3e-3).unwrap();
    for name in [
        "embeddings.word_embeddings.weight",
        "embeddings.case_embeddings.weight",
        "embeddings.LayerNorm.weight",
        "encoder.layer.0.attention.self.query.weight",
        "encoder.layer.1.attention.self.key.weight",
        "encoder.layer.1.output.LayerNorm.weight",
        "classifier.weight",
    ] {
        let norm = first.grad_norms.get(name).copied().unwrap_or(0.0);
        assert!(norm > 0.0, "{name} received no gradient");
    }
    let mut last = first.loss;
    for _ in 0..60 {
        last = trainer.step(&windows, 3e-3).unwrap().loss;
    }
    assert!(last < first.loss * 0.3, "loss went from {} to {last}", first.loss);
}

#[test]
fn checkpoints_resume_and_export_tags_what_was_learned() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, tok) = base(dir.path());
    let windows = toy(&tok, &cfg);
    let mut trainer = Trainer::new(cfg, Some(&dir.path().join("model.safetensors")), 0.01).unwrap();
    for _ in 0..120 {
        trainer.step(&windows, 3e-3).unwrap();
    }
    let ckpt = dir.path().join("ckpt");
    trainer.save_checkpoint(&ckpt).unwrap();
    let mut resumed = Trainer::resume(&ckpt, 0.01).unwrap();
    assert_eq!(resumed.steps_done(), 120);
    let loss_a = trainer.loss(&windows, false).unwrap().to_scalar::<f32>().unwrap();
    let loss_b = resumed.loss(&windows, false).unwrap().to_scalar::<f32>().unwrap();
    assert!((loss_a - loss_b).abs() < 1e-5, "{loss_a} vs {loss_b}");
    // The optimiser state came back too: the next step is the same in both.
    let next_a = trainer.step(&windows, 1e-3).unwrap().loss;
    let next_b = resumed.step(&windows, 1e-3).unwrap().loss;
    assert!((next_a - next_b).abs() < 1e-5);

    let out = dir.path().join("model");
    resumed.export(&out, &dir.path().join("tokenizer.json")).unwrap();
    let model = NerModel::load(&out).unwrap();
    let text = "the patient john smith saw dr jones in march";
    let found: Vec<(&str, usize)> = model.predict(text).unwrap().iter().map(|e| (&text[e.start..e.end], e.label)).collect();
    assert_eq!(found, vec![("john smith", 0), ("jones", 0), ("march", 1)]);
}

#[test]
fn train_command_generates_trains_resumes_and_exports() {
    use deid::ner::train::{run, TrainArgs};
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    tiny::write_random_model(&base, &[]).unwrap();
    let dict = dir.path().join("dict");
    std::fs::create_dir_all(&dict).unwrap();
    for (name, body) in [
        ("first_names.txt", "john\nmary\n"),
        ("surnames.txt", "smith\njones\n"),
        ("us_places.txt", "Boston\t1\n"),
        ("world_cities.txt", "Lagos\t1\n"),
        ("hospitals.txt", "Boston Clinic\n"),
        ("us_states.txt", "Ohio\tOH\n"),
        ("countries.txt", "Kenya\n"),
        ("allow_drugs.txt", "lisinopril\n"),
        ("allow_diseases.txt", "asthma\n"),
    ] {
        std::fs::write(dict.join(name), body).unwrap();
    }
    let out = dir.path().join("out");
    let mut args = TrainArgs {
        data: dir.path().join("train.jsonl"),
        base: base.clone(),
        out: out.clone(),
        steps: 3,
        batch: 2,
        lr: 1e-3,
        warmup: 0.1,
        weight_decay: 0.01,
        entity_weight: 2.0,
        checkpoint_every: 2,
        log_every: 1,
        labels: vec!["NAME".into(), "LOCATION".into(), "DATE".into(), "AGE".into(), "ID".into()],
        no_case: false,
        seed: 5,
        synth: Some(20),
        dict,
    };
    run(&args).unwrap();
    assert!(args.data.exists());
    let state = std::fs::read_to_string(out.join("checkpoint/state.json")).unwrap();
    assert!(state.contains("\"step\":3"), "{state}");
    // A second run resumes at step 3 and goes on to 5.
    args.steps = 5;
    args.synth = None;
    run(&args).unwrap();
    let state = std::fs::read_to_string(out.join("checkpoint/state.json")).unwrap();
    assert!(state.contains("\"step\":5"), "{state}");
    // The export is f16 and loads as a tagger with the five labels.
    let weights = candle_core::safetensors::load(out.join("model.safetensors"), &candle_core::Device::Cpu).unwrap();
    assert_eq!(weights["embeddings.word_embeddings.weight"].dtype(), candle_core::DType::F16);
    let model = NerModel::load(&out).unwrap();
    assert_eq!(model.tags().len(), 11);
    model.predict("John Smith was seen in Boston on March 3.").unwrap();
}
