//! Issue 18 (5): while PostgreSQL cannot be reached, Linli answers 503 with `Retry-After` and a
//! message in the user's language, never 500; `/healthz` and `/readyz` say so; and it recovers
//! by itself. The outage is a TCP proxy between Linli and the server that the test switches off.
//! PostgreSQL only: SQLite has no server to lose.

use crate::support::{Engine, serve_db, spawn_app};
use linli_store::{Db, DbConfig};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP forwarder to `upstream` that can be switched off: then it closes every connection
/// it carries and refuses new ones, as a server that went away.
struct Switch {
    addr: String,
    up: watch::Sender<bool>,
}

impl Switch {
    async fn start(upstream: String) -> Switch {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (up, rx) = watch::channel(true);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !*rx.borrow() {
                    continue; // dropped: the client sees the connection closed
                }
                let mut rx = rx.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = rx.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Switch { addr, up }
    }

    fn set(&self, up: bool) {
        self.up.send_replace(up);
    }
}

/// `127.0.0.1:55432` out of `postgres://user@127.0.0.1:55432/db?…`.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

async fn get(url: String, token: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgresql_is_unreachable_linli_answers_503_and_recovers() {
    let Some(app) = spawn_app(Engine::Postgres).await else {
        return; // TestDb has said why (no LINLI_TEST_PG_URL)
    };
    let token = app.token("admin").await;
    let upstream = host_port(&app.test_db.url);
    let switch = Switch::start(upstream.clone()).await;
    let url = app.test_db.url.replacen(&upstream, &switch.addr, 1);
    let db =
        tokio::task::spawn_blocking(move || Db::open(&DbConfig::new(url)).unwrap()).await.unwrap();
    let base = serve_db(db, app.clock.clone()).await;
    let residents = format!("{base}/api/v1/residents");

    let res = get(residents.clone(), Some(&token)).await;
    assert_eq!(res.status(), StatusCode::OK, "through the proxy, while it is up");

    switch.set(false);
    for _ in 0..3 {
        let res = get(residents.clone(), Some(&token)).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "not 500");
        assert!(res.headers().contains_key(RETRY_AFTER), "says when to retry");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "db_unavailable", "{body}");
    }
    for probe in ["/healthz", "/readyz"] {
        let res = get(format!("{base}{probe}"), None).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{probe}");
        assert!(res.headers().contains_key(RETRY_AFTER), "{probe}");
    }
    // A worker signing in meanwhile reads why, in Chinese, on a page of the site.
    let mut browser = app.browser();
    browser.base = base.clone();
    let res = browser.login("admin", crate::support::PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key(RETRY_AFTER));
    let page = res.text().await.unwrap();
    assert!(page.contains("暂时连不上数据库"), "{page}");

    // Back: the pool drops its dead connections and answers again by itself.
    switch.set(true);
    let mut answered = None;
    for _ in 0..5 {
        let status = get(residents.clone(), Some(&token)).await.status();
        if status == StatusCode::OK {
            answered = Some(status);
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!(answered, Some(StatusCode::OK), "recovered without a restart");
    let res = get(format!("{base}/readyz"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[test]
fn the_server_address_is_read_out_of_the_url() {
    assert_eq!(
        host_port("postgres://postgres@127.0.0.1:55432/linli_t_1?sslmode=disable"),
        "127.0.0.1:55432"
    );
    assert_eq!(host_port("postgres://u:p@db.local:5432/x"), "db.local:5432");
}
