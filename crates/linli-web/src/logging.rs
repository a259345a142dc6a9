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
//! The request's own line is written by hand ([`access`]), not through `tracing`'s formatter:
//! it is the one line every request writes, and formatting it as an event inside a span with
//! three fields was a sixth of a small read's time. It reads as the formatter's lines do
//! (`request{id=… method=… path=…}: linli_web::metrics: handled status=… ms=…`, or the same
//! fields as JSON), so a request's line and its operations' events are found by the same id.
//!
//! `LINLI_LOG` sets the level per target (`info` by default; `warn` leaves out the request
//! lines), `LINLI_LOG_FORMAT=json` writes one JSON object per line. Colours only for a person at
//! a terminal: escape codes in a log file or a journal are noise.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
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
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    Ok(install(file, false))
}

fn install<W: Write + Send + 'static>(out: W, colours: bool) -> LogGuard {
    let (writer, guard) = buffered(out);
    let filter = EnvFilter::try_from_env("LINLI_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("LINLI_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colours)
        .with_writer(writer.clone());
    // A second initialisation (tests) keeps the first subscriber, and its access lines.
    let installed = if json { builder.json().try_init() } else { builder.try_init() };
    if installed.is_ok() {
        let _ = ACCESS.set(Access { out: writer, json });
    }
    guard
}

/// Where [`access`] writes: the installed log's buffer, in its format.
struct Access {
    out: Buffered,
    json: bool,
}

static ACCESS: OnceLock<Access> = OnceLock::new();

/// What a request's access line says.
pub struct Handled<'a> {
    pub id: &'a str,
    pub method: &'a str,
    /// The path without its query string (which may hold search terms).
    pub path: &'a str,
    pub status: u16,
    pub ms: f64,
}

/// Writes a request's line, at `INFO` for the target `linli_web::metrics` (so `LINLI_LOG=warn`
/// or `linli_web::metrics=warn` leaves it out), in the log's format. Nothing when no log is
/// installed (tests).
pub fn access(h: &Handled<'_>) {
    let Some(a) = ACCESS.get() else { return };
    if !tracing::enabled!(target: "linli_web::metrics", tracing::Level::INFO) {
        return;
    }
    thread_local! {
        static LINE: RefCell<(u64, String, String)> = const {
            RefCell::new((u64::MAX, String::new(), String::new()))
        };
    }
    LINE.with_borrow_mut(|(second, stamp, line)| {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        if now.as_secs() != *second {
            *second = now.as_secs();
            stamp.clear();
            stamp.push_str(&second_stamp(*second));
        }
        line.clear();
        format_line(line, stamp, now.subsec_micros(), h, a.json);
        let _ = (&a.out).write_all(line.as_bytes());
    });
}

/// `2026-12-07T11:10:25` of a second since the epoch, UTC.
fn second_stamp(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}

fn format_line(line: &mut String, stamp: &str, micros: u32, h: &Handled<'_>, json: bool) {
    let _ = if json {
        let path = serde_json::to_string(h.path).unwrap_or_default();
        writeln!(
            line,
            r#"{{"timestamp":"{stamp}.{micros:06}Z","level":"INFO","fields":{{"message":"handled","status":{},"ms":{:.3}}},"target":"linli_web::metrics","span":{{"id":"{}","method":"{}","path":{path},"name":"request"}}}}"#,
            h.status, h.ms, h.id, h.method
        )
    } else {
        writeln!(
            line,
            "{stamp}.{micros:06}Z  INFO request{{id={} method={} path={}}}: linli_web::metrics: handled status={} ms={:.3}",
            h.id, h.method, h.path, h.status, h.ms
        )
    };
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
        pending: Mutex::new(Pending { lines: Vec::new(), closed: false, peak: 0 }),
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
        (&*self).write(line)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Write for &Buffered {
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

    fn handled(path: &str) -> Handled<'_> {
        Handled { id: "0123456789abcdef", method: "GET", path, status: 200, ms: 0.4567 }
    }

    #[test]
    fn the_request_line_reads_as_the_formatters_lines_do() {
        let mut line = String::new();
        format_line(&mut line, "2026-12-07T11:10:25", 42, &handled("/residents/7"), false);
        assert_eq!(
            line,
            "2026-12-07T11:10:25.000042Z  INFO request{id=0123456789abcdef method=GET \
             path=/residents/7}: linli_web::metrics: handled status=200 ms=0.457\n"
        );
        assert_eq!(second_stamp(1_796_642_225), "2026-12-07T11:17:05");
    }

    #[test]
    fn the_json_request_line_is_one_json_object_whatever_the_path_holds() {
        let mut line = String::new();
        let path = "/a\"b\\c\u{7}";
        format_line(&mut line, "2026-12-07T11:10:25", 7, &handled(path), true);
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["timestamp"], "2026-12-07T11:10:25.000007Z");
        assert_eq!(v["span"]["path"], path);
        assert_eq!(v["span"]["id"], "0123456789abcdef");
        assert_eq!(v["fields"]["status"], 200);
        assert_eq!(v["fields"]["message"], "handled");
    }

    #[test]
    fn lines_do_not_wait_for_the_output_and_all_arrive_in_order() {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let (go, wait) = mpsc::channel();
        let (writer, guard) = buffered(Stuck { kept: kept.clone(), go: Some(wait) });
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
        let (writer, guard) = buffered(Stuck { kept: kept.clone(), go: Some(wait) });
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
        assert!(shared.lock().peak < CAPACITY + 1024, "never more than the capacity");
        assert_eq!(kept.lock().unwrap().len(), lines * 1024);
    }
}
