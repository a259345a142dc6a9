//! A streaming replica (hot standby): the figures are read from it, writes and the records a
//! user works on go to the primary, and `/readyz` says how far behind it is. Needs a standby
//! of the test server: `LINLI_TEST_PG_REPLICA_URL` names it (CI starts one with
//! `pg_basebackup -R`).

use crate::support::{Engine, TestApp, TestDb, serve_test_db};
use linli_store::{Db, DbConfig};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

fn replica_admin_url() -> Option<String> {
    match std::env::var("LINLI_TEST_PG_REPLICA_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("LINLI_REQUIRE_PG_REPLICA").as_deref() == Ok("1") {
                panic!(
                    "LINLI_REQUIRE_PG_REPLICA=1 but LINLI_TEST_PG_REPLICA_URL is not set: the replica test cannot run"
                );
            }
            eprintln!(
                "skipping the replica test: LINLI_TEST_PG_REPLICA_URL is not set (a hot standby of the LINLI_TEST_PG_URL server; CI starts one)"
            );
            None
        }
    }
}

/// Waits until the standby has replayed the new database and its seed (streaming takes a
/// moment), at most 30 s.
fn wait_for_replay(url: &str) {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let seeded = postgres::Client::connect(url, postgres::NoTls)
            .and_then(|mut c| c.query_one("SELECT COUNT(*) FROM users", &[]))
            .map(|r| r.get::<_, i64>(0) > 0)
            .unwrap_or(false);
        if seeded {
            return;
        }
        assert!(Instant::now() < until, "the standby did not replay the test database within 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The community's indicators through the API, answered.
async fn read_the_figures(app: &TestApp, token: &str) {
    let (status, v) = app.indicators(token, "2026-01-01", "2026-11-27").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["indicators"]["registry.residents"].is_number(), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_are_read_from_the_replica_and_writes_go_to_the_primary() {
    let Some(replica_admin) = replica_admin_url() else {
        return;
    };
    let Some(test_db) = TestDb::new(Engine::Postgres).await else {
        return;
    };
    drop(test_db.open_seeded().await);
    let replica = test_db.on_server(&replica_admin).unwrap();
    let primary = test_db.url.clone();
    let db = tokio::task::spawn_blocking(move || {
        wait_for_replay(&replica);
        let mut config = DbConfig::new(primary);
        config.replica_url = Some(replica);
        let db = Db::open(&config).unwrap();
        // Measured now (the watching thread measures every second on its own).
        assert!(
            matches!(db.replica_lag(), Some(linli_store::ReplicaLag::Behind(_))),
            "the standby answers"
        );
        db
    })
    .await
    .unwrap();
    let app = serve_test_db(test_db, db.clone()).await;
    let token = app.token("admin").await;

    // The figures: from the replica, nothing from the primary but the caller.
    let (p0, r0) = (db.counts(), db.replica_counts().unwrap());
    read_the_figures(&app, &token).await;
    let on_replica = db.replica_counts().unwrap().since(r0);
    assert_eq!(on_replica.transactions, 1, "{on_replica:?}");
    assert!(on_replica.statements > 5, "{on_replica:?}");
    assert!(
        db.counts().since(p0).transactions <= 1,
        "at most the caller's session from the primary"
    );

    // A write, and the record read back: the primary only.
    let r1 = db.replica_counts().unwrap();
    let created = app.created(&token, "/api/v1/residents", json!({"name": "周备库"})).await;
    let id = created["id"].as_i64().unwrap();
    let (status, v) = app.api_get(&token, &format!("/api/v1/residents/{id}")).await;
    assert_eq!(status, StatusCode::OK, "read back at once: {v}");
    assert_eq!(v["name"], "周备库");
    assert_eq!(db.replica_counts().unwrap().since(r1).transactions, 0);

    // Ready, with the replica's distance from the primary.
    let ready = app.public_get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let text = ready.text().await.unwrap();
    assert!(text.contains("replica: ") && text.contains("behind the primary"), "{text}");
}

/// A standby that is down does not keep the service from starting, and the figures are read
/// from the primary meanwhile; `/readyz` says so. Needs only the primary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_is_down_leaves_the_figures_to_the_primary() {
    let Some(test_db) = TestDb::new(Engine::Postgres).await else {
        return;
    };
    drop(test_db.open_seeded().await);
    let primary = test_db.url.clone();
    let db = tokio::task::spawn_blocking(move || {
        let mut config = DbConfig::new(primary);
        // Nothing listens on port 1: refused at once.
        config.replica_url = Some("postgres://postgres@127.0.0.1:1/linli".into());
        let db = Db::open(&config).expect("the service starts without its standby");
        assert_eq!(db.replica_lag(), Some(linli_store::ReplicaLag::Unreachable));
        db
    })
    .await
    .unwrap();
    let app = serve_test_db(test_db, db.clone()).await;
    let token = app.token("admin").await;
    let p0 = db.counts();
    read_the_figures(&app, &token).await;
    assert_eq!(db.replica_counts().unwrap().transactions, 0);
    assert!(db.counts().since(p0).statements > 5, "the figures came from the primary");
    let ready = app.public_get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let text = ready.text().await.unwrap();
    assert!(text.contains("replica: unreachable"), "{text}");
}

#[test]
fn a_replica_is_refused_for_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = DbConfig::new(dir.path().join("l.db").to_string_lossy().to_string());
    config.replica_url = Some("postgres://postgres@127.0.0.1:1/x".into());
    let e = Db::open(&config).err().unwrap();
    assert_eq!(e.code(), "bad_database_url", "{e}");
}
