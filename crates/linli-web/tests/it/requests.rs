//! What one request costs the database: statements stay prepared from one request to the next
//! (nothing prepared or compiled again), a signed-in read is one transaction of a few
//! statements, and the caller read for one request serves the next ones until an account
//! changes.

use crate::both_engines;
use crate::support::{Engine, app_and_token};
use reqwest::StatusCode;

both_engines!(
    a_repeated_read_prepares_and_compiles_nothing_again,
    a_signed_in_read_is_one_transaction_of_few_statements,
    a_kept_caller_does_not_outlive_its_session,
);

async fn resident_ids(app: &crate::support::TestApp, token: &str) -> Vec<i64> {
    let v = app.get_ok(token, "/api/v1/residents").await;
    v["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

async fn a_repeated_read_prepares_and_compiles_nothing_again(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let ids = resident_ids(&app, &token).await;
    assert!(ids.len() >= 3, "{ids:?}");
    // The first requests prepare their statements on the connection the next ones reuse.
    for id in &ids[..2] {
        app.get_ok(&token, &format!("/api/v1/residents/{id}")).await;
    }
    assert_eq!(app.api_get(&token, "/api/v1/residents?q=王").await.0, StatusCode::OK);

    let before = app.db.counts();
    app.get_ok(&token, &format!("/api/v1/residents/{}", ids[2])).await;
    assert_eq!(app.api_get(&token, "/api/v1/residents?q=李").await.0, StatusCode::OK);
    let spent = app.db.counts().since(before);
    assert!(spent.statements > 0, "{spent:?}");
    assert_eq!(spent.prepares, 0, "prepared again: {spent:?}");
    assert_eq!(spent.reprepares, 0, "compiled again by the engine: {spent:?}");
}

async fn a_signed_in_read_is_one_transaction_of_few_statements(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let ids = resident_ids(&app, &token).await;
    let path = format!("/api/v1/residents/{}", ids[0]);
    assert_eq!(app.api_get(&token, &path).await.0, StatusCode::OK);

    let before = app.db.counts();
    app.get_ok(&token, &path).await;
    let spent = app.db.counts().since(before);
    // The session, its grants and community were read by the request before.
    assert_eq!(spent.transactions, 1, "{spent:?}");
    assert!(spent.statements <= 3, "{spent:?}");
}

async fn a_kept_caller_does_not_outlive_its_session(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    // Used now: the instance keeps her caller for the next requests.
    assert_eq!(app.api_get(&token, "/api/v1/me").await.0, StatusCode::OK);
    // A bearer token lives 30 days (Config::token_days): a minute past that it is refused,
    // kept caller or not.
    app.clock.advance(chrono::Duration::days(30) + chrono::Duration::minutes(1));
    assert_eq!(app.api_get(&token, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
}
