//! Word pieces of a text, with the byte offsets and words they come from.
//!
//! Wraps the model's `tokenizer.json` (BERT normaliser, pre-tokeniser and
//! WordPiece). The base model's file ships with padding and truncation to
//! 128 tokens switched on, which would silently cut long texts: both are
//! switched off here, and [`crate::ner::windows`] does the windowing.

use crate::error::{Error, Result};
use crate::ner::case::Case;
use std::path::Path;
use tokenizers::Tokenizer;

/// The tokenizer with the ids of the special tokens the windows need.
pub struct PieceTokenizer {
    inner: Tokenizer,
    pub cls_id: u32,
    pub sep_id: u32,
}

/// A tokenised text. Words are the pre-tokeniser's (whitespace and punctuation split).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pieces {
    pub ids: Vec<u32>,
    /// Byte range of each piece in the original text.
    pub offsets: Vec<(usize, usize)>,
    /// The word each piece belongs to (index into `words`).
    pub word_of: Vec<usize>,
    /// Byte range of each word in the original text.
    pub words: Vec<(usize, usize)>,
    /// Casing class of each piece (that of its word).
    pub case: Vec<u32>,
}

impl PieceTokenizer {
    pub fn from_file(path: &Path) -> Result<PieceTokenizer> {
        let inner = Tokenizer::from_file(path)
            .map_err(|e| Error::data(format!("cannot load tokenizer {}: {e}", path.display())))?;
        PieceTokenizer::new(inner)
    }

    /// From the JSON text of a `tokenizer.json`.
    pub fn from_json(json: &str) -> Result<PieceTokenizer> {
        let inner: Tokenizer = json.parse().map_err(|e| Error::data(format!("invalid tokenizer: {e}")))?;
        PieceTokenizer::new(inner)
    }

    fn new(mut inner: Tokenizer) -> Result<PieceTokenizer> {
        inner.with_padding(None);
        inner
            .with_truncation(None)
            .map_err(|e| Error::data(format!("cannot switch truncation off: {e}")))?;
        let id = |t: &str| inner.token_to_id(t).ok_or_else(|| Error::data(format!("tokenizer has no {t} token")));
        let (cls_id, sep_id) = (id("[CLS]")?, id("[SEP]")?);
        Ok(PieceTokenizer { inner, cls_id, sep_id })
    }

    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// Tokenises `text` without special tokens. Offsets are bytes into `text`.
    pub fn pieces(&self, text: &str) -> Result<Pieces> {
        // The tokenizer's errors do not quote the input.
        let enc = self.inner.encode(text, false).map_err(|e| Error::new(crate::error::ErrorKind::Detector, format!("tokenizer: {e}")))?;
        let mut out = Pieces { ids: enc.get_ids().to_vec(), offsets: enc.get_offsets().to_vec(), ..Pieces::default() };
        // Word ids restart per pre-token sequence; number words by change of id instead.
        let mut last: Option<u32> = None;
        for (i, w) in enc.get_word_ids().iter().enumerate() {
            let (s, e) = out.offsets[i];
            if w.is_none() || *w != last || out.words.is_empty() {
                out.words.push((s, e));
            } else {
                let word = out.words.last_mut().expect("non-empty");
                word.1 = word.1.max(e);
            }
            last = *w;
            out.word_of.push(out.words.len() - 1);
        }
        let word_case: Vec<u32> = out.words.iter().map(|&(s, e)| Case::of(&text[s..e]) as u32).collect();
        out.case = out.word_of.iter().map(|&w| word_case[w]).collect();
        Ok(out)
    }
}
