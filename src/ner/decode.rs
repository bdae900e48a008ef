//! From per-piece tag probabilities to entity spans: pure functions, no model.
//!
//! Sub-word pieces of one word are averaged into one word prediction (a word
//! is the smallest unit a span may start or end on), then BIO tags over words
//! become spans. An `I-X` with no open `X` span starts one, since the model
//! sometimes misses the `B`, and a leak is worse than a ragged boundary.

use crate::ner::config::{Tag, TagSet};

/// An entity found by the model: byte offsets into the text, label index into the tag set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub label: usize,
    /// Mean probability, over the span's words, of the span's label (`B-X` + `I-X`).
    pub score: f32,
}

/// Averages piece probabilities per word. `probs[i]` is piece `i`'s tag
/// distribution, `word_of[i]` its word; returns one distribution per word (`n_words` of them).
pub fn word_probs(probs: &[Vec<f32>], word_of: &[usize], n_words: usize) -> Vec<Vec<f32>> {
    let width = probs.first().map_or(0, Vec::len);
    let mut sums = vec![vec![0f32; width]; n_words];
    let mut counts = vec![0u32; n_words];
    for (p, &w) in probs.iter().zip(word_of) {
        for (s, v) in sums[w].iter_mut().zip(p) {
            *s += v;
        }
        counts[w] += 1;
    }
    for (s, &c) in sums.iter_mut().zip(&counts) {
        if c > 0 {
            s.iter_mut().for_each(|v| *v /= c as f32);
        }
    }
    sums
}

fn argmax(p: &[f32]) -> usize {
    p.iter().enumerate().fold(0, |best, (i, &v)| if v > p[best] { i } else { best })
}

/// BIO decoding over words. `words[i]` is word `i`'s byte range, `probs[i]` its tag distribution.
pub fn decode(words: &[(usize, usize)], probs: &[Vec<f32>], tags: &TagSet) -> Vec<Entity> {
    struct Open {
        label: usize,
        start: usize,
        end: usize,
        score_sum: f32,
        n: usize,
    }
    let close = |open: &mut Option<Open>, out: &mut Vec<Entity>| {
        if let Some(o) = open.take() {
            out.push(Entity { start: o.start, end: o.end, label: o.label, score: o.score_sum / o.n as f32 });
        }
    };
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    for (&(start, end), p) in words.iter().zip(probs) {
        let (label, continues) = match tags.tag(argmax(p)) {
            Tag::Outside => {
                close(&mut open, &mut out);
                continue;
            }
            Tag::Begin(k) => (k, false),
            Tag::Inside(k) => (k, open.as_ref().is_some_and(|o| o.label == k)),
        };
        let score = p[tags.id(Tag::Begin(label))] + p[tags.id(Tag::Inside(label))];
        match (&mut open, continues) {
            (Some(o), true) => {
                o.end = end;
                o.score_sum += score;
                o.n += 1;
            }
            _ => {
                close(&mut open, &mut out);
                open = Some(Open { label, start, end, score_sum: score, n: 1 });
            }
        }
    }
    close(&mut open, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags() -> TagSet {
        TagSet::new(vec!["NAME".into(), "DATE".into()])
    }

    /// A distribution with `p` on tag `id` and the rest spread evenly.
    fn dist(id: usize, p: f32) -> Vec<f32> {
        let mut v = vec![(1.0 - p) / 4.0; 5];
        v[id] = p;
        v
    }

    #[test]
    fn bio_words_become_spans() {
        // "saw John Smith on May 3"
        let words = [(0, 3), (4, 8), (9, 14), (15, 17), (18, 21), (22, 23)];
        let probs = [dist(0, 0.9), dist(1, 0.8), dist(2, 0.6), dist(0, 0.9), dist(3, 0.7), dist(4, 0.9)];
        let got = decode(&words, &probs, &tags());
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].start, got[0].end, got[0].label), (4, 14, 0));
        assert_eq!((got[1].start, got[1].end, got[1].label), (18, 23, 1));
        // B + I of NAME in each word: (0.8 + 0.05) and (0.1 + 0.6).
        let expected = ((0.8 + 0.05) + (0.1 + 0.6)) / 2.0;
        assert!((got[0].score - expected).abs() < 1e-6);
    }

    #[test]
    fn stray_inside_opens_a_span_and_label_change_splits() {
        let words = [(0, 1), (2, 3), (4, 5)];
        let probs = [dist(2, 0.9), dist(4, 0.9), dist(1, 0.9)];
        let got = decode(&words, &probs, &tags());
        let ranges: Vec<_> = got.iter().map(|e| (e.start, e.end, e.label)).collect();
        assert_eq!(ranges, vec![(0, 1, 0), (2, 3, 1), (4, 5, 0)]);
    }

    #[test]
    fn begin_after_begin_starts_a_new_span() {
        let words = [(0, 4), (5, 9)];
        let probs = [dist(1, 0.9), dist(1, 0.9)];
        assert_eq!(decode(&words, &probs, &tags()).len(), 2);
    }

    #[test]
    fn pieces_average_into_words() {
        let probs = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.5, 0.5]];
        let got = word_probs(&probs, &[0, 0, 1], 2);
        assert_eq!(got, vec![vec![0.5, 0.5], vec![0.5, 0.5]]);
    }
}

/// Extends each entity of label `date` over a year that directly follows it
/// ("April 12" + ", 2023"). Corpora differ on whether that year is part of
/// the date; a full date is one identifier, so it is redacted whole.
pub fn absorb_following_years(text: &str, entities: &mut [Entity], date: usize) {
    for e in entities.iter_mut().filter(|e| e.label == date) {
        let rest = &text[e.end..];
        let skipped = rest.len() - rest.trim_start_matches([',', ' ']).len();
        if skipped > 3 {
            continue;
        }
        let after = &rest[skipped..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let year_like = digits == 4 && matches!(&after[..2], "18" | "19" | "20");
        let ends_word = !after[digits..].starts_with(|c: char| c.is_alphanumeric());
        if year_like && ends_word {
            e.end += skipped + digits;
        }
    }
}

#[cfg(test)]
mod year_tests {
    use super::*;

    #[test]
    fn a_year_after_a_date_joins_it() {
        let text = "seen on April 12, 2023 and May 3 20234 and June 1 1999.";
        let at = |s: &str| text.find(s).unwrap();
        let mut es = vec![
            Entity { start: at("April"), end: at("April") + 8, label: 1, score: 0.9 },
            Entity { start: at("May"), end: at("May") + 5, label: 1, score: 0.9 },
            Entity { start: at("June"), end: at("June") + 6, label: 1, score: 0.9 },
            Entity { start: 0, end: 4, label: 0, score: 0.9 },
        ];
        absorb_following_years(text, &mut es, 1);
        assert_eq!(&text[es[0].start..es[0].end], "April 12, 2023");
        assert_eq!(&text[es[1].start..es[1].end], "May 3", "five digits are not a year");
        assert_eq!(&text[es[2].start..es[2].end], "June 1 1999");
        assert_eq!(es[3].end, 4, "other labels untouched");
    }
}
