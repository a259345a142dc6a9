//! Request ids, request logs and Prometheus metrics; `/healthz` and `/metrics`.

use crate::AppState;
use crate::routes::{Policies, Policy, Table};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The id of one request: in the response header `x-request-id`, in the request's log line
/// and its warnings and errors ([`CurrentRequest`]), and on error pages, so a user's
/// screenshot leads to the log.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

tokio::task_local! {
    /// The id of the request whose task is running (its random bytes; formatted only when a
    /// warning or an error names it).
    static REQUEST: [u8; 8];
}

/// The running request's id in a log event: `tracing::warn!(request = %CurrentRequest, …)`;
/// `-` outside a request. (A log span per request would carry it to every event, but a span
/// costs every request what only the rare warning needs.)
pub struct CurrentRequest;

impl std::fmt::Display for CurrentRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match REQUEST.try_with(|id| *id) {
            Ok(id) => id.iter().try_for_each(|b| write!(f, "{b:02x}")),
            Err(_) => f.write_str("-"),
        }
    }
}

/// Runs a page's handler on one blocking thread, its reads there too
/// ([`linli_store::Db::on_one_thread`]): for a page made of many small reads. The request's id
/// goes with it, so that its warnings still name it.
pub async fn on_one_thread<F>(
    db: linli_store::Db,
    fut: F,
) -> Result<F::Output, crate::error::AppError>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let id = REQUEST.try_with(|id| *id).ok();
    let fut = async move {
        match id {
            Some(id) => REQUEST.scope(id, fut).await,
            None => fut.await,
        }
    };
    Ok(db.on_one_thread(fut).await?)
}

/// Route template → (method, status) → (requests, seconds spent). Keyed by the route first so
/// that counting a request finds its entry without building a key.
type RouteCounters = HashMap<String, BTreeMap<(String, u16), (u64, f64)>>;

/// (method, route template, status) as the metrics print them.
type Labels<'a> = (&'a str, &'a str, u16);

#[derive(Default)]
pub struct Metrics {
    by_route: Mutex<RouteCounters>,
}

impl Metrics {
    fn record(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let mut m = self.by_route.lock().unwrap_or_else(|p| p.into_inner());
        let by_status = match m.get_mut(route) {
            Some(e) => e,
            None => m.entry(route.to_string()).or_default(),
        };
        let e = match by_status.iter_mut().find(|((m, s), _)| *s == status && m == method.as_str())
        {
            Some((_, e)) => e,
            None => by_status.entry((method.to_string(), status)).or_insert((0, 0.0)),
        };
        e.0 += 1;
        e.1 += seconds;
    }

    fn render(&self) -> String {
        let by_route = self.by_route.lock().unwrap_or_else(|p| p.into_inner());
        // In the order of (method, route, status), as Prometheus' own clients print them.
        let mut m: Vec<(Labels, (u64, f64))> = by_route
            .iter()
            .flat_map(|(route, by_status)| {
                by_status.iter().map(move |((method, status), n)| {
                    ((method.as_str(), route.as_str(), *status), *n)
                })
            })
            .collect();
        m.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::new();
        out.push_str(
            "# HELP linli_http_requests_total HTTP requests handled, by route and status.\n",
        );
        out.push_str("# TYPE linli_http_requests_total counter\n");
        for ((method, route, status), (n, _)) in &m {
            let _ = writeln!(
                out,
                "linli_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP linli_http_request_duration_seconds Time spent handling requests.\n");
        out.push_str("# TYPE linli_http_request_duration_seconds summary\n");
        for ((method, route, status), (n, secs)) in &m {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            let _ = writeln!(out, "linli_http_request_duration_seconds_sum{{{labels}}} {secs:.6}");
            let _ = writeln!(out, "linli_http_request_duration_seconds_count{{{labels}}} {n}");
        }
        out
    }
}

/// The one layer around every route: gives the request its id, passes it through
/// [`crate::middleware::pass`] with its id known to the log ([`CurrentRequest`]), counts it and
/// logs it (the path without its query string, which may hold search terms).
pub async fn observe(
    State((state, policies)): State<(AppState, Arc<Policies>)>,
    mut req: Request,
    next: Next,
) -> Response {
    let raw = rand::random::<[u8; 8]>();
    let rid = RequestId(hex::encode(raw));
    req.extensions_mut().insert(rid.clone());
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let started = Instant::now();
    let uri = req.uri().clone();
    let policy = route.as_ref().and_then(|r| policies.of(&method, r.as_str()));
    let mut res = REQUEST.scope(raw, crate::middleware::pass(&state, policy, req, next)).await;
    let secs = started.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    state.metrics.record(&method, route, status, secs);
    crate::logging::access(&crate::logging::Handled {
        id: &rid.0,
        method: method.as_str(),
        path: uri.path(),
        status,
        ms: secs * 1000.0,
    });
    if let Ok(v) = HeaderValue::from_str(&rid.0) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// `/healthz` and `/readyz`: 200 while the database answers, else 503 with `Retry-After`
/// (a load balancer stops sending requests to this instance until it answers again).
async fn database_answers(state: &AppState, probe: &str) -> Response {
    match state.db.read_small(|c| c.count("SELECT 1", linli_store::params![])).await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(request = %CurrentRequest, cause = %e, probe, "database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, HeaderValue::from(linli_store::UNAVAILABLE_RETRY_SECS))],
                "database unavailable\n",
            )
                .into_response()
        }
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    database_answers(&state, "healthz").await
}

/// Ready to take requests: the database answers and its schema is the one this binary
/// knows (an instance started before a migration of a newer binary is not ready).
async fn readyz(State(state): State<AppState>) -> Response {
    let res = database_answers(&state, "readyz").await;
    if res.status() != StatusCode::OK {
        return res;
    }
    match state.db.read(|c| linli_store::migrate::current_version(c)).await {
        Ok(v) if v == linli_store::migrate::latest_version() => {
            (StatusCode::OK, format!("ready\n{}", replica_line(&state))).into_response()
        }
        Ok(v) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "schema version {v}, this binary knows {}: run `linli migrate`\n",
                linli_store::migrate::latest_version()
            ),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(
                request = %CurrentRequest,
                cause = %e,
                "readyz: schema version unreadable"
            );
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// The replica's state for `/readyz` (empty without one). The instance is ready either way:
/// without a fit replica the figures are read from the primary.
fn replica_line(state: &AppState) -> String {
    // As last measured by the database's watching thread: a probe never waits for a
    // standby that does not answer.
    match state.db.replica_lag_seen() {
        Some(linli_store::ReplicaLag::Behind(d)) => {
            format!("replica: {:.1} s behind the primary\n", d.as_secs_f64())
        }
        Some(linli_store::ReplicaLag::Unreachable) => {
            "replica: unreachable; figures are read from the primary\n".to_string()
        }
        None => String::new(),
    }
}

/// Prometheus text, for a scraper that sends `Authorization: Bearer <LINLI_METRICS_TOKEN>`;
/// anyone else (and everyone, when no token is configured) finds nothing here.
async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let allowed = match (&state.config.metrics_token, sent) {
        (Some(token), Some(sent)) => {
            // Compared as digests: the time taken says nothing about how much matched.
            crate::auth::hash_token(token) == crate::auth::hash_token(sent)
        }
        _ => false,
    };
    if !allowed {
        return crate::error::AppError::NotFound.into_response();
    }
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"))],
        state.metrics.render(),
    )
        .into_response()
}

pub fn routes(t: Table) -> Table {
    t.page(Method::GET, "/healthz", Policy::Public, healthz)
        .page(Method::GET, "/readyz", Policy::Public, readyz)
        .page(Method::GET, "/metrics", Policy::Public, metrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_warning_names_the_request_it_happens_in_and_no_other() {
        assert_eq!(CurrentRequest.to_string(), "-");
        let id = [0xab, 0, 1, 2, 3, 4, 5, 0xff];
        let inside = REQUEST
            .scope(id, async {
                tokio::task::yield_now().await;
                CurrentRequest.to_string()
            })
            .await;
        assert_eq!(inside, "ab000102030405ff");
        assert_eq!(CurrentRequest.to_string(), "-");
    }

    #[tokio::test]
    async fn a_page_run_on_one_thread_keeps_its_request_id() {
        let dir = tempfile::tempdir().unwrap();
        let db = linli_store::Db::open(&linli_store::DbConfig::new(
            dir.path().join("m.db").to_string_lossy().to_string(),
        ))
        .unwrap();
        let id = [1, 2, 3, 4, 5, 6, 7, 8];
        let (inside, thread) = REQUEST
            .scope(id, async {
                on_one_thread(db, async {
                    (CurrentRequest.to_string(), std::thread::current().id())
                })
                .await
                .unwrap()
            })
            .await;
        assert_eq!(inside, "0102030405060708");
        assert_ne!(thread, std::thread::current().id(), "on a blocking thread");
    }
}
