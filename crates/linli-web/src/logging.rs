//! The process's log: a line per request (`metrics::observe`) and the operations' events, to
//! standard error or a file.
//!
//! Off the request's path: a line is formatted on the request's thread and appended to a
//! buffer in memory; a writer thread of its own writes the buffer out when it is a tenth of a
//! second old or holds 256 KiB, whichever comes first. A request never makes a system call or
//! wakes a thread for its line (but the first line after a quiet spell, which starts the clock).
//! Nothing is dropped: past 16 MiB not yet written (a disk that stopped answering), a request
//! waits for room. Dropping the [`LogGuard`] writes out what is left; a crash loses at most the
//! last tenth of a second.
//!
//! `LINLI_LOG` sets the level per target (`info` by default; `warn` leaves out the request
//! lines), `LINLI_LOG_FORMAT=json` writes one JSON object per line. Colours only for a person at
//! a terminal: escape codes in a log file or a journal are noise.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait in memory before the writer thread writes it.
const LINGER: Duration = Duration::from_millis(100);
/// Buffered bytes that make the writer thread write at once.
const HIGH_WATER: usize = 256 * 1024;
/// Buffered bytes past which a new line waits for the writer thread.
const CAPACITY: usize = 16 * 1024 * 1024;

/// Writes out what is left of the log when dropped and ends its writer thread.
#[must_use = "the log's last lines are written when this is dropped"]
pub struct LogGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.filled.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

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
    let (writer, guard) = buffered(out);
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
    guard
}

struct Pending {
    lines: Vec<u8>,
    closed: bool,
    /// The most bytes the buffer has held.
    peak: usize,
}

struct Shared {
    pending: Mutex<Pending>,
    /// Lines arrived in an empty buffer, or past the high-water mark, or the log closes.
    filled: Condvar,
    /// The writer thread took the buffer.
    drained: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the subscriber writes its lines to: the buffer of the writer thread.
#[derive(Clone)]
struct Buffered(Arc<Shared>);

/// Starts the writer thread of `out`.
fn buffered<W: Write + Send + 'static>(mut out: W) -> (Buffered, LogGuard) {
    let shared = Arc::new(Shared {
        pending: Mutex::new(Pending {
            lines: Vec::new(),
            closed: false,
            peak: 0,
        }),
        filled: Condvar::new(),
        drained: Condvar::new(),
    });
    let theirs = shared.clone();
    let thread = std::thread::Builder::new()
        .name("linli-log".into())
        .spawn(move || write_out(&theirs, &mut out))
        .ok();
    if thread.is_none() {
        // No thread for the log: lines are kept (up to the capacity) and lost at exit, rather
        // than the program not starting.
        eprintln!("linli: could not start the log's writer thread");
    }
    (Buffered(shared.clone()), LogGuard { shared, thread })
}

/// The writer thread: waits for a line, lets more gather for [`LINGER`] (or until the
/// high-water mark), writes them all, and again, until the log closes.
fn write_out(shared: &Shared, out: &mut dyn Write) {
    let mut spare = Vec::new();
    loop {
        let mut p = shared.lock();
        while p.lines.is_empty() && !p.closed {
            p = shared.filled.wait(p).unwrap_or_else(|e| e.into_inner());
        }
        if !p.closed && p.lines.len() < HIGH_WATER {
            p = shared
                .filled
                .wait_timeout_while(p, LINGER, |p| !p.closed && p.lines.len() < HIGH_WATER)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        std::mem::swap(&mut p.lines, &mut spare);
        let closed = p.closed;
        drop(p);
        shared.drained.notify_all();
        // A log that cannot be written is not a reason to stop serving.
        let _ = out.write_all(&spare).and_then(|()| out.flush());
        spare.clear();
        if spare.capacity() > HIGH_WATER * 4 {
            spare = Vec::new();
        }
        if closed && shared.lock().lines.is_empty() {
            return;
        }
    }
}

impl Write for Buffered {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let shared = &self.0;
        let mut p = shared.lock();
        while p.lines.len() >= CAPACITY && !p.closed {
            p = shared.drained.wait(p).unwrap_or_else(|e| e.into_inner());
        }
        let was_empty = p.lines.is_empty();
        p.lines.extend_from_slice(line);
        p.peak = p.peak.max(p.lines.len());
        let full = p.lines.len() >= HIGH_WATER;
        drop(p);
        if was_empty || full {
            shared.filled.notify_one();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffered {
    type Writer = Buffered;
    fn make_writer(&'a self) -> Buffered {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// An output that holds its first write until told to go on, and keeps what it is given.
    struct Stuck {
        kept: Arc<Mutex<Vec<u8>>>,
        go: Option<mpsc::Receiver<()>>,
    }

    impl Write for Stuck {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            if let Some(go) = self.go.take() {
                let _ = go.recv();
            }
            self.kept.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_do_not_wait_for_the_output_and_all_arrive_in_order() {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let (go, wait) = mpsc::channel();
        let (writer, guard) = buffered(Stuck {
            kept: kept.clone(),
            go: Some(wait),
        });
        // The output is stuck on its first write; the lines go on being taken all the same.
        let mut w = writer.make_writer();
        for i in 0..20_000 {
            w.write_all(format!("line {i}\n").as_bytes()).unwrap();
        }
        assert!(kept.lock().unwrap().is_empty(), "nothing written yet");
        go.send(()).unwrap();
        drop(guard);
        let text = String::from_utf8(kept.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 20_000);
        for (i, l) in lines.iter().enumerate() {
            assert_eq!(*l, format!("line {i}"));
        }
    }

    #[test]
    fn past_the_capacity_a_line_waits_for_room_instead_of_being_lost() {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let (go, wait) = mpsc::channel();
        let (writer, guard) = buffered(Stuck {
            kept: kept.clone(),
            go: Some(wait),
        });
        let line = vec![b'x'; 1023];
        let lines = CAPACITY / 1024 * 2;
        let shared = writer.0.clone();
        let writing = std::thread::spawn(move || {
            let mut w = writer.make_writer();
            for _ in 0..lines {
                w.write_all(&line).unwrap();
                w.write_all(b"\n").unwrap();
            }
        });
        // The writer thread takes the first bytes and is stuck writing them; the lines after
        // them fill the buffer up to its capacity, and the next one waits there.
        while shared.lock().peak < CAPACITY {
            std::thread::yield_now();
        }
        assert!(!writing.is_finished());
        go.send(()).unwrap();
        writing.join().unwrap();
        drop(guard);
        assert!(
            shared.lock().peak < CAPACITY + 1024,
            "never more than the capacity"
        );
        assert_eq!(kept.lock().unwrap().len(), lines * 1024);
    }
}
