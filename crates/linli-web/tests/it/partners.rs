//! Partner linkage and issue reports (issue 7), on both engines.

use crate::both_engines;
use crate::support::{
    Browser, Engine, PASSWORD, TestApp, app_and_browser, app_and_token, spawn_app, texts_of,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_engines!(
    an_issue_given_to_a_worker_outside_her_grid_is_on_her_lists,
    a_liaison_sees_only_its_own_units_records,
    a_claimed_need_waits_for_the_communitys_confirmation,
    a_rerouted_issue_keeps_its_history_and_reaches_the_rates,
    report_photos_are_re_encoded_without_their_exif,
    the_public_progress_page_shows_no_phone_and_no_name,
    categories_and_their_deadlines_are_configured_per_community,
    an_issue_in_a_building_reaches_its_building_head_and_no_other,
    activity_photos_lose_their_exif_and_stay_with_the_unit,
    the_issues_page_edits_categories_and_their_deadlines,
    the_demo_year_of_issues_gives_believable_rates,
    partner_records_of_another_community_are_not_found,
    issues_of_another_community_are_not_found,
    the_one_who_calls_back_sees_the_whole_number_audited,
);

async fn agreement(app: &TestApp, token: &str, partner_id: i64, commitments: Value) -> i64 {
    let body = app.created(token, "/api/v1/agreements", json!({"partner_id": partner_id, "signed_on": "2011-03-01", "valid_from": "2011-03-01", "valid_to": "2026-12-31", "commitments": commitments})).await;
    body["id"].as_i64().unwrap()
}

/// A liaison account for `partner_id`, created through `users_create`; returns its token.
async fn liaison(app: &TestApp, admin: &str, username: &str, partner_id: i64) -> String {
    let community = app.place_id("community", "Xx社区").await;
    app.created(admin, "/api/v1/users", json!({"username": username, "password": PASSWORD, "role": "partner", "scope_place_id": community, "partner_id": partner_id, "display_name": "联络员"})).await;
    app.token(username).await
}

async fn a_liaison_sees_only_its_own_units_records(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let clinic = app.new_partner(&admin, "绿苑社区医疗服务站", "hospital").await;
    let bureau = app.new_partner(&admin, "东安区建设局", "government").await;
    app.post_refused(
        &admin,
        "/api/v1/partners",
        json!({"name": "某单位", "kind": "church"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "partner_kind_bad",
    )
    .await;
    let clinic_deal = agreement(&app, &admin, clinic, json!([{"kind": "health_lecture", "target_per_year": 6}, {"kind": "physical_exam", "target_per_year": 1}])).await;
    let bureau_deal =
        agreement(&app, &admin, bureau, json!([{"kind": "repair", "target_per_year": 2}])).await;
    // A liaison's grant must name a unit of the community.
    let community = app.place_id("community", "Xx社区").await;
    app.post_refused(&admin, "/api/v1/users", json!({"username": "ghost", "password": PASSWORD, "role": "partner", "scope_place_id": community, "partner_id": 999_999}), StatusCode::UNPROCESSABLE_ENTITY, "partner_missing").await;
    let doctor = liaison(&app, &admin, "liuyisheng", clinic).await;
    let own = app.get_ok(&doctor, &format!("/api/v1/agreements/{clinic_deal}")).await;
    assert_eq!(own["commitments"].as_array().unwrap().len(), 2);
    let (status, _) = app.api_get(&doctor, &format!("/api/v1/agreements/{bureau_deal}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another unit's agreement does not exist for a liaison"
    );
    let (_, list) = app.api_get(&doctor, "/api/v1/partners").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "绿苑社区医疗服务站");
    // The liaison records its lectures; not for another unit.
    for on in ["2026-03-21", "2026-05-16"] {
        app.created(
            &doctor,
            "/api/v1/partner-activities",
            json!({"partner_id": clinic, "kind": "health_lecture", "on": on, "participants": 40}),
        )
        .await;
    }
    let (status, _) = app
        .api_post(
            &doctor,
            "/api/v1/partner-activities",
            json!({"partner_id": bureau, "kind": "repair", "on": "2026-05-02"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another unit is no unit of the liaison's"
    );
    let (status, _) = app.api_post(&doctor, "/api/v1/agreements", json!({"partner_id": clinic, "signed_on": "2026-01-01", "valid_from": "2026-01-01", "valid_to": "2030-12-31"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agreements are the community's to record");
    let (_, unit) = app.api_get(&doctor, &format!("/api/v1/partners/{clinic}")).await;
    let lectures = unit["fulfilment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "health_lecture")
        .unwrap()
        .clone();
    assert_eq!((lectures["done"].as_i64(), lectures["target"].as_i64()), (Some(2), Some(6)));
    let (_, v) = app.indicators(&admin, "2026-01-01", "2026-12-31").await;
    assert_eq!(v["indicators"]["partners.signed"], 2);
    // In force is not signed this year: both agreements were signed in 2011.
    assert_eq!(v["indicators"]["partners.signed_in_year"], 0);
    assert_eq!(v["indicators"]["partners.lectures"], 2);
    let (_, v) = app.indicators(&admin, "2027-01-01", "2027-12-31").await;
    assert_eq!(v["indicators"]["partners.signed"], 0, "both agreements end in 2026");
    // In the browser: the liaison lands on its unit, another unit's page is not found, and the
    // dashboard warns of the agreements ending within two months (today is 2026-11-27).
    let mut b = app.browser();
    assert_eq!(b.login("liuyisheng", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let res = b.get("/partners").await;
    assert_eq!(Browser::location(&res), format!("/partners/{clinic}"));
    let html = b.get_ok(&format!("/partners/{clinic}")).await;
    assert!(html.contains("已完成 2 次 / 承诺 6 次"), "{html}");
    let (status, _) = b.get_text(&format!("/partners/{bureau}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut staff = app.signed_in("admin").await;
    let (_, html) = staff.get_text("/partners").await;
    assert!(html.contains("两个月内到期") && html.contains("即将到期"), "{html}");
    // The accounts page creates a liaison for a unit too.
    let csrf = staff.csrf().await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("username", "jianshe2"),
        ("display_name", "孙立新"),
        ("password", PASSWORD),
        ("role", "partner"),
        ("scope_place_id", &community.to_string()),
        ("partner_id", &bureau.to_string()),
    ];
    staff.post_form_redirected("/users", &form).await;
    let builder = app.token("jianshe2").await;
    let (status, _) = app.api_get(&builder, &format!("/api/v1/agreements/{bureau_deal}")).await;
    assert_eq!(status, StatusCode::OK, "the new liaison sees its own unit's agreement");
}

async fn a_claimed_need_waits_for_the_communitys_confirmation(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let bureau = app.new_partner(&admin, "东安区建设局", "government").await;
    let school = app.new_partner(&admin, "第一中学", "school").await;
    let builder = liaison(&app, &admin, "jianshe", bureau).await;
    let teacher = liaison(&app, &admin, "yizhong", school).await;
    let body = app.created(&admin, "/api/v1/needs", json!({"title": "整修3号楼至8号楼巷路", "place": "巷路", "urgency": "urgent", "raised_by": "居民"})).await;
    let need = body["id"].as_i64().unwrap();
    let (status, _) = on_need(&app, &builder, need, "claim", json!({"note": "我局提供沙石"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = on_need(&app, &teacher, need, "claim", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "one claim at a time: {body}");
    let (status, _) = on_need(&app, &builder, need, "confirm", json!({"confirm": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a unit cannot confirm its own claim");
    let (_, list) = app.api_get(&admin, "/api/v1/needs").await;
    assert_eq!(
        list["items"][0]["status"], "claimed",
        "not a project before the community confirms"
    );
    let mut b = app.signed_in("admin").await;
    let (_, html) = b.get_text("/partners/lists").await;
    assert!(html.contains("已认领待确认") && html.contains("东安区建设局"), "{html}");
    let (status, _) = on_need(
        &app,
        &admin,
        need,
        "confirm",
        json!({"confirm": true, "owner": "孙立新", "plan": "5月底前完成"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = app.api_get(&admin, "/api/v1/needs").await;
    assert_eq!(list["items"][0]["status"], "matched");
    assert_eq!(list["items"][0]["partner_name"], "东安区建设局");
    let (_, html) = b.get_text("/partners/lists").await;
    let projects = html.find("项目清单").unwrap();
    assert!(
        html[projects..].contains("整修3号楼至8号楼巷路")
            && html[projects..].contains("5月底前完成")
    );
    assert!(app.audited("need.confirm").await);
}

/// The issue `id` given by `admin` to the grid worker wangge1.
async fn assign_to_wangge1(app: &TestApp, admin: &str, id: i64) {
    let wangge = app.user_id("wangge1").await;
    let (status, _) = on_issue(app, admin, id, "assign", json!({"assignee_user_id": wangge})).await;
    assert_eq!(status, StatusCode::OK);
}

/// `POST /api/v1/needs/{need}/{step}` (claim, confirm) as the bearer of `token`.
async fn on_need(
    app: &TestApp,
    token: &str,
    need: i64,
    step: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.api_post(token, &format!("/api/v1/needs/{need}/{step}"), body).await
}

/// `POST /api/v1/affairs/{id}/{step}` (assign, resolve, rate …) as the bearer of `token`.
async fn on_issue(
    app: &TestApp,
    token: &str,
    id: i64,
    step: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.api_post(token, &format!("/api/v1/affairs/{id}/{step}"), body).await
}

async fn new_issue(app: &TestApp, token: &str, phone: Option<&str>) -> i64 {
    let body = app.created(token, "/api/v1/affairs", json!({"category": "road", "description": "巷路坑洼不平，雨天积水", "place": "3号楼至8号楼巷路", "reporter_phone": phone})).await;
    body["id"].as_i64().unwrap()
}

async fn a_rerouted_issue_keeps_its_history_and_reaches_the_rates(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let worker = app.token("wangge1").await;
    let city = app.new_partner(&admin, "东安区城管局", "government").await;
    let bureau = app.new_partner(&admin, "东安区建设局", "government").await;
    let inspector = liaison(&app, &admin, "chengguan", city).await;
    let builder = liaison(&app, &admin, "jianshe", bureau).await;
    app.post_refused(
        &worker,
        "/api/v1/affairs",
        json!({"category": "potholes", "description": "巷路坑洼不平"}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "affair_category_bad",
    )
    .await;
    let id = new_issue(&app, &worker, Some("13904511234")).await;
    let (_, got) = app.api_get(&worker, &format!("/api/v1/affairs/{id}")).await;
    // Reported Friday 2026-11-27: a road issue is resolved within 13 working days.
    assert_eq!(got["respond_by"], "2026-11-30");
    assert_eq!(got["resolve_by"], "2026-12-16");
    assert_eq!(got["reporter_phone"], "139****1234", "the phone is masked in the API too");
    let path = format!("/api/v1/affairs/{id}/assign");
    app.post_ok(&worker, &path, json!({"partner_id": city})).await;
    let (status, held) = app.api_get(&inspector, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(status, StatusCode::OK, "the unit holding it sees it");
    assert!(
        held["reporter_phone"].is_null(),
        "a unit gets no phone: the callback is the community's"
    );
    let (status, _) = app.api_get(&builder, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A re-route needs its reason.
    app.post_refused(
        &worker,
        &path,
        json!({"partner_id": bureau}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "affair_reroute_reason_missing",
    )
    .await;
    let got = app
        .post_ok(&worker, &path, json!({"partner_id": bureau, "reason": "路面整修归建设局"}))
        .await;
    let events = got["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["reported", "assigned", "rerouted"]);
    assert_eq!(events[2]["from_label"], "东安区城管局");
    assert_eq!(events[2]["to_label"], "东安区建设局");
    assert_eq!(events[2]["note"], "路面整修归建设局");
    let (status, _) = app.api_get(&inspector, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the first unit no longer sees it");
    let (status, _) = on_issue(&app, &builder, id, "rate", json!({"rating": "satisfied"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the callback is the community's, not the unit's");
    let (status, _) =
        on_issue(&app, &builder, id, "resolve", json!({"resolution": "拉来沙石整修一新"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = on_issue(&app, &worker, id, "rate", json!({"rating": "very_good"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) =
        on_issue(&app, &worker, id, "rate", json!({"rating": "basically_satisfied"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = on_issue(&app, &worker, id, "rate", json!({"rating": "dissatisfied"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "rated once");
    // A second issue, resolved by a worker and rated dissatisfied.
    let other = new_issue(&app, &worker, None).await;
    assign_to_wangge1(&app, &admin, other).await;
    on_issue(&app, &worker, other, "resolve", json!({"resolution": "已协调"})).await;
    on_issue(&app, &admin, other, "rate", json!({"rating": "dissatisfied"})).await;
    let (_, v) = app.indicators(&admin, "2026-01-01", "2026-12-31").await;
    assert_eq!(v["indicators"]["affairs.resolved"], 2);
    assert_eq!(v["indicators"]["affairs.satisfaction"], 0.5);
    assert_eq!(v["details"]["affairs.satisfaction"]["numerator"], 1);
    assert_eq!(v["details"]["affairs.satisfaction"]["denominator"], 2);
    // Both were resolved on the day they came in: on time.
    assert_eq!(v["indicators"]["affairs.on_time_rate"], 1.0);
    assert_eq!(v["details"]["affairs.on_time_rate"]["denominator"], 2);
    let mut b = app.signed_in("admin").await;
    let (_, html) = b.get_text(&format!("/affairs/{id}")).await;
    assert!(
        html.contains("改派") && html.contains("路面整修归建设局") && html.contains("139****1234"),
        "{html}"
    );
    assert!(!html.contains("13904511234"));
    let (_, html) = b.get_text("/affairs").await;
    assert!(html.contains("2 / 2 件"), "both issues resolved of two reported: {html}");
    assert!(app.audited("affair.reroute").await);
}

/// A small JPEG with an EXIF segment carrying a GPS marker, as a phone would send.
fn jpeg_with_exif() -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&img).unwrap();
    let mut payload = b"Exif\0\0II*\0\x08\0\0\0\0\0".to_vec();
    payload.extend_from_slice(b"GPSLatitude=45.7569N;GPSLongitude=126.6424E");
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

async fn report(app: &TestApp, photo: Option<(&str, Vec<u8>)>, phone: &str) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("category", "road")
        .text("place", "3号楼门口")
        .text("description", "路面塌了一个坑，晚上看不见")
        .text("reporter_phone", phone.to_string());
    if let Some((name, bytes)) = photo {
        form =
            form.part("photos", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/public/report", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn report_photos_are_re_encoded_without_their_exif(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let original = jpeg_with_exif();
    assert!(original.windows(4).any(|w| w == b"Exif"), "the fixture carries EXIF");
    let res = report(&app, Some(("not-a-photo.jpg", b"%PDF-1.4 not an image".to_vec())), "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("只能上传 JPG 或 PNG"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM affairs").await,
        0,
        "a refused report records nothing"
    );
    let res = report(&app, Some(("IMG_0001.jpg", original)), "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = app.count("SELECT MAX(id) FROM affairs").await;
    let admin = app.token("admin").await;
    let (_, got) = app.api_get(&admin, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(got["channel"], "phone_page");
    let photo_id = got["photos"][0]["id"].as_i64().unwrap();
    let mut b = app.signed_in("admin").await;
    let res = b.get(&format!("/affairs/{id}/photos/{photo_id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let stored = res.bytes().await.unwrap();
    assert_eq!(&stored[..2], &[0xFF, 0xD8]);
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "no EXIF segment survives");
    assert!(!stored.windows(11).any(|w| w == b"GPSLatitude"), "no location survives");
    let back = image::load_from_memory(&stored).unwrap();
    assert_eq!((back.width(), back.height()), (64, 48), "the picture itself is kept");
    let res = app.browser().get(&format!("/affairs/{id}/photos/{photo_id}")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "photos are not public");
    // Whoever fixes it may show the work done: the same re-encoding.
    assign_to_wangge1(&app, &admin, id).await;
    let (w, csrf) = app.signed_in_with_csrf("wangge1").await;
    let form = reqwest::multipart::Form::new()
        .text("resolution", "已回填路面")
        .part("photos", reqwest::multipart::Part::bytes(jpeg_with_exif()).file_name("after.jpg"));
    let res = w.post_upload(&format!("/affairs/{id}/resolve"), &csrf, form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, got) = app.api_get(&admin, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(got["status"], "resolved");
    assert_eq!(got["photos"][1]["stage"], "resolve");
    let after = got["photos"][1]["id"].as_i64().unwrap();
    let stored = b.get(&format!("/affairs/{id}/photos/{after}")).await.bytes().await.unwrap();
    assert!(!stored.windows(11).any(|w| w == b"GPSLatitude"));
}

async fn the_public_progress_page_shows_no_phone_and_no_name(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let res = report(&app, None, "13812345678").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let progress = Browser::location(&res);
    assert!(progress.starts_with("/public/affairs/"), "{progress}");
    assert_eq!(progress.len(), "/public/affairs/".len() + 8, "{progress}");
    let id = app.count("SELECT MAX(id) FROM affairs").await;
    let admin = app.token("admin").await;
    assign_to_wangge1(&app, &admin, id).await;
    let worker = app.token("wangge1").await;
    on_issue(&app, &worker, id, "progress", json!({"note": "已联系施工队，明天修补"})).await;
    let html = app.public_text(&progress).await;
    assert!(html.contains("办理中") && html.contains("已联系施工队"), "{html}");
    assert!(html.contains("社区工作人员"), "the worker shows as community staff");
    for secret in ["13812345678", "138****5678", "李娜", "wangge1", "王建华"] {
        assert!(!html.contains(secret), "the public page shows {secret}");
    }
    let html = app.public_get("/public/affairs/209900000").await;
    assert_eq!(html.status(), StatusCode::NOT_FOUND);
    let mut b = app.signed_in("wangge1").await;
    let (_, home) = b.get_text("/").await;
    assert!(!home.contains("13812345678"));
}

async fn categories_and_their_deadlines_are_configured_per_community(engine: Engine) {
    let Some((app, worker)) = app_and_token(engine, "wangge1").await else {
        return;
    };
    let (_, cats) = app.api_get(&worker, "/api/v1/affair-categories").await;
    assert_eq!(cats["total"], 7, "the defaults until the community sets its own");
    let bad = json!({"items": [{"code": "Heating!", "name_zh": "供暖", "respond_days": 0, "resolve_days": 1}]});
    let (status, _) = app.api_put(&worker, "/api/v1/affair-categories", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let ours = json!({"items": [
        {"code": "heating", "name_zh": "供暖", "name_en": "Heating", "respond_days": 0, "resolve_days": 1},
        {"code": "road", "name_zh": "道路", "respond_days": 1, "resolve_days": 10}
    ]});
    let (status, got) = app.api_put(&worker, "/api/v1/affair-categories", ours).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["total"], 2);
    let body = app
        .created(
            &worker,
            "/api/v1/affairs",
            json!({"category": "heating", "description": "暖气不热，室温只有12度"}),
        )
        .await;
    let (_, got) = app.api_get(&worker, &format!("/api/v1/affairs/{}", body["id"])).await;
    // Reported Friday 2026-11-27: respond the same day, resolve by Monday.
    assert_eq!(
        (got["respond_by"].as_str(), got["resolve_by"].as_str()),
        (Some("2026-11-27"), Some("2026-11-30"))
    );
    let (status, _) = app
        .api_post(
            &worker,
            "/api/v1/affairs",
            json!({"category": "noise", "description": "夜里广场舞噪音"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a category the community dropped takes no new reports"
    );
}

async fn an_issue_in_a_building_reaches_its_building_head_and_no_other(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let three = app.place_id("building", "3号楼").await;
    let twelve = app.place_id("building", "12号楼").await;
    let mut ids = Vec::new();
    for (place, text) in [(three, "3号楼门口井盖松动"), (twelve, "12号楼垃圾桶满了")]
    {
        let body = app
            .created(
                &admin,
                "/api/v1/affairs",
                json!({"category": "safety", "description": text, "place_id": place}),
            )
            .await;
        ids.push(body["id"].as_i64().unwrap());
    }
    let head = app.token("louzhang").await;
    let list = app.get_ok(&head, "/api/v1/affairs").await;
    assert_eq!(list["total"], 1, "only 3号楼 and 4号楼: {list}");
    assert_eq!(list["items"][0]["place_name"], "3号楼");
    let (status, _) = app.api_get(&head, &format!("/api/v1/affairs/{}", ids[1])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .api_post(&head, &format!("/api/v1/affairs/{}/assign", ids[0]), json!({"partner_id": 1}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a building head sees but does not dispatch");
    // A safety hazard is answered the same day (Friday 2026-11-27) and resolved by Monday.
    let (_, got) = app.api_get(&admin, &format!("/api/v1/affairs/{}", ids[0])).await;
    assert_eq!(
        (got["respond_by"].as_str(), got["resolve_by"].as_str()),
        (Some("2026-11-27"), Some("2026-11-30"))
    );
}

/// Posts the activity form of `partner_id` as `b`, a signed-in browser, with `photo` if any.
async fn post_activity(
    b: &mut crate::support::Browser,
    partner_id: i64,
    note: &str,
    photo: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let csrf = b.csrf().await;
    let mut form = reqwest::multipart::Form::new()
        .text("kind", "health_lecture")
        .text("on", "2026-11-20")
        .text("place", "社区党校教室")
        .text("participants", "38")
        .text("note", note.to_string())
        .text("residents_served", "3号楼独居老人12户");
    if let Some((name, bytes)) = photo {
        form =
            form.part("photos", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    }
    let res = b.post_upload(&format!("/partners/{partner_id}/activities"), &csrf, form).await;
    // Keep the flash the page shows next, as a browser would.
    for v in res.headers().get_all("set-cookie") {
        let pair = v.to_str().unwrap().split(';').next().unwrap();
        if let Some((k, val)) = pair.split_once('=') {
            b.cookies.retain(|(n, _)| n != k);
            if !val.is_empty() {
                b.cookies.push((k.to_string(), val.to_string()));
            }
        }
    }
    res
}

async fn activity_photos_lose_their_exif_and_stay_with_the_unit(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let clinic = app.new_partner(&admin, "绿苑社区医疗服务站", "hospital").await;
    let bureau = app.new_partner(&admin, "东安区建设局", "government").await;
    liaison(&app, &admin, "liuyisheng", clinic).await;
    liaison(&app, &admin, "sunlixin", bureau).await;
    let mut doctor = app.signed_in("liuyisheng").await;
    // Not a photo: the whole activity is refused, nothing is recorded.
    let res = post_activity(
        &mut doctor,
        clinic,
        "冬季养生讲座",
        Some(("slides.jpg", b"%PDF-1.4 not an image".to_vec())),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM partner_activities").await,
        0,
        "a refused photo records no activity"
    );
    let (_, page) = doctor.get_text(&format!("/partners/{clinic}")).await;
    assert!(page.contains("只能上传 JPG 或 PNG"), "the liaison is told why");
    let original = jpeg_with_exif();
    assert!(original.windows(11).any(|w| w == b"GPSLatitude"));
    let res =
        post_activity(&mut doctor, clinic, "冬季养生讲座", Some(("IMG_0420.jpg", original))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let photo_id = app.count("SELECT MAX(id) FROM partner_activity_photos").await;
    assert!(photo_id > 0, "the photo is kept");
    let src = format!("/partners/{clinic}/photos/{photo_id}");
    // The unit's page and the activities list show who was served and the thumbnail.
    let (_, page) = doctor.get_text(&format!("/partners/{clinic}")).await;
    assert!(page.contains("3号楼独居老人12户"));
    assert!(page.contains(&src), "the liaison sees its thumbnail");
    let mut staff = app.signed_in("admin").await;
    let (_, list) = staff.get_text("/partners/activities?year=2026").await;
    assert!(list.contains("冬季养生讲座") && list.contains(&src));
    let res = staff.get(&src).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let stored = res.bytes().await.unwrap();
    assert_eq!(&stored[..2], &[0xFF, 0xD8]);
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "no EXIF survives");
    assert!(!stored.windows(11).any(|w| w == b"GPSLatitude"), "no location survives");
    let back = image::load_from_memory(&stored).unwrap();
    assert_eq!((back.width(), back.height()), (64, 48));
    // Another unit's liaison: the photo does not exist, under either unit's address.
    let mut other = app.signed_in("sunlixin").await;
    assert_eq!(other.get(&src).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("/partners/{bureau}/photos/{photo_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, own_list) = other.get_text("/partners/activities?year=2026").await;
    assert!(!own_list.contains(&src), "nor its thumbnail");
    assert_eq!(
        app.browser().get(&src).await.status(),
        StatusCode::SEE_OTHER,
        "photos are not public"
    );
    assert!(app.audited("partner.activity").await);
}

async fn the_issues_page_edits_categories_and_their_deadlines(engine: Engine) {
    let Some((app, mut b)) = app_and_browser(engine, "wangge1").await else {
        return;
    };
    let (_, page) = b.get_text("/affairs").await;
    assert!(page.contains("诉求类别与办理时限") && page.contains("name=\"code_6\""));
    // The form as posted: road resolved within 10 days, noise no longer ticked, heating added.
    let csrf = b.csrf().await;
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), csrf)];
    let defaults = [
        ("road", "道路", "1", "10"),
        ("lighting", "照明", "1", "5"),
        ("sanitation", "环境卫生", "1", "3"),
        ("greening", "绿化", "1", "13"),
        ("noise", "噪音", "1", "3"),
        ("safety", "安全隐患", "0", "1"),
        ("other", "其他诉求", "1", "13"),
    ];
    for (i, (code, name, respond, resolve)) in defaults.iter().enumerate() {
        form.push((format!("code_{i}"), code.to_string()));
        form.push((format!("name_{i}"), name.to_string()));
        form.push((format!("respond_{i}"), respond.to_string()));
        form.push((format!("resolve_{i}"), resolve.to_string()));
        if *code != "noise" {
            form.push((format!("active_{i}"), "1".into()));
        }
    }
    let with_new = |code: &str, respond: &str, resolve: &str| {
        let mut f = form.clone();
        f.extend([
            ("code_new".to_string(), code.to_string()),
            ("name_new".to_string(), "供暖".to_string()),
            ("respond_new".to_string(), respond.to_string()),
            ("resolve_new".to_string(), resolve.to_string()),
        ]);
        f
    };
    // Resolving sooner than responding is refused, and nothing changes.
    let bad = with_new("heating", "3", "1");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post_form_redirected("/affairs/categories", &bad).await;
    let (_, page) = b.get_text("/affairs").await;
    assert!(page.contains("办结时限不少于响应时限"), "the worker is told why");
    let worker = app.token("wangge1").await;
    let (_, cats) = app.api_get(&worker, "/api/v1/affair-categories").await;
    assert_eq!(cats["total"], 7);
    let good = with_new("Heating", "0", "1");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post_form_redirected("/affairs/categories", &good).await;
    let (_, page) = b.get_text("/affairs").await;
    assert!(page.contains("诉求类别已保存"));
    let (_, cats) = app.api_get(&worker, "/api/v1/affair-categories").await;
    let codes = texts_of(&cats["items"], "code");
    assert_eq!(codes, ["road", "lighting", "sanitation", "greening", "safety", "other", "heating"]);
    assert_eq!(cats["items"][0]["resolve_days"], 10);
    // A road issue reported on Friday 2026-11-27 is now due ten working days later.
    let body = app
        .created(&worker, "/api/v1/affairs", json!({"category": "road", "description": "井盖松动"}))
        .await;
    let (_, got) = app.api_get(&worker, &format!("/api/v1/affairs/{}", body["id"])).await;
    assert_eq!(got["resolve_by"], "2026-12-11");
    let (status, _) = app
        .api_post(
            &worker,
            "/api/v1/affairs",
            json!({"category": "noise", "description": "夜里施工噪音"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "noise takes no new reports");
    assert!(app.audited("affair.categories").await);
    // A partner liaison does not edit the community's categories.
    let admin = app.token("admin").await;
    let clinic = app.new_partner(&admin, "绿苑社区医疗服务站", "hospital").await;
    liaison(&app, &admin, "liuyisheng", clinic).await;
    let mut l = app.signed_in("liuyisheng").await;
    let (_, page) = l.get_text("/affairs").await;
    assert!(!page.contains("categories-form"));
    let mut good = good;
    let theirs = l.csrf().await;
    good[0] = ("_csrf", theirs.as_str());
    let res = l.post_form("/affairs/categories", &good).await;
    assert!(
        res.status() == StatusCode::FORBIDDEN || res.status() == StatusCode::NOT_FOUND,
        "{}",
        res.status()
    );
}

async fn the_demo_year_of_issues_gives_believable_rates(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let community = app.place_id("community", "Xx社区").await;
    app.db
        .write(move |c| linli_demo::partners::populate(c, community, crate::support::start_time()))
        .await
        .unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM affairs").await, 22);
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT category) FROM affairs").await,
        7,
        "every default category has issues"
    );
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT substr(reported_on, 1, 7)) FROM affairs").await,
        11,
        "spread over the year's months"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM affairs WHERE rating = 'dissatisfied'").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM affair_events WHERE kind = 'rerouted' AND note <> ''")
            .await,
        3,
        "re-routes carry their reason"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM affairs WHERE status IN ('assigned', 'in_progress') AND resolve_by < '2026-11-27'")
            .await,
        1,
        "one overdue"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM affairs WHERE assignee_partner_id IS NOT NULL").await >= 10,
        "most go to partner units"
    );
    let mut b = app.signed_in("admin").await;
    let (_, page) = b.get_text("/affairs").await;
    for (pct, share) in [("86", "19"), ("77", "17")] {
        assert!(
            page.contains(&format!("{pct}</a><span class=\"stat-unit\">%</span>")),
            "{pct}% expected"
        );
        assert!(page.contains(&format!("{share}/22")) || page.contains(&format!("{share} / 22")));
    }
    assert!(page.contains("93</a><span class=\"stat-unit\">%</span>"), "satisfaction 15 of 16");
    // The alley story is intact: from report to the construction bureau's repair and rating.
    let (_, alley) = app.api_get(&app.token("admin").await, "/api/v1/affairs?status=closed").await;
    assert!(alley.to_string().contains("巷路"));
}

async fn an_issue_given_to_a_worker_outside_her_grid_is_on_her_lists(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    // 20号楼 lies outside 第一网格 (1-16号楼), wangge1's grid.
    let twenty = app.place_id("building", "20号楼").await;
    let body = app.created(&admin, "/api/v1/affairs", serde_json::json!({"category": "lighting", "description": "20号楼门前路灯不亮", "place_id": twenty})).await;
    let id = body["id"].as_i64().unwrap();
    let worker_id = app.user_id("wangge1").await;
    let mut b = app.signed_in("wangge1").await;
    let (_, html) = b.get_text("/affairs").await;
    assert!(!html.contains("20号楼门前路灯不亮"), "not hers before it is given to her");
    app.post_ok(
        &admin,
        &format!("/api/v1/affairs/{id}/assign"),
        serde_json::json!({"assignee_user_id": worker_id, "due_on": "2026-12-04"}),
    )
    .await;
    let (_, html) = b.get_text("/affairs").await;
    assert!(html.contains("20号楼门前路灯不亮"), "given to her, it is on her list");
    let token = app.token("wangge1").await;
    let (_, list) = app.api_get(&token, "/api/v1/affairs").await;
    assert!(list.to_string().contains("20号楼门前路灯不亮"), "and in the API's list");
}

async fn partner_records_of_another_community_are_not_found(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    // Community A (Xx社区): a unit, its agreement and a need.
    let admin = app.token("admin").await;
    let clinic = app.new_partner(&admin, "绿苑社区医疗服务站", "hospital").await;
    let deal =
        agreement(&app, &admin, clinic, json!([{"kind": "health_lecture", "target_per_year": 6}]))
            .await;
    let body = app.created(&admin, "/api/v1/needs", json!({"title": "巷路硬化"})).await;
    let need = body["id"].as_i64().unwrap();
    // Community B's admin, with a unit of its own.
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let own = app.new_partner(&other, "东风小学", "school").await;
    for path in [format!("/api/v1/partners/{clinic}"), format!("/api/v1/agreements/{deal}")] {
        let (status, body) = app.api_get(&other, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (_, list) = app.api_get(&other, "/api/v1/partners").await;
    assert_eq!(list["total"], 1, "{list}");
    let (_, needs) = app.api_get(&other, "/api/v1/needs").await;
    assert_eq!(needs["total"], 0, "{needs}");
    let (status, body) = on_need(&app, &other, need, "claim", json!({"partner_id": own})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = on_need(&app, &other, need, "confirm", json!({"confirm": true})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // A's unit cannot be named in B's records either.
    app.post_refused(&other, "/api/v1/agreements", json!({"partner_id": clinic, "signed_on": "2026-03-01", "valid_from": "2026-03-01", "valid_to": "2026-12-31"}), StatusCode::UNPROCESSABLE_ENTITY, "partner_missing").await;
    let mut page = app.signed_in("dongfeng").await;
    page.assert_not_found(&[format!("/partners/{clinic}"), format!("/partners/{clinic}/photos/1")])
        .await;
    let text = page.get_ok("/partners/agreements?all=1").await;
    assert!(!text.contains("绿苑社区医疗服务站"), "{text}");
    // Nothing of A changed.
    let (_, n) = app.api_get(&admin, "/api/v1/needs").await;
    assert_eq!(n["items"][0]["status"], "open", "{n}");
}

async fn issues_of_another_community_are_not_found(engine: Engine) {
    let Some((app, admin)) = app_and_token(engine, "admin").await else {
        return;
    };
    let id = new_issue(&app, &admin, Some("13904511234")).await;
    app.second_community("dongfeng").await;
    let other = app.token("dongfeng").await;
    let own = app.new_partner(&other, "东风供电所", "state_enterprise").await;
    let (status, body) = app.api_get(&other, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (_, list) = app.api_get(&other, "/api/v1/affairs").await;
    assert_eq!(list["total"], 0, "{list}");
    let steps = [
        ("assign", json!({"partner_id": own})),
        ("progress", json!({"note": "已到现场"})),
        ("resolve", json!({"resolution": "已修好"})),
        ("rate", json!({"rating": "satisfied"})),
        ("need", json!({})),
    ];
    for (step, body) in steps {
        let (status, answer) =
            app.api_post(&other, &format!("/api/v1/affairs/{id}/{step}"), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{step}: {answer}");
    }
    let mut page = app.signed_in("dongfeng").await;
    page.assert_not_found(&[format!("/affairs/{id}"), format!("/affairs/{id}/photos/1")]).await;
    // A's issue is as it was: reported, with only its report in the history.
    let a = app.get_ok(&admin, &format!("/api/v1/affairs/{id}")).await;
    assert_eq!(a["status"], "reported", "{a}");
    assert_eq!(a["events"].as_array().map(Vec::len), Some(1), "{a}");
}

/// The callback: the worker holding the issue and the staff who dispatch it may show the
/// reporter's whole number (each reveal audited); a building head who only views it may not,
/// and the rating is chosen, never preselected.
async fn the_one_who_calls_back_sees_the_whole_number_audited(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let res = report(&app, None, "13812345678").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = app.count("SELECT MAX(id) FROM affairs").await;
    let admin = app.token("admin").await;
    assign_to_wangge1(&app, &admin, id).await;

    let reveal = format!("/affairs/{id}/reveal-phone");
    let mut worker = app.signed_in("wangge1").await;
    let (_, html) = worker.get_text(&format!("/affairs/{id}")).await;
    assert!(!html.contains("13812345678"), "masked until asked");
    assert!(html.contains(&format!("action=\"{reveal}\"")), "{html}");
    let csrf = worker.csrf().await;
    let html = worker.post_form_answered(&reveal, &[("_csrf", &csrf)], StatusCode::OK).await;
    assert!(html.contains("href=\"tel:13812345678\""), "{html}");
    assert_eq!(app.audit_count("affair.reveal_phone").await, 1);

    // The building head of 3号楼 may read the issue but not call back in the community's name.
    let (mut head, csrf) = app.signed_in_with_csrf("louzhang").await;
    let res = head.post_form(&reveal, &[("_csrf", &csrf)]).await;
    assert!(
        res.status() == StatusCode::FORBIDDEN || res.status() == StatusCode::NOT_FOUND,
        "{}",
        res.status()
    );

    // Resolved, the callback form asks for a rating without choosing one.
    let worker_token = app.token("wangge1").await;
    let (status, body) =
        on_issue(&app, &worker_token, id, "resolve", json!({"resolution": "已修补"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut director = app.signed_in("admin").await;
    let (_, html) = director.get_text(&format!("/affairs/{id}")).await;
    assert!(html.contains("id=\"rate-form\"") && html.contains(&format!("action=\"{reveal}\"")));
    assert!(!html.contains("checked"), "no rating preselected");
}
