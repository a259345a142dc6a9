use crate::error::StoreError;
use crate::{Result, pg, sqlite};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::clock::Stamp;
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

thread_local! {
    /// Set while [`Db::on_one_thread`] runs a future on a blocking thread: the reads it awaits run
    /// right there instead of each being handed to another blocking thread.
    static INLINE_READS: Cell<bool> = const { Cell::new(false) };
}

/// Which SQL engine a connection speaks, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A parameter or column value. Integers are `i64` on both engines (BIGINT columns), dates
/// and times are ISO-8601 text, money is integer fen.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Real(f64),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
/// A day is stored as its ISO text (`2026-12-08`), so text order is day order.
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Text(now_text(v))
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The one text form of a timestamp: UTC, microseconds, `Z`, so text order is time order.
pub fn now_text(t: DateTime<Utc>) -> String {
    Stamp(t).to_string()
}

impl From<Stamp> for Value {
    fn from(v: Stamp) -> Self {
        Value::Text(v.to_string())
    }
}

/// One result row, read by column index.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub(crate) Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value> {
        self.0.get(i).ok_or_else(|| StoreError::Db(format!("column {i} is missing from the row")))
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        match self.at(i)? {
            Value::Int(v) => Ok(*v),
            other => {
                Err(StoreError::Db(format!("column {i}: expected an integer, found {other:?}")))
            }
        }
    }

    /// `None` for a NULL column, else the column read by `read`.
    fn nullable<T>(&self, i: usize, read: fn(&Row, usize) -> Result<T>) -> Result<Option<T>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            _ => read(self, i).map(Some),
        }
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        self.nullable(i, Row::int)
    }

    pub fn text(&self, i: usize) -> Result<String> {
        match self.at(i)? {
            Value::Text(v) => Ok(v.clone()),
            other => Err(StoreError::Db(format!("column {i}: expected text, found {other:?}"))),
        }
    }

    /// [`Row::text`] moved out of the row (which keeps an empty text in its place): no copy.
    pub fn take_text(&mut self, i: usize) -> Result<String> {
        match self.0.get_mut(i) {
            Some(Value::Text(v)) => Ok(std::mem::take(v)),
            _ => self.text(i),
        }
    }

    /// [`Row::opt_text`] moved out of the row.
    pub fn take_opt_text(&mut self, i: usize) -> Result<Option<String>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            _ => self.take_text(i).map(Some),
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        self.nullable(i, Row::text)
    }

    /// A day, stored as ISO text (`2026-12-08`); anything else is an error.
    pub fn date(&self, i: usize) -> Result<NaiveDate> {
        match self.at(i)? {
            Value::Text(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|e| StoreError::Db(format!("column {i}: bad date {v:?}: {e}"))),
            other => Err(StoreError::Db(format!("column {i}: expected a date, found {other:?}"))),
        }
    }

    pub fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>> {
        self.nullable(i, Row::date)
    }

    /// A moment, stored as its UTC text ([`now_text`]).
    pub fn stamp(&self, i: usize) -> Result<Stamp> {
        match self.at(i)? {
            Value::Text(v) => Stamp::parse(v)
                .ok_or_else(|| StoreError::Db(format!("column {i}: bad timestamp {v:?}"))),
            other => {
                Err(StoreError::Db(format!("column {i}: expected a timestamp, found {other:?}")))
            }
        }
    }

    pub fn opt_stamp(&self, i: usize) -> Result<Option<Stamp>> {
        self.nullable(i, Row::stamp)
    }

    /// A floating-point number (an integer is taken as one).
    pub fn real(&self, i: usize) -> Result<f64> {
        match self.at(i)? {
            Value::Real(v) => Ok(*v),
            Value::Int(v) => Ok(*v as f64),
            other => Err(StoreError::Db(format!("column {i}: expected a number, found {other:?}"))),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool> {
        Ok(self.int(i)? != 0)
    }

    /// Bytes (BLOB on SQLite, BYTEA on PostgreSQL): photos.
    pub fn blob(&self, i: usize) -> Result<Vec<u8>> {
        self.bytes(i).map(<[u8]>::to_vec)
    }

    /// Bytes, borrowed from the row.
    pub fn bytes(&self, i: usize) -> Result<&[u8]> {
        match self.at(i)? {
            Value::Blob(b) => Ok(b),
            other => Err(StoreError::Db(format!(
                "column {i}: expected bytes, found a {}",
                match other {
                    Value::Null => "null",
                    Value::Text(_) => "text",
                    _ => "number",
                }
            ))),
        }
    }
}

impl Row {
    /// A place path (`/1/2/5/`), as places, residents and the records kept at a place store it.
    pub fn path(&self, i: usize) -> Result<PlacePath> {
        let text = self.text(i)?;
        PlacePath::parse(&text)
            .ok_or_else(|| StoreError::Db(format!("column {i}: malformed place path {text:?}")))
    }

    /// Column `i` read as `T` (an integer, a text, either of them optional, a flag, a number or
    /// bytes), as the type asks: what [`from_row!`](crate::from_row) reads each field with.
    pub fn get<T: Column>(&self, i: usize) -> Result<T> {
        T::read(self, i)
    }
}

/// A type a column is read as, by [`Row::get`].
pub trait Column: Sized {
    fn read(row: &Row, i: usize) -> Result<Self>;
}

/// Each type with the getter that reads it.
macro_rules! columns {
    ($($ty:ty => $getter:ident),+ $(,)?) => {
        $(impl Column for $ty {
            fn read(row: &Row, i: usize) -> Result<Self> {
                row.$getter(i)
            }
        })+
    };
}

// A `bool` is a flag, or a count read as "any" (not zero).
columns!(i64 => int, Option<i64> => opt_int, String => text, Option<String> => opt_text,
    bool => bool, f64 => real, Vec<u8> => blob, PlacePath => path, NaiveDate => date,
    Option<NaiveDate> => opt_date, Stamp => stamp, Option<Stamp> => opt_stamp);

impl Row {
    /// A code of a closed list (a status, a kind), read by `parse`. A code the list does not
    /// know is an error, not a guess: the schema's checks and the operations write known ones.
    fn code<E>(&self, i: usize, parse: fn(&str) -> Option<E>) -> Result<E> {
        match self.at(i)? {
            Value::Text(code) => parse(code)
                .ok_or_else(|| StoreError::Db(format!("column {i}: unknown code {code:?}"))),
            other => Err(StoreError::Db(format!("column {i}: expected a code, found {other:?}"))),
        }
    }
}

/// The core's lists of codes that rows hold, read from their codes and bound as them.
macro_rules! codes {
    ($($ty:ty),+ $(,)?) => {
        $(impl Column for $ty {
            fn read(row: &Row, i: usize) -> Result<Self> {
                row.code(i, <$ty>::parse)
            }
        }
        impl Column for Option<$ty> {
            fn read(row: &Row, i: usize) -> Result<Self> {
                row.nullable(i, <$ty as Column>::read)
            }
        }
        impl From<$ty> for Value {
            fn from(v: $ty) -> Self {
                Value::Text(v.as_str().to_string())
            }
        })+
    };
}

codes!(
    linli_core::roster::ResidentStatus,
    linli_core::assistance::CaseStatus,
    linli_core::assistance::ApplicationStatus,
    linli_core::assistance::ApplicationKind,
    linli_core::assistance::HelpKind,
    linli_core::fund::DisbursementStatus,
    linli_core::fund::DonorKind,
    linli_core::learning::EnrolmentStatus,
    linli_core::learning::SeekerStatus,
    linli_core::learning::SignupStatus,
    linli_core::learning::VacancyStatus,
    linli_core::partners::NeedStatus,
    linli_core::partners::AffairStatus,
    linli_core::partners::AffairStep,
    linli_core::fund::EntryKind,
    linli_core::visits::PlanStatus,
    linli_core::visits::TargetStatus,
    linli_core::corrections::CorrectionStatus,
    linli_core::claims::ClaimStatus,
    linli_core::volunteers::VolunteerCorrectionStatus,
    linli_core::learning::VenueKind,
    linli_core::learning::Category,
    linli_core::learning::TeacherKind,
    linli_core::learning::Hours,
    linli_core::learning::ReferralResult,
    linli_core::learning::ContractType,
    linli_core::partners::PartnerKind,
    linli_core::partners::ActivityKind,
    linli_core::partners::CommitteePost,
    linli_core::partners::ResourceKind,
    linli_core::partners::Rating,
    linli_core::corrections::CorrectionField,
    linli_core::fund::Purpose,
    linli_core::fund::Method,
    linli_core::visits::Occasion,
    linli_core::volunteers::GroupKind,
);

/// Reads a row's columns in order, one a call: what [`from_row!`](crate::from_row) walks.
pub struct Columns<'r> {
    row: &'r Row,
    at: usize,
}

impl<'r> Columns<'r> {
    pub fn new(row: &'r Row) -> Self {
        Columns { row, at: 0 }
    }

    /// The next column, read as `T`.
    pub fn take<T: Column>(&mut self) -> Result<T> {
        self.at += 1;
        self.row.get(self.at - 1)
    }
}

/// A connection or open transaction on either engine. Repositories take `&mut dyn Conn` and
/// write portable SQL with `?` placeholders.
pub trait Conn {
    fn dialect(&self) -> Dialect;
    /// Runs a statement, returning the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;
    /// Runs several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<()>;
}

impl dyn Conn + '_ {
    pub fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    pub fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params)?.ok_or(StoreError::NotFound)
    }

    /// Runs an `INSERT … RETURNING id` and gives the id.
    pub fn insert(&mut self, sql: &str, params: &[Value]) -> Result<i64> {
        self.query_one(sql, params)?.int(0)
    }

    /// Every row of the query, each made by `f`.
    pub fn query_map<T>(
        &mut self,
        sql: &str,
        params: &[Value],
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.query(sql, params)?.iter().map(f).collect()
    }

    pub fn count(&mut self, sql: &str, params: &[Value]) -> Result<i64> {
        self.query_one(sql, params)?.int(0)
    }

    /// `FOR UPDATE` where the engine has row locks; SQLite's `BEGIN IMMEDIATE` already holds
    /// the only write lock.
    pub fn for_update(&self) -> &'static str {
        match self.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }
}

/// How to reach the database, how many connections to keep and how long to wait for one.
#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: String,
    /// Reader connections (SQLite) or pooled connections (PostgreSQL).
    pub pool_size: usize,
    /// How long a request waits for the SQLite writer, a SQLite reader or a PostgreSQL
    /// connection before it gives up with [`StoreError::Busy`] (HTTP 503 with `Retry-After`).
    pub busy_timeout: Duration,
    /// PostgreSQL: a connection older than this is closed at checkout and replaced.
    pub max_lifetime: Duration,
    /// PostgreSQL: a connection idle longer than this is checked with `SELECT 1` before use.
    pub idle_timeout: Duration,
    /// Prepared statements kept per connection (both engines), keyed by SQL text.
    pub statement_cache_capacity: usize,
    /// PostgreSQL: a streaming replica (hot standby) of the database, for the read-only work
    /// that may see the data a little late ([`Db::read_replica_blocking`]).
    pub replica_url: Option<String>,
    /// How far the replica may lag behind the primary and still serve; past it (or while it
    /// cannot be reached) that work is read from the primary.
    pub replica_max_lag: Duration,
}

impl DbConfig {
    pub fn new(url: impl Into<String>) -> Self {
        DbConfig {
            url: url.into(),
            pool_size: std::thread::available_parallelism().map_or(4, |n| n.get() * 2),
            busy_timeout: Duration::from_secs(5),
            max_lifetime: Duration::from_secs(30 * 60),
            idle_timeout: Duration::from_secs(5 * 60),
            statement_cache_capacity: 128,
            replica_url: None,
            replica_max_lag: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
pub struct Db(Arc<Shared>);

struct Shared {
    engine: Engine,
    counters: Counters,
    replica: Option<Replica>,
}

/// A hot standby for read-only work, used while it is within its lag bound.
struct Replica {
    db: pg::PgDb,
    counters: Counters,
    max_lag: Duration,
    /// The last measurement and when it was taken (by the watching thread, every second).
    lag: std::sync::Mutex<Option<(std::time::Instant, ReplicaLag)>>,
}

/// How far a replica is behind its primary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplicaLag {
    /// It has replayed everything the primary has written (or is this many seconds behind).
    Behind(Duration),
    /// It could not be asked, or the primary could not.
    Unreachable,
}

/// How often the replica's lag is measured again.
const LAG_FRESH: Duration = Duration::from_secs(1);

/// A measurement older than this is not trusted: the replica is not used until the next.
const LAG_STALE: Duration = Duration::from_secs(3);

/// What the database layer has done since the database was opened, counted as it happens:
/// tests count a request's transactions and statements with it, and that statements stay
/// prepared across requests; benchmarks print it.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    transactions: AtomicU64,
    statements: AtomicU64,
    prepares: AtomicU64,
    reprepares: AtomicU64,
}

impl Counters {
    fn read(&self) -> DbCounts {
        DbCounts {
            transactions: self.transactions.load(Ordering::Relaxed),
            statements: self.statements.load(Ordering::Relaxed),
            prepares: self.prepares.load(Ordering::Relaxed),
            reprepares: self.reprepares.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn transaction(&self) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
    }
    /// One statement run; `prepared` when it was prepared for it (not found in the
    /// connection's cache), `reprepared` the times the engine compiled it again while it ran.
    pub(crate) fn statement(&self, prepared: bool, reprepared: u64) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        if prepared {
            self.prepares.fetch_add(1, Ordering::Relaxed);
        }
        if reprepared > 0 {
            self.reprepares.fetch_add(reprepared, Ordering::Relaxed);
        }
    }
}

/// A reading of [`Db::counts`]; subtract two with [`DbCounts::since`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DbCounts {
    /// Transactions begun (reads and writes).
    pub transactions: u64,
    /// Statements run inside them.
    pub statements: u64,
    /// Statements prepared because the connection had not prepared them before.
    pub prepares: u64,
    /// Statements the engine compiled again although they were prepared (SQLite expires a
    /// statement whose plan depended on a bound value when it is bound again).
    pub reprepares: u64,
}

impl DbCounts {
    pub fn since(self, before: DbCounts) -> DbCounts {
        DbCounts {
            transactions: self.transactions - before.transactions,
            statements: self.statements - before.statements,
            prepares: self.prepares - before.prepares,
            reprepares: self.reprepares - before.reprepares,
        }
    }
}

pub(crate) enum Engine {
    Sqlite(sqlite::SqliteDb),
    Postgres(pg::PgDb),
}

impl Db {
    /// Opens the database the URL names: `postgres://…`/`postgresql://…` for PostgreSQL,
    /// `sqlite://PATH`, `sqlite:PATH` or a plain path for SQLite. Does not migrate.
    /// Blocks (it connects): call it before entering async code or from `spawn_blocking`.
    pub fn open(config: &DbConfig) -> Result<Db> {
        let url = config.url.trim();
        let engine = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres(pg::PgDb::open(url, config)?)
        } else if let Some(path) = sqlite_path(url) {
            Engine::Sqlite(sqlite::SqliteDb::open(path, config)?)
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let replica = match (&config.replica_url, &engine) {
            (None, _) => None,
            (Some(r), Engine::Postgres(_))
                if r.starts_with("postgres://") || r.starts_with("postgresql://") =>
            {
                // Not connected now: the service starts while the standby is down, and reads
                // from it once its lag is measured within the bound.
                Some(Replica {
                    db: pg::PgDb::open_lazily(r.trim(), config)?,
                    counters: Counters::default(),
                    max_lag: config.replica_max_lag,
                    lag: std::sync::Mutex::new(None),
                })
            }
            (Some(r), _) => {
                return Err(StoreError::BadUrl(format!(
                    "{r}: a replica is a PostgreSQL hot standby of a PostgreSQL primary"
                )));
            }
        };
        let db = Db(Arc::new(Shared { engine, counters: Counters::default(), replica }));
        if db.0.replica.is_some() {
            db.watch_replica();
        }
        Ok(db)
    }

    /// Measures the replica's lag every [`LAG_FRESH`] on a thread of its own, so that no
    /// request waits for a standby that does not answer (each attempt is bounded by the
    /// connection timeout). The thread ends when the last handle of the database is dropped.
    fn watch_replica(&self) {
        let shared = Arc::downgrade(&self.0);
        let spawned =
            std::thread::Builder::new().name("linli-replica-lag".into()).spawn(move || {
                while let Some(strong) = shared.upgrade() {
                    Db(strong).replica_lag();
                    std::thread::sleep(LAG_FRESH);
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "the replica's lag cannot be watched; figures are read from the primary");
        }
    }

    /// What this database handle has done so far on the primary (all clones of it together).
    pub fn counts(&self) -> DbCounts {
        self.0.counters.read()
    }

    /// What the replica has served so far, when there is one.
    pub fn replica_counts(&self) -> Option<DbCounts> {
        self.0.replica.as_ref().map(|r| r.counters.read())
    }

    /// How far the replica is behind, measured now; `None` without a replica.
    pub fn replica_lag(&self) -> Option<ReplicaLag> {
        let replica = self.0.replica.as_ref()?;
        let lag = self.measure_lag(replica);
        if let Ok(mut last) = replica.lag.lock() {
            *last = Some((std::time::Instant::now(), lag));
        }
        Some(lag)
    }

    /// The replica's lag as last measured, without asking it (`/readyz`, the choice of the
    /// server for a read): `Unreachable` when it has not been measured within [`LAG_STALE`].
    /// `None` without a replica.
    pub fn replica_lag_seen(&self) -> Option<ReplicaLag> {
        let replica = self.0.replica.as_ref()?;
        let seen = replica
            .lag
            .lock()
            .ok()
            .and_then(|l| *l)
            .filter(|(at, _)| at.elapsed() < LAG_STALE)
            .map(|(_, lag)| lag);
        Some(seen.unwrap_or(ReplicaLag::Unreachable))
    }

    fn measure_lag(&self, replica: &Replica) -> ReplicaLag {
        let Engine::Postgres(primary) = &self.0.engine else {
            return ReplicaLag::Unreachable;
        };
        // Probes are not counted: the counts are of the app's work.
        let uncounted = Counters::default();
        let written = primary.transaction(&uncounted, pg::Mode::Read, |c| {
            c.query_one("SELECT pg_current_wal_lsn()::text", &[])?.text(0)
        });
        let replayed = replica.db.transaction(&uncounted, pg::Mode::Read, |c| {
            let r = c.query_one(
                "SELECT COALESCE(pg_last_wal_replay_lsn()::text, ''),
                        COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8",
                &[],
            )?;
            Ok::<_, StoreError>((r.text(0)?, r.real(1)?))
        });
        match (written, replayed) {
            (Ok(written), Ok((replayed, seconds))) => {
                match (parse_lsn(&written), parse_lsn(&replayed)) {
                    (Some(w), Some(r)) if r >= w => ReplicaLag::Behind(Duration::ZERO),
                    (Some(_), Some(_)) => {
                        ReplicaLag::Behind(Duration::from_secs_f64(seconds.clamp(0.0, 1e9)))
                    }
                    _ => ReplicaLag::Unreachable,
                }
            }
            _ => ReplicaLag::Unreachable,
        }
    }

    /// The replica, when there is one within its lag bound as last measured (by the watching
    /// thread, or [`Db::replica_lag`]). Never waits for the replica: before its first
    /// measurement, or when the last is older than [`LAG_STALE`] (a measurement hanging on a
    /// standby that does not answer), the primary serves.
    fn fit_replica(&self) -> Option<&Replica> {
        let replica = self.0.replica.as_ref()?;
        match self.replica_lag_seen()? {
            ReplicaLag::Behind(d) if d <= replica.max_lag => Some(replica),
            _ => None,
        }
    }

    /// Like [`Db::read_blocking`], on the replica when there is one within its lag bound, else
    /// on the primary: for read-only work that may see the data up to the bound late (the
    /// figures, the dashboard, the summaries, the street's view). A replica never takes
    /// writes, and what a user has just saved is read back from the primary.
    pub fn read_replica_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        match self.fit_replica() {
            Some(replica) => {
                replica.counters.transaction();
                replica.db.transaction(&replica.counters, pg::Mode::Read, f)
            }
            None => self.read_blocking(f),
        }
    }

    /// [`Db::read_replica_blocking`] on a blocking thread, for async callers; on this thread
    /// when it is already one ([`Db::on_one_thread`]).
    pub async fn read_replica<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if self.on_page_thread() {
            return self.read_replica_blocking(f);
        }
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_replica_blocking(f))
            .await
            .map_err(|e| E::from(StoreError::from(e)))?
    }

    pub fn dialect(&self) -> Dialect {
        match &self.0.engine {
            Engine::Sqlite(_) => Dialect::Sqlite,
            Engine::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs `f` in a write transaction on this thread: committed when `f` returns `Ok`, rolled
    /// back otherwise. On SQLite the transaction is `BEGIN IMMEDIATE` on the one writer; on
    /// PostgreSQL it is READ COMMITTED (the fund's `SELECT … FOR UPDATE` relies on that).
    /// Waits at most [`DbConfig::busy_timeout`] for the writer or a connection, then answers
    /// [`StoreError::Busy`].
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let counters = &self.0.counters;
        counters.transaction();
        match &self.0.engine {
            Engine::Sqlite(db) => db.write(counters, f),
            Engine::Postgres(db) => db.transaction(counters, pg::Mode::Write, f),
        }
    }

    /// Runs `f` on a read connection on this thread, inside a read transaction so that its
    /// queries see one snapshot: a WAL read transaction on SQLite, `REPEATABLE READ, READ ONLY`
    /// on PostgreSQL. Waits at most [`DbConfig::busy_timeout`] for a connection.
    pub fn read_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
        E: From<StoreError>,
    {
        let counters = &self.0.counters;
        counters.transaction();
        match &self.0.engine {
            Engine::Sqlite(db) => db.read(counters, f),
            Engine::Postgres(db) => db.transaction(counters, pg::Mode::Read, f),
        }
    }

    /// Runs `fut` to its end on one blocking thread, its reads ([`Db::read`],
    /// [`Db::read_small`], [`Db::read_replica`]) and writes ([`Db::write`]) on that thread. For
    /// a page made of many small reads (the home page reads a dozen panels): it costs one
    /// hand-off to a blocking thread instead of one per read, each of which is two thread
    /// switches, more than most of those reads. On SQLite only: over PostgreSQL `fut` runs
    /// where it is, each read handed off as usual (see `Db::on_page_thread`). Tasks it spawns
    /// run on the runtime as usual; `fut` must not itself wait for another blocking task (with
    /// enough such pages at once, they would hold every thread of the pool). Task-local values
    /// do not follow `fut` to the blocking thread: scope them inside it.
    ///
    /// # Errors
    /// [`StoreError::Other`] when the runtime shuts down before `fut` ends. A panic in `fut` is
    /// raised again here.
    pub async fn on_one_thread<F>(&self, fut: F) -> Result<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if !matches!(self.0.engine, Engine::Sqlite(_)) {
            return Ok(fut.await);
        }
        let handle = tokio::runtime::Handle::current();
        let run = move || {
            struct Reset(bool);
            impl Drop for Reset {
                fn drop(&mut self) {
                    INLINE_READS.set(self.0);
                }
            }
            let _reset = Reset(INLINE_READS.replace(true));
            handle.block_on(fut)
        };
        match tokio::task::spawn_blocking(run).await {
            Ok(out) => Ok(out),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(StoreError::from(e)),
        }
    }

    /// True on the thread of [`Db::on_one_thread`] over SQLite: reads and writes run right
    /// there. Not over PostgreSQL: its client drives each query with a runtime of its own, which
    /// cannot start inside the runtime that [`Db::on_one_thread`] runs its future in, so there
    /// they are handed off as usual.
    fn on_page_thread(&self) -> bool {
        matches!(self.0.engine, Engine::Sqlite(_)) && INLINE_READS.get()
    }

    /// [`Db::write_blocking`] on a blocking thread, for async callers; on this thread when it
    /// is already one ([`Db::on_one_thread`]: a page that waited there for another blocking
    /// thread could, with enough such pages at once, hold every thread of the pool).
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.off_this_thread(f, Db::write_blocking).await
    }

    /// [`Db::read_blocking`] on a blocking thread, for async callers; on this thread when it
    /// is already one ([`Db::on_one_thread`]).
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.off_this_thread(f, Db::read_blocking).await
    }

    /// `run(self, f)` on a blocking thread, or on this one when it is a page's
    /// ([`Db::on_one_thread`]).
    async fn off_this_thread<T, E, F>(&self, f: F, run: fn(&Db, F) -> Result<T, E>) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if self.on_page_thread() {
            return run(self, f);
        }
        let db = self.clone();
        tokio::task::spawn_blocking(move || run(&db, f))
            .await
            .map_err(|e| E::from(StoreError::from(e)))?
    }

    /// [`Db::read`] for a read of a few rows found by key (a session, a resident by id): on
    /// SQLite it runs on the calling thread when a reader is free, since handing it to a
    /// blocking thread costs two thread switches, more than the read itself; when every reader
    /// is in use, and on PostgreSQL (a network round trip), it goes the way of [`Db::read`].
    /// Never for a read that may scan: it would hold up the other requests of this thread.
    pub async fn read_small<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if self.on_page_thread() {
            return self.read_blocking(f);
        }
        let f = match &self.0.engine {
            Engine::Sqlite(db) => match db.try_read(&self.0.counters, f) {
                Ok(done) => return done,
                Err(f) => f,
            },
            Engine::Postgres(_) => f,
        };
        self.read(f).await
    }

    /// A consistent copy of a live database: `VACUUM INTO` on SQLite. PostgreSQL deployments
    /// back up with `pg_dump`, which the CLI runs.
    pub fn backup_sqlite(&self, out: &std::path::Path) -> Result<()> {
        match &self.0.engine {
            Engine::Sqlite(db) => db.backup(out),
            Engine::Postgres(_) => {
                Err(StoreError::Other("backup of PostgreSQL goes through pg_dump".into()))
            }
        }
    }
}

#[cfg(test)]
mod lsn_tests {
    #[test]
    fn a_wal_position_reads_as_one_ordered_number() {
        assert_eq!(super::parse_lsn("0/3000060"), Some(0x300_0060));
        assert_eq!(super::parse_lsn("16/B374D848"), Some((0x16 << 32) | 0xB374_D848));
        assert!(super::parse_lsn("1/0") > super::parse_lsn("0/FFFFFFFF"));
        assert_eq!(super::parse_lsn(""), None);
        assert_eq!(super::parse_lsn("x/1"), None);
    }
}

/// A WAL position as PostgreSQL writes it (`16/B374D848`), as one number.
fn parse_lsn(text: &str) -> Option<u64> {
    let (hi, lo) = text.split_once('/')?;
    Some((u64::from_str_radix(hi, 16).ok()? << 32) | u64::from_str_radix(lo, 16).ok()?)
}

fn sqlite_path(url: &str) -> Option<&str> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    (!path.is_empty() && !path.contains("://")).then_some(path)
}

/// Rewrites `?` placeholders as `$1, $2 …` outside string literals, for PostgreSQL.
pub(crate) fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut in_str = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                in_str = !in_str;
                out.push(c);
            }
            '?' if !in_str => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_taken_from_a_row_is_the_text_and_a_wrong_column_is_an_error() {
        let mut r = Row(vec![Value::Text("王秀英".into()), Value::Null, Value::Int(7)]);
        assert_eq!(r.take_text(0).unwrap(), "王秀英");
        assert_eq!(r.take_opt_text(1).unwrap(), None);
        assert!(r.take_text(2).is_err(), "an integer is not text");
        assert!(r.take_opt_text(3).is_err(), "no such column");
        assert_eq!(r.int(2).unwrap(), 7, "the other columns stay");
    }

    #[test]
    fn a_day_is_read_from_its_iso_text_and_anything_else_is_an_error() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let r = Row(vec![
            Value::from(day),
            Value::Null,
            Value::Text("2026/02/28".into()),
            Value::Text("2026-02-30".into()),
            Value::Int(20260228),
        ]);
        assert_eq!(Value::from(day), Value::Text("2026-02-28".into()), "stored as ISO text");
        assert_eq!(r.get::<NaiveDate>(0).unwrap(), day);
        assert_eq!(r.get::<Option<NaiveDate>>(1).unwrap(), None);
        assert!(r.get::<NaiveDate>(1).is_err(), "NULL is not a day");
        assert!(r.get::<NaiveDate>(2).is_err(), "only the stored form, not a typed one");
        assert!(r.get::<NaiveDate>(3).is_err(), "no such day");
        assert!(r.get::<Option<NaiveDate>>(4).is_err(), "a number is not a day");
    }

    #[test]
    fn placeholders_are_numbered_outside_string_literals_only() {
        assert_eq!(
            numbered_placeholders("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2"
        );
    }

    #[test]
    fn database_urls_select_the_engine() {
        assert_eq!(sqlite_path("linli.db"), Some("linli.db"));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_path("mysql://h/db"), None);
    }
}
