//! Provenance: what a report was measured with, so that a privacy officer who signs it can
//! tell which engine, model, configuration and corpus files the figures belong to, and
//! anyone can check a later run against it.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::server::auth::sha256_hex;
use crate::server::log::now_rfc3339;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// When the run started, UTC (RFC 3339).
    pub run_at: String,
    pub deid_version: String,
    /// The git commit of the source tree the binary was built from, read when the run
    /// started (`-dirty` when that tree had uncommitted changes); `unknown` outside a checkout.
    pub source_commit: String,
    /// SHA-256 of the engine configuration as the report records it (engine mode).
    pub config_sha256: Option<String>,
    /// The tagger, when the engine ran one.
    pub model: Option<ModelFile>,
    pub corpora: Vec<CorpusFile>,
    /// Operating system, architecture, CPU model and count.
    pub machine: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// The model directory's name (`ner`, `ner-fast`, …).
    pub name: String,
    pub path: String,
    /// SHA-256 of its `model.safetensors`.
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Gathers the provenance of a run over `corpora` (with `config` when the engine runs).
pub fn gather(config: Option<&Config>, corpora: &[&Path]) -> Result<Provenance> {
    let corpora = corpora
        .iter()
        .map(|p| {
            let data = std::fs::read(p).map_err(|e| Error::input(format!("cannot read {}: {e}", p.display())))?;
            Ok(CorpusFile { path: p.display().to_string(), bytes: data.len() as u64, sha256: sha256_hex(&data) })
        })
        .collect::<Result<Vec<_>>>()?;
    let model = match config {
        Some(c) if c.ner => {
            let dir = c.ner_model_dir()?;
            let weights = dir.join("model.safetensors");
            let data = std::fs::read(&weights)
                .map_err(|e| Error::input(format!("cannot read {}: {e}", weights.display())))?;
            Some(ModelFile {
                name: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                path: dir.display().to_string(),
                sha256: sha256_hex(&data),
            })
        }
        _ => None,
    };
    Ok(Provenance {
        run_at: now_rfc3339(),
        deid_version: env!("CARGO_PKG_VERSION").into(),
        source_commit: source_commit(),
        config_sha256: config.and_then(|c| serde_json::to_vec(c).ok()).map(|j| sha256_hex(&j)),
        model,
        corpora,
        machine: machine(),
    })
}

/// `git rev-parse HEAD` of the tree the binary was built from, `-dirty` when it has changes.
fn source_commit() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let git = |args: &[&str]| {
        Command::new("git").args(["-C", dir]).args(args).output().ok().filter(|o| o.status.success())
    };
    match git(&["rev-parse", "HEAD"]) {
        Some(o) => {
            let commit = String::from_utf8_lossy(&o.stdout).trim().to_string();
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|o| !o.stdout.is_empty());
            if dirty {
                format!("{commit}-dirty")
            } else {
                commit
            }
        }
        None => "unknown".into(),
    }
}

/// `linux x86_64, 2 CPUs (AMD EPYC …)`.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())));
    let model = model.map(|m| format!(" ({m})")).unwrap_or_default();
    format!("{} {}, {cpus} CPUs{model}", std::env::consts::OS, std::env::consts::ARCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_files_are_hashed_and_the_model_named() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c.jsonl");
        std::fs::write(&corpus, b"abc").unwrap();
        let config = Config { ner: false, ..Config::default() };
        let p = gather(Some(&config), &[&corpus]).unwrap();
        assert_eq!(p.corpora[0].bytes, 3);
        // SHA-256 of "abc" (FIPS 180-2's example).
        assert_eq!(p.corpora[0].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(p.model.is_none(), "no tagger ran");
        assert_eq!(p.config_sha256.as_ref().map(String::len), Some(64));
        assert!(p.run_at.ends_with('Z') && p.machine.contains(std::env::consts::ARCH));

        let with_model = gather(Some(&Config::default()), &[&corpus]).unwrap();
        let model = with_model.model.expect("the default engine runs the bundled tagger");
        assert_eq!((model.name.as_str(), model.sha256.len()), ("ner", 64));
        assert_ne!(with_model.config_sha256, p.config_sha256, "another configuration, another hash");
    }
}
