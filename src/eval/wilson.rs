//! 95% Wilson score intervals, so that "0.97 on 30 spans" reads as what it is.
//!
//! Wilson rather than the normal ("Wald") approximation because recall figures
//! sit near 1 and counts can be small: Wald collapses to a zero-width interval
//! at 30/30, Wilson gives [0.886, 1.000], which is the honest answer.

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval for `hits` successes out of `total` trials;
/// `None` when there were no trials (the figure is undefined, not 0 or 1).
pub fn wilson(hits: u64, total: u64) -> Option<(f64, f64)> {
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let p = hits as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    #[test]
    fn twenty_nine_of_thirty() {
        // 0.967 on 30 spans: the textbook Wilson interval is [0.8333, 0.9941].
        let (lo, hi) = wilson(29, 30).unwrap();
        assert!(close(lo, 0.8333) && close(hi, 0.9941), "{lo} {hi}");
    }

    #[test]
    fn perfect_and_zero_scores_are_not_certain() {
        let (lo, hi) = wilson(30, 30).unwrap();
        assert!(close(lo, 0.8865) && close(hi, 1.0), "{lo} {hi}");
        let (lo, hi) = wilson(0, 10).unwrap();
        assert!(close(lo, 0.0) && close(hi, 0.2775), "{lo} {hi}");
    }

    #[test]
    fn symmetric_at_one_half_and_narrow_with_many_trials() {
        let (lo, hi) = wilson(1, 2).unwrap();
        assert!(close(lo, 0.0945) && close(hi, 0.9055), "{lo} {hi}");
        let (lo, hi) = wilson(95, 100).unwrap();
        assert!(close(lo, 0.8882) && close(hi, 0.9785), "{lo} {hi}");
    }

    #[test]
    fn no_trials_no_interval() {
        assert_eq!(wilson(0, 0), None);
    }
}
