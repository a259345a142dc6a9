//! The embedded engine: one writer connection (SQLite allows one writer at a time anyway, and
//! `BEGIN IMMEDIATE` makes writers queue instead of failing mid-transaction) and a pool of
//! reader connections that WAL lets run beside it.

use crate::Result;
use crate::db::{Conn, Counters, DbConfig, Dialect, Row, Value};
use crate::error::StoreError;
use crate::pool::{Limits, Manage, Pool};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, StatementStatus, ToSql};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) struct SqliteDb {
    /// A pool of one: the writer, waited for at most `busy_timeout`.
    writer: Pool<Writer>,
    readers: Pool<Readers>,
}

/// The writer connection's page cache, in KiB (the readers have 16 MB each). An import
/// lowers it while it writes (in proportion to its file) and puts it back.
pub const WRITER_CACHE_KIB: i64 = 64 * 1024;

struct Writer {
    path: PathBuf,
    statements: usize,
}

impl Manage for Writer {
    type Conn = Connection;
    fn connect(&self) -> Result<Connection> {
        let writer = Connection::open(&self.path)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && self.path != Path::new(":memory:") {
            return Err(StoreError::Other(format!(
                "could not switch {} to WAL mode (got {mode})",
                self.path.display()
            )));
        }
        configure(&writer, self.statements)?;
        // The one writer gets a larger page cache than the readers: a large import touches
        // every index of the residents of a community, and pages that do not fit are spilled
        // to the WAL in the middle of the transaction and read back.
        writer.execute_batch(&format!("PRAGMA cache_size = -{WRITER_CACHE_KIB}"))?;
        Ok(writer)
    }
    fn is_broken(&self, conn: &mut Connection) -> bool {
        // A panic inside a transaction left it open: roll it back and keep the connection
        // (the writer of a `:memory:` database must not be replaced).
        !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err()
    }
}

struct Readers {
    path: PathBuf,
    statements: usize,
}

impl Manage for Readers {
    type Conn = Connection;
    fn connect(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn, self.statements)?;
        Ok(conn)
    }
    fn is_broken(&self, conn: &mut Connection) -> bool {
        !conn.is_autocommit()
    }
}

fn configure(conn: &Connection, statements: usize) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // FULL: an acknowledged write survives power loss, not just a process crash.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
    )?;
    // Every statement goes through `prepare_cached`; the repositories use a few hundred
    // distinct statements, the hot ones far fewer.
    conn.set_prepared_statement_cache_capacity(statements);
    // One plan per statement whatever is bound to it. Without this SQLite marks a statement
    // whose plan looked at a bound value (a `LIKE ?` pattern, a range under STAT4) and compiles
    // it again each time it is bound anew, which the statement cache does for every use: a
    // statement kept prepared would be compiled on every request. The price is the LIKE-prefix
    // optimisation with a bound pattern, which the store does not rely on (prefix searches
    // are written as ranges or go through the search tables).
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

impl SqliteDb {
    pub fn open(path: &str, config: &DbConfig) -> Result<Self> {
        let statements = config.statement_cache_capacity;
        let db = SqliteDb {
            writer: Pool::new(
                Writer { path: PathBuf::from(path), statements },
                Limits {
                    max: 1,
                    wait: config.busy_timeout,
                    max_lifetime: None,
                    validate_after_idle: None,
                },
            ),
            readers: Pool::new(
                Readers { path: PathBuf::from(path), statements },
                Limits {
                    max: config.pool_size,
                    wait: config.busy_timeout,
                    max_lifetime: None,
                    validate_after_idle: None,
                },
            ),
        };
        // Open the writer (and switch to WAL) now: fail at start-up, not at the first request.
        drop(db.writer.get()?);
        Ok(db)
    }

    pub fn write<T, E, F>(&self, counters: &Counters, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut guard = self.writer.get()?;
        let conn: &mut Connection = &mut guard;
        control(conn, "BEGIN IMMEDIATE").map_err(StoreError::from)?;
        let mut c = SqliteConn(conn, counters);
        match f(&mut c) {
            Ok(v) => {
                if let Err(e) = control(c.0, "COMMIT") {
                    let _ = c.0.execute_batch("ROLLBACK");
                    return Err(StoreError::from(e).into());
                }
                Ok(v)
            }
            Err(e) => {
                let _ = c.0.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    pub fn read<T, E, F>(&self, counters: &Counters, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut conn = self.readers.get()?;
        run_read(&mut conn, counters, f)
    }

    /// [`SqliteDb::read`] when a reader is free now; `f` back when every reader is in use.
    pub fn try_read<T, E, F>(
        &self,
        counters: &Counters,
        f: F,
    ) -> std::result::Result<Result<T, E>, F>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut conn = match self.readers.try_get() {
            Ok(Some(conn)) => conn,
            Ok(None) => return Err(f),
            Err(e) => return Ok(Err(E::from(e))),
        };
        counters.transaction();
        Ok(run_read(&mut conn, counters, f))
    }

    pub fn backup(&self, out: &Path) -> Result<()> {
        let conn = self.readers.get()?;
        let target = out.to_string_lossy().to_string();
        conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }
}

/// A transaction's `BEGIN` or `COMMIT`, from the connection's statement cache: parsed once,
/// not at every transaction.
fn control(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// `f` in one read transaction on `conn`.
fn run_read<T, E, F>(conn: &mut Connection, counters: &Counters, f: F) -> std::result::Result<T, E>
where
    F: FnOnce(&mut dyn Conn) -> std::result::Result<T, E>,
    E: From<StoreError>,
{
    control(conn, "BEGIN").map_err(StoreError::from)?;
    let mut c = SqliteConn(conn, counters);
    let out = f(&mut c);
    control(c.0, "COMMIT").map_err(StoreError::from)?;
    out
}

struct SqliteConn<'a>(&'a mut Connection, &'a Counters);

/// Counts a statement: prepared for this run when it had never run (a statement from the
/// cache has), and the times SQLite compiled it again while it ran.
fn counted<T>(
    counters: &Counters,
    stmt: &mut rusqlite::Statement<'_>,
    run: impl FnOnce(&mut rusqlite::Statement<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    let fresh = stmt.get_status(StatementStatus::Run) == 0;
    let before = stmt.get_status(StatementStatus::RePrepare);
    let out = run(stmt)?;
    let again = stmt.get_status(StatementStatus::RePrepare) - before;
    counters.statement(fresh, u64::try_from(again).unwrap_or(0));
    Ok(out)
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Value::Blob(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

fn read_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl Conn for SqliteConn<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let n =
            counted(self.1, &mut stmt, |s| s.execute(rusqlite::params_from_iter(params.iter())))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let width = stmt.column_count();
        counted(self.1, &mut stmt, |s| {
            let mut rows = s.query(rusqlite::params_from_iter(params.iter()))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let mut vals = Vec::with_capacity(width);
                for i in 0..width {
                    vals.push(read_value(r.get_ref(i)?));
                }
                out.push(Row(vals));
            }
            Ok(out)
        })
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.0.execute_batch(sql)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Db, DbConfig, StoreError, params};
    use std::sync::mpsc;
    use std::time::Duration;

    fn open(dir: &tempfile::TempDir, readers: usize) -> Db {
        let mut config = DbConfig::new(dir.path().join("t.db").to_string_lossy().to_string());
        config.pool_size = readers;
        config.busy_timeout = Duration::from_millis(20);
        let db = Db::open(&config).unwrap();
        db.write_blocking(|c| {
            c.batch("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b TEXT, UNIQUE (a, b))")
        })
        .unwrap();
        db
    }

    /// Runs `hold` on another thread inside `enter`, and `then` while it is held there.
    fn while_held<T>(
        db: &Db,
        enter: impl FnOnce(&Db, &mut dyn FnMut()) + Send,
        then: impl FnOnce() -> T,
    ) -> T {
        let (held_tx, held_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        std::thread::scope(|s| {
            s.spawn(move || {
                enter(db, &mut || {
                    held_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                })
            });
            held_rx.recv().unwrap();
            let out = then();
            release_tx.send(()).unwrap();
            out
        })
    }

    #[test]
    fn a_writer_held_past_the_timeout_gives_busy() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir, 2);
        let second = while_held(
            &db,
            |db, hold| {
                db.write_blocking(|c| {
                    c.execute("INSERT INTO t (a, b) VALUES (1, 'held')", params![])?;
                    hold();
                    Ok::<_, StoreError>(())
                })
                .unwrap()
            },
            || db.write_blocking(|c| c.execute("INSERT INTO t (a, b) VALUES (2, 'x')", params![])),
        );
        match second {
            Err(StoreError::Busy { retry_after_secs }) => assert_eq!(retry_after_secs, 1),
            other => panic!("expected Busy, got {other:?}"),
        }
        assert_eq!(StoreError::Busy { retry_after_secs: 1 }.code(), "busy");
        // Readers are not held up by the writer, and the writer is free again afterwards.
        db.write_blocking(|c| c.execute("INSERT INTO t (a, b) VALUES (3, 'y')", params![]))
            .unwrap();
        let n = db.read_blocking(|c| c.count("SELECT COUNT(*) FROM t", params![])).unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn a_small_read_runs_on_the_calling_thread_only_when_a_reader_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir, 1);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let here = std::thread::current().id();
        let ran_on = rt
            .block_on(db.read_small(|c| {
                c.count("SELECT COUNT(*) FROM t", params![])?;
                Ok::<_, StoreError>(std::thread::current().id())
            }))
            .unwrap();
        assert_eq!(ran_on, here, "a free reader: no hand-off");
        // With the one reader held, the small read waits for it on a blocking thread, as any
        // read does, and gives up after the pool's wait.
        let second = while_held(
            &db,
            |db, hold| {
                db.read_blocking(|_| {
                    hold();
                    Ok::<_, StoreError>(())
                })
                .unwrap()
            },
            || rt.block_on(db.read_small(|_| Ok::<_, StoreError>(std::thread::current().id()))),
        );
        assert!(matches!(second, Err(StoreError::Busy { .. })), "{second:?}");
        // Free again: on this thread.
        let ran_on = rt
            .block_on(db.read_small(|_| Ok::<_, StoreError>(std::thread::current().id())))
            .unwrap();
        assert_eq!(ran_on, here);
    }

    #[test]
    fn a_page_on_one_thread_reads_there_and_other_reads_are_handed_off() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir, 2);
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
        let reader = |db: &crate::Db| {
            let db = db.clone();
            async move {
                db.read(|c| {
                    c.count("SELECT COUNT(*) FROM t", params![])?;
                    Ok::<_, StoreError>(std::thread::current().id())
                })
                .await
                .unwrap()
            }
        };
        let page = {
            let db = db.clone();
            async move {
                let here = std::thread::current().id();
                let first = reader(&db).await;
                let small = db
                    .read_small(|_| Ok::<_, StoreError>(std::thread::current().id()))
                    .await
                    .unwrap();
                let second = reader(&db).await;
                let wrote = db
                    .write(|c| {
                        c.execute("INSERT INTO t (a, b) VALUES (41, 'page')", params![])?;
                        Ok::<_, StoreError>(std::thread::current().id())
                    })
                    .await
                    .unwrap();
                assert_eq!(wrote, here, "a write of the page runs there too");
                (here, first, small, second)
            }
        };
        let (here, first, small, second) = rt.block_on(db.on_one_thread(page)).unwrap();
        assert_eq!((first, small, second), (here, here, here), "all on the page's thread");
        // Outside it, a read goes to a blocking thread, not the runtime's worker.
        let (worker, read_on) = rt.block_on(async {
            tokio::spawn(async move { (std::thread::current().id(), reader(&db).await) })
                .await
                .unwrap()
        });
        assert_ne!(worker, read_on);
    }

    #[test]
    fn readers_all_held_past_the_timeout_give_busy() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir, 1);
        let second = while_held(
            &db,
            |db, hold| {
                db.read_blocking(|_| {
                    hold();
                    Ok::<_, StoreError>(())
                })
                .unwrap()
            },
            || db.read_blocking(|c| c.count("SELECT COUNT(*) FROM t", params![])),
        );
        assert!(matches!(second, Err(StoreError::Busy { .. })), "{second:?}");
        // The writer does not wait for readers.
        db.write_blocking(|c| c.execute("INSERT INTO t (a) VALUES (1)", params![])).unwrap();
    }

    #[test]
    fn a_unique_violation_is_detected_by_its_code_with_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir, 1);
        let insert = |db: &Db| {
            db.write_blocking(|c| {
                c.execute("INSERT INTO t (a, b) VALUES (?, ?)", params![7, "same"])
            })
        };
        insert(&db).unwrap();
        let e = insert(&db).unwrap_err();
        assert!(e.is_unique_violation(), "{e:?}");
        assert_eq!(e.unique_constraint(), Some("t.a, t.b"));
        assert_eq!(e.code(), "internal");
        // The failed transaction was rolled back and the writer is usable.
        assert_eq!(db.read_blocking(|c| c.count("SELECT COUNT(*) FROM t", params![])).unwrap(), 1);
        let not_unique = db
            .write_blocking(|c| c.execute("INSERT INTO t (a) VALUES (NULL)", params![]))
            .unwrap_err();
        assert!(!not_unique.is_unique_violation(), "{not_unique:?}");
    }

    #[test]
    fn a_writer_left_in_a_transaction_by_a_panic_is_rolled_back_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir, 1);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = db.write_blocking(|c| {
                c.execute("INSERT INTO t (a) VALUES (1)", params![])?;
                panic!("inside a write");
                #[allow(unreachable_code)]
                Ok::<_, StoreError>(())
            });
        }));
        assert!(panicked.is_err());
        db.write_blocking(|c| c.execute("INSERT INTO t (a) VALUES (2)", params![])).unwrap();
        let rows = db.read_blocking(|c| c.query("SELECT a FROM t", params![])).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].int(0).unwrap(), 2);
    }
}
