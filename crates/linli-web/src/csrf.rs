//! Cross-site request forgery protection for cookie sessions, two layers deep:
//! 1. the browser's own word: a request marked `Sec-Fetch-Site: cross-site`/`same-site`, or
//!    whose `Origin` is not this host, is refused before anything runs;
//! 2. a per-session token: every state-changing request of a cookie session carries it in the
//!    form field `_csrf` or the `X-CSRF-Token` header.
//!
//! Bearer-token requests carry no ambient credential and skip the token check.

use crate::auth::Caller;
use crate::error::AppError;
use crate::metrics::CurrentRequest;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Response};
use linli_store::users::SessionKind;

/// Form bodies are small; anything larger is not a form this app renders.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True when the browser says the request comes from another site.
pub fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if origin == "null" {
            return true;
        }
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        return !origin_host.eq_ignore_ascii_case(host);
    }
    false
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lets a request through, or refuses it (403) as a possible forgery.
pub async fn admit(req: Request) -> Result<Request, Response> {
    if !is_unsafe(req.method()) {
        return Ok(req);
    }
    let bearer = req.extensions().get::<Caller>().is_some_and(|c| c.kind == SessionKind::Bearer);
    if bearer {
        return Ok(req);
    }
    if cross_site(req.headers()) {
        tracing::warn!(
            request = %CurrentRequest,
            "cross-site state-changing request refused"
        );
        return Err(AppError::Csrf.into_response());
    }
    let Some(expected) = req.extensions().get::<Caller>().map(|c| c.csrf_token.clone()) else {
        // No session: nothing ambient to abuse (the login form is covered by the origin check).
        return Ok(req);
    };
    if let Some(h) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(h, &expected) {
            Ok(req)
        } else {
            Err(AppError::Csrf.into_response())
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        // File uploads (multipart) carry the token in the form's action URL instead.
        let in_query = req
            .uri()
            .query()
            .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
        return match in_query {
            Some(t) if constant_time_eq(&t, &expected) => Ok(req),
            _ => Err(AppError::Csrf.into_response()),
        };
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return Err(AppError::BadRequest("body_too_large").into_response());
    };
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
    match token {
        Some(t) if constant_time_eq(&t, &expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::Csrf.into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_requests_pass() {
        assert!(!cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!cross_site(&headers(&[("host", "x")])));
    }

    #[test]
    fn another_origin_or_a_cross_site_fetch_is_refused() {
        assert!(cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(cross_site(&headers(&[("host", "127.0.0.1:8080"), ("origin", "null")])));
    }
}
