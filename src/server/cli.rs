//! The `deid serve`, `deid keys` and `deid audit` subcommands (main.rs only dispatches here).

use super::config::{Role, ServerConfig};
use super::log::Logger;
use super::{audit, auth, AppState};
use crate::engine::Engine;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use std::fs::File;
use std::io::BufReader;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The server configuration (TOML): keys, audit log, limits, TLS, [engine].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// PEM certificate chain: serve HTTPS only (TLS 1.2 minimum).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Allow plain HTTP on an address other than loopback (a TLS proxy on this host terminates).
    #[arg(long)]
    pub allow_plain_http_non_loopback: bool,
    /// The audit log file (overrides audit_log in the configuration).
    #[arg(long)]
    pub audit_log: Option<PathBuf>,
    /// Runtime and engine threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Print a new random API key (once) and the configuration snippet holding its hash.
    Create {
        /// The key's id, written to the audit log with every request it makes.
        #[arg(long)]
        id: String,
        /// detect, redact, metrics or admin.
        #[arg(long)]
        role: String,
    },
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check an audit log's hash chain; name the first line that breaks it.
    Verify {
        /// The audit log (JSON lines).
        file: PathBuf,
        /// The head of the log this file follows (its `audit_anchor`); without it the first line must start from zeros.
        #[arg(long, value_name = "HASH")]
        anchor: Option<String>,
    },
}

/// `deid serve`: runs until SIGINT or SIGTERM, then drains in-flight requests.
pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = match &args.config {
        Some(path) => ServerConfig::from_toml_file(path)?,
        None => ServerConfig::default(),
    };
    if let Some(l) = args.listen {
        config.listen = l;
    }
    if let (Some(c), Some(k)) = (&args.tls_cert, &args.tls_key) {
        config.tls_cert = Some(c.clone());
        config.tls_key = Some(k.clone());
    }
    config.allow_plain_http_non_loopback |= args.allow_plain_http_non_loopback;
    if let Some(a) = &args.audit_log {
        config.audit_log = Some(a.clone());
    }
    config.validate()?;
    config.check_transport()?;
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().context("cannot size the engine's thread pool")?;
    let engine = Engine::new(config.engine_config()?)?;
    // Build lazily compiled patterns and dictionaries now, so the first request is not
    // slow and /readyz means ready. The text is synthetic; its result is discarded.
    let _ = engine.redact("Warm-up: Dr. Jane Roe saw the patient on March 14, 2021; call 617-555-0199.");
    let logger = Logger::stderr();
    let state = Arc::new(AppState::new(config, engine, logger.clone())?);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build()?;
    runtime.block_on(async move {
        let server = super::start(state).await?;
        wait_for_signal().await;
        server.shutdown();
        server.wait().await?;
        anyhow::Ok(())
    })?;
    // The server has cancelled its work and waited for it to stop; a blocking
    // thread still busy (a detector that does not check for cancellation) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// `deid keys create`.
pub fn keys(args: KeysArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        KeysCommand::Create { id, role } => {
            let Some(role) = Role::parse(&role) else {
                bail!("unknown role {role:?}: use detect, redact, metrics or admin");
            };
            let (key, entry) = auth::create_key(&id, role);
            // Check the id the way the server will before printing a key for it.
            ServerConfig { keys: vec![entry.clone()], ..ServerConfig::default() }.validate()?;
            println!("# API key for {id} (role {}). It is shown only this once: give it to the client,", role.as_str());
            println!("# who sends it as `Authorization: Bearer KEY`.");
            println!("{key}");
            println!();
            println!("# Add this to the server configuration (it holds only the key's SHA-256):");
            print!("{}", auth::config_snippet(&entry));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `deid audit verify`: exit 0 when the chain holds, 1 at the first broken line.
pub fn audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        AuditCommand::Verify { file, anchor } => {
            let f = File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
            match audit::verify(BufReader::new(f), anchor.as_deref())? {
                Ok(v) => {
                    println!("{}: {} lines, chain intact; head {}", file.display(), v.lines, v.head);
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("{}: chain broken at {broken}", file.display());
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
