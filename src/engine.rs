//! The engine: detectors → policy → merge → redactor, for one document or many in parallel.

use crate::config::Config;
use crate::detectors::{self, Detector, Document};
use crate::error::{Error, ErrorKind, Result};
use crate::normalize::Normalized;
use crate::span::Span;
use crate::{merge, policy, redact, refine, repeats};
use rayon::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A redacted document: the new text and the spans removed (byte offsets into the *original* text).
#[derive(Clone, Debug, PartialEq)]
pub struct Redacted {
    pub text: String,
    pub spans: Vec<Span>,
}

/// Finds and removes identifiers. Build once, share (`Engine: Send + Sync`), call from many threads.
///
/// ```
/// let engine = deid::Engine::new(deid::Config::default()).unwrap();
/// let out = engine.redact("Reach me at jane.doe@example.org or 617-555-0199.").unwrap();
/// assert_eq!(out.text, "Reach me at [EMAIL] or [PHONE].");
/// ```
pub struct Engine {
    config: Config,
    detectors: Vec<Box<dyn Detector>>,
}

impl Engine {
    /// Builds the engine with the bundled detectors that `config` enables.
    pub fn new(mut config: Config) -> Result<Engine> {
        config.validate()?;
        config.load_surrogate_key()?;
        let mut all: Vec<Box<dyn Detector>> = Vec::new();
        if config.patterns {
            all.extend(detectors::pattern_detectors());
        }
        if config.dictionaries {
            all.extend(detectors::dictionary_detectors()?);
        }
        if config.ner {
            let dir = config.ner_model_dir()?;
            let model = match &config.ner_onnx {
                Some(graph) => crate::ner::NerModel::load_onnx(&dir, graph)?,
                None => crate::ner::NerModel::load(&dir)?,
            };
            all.push(Box::new(detectors::ner::NerDetector::new(model)?));
        }
        Ok(Engine { config, detectors: all })
    }

    /// Builds the engine with exactly these detectors (tests, custom pipelines, the NER model).
    pub fn with_detectors(config: Config, detectors: Vec<Box<dyn Detector>>) -> Result<Engine> {
        config.validate()?;
        Ok(Engine { config, detectors })
    }

    /// Adds a detector to those already configured.
    pub fn push_detector(&mut self, detector: Box<dyn Detector>) {
        self.detectors.push(detector);
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The names of the detectors that run, in order.
    pub fn detector_names(&self) -> Vec<&'static str> {
        self.detectors.iter().map(|d| d.name()).collect()
    }

    /// Every span every detector reported, with its detector's name, before policy and merge.
    /// Evaluation uses this to attribute hits; redaction never does.
    pub fn detect_by_detector(&self, text: &str) -> Result<Vec<(&'static str, Vec<Span>)>> {
        let view = Normalized::new(text);
        let doc = Document::new(view.text());
        self.detectors
            .iter()
            .map(|d| {
                crate::cancel::checkpoint()?;
                let mut spans = Vec::new();
                run_detector(d.as_ref(), &doc, &mut spans)?;
                Ok((d.name(), view.to_original(spans)))
            })
            .collect()
    }

    /// The spans that must be redacted: sorted, disjoint, byte offsets. Every other
    /// occurrence of a value found is included (`repeats`). A transcript given as
    /// plain text (WebVTT, SRT, timed speaker turns) is read as one: its cue
    /// numbers, timestamps and role labels are structure, never reported.
    ///
    /// Cancellable: inside [`crate::Cancel::scope`], a cancelled token stops the
    /// work between detectors with [`ErrorKind::Cancelled`].
    pub fn detect(&self, text: &str) -> Result<Vec<Span>> {
        if let Some(spans) = crate::transcript::detect_in_text(self, text)? {
            return Ok(spans);
        }
        self.detect_prose(text)
    }

    /// [`Engine::detect`] over running text, with no transcript structure looked for
    /// (the transcript reader calls this on the spoken text it has gathered).
    ///
    /// Detectors read the text's normalised view (`crate::normalize`: digits of every
    /// script, dashes and spaces folded, invisible characters dropped), and the spans are
    /// mapped back onto the original bytes, so an identifier written with odd characters
    /// is found and redacted whole.
    pub(crate) fn detect_prose(&self, text: &str) -> Result<Vec<Span>> {
        let view = Normalized::new(text);
        let spans = self.detect_normalized(view.text())?;
        if view.is_identity() {
            return Ok(spans);
        }
        Ok(merge::merge(view.to_original(spans)))
    }

    /// The pipeline over text that is already normalised.
    fn detect_normalized(&self, text: &str) -> Result<Vec<Span>> {
        let doc = Document::new(text);
        let mut spans = Vec::new();
        for d in &self.detectors {
            crate::cancel::checkpoint()?;
            run_detector(d.as_ref(), &doc, &mut spans)?;
        }
        // Policy first, so an exempt span (a state inside an address) never
        // swallows a required one it overlaps; then the merge.
        policy::apply(&self.config, &mut spans);
        // Refined before repeats are marked, so that a value's echoes are cut as it is.
        let mut spans = refine::refine(text, merge::merge(spans))?;
        repeats::mark_repeats(text, &mut spans)?;
        Ok(merge::merge(spans))
    }

    /// The redacted text and the spans removed.
    pub fn redact(&self, text: &str) -> Result<Redacted> {
        self.redact_in_group(text, None)
    }

    /// [`Engine::redact`] for a document of a group (a patient id): with surrogates and a key,
    /// the group's documents share their fakes and their date offset.
    pub fn redact_in_group(&self, text: &str, group: Option<&str>) -> Result<Redacted> {
        let spans = self.detect(text)?;
        let (text, _) = redact::redact_in_group(&self.config, text, &spans, group);
        Ok(Redacted { text, spans })
    }

    /// [`Engine::detect`] over many documents in parallel; one result per document, in order.
    pub fn detect_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Result<Vec<Span>>> {
        texts.par_iter().map(|t| self.detect(t.as_ref())).collect()
    }

    /// [`Engine::redact`] over many documents in parallel; one result per document, in order.
    pub fn redact_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Result<Redacted>> {
        texts.par_iter().map(|t| self.redact(t.as_ref())).collect()
    }
}

/// Runs one detector, failing closed: a panic or a span off the text's
/// character boundaries becomes an error for this document, never a pass-through.
fn run_detector(detector: &dyn Detector, doc: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
    let first = out.len();
    let outcome = catch_unwind(AssertUnwindSafe(|| detector.detect(doc, out)));
    let failed = |what: &str| Error::new(ErrorKind::Detector, format!("detector {} {what}", detector.name()));
    match outcome {
        Err(_) => return Err(failed("panicked")),
        // Cancellation is not the detector's failure: keep its kind for the caller.
        Ok(Err(e)) if *e.kind() == ErrorKind::Cancelled => return Err(e),
        Ok(Err(e)) => return Err(Error::new(ErrorKind::Detector, format!("detector {}: {e}", detector.name()))),
        Ok(Ok(())) => {}
    }
    let text = doc.text;
    let bad = out[first..].iter().any(|s| {
        s.start > s.end || s.end > text.len() || !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end)
    });
    if bad {
        return Err(failed("reported a span outside the text or inside a character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Label, Source};

    struct Fixed(Vec<Span>);
    impl Detector for Fixed {
        fn name(&self) -> &'static str {
            "fixed"
        }
        fn detect(&self, _: &Document<'_>, out: &mut Vec<Span>) -> Result<()> {
            out.extend_from_slice(&self.0);
            Ok(())
        }
    }

    struct Panics;
    impl Detector for Panics {
        fn name(&self) -> &'static str {
            "panics"
        }
        fn detect(&self, _: &Document<'_>, _: &mut Vec<Span>) -> Result<()> {
            panic!("boom")
        }
    }

    #[test]
    fn redact_applies_merge_and_policy() {
        let spans = vec![
            Span::new(0, 3, Label::Name, 0.9, Source::Rule),
            Span::new(1, 5, Label::Name, 0.9, Source::Rule),
            Span::new(10, 12, Label::Age, 0.9, Source::Pattern).with_age(45),
        ];
        let engine = Engine::with_detectors(Config::default(), vec![Box::new(Fixed(spans))]).unwrap();
        let out = engine.redact("Annabel is 45 years").unwrap();
        assert_eq!(out.text, "[NAME]el is 45 years");
        assert_eq!(out.spans.len(), 1);
    }

    #[test]
    fn a_failing_detector_fails_the_document() {
        let engine = Engine::with_detectors(Config::default(), vec![Box::new(Panics)]).unwrap();
        let err = engine.redact("secret text").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Detector);
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn spans_inside_a_character_fail_the_document() {
        let engine = Engine::with_detectors(Config::default(), vec![Box::new(Fixed(vec![Span::new(0, 3, Label::Name, 1.0, Source::Rule)]))]).unwrap();
        assert!(engine.detect("Zöe").is_ok(), "bytes 0..3 are \"Zö\"");
        assert!(engine.detect("Zoë").is_err(), "byte 3 lies inside \"ë\"");
    }

    /// Cancels the token it is given when it runs, as a deadline passing mid-document would.
    struct CancelsMidway(crate::Cancel);
    impl Detector for CancelsMidway {
        fn name(&self) -> &'static str {
            "cancels"
        }
        fn detect(&self, _: &Document<'_>, _: &mut Vec<Span>) -> Result<()> {
            self.0.cancel();
            Ok(())
        }
    }

    #[test]
    fn cancelled_work_stops_between_detectors_without_output() {
        let token = crate::Cancel::new();
        let ran = Fixed(vec![Span::new(0, 3, Label::Name, 1.0, Source::Rule)]);
        let engine = Engine::with_detectors(Config::default(), vec![Box::new(CancelsMidway(token.clone())), Box::new(Panics), Box::new(ran)]).unwrap();
        // The detector after the cancelling one never runs (it would panic: a Detector error).
        let err = token.scope(|| engine.redact("Ann saw Bob")).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Cancelled);
        let err = token.scope(|| engine.detect_by_detector("Ann saw Bob")).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Cancelled);
        // Outside the scope the same engine runs to the end (and fails on the panicking detector).
        assert_eq!(engine.redact("Ann saw Bob").unwrap_err().kind(), &ErrorKind::Detector);
    }

    #[test]
    fn a_detector_reporting_cancellation_is_not_a_detector_failure() {
        struct Checks;
        impl Detector for Checks {
            fn name(&self) -> &'static str {
                "checks"
            }
            fn detect(&self, _: &Document<'_>, _: &mut Vec<Span>) -> Result<()> {
                crate::cancel::checkpoint()
            }
        }
        let engine = Engine::with_detectors(Config::default(), vec![Box::new(Checks)]).unwrap();
        let token = crate::Cancel::with_deadline(std::time::Instant::now());
        assert_eq!(token.scope(|| engine.detect("text")).unwrap_err().kind(), &ErrorKind::Cancelled);
        assert!(engine.detect("text").is_ok());
    }

    #[test]
    fn batch_keeps_order() {
        let engine = Engine::with_detectors(Config::default(), vec![Box::new(Fixed(vec![Span::new(0, 1, Label::Id, 1.0, Source::Rule)]))]).unwrap();
        let out = engine.redact_batch(&["a1", "b2", "c3"]);
        let texts: Vec<String> = out.into_iter().map(|r| r.unwrap().text).collect();
        assert_eq!(texts, vec!["[ID]1", "[ID]2", "[ID]3"]);
    }
}
