//! The scale-out engine: a pool of `postgres` clients. Several `linli serve` instances share
//! one server; everything they must agree on (sessions, chain heads) lives in it.

use crate::Result;
use crate::db::{Conn, Counters, DbConfig, Dialect, Row, Value, numbered_placeholders};
use crate::error::StoreError;
use crate::pool::{Limits, Manage, Pool};
use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which transaction a closure runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// One snapshot for every query of the closure, and no writes.
    Read,
    /// READ COMMITTED: the fund's `SELECT … FOR UPDATE` on its chain head relies on each
    /// writer reading what the one before it committed.
    Write,
}

impl Mode {
    fn begin(self) -> &'static str {
        match self {
            Mode::Read => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
            Mode::Write => "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE",
        }
    }
}

pub(crate) struct PgDb {
    pool: Pool<Clients>,
    /// Bumped when a transaction that ran DDL (migrations) commits: every connection drops
    /// its cached statements before its next use.
    schema_generation: Arc<AtomicU64>,
}

struct Clients {
    config: postgres::Config,
    statements: usize,
    schema_generation: Arc<AtomicU64>,
}

/// A pooled connection: the client, its prepared statements, and whether a transaction was
/// left open on it (then it is discarded, not reused).
pub(crate) struct PgClient {
    client: Client,
    statements: StatementCache<Statement>,
    in_transaction: bool,
}

impl Manage for Clients {
    type Conn = PgClient;
    fn connect(&self) -> Result<PgClient> {
        let mut client = self.config.connect(NoTls)?;
        // Times are written as UTC text by the app; keep the server from converting anything.
        client.batch_execute("SET TIME ZONE 'UTC'")?;
        Ok(PgClient {
            client,
            statements: StatementCache::new(
                self.statements,
                self.schema_generation.load(Ordering::Acquire),
            ),
            in_transaction: false,
        })
    }
    fn is_broken(&self, conn: &mut PgClient) -> bool {
        conn.client.is_closed() || conn.in_transaction
    }
    fn validate(&self, conn: &mut PgClient) -> bool {
        conn.client.batch_execute("SELECT 1").is_ok()
    }
}

/// How long a connection attempt may take when the URL does not say (`connect_timeout`): a
/// server that does not answer (a host down, packets dropped) would otherwise hold the caller
/// for the system's TCP timeout, minutes.
pub(crate) const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl PgDb {
    /// Opens the pool and checks that the server answers: the primary is needed from the
    /// start.
    pub fn open(url: &str, config: &DbConfig) -> Result<Self> {
        let db = PgDb::open_lazily(url, config)?;
        // Fail at start-up, not at the first request, when the server is unreachable.
        drop(db.pool.get()?);
        Ok(db)
    }

    /// Opens the pool without connecting (a replica: the service starts while it is down,
    /// and uses it once it answers).
    pub fn open_lazily(url: &str, config: &DbConfig) -> Result<Self> {
        let mut client_config: postgres::Config = url.parse()?;
        if client_config.get_connect_timeout().is_none() {
            client_config.connect_timeout(CONNECT_TIMEOUT);
        }
        let schema_generation = Arc::new(AtomicU64::new(0));
        Ok(PgDb {
            pool: Pool::new(
                Clients {
                    config: client_config,
                    statements: config.statement_cache_capacity,
                    schema_generation: schema_generation.clone(),
                },
                Limits {
                    max: config.pool_size,
                    wait: config.busy_timeout,
                    max_lifetime: Some(config.max_lifetime),
                    validate_after_idle: Some(config.idle_timeout),
                },
            ),
            schema_generation,
        })
    }

    pub fn transaction<T, E, F>(&self, counters: &Counters, mode: Mode, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut pooled = self.pool.get()?;
        let PgClient { client, statements, in_transaction } = &mut *pooled;
        statements.sync(self.schema_generation.load(Ordering::Acquire));
        let begin = mode.begin();
        // Until COMMIT or ROLLBACK succeeds the connection's state is unknown: if anything
        // fails (or `f` panics) on the way, the pool drops it instead of reusing it.
        *in_transaction = true;
        client.batch_execute(begin).map_err(StoreError::from)?;
        let mut c = PgConn { client, statements, begin, ran: 0, ddl: false, counters };
        match f(&mut c) {
            Ok(v) => {
                let ddl = c.ddl;
                c.client.batch_execute("COMMIT").map_err(StoreError::from)?;
                *in_transaction = false;
                if ddl {
                    let generation = self.schema_generation.fetch_add(1, Ordering::AcqRel) + 1;
                    c.statements.sync(generation);
                }
                Ok(v)
            }
            Err(e) => {
                if c.client.batch_execute("ROLLBACK").is_ok() {
                    *in_transaction = false;
                }
                Err(e)
            }
        }
    }
}

// Each `postgres::Client` owns a small tokio runtime, and dropping a runtime inside async code
// panics. The last `Db` handle may well be dropped there (a server shutting down, a test
// ending), so idle clients are closed on a plain thread.
impl Drop for PgDb {
    fn drop(&mut self) {
        let idle = self.pool.drain();
        if !idle.is_empty() {
            let _ =
                std::thread::Builder::new().name("linli-pg-close".into()).spawn(move || drop(idle));
        }
    }
}

/// Prepared statements of one connection keyed by their SQL text (after placeholder
/// rewriting), at most `capacity`, the least recently used dropped first. Generic over the
/// statement so that the policy is tested without a server.
pub(crate) struct StatementCache<S> {
    capacity: usize,
    generation: u64,
    tick: u64,
    entries: HashMap<String, (S, u64)>,
}

impl<S: Clone> StatementCache<S> {
    pub fn new(capacity: usize, generation: u64) -> Self {
        StatementCache {
            capacity,
            generation,
            tick: 0,
            entries: HashMap::with_capacity(capacity.min(256)),
        }
    }

    pub fn get(&mut self, sql: &str) -> Option<S> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(sql).map(|(s, used)| {
            *used = tick;
            s.clone()
        })
    }

    pub fn insert(&mut self, sql: String, statement: S) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&sql) {
            let oldest =
                self.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.entries.remove(&k);
            }
        }
        self.tick += 1;
        self.entries.insert(sql, (statement, self.tick));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Drops every statement when the schema changed since they were prepared.
    pub fn sync(&mut self, generation: u64) {
        if self.generation != generation {
            self.clear();
            self.generation = generation;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// "cached plan must not change result type": a cached statement outlived a schema change.
fn is_stale_plan(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::FEATURE_NOT_SUPPORTED)
}

struct PgConn<'a> {
    client: &'a mut Client,
    statements: &'a mut StatementCache<Statement>,
    begin: &'static str,
    /// Statements run so far in this transaction.
    ran: usize,
    /// Whether `batch` ran (DDL: migrations).
    ddl: bool,
    counters: &'a Counters,
}

impl PgConn<'_> {
    /// Runs `op` with the prepared statement for `sql`, from the cache when it is there (one
    /// round trip instead of two). A cached statement the server refuses as stale is dropped
    /// with every other cached statement of this connection (the schema changed) and the
    /// statement prepared again once. The server has aborted the transaction by then, so this
    /// is only transparent when it was the transaction's first statement: the transaction is
    /// begun again. Later in a transaction the error is returned (the next request succeeds).
    fn run<R>(
        &mut self,
        sql: &str,
        op: impl Fn(&mut Client, &Statement) -> std::result::Result<R, postgres::Error>,
    ) -> Result<R> {
        let key = numbered_placeholders(sql);
        let first = self.ran == 0;
        self.ran += 1;
        if let Some(stmt) = self.statements.get(&key) {
            match op(self.client, &stmt) {
                Ok(r) => {
                    self.counters.statement(false, 0);
                    return Ok(r);
                }
                Err(e) if is_stale_plan(&e) => {
                    tracing::warn!(sql = %key, "cached statement is stale after a schema change; preparing it again");
                    self.statements.clear();
                    if !first {
                        return Err(e.into());
                    }
                    self.client.batch_execute("ROLLBACK")?;
                    self.client.batch_execute(self.begin)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let stmt = self.client.prepare(&key)?;
        self.statements.insert(key, stmt.clone());
        self.counters.statement(true, 0);
        Ok(op(self.client, &stmt)?)
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => v.to_string().to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(v) => v.as_str().to_sql(ty, out),
            Value::Real(v) => v.to_sql(ty, out),
            Value::Blob(v) => v.as_slice().to_sql(ty, out),
        }
    }

    // Conversion is decided per value in `to_sql`, which refuses what it cannot represent.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn read_row(row: &postgres::Row) -> Result<Row> {
    let mut vals = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match *col.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(|v| Value::Int(v.into())),
            Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(|v| Value::Int(v.into())),
            Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(|v| Value::Int(v.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => row.try_get::<_, Option<f32>>(i)?.map(|v| Value::Real(v.into())),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                row.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            ref other => {
                return Err(StoreError::Db(format!(
                    "column {} has type {other}, which the store does not read (cast it to BIGINT or TEXT)",
                    col.name()
                )));
            }
        };
        vals.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(vals))
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Conn for PgConn<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let params = refs(params);
        self.run(sql, |client, stmt| client.execute(stmt, &params))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let params = refs(params);
        self.run(sql, |client, stmt| client.query(stmt, &params))?.iter().map(read_row).collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.ran += 1;
        self.client.batch_execute(sql)?;
        // Statements prepared before a schema change may describe the old one.
        self.ddl = true;
        self.statements.clear();
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::StatementCache;
    use crate::{Db, DbConfig, StoreError, params};
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn the_statement_cache_is_bounded_and_drops_the_least_recently_used() {
        let mut cache = StatementCache::new(2, 0);
        cache.insert("a".into(), 1);
        cache.insert("b".into(), 2);
        assert_eq!(cache.get("a"), Some(1));
        cache.insert("c".into(), 3);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get("b"), None, "b was the least recently used");
        assert_eq!(cache.get("a"), Some(1));
        assert_eq!(cache.get("c"), Some(3));
        // A schema change empties it; the same generation again does not.
        cache.sync(1);
        assert_eq!(cache.len(), 0);
        cache.insert("a".into(), 4);
        cache.sync(1);
        assert_eq!(cache.get("a"), Some(4));
        // Capacity zero caches nothing.
        let mut none = StatementCache::new(0, 0);
        none.insert("a".into(), 1);
        assert_eq!(none.get("a"), None);
    }

    /// A PostgreSQL database of its own for one test, or `None` (after saying why) to skip.
    /// Same rules as the HTTP suite: LINLI_TEST_PG_URL names a server where tests may create
    /// databases; LINLI_REQUIRE_PG=1 makes its absence a failure.
    pub(crate) fn fresh_database(tag: &str) -> Option<String> {
        let admin = match std::env::var("LINLI_TEST_PG_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                if std::env::var("LINLI_REQUIRE_PG").as_deref() == Ok("1") {
                    panic!(
                        "LINLI_REQUIRE_PG=1 but LINLI_TEST_PG_URL is not set: the PostgreSQL tests cannot run"
                    );
                }
                eprintln!(
                    "skipping a PostgreSQL test: LINLI_TEST_PG_URL is not set (it names a server where tests may create databases)"
                );
                return None;
            }
        };
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let name = format!("linli_store_{tag}_{}_{nanos}", std::process::id());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at LINLI_TEST_PG_URL: {e}"));
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, query) =
            admin.split_once('?').map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
        let cut = base.rfind('/').filter(|i| *i > "postgres://".len()).unwrap_or(base.len());
        let mut url = format!("{}/{name}", &base[..cut]);
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        Some(url)
    }

    fn open(url: &str, size: usize) -> Db {
        let mut config = DbConfig::new(url);
        config.pool_size = size;
        config.busy_timeout = Duration::from_millis(50);
        let db = Db::open(&config).unwrap();
        db.write_blocking(|c| {
            c.batch("CREATE TABLE t (id BIGSERIAL PRIMARY KEY, a BIGINT NOT NULL, CONSTRAINT t_a_key UNIQUE (a))")
        })
        .unwrap();
        db
    }

    fn count(c: &mut dyn crate::Conn) -> Result<i64, StoreError> {
        c.count("SELECT COUNT(*) FROM t", params![])
    }

    /// A page run "on one thread" over PostgreSQL reads as any other: its client drives each
    /// query with a runtime of its own, which must not start inside the page's (it panicked,
    /// and the panic in a destructor aborted the process, before reads were handed off there).
    #[test]
    fn a_page_on_one_thread_reads_on_postgresql_too() {
        let Some(url) = fresh_database("one_thread") else {
            return;
        };
        let db = open(&url, 2);
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
        let page = {
            let db = db.clone();
            async move {
                let a = db.read(count).await?;
                let b = db.read_small(count).await?;
                Ok::<_, StoreError>(a + b)
            }
        };
        assert_eq!(rt.block_on(db.on_one_thread(page)).unwrap().unwrap(), 0);
    }

    #[test]
    fn a_read_sees_one_snapshot_and_a_write_reads_committed() {
        let Some(url) = fresh_database("snapshot") else {
            return;
        };
        let db = open(&url, 3);
        let insert = |db: &Db, a: i64| {
            db.write_blocking(|c| c.execute("INSERT INTO t (a) VALUES (?)", params![a])).unwrap();
        };
        insert(&db, 1);
        // A read: a write commits between its two queries, on another connection.
        let (before, after) = db
            .read_blocking(|c| {
                let before = count(c)?;
                std::thread::scope(|s| s.spawn(|| insert(&db, 2)).join().unwrap());
                Ok::<_, StoreError>((before, count(c)?))
            })
            .unwrap();
        assert_eq!((before, after), (1, 1), "a read transaction is one snapshot");
        assert_eq!(db.read_blocking(count).unwrap(), 2);
        // A write transaction is READ COMMITTED: it sees what committed meanwhile.
        let (before, after) = db
            .write_blocking(|c| {
                let before = count(c)?;
                std::thread::scope(|s| s.spawn(|| insert(&db, 3)).join().unwrap());
                Ok::<_, StoreError>((before, count(c)?))
            })
            .unwrap();
        assert_eq!((before, after), (2, 3));
        // Reads are read-only.
        let e =
            db.read_blocking(|c| c.execute("INSERT INTO t (a) VALUES (9)", params![])).unwrap_err();
        assert_eq!(e.db_failure().and_then(|f| f.sqlstate()), Some("25006"));
    }

    #[test]
    fn a_unique_violation_is_typed_with_the_constraint_name() {
        let Some(url) = fresh_database("unique") else {
            return;
        };
        let db = open(&url, 1);
        let insert =
            |db: &Db| db.write_blocking(|c| c.execute("INSERT INTO t (a) VALUES (5)", params![]));
        insert(&db).unwrap();
        let e = insert(&db).unwrap_err();
        assert!(e.is_unique_violation(), "{e:?}");
        assert_eq!(e.unique_constraint(), Some("t_a_key"));
        assert_eq!(e.db_failure().and_then(|f| f.sqlstate()), Some("23505"));
        // The failed transaction was rolled back on a connection that stays usable.
        assert_eq!(db.read_blocking(count).unwrap(), 1);
    }

    #[test]
    fn a_full_pool_gives_busy_after_the_timeout() {
        let Some(url) = fresh_database("busy") else {
            return;
        };
        let db = open(&url, 1);
        let (held_tx, held_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let db = &db;
        let second = std::thread::scope(|s| {
            s.spawn(move || {
                db.read_blocking(|_| {
                    held_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok::<_, StoreError>(())
                })
                .unwrap()
            });
            held_rx.recv().unwrap();
            let second = db.write_blocking(count);
            release_tx.send(()).unwrap();
            second
        });
        assert!(matches!(second, Err(StoreError::Busy { retry_after_secs: 1 })), "{second:?}");
        assert_eq!(db.write_blocking(count).unwrap(), 0);
    }

    #[test]
    fn a_cached_statement_made_stale_by_a_schema_change_is_prepared_again() {
        let Some(url) = fresh_database("stale") else {
            return;
        };
        // One connection, so the second read reuses the first one's cached statement.
        let db = open(&url, 1);
        let select = |db: &Db| {
            db.read_blocking(|c| c.query("SELECT * FROM t", params![])).map(|rows| rows.len())
        };
        db.write_blocking(|c| c.execute("INSERT INTO t (a) VALUES (1)", params![])).unwrap();
        assert_eq!(select(&db).unwrap(), 1);
        // Another process changes the result type of `SELECT *` under the cached statement.
        let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        other.batch_execute("ALTER TABLE t ADD COLUMN b TEXT").unwrap();
        let width = db.read_blocking(|c| c.query("SELECT * FROM t", params![])).unwrap()[0].0.len();
        assert_eq!(width, 3);
        // A schema change made through this `Db` (migrations) empties every cache.
        db.write_blocking(|c| c.batch("ALTER TABLE t ADD COLUMN c TEXT")).unwrap();
        let width = db.read_blocking(|c| c.query("SELECT * FROM t", params![])).unwrap()[0].0.len();
        assert_eq!(width, 4);
    }

    #[test]
    fn a_connection_killed_while_idle_is_replaced() {
        let Some(url) = fresh_database("killed") else {
            return;
        };
        let mut config = DbConfig::new(url.as_str());
        config.pool_size = 1;
        // Validate every connection taken from the pool.
        config.idle_timeout = Duration::ZERO;
        let db = Db::open(&config).unwrap();
        let pid = |db: &Db| {
            db.read_blocking(|c| c.count("SELECT pg_backend_pid()::BIGINT", params![])).unwrap()
        };
        let first = pid(&db);
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin.execute("SELECT pg_terminate_backend($1::INT)", &[&(first as i32)]).unwrap();
        // Wait until the backend is gone (not a timing assertion: the server says when).
        while admin
            .query("SELECT 1 FROM pg_stat_activity WHERE pid = $1::INT", &[&(first as i32)])
            .unwrap()
            .len()
            == 1
        {
            std::thread::yield_now();
        }
        let second = pid(&db);
        assert_ne!(first, second);
    }

    #[test]
    fn old_connections_are_retired() {
        let Some(url) = fresh_database("retired") else {
            return;
        };
        let mut config = DbConfig::new(url.as_str());
        config.pool_size = 1;
        config.max_lifetime = Duration::ZERO;
        let db = Db::open(&config).unwrap();
        let pid = |db: &Db| {
            db.read_blocking(|c| c.count("SELECT pg_backend_pid()::BIGINT", params![])).unwrap()
        };
        assert_ne!(pid(&db), pid(&db));
    }
}
