//! A small labeled corpus and predictions shared by the `eval_*` integration tests.

// Each test crate uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Three documents: multi-byte names, a phone with punctuation left in place, exempt spans.
pub const GOLD: &str = concat!(
    r#"{"id":"doc-1","text":"Zoë Ünal called from (617) 555-0199.","spans":[{"start":0,"end":8,"label":"NAME","subtype":"PATIENT","text":"Zoë Ünal"},{"start":21,"end":35,"label":"PHONE","text":"(617) 555-0199"}]}"#,
    "\n",
    r#"{"id":"doc-2","text":"Seen in Texas in 2019 by Dr. Okafor, aged 45.","spans":[{"start":8,"end":13,"label":"LOCATION","subtype":"STATE","text":"Texas"},{"start":17,"end":21,"label":"DATE","subtype":"YEAR","text":"2019"},{"start":29,"end":35,"label":"NAME","subtype":"CLINICIAN","text":"Okafor"},{"start":42,"end":44,"label":"AGE","text":"45"}]}"#,
    "\n",
    r#"{"id":"doc-3","text":"Works at Acme since March 3.","spans":[{"start":20,"end":27,"label":"DATE","subtype":"OTHER","text":"March 3"}],"meta":{"other_spans":[{"start":9,"end":13,"type":"ORGANIZATION","text":"Acme"}]}}"#,
    "\n"
);

/// Finds Zoë Ünal and the phone (in three pieces), Texas, "Acme" (a false positive)
/// and "March" only (a partial leak); misses Okafor.
pub const PRED: &str = concat!(
    r#"{"id":"doc-1","spans":[{"start":0,"end":8,"label":"NAME","score":0.9,"source":"dictionary"},{"start":22,"end":25,"label":"PHONE","score":0.9,"source":"pattern"},{"start":27,"end":30,"label":"PHONE","score":0.9,"source":"pattern"},{"start":31,"end":35,"label":"PHONE","score":0.9,"source":"pattern"}]}"#,
    "\n",
    r#"{"id":"doc-2","spans":[{"start":8,"end":13,"label":"LOCATION","score":0.9,"source":"dictionary"}]}"#,
    "\n",
    r#"{"id":"doc-3","spans":[{"start":9,"end":13,"label":"NAME","score":0.6,"source":"dictionary"},{"start":20,"end":25,"label":"DATE","score":0.9,"source":"pattern"}]}"#,
    "\n"
);

pub fn write(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

pub fn deid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deid")).args(args).output().expect("run deid")
}

/// Runs `deid eval` on GOLD and PRED (or the given predictions) and returns the report directory.
pub fn report_from(dir: &Path, pred: &str) -> PathBuf {
    let gold = write(dir, "gold.jsonl", GOLD.as_bytes());
    let pred = write(dir, "pred.jsonl", pred.as_bytes());
    let out = dir.join("report");
    let o = deid(&[
        "eval",
        "--corpus",
        gold.to_str().unwrap(),
        "--predictions",
        pred.to_str().unwrap(),
        "--report",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "deid eval failed: {}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Headless Chromium with the flags the report tests need (no network, a throwaway profile
/// in `dir`). Chromium is required (Debian package `chromium`, `/usr/bin/chromium`, or set
/// `DEID_CHROMIUM` to a binary): the tests fail, loudly, without it, because a report nobody
/// checked renders is not a report we can hand a privacy officer.
pub fn chromium(dir: &Path) -> Command {
    let chromium = std::env::var("DEID_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "headless Chromium not found at {chromium}: install the Debian package `chromium` (apt-get install -y chromium) or set DEID_CHROMIUM"
    );
    let mut command = Command::new(&chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", dir.join("chromium-profile").display()));
    command
}
