use crate::both_engines;
use crate::support::{Browser, Engine, app_and_browser, app_and_token, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::json;

both_engines!(
    a_building_head_sees_only_their_two_buildings,
    a_place_outside_the_scope_is_not_found_and_the_attempt_is_audited,
    a_forbidden_action_is_403_and_audited,
    a_cross_site_post_is_refused_and_changes_nothing,
    a_post_without_the_csrf_token_is_refused_and_changes_nothing,
);

async fn a_building_head_sees_only_their_two_buildings(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "louzhang").await else {
        return;
    };
    let body = app.get_ok(&token, "/api/v1/places").await;
    let items = body["items"].as_array().unwrap();
    let buildings: Vec<&str> = items
        .iter()
        .filter(|p| p["kind"] == "building")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(buildings, vec!["3号楼", "4号楼"]);
    assert_eq!(items.iter().filter(|p| p["kind"] == "unit").count(), 6);
    assert!(items.iter().all(|p| p["kind"] != "community" && p["kind"] != "grid"));
    assert_eq!(body["total"], 8);
}

async fn a_place_outside_the_scope_is_not_found_and_the_attempt_is_audited(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "louzhang").await else {
        return;
    };
    let other = app.place_id("building", "12号楼").await;
    let mine = app.place_id("building", "3号楼").await;
    let _ = app.get_ok(&token, &format!("/api/v1/places/{mine}")).await;
    let (status, body) = app.api_get(&token, &format!("/api/v1/places/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    // The same answer as for an id that does not exist at all: scope leaks nothing.
    let (status, _) = app.api_get(&token, "/api/v1/places/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app.audited("access.denied").await);

    let mut b = app.signed_in("louzhang").await;
    let (status, html) = b.get_text(&format!("/places/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("不在您的管辖范围内"));
}

async fn a_forbidden_action_is_403_and_audited(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let before = app.audit_actions().await.len();
    let token = app.token("wangge1").await;
    let community = app.place_id("community", "Xx社区").await;
    app.post_refused(&token, "/api/v1/users", json!({"username": "sneaky", "password": "linli2026x", "role": "admin", "scope_place_id": community}), StatusCode::FORBIDDEN, "forbidden").await;
    let actions = app.audit_actions().await;
    assert_eq!(actions[before..].iter().filter(|a| *a == "access.denied").count(), 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE username = 'sneaky'").await, 0);

    // A building head may look at their building but not rename it.
    let mine = app.place_id("building", "3号楼").await;
    let token = app.token("louzhang").await;
    let (status, _) = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/places/{mine}"),
            Some(json!({"name": "三号楼"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let mut b = app.signed_in("wangge1").await;
    let (status, html) = b.get_text("/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("没有进行此操作的权限"));

    // A resident is told nothing is there (and the refusal is audited all the same).
    let denials = app.audit_count("access.denied").await;
    let mut b = app.signed_in("jumin").await;
    let (status, _) = b.get_text("/users").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("access.denied").await, denials + 1);
}

async fn a_cross_site_post_is_refused_and_changes_nothing(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let csrf = b.csrf().await;
    let grid = app.place_id("grid", "第一网格").await.to_string();
    let places_before = app.count("SELECT COUNT(*) FROM places").await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("kind", "building"),
        ("name", "恶意楼"),
        ("parent_id", grid.as_str()),
    ];

    // Even with the token (say, leaked), the browser's own Origin gives the forgery away.
    let res = b
        .post_form_with(
            "/places",
            &form,
            &[("origin", "http://evil.example"), ("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = b.post_form_with("/places", &form, &[("sec-fetch-site", "same-site")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM places").await, places_before);

    let res = b.post_form_with("/places", &form, &[("sec-fetch-site", "same-origin")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the same form from the page itself works");
    assert_eq!(app.count("SELECT COUNT(*) FROM places").await, places_before + 1);
}

async fn a_post_without_the_csrf_token_is_refused_and_changes_nothing(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let grid = app.place_id("grid", "第一网格").await.to_string();
    let places_before = app.count("SELECT COUNT(*) FROM places").await;
    assert!(
        b.post_form_answered(
            "/places",
            &[("kind", "building"), ("name", "无令牌楼"), ("parent_id", grid.as_str()),],
            StatusCode::FORBIDDEN
        )
        .await
        .contains("请求来源无法确认")
    );
    b.post_form_answered(
        "/places",
        &[
            ("_csrf", "guess"),
            ("kind", "building"),
            ("name", "无令牌楼"),
            ("parent_id", grid.as_str()),
        ],
        StatusCode::FORBIDDEN,
    )
    .await;
    // JSON through the cookie session needs the header.
    let res = b
        .http
        .post(format!("{}/api/v1/places", app.base))
        .header("cookie", b.cookie_header())
        .json(&json!({"kind": "building", "name": "无令牌楼", "parent_id": grid.parse::<i64>().unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM places").await, places_before);
    let _ = Browser::location(&res);
}
