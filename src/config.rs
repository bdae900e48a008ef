//! Engine configuration. Every field has a default, so no file is needed.

use crate::error::{Error, Result};
use crate::span::Label;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How a redacted identifier is written in the output text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PlaceholderStyle {
    /// `[NAME]`, `[DATE]`, …
    #[default]
    Label,
    /// `[NAME_1]`, `[NAME_2]`: the same value gets the same number within a document.
    Numbered,
    /// A realistic fake of the same kind and shape (`John Smith` → `Peter Halvorsen`), the same
    /// for the same value, dates shifted by one offset per group (`crate::surrogate`).
    Surrogate,
}

/// ZIP3 prefixes whose area held 20,000 people or fewer (HHS guidance, 2000 Census).
/// HHS notes newer census data supersedes the list, so it lives in configuration.
pub const HHS_RESTRICTED_ZIP3: [&str; 17] = [
    "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879",
    "884", "890", "893",
];

/// What the engine detects and how it redacts. Load from TOML with [`Config::from_toml_file`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Spans scoring below this are dropped (0..=1).
    pub threshold: f32,
    /// Placeholder style for redacted text.
    pub placeholder: PlaceholderStyle,
    /// Keep the year of a redacted date (`[DATE 2021]`). Off by default: Safe
    /// Harbor allows it, but a year of birth can reveal an age over 89.
    pub keep_year: bool,
    /// Keep the first three digits of a five-digit ZIP (`021XX`), as Safe Harbor allows,
    /// except for the prefixes in `restricted_zip3`, which become `000XX`.
    pub keep_zip3: bool,
    /// ZIP3 prefixes of 20,000 people or fewer.
    pub restricted_zip3: Vec<String>,
    /// Labels never redacted (for pipelines that must keep, say, dates).
    pub keep_labels: Vec<Label>,
    /// Run the regular-expression detectors.
    pub patterns: bool,
    /// Run the name, place and hospital dictionaries.
    pub dictionaries: bool,
    /// Run the transformer tagger (names, places, dates and codes that only context reveals).
    pub ner: bool,
    /// The tagger's directory; `None` looks for the bundled `models/ner` (see [`Config::ner_model_dir`]).
    pub ner_model: Option<PathBuf>,
    /// Run the tagger's network on ONNX Runtime from this graph (written from `ner_model`'s
    /// weights by `models/export_onnx.py`) instead of candle: faster, with int8 kernels.
    /// Needs a build with `--features onnx` and `ORT_DYLIB_PATH` naming `libonnxruntime`.
    pub ner_onnx: Option<PathBuf>,
    /// With `placeholder = "surrogate"`: a file holding the secret key (16 bytes or more) that
    /// makes surrogates and date offsets the same across documents and runs. The environment
    /// variable `DEID_SURROGATE_KEY` wins over it. Without either, each document gets a random
    /// key: surrogates are consistent within it only.
    pub surrogate_key_file: Option<PathBuf>,
    /// With surrogates: dates move by at most this many days, earlier or later (never 0).
    pub date_shift_days: u32,
    /// The loaded surrogate key (never read from or written to TOML; `Engine::new` loads it).
    #[serde(skip)]
    pub surrogate_key: Option<crate::surrogate::SurrogateKey>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            threshold: 0.5,
            placeholder: PlaceholderStyle::Label,
            keep_year: false,
            keep_zip3: true,
            restricted_zip3: HHS_RESTRICTED_ZIP3.iter().map(|s| s.to_string()).collect(),
            keep_labels: Vec::new(),
            patterns: true,
            dictionaries: true,
            ner: true,
            ner_model: None,
            ner_onnx: None,
            surrogate_key_file: None,
            date_shift_days: 365,
            surrogate_key: None,
        }
    }
}

/// Where the bundled tagger lives inside the repository.
pub const BUNDLED_MODEL: &str = "models/ner";

impl Config {
    /// Parses a TOML configuration; unknown keys are an error, missing keys take defaults.
    pub fn from_toml_str(s: &str) -> Result<Config> {
        let config: Config = toml::from_str(s).map_err(|e| Error::config(format!("invalid configuration: {}", e.message())))?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_toml_file(path: &Path) -> Result<Config> {
        let s = std::fs::read_to_string(path)
            .map_err(|e| Error::config(format!("cannot read configuration {}: {e}", path.display())))?;
        Config::from_toml_str(&s)
    }

    /// The tagger directory to load: `ner_model` when set, else the first of
    /// `./models/ner` and the bundled `models/ner` of the source tree the binary was
    /// built from that holds a `config.json`. An error names the places looked in,
    /// because running without the model silently would lower recall.
    pub fn ner_model_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = &self.ner_model {
            return Ok(dir.clone());
        }
        let candidates = [PathBuf::from(BUNDLED_MODEL), Path::new(env!("CARGO_MANIFEST_DIR")).join(BUNDLED_MODEL)];
        candidates.iter().find(|d| d.join("config.json").is_file()).cloned().ok_or_else(|| {
            Error::config(format!(
                "no NER model found in {} or {}: set ner_model to its directory, or ner = false to run patterns and dictionaries only",
                candidates[0].display(),
                candidates[1].display()
            ))
        })
    }

    pub fn validate(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(Error::config("threshold must lie in 0..=1"));
        }
        if let Some(bad) = self.restricted_zip3.iter().find(|z| z.len() != 3 || !z.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::config(format!("restricted_zip3 entries must be three digits, got {bad:?}")));
        }
        if self.date_shift_days == 0 || self.date_shift_days > 36_500 {
            return Err(Error::config("date_shift_days must lie in 1..=36500"));
        }
        Ok(())
    }

    /// Loads the surrogate key (`DEID_SURROGATE_KEY`, else `surrogate_key_file`) unless one is
    /// already set.
    pub fn load_surrogate_key(&mut self) -> Result<()> {
        if self.surrogate_key.is_none() {
            self.surrogate_key = crate::surrogate::SurrogateKey::load(self.surrogate_key_file.as_deref())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_toml_gives_defaults() {
        assert_eq!(Config::from_toml_str("").unwrap(), Config::default());
    }

    #[test]
    fn the_example_file_spells_out_the_defaults() {
        let example = include_str!("../deid.example.toml");
        assert_eq!(Config::from_toml_str(example).unwrap(), Config::default());
    }

    #[test]
    fn fields_parse() {
        let c = Config::from_toml_str("placeholder = \"numbered\"\nkeep_labels = [\"DATE\"]\nthreshold = 0.7").unwrap();
        assert_eq!(c.placeholder, PlaceholderStyle::Numbered);
        assert_eq!(c.keep_labels, vec![Label::Date]);
        assert_eq!(c.threshold, 0.7);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        assert!(Config::from_toml_str("treshold = 0.5").is_err());
        assert!(Config::from_toml_str("threshold = 2.0").is_err());
        assert!(Config::from_toml_str("restricted_zip3 = [\"12\"]").is_err());
        assert!(Config::from_toml_str("keep_labels = [\"NAMES\"]").is_err());
    }
}
