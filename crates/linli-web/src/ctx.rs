//! What every handler knows about its request: who asks, in which language, under which id.

use crate::AppState;
use crate::auth::Caller;
use crate::error::AppError;
use crate::i18n::{Lang, Prefs, cookie};
use crate::metrics::RequestId;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

pub const FLASH_COOKIE: &str = "linli_flash";

/// A one-time message shown on the next page (after a redirect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub ok: bool,
    /// A message-catalogue key.
    pub key: String,
}

#[derive(Clone)]
pub struct Ctx {
    /// The app (database, clock, configuration): handlers reach it here rather than through an
    /// extractor of their own.
    pub state: AppState,
    pub prefs: Prefs,
    pub rid: String,
    pub caller: Option<Caller>,
    pub flash: Option<Flash>,
    /// Path and query of this request, for "back here" links.
    pub here: String,
    /// The app clock's time when the request arrived.
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Ctx {
    pub fn lang(&self) -> Lang {
        self.prefs.lang
    }

    pub fn caller(&self) -> Result<&Caller, AppError> {
        self.caller.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The caller's form token (`_csrf`), empty for a visitor who is not signed in (whose
    /// forms the CSRF check refuses anyway).
    pub fn csrf(&self) -> String {
        self.caller.as_ref().map(|c| c.csrf_token.clone()).unwrap_or_default()
    }

    /// The signed-in caller as the operations see it.
    pub fn actor(&self) -> Result<linli_app::Actor, AppError> {
        Ok(self.caller()?.actor(self))
    }

    /// The caller if signed in, else a member of the public (portal pages).
    pub fn actor_or_public(&self) -> linli_app::Actor {
        match &self.caller {
            Some(c) => c.actor(self),
            None => linli_app::Actor {
                principal: linli_app::Principal::Public,
                community: None,
                request_id: Some(self.rid.clone()),
                origin: self.here.clone(),
                now: self.now,
            },
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let flash = cookie(&parts.headers, FLASH_COOKIE).and_then(|v| {
            let (kind, key) = v.split_once(':')?;
            let key_ok = !key.is_empty()
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            key_ok.then(|| Flash { ok: kind == "ok", key: key.to_string() })
        });
        Ok(Ctx {
            state: state.clone(),
            prefs: Prefs::from_headers(&parts.headers),
            rid: parts.extensions.get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
            caller: parts.extensions.get::<Caller>().cloned(),
            flash,
            here: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
            now: state.clock.now(),
        })
    }
}

/// A redirect (303, so a refreshed page does not resubmit) that shows `key` on the next page.
pub fn redirect_with_flash(to: &str, ok: bool, key: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    let value = format!(
        "{FLASH_COOKIE}={}:{key}; Path=/; HttpOnly; SameSite=Lax",
        if ok { "ok" } else { "err" }
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Only local paths are followed after login or a settings switch (no open redirects).
pub fn safe_local_path(p: Option<&str>) -> String {
    match p {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_local_path(Some("/places?x=1")), "/places?x=1");
        assert_eq!(safe_local_path(Some("//evil.example/")), "/");
        assert_eq!(safe_local_path(Some("https://evil.example/")), "/");
        assert_eq!(safe_local_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_local_path(None), "/");
    }
}
