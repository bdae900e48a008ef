//! The tagger's encoder on ONNX Runtime: an optional backend (`--features onnx`)
//! for speed, with int8 matrix kernels that candle lacks on CPU.
//!
//! The graph is written from the same `model.safetensors` by `models/export_onnx.py`
//! (see its doc for the inputs and outputs); tokenising, windowing and decoding stay
//! in Rust and are shared with the candle backend, so only the network differs. The
//! runtime library is loaded at run time from `ORT_DYLIB_PATH` (the `libonnxruntime.so`
//! of the PyPI `onnxruntime` wheel will do), so the build needs nothing but crates.io.
//!
//! A `Session` runs one call at a time (`run` takes `&mut self`), so the tagger keeps a
//! pool: each call borrows a session, or opens one more when all are busy. With one
//! worker thread per core that is one single-threaded session per core, as with candle.

use crate::error::{Error, ErrorKind, Result};
use crate::ner::model::Padded;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The environment variable naming the ONNX Runtime shared library.
pub const DYLIB_ENV: &str = "ORT_DYLIB_PATH";

fn runtime_error(e: impl std::fmt::Display) -> Error {
    // ONNX Runtime's messages name nodes, shapes and files, never document text.
    Error::new(ErrorKind::Detector, format!("onnx runtime: {e}"))
}

/// ONNX Runtime allows one environment per process; every tagger shares it.
fn environment() -> Result<&'static ort::environment::Environment> {
    static ENV: OnceLock<std::result::Result<ort::environment::Environment, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let lib = std::env::var_os(DYLIB_ENV).filter(|v| !v.is_empty()).ok_or_else(|| {
            format!("{DYLIB_ENV} is not set: point it at libonnxruntime.so (evaluation/peers/onnx_setup.sh prints where)")
        })?;
        ort::init_from(PathBuf::from(lib))
            .map_err(|e| format!("cannot load ONNX Runtime: {e}"))?
            .with_name("deid")
            .build()
            .map_err(|e| format!("cannot start ONNX Runtime: {e}"))
    })
    .as_ref()
    .map_err(|e| Error::config(e.clone()))
}

/// The encoder + classifier as an ONNX graph, with a pool of sessions.
pub struct OnnxTagger {
    path: PathBuf,
    tags: usize,
    sessions: Mutex<Vec<Session>>,
}

impl OnnxTagger {
    /// Opens `path` (a graph from `models/export_onnx.py`) and checks that it gives `tags` probabilities per piece.
    pub fn load(path: &Path, tags: usize) -> Result<OnnxTagger> {
        if !path.is_file() {
            return Err(Error::config(format!(
                "ONNX model {} not found (write it with models/export_onnx.py)",
                path.display()
            )));
        }
        let tagger = OnnxTagger { path: path.to_path_buf(), tags, sessions: Mutex::new(Vec::new()) };
        let session = tagger.open()?;
        let outputs = session.outputs();
        if outputs.len() != 1 || outputs[0].name() != "probs" {
            return Err(Error::data(format!("{} is not a deid tagger graph: no single `probs` output", path.display())));
        }
        tagger.give_back(session);
        Ok(tagger)
    }

    /// A session on one thread: the engine parallelises over documents, one worker per core.
    fn open(&self) -> Result<Session> {
        let fail = |e: &dyn std::fmt::Display| Error::data(format!("cannot open ONNX model {}: {e}", self.path.display()));
        Session::builder(environment()?)
            .map_err(|e| fail(&e))?
            .with_optimization_level(GraphOptimizationLevel::All)
            .map_err(|e| fail(&e))?
            .with_intra_threads(1)
            .map_err(|e| fail(&e))?
            .with_inter_threads(1)
            .map_err(|e| fail(&e))?
            .commit_from_file(&self.path)
            .map_err(|e| fail(&e))
    }

    fn take(&self) -> Result<Session> {
        let pooled = self.sessions.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match pooled {
            Some(s) => Ok(s),
            None => self.open(),
        }
    }

    fn give_back(&self, session: Session) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).push(session);
    }

    /// Tag probabilities for each row of (piece ids, casing classes), `[row][piece][tag]`,
    /// rows padded to the longest (padding included, as the candle backend returns them).
    pub fn probs(&self, rows: &[(Vec<u32>, Vec<u32>)]) -> Result<Vec<Vec<Vec<f32>>>> {
        let p = Padded::new(rows);
        if p.len == 0 {
            return Ok(vec![Vec::new(); rows.len()]);
        }
        let shape = [p.rows, p.len];
        let ids: Vec<i64> = p.ids.iter().map(|&i| i64::from(i)).collect();
        let case: Vec<i64> = p.case.iter().map(|&c| i64::from(c)).collect();
        let mask: Vec<i32> = p.mask.iter().map(|&m| m as i32).collect();
        let inputs = ort::inputs![
            "input_ids" => Tensor::from_array((shape, ids)).map_err(runtime_error)?,
            "case_ids" => Tensor::from_array((shape, case)).map_err(runtime_error)?,
            "attention_mask" => Tensor::from_array((shape, mask)).map_err(runtime_error)?,
        ];
        let mut session = self.take()?;
        let result = session.run(inputs).map_err(runtime_error).and_then(|outputs| {
            let (out_shape, data) = outputs["probs"].try_extract_tensor::<f32>().map_err(runtime_error)?;
            if out_shape[..] != [p.rows as i64, p.len as i64, self.tags as i64] {
                return Err(Error::data(format!(
                    "{}: probs has shape {out_shape:?}, expected [{}, {}, {}]",
                    self.path.display(),
                    p.rows,
                    p.len,
                    self.tags
                )));
            }
            Ok(data.chunks(p.len * self.tags).map(|row| row.chunks(self.tags).map(<[f32]>::to_vec).collect()).collect())
        });
        self.give_back(session);
        result
    }
}
