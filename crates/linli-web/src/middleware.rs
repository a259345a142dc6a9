//! Cross-cutting layers: the route policy check, error rendering, security headers.

use crate::AppState;
use crate::auth::{self, Caller};
use crate::error::{AppError, ErrorInfo};
use crate::i18n::Prefs;
use crate::metrics::RequestId;
use crate::routes::Policy;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use linli_core::Decision;

/// Applies a route's [`Policy`]: refuses anonymous callers of signed routes, and callers whose
/// grants permit the route's action nowhere. Every refusal of a signed-in caller is audited.
pub async fn enforce_policy(
    State((state, policy)): State<(AppState, Policy)>,
    req: Request,
    next: Next,
) -> Response {
    let Policy::Signed(action) = policy else {
        return next.run(req).await;
    };
    let Some(caller) = req.extensions().get::<Caller>().cloned() else {
        return AppError::Unauthenticated.into_response();
    };
    match caller.decide(action, None) {
        Decision::Allow => next.run(req).await,
        refused @ (Decision::Forbidden | Decision::NotFound) => {
            let rid = req.extensions().get::<RequestId>().cloned();
            let path = req.uri().path().to_string();
            auth::audit_denial(&state, &caller, action, &path, None, rid.as_ref()).await;
            // "Not found" only where no grant covers anything of the kind: a resident's, for
            // whom even the existence of her neighbours' records is not hers to learn.
            if refused == Decision::NotFound {
                AppError::NotFound.into_response()
            } else {
                AppError::Forbidden.into_response()
            }
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

/// Renders every [`AppError`] response: JSON for the API, a page in the user's language for
/// browsers (or, for a page that needs sign-in, a redirect to the login page).
pub async fn render_errors(req: Request, next: Next) -> Response {
    let json = wants_json(&req);
    let prefs = Prefs::from_headers(req.headers());
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let rid = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let res = next.run(req).await;
    let info = match res.extensions().get::<ErrorInfo>().cloned() {
        Some(info) => info,
        None => match framework_rejection(&res) {
            Some(info) => info,
            None => return res,
        },
    };
    let status = res.status();
    // `Retry-After` (503 busy) survives the re-rendering.
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    // The public pages answer in public words and lead back to the portal, not to the staff
    // sign-in.
    let public = is_public_page(&target);
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
            percent_encoding::utf8_percent_encode(&target, percent_encoding::NON_ALPHANUMERIC);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let page = crate::layout::error_page(prefs, status, &message, &rid, public);
    let mut out = (status, page).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
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
    Some(ErrorInfo {
        code,
        field: None,
        args: Vec::new(),
    })
}

/// Headers every response carries: no inline script, no framing, no sniffing, no referrer
/// leaking record ids to other sites.
pub async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
