//! Reading records line by line without trusting the input: a line over the
//! limit is skipped (reported, never held whole in memory), invalid UTF-8 is
//! reported, a leading UTF-8 byte-order mark is dropped, and every record keeps
//! its 1-based line number.

use std::io::{self, BufRead};

/// The UTF-8 byte-order mark some editors put at the start of a file.
pub const BOM: &[u8] = b"\xef\xbb\xbf";

/// One input line: its number, and its text or why it cannot be used.
#[derive(Debug)]
pub struct Line {
    pub number: usize,
    /// Bytes the line took in the input, newline included (for progress).
    pub bytes: usize,
    pub content: Result<String, LineError>,
}

/// Why a line cannot be used. Messages never quote the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    TooLong { limit: usize },
    InvalidUtf8 { byte_offset: usize },
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::TooLong { limit } => write!(f, "record longer than the limit of {limit} bytes (see --max-record-bytes)"),
            LineError::InvalidUtf8 { byte_offset } => write!(f, "invalid UTF-8 at byte {byte_offset} of the record"),
        }
    }
}

/// Iterates over the lines of `reader`, each at most `limit` bytes (newline excluded).
pub struct BoundedLines<R> {
    reader: R,
    limit: usize,
    number: usize,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(reader: R, limit: usize) -> BoundedLines<R> {
        BoundedLines { reader, limit, number: 0 }
    }

    /// Reads one line into `buf`, stopping to store bytes past the limit. Returns
    /// (bytes seen, whether the line ended with a newline), or `None` at end of input.
    fn read_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
        let mut seen = 0usize;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok((seen > 0).then_some(seen));
            }
            let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], Some(i + 1)),
                None => (chunk, None),
            };
            if buf.len() <= self.limit {
                let room = self.limit + 1 - buf.len();
                buf.extend_from_slice(&part[..part.len().min(room)]);
            }
            seen += part.len();
            match done {
                Some(n) => {
                    self.reader.consume(n);
                    return Ok(Some(seen + 1));
                }
                None => {
                    let n = chunk.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = io::Result<Line>;

    fn next(&mut self) -> Option<io::Result<Line>> {
        let mut buf = Vec::new();
        match self.read_line(&mut buf) {
            Err(e) => Some(Err(e)),
            Ok(None) => None,
            Ok(Some(bytes)) => {
                self.number += 1;
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                if self.number == 1 && buf.starts_with(BOM) {
                    buf.drain(..BOM.len());
                }
                let content = if buf.len() > self.limit {
                    Err(LineError::TooLong { limit: self.limit })
                } else {
                    String::from_utf8(buf).map_err(|e| LineError::InvalidUtf8 { byte_offset: e.utf8_error().valid_up_to() })
                };
                Some(Ok(Line { number: self.number, bytes, content }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<(usize, Result<String, LineError>)> {
        BoundedLines::new(io::BufReader::with_capacity(4, input), limit).map(|l| l.unwrap()).map(|l| (l.number, l.content)).collect()
    }

    #[test]
    fn splits_lines_and_strips_crlf() {
        assert_eq!(lines(b"a\r\nbb\n\nccc", 10), vec![(1, Ok("a".into())), (2, Ok("bb".into())), (3, Ok("".into())), (4, Ok("ccc".into()))]);
    }

    #[test]
    fn a_leading_byte_order_mark_is_dropped_from_line_one_only() {
        assert_eq!(lines(b"\xef\xbb\xbf{}\n\xef\xbb\xbf{}\n", 10), vec![(1, Ok("{}".into())), (2, Ok("\u{feff}{}".into()))]);
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert!(lines(b"", 10).is_empty());
    }

    #[test]
    fn long_lines_are_reported_and_skipped() {
        let got = lines(b"ok\n0123456789abcdef\nnext\n", 8);
        assert_eq!(got[0], (1, Ok("ok".into())));
        assert_eq!(got[1], (2, Err(LineError::TooLong { limit: 8 })));
        assert_eq!(got[2], (3, Ok("next".into())));
    }

    #[test]
    fn a_line_exactly_at_the_limit_passes() {
        assert_eq!(lines(b"12345678\n", 8), vec![(1, Ok("12345678".into()))]);
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_offset() {
        let got = lines(b"ab\xffcd\nfine\n", 100);
        assert_eq!(got[0], (1, Err(LineError::InvalidUtf8 { byte_offset: 2 })));
        assert_eq!(got[1], (2, Ok("fine".into())));
    }
}
