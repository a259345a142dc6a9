//! Civilized corridors (issue 17, first part): inspections move a corridor's stars and its
//! high-standard status, a building head inspects only her buildings' corridors, a failed item
//! becomes an issue report in one step, boards keep their history, and the stairwell's public
//! page shows the boards and stars and nobody's name.

use crate::both_engines;
use crate::support::{Engine, TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both_engines!(
    inspections_move_the_stars_and_the_high_standard_status,
    a_building_head_inspects_only_her_buildings,
    a_failed_item_becomes_an_issue_and_boards_keep_their_history,
);

async fn corridors(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (status, v) = app
        .api(
            token,
            Method::GET,
            &format!("/api/v1/corridors{query}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

async fn inspect(
    app: &TestApp,
    token: &str,
    corridor: i64,
    on: &str,
    failed: &[&str],
) -> (StatusCode, Value) {
    app.api(
        token,
        Method::POST,
        "/api/v1/corridor-inspections",
        Some(json!({"corridor_id": corridor, "on": on, "failed": failed})),
    )
    .await
}

fn find(list: &[Value], id: i64) -> Value {
    list.iter().find(|c| c["id"] == id).unwrap().clone()
}

async fn inspections_move_the_stars_and_the_high_standard_status(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let admin = app.token("admin").await;
    let (status, items) = app
        .api(&admin, Method::GET, "/api/v1/inspection-items", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let total: i64 = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["points"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 100, "{items}");
    // One corridor per unit, created with the place tree.
    let all = corridors(&app, &admin, "").await;
    let units = app
        .count("SELECT COUNT(*) FROM places WHERE kind = 'unit'")
        .await;
    assert_eq!(all.len() as i64, units);
    let k = all[0]["id"].as_i64().unwrap();
    assert!(all[0]["stars"].is_null() && all[0]["high_standard"] == false);

    let (status, r) = inspect(&app, &admin, k, "2026-09-15", &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(
        (r["score"].as_i64(), r["stars"].as_i64()),
        (Some(100), Some(5))
    );
    assert_eq!(
        r["high_standard"], false,
        "one inspection is not yet a record"
    );
    let (_, r) = inspect(&app, &admin, k, "2026-10-15", &["lights"]).await;
    assert_eq!(
        (r["score"].as_i64(), r["stars"].as_i64()),
        (Some(85), Some(4))
    );
    let (_, r) = inspect(&app, &admin, k, "2026-11-15", &["no_small_ads"]).await;
    assert_eq!(
        r["high_standard"], true,
        "three inspections of four stars or more"
    );
    let listed = find(&corridors(&app, &admin, "").await, k);
    assert_eq!(listed["stars"], 4);
    assert_eq!(listed["high_standard"], true);
    let (_, ind) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/reports/indicators?from=2026-01-01&to=2026-12-31",
            None,
        )
        .await;
    assert_eq!(ind["indicators"]["corridors.high_standard"], 1);
    assert_eq!(ind["indicators"]["corridors.inspected"], 1);
    // Lost at once by one poor inspection.
    let (_, r) = inspect(&app, &admin, k, "2026-11-27", &["lights", "no_clutter"]).await;
    assert_eq!(
        (r["score"].as_i64(), r["stars"].as_i64()),
        (Some(65), Some(2))
    );
    assert_eq!(r["high_standard"], false);
    let (_, ind) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/reports/indicators?from=2026-01-01&to=2026-12-31",
            None,
        )
        .await;
    assert_eq!(ind["indicators"]["corridors.high_standard"], 0);
    // At the end of October it held (only the inspections up to the period's end count).
    let (_, ind) = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/reports/indicators?from=2026-01-01&to=2026-11-20",
            None,
        )
        .await;
    assert_eq!(ind["indicators"]["corridors.high_standard"], 1);
    // Nothing that is not on the checklist, nothing in the future.
    let (status, e) = inspect(&app, &admin, k, "2026-11-27", &["elevator"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "inspection_item_bad");
    let (_, e) = inspect(&app, &admin, k, "2026-12-30", &[]).await;
    assert_eq!(e["error"]["code"], "date_future");
    // The ledgers: the year's inspection register and the corridor list, as spreadsheets.
    let mut page = app.signed_in("admin").await;
    let res = page.get("/corridors/inspections.xlsx?year=2026").await;
    assert_eq!(res.status(), StatusCode::OK);
    let table = linli_io::read_table(
        &res.bytes().await.unwrap(),
        "r.xlsx",
        &linli_io::Limits::default(),
    )
    .unwrap();
    let text = format!("{table:?}");
    assert!(
        text.contains("2026-11-27") && text.contains("照明完好、无堆放杂物"),
        "{text}"
    );
    let res = page.get("/corridors/export.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let table = linli_io::read_table(
        &res.bytes().await.unwrap(),
        "c.xlsx",
        &linli_io::Limits::default(),
    )
    .unwrap();
    assert!(format!("{table:?}").contains(all[0]["name"].as_str().unwrap()));
    assert!(
        app.audit_actions()
            .await
            .contains(&"ledger.export".to_string())
    );
}

async fn a_building_head_inspects_only_her_buildings(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let admin = app.token("admin").await;
    let head = app.token("louzhang").await;
    let all = corridors(&app, &admin, "").await;
    let mine = corridors(&app, &head, "").await;
    // Her two buildings, three units each.
    assert_eq!(mine.len(), 6, "{mine:?}");
    assert!(
        mine.iter()
            .all(|c| c["name"].as_str().unwrap().starts_with('3')
                || c["name"].as_str().unwrap().starts_with('4'))
    );
    let own = mine[0]["id"].as_i64().unwrap();
    let other = all
        .iter()
        .find(|c| !mine.iter().any(|m| m["id"] == c["id"]))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, _) = inspect(&app, &head, own, "2026-11-27", &["lights"]).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, e) = inspect(&app, &head, other, "2026-11-27", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "corridor_missing");
    let mut page = app.signed_in("louzhang").await;
    let (status, _) = page.get_text(&format!("/corridors/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, html) = page.get_text(&format!("/corridors/{own}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"inspect\""),
        "her own corridor has the form"
    );
    // A resident or a liaison keeps no corridors.
    let resident = app.token("jumin").await;
    let (status, _) = app
        .api(&resident, Method::GET, "/api/v1/corridors", None)
        .await;
    assert!(status.is_client_error());
}

async fn a_failed_item_becomes_an_issue_and_boards_keep_their_history(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let admin = app.token("admin").await;
    let k = corridors(&app, &admin, "").await[0]["id"].as_i64().unwrap();
    let (_, r) = inspect(&app, &admin, k, "2026-11-27", &["lights"]).await;
    let inspection = r["id"].as_i64().unwrap();
    let mut page = app.signed_in("wangge1").await;
    let csrf = page.csrf().await;
    let before = app.count("SELECT COUNT(*) FROM affairs").await;
    let res = page
        .post_form(
            &format!("/corridors/inspections/{inspection}/report"),
            &[("_csrf", &csrf), ("item", "lights")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(crate::support::Browser::location(&res).starts_with("/affairs/"));
    assert_eq!(app.count("SELECT COUNT(*) FROM affairs").await, before + 1);
    assert_eq!(
        app.text("SELECT category FROM affairs ORDER BY id DESC LIMIT 1")
            .await,
        "lighting"
    );
    let description = app
        .text("SELECT description FROM affairs ORDER BY id DESC LIMIT 1")
        .await;
    assert!(description.contains("照明完好"), "{description}");
    // An item that passed is not reported.
    let res = page
        .post_form(
            &format!("/corridors/inspections/{inspection}/report"),
            &[("_csrf", &csrf), ("item", "no_clutter")],
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM affairs").await,
        before + 1,
        "{}",
        res.status()
    );

    // Boards: new content replaces the old, which stays in the history.
    for title in ["冬季取暖小常识", "老年人怎样用好智能手机"] {
        page.post_form(
            &format!("/corridors/{k}/boards"),
            &[
                ("_csrf", &csrf),
                ("theme", "science"),
                ("title", title),
                ("content", "图书馆志愿者每月来教。"),
            ],
        )
        .await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM corridor_board_history")
            .await,
        2
    );
    let (_, html) = page.get_text(&format!("/corridors/{k}")).await;
    assert!(html.contains("老年人怎样用好智能手机") && html.contains("冬季取暖小常识"));
    // The stairwell's page: boards and stars, without the inspector's name.
    let mut public = app.browser();
    let (status, html) = public.get_text(&format!("/public/corridors/{k}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("老年人怎样用好智能手机") && html.contains("科技之窗"),
        "{html}"
    );
    assert!(
        !html.contains("李娜"),
        "no inspector's name on the public page"
    );
}
