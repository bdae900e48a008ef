//! The shipped model in the default pipeline: loaded from `models/ner` with no flag, it finds
//! what the rules cannot (lower-case names and places in a transcript), and a missing model
//! is an error rather than a silent drop to lower recall.

use deid::{Config, Engine};

const TURNS: &str = "[doctor] hi , andrew , how are you ?\n\
[patient] good . my wife martha drove me in from springfield this morning .\n\
[doctor] great . and dr . okafor will see you after .";

#[test]
fn the_default_engine_runs_the_bundled_model() {
    let engine = Engine::new(Config::default()).unwrap();
    assert!(engine.detector_names().contains(&"ner"), "{:?}", engine.detector_names());
    let out = engine.redact(TURNS).unwrap().text;
    for value in ["andrew", "martha", "springfield", "okafor"] {
        assert!(!out.contains(value), "{value} left in {out}");
    }
    for kept in ["how are you", "this morning", "will see you after"] {
        assert!(out.contains(kept), "{kept:?} redacted in {out}");
    }
}

#[test]
fn the_model_finds_what_the_rules_miss() {
    let rules = Engine::new(Config { ner: false, ..Config::default() }).unwrap();
    assert!(!rules.detector_names().contains(&"ner"));
    let out = rules.redact(TURNS).unwrap().text;
    assert!(out.contains("andrew") && out.contains("okafor"), "the rules alone now find these: {out}");
}

#[test]
fn a_missing_model_is_a_clear_error() {
    let config = Config { ner_model: Some("/nonexistent/model".into()), ..Config::default() };
    let err = Engine::new(config).err().expect("no engine without its model").to_string();
    assert!(err.contains("/nonexistent/model"), "{err}");
}

/// The ONNX Runtime backend is opt-in at build time; asking for it without it must not
/// quietly fall back to another configuration.
#[cfg(not(feature = "onnx"))]
#[test]
fn asking_for_onnx_without_the_feature_is_a_clear_error() {
    let config = Config { ner_onnx: Some("target/onnx/ner/model.int8.onnx".into()), ..Config::default() };
    let err = Engine::new(config).err().expect("no engine without the onnx feature").to_string();
    assert!(err.contains("--features onnx"), "{err}");
}
