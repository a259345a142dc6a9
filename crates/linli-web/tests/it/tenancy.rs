//! One deployment, two communities: an object of community A is not found through community B,
//! whatever id B's staff type. The store filters every read and write by the caller's
//! community (`linli_store::Tenant`), so these answer 404 (or name no one), never A's record.

use crate::both_engines;
use crate::support::{Engine, Staff, TestApp, app_and_browser, app_and_token, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both_engines!(
    the_fund_of_another_community_is_not_found,
    residents_of_another_community_are_not_found,
    accounts_cannot_be_made_on_another_communitys_places,
    cases_and_applications_of_another_community_are_not_found,
);

async fn the_fund_of_another_community_is_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Community A (the demo's Xx社区): a decision, a gift and an approved request.
    let admin = app.token("admin").await;
    let decision = json!({"decided_on": "2011-03-15", "basis": "residents", "eligible": 150, "attendance": 86, "resolution": "成立爱心基金"});
    app.created(&admin, "/api/v1/fund/decisions", decision.clone()).await;
    let mi = app.resident_id("米丽芳").await;
    let gift = app.created(&admin, "/api/v1/fund/donations", json!({"donor_kind": "resident", "donor_resident_id": mi, "amount_fen": 50_000, "method": "cash", "received_on": "2026-11-20"})).await;
    let xia = app.resident_id("夏胜林").await;
    let req = app.fund_request(&admin, xia, 8_000).await;
    let (_, entries) = app.api_get(&admin, "/api/v1/fund/entries").await;
    let entry = entries["items"][0]["id"].as_i64().unwrap();

    // Community B, with a fund of its own.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    app.created(&other, "/api/v1/fund/decisions", decision).await;

    for path in [
        format!("/api/v1/fund/disbursements/{req}/approve"),
        format!("/api/v1/fund/disbursements/{req}/pay"),
    ] {
        let (status, body) = app.api_act(&other, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, body) = app
        .api_post(
            &other,
            &format!("/api/v1/fund/entries/{entry}/reverse"),
            json!({"reason": "试试"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // A's residents are nobody B can name as donor or beneficiary.
    app.post_refused(&other, "/api/v1/fund/donations", json!({"donor_kind": "resident", "donor_resident_id": mi, "amount_fen": 100, "method": "cash", "received_on": "2026-11-20"}), StatusCode::UNPROCESSABLE_ENTITY, "donor_resident_missing").await;
    app.post_refused(
        &other,
        "/api/v1/fund/disbursements",
        json!({"beneficiary_resident_id": xia, "amount_fen": 100, "purpose": "medical"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "beneficiary_missing",
    )
    .await;
    // B's own fund shows none of A's money.
    let (_, b) = app.api_get(&other, "/api/v1/fund/balance").await;
    assert_eq!(b["balance_fen"], 0);
    let mut page = app.signed_in("dongfeng").await;
    let gift = gift["id"].as_i64().unwrap();
    assert_eq!(
        page.get(&format!("/fund/donations/{gift}/receipt")).await.status(),
        StatusCode::NOT_FOUND
    );
    // A's request is untouched.
    let (_, list) = app.api_get(&admin, "/api/v1/fund/entries").await;
    assert_eq!(list["total"], entries["total"]);
}

async fn residents_of_another_community_are_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.second_community("dongfeng").await;
    let xia = app.resident_id("夏胜林").await;
    let other = app.token("dongfeng").await;
    let (status, _) = app.api_get(&other, &format!("/api/v1/residents/{xia}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut page = app.signed_in("dongfeng").await;
    assert_eq!(page.get(&format!("/residents/{xia}")).await.status(), StatusCode::NOT_FOUND);
    let (_, list) = app.api_get(&other, "/api/v1/residents?q=夏胜林").await;
    assert_eq!(list["total"], 0, "{list}");
}

async fn accounts_cannot_be_made_on_another_communitys_places(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.second_community("dongfeng").await;
    let building = app.place_id("building", "3号楼").await;
    let other = app.token("dongfeng").await;
    let (status, body) = app.api_post(&other, "/api/v1/users", json!({"username": "louzhang9", "password": "楼长的密码2026", "role": "building_head", "scope_place_id": building})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE username = 'louzhang9'").await, 0);
}

async fn cases_and_applications_of_another_community_are_not_found(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let xia = app.resident_id("夏胜林").await;
    let case = app
        .created(
            &worker,
            "/api/v1/cases",
            json!({"resident_id": xia, "kinds": ["unemployment"], "summary": "夫妻下岗"}),
        )
        .await;
    let case = case["id"].as_i64().unwrap();
    let appl = app.created(&worker, "/api/v1/applications", json!({"resident_id": xia, "kind": "dibao", "accepted_on": "2026-11-02", "case_id": case})).await;
    let appl = appl["id"].as_i64().unwrap();
    let (_, detail) = app.api_get(&worker, &format!("/api/v1/applications/{appl}")).await;
    let step_id = detail["steps"][1]["id"].as_i64().unwrap();

    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    for path in [format!("/api/v1/cases/{case}"), format!("/api/v1/applications/{appl}")] {
        let (status, _) = app.api_get(&other, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    app.post_refused(
        &other,
        "/api/v1/help-records",
        json!({"case_id": case, "kind": "visit", "on": "2026-11-20"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "case_missing",
    )
    .await;
    let (status, _) = app
        .api_post(
            &other,
            &format!("/api/v1/applications/{appl}/steps"),
            json!({"step_id": step_id, "done_on": "2026-11-20"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.post_refused(
        &other,
        "/api/v1/applications",
        json!({"resident_id": xia, "kind": "dibao", "accepted_on": "2026-11-02"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "case_person_missing",
    )
    .await;
    let mut page = app.signed_in("dongfeng").await;
    page.assert_not_found(&[format!("/cases/{case}"), format!("/applications/{appl}")]).await;
    let (_, list) = app.api_get(&other, "/api/v1/cases").await;
    assert_eq!(list["total"], 0);
    // Nothing of A's changed: the step is still open.
    let (_, detail) = app.api_get(&worker, &format!("/api/v1/applications/{appl}")).await;
    assert!(detail["steps"][1]["done_on"].is_null(), "{detail}");
}

// ---- every module: the demo community (B) holds the records; 东风社区 (A) has an
// administrator and a grid worker, who find none of them ----

both_engines!(
    corridors_inspections_boards_and_checklists_of_another_community_are_not_found,
    volunteers_and_their_records_of_another_community_are_not_found,
    places_of_another_community_are_neither_found_nor_moved,
    another_communitys_reports_ledgers_and_audit_log_count_nothing_of_ours,
    a_calendar_year_one_community_loads_is_not_another_communitys,
    another_communitys_dibao_register_and_portal_are_not_ours,
);

/// An id no table will reach in a test: what a record that does not exist answers.
const NEVER: i64 = 987_654_321;

/// Each account in `staff` is answered 404 on `path`, which names a record of the other
/// community: not 403, which would confirm that the id exists.
async fn api_not_found(
    app: &TestApp,
    staff: &[Staff],
    method: Method,
    path: &str,
    body: Option<Value>,
) {
    for s in staff {
        let (status, v) = app.api(&s.token, method.clone(), path, body.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{} {method} {path}: {v}", s.role);
    }
}

/// A write whose body names the other community's record (`body(id)`) is refused exactly as
/// one naming a record that never existed.
async fn refused_as_if_missing(
    app: &TestApp,
    staff: &[Staff],
    path: &str,
    body: impl Fn(i64) -> Value,
    id: i64,
) {
    for s in staff {
        let (status, v) = app.api_post(&s.token, path, body(id)).await;
        let (never, n) = app.api_post(&s.token, path, body(NEVER)).await;
        assert!(status.is_client_error(), "{} {path}: {status} {v}", s.role);
        assert_eq!(
            (status, &v["error"]["code"]),
            (never, &n["error"]["code"]),
            "{} {path}: the other community's id answers as a missing one",
            s.role
        );
    }
}

/// Each account's page at `path` (naming the other community's record) is 404.
async fn page_not_found(staff: &mut [Staff], path: &str) {
    for s in staff {
        let (status, _) = s.page.get_text(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{} GET {path}", s.role);
    }
}

/// Each account's form posted to `path` (naming the other community's record) is 404.
async fn form_not_found(staff: &mut [Staff], path: &str, form: &[(&str, &str)]) {
    for s in staff {
        let csrf = s.page.csrf().await;
        let mut fields = vec![("_csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        let res = s.page.post_form(path, &fields).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{} POST {path}", s.role);
    }
}

/// Each account's page at `path` opens and says none of `words`.
async fn page_without(staff: &mut [Staff], path: &str, words: &[&str]) {
    for s in staff {
        let (status, html) = s.page.get_text(path).await;
        assert_eq!(status, StatusCode::OK, "{} GET {path}", s.role);
        for w in words {
            assert!(!html.contains(w), "{} GET {path} shows {w}", s.role);
        }
    }
}

/// Each account's list at `path` has no items.
async fn api_list_empty(app: &TestApp, staff: &[Staff], path: &str) {
    for s in staff {
        let (status, v) = app.api_get(&s.token, path).await;
        assert_eq!(status, StatusCode::OK, "{} {path}: {v}", s.role);
        let items = v["items"].as_array().or(v["rows"].as_array());
        assert_eq!(items.map(Vec::len), Some(0), "{} {path}: {v}", s.role);
    }
}

/// The indicators the other community's administrator reads: every figure is zero or none.
async fn figures_are_zero(app: &TestApp, token: &str) {
    let (status, v) = app.indicators(token, "2026-01-01", "2026-12-31").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let figures = v["indicators"].as_object().unwrap();
    assert!(!figures.is_empty());
    for (key, value) in figures {
        assert!(
            value.is_null() || value.as_f64() == Some(0.0),
            "{key} counts another community's records: {value}"
        );
    }
}

async fn corridors_inspections_boards_and_checklists_of_another_community_are_not_found(
    engine: Engine,
) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let (_, list) = app.api_get(&admin, "/api/v1/corridors").await;
    let corridor = list["items"][0].clone();
    let k = corridor["id"].as_i64().unwrap();
    let r = app
        .created(
            &admin,
            "/api/v1/corridor-inspections",
            json!({"corridor_id": k, "on": "2026-11-20", "failed": ["lights"]}),
        )
        .await;
    let inspection = r["id"].as_i64().unwrap();
    let (mut page, csrf) = app.signed_in_with_csrf("admin").await;
    page.post_form_redirected(
        &format!("/corridors/{k}/boards"),
        &[
            ("_csrf", &csrf),
            ("theme", "science"),
            ("title", "冬季取暖小常识"),
            ("content", "图书馆志愿者每月来教。"),
        ],
    )
    .await;

    let mut staff = app.second_community_staff().await;
    api_list_empty(&app, &staff, "/api/v1/corridors").await;
    let inspections = app.count("SELECT COUNT(*) FROM corridor_inspections").await;
    refused_as_if_missing(
        &app,
        &staff,
        "/api/v1/corridor-inspections",
        |id| json!({"corridor_id": id, "on": "2026-11-21", "failed": []}),
        k,
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM corridor_inspections").await, inspections);
    page_not_found(&mut staff, &format!("/corridors/{k}")).await;
    form_not_found(
        &mut staff,
        &format!("/corridors/{k}/boards"),
        &[("theme", "science"), ("title", "改一改"), ("content", "改一改")],
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM corridor_board_history").await, 1);
    let affairs = app.count("SELECT COUNT(*) FROM affairs").await;
    form_not_found(
        &mut staff,
        &format!("/corridors/inspections/{inspection}/report"),
        &[("item", "lights")],
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM affairs").await, affairs);
    let name = corridor["name"].as_str().unwrap().to_string();
    let link = format!("/public/corridors/{k}\"");
    page_without(&mut staff, "/corridors", &[&name, "冬季取暖小常识"]).await;
    page_without(&mut staff[..1], "/corridors/qr", &[&link]).await;
    figures_are_zero(&app, &staff[0].token).await;

    // The checklist is each community's own: A's is not changed by ours, nor ours by A's.
    let (mut ours, csrf) = app.signed_in_with_csrf("admin").await;
    ours.post_form_redirected(
        "/corridors/settings",
        &[
            ("_csrf", &csrf),
            ("t2", "50"),
            ("t3", "60"),
            ("t4", "75"),
            ("t5", "95"),
            ("high_stars", "4"),
            ("high_last", "2"),
            ("stale_days", "14"),
            ("boards", "党建风采\n平安楼道"),
            ("items", "照明完好 40\n电动车不进楼道 60"),
        ],
    )
    .await;
    for s in &staff {
        let (_, items) = app.api_get(&s.token, "/api/v1/inspection-items").await;
        assert!(!items.to_string().contains("电动车不进楼道"), "{items}");
    }
    let (_, items) = app.api_get(&admin, "/api/v1/inspection-items").await;
    assert!(items.to_string().contains("电动车不进楼道"), "{items}");
}

async fn volunteers_and_their_records_of_another_community_are_not_found(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let created = |path: &'static str, body: Value| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let (status, v) = app.api_post(&admin, path, body).await;
            assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
            v
        }
    };
    let her = app.resident_id("陈玉兰").await;
    let v = created(
        "/api/v1/volunteers",
        json!({"resident_id": her, "consent": true, "skills": "读报"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let held = created("/api/v1/volunteer-activities", json!({"name": "寒假清理冰雪", "on": "2026-11-20", "place": "巷路", "content": "清理冰雪", "paid": false})).await["id"]
        .as_i64()
        .unwrap();
    let coming = created("/api/v1/volunteer-activities", json!({"name": "元旦前清扫楼道", "on": "2026-12-20", "place": "楼道", "content": "清扫", "paid": false})).await["id"]
        .as_i64()
        .unwrap();
    let service = created(
        "/api/v1/volunteer-services",
        json!({"activity_id": held, "volunteer_id": v, "hours": 3.5}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let certificate = created(
        "/api/v1/volunteer-certificates",
        json!({"volunteer_id": v, "from": "2026-01-01", "to": "2026-11-27"}),
    )
    .await;
    let group = created("/api/v1/groups", json!({"name": "夕阳红文学社", "kind": "literary"}))
        .await["id"]
        .as_i64()
        .unwrap();
    created("/api/v1/party-members", json!({"name": "周春燕", "unit_name": "东安区民政局", "branch": "民政局机关党支部", "reported_on": "2026-03-01"})).await;
    let jumin = app.token("jumin").await;
    let correction = app
        .created(
            &jumin,
            &format!("/api/v1/volunteers/{v}/corrections"),
            json!({"field": "skills", "value": "读报、剪纸", "reason": "还会剪纸"}),
        )
        .await;
    let correction = correction["id"].as_i64().unwrap();

    let mut staff = app.second_community_staff().await;
    api_not_found(&app, &staff, Method::GET, &format!("/api/v1/volunteers/{v}"), None).await;
    for path in ["/api/v1/volunteers", "/api/v1/groups", "/api/v1/party-members"] {
        api_list_empty(&app, &staff, path).await;
    }
    let services = app.count("SELECT COUNT(*) FROM volunteer_services").await;
    refused_as_if_missing(
        &app,
        &staff,
        "/api/v1/volunteer-services",
        |id| json!({"activity_id": id, "volunteer_id": id, "hours": 2.0}),
        held,
    )
    .await;
    refused_as_if_missing(
        &app,
        &staff,
        "/api/v1/volunteer-certificates",
        |id| json!({"volunteer_id": id, "from": "2026-01-01", "to": "2026-11-27"}),
        v,
    )
    .await;
    for (path, body) in [
        (format!("/api/v1/volunteer-services/{service}/check"), json!({"which": "in"})),
        (
            format!("/api/v1/volunteer-services/{service}/hours"),
            json!({"hours": 1.0, "reason": "记错了"}),
        ),
        (format!("/api/v1/volunteer-activities/{coming}/sign-up"), json!({"volunteer_id": v})),
        (
            format!("/api/v1/volunteers/{v}/corrections"),
            json!({"field": "skills", "value": "x", "reason": "x"}),
        ),
        (
            format!("/api/v1/volunteer-corrections/{correction}/decide"),
            json!({"decision": "accept"}),
        ),
    ] {
        api_not_found(&app, &staff, Method::POST, &path, Some(body)).await;
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM volunteer_services").await, services);
    assert_eq!(app.text("SELECT skills FROM volunteers").await, "读报");
    for path in [
        format!("/volunteers/{v}"),
        format!("/volunteers/activities/{held}"),
        format!("/volunteers/groups/{group}"),
    ] {
        page_not_found(&mut staff, &path).await;
    }
    if let Some(id) = certificate["id"].as_i64() {
        page_not_found(&mut staff, &format!("/volunteers/certificates/{id}")).await;
    }
    for (path, form) in [
        (format!("/volunteers/services/{service}/hours"), [("hours", "1"), ("reason", "记错了")]),
        (
            format!("/volunteers/corrections/{correction}/decide"),
            [("decision", "accept"), ("note", "")],
        ),
    ] {
        form_not_found(&mut staff, &path, &form).await;
    }
    assert_eq!(app.text("SELECT skills FROM volunteers").await, "读报");
    page_without(&mut staff, "/volunteers", &["陈玉兰"]).await;
    page_without(&mut staff, "/volunteers/activities", &["寒假清理冰雪", "元旦前清扫楼道"]).await;
    page_without(&mut staff, "/volunteers/groups", &["夕阳红文学社"]).await;
    page_without(&mut staff, "/volunteers/party", &["周春燕"]).await;
    figures_are_zero(&app, &staff[0].token).await;
}

async fn places_of_another_community_are_neither_found_nor_moved(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let building = app.place_id("building", "3号楼").await;
    let grid = app.place_id("grid", "第一网格").await;
    let community = app.place_id("community", "Xx社区").await;
    let mut staff = app.second_community_staff().await;
    let own_grid = app.place_id("grid", "东风第一网格").await;
    for s in &staff {
        let (_, list) = app.api_get(&s.token, "/api/v1/places").await;
        let names = list["items"].to_string();
        assert!(!names.contains("3号楼") && !names.contains("Xx社区"), "{} {names}", s.role);
    }
    api_not_found(&app, &staff, Method::GET, &format!("/api/v1/places/{building}"), None).await;
    api_not_found(
        &app,
        &staff,
        Method::GET,
        &format!("/api/v1/buildings/{building}/neighbor-cards"),
        None,
    )
    .await;
    let admin = &staff[..1];
    api_not_found(
        &app,
        admin,
        Method::PATCH,
        &format!("/api/v1/places/{building}"),
        Some(json!({"name": "3号楼（改）", "parent_id": own_grid})),
    )
    .await;
    refused_as_if_missing(
        &app,
        admin,
        "/api/v1/places",
        |id| json!({"kind": "building", "name": "偷来的楼", "parent_id": id}),
        grid,
    )
    .await;
    // Nor is A's own grid hung under our community.
    for parent in [community, NEVER] {
        let (status, v) = app
            .api(
                &admin[0].token,
                Method::PATCH,
                &format!("/api/v1/places/{own_grid}"),
                Some(json!({"parent_id": parent})),
            )
            .await;
        assert!(status.is_client_error() && status != StatusCode::FORBIDDEN, "{status} {v}");
    }
    page_not_found(&mut staff, &format!("/places/{building}")).await;
    form_not_found(
        &mut staff[..1],
        &format!("/places/{building}/rename"),
        &[("new_name", "3号楼（改）")],
    )
    .await;
    let own = own_grid.to_string();
    form_not_found(&mut staff[..1], &format!("/places/{building}/move"), &[("parent_id", &own)])
        .await;
    assert_eq!(app.place_id("building", "3号楼").await, building);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM places WHERE name = '偷来的楼' OR name = '3号楼（改）'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM places WHERE parent_id = (SELECT id FROM places WHERE name = '东风第一网格')").await, 0);
    page_without(&mut staff, "/places", &["3号楼", "Xx社区"]).await;
}

async fn another_communitys_reports_ledgers_and_audit_log_count_nothing_of_ours(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Ours: a case with a help record and a gift to the fund, in every ledger.
    let worker = app.token("wangge1").await;
    let xia = app.resident_id("夏胜林").await;
    let case = app.unemployment_case(&worker, xia, "夫妻下岗").await;
    app.created(
        &worker,
        "/api/v1/help-records",
        json!({"case_id": case["id"], "kind": "visit", "on": "2026-11-20"}),
    )
    .await;
    let mut ours = app.signed_in("admin").await;
    let res = ours.get("/reports/ledgers/help?year=2026").await;
    assert_eq!(res.headers()["x-linli-rows"], "1", "our ledger has the visit");
    let (_, mine) = ours.get_text("/audit").await;
    let request = app
        .text("SELECT request_id FROM audit_log WHERE request_id IS NOT NULL ORDER BY id DESC LIMIT 1")
        .await;
    assert!(mine.contains(&request), "our audit page has the visit");

    let mut staff = app.second_community_staff().await;
    figures_are_zero(&app, &staff[0].token).await;
    let summary = app.get_ok(&staff[0].token, "/api/v1/reports/summary?year=2026").await;
    let text = summary.to_string();
    assert!(!text.contains("Xx社区") && !text.contains("夏胜林"), "{text}");
    for s in staff.iter_mut() {
        for code in ["fund_ledger", "donors", "cases", "help", "courses", "placements"] {
            let res = s.page.get(&format!("/reports/ledgers/{code}?year=2026")).await;
            if res.status() == StatusCode::FORBIDDEN {
                continue;
            }
            assert_eq!(res.status(), StatusCode::OK, "{} {code}", s.role);
            let bytes = res.bytes().await.unwrap();
            let sheet =
                linli_io::read_table(&bytes, "x.xlsx", &linli_io::Limits::default()).unwrap();
            // The fund's book opens with the balance brought forward: none here.
            let rows: Vec<_> = sheet
                .rows
                .iter()
                .filter(|r| {
                    !(code == "fund_ledger" && r.cells[2] == "上期结余" && r.cells[6] == "0.00")
                })
                .collect();
            assert!(rows.is_empty(), "{} {code}: {rows:?}", s.role);
        }
    }
    page_without(&mut staff[..1], "/audit", &[&request]).await;
    page_without(&mut staff, "/reports", &["夏胜林"]).await;
    page_without(&mut staff[..1], "/reports/summary?year=2026", &["Xx社区", "夏胜林"]).await;
}

async fn a_calendar_year_one_community_loads_is_not_another_communitys(engine: Engine) {
    let Some((app, mut ours)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let res = crate::calendar::upload(&mut ours, crate::calendar::MADE_UP_2027).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let admin = app.token("admin").await;
    let (_, years) = app.api_get(&admin, "/api/v1/calendar/years").await;
    assert!(years.to_string().contains("2027-02-20"), "{years}");

    let mut staff = app.second_community_staff().await;
    let years = app.get_ok(&staff[0].token, "/api/v1/calendar/years").await;
    assert!(!years.to_string().contains("2027-02-20"), "{years}");
    page_without(&mut staff[..1], "/calendar", &["2027-02-20"]).await;
}

async fn another_communitys_dibao_register_and_portal_are_not_ours(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let xia = app.resident_id("夏胜林").await;
    let appl = app
        .created(
            &worker,
            "/api/v1/applications",
            json!({"resident_id": xia, "kind": "dibao", "accepted_on": "2026-11-02"}),
        )
        .await;
    let appl = appl["id"].as_i64().unwrap();
    let mut ours = app.signed_in("wangge1").await;
    let (_, register) = ours.get_text("/dibao").await;
    assert!(register.contains("夏胜林"), "our register lists him");

    let mut staff = app.second_community_staff().await;
    page_without(&mut staff, "/dibao", &["夏胜林"]).await;
    page_without(&mut staff, "/dibao/posting", &["夏胜林", "夏*"]).await;
    for (step, date) in [("authorisation", "authorised_on"), ("rechecks", "checked_on")] {
        let form = [(date, "2026-11-20"), ("note", "")];
        form_not_found(&mut staff, &format!("/applications/{appl}/{step}"), &form).await;
        let api = format!("/api/v1/applications/{appl}/{step}");
        let body = json!({ date: "2026-11-20" });
        api_not_found(&app, &staff, Method::POST, &api, Some(body)).await;
    }
    // A's portal settings are A's: our public page keeps its own.
    let (_, before) = app.browser().get_text("/public").await;
    let csrf = staff[0].page.csrf().await;
    let res = staff[0]
        .page
        .post_form("/settings/community", &[("_csrf", &csrf), ("contact_phone", "0451-99999999")])
        .await;
    assert!(res.status().is_redirection() || res.status().is_client_error(), "{}", res.status());
    let (_, after) = app.browser().get_text("/public").await;
    assert!(!after.contains("0451-99999999"));
    assert_eq!(before.contains("Xx社区"), after.contains("Xx社区"));
}
