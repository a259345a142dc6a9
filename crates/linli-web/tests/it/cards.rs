//! Neighbour cards (睦邻卡, issue 14): every card complete, phones only where consented, the
//! cards of a building only for those who may see its residents.

use crate::both_engines;
use crate::support::{Engine, TestApp, register_neighbour_helper, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    every_card_carries_the_building_head_the_committee_the_station_and_the_emergency_numbers,
    a_phone_is_printed_only_for_a_neighbour_who_agreed_to_be_contacted,
    the_cards_of_a_building_are_not_found_outside_the_callers_buildings,
    a_building_head_sets_the_phone_printed_for_her_with_errors_beside_the_field,
);

async fn cards_json(app: &TestApp, token: &str, building: i64) -> (StatusCode, Value) {
    app.api_get(token, &format!("/api/v1/buildings/{building}/neighbor-cards")).await
}

/// The text of each `<section class="card"…>` of a page, in order.
fn card_sections(html: &str) -> Vec<&str> {
    html.split("<section class=\"card\"").skip(1).collect()
}

async fn every_card_carries_the_building_head_the_committee_the_station_and_the_emergency_numbers(
    engine: Engine,
) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let three = app.place_id("building", "3号楼").await;
    // A station of the community and a neighbour who offers help (the worker registers her).
    let admin = app.token("admin").await;
    app.created(&admin, "/api/v1/stations", json!({"name": "绿苑便民服务站", "services": "修车、代收快递", "hours": "8:00-17:00", "location": "5号楼东侧", "contact": "0453-6250000"})).await;
    let mi = app.resident_id("米丽芳").await;
    let mut worker = app.signed_in("wangge1").await;
    register_neighbour_helper(&mut worker, mi, "代买、看护老人", three).await;

    let mut head = app.signed_in("louzhang").await;
    let html = head.get_ok(&format!("/neighbor-cards?building={three}")).await;
    let cards = card_sections(&html);
    assert!(cards.len() >= 3, "one card per unit at least: {}", cards.len());
    for card in &cards {
        for must in [
            "米丽芳",
            linli_demo::DEMO_HEAD_PHONE,
            "绿苑便民服务站",
            "5号楼东侧",
            "0453-6250000",
            linli_demo::DEMO_CONTACT_PHONE,
            "120",
            "119",
            "110",
        ] {
            assert!(card.contains(must), "a card without {must}: {card}");
        }
    }
    // Nothing of the forms is inside a card (they would print).
    assert!(cards.iter().all(|c| !c.contains("<form")));
    // A neighbour's offer of help is on her card, under her name.
    let (status, body) = cards_json(&app, &app.token("louzhang").await, three).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["building"], "3号楼");
    assert_eq!(body["heads"][0]["phone"], linli_demo::DEMO_HEAD_PHONE);
    assert_eq!(body["committee_phone"], linli_demo::DEMO_CONTACT_PHONE);
    let helpers: Vec<&Value> = body["cards"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["neighbours"].as_array().unwrap())
        .filter(|n| n["helps_with"] != "")
        .collect();
    assert_eq!(helpers.len(), 1, "{body}");
    for h in helpers {
        let what = h["helps_with"].as_str().unwrap();
        assert!(html.contains(&format!("能帮：{what}")), "{what} on the card");
    }
}

async fn a_phone_is_printed_only_for_a_neighbour_who_agreed_to_be_contacted(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let three = app.place_id("building", "3号楼").await;
    let worker = app.token("wangge1").await;
    let (_, body) = cards_json(&app, &worker, three).await;
    let with_phone = body["cards"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["neighbours"].as_array().unwrap())
        .find(|n| n["phone"].is_string())
        .cloned()
        .expect("a neighbour of 3号楼 who agreed to be contacted");
    let id = with_phone["resident_id"].as_i64().unwrap();
    let phone = with_phone["phone"].as_str().unwrap().to_string();
    let mut browser = app.signed_in("wangge1").await;
    let (_, html) = browser.get_text(&format!("/neighbor-cards?building={three}")).await;
    assert!(html.contains(&phone), "her phone is on the card while she agrees");

    // She withdraws her consent to be contacted: her name stays, her phone goes.
    app.execute(
        "UPDATE residents SET consent_volunteer_contact = 0 WHERE id = ?",
        linli_store::params![id],
    )
    .await;
    let (_, body) = cards_json(&app, &worker, three).await;
    let her = body["cards"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["neighbours"].as_array().unwrap())
        .find(|n| n["resident_id"] == id)
        .cloned()
        .expect("still on the card");
    assert!(her["phone"].is_null(), "{her}");
    let (_, html) = browser.get_text(&format!("/neighbor-cards?building={three}")).await;
    assert!(!html.contains(&phone), "her phone is no longer printed");
    assert!(html.contains("请敲门"), "the card says to knock instead");

    // She withdraws from the card altogether: her name goes too.
    let name = her["name"].as_str().unwrap().to_string();
    app.execute(
        "UPDATE residents SET consent_neighbor_card = 0 WHERE id = ?",
        linli_store::params![id],
    )
    .await;
    let (_, body) = cards_json(&app, &worker, three).await;
    assert!(
        !body["cards"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["neighbours"].as_array().unwrap())
            .any(|n| n["resident_id"] == id),
        "{name} is off the card"
    );
}

async fn the_cards_of_a_building_are_not_found_outside_the_callers_buildings(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let three = app.place_id("building", "3号楼").await;
    let twelve = app.place_id("building", "12号楼").await;
    // The building head of 3号楼 and 4号楼: not 12号楼's cards.
    let head = app.token("louzhang").await;
    assert_eq!(cards_json(&app, &head, three).await.0, StatusCode::OK);
    assert_eq!(cards_json(&app, &head, twelve).await.0, StatusCode::NOT_FOUND);
    // A resident (陈玉兰, 1号楼) reads no building's cards, not even her own building's.
    let one = app.place_id("building", "1号楼").await;
    let resident = app.token("jumin").await;
    for b in [one, three] {
        let (status, _) = cards_json(&app, &resident, b).await;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{status}");
    }
    let mut browser = app.signed_in("jumin").await;
    let (status, html) = browser.get_text(&format!("/neighbor-cards?building={three}")).await;
    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{status}");
    assert!(!html.contains("3号楼1单元"));
    // Another community's administrator: 404, as if the building did not exist.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let (status, body) = cards_json(&app, &other, three).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // A unit is not a building.
    let unit = app.place_id("unit", "1单元").await;
    let admin = app.token("admin").await;
    assert_eq!(cards_json(&app, &admin, unit).await.0, StatusCode::NOT_FOUND);
}

async fn a_building_head_sets_the_phone_printed_for_her_with_errors_beside_the_field(
    engine: Engine,
) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let three = app.place_id("building", "3号楼").await;
    let (mut head, csrf) = app.signed_in_with_csrf("louzhang").await;
    let html = head
        .post_form_answered(
            "/neighbor-cards/head-phone",
            &[("_csrf", &csrf), ("card_phone", "1394535"), ("building", &three.to_string())],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(
        html.contains("value=\"1394535\"") && html.contains("field-error"),
        "what she typed stays, the error beside it"
    );
    head.post_form_redirected(
        "/neighbor-cards/head-phone",
        &[("_csrf", &csrf), ("card_phone", "139 4535 9999"), ("building", &three.to_string())],
    )
    .await;
    let (_, html) = head.get_text(&format!("/neighbor-cards?building={three}")).await;
    let cards = card_sections(&html);
    assert!(cards.iter().all(|c| c.contains("13945359999")));
    assert!(app.audited("cards.head_phone").await);
    // Emptied: the cards send people to the committee for her phone.
    head.post_form_redirected(
        "/neighbor-cards/head-phone",
        &[("_csrf", &csrf), ("card_phone", "")],
    )
    .await;
    let (_, html) = head.get_text(&format!("/neighbor-cards?building={three}")).await;
    assert!(card_sections(&html).iter().all(|c| c.contains("电话请问居委会")));
    // A grid worker is no building head: no phone of hers goes on the cards.
    let (mut worker, csrf) = app.signed_in_with_csrf("wangge1").await;
    worker
        .post_form_answered(
            "/neighbor-cards/head-phone",
            &[("_csrf", &csrf), ("card_phone", "13800000000")],
            StatusCode::FORBIDDEN,
        )
        .await;
}
