//! Cross-cutting layers: what every request passes through ([`pass`]: rate limit, session,
//! CSRF, error rendering, security headers) and the route policy check.

use crate::AppState;
use crate::auth::{self, Caller};
use crate::error::{AppError, ErrorInfo};
use crate::i18n::Prefs;
use crate::metrics::RequestId;
use crate::routes::Policy;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use linli_core::Decision;

/// Applies a route's [`Policy`]: refuses anonymous callers of signed routes, and callers whose
/// grants permit the route's action nowhere. Every refusal of a signed-in caller is audited.
async fn enforce_policy(
    state: &AppState,
    policy: Policy,
    req: Request,
) -> Result<Request, Response> {
    let Policy::Signed(action) = policy else {
        return Ok(req);
    };
    let Some(caller) = req.extensions().get::<Caller>() else {
        return Err(AppError::Unauthenticated.into_response());
    };
    match caller.decide(action, None) {
        Decision::Allow => Ok(req),
        refused @ (Decision::Forbidden | Decision::NotFound) => {
            let rid = req.extensions().get::<RequestId>();
            auth::audit_denial(state, caller, action, req.uri().path(), None, rid).await;
            // "Not found" only where no grant covers anything of the kind: a resident's, for
            // whom even the existence of her neighbours' records is not hers to learn.
            Err(if refused == Decision::NotFound {
                AppError::NotFound.into_response()
            } else {
                AppError::Forbidden.into_response()
            })
        }
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

fn wants_json(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
}

/// Everything a request passes through inside its log span, as one layer (one layer costs a
/// boxed service and future per request; seven cost seven): the rate limit, the caller's
/// session, the CSRF check, the route's policy, then the route; on the way out, errors
/// rendered and the security headers.
pub async fn pass(state: &AppState, policy: Option<Policy>, req: Request, next: Next) -> Response {
    let errors = ErrorContext::of(&req);
    let res = match admit(state, policy, req).await {
        Ok(req) => next.run(req).await,
        Err(refusal) => refusal,
    };
    let mut res = errors.render(res);
    add_security_headers(&mut res);
    res
}

/// The checks before the route: each may answer in its place.
async fn admit(
    state: &AppState,
    policy: Option<Policy>,
    req: Request,
) -> Result<Request, Response> {
    crate::ratelimit::admit(state, &req).map_err(IntoResponse::into_response)?;
    let req = auth::admit(state, req).await?;
    let req = crate::csrf::admit(req).await?;
    match policy {
        Some(policy) => enforce_policy(state, policy, req).await,
        None => Ok(req),
    }
}

/// What rendering an error needs to know of its request, taken before the request goes on.
struct ErrorContext {
    json: bool,
    prefs: Prefs,
    /// Shares the request's bytes: read only when there is an error to render.
    uri: axum::http::Uri,
    rid: String,
}

impl ErrorContext {
    fn of(req: &Request) -> Self {
        ErrorContext {
            json: wants_json(req),
            prefs: Prefs::from_headers(req.headers()),
            uri: req.uri().clone(),
            rid: req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
        }
    }

    /// Renders an [`AppError`] response: JSON for the API, a page in the user's language for
    /// browsers (or, for a page that needs sign-in, a redirect to the login page). Other
    /// responses pass unchanged.
    fn render(self, res: Response) -> Response {
        let ErrorContext { json, prefs, uri, rid } = self;
        render_error(json, prefs, &uri, rid, res)
    }
}

fn render_error(
    json: bool,
    prefs: Prefs,
    uri: &axum::http::Uri,
    rid: String,
    res: Response,
) -> Response {
    let info = match res.extensions().get::<ErrorInfo>().cloned() {
        Some(info) => info,
        None => match framework_rejection(&res) {
            Some(info) => info,
            None => return res,
        },
    };
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    let status = res.status();
    // `Retry-After` (503 busy) survives the re-rendering.
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    // The public pages answer in public words and lead back to the portal, not to the staff
    // sign-in.
    let public = is_public_page(target);
    let code = match info.code {
        "not_found" if public => "public_not_found",
        c => c,
    };
    let message = crate::i18n::error_message(prefs.lang, code, &info.args);
    if json {
        let body = crate::error::ErrorBody {
            error: crate::error::ErrorDetail {
                code: info.code.to_string(),
                message,
                details: crate::error::ErrorDetails {
                    field: Some(info.field.map(str::to_string)),
                    request_id: Some(rid),
                    fields: None,
                },
            },
        };
        let mut out = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            out.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"linli\""),
            );
        }
        if let Some(v) = retry_after {
            out.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return out;
    }
    if status == StatusCode::UNAUTHORIZED {
        let next =
            percent_encoding::utf8_percent_encode(target, percent_encoding::NON_ALPHANUMERIC);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let page = crate::layout::error_page(prefs, status, &message, &rid, public);
    let mut out = (status, page).into_response();
    out.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    out
}

/// Whether a path is one of the public pages anyone opens without an account.
fn is_public_page(target: &str) -> bool {
    let path = target.split('?').next().unwrap_or(target);
    path == "/public" || path.starts_with("/public/") || path.starts_with("/disclosure/")
}

/// axum's own refusals (malformed JSON, a body over the limit, a wrong method) come as plain
/// text; they get the same error shape and language as ours.
fn framework_rejection(res: &Response) -> Option<ErrorInfo> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !plain {
        return None;
    }
    let code = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "bad_json",
        StatusCode::PAYLOAD_TOO_LARGE => "upload_bad",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "generic",
    };
    Some(ErrorInfo { code, field: None, args: Vec::new() })
}

/// Headers every response carries: no inline script, no framing, no sniffing, no referrer
/// leaking record ids to other sites.
fn add_security_headers(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
