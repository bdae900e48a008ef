//! Evaluation harness (stub, being written): scores the engine against labeled corpora.

/// `deid eval` arguments.
#[derive(clap::Args, Debug, Clone)]
pub struct EvalArgs {}

/// Runs `deid eval`.
pub fn run(_args: &EvalArgs) -> crate::Result<()> {
    Err(crate::Error::config("deid eval is not built yet"))
}
