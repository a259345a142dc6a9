//! One deployment, two communities: an object of community A is not found through community B,
//! whatever id B's staff type. The store filters every read and write by the caller's
//! community (`linli_store::Tenant`), so these answer 404 (or name no one), never A's record.

use crate::both_engines;
use crate::support::{Engine, TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both_engines!(
    the_fund_of_another_community_is_not_found,
    residents_of_another_community_are_not_found,
    accounts_cannot_be_made_on_another_communitys_places,
    cases_and_applications_of_another_community_are_not_found,
);

async fn resident(app: &TestApp, name: &'static str) -> i64 {
    app.resident_id(name).await
}

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    app.api(token, method, path, body).await
}

async fn the_fund_of_another_community_is_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Community A (the demo's Xx社区): a decision, a gift and an approved request.
    let admin = app.token("admin").await;
    let decision = json!({"decided_on": "2011-03-15", "basis": "residents", "eligible": 150, "attendance": 86, "resolution": "成立爱心基金"});
    let (status, _) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/fund/decisions",
        Some(decision.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let mi = resident(&app, "米丽芳").await;
    let (status, gift) = call(&app, &admin, Method::POST, "/api/v1/fund/donations",
        Some(json!({"donor_kind": "resident", "donor_resident_id": mi, "amount_fen": 50_000, "method": "cash", "received_on": "2026-11-20"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{gift}");
    let xia = resident(&app, "夏胜林").await;
    let (status, req) = call(
        &app,
        &admin,
        Method::POST,
        "/api/v1/fund/disbursements",
        Some(json!({"beneficiary_resident_id": xia, "amount_fen": 8_000, "purpose": "medical"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{req}");
    let req = req["id"].as_i64().unwrap();
    let (_, entries) = call(&app, &admin, Method::GET, "/api/v1/fund/entries", None).await;
    let entry = entries["items"][0]["id"].as_i64().unwrap();

    // Community B, with a fund of its own.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let (status, _) = call(
        &app,
        &other,
        Method::POST,
        "/api/v1/fund/decisions",
        Some(decision),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    for path in [
        format!("/api/v1/fund/disbursements/{req}/approve"),
        format!("/api/v1/fund/disbursements/{req}/pay"),
    ] {
        let (status, body) = call(&app, &other, Method::POST, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, body) = call(
        &app,
        &other,
        Method::POST,
        &format!("/api/v1/fund/entries/{entry}/reverse"),
        Some(json!({"reason": "试试"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // A's residents are nobody B can name as donor or beneficiary.
    let (status, body) = call(&app, &other, Method::POST, "/api/v1/fund/donations",
        Some(json!({"donor_kind": "resident", "donor_resident_id": mi, "amount_fen": 100, "method": "cash", "received_on": "2026-11-20"}))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("donor_resident_missing")
        )
    );
    let (status, body) = call(
        &app,
        &other,
        Method::POST,
        "/api/v1/fund/disbursements",
        Some(json!({"beneficiary_resident_id": xia, "amount_fen": 100, "purpose": "medical"})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("beneficiary_missing")
        )
    );
    // B's own fund shows none of A's money.
    let (_, b) = call(&app, &other, Method::GET, "/api/v1/fund/balance", None).await;
    assert_eq!(b["balance_fen"], 0);
    let mut page = app.signed_in("dongfeng").await;
    let gift = gift["id"].as_i64().unwrap();
    assert_eq!(
        page.get(&format!("/fund/donations/{gift}/receipt"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // A's request is untouched.
    let (_, list) = call(&app, &admin, Method::GET, "/api/v1/fund/entries", None).await;
    assert_eq!(list["total"], entries["total"]);
}

async fn residents_of_another_community_are_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.second_community("dongfeng").await;
    let xia = resident(&app, "夏胜林").await;
    let other = app.token("dongfeng").await;
    let (status, _) = call(
        &app,
        &other,
        Method::GET,
        &format!("/api/v1/residents/{xia}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut page = app.signed_in("dongfeng").await;
    assert_eq!(
        page.get(&format!("/residents/{xia}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = call(
        &app,
        &other,
        Method::GET,
        "/api/v1/residents?q=夏胜林",
        None,
    )
    .await;
    assert_eq!(list["total"], 0, "{list}");
}

async fn accounts_cannot_be_made_on_another_communitys_places(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.second_community("dongfeng").await;
    let building = app.place_id("building", "3号楼").await;
    let other = app.token("dongfeng").await;
    let (status, body) = call(&app, &other, Method::POST, "/api/v1/users",
        Some(json!({"username": "louzhang9", "password": "楼长的密码2026", "role": "building_head", "scope_place_id": building}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE username = 'louzhang9'")
            .await,
        0
    );
}

async fn cases_and_applications_of_another_community_are_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let worker = app.token("wangge1").await;
    let xia = resident(&app, "夏胜林").await;
    let (status, case) = call(
        &app,
        &worker,
        Method::POST,
        "/api/v1/cases",
        Some(json!({"resident_id": xia, "kinds": ["unemployment"], "summary": "夫妻下岗"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let case = case["id"].as_i64().unwrap();
    let (status, appl) = call(&app, &worker, Method::POST, "/api/v1/applications",
        Some(json!({"resident_id": xia, "kind": "dibao", "accepted_on": "2026-11-02", "case_id": case}))).await;
    assert_eq!(status, StatusCode::CREATED, "{appl}");
    let appl = appl["id"].as_i64().unwrap();
    let (_, detail) = call(
        &app,
        &worker,
        Method::GET,
        &format!("/api/v1/applications/{appl}"),
        None,
    )
    .await;
    let step_id = detail["steps"][1]["id"].as_i64().unwrap();

    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    for path in [
        format!("/api/v1/cases/{case}"),
        format!("/api/v1/applications/{appl}"),
    ] {
        let (status, _) = call(&app, &other, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, body) = call(
        &app,
        &other,
        Method::POST,
        "/api/v1/help-records",
        Some(json!({"case_id": case, "kind": "visit", "on": "2026-11-20"})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("case_missing"))
    );
    let (status, _) = call(
        &app,
        &other,
        Method::POST,
        &format!("/api/v1/applications/{appl}/steps"),
        Some(json!({"step_id": step_id, "done_on": "2026-11-20"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(
        &app,
        &other,
        Method::POST,
        "/api/v1/applications",
        Some(json!({"resident_id": xia, "kind": "dibao", "accepted_on": "2026-11-02"})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("case_person_missing")
        )
    );
    let mut page = app.signed_in("dongfeng").await;
    assert_eq!(
        page.get(&format!("/cases/{case}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        page.get(&format!("/applications/{appl}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = call(&app, &other, Method::GET, "/api/v1/cases", None).await;
    assert_eq!(list["total"], 0);
    // Nothing of A's changed: the step is still open.
    let (_, detail) = call(
        &app,
        &worker,
        Method::GET,
        &format!("/api/v1/applications/{appl}"),
        None,
    )
    .await;
    assert!(detail["steps"][1]["done_on"].is_null(), "{detail}");
}
