//! End-to-end tests of the `deid` binary: real files, real processes, bad input of every kind.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn deid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deid")).args(args).output().expect("deid runs")
}

fn deid_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deid"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("deid runs");
    // A run that stops before reading its input (a bad argument) closes the pipe early.
    if let Err(e) = child.stdin.take().unwrap().write_all(input) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const PLANTED: &str = "Reach me at jane.roe@example.org or 617-555-0199, SSN 321-54-9876.";

#[test]
fn redacts_the_bundled_example() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/data/examples/visit_note.txt");
    let out = deid(&["redact", example]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for value in ["maria.gonzalez@example.com", "(217) 555-0142", "321-54-9876", "00482913", "04/17/1951"] {
        assert!(!text.contains(value), "left in the output: {value}");
    }
    assert!(text.contains("[EMAIL]") && text.contains("[SSN]"));
    assert!(text.contains("BP 128/82"), "vital signs stay");
}

#[test]
fn redacts_stdin_to_stdout() {
    let out = deid_stdin(&["redact"], PLANTED.as_bytes());
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "Reach me at [EMAIL] or [PHONE], SSN [SSN].");
}

#[test]
fn invalid_utf8_text_is_a_clear_error() {
    let out = deid_stdin(&["redact", "-"], b"abc \xff\xfe def");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not valid UTF-8"));
    assert!(out.stdout.is_empty());
}

#[test]
fn jsonl_keeps_other_fields_and_reports_bad_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = Vec::new();
    input.extend_from_slice(format!("{{\"id\":\"a\",\"text\":\"{PLANTED}\",\"meta\":{{\"k\":1}}}}\n").as_bytes());
    input.extend_from_slice(b"{\"id\":\"b\",\"text\":\"SSN 321-54-9876\n"); // malformed JSON
    input.extend_from_slice(b"{\"id\":\"c\",\"body\":\"no text field\"}\n"); // missing field
    input.extend_from_slice(b"{\"id\":\"d\",\"text\":\"caf\xe9\"}\n"); // invalid UTF-8
    input.extend_from_slice(b"[1,2]\n"); // not an object
    input.extend_from_slice(b"{\"id\":\"e\",\"text\":\"nothing here\"}\n");
    let inp = write(dir.path(), "in.jsonl", &input);
    let outp = dir.path().join("out.jsonl");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a failed record makes the exit status non-zero");
    let err = stderr(&out);
    for expected in ["line 2: malformed JSON", "line 3: missing field `text`", "line 4: invalid UTF-8", "line 5: the record is not a JSON object", "6 records, 2 processed, 4 failed"] {
        assert!(err.contains(expected), "summary lacks {expected:?}: {err}");
    }
    assert!(!err.contains("321-54-9876") && !err.contains("caf"), "no record text in messages");
    let written: Vec<serde_json::Value> = std::fs::read_to_string(&outp).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(written.len(), 2, "failed records are not written unredacted");
    assert_eq!(written[0]["id"], "a");
    assert_eq!(written[0]["meta"]["k"], 1);
    assert_eq!(written[0]["text"], "Reach me at [EMAIL] or [PHONE], SSN [SSN].");
    let keys: Vec<&String> = written[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "text", "meta"], "field order kept");
    assert_eq!(written[1]["text"], "nothing here");
}

#[test]
fn detect_writes_one_line_per_input_line_with_code_point_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Zoë’s number: 617-555-0199 — email zoë@example.org";
    let input = format!("{}\nnot json\n", serde_json::json!({"id": "x1", "text": text}));
    let inp = write(dir.path(), "in.jsonl", input.as_bytes());
    let outp = dir.path().join("pred.jsonl");
    let out = deid(&["detect", "--input", &inp, "--output", outp.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&outp).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "x1");
    let chars: Vec<char> = text.chars().collect();
    let found: Vec<String> = lines[0]["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| chars[s["start"].as_u64().unwrap() as usize..s["end"].as_u64().unwrap() as usize].iter().collect())
        .collect();
    assert!(found.contains(&"617-555-0199".to_string()), "{found:?}");
    assert!(found.iter().any(|f| f.contains("@example.org")), "{found:?}");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("malformed JSON"));
}

#[test]
fn empty_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let inp = write(dir.path(), "empty.jsonl", b"");
    let out = deid(&["redact", "--input", &inp, "--output", dir.path().join("o").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is empty"));
}

#[test]
fn a_100_mb_line_is_reported_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        f.write_all(b"{\"id\":\"small\",\"text\":\"SSN 321-54-9876\"}\n{\"id\":\"big\",\"text\":\"").unwrap();
        let block = vec![b'a'; 1 << 20];
        for _ in 0..100 {
            f.write_all(&block).unwrap();
        }
        f.write_all(b"\"}\n{\"id\":\"after\",\"text\":\"call 617-555-0199\"}\n").unwrap();
    }
    let outp = dir.path().join("out.jsonl");
    let out = deid(&["redact", "--input", path.to_str().unwrap(), "--output", outp.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 2: record longer than the limit"), "{}", stderr(&out));
    let written = std::fs::read_to_string(&outp).unwrap();
    assert_eq!(written.lines().count(), 2);
    assert!(written.contains("SSN [SSN]") && written.contains("call [PHONE]"));
}

#[test]
fn csv_column_is_redacted_and_bad_rows_reported() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,note,site\n1,\"Call 617-555-0199, please\",east\n2,too,many,fields\n3,nothing here,west\n";
    let inp = write(dir.path(), "in.csv", csv.as_bytes());
    let outp = dir.path().join("out.csv");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap(), "--field", "note"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 3: row has 4 fields, the header has 3"), "{}", stderr(&out));
    let written = std::fs::read_to_string(&outp).unwrap();
    assert_eq!(written, "id,note,site\n1,\"Call [PHONE], please\",east\n3,nothing here,west\n");
}

#[test]
fn csv_without_the_column_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let inp = write(dir.path(), "in.csv", b"id,body\n1,x\n");
    let out = deid(&["redact", "--input", &inp, "--field", "note"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no column `note`"));
}

#[test]
fn numbered_placeholders_from_the_command_line() {
    let out = deid_stdin(&["redact", "--placeholder", "numbered"], b"a@b.org, c@d.org, a@b.org");
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "[EMAIL_1], [EMAIL_2], [EMAIL_1]");
}

#[test]
fn bad_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), "deid.toml", b"threshold = 7\n");
    let out = deid_stdin(&["redact", "--config", &cfg], b"x");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("threshold"));
}

#[test]
fn output_that_is_the_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let record = format!("{{\"id\":\"a\",\"text\":\"{PLANTED}\"}}\n");
    let inp = write(dir.path(), "in.jsonl", record.as_bytes());
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&inp, &link).unwrap();
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&inp, &hard).unwrap();
    for out in [inp.clone(), link.to_str().unwrap().into(), hard.to_str().unwrap().into()] {
        let o = deid(&["redact", "--input", &inp, "--output", &out]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
        assert!(stderr(&o).contains("is the input file"), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&inp).unwrap(), record, "the input is intact");
    }
}

#[test]
fn a_run_that_stops_early_leaves_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let outp = write(dir.path(), "out.csv", b"previous\n");
    // The column is missing: the run ends with exit 2 and must not touch the output.
    let inp = write(dir.path(), "in.csv", b"id,body\n1,x\n");
    let o = deid(&["redact", "--input", &inp, "--output", &outp, "--field", "note"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&outp).unwrap(), "previous\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left behind");
}

#[test]
fn jsonl_fields_other_than_the_text_come_out_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"id":12345678901234567890123,"text":"call 617-555-0199","dose":3.14159265358979323846264338,"huge":1e400,"who":"Ren\u00e9e","nested":{"list":[1,2.50,{"k":null}],"s":"a\/b"}}"#;
    let inp = write(dir.path(), "in.jsonl", format!("{line}\n").as_bytes());
    let outp = dir.path().join("out.jsonl");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = line.replace("call 617-555-0199", "call [PHONE]");
    assert_eq!(std::fs::read_to_string(&outp).unwrap(), format!("{expected}\n"));
    // detect copies the id as written too
    let predp = dir.path().join("pred.jsonl");
    let out = deid(&["detect", "--input", &inp, "--output", predp.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&predp).unwrap().starts_with(r#"{"id":12345678901234567890123,"spans":[{"#));
}

#[test]
fn a_byte_order_mark_and_blank_lines_are_skipped_keeping_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "\u{feff}{\"id\":\"a\",\"text\":\"call 617-555-0199\"}\n\n  \t\r\n{\"id\":\"b\"}\n";
    let inp = write(dir.path(), "in.jsonl", jsonl.as_bytes());
    let outp = dir.path().join("out.jsonl");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("2 records, 1 processed, 1 failed"), "{err}");
    assert!(err.contains("line 4: missing field `text`"), "line numbers count blank lines: {err}");
    assert_eq!(std::fs::read_to_string(&outp).unwrap(), "{\"id\":\"a\",\"text\":\"call [PHONE]\"}\n");

    let csv = "\u{feff}id,note\n1,call 617-555-0199\n";
    let inp = write(dir.path(), "in.csv", csv.as_bytes());
    let outp = dir.path().join("out.csv");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap(), "--field", "note"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&outp).unwrap(), "id,note\n1,call [PHONE]\n");
}

#[test]
fn an_unterminated_csv_quote_reports_the_lines_it_swallowed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,note\n1,call 617-555-0199\n2,\"fine, quoted\"\n3,\"never closed\n4,SSN 321-54-9876\n5,jane.roe@example.org\n";
    let inp = write(dir.path(), "in.csv", csv.as_bytes());
    let outp = dir.path().join("out.csv");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap(), "--field", "note"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("lines 4-6: unterminated quoted field"), "{err}");
    let written = std::fs::read_to_string(&outp).unwrap();
    assert_eq!(written, "id,note\n1,call [PHONE]\n2,\"fine, quoted\"\n");
}

#[test]
fn a_csv_record_over_the_limit_is_reported_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(500);
    let csv = format!("id,note\n1,\"{long}\nmore {long}\"\n2,call 617-555-0199\n");
    let inp = write(dir.path(), "in.csv", csv.as_bytes());
    let outp = dir.path().join("out.csv");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap(), "--field", "note", "--max-record-bytes", "100"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("lines 2-3: record longer than the limit of 100 bytes"), "{err}");
    assert_eq!(std::fs::read_to_string(&outp).unwrap(), "id,note\n2,call [PHONE]\n");
}

#[test]
fn binary_input_stops_with_one_message() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("data.jsonl", &b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\n\x00\x00"[..]), ("data.csv", &b"id,note\n1,a\x00b\n"[..])] {
        let inp = write(dir.path(), name, bytes);
        let out = deid(&["redact", "--input", &inp, "--output", dir.path().join("out").to_str().unwrap(), "--field", "note"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "one message: {err}");
        assert!(err.contains("not JSONL or CSV text"), "{err}");
    }
}

#[test]
fn a_wrong_field_stops_after_ten_records_naming_the_fields() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("{{\"id\":1,\"note\":\"{PLANTED}\",\"site\":\"east\"}}\n");
    let inp = write(dir.path(), "in.jsonl", line.repeat(50).as_bytes());
    let outp = dir.path().join("out.jsonl");
    let out = deid(&["redact", "--input", &inp, "--output", outp.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one message, not one per record: {err}");
    assert!(err.contains("no field `text`") && err.contains("`id`, `note`, `site`"), "{err}");
    assert!(!err.contains("555") && !err.contains("east"), "names only, never values: {err}");
    assert!(!outp.exists());
}

/// `--group-field`: with a key, the records of one patient share their fakes and their date
/// offset; another patient gets others; a record without the field fails and is not written.
#[test]
fn surrogates_are_shared_within_a_group_field() {
    let dir = tempfile::tempdir().unwrap();
    let notes = concat!(
        "{\"id\": 1, \"patient_id\": \"p1\", \"text\": \"Seen by Dr. Ottilie Brambleworth on 2021-03-03.\"}\n",
        "{\"id\": 2, \"patient_id\": \"p1\", \"text\": \"Seen by Dr. Ottilie Brambleworth on 2021-03-13.\"}\n",
        "{\"id\": 3, \"patient_id\": \"p2\", \"text\": \"Seen by Dr. Ottilie Brambleworth on 2021-03-03.\"}\n",
        "{\"id\": 4, \"text\": \"Seen by Dr. Ottilie Brambleworth on 2021-03-03.\"}\n",
    );
    let input = write(dir.path(), "in.jsonl", notes.as_bytes());
    let key = write(dir.path(), "key", b"an invented key for the cli test\n");
    let config = write(dir.path(), "deid.toml", format!("ner = false\nsurrogate_key_file = {key:?}\n").as_bytes());
    let output = dir.path().join("out.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_deid"))
        .args(["redact", "--config", &config, "--placeholder", "surrogate", "--group-field", "patient_id", "--input", &input])
        .args(["--output", output.to_str().unwrap(), "--no-progress"])
        .env_remove("DEID_SURROGATE_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the record without patient_id fails: {}", stderr(&out));
    assert!(stderr(&out).contains("missing group field `patient_id`") && !stderr(&out).contains("Brambleworth"));
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&output).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "the failed record is not written");
    let text = |i: usize| lines[i]["text"].as_str().unwrap().to_string();
    let name = |i: usize| text(i).split(" on ").next().unwrap().to_string();
    let date = |i: usize| {
        let d = text(i).rsplit(' ').next().unwrap().trim_end_matches('.').to_string();
        let p: Vec<u8> = d.split('-').map(|x| x.parse::<u32>().unwrap() as u8).collect::<Vec<_>>()[1..].to_vec();
        let y: i32 = d[..4].parse().unwrap();
        time::Date::from_calendar_date(y, time::Month::try_from(p[0]).unwrap(), p[1]).unwrap()
    };
    assert!(!text(0).contains("Brambleworth") && !text(0).contains("2021-03-03"), "{}", text(0));
    assert_eq!(name(0), name(1), "one patient, one fake doctor");
    assert_ne!(name(0), name(2), "another patient, another fake");
    assert_eq!((date(1) - date(0)).whole_days(), 10, "the interval survives");
}

/// `--group-field` with several `--field`s: every field of a record is redacted in the record's
/// group (a nested path, like the fields), so a patient's fakes and date offset are the same in
/// all of them and across the patient's records; another patient gets others. JSONL and CSV.
#[test]
fn surrogates_are_shared_across_several_fields_of_a_group() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "key", b"an invented key for the cli test\n");
    let config = write(dir.path(), "deid.toml", format!("ner = false\nsurrogate_key_file = {key:?}\n").as_bytes());
    let run = |input: &str, fields: &[&str], group: &str| {
        let mut args = vec!["redact", "--config", &config, "--placeholder", "surrogate", "--group-field", group, "--input", input, "--no-progress"];
        for field in fields {
            args.extend(["--field", field]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_deid")).args(&args).env_remove("DEID_SURROGATE_KEY").output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    // The fake doctor of a "Dr. … on DATE." text, and its date.
    let parts = |text: &str| -> (String, time::Date) {
        let (name, date) = text.trim_start_matches("Seen by ").trim_end_matches('.').split_once(" on ").unwrap();
        let n: Vec<u32> = date.split('-').map(|x| x.parse().unwrap()).collect();
        (name.to_string(), time::Date::from_calendar_date(n[0] as i32, time::Month::try_from(n[1] as u8).unwrap(), n[2] as u8).unwrap())
    };
    let record = |patient: &str, day: u32| {
        format!("{{\"patient\":{{\"id\":\"{patient}\"}},\"author\":\"Dr. Ottilie Brambleworth\",\"visit\":{{\"note\":\"Seen by Dr. Ottilie Brambleworth on 2021-03-{day:02}.\"}}}}\n")
    };
    let input = write(dir.path(), "in.jsonl", [record("p1", 3), record("p1", 13), record("p2", 3)].concat().as_bytes());
    let out = run(&input, &["author", "visit.note"], "patient.id");
    assert!(!out.contains("Brambleworth") && !out.contains("2021-03-03"), "{out}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let jsonl: Vec<(String, String, time::Date)> = lines
        .iter()
        .map(|l| {
            let (name, date) = parts(l["visit"]["note"].as_str().unwrap());
            (l["author"].as_str().unwrap().to_string(), name, date)
        })
        .collect();
    for (author, name, _) in &jsonl {
        assert_eq!(author, name, "one record, one fake doctor in every field");
    }
    assert_eq!(jsonl[0].0, jsonl[1].0, "one patient, one fake doctor");
    assert_ne!(jsonl[0].0, jsonl[2].0, "another patient, another fake");
    assert_eq!((jsonl[1].2 - jsonl[0].2).whole_days(), 10, "the interval survives");
    assert_eq!(lines[0]["patient"]["id"], "p1", "the group field is read, not redacted");

    let rows = "patient_id,doctor,note\n\
                p1,Dr. Ottilie Brambleworth,Seen by Dr. Ottilie Brambleworth on 2021-03-03.\n\
                p1,Dr. Ottilie Brambleworth,Seen by Dr. Ottilie Brambleworth on 2021-03-13.\n\
                p2,Dr. Ottilie Brambleworth,Seen by Dr. Ottilie Brambleworth on 2021-03-03.\n";
    let input = write(dir.path(), "in.csv", rows.as_bytes());
    let out = run(&input, &["doctor", "note"], "patient_id");
    let csv: Vec<(String, String, time::Date)> = out
        .lines()
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.splitn(3, ',').collect();
            let (name, date) = parts(cells[2]);
            (cells[1].to_string(), name, date)
        })
        .collect();
    assert_eq!(csv, jsonl, "the same key, groups and values: the same fakes in CSV");
}

fn fixture(name: &str) -> String {
    format!("{}/tests/data/batch/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn several_csv_columns_are_redacted_and_named_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let outp = dir.path().join("out.csv");
    let out = deid(&["redact", "--input", &fixture("patients.csv"), "--output", outp.to_str().unwrap(), "--field", "patient_name", "--field", "note_date", "--field", "note"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        std::fs::read_to_string(&outp).unwrap(),
        "id,patient_name,note_date,note,site\n\
         1,[NAME],[DATE],Seen for cough. Call [PHONE] to follow up.,east\n\
         2,[NAME],[DATE],SSN [SSN] on file; email [EMAIL],west\n"
    );
    assert!(err.contains("fields redacted: `patient_name` (2 identifiers), `note_date` (2 identifiers), `note` (3 identifiers)"), "{err}");
    // One column alone leaves the others as they were: the reason to name them all.
    let out = deid(&["redact", "--input", &fixture("patients.csv"), "--field", "note"]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("Jane Roe,03/14/2024"));
}

#[test]
fn a_csv_column_named_twice_or_missing_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let inp = write(dir.path(), "in.csv", b"id,note,note\n1,a,b\n");
    let out = deid(&["redact", "--input", &inp, "--field", "note"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("names column `note` more than once"), "{}", stderr(&out));
    let out = deid(&["redact", "--input", &fixture("patients.csv"), "--field", "note", "--field", "dob"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no column `dob` (its columns are `id`, `patient_name`, `note_date`, `note`, `site`)"), "{}", stderr(&out));
    let out = deid(&["redact", "--input", &fixture("patients.csv"), "--field", "note", "--field", "note"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--field `note` is given twice"), "{}", stderr(&out));
}

#[test]
fn jsonl_nested_fields_are_redacted_in_place_and_a_record_missing_one_reported() {
    let dir = tempfile::tempdir().unwrap();
    let outp = dir.path().join("out.jsonl");
    let out = deid(&["redact", "--input", &fixture("nested.jsonl"), "--output", outp.to_str().unwrap(), "--field", "text", "--field", "meta.note"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("3 records, 2 processed, 1 failed"), "{err}");
    assert!(err.contains("line 2: missing field `meta.note`"), "{err}");
    assert!(err.contains("fields redacted: `text` (1 identifier), `meta.note` (3 identifiers)"), "{err}");
    assert!(!err.contains("jane.roe"), "no text in messages: {err}");
    // Values not named come out as written: the big integer, 1e400, the sibling `author`.
    assert_eq!(
        std::fs::read_to_string(&outp).unwrap(),
        concat!(
            r#"{"id":"n1","meta":{"author":"unit 4","note":"Patient called from [PHONE] on [DATE].","big":12345678901234567890123},"text":"SSN [SSN]","dose":1e400}"#,
            "\n",
            r#"{"id":"n3","meta":{"note":"Fax [FAX].","author":"unit 6"},"text":"nothing here"}"#,
            "\n"
        ),
        "the record lacking a field is not written: its other fields were to be redacted"
    );
}

#[test]
fn detect_with_several_fields_names_each_spans_field() {
    let dir = tempfile::tempdir().unwrap();
    let predp = dir.path().join("pred.jsonl");
    let out = deid(&["detect", "--input", &fixture("nested.jsonl"), "--output", predp.to_str().unwrap(), "--field", "text", "--field", "meta.note"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&predp).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let fields_and_labels: Vec<(&str, &str)> =
        lines[0]["spans"].as_array().unwrap().iter().map(|s| (s["field"].as_str().unwrap(), s["label"].as_str().unwrap())).collect();
    assert_eq!(fields_and_labels, [("text", "SSN"), ("meta.note", "PHONE"), ("meta.note", "DATE")]);
    // Offsets are into the span's own field.
    assert_eq!((lines[0]["spans"][1]["start"].as_u64(), lines[0]["spans"][1]["end"].as_u64()), (Some(20), Some(32)));
    assert_eq!(lines[1]["error"], "missing field `meta.note`");
    // One field: the format is unchanged, no "field" key.
    let out = deid(&["detect", "--input", &fixture("nested.jsonl"), "--output", predp.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first: serde_json::Value = serde_json::from_str(std::fs::read_to_string(&predp).unwrap().lines().next().unwrap()).unwrap();
    assert!(first["spans"][0].get("field").is_none(), "{first}");
}

#[test]
fn a_nested_field_missing_from_ten_records_stops_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let line = "{\"id\":1,\"text\":\"call 617-555-0199\",\"meta\":{\"author\":\"unit 4\",\"body\":\"x\"}}\n";
    let inp = write(dir.path(), "in.jsonl", line.repeat(12).as_bytes());
    let out = deid(&["redact", "--input", &inp, "--field", "text", "--field", "meta.note"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("10 records in a row have no field `meta.note` (the last on line 10, whose `meta` holds `author`, `body`)"), "{err}");
}
