use thiserror::Error;

/// The one error type of the store. Codes are stable and double as message-catalogue keys.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database failed or refused a statement. The text is for the log, never for users.
    #[error("database error: {0}")]
    Db(String),
    #[error("not found")]
    NotFound,
    /// A request that conflicts with what is stored (a taken user name …).
    #[error("conflict: {code}")]
    Conflict {
        code: &'static str,
        field: Option<&'static str>,
    },
    /// Input that breaks a domain rule.
    #[error("invalid: {code}")]
    Invalid {
        code: &'static str,
        field: Option<&'static str>,
    },
    #[error(
        "the database schema is version {found}, newer than this binary knows ({known}); upgrade linli before using this database"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("unsupported database URL `{0}` (use a file path, sqlite://PATH or postgres://…)")]
    BadUrl(String),
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Db(_) | StoreError::Other(_) => "internal",
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
        StoreError::Invalid {
            code,
            field: Some(field),
        }
    }

    /// True when the database reported a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(m) if m.contains("UNIQUE constraint failed") || m.contains("duplicate key value"))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        // The Display of a server error is only "db error"; the details carry the message.
        match e.as_db_error() {
            Some(db) => StoreError::Db(format!("{}: {}", db.code().code(), db.message())),
            None => StoreError::Db(e.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for StoreError {
    fn from(e: tokio::task::JoinError) -> Self {
        StoreError::Other(format!("database task failed: {e}"))
    }
}
