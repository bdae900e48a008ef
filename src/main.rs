//! The `deid` command line: thin over the library's engine and batch modules.

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use deid::batch::output::Output;
use deid::batch::{self, Mode, Options, Summary};
use deid::{Config, Engine, PlaceholderStyle};
use deid::batch::progress::Progress;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::fs::File;
use same_file::Handle;
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "deid", version, about = "Remove HIPAA Safe Harbor identifiers from clinical text and transcripts")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Redact a text file (or stdin) to stdout, or a JSONL/CSV corpus with --input/--output.
    Redact(RedactArgs),
    /// Write the spans found in each JSONL record (code-point offsets), one line per input line.
    Detect(DetectArgs),
    /// Score the engine (or a prediction file) against labeled corpora.
    Eval(deid::eval::EvalArgs),
    /// Serve the engine over HTTP(S): authenticated, audited, failing closed.
    Serve(deid::server::cli::ServeArgs),
    /// Manage API keys for `deid serve`.
    Keys(deid::server::cli::KeysArgs),
    /// Check the server's hash-chained audit log.
    Audit(deid::server::cli::AuditArgs),
    /// Fine-tune the NER tagger on labelled JSONL (checkpoints, resume, f16 export).
    Train(deid::ner::train::TrainArgs),
}

#[derive(Args)]
struct EngineArgs {
    /// A TOML configuration file (defaults need none).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Placeholder style: [NAME], [NAME_1], or a realistic fake (surrogate; README).
    #[arg(long, value_enum)]
    placeholder: Option<PlaceholderArg>,
    /// Keep the year of redacted dates.
    #[arg(long)]
    keep_year: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlaceholderArg {
    Label,
    Numbered,
    Surrogate,
}

#[derive(Args)]
struct BatchArgs {
    /// Input corpus (JSONL, or CSV by extension or --format); `-` for stdin.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Output file; `-` or absent for stdout.
    #[arg(long)]
    output: Option<PathBuf>,
    /// A JSON field or CSV column holding text; repeat for several (`--field patient_name
    /// --field note`). A dotted name reads a nested JSON field (`meta.note`: `note` inside
    /// `meta`); a key that itself holds dots is matched whole first (a top-level key
    /// `meta.note` is taken before `note` inside `meta`). CSV columns: whole names.
    #[arg(long = "field", value_name = "FIELD", default_value = "text")]
    fields: Vec<String>,
    /// The JSON field holding the record id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// Input format: jsonl or csv with --input (default: from the extension; JSONL otherwise);
    /// vtt, srt, turns, words-json or text for a FILE (default: detected from name and content).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Redact: the JSON field or CSV column naming each record's group (a patient id); with
    /// surrogates and a key, the group's records (every --field of them) share their fakes and
    /// date offset. A dotted name reads a nested JSON field, as for --field.
    #[arg(long, value_name = "FIELD")]
    group_field: Option<String>,
    /// Records longer than this are reported and skipped.
    #[arg(long, default_value_t = batch::DEFAULT_MAX_RECORD_BYTES)]
    max_record_bytes: usize,
    /// Never draw the progress line (drawn only when stderr is a terminal).
    #[arg(long)]
    no_progress: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
    Vtt,
    Srt,
    Turns,
    WordsJson,
    Text,
}

impl Format {
    /// The transcript format this names, for a FILE.
    fn transcript(self) -> Option<deid::transcript::Format> {
        use deid::transcript::Format as T;
        Some(match self {
            Format::Vtt => T::Vtt,
            Format::Srt => T::Srt,
            Format::Turns => T::Turns,
            Format::WordsJson => T::WordsJson,
            Format::Text => T::Text,
            Format::Jsonl | Format::Csv => return None,
        })
    }
}

#[derive(Args)]
struct RedactArgs {
    /// A text file to redact whole (`-` or absent: stdin). Not with --input.
    file: Option<PathBuf>,
    #[command(flatten)]
    batch: BatchArgs,
    /// JSONL: add the removed spans to each record as `deid_spans`.
    #[arg(long)]
    with_spans: bool,
    /// Word-timed or cue-timed transcripts: write the time ranges to silence (JSON) here.
    #[arg(long, value_name = "OUT.json")]
    audio_ranges: Option<PathBuf>,
    /// Seconds of padding around each audio range (clamped at 0).
    #[arg(long, value_name = "SECONDS", default_value_t = 0.25)]
    audio_margin: f64,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Args)]
struct DetectArgs {
    #[command(flatten)]
    batch: BatchArgs,
    #[command(flatten)]
    engine: EngineArgs,
}

fn main() -> ExitCode {
    // A panic message can quote document text (e.g. a slicing error): print its location only.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("deid: internal error{at} (message withheld: it may contain document text)");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Redact(args) => redact(args),
        Command::Detect(args) => detect(args),
        // A missed target (--min-recall, --min-precision) exits 1; a usage or input error 2.
        Command::Eval(args) => deid::eval::run(&args)
            .map(|met| if met { ExitCode::SUCCESS } else { ExitCode::from(1) })
            .map_err(Into::into),
        Command::Serve(args) => deid::server::cli::serve(args),
        Command::Keys(args) => deid::server::cli::keys(args),
        Command::Audit(args) => deid::server::cli::audit(args),
        Command::Train(args) => deid::ner::train::run(&args).map(|()| ExitCode::SUCCESS).map_err(Into::into),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("deid: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn build_engine(args: &EngineArgs) -> anyhow::Result<Engine> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().context("cannot set the thread count")?;
    }
    let mut config = match &args.config {
        Some(path) => Config::from_toml_file(path)?,
        None => Config::default(),
    };
    match args.placeholder {
        Some(PlaceholderArg::Label) => config.placeholder = PlaceholderStyle::Label,
        Some(PlaceholderArg::Numbered) => config.placeholder = PlaceholderStyle::Numbered,
        Some(PlaceholderArg::Surrogate) => config.placeholder = PlaceholderStyle::Surrogate,
        None => {}
    }
    config.keep_year |= args.keep_year;
    Ok(Engine::new(config)?)
}

fn redact(args: RedactArgs) -> anyhow::Result<ExitCode> {
    let engine = build_engine(&args.engine)?;
    if args.batch.input.is_some() {
        if args.file.is_some() {
            bail!("give either a FILE or --input, not both");
        }
        if args.audio_ranges.is_some() {
            bail!("--audio-ranges applies to a transcript FILE, not to --input");
        }
        return run_batch(&engine, &args.batch, Mode::Redact { with_spans: args.with_spans });
    }
    let mut bytes = Vec::new();
    match args.file.as_deref() {
        None => io::stdin().read_to_end(&mut bytes)?,
        Some(p) if p == Path::new("-") => io::stdin().read_to_end(&mut bytes)?,
        Some(p) => File::open(p).with_context(|| format!("cannot open {}", p.display()))?.read_to_end(&mut bytes)?,
    };
    let text = String::from_utf8(bytes).map_err(|e| anyhow::anyhow!("input is not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()))?;
    let format = match args.batch.format {
        None => deid::transcript::Format::detect(args.file.as_deref(), &text),
        Some(f) => f.transcript().with_context(|| "--format jsonl and csv read a corpus given with --input")?,
    };
    if format == deid::transcript::Format::Text && args.audio_ranges.is_none() {
        let out = engine.redact(&text)?;
        io::stdout().write_all(out.text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = deid::transcript::redact(&engine, &text, format)?;
    if let Some(path) = &args.audio_ranges {
        // Written before the transcript: a failure here leaves no output passed off as complete.
        let ranges = out.audio_ranges(args.audio_margin)?;
        let json = serde_json::to_string_pretty(&ranges)?;
        std::fs::write(path, json + "\n").with_context(|| format!("cannot write {}", path.display()))?;
    }
    io::stdout().write_all(out.text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn detect(args: DetectArgs) -> anyhow::Result<ExitCode> {
    let engine = build_engine(&args.engine)?;
    if args.batch.input.is_none() {
        bail!("deid detect needs --input IN.jsonl");
    }
    run_batch(&engine, &args.batch, Mode::Detect)
}

fn run_batch(engine: &Engine, args: &BatchArgs, mode: Mode) -> anyhow::Result<ExitCode> {
    let input_path = args.input.as_deref().expect("checked by callers");
    let stdin = input_path == Path::new("-");
    let format = args.format.unwrap_or(if input_path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) { Format::Csv } else { Format::Jsonl });
    if format == Format::Csv && mode == Mode::Detect {
        bail!("deid detect reads JSONL only");
    }
    if format.transcript().is_some() {
        bail!("--input reads a JSONL or CSV corpus; give a transcript as a FILE");
    }
    let (input, size, handle): (Box<dyn Read>, Option<u64>, Option<Handle>) = if stdin {
        (Box::new(io::stdin().lock()), None, Handle::stdin().ok())
    } else {
        let file = File::open(input_path).with_context(|| format!("cannot open {}", input_path.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size, Handle::from_path(input_path).ok())
    };
    let mut output = Output::open(args.output.as_deref(), handle.as_ref()).with_context(|| match args.output.as_deref() {
        Some(p) if p != Path::new("-") => format!("cannot write {}", p.display()),
        _ => "cannot write to standard output".to_string(),
    })?;
    if size == Some(0) {
        bail!("{} is empty: no records to process", input_path.display());
    }
    let options = Options {
        mode,
        fields: batch::fields::parse_fields(&args.fields).map_err(anyhow::Error::msg)?,
        id_field: args.id_field.clone(),
        max_record_bytes: args.max_record_bytes,
        group_field: args.group_field.as_deref().map(batch::fields::FieldPath::new).transpose().map_err(|_| anyhow::anyhow!("--group-field needs a name"))?,
        ..Options::default()
    };
    let progress = Arc::new(Progress::new());
    let bar = progress_bar(&progress, size, args.no_progress);
    let reader = BufReader::with_capacity(1 << 20, input);
    let writer = BufWriter::with_capacity(1 << 20, output.writer());
    let summary = match format {
        Format::Jsonl => batch::process_jsonl(engine, reader, writer, &options, &progress)?,
        Format::Csv => batch::process_csv(engine, reader, writer, &options, &progress)?,
        _ => unreachable!("transcript formats are refused above"),
    };
    bar.finish_and_clear();
    let code = report(&summary)?;
    // Only a finished run replaces the output, failed records included (they are reported, not written).
    output.commit().context("cannot write the output")?;
    Ok(code)
}

/// A progress line on stderr when it is a terminal, drawn at once and redrawn on its own
/// clock from the counters the workers bump as records finish (see `batch::progress`).
fn progress_bar(progress: &Arc<Progress>, size: Option<u64>, disabled: bool) -> ProgressBar {
    if disabled || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let counters = Arc::clone(progress);
    let status = move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = w.write_str(&counters.snapshot().describe(size));
    };
    let style = ProgressStyle::with_template("{spinner} {status}").expect("valid template").with_key("status", status);
    let bar = ProgressBar::new_spinner().with_style(style);
    bar.tick();
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn report(summary: &Summary) -> anyhow::Result<ExitCode> {
    eprint!("{}", summary.render());
    if summary.records == 0 {
        bail!("the input holds no records");
    }
    Ok(if summary.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
