//! The one error type of the operations. Codes are stable and are the message-catalogue keys
//! (`error.<code>`); the web crate maps each variant to its HTTP status, the CLI to a line.

use linli_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not there, or outside the actor's scope (which must look the same).
    #[error("not found")]
    NotFound,
    /// Inside the actor's scope, but the role does not permit the action.
    #[error("forbidden")]
    Forbidden,
    /// A rule refuses this actor this step (self-approval).
    #[error("refused: {code}")]
    Refused { code: &'static str },
    #[error("invalid input: {code}")]
    Invalid { code: &'static str, field: Option<&'static str> },
    #[error("conflict: {code}")]
    Conflict { code: &'static str, field: Option<&'static str> },
    /// A conflict whose message needs the numbers behind it (the quorum's arithmetic, the day
    /// of the decision a gift came before): `args` fill the catalogue message's `{name}`s; a
    /// value `enum.<family>.<code>` is shown as that code's label in the reader's language.
    #[error("conflict: {code}")]
    ConflictWith { code: &'static str, args: Vec<(&'static str, String)> },
    /// An operation that needs a signed-in person was called without one.
    #[error("sign-in required")]
    Unauthenticated,
    /// The database is too busy to take the call now; try again after this many seconds.
    #[error("busy, retry after {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// The database cannot be reached now; try again after this many seconds.
    #[error("database unreachable, retry after {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    /// Too many of these calls from this account this minute; try again after this many seconds.
    #[error("rate limited, retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: i64 },
    /// The cause is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(code: &'static str, field: &'static str) -> Self {
        Error::Invalid { code, field: Some(field) }
    }

    pub fn conflict(code: &'static str) -> Self {
        Error::Conflict { code, field: None }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound => "not_found",
            Error::Forbidden => "forbidden",
            Error::Unauthenticated => "unauthenticated",
            Error::Refused { code }
            | Error::Invalid { code, .. }
            | Error::Conflict { code, .. }
            | Error::ConflictWith { code, .. } => code,
            Error::Busy { .. } => "busy",
            Error::Unavailable { .. } => "db_unavailable",
            Error::RateLimited { .. } => "rate_limited",
            Error::Internal(_) => "internal",
        }
    }

    /// Turns "not found" into a field error: an id typed into a form that names nothing the
    /// actor may use (a resident of another community looks exactly like a missing one).
    pub fn or_invalid(self, code: &'static str, field: &'static str) -> Self {
        match self {
            Error::NotFound => Error::invalid(code, field),
            e => e,
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Invalid { code, field } => Error::Invalid { code, field },
            StoreError::Conflict { code, field } => Error::Conflict { code, field },
            StoreError::Busy { retry_after_secs } => Error::Busy { retry_after_secs },
            StoreError::Unavailable { retry_after_secs } => Error::Unavailable { retry_after_secs },
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::Internal(format!("blocking task failed: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
