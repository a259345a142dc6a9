//! The process's log: a line per request (`metrics::observe`) and the operations' events, to
//! standard error or a file. Lines are handed to a writer thread, so a request never waits for
//! the terminal, the journal or the disk; the guard flushes what is left when it is dropped.
//!
//! `LINLI_LOG` sets the level per target (`info` by default; `warn` leaves out the request
//! lines), `LINLI_LOG_FORMAT=json` writes one JSON object per line. Colours only for a person at
//! a terminal: escape codes in a log file or a journal are noise.

use std::io::{IsTerminal, Write};
use std::path::Path;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Keeps the writer thread; dropping it writes out the lines still queued.
#[must_use = "the log's last lines are written when this is dropped"]
pub struct LogGuard(#[allow(dead_code)] WorkerGuard);

/// The log of `linli serve` and the other commands: standard error.
pub fn init() -> LogGuard {
    install(std::io::stderr(), std::io::stderr().is_terminal())
}

/// The same log into a file (appended): benchmarks, which must log as the server does without
/// flooding their own output.
pub fn init_to_file(path: &Path) -> std::io::Result<LogGuard> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    Ok(install(file, false))
}

fn install<W: Write + Send + 'static>(out: W, colours: bool) -> LogGuard {
    // Not lossy: under a burst a request waits for room in the queue rather than its line
    // being dropped (the queue holds 128k lines).
    // The writer thread writes what has queued up into a buffer and flushes it when the queue
    // is empty: one system call per burst of lines rather than one per line.
    let out = std::io::BufWriter::with_capacity(64 * 1024, out);
    let (writer, guard) = NonBlockingBuilder::default().lossy(false).finish(out);
    let filter = EnvFilter::try_from_env("LINLI_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colours)
        .with_writer(writer);
    // A second initialisation (tests) keeps the first subscriber.
    let _ = if std::env::var("LINLI_LOG_FORMAT").is_ok_and(|v| v == "json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    LogGuard(guard)
}
