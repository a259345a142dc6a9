//! Sign-in, sessions, bearer tokens, password change, and the caller every handler sees.

use crate::AppState;
use crate::ctx::{Ctx, redirect_with_flash, safe_local_path};
use crate::error::AppError;
use crate::i18n::{Lang, cookie, t, tf};
use crate::layout;
use crate::metrics::CurrentRequest;
use crate::metrics::RequestId;
use crate::routes::{ApiDoc, Policy, Table};
use axum::extract::{Query, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::Duration;
use linli_app::accounts;
use linli_core::login::{self, Throttle};
use linli_core::password::{self, hashing};
use linli_core::{Action, Decision, PlacePath, authorize};
use linli_store::places;
use linli_store::users::{self, GrantView, SessionKind, User};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};

use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "linli_session";

/// The signed-in user of a request, with their grants: shared, since each request's layers
/// and handler, and the cache of signed-in callers, hold it.
#[derive(Debug, Clone)]
pub struct Caller(std::sync::Arc<Signed>);

impl std::ops::Deref for Caller {
    type Target = Signed;
    fn deref(&self) -> &Signed {
        &self.0
    }
}

/// What is known of a signed-in caller.
#[derive(Debug)]
pub struct Signed {
    pub user: std::sync::Arc<User>,
    pub grants: std::sync::Arc<[GrantView]>,
    pub kind: SessionKind,
    pub token_hash: String,
    pub csrf_token: String,
    /// The community the user works in (id, name); `None` for street-level accounts.
    pub community: Option<(i64, String)>,
}

impl Caller {
    /// This caller as the actor of an operation of `linli_app`.
    pub fn actor(&self, ctx: &Ctx) -> linli_app::Actor {
        self.actor_at(Some(ctx.rid.clone()), ctx.here.clone(), ctx.now)
    }

    /// [`Caller::actor`] where there is no request context yet (the route policy's refusals).
    fn actor_at(
        &self,
        request_id: Option<String>,
        origin: String,
        now: chrono::DateTime<chrono::Utc>,
    ) -> linli_app::Actor {
        linli_app::Actor {
            principal: linli_app::Principal::User {
                user: self.user.clone(),
                grants: self.grants.clone(),
            },
            community: self.community.clone(),
            request_id,
            origin,
            now,
        }
    }

    pub fn decide(&self, action: Action, target: Option<&PlacePath>) -> Decision {
        let grants: Vec<_> = self.grants.iter().map(GrantView::grant).collect();
        authorize(&grants, action, target)
    }

    /// The place paths in which the caller may perform `action` (list filters).
    pub fn scopes(&self, action: Action) -> Vec<PlacePath> {
        let grants: Vec<_> = self.grants.iter().map(GrantView::grant).collect();
        linli_core::authz::scopes_for(&grants, action)
    }

    pub fn community_id(&self) -> Option<i64> {
        self.community.as_ref().map(|c| c.0)
    }
}

/// Writes the audit record of a refused request. A failure to audit is logged, not shown: the
/// refusal itself must still reach the caller.
pub async fn audit_denial(
    state: &AppState,
    caller: &Caller,
    action: Action,
    path: &str,
    object: Option<i64>,
    rid: Option<&RequestId>,
) {
    caller
        .actor_at(rid.map(|r| r.0.clone()), path.to_string(), state.clock.now())
        .record_denial(&state.app, action, object)
        .await;
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The caller of a token: from the cache of recent callers when it holds a valid entry, else
/// read (session, grants, community) in one read transaction and kept.
async fn load(
    state: &AppState,
    token_hash: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Caller>, AppError> {
    // Read before the session: a change that lands while it is read makes the entry stale.
    let generation = state.app.accounts_generation();
    if let Some(caller) = state.callers.get(&token_hash, generation, now) {
        return Ok(Some(caller));
    }
    let loaded = state
        .db
        .read_small(move |c| {
            let Some(s) = users::find_session(c, &token_hash, now)? else {
                return Ok(None);
            };
            let grants = users::grants(c, s.user.id)?;
            let community = match s.user.community_id {
                Some(id) => Some((id, places::get(c, id)?.name)),
                None => None,
            };
            let expires = chrono::DateTime::parse_from_rfc3339(&s.expires_at)
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok();
            Ok::<_, AppError>(Some((
                Caller(std::sync::Arc::new(Signed {
                    user: std::sync::Arc::new(s.user),
                    grants: grants.into(),
                    kind: s.kind,
                    token_hash,
                    csrf_token: s.csrf_token,
                    community,
                })),
                expires,
            )))
        })
        .await?;
    Ok(loaded.map(|(caller, expires)| {
        if let Some(expires) = expires {
            state.callers.put(&caller, generation, expires);
        }
        caller
    }))
}

/// Finds the caller from a bearer token or the session cookie and puts it in the request.
/// Finds the signed-in caller of the request's session cookie or bearer token and puts it in
/// the request; a caller who must first change the password is refused anything else.
pub async fn admit(state: &AppState, mut req: Request) -> Result<Request, Response> {
    let token = bearer(req.headers())
        .map(str::to_string)
        .or_else(|| cookie(req.headers(), SESSION_COOKIE).map(str::to_string));
    if let Some(token) = token {
        match load(state, hash_token(&token), state.clock.now()).await {
            Ok(Some(caller)) => {
                if caller.user.must_change_password
                    && let Some(refusal) = password_change_first(&req)
                {
                    return Err(refusal);
                }
                req.extensions_mut().insert(caller);
            }
            Ok(None) => {}
            Err(e) => return Err(e.into_response()),
        }
    }
    Ok(req)
}

/// After an administrator's reset the user must choose a new password before anything else:
/// pages lead to the password form, other calls are refused (403 `password_change_required`).
/// The password form, signing out and the style sheets stay open.
fn password_change_first(req: &Request) -> Option<Response> {
    let path = req.uri().path();
    if path == "/account/password" || path == "/logout" || path.starts_with("/assets/") {
        return None;
    }
    if req.method() == Method::GET && !path.starts_with("/api/") {
        return Some(Redirect::to("/account/password").into_response());
    }
    Some(AppError::Refused { code: "password_change_required" }.into_response())
}

/// Checks a user name and password with throttling; records failures and successes.
async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    rid: &str,
) -> Result<User, AppError> {
    let name = username.trim().to_string();
    let now = state.clock.now();
    // The attempt is counted before the password is checked (and uncounted on success), in
    // one write transaction that holds the name's counter: attempts sent at once queue here.
    let claim_name = name.clone();
    let verdict = state
        .db
        .write(move |c| {
            let (failures, last) = users::claim_login_attempt(c, &claim_name, now)?;
            let verdict = login::throttle(failures, last, now);
            if verdict == Throttle::Open {
                users::record_login_failure(c, &claim_name, None, now)?;
            }
            Ok::<_, linli_store::StoreError>(verdict)
        })
        .await?;
    match verdict {
        Throttle::Open => {}
        Throttle::Wait { seconds } => {
            return Err(AppError::Throttled { seconds, locked: false });
        }
        Throttle::Locked { seconds } => {
            return Err(AppError::Throttled { seconds: ((seconds + 59) / 60) * 60, locked: true });
        }
    }
    let lookup = name.clone();
    let found = state.db.read(move |c| users::find_for_login(c, &lookup)).await?;
    let pw = password.to_string();
    let hash = found.as_ref().map_or_else(|| hashing::dummy_hash().to_string(), |(_, h)| h.clone());
    // Unknown names are verified against a dummy hash: same work, same time.
    let ok = tokio::task::spawn_blocking(move || hashing::verify(&pw, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = found.filter(|(u, _)| ok && u.active).map(|(u, _)| u);
    accounts::record_sign_in(&state.app, name, user.as_ref(), rid.to_string()).await?;
    user.ok_or(AppError::Invalid { code: "login_failed", field: None })
}

async fn start_session(
    state: &AppState,
    user: &User,
    kind: SessionKind,
) -> Result<String, AppError> {
    let token = new_secret();
    let csrf = new_secret();
    let now = state.clock.now();
    let expires = match kind {
        SessionKind::Cookie => now + Duration::hours(state.config.session_hours),
        SessionKind::Bearer => now + Duration::days(state.config.token_days),
    };
    let th = hash_token(&token);
    let u = user.clone();
    state
        .db
        .write(move |c| {
            users::purge_expired_sessions(c, now)?;
            users::create_session(c, &th, &u, kind, &csrf, now, expires)
        })
        .await?;
    Ok(token)
}

fn session_cookie(
    state: &AppState,
    headers: &HeaderMap,
    value: &str,
    max_age: i64,
) -> Option<HeaderValue> {
    let tls = state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let secure = if tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

// ---- pages ----

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn login_form(lang: Lang, username: &str, next: &str, error: Option<&str>) -> Markup {
    html! {
        form.login-form method="post" action="/login" {
            @if let Some(e) = error {
                p.form-error role="alert" { (e) }
            }
            input type="hidden" name="next" value=(next);
            div.field {
                label for="username" { (t(lang, "login.username")) }
                input #username type="text" name="username" value=(username) autocomplete="username" required autofocus;
            }
            div.field {
                label for="password" { (t(lang, "login.password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
            }
            button.btn.btn-primary.btn-block type="submit" { (t(lang, "login.submit")) }
        }
    }
}

async fn login_page(ctx: Ctx, Query(q): Query<LoginQuery>) -> Response {
    if ctx.caller.is_some() {
        return Redirect::to("/").into_response();
    }
    let next = safe_local_path(q.next.as_deref());
    let body = login_form(ctx.lang(), "", &next, None);
    layout::login_page(&ctx, body).into_response()
}

async fn login_submit(ctx: Ctx, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let lang = ctx.lang();
    let next = safe_local_path(f.next.as_deref());
    let user = match authenticate(&ctx.state, &f.username, &f.password, &ctx.rid).await {
        Ok(u) => u,
        // A busy database answers with its own 503 and Retry-After (the error page says to
        // try again shortly).
        Err(e @ (AppError::Busy { .. } | AppError::Unavailable { .. })) => {
            return e.into_response();
        }
        Err(e) => {
            let status = e.status();
            let message = match &e {
                AppError::Throttled { seconds, locked } => tf(
                    lang,
                    if *locked { "error.login_locked" } else { "error.login_wait" },
                    &[
                        ("seconds", &seconds.to_string()),
                        ("minutes", &((seconds + 59) / 60).to_string()),
                    ],
                ),
                AppError::Invalid { .. } => t(lang, "error.login_failed"),
                other => {
                    tracing::error!(request = %CurrentRequest, cause = %other, "login failed");
                    t(lang, "error.internal")
                }
            };
            let body = login_form(lang, f.username.trim(), &next, Some(&message));
            return (status, layout::login_page(&ctx, body)).into_response();
        }
    };
    match start_session(&ctx.state, &user, SessionKind::Cookie).await {
        Ok(token) => {
            let mut res = Redirect::to(&next).into_response();
            if let Some(c) =
                session_cookie(&ctx.state, &headers, &token, ctx.state.config.session_hours * 3600)
            {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(e) => e.into_response(),
    }
}

async fn logout(ctx: Ctx, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(caller) = &ctx.caller {
        let token_hash = caller.token_hash.clone();
        accounts::sign_out(&ctx.state.app, &ctx.actor()?, token_hash).await?;
    }
    let mut res = redirect_with_flash("/login", true, "flash.logged_out");
    if let Some(c) = session_cookie(&ctx.state, &headers, "", 0) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

fn password_form(ctx: &Ctx, errors: &[(&str, String)]) -> Markup {
    let lang = ctx.lang();
    let err = |f: &str| errors.iter().find(|(k, _)| *k == f).map(|(_, m)| m.clone());
    let csrf = ctx.csrf();
    html! {
        form.form.narrow method="post" action="/account/password" novalidate {
            input type="hidden" name="_csrf" value=(csrf);
            (layout::field(lang, "current", "password.current", "password", "", err("current"), Some("current-password")))
            (layout::field(lang, "new", "password.new", "password", "", err("new"), Some("new-password")))
            p.hint { (tf(lang, "password.rule", &[("min", &password::MIN_CHARS.to_string())])) }
            (layout::field(lang, "confirm", "password.confirm", "password", "", err("confirm"), Some("new-password")))
            div.form-actions {
                button.btn.btn-primary type="submit" { (t(lang, "password.submit")) }
                a.btn href="/" { (t(lang, "common.cancel")) }
            }
        }
    }
}

async fn password_page(ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let form = password_form(&ctx, &[]);
    let must = ctx.caller.as_ref().is_some_and(|c| c.user.must_change_password);
    let body = html! {
        @if must { div.flash.flash-warn role="alert" { (t(lang, "password.must_change")) } }
        (form)
    };
    Ok(layout::page(&ctx, &t(lang, "password.title"), &[], None, body).into_response())
}

async fn password_submit(ctx: Ctx, Form(f): Form<PasswordForm>) -> Result<Response, AppError> {
    let lang = ctx.lang();
    let caller = ctx.caller()?.clone();
    let mut errors: Vec<(&str, String)> = Vec::new();
    let uname = caller.user.username.clone();
    let found = ctx.state.db.read(move |c| users::find_for_login(c, &uname)).await?;
    let Some((_, hash)) = found else {
        return Err(AppError::Unauthenticated);
    };
    let current = f.current.clone();
    let ok = tokio::task::spawn_blocking(move || hashing::verify(&current, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !ok {
        errors.push(("current", t(lang, "error.password_wrong")));
    }
    if let Err(e) = password::check_password(&f.new, &caller.user.username) {
        errors.push((
            "new",
            tf(lang, &format!("error.{}", e.code()), &[("min", &password::MIN_CHARS.to_string())]),
        ));
    } else if f.new != f.confirm {
        errors.push(("confirm", t(lang, "error.password_mismatch")));
    }
    if !errors.is_empty() {
        let body = password_form(&ctx, &errors);
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            layout::page(&ctx, &t(lang, "password.title"), &[], None, body),
        )
            .into_response());
    }
    let new = f.new.clone();
    let new_hash = tokio::task::spawn_blocking(move || hashing::hash(&new))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    accounts::set_own_password(&ctx.state.app, &ctx.actor()?, caller.token_hash.clone(), new_hash)
        .await?;
    Ok(redirect_with_flash("/", true, "flash.password_changed"))
}

// ---- API ----

#[derive(Deserialize, schemars::JsonSchema)]
struct TokenRequest {
    username: String,
    #[schemars(extend("format" = "password"))]
    password: String,
}

/// A bearer token for `Authorization: Bearer …`.
#[derive(Serialize, schemars::JsonSchema)]
struct TokenJson {
    token: String,
    token_type: &'static str,
    /// Seconds.
    expires_in: i64,
}

async fn api_token(ctx: Ctx, Json(r): Json<TokenRequest>) -> Result<Response, AppError> {
    let user =
        authenticate(&ctx.state, &r.username, &r.password, &ctx.rid).await.map_err(
            |e| match e {
                AppError::Invalid { .. } => AppError::LoginFailed,
                other => other,
            },
        )?;
    if user.must_change_password {
        return Err(AppError::Refused { code: "password_change_required" });
    }
    let token = start_session(&ctx.state, &user, SessionKind::Bearer).await?;
    Ok(Json(TokenJson {
        token,
        token_type: "Bearer",
        expires_in: ctx.state.config.token_days * 86400,
    })
    .into_response())
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/login", Policy::Public, login_page)
        .page(Method::POST, "/login", Policy::Public, login_submit)
        .page(Method::POST, "/logout", Policy::Public, logout)
        .page(
            Method::GET,
            "/account/password",
            Policy::Signed(Action::ChangeOwnPassword),
            password_page,
        )
        .page(
            Method::POST,
            "/account/password",
            Policy::Signed(Action::ChangeOwnPassword),
            password_submit,
        )
        .api(
            Method::POST,
            "/api/v1/auth/token",
            Policy::Public,
            ApiDoc::ok::<TokenJson>(
                "auth",
                "auth_token",
                "Exchange a user name and password for a bearer token",
            )
            .body::<TokenRequest>(),
            api_token,
        )
}
