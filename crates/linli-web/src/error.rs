//! The one error type of the web crate. Handlers return it; `middleware::pass` turns
//! it into a JSON error (`{"error": {"code", "message", "details"}}`) for `/api` requests or an
//! HTML page in the caller's language, both carrying the request id the log also carries.

use crate::metrics::CurrentRequest;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_store::StoreError;
use schemars::JsonSchema;
use serde::Serialize;

/// The JSON of an error as `/api` answers it: `{"error": {"code", "message", "details"}}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorDetail {
    /// Stable code, also the message-catalogue key `error.<code>`.
    pub code: String,
    /// In the caller's language.
    pub message: String,
    pub details: ErrorDetails,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct ErrorDetails {
    /// The input field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Option<String>>,
    /// The request id the server log carries too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every field at fault, where a form checks several (the registry's resident).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldErrorBody>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// 403 with a reason of its own (a rule refuses this caller this step: self-approval).
    #[error("refused: {code}")]
    Refused { code: &'static str },
    #[error("not found")]
    NotFound,
    #[error("invalid input: {code}")]
    Invalid { code: &'static str, field: Option<&'static str> },
    #[error("conflict: {code}")]
    Conflict { code: &'static str, field: Option<&'static str> },
    /// 409 with the values its message states (`linli_app::Error::ConflictWith`).
    #[error("conflict: {code}")]
    ConflictWith { code: &'static str, args: Vec<(&'static str, String)> },
    #[error("wrong user name or password")]
    LoginFailed,
    #[error("too many attempts")]
    Throttled { seconds: i64, locked: bool },
    #[error("cross-site request refused")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// 503: the database had no connection free in time; the response says when to retry
    /// (`Retry-After`, seconds).
    #[error("the database is busy; retry after {retry_after} s")]
    Busy { retry_after: u64 },
    /// 503: the database cannot be reached (PostgreSQL down or restarting); `Retry-After`.
    #[error("the database cannot be reached; retry after {retry_after} s")]
    Unavailable { retry_after: u64 },
    /// The cause goes to the log; the user sees a generic message and the request id.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What `middleware::pass` needs to render an error; travels in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub field: Option<&'static str>,
    /// Extra values for the message (`{seconds}`).
    pub args: Vec<(&'static str, String)>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated | AppError::LoginFailed => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf | AppError::Refused { .. } => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } | AppError::ConflictWith { .. } => StatusCode::CONFLICT,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Busy { .. } | AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The form field an invalid or conflicting value came from, when the operation named one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            AppError::Invalid { field, .. } | AppError::Conflict { field, .. } => *field,
            _ => None,
        }
    }

    /// Stable code; also the message-catalogue key `error.<code>`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::LoginFailed => "login_failed",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::ConflictWith { code, .. }
            | AppError::Refused { code } => code,
            AppError::Throttled { .. } => "rate_limited",
            AppError::Csrf => "csrf",
            AppError::BadRequest(code) => code,
            AppError::Busy { .. } => "busy",
            AppError::Unavailable { .. } => "db_unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The values the message states, where the error carries any.
    pub fn args(&self) -> &[(&'static str, String)] {
        match self {
            AppError::ConflictWith { args, .. } => args,
            _ => &[],
        }
    }

    /// The message in `lang`, with the values the error carries.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::error_message(lang, self.code(), self.args())
    }

    pub fn invalid(code: &'static str, field: &'static str) -> Self {
        AppError::Invalid { code, field: Some(field) }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Invalid { code, field } => AppError::Invalid { code, field },
            StoreError::Conflict { code, field } => AppError::Conflict { code, field },
            StoreError::Busy { retry_after_secs } => {
                AppError::Busy { retry_after: retry_after_secs }
            }
            StoreError::Unavailable { retry_after_secs } => {
                AppError::Unavailable { retry_after: retry_after_secs }
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<linli_app::Error> for AppError {
    fn from(e: linli_app::Error) -> Self {
        use linli_app::Error as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Forbidden => AppError::Forbidden,
            E::Unauthenticated => AppError::Unauthenticated,
            E::Refused { code } => AppError::Refused { code },
            E::Invalid { code, field } => AppError::Invalid { code, field },
            E::Conflict { code, field } => AppError::Conflict { code, field },
            E::ConflictWith { code, args } => AppError::ConflictWith { code, args },
            E::Busy { retry_after_secs } => AppError::Busy { retry_after: retry_after_secs },
            E::Unavailable { retry_after_secs } => {
                AppError::Unavailable { retry_after: retry_after_secs }
            }
            E::RateLimited { retry_after_secs } => {
                AppError::Throttled { seconds: retry_after_secs, locked: false }
            }
            E::Internal(cause) => AppError::Internal(cause),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(request = %CurrentRequest, %cause, "request failed");
        }
        let args = match &self {
            AppError::Throttled { seconds, .. } => vec![
                ("seconds", seconds.to_string()),
                ("minutes", ((seconds + 59) / 60).to_string()),
            ],
            AppError::ConflictWith { args, .. } => args.clone(),
            _ => Vec::new(),
        };
        let field = match &self {
            AppError::Invalid { field, .. } | AppError::Conflict { field, .. } => *field,
            _ => None,
        };
        if let AppError::Busy { retry_after } = &self {
            tracing::warn!(
                request = %CurrentRequest,
                retry_after,
                "database busy: request refused with 503"
            );
        }
        if let AppError::Unavailable { retry_after } = &self {
            tracing::warn!(
                request = %CurrentRequest,
                retry_after,
                "database unreachable: request refused with 503"
            );
        }
        let mut res = (self.status(), self.code().to_string()).into_response();
        // `middleware::pass` keeps this header on the page or JSON it renders.
        if let AppError::Busy { retry_after } | AppError::Unavailable { retry_after } = &self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        if let AppError::Throttled { seconds, .. } = &self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from((*seconds).max(1)));
        }
        res.extensions_mut().insert(ErrorInfo { code: self.code(), field, args });
        res
    }
}
