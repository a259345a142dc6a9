//! A request that cannot get the database writer within the configured wait answers 503 with
//! `Retry-After`, as JSON under /api and as a page elsewhere. The writer is held by a blocking
//! write that waits on a channel, so nothing here depends on timing beyond the (tiny) wait.

use crate::support::{Browser, Engine, PASSWORD, TestDb, start_time};
use linli_core::ManualClock;
use linli_store::{Db, DbConfig, StoreError, migrate};
use linli_web::{AppState, Config, build_app};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value;
use std::sync::{Arc, mpsc};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_writer_answers_503_with_retry_after() {
    let test_db = TestDb::new(Engine::Sqlite).await.unwrap();
    let url = test_db.url.clone();
    let db = tokio::task::spawn_blocking(move || {
        let mut config = DbConfig::new(url);
        config.busy_timeout = Duration::from_millis(50);
        let db = Db::open(&config).unwrap();
        migrate::migrate(&db).unwrap();
        linli_demo::seed_story_people(&db, chrono::Utc::now()).unwrap();
        db
    })
    .await
    .unwrap();
    let app = build_app(AppState::new(
        db.clone(),
        Arc::new(ManualClock::new(start_time())),
        Config::default(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // A signed-in browser (signing in writes, so before the writer is held) with its CSRF token.
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut browser = Browser { http: http.clone(), base: base.clone(), cookies: Vec::new() };
    assert_eq!(browser.login("admin", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let csrf = browser.csrf().await;

    // Hold the one SQLite writer until told to let go.
    let (held_tx, held_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let holder = {
        let db = db.clone();
        std::thread::spawn(move || {
            db.write_blocking(|_| {
                held_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                Ok::<_, StoreError>(())
            })
            .unwrap();
        })
    };
    tokio::task::spawn_blocking(move || held_rx.recv().unwrap()).await.unwrap();

    // The API: issuing a token writes a session.
    let res = ask_for_a_token(&http, &base).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[RETRY_AFTER], "1");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "busy");
    assert!(body["error"]["message"].as_str().unwrap().contains("繁忙"));

    // A page: signing out writes (the session is deleted, the sign-out audited).
    let res = browser
        .post_form_with("/logout", &[("_csrf", csrf.as_str())], &[("accept-language", "en")])
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[RETRY_AFTER], "1");
    assert!(res.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(html.contains("繁忙") || html.contains("busy"), "{html}");

    // Signing in writes a session: the sign-in form says "busy", not "internal error".
    let mut stranger = Browser { http: http.clone(), base: base.clone(), cookies: Vec::new() };
    let res = stranger.login("admin", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[RETRY_AFTER], "1");
    let html = res.text().await.unwrap();
    assert!(html.contains("繁忙"), "{html}");

    // Once the writer is free, the same request succeeds.
    release_tx.send(()).unwrap();
    tokio::task::spawn_blocking(move || holder.join().unwrap()).await.unwrap();
    let res = ask_for_a_token(&http, &base).await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// `POST /api/v1/auth/token` for admin: issuing a token writes a session.
async fn ask_for_a_token(http: &reqwest::Client, base: &str) -> reqwest::Response {
    http.post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
}
