//! Civilized corridors (issue 17, first part): inspections move a corridor's stars and its
//! high-standard status, a building head inspects only her buildings' corridors, a failed item
//! becomes an issue report in one step, boards keep their history, and the stairwell's public
//! page shows the boards and stars and nobody's name.

use crate::both_engines;
use crate::support::{
    Browser, Engine, TestApp, app_and_token, spawn_app, spawn_app_with, test_config,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    inspections_move_the_stars_and_the_high_standard_status,
    a_building_head_inspects_only_her_buildings,
    a_failed_item_becomes_an_issue_and_boards_keep_their_history,
    the_stairwell_codes_open_each_corridor_s_public_page,
    a_community_sets_its_own_checklist_stars_and_boards,
    past_inspections_name_items_renamed_or_taken_off_in_chinese,
);

async fn corridors(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let v = app.get_ok(token, &format!("/api/v1/corridors{query}")).await;
    v["items"].as_array().unwrap().clone()
}

async fn inspect(
    app: &TestApp,
    token: &str,
    corridor: i64,
    on: &str,
    failed: &[&str],
) -> (StatusCode, Value) {
    app.api_post(
        token,
        "/api/v1/corridor-inspections",
        json!({"corridor_id": corridor, "on": on, "failed": failed}),
    )
    .await
}

fn find(list: &[Value], id: i64) -> Value {
    list.iter().find(|c| c["id"] == id).unwrap().clone()
}

async fn inspections_move_the_stars_and_the_high_standard_status(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let items = app.get_ok(&admin, "/api/v1/inspection-items").await;
    let total: i64 =
        items["items"].as_array().unwrap().iter().map(|i| i["points"].as_i64().unwrap()).sum();
    assert_eq!(total, 100, "{items}");
    // One corridor per unit, created with the place tree.
    let all = corridors(&app, &admin, "").await;
    let units = app.count("SELECT COUNT(*) FROM places WHERE kind = 'unit'").await;
    assert_eq!(all.len() as i64, units);
    let k = all[0]["id"].as_i64().unwrap();
    assert!(all[0]["stars"].is_null() && all[0]["high_standard"] == false);

    let (status, r) = inspect(&app, &admin, k, "2026-09-15", &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!((r["score"].as_i64(), r["stars"].as_i64()), (Some(100), Some(5)));
    assert_eq!(r["high_standard"], false, "one inspection is not yet a record");
    let (_, r) = inspect(&app, &admin, k, "2026-10-15", &["lights"]).await;
    assert_eq!((r["score"].as_i64(), r["stars"].as_i64()), (Some(85), Some(4)));
    let (_, r) = inspect(&app, &admin, k, "2026-11-15", &["no_small_ads"]).await;
    assert_eq!(r["high_standard"], true, "three inspections of four stars or more");
    let listed = find(&corridors(&app, &admin, "").await, k);
    assert_eq!(listed["stars"], 4);
    assert_eq!(listed["high_standard"], true);
    let (_, ind) = app.indicators(&admin, "2026-01-01", "2026-12-31").await;
    assert_eq!(ind["indicators"]["corridors.high_standard"], 1);
    assert_eq!(ind["indicators"]["corridors.inspected"], 1);
    // The mean of each inspected corridor's last stars; an uninspected corridor is not a 0.
    assert_eq!(ind["indicators"]["corridors.average_stars"], 4.0);
    // Lost at once by one poor inspection.
    let (_, r) = inspect(&app, &admin, k, "2026-11-27", &["lights", "no_clutter"]).await;
    assert_eq!((r["score"].as_i64(), r["stars"].as_i64()), (Some(65), Some(2)));
    assert_eq!(r["high_standard"], false);
    let (_, ind) = app.indicators(&admin, "2026-01-01", "2026-12-31").await;
    assert_eq!(ind["indicators"]["corridors.high_standard"], 0);
    assert_eq!(ind["indicators"]["corridors.average_stars"], 2.0);
    // At the end of October it held (only the inspections up to the period's end count).
    let (_, ind) = app.indicators(&admin, "2026-01-01", "2026-11-20").await;
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
    let table =
        linli_io::read_table(&res.bytes().await.unwrap(), "r.xlsx", &linli_io::Limits::default())
            .unwrap();
    let text = format!("{table:?}");
    assert!(text.contains("2026-11-27") && text.contains("照明完好、无堆放杂物"), "{text}");
    let res = page.get("/corridors/export.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let table =
        linli_io::read_table(&res.bytes().await.unwrap(), "c.xlsx", &linli_io::Limits::default())
            .unwrap();
    assert!(format!("{table:?}").contains(all[0]["name"].as_str().unwrap()));
    assert!(app.audited("ledger.export").await);
}

async fn a_building_head_inspects_only_her_buildings(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let head = app.token("louzhang").await;
    let all = corridors(&app, &admin, "").await;
    let mine = corridors(&app, &head, "").await;
    // Her two buildings, three units each.
    assert_eq!(mine.len(), 6, "{mine:?}");
    assert!(mine.iter().all(|c| c["name"].as_str().unwrap().starts_with('3')
        || c["name"].as_str().unwrap().starts_with('4')));
    let own = mine[0]["id"].as_i64().unwrap();
    let other = all.iter().find(|c| !mine.iter().any(|m| m["id"] == c["id"])).unwrap()["id"]
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
    let html = page.get_ok(&format!("/corridors/{own}")).await;
    assert!(html.contains("id=\"inspect\""), "her own corridor has the form");
    // A resident or a liaison keeps no corridors.
    let resident = app.token("jumin").await;
    let (status, _) = app.api_get(&resident, "/api/v1/corridors").await;
    assert!(status.is_client_error());
}

async fn a_failed_item_becomes_an_issue_and_boards_keep_their_history(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let k = corridors(&app, &admin, "").await[0]["id"].as_i64().unwrap();
    let (_, r) = inspect(&app, &admin, k, "2026-11-27", &["lights"]).await;
    let inspection = r["id"].as_i64().unwrap();
    let (mut page, csrf) = app.signed_in_with_csrf("wangge1").await;
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
    assert_eq!(app.text("SELECT category FROM affairs ORDER BY id DESC LIMIT 1").await, "lighting");
    let description = app.text("SELECT description FROM affairs ORDER BY id DESC LIMIT 1").await;
    assert!(description.contains("照明完好"), "{description}");
    // An item that passed is not reported.
    let res = page
        .post_form(
            &format!("/corridors/inspections/{inspection}/report"),
            &[("_csrf", &csrf), ("item", "no_clutter")],
        )
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM affairs").await, before + 1, "{}", res.status());

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
    assert_eq!(app.count("SELECT COUNT(*) FROM corridor_board_history").await, 2);
    let (_, html) = page.get_text(&format!("/corridors/{k}")).await;
    assert!(html.contains("老年人怎样用好智能手机") && html.contains("冬季取暖小常识"));
    // The stairwell's page: boards and stars, without the inspector's name.
    let mut public = app.browser();
    let html = public.get_ok(&format!("/public/corridors/{k}")).await;
    assert!(html.contains("老年人怎样用好智能手机") && html.contains("科技之窗"), "{html}");
    assert!(!html.contains("李娜"), "no inspector's name on the public page");
}

/// The QR codes to post in the stairwells: one per corridor the caller may see, each holding
/// the corridor's public page at the configured public address; without one, the page warns
/// that a code holding this machine's address will not open on a resident's phone.
async fn the_stairwell_codes_open_each_corridor_s_public_page(engine: Engine) {
    let config =
        linli_web::Config { public_url: Some("https://linli.example.cn/".into()), ..test_config() };
    let Some(app) = spawn_app_with(engine, config).await else {
        return;
    };
    let head = app.token("louzhang").await;
    let mine = corridors(&app, &head, "").await;
    let mut page = app.signed_in("louzhang").await;
    let html = page.get_ok("/corridors/qr").await;
    assert_eq!(html.matches("<svg").count(), mine.len(), "one code per corridor she sees");
    for c in &mine {
        let url = format!("https://linli.example.cn/public/corridors/{}", c["id"]);
        assert!(html.contains(&url), "{url} printed under its code");
    }
    assert!(!html.contains("qr-warning"), "a configured public address needs no warning");
    // One corridor alone; another building's corridor is not hers.
    let own = mine[0]["id"].as_i64().unwrap();
    let (_, one) = page.get_text(&format!("/corridors/qr?corridor={own}")).await;
    assert_eq!(one.matches("<svg").count(), 1);
    let admin = app.token("admin").await;
    let other = corridors(&app, &admin, "")
        .await
        .into_iter()
        .find(|c| !mine.iter().any(|m| m["id"] == c["id"]))
        .unwrap();
    let (status, _) = page.get_text(&format!("/corridors/qr?corridor={}", other["id"])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The address each code holds opens the corridor's page for anyone.
    let (status, _) = app.browser().get_text(&format!("/public/corridors/{own}")).await;
    assert_eq!(status, StatusCode::OK);

    // Without a configured address the codes hold the address in use, here this machine's.
    let Some(plain) = spawn_app(engine).await else {
        return;
    };
    let mut page = plain.signed_in("louzhang").await;
    let (_, html) = page.get_text("/corridors/qr").await;
    assert!(html.contains("qr-warning"), "{html}");
    assert!(html.contains("LINLI_PUBLIC_URL"));
    assert!(html.contains("http://127.0.0.1:"));
}

/// The community's own rules: the worker changes the checklist, the stars' thresholds, the
/// high-standard rule and the boards on the settings page; the next inspection is scored on
/// them, the status follows at once, a refused form keeps what was typed, and the building head
/// may read the rules but not change them.
async fn a_community_sets_its_own_checklist_stars_and_boards(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let k = corridors(&app, &admin, "").await[0]["id"].as_i64().unwrap();
    for on in ["2026-10-01", "2026-11-01"] {
        let (status, r) = inspect(&app, &admin, k, on, &["lights"]).await;
        assert_eq!((status, r["stars"].as_i64()), (StatusCode::CREATED, Some(4)));
    }
    assert_eq!(find(&corridors(&app, &admin, "").await, k)["high_standard"], false);

    let (mut page, csrf) = app.signed_in_with_csrf("wangge1").await;
    let form = |items: &'static str, t5: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("t2", "50".to_string()),
            ("t3", "60".to_string()),
            ("t4", "75".to_string()),
            ("t5", t5.to_string()),
            ("high_stars", "4".to_string()),
            ("high_last", "2".to_string()),
            ("stale_days", "14".to_string()),
            ("boards", "党建风采\n平安楼道\n新闻我知道".to_string()),
            ("items", items.to_string()),
        ]
    };
    // Refused: the 5-star line under the 4-star one; what was typed comes back.
    let bad = form("照明完好 40\n电动车不进楼道 60", "70");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let html = page
        .post_form_answered("/corridors/settings", &bad, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    assert!(html.contains("一级比一级高"), "the rule is said");
    assert!(html.contains("电动车不进楼道 60"), "the checklist as typed");
    let missing = form("照明完好", "95");
    let missing: Vec<(&str, &str)> = missing.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(
        page.post_form_answered("/corridors/settings", &missing, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .contains("要写分值")
    );

    let good = form("照明完好 40\n电动车不进楼道 60", "95");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    page.post_form_redirected("/corridors/settings", &good).await;
    assert!(app.audited("corridor.settings").await);

    // The checklist the phone shows and the API lists.
    let (_, items) = app.api_get(&admin, "/api/v1/inspection-items").await;
    let items = items["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0]["code"].as_str(), items[0]["points"].as_i64()),
        (Some("lights"), Some(40))
    );
    let scooters = items[1]["code"].as_str().unwrap().to_string();
    // Two inspections of 4 stars or more now make high-standard, at once.
    assert_eq!(find(&corridors(&app, &admin, "").await, k)["high_standard"], true);
    // Scored on the new checklist and thresholds: 40 of 100 is 1 star under a 50 line.
    let (_, r) = inspect(&app, &admin, k, "2026-11-20", &[scooters.as_str()]).await;
    assert_eq!((r["score"].as_i64(), r["stars"].as_i64()), (Some(40), Some(1)));
    assert_eq!(r["high_standard"], false);
    let (_, r) = inspect(&app, &admin, k, "2026-11-27", &["lights"]).await;
    assert_eq!(r["stars"], 3, "60 of 100 reaches the new 3-star line of 60");
    // An item no longer on the checklist is refused.
    let (status, e) = inspect(&app, &admin, k, "2026-11-27", &["no_clutter"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // The corridor's boards, in the community's order and names.
    let (_, html) = page.get_text(&format!("/corridors/{k}")).await;
    assert!(html.contains("平安楼道"));
    assert!(!html.contains("科技之窗"), "a removed board is not shown");
    assert!(html.contains("最近2次检查都在4星及以上"));
    let (_, public) = app.browser().get_text(&format!("/public/corridors/{k}")).await;
    assert!(public.contains("平安楼道"));

    // The building head reads the rules and may not change them.
    let mut head = app.signed_in("louzhang").await;
    let html = head.get_ok("/corridors/settings").await;
    assert!(html.contains("电动车不进楼道") && !html.contains("settings-form"));
    let token = head.csrf().await;
    let mut theirs = good.clone();
    theirs[0] = ("_csrf", token.as_str());
    head.post_form_answered("/corridors/settings", &theirs, StatusCode::FORBIDDEN).await;
}

/// Saves the settings page with the default rules and `items` as the checklist.
async fn save_checklist(page: &mut Browser, items: &str) -> StatusCode {
    let csrf = page.csrf().await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("t2", "60"),
        ("t3", "70"),
        ("t4", "80"),
        ("t5", "90"),
        ("high_stars", "4"),
        ("high_last", "3"),
        ("stale_days", "31"),
        ("boards", "党建风采\n新闻我知道"),
        ("items", items),
    ];
    page.post_form("/corridors/settings", &form).await.status()
}

/// Regression: an item renamed or taken off the checklist (照明完好 → 楼道灯完好: a new item,
/// `lights` left) showed in the past inspections, the worst items, the register and the audit
/// log by its code (`lights`, `item1`). Every place a person reads names it in Chinese, and a
/// name that comes back keeps its code.
async fn past_inspections_name_items_renamed_or_taken_off_in_chinese(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let k = corridors(&app, &admin, "").await[0]["id"].as_i64().unwrap();
    let (status, _) = inspect(&app, &admin, k, "2026-11-01", &["lights", "no_clutter"]).await;
    assert_eq!(status, StatusCode::CREATED);

    let mut page = app.signed_in("wangge1").await;
    assert_eq!(
        save_checklist(&mut page, "楼道灯完好 40\n电动车不进楼道 60").await,
        StatusCode::SEE_OTHER
    );
    let items = |v: Value| -> Vec<(String, String)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (i["code"].as_str().unwrap().to_string(), i["label"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let (_, v) = app.api_get(&admin, "/api/v1/inspection-items").await;
    let now = items(v);
    assert_eq!(now.len(), 2);
    assert!(now.iter().all(|(c, _)| c != "lights"), "a new name is a new item: {now:?}");
    let scooters = now[1].0.clone();
    let (status, _) = inspect(&app, &admin, k, "2026-11-10", &[scooters.as_str()]).await;
    assert_eq!(status, StatusCode::CREATED);
    // 电动车不进楼道 is taken off.
    assert_eq!(save_checklist(&mut page, "楼道灯完好 100").await, StatusCode::SEE_OTHER);

    let (_, html) = page.get_text(&format!("/corridors/{k}")).await;
    let text = crate::publicity::main_text(&html);
    for name in ["照明完好", "无堆放杂物", "电动车不进楼道"] {
        assert!(text.contains(name), "{name} in {text}");
    }
    for code in ["lights", "no_clutter", scooters.as_str()] {
        assert!(!text.contains(code), "{code} shown: {text}");
    }
    let (_, html) = page.get_text("/corridors").await;
    let text = crate::publicity::main_text(&html);
    assert!(
        text.contains("照明完好") && !text.contains("lights") && !text.contains(&scooters),
        "the worst items: {text}"
    );
    let res = page.get("/corridors/inspections.xlsx?year=2026").await;
    let table =
        linli_io::read_table(&res.bytes().await.unwrap(), "r.xlsx", &linli_io::Limits::default())
            .unwrap();
    let table = format!("{table:?}");
    assert!(table.contains("照明完好、无堆放杂物") && table.contains("电动车不进楼道"), "{table}");
    assert!(!table.contains("lights") && !table.contains(&scooters), "{table}");
    let (_, html) = app.signed_in("admin").await.get_text("/audit").await;
    let text = crate::publicity::main_text(&html);
    assert!(text.contains("电动车不进楼道"), "{text}");
    assert!(!text.contains(&scooters), "{text}");

    // The name back on the checklist keeps its code: the past inspections count it again.
    assert_eq!(
        save_checklist(&mut page, "楼道灯完好 50\n电动车不进楼道 50").await,
        StatusCode::SEE_OTHER
    );
    let (_, v) = app.api_get(&admin, "/api/v1/inspection-items").await;
    assert_eq!(items(v)[1], (scooters.clone(), "电动车不进楼道".to_string()));
}
