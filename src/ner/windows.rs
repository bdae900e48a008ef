//! Overlapping windows over a long token sequence, and which window speaks for each token.
//!
//! Attention costs grow with the square of the length and the encoder was
//! trained on short inputs, so long documents are cut into windows of about
//! 128 pieces that overlap. Each token then takes its prediction from the
//! window in which it sits farthest from an edge, where it saw the most context.

use std::ops::Range;

/// Windows of `size` tokens starting every `stride` tokens, the last ending at `n`.
/// Covers `0..n` entirely; empty for `n == 0`.
pub fn windows(n: usize, size: usize, stride: usize) -> Vec<Range<usize>> {
    assert!(size > 0 && stride > 0 && stride <= size, "need 0 < stride <= size");
    let mut out = Vec::new();
    let mut start = 0;
    while start < n {
        let end = (start + size).min(n);
        out.push(start..end);
        if end == n {
            break;
        }
        start += stride;
    }
    out
}

/// For each token `0..n`, the index of the window whose edges are farthest
/// from it (ties go to the earlier window). `windows` must be sorted and cover `0..n`.
pub fn owners(windows: &[Range<usize>], n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    let mut first = 0;
    for i in 0..n {
        while windows[first].end <= i {
            first += 1;
        }
        let mut best = first;
        let mut best_margin = 0;
        for (k, w) in windows.iter().enumerate().skip(first) {
            if w.start > i {
                break;
            }
            let margin = (i - w.start).min(w.end - 1 - i);
            if k == first || margin > best_margin {
                best = k;
                best_margin = margin;
            }
        }
        out.push(best);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_and_overlap() {
        assert!(windows(0, 128, 96).is_empty());
        assert_eq!(windows(10, 128, 96), vec![0..10]);
        assert_eq!(windows(128, 128, 96), vec![0..128]);
        assert_eq!(windows(129, 128, 96), vec![0..128, 96..129]);
        assert_eq!(windows(300, 128, 96), vec![0..128, 96..224, 192..300]);
    }

    #[test]
    fn owners_prefer_the_most_central_window() {
        let w = windows(300, 128, 96);
        let o = owners(&w, 300);
        for (i, &k) in o.iter().enumerate() {
            assert!(w[k].contains(&i), "token {i} owned by a window not holding it");
        }
        // Overlap 96..128 is split in the middle between windows 0 and 1.
        assert_eq!(o[100], 0);
        assert_eq!(o[111], 0);
        assert_eq!(o[112], 1);
        assert_eq!(o[127], 1);
        assert_eq!(o[0], 0);
        assert_eq!(o[299], 2);
        // Ownership never goes back to an earlier window.
        assert!(o.windows(2).all(|p| p[0] <= p[1]));
    }
}
