//! Linli's web app. [`build_app`] returns the whole router; the binary and the tests both call it.
//!
//! A request passes, outside in: request id, log span and metrics → security headers → error
//! rendering (HTML or JSON, in the caller's language) → session or bearer token → CSRF check →
//! the route's policy (one [`linli_core::authorize`] call) → the handler.

mod api;
mod assets;
mod auth;
mod csrf;
mod ctx;
mod error;
pub mod i18n;
mod labels;
mod layout;
pub mod logging;
mod metrics;
mod middleware;
mod pages;
mod qr;
mod ratelimit;
pub mod routes;
mod sessions;

use linli_core::Clock;
use linli_store::Db;
use std::sync::Arc;

pub use error::AppError;
pub use routes::{Op, Policy};

/// What the app needs to run: one shared value, so that the layers and handlers that each
/// take a copy of it per request take one reference, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    /// The operations' view of the app (database and clock); handlers call `linli_app` with it.
    pub app: linli_app::App,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub(crate) metrics: Arc<metrics::Metrics>,
    pub(crate) limiter: Arc<ratelimit::Limiter>,
    pub(crate) callers: Arc<sessions::CallerCache>,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie `Secure` (set when Linli is served over TLS, directly or behind
    /// a proxy that sends `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    /// How long a browser session lives without being used again.
    pub session_hours: i64,
    /// How long an API bearer token lives.
    pub token_days: i64,
    /// The bearer token `GET /metrics` requires (`LINLI_METRICS_TOKEN`); without one the
    /// metrics are not served at all (404), since they list the routes and their traffic.
    pub metrics_token: Option<String>,
    /// Requests a minute one client address may send to the sign-in doors and the public
    /// forms (`ratelimit`).
    pub rate_per_minute: u32,
    /// The address residents' phones reach Linli at (`LINLI_PUBLIC_URL`), put in the QR codes
    /// posted in the stairwells; without it the address of the request is used and the page
    /// warns when that is this machine or a private network.
    pub public_url: Option<String>,
    /// How long a signed-in caller read for one request serves the next ones of the same
    /// session (`sessions`); zero reads the session for every request. A change of accounts
    /// made by another instance or by the command line takes effect within it.
    pub session_cache: std::time::Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            session_hours: 12,
            token_days: 30,
            metrics_token: None,
            rate_per_minute: ratelimit::PER_MINUTE,
            public_url: None,
            session_cache: std::time::Duration::from_secs(5),
        }
    }
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: Config) -> Self {
        let callers = Arc::new(sessions::CallerCache::new(config.session_cache));
        AppState(Arc::new(Shared {
            app: linli_app::App::new(db.clone(), clock.clone()),
            db,
            clock,
            config: Arc::new(config),
            metrics: Arc::new(metrics::Metrics::default()),
            limiter: Arc::new(ratelimit::Limiter::default()),
            callers,
        }))
    }
}

/// The whole app.
pub fn build_app(state: AppState) -> axum::Router {
    routes::table(state).into_router()
}

/// The app as a service that knows each client's address (the per-address rate limit of the
/// sign-in and public forms needs it): what `linli serve` hands to `axum::serve`.
pub fn build_service(
    state: AppState,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<axum::Router, std::net::SocketAddr>
{
    build_app(state).into_make_service_with_connect_info::<std::net::SocketAddr>()
}

/// Every operation the app serves, with its policy: the source of the OpenAPI document and of
/// the test that no route lacks a policy.
pub fn operations(state: AppState) -> Vec<Op> {
    routes::table(state).ops().to_vec()
}
