use thiserror::Error;

/// The one error type of the store. Codes are stable and double as message-catalogue keys.
#[derive(Debug, Error)]
pub enum StoreError {
    /// An internal store failure described by the store itself (a malformed stored value …).
    /// The text is for the log, never for users. Failures reported by a database driver are
    /// [`StoreError::Driver`].
    #[error("database error: {0}")]
    Db(String),
    /// The database failed or refused a statement, with the engine's own error code.
    #[error("database error: {0}")]
    Driver(DbFailure),
    /// No connection (the SQLite writer, a pooled connection) became free within the
    /// configured wait ([`crate::DbConfig::busy_timeout`]). Worth retrying later.
    #[error("the database is busy (no connection free); retry after {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// The database server cannot be reached (refused or lost connection, shutting down or
    /// starting up, out of connections). Worth retrying later; nothing was written.
    #[error("the database cannot be reached; retry after {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    #[error("not found")]
    NotFound,
    /// A request that conflicts with what is stored (a taken user name …).
    #[error("conflict: {code}")]
    Conflict { code: &'static str, field: Option<&'static str> },
    /// Input that breaks a domain rule.
    #[error("invalid: {code}")]
    Invalid { code: &'static str, field: Option<&'static str> },
    #[error(
        "the database schema is version {found}, newer than this binary knows ({known}); upgrade linli before using this database"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("unsupported database URL `{0}` (use a file path, sqlite://PATH or postgres://…)")]
    BadUrl(String),
    #[error("{0}")]
    Other(String),
}

/// The engine's code for a failed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbCode {
    /// PostgreSQL's SQLSTATE (`23505` unique violation, `40001` serialization failure …).
    Sqlstate(String),
    /// SQLite's extended result code (`SQLITE_CONSTRAINT_UNIQUE` = 2067 …); its low byte is the
    /// primary code.
    Sqlite(i32),
    /// The driver failed without a server/engine code (a lost connection, a type conversion).
    None,
}

/// What kind of failure a [`DbCode`] names, on either engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    UniqueViolation,
    ForeignKeyViolation,
    /// PostgreSQL `40001`: the transaction may succeed when run again.
    SerializationFailure,
    /// PostgreSQL `40P01`.
    Deadlock,
    /// SQLite `SQLITE_BUSY`/`SQLITE_LOCKED`: another connection held the lock too long.
    Locked,
    Other,
}

// SQLite result codes (see sqlite3.h); the extended codes are primary | (n << 8).
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_CONSTRAINT_FOREIGNKEY: i32 = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY: i32 = 1555;
const SQLITE_CONSTRAINT_UNIQUE: i32 = 2067;

/// A failure reported by a database driver, kept typed: the engine's code, the constraint it
/// names where the driver says, and the driver's message (for the log only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbFailure {
    pub code: DbCode,
    /// PostgreSQL: the constraint name (`residents_community_id_id_number_key`). SQLite: the
    /// columns of a violated UNIQUE/PRIMARY KEY constraint as it reports them
    /// (`residents.community_id, residents.id_number`).
    pub constraint: Option<String>,
    /// SQLite: the `table.column` entries of a violated UNIQUE/PRIMARY KEY constraint.
    pub columns: Vec<String>,
    pub message: String,
}

impl DbFailure {
    pub fn kind(&self) -> FailureKind {
        match &self.code {
            DbCode::Sqlstate(s) => match s.as_str() {
                "23505" => FailureKind::UniqueViolation,
                "23503" => FailureKind::ForeignKeyViolation,
                "40001" => FailureKind::SerializationFailure,
                "40P01" => FailureKind::Deadlock,
                _ => FailureKind::Other,
            },
            DbCode::Sqlite(c) => match *c {
                SQLITE_CONSTRAINT_UNIQUE | SQLITE_CONSTRAINT_PRIMARYKEY => {
                    FailureKind::UniqueViolation
                }
                SQLITE_CONSTRAINT_FOREIGNKEY => FailureKind::ForeignKeyViolation,
                c if c & 0xff == SQLITE_BUSY || c & 0xff == SQLITE_LOCKED => FailureKind::Locked,
                _ => FailureKind::Other,
            },
            DbCode::None => FailureKind::Other,
        }
    }

    /// The SQLSTATE, when PostgreSQL reported the failure.
    pub fn sqlstate(&self) -> Option<&str> {
        match &self.code {
            DbCode::Sqlstate(s) => Some(s),
            _ => None,
        }
    }

    fn plain(message: String) -> Self {
        DbFailure { code: DbCode::None, constraint: None, columns: Vec::new(), message }
    }
}

impl std::fmt::Display for DbFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.code {
            DbCode::Sqlstate(s) => write!(f, "{s}: {}", self.message),
            DbCode::Sqlite(c) => write!(f, "{} (sqlite {c})", self.message),
            DbCode::None => f.write_str(&self.message),
        }
    }
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Db(_) | StoreError::Driver(_) | StoreError::Other(_) => "internal",
            StoreError::Busy { .. } => "busy",
            StoreError::Unavailable { .. } => "db_unavailable",
            StoreError::NotFound => "not_found",
            StoreError::Conflict { code, .. } | StoreError::Invalid { code, .. } => code,
            StoreError::NewerSchema { .. } => "schema_newer",
            StoreError::BadUrl(_) => "bad_database_url",
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            StoreError::Conflict { field, .. } | StoreError::Invalid { field, .. } => *field,
            _ => None,
        }
    }

    pub fn invalid(code: &'static str, field: &'static str) -> Self {
        StoreError::Invalid { code, field: Some(field) }
    }

    /// A guarded change (an `UPDATE … WHERE status = …`) that changed `rows` rows: done when it
    /// changed one, the conflict `code` when the guard matched nothing (decided already, a
    /// step out of order).
    pub fn changed(rows: u64, code: &'static str) -> Result<(), StoreError> {
        if rows == 0 { Err(StoreError::Conflict { code, field: None }) } else { Ok(()) }
    }

    /// The driver's failure, when the database reported one.
    pub fn db_failure(&self) -> Option<&DbFailure> {
        match self {
            StoreError::Driver(f) => Some(f),
            _ => None,
        }
    }

    /// True when the database reported a unique-constraint violation (by its code: SQLSTATE
    /// 23505, SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY).
    pub fn is_unique_violation(&self) -> bool {
        self.db_failure().is_some_and(|f| f.kind() == FailureKind::UniqueViolation)
    }

    /// The violated unique constraint: its name on PostgreSQL, its columns
    /// (`table.col, table.col`) on SQLite.
    pub fn unique_constraint(&self) -> Option<&str> {
        self.db_failure()
            .filter(|f| f.kind() == FailureKind::UniqueViolation)
            .and_then(|f| f.constraint.as_deref())
    }
}

/// The columns SQLite names in "UNIQUE constraint failed: t.a, t.b" (also PRIMARY KEY).
fn sqlite_constraint_columns(message: &str) -> Option<&str> {
    message
        .split_once("constraint failed: ")
        .map(|(_, cols)| cols.trim())
        .filter(|cols| !cols.is_empty())
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        let message = e.to_string();
        let code = match &e {
            rusqlite::Error::SqliteFailure(f, _) => f.extended_code,
            _ => return StoreError::Driver(DbFailure::plain(message)),
        };
        let mut failure = DbFailure {
            code: DbCode::Sqlite(code),
            constraint: None,
            columns: Vec::new(),
            message,
        };
        if failure.kind() == FailureKind::UniqueViolation
            && let Some(cols) = sqlite_constraint_columns(&failure.message)
        {
            failure.columns = cols.split(',').map(|c| c.trim().to_string()).collect();
            failure.constraint = Some(cols.to_string());
        }
        StoreError::Driver(failure)
    }
}

/// How long a client is asked to wait when the database cannot be reached.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

/// PostgreSQL codes that mean the server, not the statement, is the trouble: class 08
/// (connection exceptions), 53300 too many connections, 57P01-57P03 shutting down or starting.
pub fn sqlstate_means_unreachable(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        let lost_connection = e.is_closed()
            || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        if lost_connection || e.code().is_some_and(|c| sqlstate_means_unreachable(c.code())) {
            return StoreError::Unavailable { retry_after_secs: UNAVAILABLE_RETRY_SECS };
        }
        // The Display of a server error is only "db error"; the details carry the message.
        match e.as_db_error() {
            Some(db) => StoreError::Driver(DbFailure {
                code: DbCode::Sqlstate(db.code().code().to_string()),
                constraint: db.constraint().map(str::to_string),
                columns: db.column().map(|c| vec![c.to_string()]).unwrap_or_default(),
                message: db.message().to_string(),
            }),
            None => StoreError::Driver(DbFailure::plain(e.to_string())),
        }
    }
}

impl From<tokio::task::JoinError> for StoreError {
    fn from(e: tokio::task::JoinError) -> Self {
        StoreError::Other(format!("database task failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_going_away_is_unavailable_and_a_bad_statement_is_not() {
        for code in ["08006", "08001", "57P01", "57P03", "53300"] {
            assert!(sqlstate_means_unreachable(code), "{code}");
        }
        for code in ["23505", "40001", "42P01", "22P02"] {
            assert!(!sqlstate_means_unreachable(code), "{code}");
        }
    }

    #[test]
    fn sqlite_codes_classify_failures() {
        let f = |code| DbFailure {
            code: DbCode::Sqlite(code),
            constraint: None,
            columns: Vec::new(),
            message: String::new(),
        };
        assert_eq!(f(2067).kind(), FailureKind::UniqueViolation);
        assert_eq!(f(1555).kind(), FailureKind::UniqueViolation);
        assert_eq!(f(787).kind(), FailureKind::ForeignKeyViolation);
        assert_eq!(f(5).kind(), FailureKind::Locked);
        assert_eq!(f(19).kind(), FailureKind::Other);
    }

    #[test]
    fn a_message_that_merely_mentions_unique_is_not_a_unique_violation() {
        let e = StoreError::Db("UNIQUE constraint failed: t.a (made up)".into());
        assert!(!e.is_unique_violation());
        assert_eq!(e.unique_constraint(), None);
    }

    #[test]
    fn sqlite_unique_violations_are_typed_with_their_columns() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER, b TEXT, UNIQUE (a, b));
             CREATE TABLE p (id INTEGER PRIMARY KEY);
             CREATE TABLE c (p_id INTEGER REFERENCES p(id));
             PRAGMA foreign_keys = ON;
             INSERT INTO t VALUES (1, 'x');",
        )
        .unwrap();
        let e = StoreError::from(conn.execute("INSERT INTO t VALUES (1, 'x')", []).unwrap_err());
        assert!(e.is_unique_violation(), "{e:?}");
        assert_eq!(e.unique_constraint(), Some("t.a, t.b"));
        assert_eq!(e.db_failure().unwrap().columns, vec!["t.a".to_string(), "t.b".to_string()]);
        assert_eq!(e.code(), "internal");

        let fk = StoreError::from(conn.execute("INSERT INTO c VALUES (42)", []).unwrap_err());
        assert!(!fk.is_unique_violation());
        assert_eq!(fk.db_failure().unwrap().kind(), FailureKind::ForeignKeyViolation);
        assert_eq!(fk.unique_constraint(), None);
    }
}
