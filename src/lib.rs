//! deid: removes the 18 HIPAA Safe Harbor identifiers from clinical text and transcripts.
//!
//! ```
//! use deid::{Config, Engine};
//! let engine = Engine::new(Config::default()).unwrap();
//! let out = engine.redact("SSN 123-45-6789, email ann@example.com").unwrap();
//! assert_eq!(out.text, "SSN [SSN], email [EMAIL]");
//! ```
//!
//! The flow: detectors (patterns, dictionaries) report spans; the Safe Harbor
//! policy drops what may stay (a state, a bare year, an age of 89 or less);
//! overlapping spans merge; the redactor writes placeholders. Spans carry
//! byte offsets and labels, never text, so PHI cannot reach a log through them.

pub mod batch;
pub mod cancel;
pub mod config;
pub mod context;
pub mod detectors;
pub mod engine;
pub mod error;
pub mod eval;
pub mod merge;
pub mod ner;
pub mod normalize;
pub mod offsets;
pub mod policy;
pub mod redact;
pub mod refine;
pub mod repeats;
pub mod server;
pub mod span;
pub mod surrogate;
pub mod transcript;

pub use cancel::Cancel;
pub use config::{Config, PlaceholderStyle};
pub use engine::{Engine, Redacted};
pub use error::{Error, ErrorKind, Result};
pub use span::{Label, Source, Span, Subtype};
