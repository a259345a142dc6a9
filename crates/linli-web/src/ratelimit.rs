//! Requests per client address on the doors anyone can knock on: signing in (`POST /login`,
//! the token endpoint) and the public forms (`POST /public/…`). Each address gets
//! [`PER_MINUTE`] such requests a minute (`Config::rate_per_minute`), counted per instance; beyond that the answer is `429
//! rate_limited` with `Retry-After`, in the caller's language. The per-account login throttle
//! (`linli_core::login`) still applies on top.

use crate::AppState;
use crate::error::AppError;
use crate::metrics::CurrentRequest;
use axum::extract::{ConnectInfo, Request};
use axum::http::Method;
use chrono::{DateTime, Utc};
use std::net::{IpAddr, SocketAddr};

/// Requests a minute an address may send to the limited routes, by default.
pub const PER_MINUTE: u32 = 60;
/// Counts per client address.
#[derive(Default)]
pub struct Limiter {
    windows: linli_app::throttle::Windows<IpAddr>,
}

impl Limiter {
    fn check(&self, ip: IpAddr, now: DateTime<Utc>, limit: u32) -> Result<(), i64> {
        self.windows.check(ip, now, limit)
    }
}

fn limited(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::POST
        && (path == "/login" || path == "/api/v1/auth/token" || path.starts_with("/public/"))
}

/// The client's address: the peer, or, when the peer is a proxy on this machine, the first
/// address of `X-Forwarded-For`.
fn client(req: &Request) -> Option<IpAddr> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    if peer.is_loopback()
        && let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    {
        return Some(forwarded);
    }
    Some(peer)
}

/// Refuses with 429 a sign-in or public form sent too often from one address.
pub fn admit(state: &AppState, req: &Request) -> Result<(), AppError> {
    if limited(req)
        && let Some(ip) = client(req)
        && let Err(seconds) =
            state.limiter.check(ip, state.clock.now(), state.config.rate_per_minute)
    {
        tracing::warn!(
            request = %CurrentRequest,
            seconds,
            "rate limit: request refused with 429"
        );
        return Err(AppError::Throttled { seconds, locked: false });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
    }

    #[test]
    fn addresses_are_counted_apart() {
        let l = Limiter::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..PER_MINUTE {
            assert!(l.check(a, t0(), PER_MINUTE).is_ok());
        }
        assert!(l.check(a, t0(), PER_MINUTE).is_err());
        assert!(l.check(b, t0(), PER_MINUTE).is_ok());
    }
}
