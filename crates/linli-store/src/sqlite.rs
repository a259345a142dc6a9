//! The embedded engine: one writer connection (SQLite allows one writer at a time anyway, and
//! `BEGIN IMMEDIATE` makes writers queue instead of failing mid-transaction) and a pool of
//! reader connections that WAL lets run beside it.

use crate::Result;
use crate::db::{Conn, Dialect, Row, Value};
use crate::error::StoreError;
use crate::pool::{Manage, Pool};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

pub(crate) struct SqliteDb {
    writer: Mutex<Connection>,
    readers: Pool<Readers>,
}

struct Readers {
    path: PathBuf,
}

impl Manage for Readers {
    type Conn = Connection;
    fn connect(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        Ok(conn)
    }
    fn is_broken(&self, conn: &mut Connection) -> bool {
        !conn.is_autocommit()
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // FULL: an acknowledged write survives power loss, not just a process crash.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16000;",
    )?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

impl SqliteDb {
    pub fn open(path: &str, readers: usize) -> Result<Self> {
        let writer = Connection::open(path)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && path != ":memory:" {
            return Err(StoreError::Other(format!(
                "could not switch {path} to WAL mode (got {mode})"
            )));
        }
        configure(&writer)?;
        // The one writer gets a larger page cache than the readers: a large import touches
        // every index of the residents of a community, and pages that do not fit are spilled
        // to the WAL in the middle of the transaction and read back.
        writer.execute_batch("PRAGMA cache_size = -65536")?;
        Ok(SqliteDb {
            writer: Mutex::new(writer),
            readers: Pool::new(
                Readers {
                    path: PathBuf::from(path),
                },
                readers,
            ),
        })
    }

    pub fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let conn: &mut Connection = &mut guard;
        if !conn.is_autocommit() {
            // A panic inside an earlier transaction left it open; start clean.
            conn.execute_batch("ROLLBACK").map_err(StoreError::from)?;
        }
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(StoreError::from)?;
        let mut c = SqliteConn(conn);
        match f(&mut c) {
            Ok(v) => {
                c.0.execute_batch("COMMIT").map_err(StoreError::from)?;
                Ok(v)
            }
            Err(e) => {
                let _ = c.0.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    pub fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut conn = self.readers.get()?;
        conn.execute_batch("BEGIN").map_err(StoreError::from)?;
        let mut c = SqliteConn(&mut conn);
        let out = f(&mut c);
        c.0.execute_batch("COMMIT").map_err(StoreError::from)?;
        out
    }

    pub fn backup(&self, out: &Path) -> Result<()> {
        let conn = self.readers.get()?;
        let target = out.to_string_lossy().to_string();
        conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }
}

struct SqliteConn<'a>(&'a mut Connection);

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
        let n = stmt.execute(rusqlite::params_from_iter(params.iter()))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let width = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut vals = Vec::with_capacity(width);
            for i in 0..width {
                vals.push(read_value(r.get_ref(i)?));
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.0.execute_batch(sql)?;
        Ok(())
    }
}
