use crate::both_engines;
use crate::support::{Engine, app_and_browser, app_and_token, texts_of};
use reqwest::{Method, StatusCode};
use serde_json::json;

both_engines!(
    an_admin_builds_the_place_tree_through_the_api,
    the_tree_refuses_impossible_shapes_with_field_errors,
    a_building_moves_between_grids_with_its_units,
    the_places_pages_create_and_keep_what_was_typed_on_error,
    an_admin_creates_a_building_head_who_then_signs_in,
);

async fn an_admin_builds_the_place_tree_through_the_api(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let community = app.place_id("community", "Xx社区").await;
    let grid = app
        .created(
            &token,
            "/api/v1/places",
            json!({"kind": "grid", "name": "第四网格", "parent_id": community}),
        )
        .await;
    let building = app
        .created(
            &token,
            "/api/v1/places",
            json!({"kind": "building", "name": "25号楼", "parent_id": grid["id"]}),
        )
        .await;
    assert_eq!(building["parent_id"], grid["id"]);
    let (_, list) = app.api_get(&token, "/api/v1/places").await;
    let names = texts_of(&list["items"], "name");
    assert!(names.contains(&"第四网格") && names.contains(&"25号楼"));
    // The admin's scope is the community: the street above it is not listed.
    assert!(!names.contains(&"东安街道"));
    assert_eq!(app.audit_count("place.create").await, 2);
}

async fn the_tree_refuses_impossible_shapes_with_field_errors(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let community = app.place_id("community", "Xx社区").await;
    let unit_parent = app.place_id("building", "1号楼").await;
    let body = app
        .post_refused(
            &token,
            "/api/v1/places",
            json!({"kind": "unit", "name": "1单元", "parent_id": community}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "place_wrong_parent",
        )
        .await;
    assert_eq!(body["error"]["details"]["field"], "parent_id");
    for (place, code) in [
        (json!({"kind": "unit", "name": "   ", "parent_id": unit_parent}), "place_bad_name"),
        (json!({"kind": "castle", "name": "x", "parent_id": unit_parent}), "place_bad_kind"),
        (json!({"kind": "community", "name": "新社区"}), "place_parent_required"),
    ] {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        app.post_refused(&token, "/api/v1/places", place, status, code).await;
    }
    // Malformed JSON is a 4xx with the error shape, not a crash.
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/places", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_json", "framework refusals get the error shape too");
    assert!(body["error"]["message"].as_str().unwrap().contains("JSON"));
}

async fn a_building_moves_between_grids_with_its_units(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let building = app.place_id("building", "8号楼").await;
    let grid2 = app.place_id("grid", "第二网格").await;
    let (status, moved) = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/places/{building}"),
            Some(json!({"parent_id": grid2, "name": "8号楼（东）"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["parent_id"], grid2);
    assert_eq!(moved["name"], "8号楼（东）");
    // The worker of grid 1 no longer sees it or its units; everything moved together.
    let worker = app.token("wangge1").await;
    let (_, list) = app.api_get(&worker, "/api/v1/places").await;
    assert!(list["items"].as_array().unwrap().iter().all(|p| p["name"] != "8号楼（东）"));
    assert_eq!(
        list["items"].as_array().unwrap().iter().filter(|p| p["kind"] == "unit").count(),
        45
    );
    let (status, body) = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/places/{grid2}"),
            Some(json!({"parent_id": building})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "place_cycle");
}

async fn the_places_pages_create_and_keep_what_was_typed_on_error(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "admin").await else {
        return;
    };
    let csrf = b.csrf().await;
    let html = b.get_ok("/places").await;
    assert!(html.contains("第一网格") && html.contains("24号楼"));

    let building = app.place_id("building", "1号楼").await.to_string();
    let long = "长".repeat(61);
    let html = b
        .post_form_answered(
            "/places",
            &[("_csrf", &csrf), ("kind", "unit"), ("name", &long), ("parent_id", &building)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(html.contains("不超过 60 个字"), "the error stands beside the field");
    assert!(html.contains(&long), "what was typed is kept");

    let to = b
        .post_form_redirected(
            "/places",
            &[("_csrf", &csrf), ("kind", "unit"), ("name", "4单元"), ("parent_id", &building)],
        )
        .await;
    let (_, html) = b.get_text(&to).await;
    assert!(html.contains("4单元") && html.contains("已新建"), "the flash shows once");
    let (_, html) = b.get_text(&to).await;
    assert!(!html.contains("已新建"));
}

async fn an_admin_creates_a_building_head_who_then_signs_in(engine: Engine) {
    let Some((app, token)) = app_and_token(engine, "admin").await else {
        return;
    };
    let building = app.place_id("building", "9号楼").await;
    let community = app.place_id("community", "Xx社区").await;
    app.post_refused(&token, "/api/v1/users", json!({"username": "zhanglou", "password": "short", "role": "building_head", "scope_place_id": building}), StatusCode::UNPROCESSABLE_ENTITY, "password_too_short").await;
    // A building head is granted on a building.
    app.post_refused(&token, "/api/v1/users", json!({"username": "zhanglou", "password": "楼长守望九号楼2026", "role": "building_head", "scope_place_id": community}), StatusCode::UNPROCESSABLE_ENTITY, "role_wrong_scope").await;
    let body = app.created(&token, "/api/v1/users", json!({"username": "zhanglou", "password": "楼长守望九号楼2026", "role": "building_head", "scope_place_id": building, "display_name": "张楼长"})).await;
    assert!(body["id"].as_i64().is_some());
    app.post_refused(&token, "/api/v1/users", json!({"username": "zhanglou", "password": "楼长守望九号楼2026", "role": "building_head", "scope_place_id": building}), StatusCode::CONFLICT, "username_taken").await;

    let mut b = app.browser();
    assert_eq!(b.login("zhanglou", "楼长守望九号楼2026").await.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get_text("/places").await;
    assert!(html.contains("9号楼") && !html.contains("10号楼"));
    // The audit image never holds the password.
    let after = app.texts("SELECT after_json FROM audit_log WHERE action = 'user.create'").await;
    assert!(after.iter().all(|a| !a.contains("楼长守望九号楼2026")));
}
