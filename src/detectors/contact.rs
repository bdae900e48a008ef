//! (stub, being written)

use super::Detector;

/// The detectors of this module, ready to run.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    Vec::new()
}
