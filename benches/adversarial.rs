//! Adversarial inputs: every detector alone, and the refine, merge and repeats stages, on
//! texts built to make a scan restart or a candidate grow (dotted digit runs, `a.a.a…@`,
//! repeated cue words, spoken numbers, one huge word, …) at 10 KB, 100 KB and 1 MB.
//!
//! A detector linear in the document's length takes about ten times as long at 100 KB as at
//! 10 KB; a ratio well over 10 marks a super-linear one. Prints one table row per detector and
//! input: the median time at each size and the growth ratios. Each row runs in a child
//! process: a size that takes over `ADVERSARIAL_LIMIT_S` seconds (default 20) is stopped and
//! shown as "> 20 s", and the larger sizes are skipped once one took over `ADVERSARIAL_CAP_S`
//! seconds (default 2): a quadratic detector would take hours at 1 MB.
//!
//! Run: `cargo bench --bench adversarial` (all), or with words that a row's detector or
//! input name must contain: `cargo bench --bench adversarial -- phone dotted`.

use deid::detectors::{self, Detector, Document};
use deid::span::{Label, Source, Span};
use deid::{merge, refine, repeats};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// `unit` repeated to about `size` bytes, then `tail`.
fn repeat(unit: &str, size: usize, tail: &str) -> String {
    let mut s = unit.repeat(size / unit.len().max(1));
    s.push_str(tail);
    s
}

/// Units taken in turn until `size` bytes: runs that do not repeat one word.
fn cycle(units: &[&str], size: usize) -> String {
    let mut s = String::with_capacity(size + 32);
    for u in units.iter().cycle() {
        if s.len() >= size {
            break;
        }
        s.push_str(u);
    }
    s
}

/// Distinct numbers, one per word: "100000 100001 …" (many different values).
fn distinct_numbers(size: usize, sep: &str) -> String {
    let mut s = String::with_capacity(size + 32);
    let mut n = 1_000_000u64;
    while s.len() < size {
        s.push_str(&n.to_string());
        s.push_str(sep);
        n += 7;
    }
    s
}

/// The adversarial documents: a name and a builder from a size in bytes.
fn inputs() -> Vec<(&'static str, Box<dyn Fn(usize) -> String>)> {
    vec![
        ("dotted digits 1.1.1…", Box::new(|n| repeat("1.", n, "1"))),
        ("a.a.a…@", Box::new(|n| repeat("a.", n, "@"))),
        ("long digit run", Box::new(|n| repeat("1234567890", n, ""))),
        ("digits spaced 1 1 1…", Box::new(|n| repeat("1 ", n, "1"))),
        ("digits dashed 1-1-1…", Box::new(|n| repeat("1-", n, "1"))),
        ("digit groups 555 123 …", Box::new(|n| repeat("555 123 ", n, "4567"))),
        ("brackets (1) (1) …", Box::new(|n| repeat("(1) ", n, ""))),
        ("capitalised words", Box::new(|n| cycle(&["Anna ", "Berg ", "Maria ", "Lopez ", "John ", "Smith ", "Mount ", "Street "], n))),
        ("capitalised, one line each", Box::new(|n| cycle(&["Anna Berg\n", "Maria Lopez\n", "John Smith\n"], n))),
        ("cue words phone phone …", Box::new(|n| repeat("phone ", n, "5551234"))),
        ("mixed cues", Box::new(|n| repeat("MRN phone DOB date of birth Dr. lives at zip ", n, "12345"))),
        ("cue then codes on one line", Box::new(|n| format!("MRN {}", distinct_numbers(n, " ")))),
        ("spoken five five five …", Box::new(|n| repeat("five ", n, "five"))),
        ("spoken cue + number", Box::new(|n| repeat("my phone number is five five five one two one two ", n, ""))),
        ("spoken double / oh", Box::new(|n| repeat("double five oh ", n, ""))),
        ("spoken dash dash …", Box::new(|n| repeat("dash ", n, "five"))),
        ("spoken dates", Box::new(|n| repeat("on the fourth of july nineteen eighty two ", n, ""))),
        ("spoken e-mail at / dot", Box::new(|n| repeat("j smith at gmail dot ", n, "com"))),
        ("spoken spelling", Box::new(|n| repeat("s as in sam ", n, ""))),
        ("spoken address", Box::new(|n| repeat("one two three main street ", n, ""))),
        ("spoken hundreds", Box::new(|n| repeat("one hundred and ", n, "two"))),
        ("one huge word", Box::new(|n| repeat("abcdefghij", n, ""))),
        ("many short lines", Box::new(|n| repeat("a\n", n, ""))),
        ("nested brackets", Box::new(|n| format!("{}1{}", "(".repeat(n / 2), ")".repeat(n / 2)))),
        ("dashed words a-a-a…", Box::new(|n| repeat("a-", n, "a"))),
        ("http://a.a.a…", Box::new(|n| format!("http://{}", repeat("a.", n, "com")))),
        ("url with ))))", Box::new(|n| format!("see http://a.com/{} now", ")".repeat(n)))),
        ("many e-mails", Box::new(|n| repeat("ann@site.com ", n, ""))),
        ("many urls", Box::new(|n| repeat("www.site.com ", n, ""))),
        ("white space", Box::new(|n| format!("phone {}555-123-4567", " ".repeat(n)))),
        ("distinct numbers", Box::new(|n| distinct_numbers(n, " "))),
        ("street numbers, one line", Box::new(|n| repeat("12 Main Street ", n, ""))),
        ("dates 01/02/2003 …", Box::new(|n| repeat("01/02/2003 ", n, ""))),
        ("clinical note", Box::new(|n| repeat(include_str!("../data/examples/visit_note.txt"), n, ""))),
    ]
}

/// One timed piece of work on a prepared document.
type Work = Box<dyn Fn(&str) -> usize>;

/// The detectors alone, then the stages after them.
fn subjects() -> Vec<(String, Work)> {
    let mut all: Vec<Box<dyn Detector>> = detectors::pattern_detectors();
    all.extend(detectors::dictionary_detectors().expect("bundled dictionaries load"));
    let mut out: Vec<(String, Work)> = Vec::new();
    for d in all {
        let name = d.name().to_string();
        out.push((
            name,
            Box::new(move |text: &str| {
                let mut spans = Vec::new();
                d.detect(&Document::new(text), &mut spans).expect("detector runs");
                spans.len()
            }),
        ));
    }
    // The stages get a span on every word: the most spans a document can hold.
    out.push(("merge".into(), Box::new(|text: &str| merge::merge(word_spans(text, true)).len())));
    out.push(("refine".into(), Box::new(|text: &str| refine::refine(text, word_spans(text, false)).expect("refine").len())));
    out.push((
        "repeats".into(),
        Box::new(|text: &str| {
            let mut spans = word_spans(text, false);
            repeats::mark_repeats(text, &mut spans).expect("repeats");
            spans.len()
        }),
    ));
    out
}

/// A span over every white-space separated word (and, with `overlapping`, one over every
/// pair of words too); one every 8 bytes inside a word longer than that, so that a document
/// without white space still holds many spans.
fn word_spans(text: &str, overlapping: bool) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    for &(s, e) in &words {
        let mut at = s;
        while e - at > 8 {
            let cut = (at + 8..e).find(|&k| text.is_char_boundary(k)).unwrap_or(e);
            spans.push(Span::new(at, cut, Label::Id, 0.9, Source::Pattern));
            at = cut;
        }
        spans.push(Span::new(at, e, Label::Name, 0.9, Source::Pattern));
    }
    if overlapping {
        for w in words.windows(2) {
            spans.push(Span::new(w[0].0, w[1].1, Label::Location, 0.8, Source::Rule));
        }
    }
    spans
}

/// The median of up to five runs, stopping once a second has been spent.
fn time(work: &Work, text: &str) -> Duration {
    let mut runs = Vec::new();
    let began = Instant::now();
    while runs.len() < 5 && (runs.is_empty() || began.elapsed() < Duration::from_secs(1)) {
        let t = Instant::now();
        black_box(work(black_box(text)));
        runs.push(t.elapsed());
    }
    runs.sort();
    runs[runs.len() / 2]
}

/// A cell of the table: measured, over the time limit, or not run.
#[derive(Clone, Copy)]
enum Cell {
    Took(Duration),
    Over(u64),
    Skipped,
}

fn show(c: Cell) -> String {
    match c {
        Cell::Skipped => "–".into(),
        Cell::Over(s) => format!("> {s} s"),
        Cell::Took(d) if d.as_secs_f64() >= 1.0 => format!("{:.2} s", d.as_secs_f64()),
        Cell::Took(d) => format!("{:.2} ms", d.as_secs_f64() * 1e3),
    }
}

fn ratio(a: Cell, b: Cell) -> String {
    match (a, b) {
        (Cell::Took(a), Cell::Took(b)) => format!("{:.1}", b.as_secs_f64() / a.as_secs_f64().max(1e-9)),
        (Cell::Took(a), Cell::Over(s)) => format!("> {:.0}", s as f64 / a.as_secs_f64().max(1e-9)),
        _ => "–".into(),
    }
}

/// Separates the detector from the input in the row a child process runs.
const SEP: char = '\u{1f}';

/// In a child process: times one row at each size, one line of seconds per size, and stops
/// after a size that took over `cap` seconds.
fn run_row(row: &str, cap: f64) {
    let (name, input) = row.split_once(SEP).expect("row names a detector and an input");
    let (_, work) = subjects().into_iter().find(|(n, _)| n == name).expect("known detector");
    let inputs = inputs();
    let (_, build) = inputs.iter().find(|(n, _)| *n == input).expect("known input");
    for size in SIZES {
        let took = time(&work, &build(size)).as_secs_f64();
        println!("{took}");
        if took > cap {
            break;
        }
    }
}

/// Runs one row in a child process, so that a detector that stalls can be stopped after
/// `limit` seconds at a size.
fn spawn_row(name: &str, input: &str, limit: u64) -> Vec<Cell> {
    use std::io::BufRead;
    let mut child = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env("ADVERSARIAL_ROW", format!("{name}{SEP}{input}"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("child process starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut cells = Vec::new();
    while cells.len() < SIZES.len() {
        match rx.recv_timeout(Duration::from_secs(limit)) {
            Ok(line) => cells.push(Cell::Took(Duration::from_secs_f64(line.trim().parse().expect("seconds")))),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                cells.push(Cell::Over(limit));
                break;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    cells.resize(SIZES.len(), Cell::Skipped);
    cells
}

fn main() {
    let cap = std::env::var("ADVERSARIAL_CAP_S").ok().and_then(|s| s.parse().ok()).unwrap_or(2.0);
    if let Ok(row) = std::env::var("ADVERSARIAL_ROW") {
        return run_row(&row, cap);
    }
    let limit = std::env::var("ADVERSARIAL_LIMIT_S").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    // `cargo bench` passes `--bench`; every other argument filters the rows.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let inputs = inputs();
    println!("| detector | input | 10 KB | 100 KB | 1 MB | ×100KB/10KB | ×1MB/100KB |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (name, _) in subjects() {
        for (input, _) in &inputs {
            let row = format!("{name} {input}");
            if !filters.iter().all(|f| row.contains(f.as_str())) {
                continue;
            }
            let t = spawn_row(&name, input, limit);
            println!("| {name} | {input} | {} | {} | {} | {} | {} |", show(t[0]), show(t[1]), show(t[2]), ratio(t[0], t[1]), ratio(t[1], t[2]));
        }
    }
}
