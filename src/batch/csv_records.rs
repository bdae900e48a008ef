//! Cutting CSV input into records before parsing them, so that the size limit
//! holds while reading and a record that spans lines is known by its line range.
//!
//! A CSV record ends at a newline outside quotes; a quoted field may hold
//! newlines. The cutter follows the quoting rules of the `csv` crate (a quote
//! opens a quoted field only at the start of a field, `""` inside one is an
//! escaped quote), keeps at most `limit + 1` bytes of a record (a longer one is
//! reported, never held whole), and reports a quote still open at the end of
//! the input with every line it swallowed. Each cut record is then parsed by
//! the `csv` crate.

use std::io::{self, BufRead};

/// One record cut from the input: the lines it covers, and its bytes or why they cannot be used.
#[derive(Debug)]
pub struct CsvChunk {
    pub first_line: usize,
    pub last_line: usize,
    /// Bytes this record took in the input, newline included (for progress).
    pub bytes: u64,
    pub content: Result<Vec<u8>, CsvCutError>,
}

/// Why a record cannot be used. Messages never quote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvCutError {
    TooLong { limit: usize },
    /// A quoted field still open at the end of the input: it swallowed every following line.
    UnterminatedQuote,
}

impl std::fmt::Display for CsvCutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsvCutError::TooLong { limit } => write!(f, "record longer than the limit of {limit} bytes (see --max-record-bytes)"),
            CsvCutError::UnterminatedQuote => write!(f, "unterminated quoted field"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuoted,
    /// A quote inside a quoted field: an escaped quote if another follows, else the field's end.
    QuoteInQuoted,
}

/// Iterates over the records of a CSV input, each at most `limit` bytes.
pub struct CsvChunks<R> {
    reader: R,
    limit: usize,
    /// Lines finished so far.
    lines: usize,
}

impl<R: BufRead> CsvChunks<R> {
    pub fn new(reader: R, limit: usize) -> CsvChunks<R> {
        CsvChunks { reader, limit, lines: 0 }
    }
}

impl<R: BufRead> Iterator for CsvChunks<R> {
    type Item = io::Result<CsvChunk>;

    fn next(&mut self) -> Option<io::Result<CsvChunk>> {
        let first_line = self.lines + 1;
        let mut buf = Vec::new();
        let mut seen = 0usize;
        let mut state = State::StartField;
        // Whether the bytes seen so far end with a newline (a quoted one): then no line is open.
        let mut after_newline = false;
        loop {
            let block = match self.reader.fill_buf() {
                Ok(block) => block,
                Err(e) => return Some(Err(e)),
            };
            if block.is_empty() {
                if seen == 0 {
                    return None;
                }
                if !after_newline {
                    self.lines += 1;
                }
                let last_line = self.lines;
                let content = if state == State::InQuoted {
                    Err(CsvCutError::UnterminatedQuote)
                } else {
                    checked(buf, seen, self.limit, first_line)
                };
                return Some(Ok(CsvChunk { first_line, last_line, bytes: seen as u64, content }));
            }
            let mut end = None;
            for (i, &b) in block.iter().enumerate() {
                if b == b'\n' {
                    self.lines += 1;
                    if state != State::InQuoted {
                        end = Some(i + 1);
                        break;
                    }
                    continue;
                }
                state = match (state, b) {
                    (State::StartField, b'"') | (State::QuoteInQuoted, b'"') => State::InQuoted,
                    (State::InQuoted, b'"') => State::QuoteInQuoted,
                    (State::InQuoted, _) => State::InQuoted,
                    (_, b',') => State::StartField,
                    _ => State::InField,
                };
            }
            let used = end.unwrap_or(block.len());
            after_newline = block[used - 1] == b'\n';
            if buf.len() <= self.limit {
                let room = self.limit + 1 - buf.len();
                buf.extend_from_slice(&block[..used.min(room)]);
            }
            seen += used;
            self.reader.consume(used);
            if end.is_some() {
                let content = checked(buf, seen, self.limit, first_line);
                return Some(Ok(CsvChunk { first_line, last_line: self.lines, bytes: seen as u64, content }));
            }
        }
    }
}

/// The record's bytes (newline and a leading byte-order mark removed), or too long.
fn checked(mut buf: Vec<u8>, seen: usize, limit: usize, first_line: usize) -> Result<Vec<u8>, CsvCutError> {
    if first_line == 1 && buf.starts_with(super::lines::BOM) {
        buf.drain(..super::lines::BOM.len());
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    }
    if seen > limit + 1 || buf.len() > limit {
        return Err(CsvCutError::TooLong { limit });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(input: &[u8], limit: usize) -> Vec<(usize, usize, Result<String, CsvCutError>)> {
        CsvChunks::new(io::BufReader::with_capacity(3, input), limit)
            .map(|c| c.unwrap())
            .map(|c| (c.first_line, c.last_line, c.content.map(|b| String::from_utf8(b).unwrap())))
            .collect()
    }

    #[test]
    fn quoted_newlines_stay_in_their_record() {
        let got = cut(b"id,note\n1,\"two\nlines\"\n2,\"a \"\"quote\"\"\"\n3,x", 100);
        assert_eq!(
            got,
            vec![
                (1, 1, Ok("id,note".into())),
                (2, 3, Ok("1,\"two\nlines\"".into())),
                (4, 4, Ok("2,\"a \"\"quote\"\"\"".into())),
                (5, 5, Ok("3,x".into())),
            ]
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_character() {
        assert_eq!(cut(b"a,5\"5\nb,c\n", 100), vec![(1, 1, Ok("a,5\"5".into())), (2, 2, Ok("b,c".into()))]);
    }

    #[test]
    fn an_unterminated_quote_reports_every_line_it_swallowed() {
        let got = cut(b"id,note\n1,ok\n2,\"open\n3,x\n4,y\n", 100);
        assert_eq!(got[1], (2, 2, Ok("1,ok".into())));
        assert_eq!(got[2], (3, 5, Err(CsvCutError::UnterminatedQuote)));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn long_records_are_cut_short_and_reported() {
        let got = cut(b"a,b\n1,\"0123456789\nabcdef\"\n2,x\n", 8);
        assert_eq!(got[1], (2, 3, Err(CsvCutError::TooLong { limit: 8 })));
        assert_eq!(got[2], (4, 4, Ok("2,x".into())));
        assert_eq!(cut(b"12345678\n", 8), vec![(1, 1, Ok("12345678".into()))]);
    }

    #[test]
    fn a_leading_byte_order_mark_is_dropped() {
        assert_eq!(cut(b"\xef\xbb\xbfid,note\n1,x", 100), vec![(1, 1, Ok("id,note".into())), (2, 2, Ok("1,x".into()))]);
    }
}
