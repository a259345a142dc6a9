//! Every id in a request body is resolved within the caller's scope and community, or refused
//! (issue 13, items 4 and 10): a household of another grid, a case that is not there or belongs
//! to another community, a station keeper the worker cannot see; and money over the fund's cap.

use crate::both_engines;
use crate::support::{Engine, TestApp, app_and_token};
use reqwest::StatusCode;
use serde_json::json;

both_engines!(
    a_household_of_another_grid_is_refused,
    a_payment_request_cites_only_a_case_of_the_community,
    an_application_cites_only_a_case_of_the_community,
    a_station_keeper_is_a_resident_the_worker_looks_after_and_is_published_only_with_consent,
    help_in_cash_is_capped_like_the_fund,
);

/// A household outside 第一网格 (wangge1's grid).
async fn household_outside_grid_one(app: &TestApp) -> i64 {
    app.count(
        "SELECT h.id FROM households h JOIN places u ON u.id = h.unit_id
         WHERE u.path NOT LIKE (SELECT path FROM places WHERE name = '第一网格') || '%'
         ORDER BY h.id LIMIT 1",
    )
    .await
}

async fn a_household_of_another_grid_is_refused(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let foreign = household_outside_grid_one(&app).await;
    assert!(foreign > 0, "the fixture has a household outside the grid");
    // A unit of her own grid, with another grid's household: scope was checked on the unit only.
    let own_unit = app
        .count(
            "SELECT u.id FROM places u WHERE u.kind = 'unit'
             AND u.path LIKE (SELECT path FROM places WHERE name = '第一网格') || '%'
             ORDER BY u.id LIMIT 1",
        )
        .await;
    let before = app.count("SELECT COUNT(*) FROM residents").await;
    for household in [foreign, 999_999] {
        let (status, body) = app
            .api_post(&worker, "/api/v1/residents", json!({"name": "周借户", "unit_id": own_unit, "household_id": household, "relation": "其他"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("household"), "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM residents").await, before);
}

async fn a_payment_request_cites_only_a_case_of_the_community(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let xia = app.resident_id("夏胜林").await;
    for case_id in [999_999_i64, -1] {
        let (status, body) = app
            .api_post(&worker, "/api/v1/fund/disbursements", json!({"beneficiary_resident_id": xia, "amount_fen": 50_000, "purpose": "medical", "case_id": case_id}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"]["field"], "case_id", "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM fund_disbursements").await, 0, "nothing recorded");
}

async fn an_application_cites_only_a_case_of_the_community(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let xia = app.resident_id("夏胜林").await;
    let (status, body) = app
        .api_post(&worker, "/api/v1/applications", json!({"resident_id": xia, "kind": "temporary_aid", "accepted_on": "2026-11-20", "case_id": 999_999}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["field"], "case_id", "{body}");
}

async fn a_station_keeper_is_a_resident_the_worker_looks_after_and_is_published_only_with_consent(
    engine: Engine,
) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let outside = app
        .count(
            "SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id
             JOIN places u ON u.id = h.unit_id
             WHERE u.path NOT LIKE (SELECT path FROM places WHERE name = '第一网格') || '%'
             ORDER BY r.id LIMIT 1",
        )
        .await;
    assert!(outside > 0);
    let (status, body) = app
        .api_post(
            &worker,
            "/api/v1/stations",
            json!({"name": "便民修鞋点", "services": "修鞋", "keeper_resident_id": outside}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["field"], "keeper_resident_id");

    // A keeper the admin may name, without consent to publish the name: the public page
    // shows the station, not the person.
    let admin = app.token("admin").await;
    let keeper = app.resident_id("米丽芳").await;
    app.execute(
        "UPDATE residents SET consent_publish_name = 0 WHERE id = ?",
        linli_store::params![keeper],
    )
    .await;
    app.created(
        &admin,
        "/api/v1/stations",
        json!({"name": "爱心理发点", "services": "理发", "keeper_resident_id": keeper}),
    )
    .await;
    let (status, html) = app.browser().get_text("/public/stations").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("爱心理发点"), "the station is public");
    assert!(!html.contains("米丽芳"), "her name is not, without her consent");
}

async fn help_in_cash_is_capped_like_the_fund(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let case = crate::assistance::open_case(&app, &worker, "夏胜林", false).await;
    let (status, body) = app
        .api_post(
            &worker,
            "/api/v1/help-records",
            json!({"case_id": case, "kind": "cash", "on": "2026-11-20", "amount_fen": i64::MAX}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["field"], "amount_fen");
    app.created(
        &worker,
        "/api/v1/help-records",
        json!({"case_id": case, "kind": "cash", "on": "2026-11-20", "amount_fen": 50_000}),
    )
    .await;
}
