//! Surrogate check (issue #18): redacts labeled corpora with surrogates, detects again on the
//! output, and reports
//!
//! - **found**: the share of surrogates that re-detection finds where the original spans were
//!   (a re-detected span overlapping the surrogate, any label; and with the same label) — the
//!   corpus still teaches where PHI sits. Measured twice: over the spans the engine removed (the
//!   pipeline as shipped), and over the corpus's gold spans that Safe Harbor requires removed
//!   (a gold-surrogated corpus, as corpus builders make one);
//! - **originals left**: how many replaced values (3+ letters or digits) occur as a word in the
//!   output more often than in the input outside every span (a common word taken for a name
//!   once is still written elsewhere: that is no surrogate's doing). Must be 0.
//!
//! Ages are left out: they become "90 or older", which is not a surrogate.
//!
//! ```sh
//! cargo run --release --example surrogate_check -- ../shared/data/eval/transcripts-dev/transcripts.jsonl
//! ```
//! Prints figures only, never corpus text. `--no-ner` runs patterns and dictionaries alone.

use deid::eval::corpus::load_corpus;
use deid::redact::redact_in_group;
use deid::surrogate::SurrogateKey;
use deid::{Config, Engine, Label, PlaceholderStyle, Source, Span};
use std::ops::Range;
use std::path::PathBuf;

#[derive(Default)]
struct Tally {
    surrogates: usize,
    found_any: usize,
    found_same_label: usize,
    originals_left: usize,
    /// Labels of the originals left, for the report (labels only, never text).
    left_labels: std::collections::BTreeMap<Label, usize>,
    /// Labels of the surrogates not found again.
    missed_labels: std::collections::BTreeMap<Label, usize>,
}

impl Tally {
    fn line(&self, what: &str) -> String {
        let pct = |n: usize| if self.surrogates == 0 { 0.0 } else { 100.0 * n as f64 / self.surrogates as f64 };
        format!(
            "  {what}: {} surrogates, re-detected at their place {} ({:.1}%), with the same label {} ({:.1}%); originals left in the output: {}",
            self.surrogates,
            self.found_any,
            pct(self.found_any),
            self.found_same_label,
            pct(self.found_same_label),
            self.originals_left
        ) + &if self.left_labels.is_empty() { String::new() } else { format!(" {:?}", self.left_labels) }
            + &format!("; not found again, by label: {:?}", self.missed_labels)
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ner = !args.iter().any(|a| a == "--no-ner");
    let corpora: Vec<PathBuf> = args.iter().filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
    anyhow::ensure!(!corpora.is_empty(), "usage: surrogate_check [--no-ner] CORPUS.jsonl...");
    let config = Config {
        placeholder: PlaceholderStyle::Surrogate,
        // A fixed key: the run is repeatable. It protects nothing here (the corpora are labeled).
        surrogate_key: Some(SurrogateKey::new(b"surrogate_check evaluation key")?),
        ner,
        ..Config::default()
    };
    let engine = Engine::new(config.clone())?;
    for path in corpora {
        let corpus = load_corpus(&path)?;
        let (mut pipeline, mut gold) = (Tally::default(), Tally::default());
        for doc in &corpus.docs {
            let text: String = doc.chars.iter().collect();
            let bytes = byte_offsets(&text);
            // The pipeline: the engine's own spans, replaced with surrogates.
            let spans = engine.detect(&text)?;
            check(&engine, &config, &text, &spans, &doc.id, &mut pipeline)?;
            // The gold spans Safe Harbor requires removed, replaced with surrogates.
            let gold_spans: Vec<Span> = doc
                .spans
                .iter()
                .filter(|g| g.required)
                .map(|g| {
                    let mut s = Span::new(bytes[g.start], bytes[g.end], g.label, 1.0, Source::Rule);
                    s.subtype = None;
                    s
                })
                .collect();
            check(&engine, &config, &text, &gold_spans, &doc.id, &mut gold)?;
        }
        println!("{} ({} documents{})", corpus.name, corpus.docs.len(), if ner { "" } else { ", no NER" });
        println!("{}", pipeline.line("spans the engine removed"));
        println!("{}", gold.line("gold spans (required)"));
    }
    Ok(())
}

/// The byte offset of every code point, and of the end.
fn byte_offsets(text: &str) -> Vec<usize> {
    text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect()
}

/// Replaces `spans` with surrogates (each document its own group), detects again, tallies.
fn check(engine: &Engine, config: &Config, text: &str, spans: &[Span], group: &str, tally: &mut Tally) -> anyhow::Result<()> {
    let (out, ranges) = redact_in_group(config, text, spans, Some(group));
    let found = engine.detect(&out)?;
    let folded = out.to_lowercase();
    // A date's value may come back as the shifted fake of another date of the document (the
    // 3rd moved to the 10th beside a 10th moved to the 17th): that is the shift, not a leak,
    // so dates are looked for in the output with the dates' fakes blanked.
    let mut dates_blanked = folded.clone().into_bytes();
    for (span, r) in spans.iter().zip(&ranges) {
        if span.label == Label::Date {
            dates_blanked[r.clone()].fill(b' ');
        }
    }
    let dates_blanked = String::from_utf8_lossy(&dates_blanked).into_owned();
    let mut outside = text.to_lowercase().into_bytes();
    for s in spans {
        outside[s.start..s.end].fill(b' ');
    }
    let outside = String::from_utf8_lossy(&outside).into_owned();
    for (span, range) in spans.iter().zip(ranges) {
        if span.label == Label::Age {
            continue;
        }
        tally.surrogates += 1;
        let overlapping = |r: &Range<usize>, label: Option<Label>| {
            found.iter().any(|f| f.start < r.end && r.start < f.end && label.is_none_or(|l| l == f.label))
        };
        let hit = overlapping(&range, None);
        tally.found_any += usize::from(hit);
        if !hit {
            *tally.missed_labels.entry(span.label).or_default() += 1;
            if std::env::var_os("SC_DEBUG").is_some() {
                eprintln!("MISS {:?} {:?} -> {:?} | {:?}", span.label, span.subtype, &text[span.start..span.end], &out[range.clone()]);
            }
        }
        tally.found_same_label += usize::from(overlapping(&range, Some(span.label)));
        let value = text[span.start..span.end].to_lowercase();
        let hay = if span.label == Label::Date { &dates_blanked } else { &folded };
        // A value also written outside every span (a common word taken for a name once) was
        // never removed there: only occurrences beyond those count.
        let left = words_count(hay, &value) > words_count(&outside, &value);
        if value.chars().filter(|c| c.is_alphanumeric()).count() >= 3 && left {
            tally.originals_left += 1;
            *tally.left_labels.entry(span.label).or_default() += 1;
            if std::env::var_os("SC_DEBUG").is_some() {
                eprintln!("LEFT {:?} {:?} -> {:?}", span.label, value, &out[range.clone()]);
            }
        }
    }
    Ok(())
}

/// How often `needle` occurs in `hay` with no letter or digit right before or after it.
fn words_count(hay: &str, needle: &str) -> usize {
    hay.match_indices(needle)
        .filter(|(i, m)| {
            let before = hay[..*i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = hay[i + m.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            before && after
        })
        .count()
}
