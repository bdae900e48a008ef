//! Audio redaction times: where in the recording each redacted identifier was said.
//!
//! For every redacted piece of spoken text with times (a word, or for WebVTT
//! and SRT a whole cue), the range `start - margin .. end + margin` seconds
//! (the start clamped at 0) is taken, per speaker; overlapping or touching
//! ranges of one speaker merge. The result is what a pipeline needs to bleep
//! or silence the audio. Speakers are written as the input names them (a
//! JSON speaker id) or as their redacted label (a WebVTT voice name), never
//! as the text of a redacted name.

use super::{Redacted, Speaker};
use crate::error::{Error, Result};
use crate::span::Label;
use serde::Serialize;

/// One range to silence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AudioRange {
    /// Seconds from the start of the recording.
    pub start: f64,
    pub end: f64,
    /// The speaker, when the input names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The kinds of identifier said in the range.
    pub labels: Vec<Label>,
}

/// The ranges of one transcript, sorted by start.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AudioRanges {
    pub margin: f64,
    pub ranges: Vec<AudioRange>,
}

fn round_ms(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

pub(super) fn ranges(r: &Redacted, margin: f64) -> Result<AudioRanges> {
    if !margin.is_finite() || margin < 0.0 {
        return Err(Error::config("the audio margin must be a non-negative number of seconds"));
    }
    let conv = &r.conversation;
    let mut raw: Vec<AudioRange> = Vec::new();
    for e in &r.edits {
        let p = &conv.pieces[e.piece];
        if !p.spoken {
            continue;
        }
        let Some((start, end)) = p.time else {
            return Err(Error::input("audio ranges need word or cue times, and this transcript has none"));
        };
        let speaker = match &p.speaker {
            Some(Speaker::Id(s)) => Some(s.clone()),
            Some(Speaker::Label(i)) => Some(r.piece_texts[*i].clone()),
            None => None,
        };
        raw.push(AudioRange { start: (start - margin).max(0.0), end: end + margin, speaker, labels: vec![e.label] });
    }
    raw.sort_by(|a, b| a.speaker.cmp(&b.speaker).then(a.start.total_cmp(&b.start)));
    let mut merged: Vec<AudioRange> = Vec::new();
    for x in raw {
        match merged.last_mut() {
            Some(last) if last.speaker == x.speaker && x.start <= last.end => {
                last.end = last.end.max(x.end);
                for l in x.labels {
                    if !last.labels.contains(&l) {
                        last.labels.push(l);
                    }
                }
            }
            _ => merged.push(x),
        }
    }
    for m in &mut merged {
        m.start = round_ms(m.start);
        m.end = round_ms(m.end);
        m.labels.sort();
    }
    merged.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.speaker.cmp(&b.speaker)));
    Ok(AudioRanges { margin, ranges: merged })
}
