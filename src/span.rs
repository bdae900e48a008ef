//! Spans: where an identifier is, what kind it is, and who found it — never its text.
//!
//! A `Span` deliberately has no field holding the matched text, so that
//! `Debug`-printing one (in a log line, a panic, an error) cannot leak PHI.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The 18 Safe Harbor identifier kinds, one label each (`shared/spec/labels.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Label {
    Name,
    Location,
    Date,
    Age,
    Phone,
    Fax,
    Email,
    Ssn,
    Mrn,
    HealthPlan,
    Account,
    License,
    Vehicle,
    Device,
    Url,
    Ip,
    Biometric,
    Photo,
    Id,
}

impl Label {
    /// Every label, in the order of `labels.md` (§A–§R).
    pub const ALL: [Label; 19] = [
        Label::Name,
        Label::Location,
        Label::Date,
        Label::Age,
        Label::Phone,
        Label::Fax,
        Label::Email,
        Label::Ssn,
        Label::Mrn,
        Label::HealthPlan,
        Label::Account,
        Label::License,
        Label::Vehicle,
        Label::Device,
        Label::Url,
        Label::Ip,
        Label::Biometric,
        Label::Photo,
        Label::Id,
    ];

    /// The label as written in corpora and placeholders: `NAME`, `HEALTH_PLAN`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Name => "NAME",
            Label::Location => "LOCATION",
            Label::Date => "DATE",
            Label::Age => "AGE",
            Label::Phone => "PHONE",
            Label::Fax => "FAX",
            Label::Email => "EMAIL",
            Label::Ssn => "SSN",
            Label::Mrn => "MRN",
            Label::HealthPlan => "HEALTH_PLAN",
            Label::Account => "ACCOUNT",
            Label::License => "LICENSE",
            Label::Vehicle => "VEHICLE",
            Label::Device => "DEVICE",
            Label::Url => "URL",
            Label::Ip => "IP",
            Label::Biometric => "BIOMETRIC",
            Label::Photo => "PHOTO",
            Label::Id => "ID",
        }
    }

    /// Parses `NAME`, `HEALTH_PLAN`, … (exactly as written in corpora).
    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Finer kinds within a label. Some of them decide the Safe Harbor policy:
/// `State`, `Country`, `Year` and `RelativeDate` are not PHI and are dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Subtype {
    // NAME
    Patient,
    Clinician,
    Relative,
    Username,
    // LOCATION
    Street,
    City,
    County,
    Zip,
    Hospital,
    Organization,
    State,
    Country,
    // DATE
    Birth,
    Admission,
    Discharge,
    Death,
    Year,
    /// "yesterday", "two weeks ago": no calendar element (written `RELATIVE` in corpora).
    RelativeDate,
    Other,
}

impl Subtype {
    /// Whether Safe Harbor lets a span of this subtype stay in the text.
    pub fn is_exempt(self) -> bool {
        matches!(self, Subtype::State | Subtype::Country | Subtype::Year | Subtype::RelativeDate)
    }
}

/// Which kind of detector produced a span (attribution in reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A regular expression with validation and context.
    Pattern,
    /// A dictionary match (names, places, hospitals).
    Dictionary,
    /// A transformer NER model.
    Ner,
    /// A spoken-form normaliser (numbers and dates said in words).
    Spoken,
    /// A rule combining other evidence (e.g. a capitalised word after "Dr.").
    Rule,
}

/// One detected identifier: byte offsets into the document's text, `end` exclusive.
///
/// Offsets are bytes inside the library (what `regex` and `aho-corasick`
/// give); `crate::offsets` converts them to Unicode code points at the edges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub subtype: Option<Subtype>,
    /// Confidence in 0..=1; spans under the engine's threshold are dropped.
    pub score: f32,
    pub source: Source,
    /// For `AGE`: the age in years when the detector read it (the policy keeps ages ≤ 89).
    pub age: Option<u32>,
}

impl Span {
    pub fn new(start: usize, end: usize, label: Label, score: f32, source: Source) -> Span {
        debug_assert!(start <= end);
        Span { start, end, label, subtype: None, score, source, age: None }
    }

    pub fn with_subtype(mut self, subtype: Subtype) -> Span {
        self.subtype = Some(subtype);
        self
    }

    pub fn with_age(mut self, age: u32) -> Span {
        self.age = Some(age);
        self
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}
