//! The report's terms in plain words, written once here for every format (Markdown,
//! HTML, the PHI-free report), so that a reader who signs the report need not know
//! the scoring jargon, and the formats cannot explain it differently.
//! The exact definitions are in `evaluation/README.md`.

/// One term and what it means.
pub struct Term {
    pub term: &'static str,
    pub meaning: &'static str,
}

/// What the report's figures and headings mean, in the order a reader meets them.
pub const TERMS: &[Term] = &[
    Term {
        term: "Recall",
        meaning: "of the identifiers Safe Harbor requires removed, the share that was removed. What was not is a leak.",
    },
    Term {
        term: "Precision",
        meaning: "of what was removed, the share that was an identifier. The rest is over-redaction: text lost to the reader, no risk to privacy.",
    },
    Term {
        term: "Binary",
        meaning: "an identifier counts as removed when every letter and digit of it was covered, in one piece or several, under any label; punctuation left in place leaks nothing. This is the headline figure: it measures what a reader of the output could still see.",
    },
    Term {
        term: "Strict",
        meaning: "an identifier counts only when one removed span has exactly its start, end and label. It shows how cleanly boundaries and labels are drawn, not what leaked, so it is lower than binary.",
    },
    Term {
        term: "Token",
        meaning: "counts the words and numbers inside identifiers instead of whole identifiers: a three-word name with one word left showing counts as 2 of 3 tokens. It shows how much of a partly removed identifier still shows.",
    },
    Term {
        term: "95% interval",
        meaning: "the range the true figure most likely lies in (Wilson interval), given how many examples the corpus holds: the fewer the examples, the wider the range.",
    },
    Term {
        term: "Leak-free documents",
        meaning: "the share of documents in which nothing leaked: how many could have been released as they came out.",
    },
    Term {
        term: "Leak",
        meaning: "a required identifier not wholly removed: missed when none of its letters and digits was removed, partial when some were (covered of all).",
    },
    Term {
        term: "Exempt",
        meaning: "what Safe Harbor lets stay (a state, a year on its own, an age of 89 or less): not counted in recall, and removing it is no error.",
    },
    Term {
        term: "Sole hits",
        meaning: "for each detector (or each source of a prediction file): the identifiers it alone found, which no other part touched, so they would leak if it were switched off. Hits are the identifiers found that it touched; recall alone and precision alone are its figures on its own.",
    },
];

/// Said once where rows are left out: a figure over nothing is no figure.
pub const NO_EXAMPLES: &str = "no examples in this corpus";
